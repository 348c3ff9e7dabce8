use super::*;

pub(super) fn optimize_functions(
    input: Vec<ExprIR>,
    function: IRFunctionExpr,
    options: FunctionOptions,
    ctx: OptimizeExprContext,
    expr_arena: &mut Arena<AExpr>,
) -> PolarsResult<Option<AExpr>> {
    let out = match function {
        // is_null().any() -> null_count() > 0
        // is_not_null().any() -> ~is_empty(ignore_nulls=True)
        // CORRECTNESS: we can ignore 'ignore_nulls' since is_null/is_not_null never produces NULLS
        IRFunctionExpr::Boolean(IRBooleanFunction::Any { ignore_nulls: _ }) => {
            let input_node = expr_arena.get(input[0].node());
            match input_node {
                AExpr::Function {
                    input,
                    function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNull),
                    options: _,
                } => Some(AExpr::BinaryExpr {
                    left: expr_arena.add(new_null_count(input)),
                    op: Operator::Gt,
                    right: expr_arena.add(AExpr::Literal(LiteralValue::new_idxsize(0))),
                }),
                AExpr::Function {
                    input,
                    function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNotNull),
                    options: _,
                } => Some(
                    AExprBuilder::new_from_node(input[0].node())
                        .is_empty(true, expr_arena)
                        .not(expr_arena)
                        .build(expr_arena),
                ),
                _ => None,
            }
        },
        // is_null().all() -> null_count() == len()
        // is_not_null().all() -> null_count() == 0
        IRFunctionExpr::Boolean(IRBooleanFunction::All { ignore_nulls: _ }) => {
            let input_node = expr_arena.get(input[0].node());
            match input_node {
                AExpr::Function {
                    input,
                    function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNull),
                    options: _,
                } => {
                    // we should perform optimization only if the original expression is a column
                    // so in case of disabled CSE, we will not suffer from performance regression
                    if input.len() == 1 {
                        let is_null_input_node = input[0].node();
                        match expr_arena.get(is_null_input_node) {
                            AExpr::Column(_) => Some(AExpr::BinaryExpr {
                                op: Operator::Eq,
                                right: expr_arena.add(new_null_count(input)),
                                left: expr_arena.add(AExpr::Agg(IRAggExpr::Count {
                                    input: is_null_input_node,
                                    include_nulls: true,
                                })),
                            }),
                            _ => None,
                        }
                    } else {
                        None
                    }
                },
                AExpr::Function {
                    input,
                    function: IRFunctionExpr::Boolean(IRBooleanFunction::IsNotNull),
                    options: _,
                } => Some(AExpr::BinaryExpr {
                    left: expr_arena.add(new_null_count(input)),
                    op: Operator::Eq,
                    right: expr_arena.add(AExpr::Literal(LiteralValue::new_idxsize(0))),
                }),
                _ => None,
            }
        },
        // sort().reverse() -> sort(reverse)
        // sort_by().reverse() -> sort_by(reverse)
        IRFunctionExpr::Reverse => {
            let input = expr_arena.get(input[0].node());
            match input {
                AExpr::Sort { expr, options } if !options.maintain_order => {
                    let mut options = *options;
                    options.descending = !options.descending;
                    options.nulls_last = !options.nulls_last;
                    Some(AExpr::Sort {
                        expr: *expr,
                        options,
                    })
                },
                AExpr::SortBy {
                    expr,
                    by,
                    sort_options,
                } if !sort_options.maintain_order => {
                    let mut sort_options = sort_options.clone();
                    sort_options.descending = sort_options.descending.iter().map(|x| !*x).collect();
                    sort_options.nulls_last = sort_options.nulls_last.iter().map(|x| !*x).collect();
                    Some(AExpr::SortBy {
                        expr: *expr,
                        by: by.clone(),
                        sort_options,
                    })
                },
                // TODO: add support for cum_sum and other operation that allow reversing.
                _ => None,
            }
        },
        // flatten nested concat_str calls
        #[cfg(all(feature = "strings", feature = "concat_str"))]
        ref function @ IRFunctionExpr::StringExpr(IRStringFunction::ConcatHorizontal {
            delimiter: ref sep,
            ignore_nulls,
        }) if sep.is_empty() => {
            if input
                .iter()
                .any(|e| is_string_concat(expr_arena.get(e.node()), ignore_nulls))
            {
                let mut new_inputs = Vec::with_capacity(input.len() * 2);

                for e in input {
                    match get_string_concat_input(e.node(), expr_arena, ignore_nulls) {
                        Some(inp) => new_inputs.extend_from_slice(inp),
                        None => new_inputs.push(e.clone()),
                    }
                }
                Some(AExpr::Function {
                    input: new_inputs,
                    function: function.clone(),
                    options,
                })
            } else {
                None
            }
        },
        #[cfg(feature = "is_in")]
        IRFunctionExpr::Boolean(IRBooleanFunction::IsIn { .. }) if ctx.is_filter_predicate => {
            let haystack = expr_arena.get(input[1].node());
            let empty = match haystack {
                AExpr::Literal(LiteralValue::Series(s)) => s.is_empty(),
                AExpr::Literal(LiteralValue::Scalar(s)) => match s.value() {
                    AnyValue::List(inner) => inner.is_empty(),
                    #[cfg(feature = "dtype-array")]
                    AnyValue::Array(inner, _) => inner.is_empty(),
                    _ => false,
                },
                AExpr::Literal(LiteralValue::Dyn(DynLiteralValue::List(list))) => match list {
                    DynListLiteralValue::Str(vs) => vs.is_empty(),
                    DynListLiteralValue::Int(vs) => vs.is_empty(),
                    DynListLiteralValue::Float(vs) => vs.is_empty(),
                    DynListLiteralValue::List(vs) => vs.is_empty(),
                },
                _ => false,
            };
            if empty {
                return Ok(Some(AExpr::Literal(Scalar::from(false).into())));
            }
            None
        },
        IRFunctionExpr::Boolean(IRBooleanFunction::Not) => {
            let y = expr_arena.get(input[0].node());

            match y {
                // not(a and b) => not(a) or not(b)
                AExpr::BinaryExpr {
                    left,
                    op: Operator::And | Operator::LogicalAnd,
                    right,
                } => {
                    let left = *left;
                    let right = *right;
                    Some(AExpr::BinaryExpr {
                        left: expr_arena.add(AExpr::Function {
                            input: vec![ExprIR::from_node(left, expr_arena)],
                            function: IRFunctionExpr::Boolean(IRBooleanFunction::Not),
                            options,
                        }),
                        op: Operator::Or,
                        right: expr_arena.add(AExpr::Function {
                            input: vec![ExprIR::from_node(right, expr_arena)],
                            function: IRFunctionExpr::Boolean(IRBooleanFunction::Not),
                            options,
                        }),
                    })
                },
                // not(a or b) => not(a) and not(b)
                AExpr::BinaryExpr {
                    left,
                    op: Operator::Or | Operator::LogicalOr,
                    right,
                } => {
                    let left = *left;
                    let right = *right;
                    Some(AExpr::BinaryExpr {
                        left: expr_arena.add(AExpr::Function {
                            input: vec![ExprIR::from_node(left, expr_arena)],
                            function: IRFunctionExpr::Boolean(IRBooleanFunction::Not),
                            options,
                        }),
                        op: Operator::And,
                        right: expr_arena.add(AExpr::Function {
                            input: vec![ExprIR::from_node(right, expr_arena)],
                            function: IRFunctionExpr::Boolean(IRBooleanFunction::Not),
                            options,
                        }),
                    })
                },
                // not(not x) => x
                AExpr::Function {
                    input,
                    function: IRFunctionExpr::Boolean(IRBooleanFunction::Not),
                    ..
                } => Some(expr_arena.get(input[0].node()).clone()),
                // not(lit x) => !x
                AExpr::Literal(lv) if lv.bool().is_some() => {
                    Some(AExpr::Literal(Scalar::from(!lv.bool().unwrap()).into()))
                },
                // not(x.is_y) => x.is_not_y  and  not(x.is_not_y) => x.is_y
                AExpr::Function {
                    input,
                    function:
                        IRFunctionExpr::Boolean(
                            f @ IRBooleanFunction::IsNull
                            | f @ IRBooleanFunction::IsNan
                            | f @ IRBooleanFunction::IsNotNull
                            | f @ IRBooleanFunction::IsNotNan,
                        ),
                    options,
                } => Some(AExpr::Function {
                    input: input.clone(),
                    function: IRFunctionExpr::Boolean(match f {
                        IRBooleanFunction::IsNull => IRBooleanFunction::IsNotNull,
                        IRBooleanFunction::IsNan => IRBooleanFunction::IsNotNan,
                        IRBooleanFunction::IsNotNull => IRBooleanFunction::IsNull,
                        IRBooleanFunction::IsNotNan => IRBooleanFunction::IsNan,
                        _ => unreachable!(),
                    }),
                    options: *options,
                }),
                // not(a == b) => a != b
                AExpr::BinaryExpr {
                    left,
                    op: Operator::Eq,
                    right,
                } => Some(AExpr::BinaryExpr {
                    left: *left,
                    op: Operator::NotEq,
                    right: *right,
                }),
                // not(a != b) => a == b
                AExpr::BinaryExpr {
                    left,
                    op: Operator::NotEq,
                    right,
                } => Some(AExpr::BinaryExpr {
                    left: *left,
                    op: Operator::Eq,
                    right: *right,
                }),
                // not(a < b) => a >= b
                AExpr::BinaryExpr {
                    left,
                    op: Operator::Lt,
                    right,
                } => Some(AExpr::BinaryExpr {
                    left: *left,
                    op: Operator::GtEq,
                    right: *right,
                }),
                // not(a <= b) => a > b
                AExpr::BinaryExpr {
                    left,
                    op: Operator::LtEq,
                    right,
                } => Some(AExpr::BinaryExpr {
                    left: *left,
                    op: Operator::Gt,
                    right: *right,
                }),
                // not(a > b) => a <= b
                AExpr::BinaryExpr {
                    left,
                    op: Operator::Gt,
                    right,
                } => Some(AExpr::BinaryExpr {
                    left: *left,
                    op: Operator::LtEq,
                    right: *right,
                }),
                // not(a >= b) => a < b
                AExpr::BinaryExpr {
                    left,
                    op: Operator::GtEq,
                    right,
                } => Some(AExpr::BinaryExpr {
                    left: *left,
                    op: Operator::Lt,
                    right: *right,
                }),
                #[cfg(feature = "is_between")]
                // not(col('x').is_between(a,b)) => col('x') < a || col('x') > b
                AExpr::Function {
                    input,
                    function: IRFunctionExpr::Boolean(IRBooleanFunction::IsBetween { closed }),
                    ..
                } => {
                    if !matches!(expr_arena.get(input[0].node()), AExpr::Column(_)) {
                        None
                    } else {
                        let left_cmp_op = match closed {
                            ClosedInterval::Both | ClosedInterval::Left => Operator::Lt,
                            ClosedInterval::None | ClosedInterval::Right => Operator::LtEq,
                        };
                        let right_cmp_op = match closed {
                            ClosedInterval::Both | ClosedInterval::Right => Operator::Gt,
                            ClosedInterval::None | ClosedInterval::Left => Operator::GtEq,
                        };
                        let left_left = input[0].node();
                        let right_left = input[1].node();

                        let left_right = left_left;
                        let right_right = input[2].node();

                        // input[0] is between input[1] and input[2]
                        Some(AExpr::BinaryExpr {
                            // input[0] (<,<=) input[1]
                            left: expr_arena.add(AExpr::BinaryExpr {
                                left: left_left,
                                op: left_cmp_op,
                                right: right_left,
                            }),
                            // OR
                            op: Operator::Or,
                            // input[0] (>,>=) input[2]
                            right: expr_arena.add(AExpr::BinaryExpr {
                                left: left_right,
                                op: right_cmp_op,
                                right: right_right,
                            }),
                        })
                    }
                },
                _ => None,
            }
        },
        #[cfg(feature = "temporal")]
        IRFunctionExpr::TemporalExpr(IRTemporalFunction::CastTimeUnit(tu)) => {
            let Some(sc) = scalar_literal(input[0].node(), expr_arena) else {
                return Ok(None);
            };
            let value = sc.as_any_value().extract::<i64>();
            let out = match sc.dtype() {
                #[cfg(feature = "dtype-datetime")]
                DataType::Datetime(from, tz) => match value {
                    Some(v) => {
                        let v = from.rescale_to(tu).datetime_value(v);
                        Scalar::new_datetime(v, tu, tz.clone())
                    },
                    None => Scalar::null(DataType::Datetime(tu, tz.clone())),
                },
                #[cfg(feature = "dtype-duration")]
                DataType::Duration(from) => match value {
                    Some(v) => Scalar::new_duration(from.rescale_to(tu).duration_value(v), tu),
                    None => Scalar::null(DataType::Duration(tu)),
                },
                _ => return Ok(None),
            };
            Some(AExpr::Literal(LiteralValue::Scalar(out)))
        },
        #[cfg(all(feature = "dtype-datetime", feature = "timezones"))]
        IRFunctionExpr::TemporalExpr(IRTemporalFunction::ConvertTimeZone(ref time_zone)) => {
            let Some(sc) = scalar_literal(input[0].node(), expr_arena) else {
                return Ok(None);
            };
            let DataType::Datetime(tu, _) = sc.dtype() else {
                return Ok(None);
            };
            let out = match sc.as_any_value().extract::<i64>() {
                Some(v) => Scalar::new_datetime(v, *tu, Some(time_zone.clone())),
                None => Scalar::null(DataType::Datetime(*tu, Some(time_zone.clone()))),
            };
            Some(AExpr::Literal(LiteralValue::Scalar(out)))
        },
        #[cfg(all(feature = "dtype-datetime", feature = "timezones"))]
        IRFunctionExpr::TemporalExpr(IRTemporalFunction::ReplaceTimeZone(
            ref time_zone,
            non_existent,
        )) => {
            let (Some(sc), AExpr::Literal(ambiguous)) = (
                scalar_literal(input[0].node(), expr_arena),
                expr_arena.get(input[1].node()),
            ) else {
                return Ok(None);
            };
            let (DataType::Datetime(_, _), Some(ambiguous)) = (sc.dtype(), ambiguous.extract_str())
            else {
                return Ok(None);
            };

            let s = sc.clone().into_series(PlSmallStr::EMPTY);
            let ambiguous = StringChunked::from_slice(PlSmallStr::EMPTY, &[ambiguous]);
            let out = polars_core::chunked_array::temporal::replace_time_zone::replace_time_zone(
                s.datetime()?,
                time_zone.as_ref(),
                &ambiguous,
                non_existent,
            )?;
            Some(single_value_literal(&out.into_series())?)
        },
        IRFunctionExpr::GatherEvery { n: 1, offset: 0 } => {
            Some(expr_arena.get(input[0].node()).clone())
        },
        IRFunctionExpr::GatherEvery { n: 1, offset } => {
            let offset_i64: i64 = offset.try_into().unwrap_or(i64::MAX);
            let offset_node =
                expr_arena.add(AExpr::Literal(LiteralValue::Scalar(offset_i64.into())));
            let length_node = expr_arena.add(AExpr::Literal(LiteralValue::Scalar(
                (usize::MAX as u64).into(),
            )));
            Some(AExpr::Slice {
                input: input[0].node(),
                offset: offset_node,
                length: length_node,
            })
        },
        _ => None,
    };
    Ok(out)
}

#[cfg(all(feature = "strings", feature = "concat_str"))]
fn is_string_concat(ae: &AExpr, ignore_nulls: bool) -> bool {
    matches!(ae, AExpr::Function {
                function:IRFunctionExpr::StringExpr(
                    IRStringFunction::ConcatHorizontal{delimiter: sep, ignore_nulls: func_inore_nulls},
                ),
                ..
            } if sep.is_empty() && *func_inore_nulls == ignore_nulls)
}

#[cfg(all(feature = "strings", feature = "concat_str"))]
fn get_string_concat_input(
    node: Node,
    expr_arena: &Arena<AExpr>,
    ignore_nulls: bool,
) -> Option<&[ExprIR]> {
    match expr_arena.get(node) {
        AExpr::Function {
            input,
            function:
                IRFunctionExpr::StringExpr(IRStringFunction::ConcatHorizontal {
                    delimiter: sep,
                    ignore_nulls: func_ignore_nulls,
                }),
            ..
        } if sep.is_empty() && *func_ignore_nulls == ignore_nulls => Some(input),
        _ => None,
    }
}

/// Returns the value of `node` if it is a scalar literal of a known dtype.
#[cfg(feature = "temporal")]
fn scalar_literal(node: Node, expr_arena: &Arena<AExpr>) -> Option<&Scalar> {
    match expr_arena.get(node) {
        AExpr::Literal(LiteralValue::Scalar(sc)) => Some(sc),
        _ => None,
    }
}

/// Turns the single value of `s` into a scalar literal.
#[cfg(all(feature = "dtype-datetime", feature = "timezones"))]
fn single_value_literal(s: &Series) -> PolarsResult<AExpr> {
    debug_assert_eq!(s.len(), 1);
    let value = s.get(0)?.into_static();
    Ok(AExpr::Literal(LiteralValue::Scalar(Scalar::new(
        s.dtype().clone(),
        value,
    ))))
}
