//! Expressions that are supported by the Polars SQL interface.
//!
//! This is useful for syntax highlighting
//!
//! This module defines:
//! - all Polars SQL keywords [`all_keywords`]
//! - all Polars SQL functions [`all_functions`]

use std::borrow::Cow;
use std::fmt::Display;
use std::ops::{ControlFlow, Div};

use polars_compute::cast::temporal::{
    MICROSECONDS_IN_DAY, MILLISECONDS_IN_DAY, NANOSECONDS_IN_DAY,
};
use polars_compute::decimal::DEC128_MAX_PREC;
use polars_core::chunked_array::temporal::string::StringMethods;
use polars_core::prelude::*;
use polars_core::utils::{any_values_to_supertype, try_get_supertype};
use polars_defs::time::duration::Duration;
use polars_lazy::prelude::*;
use polars_plan::constants::get_literal_name;
use polars_plan::dsl::functions::{DurationArgs, duration};
use polars_plan::dsl::string::StringNameSpace;
use polars_plan::plans::DynLiteralValue;
use polars_plan::prelude::{has_expr, typed_lit};
#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use sqlparser::ast::{
    AccessExpr, BinaryOperator as SQLBinaryOperator, CastFormat, CastKind, DataType as SQLDataType,
    DateTimeField, Expr as SQLExpr, Function as SQLFunction, Ident, Interval, OrderByOptions,
    Query as Subquery, SelectItem, Subscript, TimezoneInfo, TrimWhereField, TypedString,
    UnaryOperator as SQLUnaryOperator, Value as SQLValue, ValueWithSpan,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::keywords;
use sqlparser::parser::{Parser, ParserOptions};
use sqlparser::tokenizer::Token;

use crate::context::join_idents;
use crate::dyn_visit::visit_expressions;
use crate::functions::{PolarsSQLFunctions, SQLFunctionVisitor};
use crate::group_context::{has_marked_aggregate, mark_aggregate};
use crate::literal_folding::{
    decimal_lit, fold_scalar, parse_exact_literal, try_fold_decimal_arithmetic,
};
use crate::sql_visitors::expr_references_any_column;
use crate::subquery::is_correlated_subquery;
use crate::types::{
    bitstring_to_bytes_literal, is_iso_date, is_iso_datetime, is_iso_time, map_sql_dtype_to_polars,
    strip_utc_offset,
};
use crate::{SQLContext, unique_column_name};

#[inline]
#[cold]
#[must_use]
/// Convert a Display-able error to PolarsError::SQLInterface
pub fn to_sql_interface_err(err: impl Display) -> PolarsError {
    PolarsError::SQLInterface(err.to_string().into())
}

/// Sort options for a single `ORDER BY` key.
///
/// If not given, 'NULLS FIRST' is the default for DESC and 'NULLS LAST' otherwise;
/// see <https://www.postgresql.org/docs/current/queries-order.html>.
pub(crate) fn order_by_sort_options(options: &OrderByOptions) -> SortOptions {
    let descending = !options.asc.unwrap_or(true);
    SortOptions::default()
        .with_order_descending(descending)
        .with_nulls_last(!options.nulls_first.unwrap_or(descending))
}

/// Represents a boolean-typed NULL literal (aka: SQL "UNKNOWN" truth value).
pub(crate) fn sql_unknown() -> Expr {
    lit(NULL).cast(DataType::Boolean)
}

// A correlated subquery here would be evaluated against its own scope, where an
// outer column resolves to a like-named table.
fn quantified_subquery_unsupported(
    ctx: &SQLContext,
    compare_op: &SQLBinaryOperator,
    right: &SQLExpr,
) -> PolarsResult<()> {
    if let SQLExpr::Subquery(query) = right {
        polars_ensure!(
            !is_correlated_subquery(query, ctx.catalog_spellings()),
            SQLInterface: "ANY/ALL with `{}` and a correlated subquery is not currently supported",
            compare_op
        );
    }
    Ok(())
}

// SQL `IN` under three-valued logic: false against an empty candidate set,
// otherwise membership, which is already unknown for a null needle, widened to
// unknown when a miss could be hiding behind a null in the set. `value_set` is
// the set before the casts of `SqlFunction::IsIn`, which never add nulls.
pub(crate) fn sql_in_membership(membership: Expr, value_set: Expr, set_is_empty: Expr) -> Expr {
    let set_has_null = value_set.list().contains(lit(NULL), true);
    when(set_is_empty)
        .then(lit(false))
        .otherwise(membership.or(set_has_null.and(sql_unknown())))
}

/// `needle` in the list `set`, compared as SQL compares them (see [`SqlFunction::IsIn`]).
pub(crate) fn sql_is_in(needle: Expr, set: Expr) -> Expr {
    needle.map_binary(
        FunctionExpr::Sql(SqlFunction::IsIn { nulls_equal: false }),
        set,
    )
}

/// `reduce_expr`, which must give one row, over the column of the subquery `lf`.
pub(crate) fn reduced_subquery(lf: LazyFrame, reduce_expr: Expr) -> Expr {
    let new_name = unique_column_name();
    Expr::SubPlan(
        SpecialEq::new(Arc::new(lf.logical_plan)),
        vec![(new_name.clone(), reduce_expr.alias(new_name))],
    )
}

#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[derive(Clone, Copy, PartialEq, Debug, Eq, Hash)]
/// Categorises the type of (allowed) subquery constraint
pub enum SubqueryRestriction {
    /// Subquery must return a single column, used as a list of candidate
    /// values (eg: the RHS of `[NOT] IN`).
    SingleColumn,
    /// Subquery must return a single column, reduced to a scalar value
    /// (eg: a comparison/arithmetic operand, or a SELECT-list/HAVING expr).
    SingleValue,
    // SingleRow,
    // Any
}

/// Recursively walks a SQL Expr to create a polars Expr
pub(crate) struct SQLExprVisitor<'a> {
    ctx: &'a mut SQLContext,
    active_schema: Option<&'a Schema>,
}

/// Cast a literal series to the target dtype; uses dedicated ops for
/// `string → date/time/datetime` and `strict_cast` for everything else.
fn cast_literal_series(s: &Series, dtype: &DataType) -> PolarsResult<Series> {
    if s.dtype() == &DataType::String {
        let ca = s.str()?;
        match dtype {
            DataType::Date => return Ok(ca.as_date(None, false)?.into_series()),
            DataType::Time => return Ok(ca.as_time(None, false)?.into_series()),
            DataType::Datetime(tu, tz) => {
                let ambiguous = StringChunked::from_slice(PlSmallStr::EMPTY, &["latest"]);
                // A naive timestamp ignores the UTC offset of the value.
                let ca = match tz {
                    None => &ca.apply_values(|s| Cow::Borrowed(strip_utc_offset(s))),
                    Some(_) => ca,
                };
                let parse = |ca: &StringChunked| {
                    ca.as_datetime(None, *tu, false, false, tz.as_ref(), &ambiguous)
                };
                let bulk = parse(ca);
                if let Ok(out) = &bulk
                    && out.null_count() == ca.null_count()
                {
                    return Ok(out.clone().into_series());
                }
                // The format is inferred once per series, so values in different
                // formats (e.g. with and without an offset) are parsed one by one.
                let mut out = Series::new_empty(PlSmallStr::EMPTY, dtype);
                for i in 0..ca.len() {
                    let value = parse(&ca.slice(i as i64, 1))
                        .map(|v| v.into_series())
                        .unwrap_or_else(|_| Series::full_null(PlSmallStr::EMPTY, 1, dtype));
                    out.append(&value)?;
                }
                if out.null_count() == out.len() {
                    bulk?;
                }
                return Ok(out);
            },
            _ => {},
        }
    }
    s.strict_cast(dtype)
}

/// Parse a string expression into `Date`/`Time`/`Datetime`; `None` for other dtypes.
fn parse_string_as_temporal(expr: Expr, dtype: &DataType, strict: bool) -> Option<Expr> {
    let options = StrptimeOptions {
        strict,
        ..Default::default()
    };
    Some(match dtype {
        DataType::Date => expr.str().to_date(options),
        DataType::Time => expr.str().to_time(options),
        DataType::Datetime(tu, tz) => {
            expr.str()
                .to_datetime(Some(*tu), tz.clone(), options, lit("latest"))
        },
        _ => return None,
    })
}

/// `value` parsed as a literal of temporal `dtype`, or `None` if it does not parse.
fn temporal_literal(value: &str, dtype: &DataType) -> Option<Expr> {
    let s = cast_literal_series(&Series::new(PlSmallStr::EMPTY, [value]), dtype).ok()?;
    let value = s.get(0).ok()?.into_static();
    (!value.is_null()).then(|| lit(Scalar::new(dtype.clone(), value)))
}

/// A `DATE`, `TIME` or `TIMESTAMP` literal as a value of `dtype`.
fn typed_literal(value: &str, dtype: &DataType, sql_type: &SQLDataType) -> PolarsResult<Expr> {
    temporal_literal(value, dtype)
        .ok_or_else(|| polars_err!(SQLSyntax: "invalid {} literal '{}'", sql_type, value))
}

/// `date <op> timestamp` as `date <op'> day`, with `day` the timestamp's date:
/// a Date is midnight, so a time after midnight moves `>=` and `<` past its day.
/// `None` for other operators, and for (in)equality with a time after midnight.
fn date_bound(
    op: &SQLBinaryOperator,
    timestamp: i64,
    tu: TimeUnit,
) -> Option<(SQLBinaryOperator, i32)> {
    let per_day = match tu {
        TimeUnit::Nanoseconds => NANOSECONDS_IN_DAY,
        TimeUnit::Microseconds => MICROSECONDS_IN_DAY,
        TimeUnit::Milliseconds => MILLISECONDS_IN_DAY,
    };
    let day = i32::try_from(timestamp.div_euclid(per_day)).ok()?;
    let midnight = timestamp.rem_euclid(per_day) == 0;
    let op = match op {
        SQLBinaryOperator::GtEq if !midnight => SQLBinaryOperator::Gt,
        SQLBinaryOperator::Lt if !midnight => SQLBinaryOperator::LtEq,
        SQLBinaryOperator::Eq | SQLBinaryOperator::NotEq if !midnight => return None,
        SQLBinaryOperator::Gt
        | SQLBinaryOperator::GtEq
        | SQLBinaryOperator::Lt
        | SQLBinaryOperator::LtEq
        | SQLBinaryOperator::Eq
        | SQLBinaryOperator::NotEq => op.clone(),
        _ => return None,
    };
    Some((op, day))
}

/// `lhs <op> rhs` for a comparison operator, `None` for any other.
fn compare(lhs: Expr, op: &SQLBinaryOperator, rhs: Expr) -> Option<Expr> {
    Some(match op {
        SQLBinaryOperator::Gt => lhs.gt(rhs),
        SQLBinaryOperator::GtEq => lhs.gt_eq(rhs),
        SQLBinaryOperator::Lt => lhs.lt(rhs),
        SQLBinaryOperator::LtEq => lhs.lt_eq(rhs),
        SQLBinaryOperator::Eq => lhs.eq(rhs),
        SQLBinaryOperator::NotEq => lhs.eq(rhs).not(),
        _ => return None,
    })
}

type StringMatch = fn(StringNameSpace, Expr) -> Expr;

/// The string method matching a case-sensitive LIKE pattern whose only wildcards
/// are a '%' at its start and/or end, with the literal text between them.
fn literal_like_match(pattern: &str) -> Option<(StringMatch, &str)> {
    let plain = |s: &str| !s.is_empty() && !s.contains(['%', '_']);
    let (matches, needle): (StringMatch, &str) =
        match (pattern.strip_prefix('%'), pattern.strip_suffix('%')) {
            (Some(rest), Some(_)) => (StringNameSpace::contains_literal, rest.strip_suffix('%')?),
            (None, Some(prefix)) => (StringNameSpace::starts_with, prefix),
            (Some(suffix), None) => (StringNameSpace::ends_with, suffix),
            (None, None) => return None,
        };
    plain(needle).then_some((matches, needle))
}

/// `expr`, a string, as a value of temporal `dtype`: folded when it is a literal
/// that parses, else parsed when the query runs. `None` if `dtype` is not temporal.
fn string_to_temporal(expr: Expr, dtype: &DataType, strict: bool) -> Option<Expr> {
    if let Expr::Literal(lv) = &expr
        && let Some(value) = lv.extract_str().and_then(|s| temporal_literal(s, dtype))
    {
        return Some(value);
    }
    parse_string_as_temporal(expr, dtype, strict)
}

/// The operator of `b <op> a` given that of `a <op> b`.
fn flip_comparison(op: &SQLBinaryOperator) -> Option<SQLBinaryOperator> {
    Some(match op {
        SQLBinaryOperator::Gt => SQLBinaryOperator::Lt,
        SQLBinaryOperator::GtEq => SQLBinaryOperator::LtEq,
        SQLBinaryOperator::Lt => SQLBinaryOperator::Gt,
        SQLBinaryOperator::LtEq => SQLBinaryOperator::GtEq,
        SQLBinaryOperator::Eq | SQLBinaryOperator::NotEq => op.clone(),
        _ => return None,
    })
}

/// `base + offset` with `offset` as for `dt.offset_by`, computed here when `base` is a
/// literal.
fn offset_by(base: Expr, offset: String) -> PolarsResult<Expr> {
    let is_literal = matches!(&base, Expr::Literal(LiteralValue::Scalar(_)));
    let expr = base.dt().offset_by(lit(offset));
    if is_literal {
        fold_scalar(expr)
    } else {
        Ok(expr)
    }
}

/// Extract the literal value; returns `(sql_value, optional_op)`.
fn extract_literal_with_op<'a>(
    expr: &'a SQLExpr,
    outer_op: Option<&'a SQLUnaryOperator>,
) -> Option<(&'a SQLValue, Option<&'a SQLUnaryOperator>)> {
    match expr {
        SQLExpr::Value(ValueWithSpan { value: v, .. }) => Some((v, outer_op)),
        SQLExpr::UnaryOp { op, expr } if outer_op.is_none() => match expr.as_ref() {
            SQLExpr::Value(ValueWithSpan { value: v, .. }) => Some((v, Some(op))),
            _ => None,
        },
        _ => None,
    }
}

/// Ensure we have a common dtype from an input set of dtypes (must match).
fn resolve_common_dtype(dtypes: &[DataType], desc: Option<&str>) -> PolarsResult<Option<DataType>> {
    let Some(first) = dtypes.first() else {
        return Ok(None);
    };
    let desc = desc.unwrap_or("");
    for dtype in &dtypes[1..] {
        polars_ensure!(
            dtype == first,
            SQLInterface: "{desc}expected consistent dtypes (found {first:?} and {dtype:?})",
        );
    }
    Ok(Some(first.clone()))
}

impl SQLExprVisitor<'_> {
    fn array_expr_to_series(&mut self, elements: &[SQLExpr]) -> PolarsResult<Series> {
        let mut array_elements = Vec::with_capacity(elements.len());
        let mut cast_dtypes = Vec::new();
        for e in elements {
            let val = match e {
                SQLExpr::Value(ValueWithSpan { value: v, .. }) => self.visit_any_value(v, None),
                SQLExpr::UnaryOp { op, expr } => match extract_literal_with_op(expr, Some(op)) {
                    Some((v, op)) => self.visit_any_value(v, op),
                    None => match expr.as_ref() {
                        SQLExpr::Cast {
                            data_type, expr: inner, format: None, ..
                        } => {
                            cast_dtypes.push(map_sql_dtype_to_polars(data_type)?);
                            match extract_literal_with_op(inner, Some(op)) {
                                Some((v, op)) => self.visit_any_value(v, op),
                                None => Err(polars_err!(SQLInterface: "array element {:?} is not supported", e)),
                            }
                        },
                        _ => Err(polars_err!(SQLInterface: "array element {:?} is not supported", e)),
                    },
                },
                SQLExpr::Array(values) => {
                    let srs = self.array_expr_to_series(&values.elem)?;
                    Ok(AnyValue::List(srs))
                },
                SQLExpr::TypedString(TypedString {
                    data_type,
                    value: ValueWithSpan {
                        value: SQLValue::SingleQuotedString(v), ..
                    },
                    ..
                }) => {
                    cast_dtypes.push(self.resolve_typed_literal_dtype(data_type, v)?);
                    Ok(AnyValue::StringOwned(v.as_str().into()))
                },
                SQLExpr::Cast {
                    data_type, expr, format: None, ..
                } => {
                    cast_dtypes.push(map_sql_dtype_to_polars(data_type)?);
                    match extract_literal_with_op(expr, None) {
                        Some((v, op)) => self.visit_any_value(v, op),
                        None => Err(polars_err!(SQLInterface: "array element {:?} is not supported", e)),
                    }
                },
                _ => Err(polars_err!(SQLInterface: "array element {:?} is not supported", e)),
            }?
            .into_static();
            array_elements.push(val);
        }
        let mut s = series_from_literals(PlSmallStr::EMPTY, &array_elements)?;
        if let Some(dtype) = resolve_common_dtype(&cast_dtypes, Some("array literal "))? {
            // Checked on the assembled series, whose elements share one type.
            ensure_nested_cast_source("CAST", &dtype, s.dtype())?;
            s = cast_literal_series(&s, &dtype)?;
        }
        Ok(s)
    }

    fn visit_expr(&mut self, expr: &SQLExpr) -> PolarsResult<Expr> {
        match expr {
            SQLExpr::AllOp {
                left,
                compare_op,
                right,
            } => self.visit_all(left, compare_op, right),
            SQLExpr::AnyOp {
                left,
                compare_op,
                right,
                is_some: _,
            } => self.visit_any(left, compare_op, right),
            SQLExpr::Array(arr) => self.visit_array_expr(&arr.elem, true, None),
            SQLExpr::Between {
                expr,
                negated,
                low,
                high,
            } => self.visit_between(expr, *negated, low, high),
            SQLExpr::BinaryOp { left, op, right } => self.visit_binary_op(left, op, right),
            SQLExpr::Cast {
                kind,
                expr,
                data_type,
                format,
                array: _,
            } => self.visit_cast(expr, data_type, format, kind),
            SQLExpr::AtTimeZone {
                timestamp,
                time_zone,
            } => self.visit_at_time_zone(timestamp, time_zone),
            SQLExpr::Ceil { expr, .. } => Ok(self.visit_expr(expr)?.ceil()),
            SQLExpr::CompoundFieldAccess { root, access_chain } => {
                // simple subscript access (eg: "array_col[1]")
                if access_chain.len() == 1 {
                    match &access_chain[0] {
                        AccessExpr::Subscript(subscript) => {
                            return self.visit_subscript(root, subscript);
                        },
                        AccessExpr::Dot(_) => {
                            polars_bail!(SQLSyntax: "dot-notation field access is currently unsupported: {:?}", access_chain[0])
                        },
                    }
                }
                // chained dot/bracket notation (eg: "struct_col.field[2].foo[0].bar")
                polars_bail!(SQLSyntax: "complex field access chains are currently unsupported: {:?}", access_chain[0])
            },
            SQLExpr::CompoundIdentifier(idents) => self.visit_compound_identifier(idents),
            SQLExpr::Exists { subquery, negated } => self.visit_exists(subquery, *negated),
            SQLExpr::Extract {
                field,
                syntax: _,
                expr,
            } => parse_extract_date_part(self.visit_expr(expr)?, field),
            SQLExpr::Floor { expr, .. } => Ok(self.visit_expr(expr)?.floor()),
            SQLExpr::Function(function) => self.visit_function(function),
            SQLExpr::Identifier(ident) => self.visit_identifier(ident),
            SQLExpr::InList {
                expr,
                list,
                negated,
            } => {
                let sql_expr = expr;
                let expr = self.visit_expr(sql_expr)?;
                // Prefer the all-literal `is_in` fast path, which predicate pushdown can
                // use. A non-literal element, or an aggregate or constant on the left, falls
                // back to an OR-chain of equality comparisons (which the planner can fold).
                let is_constant = !expr_references_any_column(sql_expr)
                    && expr
                        .clone()
                        .meta()
                        .is_input_independent_scalar()
                        .unwrap_or(false);
                let use_or_chain =
                    is_constant || has_expr(&expr, |e| matches!(e, Expr::Agg(_) | Expr::Len));
                let elements = if use_or_chain {
                    None
                } else {
                    self.array_expr_to_series(list).ok()
                };
                match elements {
                    Some(elems) => {
                        let elems = self.cast_array_elements_for(elems, Some(&expr))?;
                        let set_has_null = elems.null_count() > 0;
                        let membership = sql_is_in(expr, lit(elems.implode()?.into_series()));
                        let is_in = if set_has_null {
                            // Non-match against sets containing NULL is unknown, not FALSE
                            membership.or(sql_unknown())
                        } else {
                            membership
                        };
                        Ok(if *negated { is_in.not() } else { is_in })
                    },
                    None => self.visit_in_list_fallback(expr, list, *negated),
                }
            },
            SQLExpr::InSubquery {
                expr,
                subquery,
                negated,
            } => self.visit_in_subquery(expr, subquery, *negated),
            SQLExpr::Interval(interval) => Ok(lit(interval_to_duration(interval, true)?)),
            SQLExpr::IsDistinctFrom(e1, e2) => {
                Ok(self.visit_expr(e1)?.neq_missing(self.visit_expr(e2)?))
            },
            SQLExpr::IsFalse(expr) => Ok(self.visit_expr(expr)?.eq(lit(false))),
            SQLExpr::IsNotDistinctFrom(e1, e2) => {
                Ok(self.visit_expr(e1)?.eq_missing(self.visit_expr(e2)?))
            },
            SQLExpr::IsNotFalse(expr) => Ok(self.visit_expr(expr)?.eq(lit(false)).not()),
            SQLExpr::IsNotNull(expr) => Ok(self.visit_expr(expr)?.is_not_null()),
            SQLExpr::IsNotTrue(expr) => Ok(self.visit_expr(expr)?.eq(lit(true)).not()),
            SQLExpr::IsNull(expr) => Ok(self.visit_expr(expr)?.is_null()),
            SQLExpr::IsTrue(expr) => Ok(self.visit_expr(expr)?.eq(lit(true))),
            SQLExpr::Like {
                negated,
                any,
                expr,
                pattern,
                escape_char,
            } => {
                if *any {
                    polars_bail!(SQLSyntax: "LIKE ANY is not a supported syntax")
                }
                let escape_str = escape_char.as_ref().and_then(|v| match &**v {
                    SQLValue::SingleQuotedString(s) => Some(s.clone()),
                    _ => None,
                });
                self.visit_like(*negated, expr, pattern, &escape_str, false)
            },
            SQLExpr::ILike {
                negated,
                any,
                expr,
                pattern,
                escape_char,
            } => {
                if *any {
                    polars_bail!(SQLSyntax: "ILIKE ANY is not a supported syntax")
                }
                let escape_str = escape_char.as_ref().and_then(|v| match &**v {
                    SQLValue::SingleQuotedString(s) => Some(s.clone()),
                    _ => None,
                });
                self.visit_like(*negated, expr, pattern, &escape_str, true)
            },
            SQLExpr::Nested(expr) => self.visit_expr(expr),
            SQLExpr::Position { expr, r#in } => Ok(
                // note: SQL is 1-indexed
                (self
                    .visit_expr(r#in)?
                    .str()
                    .find(self.visit_expr(expr)?, true)
                    + typed_lit(1u32))
                .fill_null(typed_lit(0u32)),
            ),
            SQLExpr::RLike {
                // note: parses both RLIKE and REGEXP
                negated,
                expr,
                pattern,
                regexp: _,
            } => {
                let matches = self
                    .visit_expr(expr)?
                    .str()
                    .contains(self.visit_expr(pattern)?, true);
                Ok(if *negated { matches.not() } else { matches })
            },
            SQLExpr::Subquery(subquery) => {
                self.visit_subquery(subquery, SubqueryRestriction::SingleValue)
            },
            SQLExpr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => self.visit_substring(expr, substring_from.as_deref(), substring_for.as_deref()),
            SQLExpr::Trim {
                expr,
                trim_where,
                trim_what,
                trim_characters,
            } => self.visit_trim(expr, trim_where, trim_what, trim_characters),
            SQLExpr::TypedString(TypedString {
                data_type,
                value:
                    ValueWithSpan {
                        value: SQLValue::SingleQuotedString(v),
                        ..
                    },
                uses_odbc_syntax: _,
            }) => {
                let dtype = self.resolve_typed_literal_dtype(data_type, v)?;
                typed_literal(v, &dtype, data_type)
            },
            SQLExpr::UnaryOp { op, expr } => self.visit_unary_op(op, expr),
            SQLExpr::Value(ValueWithSpan { value, .. }) => self.visit_literal(value),
            SQLExpr::Wildcard(_) => Ok(all().as_expr()),
            e @ SQLExpr::Case { .. } => self.visit_case_when_then(e),
            other => {
                polars_bail!(SQLInterface: "expression {:?} is not currently supported", other)
            },
        }
    }

    fn visit_subquery(
        &mut self,
        subquery: &Subquery,
        restriction: SubqueryRestriction,
    ) -> PolarsResult<Expr> {
        let lf = self.execute_subquery(subquery)?;
        let reduce_expr = match restriction {
            SubqueryRestriction::SingleColumn => first().as_expr().implode(true),
            SubqueryRestriction::SingleValue => first().as_expr().item(true),
        };
        Ok(reduced_subquery(lf, reduce_expr))
    }

    fn execute_subquery(&mut self, subquery: &Subquery) -> PolarsResult<LazyFrame> {
        // note: we have to execute subqueries in an isolated scope to prevent
        // propagating any context/arena mutation into the rest of the query
        self.ctx.execute_isolated(|ctx| ctx.execute_query(subquery))
    }

    /// Visit a `[NOT] EXISTS (subquery)` expression that no earlier rewrite claimed. An
    /// uncorrelated subquery becomes one value, a correlated one is not supported here.
    fn visit_exists(&mut self, subquery: &Subquery, negated: bool) -> PolarsResult<Expr> {
        let exists = match self
            .ctx
            .exists_values
            .iter()
            .position(|(query, _)| query == subquery)
        {
            Some(i) => self.ctx.exists_values.swap_remove(i).1,
            None => self.evaluate_exists(subquery)?,
        };
        Ok(if negated { exists.not() } else { exists })
    }

    /// The value of an uncorrelated `EXISTS (subquery)` that lowering did not plan.
    fn evaluate_exists(&mut self, subquery: &Subquery) -> PolarsResult<Expr> {
        let unsupported = || {
            polars_err!(
                SQLInterface:
                "EXISTS subquery is not currently supported in this position: {:?}", subquery
            )
        };
        if is_correlated_subquery(subquery, self.ctx.catalog_spellings())
            || self.has_unnest(subquery)
        {
            return Err(unsupported());
        }
        // An unqualified outer column makes the subquery correlated.
        let outer_err = |e, this: &Self| {
            if this.reads_outer_column(subquery) {
                unsupported()
            } else {
                e
            }
        };
        if self
            .ctx
            .exists_over_aggregate(subquery)
            .map_err(|e| outer_err(e, self))?
        {
            return Ok(lit(true));
        }
        let lf = self
            .execute_subquery(subquery)
            .map_err(|e| outer_err(e, self))?;
        let lf = lf.select([len().gt(lit(0))]);
        Ok(reduced_subquery(lf, first().as_expr().item(true)))
    }

    /// Whether `subquery` names a column of the outer query without a qualifier.
    fn reads_outer_column(&self, subquery: &Subquery) -> bool {
        let Some(schema) = self.active_schema else {
            return false;
        };
        visit_expressions(subquery, |e: &SQLExpr| match e {
            SQLExpr::Identifier(ident) if schema.contains(&ident.value) => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        })
        .is_break()
    }

    /// Whether `subquery` calls `UNNEST`, which can return no rows for an aggregate.
    fn has_unnest(&self, subquery: &Subquery) -> bool {
        visit_expressions(subquery, |e: &SQLExpr| match e {
            SQLExpr::Function(function)
                if matches!(
                    PolarsSQLFunctions::try_from_sql(function, self.ctx),
                    Ok(PolarsSQLFunctions::Explode)
                ) =>
            {
                ControlFlow::Break(())
            },
            _ => ControlFlow::Continue(()),
        })
        .is_break()
    }

    /// Visit a single SQL identifier.
    ///
    /// e.g. column
    fn visit_identifier(&self, ident: &Ident) -> PolarsResult<Expr> {
        Ok(col(ident.value.as_str()))
    }

    /// Visit a compound SQL identifier
    ///
    /// e.g. tbl.column, struct.field, tbl.struct.field (inc. nested struct fields)
    fn visit_compound_identifier(&mut self, idents: &[Ident]) -> PolarsResult<Expr> {
        Ok(resolve_compound_identifier(self.ctx, idents, self.active_schema)?[0].clone())
    }

    fn visit_like(
        &mut self,
        negated: bool,
        expr: &SQLExpr,
        pattern: &SQLExpr,
        escape_char: &Option<String>,
        case_insensitive: bool,
    ) -> PolarsResult<Expr> {
        if escape_char.is_some() {
            polars_bail!(SQLInterface: "ESCAPE char for LIKE/ILIKE is not currently supported; found '{}'", escape_char.clone().unwrap());
        }
        let pat = match self.visit_expr(pattern) {
            Ok(Expr::Literal(lv)) if lv.extract_str().is_some() => {
                PlSmallStr::from_str(lv.extract_str().unwrap())
            },
            _ => {
                polars_bail!(SQLSyntax: "LIKE/ILIKE pattern must be a string literal; found {}", pattern)
            },
        };
        if pat.is_empty() || (!case_insensitive && pat.chars().all(|c| !matches!(c, '%' | '_'))) {
            // empty string or other exact literal match (eg: no wildcard chars)
            let op = if negated {
                SQLBinaryOperator::NotEq
            } else {
                SQLBinaryOperator::Eq
            };
            self.visit_binary_op(expr, &op, pattern)
        } else if !case_insensitive && let Some((matches, needle)) = literal_like_match(&pat) {
            let expr = self.visit_expr(expr)?;
            let matches = matches(expr.str(), lit(needle.to_string()));
            Ok(if negated { matches.not() } else { matches })
        } else {
            // create regex from pattern containing SQL wildcard chars ('%' => '.*', '_' => '.');
            // a leading/trailing '%' means that side is not anchored
            let start_anchor = if pat.starts_with('%') { "" } else { "^" };
            let end_anchor = if pat.ends_with('%') { "" } else { "$" };
            let trimmed = pat.trim_matches('%');
            let rx = format!(
                "{}{}{}{}",
                if case_insensitive { "(?is)" } else { "(?s)" },
                start_anchor,
                regex::escape(trimmed).replace('%', ".*").replace('_', "."),
                end_anchor,
            );

            let expr = self.visit_expr(expr)?;
            let matches = expr.str().contains(lit(rx), true);
            Ok(if negated { matches.not() } else { matches })
        }
    }

    fn visit_subscript(&mut self, expr: &SQLExpr, subscript: &Subscript) -> PolarsResult<Expr> {
        let expr = self.visit_expr(expr)?;
        Ok(match subscript {
            Subscript::Index { index } => {
                let idx = adjust_one_indexed_param(self.visit_expr(index)?, true);
                expr.list().get(idx, true)
            },
            Subscript::Slice { .. } => {
                polars_bail!(SQLSyntax: "array slice syntax is not currently supported")
            },
        })
    }

    /// Handle implicit temporal string comparisons.
    ///
    /// eg: clauses such as -
    ///   "dt >= '2024-04-30'"
    ///   "dt = '2077-10-10'::date"
    ///   "dtm::date = '2077-10-10'
    fn convert_temporal_strings(&self, left: &Expr, right: &Expr) -> Expr {
        let Some(s) = (match right {
            Expr::Literal(lv) => lv.extract_str(),
            _ => None,
        }) else {
            return right.clone();
        };
        let parsed = match self.cast_or_expr_dtype(left) {
            Some(dtype @ DataType::Time) if is_iso_time(s) => Some((s.to_string(), dtype)),
            Some(dtype @ DataType::Date) if is_iso_date(s) => Some((s.to_string(), dtype)),
            Some(dtype @ DataType::Datetime(_, _)) if is_iso_datetime(s) || is_iso_date(s) => {
                let s = if s.len() == 10 {
                    // handle upcast from ISO date string (10 chars) to datetime
                    format!("{s}T00:00:00")
                } else {
                    s.replacen(' ', "T", 1)
                };
                Some((s, dtype))
            },
            _ => None,
        };
        // A string that does not parse keeps its strict parse, which fails
        // when the query runs.
        parsed
            .and_then(|(s, dtype)| string_to_temporal(lit(s), &dtype, true))
            .unwrap_or_else(|| right.clone())
    }

    fn struct_field_access_expr(
        &mut self,
        expr: &Expr,
        path: &str,
        infer_index: bool,
    ) -> PolarsResult<Expr> {
        let path_elems = if path.starts_with('{') && path.ends_with('}') {
            path.trim_matches(|c| c == '{' || c == '}')
        } else {
            path
        }
        .split(',');

        let mut expr = expr.clone();
        for p in path_elems {
            let p = p.trim();
            expr = if infer_index {
                match p.parse::<i64>() {
                    Ok(idx) => expr.list().get(lit(idx), true),
                    Err(_) => expr.struct_().field_by_name(p),
                }
            } else {
                expr.struct_().field_by_name(p)
            }
        }
        Ok(expr)
    }

    /// Best-effort dtype for an expression; `None` if it cannot be resolved.
    fn expr_dtype(&self, expr: &Expr) -> Option<DataType> {
        self.ctx.expr_dtype(expr, self.active_schema)
    }

    /// Like [`Self::expr_dtype`], but without a schema a cast still gives its type.
    fn cast_or_expr_dtype(&self, expr: &Expr) -> Option<DataType> {
        match expr {
            Expr::Cast { dtype, .. } => dtype.as_literal().cloned(),
            _ => None,
        }
        .or_else(|| self.expr_dtype(expr))
    }

    /// `date + n` / `date - n` shift the date by a whole number of days.
    fn date_day_offset(&self, lhs: &Expr, op: &SQLBinaryOperator, rhs: &Expr) -> Option<Expr> {
        let subtract = matches!(op, SQLBinaryOperator::Minus);
        let left_dtype = self.expr_dtype(lhs);
        let right_dtype = self.expr_dtype(rhs);
        let is_date = |dtype: &Option<DataType>| matches!(dtype, Some(DataType::Date));
        let is_int =
            |dtype: &Option<DataType>| dtype.as_ref().is_some_and(|dtype| dtype.is_integer());

        let (date, days) = if is_date(&left_dtype) && is_int(&right_dtype) {
            (lhs, rhs)
        } else if !subtract && is_date(&right_dtype) && is_int(&left_dtype) {
            (rhs, lhs)
        } else {
            return None;
        };
        let offset = duration(DurationArgs {
            days: days.clone(),
            ..Default::default()
        });
        Some(if subtract {
            date.clone() - offset
        } else {
            date.clone() + offset
        })
    }

    /// A Date compared with a timestamp literal, as a comparison of Dates with the
    /// output name of the original comparison. `None` for anything else.
    fn compare_date_with_timestamp(
        &self,
        lhs: &Expr,
        op: &SQLBinaryOperator,
        rhs: &Expr,
    ) -> Option<Expr> {
        let (date, op, timestamp, flipped) = if matches!(self.expr_dtype(lhs), Some(DataType::Date))
        {
            (lhs, op.clone(), rhs, false)
        } else if matches!(self.expr_dtype(rhs), Some(DataType::Date)) {
            (rhs, flip_comparison(op)?, lhs, true)
        } else {
            return None;
        };
        let Expr::Literal(LiteralValue::Scalar(scalar)) = timestamp else {
            return None;
        };
        let (timestamp, tu) = match scalar.value() {
            AnyValue::Datetime(timestamp, tu, None)
            | AnyValue::DatetimeOwned(timestamp, tu, None) => (*timestamp, *tu),
            _ => return None,
        };
        let (op, day) = date_bound(&op, timestamp, tu)?;
        let date = date.clone();
        let day = lit(Scalar::new(DataType::Date, AnyValue::Date(day)));
        let cmp = compare(date.clone(), &op, day)?;
        Some(if flipped {
            cmp.alias(get_literal_name())
        } else {
            cmp
        })
    }

    /// Visit a SQL binary operator.
    ///
    /// e.g. "column + 1", "column1 <= column2"
    fn visit_binary_op(
        &mut self,
        left: &SQLExpr,
        op: &SQLBinaryOperator,
        right: &SQLExpr,
    ) -> PolarsResult<Expr> {
        if let Some(folded) = try_fold_decimal_arithmetic(left, op, right)? {
            return Ok(folded);
        }
        // "x ~~ y", "x !~~ y", "x ~~* y" and "x !~~* y" are LIKE and ILIKE.
        let like = match op {
            SQLBinaryOperator::PGLikeMatch => Some((false, false)),
            SQLBinaryOperator::PGNotLikeMatch => Some((true, false)),
            SQLBinaryOperator::PGILikeMatch => Some((false, true)),
            SQLBinaryOperator::PGNotILikeMatch => Some((true, true)),
            _ => None,
        };
        if let Some((negated, case_insensitive)) = like {
            let (expr, pattern) = (Box::new(left.clone()), Box::new(right.clone()));
            return self.visit_expr(&if case_insensitive {
                SQLExpr::ILike {
                    negated,
                    any: false,
                    expr,
                    pattern,
                    escape_char: None,
                }
            } else {
                SQLExpr::Like {
                    negated,
                    any: false,
                    expr,
                    pattern,
                    escape_char: None,
                }
            });
        }
        // need special handling for interval offsets and comparisons
        let (mut lhs, mut rhs) = match (left, op, right) {
            (_, SQLBinaryOperator::Minus, SQLExpr::Interval(v)) => {
                let duration = interval_to_duration(v, false)?;
                return offset_by(self.visit_expr(left)?, format!("-{duration}"));
            },
            (_, SQLBinaryOperator::Plus, SQLExpr::Interval(v)) => {
                let duration = interval_to_duration(v, false)?;
                return offset_by(self.visit_expr(left)?, format!("{duration}"));
            },
            (SQLExpr::Interval(v1), _, SQLExpr::Interval(v2)) => {
                // shortcut interval comparison evaluation (-> bool)
                let d1 = interval_to_duration(v1, false)?;
                let d2 = interval_to_duration(v2, false)?;
                let res = match op {
                    SQLBinaryOperator::Gt => Ok(lit(d1 > d2)),
                    SQLBinaryOperator::Lt => Ok(lit(d1 < d2)),
                    SQLBinaryOperator::GtEq => Ok(lit(d1 >= d2)),
                    SQLBinaryOperator::LtEq => Ok(lit(d1 <= d2)),
                    SQLBinaryOperator::NotEq => Ok(lit(d1 != d2)),
                    SQLBinaryOperator::Eq | SQLBinaryOperator::Spaceship => Ok(lit(d1 == d2)),
                    _ => polars_bail!(SQLInterface: "invalid interval comparison operator"),
                };
                if res.is_ok() {
                    return res;
                }
                (self.visit_expr(left)?, self.visit_expr(right)?)
            },
            _ => (self.visit_expr(left)?, self.visit_expr(right)?),
        };
        rhs = self.convert_temporal_strings(&lhs, &rhs);
        if matches!(
            op,
            SQLBinaryOperator::Eq
                | SQLBinaryOperator::NotEq
                | SQLBinaryOperator::Spaceship
                | SQLBinaryOperator::Lt
                | SQLBinaryOperator::LtEq
                | SQLBinaryOperator::Gt
                | SQLBinaryOperator::GtEq
                | SQLBinaryOperator::Minus
        ) {
            lhs = self.convert_temporal_strings(&rhs, &lhs);
        }
        // An operator with a decimal literal operand is resolved once the operand types are
        // known, so that the literal can take a float operand's type.
        let decimal_literal_operand =
            is_decimal_literal_valued(&lhs) || is_decimal_literal_valued(&rhs);
        if matches!(
            op,
            SQLBinaryOperator::Eq | SQLBinaryOperator::NotEq | SQLBinaryOperator::Spaceship
        ) {
            (lhs, rhs) = self.convert_int_literal_for_string(lhs, rhs);
        }

        if matches!(op, SQLBinaryOperator::Plus | SQLBinaryOperator::Minus)
            && let Some(expr) = self.date_day_offset(&lhs, op, &rhs)
        {
            return Ok(expr);
        }
        if matches!(
            op,
            SQLBinaryOperator::Gt
                | SQLBinaryOperator::GtEq
                | SQLBinaryOperator::Lt
                | SQLBinaryOperator::LtEq
                | SQLBinaryOperator::Eq
                | SQLBinaryOperator::NotEq
        ) && let Some(expr) = self.compare_date_with_timestamp(&lhs, op, &rhs)
        {
            return Ok(expr);
        }

        Ok(match op {
            // ----
            // Bitwise operators
            // ----
            SQLBinaryOperator::BitwiseAnd => lhs.and(rhs), // "x & y"
            SQLBinaryOperator::BitwiseOr => lhs.or(rhs),   // "x | y"
            SQLBinaryOperator::Xor => lhs.xor(rhs),        // "x XOR y"

            // ----
            // Comparison operators
            // ----
            SQLBinaryOperator::Eq if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::Eq, rhs)
            },
            SQLBinaryOperator::Gt if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::Gt, rhs)
            },
            SQLBinaryOperator::GtEq if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::GtEq, rhs)
            },
            SQLBinaryOperator::Lt if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::Lt, rhs)
            },
            SQLBinaryOperator::LtEq if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::LtEq, rhs)
            },
            SQLBinaryOperator::NotEq if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::Eq, rhs).not()
            },
            SQLBinaryOperator::Spaceship if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::EqMissing, rhs)
            },
            SQLBinaryOperator::Eq => lhs.eq(rhs), // "x = y"
            SQLBinaryOperator::Gt => lhs.gt(rhs), // "x > y"
            SQLBinaryOperator::GtEq => lhs.gt_eq(rhs), // "x >= y"
            SQLBinaryOperator::Lt => lhs.lt(rhs), // "x < y"
            SQLBinaryOperator::LtEq => lhs.lt_eq(rhs), // "x <= y"
            SQLBinaryOperator::NotEq => lhs.eq(rhs).not(), // "x != y"
            SQLBinaryOperator::Spaceship => lhs.eq_missing(rhs), // "x <=> y"

            // ----
            // Logical operators
            // ----
            SQLBinaryOperator::And => lhs.and(rhs), // "x AND y"
            SQLBinaryOperator::Or => lhs.or(rhs),   // "x OR y"

            // ----
            // Mathematical operators
            // ----
            SQLBinaryOperator::Divide => sql_binary(lhs, SqlBinaryOp::Div, rhs), // "x / y"
            SQLBinaryOperator::DuckIntegerDivide => sql_binary(lhs, SqlBinaryOp::IntDiv, rhs), // "x // y"
            SQLBinaryOperator::Minus if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::Minus, rhs)
            },
            SQLBinaryOperator::Minus => lhs - rhs, // "x - y"
            SQLBinaryOperator::Modulo => sql_binary(lhs, SqlBinaryOp::Rem, rhs), // "x % y"
            SQLBinaryOperator::Multiply => sql_binary(lhs, SqlBinaryOp::Mul, rhs), // "x * y"
            SQLBinaryOperator::Plus if decimal_literal_operand => {
                sql_binary(lhs, SqlBinaryOp::Plus, rhs)
            },
            SQLBinaryOperator::Plus => lhs + rhs, // "x + y"

            // ----
            // Regular expression operators
            // ----
            SQLBinaryOperator::PGRegexMatch => match rhs {
                // "x ~ y"
                Expr::Literal(ref lv) if lv.extract_str().is_some() => {
                    lhs.str().contains(rhs, true)
                },
                _ => polars_bail!(SQLSyntax: "invalid pattern for '~' operator: {:?}", rhs),
            },
            SQLBinaryOperator::PGRegexNotMatch => match rhs {
                // "x !~ y"
                Expr::Literal(ref lv) if lv.extract_str().is_some() => {
                    lhs.str().contains(rhs, true).not()
                },
                _ => polars_bail!(SQLSyntax: "invalid pattern for '!~' operator: {:?}", rhs),
            },
            SQLBinaryOperator::PGRegexIMatch => match rhs {
                // "x ~* y"
                Expr::Literal(ref lv) if lv.extract_str().is_some() => {
                    let pat = lv.extract_str().unwrap();
                    lhs.str().contains(lit(format!("(?i){pat}")), true)
                },
                _ => polars_bail!(SQLSyntax: "invalid pattern for '~*' operator: {:?}", rhs),
            },
            SQLBinaryOperator::PGRegexNotIMatch => match rhs {
                // "x !~* y"
                Expr::Literal(ref lv) if lv.extract_str().is_some() => {
                    let pat = lv.extract_str().unwrap();
                    lhs.str().contains(lit(format!("(?i){pat}")), true).not()
                },
                _ => {
                    polars_bail!(SQLSyntax: "invalid pattern for '!~*' operator: {:?}", rhs)
                },
            },
            // ----
            // String operators
            // ----
            SQLBinaryOperator::PGStartsWith => lhs.str().starts_with(rhs), // "x ^@ y"
            SQLBinaryOperator::StringConcat => {
                // "x || y"
                lhs.cast(DataType::String) + rhs.cast(DataType::String)
            },
            // ----
            // Nested (JSON) field access operators
            // ----
            SQLBinaryOperator::Arrow | SQLBinaryOperator::LongArrow => match rhs {
                // "x -> y", "x ->> y"
                Expr::Literal(lv) if lv.extract_str().is_some() => {
                    let path = lv.extract_str().unwrap();
                    let mut expr = self.struct_field_access_expr(&lhs, path, false)?;
                    if let SQLBinaryOperator::LongArrow = op {
                        expr = expr.cast(DataType::String);
                    }
                    expr
                },
                Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(idx))) => {
                    let mut expr = self.struct_field_access_expr(&lhs, &idx.to_string(), true)?;
                    if let SQLBinaryOperator::LongArrow = op {
                        expr = expr.cast(DataType::String);
                    }
                    expr
                },
                _ => {
                    polars_bail!(SQLSyntax: "invalid json/struct path-extract definition: {:?}", right)
                },
            },
            SQLBinaryOperator::HashArrow | SQLBinaryOperator::HashLongArrow => {
                // "x #> y", "x #>> y"
                match rhs {
                    Expr::Literal(lv) if lv.extract_str().is_some() => {
                        let path = lv.extract_str().unwrap();
                        let mut expr = self.struct_field_access_expr(&lhs, path, true)?;
                        if let SQLBinaryOperator::HashLongArrow = op {
                            expr = expr.cast(DataType::String);
                        }
                        expr
                    },
                    _ => {
                        polars_bail!(SQLSyntax: "invalid json/struct path-extract definition: {:?}", rhs)
                    },
                }
            },
            other => {
                polars_bail!(SQLInterface: "operator {:?} is not currently supported", other)
            },
        })
    }

    /// Visit a SQL unary operator.
    ///
    /// e.g. +column or -column
    fn visit_unary_op(&mut self, op: &SQLUnaryOperator, expr: &SQLExpr) -> PolarsResult<Expr> {
        let expr = self.visit_expr(expr)?;
        Ok(match (op, expr.clone()) {
            // simplify the parse tree by special-casing common unary +/- ops
            (SQLUnaryOperator::Plus, Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n)))) => {
                lit(n)
            },
            (
                SQLUnaryOperator::Plus,
                Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Float(n))),
            ) => lit(n),
            (
                SQLUnaryOperator::Minus,
                Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))),
            ) => lit(-n),
            (
                SQLUnaryOperator::Minus,
                Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Float(n))),
            ) => lit(-n),
            (SQLUnaryOperator::Plus, _) if decimal_literal(&expr).is_some() => expr,
            (SQLUnaryOperator::Minus, _) if let Some((v, p, s)) = decimal_literal(&expr) => {
                decimal_lit((-v, p, s))
            },
            // general case
            (SQLUnaryOperator::Plus, _) => lit(0) + expr,
            (SQLUnaryOperator::Minus, _) => lit(0) - expr,
            (SQLUnaryOperator::Not, _) => match &expr {
                Expr::Column(name)
                    if self
                        .active_schema
                        .and_then(|schema| schema.get(name))
                        .is_some_and(|dtype| matches!(dtype, DataType::Boolean)) =>
                {
                    // if already boolean, can operate bitwise
                    expr.not()
                },
                // otherwise SQL "NOT" expects logical, not bitwise, behaviour (eg: on integers)
                _ => expr.strict_cast(DataType::Boolean).not(),
            },
            other => polars_bail!(SQLInterface: "unary operator {:?} is not supported", other),
        })
    }

    /// Visit a SQL function.
    ///
    /// e.g. SUM(column) or COUNT(*)
    ///
    /// See [SQLFunctionVisitor] for more details
    fn visit_function(&mut self, function: &SQLFunction) -> PolarsResult<Expr> {
        let window = match &function.over {
            Some(window) => Some(self.ctx.resolve_window(window)?),
            None => None,
        };
        let is_window = window.is_some();
        let in_window = self.ctx.group_scope.in_window;
        self.ctx.group_scope.in_window |= is_window;
        let mut visitor = SQLFunctionVisitor {
            func: function,
            ctx: self.ctx,
            active_schema: self.active_schema,
            filter: None,
            window,
            reads_rows: false,
        };
        let expr = visitor.visit_function();
        self.ctx.group_scope.in_window = in_window;
        let expr = expr?;

        if !is_window
            && (in_window || self.ctx.group_scope.mark_aggregates)
            && PolarsSQLFunctions::is_aggregate_call(function, self.ctx, &expr)?
        {
            polars_ensure!(
                !has_marked_aggregate(&expr),
                SQLSyntax: "aggregate function calls cannot be nested"
            );
            return Ok(mark_aggregate(expr));
        }
        Ok(expr)
    }

    /// Visit a SQL `ALL` expression.
    ///
    /// e.g. `a > ALL(y)`
    fn visit_all(
        &mut self,
        left: &SQLExpr,
        compare_op: &SQLBinaryOperator,
        right: &SQLExpr,
    ) -> PolarsResult<Expr> {
        quantified_subquery_unsupported(self.ctx, compare_op, right)?;
        if let SQLExpr::Subquery(subquery) = right {
            // `x > ALL (S)` is `NOT (x <= ANY (S))`.
            let any_op = match compare_op {
                SQLBinaryOperator::Gt => SQLBinaryOperator::LtEq,
                SQLBinaryOperator::Lt => SQLBinaryOperator::GtEq,
                SQLBinaryOperator::GtEq => SQLBinaryOperator::Lt,
                SQLBinaryOperator::LtEq => SQLBinaryOperator::Gt,
                SQLBinaryOperator::Eq => SQLBinaryOperator::NotEq,
                SQLBinaryOperator::NotEq => SQLBinaryOperator::Eq,
                _ => polars_bail!(SQLInterface: "invalid comparison operator"),
            };
            return Ok(self.visit_any_subquery(left, &any_op, subquery)?.not());
        }
        let left = self.visit_expr(left)?;
        let right = self.visit_expr(right)?;

        match compare_op {
            SQLBinaryOperator::Gt => Ok(left.gt(right.max())),
            SQLBinaryOperator::Lt => Ok(left.lt(right.min())),
            SQLBinaryOperator::GtEq => Ok(left.gt_eq(right.max())),
            SQLBinaryOperator::LtEq => Ok(left.lt_eq(right.min())),
            SQLBinaryOperator::Eq => polars_bail!(SQLSyntax: "ALL cannot be used with ="),
            SQLBinaryOperator::NotEq => polars_bail!(SQLSyntax: "ALL cannot be used with !="),
            _ => polars_bail!(SQLInterface: "invalid comparison operator"),
        }
    }

    /// Visit a SQL `ANY` expression.
    ///
    /// e.g. `a != ANY(y)`
    fn visit_any(
        &mut self,
        left: &SQLExpr,
        compare_op: &SQLBinaryOperator,
        right: &SQLExpr,
    ) -> PolarsResult<Expr> {
        quantified_subquery_unsupported(self.ctx, compare_op, right)?;
        if let SQLExpr::Subquery(subquery) = right {
            return self.visit_any_subquery(left, compare_op, subquery);
        }
        let left = self.visit_expr(left)?;
        let right = self.visit_expr(right)?;

        match compare_op {
            SQLBinaryOperator::Gt => Ok(left.gt(right.min())),
            SQLBinaryOperator::Lt => Ok(left.lt(right.max())),
            SQLBinaryOperator::GtEq => Ok(left.gt_eq(right.min())),
            SQLBinaryOperator::LtEq => Ok(left.lt_eq(right.max())),
            SQLBinaryOperator::Eq => Ok(sql_is_in(left, right)),
            SQLBinaryOperator::NotEq => Ok(sql_is_in(left, right).not()),
            _ => polars_bail!(SQLInterface: "invalid comparison operator"),
        }
    }

    /// Visit `left <op> ANY (subquery)`: true if the comparison holds for a value of the
    /// subquery, false if it holds for none, and null if that depends on a null.
    fn visit_any_subquery(
        &mut self,
        left: &SQLExpr,
        compare_op: &SQLBinaryOperator,
        subquery: &Subquery,
    ) -> PolarsResult<Expr> {
        if *compare_op == SQLBinaryOperator::Eq {
            return self.visit_in_subquery(left, subquery, false);
        }
        let mut lf = self.execute_subquery(subquery)?;
        let schema = self.ctx.get_frame_schema(&mut lf)?;
        polars_ensure!(schema.len() == 1, SQLSyntax: "SQL subquery returns more than one column");
        let values_dtype = schema.get_at_index(0).unwrap().1;
        let left = self.visit_expr(left)?;
        let typed_left = self.ctx.with_typed_subqueries(&left)?;
        let left_dtype = self
            .expr_dtype(&typed_left)
            .filter(|dtype| dtype.is_known());

        // The comparison casts keep the order of the values, except as handled here.
        let mut values = first().as_expr();
        if let Some(dtype) = &left_dtype {
            if dtype.is_enum()
                && values_dtype.is_string()
                && *compare_op != SQLBinaryOperator::NotEq
            {
                // A string orders with an Enum in the order of the Enum.
                values = values.strict_cast(dtype.clone());
            } else if (dtype.is_integer() && values_dtype.is_integer())
                || (dtype.is_datetime() && values_dtype.is_date())
            {
                // The comparison casts the values to this type, and those out of its range
                // compare as null.
                if let Ok(supertype) = try_get_supertype(dtype, values_dtype) {
                    values = values.cast(supertype);
                }
            }
        }
        let mut fields = vec![
            values.clone().null_count().gt(lit(0)).alias("has_null"),
            values.clone().len().eq(lit(0)).alias("is_empty"),
        ];
        let compare_nested = *compare_op == SQLBinaryOperator::NotEq && values_dtype.is_nested();
        if compare_nested {
            // Values that differ can be equal once cast to the type of the other side.
            polars_ensure!(
                left_dtype.as_ref() == Some(values_dtype),
                SQLInterface: "ANY/ALL equality on nested values of different types is not supported; found {} and {}",
                left_dtype.map_or_else(|| "an unknown type".to_string(), |dtype| dtype.to_string()),
                values_dtype
            );
            let non_null = values.drop_nulls();
            fields.push(non_null.clone().n_unique().gt(lit(1)).alias("has_other"));
            fields.push(non_null.first().alias("value"));
        } else {
            // NaN is the largest value.
            fields.push(values.clone().min().alias("min"));
            fields.push(values.nan_max().alias("max"));
        }
        let summary = reduced_subquery(lf, as_struct(fields));
        let Expr::SubPlan(_, cols) = &summary else {
            unreachable!("a subquery must lower to a SubPlan");
        };
        let name = cols[0].0.clone();
        let field = |field: &str| col(name.clone()).first().struct_().field_by_name(field);

        // Whether the comparison holds for a value that is not null.
        let holds = match compare_op {
            SQLBinaryOperator::Gt => left.gt(field("min")),
            SQLBinaryOperator::GtEq => left.gt_eq(field("min")),
            SQLBinaryOperator::Lt => left.lt(field("max")),
            SQLBinaryOperator::LtEq => left.lt_eq(field("max")),
            SQLBinaryOperator::NotEq if compare_nested => {
                let has_other = field("has_other").and(left.clone().is_not_null());
                left.neq(field("value")).or(has_other)
            },
            SQLBinaryOperator::NotEq => left.clone().neq(field("min")).or(left.neq(field("max"))),
            _ => polars_bail!(SQLInterface: "invalid comparison operator"),
        };
        Ok(when(summary.struct_().field_by_name("is_empty"))
            .then(lit(false))
            .otherwise(holds.or(field("has_null").and(sql_unknown()))))
    }

    /// Fallback for `[NOT] IN (e1, e2, ...)` when the element list contains
    /// one or more non-literal expressions (eg: column references or arithmetic).
    ///
    /// Builds `expr = e1 OR expr = e2 OR ...` (negated with a trailing `NOT`, if
    /// applicable), which carries SQL's three-valued logic: `1 IN (2, NULL)` is
    /// unknown, not FALSE.
    fn visit_in_list_fallback(
        &mut self,
        expr: Expr,
        list: &[SQLExpr],
        negated: bool,
    ) -> PolarsResult<Expr> {
        polars_ensure!(!list.is_empty(), SQLSyntax: "IN list must not be empty");
        let mut elements = list.iter();
        let first = self.visit_expr(elements.next().unwrap())?;
        let (lhs, rhs) = self.convert_int_literal_for_string(expr.clone(), first);
        let mut membership = lhs.eq(rhs);
        for e in elements {
            let e = self.visit_expr(e)?;
            let (lhs, rhs) = self.convert_int_literal_for_string(expr.clone(), e);
            membership = membership.or(lhs.eq(rhs));
        }
        Ok(if negated {
            membership.not()
        } else {
            membership
        })
    }

    /// Handle implicit temporal strings, eg: "dt IN ('2024-04-30','2024-05-01')", and
    /// integer literals tested against a String expression, eg: "str IN (13, 31)".
    /// (not yet as versatile as the temporal string conversions in visit_binary_op)
    fn cast_array_elements_for(
        &self,
        elems: Series,
        dtype_expr_match: Option<&Expr>,
    ) -> PolarsResult<Series> {
        let target = dtype_expr_match.and_then(|expr| self.expr_dtype(expr));
        if let (Some(Expr::Column(_)), Some(dtype)) = (dtype_expr_match, &target) {
            if elems.dtype() == &DataType::String
                && matches!(
                    dtype,
                    DataType::Date | DataType::Time | DataType::Datetime(_, _)
                )
            {
                return cast_literal_series(&elems, dtype);
            }
        }
        if elems.dtype().is_integer() && target == Some(DataType::String) {
            return elems.cast(&DataType::String);
        }
        Ok(elems)
    }

    /// Visit a SQL `ARRAY` list (including `IN` values).
    fn visit_array_expr(
        &mut self,
        elements: &[SQLExpr],
        result_as_element: bool,
        dtype_expr_match: Option<&Expr>,
    ) -> PolarsResult<Expr> {
        let elems = self.array_expr_to_series(elements)?;
        let elems = self.cast_array_elements_for(elems, dtype_expr_match)?;

        // if we are parsing the list as an element in a series, the result is one
        // (scalar) list value; otherwise, return the series as-is.
        Ok(if result_as_element {
            let name = elems.name().clone();
            let dtype = DataType::List(Box::new(elems.dtype().clone()));
            lit(Scalar::new(dtype, AnyValue::List(elems))).alias(name)
        } else {
            lit(elems)
        })
    }

    /// Visit a SQL `CAST` or `TRY_CAST` expression.
    ///
    /// e.g. `CAST(col AS INT)`, `col::int4`, or `TRY_CAST(col AS VARCHAR)`,
    fn visit_cast(
        &mut self,
        expr: &SQLExpr,
        dtype: &SQLDataType,
        format: &Option<CastFormat>,
        cast_kind: &CastKind,
    ) -> PolarsResult<Expr> {
        if format.is_some() {
            return Err(
                polars_err!(SQLInterface: "use of FORMAT is not currently supported in CAST"),
            );
        }
        let expr = self.visit_expr(expr)?;

        #[cfg(feature = "json")]
        if dtype == &SQLDataType::JSON {
            // @BROKEN: we cannot handle this.
            return Ok(expr.str().json_decode(DataType::Struct(Vec::new())));
        }
        let polars_type = map_sql_dtype_to_polars(dtype)?;
        if nested_target_name(&polars_type).is_some() {
            // A scalar subquery only gets a type from its plan, and a window has the type of its
            // function (`OVER ()` partitions by a column that isn't in the schema).
            let typed = self
                .ctx
                .with_typed_subqueries(&expr)?
                .map_expr(|e| match e {
                    Expr::Over { function, .. } => Arc::unwrap_or_clone(function),
                    e => e,
                });
            if let Some(source) = self.cast_or_expr_dtype(&typed) {
                let kind = match cast_kind {
                    CastKind::TryCast => "TRY_CAST",
                    CastKind::SafeCast => "SAFE_CAST",
                    CastKind::Cast | CastKind::DoubleColon => "CAST",
                };
                ensure_nested_cast_source(kind, &polars_type, &source)?;
            }
        }
        let strict = matches!(cast_kind, CastKind::Cast | CastKind::DoubleColon);

        // `CAST(<string> AS DATE/TIME/TIMESTAMP)` parses rather than casts
        if matches!(
            polars_type,
            DataType::Date | DataType::Time | DataType::Datetime(_, _)
        ) && self.expr_dtype(&expr) == Some(DataType::String)
            && let Some(parsed) = string_to_temporal(expr.clone(), &polars_type, strict)
        {
            return Ok(parsed);
        }
        Ok(if strict {
            expr.strict_cast(polars_type)
        } else {
            expr.cast(polars_type)
        })
    }

    fn convert_int_literal_for_string(&self, lhs: Expr, rhs: Expr) -> (Expr, Expr) {
        let is_string = |e: &Expr| self.expr_dtype(e) == Some(DataType::String);
        convert_int_literal_for_string(lhs, rhs, is_string, is_string)
    }

    /// Visit a SQL literal.
    ///
    /// e.g. 1, 'foo', 1.0, NULL
    ///
    /// See [SQLValue] and [LiteralValue] for more details
    fn visit_literal(&self, value: &SQLValue) -> PolarsResult<Expr> {
        // note: double-quoted strings will be parsed as identifiers, not literals
        Ok(match value {
            SQLValue::Boolean(b) => lit(*b),
            SQLValue::DollarQuotedString(s) => lit(s.value.clone()),
            #[cfg(feature = "binary_encoding")]
            SQLValue::HexStringLiteral(x) => {
                if x.len() % 2 != 0 {
                    polars_bail!(SQLSyntax: "hex string literal must have an even number of digits; found '{}'", x)
                };
                lit(hex::decode(x.clone())
                    .map_err(|_| polars_err!(SQLSyntax: "invalid hex string literal: '{}'", x))?)
            },
            SQLValue::Null => Expr::Literal(LiteralValue::untyped_null()),
            SQLValue::Number(s, _) => match parse_numeric_literal(s, false)? {
                AnyValue::Int64(value) => lit(value),
                AnyValue::Float64(value) => lit(value),
                AnyValue::Decimal(value, precision, scale) => {
                    decimal_lit((value, precision, scale))
                },
                _ => unreachable!(),
            },
            SQLValue::SingleQuotedByteStringLiteral(b) => {
                // note: for PostgreSQL this represents a BIT string literal (eg: b'10101') not a BYTE string
                // literal (see https://www.postgresql.org/docs/current/datatype-bit.html), but sqlparser-rs
                // patterned the token name after BigQuery (where b'str' really IS a byte string)
                bitstring_to_bytes_literal(b)?
            },
            SQLValue::SingleQuotedString(s) => lit(s.clone()),
            other => {
                polars_bail!(SQLInterface: "value {:?} is not a supported literal type", other)
            },
        })
    }

    /// Visit a SQL literal (like [visit_literal]), but return AnyValue instead of Expr.
    fn visit_any_value(
        &self,
        value: &SQLValue,
        op: Option<&SQLUnaryOperator>,
    ) -> PolarsResult<AnyValue<'_>> {
        Ok(match value {
            SQLValue::Boolean(b) => AnyValue::Boolean(*b),
            SQLValue::DollarQuotedString(s) => AnyValue::StringOwned(s.clone().value.into()),
            #[cfg(feature = "binary_encoding")]
            SQLValue::HexStringLiteral(x) => {
                if x.len() % 2 != 0 {
                    polars_bail!(SQLSyntax: "hex string literal must have an even number of digits; found '{}'", x)
                };
                AnyValue::BinaryOwned(
                    hex::decode(x.clone()).map_err(
                        |_| polars_err!(SQLSyntax: "invalid hex string literal: '{}'", x),
                    )?,
                )
            },
            SQLValue::Null => AnyValue::Null,
            SQLValue::Number(s, _) => {
                let negate = match op {
                    Some(SQLUnaryOperator::Minus) => true,
                    // no op should be taken as plus.
                    Some(SQLUnaryOperator::Plus) | None => false,
                    Some(op) => {
                        polars_bail!(SQLInterface: "unary op {:?} not supported for numeric SQL value", op)
                    },
                };
                parse_numeric_literal(s, negate)?
            },
            SQLValue::SingleQuotedByteStringLiteral(b) => {
                // note: for PostgreSQL this represents a BIT literal (eg: b'10101') not BYTE
                let bytes_literal = bitstring_to_bytes_literal(b)?;
                match bytes_literal {
                    Expr::Literal(lv) if lv.extract_binary().is_some() => {
                        AnyValue::BinaryOwned(lv.extract_binary().unwrap().to_vec())
                    },
                    _ => {
                        polars_bail!(SQLInterface: "failed to parse bitstring literal: {:?}", b)
                    },
                }
            },
            SQLValue::SingleQuotedString(s) => AnyValue::StringOwned(s.as_str().into()),
            other => polars_bail!(SQLInterface: "value {:?} is not currently supported", other),
        })
    }

    /// Validate a typed string literal (e.g. DATE '2024-01-01'), returning its dtype.
    fn resolve_typed_literal_dtype(
        &self,
        data_type: &SQLDataType,
        value: &str,
    ) -> PolarsResult<DataType> {
        match data_type {
            SQLDataType::Date => {
                polars_ensure!(is_iso_date(value), SQLSyntax: "invalid DATE literal '{}'", value);
                Ok(DataType::Date)
            },
            SQLDataType::Time(None, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => {
                polars_ensure!(is_iso_time(value), SQLSyntax: "invalid TIME literal '{}'", value);
                Ok(DataType::Time)
            },
            SQLDataType::Timestamp(_, _) | SQLDataType::Datetime(_) => {
                let fn_name = match data_type {
                    SQLDataType::Timestamp(_, _) => "TIMESTAMP",
                    _ => "DATETIME",
                };
                polars_ensure!(
                    is_iso_datetime(value) || is_iso_date(value),
                    SQLSyntax: "invalid {} literal '{}'", fn_name, value,
                );
                map_sql_dtype_to_polars(data_type)
            },
            _ => {
                polars_bail!(SQLInterface: "typed literal should be one of DATE, DATETIME, TIME, or TIMESTAMP (found {})", data_type)
            },
        }
    }

    /// Visit a SQL `AT TIME ZONE` expression.
    ///
    /// A naive timestamp is read as a local time in the given zone (the result is in
    /// UTC); a time-zone-aware timestamp becomes the naive local time in that zone.
    fn visit_at_time_zone(
        &mut self,
        timestamp: &SQLExpr,
        time_zone: &SQLExpr,
    ) -> PolarsResult<Expr> {
        let zone_expr = self.visit_expr(time_zone)?;
        let Some(zone) = (match &zone_expr {
            Expr::Literal(lv) => lv.extract_str(),
            _ => None,
        }) else {
            polars_bail!(SQLInterface: "AT TIME ZONE expects a string literal time zone; found {}", time_zone)
        };
        let time_zone = TimeZone::opt_try_new(Some(zone))?.ok_or_else(
            || polars_err!(SQLInterface: "AT TIME ZONE expects a time zone; found '{}'", zone),
        )?;
        let expr = self.visit_expr(timestamp)?;
        let ambiguous = || lit("latest");
        Ok(match self.cast_or_expr_dtype(&expr) {
            Some(DataType::Datetime(_, None)) => expr
                .dt()
                .replace_time_zone(Some(time_zone), ambiguous(), NonExistent::Raise)
                .dt()
                .convert_time_zone(TimeZone::UTC),
            Some(DataType::Datetime(_, Some(_))) => expr
                .dt()
                .convert_time_zone(time_zone)
                .dt()
                .replace_time_zone(None, ambiguous(), NonExistent::Raise),
            Some(dtype) => {
                polars_bail!(SQLInterface: "AT TIME ZONE expects a timestamp; found {}", dtype)
            },
            None => {
                polars_bail!(SQLInterface: "AT TIME ZONE could not resolve the type of {}", timestamp)
            },
        })
    }

    /// Visit a SQL `BETWEEN` expression.
    /// See [sqlparser::ast::Expr::Between] for more details
    fn visit_between(
        &mut self,
        expr: &SQLExpr,
        negated: bool,
        low: &SQLExpr,
        high: &SQLExpr,
    ) -> PolarsResult<Expr> {
        let expr = self.visit_expr(expr)?;
        let low = self.visit_expr(low)?;
        let high = self.visit_expr(high)?;

        let (low_op, high_op) = if negated {
            (SQLBinaryOperator::Lt, SQLBinaryOperator::Gt)
        } else {
            (SQLBinaryOperator::GtEq, SQLBinaryOperator::LtEq)
        };
        let bound = |op: &SQLBinaryOperator, value: Expr| {
            let value = self.convert_temporal_strings(&expr, &value);
            let expr = self.convert_temporal_strings(&value, &expr);
            self.compare_date_with_timestamp(&expr, op, &value)
                .or_else(|| compare(expr.clone(), op, value))
                .unwrap()
        };
        let (low, high) = (bound(&low_op, low), bound(&high_op, high));
        Ok(if negated { low.or(high) } else { low.and(high) })
    }

    /// Visit a SQL `TRIM` function.
    /// See [sqlparser::ast::Expr::Trim] for more details
    fn visit_trim(
        &mut self,
        expr: &SQLExpr,
        trim_where: &Option<TrimWhereField>,
        trim_what: &Option<Box<SQLExpr>>,
        trim_characters: &Option<Vec<SQLExpr>>,
    ) -> PolarsResult<Expr> {
        if trim_characters.is_some() {
            // TODO: allow compact snowflake/bigquery syntax?
            return Err(polars_err!(SQLSyntax: "unsupported TRIM syntax (custom chars)"));
        };
        let expr = self.visit_expr(expr)?;
        let trim_what = trim_what.as_ref().map(|e| self.visit_expr(e)).transpose()?;
        let trim_what = match trim_what {
            Some(Expr::Literal(lv)) if lv.extract_str().is_some() => {
                Some(PlSmallStr::from_str(lv.extract_str().unwrap()))
            },
            None => None,
            _ => return self.err(&expr),
        };
        Ok(match (trim_where, trim_what) {
            (None | Some(TrimWhereField::Both), None) => {
                expr.str().strip_chars(lit(LiteralValue::untyped_null()))
            },
            (None | Some(TrimWhereField::Both), Some(val)) => expr.str().strip_chars(lit(val)),
            (Some(TrimWhereField::Leading), None) => expr
                .str()
                .strip_chars_start(lit(LiteralValue::untyped_null())),
            (Some(TrimWhereField::Leading), Some(val)) => expr.str().strip_chars_start(lit(val)),
            (Some(TrimWhereField::Trailing), None) => expr
                .str()
                .strip_chars_end(lit(LiteralValue::untyped_null())),
            (Some(TrimWhereField::Trailing), Some(val)) => expr.str().strip_chars_end(lit(val)),
        })
    }

    fn visit_substring(
        &mut self,
        expr: &SQLExpr,
        substring_from: Option<&SQLExpr>,
        substring_for: Option<&SQLExpr>,
    ) -> PolarsResult<Expr> {
        let e = self.visit_expr(expr)?;

        match (substring_from, substring_for) {
            // SUBSTRING(expr FROM start FOR length)
            (Some(from_expr), Some(for_expr)) => {
                let start = self.visit_expr(from_expr)?;
                let length = approximate_literal(self.visit_expr(for_expr)?);

                // note: SQL is 1-indexed, so we need to adjust the offsets accordingly
                Ok(match (start.clone(), length.clone()) {
                    (Expr::Literal(lv), _) | (_, Expr::Literal(lv)) if lv.is_null() => lit(lv),
                    (_, Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n)))) if n < 0 => {
                        polars_bail!(SQLSyntax: "SUBSTR does not support negative length ({})", n)
                    },
                    (Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))), _) if n > 0 => {
                        e.str().slice(lit(n - 1), length)
                    },
                    (Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))), _) => e
                        .str()
                        .slice(lit(0), (length + lit(n - 1)).clip_min(lit(0))),
                    (Expr::Literal(_), _) => {
                        polars_bail!(SQLSyntax: "invalid 'start' for SUBSTRING")
                    },
                    (_, Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Float(_)))) => {
                        polars_bail!(SQLSyntax: "invalid 'length' for SUBSTRING")
                    },
                    _ => {
                        let adjusted_start = start - lit(1);
                        when(adjusted_start.clone().lt(lit(0)))
                            .then(e.clone().str().slice(
                                lit(0),
                                (length.clone() + adjusted_start.clone()).clip_min(lit(0)),
                            ))
                            .otherwise(e.str().slice(adjusted_start, length))
                    },
                })
            },
            // SUBSTRING(expr FROM start)
            (Some(from_expr), None) => {
                let start = self.visit_expr(from_expr)?;

                Ok(match start {
                    Expr::Literal(lv) if lv.is_null() => lit(lv),
                    Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))) if n <= 0 => e,
                    Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))) => {
                        e.str().slice(lit(n - 1), lit(LiteralValue::untyped_null()))
                    },
                    Expr::Literal(_) => {
                        polars_bail!(SQLSyntax: "invalid 'start' for SUBSTRING")
                    },
                    _ => e
                        .str()
                        .slice(start - lit(1), lit(LiteralValue::untyped_null())),
                })
            },
            // SUBSTRING(expr) - not valid, but handle gracefully
            (None, _) => {
                polars_bail!(SQLSyntax: "SUBSTR expects 2-3 arguments (found 1)")
            },
        }
    }

    /// Visit a SQL subquery inside an `IN` expression.
    fn visit_in_subquery(
        &mut self,
        expr: &SQLExpr,
        subquery: &Subquery,
        negated: bool,
    ) -> PolarsResult<Expr> {
        let subquery_result = self.visit_subquery(subquery, SubqueryRestriction::SingleColumn)?;
        let expr = self.visit_expr(expr)?;
        let Expr::SubPlan(_, cols) = &subquery_result else {
            unreachable!("SingleColumn subquery must lower to a SubPlan");
        };
        let value_set = col(cols[0].0.clone()).first();
        let is_in = sql_in_membership(
            sql_is_in(expr, subquery_result),
            value_set.clone(),
            value_set.list().len().eq(lit(0u32)),
        );

        Ok(if negated { is_in.not() } else { is_in })
    }

    /// Visit `CASE` control flow expression.
    fn visit_case_when_then(&mut self, expr: &SQLExpr) -> PolarsResult<Expr> {
        if let SQLExpr::Case {
            case_token: _,
            end_token: _,
            operand,
            conditions,
            else_result,
        } = expr
        {
            polars_ensure!(
                !conditions.is_empty(),
                SQLSyntax: "WHEN and THEN expressions must have at least one element"
            );

            let mut when_thens = conditions.iter();
            let first = when_thens.next();
            if first.is_none() {
                polars_bail!(SQLSyntax: "WHEN and THEN expressions must have at least one element");
            }
            let else_res = match else_result {
                Some(else_res) => self.visit_expr(else_res)?,
                None => lit(LiteralValue::untyped_null()), // ELSE clause is optional; when omitted, it is implicitly NULL
            };
            if let Some(operand_expr) = operand {
                let operand_expr = self.visit_expr(operand_expr)?;

                let first = first.unwrap();
                let first_cond = operand_expr.clone().eq(self.visit_expr(&first.condition)?);
                let first_then = self.visit_expr(&first.result)?;
                let expr = when(first_cond).then(first_then);
                let next = when_thens.next();

                let mut when_then = if let Some(case_when) = next {
                    let cond = operand_expr
                        .clone()
                        .eq(self.visit_expr(&case_when.condition)?);
                    let res = self.visit_expr(&case_when.result)?;
                    expr.when(cond).then(res)
                } else {
                    return Ok(expr.otherwise(else_res));
                };
                for case_when in when_thens {
                    let cond = operand_expr
                        .clone()
                        .eq(self.visit_expr(&case_when.condition)?);
                    let res = self.visit_expr(&case_when.result)?;
                    when_then = when_then.when(cond).then(res);
                }
                return Ok(when_then.otherwise(else_res));
            }

            let first = first.unwrap();
            let first_cond = self.visit_expr(&first.condition)?;
            let first_then = self.visit_expr(&first.result)?;
            let expr = when(first_cond).then(first_then);
            let next = when_thens.next();

            let mut when_then = if let Some(case_when) = next {
                let cond = self.visit_expr(&case_when.condition)?;
                let res = self.visit_expr(&case_when.result)?;
                expr.when(cond).then(res)
            } else {
                return Ok(expr.otherwise(else_res));
            };
            for case_when in when_thens {
                let cond = self.visit_expr(&case_when.condition)?;
                let res = self.visit_expr(&case_when.result)?;
                when_then = when_then.when(cond).then(res);
            }
            Ok(when_then.otherwise(else_res))
        } else {
            unreachable!()
        }
    }

    fn err(&self, expr: &Expr) -> PolarsResult<Expr> {
        polars_bail!(SQLInterface: "expression {:?} is not currently supported", expr);
    }
}

/// parse a SQL expression to a polars expression
/// # Example
/// ```rust
/// # use polars_sql::{SQLContext, sql_expr};
/// # use polars_core::prelude::*;
/// # use polars_lazy::prelude::*;
/// # fn main() {
///
/// let mut ctx = SQLContext::new();
/// let df = df! {
///    "a" =>  [1, 2, 3],
/// }
/// .unwrap();
/// let expr = sql_expr("MAX(a)").unwrap();
/// df.lazy().select(vec![expr]).collect().unwrap();
/// # }
/// ```
pub fn sql_expr<S: AsRef<str>>(s: S) -> PolarsResult<Expr> {
    let mut ctx = SQLContext::new();
    let s = s.as_ref();

    let mut parser = Parser::new(&GenericDialect);
    parser = parser.with_options(ParserOptions {
        trailing_commas: true,
        ..Default::default()
    });

    // `sql_expr` should only translate expressions, not statements or clauses
    let mut ast = parser.try_with_sql(s).map_err(to_sql_interface_err)?;
    if let Token::Word(word) = &ast.peek_token().token {
        if keywords::RESERVED_FOR_COLUMN_ALIAS.contains(&word.keyword) {
            polars_bail!(SQLInterface: "expected an expression (found '{}' clause)", word.value)
        }
    }
    let expr = ast
        .parse_select_item()
        .map_err(|_| polars_err!(SQLInterface: "unable to parse '{}' as Expr", s))?;

    // ensure all input was consumed; remaining tokens indicate invalid trailing SQL
    match &ast.peek_token().token {
        Token::EOF => {},
        Token::Word(word) if keywords::RESERVED_FOR_COLUMN_ALIAS.contains(&word.keyword) => {
            polars_bail!(SQLInterface: "expected an expression (found '{}' clause)", word.value)
        },
        token => {
            polars_bail!(SQLInterface: "invalid expression (found unexpected token '{}')", token)
        },
    }
    Ok(match &expr {
        SelectItem::ExprWithAlias { expr, alias } => {
            let expr = parse_sql_expr(expr, &mut ctx, None)?;
            expr.alias(alias.value.as_str())
        },
        SelectItem::UnnamedExpr(expr) => parse_sql_expr(expr, &mut ctx, None)?,
        _ => polars_bail!(SQLInterface: "unable to parse '{}' as Expr", s),
    })
}

pub(crate) fn interval_to_duration(interval: &Interval, fixed: bool) -> PolarsResult<Duration> {
    if interval.last_field.is_some()
        || interval.leading_precision.is_some()
        || interval.fractional_seconds_precision.is_some()
    {
        polars_bail!(SQLSyntax: "unsupported interval syntax ('{}')", interval)
    }
    let s: Cow<str> = match (&*interval.value, &interval.leading_field) {
        (SQLExpr::UnaryOp { .. }, _) => {
            polars_bail!(SQLSyntax: "unary ops are not valid on interval strings; found {}", interval.value)
        },
        (
            SQLExpr::Value(ValueWithSpan {
                value: SQLValue::SingleQuotedString(s),
                ..
            }),
            None,
        ) => Cow::Borrowed(s),
        // "INTERVAL '3' MONTH" and "INTERVAL 3 MONTH": the value is a bare count of the unit
        (
            SQLExpr::Value(ValueWithSpan {
                value: SQLValue::SingleQuotedString(n) | SQLValue::Number(n, _),
                ..
            }),
            Some(unit),
        ) if n.bytes().all(|b| b.is_ascii_digit()) => Cow::Owned(format!("{n} {unit}")),
        _ => polars_bail!(SQLSyntax: "invalid interval {:?}", interval),
    };
    if s.contains('-') {
        polars_bail!(SQLInterface: "minus signs are not yet supported in interval strings; found '{}'", s)
    }
    // years, quarters, and months do not have a fixed duration; these
    // interval parts can only be used with respect to a reference point
    let duration = Duration::try_parse_interval(&s)?;
    if fixed && duration.months() != 0 {
        polars_bail!(SQLSyntax: "fixed-duration interval cannot contain years, quarters, or months; found {}", s)
    };
    Ok(duration)
}

pub(crate) fn parse_sql_expr(
    expr: &SQLExpr,
    ctx: &mut SQLContext,
    active_schema: Option<&Schema>,
) -> PolarsResult<Expr> {
    let mut visitor = SQLExprVisitor { ctx, active_schema };
    visitor.visit_expr(expr)
}

/// Whether `expr` is known to be `String`; false if the dtype cannot be resolved.
pub(crate) fn is_string_expr(expr: &Expr, schema: &Schema) -> bool {
    matches!(expr.to_field(schema), Ok(fld) if fld.dtype == DataType::String)
}

/// `str_expr = 13` compares against the string '13'; each operand's dtype is
/// resolved against its own schema.
pub(crate) fn convert_int_literal_for_string(
    lhs: Expr,
    rhs: Expr,
    lhs_is_string: impl Fn(&Expr) -> bool,
    rhs_is_string: impl Fn(&Expr) -> bool,
) -> (Expr, Expr) {
    match (&lhs, &rhs) {
        (Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))), other)
            if rhs_is_string(other) =>
        {
            (lit(n.to_string()), rhs)
        },
        (other, Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))))
            if lhs_is_string(other) =>
        {
            (lhs, lit(n.to_string()))
        },
        _ => (lhs, rhs),
    }
}

pub(crate) fn parse_sql_array(expr: &SQLExpr, ctx: &mut SQLContext) -> PolarsResult<Series> {
    match expr {
        SQLExpr::Array(arr) => {
            let mut visitor = SQLExprVisitor {
                ctx,
                active_schema: None,
            };
            visitor.array_expr_to_series(arr.elem.as_slice())
        },
        _ => polars_bail!(SQLSyntax: "Expected array expression, found {:?}", expr),
    }
}

pub(crate) fn parse_extract_date_part(expr: Expr, field: &DateTimeField) -> PolarsResult<Expr> {
    let field = match field {
        // handle 'DATE_PART' and all valid abbreviations/alternates
        DateTimeField::Custom(Ident { value, .. }) => {
            let value = value.to_ascii_lowercase();
            match value.as_str() {
                "millennium" | "millennia" => &DateTimeField::Millennium,
                "century" | "centuries" | "c" => &DateTimeField::Century,
                "decade" | "decades" => &DateTimeField::Decade,
                "isoyear" => &DateTimeField::Isoyear,
                "year" | "years" | "y" => &DateTimeField::Year,
                "quarter" | "quarters" => &DateTimeField::Quarter,
                "month" | "months" | "mon" | "mons" => &DateTimeField::Month,
                "dayofyear" | "doy" => &DateTimeField::DayOfYear,
                "dayofweek" | "dow" => &DateTimeField::DayOfWeek,
                "isoweek" | "week" | "weeks" => &DateTimeField::IsoWeek,
                "isodow" => &DateTimeField::Isodow,
                "day" | "days" | "dayofmonth" | "d" => &DateTimeField::Day,
                "hour" | "hours" | "h" => &DateTimeField::Hour,
                "minute" | "minutes" | "mins" | "min" | "m" => &DateTimeField::Minute,
                "second" | "seconds" | "sec" | "secs" | "s" => &DateTimeField::Second,
                "millisecond" | "milliseconds" | "ms" => &DateTimeField::Millisecond,
                "microsecond" | "microseconds" | "us" => &DateTimeField::Microsecond,
                "nanosecond" | "nanoseconds" | "ns" => &DateTimeField::Nanosecond,
                #[cfg(feature = "timezones")]
                "timezone" => &DateTimeField::Timezone,
                "time" => &DateTimeField::Time,
                "epoch" => &DateTimeField::Epoch,
                _ => {
                    polars_bail!(SQLSyntax: "EXTRACT/DATE_PART does not support '{}' part", value)
                },
            }
        },
        _ => field,
    };
    Ok(match field {
        DateTimeField::Millennium => expr.dt().millennium(),
        DateTimeField::Century => expr.dt().century(),
        DateTimeField::Decade => expr.dt().year() / typed_lit(10i32),
        DateTimeField::Isoyear => expr.dt().iso_year(),
        DateTimeField::Year | DateTimeField::Years => expr.dt().year(),
        DateTimeField::Quarter => expr.dt().quarter(),
        DateTimeField::Month | DateTimeField::Months => expr.dt().month(),
        DateTimeField::Week(weekday) => {
            if weekday.is_some() {
                polars_bail!(SQLSyntax: "EXTRACT/DATE_PART does not support '{}' part", field)
            }
            expr.dt().week()
        },
        DateTimeField::IsoWeek | DateTimeField::Weeks => expr.dt().week(),
        DateTimeField::DayOfYear | DateTimeField::Doy => expr.dt().ordinal_day(),
        DateTimeField::DayOfWeek | DateTimeField::Dow => {
            let w = expr.dt().weekday();
            when(w.clone().eq(typed_lit(7i8)))
                .then(typed_lit(0i8))
                .otherwise(w)
        },
        DateTimeField::Isodow => expr.dt().weekday(),
        DateTimeField::Day | DateTimeField::Days => expr.dt().day(),
        DateTimeField::Hour | DateTimeField::Hours => expr.dt().hour(),
        DateTimeField::Minute | DateTimeField::Minutes => expr.dt().minute(),
        DateTimeField::Second | DateTimeField::Seconds => expr.dt().second(),
        DateTimeField::Millisecond | DateTimeField::Milliseconds => {
            (expr.clone().dt().second() * typed_lit(1_000f64))
                + expr.dt().nanosecond().div(typed_lit(1_000_000f64))
        },
        DateTimeField::Microsecond | DateTimeField::Microseconds => {
            (expr.clone().dt().second() * typed_lit(1_000_000f64))
                + expr.dt().nanosecond().div(typed_lit(1_000f64))
        },
        DateTimeField::Nanosecond | DateTimeField::Nanoseconds => {
            (expr.clone().dt().second() * typed_lit(1_000_000_000f64)) + expr.dt().nanosecond()
        },
        DateTimeField::Time => expr.dt().time(),
        #[cfg(feature = "timezones")]
        DateTimeField::Timezone => expr.dt().base_utc_offset().dt().total_seconds(false),
        DateTimeField::Epoch => {
            expr.clone()
                .dt()
                .timestamp(TimeUnit::Nanoseconds)
                .div(typed_lit(1_000_000_000i64))
                + expr.dt().nanosecond().div(typed_lit(1_000_000_000f64))
        },
        _ => {
            polars_bail!(SQLSyntax: "EXTRACT/DATE_PART does not support '{}' part", field)
        },
    })
}

/// Allow an expression that represents a 1-indexed parameter to
/// be adjusted from 1-indexed (SQL) to 0-indexed (Rust/Polars)
pub(crate) fn adjust_one_indexed_param(idx: Expr, null_if_zero: bool) -> Expr {
    match idx {
        Expr::Literal(sc) if sc.is_null() => lit(LiteralValue::untyped_null()),
        Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(0))) => {
            if null_if_zero {
                lit(LiteralValue::untyped_null())
            } else {
                idx
            }
        },
        Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))) if n < 0 => idx,
        Expr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(n))) => lit(n - 1),
        // TODO: when 'saturating_sub' is available, should be able
        //  to streamline the when/then/otherwise block below -
        _ => when(idx.clone().gt(lit(0)))
            .then(idx.clone() - lit(1))
            .otherwise(if null_if_zero {
                when(idx.clone().eq(lit(0)))
                    .then(lit(LiteralValue::untyped_null()))
                    .otherwise(idx.clone())
            } else {
                idx.clone()
            }),
    }
}

fn resolve_column<'a>(
    ctx: &'a mut SQLContext,
    relation: &'a str,
    name: &'a str,
    dtype: &'a DataType,
) -> PolarsResult<(Expr, Option<&'a DataType>)> {
    let resolved = ctx.resolve_name(relation, name);
    let resolved = resolved.as_str();
    Ok((
        if name != resolved {
            col(resolved).alias(name)
        } else {
            col(name)
        },
        Some(dtype),
    ))
}

pub(crate) fn resolve_compound_identifier(
    ctx: &mut SQLContext,
    idents: &[Ident],
    active_schema: Option<&Schema>,
) -> PolarsResult<Vec<Expr>> {
    // inference priority: table > struct > column; the longest qualifier naming a table wins
    let ident_root = &idents[0];
    let (relation, mut lf, qualifier_len) = match ctx.resolve_qualifier(idents)? {
        Some((name, len)) => match ctx.get_relation_frame(&name)? {
            Some(lf) => (Some(name), Some(lf), len),
            None => (None, None, 1),
        },
        None => (None, None, 1),
    };
    let mut remaining_idents = idents.iter().skip(qualifier_len);

    // get schema from table (or the active/default schema)
    let schema = if let Some(ref mut lf) = lf {
        lf.schema_with_arenas(&mut ctx.lp_arena, &mut ctx.expr_arena)?
    } else {
        Arc::new(active_schema.cloned().unwrap_or_default())
    };

    // handle simple/unqualified column reference with no schema
    if lf.is_none() && schema.is_empty() {
        let (mut column, mut dtype): (Expr, Option<&DataType>) =
            (col(ident_root.value.as_str()), None);

        // traverse the remaining struct field path (if any)
        for ident in remaining_idents {
            let name = ident.value.as_str();
            match dtype {
                Some(DataType::Struct(fields)) if name == "*" => {
                    return Ok(fields
                        .iter()
                        .map(|fld| column.clone().struct_().field_by_name(&fld.name))
                        .collect());
                },
                Some(DataType::Struct(fields)) => {
                    dtype = fields
                        .iter()
                        .find(|fld| fld.name == name)
                        .map(|fld| &fld.dtype);
                },
                Some(dtype) if name == "*" => {
                    polars_bail!(SQLSyntax: "cannot expand '*' on non-Struct dtype; found {:?}", dtype)
                },
                _ => dtype = None,
            }
            column = column.struct_().field_by_name(name);
        }
        return Ok(vec![column]);
    }

    let name = &remaining_idents.next().unwrap().value;

    // handle "table.*" wildcard expansion
    if lf.is_some() && name == "*" {
        return schema
            .iter_names_and_dtypes()
            .map(|(name, dtype)| {
                resolve_column(ctx, relation.as_deref().unwrap(), name, dtype).map(|(expr, _)| expr)
            })
            .collect();
    }

    // resolve column/struct reference
    let col_dtype: PolarsResult<(Expr, Option<&DataType>)> =
        match (lf.is_none(), schema.get(&ident_root.value)) {
            // root is a column/struct in schema (no table)
            (true, Some(dtype)) => {
                remaining_idents = idents.iter().skip(1);
                Ok((col(ident_root.value.as_str()), Some(dtype)))
            },
            // root is not in schema and no table found
            (true, None) => {
                let hint = (1..idents.len())
                    .rev()
                    .find_map(|len| ctx.hidden_by_alias_hint(&join_idents(&idents[..len])))
                    .unwrap_or_default();
                polars_bail!(
                    SQLInterface: "no table or struct column named '{}' found{}",
                    ident_root, hint
                )
            },
            // root is a table, resolve column from table schema
            (false, _) => {
                let relation = relation.as_deref().unwrap();
                if let Some((_, col_name, dtype)) = schema.get_full(name) {
                    resolve_column(ctx, relation, col_name, dtype)
                } else {
                    polars_bail!(
                        SQLInterface: "no column named '{}' found in table '{}'",
                        name, relation
                    )
                }
            },
        };

    // additional ident levels index into struct fields (eg: "df.col.field.nested_field")
    let (mut column, mut dtype) = col_dtype?;
    for ident in remaining_idents {
        let name = ident.value.as_str();
        match dtype {
            Some(DataType::Struct(fields)) if name == "*" => {
                return Ok(fields
                    .iter()
                    .map(|fld| column.clone().struct_().field_by_name(&fld.name))
                    .collect());
            },
            Some(DataType::Struct(fields)) => {
                dtype = fields
                    .iter()
                    .find(|fld| fld.name == name)
                    .map(|fld| &fld.dtype);
            },
            Some(dtype) if name == "*" => {
                polars_bail!(SQLSyntax: "cannot expand '*' on non-Struct dtype; found {:?}", dtype)
            },
            _ => {
                dtype = None;
            },
        }
        column = column.struct_().field_by_name(name);
    }
    Ok(vec![column])
}

/// `lhs <op> rhs` with SQL semantics, resolved once the operand dtypes are known
/// (see [`SqlFunction`]).
pub(crate) fn sql_binary(lhs: Expr, op: SqlBinaryOp, rhs: Expr) -> Expr {
    lhs.map_binary(FunctionExpr::Sql(SqlFunction::Binary(op)), rhs)
}

/// Whether `expr` only takes literal values, at least one a decimal: a decimal literal,
/// or a `CASE` of literals.
fn is_decimal_literal_valued(expr: &Expr) -> bool {
    match expr {
        Expr::Ternary { truthy, falsy, .. } => {
            let literal_valued =
                |e: &Expr| matches!(e, Expr::Literal(_)) || is_decimal_literal_valued(e);
            literal_valued(truthy)
                && literal_valued(falsy)
                && (is_decimal_literal_valued(truthy) || is_decimal_literal_valued(falsy))
        },
        e => decimal_literal(e).is_some(),
    }
}

/// Integers that fit `i64` are `Int64`, other exact literals (no exponent) are decimals
/// with the spelled scale, and exponent forms are approximate (`Float64`). An exact
/// literal needing more than 38 digits raises rather than being approximated.
fn parse_numeric_literal(s: &str, negate: bool) -> PolarsResult<AnyValue<'static>> {
    if !s.contains(['.', 'e', 'E'])
        && let Some(n) = s
            .parse::<i64>()
            .ok()
            .and_then(|n| if negate { n.checked_neg() } else { Some(n) })
    {
        return Ok(AnyValue::Int64(n));
    }
    if !s.contains(['e', 'E']) {
        if let Some((value, precision, scale)) = parse_exact_literal(s) {
            let value = if negate { -value } else { value };
            return Ok(AnyValue::Decimal(value, precision, scale));
        }
        polars_ensure!(
            !s.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
            SQLInterface: "numeric literal {} needs more than {} digits; use an exponent (e.g. 1.5e40) for an approximate value",
            s, DEC128_MAX_PREC
        );
    }
    s.parse::<f64>()
        .map(|n| AnyValue::Float64(if negate { -n } else { n }))
        .map_err(|_| polars_err!(SQLInterface: "cannot parse literal: {:?}", s))
}

/// A Series of the supertype of the literal `values`, raising if a value doesn't fit it.
pub(crate) fn series_from_literals(name: PlSmallStr, values: &[AnyValue]) -> PolarsResult<Series> {
    let dtype = any_values_to_supertype(values.iter())?;
    let s = Series::from_any_values_and_dtype(name, values, &dtype, false)?;
    let n_null = values.iter().filter(|v| v.is_null()).count();
    polars_ensure!(
        s.null_count() == n_null,
        SQLInterface: "literal values don't fit their common type {}", dtype
    );
    Ok(s)
}

/// The `(mantissa, precision, scale)` of an exact decimal literal.
pub(crate) fn decimal_literal(expr: &Expr) -> Option<(i128, usize, usize)> {
    match expr {
        Expr::Literal(LiteralValue::Scalar(sc)) => match sc.value() {
            AnyValue::Decimal(v, p, s) => Some((*v, *p, *s)),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn decimal_literal_to_f64(expr: &Expr) -> Option<f64> {
    decimal_literal(expr).map(|(v, _, s)| polars_compute::decimal::dec128_to_f64(v, s))
}

/// A decimal literal as a dynamic float literal.
pub(crate) fn approximate_literal(expr: Expr) -> Expr {
    decimal_literal_to_f64(&expr).map_or(expr, lit)
}

/// Best-effort dtype for an expression; `None` if it cannot be resolved.
pub(crate) fn resolve_expr_dtype(expr: &Expr, schema: Option<&Schema>) -> Option<DataType> {
    let empty = Schema::default();
    expr.to_field(schema.unwrap_or(&empty))
        .ok()
        .map(|fld| fld.dtype)
}

/// The SQL name of a `STRUCT` or `MAP` cast target, possibly inside lists (`STRUCT[]`).
fn nested_target_name(dtype: &DataType) -> Option<String> {
    match dtype {
        DataType::List(inner) | DataType::Array(inner, _) => {
            nested_target_name(inner).map(|name| format!("{name}[]"))
        },
        DataType::Struct(_) => Some("STRUCT".to_string()),
        #[cfg(feature = "dtype-map")]
        DataType::Map(..) => Some("MAP".to_string()),
        _ => None,
    }
}

/// Only a `STRUCT` (`MAP`) value or `NULL` casts to `STRUCT` (`MAP`), at any depth, as in
/// PostgreSQL. Polars' cast would wrap a value into a 1-field struct (`1` -> `{1}`), and strings
/// stay free for parsing later. A source of unknown type (no schema) still uses Polars' cast.
fn ensure_nested_cast_source(
    cast_kind: &str,
    target: &DataType,
    source: &DataType,
) -> PolarsResult<()> {
    let Some(mismatch) = nested_cast_mismatch(target, source) else {
        return Ok(());
    };
    // A literal's dynamic type (`dyn int`) is shown as the type it becomes.
    let source = source.clone().materialize_unknown(true)?;
    let name = mismatch.target;
    if mismatch.path.is_empty() {
        polars_bail!(
            SQLInterface: "{} from {} to {} is not supported; only {} values or NULL can be cast to {}",
            cast_kind, source, name, name, name
        )
    }
    polars_bail!(
        SQLInterface: "{} from {} to {} is not supported: {} is {}; only {} values or NULL can be cast to {}",
        cast_kind, source, nested_target_name(target).unwrap_or_default(),
        mismatch.path.join(" of "), mismatch.source.materialize_unknown(true)?, name, name
    )
}

/// Where a cast source doesn't fit a `STRUCT` or `MAP` in the target.
struct NestedCastMismatch {
    source: DataType,
    target: String,
    /// Where in the cast it is, innermost first: `["list element", "field 'a'"]`.
    path: Vec<String>,
}

fn nested_cast_mismatch(target: &DataType, source: &DataType) -> Option<NestedCastMismatch> {
    let within = |segment: String, mismatch: Option<NestedCastMismatch>| {
        mismatch.map(|mut mismatch| {
            mismatch.path.push(segment);
            mismatch
        })
    };
    match (target, source) {
        (_, DataType::Null | DataType::Unknown(UnknownKind::Any)) => None,
        (
            DataType::List(target) | DataType::Array(target, _),
            DataType::List(source) | DataType::Array(source, _),
        ) => within("list element".into(), nested_cast_mismatch(target, source)),
        (DataType::Struct(target_fields), DataType::Struct(source_fields)) => {
            target_fields.iter().find_map(|field| {
                let source_field = source_fields.iter().find(|f| f.name == field.name)?;
                within(
                    format!("field '{}'", field.name),
                    nested_cast_mismatch(&field.dtype, &source_field.dtype),
                )
            })
        },
        #[cfg(feature = "dtype-map")]
        (DataType::Map(key, value), DataType::Map(source_key, source_value)) => {
            within("map key".into(), nested_cast_mismatch(key, source_key)).or_else(|| {
                within(
                    "map value".into(),
                    nested_cast_mismatch(value, source_value),
                )
            })
        },
        // A map is stored as a list of `{key, value}` structs, which a list target can take.
        #[cfg(feature = "dtype-map")]
        (DataType::List(target) | DataType::Array(target, _), DataType::Map(..)) => within(
            "map entry".into(),
            nested_cast_mismatch(target, &source.map_entries_dtype()?),
        ),
        _ => nested_target_name(target).map(|target| NestedCastMismatch {
            source: source.clone(),
            target,
            path: Vec::new(),
        }),
    }
}
