use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::Mutex;

use deletion::DeletionFilesList;
use polars_buffer::Buffer;
use polars_core::schema::iceberg::IcebergSchemaRef;
use polars_core::utils::get_numeric_upcast_supertype_lossless;
use polars_io::cloud::CloudOptions;
#[cfg(feature = "csv")]
use polars_io::csv::read::CsvReadOptions;
use polars_io::external_reader::ExternalReaderBuilder;
#[cfg(feature = "ipc")]
use polars_io::ipc::IpcScanOptions;
#[cfg(feature = "parquet")]
use polars_io::parquet::metadata::FileMetadataRef;
#[cfg(feature = "parquet")]
use polars_io::parquet::read::ParquetOptions;
use polars_io::{HiveOptions, RowIndex};
use polars_utils::slice_enum::Slice;
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use strum_macros::IntoStaticStr;

use super::*;
use crate::dsl::default_values::DefaultFieldValues;
pub mod default_values;
pub mod deletion;
#[cfg(feature = "python")]
pub mod python_delta_dv_provider;
#[cfg(feature = "python")]
pub use python_delta_dv_provider::{DELTA_DV_PROVIDER_VTABLE, DeltaDeletionVectorProviderVTable};
#[cfg(feature = "python")]
pub mod python_dataset;
#[cfg(feature = "python")]
pub use python_dataset::{DATASET_PROVIDER_VTABLE, PythonDatasetProviderVTable};

bitflags::bitflags! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct ScanFlags : u32 {
        const SPECIALIZED_PREDICATE_FILTER = 0x01;
        /// The reader skips whole batches by their statistics.
        const SKIPS_BATCHES_BY_STATISTICS = 0x02;
    }
}

const _: () = {
    assert!(std::mem::size_of::<FileScanDsl>() <= 100);
};

#[derive(Clone, Debug, IntoStaticStr)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
/// Note: This is cheaply cloneable.
pub enum FileScanDsl {
    #[cfg(feature = "csv")]
    Csv {
        options: Arc<CsvReadOptions>,
    },

    #[cfg(feature = "json")]
    NDJson {
        options: NDJsonReadOptions,
    },

    #[cfg(feature = "parquet")]
    Parquet {
        options: ParquetOptions,
    },

    #[cfg(feature = "ipc")]
    Ipc {
        options: IpcScanOptions,
    },

    #[cfg(feature = "python")]
    PythonDataset {
        dataset_object: Arc<python_dataset::PythonDatasetProvider>,
    },

    #[cfg(feature = "scan_lines")]
    Lines {
        name: PlSmallStr,
    },

    ExpandedPaths {
        name: PlSmallStr,
    },

    ExternalReaderBuilder {
        external: ExternalReaderBuilder,
    },

    #[cfg_attr(any(feature = "serde", feature = "dsl-schema"), serde(skip))]
    Anonymous {
        options: Arc<AnonymousScanOptions>,
        function: Arc<dyn AnonymousScan>,
        file_info: FileInfo,
    },
}

const _: () = {
    assert!(std::mem::size_of::<FileScanIR>() <= 80);
};

/// Footer metadata retained per scan source.
///
/// Source indices refer to the scan's source list; a source not covered by
/// the variant is unknown.
/// Canonical format: Partial is used iff the subset is neither empty nor full.
#[cfg(feature = "parquet")]
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub enum MetadataPerSource {
    /// No per-source metadata retained.
    #[default]
    Unresolved,
    /// Footers of a strict subset of the sources.
    Partial(Arc<PartialMetadata>),
    /// Every source's footer: entry `i` is the footer of source `i`.
    Full(Arc<[FileMetadataRef]>),
}

/// The resolved subset held by [`MetadataPerSource::Partial`].
#[cfg(feature = "parquet")]
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct PartialMetadata {
    /// Source indices of the resolved footers, ascending.
    /// Invariant: the first index points to source 0 in the ScanSources list.
    /// TODO: Refactor `first_metadata` semantics and the invariant to enable
    /// best-effort retention when filtering.
    indices: Vec<usize>,
    /// Dense footers: `metadata[j]` is the footer of source `indices[j]`.
    metadata: Vec<FileMetadataRef>,
}

#[cfg(feature = "parquet")]
impl PartialMetadata {
    fn new(indices: Vec<usize>, metadata: Vec<FileMetadataRef>) -> Self {
        assert!(!indices.is_empty());
        assert_eq!(indices.len(), metadata.len());
        assert_eq!(indices.first().unwrap(), &0, "Partial must retain source 0");

        Self { indices, metadata }
    }
}

#[cfg(feature = "parquet")]
impl MetadataPerSource {
    /// Build from `(source index, footer)` entries; coverage picks the
    /// variant. Enforces canonical format.
    pub(crate) fn new(
        entries: impl IntoIterator<Item = (usize, FileMetadataRef)>,
        n_sources: usize,
    ) -> Self {
        let mut entries: Vec<_> = entries.into_iter().collect();

        // Sorted storage; strictness also rules out duplicate indices.
        entries.sort_unstable_by_key(|&(i, _)| i);

        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        debug_assert!(entries.last().is_none_or(|(i, _)| *i < n_sources));

        if entries.is_empty() {
            Self::Unresolved
        } else if entries.len() == n_sources {
            Self::Full(entries.into_iter().map(|(_, m)| m).collect())
        } else {
            let (indices, metadata): (Vec<_>, Vec<_>) = entries.into_iter().unzip();
            match indices[0] {
                0 => Self::Partial(Arc::new(PartialMetadata::new(indices, metadata))),
                // Silently degrade when the invariant is not met.
                _ => Self::Unresolved,
            }
        }
    }

    /// Footer of the scan's current source 0, when resolved.
    ///
    /// Every resolve that reads source 0's footer retains it, so this is
    /// `Some` for any non-`Unresolved` value produced by resolve.
    pub fn first_metadata(&self) -> Option<&FileMetadataRef> {
        match self {
            Self::Unresolved => None,
            Self::Partial(p) => (p.indices.first() == Some(&0)).then(|| &p.metadata[0]),
            Self::Full(s) => s.first(),
        }
    }

    /// Whether every source's footer is resolved.
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }

    /// The resolved footers, ascending by source index.
    pub fn resolved_metadata(&self) -> &[FileMetadataRef] {
        match self {
            Self::Unresolved => &[],
            Self::Partial(p) => &p.metadata,
            Self::Full(s) => s,
        }
    }

    /// Resolved footers and their source indices, in source order.
    pub fn iter_resolved(&self) -> impl Iterator<Item = (usize, &FileMetadataRef)> {
        let (indices, metadata): (&[usize], &[FileMetadataRef]) = match self {
            Self::Unresolved => (&[], &[]),
            Self::Partial(p) => (&p.indices, &p.metadata),
            Self::Full(s) => (&[], s),
        };
        // `Full` uses each footer's position as its source index.
        metadata
            .iter()
            .enumerate()
            .map(move |(j, md)| (indices.get(j).copied().unwrap_or(j), md))
    }

    /// Re-index to the sources surviving a filter.
    ///
    /// The `surviving` yields ascending pre-filter source indices.
    fn gather_reindex(&self, surviving: impl Iterator<Item = usize>) -> Self {
        match self {
            Self::Unresolved => Self::Unresolved,
            Self::Partial(partial) => {
                // Intersect with the filter, then renumber to post-filter positions.
                let mut resolved = partial
                    .indices
                    .iter()
                    .copied()
                    .zip(partial.metadata.iter())
                    .peekable();
                let mut kept = Vec::new();
                let mut n_surviving = 0usize;
                for old_idx in surviving {
                    while resolved.peek().is_some_and(|&(i, _)| i < old_idx) {
                        resolved.next();
                    }
                    if let Some(&(i, m)) = resolved.peek() {
                        if i == old_idx {
                            kept.push((n_surviving, m.clone()));
                            resolved.next();
                        }
                    }
                    n_surviving += 1;
                }
                // Note: may degrade to Unresolved if the invariant (first source index == 0)
                // cannot be uphold.
                Self::new(kept, n_surviving)
            },
            Self::Full(s) => {
                let gathered: Vec<FileMetadataRef> = surviving.map(|i| s[i].clone()).collect();
                if gathered.is_empty() {
                    Self::Unresolved
                } else {
                    Self::Full(gathered.into())
                }
            },
        }
    }

    /// Gather the first entry in the set.
    pub fn gather_first(&self) -> Self {
        match self {
            Self::Unresolved => Self::Unresolved,
            Self::Partial(p) => match (p.indices.first(), p.metadata.first()) {
                (Some(&0), Some(md)) => {
                    Self::Partial(Arc::new(PartialMetadata::new(vec![0], vec![md.clone()])))
                },
                (Some(_), Some(_)) => {
                    debug_assert!(false, "Partial must retain source 0");
                    Self::Unresolved // Unreachable.
                },
                _ => Self::Unresolved,
            },
            Self::Full(md) => match md.len() {
                0 => Self::Unresolved, // Unreachable.
                1 => self.clone(),
                n => MetadataPerSource::new(std::iter::once((0, md[0].clone())), n),
            },
        }
    }

    /// Apply `f` to every retained footer, keeping the variant and indices.
    pub(crate) fn map_footers(
        &self,
        mut f: impl FnMut(&FileMetadataRef) -> FileMetadataRef,
    ) -> Self {
        match self {
            Self::Unresolved => Self::Unresolved,
            Self::Partial(p) => Self::Partial(Arc::new(PartialMetadata::new(
                p.indices.clone(),
                p.metadata.iter().map(&mut f).collect(),
            ))),
            Self::Full(s) => Self::Full(s.iter().map(f).collect()),
        }
    }

    /// Allocation identity, for pointer-based eq/hash.
    pub(crate) fn as_arc_ptr(&self) -> Option<usize> {
        match self {
            Self::Unresolved => None,
            Self::Partial(p) => Some(Arc::as_ptr(p) as *const () as usize),
            Self::Full(f) => Some(Arc::as_ptr(f) as *const () as usize),
        }
    }
}

#[derive(Clone, Debug, IntoStaticStr)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
/// Note: This is cheaply cloneable.
pub enum FileScanIR {
    #[cfg(feature = "csv")]
    Csv {
        options: Arc<CsvReadOptions>,
    },

    #[cfg(feature = "json")]
    NDJson {
        options: NDJsonReadOptions,
    },

    #[cfg(feature = "parquet")]
    Parquet {
        options: ParquetOptions,
        /// Per-source footer metadata.
        #[cfg_attr(feature = "dsl-schema", serde(skip))]
        metadata_per_source: MetadataPerSource,
        /// Byte size per scan source, retained from path expansion. One slot
        /// per source in `sources` order; `Some` only when every source has
        /// a known size.
        #[cfg_attr(feature = "dsl-schema", serde(skip))]
        bytes_per_source: Option<Buffer<u64>>,
    },

    #[cfg(feature = "ipc")]
    Ipc {
        options: IpcScanOptions,
        #[cfg_attr(any(feature = "serde", feature = "dsl-schema"), serde(skip))]
        metadata: Option<Arc<polars_arrow::io::ipc::read::FileMetadata>>,
    },

    #[cfg(feature = "python")]
    PythonDataset {
        dataset_object: Arc<python_dataset::PythonDatasetProvider>,
        cached_ir: Arc<Mutex<Option<ExpandedDataset>>>,
    },

    #[cfg(feature = "scan_lines")]
    Lines {
        name: PlSmallStr,
    },

    ExpandedPaths {
        name: PlSmallStr,
    },

    ExternalReaderBuilder {
        external: ExternalReaderBuilder,
    },

    #[cfg_attr(any(feature = "serde", feature = "dsl-schema"), serde(skip))]
    Anonymous {
        options: Arc<AnonymousScanOptions>,
        function: Arc<dyn AnonymousScan>,
    },
}

impl FileScanIR {
    pub fn flags(&self) -> ScanFlags {
        match self {
            #[cfg(feature = "csv")]
            Self::Csv { .. } => ScanFlags::empty(),
            #[cfg(feature = "ipc")]
            Self::Ipc { .. } => ScanFlags::empty(),
            #[cfg(feature = "parquet")]
            Self::Parquet { options, .. } => {
                let mut flags = ScanFlags::SPECIALIZED_PREDICATE_FILTER;
                if options.use_statistics {
                    flags |= ScanFlags::SKIPS_BATCHES_BY_STATISTICS;
                }
                flags
            },
            #[cfg(feature = "json")]
            Self::NDJson { .. } => ScanFlags::empty(),
            #[allow(unreachable_patterns)]
            _ => ScanFlags::empty(),
        }
    }

    pub fn streamable(&self) -> bool {
        match self {
            #[cfg(feature = "csv")]
            Self::Csv { .. } => true,
            #[cfg(feature = "ipc")]
            Self::Ipc { .. } => false,
            #[cfg(feature = "parquet")]
            Self::Parquet { .. } => true,
            #[cfg(feature = "json")]
            Self::NDJson { .. } => false,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// Whether scans of this type can ever be read as one scan with other scans.
    pub(crate) fn supports_concat_sources(&self) -> bool {
        match self {
            #[cfg(feature = "csv")]
            Self::Csv { .. } => true,
            #[cfg(feature = "json")]
            Self::NDJson { .. } => true,
            #[cfg(feature = "parquet")]
            Self::Parquet { .. } => true,
            #[cfg(feature = "ipc")]
            Self::Ipc { .. } => true,
            _ => false,
        }
    }

    /// Whether scans of `self` and `other` can be read as one scan over the sources of both.
    pub(crate) fn can_concat_sources(&self, other: &Self) -> bool {
        match (self, other) {
            #[cfg(feature = "csv")]
            (Self::Csv { options: l }, Self::Csv { options: r }) => l == r,
            #[cfg(feature = "json")]
            (Self::NDJson { options: l }, Self::NDJson { options: r }) => l == r,
            #[cfg(feature = "parquet")]
            (Self::Parquet { options: l, .. }, Self::Parquet { options: r, .. }) => l == r,
            #[cfg(feature = "ipc")]
            (Self::Ipc { options: l, .. }, Self::Ipc { options: r, .. }) => l == r,
            _ => false,
        }
    }

    /// The scan type for the sources of `parts` read one after another. Each part holds a scan
    /// type and its number of sources. `parts` must not be empty, and all parts must pass
    /// [`Self::can_concat_sources`].
    pub(crate) fn concat_sources(parts: &[(&Self, usize)]) -> Self {
        let (first, _) = parts[0];
        match first {
            #[cfg(feature = "parquet")]
            Self::Parquet { options, .. } => {
                let mut entries = Vec::new();
                let mut bytes = Some(Vec::new());
                let mut n_sources = 0;
                for (scan_type, len) in parts {
                    let Self::Parquet {
                        metadata_per_source,
                        bytes_per_source,
                        ..
                    } = scan_type
                    else {
                        unreachable!()
                    };
                    entries.extend(
                        metadata_per_source
                            .iter_resolved()
                            .map(|(i, md)| (n_sources + i, md.clone())),
                    );
                    bytes = bytes.zip(bytes_per_source.as_ref()).map(|(mut out, b)| {
                        out.extend_from_slice(b);
                        out
                    });
                    n_sources += len;
                }
                Self::Parquet {
                    options: options.clone(),
                    metadata_per_source: MetadataPerSource::new(entries, n_sources),
                    bytes_per_source: bytes.map(Buffer::from),
                }
            },
            // Csv and NDJson have no per-source state, Ipc `metadata` belongs to source 0.
            _ => first.clone(),
        }
    }

    /// Re-index pre-decoded per-source state after a source-list filter.
    ///
    /// `surviving_indices` yields ascending indices into the pre-filter list.
    pub fn gather_after_filter<I>(
        &mut self,
        #[allow(unused)] first_file_dropped: bool,
        surviving_indices: I,
    ) where
        I: Iterator<Item = usize> + Clone,
    {
        // Parquet: gather per-source state by surviving indices so entry `i`
        // still matches sources[i].
        // Ipc / PythonDataset: file-0-keyed state cleared when file 0 dropped.
        match self {
            #[cfg(feature = "parquet")]
            Self::Parquet {
                options: _,
                metadata_per_source,
                bytes_per_source,
            } => {
                *metadata_per_source =
                    metadata_per_source.gather_reindex(surviving_indices.clone());
                if let Some(slice) = bytes_per_source {
                    *slice = surviving_indices.map(|i| slice[i]).collect();
                }
            },
            #[cfg(feature = "ipc")]
            Self::Ipc {
                options: _,
                metadata,
            } => {
                if first_file_dropped {
                    *metadata = None;
                }
            },
            #[cfg(feature = "csv")]
            Self::Csv { options: _ } => {},
            #[cfg(feature = "json")]
            Self::NDJson { options: _ } => {},
            #[cfg(feature = "python")]
            Self::PythonDataset {
                dataset_object: _,
                cached_ir,
            } => {
                if first_file_dropped {
                    *cached_ir.lock().unwrap() = None;
                }
            },
            #[cfg(feature = "scan_lines")]
            Self::Lines { name: _ } => {},
            Self::ExpandedPaths { name: _ } => {},
            Self::ExternalReaderBuilder { external: _ } => {},
            Self::Anonymous {
                options: _,
                function: _,
            } => {},
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
pub enum MissingColumnsPolicy {
    #[default]
    Raise,
    /// Inserts full-NULL columns for the missing ones.
    Insert,
}

/// Used by scans.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
pub struct CastColumnsPolicy {
    /// Allow casting when target dtype is lossless supertype. This also allows widening
    /// the precision of decimals with equal scale.
    pub integer_upcast: bool,

    /// Allow casting integers to floats.
    #[cfg_attr(feature = "serde", serde(default))]
    pub integer_to_float_cast: bool,

    /// Allow upcasting from small floats to bigger floats
    pub float_upcast: bool,
    /// Allow downcasting from big floats to smaller floats
    pub float_downcast: bool,

    /// Allow datetime[ns] to be cast to any lower precision.
    /// (Important for being able to read datasets written by Spark).
    pub datetime_nanoseconds_downcast: bool,

    /// Allow datetime[us] to be cast to datetime[ms]
    pub datetime_microseconds_downcast: bool,

    /// Allow datetime[ms] to be cast to datetime[us] or datetime[ns].
    #[cfg_attr(feature = "serde", serde(default))]
    pub datetime_milliseconds_upcast: bool,

    /// Allow datetime[us] to be cast to datetime[ns].
    #[cfg_attr(feature = "serde", serde(default))]
    pub datetime_microseconds_upcast: bool,

    /// Allow casting to change time units.
    pub datetime_convert_timezone: bool,

    /// DataType::Null to any
    pub null_upcast: bool,

    /// DataType::Categorical to string
    pub categorical_to_string: bool,

    pub missing_struct_fields: MissingColumnsPolicy,
    pub extra_struct_fields: ExtraColumnsPolicy,
}

impl CastColumnsPolicy {
    /// Configuration variant that defaults to raising on mismatch.
    pub const ERROR_ON_MISMATCH: Self = Self {
        integer_upcast: false,
        integer_to_float_cast: false,
        float_upcast: false,
        float_downcast: false,
        datetime_nanoseconds_downcast: false,
        datetime_microseconds_downcast: false,
        datetime_milliseconds_upcast: false,
        datetime_microseconds_upcast: false,
        datetime_convert_timezone: false,
        null_upcast: true,
        categorical_to_string: false,
        missing_struct_fields: MissingColumnsPolicy::Raise,
        extra_struct_fields: ExtraColumnsPolicy::Raise,
    };
}

impl Default for CastColumnsPolicy {
    fn default() -> Self {
        Self::ERROR_ON_MISMATCH
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
pub enum ExtraColumnsPolicy {
    /// Error if there are extra columns outside the target schema.
    #[default]
    Raise,
    Ignore,
}

#[derive(Debug, Clone, Eq, Hash, PartialEq, strum_macros::IntoStaticStr)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
pub enum ColumnMapping {
    Iceberg {
        schema: IcebergSchemaRef,
        /// Whether the table has a name mapping (`schema.name-mapping.default`), which data
        /// files without field IDs are read with. Mapped names are only kept for the fields of
        /// `schema`, so a mapping that only names fields the schema no longer has leaves none.
        has_name_mapping: bool,
    },
}

#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
pub struct TableStatistics(pub Arc<DataFrame>);

impl PartialEq for TableStatistics {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for TableStatistics {}

impl Hash for TableStatistics {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(Arc::as_ptr(&self.0) as *const () as usize);
    }
}

impl std::ops::Deref for TableStatistics {
    type Target = Arc<DataFrame>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// Scan arguments shared across different scan types.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
pub struct UnifiedScanArgs {
    /// User-provided schema of the file. Will be inferred during IR conversion
    /// if None.
    pub schema: Option<SchemaRef>,
    pub cloud_options: Option<CloudOptions>,
    pub hive_options: HiveOptions,

    pub rechunk: bool,
    pub cache: bool,
    pub glob: bool,
    pub expand_paths: bool,
    /// Files with these prefixes will not be read.
    pub hidden_file_prefix: Option<Arc<[PlSmallStr]>>,

    pub projection: Option<Arc<[PlSmallStr]>>,
    pub column_mapping: Option<ColumnMapping>,
    /// Default values for missing columns.
    pub default_values: Option<DefaultFieldValues>,
    pub row_index: Option<RowIndex>,
    /// Slice applied before predicates
    pub pre_slice: Option<Slice>,

    pub cast_columns_policy: CastColumnsPolicy,
    pub missing_columns_policy: MissingColumnsPolicy,
    pub extra_columns_policy: ExtraColumnsPolicy,
    pub include_file_paths: Option<PlSmallStr>,

    pub deletion_files: Option<DeletionFilesList>,
    pub table_statistics: Option<TableStatistics>,
    /// Stores (physical, deleted) row counts of the table if known upfront (e.g. for Iceberg).
    /// This allows for row-count queries to succeed without scanning all files.
    ///
    /// Note, intentionally store u64 instead of IdxSize to avoid erroring if it's unused.
    pub row_count: Option<(u64, u64)>,
    pub source_sizes: Option<Buffer<u64>>,
    /// For `N` partitions, prioritize footers of sources containing at least `1 / N`
    /// of the total bytes. Requires known sizes; selects largest first within the budget.
    pub resolve_heavy_sources: Option<NonZeroU32>,
}

#[derive(Default, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "dsl-schema", derive(schemars::JsonSchema))]
pub struct PredicateFileSkip {
    /// If `true` the predicate can be skipped at runtime.
    pub no_residual_predicate: bool,
    /// Number of files before skipping
    pub original_len: usize,
}

impl UnifiedScanArgs {
    pub fn has_row_index_or_slice(&self) -> bool {
        self.row_index.is_some() || self.pre_slice.is_some()
    }

    /// Whether these arguments hold state that only applies to this scan, so the scan can never
    /// be read as part of a scan over more sources. A row index and a slice restart for every
    /// scan, and deletion files, table statistics and default values are indexed by source.
    pub(crate) fn has_per_scan_state(&self) -> bool {
        self.row_index.is_some()
            || self.pre_slice.is_some()
            || self.deletion_files.is_some()
            || self.table_statistics.is_some()
            || self.default_values.is_some()
    }

    /// Whether scans with `self` and `other` can be read as one scan over the sources of both.
    pub(crate) fn can_concat_sources(&self, other: &Self) -> bool {
        !self.has_per_scan_state()
            && !other.has_per_scan_state()
            && self.concat_key() == other.concat_key()
    }

    /// The fields that must be equal for scans to be read as one scan.
    fn concat_key(&self) -> impl PartialEq + '_ {
        let Self {
            schema,
            cloud_options,
            hive_options,
            rechunk: _,
            cache,
            glob,
            expand_paths,
            hidden_file_prefix,
            projection,
            column_mapping,
            default_values: _,
            row_index: _,
            pre_slice: _,
            cast_columns_policy,
            missing_columns_policy,
            extra_columns_policy,
            include_file_paths,
            deletion_files: _,
            table_statistics: _,
            row_count: _,
            source_sizes: _,
            resolve_heavy_sources,
        } = self;
        (
            (
                schema,
                cloud_options,
                hive_options,
                cache,
                glob,
                expand_paths,
            ),
            (
                hidden_file_prefix,
                projection,
                column_mapping,
                cast_columns_policy,
            ),
            (
                missing_columns_policy,
                extra_columns_policy,
                include_file_paths,
                resolve_heavy_sources,
            ),
        )
    }

    /// The arguments for the sources of `parts` read one after another. `parts` must not be
    /// empty, and all parts must pass [`Self::can_concat_sources`].
    pub(crate) fn concat_sources(parts: &[&Self]) -> Self {
        let mut out = parts[0].clone();
        out.row_count = parts
            .iter()
            .map(|args| args.row_count)
            .try_fold((0, 0), |(physical, deleted), count| {
                count.map(|(p, d)| (physical + p, deleted + d))
            });
        out.source_sizes = parts
            .iter()
            .all(|args| args.source_sizes.is_some())
            .then(|| {
                parts
                    .iter()
                    .flat_map(|args| args.source_sizes.as_deref().unwrap().iter().copied())
                    .collect()
            });
        out
    }
}

// Manual default, we have `glob: true` by default.
impl Default for UnifiedScanArgs {
    fn default() -> Self {
        Self {
            schema: None,
            cloud_options: None,
            hive_options: HiveOptions::new_enabled(),
            rechunk: false,
            cache: false,
            glob: true,
            expand_paths: true,
            hidden_file_prefix: None,
            projection: None,
            column_mapping: None,
            default_values: None,
            row_index: None,
            pre_slice: None,
            cast_columns_policy: CastColumnsPolicy::default(),
            missing_columns_policy: MissingColumnsPolicy::default(),
            extra_columns_policy: ExtraColumnsPolicy::default(),
            include_file_paths: None,
            deletion_files: None,
            table_statistics: None,
            row_count: None,
            source_sizes: None,
            resolve_heavy_sources: None,
        }
    }
}

/// Manual impls of Eq/Hash, as some fields are `Arc<T>` where T does not have Eq/Hash. For these
/// fields we compare the pointer addresses instead.
mod _file_scan_eq_hash {
    use std::hash::{Hash, Hasher};
    use std::sync::Arc;

    use polars_io::external_reader::ExternalReaderBuilder;
    use polars_utils::pl_str::PlSmallStr;

    use super::FileScanIR;

    impl Eq for FileScanIR {}

    impl Hash for FileScanIR {
        fn hash<H: Hasher>(&self, state: &mut H) {
            FileScanEqHashWrap::from(self).hash(state)
        }
    }

    impl PartialEq for FileScanIR {
        fn eq(&self, other: &Self) -> bool {
            FileScanEqHashWrap::from(self) == FileScanEqHashWrap::from(other)
        }
    }

    /// # Hash / Eq safety
    /// * All usizes originate from `Arc<>`s or `Buffer<>`s, and the lifetime of this enum is bound
    ///   to that of the input ref.
    #[derive(PartialEq, Hash)]
    pub enum FileScanEqHashWrap<'a> {
        #[cfg(feature = "csv")]
        Csv {
            options: &'a polars_io::csv::read::CsvReadOptions,
        },

        #[cfg(feature = "json")]
        NDJson {
            options: &'a crate::prelude::NDJsonReadOptions,
        },

        #[cfg(feature = "parquet")]
        Parquet {
            options: &'a polars_io::prelude::ParquetOptions,
            metadata_per_source: Option<usize>,
            bytes_per_source: Option<(usize, usize)>,
        },

        #[cfg(feature = "ipc")]
        Ipc {
            options: &'a polars_io::prelude::IpcScanOptions,
            metadata: Option<usize>,
        },

        #[cfg(feature = "python")]
        PythonDataset {
            dataset_object: usize,
            cached_ir: usize,
        },

        #[cfg(feature = "scan_lines")]
        Lines {
            name: &'a PlSmallStr,
        },

        ExpandedPaths {
            name: &'a PlSmallStr,
        },

        ExternalReaderBuilder {
            external: &'a ExternalReaderBuilder,
        },

        Anonymous {
            options: &'a crate::dsl::AnonymousScanOptions,
            function: usize,
        },

        /// Variant to ensure the lifetime is used regardless of feature gate combination.
        #[expect(unused)]
        Phantom(&'a ()),
    }

    impl<'a> From<&'a FileScanIR> for FileScanEqHashWrap<'a> {
        fn from(value: &'a FileScanIR) -> Self {
            match value {
                #[cfg(feature = "csv")]
                FileScanIR::Csv { options } => FileScanEqHashWrap::Csv { options },

                #[cfg(feature = "json")]
                FileScanIR::NDJson { options } => FileScanEqHashWrap::NDJson { options },

                #[cfg(feature = "parquet")]
                FileScanIR::Parquet {
                    options,
                    metadata_per_source,
                    bytes_per_source,
                } => FileScanEqHashWrap::Parquet {
                    options,
                    metadata_per_source: metadata_per_source.as_arc_ptr(),
                    bytes_per_source: bytes_per_source
                        .as_ref()
                        .map(|v| (v.as_ptr() as usize, v.len())),
                },

                #[cfg(feature = "ipc")]
                FileScanIR::Ipc { options, metadata } => FileScanEqHashWrap::Ipc {
                    options,
                    metadata: metadata.as_ref().map(arc_as_ptr),
                },

                #[cfg(feature = "python")]
                FileScanIR::PythonDataset {
                    dataset_object,
                    cached_ir,
                } => FileScanEqHashWrap::PythonDataset {
                    dataset_object: arc_as_ptr(dataset_object),
                    cached_ir: arc_as_ptr(cached_ir),
                },

                #[cfg(feature = "scan_lines")]
                FileScanIR::Lines { name } => FileScanEqHashWrap::Lines { name },

                FileScanIR::ExpandedPaths { name } => FileScanEqHashWrap::ExpandedPaths { name },

                FileScanIR::ExternalReaderBuilder { external } => {
                    FileScanEqHashWrap::ExternalReaderBuilder { external }
                },

                FileScanIR::Anonymous { options, function } => FileScanEqHashWrap::Anonymous {
                    options,
                    function: arc_as_ptr(function),
                },
            }
        }
    }

    fn arc_as_ptr<T: ?Sized>(arc: &Arc<T>) -> usize {
        Arc::as_ptr(arc) as *const () as usize
    }
}

impl CastColumnsPolicy {
    /// Checks if casting can be done to a dtype with a configured policy.
    ///
    /// # Returns
    /// * Ok(true): Cast needed to target dtype
    /// * Ok(false): No casting needed
    /// * Err(_): Forbidden by configuration, or incompatible types.
    pub fn should_cast_column(
        &self,
        column_name: &str,
        target_dtype: &DataType,
        incoming_dtype: &DataType,
    ) -> PolarsResult<bool> {
        let mismatch_err = |hint: &str| {
            let hint_spacing = if hint.is_empty() { "" } else { ", " };

            polars_bail!(
                SchemaMismatch:
                "data type mismatch for column {}: incoming: {:?} != target: {:?}{}{}",
                column_name,
                incoming_dtype,
                target_dtype,
                hint_spacing,
                hint,
            )
        };

        if incoming_dtype.is_null() && !target_dtype.is_null() {
            return if self.null_upcast {
                Ok(true)
            } else {
                mismatch_err("unimplemented: 'null-upcast' in scan cast options")
            };
        }

        // We intercept the nested types first to prevent an expensive recursive eq - recursion
        // is instead done manually through this function.

        #[cfg(feature = "dtype-struct")]
        if let DataType::Struct(target_fields) = target_dtype {
            let DataType::Struct(incoming_fields) = incoming_dtype else {
                return mismatch_err("");
            };

            let incoming_fields_schema = PlIndexMap::from_iter(
                incoming_fields
                    .iter()
                    .enumerate()
                    .map(|(i, fld)| (fld.name.as_str(), (i, &fld.dtype))),
            );

            let mut should_cast = incoming_fields.len() != target_fields.len();

            for (target_idx, target_field) in target_fields.iter().enumerate() {
                let Some((incoming_idx, incoming_field_dtype)) =
                    incoming_fields_schema.get(target_field.name().as_str())
                else {
                    match self.missing_struct_fields {
                        MissingColumnsPolicy::Raise => {
                            return mismatch_err(&format!(
                                "encountered missing struct field: {}, \
                                hint: pass cast_options=pl.ScanCastOptions(missing_struct_fields='insert')",
                                target_field.name(),
                            ));
                        },
                        MissingColumnsPolicy::Insert => {
                            should_cast = true;
                            // Must keep checking the rest of the fields.
                            continue;
                        },
                    };
                };

                // # Note
                // We also need to cast if the struct fields are out of order. Currently there is
                // no API parameter to control this - we always do this by default.
                should_cast |= *incoming_idx != target_idx;

                should_cast |= self.should_cast_column(
                    column_name,
                    &target_field.dtype,
                    incoming_field_dtype,
                )?;
            }

            // Casting is also needed if there are extra fields, check them here.

            // Take and re-use hashmap
            let mut target_fields_schema = incoming_fields_schema;
            target_fields_schema.clear();

            target_fields_schema.extend(
                target_fields
                    .iter()
                    .enumerate()
                    .map(|(i, fld)| (fld.name.as_str(), (i, &fld.dtype))),
            );

            for fld in incoming_fields {
                if !target_fields_schema.contains_key(fld.name.as_str()) {
                    match self.extra_struct_fields {
                        ExtraColumnsPolicy::Ignore => {
                            should_cast = true;
                            break;
                        },
                        ExtraColumnsPolicy::Raise => {
                            return mismatch_err(&format!(
                                "encountered extra struct field: {}, \
                                hint: specify this field in the schema, or pass \
                                cast_options=pl.ScanCastOptions(extra_struct_fields='ignore')",
                                fld.name,
                            ));
                        },
                    }
                }
            }

            return Ok(should_cast);
        }

        if let DataType::List(target_inner) = target_dtype {
            #[cfg(feature = "dtype-map")]
            if let Some(incoming_entries) = incoming_dtype.map_entries_dtype() {
                self.should_cast_column(column_name, target_inner, &incoming_entries)?;
                return Ok(true);
            }

            let DataType::List(incoming_inner) = incoming_dtype else {
                return mismatch_err("");
            };

            return self.should_cast_column(column_name, target_inner, incoming_inner);
        }

        #[cfg(feature = "dtype-array")]
        if let DataType::Array(target_inner, target_width) = target_dtype {
            let DataType::Array(incoming_inner, incoming_width) = incoming_dtype else {
                return mismatch_err("");
            };

            if incoming_width != target_width {
                return mismatch_err("");
            }

            return self.should_cast_column(column_name, target_inner, incoming_inner);
        }

        #[cfg(feature = "dtype-map")]
        if let DataType::Map(target_key, target_value) = target_dtype {
            if let DataType::List(incoming_inner) = incoming_dtype {
                let target_entries = target_dtype.map_entries_dtype().unwrap();
                self.should_cast_column(column_name, &target_entries, incoming_inner)?;
                return Ok(true);
            }

            let DataType::Map(incoming_key, incoming_value) = incoming_dtype else {
                return mismatch_err("");
            };

            let Ok(cast_key) = incoming_key.matches_schema_type(target_key) else {
                return mismatch_err("Map key types are not castable");
            };
            let cast_value = self.should_cast_column(column_name, target_value, incoming_value)?;
            return Ok(cast_key || cast_value);
        }

        // Eq here should be cheap as we have intercepted all nested types above.

        debug_assert!(!target_dtype.is_nested());

        // If we were to drop cast on an `Unknown` incoming_dtype, it could eventually
        // lead to dtype errors. The reason is that the logic used by type coercion differs
        // from the casting logic used by `materialize_unknown`.
        if incoming_dtype.contains_unknown() {
            return Ok(true);
        }

        // Note: Only call this with non-nested types for performance
        let materialize_unknown = |dtype: &DataType| -> std::borrow::Cow<DataType> {
            dtype
                .clone()
                .materialize_unknown(true)
                .map(std::borrow::Cow::Owned)
                .unwrap_or(std::borrow::Cow::Borrowed(incoming_dtype))
        };

        let incoming_dtype = std::borrow::Cow::Borrowed(incoming_dtype);
        let target_dtype = materialize_unknown(target_dtype);

        if target_dtype == incoming_dtype {
            return Ok(false);
        }

        let incoming_dtype = incoming_dtype.as_ref();
        let target_dtype = target_dtype.as_ref();

        //
        // After this point the dtypes are mismatching.
        //

        if target_dtype.is_integer() && incoming_dtype.is_integer() {
            if !self.integer_upcast {
                return mismatch_err(
                    "hint: pass cast_options=pl.ScanCastOptions(integer_cast='upcast')",
                );
            }

            return match get_numeric_upcast_supertype_lossless(incoming_dtype, target_dtype) {
                Some(ref v) if v == target_dtype => Ok(true),
                _ => mismatch_err("incoming dtype cannot safely cast to target dtype"),
            };
        }

        // Decimal precision widening with equal scale (allowed Iceberg type promotion).
        #[cfg(feature = "dtype-decimal")]
        if let (
            DataType::Decimal(target_precision, target_scale),
            DataType::Decimal(incoming_precision, incoming_scale),
        ) = (target_dtype, incoming_dtype)
        {
            return if target_scale != incoming_scale || target_precision < incoming_precision {
                mismatch_err("incoming dtype cannot safely cast to target dtype")
            } else if self.integer_upcast {
                Ok(true)
            } else {
                mismatch_err("hint: pass cast_options=pl.ScanCastOptions(integer_cast='upcast')")
            };
        }

        if target_dtype.is_float() && incoming_dtype.is_float() {
            return match (target_dtype, incoming_dtype) {
                (DataType::Float64, DataType::Float32)
                | (DataType::Float64, DataType::Float16)
                | (DataType::Float32, DataType::Float16) => {
                    if self.float_upcast {
                        Ok(true)
                    } else {
                        mismatch_err(
                            "hint: pass cast_options=pl.ScanCastOptions(float_cast='upcast')",
                        )
                    }
                },
                (DataType::Float16, DataType::Float32)
                | (DataType::Float16, DataType::Float64)
                | (DataType::Float32, DataType::Float64) => {
                    if self.float_downcast {
                        Ok(true)
                    } else {
                        mismatch_err(
                            "hint: pass cast_options=pl.ScanCastOptions(float_cast='downcast')",
                        )
                    }
                },

                _ => unreachable!(),
            };
        }

        if target_dtype.is_float() && incoming_dtype.is_integer() {
            return if !self.integer_to_float_cast {
                mismatch_err(
                    "hint: pass cast_options=pl.ScanCastOptions(integer_cast='allow-float')",
                )
            } else {
                Ok(true)
            };
        }

        if let (
            DataType::Datetime(target_unit, target_zone),
            DataType::Datetime(incoming_unit, incoming_zone),
        ) = (target_dtype, incoming_dtype)
        {
            // Check timezone
            if !self.datetime_convert_timezone
                && !TimeZone::eq_none_as_utc(incoming_zone.as_ref(), target_zone.as_ref())
            {
                return mismatch_err(
                    "hint: pass cast_options=pl.ScanCastOptions(datetime_cast='convert-timezone')",
                );
            }

            // Check unit
            if target_unit != incoming_unit {
                return match (incoming_unit, target_unit) {
                    (TimeUnit::Nanoseconds, _) => {
                        if self.datetime_nanoseconds_downcast {
                            Ok(true)
                        } else {
                            mismatch_err(
                                "hint: pass cast_options=pl.ScanCastOptions(datetime_cast='nanosecond-downcast')",
                            )
                        }
                    },
                    (TimeUnit::Microseconds, TimeUnit::Milliseconds) => {
                        if self.datetime_microseconds_downcast {
                            Ok(true)
                        } else {
                            mismatch_err(
                                "hint: pass cast_options=pl.ScanCastOptions(datetime_cast='microsecond-downcast')",
                            )
                        }
                    },
                    (TimeUnit::Microseconds, TimeUnit::Nanoseconds) => {
                        if self.datetime_microseconds_upcast {
                            Ok(true)
                        } else {
                            mismatch_err(
                                "hint: pass cast_options=pl.ScanCastOptions(datetime_cast='microsecond-upcast')",
                            )
                        }
                    },
                    (TimeUnit::Milliseconds, TimeUnit::Microseconds | TimeUnit::Nanoseconds) => {
                        if self.datetime_milliseconds_upcast {
                            Ok(true)
                        } else {
                            mismatch_err(
                                "hint: pass cast_options=pl.ScanCastOptions(datetime_cast='millisecond-upcast')",
                            )
                        }
                    },
                    // All distinct-unit pairs are covered above.
                    _ => unreachable!(),
                };
            }

            // Dtype differs and we are allowed to coerce
            return Ok(true);
        }

        mismatch_err("")
    }
}
