#![allow(unsafe_op_in_unsafe_fn)]
use std::hash::BuildHasher;

use polars_arrow::array::builder::ShareStrategy;
use polars_arrow::array::{
    Array, BinaryArray, BinaryViewArray, PrimitiveArray, StaticArray, UInt64Array,
};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::compute::aggregate::estimated_bytes_size;
use polars_arrow::compute::utils::combine_validities_and_many;
use polars_core::frame::DataFrame;
use polars_core::frame::builder::DataFrameBuilder;
use polars_core::prelude::row_encode::_get_rows_encoded_unordered;
use polars_core::prelude::{ChunkedArray, DataType, PlRandomState, PolarsDataType, *};
use polars_core::series::Series;
use polars_ooc::Spillable;
use polars_utils::IdxSize;
use polars_utils::cardinality_sketch::CardinalitySketch;
use polars_utils::f2_sketch::F2Sketch;
use polars_utils::hashing::HashPartitioner;
use polars_utils::itertools::Itertools;
use polars_utils::total_ord::{BuildHasherTotalExt, TotalHash};
use polars_utils::vec::PushUnchecked;

pub use crate::key_rows::KeyRowKeys;
use crate::key_rows::KeyRowLayout;

/// Keys are hashed and prefetched in blocks of this many.
pub(crate) const BLOCK_SIZE: usize = 256;
/// Smaller tables fit in the cache and aren't prefetched.
pub(crate) const MIN_PREFETCH_BUCKETS: usize = 1 << 15;

#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub enum HashKeysVariant {
    RowEncoded,
    Single,
    Binview,
}

pub fn hash_keys_variant_for_dtype(dt: &DataType) -> HashKeysVariant {
    match dt {
        dt if dt.is_primitive_numeric() | dt.is_temporal() => HashKeysVariant::Single,

        #[cfg(feature = "dtype-decimal")]
        DataType::Decimal(_, _) => HashKeysVariant::Single,
        #[cfg(feature = "dtype-categorical")]
        DataType::Enum(_, _) | DataType::Categorical(_, _) => HashKeysVariant::Single,

        DataType::String | DataType::Binary => HashKeysVariant::Binview,

        // TODO: more efficient encoding for these.
        DataType::Boolean | DataType::Null => HashKeysVariant::RowEncoded,

        _ => HashKeysVariant::RowEncoded,
    }
}

macro_rules! downcast_single_key_ca {
    (
        $self:expr, | $ca:ident | $($body:tt)*
    ) => {{
        #[allow(unused_imports)]
        use polars_core::datatypes::DataType::*;
        match $self.dtype() {
            #[cfg(feature = "dtype-i8")]
            DataType::Int8 => { let $ca = $self.i8().unwrap(); $($body)* },
            #[cfg(feature = "dtype-i16")]
            DataType::Int16 => { let $ca = $self.i16().unwrap(); $($body)* },
            DataType::Int32 => { let $ca = $self.i32().unwrap(); $($body)* },
            DataType::Int64 => { let $ca = $self.i64().unwrap(); $($body)* },
            #[cfg(feature = "dtype-u8")]
            DataType::UInt8 => { let $ca = $self.u8().unwrap(); $($body)* },
            #[cfg(feature = "dtype-u16")]
            DataType::UInt16 => { let $ca = $self.u16().unwrap(); $($body)* },
            DataType::UInt32 => { let $ca = $self.u32().unwrap(); $($body)* },
            DataType::UInt64 => { let $ca = $self.u64().unwrap(); $($body)* },
            #[cfg(feature = "dtype-i128")]
            DataType::Int128 => { let $ca = $self.i128().unwrap(); $($body)* },
            #[cfg(feature = "dtype-u128")]
            DataType::UInt128 => { let $ca = $self.u128().unwrap(); $($body)* },
            #[cfg(feature = "dtype-f16")]
            DataType::Float16 => { let $ca = $self.f16().unwrap(); $($body)* },
            DataType::Float32 => { let $ca = $self.f32().unwrap(); $($body)* },
            DataType::Float64 => { let $ca = $self.f64().unwrap(); $($body)* },

            #[cfg(feature = "dtype-date")]
            DataType::Date => { let $ca = $self.date().unwrap().physical(); $($body)* },
            #[cfg(feature = "dtype-time")]
            DataType::Time => { let $ca = $self.time().unwrap().physical(); $($body)* },
            #[cfg(feature = "dtype-datetime")]
            DataType::Datetime(..) => { let $ca = $self.datetime().unwrap().physical(); $($body)* },
            #[cfg(feature = "dtype-duration")]
            DataType::Duration(..) => { let $ca = $self.duration().unwrap().physical(); $($body)* },

            #[cfg(feature = "dtype-decimal")]
            DataType::Decimal(..) => { let $ca = $self.decimal().unwrap().physical(); $($body)* },
            #[cfg(feature = "dtype-categorical")]
            dt @ (DataType::Enum(_, _) | DataType::Categorical(_, _)) => {
                match dt.cat_physical().unwrap() {
                    CategoricalPhysical::U8 => { let $ca = $self.cat8().unwrap().physical(); $($body)* },
                    CategoricalPhysical::U16 => { let $ca = $self.cat16().unwrap().physical(); $($body)* },
                    CategoricalPhysical::U32 => { let $ca = $self.cat32().unwrap().physical(); $($body)* },
                }
            },

            _ => unreachable!(),
        }
    }}
}

/// Represents a DataFrame plus a hash per row, intended for keys in grouping
/// or joining. The hashes may or may not actually be physically pre-computed,
/// this depends per type.
#[derive(Clone, Debug)]
pub enum HashKeys {
    RowEncoded(RowEncodedKeys),
    KeyRows(KeyRowKeys),
    Binview(BinviewKeys),
    Single(SingleKeys),
}

impl HashKeys {
    pub fn from_df(
        df: &DataFrame,
        random_state: PlRandomState,
        null_is_valid: bool,
        force_row_encoding: bool,
    ) -> Self {
        if !force_row_encoding
            && let Some(layout) = KeyRowLayout::new(df.columns().iter().map(|c| c.dtype()))
        {
            return Self::KeyRows(KeyRowKeys::from_columns(
                df.columns(),
                Arc::new(layout),
                &random_state,
                null_is_valid,
            ));
        }

        let first_col_variant = hash_keys_variant_for_dtype(df[0].dtype());
        let use_row_encoding = force_row_encoding
            || df.width() > 1
            || first_col_variant == HashKeysVariant::RowEncoded;
        if use_row_encoding {
            let keys = df.columns();
            let mut keys_encoded = _get_rows_encoded_unordered(keys).unwrap().into_array();

            if !null_is_valid {
                let validities = keys
                    .iter()
                    .map(|c| c.as_materialized_series().rechunk_validity())
                    .collect_vec();
                let combined = combine_validities_and_many(&validities);
                keys_encoded.set_validity(combined);
            }

            // TODO: use vechash? Not supported yet for lists.
            // let mut hashes = Vec::with_capacity(df.height());
            // columns_to_hashes(df.columns(), Some(random_state), &mut hashes).unwrap();

            let hashes = keys_encoded
                .values_iter()
                .map(|k| random_state.hash_one(k))
                .collect();
            Self::RowEncoded(RowEncodedKeys {
                hashes: PrimitiveArray::from_vec(hashes),
                keys: keys_encoded,
            })
        } else if first_col_variant == HashKeysVariant::Binview {
            let keys = if let Ok(ca_str) = df[0].str() {
                ca_str.as_binary()
            } else {
                df[0].binary().unwrap().clone()
            };
            let keys = keys.rechunk().downcast_as_array().clone();

            let views = keys.views();
            let buffers = keys.data_buffers();
            let hashes = unsafe {
                if keys.has_nulls() {
                    views
                        .iter()
                        .zip(keys.validity().unwrap())
                        .map(|(v, is_valid)| {
                            if is_valid {
                                v.hash_with_buffers_unchecked(buffers, &random_state)
                            } else {
                                0
                            }
                        })
                        .collect()
                } else {
                    views
                        .iter()
                        .map(|v| v.hash_with_buffers_unchecked(buffers, &random_state))
                        .collect()
                }
            };

            Self::Binview(BinviewKeys {
                hashes: PrimitiveArray::from_vec(hashes),
                keys,
                null_is_valid,
            })
        } else {
            Self::Single(SingleKeys {
                random_state,
                keys: df[0].as_materialized_series().rechunk(),
                null_is_valid,
            })
        }
    }

    pub fn len(&self) -> usize {
        match self {
            HashKeys::RowEncoded(s) => s.keys.len(),
            HashKeys::KeyRows(s) => s.len(),
            HashKeys::Single(s) => s.keys.len(),
            HashKeys::Binview(s) => s.keys.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Estimated memory of the keys and stored hashes, in bytes.
    pub fn estimated_size(&self) -> usize {
        match self {
            HashKeys::RowEncoded(s) => {
                estimated_bytes_size(&s.hashes) + estimated_bytes_size(&s.keys)
            },
            HashKeys::KeyRows(s) => s.estimated_size(),
            HashKeys::Single(s) => s.keys.estimated_size(),
            HashKeys::Binview(s) => {
                size_of_val(s.hashes.values().as_slice())
                    + size_of_val(s.keys.views().as_slice())
                    + s.keys.total_bytes_len()
            },
        }
    }

    pub fn validity(&self) -> Option<&Bitmap> {
        match self {
            HashKeys::RowEncoded(s) => s.keys.validity(),
            HashKeys::KeyRows(s) => s.validity.as_ref(),
            HashKeys::Single(s) => s.keys.chunks()[0].validity(),
            HashKeys::Binview(s) => s.keys.validity(),
        }
    }

    pub fn null_is_valid(&self) -> bool {
        match self {
            HashKeys::RowEncoded(_) | HashKeys::KeyRows(_) => false,
            HashKeys::Single(s) => s.null_is_valid,
            HashKeys::Binview(s) => s.null_is_valid,
        }
    }

    /// Calls f with the index of and hash of each element in this HashKeys.
    ///
    /// If the element is null and null_is_valid is false the respective hash
    /// will be None.
    pub fn for_each_hash<F: FnMut(IdxSize, Option<u64>)>(&self, f: F) {
        match self {
            HashKeys::RowEncoded(s) => s.for_each_hash(f),
            HashKeys::KeyRows(s) => s.for_each_hash(f),
            HashKeys::Single(s) => s.for_each_hash(f),
            HashKeys::Binview(s) => s.for_each_hash(f),
        }
    }

    /// Calls f with the index of and hash of each element in the given
    /// subset of indices of the HashKeys.
    ///
    /// If the element is null and null_is_valid is false the respective hash
    /// will be None.
    ///
    /// # Safety
    /// The indices in the subset must be in-bounds.
    pub unsafe fn for_each_hash_subset<F: FnMut(IdxSize, Option<u64>)>(
        &self,
        subset: &[IdxSize],
        f: F,
    ) {
        match self {
            HashKeys::RowEncoded(s) => s.for_each_hash_subset(subset, f),
            HashKeys::KeyRows(s) => s.for_each_hash_subset(subset, f),
            HashKeys::Single(s) => s.for_each_hash_subset(subset, f),
            HashKeys::Binview(s) => s.for_each_hash_subset(subset, f),
        }
    }

    /// After this call partitions will be extended with the partition for each
    /// hash. Nulls are assigned IdxSize::MAX or a specific partition depending
    /// on whether partition_nulls is true.
    pub fn gen_partitions(
        &self,
        partitioner: &HashPartitioner,
        partitions: &mut Vec<IdxSize>,
        partition_nulls: bool,
    ) {
        unsafe {
            let null_p = if partition_nulls | self.null_is_valid() {
                partitioner.null_partition() as IdxSize
            } else {
                IdxSize::MAX
            };
            partitions.reserve(self.len());
            self.for_each_hash(|_idx, opt_h| {
                partitions.push_unchecked(
                    opt_h
                        .map(|h| partitioner.hash_to_partition(h) as IdxSize)
                        .unwrap_or(null_p),
                );
            });
        }
    }

    /// After this call partition_idxs[p] will be extended with the indices of
    /// hashes that belong to partition p, and the cardinality sketches are
    /// updated accordingly. If given, every non-null hash is also inserted into
    /// `f2_sketch`, which requires the cardinality sketches to be built as well.
    pub fn gen_idxs_per_partition(
        &self,
        partitioner: &HashPartitioner,
        partition_idxs: &mut [Vec<IdxSize>],
        sketches: &mut [CardinalitySketch],
        f2_sketch: Option<&mut F2Sketch>,
        partition_nulls: bool,
    ) {
        let partition_nulls = partition_nulls | self.null_is_valid();
        match (sketches.is_empty(), f2_sketch.is_some()) {
            (true, false) => self.gen_idxs_per_partition_impl::<false, false>(
                partitioner,
                partition_idxs,
                sketches,
                f2_sketch,
                partition_nulls,
            ),
            (false, false) => self.gen_idxs_per_partition_impl::<true, false>(
                partitioner,
                partition_idxs,
                sketches,
                f2_sketch,
                partition_nulls,
            ),
            (false, true) => self.gen_idxs_per_partition_impl::<true, true>(
                partitioner,
                partition_idxs,
                sketches,
                f2_sketch,
                partition_nulls,
            ),
            (true, true) => panic!("the F2 sketch requires the cardinality sketches"),
        }
    }

    /// Same as gen_idxs_per_partition, but only at the given subset indices.
    ///
    /// # Safety
    /// The subset indices must be in-bounds.
    pub unsafe fn gen_idxs_per_partition_subset(
        &self,
        subset: &[IdxSize],
        partitioner: &HashPartitioner,
        partition_idxs: &mut [Vec<IdxSize>],
        sketches: &mut [CardinalitySketch],
        f2_sketch: Option<&mut F2Sketch>,
        partition_nulls: bool,
    ) {
        let partition_nulls = partition_nulls | self.null_is_valid();
        unsafe {
            match (sketches.is_empty(), f2_sketch.is_some()) {
                (true, false) => self.gen_idxs_per_partition_subset_impl::<false, false>(
                    subset,
                    partitioner,
                    partition_idxs,
                    sketches,
                    f2_sketch,
                    partition_nulls,
                ),
                (false, false) => self.gen_idxs_per_partition_subset_impl::<true, false>(
                    subset,
                    partitioner,
                    partition_idxs,
                    sketches,
                    f2_sketch,
                    partition_nulls,
                ),
                (false, true) => self.gen_idxs_per_partition_subset_impl::<true, true>(
                    subset,
                    partitioner,
                    partition_idxs,
                    sketches,
                    f2_sketch,
                    partition_nulls,
                ),
                (true, true) => panic!("the F2 sketch requires the cardinality sketches"),
            }
        }
    }

    fn gen_idxs_per_partition_impl<const BUILD_SKETCHES: bool, const BUILD_F2: bool>(
        &self,
        partitioner: &HashPartitioner,
        partition_idxs: &mut [Vec<IdxSize>],
        sketches: &mut [CardinalitySketch],
        mut f2_sketch: Option<&mut F2Sketch>,
        partition_nulls: bool,
    ) {
        assert!(partition_idxs.len() == partitioner.num_partitions());
        assert!(!BUILD_SKETCHES || sketches.len() == partitioner.num_partitions());
        assert!(BUILD_F2 == f2_sketch.is_some());

        let null_p = partitioner.null_partition();
        self.for_each_hash(|idx, opt_h| {
            if let Some(h) = opt_h {
                unsafe {
                    // SAFETY: we assured the number of partitions matches.
                    let p = partitioner.hash_to_partition(h);
                    partition_idxs.get_unchecked_mut(p).push(idx);
                    if BUILD_SKETCHES {
                        sketches.get_unchecked_mut(p).insert(h);
                    }
                    if BUILD_F2 {
                        // SAFETY: we assured the F2 sketch exists.
                        f2_sketch.as_mut().unwrap_unchecked().insert(h);
                    }
                }
            } else if partition_nulls {
                unsafe {
                    partition_idxs.get_unchecked_mut(null_p).push(idx);
                }
            }
        });
    }

    /// # Safety
    /// The subset indices must be in-bounds.
    unsafe fn gen_idxs_per_partition_subset_impl<
        const BUILD_SKETCHES: bool,
        const BUILD_F2: bool,
    >(
        &self,
        subset: &[IdxSize],
        partitioner: &HashPartitioner,
        partition_idxs: &mut [Vec<IdxSize>],
        sketches: &mut [CardinalitySketch],
        mut f2_sketch: Option<&mut F2Sketch>,
        partition_nulls: bool,
    ) {
        assert!(partition_idxs.len() == partitioner.num_partitions());
        assert!(!BUILD_SKETCHES || sketches.len() == partitioner.num_partitions());
        assert!(BUILD_F2 == f2_sketch.is_some());

        let null_p = partitioner.null_partition();
        unsafe {
            self.for_each_hash_subset(subset, |idx, opt_h| {
                if let Some(h) = opt_h {
                    // SAFETY: we assured the number of partitions matches.
                    let p = partitioner.hash_to_partition(h);
                    partition_idxs.get_unchecked_mut(p).push(idx);
                    if BUILD_SKETCHES {
                        sketches.get_unchecked_mut(p).insert(h);
                    }
                    if BUILD_F2 {
                        // SAFETY: we assured the F2 sketch exists.
                        f2_sketch.as_mut().unwrap_unchecked().insert(h);
                    }
                } else if partition_nulls {
                    partition_idxs.get_unchecked_mut(null_p).push(idx);
                }
            });
        }
    }

    pub fn sketch_cardinality(&self, sketch: &mut CardinalitySketch) {
        self.for_each_hash(|_idx, opt_h| {
            sketch.insert(opt_h.unwrap_or(0));
        })
    }

    /// # Safety
    /// The indices must be in-bounds.
    pub unsafe fn gather_unchecked(&self, idxs: &[IdxSize]) -> Self {
        match self {
            HashKeys::RowEncoded(s) => Self::RowEncoded(s.gather_unchecked(idxs)),
            HashKeys::KeyRows(s) => Self::KeyRows(s.gather_unchecked(idxs)),
            HashKeys::Single(s) => Self::Single(s.gather_unchecked(idxs)),
            HashKeys::Binview(s) => Self::Binview(s.gather_unchecked(idxs)),
        }
    }

    /// The key data and stored hashes as a frame, with what is needed besides the frame to
    /// rebuild these keys.
    fn to_frame(&self) -> (DataFrame, FrameKind) {
        match self {
            HashKeys::RowEncoded(s) => {
                let keys = BinaryOffsetChunked::with_chunk(
                    PlSmallStr::from_static("keys"),
                    s.keys.clone(),
                );
                let columns = vec![
                    array_column("hashes", s.hashes.clone().boxed()),
                    keys.into_column(),
                ];
                let df = DataFrame::new(s.keys.len(), columns).unwrap();
                (df, FrameKind::RowEncoded)
            },
            HashKeys::KeyRows(s) => (s.to_frame(), FrameKind::KeyRows(s.layout.clone())),
            HashKeys::Single(s) => {
                let df = s.keys.to_physical_repr().into_owned().into_frame();
                let kind = FrameKind::Single {
                    random_state: s.random_state.clone(),
                    dtype: s.keys.dtype().clone(),
                    null_is_valid: s.null_is_valid,
                };
                (df, kind)
            },
            HashKeys::Binview(s) => {
                let columns = vec![
                    array_column("hashes", s.hashes.clone().boxed()),
                    array_column("keys", s.keys.clone().boxed()),
                ];
                let df = DataFrame::new(s.keys.len(), columns).unwrap();
                let kind = FrameKind::Binview {
                    null_is_valid: s.null_is_valid,
                };
                (df, kind)
            },
        }
    }

    fn from_frame(df: &DataFrame, kind: &FrameKind) -> Self {
        match kind {
            FrameKind::RowEncoded => Self::RowEncoded(RowEncodedKeys {
                hashes: column_array(df, "hashes"),
                keys: column_array(df, "keys"),
            }),
            FrameKind::KeyRows(layout) => Self::KeyRows(KeyRowKeys::from_frame(layout.clone(), df)),
            FrameKind::Single {
                random_state,
                dtype,
                null_is_valid,
            } => {
                let keys = df.columns()[0].as_materialized_series().rechunk();
                Self::Single(SingleKeys {
                    random_state: random_state.clone(),
                    // SAFETY: these are the physical values of keys of this dtype.
                    keys: unsafe { keys.from_physical_unchecked(dtype) }.unwrap(),
                    null_is_valid: *null_is_valid,
                })
            },
            FrameKind::Binview { null_is_valid } => Self::Binview(BinviewKeys {
                hashes: column_array(df, "hashes"),
                keys: column_array(df, "keys"),
                null_is_valid: *null_is_valid,
            }),
        }
    }
}

/// What is needed besides the frame of `HashKeys::to_frame` to rebuild `HashKeys` of the same
/// kind without hashing again.
enum FrameKind {
    RowEncoded,
    KeyRows(Arc<KeyRowLayout>),
    Single {
        random_state: PlRandomState,
        dtype: DataType,
        null_is_valid: bool,
    },
    Binview {
        null_is_valid: bool,
    },
}

/// Spilled `HashKeys`: the key data and stored hashes as one spilled frame, plus what is needed
/// to rebuild the same kind without hashing again.
pub struct SpilledHashKeys {
    frame: <DataFrame as Spillable>::Spilled,
    kind: FrameKind,
}

impl Spillable for HashKeys {
    type Spilled = SpilledHashKeys;

    fn estimate_byte_size(&self) -> usize {
        self.estimated_size()
    }

    async fn spill(&self, context_id: &str) -> SpilledHashKeys {
        let (frame, kind) = self.to_frame();
        SpilledHashKeys {
            frame: frame.spill(context_id).await,
            kind,
        }
    }

    async fn unspill(spilled: &SpilledHashKeys) -> Self {
        let frame = DataFrame::unspill(&spilled.frame).await;
        Self::from_frame(&frame, &spilled.kind)
    }

    fn spilled_bytes(spilled: &SpilledHashKeys) -> u64 {
        DataFrame::spilled_bytes(&spilled.frame)
    }
}

/// A column holding one array.
pub(crate) fn array_column(name: &str, array: Box<dyn Array>) -> Column {
    Series::from_arrow(PlSmallStr::from_str(name), array)
        .unwrap()
        .into_column()
}

/// The column `name` of a frame, as one array.
pub(crate) fn column_array<A: Array + Clone>(df: &DataFrame, name: &str) -> A {
    let s = df.column(name).unwrap().as_materialized_series().rechunk();
    s.chunks()[0].as_any().downcast_ref::<A>().unwrap().clone()
}

/// Builds one `HashKeys` from rows of others of the same kind and key schema, keeping their
/// hashes. The rows are gathered in the frame form of `HashKeys::to_frame`.
pub struct HashKeysBuilder {
    frame: DataFrameBuilder,
    kind: FrameKind,
}

impl HashKeysBuilder {
    /// A builder for keys of the same kind and key schema as `like`.
    pub fn new(like: &HashKeys) -> Self {
        let (df, kind) = like.to_frame();
        Self {
            frame: DataFrameBuilder::new(df.schema().clone()),
            kind,
        }
    }

    pub fn len(&self) -> usize {
        self.frame.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frame.is_empty()
    }

    pub fn reserve(&mut self, additional: usize) {
        self.frame.reserve(additional);
    }

    /// Appends the rows `rows` of `keys`, copying the bytes of strings and binary values.
    ///
    /// # Safety
    /// The rows must be in-bounds. The keys must have the key schema of this builder.
    pub unsafe fn gather_extend(&mut self, keys: &HashKeys, rows: &[IdxSize]) {
        let (df, _) = keys.to_frame();
        self.frame.gather_extend(&df, rows, ShareStrategy::Never);
    }

    /// Takes the appended rows as one `HashKeys`, leaving the builder empty.
    pub fn freeze_reset(&mut self) -> HashKeys {
        HashKeys::from_frame(&self.frame.freeze_reset(), &self.kind)
    }
}

#[derive(Clone, Debug)]
pub struct RowEncodedKeys {
    pub hashes: UInt64Array, // Always non-null, we use the validity of keys.
    pub keys: BinaryArray<i64>,
}

impl RowEncodedKeys {
    pub fn for_each_hash<F: FnMut(IdxSize, Option<u64>)>(&self, f: F) {
        for_each_hash_prehashed(self.hashes.values().as_slice(), self.keys.validity(), f);
    }

    /// # Safety
    /// The indices must be in-bounds.
    pub unsafe fn for_each_hash_subset<F: FnMut(IdxSize, Option<u64>)>(
        &self,
        subset: &[IdxSize],
        f: F,
    ) {
        for_each_hash_subset_prehashed(
            self.hashes.values().as_slice(),
            self.keys.validity(),
            subset,
            f,
        );
    }

    /// # Safety
    /// The indices must be in-bounds.
    pub unsafe fn gather_unchecked(&self, idxs: &[IdxSize]) -> Self {
        let idx_arr = polars_arrow::ffi::mmap::slice(idxs);
        Self {
            hashes: polars_compute::gather::primitive::take_primitive_unchecked(
                &self.hashes,
                &idx_arr,
            ),
            keys: polars_compute::gather::binary::take_unchecked(&self.keys, &idx_arr),
        }
    }
}

/// Single keys without prehashing.
#[derive(Clone, Debug)]
pub struct SingleKeys {
    pub random_state: PlRandomState,
    pub keys: Series,
    pub null_is_valid: bool,
}

impl SingleKeys {
    pub fn for_each_hash<F: FnMut(IdxSize, Option<u64>)>(&self, f: F) {
        downcast_single_key_ca!(self.keys, |keys| {
            for_each_hash_single(keys, &self.random_state, f);
        })
    }

    /// # Safety
    /// The indices must be in-bounds.
    pub unsafe fn for_each_hash_subset<F: FnMut(IdxSize, Option<u64>)>(
        &self,
        subset: &[IdxSize],
        f: F,
    ) {
        downcast_single_key_ca!(self.keys, |keys| {
            for_each_hash_subset_single(keys, subset, &self.random_state, f);
        })
    }

    /// # Safety
    /// The indices must be in-bounds.
    pub unsafe fn gather_unchecked(&self, idxs: &[IdxSize]) -> Self {
        Self {
            random_state: self.random_state.clone(),
            keys: self.keys.take_slice_unchecked(idxs),
            null_is_valid: self.null_is_valid,
        }
    }
}

/// Pre-hashed binary view keys with prehashing.
#[derive(Clone, Debug)]
pub struct BinviewKeys {
    pub hashes: UInt64Array,
    pub keys: BinaryViewArray,
    pub null_is_valid: bool,
}

impl BinviewKeys {
    pub fn for_each_hash<F: FnMut(IdxSize, Option<u64>)>(&self, f: F) {
        for_each_hash_prehashed(self.hashes.values().as_slice(), self.keys.validity(), f);
    }

    /// # Safety
    /// The indices must be in-bounds.
    pub unsafe fn for_each_hash_subset<F: FnMut(IdxSize, Option<u64>)>(
        &self,
        subset: &[IdxSize],
        f: F,
    ) {
        for_each_hash_subset_prehashed(
            self.hashes.values().as_slice(),
            self.keys.validity(),
            subset,
            f,
        );
    }

    /// # Safety
    /// The indices must be in-bounds.
    pub unsafe fn gather_unchecked(&self, idxs: &[IdxSize]) -> Self {
        let idx_arr = polars_arrow::ffi::mmap::slice(idxs);
        Self {
            hashes: polars_compute::gather::primitive::take_primitive_unchecked(
                &self.hashes,
                &idx_arr,
            ),
            keys: polars_compute::gather::binview::take_binview_unchecked(&self.keys, &idx_arr),
            null_is_valid: self.null_is_valid,
        }
    }
}

pub(crate) fn for_each_hash_prehashed<F: FnMut(IdxSize, Option<u64>)>(
    hashes: &[u64],
    opt_v: Option<&Bitmap>,
    mut f: F,
) {
    if let Some(validity) = opt_v {
        for (idx, (is_v, hash)) in validity.iter().zip(hashes).enumerate_idx() {
            if is_v {
                f(idx, Some(*hash))
            } else {
                f(idx, None)
            }
        }
    } else {
        for (idx, h) in hashes.iter().enumerate_idx() {
            f(idx, Some(*h));
        }
    }
}

/// # Safety
/// The indices must be in-bounds.
pub(crate) unsafe fn for_each_hash_subset_prehashed<F: FnMut(IdxSize, Option<u64>)>(
    hashes: &[u64],
    opt_v: Option<&Bitmap>,
    subset: &[IdxSize],
    mut f: F,
) {
    if let Some(validity) = opt_v {
        for idx in subset {
            let hash = *hashes.get_unchecked(*idx as usize);
            let is_v = validity.get_bit_unchecked(*idx as usize);
            if is_v {
                f(*idx, Some(hash))
            } else {
                f(*idx, None)
            }
        }
    } else {
        for idx in subset {
            f(*idx, Some(*hashes.get_unchecked(*idx as usize)));
        }
    }
}

pub fn for_each_hash_single<T, F>(keys: &ChunkedArray<T>, random_state: &PlRandomState, mut f: F)
where
    T: PolarsDataType,
    for<'a> <T as PolarsDataType>::Physical<'a>: TotalHash,
    F: FnMut(IdxSize, Option<u64>),
{
    let mut idx = 0;
    if keys.has_nulls() {
        for arr in keys.downcast_iter() {
            for opt_k in arr.iter() {
                f(idx, opt_k.map(|k| random_state.tot_hash_one(k)));
                idx += 1;
            }
        }
    } else {
        for arr in keys.downcast_iter() {
            for k in arr.values_iter() {
                f(idx, Some(random_state.tot_hash_one(k)));
                idx += 1;
            }
        }
    }
}

/// # Safety
/// The indices must be in-bounds.
unsafe fn for_each_hash_subset_single<T, F>(
    keys: &ChunkedArray<T>,
    subset: &[IdxSize],
    random_state: &PlRandomState,
    mut f: F,
) where
    T: PolarsDataType,
    for<'a> <T as PolarsDataType>::Physical<'a>: TotalHash,
    F: FnMut(IdxSize, Option<u64>),
{
    let keys_arr = keys.downcast_as_array();

    if keys_arr.has_nulls() {
        for idx in subset {
            let opt_k = keys_arr.get_unchecked(*idx as usize);
            f(*idx, opt_k.map(|k| random_state.tot_hash_one(k)));
        }
    } else {
        for idx in subset {
            let k = keys_arr.value_unchecked(*idx as usize);
            f(*idx, Some(random_state.tot_hash_one(k)));
        }
    }
}
