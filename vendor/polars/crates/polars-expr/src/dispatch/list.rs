use std::sync::Arc;

use polars_arrow::compute::utils::combine_validities_and;
use polars_core::chunked_array::cast::CastOptions;
use polars_core::error::{PolarsContext, PolarsResult, polars_bail, polars_ensure, polars_err};
use polars_core::prelude::{
    ChunkCast, Column, DataType, IDX_DTYPE, Int64Chunked, IntoColumn, ListChunked, SortOptions,
};
use polars_ops::prelude::{ListNameSpaceImpl, slice_broadcast_list};
use polars_plan::dsl::{ColumnsUdf, ReshapeDimension, SpecialEq};
use polars_plan::plans::IRListFunction;
use polars_utils::broadcast::broadcast_len;
use polars_utils::pl_str::PlSmallStr;

pub fn function_expr_to_udf(func: IRListFunction) -> SpecialEq<Arc<dyn ColumnsUdf>> {
    use IRListFunction::*;
    match func {
        Concat => wrap!(concat),
        #[cfg(feature = "is_in")]
        Contains {
            nulls_equal,
            needle_cast,
        } => wrap!(move |s: &mut [Column]| {
            super::membership::with_needle_cast(s, 1, 0, needle_cast.as_ref(), |s| {
                contains(s, nulls_equal)
            })
        }),
        #[cfg(feature = "list_drop_nulls")]
        DropNulls => map!(drop_nulls),
        #[cfg(feature = "list_sample")]
        Sample {
            is_fraction,
            with_replacement,
            shuffle,
            seed,
        } => {
            if is_fraction {
                map_as_slice!(sample_fraction, with_replacement, shuffle, seed)
            } else {
                map_as_slice!(sample_n, with_replacement, shuffle, seed)
            }
        },
        Slice => wrap!(slice),
        Shift => map_as_slice!(shift),
        Get(null_on_oob) => wrap!(get, null_on_oob),
        #[cfg(feature = "list_gather")]
        Gather(null_on_oob) => map_as_slice!(gather, null_on_oob),
        #[cfg(feature = "list_gather")]
        GatherEvery => map_as_slice!(gather_every),
        #[cfg(feature = "list_count")]
        CountMatches => map_as_slice!(count_matches),
        Sum => map!(sum),
        Length => map!(length),
        Max => map!(max),
        Min => map!(min),
        Mean => map!(mean),
        Median => map!(median),
        Std(ddof) => map!(std, ddof),
        Var(ddof) => map!(var, ddof),
        ArgMin => map!(arg_min),
        ArgMax => map!(arg_max),
        #[cfg(feature = "diff")]
        Diff { n, null_behavior } => map!(diff, n, null_behavior),
        Sort(options) => map!(sort, options),
        #[cfg(feature = "list_sets")]
        SetOperation(s) => map_as_slice!(set_operation, s),
        Join(ignore_nulls) => map_as_slice!(join, ignore_nulls),
        #[cfg(feature = "dtype-array")]
        ToArray(width) => map!(to_array, width),
        #[cfg(feature = "list_to_struct")]
        ToStruct(names) => map!(to_struct, &names),
        #[cfg(feature = "dtype-map")]
        ToMap => map!(to_map),
    }
}

#[cfg(feature = "is_in")]
pub(super) fn contains(args: &mut [Column], nulls_equal: bool) -> PolarsResult<Column> {
    let list = &args[0];
    let item = &args[1];
    polars_ensure!(matches!(list.dtype(), DataType::List(_)),
        SchemaMismatch: "invalid series dtype: expected `List`, got `{}`", list.dtype(),
    );
    // Don't blow up the haystack in case of scalar.
    let haystack = list.as_materialized_series_maintain_scalar();
    let mut ca = polars_ops::prelude::is_in(item.as_materialized_series(), &haystack, nulls_equal)?;
    ca.rename(list.name().clone());
    // In case of scalar, broadcast back to original length
    ca.into_column()
        .broadcast_owned_to(broadcast_len([list, item])?)
}

#[cfg(feature = "list_drop_nulls")]
pub(super) fn drop_nulls(s: &Column) -> PolarsResult<Column> {
    let list = s.list()?;
    Ok(list.lst_drop_nulls().into_column())
}

#[cfg(feature = "list_sample")]
pub(super) fn sample_n(
    s: &[Column],
    with_replacement: bool,
    shuffle: Option<bool>,
    seed: Option<u64>,
) -> PolarsResult<Column> {
    let list = s[0].list()?;
    let n = &s[1];
    list.lst_sample_n(n.as_materialized_series(), with_replacement, shuffle, seed)
        .map(|ok| ok.into_column())
}

#[cfg(feature = "list_sample")]
pub(super) fn sample_fraction(
    s: &[Column],
    with_replacement: bool,
    shuffle: Option<bool>,
    seed: Option<u64>,
) -> PolarsResult<Column> {
    let list = s[0].list()?;
    let fraction = &s[1];
    list.lst_sample_fraction(
        fraction.as_materialized_series(),
        with_replacement,
        shuffle,
        seed,
    )
    .map(|ok| ok.into_column())
}

fn check_slice_arg_shape(slice_len: usize, ca_len: usize, name: &str) -> PolarsResult<()> {
    polars_ensure!(
        slice_len == ca_len,
        ComputeError:
        "shape of the slice '{}' argument: {} does not match that of the list column: {}",
        name, slice_len, ca_len
    );
    Ok(())
}

pub(super) fn shift(s: &[Column]) -> PolarsResult<Column> {
    let list = s[0].list()?;
    let periods = &s[1];

    list.lst_shift(periods).map(|ok| ok.into_column())
}

pub(super) fn slice(args: &mut [Column]) -> PolarsResult<Column> {
    let s = &args[0];
    let list_ca = s.list()?;
    let offset_s = &args[1];
    let length_s = &args[2];

    let target_len = offset_s.len().max(length_s.len());
    if list_ca.len() == 1 && target_len > 1 {
        let single_list = list_ca.get_as_series(0);
        let length_ca = length_s.cast(&DataType::Int64)?;
        let length_ca = length_ca.i64().unwrap();
        let offset_ca = offset_s.cast(&DataType::Int64)?;
        let offset_ca = offset_ca.i64().unwrap();
        let out = slice_broadcast_list(
            single_list,
            offset_ca,
            length_ca,
            target_len,
            s.name().clone(),
            list_ca.inner_dtype(),
        );
        return Ok(out.into_column());
    }

    let offset_ca = slice_arg(offset_s)?;
    let length_ca = slice_arg(length_s)?;
    let offset_stride = if offset_ca.len() == 1 {
        0
    } else {
        check_slice_arg_shape(offset_ca.len(), list_ca.len(), "offset")?;
        1
    };
    let length_stride = if length_ca.len() == 1 {
        0
    } else {
        check_slice_arg_shape(length_ca.len(), list_ca.len(), "length")?;
        1
    };

    // A null offset gives a null list, a null length slices to the end.
    if offset_stride == 0 && offset_ca.has_nulls() {
        let out = ListChunked::full_null_with_dtype(
            s.name().clone(),
            list_ca.len(),
            list_ca.inner_dtype(),
        );
        return Ok(out.into_column());
    }
    // An offset of `i64::MAX` slices to an empty list.
    let offsets: Vec<i64> = offset_ca.iter().map(|o| o.unwrap_or(i64::MAX)).collect();
    let lengths: Vec<usize> = length_ca
        .iter()
        .map(|l| l.map_or(usize::MAX, |l| l as usize))
        .collect();

    let mut out = list_ca.lst_slice_var(&offsets, offset_stride, &lengths, length_stride);
    if let Some(validity) = offset_ca.rechunk_validity() {
        out.set_validity(combine_validities_and(
            Some(&validity),
            out.rechunk_validity().as_ref(),
        ));
    }
    Ok(out.into_column())
}

/// Casts a slice argument to i64, keeping scalars at length one.
fn slice_arg(c: &Column) -> PolarsResult<Int64Chunked> {
    let s = match c {
        Column::Scalar(sc) => sc.as_single_value_series(),
        Column::Series(_) => c.as_materialized_series().clone(),
    };
    Ok(s.cast(&DataType::Int64)?.i64()?.clone())
}

pub(super) fn concat(s: &mut [Column]) -> PolarsResult<Column> {
    let broadcast_len = broadcast_len(s.iter()).context("list concat")?;
    let mut first = std::mem::take(&mut s[0]);
    let other = &s[1..];

    // TODO! don't auto cast here, but implode beforehand.
    let first_ca = match first.try_list() {
        Some(ca) => ca,
        None => {
            first = first
                .reshape_list(&[ReshapeDimension::Infer, ReshapeDimension::new_dimension(1)])
                .unwrap();
            first.list().unwrap()
        },
    }
    .clone()
    .broadcast_owned_to(broadcast_len)?;
    first_ca.lst_concat(other).map(IntoColumn::into_column)
}

pub(super) fn get(s: &mut [Column], null_on_oob: bool) -> PolarsResult<Column> {
    let ca = s[0].list()?;
    let index = s[1].cast(&DataType::Int64)?;
    let index = index.i64().unwrap();

    polars_ops::prelude::lst_get(ca, index, null_on_oob)
}

#[cfg(feature = "list_gather")]
pub(super) fn gather(args: &[Column], null_on_oob: bool) -> PolarsResult<Column> {
    let ca = &args[0];
    let idx = &args[1];
    let ca = ca.list()?;

    if idx.len() == 1 && idx.dtype().is_primitive_numeric() && null_on_oob {
        // fast path
        let idx = idx.get(0)?.try_extract::<i64>()?;
        let out = ca.lst_get(idx, null_on_oob).map(Column::from)?;
        // make sure we return a list
        out.reshape_list(&[ReshapeDimension::Infer, ReshapeDimension::new_dimension(1)])
    } else {
        let idx_ca = idx.list()?;
        polars_ensure!(
            idx_ca.inner_dtype().is_integer(),
            ComputeError: "cannot use dtype `{}` as an index", idx_ca.inner_dtype()
        );
        let (len, list_stride, idx_stride) = match (ca.len(), idx_ca.len()) {
            (a, b) if a == b => (a, 1, 1),
            (1, b) => (b, 0, 1),
            (a, 1) => (a, 1, 0),
            (a, b) => polars_bail!(length_mismatch = "list.gather", a, b),
        };
        // Indices outside the `i64` range are out of bounds.
        let options = if null_on_oob {
            CastOptions::NonStrict
        } else {
            CastOptions::Strict
        };
        let idx_ca = idx_ca
            .cast_with_options(&DataType::List(Box::new(DataType::Int64)), options)
            .map_err(|_| polars_err!(OutOfBounds: "gather indices are out of bounds"))?;
        ca.lst_gather_var(list_stride, idx_ca.list()?, idx_stride, len, null_on_oob)
            .map(IntoColumn::into_column)
    }
}

#[cfg(feature = "list_gather")]
pub(super) fn gather_every(args: &[Column]) -> PolarsResult<Column> {
    let ca = &args[0];
    let n = &args[1].strict_cast(&IDX_DTYPE)?;
    let offset = &args[2].strict_cast(&IDX_DTYPE)?;

    ca.list()?
        .lst_gather_every(n.idx()?, offset.idx()?)
        .map(Column::from)
}

#[cfg(feature = "list_count")]
pub(super) fn count_matches(args: &[Column]) -> PolarsResult<Column> {
    let s = &args[0];
    let element = &args[1];
    polars_ensure!(
        element.len() == 1,
        ComputeError: "argument expression in `list.count_matches` must produce exactly one element, got {}",
        element.len()
    );
    let ca = s.list()?;
    polars_ops::prelude::list_count_matches(ca, element.get(0).unwrap()).map(Column::from)
}

pub(super) fn sum(s: &Column) -> PolarsResult<Column> {
    s.list()?.lst_sum().map(Column::from)
}

pub(super) fn length(s: &Column) -> PolarsResult<Column> {
    Ok(s.list()?.lst_lengths().into_column())
}

pub(super) fn max(s: &Column) -> PolarsResult<Column> {
    s.list()?.lst_max().map(Column::from)
}

pub(super) fn min(s: &Column) -> PolarsResult<Column> {
    s.list()?.lst_min().map(Column::from)
}

pub(super) fn mean(s: &Column) -> PolarsResult<Column> {
    Ok(s.list()?.lst_mean().into())
}

pub(super) fn median(s: &Column) -> PolarsResult<Column> {
    Ok(s.list()?.lst_median().into())
}

pub(super) fn std(s: &Column, ddof: u8) -> PolarsResult<Column> {
    Ok(s.list()?.lst_std(ddof).into())
}

pub(super) fn var(s: &Column, ddof: u8) -> PolarsResult<Column> {
    Ok(s.list()?.lst_var(ddof)?.into())
}

pub(super) fn arg_min(s: &Column) -> PolarsResult<Column> {
    Ok(s.list()?.lst_arg_min().into_column())
}

pub(super) fn arg_max(s: &Column) -> PolarsResult<Column> {
    Ok(s.list()?.lst_arg_max().into_column())
}

#[cfg(feature = "diff")]
pub(super) fn diff(
    s: &Column,
    n: i64,
    null_behavior: polars_core::series::ops::NullBehavior,
) -> PolarsResult<Column> {
    Ok(s.list()?.lst_diff(n, null_behavior)?.into_column())
}

pub(super) fn sort(s: &Column, options: SortOptions) -> PolarsResult<Column> {
    Ok(s.list()?.lst_sort(options)?.into_column())
}

#[cfg(feature = "list_sets")]
pub(super) fn set_operation(
    s: &[Column],
    set_type: polars_defs::expr::SetOperation,
) -> PolarsResult<Column> {
    let s0 = &s[0];
    let s1 = &s[1];

    if s0.is_empty() || s1.is_empty() {
        use polars_defs::expr::SetOperation;

        return match set_type {
            SetOperation::Intersection => {
                if s0.is_empty() {
                    Ok(s0.clone())
                } else {
                    Ok(s1.clone().with_name(s0.name().clone()))
                }
            },
            SetOperation::Difference => Ok(s0.clone()),
            SetOperation::Union | SetOperation::SymmetricDifference => {
                if s0.is_empty() {
                    Ok(s1.clone().with_name(s0.name().clone()))
                } else {
                    Ok(s0.clone())
                }
            },
        };
    }

    polars_ops::prelude::list_set_operation(s0.list()?, s1.list()?, set_type)
        .map(|ca| ca.into_column())
}

pub(super) fn join(s: &[Column], ignore_nulls: bool) -> PolarsResult<Column> {
    let ca = s[0].list()?;
    let separator = s[1].str()?;
    Ok(ca.lst_join(separator, ignore_nulls)?.into_column())
}

#[cfg(feature = "dtype-array")]
pub(super) fn to_array(s: &Column, width: usize) -> PolarsResult<Column> {
    if let DataType::List(inner) = s.dtype() {
        s.cast(&DataType::Array(inner.clone(), width))
    } else {
        polars_bail!(ComputeError: "expected List dtype")
    }
}

#[cfg(feature = "list_to_struct")]
pub(super) fn to_struct(s: &Column, fields: &[PlSmallStr]) -> PolarsResult<Column> {
    use polars_ops::prelude::ToStruct;
    Ok(s.list()?.to_struct(fields)?.into_column())
}

#[cfg(feature = "dtype-map")]
fn to_map(c: &Column) -> PolarsResult<Column> {
    let DataType::List(entries) = c.dtype() else {
        polars_bail!(InvalidOperation: "`list.to_map` requires a List dtype, got `{}`", c.dtype())
    };
    c.cast(&entries.map_from_named_entries_dtype()?)
}
