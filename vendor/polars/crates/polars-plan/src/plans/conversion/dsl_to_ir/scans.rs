use std::io::{BufReader, Cursor};
use std::num::NonZeroU32;
use std::sync::{LazyLock, RwLock};

use either::Either;
use polars_buffer::Buffer;
use polars_core::runtime::ASYNC;
use polars_io::RowIndex;
use polars_io::cloud::concurrency_config::FetchConfig;
use polars_io::csv::read::streaming::read_until_start_and_infer_schema;
use polars_io::prelude::*;
use polars_io::utils::byte_source::{ByteSource, DynByteSourceBuilder};
use polars_io::utils::compression::{ByteSourceReader, CompressedReader, SupportedCompression};
use polars_io::utils::stream_buf_reader::ReaderSource;

use super::*;
#[cfg(feature = "parquet")]
use crate::dsl::MetadataPerSource::Unresolved;
#[cfg(feature = "parquet")]
use crate::plans::parquet_footers::{
    read_footers, read_parquet_metadata, read_parquet_num_rows, resolve_for_splitting,
    select_footer_indices,
};

pub(super) async fn dsl_to_ir(
    sources: ScanSources,
    mut unified_scan_args_box: Box<UnifiedScanArgs>,
    scan_type: Box<FileScanDsl>,
    cached_ir: Arc<Mutex<Option<IR>>>,
    cache_file_info: SourcesToFileInfo,
    #[cfg(feature = "python")] py_scan_resolve_threadpool: Arc<
        LazyLock<Arc<PyScanResolveThreadPool>>,
    >,
    verbose: bool,
) -> PolarsResult<()> {
    // Note that resolved footer metadata can still be re-indexed or dropped
    // later if the files were filtered from predicate pushdown.
    // Check and drop the lock in its own scope
    let is_not_cached = {
        let cached_ir_guard = cached_ir.lock().unwrap();
        cached_ir_guard.is_none()
    };

    if is_not_cached {
        let unified_scan_args = unified_scan_args_box.as_mut();

        if let Some(hive_schema) = unified_scan_args.hive_options.schema.as_deref() {
            match unified_scan_args.hive_options.enabled {
                // Enable hive_partitioning if it is unspecified but a non-empty hive_schema given
                None if !hive_schema.is_empty() => {
                    unified_scan_args.hive_options.enabled = Some(true)
                },
                // hive_partitioning was explicitly disabled
                Some(false) => polars_bail!(
                    ComputeError:
                    "a hive schema was given but hive_partitioning was disabled"
                ),
                Some(true) | None => {},
            }
        }

        let sources_before_expansion = &sources;

        let mut bytes_per_source = unified_scan_args.source_sizes.clone();
        let sources = if !unified_scan_args.expand_paths {
            sources.clone()
        } else {
            match &*scan_type {
                #[cfg(feature = "parquet")]
                FileScanDsl::Parquet { .. } => {
                    let (sources, bytes) = sources
                        .expand_paths_with_hive_update(unified_scan_args)
                        .await?;
                    bytes_per_source = bytes.map(Buffer::from_owner).or(bytes_per_source);
                    sources
                },
                #[cfg(feature = "ipc")]
                FileScanDsl::Ipc { .. } => {
                    sources
                        .expand_paths_with_hive_update(unified_scan_args)
                        .await?
                        .0
                },
                #[cfg(feature = "csv")]
                FileScanDsl::Csv { .. } => sources.expand_paths(unified_scan_args).await?,
                #[cfg(feature = "json")]
                FileScanDsl::NDJson { .. } => sources.expand_paths(unified_scan_args).await?,
                #[cfg(feature = "python")]
                FileScanDsl::PythonDataset { .. } => {
                    // There are a lot of places that short-circuit if the paths is empty,
                    // so we just give a dummy path here.
                    ScanSources::Paths(Buffer::from_owner([PlRefPath::new("PL_PY_DSET")]))
                },
                #[cfg(feature = "scan_lines")]
                FileScanDsl::Lines { .. } => sources.expand_paths(unified_scan_args).await?,
                FileScanDsl::ExpandedPaths { .. } => {
                    sources.expand_paths(unified_scan_args).await?
                },
                FileScanDsl::ExternalReaderBuilder { .. } => {
                    sources.expand_paths(unified_scan_args).await?
                },
                FileScanDsl::Anonymous { .. } => sources.clone(),
            }
        };

        if let Some(sizes) = &bytes_per_source {
            polars_ensure!(
                sizes.len() == sources.len(),
                ShapeMismatch:
                "number of source sizes ({}) does not match number of scan sources ({})",
                sizes.len(),
                sources.len(),
            );
        }

        // For cloud we must deduplicate files. Serialization/deserialization leads to Arc's losing there
        // sharing.
        let (mut file_info, scan_type_ir) = {
            cache_file_info
                .get_or_insert(
                    &scan_type,
                    &sources,
                    sources_before_expansion,
                    bytes_per_source,
                    unified_scan_args,
                    #[cfg(feature = "python")]
                    py_scan_resolve_threadpool,
                    verbose,
                )
                .await?
        };

        // Footer statistics are keyed on the file column names.
        if unified_scan_args.column_mapping.is_some() {
            file_info.stats = ScanStats::new(file_info.stats.rows);
        }

        if unified_scan_args.hive_options.enabled.is_none() {
            // We expect this to be `Some(_)` after this point. If it hasn't been auto-enabled
            // we explicitly set it to disabled.
            unified_scan_args.hive_options.enabled = Some(false);
        }

        let hive_parts = if unified_scan_args.hive_options.enabled.unwrap()
            && let Some(file_schema) = file_info.reader_schema.as_ref()
        {
            let paths = sources
                .as_paths()
                .ok_or_else(|| polars_err!(nyi = "Hive-partitioning of in-memory buffers"))?;

            #[allow(unused_assignments)]
            let mut owned = None;

            hive_partitions_from_paths(
                paths,
                unified_scan_args.hive_options.hive_start_idx,
                unified_scan_args.hive_options.schema.clone(),
                match file_schema {
                    Either::Left(v) => {
                        owned = Some(Schema::from_arrow_schema(v.as_ref()));
                        owned.as_ref().unwrap()
                    },
                    Either::Right(v) => v.as_ref(),
                },
                unified_scan_args.hive_options.try_parse_dates,
            )?
        } else {
            None
        };

        if let Some(ref hive_parts) = hive_parts {
            let hive_schema = hive_parts.schema();
            file_info.update_schema_with_hive_schema(hive_schema.clone());
        } else if let Some(hive_schema) = unified_scan_args.hive_options.schema.clone() {
            // We hit here if we are passed the `hive_schema` to `scan_parquet` but end up with an empty file
            // list during path expansion. In this case we still want to return an empty DataFrame with this
            // schema.
            file_info.update_schema_with_hive_schema(hive_schema);
        }

        if let Some(ref file_path_col) = unified_scan_args.include_file_paths {
            let schema: &mut Schema = Arc::make_mut(&mut file_info.schema);

            if schema.contains(file_path_col) {
                polars_bail!(
                    Duplicate: r#"column name for file paths "{}" conflicts with column name from file"#,
                    file_path_col
                );
            }

            schema.insert_at_index(schema.len(), file_path_col.clone(), DataType::String)?;
        }

        unified_scan_args.projection = if let Some(file_schema) = file_info.reader_schema.as_ref() {
            maybe_init_projection_excluding_hive(
                file_schema,
                hive_parts.as_ref().map(|h| h.schema()),
            )
        } else {
            None
        };

        if let Some(row_index) = &unified_scan_args.row_index {
            let schema = Arc::make_mut(&mut file_info.schema);
            *schema = schema
                .new_inserting_at_index(0, row_index.name.clone(), IDX_DTYPE)
                .unwrap();
        }

        let ir = if sources.is_empty()
            && !matches!(
                &(*scan_type),
                FileScanDsl::Anonymous { .. } | FileScanDsl::ExternalReaderBuilder { .. }
            ) {
            IR::DataFrameScan {
                df: Arc::new(DataFrame::empty_with_schema(&file_info.schema)),
                schema: file_info.schema,
                output_schema: None,
            }
        } else {
            let unified_scan_args = unified_scan_args_box;

            IR::Scan {
                sources,
                file_info,
                hive_parts,
                predicate: None,
                predicate_file_skip_applied: None,
                scan_type: Box::new(scan_type_ir),
                output_schema: None,
                unified_scan_args,
                maintain_order: true,
            }
        };

        let mut cached_ir = cached_ir.lock().unwrap();
        cached_ir.replace(ir);
    }

    Ok(())
}

pub(super) fn insert_row_index_to_schema(
    schema: &mut Schema,
    name: PlSmallStr,
) -> PolarsResult<()> {
    if schema.contains(&name) {
        polars_bail!(
            Duplicate:
            "cannot add row_index with name '{}': \
            column already exists in file.",
            name,
        )
    }

    schema.insert_at_index(0, name, IDX_DTYPE)?;

    Ok(())
}

#[cfg(any(feature = "parquet", feature = "ipc"))]
fn prepare_output_schema(
    mut schema: Schema,
    row_index: Option<&RowIndex>,
) -> PolarsResult<SchemaRef> {
    if let Some(rc) = row_index {
        insert_row_index_to_schema(&mut schema, rc.name.clone())?;
    }
    Ok(Arc::new(schema))
}

#[cfg(any(feature = "json", feature = "csv"))]
fn prepare_schemas(
    mut schema: Schema,
    row_index: Option<&RowIndex>,
) -> PolarsResult<(SchemaRef, SchemaRef)> {
    Ok(if let Some(rc) = row_index {
        let reader_schema = schema.clone();
        insert_row_index_to_schema(&mut schema, rc.name.clone())?;
        (Arc::new(reader_schema), Arc::new(schema))
    } else {
        let schema = Arc::new(schema);
        (schema.clone(), schema)
    })
}

/// Whether a (decompressed) slice from progressive schema inference holds the rest of the file:
/// everything was fetched, and when compressed, the decompressor gave less than was asked for.
#[cfg(any(feature = "json", feature = "csv"))]
fn slice_reaches_eof(
    offset: usize,
    file_size: usize,
    compression: Option<SupportedCompression>,
    bytes_read: usize,
    read_size: usize,
) -> bool {
    offset >= file_size && (compression.is_none() || bytes_read < read_size)
}

/// Before EOF a slice from progressive schema inference may end inside a row. Keep only the
/// complete rows, so that we neither count nor infer from an incomplete row. `complete_len`
/// returns the length of the complete rows in the given bytes.
#[cfg(any(feature = "json", feature = "csv"))]
fn complete_rows(
    slice: Buffer<u8>,
    at_eof: bool,
    complete_len: impl FnOnce(&[u8]) -> usize,
) -> Buffer<u8> {
    if at_eof {
        return slice;
    }
    let complete_len = complete_len(&slice);
    slice.sliced(..complete_len)
}

#[cfg(feature = "parquet")]
pub(super) async fn parquet_file_info(
    sources: &ScanSources,
    row_index: Option<&RowIndex>,
    // Per-source byte sizes from path expansion, aligned with `sources`.
    bytes_per_source: Option<&[u64]>,
    // See `UnifiedScanArgs::resolve_heavy_sources`.
    resolve_heavy_sources: Option<NonZeroU32>,
    use_statistics: bool,
    #[allow(unused)] cloud_options: Option<&polars_io::cloud::CloudOptions>,
    decryption_properties: Option<&polars_io::parquet::read::PlFileDecryptionProperties>,
) -> PolarsResult<(FileInfo, MetadataPerSource)> {
    use futures::stream::{FuturesOrdered, FuturesUnordered, StreamExt};
    use polars_core::error::feature_gated;

    let n_sources = sources.len();
    let first_scan_source = sources.iter().next().expect("at least one source");

    // File 0: schema + num_rows + full metadata (schema comes from file 0 only;
    // no cross-file schema evolution). Built as a future so it runs concurrently
    // with the other-source reads below. File 0's schema is not borrowed by the
    // other-source reads, so they are independent and share a single concurrency
    // wave.
    let first_fut = async move {
        if first_scan_source.is_cloud_url() {
            let first_path = first_scan_source.as_path().unwrap();
            feature_gated!("cloud", {
                let mut reader =
                    ParquetObjectStore::from_uri(first_path.clone(), cloud_options, None)
                        .await?
                        .with_decryption_properties(decryption_properties.cloned());
                PolarsResult::Ok((
                    reader.schema().await?,
                    reader.num_rows().await?,
                    reader.get_metadata().await?.clone(),
                ))
            })
        } else {
            let memslice = first_scan_source.to_memslice()?;
            let mut cursor = Cursor::new(memslice);
            let metadata = polars_parquet::parquet::read::read_metadata_with_decryption(
                &mut cursor,
                decryption_properties.map(|p| &p.0),
                None,
            )?;
            let mut reader = ParquetReader::new(cursor);
            reader.set_metadata(Arc::new(metadata));
            PolarsResult::Ok((
                reader.schema()?,
                reader.num_rows()?,
                reader.get_metadata()?.clone(),
            ))
        }
    };

    // Resolve metadata for sources past the first, dispatched by
    // `POLARS_RESOLVE_METADATA_LEVEL`:
    // - `None`: extrapolate `first_num_rows * n_sources`, no extra reads.
    // - `RowCounts`: per-source thrift field 3 only, exact total.
    // - `Sampled`: read one concurrency wave of full footers and extrapolate.
    // - `Full`: read every footer, exact total.
    //
    // Every multi-source arm reads file 0 concurrently with the other sources
    // via `try_join`, so the schema read does not cost an extra serial round
    // trip; a file-0 error short-circuits and cancels the other reads.
    // Per-scan size resolution. `reader_schema` always comes from file 0;
    // only the size fields vary by mode. File 0's footer is always retained
    // in `metadata_per_source`.
    struct Resolution {
        reader_schema: ArrowSchemaRef,
        metadata_per_source: MetadataPerSource,
        known_size: Option<usize>,
        estimated_size: usize,
    }

    let mode = polars_config::config().resolve_metadata_level();
    let resolved = if n_sources == 1 {
        // Only file 0, so its count is exact and there is nothing to join.
        let (reader_schema, first_num_rows, first_metadata) = first_fut.await?;
        Resolution {
            reader_schema,
            metadata_per_source: MetadataPerSource::new([(0, first_metadata)], 1),
            known_size: Some(first_num_rows),
            estimated_size: first_num_rows,
        }
    } else {
        use polars_config::ResolveMode;

        // Use exact statistics when the sample covers every source.
        let partial_sample = matches!(mode, ResolveMode::Sampled)
            .then(|| {
                select_footer_indices(n_sources, bytes_per_source, resolve_heavy_sources, true)
            })
            // `+ 1` for source 0, which is read separately.
            .filter(|indices| indices.len() + 1 != n_sources);

        match mode {
            ResolveMode::None => {
                // No other-source reads; extrapolate from file 0 alone.
                let (reader_schema, first_num_rows, first_metadata) = first_fut.await?;
                Resolution {
                    reader_schema,
                    metadata_per_source: MetadataPerSource::new([(0, first_metadata)], n_sources),
                    known_size: None,
                    estimated_size: first_num_rows.saturating_mul(n_sources),
                }
            },
            ResolveMode::RowCounts => {
                // Every other file's row count (thrift field 3 only), read
                // concurrently with file 0.
                let rest_fut = async move {
                    let mut futures = (1..n_sources)
                        .map(|i| async move {
                            read_parquet_num_rows(
                                sources.at(i),
                                cloud_options,
                                decryption_properties,
                            )
                            .await
                        })
                        .collect::<FuturesUnordered<_>>();

                    // Best-effort: a file that fails to decode at plan time
                    // (e.g. an invalid file in a hive partition not yet pruned)
                    // simply contributes 0. If execution needs the file it
                    // errors then; if predicate pushdown prunes it first, it
                    // never matters.
                    let mut total = 0usize;
                    while let Some(res) = futures.next().await {
                        if let Ok(n) = res {
                            total = total.saturating_add(n as usize);
                        }
                    }
                    PolarsResult::Ok(total)
                };
                let ((reader_schema, first_num_rows, first_metadata), others) =
                    futures::future::try_join(first_fut, rest_fut).await?;
                let total = first_num_rows.saturating_add(others);
                Resolution {
                    reader_schema,
                    metadata_per_source: MetadataPerSource::new([(0, first_metadata)], n_sources),
                    known_size: Some(total),
                    estimated_size: total,
                }
            },
            // Partial `Sampled`: read the sample's footers, retain them, and
            // extrapolate the total (byte-weighted when sizes are known, else
            // the per-file mean).
            ResolveMode::Sampled if let Some(ref sample) = partial_sample => {
                let known_sizes = bytes_per_source.inspect(|b| {
                    debug_assert_eq!(b.len(), n_sources);
                    debug_assert!(b.iter().all(|&size| size > 0));
                });
                let rest_fut = async move {
                    let pairs =
                        read_footers(sources, sample, cloud_options, decryption_properties).await;
                    let rows = pairs
                        .iter()
                        .fold(0usize, |acc, (_, m)| acc.saturating_add(m.num_rows));
                    PolarsResult::Ok((pairs, rows))
                };
                let ((reader_schema, first_num_rows, first_metadata), (mut pairs, other_rows)) =
                    futures::future::try_join(first_fut, rest_fut).await?;
                // file 0 is always read.
                pairs.push((0, first_metadata));
                let sampled_rows = first_num_rows.saturating_add(other_rows);
                let n_read = pairs.len();
                let byte_estimate = known_sizes.and_then(|bytes| {
                    // A file is fixed overhead plus data pages, so raw size
                    // ratios overstate rows on small files. Learn
                    // rows-per-data-byte and mean overhead from the sample,
                    // then estimate the unread files from their listed sizes.
                    let mut sampled_data: u128 = 0;
                    let mut sampled_overhead: u128 = 0;
                    for (i, m) in &pairs {
                        let size = bytes[*i] as u128;
                        // Clamp so a malformed footer cannot underflow the
                        // overhead.
                        let data = m
                            .row_groups
                            .iter()
                            .map(|rg| rg.compressed_size() as u128)
                            .sum::<u128>()
                            .min(size);
                        sampled_data += data;
                        sampled_overhead += size - data;
                    }
                    // Unresolved covers unsampled and failed reads alike.
                    let total_bytes = bytes.iter().map(|&b| b as u128).sum::<u128>();
                    let unresolved_bytes = total_bytes - (sampled_data + sampled_overhead);
                    // A 0-row sample has no density to learn from; fall back.
                    (sampled_data > 0).then(|| {
                        let mean_overhead = sampled_overhead / n_read as u128;
                        let unresolved_files = (n_sources - n_read) as u128;
                        let unresolved_data =
                            unresolved_bytes.saturating_sub(mean_overhead * unresolved_files);
                        (sampled_rows as u128
                            + unresolved_data * sampled_rows as u128 / sampled_data)
                            as usize
                    })
                });
                let byte_weighted = byte_estimate.is_some();
                let estimated = byte_estimate.unwrap_or_else(|| {
                    // `n_read` is always >= 1 (file 0), so the division is safe.
                    ((sampled_rows as u128 * n_sources as u128) / n_read as u128) as usize
                });
                if verbose() {
                    eprintln!(
                        "parquet sampled resolve: read {n_read} / {n_sources} footers, \
                         estimated rows: {estimated} ({})",
                        if byte_weighted {
                            "byte-weighted"
                        } else {
                            "count-based"
                        },
                    );
                }
                Resolution {
                    reader_schema,
                    metadata_per_source: MetadataPerSource::new(pairs, n_sources),
                    known_size: None,
                    estimated_size: estimated,
                }
            },
            // `Full`, or `Sampled` whose wave already spans every source:
            // read and retain every footer.
            ResolveMode::Full | ResolveMode::Sampled => {
                // Each file decoded with its own schema: per-file schemas may
                // differ in columns, dtypes, or column order. Read concurrently
                // with file 0; `None` marks a file that failed to decode.
                let rest_fut = async move {
                    let mut futures = (1..n_sources)
                        .map(|i| {
                            read_parquet_metadata(
                                sources.at(i),
                                cloud_options,
                                decryption_properties,
                            )
                        })
                        .collect::<FuturesOrdered<_>>();
                    let mut rest: Vec<Option<FileMetadataRef>> = Vec::with_capacity(n_sources - 1);
                    while let Some(file_result) = futures.next().await {
                        rest.push(file_result.ok());
                    }
                    PolarsResult::Ok(rest)
                };
                let ((reader_schema, first_num_rows, first_metadata), rest) =
                    futures::future::try_join(first_fut, rest_fut).await?;

                // Source 0 is always read; a failed read is simply absent.
                let mut entries: Vec<(usize, FileMetadataRef)> = Vec::with_capacity(n_sources);
                entries.push((0, first_metadata));
                let mut total: usize = first_num_rows;
                for (i, slot) in rest.into_iter().enumerate() {
                    if let Some(m) = slot {
                        total = total.saturating_add(m.num_rows);
                        entries.push((i + 1, m));
                    }
                }
                let metadata_per_source = MetadataPerSource::new(entries, n_sources);
                // Exact only when every footer resolved.
                let known =
                    matches!(metadata_per_source, MetadataPerSource::Full(_)).then_some(total);
                Resolution {
                    reader_schema,
                    metadata_per_source,
                    known_size: known,
                    estimated_size: total,
                }
            },
        }
    };

    let schema = prepare_output_schema(
        Schema::from_arrow_schema(resolved.reader_schema.as_ref()),
        row_index,
    )?;

    let rows = match resolved.known_size {
        Some(known) => Card::Exact(known as u64),
        None => Card::approx(resolved.estimated_size as u64),
    };

    let columns = if use_statistics {
        parquet_column_stats(
            resolved.metadata_per_source.resolved_metadata(),
            resolved.metadata_per_source.is_full(),
            &resolved.reader_schema,
            polars_config::config().scan_chunk_statistics(),
        )
    } else {
        ScanColumnStatsMap::default()
    };

    let file_info = FileInfo::new(
        schema,
        Some(Either::Left(resolved.reader_schema)),
        ScanStats::new(rows).with_columns(columns),
    );

    Ok((file_info, resolved.metadata_per_source))
}

/// Relative error
#[cfg(feature = "parquet")]
const DISTINCT_COUNT_REL_ERR: f32 = 1.0;

/// Column chunks visited at most. A scan with more of them is sampled.
#[cfg(feature = "parquet")]
const CHUNK_BUDGET: usize = 8192;

/// Fold per-column statistics out of the resolved parquet footers.
///
/// Row groups beyond [`CHUNK_BUDGET`] chunks are sampled, which turns the
/// per-column counts and ranges into estimates.
///
/// `complete` says whether the footers cover every source. With `keep_row_groups`,
/// each column's stats also hold the statistics of every sampled row group. Their
/// bounds are decoded to the column's type in `reader_schema`.
#[cfg(feature = "parquet")]
fn parquet_column_stats(
    metadata: &[polars_io::parquet::metadata::FileMetadataRef],
    complete: bool,
    reader_schema: &ArrowSchema,
    keep_row_groups: bool,
) -> ScanColumnStatsMap {
    /// accumulated statistics over one root column (parquet leaf columns are excluded).
    #[derive(Default)]
    struct Acc {
        uncompressed: u64,
        nulls: u64,
        /// Set once any chunk lacked a null count.
        nulls_unknown: bool,
        /// `max` over row groups, a lower bound on the distinct count.
        distinct: Option<u64>,
        /// The column is nested, so leaf null counts are not the root's.
        nested: bool,
        /// Inclusive integer range folded over the chunks read so far.
        int_range: Option<(i128, i128)>,
        /// Set once a chunk carried no range, so part of the column is missing
        /// from the fold.
        int_range_incomplete: bool,
        /// The statistics of this column in each sampled row group, in the order the
        /// row groups are visited, collected only with `keep_row_groups`.
        row_groups: Option<Vec<RowGroupStats>>,
    }

    let resolved_rows: u64 = metadata.iter().map(|m| m.num_rows as u64).sum();
    if resolved_rows == 0 {
        return ScanColumnStatsMap::default();
    }

    let n_row_groups: usize = metadata.iter().map(|m| m.row_groups.len()).sum();
    let Some(n_columns) = metadata
        .iter()
        .flat_map(|m| m.row_groups.first())
        .map(|rg| rg.n_columns())
        .max()
        .filter(|n| *n > 0)
    else {
        return ScanColumnStatsMap::default();
    };

    let stride = n_row_groups.div_ceil((CHUNK_BUDGET / n_columns).max(1));
    let sampled = stride > 1;

    #[allow(clippy::disallowed_types)]
    let mut acc: PlHashMap<PlSmallStr, Acc> = PlHashMap::default();
    let mut sampled_rows: u64 = 0;
    let mut sampled_groups: u64 = 0;

    for (m, rg) in metadata
        .iter()
        .flat_map(|m| m.row_groups.iter().map(move |rg| (m, rg)))
        .step_by(stride)
    {
        let footer_buf = &m.footer_buf;
        sampled_rows += rg.num_rows() as u64;
        sampled_groups += 1;

        for (leaf, chunk) in rg.parquet_columns().iter().enumerate() {
            let path = &chunk.descriptor().path_in_schema;
            let Some(root) = path.first() else {
                continue;
            };
            let a = match acc.get_mut(root) {
                Some(a) => a,
                None => acc.entry(root.clone()).or_insert_with(|| Acc {
                    row_groups: keep_row_groups.then(Vec::new),
                    ..Default::default()
                }),
            };

            a.nested |= path.len() > 1;

            // Encrypted columns may be missing metadata if their key is unavailable.
            let (Ok(uncompressed_size), Ok(num_values)) =
                (chunk.uncompressed_size(), chunk.num_values())
            else {
                a.nulls_unknown = true;
                a.int_range_incomplete = true;
                // Without this row group, the others would no longer stand for the
                // sample's rows.
                a.row_groups = None;
                continue;
            };

            // A nested column is stored as several parquet leaf columns, whose bounds
            // don't add up to bounds of the column, so it gets no per-row-group
            // statistics.
            if a.nested {
                a.row_groups = None;
            }
            if let Some(row_groups) = &mut a.row_groups {
                match reader_schema
                    .get(root.as_str())
                    .and_then(|field| row_group_stats(field, m, rg, leaf))
                {
                    Some(stats) => row_groups.push(stats),
                    None => a.row_groups = None,
                }
            }
            a.uncompressed = a
                .uncompressed
                .saturating_add(uncompressed_size.max(0) as u64);

            let chunk_nulls = chunk.null_count().filter(|n| *n >= 0).map(|n| n as u64);
            match chunk_nulls {
                Some(n) => a.nulls = a.nulls.saturating_add(n),
                None => a.nulls_unknown = true,
            }

            // A distinct count may not exceed the values actually present.
            let non_null = (num_values.max(0) as u64).saturating_sub(chunk_nulls.unwrap_or(0));
            if let Some(d) = chunk.distinct_count().filter(|d| *d >= 0)
                && d as u64 <= non_null
            {
                a.distinct = Some(a.distinct.unwrap_or(0).max(d as u64));
            }

            if !a.int_range_incomplete {
                match chunk_int_range(chunk, footer_buf) {
                    Some((min, max)) => {
                        a.int_range = Some(match a.int_range {
                            Some((lo, hi)) => (lo.min(min), hi.max(max)),
                            None => (min, max),
                        });
                    },
                    None => a.int_range_incomplete = true,
                }
            }
        }
    }

    if sampled_rows == 0 {
        return ScanColumnStatsMap::default();
    }
    // One sampled row group says nothing about how far the others reach.
    let widen_range = sampled && sampled_groups > 1;

    acc.into_iter()
        .map(|(name, a)| {
            let stats = ScanColumnStats {
                distinct: match a.distinct {
                    Some(d) => Card::Approx {
                        value: d,
                        rel_err: DISTINCT_COUNT_REL_ERR,
                    },
                    None => Card::Unknown,
                },
                null_count: if a.nulls_unknown || a.nested || !complete {
                    Card::Unknown
                } else if sampled {
                    let per_row = a.nulls as f64 / sampled_rows as f64;
                    Card::approx((per_row * resolved_rows as f64) as u64)
                } else {
                    Card::Exact(a.nulls)
                },
                avg_byte_width: Some(a.uncompressed as f32 / sampled_rows as f32),
                int_range: if a.int_range_incomplete || a.nested {
                    None
                } else if widen_range {
                    a.int_range.map(|r| widen_sampled_range(r, sampled_groups))
                } else {
                    a.int_range
                },
                int_range_partial: !complete || (sampled && !widen_range),
                sampled_row_groups: a.row_groups.map(Arc::from),
            };
            (name, stats)
        })
        .collect()
}

/// The statistics of one column in one sampled row group, or `None` if the footer
/// doesn't hold the column chunk's sizes, as for an encrypted column without its key.
/// `leaf` is the index of the column's chunk within `row_group`, `metadata` is the
/// footer of the file that holds the row group, and `field` is the arrow field the
/// bounds are decoded as.
#[cfg(feature = "parquet")]
fn row_group_stats(
    field: &ArrowField,
    metadata: &polars_io::parquet::metadata::FileMetadata,
    row_group: &polars_parquet::read::RowGroupMetadata,
    leaf: usize,
) -> Option<RowGroupStats> {
    use polars_parquet::parquet::schema::types::PhysicalType;

    let chunk = &row_group.parquet_columns()[leaf];
    let non_negative = |v: i64| u64::try_from(v).ok();
    let value_width = match chunk.physical_type() {
        PhysicalType::Int32 | PhysicalType::Float => ValueWidth::Fixed(4),
        PhysicalType::Int64 | PhysicalType::Double => ValueWidth::Fixed(8),
        PhysicalType::Int96 => ValueWidth::Fixed(12),
        PhysicalType::FixedLenByteArray(width) => {
            ValueWidth::Fixed(u32::try_from(width).unwrap_or(u32::MAX))
        },
        PhysicalType::Boolean => ValueWidth::Bits,
        PhysicalType::ByteArray => ValueWidth::Variable,
    };
    // The dictionary page runs from its own offset up to the first data page.
    let compressed_size = chunk.compressed_size().ok()?;
    let dictionary_page_size = match chunk.dictionary_page_offset().ok()? {
        Some(dict) => Some(chunk.data_page_offset().ok()? - dict),
        None => None,
    }
    .filter(|&size| size > 0 && size <= compressed_size)
    .and_then(non_negative);
    // A categorical column is stored as its values, which its bounds are, so they are
    // read as those.
    let values_field;
    let field = match field.dtype() {
        ArrowDataType::Dictionary(_, values, _) => {
            values_field = ArrowField::new(field.name.clone(), values.as_ref().clone(), true);
            &values_field
        },
        _ => field,
    };
    let dtype = DataType::from_arrow_field(field);
    let bounds = polars_parquet::read::statistics::deserialize_all(
        field,
        std::slice::from_ref(row_group),
        leaf,
        metadata.column_order(leaf),
        &metadata.footer_buf,
    )
    .ok()
    .flatten()
    .and_then(|s| {
        Some((
            bound_as(s.min_value, &dtype)?,
            bound_as(s.max_value, &dtype)?,
        ))
    });
    Some(RowGroupStats {
        rows: row_group.num_rows() as u64,
        null_count: chunk.null_count().and_then(non_negative),
        distinct_count: chunk.distinct_count().and_then(non_negative),
        value_width,
        uncompressed_size: non_negative(chunk.uncompressed_size().ok()?).unwrap_or(0),
        dictionary_page_size,
        bounds,
    })
}

/// Converts a minimum or maximum read from the footer statistics, a single-value
/// array, to a value of `dtype`. `None` if the footer doesn't record it exactly.
///
/// Parquet stores a decimal as its unscaled integer, so a decimal bound is given the
/// column's precision and scale rather than cast: a cast would read 150 as 150.00
/// instead of 1.50.
#[cfg(feature = "parquet")]
fn bound_as(array: Box<dyn polars_arrow::array::Array>, dtype: &DataType) -> Option<Scalar> {
    let raw = Series::from_arrow(PlSmallStr::EMPTY, array).ok()?;
    let typed = match dtype {
        #[cfg(feature = "dtype-decimal")]
        DataType::Decimal(precision, scale) if raw.dtype().is_integer() => Some(
            raw.cast(&DataType::Int128)
                .ok()?
                .i128()
                .ok()?
                .clone()
                .into_decimal(*precision, *scale)
                .ok()?
                .into_series(),
        ),
        _ => raw.cast(dtype).ok(),
    }?;
    let value = typed.get(0).ok()?.into_static();
    (!value.is_null()).then(|| Scalar::new(typed.dtype().clone(), value))
}

/// Widen a range folded over `groups` (at least two) evenly spaced sampled row
/// groups by the span between two neighbouring samples. Rows past the outermost
/// samples likely hold values outside it, e.g. when the column is sorted.
#[cfg(feature = "parquet")]
fn widen_sampled_range((min, max): (i128, i128), groups: u64) -> (i128, i128) {
    let gap = (max - min) / i128::from(groups - 1);
    (min.saturating_sub(gap), max.saturating_add(gap))
}

/// Inclusive integer range of one column chunk, or `None` if it is not an integer
/// column or carries no usable min/max.
///
/// An unsigned column is stored as `Int32`/`Int64` with its bounds ordered as
/// unsigned.
#[cfg(feature = "parquet")]
fn chunk_int_range(
    chunk: &polars_parquet::parquet::metadata::ColumnChunkMetadata,
    footer_buf: &[u8],
) -> Option<(i128, i128)> {
    use polars_parquet::parquet::schema::types::PhysicalType;
    use polars_parquet::parquet::statistics::Statistics;

    if !matches!(
        chunk.physical_type(),
        PhysicalType::Int32 | PhysicalType::Int64
    ) {
        return None;
    }
    let unsigned = is_unsigned_int(&chunk.descriptor().descriptor.primitive_type);
    match chunk.statistics(footer_buf)?.ok()? {
        Statistics::Int32(s) if unsigned => {
            Some((s.min_value? as u32 as i128, s.max_value? as u32 as i128))
        },
        Statistics::Int32(s) => Some((s.min_value? as i128, s.max_value? as i128)),
        Statistics::Int64(s) if unsigned => {
            Some((s.min_value? as u64 as i128, s.max_value? as u64 as i128))
        },
        Statistics::Int64(s) => Some((s.min_value? as i128, s.max_value? as i128)),
        _ => None,
    }
}

/// Whether an `Int32`/`Int64` column holds unsigned values.
///
/// A writer may use either the logical or the older converted type; with neither
/// it is signed.
#[cfg(feature = "parquet")]
fn is_unsigned_int(primitive_type: &polars_parquet::parquet::schema::types::PrimitiveType) -> bool {
    use polars_parquet::parquet::schema::types::{
        IntegerType, PrimitiveConvertedType, PrimitiveLogicalType,
    };

    matches!(
        primitive_type.logical_type,
        Some(PrimitiveLogicalType::Integer(
            IntegerType::UInt8 | IntegerType::UInt16 | IntegerType::UInt32 | IntegerType::UInt64
        ))
    ) || matches!(
        primitive_type.converted_type,
        Some(
            PrimitiveConvertedType::Uint8
                | PrimitiveConvertedType::Uint16
                | PrimitiveConvertedType::Uint32
                | PrimitiveConvertedType::Uint64
        )
    )
}

pub fn max_metadata_scan_cached() -> usize {
    static MAX_SCANS_METADATA_CACHED: LazyLock<usize> = LazyLock::new(|| {
        let value = std::env::var("POLARS_MAX_CACHED_METADATA_SCANS").map_or(8, |v| {
            v.parse::<usize>()
                .expect("invalid `POLARS_MAX_CACHED_METADATA_SCANS` value")
        });

        if value == 0 {
            return usize::MAX;
        }

        if polars_config::config().verbose() {
            eprintln!("parquet max cached metadata scans: {value}")
        };

        value
    });
    *MAX_SCANS_METADATA_CACHED
}

/// A file with at most this many record batches is counted exactly, a larger one
/// has its row count extrapolated from this many.
#[cfg(feature = "ipc")]
const MAX_SAMPLED_BLOCKS: usize = 64;

/// Relative error for a row count extrapolated from sampled record batches.
#[cfg(feature = "ipc")]
const SAMPLED_ROWS_REL_ERR: f32 = 0.1;

/// The row count Polars writes into the footer.
///
/// `None` for a file written by anything else.
#[cfg(feature = "ipc")]
#[allow(clippy::useless_conversion)]
fn ipc_rows_from_footer(metadata: &polars_arrow::io::ipc::read::FileMetadata) -> Option<u64> {
    polars_io::ipc::pl_ipc_metadata::PlIpcMetadata::from_ipc_footer(metadata)?
        .num_rows()
        .map(u64::from)
}

#[cfg(feature = "ipc")]
fn sum_block_rows<R: std::io::Read + std::io::Seek>(
    reader: &mut R,
    blocks: &[polars_arrow::io::ipc::format::ipc::Block],
) -> Option<u64> {
    polars_arrow::io::ipc::read::get_row_count_from_blocks(reader, blocks)
        .ok()
        .and_then(|rows| u64::try_from(rows).ok())
}

/// Sums the record batch lengths, sampling if there are many of them.
#[cfg(feature = "ipc")]
fn ipc_rows_from_blocks<R: std::io::Read + std::io::Seek>(
    reader: &mut R,
    blocks: &[polars_arrow::io::ipc::format::ipc::Block],
) -> Card {
    if blocks.len() <= MAX_SAMPLED_BLOCKS {
        return match sum_block_rows(reader, blocks) {
            Some(rows) => Card::Exact(rows),
            None => Card::Unknown,
        };
    }

    // Writers use a fixed chunk size, so only the last batch is a remainder.
    let (head, tail) = blocks.split_at(MAX_SAMPLED_BLOCKS - 1);
    let (Some(head_rows), Some(last_rows)) = (
        sum_block_rows(reader, head),
        sum_block_rows(reader, &tail[tail.len() - 1..]),
    ) else {
        return Card::Unknown;
    };

    let per_block = head_rows as f64 / head.len() as f64;
    let value = (per_block * (blocks.len() - 1) as f64) as u64 + last_rows;
    Card::Approx {
        value,
        rel_err: SAMPLED_ROWS_REL_ERR,
    }
}

/// Reads the footer, and derives a row count from it when that is cheap.
///
/// Blocks, so it hands off the async thread for the duration.
#[cfg(feature = "ipc")]
fn ipc_metadata_and_rows<R: std::io::Read + std::io::Seek>(
    mut reader: R,
) -> PolarsResult<(polars_arrow::io::ipc::read::FileMetadata, Card)> {
    ASYNC.block_in_place(move || {
        let metadata = polars_arrow::io::ipc::read::read_file_metadata(&mut reader)?;
        let rows = match ipc_rows_from_footer(&metadata) {
            Some(rows) => Card::Exact(rows),
            None => ipc_rows_from_blocks(&mut reader, &metadata.blocks),
        };
        Ok((metadata, rows))
    })
}

// TODO! return metadata arced
#[cfg(feature = "ipc")]
pub(super) async fn ipc_file_info(
    first_scan_source: ScanSourceRef<'_>,
    n_sources: usize,
    row_index: Option<&RowIndex>,
    cloud_options: Option<&polars_io::cloud::CloudOptions>,
) -> PolarsResult<(FileInfo, polars_arrow::io::ipc::read::FileMetadata)> {
    use polars_core::error::feature_gated;

    let (metadata, first_rows) = match first_scan_source {
        ScanSourceRef::Path(path) => {
            if path.has_scheme() {
                feature_gated!("cloud", {
                    let metadata =
                        polars_io::ipc::IpcReaderAsync::from_uri(path.clone(), cloud_options)
                            .await?
                            .metadata()
                            .await?;
                    // Walking the blocks here would download the whole file.
                    let rows = ipc_rows_from_footer(&metadata).map_or(Card::Unknown, Card::Exact);
                    (metadata, rows)
                })
            } else {
                ipc_metadata_and_rows(std::io::BufReader::new(polars_utils::io::open_file(
                    path.as_std_path(),
                )?))?
            }
        },
        ScanSourceRef::File(file) => ipc_metadata_and_rows(std::io::BufReader::new(file))?,
        ScanSourceRef::Buffer(buff) => ipc_metadata_and_rows(std::io::Cursor::new(buff))?,
    };

    // Only the first source is read, so anything beyond it is extrapolated.
    let rows = if n_sources == 1 {
        first_rows
    } else {
        first_rows
            .map(|rows| rows.saturating_mul(n_sources as u64))
            .demote_default()
    };

    let file_info = FileInfo::new(
        prepare_output_schema(
            Schema::from_arrow_schema(metadata.schema.as_ref()),
            row_index,
        )?,
        Some(Either::Left(Arc::clone(&metadata.schema))),
        ScanStats::new(rows),
    );

    Ok((file_info, metadata))
}

#[cfg(feature = "csv")]
pub async fn csv_file_info(
    sources: &ScanSources,
    _first_scan_source: ScanSourceRef<'_>,
    row_index: Option<&RowIndex>,
    csv_options: &mut CsvReadOptions,
    cloud_options: Option<&polars_io::cloud::CloudOptions>,
    extra_columns_policy: ExtraColumnsPolicy,
    missing_columns_policy: MissingColumnsPolicy,
) -> PolarsResult<FileInfo> {
    use polars_core::error::feature_gated;
    use polars_core::runtime::RAYON;
    use rayon::iter::{IntoParallelIterator, ParallelIterator};

    // Holding _first_scan_source should guarantee sources is not empty.
    debug_assert!(!sources.is_empty());

    // TODO:
    // * See if we can do better than scanning all files if there is a row limit

    // prints the error message if paths is empty.
    let run_async =
        sources.is_cloud_url() || (sources.is_paths() && polars_config::config().force_async());

    let infer_schema_files = csv_options.infer_schema_files;

    let cache_entries = {
        if run_async {
            let sources = sources.clone();
            assert!(sources.as_paths().is_some());

            feature_gated!("cloud", {
                Some(
                    polars_io::file_cache::init_entries_from_uri_list(
                        (0..usize::min(sources.len(), infer_schema_files.get()))
                            .map(move |i| sources.as_paths().unwrap().get(i).unwrap().clone()),
                        cloud_options,
                    )
                    .await?,
                )
            })
        } else {
            None
        }
    };

    let infer_schema_length = csv_options.infer_schema_length;
    let infer_schema_func = |i| {
        const ASSUMED_COMPRESSION_RATIO: usize = 4;
        let source = sources.at(i);

        // Whether the whole file is read, rather than a prefix for schema inference.
        let mut read_whole_file = true;
        let (mut reader, file_size, decompressed_slice_size_hint, compression) = if run_async
            && let Some(infer_schema_length) = infer_schema_length
        {
            // Only download what we need for schema inference.
            // To do so, we use an iterative two-way progressive trial-and-error download strategy
            // until we either have enough rows, or reached EOF. In every iteration, we either
            // increase fetch_size (download progressively more), or try_read_size (try and
            // decompress more of what we have, in the case of compressed).
            const INITIAL_FETCH: usize = 64 * 1024;

            // Collect metadata.
            let byte_source = ASYNC.block_on(async move {
                source
                    .to_dyn_byte_source(
                        &DynByteSourceBuilder::ObjectStore(FetchConfig::streaming()),
                        cloud_options,
                        None,
                    )
                    .await
            })?;
            let byte_source = Arc::new(byte_source);

            let file_size = {
                let byte_source = byte_source.clone();
                ASYNC.block_on(async move { byte_source.get_size().await })?
            };

            let compression = if file_size >= 4 {
                let byte_source = byte_source.clone();
                let magic_range = 0..4;
                let magic_bytes =
                    ASYNC.block_on(async move { byte_source.get_range(magic_range).await })?;
                SupportedCompression::check(&magic_bytes)
            } else {
                None
            };

            let mut offset = 0;
            let mut fetch_size = INITIAL_FETCH;
            let mut try_read_size = INITIAL_FETCH * ASSUMED_COMPRESSION_RATIO;
            let mut truncated_bytes: Vec<u8> = Vec::with_capacity(INITIAL_FETCH);
            let mut reached_eof = false;

            // With a header and `infer_schema_length == 0` only the complete header is needed. An
            // incomplete one gives no columns, so positional dtype overrides are only checked
            // against the complete header, after the loop.
            let header_only_options =
                (infer_schema_length == 0 && csv_options.has_header).then(|| CsvReadOptions {
                    raise_if_empty: false,
                    dtype_overwrite: None,
                    ..csv_options.clone()
                });

            // Collect enough rows to satisfy infer_schema_length.
            let decompressed_slice = loop {
                let range = offset..std::cmp::min(file_size, offset + fetch_size);

                if range.is_empty() {
                    reached_eof = true
                } else {
                    let byte_source = byte_source.clone();
                    let fetch_bytes =
                        ASYNC.block_on(async move { byte_source.get_range(range).await })?;
                    offset += fetch_bytes.len();
                    truncated_bytes.extend_from_slice(fetch_bytes.as_ref());
                }

                let decompressed_size_hint =
                    Some(offset * compression.map_or(1, |_| ASSUMED_COMPRESSION_RATIO));
                let mut reader = ByteSourceReader::<ReaderSource>::from_memory(
                    Buffer::from_owner(truncated_bytes.clone()),
                )?;

                let read_size = if compression.is_none() {
                    offset
                } else if reached_eof {
                    usize::MAX
                } else {
                    try_read_size
                };

                // Note: if `count_rows_from_reader_par` and therefore also `read_next_slice` were to
                // handle truncated compressed bytes gracefully, we could avoid the following EoF check
                // and remove `try_read_size` from the loop.
                let (slice, bytes_read) =
                    match reader.read_next_slice(&Buffer::new(), read_size, decompressed_size_hint)
                    {
                        Ok(v) => v,
                        // We assume that unexpected EOF indicates that we lack sufficient data.
                        // Once all of it is fetched, the compressed file is cut off.
                        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !reached_eof => {
                            fetch_size *= 2;
                            continue;
                        },
                        Err(e) => Err(e)?,
                    };

                let at_eof =
                    slice_reaches_eof(offset, file_size, compression, bytes_read, read_size);
                // Quoted fields, including in the header, may contain line breaks.
                let parse_options = &csv_options.parse_options;
                let slice = complete_rows(slice, at_eof, |bytes| {
                    polars_io::csv::read::complete_rows_len(
                        bytes,
                        parse_options.quote_char,
                        parse_options.comment_prefix.as_ref(),
                        parse_options.eol_char,
                        csv_options.skip_lines,
                    )
                });

                let enough_rows = if let Some(options) = &header_only_options {
                    // The header is incomplete if none is found.
                    let (header_schema, _) = read_until_start_and_infer_schema(
                        options,
                        None,
                        extra_columns_policy == ExtraColumnsPolicy::Ignore,
                        missing_columns_policy == MissingColumnsPolicy::Insert,
                        Some(slice.len()),
                        None,
                        &mut ByteSourceReader::from_uncompressed_memory(slice.clone()),
                    )?;
                    !header_schema.is_empty()
                } else {
                    // Before EOF too few lines (e.g. to skip) only means we need more data, so
                    // don't let the row counter raise on that.
                    let row_count = polars_io::csv::read::count_rows_from_reader_par(
                        ByteSourceReader::from_uncompressed_memory(slice.clone()),
                        csv_options.parse_options.quote_char,
                        csv_options.parse_options.comment_prefix.as_ref(),
                        csv_options.parse_options.eol_char,
                        csv_options.has_header,
                        csv_options.skip_lines,
                        csv_options.skip_rows,
                        csv_options.skip_rows_after_header,
                        csv_options.raise_if_empty && at_eof,
                        Some(slice.len()),
                    )?;
                    // Without a header, the first row determines the columns.
                    row_count >= infer_schema_length.max(1)
                };

                if !enough_rows && !at_eof {
                    if compression.is_some() && bytes_read == read_size {
                        // Decompressor had more to give — read_size too small
                        try_read_size *= 2;
                    } else {
                        // Decompressor exhausted input — need more compressed bytes
                        // Or, no compression
                        fetch_size *= 2;
                    }
                    continue;
                }

                read_whole_file = at_eof;
                break slice;
            };

            // Infer from the already decompressed complete rows: decompressing the truncated
            // compressed bytes again can run into their end while looking for a line ending.
            let decompressed_slice_size_hint = Some(decompressed_slice.len());
            (
                ByteSourceReader::from_uncompressed_memory(decompressed_slice),
                file_size,
                decompressed_slice_size_hint,
                compression,
            )
        } else {
            let mem_slice_raw =
                source.to_buffer_possibly_async(run_async, cache_entries.as_ref(), i)?;
            let file_size = mem_slice_raw.len();
            let reader = ByteSourceReader::from_memory(mem_slice_raw)?;
            let compression = reader.compression();
            let decompressed_slice_size_hint = Some(match compression {
                None => file_size,
                Some(_) => file_size * ASSUMED_COMPRESSION_RATIO,
            });
            (reader, file_size, decompressed_slice_size_hint, compression)
        };

        let mut first_row_len = 0;
        let (schema, _) = read_until_start_and_infer_schema(
            csv_options,
            None,
            extra_columns_policy == ExtraColumnsPolicy::Ignore,
            missing_columns_policy == MissingColumnsPolicy::Insert,
            decompressed_slice_size_hint,
            Some(Box::new(|line| {
                first_row_len = line.len() + 1;
            })),
            &mut reader,
        )?;

        let decompressed_file_size_hint = match compression {
            None => file_size,
            Some(_) => file_size * ASSUMED_COMPRESSION_RATIO,
        };

        // TODO. We can do (much) better by collect statistics as part of row count and/or schema
        // inference, including observed average row_length and compression ratio.
        let estimated_rows = if first_row_len > 0 {
            (decompressed_file_size_hint as f64 / first_row_len as f64).round() as usize
        } else if read_whole_file {
            // The file has no data rows.
            0
        } else {
            // Only the header was needed and fetched, so estimate from the length up to and
            // including the header instead.
            let header_len = decompressed_slice_size_hint.unwrap_or(1).max(1);
            (decompressed_file_size_hint as f64 / header_len as f64).round() as usize
        };

        Ok((schema, estimated_rows))
    };

    let merge_func =
        |a: PolarsResult<(Schema, usize)>, b: PolarsResult<(Schema, usize)>| match (a, b) {
            (Err(e), _) | (_, Err(e)) => Err(e),
            (Ok((mut schema_a, row_estimate_a)), Ok((schema_b, row_estimate_b))) => {
                match (schema_a.is_empty(), schema_b.is_empty()) {
                    (true, _) => Ok((schema_b, row_estimate_b)),
                    (_, true) => Ok((schema_a, row_estimate_a)),
                    _ => match missing_columns_policy {
                        MissingColumnsPolicy::Raise => {
                            schema_a.to_supertype(&schema_b)?;
                            Ok((schema_a, row_estimate_a.saturating_add(row_estimate_b)))
                        },
                        MissingColumnsPolicy::Insert => {
                            // Union merge: keep all columns from both schemas,
                            // supertype columns that exist in both.
                            use polars_core::utils::try_get_supertype;
                            for (name, dtype) in schema_b.iter() {
                                match schema_a.get(name) {
                                    Some(existing_dtype) => {
                                        let st = try_get_supertype(existing_dtype, dtype)?;
                                        schema_a.with_column(name.clone(), st);
                                    },
                                    None => {
                                        schema_a.with_column(name.clone(), dtype.clone());
                                    },
                                }
                            }
                            Ok((schema_a, row_estimate_a.saturating_add(row_estimate_b)))
                        },
                    },
                }
            },
        };

    assert!(
        csv_options.schema.is_none(),
        "DSL to IR schema inference should not run if user provides a schema."
    );
    // Run inference in parallel with a specific merge order.
    // TODO: flatten to single level once Schema::to_supertype is commutative.
    let si_results = RAYON.join(
        || infer_schema_func(0),
        || {
            (1..usize::min(sources.len(), infer_schema_files.get()))
                .into_par_iter()
                .map(infer_schema_func)
                .reduce(|| Ok(Default::default()), merge_func)
        },
    );

    let (inferred_schema, estimated_n_rows) = merge_func(si_results.0, si_results.1)?;
    let inferred_schema_ref = Arc::new(inferred_schema);

    let (schema, reader_schema) = if let Some(rc) = row_index {
        let mut output_schema = (*inferred_schema_ref).clone();
        insert_row_index_to_schema(&mut output_schema, rc.name.clone())?;

        (Arc::new(output_schema), inferred_schema_ref)
    } else {
        (inferred_schema_ref.clone(), inferred_schema_ref)
    };

    Ok(FileInfo::new(
        schema,
        Some(Either::Right(reader_schema)),
        ScanStats::approx_rows(estimated_n_rows as u64),
    ))
}

#[cfg(feature = "json")]
pub async fn ndjson_file_info(
    sources: &ScanSources,
    first_scan_source: ScanSourceRef<'_>,
    row_index: Option<&RowIndex>,
    ndjson_options: &NDJsonReadOptions,
    cloud_options: Option<&polars_io::cloud::CloudOptions>,
) -> PolarsResult<FileInfo> {
    use polars_core::error::feature_gated;

    let run_async =
        sources.is_cloud_url() || (sources.is_paths() && polars_config::config().force_async());

    let cache_entries = {
        if run_async {
            let sources = sources.clone();
            assert!(sources.as_paths().is_some());

            feature_gated!("cloud", {
                Some(
                    polars_io::file_cache::init_entries_from_uri_list(
                        (0..sources.len())
                            .map(move |i| sources.as_paths().unwrap().get(i).unwrap().clone()),
                        cloud_options,
                    )
                    .await?,
                )
            })
        } else {
            None
        }
    };

    let infer_schema_length = ndjson_options.infer_schema_length;

    let mut schema = if let Some(schema) = ndjson_options.schema.clone() {
        schema
    } else if run_async && let Some(infer_schema_length) = infer_schema_length {
        // Only download what we need for schema inference.
        // To do so, we use an iterative two-way progressive trial-and-error download strategy
        // until we either have enough rows, or reached EOF. In every iteration, we either
        // increase fetch_size (download progressively more), or try_read_size (try and
        // decompress more of what we have, in the case of compressed).
        use polars_io::utils::compression::{ByteSourceReader, SupportedCompression};
        use polars_io::utils::stream_buf_reader::ReaderSource;

        const INITIAL_FETCH: usize = 64 * 1024;
        const ASSUMED_COMPRESSION_RATIO: usize = 4;

        let first_scan_source = first_scan_source.into_owned()?.clone();
        let cloud_options = cloud_options.cloned();
        // TODO. Support IOMetrics collection during planning phase.
        let byte_source = ASYNC
            .spawn(async move {
                first_scan_source
                    .as_scan_source_ref()
                    .to_dyn_byte_source(
                        &DynByteSourceBuilder::ObjectStore(FetchConfig::streaming()),
                        cloud_options.as_ref(),
                        None,
                    )
                    .await
            })
            .await
            .unwrap()?;
        let byte_source = Arc::new(byte_source);

        let file_size = {
            let byte_source = byte_source.clone();
            ASYNC
                .spawn(async move { byte_source.get_size().await })
                .await
                .unwrap()?
        };

        let mut offset = 0;
        let mut fetch_size = INITIAL_FETCH;
        let mut try_read_size = INITIAL_FETCH * ASSUMED_COMPRESSION_RATIO;
        let mut truncated_bytes: Vec<u8> = Vec::with_capacity(INITIAL_FETCH);
        let mut reached_eof = false;

        // Collect enough rows to satisfy infer_schema_length
        let memslice = loop {
            let range = offset..std::cmp::min(file_size, offset + fetch_size);

            if range.is_empty() {
                reached_eof = true
            } else {
                let byte_source = byte_source.clone();
                let fetch_bytes = ASYNC
                    .spawn(async move { byte_source.get_range(range).await })
                    .await
                    .unwrap()?;
                offset += fetch_bytes.len();
                truncated_bytes.extend_from_slice(fetch_bytes.as_ref());
            }

            let compression = SupportedCompression::check(&truncated_bytes);
            let mut reader = ByteSourceReader::<ReaderSource>::from_memory(Buffer::from_owner(
                truncated_bytes.clone(),
            ))?;
            let read_size = if compression.is_none() {
                offset
            } else if reached_eof {
                usize::MAX
            } else {
                try_read_size
            };

            let uncompressed_size_hint = Some(
                offset
                    * if compression.is_none() {
                        1
                    } else {
                        ASSUMED_COMPRESSION_RATIO
                    },
            );

            let (slice, bytes_read) =
                match reader.read_next_slice(&Buffer::new(), read_size, uncompressed_size_hint) {
                    Ok(v) => v,
                    // We assume that unexpected EOF indicates that we lack sufficient data.
                    // Once all of it is fetched, the compressed file is cut off.
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !reached_eof => {
                        fetch_size *= 2;
                        continue;
                    },
                    Err(e) => Err(e)?,
                };

            let at_eof = slice_reaches_eof(offset, file_size, compression, bytes_read, read_size);
            let slice = complete_rows(slice, at_eof, polars_io::ndjson::complete_rows_len);

            if polars_io::ndjson::count_rows(&slice) < infer_schema_length.get() && !at_eof {
                if compression.is_some() && bytes_read == read_size {
                    // Decompressor had more to give — read_size too small
                    try_read_size *= 2;
                } else {
                    // Decompressor exhausted input — need more compressed bytes
                    // Or, no compression
                    fetch_size *= 2;
                }
                continue;
            }

            break slice;
        };

        let mut buf_reader = BufReader::new(Cursor::new(memslice));
        Arc::new(polars_io::ndjson::infer_schema(
            &mut buf_reader,
            ndjson_options.infer_schema_length,
        )?)
    } else {
        // Download the entire object.
        // Warning - this is potentially memory-expensive in the case of a cloud source, and goes
        // against the design goal of a streaming reader. This can be optimized.
        let mem_slice =
            first_scan_source.to_buffer_possibly_async(run_async, cache_entries.as_ref(), 0)?;
        let mut reader = BufReader::new(CompressedReader::try_new(mem_slice)?);

        Arc::new(polars_io::ndjson::infer_schema(
            &mut reader,
            ndjson_options.infer_schema_length,
        )?)
    };

    if let Some(overwriting_schema) = &ndjson_options.schema_overwrite {
        overwrite_schema(Arc::make_mut(&mut schema), overwriting_schema)?;
    }

    let mut reader_schema = schema.clone();

    if row_index.is_some() {
        (schema, reader_schema) = prepare_schemas(Arc::unwrap_or_clone(schema), row_index)?
    }

    Ok(FileInfo::new(
        schema,
        Some(Either::Right(reader_schema)),
        ScanStats::unknown(),
    ))
}

// Include all sources and options that affect the cached schema or metadata.
#[derive(Eq, Hash, PartialEq)]
enum CachedSourceKey {
    ParquetIpc {
        paths: Buffer<PlRefPath>,
        schema_overwrite: Option<SchemaRef>,
        resolve_heavy_sources: Option<NonZeroU32>,
        // Heavy-source selection depends on the sizes, not just the paths.
        bytes_per_source: Option<Buffer<u64>>,
        #[cfg(feature = "parquet")]
        decryption_properties: Option<polars_io::parquet::read::PlFileDecryptionProperties>,
    },
    CsvJson {
        paths: Buffer<PlRefPath>,
        schema: Option<SchemaRef>,
        schema_overwrite: Option<SchemaRef>,
        dtype_overwrite: Option<Arc<Vec<DataType>>>,
    },
}

#[derive(Default, Clone)]
pub(super) struct SourcesToFileInfo {
    inner: Arc<RwLock<PlIndexMap<CachedSourceKey, (FileInfo, FileScanIR)>>>,
}

impl SourcesToFileInfo {
    async fn infer_or_parse(
        &self,
        scan_type: FileScanDsl,
        sources: &ScanSources,
        sources_before_expansion: &ScanSources,
        // Per-source byte sizes from path expansion, aligned with `sources`.
        bytes_per_source: Option<Buffer<u64>>,
        unified_scan_args: &mut UnifiedScanArgs,
        #[cfg(feature = "python")] py_scan_resolve_threadpool: Arc<
            LazyLock<Arc<PyScanResolveThreadPool>>,
        >,
    ) -> PolarsResult<(FileInfo, FileScanIR)> {
        let require_first_source = |failed_operation_name: &'static str, hint: &'static str| {
            sources.first_or_empty_expand_err(
                failed_operation_name,
                sources_before_expansion,
                unified_scan_args.glob,
                hint,
            )
        };

        let exact_row_count = unified_scan_args
            .row_count
            .map(|(total, deleted)| total - deleted);

        let cloud_options = unified_scan_args.cloud_options.as_ref();

        Ok(match scan_type {
            #[cfg(feature = "parquet")]
            FileScanDsl::Parquet { options } => {
                if let Some(schema) = &options.schema {
                    // Skip schema and statistics inference; retain any supplied row count.
                    // Resolve footers only for splitting, when requested.
                    let metadata_per_source = match (
                        unified_scan_args.resolve_heavy_sources,
                        bytes_per_source.as_deref(),
                    ) {
                        (Some(n_parts), Some(bytes)) => {
                            resolve_for_splitting(
                                sources,
                                bytes,
                                n_parts,
                                cloud_options,
                                options.decryption_properties.as_ref(),
                            )
                            .await
                        },
                        _ => Unresolved,
                    };

                    (
                        FileInfo {
                            schema: schema.clone(),
                            reader_schema: Some(either::Either::Left(Arc::new(
                                schema.to_arrow(CompatLevel::newest()),
                            ))),
                            stats: exact_row_count
                                .map_or_else(ScanStats::unknown, ScanStats::exact_rows),
                        },
                        FileScanIR::Parquet {
                            options,
                            metadata_per_source,
                            bytes_per_source: bytes_per_source.clone(),
                        },
                    )
                } else {
                    {
                        let first_scan_source = require_first_source(
                            "failed to retrieve first file schema (parquet)",
                            "\
    passing a schema can allow \
    this scan to succeed with an empty DataFrame.",
                        )?;

                        if verbose() {
                            eprintln!(
                                "sourcing parquet scan file schema from: '{}'",
                                first_scan_source.to_include_path_name()
                            )
                        }

                        // TODO: Reconcile the `resolve` strategy with the cache capacity to
                        // avoid throwaway work and control it here.
                        let (mut file_info, mut metadata_per_source) = scans::parquet_file_info(
                            sources,
                            unified_scan_args.row_index.as_ref(),
                            bytes_per_source.as_deref(),
                            unified_scan_args.resolve_heavy_sources,
                            options.use_statistics,
                            cloud_options,
                            options.decryption_properties.as_ref(),
                        )
                        .await?;

                        if let Some(exact_row_count) = exact_row_count {
                            file_info.stats.rows = Card::Exact(exact_row_count);
                        }

                        if self.inner.read().unwrap().len() > max_metadata_scan_cached() {
                            // Cache pressure: drop the pre-decoded footers so
                            // we don't blow memory. Streaming readers fall
                            // back to fetching footers at scan time.
                            metadata_per_source = metadata_per_source.gather_first();
                        }

                        PolarsResult::Ok((
                            file_info,
                            FileScanIR::Parquet {
                                options,
                                metadata_per_source,
                                bytes_per_source,
                            },
                        ))
                    }
                    .context(failed_here!(parquet scan))?
                }
            },
            #[cfg(feature = "ipc")]
            FileScanDsl::Ipc { options } => {
                let first_scan_source =
                    require_first_source("failed to retrieve first file schema (ipc)", "")?;

                if verbose() {
                    eprintln!(
                        "sourcing ipc scan file schema from: '{}'",
                        first_scan_source.to_include_path_name()
                    )
                }

                let (mut file_info, md) = scans::ipc_file_info(
                    first_scan_source,
                    sources.len(),
                    unified_scan_args.row_index.as_ref(),
                    cloud_options,
                )
                .await?;

                if let Some(exact_row_count) = exact_row_count {
                    file_info.stats.rows = Card::Exact(exact_row_count);
                }

                PolarsResult::Ok((
                    file_info,
                    FileScanIR::Ipc {
                        options,
                        metadata: Some(Arc::new(md)),
                    },
                ))
            }
            .context(failed_here!(ipc scan))?,
            #[cfg(feature = "csv")]
            FileScanDsl::Csv { mut options } => {
                let mut file_info = if let Some(schema) = options.schema.clone() {
                    FileInfo {
                        schema: schema.clone(),
                        reader_schema: Some(either::Either::Right(schema)),
                        stats: exact_row_count
                            .map_or_else(ScanStats::unknown, ScanStats::exact_rows),
                    }
                } else {
                    let first_scan_source =
                        require_first_source("failed to retrieve file schemas (csv)", "")?;

                    if verbose() {
                        eprintln!(
                            "sourcing csv scan file schema from: '{}'",
                            first_scan_source.to_include_path_name()
                        )
                    }

                    scans::csv_file_info(
                        sources,
                        first_scan_source,
                        unified_scan_args.row_index.as_ref(),
                        Arc::make_mut(&mut options),
                        cloud_options,
                        unified_scan_args.extra_columns_policy,
                        unified_scan_args.missing_columns_policy,
                    )
                    .await?
                };

                if let Some(exact_row_count) = exact_row_count {
                    file_info.stats.rows = Card::Exact(exact_row_count);
                }

                PolarsResult::Ok((file_info, FileScanIR::Csv { options }))
            }
            .context(failed_here!(csv scan))?,
            #[cfg(feature = "json")]
            FileScanDsl::NDJson { options } => {
                let mut file_info = if let Some(schema) = options.schema.clone() {
                    FileInfo {
                        schema: schema.clone(),
                        reader_schema: Some(either::Either::Right(schema)),
                        stats: exact_row_count
                            .map_or_else(ScanStats::unknown, ScanStats::exact_rows),
                    }
                } else {
                    let first_scan_source =
                        require_first_source("failed to retrieve first file schema (ndjson)", "")?;

                    if verbose() {
                        eprintln!(
                            "sourcing ndjson scan file schema from: '{}'",
                            first_scan_source.to_include_path_name()
                        )
                    }

                    scans::ndjson_file_info(
                        sources,
                        first_scan_source,
                        unified_scan_args.row_index.as_ref(),
                        &options,
                        cloud_options,
                    )
                    .await?
                };

                if let Some(exact_row_count) = exact_row_count {
                    file_info.stats.rows = Card::Exact(exact_row_count);
                }

                PolarsResult::Ok((file_info, FileScanIR::NDJson { options }))
            }
            .context(failed_here!(ndjson scan))?,
            #[cfg(feature = "python")]
            FileScanDsl::PythonDataset { dataset_object } => async {
                use polars_utils::async_utils::tokio_handle_ext::AbortOnDropHandle;

                if crate::dsl::DATASET_PROVIDER_VTABLE.get().is_none() {
                    polars_bail!(ComputeError: "DATASET_PROVIDER_VTABLE (python) not initialized")
                };

                let mut schema =
                    {
                        let dataset_object = Arc::clone(&dataset_object);
                        AbortOnDropHandle(ASYNC.spawn_blocking(move || {
                            dataset_object.schema(&py_scan_resolve_threadpool)
                        }))
                        .await
                        .unwrap()?
                    };
                let reader_schema = schema.clone();

                if let Some(row_index) = &unified_scan_args.row_index {
                    insert_row_index_to_schema(Arc::make_mut(&mut schema), row_index.name.clone())?;
                }

                PolarsResult::Ok((
                    FileInfo {
                        schema,
                        reader_schema: Some(either::Either::Right(reader_schema)),
                        stats: exact_row_count
                            .map_or_else(ScanStats::unknown, ScanStats::exact_rows),
                    },
                    FileScanIR::PythonDataset {
                        dataset_object,
                        cached_ir: Default::default(),
                    },
                ))
            }
            .await
            .context(failed_here!(python dataset scan))?,
            #[cfg(feature = "scan_lines")]
            FileScanDsl::Lines { name } => {
                let schema = Arc::new(Schema::from_iter([(name.clone(), DataType::String)]));

                (
                    FileInfo {
                        schema: schema.clone(),
                        reader_schema: Some(either::Either::Right(schema.clone())),
                        stats: exact_row_count
                            .map_or_else(ScanStats::unknown, ScanStats::exact_rows),
                    },
                    FileScanIR::Lines { name },
                )
            },
            FileScanDsl::ExpandedPaths { name } => {
                let schema = Arc::new(Schema::from_iter([(name.clone(), DataType::String)]));

                (
                    FileInfo {
                        schema: schema.clone(),
                        reader_schema: Some(either::Either::Right(schema.clone())),
                        stats: ScanStats::exact_rows(sources.len() as u64),
                    },
                    FileScanIR::ExpandedPaths { name },
                )
            },
            FileScanDsl::ExternalReaderBuilder { external } => {
                let schema = unified_scan_args.schema.clone().ok_or_else(|| {
                    polars_err!(
                        InvalidOperation:
                        "scan_external_reader requires schema to be specified"
                    )
                })?;

                (
                    FileInfo {
                        schema: schema.clone(),
                        reader_schema: Some(either::Either::Right(schema.clone())),
                        stats: ScanStats::unknown(),
                    },
                    FileScanIR::ExternalReaderBuilder { external },
                )
            },
            FileScanDsl::Anonymous {
                mut file_info,
                options,
                function,
            } => {
                if let Some(exact_row_count) = exact_row_count {
                    file_info.stats.rows = Card::Exact(exact_row_count);
                }

                (file_info, FileScanIR::Anonymous { options, function })
            },
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn get_or_insert(
        &self,
        scan_type: &FileScanDsl,
        sources: &ScanSources,
        sources_before_expansion: &ScanSources,
        bytes_per_source: Option<Buffer<u64>>,
        unified_scan_args: &mut UnifiedScanArgs,
        #[cfg(feature = "python")] py_scan_resolve_threadpool: Arc<
            LazyLock<Arc<PyScanResolveThreadPool>>,
        >,
        verbose: bool,
    ) -> PolarsResult<(FileInfo, FileScanIR)> {
        // Only cache non-empty paths. Others are directly parsed.
        let paths = match sources {
            ScanSources::Paths(paths) if !paths.is_empty() => paths.clone(),

            _ => {
                return self
                    .infer_or_parse(
                        scan_type.clone(),
                        sources,
                        sources_before_expansion,
                        bytes_per_source,
                        unified_scan_args,
                        #[cfg(feature = "python")]
                        py_scan_resolve_threadpool,
                    )
                    .await;
            },
        };

        let (k, v): (CachedSourceKey, Option<(FileInfo, FileScanIR)>) = match scan_type {
            #[cfg(feature = "parquet")]
            FileScanDsl::Parquet { options } => {
                let key = CachedSourceKey::ParquetIpc {
                    paths: paths.clone(),
                    schema_overwrite: options.schema.clone(),
                    resolve_heavy_sources: unified_scan_args.resolve_heavy_sources,
                    bytes_per_source: bytes_per_source.clone(),
                    decryption_properties: options.decryption_properties.clone(),
                };

                let guard = self.inner.read().unwrap();
                let v = guard.get(&key);
                (key, v.cloned())
            },
            #[cfg(feature = "ipc")]
            FileScanDsl::Ipc { options: _ } => {
                let key = CachedSourceKey::ParquetIpc {
                    paths: paths.clone(),
                    schema_overwrite: None,
                    resolve_heavy_sources: None,
                    bytes_per_source: None,
                    #[cfg(feature = "parquet")]
                    decryption_properties: None,
                };

                let guard = self.inner.read().unwrap();
                let v = guard.get(&key);
                (key, v.cloned())
            },
            #[cfg(feature = "csv")]
            FileScanDsl::Csv { options } => {
                let key = CachedSourceKey::CsvJson {
                    paths: paths.clone(),
                    schema: options.schema.clone(),
                    schema_overwrite: options.schema_overwrite.clone(),
                    dtype_overwrite: options.dtype_overwrite.clone(),
                };
                let guard = self.inner.read().unwrap();
                let v = guard.get(&key);
                (key, v.cloned())
            },
            #[cfg(feature = "json")]
            FileScanDsl::NDJson { options } => {
                let key = CachedSourceKey::CsvJson {
                    paths: paths.clone(),
                    schema: options.schema.clone(),
                    schema_overwrite: options.schema_overwrite.clone(),
                    dtype_overwrite: None,
                };
                let guard = self.inner.read().unwrap();
                let v = guard.get(&key);
                (key, v.cloned())
            },
            _ => {
                return self
                    .infer_or_parse(
                        scan_type.clone(),
                        sources,
                        sources_before_expansion,
                        bytes_per_source,
                        unified_scan_args,
                        #[cfg(feature = "python")]
                        py_scan_resolve_threadpool,
                    )
                    .await;
            },
        };

        if let Some(out) = v {
            if verbose {
                eprintln!("FILE_INFO CACHE HIT")
            }
            Ok(out)
        } else {
            let v = self
                .infer_or_parse(
                    scan_type.clone(),
                    sources,
                    sources_before_expansion,
                    bytes_per_source,
                    unified_scan_args,
                    #[cfg(feature = "python")]
                    py_scan_resolve_threadpool,
                )
                .await?;
            self.inner.write().unwrap().insert(k, v.clone());
            Ok(v)
        }
    }
}

#[cfg(all(test, feature = "parquet"))]
mod tests {
    use std::io::Cursor;
    use std::sync::Arc;

    use polars_core::df;
    use polars_core::prelude::*;
    use polars_io::prelude::ParquetWriter;

    use super::parquet_column_stats;
    use crate::plans::ValueWidth;

    /// The footer and the schema of a file of `df` in row groups of `rows_per_group`.
    fn footer(
        mut df: DataFrame,
        rows_per_group: usize,
    ) -> (polars_io::parquet::metadata::FileMetadataRef, ArrowSchema) {
        let mut buf = Vec::new();
        ParquetWriter::new(&mut buf)
            .with_row_group_size(Some(rows_per_group))
            .finish(&mut df)
            .unwrap();
        let metadata = polars_parquet::read::read_metadata(&mut Cursor::new(buf)).unwrap();
        let schema = polars_parquet::read::infer_schema(&metadata).unwrap();
        (Arc::new(metadata), schema)
    }

    #[test]
    fn row_groups_hold_their_statistics() {
        let df = df![
            "a" => (0..300i64).collect::<Vec<_>>(),
            "s" => (0..300).map(|i| format!("v{:03}", i / 100)).collect::<Vec<_>>(),
        ]
        .unwrap();
        let (metadata, schema) = footer(df, 100);

        let stats = parquet_column_stats(std::slice::from_ref(&metadata), true, &schema, true);
        let a = stats["a"].sampled_row_groups.as_deref().unwrap();
        assert!(a.iter().all(|rg| rg.value_width == ValueWidth::Fixed(8)));
        let rows: Vec<_> = a.iter().map(|rg| rg.rows).collect();
        assert_eq!(rows, [100, 100, 100]);
        let nulls: Vec<_> = a.iter().map(|rg| rg.null_count).collect();
        assert_eq!(nulls, [Some(0), Some(0), Some(0)]);
        let bounds: Vec<_> = a.iter().map(|rg| rg.bounds.clone()).collect();
        let int = |v: i64| Scalar::from(v);
        assert_eq!(
            bounds,
            [
                Some((int(0), int(99))),
                Some((int(100), int(199))),
                Some((int(200), int(299))),
            ]
        );

        let s = stats["s"].sampled_row_groups.as_deref().unwrap();
        assert!(s.iter().all(|rg| rg.value_width == ValueWidth::Variable));
        let str = |v: &str| Scalar::from(PlSmallStr::from(v));
        let bounds: Vec<_> = s.iter().map(|rg| rg.bounds.clone()).collect();
        assert_eq!(
            bounds,
            [
                Some((str("v000"), str("v000"))),
                Some((str("v001"), str("v001"))),
                Some((str("v002"), str("v002"))),
            ]
        );

        let without = parquet_column_stats(&[metadata], true, &schema, false);
        assert!(without["a"].sampled_row_groups.is_none());
    }

    #[cfg(feature = "dtype-categorical")]
    #[test]
    fn categorical_bounds_are_their_values() {
        let c = Series::new("c".into(), ["b", "a", "c", "b"])
            .cast(&DataType::from_categories(Categories::global()))
            .unwrap();
        let (metadata, schema) = footer(DataFrame::new_infer_height(vec![c.into()]).unwrap(), 2);

        let stats = parquet_column_stats(&[metadata], true, &schema, true);
        let row_groups = stats["c"].sampled_row_groups.as_deref().unwrap();
        let str = |v: &str| Scalar::from(PlSmallStr::from(v));
        let bounds: Vec<_> = row_groups.iter().map(|rg| rg.bounds.clone()).collect();
        assert_eq!(
            bounds,
            [Some((str("a"), str("b"))), Some((str("b"), str("c")))]
        );
    }

    #[cfg(feature = "dtype-decimal")]
    #[test]
    fn decimal_bounds_keep_their_scale() {
        let d = Int128Chunked::from_slice("d".into(), &[150, 250, 1999, 2001])
            .into_decimal(10, 2)
            .unwrap()
            .into_series();
        let (metadata, schema) = footer(DataFrame::new_infer_height(vec![d.into()]).unwrap(), 2);

        let stats = parquet_column_stats(&[metadata], true, &schema, true);
        let row_groups = stats["d"].sampled_row_groups.as_deref().unwrap();
        let decimal = |v: i128| Scalar::new(DataType::Decimal(10, 2), AnyValue::Decimal(v, 10, 2));
        let bounds: Vec<_> = row_groups.iter().map(|rg| rg.bounds.clone()).collect();
        assert_eq!(
            bounds,
            [
                Some((decimal(150), decimal(250))),
                Some((decimal(1999), decimal(2001))),
            ]
        );
    }
}
