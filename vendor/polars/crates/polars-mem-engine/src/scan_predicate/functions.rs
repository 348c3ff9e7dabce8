use std::cell::LazyCell;
use std::sync::Arc;

use polars_arrow::bitmap::Bitmap;
use polars_core::config;
use polars_core::error::PolarsResult;
use polars_core::prelude::{
    Column, DataFrame, IDX_DTYPE, IdxCa, InitHashMaps, PlHashMap, PlIndexMap, PlIndexSet, Scalar,
};
use polars_core::schema::Schema;
use polars_error::polars_warn;
use polars_expr::prelude::PhysicalExpr;
use polars_expr::{ExpressionConversionState, create_physical_expr};
use polars_io::predicates::{
    ColumnIoExpr, DynamicPredicateSource, RuntimeRangeHint, ScanIOPredicate,
};
use polars_plan::dsl::default_values::{DefaultFieldValues, IcebergDefaultFieldValues};
use polars_plan::dsl::deletion::DeletionFilesList;
use polars_plan::dsl::{
    Operator, PredicateFileSkip, ScanSources, TableStatistics, UnifiedScanArgs,
};
use polars_plan::plans::expr_ir::{ExprIR, OutputName};
use polars_plan::plans::hive::HivePartitionsDf;
use polars_plan::plans::predicates::{
    aexpr_to_column_predicates, aexpr_to_skip_batch_predicate, null_count_dtype,
};
use polars_plan::plans::{
    AExpr, ExprIRDisplay, FileInfo, IR, IRFunctionExpr, MintermIter, OrderKeeping,
    order_keeping_column,
};
use polars_plan::utils::aexpr_to_leaf_names_iter;
use polars_utils::aliases::PlIndexMapHashable;
use polars_utils::arena::{Arena, Node};
use polars_utils::pl_str::PlSmallStr;
use polars_utils::{IdxSize, format_pl_smallstr};

use crate::scan_predicate::skip_files_mask::SkipFilesMask;
use crate::scan_predicate::{PhysicalColumnPredicate, ScanPredicate, StagedScanPredicate};

#[expect(clippy::too_many_arguments)]
pub fn create_scan_predicate(
    predicate: &ExprIR,
    expr_arena: &mut Arena<AExpr>,
    schema: &Arc<Schema>,
    hive_schema: Option<&Schema>,
    state: &mut ExpressionConversionState,
    create_skip_batch_predicate: bool,
    create_column_predicates: bool,
    create_minterm_eirs: bool,
) -> PolarsResult<ScanPredicate> {
    // Every dynamic part gives a range hint to skip batches by.
    let mut predicate = predicate.clone();
    let mut filters_rows = true;
    let runtime_ranges = MintermIter::new(predicate.node(), expr_arena)
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|part| runtime_range_hint(part, expr_arena, schema, state).transpose())
        .collect::<PolarsResult<Vec<_>>>()?;

    let mut hive_predicate = None;
    let mut hive_predicate_is_full_predicate = false;

    'set_scan_predicate: {
        let Some(hive_schema) = hive_schema else {
            break 'set_scan_predicate;
        };

        let mut hive_predicate_parts = vec![];
        let mut non_hive_predicate_parts = vec![];

        for predicate_part in MintermIter::new(predicate.node(), expr_arena) {
            if aexpr_to_leaf_names_iter(predicate_part, expr_arena)
                .all(|name| hive_schema.contains(name))
            {
                hive_predicate_parts.push(predicate_part)
            } else {
                non_hive_predicate_parts.push(predicate_part)
            }
        }

        if hive_predicate_parts.is_empty() {
            break 'set_scan_predicate;
        }

        if non_hive_predicate_parts.is_empty() {
            hive_predicate_is_full_predicate = true;
            break 'set_scan_predicate;
        }

        {
            let mut iter = hive_predicate_parts.into_iter();
            let mut node = iter.next().unwrap();

            for next_node in iter {
                node = expr_arena.add(AExpr::BinaryExpr {
                    left: node,
                    op: Operator::And,
                    right: next_node,
                });
            }

            hive_predicate = Some(create_physical_expr(
                &ExprIR::from_node(node, expr_arena),
                expr_arena,
                schema,
                state,
            )?)
        }

        {
            let mut iter = non_hive_predicate_parts.into_iter();
            let mut node = iter.next().unwrap();

            for next_node in iter {
                node = expr_arena.add(AExpr::BinaryExpr {
                    left: node,
                    op: Operator::And,
                    right: next_node,
                });
            }

            predicate = ExprIR::from_node(node, expr_arena);
        }
    }

    let mut phys_predicate = create_physical_expr(&predicate, expr_arena, schema, state)?;

    // The hive predicate settles whole files; nothing is left to filter rows by.
    if hive_predicate_is_full_predicate {
        hive_predicate = Some(phys_predicate.clone());
        filters_rows = false;
        let node = expr_arena.add(AExpr::Literal(Scalar::from(true).into()));
        predicate = ExprIR::from_node(node, expr_arena);
        phys_predicate = create_physical_expr(&predicate, expr_arena, schema, state)?;
    }

    let live_columns = Arc::new(PlIndexSet::from_iter(
        aexpr_to_leaf_names_iter(predicate.node(), expr_arena).cloned(),
    ));
    let mut skip_batch_predicate = None;

    if create_skip_batch_predicate && filters_rows {
        if let Some(node) = aexpr_to_skip_batch_predicate(predicate.node(), expr_arena, schema) {
            let expr = ExprIR::new(node, predicate.output_name_inner().clone());

            if std::env::var("POLARS_OUTPUT_SKIP_BATCH_PRED").as_deref() == Ok("1") {
                eprintln!("predicate: {}", predicate.display(expr_arena));
                eprintln!("skip_batch_predicate: {}", expr.display(expr_arena));
            }

            let mut skip_batch_schema = Schema::with_capacity(1 + live_columns.len());

            skip_batch_schema.insert(PlSmallStr::from_static("len"), IDX_DTYPE);
            for (col, dtype) in schema.iter() {
                if !live_columns.contains(col) {
                    continue;
                }

                skip_batch_schema.insert(format_pl_smallstr!("{col}_min"), dtype.clone());
                skip_batch_schema.insert(format_pl_smallstr!("{col}_max"), dtype.clone());
                skip_batch_schema.insert(format_pl_smallstr!("{col}_nc"), null_count_dtype(dtype));
            }

            skip_batch_predicate = Some(create_physical_expr(
                &expr,
                expr_arena,
                &Arc::new(skip_batch_schema),
                state,
            )?);
        }
    }

    let staged = if create_column_predicates && filters_rows {
        Some(create_staged_predicate(
            predicate.node(),
            expr_arena,
            schema,
            state,
        )?)
    } else {
        None
    };

    let predicate_minterm_eirs = if create_minterm_eirs {
        Some(
            MintermIter::new(predicate.node(), expr_arena)
                .map(|node| ExprIR::new(node, OutputName::Alias(PlSmallStr::EMPTY)))
                .collect(),
        )
    } else {
        None
    };

    PolarsResult::Ok(ScanPredicate {
        predicate: phys_predicate,
        predicate_minterm_eirs,
        staged,
        filters_rows,
        live_columns,
        skip_batch_predicate,
        runtime_ranges,
        hive_predicate,
        hive_predicate_is_full_predicate,
    })
}

fn create_staged_predicate(
    predicate: Node,
    expr_arena: &mut Arena<AExpr>,
    schema: &Arc<Schema>,
    state: &mut ExpressionConversionState,
) -> PolarsResult<StagedScanPredicate> {
    let column_predicates = aexpr_to_column_predicates(predicate, expr_arena, schema);
    let rest = column_predicates.rest.into_iter().reduce(|left, right| {
        expr_arena.add(AExpr::BinaryExpr {
            left,
            op: Operator::And,
            right,
        })
    });
    if std::env::var("POLARS_OUTPUT_COLUMN_PREDS").as_deref() == Ok("1") {
        eprintln!("column_predicates: {{");
        for p in column_predicates.predicates.values() {
            if let Some(predicate) = p.predicate {
                eprintln!(
                    "  {} ({:?}),",
                    ExprIRDisplay::display_node(predicate, expr_arena),
                    p.specialized,
                );
            }
            for &d in &p.dynamic {
                eprintln!(
                    "  {} (dynamic),",
                    ExprIRDisplay::display_node(d, expr_arena)
                );
            }
        }
        eprintln!("}}");
        if let Some(rest) = rest {
            eprintln!(
                "rest_predicate: {}",
                ExprIRDisplay::display_node(rest, expr_arena)
            );
        }
    }
    Ok(StagedScanPredicate {
        column_predicates: column_predicates
            .predicates
            .into_iter()
            .map(|(name, p)| {
                let mut physical = |node, expr_arena: &mut Arena<AExpr>| {
                    create_physical_expr(
                        &ExprIR::new(node, OutputName::Alias(PlSmallStr::EMPTY)),
                        expr_arena,
                        schema,
                        state,
                    )
                };
                let predicate = p
                    .predicate
                    .map(|node| physical(node, expr_arena))
                    .transpose()?;
                let mut dynamic = Vec::with_capacity(p.dynamic.len());
                for node in p.dynamic {
                    let AExpr::Function {
                        function: IRFunctionExpr::DynamicPred { pred, .. },
                        ..
                    } = expr_arena.get(node)
                    else {
                        unreachable!()
                    };
                    let source: Arc<dyn DynamicPredicateSource> = Arc::new(pred.clone());
                    dynamic.push((physical(node, expr_arena)?, source));
                }
                PolarsResult::Ok((
                    name,
                    PhysicalColumnPredicate {
                        predicate,
                        specialized: p.specialized,
                        dynamic,
                    },
                ))
            })
            .collect::<PolarsResult<_>>()?,
        rest: rest
            .map(|rest| {
                create_physical_expr(
                    &ExprIR::from_node(rest, expr_arena),
                    expr_arena,
                    schema,
                    state,
                )
            })
            .transpose()?,
    })
}

/// The range hint of a dynamic predicate over a scan column, or over an order-keeping
/// expression of one.
fn runtime_range_hint(
    part: Node,
    expr_arena: &mut Arena<AExpr>,
    schema: &Arc<Schema>,
    state: &mut ExpressionConversionState,
) -> PolarsResult<Option<RuntimeRangeHint>> {
    let AExpr::Function {
        input,
        function: IRFunctionExpr::DynamicPred { pred, .. },
        ..
    } = expr_arena.get(part)
    else {
        return Ok(None);
    };
    let input = input[0].node();
    let source = Arc::new(pred.clone());
    if let AExpr::Column(column) = expr_arena.get(input) {
        return Ok(Some(RuntimeRangeHint {
            column: column.clone(),
            order_keeping_expr: None,
            source,
            constant: None,
        }));
    }
    let Some(OrderKeeping { column, .. }) = order_keeping_column(input, expr_arena, schema) else {
        return Ok(None);
    };
    let expr = create_physical_expr(
        &ExprIR::from_node(input, expr_arena),
        expr_arena,
        schema,
        state,
    )?;
    Ok(Some(RuntimeRangeHint {
        column,
        order_keeping_expr: Some(Arc::new(OrderKeepingExpr(expr))),
        source,
        constant: None,
    }))
}

struct OrderKeepingExpr(Arc<dyn PhysicalExpr>);

impl ColumnIoExpr for OrderKeepingExpr {
    fn evaluate_io(&self, df: &DataFrame) -> PolarsResult<Column> {
        self.0.evaluate(df, &Default::default())
    }
}

#[derive(Default)]
pub struct InitializeScanPredicateResult {
    pub skip_files_mask: Option<SkipFilesMask>,
    pub can_skip_scan_predicate: bool,
}

/// # Returns
/// (skip_files_mask, predicate)
pub fn initialize_scan_predicate(
    predicate: Option<&ScanIOPredicate>,
    hive_parts: Option<&HivePartitionsDf>,
    table_statistics: Option<&TableStatistics>,
    verbose: bool,
) -> PolarsResult<InitializeScanPredicateResult> {
    let Some(predicate) = predicate else {
        return Ok(Default::default());
    };

    let mut hive_inclusion: Option<Bitmap> = None;
    let mut stats_exclusion: Option<Bitmap> = None;

    // Hive partitioning pruning.
    if let Some(hive_parts) = hive_parts
        && let Some(hive_predicate) = &predicate.hive_predicate
    {
        if verbose {
            eprintln!(
                "initialize_scan_predicate: Source filter mask initialization via hive partitions"
            );
        }

        let hive_inclusion_bitmap = hive_predicate
            .evaluate_io(hive_parts.df())?
            .bool()?
            .rechunk()
            .into_owned()
            .downcast_into_iter()
            .next()
            .unwrap()
            .true_and_valid();

        let hive_len = hive_parts.df().height();
        let mask_len = hive_inclusion_bitmap.len();

        if hive_len != mask_len {
            polars_warn!(
                "WARNING: \
            initialize_scan_predicate: \
            filter mask length mismatch \
            (mask: {}, hive: {:?}). \
            Files will not be skipped. This is a bug; \
            please open an issue with a reproducible example if possible.",
                mask_len,
                hive_len
            );
            return Ok(Default::default());
        }

        if predicate.hive_predicate_is_full_predicate {
            let skip_files_mask = SkipFilesMask::Inclusion(hive_inclusion_bitmap);
            if verbose {
                eprintln!(
                    "initialize_scan_predicate: Predicate pushdown allows skipping {} / {} files",
                    skip_files_mask.num_skipped_files(),
                    skip_files_mask.len(),
                );
            }
            return Ok(InitializeScanPredicateResult {
                skip_files_mask: Some(skip_files_mask),
                // The predicate is still needed if it has runtime ranges to skip batches by.
                can_skip_scan_predicate: predicate.runtime_ranges.is_empty(),
            });
        }

        hive_inclusion = Some(hive_inclusion_bitmap);
    }

    // Non-hive table statistics pruning.
    if let Some(table_statistics) = table_statistics
        && let Some(skip_batch_predicate) = &predicate.skip_batch_predicate
    {
        if verbose {
            eprintln!(
                "initialize_scan_predicate: Source filter mask initialization via table statistics"
            );
        }

        let statistics = super::table_statistics::fill_missing_statistics(
            table_statistics.0.as_ref(),
            &predicate.live_columns,
            skip_batch_predicate.schema(),
        )?;
        #[cfg(feature = "dtype-categorical")]
        let statistics = super::table_statistics::normalize_enum_statistics(
            &statistics,
            skip_batch_predicate.schema(),
        )?;
        let stats_exclusion_bitmap = skip_batch_predicate.evaluate_with_stat_df(&statistics)?;

        let stats_len = table_statistics.0.height();
        let mask_len = stats_exclusion_bitmap.len();

        if stats_len != mask_len {
            polars_warn!(
                "WARNING: \
            initialize_scan_predicate: \
            filter mask length mismatch \
            (mask: {}, stats: {:?}). \
            Files will not be skipped. This is a bug; \
            please open an issue with a reproducible example if possible.",
                mask_len,
                stats_len
            );
            return Ok(Default::default());
        }

        stats_exclusion = Some(stats_exclusion_bitmap);
    }

    // Merge masks.
    let skip_files_mask = match (hive_inclusion, stats_exclusion) {
        (Some(ref hive_inclusion), Some(ref stats_exclusion)) => {
            SkipFilesMask::Exclusion(&!hive_inclusion | stats_exclusion)
        },
        (Some(hive_inclusion), None) => SkipFilesMask::Inclusion(hive_inclusion),
        (None, Some(stats_exclusion)) => SkipFilesMask::Exclusion(stats_exclusion),
        (None, None) => return Ok(Default::default()),
    };

    if verbose {
        eprintln!(
            "initialize_scan_predicate: Predicate pushdown allows skipping {} / {} files",
            skip_files_mask.num_skipped_files(),
            skip_files_mask.len(),
        );
    }

    Ok(InitializeScanPredicateResult {
        skip_files_mask: Some(skip_files_mask),
        can_skip_scan_predicate: false,
    })
}

/// Filters the list of files in an `IR::Scan` based on the contained predicate. This is possible
/// if the predicate has components that refer to only the hive parts and there is no e.g.
/// row index / slice.
///
/// This also applies the projection onto the hive parts.
///
/// # Panics
/// Panics if `scan_ir_node` is not `IR::Scan`.
pub fn apply_scan_predicate_to_scan_ir(
    scan_ir_node: Node,
    ir_arena: &mut Arena<IR>,
    expr_arena: &mut Arena<AExpr>,
) -> PolarsResult<()> {
    let scan_ir_schema = IR::schema(ir_arena.get(scan_ir_node), ir_arena).into_owned();
    let scan_ir = ir_arena.get_mut(scan_ir_node);

    let IR::Scan {
        sources,
        hive_parts,
        predicate,
        predicate_file_skip_applied,
        unified_scan_args,
        file_info,
        ..
    } = scan_ir
    else {
        unreachable!()
    };

    if let Some(hive_parts) = hive_parts.as_mut() {
        *hive_parts = hive_parts.filter_columns(&scan_ir_schema);
    }

    if unified_scan_args.has_row_index_or_slice() || predicate_file_skip_applied.is_some() {
        return Ok(());
    }

    let Some(predicate) = predicate else {
        return Ok(());
    };

    match sources {
        // Files cannot be `gather()`ed.
        ScanSources::Files(_) => return Ok(()),
        ScanSources::Paths(_) | ScanSources::Buffers(_) => {},
    }

    let verbose = config::verbose();

    let (scan_predicate, _) = create_scan_predicate(
        predicate,
        expr_arena,
        &scan_ir_schema,
        hive_parts.as_ref().map(|hp| hp.df().schema().as_ref()),
        &mut ExpressionConversionState::new(true),
        true,  // create_skip_batch_predicate
        false, // create_column_predicates
        false, // create_minterm_eirs
    )?
    .to_io(None, file_info.schema.clone());

    let InitializeScanPredicateResult {
        skip_files_mask,
        can_skip_scan_predicate,
    } = initialize_scan_predicate(
        Some(&scan_predicate),
        hive_parts.as_ref(),
        unified_scan_args.table_statistics.as_ref(),
        verbose,
    )?;

    let predicate_to_readers = (!can_skip_scan_predicate).then_some(&scan_predicate);

    if let Some(skip_files_mask) = skip_files_mask {
        assert_eq!(skip_files_mask.len(), sources.len());

        let predicate_file_skip = PredicateFileSkip {
            no_residual_predicate: predicate_to_readers.is_none(),
            original_len: sources.len(),
        };

        if verbose {
            eprintln!("apply_scan_predicate_to_scan_ir: {predicate_file_skip:?}");
        }

        *predicate_file_skip_applied = Some(predicate_file_skip);

        if skip_files_mask.num_skipped_files() > 0 {
            filter_scan_ir(scan_ir, skip_files_mask.non_skipped_files_idx_iter(), false)
        }
    }

    Ok(())
}

/// Filters the paths for a scan IR. This also involves performing selections on
/// e.g. hive partitions, deletion files.
///
/// Note: `selected_path_indices` should be cheaply cloneable.
///
/// # Panics
/// Panics if `scan_ir` is not `IR::Scan`.
pub fn filter_scan_ir<I>(scan_ir: &mut IR, selected_path_indices: I, allow_pre_slice: bool)
where
    I: Iterator<Item = usize> + Clone,
{
    let IR::Scan {
        sources,
        file_info:
            FileInfo {
                schema: _,
                reader_schema,
                stats,
            },
        hive_parts,
        predicate: _,
        predicate_file_skip_applied: _,
        output_schema: _,
        maintain_order: _,
        scan_type,
        unified_scan_args,
    } = scan_ir
    else {
        panic!("{:?}", scan_ir);
    };

    let size_hint = selected_path_indices.size_hint();

    if size_hint.0 == sources.len()
        && size_hint.1 == Some(sources.len())
        && selected_path_indices
            .clone()
            .enumerate()
            .all(|(i, x)| i == x)
    {
        return;
    }

    let UnifiedScanArgs {
        schema: _,
        cloud_options: _,
        hive_options: _,
        rechunk: _,
        cache: _,
        glob: _,
        expand_paths: _,
        hidden_file_prefix: _,
        projection: _,
        column_mapping: _,
        default_values,
        row_index,
        pre_slice,
        cast_columns_policy: _,
        missing_columns_policy: _,
        extra_columns_policy: _,
        include_file_paths: _,
        deletion_files,
        table_statistics,
        row_count,
        source_sizes: _,
        resolve_heavy_sources: _,
    } = unified_scan_args.as_mut();

    // Ensure these are None.
    assert!(row_index.is_none(), "{unified_scan_args:?}");
    // In cloud this is allowed.
    assert!(
        pre_slice.is_none() | allow_pre_slice,
        "{unified_scan_args:?}"
    );

    // Reconcile pre-decoded state with the filter: clear what's stale,
    // gather what survives.
    *row_count = None;

    let first_surviving_idx = selected_path_indices.clone().next();
    let first_file_dropped = first_surviving_idx != Some(0);
    if first_file_dropped {
        *reader_schema = None;
    }
    scan_type.gather_after_filter(first_file_dropped, selected_path_indices.clone());

    let selected_path_indices_idxsize = LazyCell::new(|| {
        selected_path_indices
            .clone()
            .map(|i| IdxSize::try_from(i).unwrap())
            .collect::<Vec<_>>()
    });

    *deletion_files = deletion_files.take().and_then(|x| match x {
        DeletionFilesList::Iceberg(deletions) => {
            let mut out = None;

            for (out_idx, source_idx) in selected_path_indices.clone().enumerate() {
                if let Some(v) = deletions.get(&source_idx) {
                    out.get_or_insert_with(|| {
                        PlIndexMap::with_capacity(
                            selected_path_indices.size_hint().0.saturating_sub(out_idx),
                        )
                    })
                    .insert(out_idx, v.clone());
                }
            }

            out.map(|x| DeletionFilesList::Iceberg(Arc::new(x)))
        },
        // No-op - Delta takes scan paths at the execution stage.
        #[cfg(feature = "python")]
        DeletionFilesList::Delta(provider) => Some(DeletionFilesList::Delta(provider)),
    });

    *table_statistics = table_statistics.as_ref().map(|x| {
        let df_height = IdxSize::try_from(x.0.height()).unwrap();

        assert!(selected_path_indices_idxsize.iter().all(|x| *x < df_height));

        TableStatistics(Arc::new(unsafe {
            x.0.take_slice_unchecked(&selected_path_indices_idxsize)
        }))
    });

    let original_sources_len = sources.len();
    *sources = sources.gather(selected_path_indices.clone()).unwrap();
    stats.rows = stats
        .rows
        .map(|rows| {
            rows.div_ceil(original_sources_len as u64)
                .saturating_mul(sources.len() as u64)
        })
        .demote_default();

    *hive_parts = hive_parts.as_ref().map(|hp| {
        let df = hp.df();
        let df_height = IdxSize::try_from(df.height()).unwrap();

        assert!(selected_path_indices_idxsize.iter().all(|x| *x < df_height));

        // Safety: Asserted all < df.height() above.
        unsafe { df.take_slice_unchecked(&selected_path_indices_idxsize) }.into()
    });

    *default_values = default_values.as_ref().map(|x| match x {
        DefaultFieldValues::Iceberg(v) => {
            let IcebergDefaultFieldValues {
                identity_transformed_partition_fields,
                identity_partition_present,
                initial_defaults,
            } = v.as_ref();

            let mut new_identity_transformed_partition_fields =
                PlIndexMap::with_capacity(identity_transformed_partition_fields.len());
            let mut gather_indices =
                PlHashMap::with_capacity(identity_transformed_partition_fields.len());

            for (k, v) in identity_transformed_partition_fields.iter() {
                new_identity_transformed_partition_fields.insert(
                    *k,
                    v.as_ref().map_err(Clone::clone).map(|partition_values| {
                        if !gather_indices.contains_key(&partition_values.len()) {
                            gather_indices.insert(
                                partition_values.len(),
                                selected_path_indices
                                    .clone()
                                    .map(|i| {
                                        (i < partition_values.len())
                                            .then(|| IdxSize::try_from(i).unwrap())
                                    })
                                    .collect::<IdxCa>(),
                            );
                        }

                        unsafe {
                            partition_values.take_unchecked(
                                gather_indices.get(&partition_values.len()).unwrap(),
                            )
                        }
                    }),
                );
            }

            // Sources past the end of a mask become null (not present).
            let new_identity_partition_present = identity_partition_present
                .iter()
                .map(|(k, present)| {
                    let indices = gather_indices.entry(present.len()).or_insert_with(|| {
                        selected_path_indices
                            .clone()
                            .map(|i| (i < present.len()).then(|| IdxSize::try_from(i).unwrap()))
                            .collect::<IdxCa>()
                    });
                    (*k, unsafe { present.take_unchecked(indices) })
                })
                .collect();

            DefaultFieldValues::Iceberg(Arc::new(IcebergDefaultFieldValues {
                identity_transformed_partition_fields: PlIndexMapHashable(
                    new_identity_transformed_partition_fields,
                ),
                identity_partition_present: PlIndexMapHashable(new_identity_partition_present),
                initial_defaults: initial_defaults.clone(),
            }))
        },
    });
}
