mod simplify_functions;
mod sort_lowering;

use num_traits::Zero;
use polars_core::chunked_array::cast::CastOptions;
use polars_core::utils::get_numeric_upcast_supertype_lossless;
use polars_utils::float16::pf16;
use polars_utils::floor_divmod::FloorDivMod;
use polars_utils::total_ord::ToTotalOrd;
use simplify_functions::optimize_functions;
use sort_lowering::lower_sort_reads;
mod arity;

use crate::plans::*;

fn new_null_count(input: &[ExprIR]) -> AExpr {
    let function = IRFunctionExpr::NullCount;
    let options = function.function_options();
    AExpr::Function {
        input: input.to_vec(),
        function,
        options,
    }
}

fn integer_literal_value(ae: &AExpr) -> Option<i64> {
    match ae {
        AExpr::Literal(lv) => lv.extract_i64().ok(),
        _ => None,
    }
}

enum CountCmpInput {
    Len(Node),
    NullCount(Node),
}

/// `when(x.count() > 0).then(x.sum()).otherwise(null)` -> `x.sum(null_on_empty=true)`
fn sum_null_on_empty(
    predicate: Node,
    truthy: Node,
    falsy: Node,
    expr_arena: &Arena<AExpr>,
) -> Option<AExpr> {
    if let AExpr::Literal(falsy) = expr_arena.get(falsy)
        && falsy.is_null()
        && let AExpr::Agg(IRAggExpr::Sum {
            input,
            null_on_empty: false,
        }) = expr_arena.get(truthy)
        && let AExpr::BinaryExpr {
            left,
            op: Operator::Gt,
            right,
        } = expr_arena.get(predicate)
        && integer_literal_value(expr_arena.get(*right)) == Some(0)
        && let AExpr::Agg(IRAggExpr::Count {
            input: count_input,
            include_nulls: false,
        }) = expr_arena.get(*left)
        && expr_arena
            .get(*input)
            .is_expr_equal_to(expr_arena.get(*count_input), expr_arena)
    {
        return Some(AExpr::Agg(IRAggExpr::Sum {
            input: *input,
            null_on_empty: true,
        }));
    }
    None
}

/// For `x + c`, `x - c` or `c - x` with a column `x` and a literal `c`, the nodes of `x` and `c`
/// and the dtype of the result. `x` and `c` must already have that dtype, or a cast to it that
/// keeps all values, so that `x + c` is null only where `x` is null.
fn column_with_literal(
    node: Node,
    expr_arena: &Arena<AExpr>,
    schema: &Schema,
) -> Option<(Node, Node, DataType)> {
    let AExpr::BinaryExpr {
        left,
        op: Operator::Plus | Operator::Minus,
        right,
    } = expr_arena.get(node)
    else {
        return None;
    };
    let is_column = |node: Node| match expr_arena.get(node) {
        AExpr::Column(_) => true,
        AExpr::Cast { expr, .. } => matches!(expr_arena.get(*expr), AExpr::Column(_)),
        _ => false,
    };
    let is_literal = |node: Node| matches!(expr_arena.get(node), AExpr::Literal(lv) if lv.is_scalar() && !lv.is_null());
    let (column, literal) = if is_column(*left) && is_literal(*right) {
        (*left, *right)
    } else if is_literal(*left) && is_column(*right) {
        (*right, *left)
    } else {
        return None;
    };

    let ctx = ToFieldContext::new(expr_arena, schema);
    let dtype_of = |node: Node| expr_arena.get(node).to_dtype(&ctx).ok();
    let dtype = dtype_of(node)?;
    if !dtype.is_primitive_numeric() || dtype_of(column)? != dtype {
        return None;
    }
    if let AExpr::Cast { expr, .. } = expr_arena.get(column) {
        let from = dtype_of(*expr)?;
        if from != dtype
            && get_numeric_upcast_supertype_lossless(&from, &dtype).as_ref() != Some(&dtype)
        {
            return None;
        }
    }
    if dtype.is_integer() {
        let value = integer_literal_value(expr_arena.get(literal))?;
        if !dtype.value_within_range(AnyValue::Int64(value)) {
            return None;
        }
    }
    Some((column, literal, dtype))
}

/// `(x + c).count()` -> `x.count()` for a numeric column `x` and a literal `c`. The same for
/// `x - c` and `c - x`.
fn count_of_column_with_literal(
    expr_node: Node,
    expr_arena: &Arena<AExpr>,
    schema: &Schema,
) -> Option<AExpr> {
    let AExpr::Agg(IRAggExpr::Count {
        input,
        include_nulls,
    }) = expr_arena.get(expr_node)
    else {
        return None;
    };
    let (column, _, _) = column_with_literal(*input, expr_arena, schema)?;
    Some(AExpr::Agg(IRAggExpr::Count {
        input: column,
        include_nulls: *include_nulls,
    }))
}

/// `(x + c).sum()` -> `x.sum() + c * x.count()` for an integer column `x` and a literal `c`, so
/// sums with different literals share one sum. The same for `x - c` and `c - x`.
fn sum_of_column_with_literal(
    expr_node: Node,
    expr_arena: &mut Arena<AExpr>,
    schema: &Schema,
) -> Option<AExpr> {
    let AExpr::Agg(IRAggExpr::Sum {
        input,
        null_on_empty,
    }) = expr_arena.get(expr_node)
    else {
        return None;
    };
    let (input, null_on_empty) = (*input, *null_on_empty);
    let (column, literal, dtype) = column_with_literal(input, expr_arena, schema)?;
    let AExpr::BinaryExpr { left, op, .. } = expr_arena.get(input) else {
        unreachable!()
    };
    let (left, op) = (*left, *op);

    let ctx = ToFieldContext::new(expr_arena, schema);
    let out_dtype = expr_arena.get(expr_node).to_dtype(&ctx).ok()?;
    if !dtype.is_integer() || !out_dtype.is_integer() {
        return None;
    }

    let cast = |expr, dtype: &DataType, expr_arena: &mut Arena<AExpr>| {
        expr_arena.add(AExpr::Cast {
            expr,
            dtype: dtype.clone(),
            options: CastOptions::Overflowing,
        })
    };
    let literal = cast(literal, &out_dtype, expr_arena);
    let count = expr_arena.add(AExpr::Agg(IRAggExpr::Count {
        input: column,
        include_nulls: false,
    }));
    let count = cast(count, &out_dtype, expr_arena);
    let count_times_literal = expr_arena.add(AExpr::BinaryExpr {
        left: count,
        op: Operator::Multiply,
        right: literal,
    });
    let sum = expr_arena.add(AExpr::Agg(IRAggExpr::Sum {
        input: column,
        null_on_empty,
    }));
    let (left, right) = if column == left {
        (sum, count_times_literal)
    } else {
        (count_times_literal, sum)
    };
    Some(AExpr::BinaryExpr { left, op, right })
}

fn maybe_negate(ae: AExpr, negate: bool, expr_arena: &mut Arena<AExpr>) -> AExpr {
    if negate {
        AExprBuilder::new_from_aexpr(ae, expr_arena)
            .not(expr_arena)
            .build(expr_arena)
    } else {
        ae
    }
}

fn bool_literal(value: bool) -> AExpr {
    AExpr::Literal(Scalar::from(value).into())
}

fn non_negative_count_cmp_literal(op: Operator, literal: i64) -> Option<AExpr> {
    let value = match op {
        Operator::Eq if literal < 0 => false,
        Operator::NotEq if literal < 0 => true,
        Operator::Gt if literal < 0 => true,
        Operator::GtEq if literal <= 0 => true,
        Operator::Lt if literal <= 0 => false,
        Operator::LtEq if literal < 0 => false,
        _ => return None,
    };
    Some(bool_literal(value))
}

fn optimize_len_or_null_count_cmp(
    left: Node,
    op: Operator,
    right: Node,
    expr_arena: &mut Arena<AExpr>,
) -> Option<AExpr> {
    let left_ae = expr_arena.get(left);
    let right_ae = expr_arena.get(right);

    let (count_expr_node, op, literal) = if let Some(value) = integer_literal_value(right_ae) {
        (left, op, value)
    } else if let Some(value) = integer_literal_value(left_ae) {
        let op = match op {
            Operator::Eq => Operator::Eq,
            Operator::NotEq => Operator::NotEq,
            Operator::Gt => Operator::Lt,
            Operator::GtEq => Operator::LtEq,
            Operator::Lt => Operator::Gt,
            Operator::LtEq => Operator::GtEq,
            _ => return None,
        };
        (right, op, value)
    } else {
        return None;
    };

    let input = match expr_arena.get(count_expr_node) {
        AExpr::Agg(IRAggExpr::Count {
            input,
            include_nulls: true,
        }) => CountCmpInput::Len(*input),
        AExpr::Function {
            input,
            function: IRFunctionExpr::NullCount,
            ..
        } if input.len() == 1 => CountCmpInput::NullCount(input[0].node()),
        _ => return None,
    };

    if let Some(out) = non_negative_count_cmp_literal(op, literal) {
        return Some(out);
    }

    match input {
        CountCmpInput::Len(input) => {
            let is_empty = match op {
                Operator::Eq if literal == 0 => true,
                Operator::Lt if literal == 1 => true,
                Operator::LtEq if literal == 0 => true,
                Operator::NotEq | Operator::Gt if literal == 0 => false,
                Operator::GtEq if literal == 1 => false,
                _ => return None,
            };

            let out = AExprBuilder::new_from_node(input)
                .is_empty(false, expr_arena)
                .build(expr_arena);
            Some(maybe_negate(out, !is_empty, expr_arena))
        },
        CountCmpInput::NullCount(input) => {
            let has_nulls = match op {
                Operator::Eq if literal == 0 => false,
                Operator::Lt if literal == 1 => false,
                Operator::LtEq if literal == 0 => false,
                Operator::NotEq | Operator::Gt if literal == 0 => true,
                Operator::GtEq if literal == 1 => true,
                _ => return None,
            };

            let out = AExprBuilder::new_from_node(input)
                .has_nulls(expr_arena)
                .build(expr_arena);
            Some(maybe_negate(out, !has_nulls, expr_arena))
        },
    }
}

macro_rules! eval_binary_same_type {
    ($lhs:expr, $rhs:expr, |$l: ident, $r: ident| $ret: expr) => {{
        if let (AExpr::Literal(lit_left), AExpr::Literal(lit_right)) = ($lhs, $rhs) {
            match (lit_left, lit_right) {
                (LiteralValue::Scalar(l), LiteralValue::Scalar(r)) => {
                    match (l.as_any_value(), r.as_any_value()) {
                        (AnyValue::Float16($l), AnyValue::Float16($r)) => {
                            Some(AExpr::Literal(Scalar::from($ret).into()))
                        },
                        (AnyValue::Float32($l), AnyValue::Float32($r)) => {
                            Some(AExpr::Literal(<Scalar as From<f32>>::from($ret).into()))
                        },
                        (AnyValue::Float64($l), AnyValue::Float64($r)) => {
                            Some(AExpr::Literal(<Scalar as From<f64>>::from($ret).into()))
                        },

                        (AnyValue::Int8($l), AnyValue::Int8($r)) => {
                            Some(AExpr::Literal(<Scalar as From<i8>>::from($ret).into()))
                        },
                        (AnyValue::Int16($l), AnyValue::Int16($r)) => {
                            Some(AExpr::Literal(<Scalar as From<i16>>::from($ret).into()))
                        },
                        (AnyValue::Int32($l), AnyValue::Int32($r)) => {
                            Some(AExpr::Literal(<Scalar as From<i32>>::from($ret).into()))
                        },
                        (AnyValue::Int64($l), AnyValue::Int64($r)) => {
                            Some(AExpr::Literal(<Scalar as From<i64>>::from($ret).into()))
                        },
                        (AnyValue::Int128($l), AnyValue::Int128($r)) => {
                            Some(AExpr::Literal(<Scalar as From<i128>>::from($ret).into()))
                        },

                        (AnyValue::UInt8($l), AnyValue::UInt8($r)) => {
                            Some(AExpr::Literal(<Scalar as From<u8>>::from($ret).into()))
                        },
                        (AnyValue::UInt16($l), AnyValue::UInt16($r)) => {
                            Some(AExpr::Literal(<Scalar as From<u16>>::from($ret).into()))
                        },
                        (AnyValue::UInt32($l), AnyValue::UInt32($r)) => {
                            Some(AExpr::Literal(<Scalar as From<u32>>::from($ret).into()))
                        },
                        (AnyValue::UInt64($l), AnyValue::UInt64($r)) => {
                            Some(AExpr::Literal(<Scalar as From<u64>>::from($ret).into()))
                        },
                        (AnyValue::UInt128($l), AnyValue::UInt128($r)) => {
                            Some(AExpr::Literal(<Scalar as From<u128>>::from($ret).into()))
                        },

                        _ => None,
                    }
                    .into()
                },
                (
                    LiteralValue::Dyn(DynLiteralValue::Float($l)),
                    LiteralValue::Dyn(DynLiteralValue::Float($r)),
                ) => {
                    let $l = *$l;
                    let $r = *$r;
                    Some(AExpr::Literal(LiteralValue::Dyn(DynLiteralValue::Float(
                        $ret,
                    ))))
                },
                (
                    LiteralValue::Dyn(DynLiteralValue::Int($l)),
                    LiteralValue::Dyn(DynLiteralValue::Int($r)),
                ) => {
                    let $l = *$l;
                    let $r = *$r;
                    Some(AExpr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(
                        $ret,
                    ))))
                },
                _ => None,
            }
        } else {
            None
        }
    }};
}

macro_rules! eval_binary_cmp_same_type {
    ($lhs:expr, $operand: tt, $rhs:expr) => {{
    if let (AExpr::Literal(lit_left), AExpr::Literal(lit_right)) = ($lhs, $rhs) {
        match (lit_left, lit_right) {
            (LiteralValue::Scalar(l), LiteralValue::Scalar(r)) => match (l.as_any_value(), r.as_any_value()) {
                (AnyValue::Float16(l), AnyValue::Float16(r)) => Some(AExpr::Literal({ let x: bool = l.to_total_ord() $operand r.to_total_ord(); Scalar::from(x) }.into())),
                (AnyValue::Float32(l), AnyValue::Float32(r)) => Some(AExpr::Literal({ let x: bool = l.to_total_ord() $operand r.to_total_ord(); Scalar::from(x) }.into())),
                (AnyValue::Float64(l), AnyValue::Float64(r)) => Some(AExpr::Literal({ let x: bool = l.to_total_ord() $operand r.to_total_ord(); Scalar::from(x) }.into())),

                (AnyValue::Boolean(l), AnyValue::Boolean(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),

                (AnyValue::Int8(l), AnyValue::Int8(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),
                (AnyValue::Int16(l), AnyValue::Int16(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),
                (AnyValue::Int32(l), AnyValue::Int32(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),
                (AnyValue::Int64(l), AnyValue::Int64(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),
                (AnyValue::Int128(l), AnyValue::Int128(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),

                (AnyValue::UInt8(l), AnyValue::UInt8(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),
                (AnyValue::UInt16(l), AnyValue::UInt16(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),
                (AnyValue::UInt32(l), AnyValue::UInt32(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),
                (AnyValue::UInt64(l), AnyValue::UInt64(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),
                (AnyValue::UInt128(l), AnyValue::UInt128(r)) => Some(AExpr::Literal({ let x: bool = l $operand r; Scalar::from(x) }.into())),

                _ => None,
            }.into(),
            (LiteralValue::Dyn(DynLiteralValue::Float(l)), LiteralValue::Dyn(DynLiteralValue::Float(r))) => {
                let x: bool = l.to_total_ord() $operand r.to_total_ord();
                Some(AExpr::Literal(Scalar::from(x).into()))
            },
            (LiteralValue::Dyn(DynLiteralValue::Int(l)), LiteralValue::Dyn(DynLiteralValue::Int(r))) => {
                let x: bool = l $operand r;
                Some(AExpr::Literal(Scalar::from(x).into()))
            },
            _ => None,
        }
    } else {
        None
    }

    }}
}

pub struct SimplifyBooleanRule {
    pub maintain_errors: bool,
}

impl OptimizationRule for SimplifyBooleanRule {
    fn optimize_plan(
        &mut self,
        lp_arena: &mut Arena<IR>,
        expr_arena: &mut Arena<AExpr>,
        node: Node,
    ) -> PolarsResult<Option<IR>> {
        let (input_node, predicate_node) = match lp_arena.get(node) {
            IR::Filter { input, predicate } => (*input, predicate.node()),
            _ => return Ok(None),
        };

        let lv = match expr_arena.get(predicate_node) {
            AExpr::Literal(lv) => lv,
            _ => return Ok(None),
        };

        match lv.bool() {
            Some(false) => {
                let schema = lp_arena.get(input_node).schema(lp_arena).into_owned();
                Ok(Some(IR::DataFrameScan {
                    df: Arc::new(DataFrame::empty_with_schema(&schema)),
                    schema,
                    output_schema: None,
                }))
            },
            Some(true) => Ok(Some(lp_arena.get(input_node).clone())),
            _ => Ok(None),
        }
    }

    fn optimize_expr(
        &mut self,
        expr_arena: &mut Arena<AExpr>,
        expr_node: Node,
        schema: &Schema,
        ctx: OptimizeExprContext,
    ) -> PolarsResult<Option<AExpr>> {
        let expr = expr_arena.get(expr_node);

        let out = match expr {
            // true AND x => x
            AExpr::BinaryExpr { left, op, right } => {
                return Ok(arity::simplify_binary(
                    *left,
                    *op,
                    *right,
                    schema,
                    ctx,
                    self.maintain_errors,
                    expr_arena,
                ));
            },
            AExpr::Ternary {
                predicate,
                truthy,
                falsy,
            } => {
                return Ok(arity::simplify_ternary(
                    *predicate,
                    *truthy,
                    *falsy,
                    schema,
                    ctx,
                    self.maintain_errors,
                    expr_arena,
                ));
            },
            AExpr::Function {
                input,
                function: IRFunctionExpr::Negate,
                ..
            } if input.len() == 1 => {
                let input = &input[0];
                let ae = expr_arena.get(input.node());
                eval_negate(ae)
            },
            AExpr::Function {
                input,
                function: IRFunctionExpr::DynamicPred { pred, .. },
                options,
            } if pred.id().is_none() => {
                // The sender of this dynamic predicate was dropped,
                // so the result is always true.
                Some(AExpr::Literal(Scalar::from(true).into()))
            },
            _ => None,
        };
        Ok(out)
    }
}

fn eval_negate(ae: &AExpr) -> Option<AExpr> {
    use std::ops::Neg;
    let out = match ae {
        AExpr::Literal(lv) => match lv {
            LiteralValue::Scalar(sc) => match sc.as_any_value() {
                AnyValue::Int8(v) => Scalar::from(v.checked_neg()?),
                AnyValue::Int16(v) => Scalar::from(v.checked_neg()?),
                AnyValue::Int32(v) => Scalar::from(v.checked_neg()?),
                AnyValue::Int64(v) => Scalar::from(v.checked_neg()?),
                AnyValue::Int128(v) => Scalar::from(v.checked_neg()?),
                AnyValue::Float16(v) => Scalar::from(v.neg()),
                AnyValue::Float32(v) => Scalar::from(v.neg()),
                AnyValue::Float64(v) => Scalar::from(v.neg()),
                _ => return None,
            }
            .into(),
            LiteralValue::Dyn(d) => LiteralValue::Dyn(match d {
                DynLiteralValue::Int(v) => DynLiteralValue::Int(v.checked_neg()?),
                DynLiteralValue::Float(v) => DynLiteralValue::Float(v.neg()),
                _ => return None,
            }),
            _ => return None,
        },
        _ => return None,
    };
    Some(AExpr::Literal(out))
}

fn eval_bitwise<F>(left: &AExpr, right: &AExpr, operation: F) -> Option<AExpr>
where
    F: Fn(bool, bool) -> bool,
{
    if let (AExpr::Literal(lit_left), AExpr::Literal(lit_right)) = (left, right) {
        return match (lit_left.bool(), lit_right.bool()) {
            (Some(x), Some(y)) => Some(AExpr::Literal(Scalar::from(operation(x, y)).into())),
            _ => None,
        };
    }
    None
}

#[cfg(all(feature = "strings", feature = "concat_str"))]
fn string_addition_to_linear_concat(
    expr_arena: &Arena<AExpr>,
    left_node: Node,
    right_node: Node,
    left_aexpr: &AExpr,
    right_aexpr: &AExpr,
    input_schema: &Schema,
) -> Option<AExpr> {
    {
        let left_e = ExprIR::from_node(left_node, expr_arena);
        let right_e = ExprIR::from_node(right_node, expr_arena);

        let get_type = |ae: &AExpr| {
            ae.to_dtype(&ToFieldContext::new(expr_arena, input_schema))
                .ok()
        };
        let type_a = get_type(left_aexpr).or_else(|| get_type(right_aexpr))?;
        let type_b = get_type(right_aexpr).or_else(|| get_type(right_aexpr))?;

        if type_a != type_b {
            return None;
        }

        if type_a.is_string() {
            match (left_aexpr, right_aexpr) {
                // concat + concat
                (
                    AExpr::Function {
                        input: input_left,
                        function:
                            fun_l @ IRFunctionExpr::StringExpr(IRStringFunction::ConcatHorizontal {
                                delimiter: sep_l,
                                ignore_nulls: ignore_nulls_l,
                            }),
                        options,
                    },
                    AExpr::Function {
                        input: input_right,
                        function:
                            IRFunctionExpr::StringExpr(IRStringFunction::ConcatHorizontal {
                                delimiter: sep_r,
                                ignore_nulls: ignore_nulls_r,
                            }),
                        ..
                    },
                ) => {
                    if sep_l.is_empty() && sep_r.is_empty() && ignore_nulls_l == ignore_nulls_r {
                        let mut input = Vec::with_capacity(input_left.len() + input_right.len());
                        input.extend_from_slice(input_left);
                        input.extend_from_slice(input_right);
                        Some(AExpr::Function {
                            input,
                            function: fun_l.clone(),
                            options: *options,
                        })
                    } else {
                        None
                    }
                },
                // concat + str
                (
                    AExpr::Function {
                        input,
                        function:
                            fun @ IRFunctionExpr::StringExpr(IRStringFunction::ConcatHorizontal {
                                delimiter: sep,
                                ignore_nulls,
                            }),
                        options,
                    },
                    _,
                ) => {
                    if sep.is_empty() && !ignore_nulls {
                        let mut input = input.clone();
                        input.push(right_e);
                        Some(AExpr::Function {
                            input,
                            function: fun.clone(),
                            options: *options,
                        })
                    } else {
                        None
                    }
                },
                // str + concat
                (
                    _,
                    AExpr::Function {
                        input: input_right,
                        function:
                            fun @ IRFunctionExpr::StringExpr(IRStringFunction::ConcatHorizontal {
                                delimiter: sep,
                                ignore_nulls,
                            }),
                        options,
                    },
                ) => {
                    if sep.is_empty() && !ignore_nulls {
                        let mut input = Vec::with_capacity(1 + input_right.len());
                        input.push(left_e);
                        input.extend_from_slice(input_right);
                        Some(AExpr::Function {
                            input,
                            function: fun.clone(),
                            options: *options,
                        })
                    } else {
                        None
                    }
                },
                _ => {
                    let function = IRStringFunction::ConcatHorizontal {
                        delimiter: "".into(),
                        ignore_nulls: false,
                    };
                    let options = function.function_options();
                    Some(AExpr::Function {
                        input: vec![left_e, right_e],
                        function: function.into(),
                        options,
                    })
                },
            }
        } else {
            None
        }
    }
}

pub struct SimplifyExprRule {}

impl OptimizationRule for SimplifyExprRule {
    #[allow(clippy::float_cmp)]
    fn optimize_expr(
        &mut self,
        expr_arena: &mut Arena<AExpr>,
        expr_node: Node,
        schema: &Schema,
        ctx: OptimizeExprContext,
    ) -> PolarsResult<Option<AExpr>> {
        if let Some(out) = lower_sort_reads(expr_node, expr_arena, schema) {
            return Ok(Some(out));
        }

        if let Some(out) = sum_of_column_with_literal(expr_node, expr_arena, schema)
            .or_else(|| count_of_column_with_literal(expr_node, expr_arena, schema))
        {
            return Ok(Some(out));
        }

        let expr = expr_arena.get(expr_node);

        if let AExpr::BinaryExpr { left, op, right } = expr {
            let (left, op, right) = (*left, *op, *right);
            if let Some(out) = optimize_len_or_null_count_cmp(left, op, right, expr_arena) {
                return Ok(Some(out));
            }
        }

        let expr = expr_arena.get(expr_node);

        let out = match &expr {
            AExpr::SortBy { expr, by, .. } if by.is_empty() => Some(expr_arena.get(*expr).clone()),
            AExpr::Ternary {
                predicate,
                truthy,
                falsy,
            } => sum_null_on_empty(*predicate, *truthy, *falsy, expr_arena),
            // drop_nulls().len() -> len() - null_count()
            // drop_nulls().count() -> len() - null_count()
            // unique().len() -> n_unique()
            AExpr::Agg(IRAggExpr::Count {
                input,
                include_nulls,
            }) => {
                let input_expr = expr_arena.get(*input);
                match input_expr {
                    AExpr::Function {
                        input,
                        function: IRFunctionExpr::Unique(_),
                        options: _,
                    } if *include_nulls
                        && input.len() == 1
                        && input[0]
                            .dtype(schema, expr_arena)
                            .is_ok_and(|dtype| !dtype.contains_objects()) =>
                    {
                        Some(AExpr::Agg(IRAggExpr::NUnique(input[0].node())))
                    },
                    AExpr::Function {
                        input,
                        function: IRFunctionExpr::DropNulls,
                        options: _,
                    } => {
                        // we should perform optimization only if the original expression is a column
                        // so in case of disabled CSE, we will not suffer from performance regression
                        if input.len() == 1 {
                            let drop_nulls_input_node = input[0].node();
                            match expr_arena.get(drop_nulls_input_node) {
                                AExpr::Column(_) => Some(AExpr::BinaryExpr {
                                    op: Operator::Minus,
                                    right: expr_arena.add(new_null_count(input)),
                                    left: expr_arena.add(AExpr::Agg(IRAggExpr::Count {
                                        input: drop_nulls_input_node,
                                        include_nulls: true,
                                    })),
                                }),
                                _ => None,
                            }
                        } else {
                            None
                        }
                    },
                    _ => None,
                }
            },
            // is_null().sum() -> null_count()
            // is_not_null().sum() -> len() - null_count()
            AExpr::Agg(IRAggExpr::Sum {
                input,
                null_on_empty: false,
            }) => {
                let input_expr = expr_arena.get(*input);
                match input_expr {
                    AExpr::Function {
                        input,
                        function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNull),
                        options: _,
                    } => Some(new_null_count(input)),
                    AExpr::Function {
                        input,
                        function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNotNull),
                        options: _,
                    } => {
                        // we should perform optimization only if the original expression is a column
                        // so in case of disabled CSE, we will not suffer from performance regression
                        if input.len() == 1 {
                            let is_not_null_input_node = input[0].node();
                            match expr_arena.get(is_not_null_input_node) {
                                AExpr::Column(_) => Some(AExpr::BinaryExpr {
                                    op: Operator::Minus,
                                    right: expr_arena.add(new_null_count(input)),
                                    left: expr_arena.add(AExpr::Agg(IRAggExpr::Count {
                                        input: is_not_null_input_node,
                                        include_nulls: true,
                                    })),
                                }),
                                _ => None,
                            }
                        } else {
                            None
                        }
                    },
                    _ => None,
                }
            },
            // drop_nulls().first() -> first(ignore_nulls=True)
            AExpr::Agg(IRAggExpr::First(input)) => {
                let input_node = expr_arena.get(*input);
                match input_node {
                    AExpr::Function {
                        input,
                        function: IRFunctionExpr::DropNulls,
                        options: _,
                    } => Some(AExpr::Agg(IRAggExpr::FirstNonNull(input[0].node()))),
                    _ => None,
                }
            },
            // drop_nulls().last()  -> last(ignore_nulls=True)
            AExpr::Agg(IRAggExpr::Last(input)) => {
                let input_node = expr_arena.get(*input);
                match input_node {
                    AExpr::Function {
                        input,
                        function: IRFunctionExpr::DropNulls,
                        options: _,
                    } => Some(AExpr::Agg(IRAggExpr::LastNonNull(input[0].node()))),
                    _ => None,
                }
            },
            // lit(left) + lit(right) => lit(left + right)
            // and null propagation
            AExpr::BinaryExpr { left, op, right } => {
                let left_aexpr = expr_arena.get(*left);
                let right_aexpr = expr_arena.get(*right);

                // Inline dynamic value casts
                // Ensure that dynamic values upcast in lined
                // This will allow const folding later
                if let (
                    AExpr::Literal(LiteralValue::Dyn(DynLiteralValue::Float(_))),
                    AExpr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(r))),
                ) = (left_aexpr, right_aexpr)
                {
                    let left = *left;
                    let op = *op;
                    let right = expr_arena.add(AExpr::Literal(LiteralValue::Dyn(
                        DynLiteralValue::Float(*r as _),
                    )));
                    return Ok(Some(AExpr::BinaryExpr { left, op, right }));
                };

                // Ensure that dynamic values upcast inlined
                // This will allow const folding later
                if let (
                    AExpr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(l))),
                    AExpr::Literal(LiteralValue::Dyn(DynLiteralValue::Float(_))),
                ) = (left_aexpr, right_aexpr)
                {
                    let right = *right;
                    let op = *op;
                    let left = expr_arena.add(AExpr::Literal(LiteralValue::Dyn(
                        DynLiteralValue::Float(*l as _),
                    )));
                    return Ok(Some(AExpr::BinaryExpr { left, op, right }));
                };

                // lit(left) + lit(right) => lit(left + right)
                use Operator::*;
                #[allow(clippy::manual_map)]
                let out = match op {
                    Plus => {
                        match eval_binary_same_type!(left_aexpr, right_aexpr, |l, r| l + r) {
                            Some(new) => Some(new),
                            None => {
                                // try to replace addition of string columns with `concat_str`
                                #[cfg(all(feature = "strings", feature = "concat_str"))]
                                {
                                    string_addition_to_linear_concat(
                                        expr_arena,
                                        *left,
                                        *right,
                                        left_aexpr,
                                        right_aexpr,
                                        schema,
                                    )
                                }
                                #[cfg(not(all(feature = "strings", feature = "concat_str")))]
                                {
                                    None
                                }
                            },
                        }
                    },
                    Minus => eval_binary_same_type!(left_aexpr, right_aexpr, |l, r| l - r),
                    Multiply => eval_binary_same_type!(left_aexpr, right_aexpr, |l, r| l * r),
                    RustDivide => {
                        if let (AExpr::Literal(lit_left), AExpr::Literal(lit_right)) =
                            (left_aexpr, right_aexpr)
                        {
                            match (lit_left, lit_right) {
                                (LiteralValue::Scalar(l), LiteralValue::Scalar(r)) => {
                                    match (l.as_any_value(), r.as_any_value()) {
                                        (AnyValue::Float16(x), AnyValue::Float16(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<pf16>>::from(x / y).into(),
                                            ))
                                        },
                                        (AnyValue::Float32(x), AnyValue::Float32(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<f32>>::from(x / y).into(),
                                            ))
                                        },
                                        (AnyValue::Float64(x), AnyValue::Float64(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<f64>>::from(x / y).into(),
                                            ))
                                        },

                                        (AnyValue::Int8(x), AnyValue::Int8(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<i8>>::from(
                                                    x.wrapping_floor_div_mod(y).0,
                                                )
                                                .into(),
                                            ))
                                        },
                                        (AnyValue::Int16(x), AnyValue::Int16(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<i16>>::from(
                                                    x.wrapping_floor_div_mod(y).0,
                                                )
                                                .into(),
                                            ))
                                        },
                                        (AnyValue::Int32(x), AnyValue::Int32(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<i32>>::from(
                                                    x.wrapping_floor_div_mod(y).0,
                                                )
                                                .into(),
                                            ))
                                        },
                                        (AnyValue::Int64(x), AnyValue::Int64(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<i64>>::from(
                                                    x.wrapping_floor_div_mod(y).0,
                                                )
                                                .into(),
                                            ))
                                        },
                                        (AnyValue::Int128(x), AnyValue::Int128(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<i128>>::from(
                                                    x.wrapping_floor_div_mod(y).0,
                                                )
                                                .into(),
                                            ))
                                        },

                                        (AnyValue::UInt8(x), AnyValue::UInt8(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<u8>>::from(x / y).into(),
                                            ))
                                        },
                                        (AnyValue::UInt16(x), AnyValue::UInt16(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<u16>>::from(x / y).into(),
                                            ))
                                        },
                                        (AnyValue::UInt32(x), AnyValue::UInt32(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<u32>>::from(x / y).into(),
                                            ))
                                        },
                                        (AnyValue::UInt64(x), AnyValue::UInt64(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<u64>>::from(x / y).into(),
                                            ))
                                        },
                                        (AnyValue::UInt128(x), AnyValue::UInt128(y)) => {
                                            Some(AExpr::Literal(
                                                <Scalar as From<u128>>::from(x / y).into(),
                                            ))
                                        },

                                        _ => None,
                                    }
                                },

                                (
                                    LiteralValue::Dyn(DynLiteralValue::Float(x)),
                                    LiteralValue::Dyn(DynLiteralValue::Float(y)),
                                ) => {
                                    Some(AExpr::Literal(<Scalar as From<f64>>::from(x / y).into()))
                                },
                                (
                                    LiteralValue::Dyn(DynLiteralValue::Int(x)),
                                    LiteralValue::Dyn(DynLiteralValue::Int(y)),
                                ) => Some(AExpr::Literal(LiteralValue::Dyn(DynLiteralValue::Int(
                                    x.wrapping_floor_div_mod(*y).0,
                                )))),
                                _ => None,
                            }
                        } else {
                            None
                        }
                    },
                    TrueDivide => {
                        if let (AExpr::Literal(lit_left), AExpr::Literal(lit_right)) =
                            (left_aexpr, right_aexpr)
                        {
                            match (lit_left, lit_right) {
                                (LiteralValue::Scalar(l), LiteralValue::Scalar(r)) => {
                                    match (l.as_any_value(), r.as_any_value()) {
                                        #[cfg(feature = "dtype-f16")]
                                        (AnyValue::Float16(x), AnyValue::Float16(y)) => {
                                            Some(AExpr::Literal(Scalar::from(x / y).into()))
                                        },
                                        (AnyValue::Float32(x), AnyValue::Float32(y)) => {
                                            Some(AExpr::Literal(Scalar::from(x / y).into()))
                                        },
                                        (AnyValue::Float64(x), AnyValue::Float64(y)) => {
                                            Some(AExpr::Literal(Scalar::from(x / y).into()))
                                        },

                                        (AnyValue::Int8(x), AnyValue::Int8(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },
                                        (AnyValue::Int16(x), AnyValue::Int16(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },
                                        (AnyValue::Int32(x), AnyValue::Int32(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },
                                        (AnyValue::Int64(x), AnyValue::Int64(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },
                                        (AnyValue::Int128(x), AnyValue::Int128(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },

                                        (AnyValue::UInt8(x), AnyValue::UInt8(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },
                                        (AnyValue::UInt16(x), AnyValue::UInt16(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },
                                        (AnyValue::UInt32(x), AnyValue::UInt32(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },
                                        (AnyValue::UInt64(x), AnyValue::UInt64(y)) => {
                                            Some(AExpr::Literal(
                                                Scalar::from(x as f64 / y as f64).into(),
                                            ))
                                        },

                                        _ => None,
                                    }
                                },

                                (
                                    LiteralValue::Dyn(DynLiteralValue::Float(x)),
                                    LiteralValue::Dyn(DynLiteralValue::Float(y)),
                                ) => Some(AExpr::Literal(Scalar::from(*x / *y).into())),
                                (
                                    LiteralValue::Dyn(DynLiteralValue::Int(x)),
                                    LiteralValue::Dyn(DynLiteralValue::Int(y)),
                                ) => {
                                    Some(AExpr::Literal(Scalar::from(*x as f64 / *y as f64).into()))
                                },
                                _ => None,
                            }
                        } else {
                            None
                        }
                    },
                    Modulus => eval_binary_same_type!(left_aexpr, right_aexpr, |l, r| {
                        if r.is_zero() {
                            // TODO: this should optimize to `null` once we can express "is dynamic int but actually contains null"
                            return Ok(None);
                        }

                        l.wrapping_floor_div_mod(r).1
                    }),
                    Lt => eval_binary_cmp_same_type!(left_aexpr, <, right_aexpr),
                    Gt => eval_binary_cmp_same_type!(left_aexpr, >, right_aexpr),
                    Eq | EqValidity => eval_binary_cmp_same_type!(left_aexpr, ==, right_aexpr),
                    NotEq | NotEqValidity => {
                        eval_binary_cmp_same_type!(left_aexpr, !=, right_aexpr)
                    },
                    GtEq => eval_binary_cmp_same_type!(left_aexpr, >=, right_aexpr),
                    LtEq => eval_binary_cmp_same_type!(left_aexpr, <=, right_aexpr),
                    And | LogicalAnd => eval_bitwise(left_aexpr, right_aexpr, |l, r| l & r),
                    Or | LogicalOr => eval_bitwise(left_aexpr, right_aexpr, |l, r| l | r),
                    Xor => eval_bitwise(left_aexpr, right_aexpr, |l, r| l ^ r),
                    FloorDivide => eval_binary_same_type!(left_aexpr, right_aexpr, |l, r| {
                        if r.is_zero() {
                            // TODO: this should optimize to `null` once we can express "is dynamic int but actually contains null"
                            return Ok(None);
                        }

                        l.wrapping_floor_div_mod(r).0
                    }),
                    TruncDivide => None,
                };
                if out.is_some() {
                    return Ok(out);
                }

                None
            },
            AExpr::Function {
                input,
                function,
                options,
                ..
            } => {
                return optimize_functions(
                    input.clone(),
                    function.clone(),
                    *options,
                    ctx,
                    expr_arena,
                );
            },
            _ => None,
        };
        Ok(out)
    }
}
