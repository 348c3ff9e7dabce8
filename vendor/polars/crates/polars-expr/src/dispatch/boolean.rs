use std::ops::{BitAnd, BitOr};
use std::sync::Arc;
#[cfg(feature = "is_in")]
use std::sync::OnceLock;

use polars_core::error::PolarsResult;
use polars_core::prelude::{BooleanChunked, Column, DataType, IntoColumn, NamedFrom};
use polars_core::runtime::RAYON;
#[cfg(feature = "is_in")]
use polars_ops::prelude::IsInHaystack;
use polars_ops::prelude::SeriesMethods;
use polars_plan::dsl::{ColumnsUdf, SpecialEq};
use polars_plan::plans::{AExpr, IRBooleanFunction, is_single_literal_ae};
use polars_plan::prelude::expr_ir::ExprIR;
use polars_utils::arena::Arena;
use polars_utils::broadcast::broadcast_len;
use polars_utils::pl_str::PlSmallStr;
use polars_utils::total_ord::TotalOrdWrap;
use rayon::iter::{IntoParallelRefIterator, ParallelIterator};

#[cfg(feature = "is_in")]
use super::membership::with_needle_cast;

pub fn function_expr_to_udf(
    func: IRBooleanFunction,
    input: &[ExprIR],
    expr_arena: &Arena<AExpr>,
) -> SpecialEq<Arc<dyn ColumnsUdf>> {
    use IRBooleanFunction::*;
    match func {
        Any { ignore_nulls } => map!(any, ignore_nulls),
        All { ignore_nulls } => map!(all, ignore_nulls),
        IsEmpty { ignore_nulls } => map!(is_empty, ignore_nulls),
        HasNulls => map!(has_nulls),
        IsNull => map!(is_null),
        IsNotNull => map!(is_not_null),
        IsFinite => map!(is_finite),
        IsInfinite => map!(is_infinite),
        IsNan => map!(is_nan),
        IsNotNan => map!(is_not_nan),
        #[cfg(feature = "is_first_distinct")]
        IsFirstDistinct => map!(is_first_distinct),
        #[cfg(feature = "is_last_distinct")]
        IsLastDistinct => map!(is_last_distinct),
        #[cfg(feature = "is_unique")]
        IsUnique => map!(is_unique),
        #[cfg(feature = "is_unique")]
        IsDuplicated => map!(is_duplicated),
        #[cfg(feature = "is_between")]
        IsBetween { closed } => map_as_slice!(is_between, closed),
        // A known haystack is prepared once and reused.
        #[cfg(feature = "is_in")]
        IsIn {
            nulls_equal,
            needle_cast,
        } if input
            .get(1)
            .is_some_and(|e| is_single_literal_ae(e.node(), expr_arena)) =>
        {
            let haystack = OnceLock::new();
            wrap!(
                move |s: &mut [Column]| with_needle_cast(s, 0, 1, needle_cast.as_ref(), |s| {
                    is_in_prepared(s, nulls_equal, &haystack)
                })
            )
        },
        #[cfg(feature = "is_in")]
        IsIn {
            nulls_equal,
            needle_cast,
        } => wrap!(
            move |s: &mut [Column]| with_needle_cast(s, 0, 1, needle_cast.as_ref(), |s| is_in(
                s,
                nulls_equal
            ))
        ),
        #[cfg(feature = "is_close")]
        IsClose {
            abs_tol,
            rel_tol,
            nans_equal,
        } => wrap!(is_close, abs_tol, rel_tol, nans_equal),
        IsSorted {
            descending,
            nulls_last,
        } => map!(is_sorted, descending, nulls_last),
        Not => map!(not),
        AllHorizontal => map_as_slice!(all_horizontal),
        AnyHorizontal => map_as_slice!(any_horizontal),
    }
}

fn any(s: &Column, ignore_nulls: bool) -> PolarsResult<Column> {
    let ca = s.bool()?;
    if ignore_nulls {
        Ok(Column::new(s.name().clone(), [ca.any()]))
    } else {
        Ok(Column::new(s.name().clone(), [ca.any_kleene()]))
    }
}

fn all(s: &Column, ignore_nulls: bool) -> PolarsResult<Column> {
    let ca = s.bool()?;
    if ignore_nulls {
        Ok(Column::new(s.name().clone(), [ca.all()]))
    } else {
        Ok(Column::new(s.name().clone(), [ca.all_kleene()]))
    }
}

fn is_empty(s: &Column, ignore_nulls: bool) -> PolarsResult<Column> {
    let out = if ignore_nulls {
        s.is_full_null()
    } else {
        s.is_empty()
    };
    Ok(Column::new(s.name().clone(), [out]))
}

fn has_nulls(s: &Column) -> PolarsResult<Column> {
    Ok(Column::new(s.name().clone(), [s.has_nulls()]))
}

fn is_null(s: &Column) -> PolarsResult<Column> {
    Ok(s.is_null().into_column())
}

fn is_not_null(s: &Column) -> PolarsResult<Column> {
    Ok(s.is_not_null().into_column())
}

fn is_finite(s: &Column) -> PolarsResult<Column> {
    s.is_finite().map(|ca| ca.into_column())
}

fn is_infinite(s: &Column) -> PolarsResult<Column> {
    s.is_infinite().map(|ca| ca.into_column())
}

pub(super) fn is_nan(s: &Column) -> PolarsResult<Column> {
    s.is_nan().map(|ca| ca.into_column())
}

pub(super) fn is_not_nan(s: &Column) -> PolarsResult<Column> {
    s.is_not_nan().map(|ca| ca.into_column())
}

#[cfg(feature = "is_first_distinct")]
fn is_first_distinct(s: &Column) -> PolarsResult<Column> {
    polars_ops::prelude::is_first_distinct(s.as_materialized_series()).map(|ca| ca.into_column())
}

#[cfg(feature = "is_last_distinct")]
fn is_last_distinct(s: &Column) -> PolarsResult<Column> {
    polars_ops::prelude::is_last_distinct(s.as_materialized_series()).map(|ca| ca.into_column())
}

#[cfg(feature = "is_unique")]
fn is_unique(s: &Column) -> PolarsResult<Column> {
    polars_ops::prelude::is_unique(s.as_materialized_series()).map(|ca| ca.into_column())
}

#[cfg(feature = "is_unique")]
fn is_duplicated(s: &Column) -> PolarsResult<Column> {
    polars_ops::prelude::is_duplicated(s.as_materialized_series()).map(|ca| ca.into_column())
}

#[cfg(feature = "is_between")]
fn is_between(s: &[Column], closed: polars_defs::expr::ClosedInterval) -> PolarsResult<Column> {
    let ser = &s[0];
    let lower = &s[1];
    let upper = &s[2];
    polars_ops::prelude::is_between(
        ser.as_materialized_series(),
        lower.as_materialized_series(),
        upper.as_materialized_series(),
        closed,
    )
    .map(|ca| ca.into_column())
}

#[cfg(feature = "is_in")]
fn is_in(s: &mut [Column], nulls_equal: bool) -> PolarsResult<Column> {
    let left = &s[0];
    let other = &s[1];
    // Don't blow up the haystack in case of scalar.
    let haystack = other.as_materialized_series_maintain_scalar();

    let out = polars_ops::prelude::is_in(left.as_materialized_series(), &haystack, nulls_equal)?
        .into_column();

    // In case of scalar, broadcast back to original length
    out.broadcast_owned_to(broadcast_len([left, other])?)
}

/// `is_in` with a constant haystack, which is prepared once and reused for every call.
#[cfg(feature = "is_in")]
fn is_in_prepared(
    s: &mut [Column],
    nulls_equal: bool,
    haystack: &OnceLock<PolarsResult<IsInHaystack>>,
) -> PolarsResult<Column> {
    let left = &s[0];
    let other = &s[1];
    if other.len() != 1 {
        return is_in(s, nulls_equal);
    }
    let haystack = haystack.get_or_init(|| {
        let other = other.as_materialized_series_maintain_scalar();
        IsInHaystack::new(&other, left.dtype())
    });
    let out = haystack
        .as_ref()
        .map_err(Clone::clone)?
        .probe(left.as_materialized_series(), nulls_equal)?
        .into_column();
    out.broadcast_owned_to(broadcast_len([left, other])?)
}

#[cfg(feature = "is_close")]
fn is_close(
    s: &mut [Column],
    abs_tol: TotalOrdWrap<f64>,
    rel_tol: TotalOrdWrap<f64>,
    nans_equal: bool,
) -> PolarsResult<Column> {
    let left = &s[0];
    let right = &s[1];
    polars_ops::prelude::is_close(
        left.as_materialized_series(),
        right.as_materialized_series(),
        abs_tol.0,
        rel_tol.0,
        nans_equal,
    )
    .map(IntoColumn::into_column)
}

fn is_sorted(
    s: &Column,
    descending: Option<bool>,
    nulls_last: Option<bool>,
) -> PolarsResult<Column> {
    let series = s.as_materialized_series();
    let result = series.is_sorted_any(descending, nulls_last)?;
    Ok(Column::new(s.name().clone(), [result]))
}

fn not(s: &Column) -> PolarsResult<Column> {
    polars_ops::series::negate_bitwise(s.as_materialized_series()).map(Column::from)
}

// We shouldn't hit these often only on very wide dataframes where we don't reduce to & expressions.
fn any_horizontal(s: &[Column]) -> PolarsResult<Column> {
    let out = RAYON
        .install(|| {
            s.par_iter()
                .try_fold(
                    || BooleanChunked::new(PlSmallStr::EMPTY, &[false]),
                    |acc, b| {
                        let b = b.cast(&DataType::Boolean)?;
                        let b = b.bool()?;
                        PolarsResult::Ok((&acc).bitor(b))
                    },
                )
                .try_reduce(
                    || BooleanChunked::new(PlSmallStr::EMPTY, [false]),
                    |a, b| Ok(a.bitor(b)),
                )
        })?
        .with_name(s[0].name().clone());
    Ok(out.into_column())
}

// We shouldn't hit these often only on very wide dataframes where we don't reduce to & expressions.
fn all_horizontal(s: &[Column]) -> PolarsResult<Column> {
    let out = RAYON
        .install(|| {
            s.par_iter()
                .try_fold(
                    || BooleanChunked::new(PlSmallStr::EMPTY, &[true]),
                    |acc, b| {
                        let b = b.cast(&DataType::Boolean)?;
                        let b = b.bool()?;
                        PolarsResult::Ok((&acc).bitand(b))
                    },
                )
                .try_reduce(
                    || BooleanChunked::new(PlSmallStr::EMPTY, [true]),
                    |a, b| Ok(a.bitand(b)),
                )
        })?
        .with_name(s[0].name().clone());
    Ok(out.into_column())
}
