use either::Either;
use polars_arrow::legacy::error::PolarsResult;
use polars_core::chunked_array::cast::CastOptions;
use polars_core::error::feature_gated;
use polars_core::utils::{get_numeric_upcast_supertype_lossless, try_get_supertype};
use polars_defs::join::JoinValidation;
use polars_utils::format_pl_smallstr;
use polars_utils::itertools::Itertools;

use super::*;
use crate::constants::POLARS_TMP_PREFIX;
use crate::dsl::Expr;
#[cfg(feature = "iejoin")]
use crate::plans::AExpr;

fn check_join_keys<'a>(keys: impl IntoIterator<Item = &'a Expr>) -> PolarsResult<()> {
    for e in keys {
        if has_expr(e, |e| matches!(e, Expr::Alias(_, _))) {
            polars_bail!(
                InvalidOperation:
                "'alias' is not allowed in a join key, use 'with_columns' first",
            )
        }
    }
    Ok(())
}

fn expand_join_keys(
    keys: Vec<Expr>,
    schema: &Schema,
    side: &str,
    opt_flags: &mut OptFlags,
) -> PolarsResult<Vec<Expr>> {
    let keys = rewrite_projections(keys, &Default::default(), schema, opt_flags)?;
    polars_ensure!(
        !keys.is_empty(),
        InvalidOperation: "{side} join keys expanded to zero expressions"
    );
    Ok(keys)
}

fn to_join_expr_irs(
    keys: Vec<Expr>,
    schema: &Schema,
    expr_arena: &mut Arena<AExpr>,
    opt_flags: &OptFlags,
) -> PolarsResult<Vec<ExprIR>> {
    let mut ctx = ExprToIRContext::new_with_opt_eager(expr_arena, schema, opt_flags);
    keys.into_iter()
        .map(|e| to_expr_ir_materialized_lit(e, &mut ctx))
        .collect()
}

/// Returns: left: join_node, right: last_node (often both the same)
pub fn resolve_join(
    input_left: Either<Arc<DslPlan>, Node>,
    input_right: Either<Arc<DslPlan>, Node>,
    condition: JoinCondition,
    mut options: JoinOptionsIR,
    ctxt: &mut DslConversionContext,
) -> PolarsResult<(Node, Node)> {
    let (mut left_on, mut right_on) = match condition {
        JoinCondition::NonEqui { predicates } => {
            feature_gated!("iejoin", {
                polars_ensure!(!predicates.is_empty(), InvalidOperation: "expected join keys/predicates");
                return resolve_join_where(
                    input_left.unwrap_left(),
                    input_right.unwrap_left(),
                    predicates,
                    options,
                    ctxt,
                );
            })
        },
        JoinCondition::Equi { left_on, right_on } => (left_on, right_on),
    };

    let owned = Arc::unwrap_or_clone;
    let mut input_left = input_left
        .map_right(Ok)
        .right_or_else(|input| to_alp_impl(owned(input), ctxt).context(failed_here!(join left)))?;
    let mut input_right = input_right
        .map_right(Ok)
        .right_or_else(|input| to_alp_impl(owned(input), ctxt).context(failed_here!(join right)))?;

    let schema_left = ctxt.lp_arena.get(input_left).schema(ctxt.lp_arena);
    let schema_right = ctxt.lp_arena.get(input_right).schema(ctxt.lp_arena);

    if options.args.how.is_cross() {
        polars_ensure!(
            left_on.is_empty() && right_on.is_empty(),
            InvalidOperation: "a 'cross' join doesn't expect any join keys"
        );
    } else {
        polars_ensure!(
            !left_on.is_empty() || !right_on.is_empty(),
            InvalidOperation: "expected join keys/predicates"
        );
        check_join_keys(left_on.iter().chain(&right_on))?;

        left_on = expand_join_keys(left_on, &schema_left, "left", ctxt.opt_flags)?;
        right_on = expand_join_keys(right_on, &schema_right, "right", ctxt.opt_flags)?;
        polars_ensure!(
            left_on.len() == right_on.len(),
            InvalidOperation:
                "join keys expanded to a different number of expressions (left: {}, right: {})",
            left_on.len(),
            right_on.len(),
        );

        #[cfg(feature = "asof_join")]
        if let JoinType::AsOf(asof_options) = &options.args.how {
            polars_ensure!(
                left_on.len() == 1,
                InvalidOperation:
                "'asof_join' expects exactly one join key after expression expansion, got {}",
                left_on.len(),
            );
            match (&asof_options.left_by, &asof_options.right_by) {
                (None, None) => {},
                (Some(l), Some(r)) => {
                    polars_ensure!(
                        l.len() == r.len(),
                        InvalidOperation: "expected equal number of columns in `by_left` ({}) and `by_right` ({}) in `asof_join`",
                        l.len(), r.len()
                    );
                    validate_columns_in_input(l, &schema_left, "asof_join")?;
                    validate_columns_in_input(r, &schema_right, "asof_join")?;
                },
                _ => {
                    polars_bail!(InvalidOperation: "expected both 'by_left' and 'by_right' to be set in 'asof_join'")
                },
            }
        }

        let turn_off_coalesce = left_on
            .iter()
            .chain(&right_on)
            .any(|e| !matches!(e, Expr::Column(_)));
        if turn_off_coalesce {
            if matches!(options.args.coalesce, JoinCoalesce::CoalesceColumns) {
                polars_warn!(
                    "coalescing join requested but not all join keys are column references, turning off key coalescing"
                );
            }
            options.args.coalesce = JoinCoalesce::KeepColumns;
        }

        options.args.validation.is_valid_join(&options.args.how)?;
    }

    let mut left_on = to_join_expr_irs(left_on, &schema_left, ctxt.expr_arena, ctxt.opt_flags)?;
    let mut right_on = to_join_expr_irs(right_on, &schema_right, ctxt.expr_arena, ctxt.opt_flags)?;
    #[cfg(feature = "iejoin")]
    let check = !matches!(options.args.how, JoinType::IEJoin);
    #[cfg(not(feature = "iejoin"))]
    let check = true;
    if check && left_on.len() > 1 {
        let mut joined_on = PlIndexSet::with_capacity(left_on.len());
        for (l, r) in left_on.iter().zip(right_on.iter()) {
            polars_ensure!(
                joined_on.insert((l.output_name(), r.output_name())),
                InvalidOperation: "joining with repeated key names; already joined on {} and {}",
                l.output_name(),
                r.output_name()
            )
        }
    }

    ctxt.conversion_optimizer
        .fill_scratch(&left_on, ctxt.expr_arena);
    ctxt.conversion_optimizer
        .optimize_exprs(ctxt.expr_arena, ctxt.lp_arena, input_left, true)
        .context("'join' failed")?;
    ctxt.conversion_optimizer
        .fill_scratch(&right_on, ctxt.expr_arena);
    ctxt.conversion_optimizer
        .optimize_exprs(ctxt.expr_arena, ctxt.lp_arena, input_right, true)
        .context("'join' failed")?;

    // Re-evaluate because of mutable borrows earlier.
    let schema_left = ctxt.lp_arena.get(input_left).schema(ctxt.lp_arena);
    let schema_right = ctxt.lp_arena.get(input_right).schema(ctxt.lp_arena);

    // Inner-joining on the same non-null constant on both sides pairs every row with every
    // row: a cross join (unless the key multiplicity is to be validated).
    let same_constant_key = |l: &ExprIR, r: &ExprIR| match (
        ctxt.expr_arena.get(l.node()),
        ctxt.expr_arena.get(r.node()),
    ) {
        (AExpr::Literal(l), AExpr::Literal(r)) => l.is_scalar() && !l.is_null() && l == r,
        _ => false,
    };
    if options.args.how == JoinType::Inner
        && options.args.validation == JoinValidation::ManyToMany
        && left_on
            .iter()
            .zip(&right_on)
            .all(|(l, r)| same_constant_key(l, r))
    {
        options.args.how = JoinType::Cross;
        left_on.clear();
        right_on.clear();
    }

    // # Resolve scalars
    //
    // Materialize scalar keys so schema resolution and coalescing see named columns.

    let has_scalars = left_on
        .iter()
        .chain(right_on.iter())
        .any(|e| e.is_scalar(ctxt.expr_arena));

    let (schema_left, schema_right) = if has_scalars {
        let mut as_with_columns_l = vec![];
        let mut as_with_columns_r = vec![];
        for (i, e) in left_on.iter().enumerate() {
            if e.is_scalar(ctxt.expr_arena) {
                as_with_columns_l.push((i, e.clone()));
            }
        }
        for (i, e) in right_on.iter().enumerate() {
            if e.is_scalar(ctxt.expr_arena) {
                as_with_columns_r.push((i, e.clone()));
            }
        }

        let mut count = 0;
        let get_tmp_name = |i| format_pl_smallstr!("{POLARS_TMP_PREFIX}{i}");

        // Early clone because of bck.
        let mut schema_right_new = if !as_with_columns_r.is_empty() {
            (**schema_right).clone()
        } else {
            Default::default()
        };
        if !as_with_columns_l.is_empty() {
            let mut schema_left_new = (**schema_left).clone();

            let mut exprs = Vec::with_capacity(as_with_columns_l.len());
            for (i, mut e) in as_with_columns_l {
                let tmp_name = get_tmp_name(count);
                count += 1;
                e.set_alias(tmp_name.clone());
                let dtype = e.dtype(&schema_left_new, ctxt.expr_arena)?;
                schema_left_new.with_column(tmp_name.clone(), dtype.clone());

                let col = ctxt.expr_arena.add(AExpr::Column(tmp_name));
                left_on[i] = ExprIR::from_node(col, ctxt.expr_arena);
                exprs.push(e);
            }
            input_left = ctxt.lp_arena.add(IR::HStack {
                input: input_left,
                exprs,
                schema: Arc::new(schema_left_new),
                options: ProjectionOptions::default(),
            })
        }
        if !as_with_columns_r.is_empty() {
            let mut exprs = Vec::with_capacity(as_with_columns_r.len());
            for (i, mut e) in as_with_columns_r {
                let tmp_name = get_tmp_name(count);
                count += 1;
                e.set_alias(tmp_name.clone());
                let dtype = e.dtype(&schema_right_new, ctxt.expr_arena)?;
                schema_right_new.with_column(tmp_name.clone(), dtype.clone());

                let col = ctxt.expr_arena.add(AExpr::Column(tmp_name));
                right_on[i] = ExprIR::from_node(col, ctxt.expr_arena);
                exprs.push(e);
            }
            input_right = ctxt.lp_arena.add(IR::HStack {
                input: input_right,
                exprs,
                schema: Arc::new(schema_right_new),
                options: ProjectionOptions::default(),
            })
        }

        (
            ctxt.lp_arena.get(input_left).schema(ctxt.lp_arena),
            ctxt.lp_arena.get(input_right).schema(ctxt.lp_arena),
        )
    } else {
        (schema_left, schema_right)
    };

    // Not a closure to avoid borrow issues because we mutate expr_arena as well.
    macro_rules! get_dtype {
        ($expr:expr, $schema:expr) => {
            ctxt.expr_arena
                .get($expr.node())
                .to_dtype(&ToFieldContext::new(ctxt.expr_arena, $schema))
        };
    }

    // As an optimization, when inserting casts for coalescing joins we only insert them beforehand for full-join.
    // This means for e.g. left-join, the LHS key preserves its dtype in the output even if it is joined
    // with an RHS key of wider type.
    let key_cols_coalesced =
        options.args.should_coalesce() && matches!(&options.args.how, JoinType::Full);
    let mut as_with_columns_l = vec![];
    let mut as_with_columns_r = vec![];
    for (lnode, rnode) in left_on.iter_mut().zip(right_on.iter_mut()) {
        let ltype = get_dtype!(lnode, &schema_left)?;
        let rtype = get_dtype!(rnode, &schema_right)?;

        if let Some(dtype) = get_numeric_upcast_supertype_lossless(&ltype, &rtype) {
            // We use overflowing cast to allow better optimization as we are casting to a known
            // lossless supertype.
            //
            // We have unique references to these nodes (they are created by this function),
            // so we can mutate in-place without causing side effects somewhere else.
            let casted_l = ctxt.expr_arena.add(AExpr::Cast {
                expr: lnode.node(),
                dtype: dtype.clone(),
                options: CastOptions::Overflowing,
            });
            let casted_r = ctxt.expr_arena.add(AExpr::Cast {
                expr: rnode.node(),
                dtype,
                options: CastOptions::Overflowing,
            });

            if key_cols_coalesced {
                let mut lnode = lnode.clone();
                let mut rnode = rnode.clone();

                let ae_l = ctxt.expr_arena.get(lnode.node());
                let ae_r = ctxt.expr_arena.get(rnode.node());

                polars_ensure!(
                    ae_l.is_col() && ae_r.is_col(),
                    SchemaMismatch: "can only 'coalesce' full join if join keys are column expressions",
                );

                lnode.set_node(casted_l);
                rnode.set_node(casted_r);

                as_with_columns_r.push(rnode);
                as_with_columns_l.push(lnode);
            } else {
                lnode.set_node(casted_l);
                rnode.set_node(casted_r);
            }
        } else {
            polars_ensure!(
                ltype == rtype,
                SchemaMismatch: "datatypes of join keys don't match - `{}`: {} on left does not match `{}`: {} on right (and no other type was available to cast to)",
                lnode.output_name(), ltype.pretty_format(), rnode.output_name(), rtype.pretty_format()
            );
        }
    }

    // Every expression must be elementwise so that we are
    // guaranteed the keys for a join are all the same length.

    polars_ensure!(
        all_elementwise(&left_on, ctxt.expr_arena) && all_elementwise(&right_on, ctxt.expr_arena),
        InvalidOperation: "all join key expressions must be elementwise."
    );

    #[cfg(feature = "asof_join")]
    if let JoinType::AsOf(options) = &mut options.args.how {
        use polars_core::utils::polars_arrow::temporal_conversions::MILLISECONDS_IN_DAY;

        let key_dtype = || {
            ctxt.expr_arena
                .get(left_on[0].node())
                .to_dtype(&ToFieldContext::new(ctxt.expr_arena, &schema_left))
        };

        // prepare the tolerance
        // we must ensure that we use the right units
        if let Some(tol) = &options.tolerance_str {
            let duration = polars_defs::time::duration::Duration::try_parse(tol)?;
            polars_ensure!(
                duration.months() == 0,
                ComputeError: "cannot use month offset in timedelta of an asof join; \
                consider using 4 weeks"
            );
            use DataType::*;
            match key_dtype()? {
                Datetime(tu, _) | Duration(tu) => {
                    let tolerance = duration.duration(tu);
                    options.tolerance = Some(Scalar::from(tolerance))
                },
                Date => {
                    let days = (duration.duration_ms() / MILLISECONDS_IN_DAY) as i32;
                    options.tolerance = Some(Scalar::from(days))
                },
                Time => {
                    let tolerance = duration.duration_ns();
                    options.tolerance = Some(Scalar::from(tolerance))
                },
                _ => {
                    panic!(
                        "can only use timedelta string language with Date/Datetime/Duration/Time dtypes"
                    )
                },
            }
        }

        if let Some(tolerance) = &options.tolerance
            && let Some(normalized) = normalize_asof_tolerance(tolerance, &key_dtype()?)
        {
            options.tolerance = Some(normalized);
        }
    }

    // The coalesced key columns are replaced by their upcast versions.
    if !as_with_columns_l.is_empty() {
        input_left = IRBuilder::new(input_left, ctxt.expr_arena, ctxt.lp_arena)
            .with_columns(as_with_columns_l, ProjectionOptions::default())
            .node();
    }
    if !as_with_columns_r.is_empty() {
        input_right = IRBuilder::new(input_right, ctxt.expr_arena, ctxt.lp_arena)
            .with_columns(as_with_columns_r, ProjectionOptions::default())
            .node();
    }
    // These are Arc<Schema>, into_owned is free.
    let schema_left = ctxt
        .lp_arena
        .get(input_left)
        .schema(ctxt.lp_arena)
        .into_owned();
    let schema_right = ctxt
        .lp_arena
        .get(input_right)
        .schema(ctxt.lp_arena)
        .into_owned();

    options.options = {
        let on = left_on.into_iter().zip(right_on).collect();
        match &options.args.how {
            #[cfg(feature = "asof_join")]
            JoinType::AsOf(_) => JoinTypeOptionsIR::AsOf { on },
            _ => JoinTypeOptionsIR::Equi {
                on,
                fused_predicate: None,
            },
        }
    };

    let join_schema = det_join_schema(&schema_left, &schema_right, &options)
        .context(failed_here!(join schema resolving))?;

    let ir = IR::Join {
        input_left,
        input_right,
        schema: join_schema.clone(),
        options: Arc::new(options),
    };
    let join_node = ctxt.lp_arena.add(ir);

    if has_scalars {
        let names = join_schema
            .iter_names()
            .filter_map(|n| {
                if n.starts_with(POLARS_TMP_PREFIX) {
                    None
                } else {
                    Some(n.clone())
                }
            })
            .collect_vec();

        let builder = IRBuilder::new(join_node, ctxt.expr_arena, ctxt.lp_arena);
        let ir = builder.project_simple(names).map(|b| b.build())?;
        let select_node = ctxt.lp_arena.add(ir);

        Ok((select_node, join_node))
    } else {
        Ok((join_node, join_node))
    }
}

#[cfg(feature = "iejoin")]
impl From<InequalityOperator> for Operator {
    fn from(value: InequalityOperator) -> Self {
        match value {
            InequalityOperator::LtEq => Operator::LtEq,
            InequalityOperator::Lt => Operator::Lt,
            InequalityOperator::GtEq => Operator::GtEq,
            InequalityOperator::Gt => Operator::Gt,
        }
    }
}

#[cfg(feature = "iejoin")]
/// Returns: left: join_node, right: last_node (often both the same)
fn resolve_join_where(
    input_left: Arc<DslPlan>,
    input_right: Arc<DslPlan>,
    predicates: Vec<Expr>,
    mut options: JoinOptionsIR,
    ctxt: &mut DslConversionContext,
) -> PolarsResult<(Node, Node)> {
    polars_ensure!(
        options.args.how.supports_non_equi(),
        InvalidOperation:
        "'{}' join is not supported with non-equi join conditions",
        options.args.how,
    );

    // If not eager, respect the flag.
    if ctxt.opt_flags.eager() {
        ctxt.opt_flags.set(OptFlags::PREDICATE_PUSHDOWN, true);
    }
    check_join_keys(&predicates)?;
    let input_left =
        to_alp_impl(Arc::unwrap_or_clone(input_left), ctxt).context(failed_here!(join left))?;
    let input_right =
        to_alp_impl(Arc::unwrap_or_clone(input_right), ctxt).context(failed_here!(join left))?;

    let schema_left = ctxt
        .lp_arena
        .get(input_left)
        .schema(ctxt.lp_arena)
        .into_owned();

    // We start assuming a cross join. Take the how, to keep join information.
    let how = std::mem::replace(&mut options.args.how, JoinType::Cross);
    // Left and right joins coalesce. We don't want that in join_where.
    options.args.coalesce = JoinCoalesce::KeepColumns;

    let (mut last_node, join_node) = resolve_join(
        Either::Right(input_left),
        Either::Right(input_right),
        Default::default(),
        options,
        ctxt,
    )?;

    let schema_merged = ctxt
        .lp_arena
        .get(last_node)
        .schema(ctxt.lp_arena)
        .into_owned();

    // Perform predicate validation.
    let mut upcast_exprs = Vec::<(Node, DataType)>::new();
    let mut resolved = Vec::with_capacity(predicates.len());
    for e in predicates {
        let arena = &mut ctxt.expr_arena;
        let predicate = to_expr_ir_materialized_lit(
            e,
            &mut ExprToIRContext::new_with_opt_eager(arena, &schema_merged, ctxt.opt_flags),
        )?;
        let node = predicate.node();

        // Ensure the predicate dtype output of the root node is Boolean
        let ae = arena.get(node);
        let dt_out = ae.to_dtype(&ToFieldContext::new(arena, &schema_merged))?;
        polars_ensure!(
            dt_out == DataType::Boolean,
            ComputeError: "'join_where' predicates must resolve to boolean"
        );

        ensure_lossless_binary_comparisons(
            &node,
            &schema_left,
            &schema_merged,
            arena,
            &mut upcast_exprs,
        )?;

        ctxt.conversion_optimizer
            .push_scratch(predicate.node(), ctxt.expr_arena);

        resolved.push(predicate);
    }

    let node = resolved
        .iter()
        .map(|e| e.node())
        .reduce(|left, right| {
            ctxt.expr_arena.add(AExpr::BinaryExpr {
                left,
                op: Operator::And,
                right,
            })
        })
        .expect("'join_where' requires at least one predicate");

    if how.is_inner() {
        // Use the filter splitter so aggregates see the full join input,
        // regardless of the predicate order.
        let predicates = if ctxt.opt_flags.predicate_pushdown() {
            SplitPredicates::new(node, ctxt.expr_arena, None, ctxt.pushdown_maintain_errors).map(
                |SplitPredicates { pushable, fallible }| {
                    pushable.into_iter().chain(fallible).collect::<Vec<_>>()
                },
            )
        } else {
            None
        };
        for node in predicates.unwrap_or_else(|| vec![node]) {
            last_node = ctxt.lp_arena.add(IR::Filter {
                input: last_node,
                predicate: ExprIR::from_node(node, ctxt.expr_arena),
            });
        }
    } else {
        // Outer ON conditions must retain unmatched rows.
        let predicate = ExprIR::from_node(node, ctxt.expr_arena);
        let IR::Join { options, .. } = ctxt.lp_arena.get(join_node) else {
            unreachable!()
        };
        let mut new_options = (**options).clone();
        new_options.args.how = how;
        new_options.options = JoinTypeOptionsIR::CrossAndFilter { predicate };

        let IR::Join { options, .. } = ctxt.lp_arena.get_mut(join_node) else {
            unreachable!()
        };
        *options = Arc::new(new_options);
    }

    ctxt.conversion_optimizer
        .optimize_exprs(ctxt.expr_arena, ctxt.lp_arena, last_node, false)
        .context("'join_where' failed")?;

    Ok((last_node, join_node))
}

/// Locate nodes that are operands in a binary comparison involving both tables, and ensure that
/// these nodes are losslessly upcast to a safe dtype.
fn ensure_lossless_binary_comparisons(
    node: &Node,
    schema_left: &Schema,
    schema_merged: &Schema,
    expr_arena: &mut Arena<AExpr>,
    upcast_exprs: &mut Vec<(Node, DataType)>,
) -> PolarsResult<()> {
    // let mut upcast_exprs = Vec::<(Node, DataType)>::new();
    // Ensure that all binary comparisons that use both tables are lossless.
    build_upcast_node_list(node, schema_left, schema_merged, expr_arena, upcast_exprs)?;
    // Replace each node with its casted counterpart
    for (expr, dtype) in upcast_exprs.drain(..) {
        let old_expr = expr_arena.duplicate(expr);
        let new_aexpr = AExpr::Cast {
            expr: old_expr,
            dtype,
            options: CastOptions::Overflowing,
        };
        expr_arena.replace(expr, new_aexpr);
    }
    Ok(())
}

/// If we are dealing with a binary comparison involving columns from exclusively the left table
/// on the LHS and the right table on the RHS side, ensure that the cast is lossless.
/// Expressions involving binaries using either table alone we leave up to the user to verify
/// that they are valid, as they could theoretically be pushed outside of the join.
#[recursive]
fn build_upcast_node_list(
    node: &Node,
    schema_left: &Schema,
    schema_merged: &Schema,
    expr_arena: &Arena<AExpr>,
    to_replace: &mut Vec<(Node, DataType)>,
) -> PolarsResult<ExprOrigin> {
    let expr_origin = match expr_arena.get(*node) {
        AExpr::Column(name) => {
            if schema_left.contains(name) {
                ExprOrigin::Left
            } else if schema_merged.contains(name) {
                ExprOrigin::Right
            } else {
                return Err(schema_merged.column_not_found_err(name));
            }
        },
        AExpr::Literal(..) => ExprOrigin::None,
        AExpr::Cast { expr: node, .. } => {
            build_upcast_node_list(node, schema_left, schema_merged, expr_arena, to_replace)?
        },
        AExpr::BinaryExpr {
            left: left_node,
            op,
            right: right_node,
        } => {
            // If left and right node has both, ensure the dtypes are valid.
            let left_origin = build_upcast_node_list(
                left_node,
                schema_left,
                schema_merged,
                expr_arena,
                to_replace,
            )?;
            let right_origin = build_upcast_node_list(
                right_node,
                schema_left,
                schema_merged,
                expr_arena,
                to_replace,
            )?;
            // We only update casts during comparisons if the operands are from different tables.
            if op.is_comparison() {
                match (left_origin, right_origin) {
                    (ExprOrigin::Left, ExprOrigin::Right)
                    | (ExprOrigin::Right, ExprOrigin::Left) => {
                        // Ensure our dtype casts are lossless
                        let left = expr_arena.get(*left_node);
                        let right = expr_arena.get(*right_node);
                        let dtype_left =
                            left.to_dtype(&ToFieldContext::new(expr_arena, schema_merged))?;
                        let dtype_right =
                            right.to_dtype(&ToFieldContext::new(expr_arena, schema_merged))?;
                        // A decimal compares exactly with another decimal or an integer, and
                        // a cast to a common decimal type can overflow.
                        let is_exact = |dt: &DataType| dt.is_decimal() || dt.is_integer();
                        let decimal_compare = (dtype_left.is_decimal() || dtype_right.is_decimal())
                            && is_exact(&dtype_left)
                            && is_exact(&dtype_right);
                        if dtype_left != dtype_right && !decimal_compare {
                            // Ensure that we have a lossless cast between the two types.
                            // Decimal has no lossless numeric upcast.
                            let either_decimal =
                                dtype_left.is_decimal() || dtype_right.is_decimal();
                            let dt = if !either_decimal
                                && (dtype_left.is_primitive_numeric()
                                    || dtype_right.is_primitive_numeric())
                            {
                                get_numeric_upcast_supertype_lossless(&dtype_left, &dtype_right)
                                    .ok_or(PolarsError::SchemaMismatch(
                                        format!(
                                            "'join_where' cannot compare {dtype_left:?} with {dtype_right:?}"
                                        )
                                        .into(),
                                    ))
                            } else {
                                try_get_supertype(&dtype_left, &dtype_right)
                            }?;

                            // Store the nodes and their replacements if a cast is required.
                            let replace_left = dt != dtype_left;
                            let replace_right = dt != dtype_right;
                            if replace_left && replace_right {
                                to_replace.push((*left_node, dt.clone()));
                                to_replace.push((*right_node, dt));
                            } else if replace_left {
                                to_replace.push((*left_node, dt));
                            } else if replace_right {
                                to_replace.push((*right_node, dt));
                            }
                        }
                    },
                    _ => (),
                }
            }
            left_origin | right_origin
        },
        _ => ExprOrigin::None,
    };
    Ok(expr_origin)
}

/// The tolerance of an asof join on integer keys (by physical type) as the largest distance
/// two matching keys may have: an unsigned value, capped at the largest distance two keys of
/// that type can have. The asof engines accept this form, and the optimizer relies on it.
#[cfg(feature = "asof_join")]
fn normalize_asof_tolerance(tolerance: &Scalar, key_dtype: &DataType) -> Option<Scalar> {
    let max_distance = match key_dtype.to_physical() {
        DataType::Int8 | DataType::UInt8 => u8::MAX as u128,
        DataType::Int16 | DataType::UInt16 => u16::MAX as u128,
        DataType::Int32 | DataType::UInt32 => u32::MAX as u128,
        DataType::Int64 | DataType::UInt64 => u64::MAX as u128,
        _ => return None,
    };
    let value = tolerance.as_any_value();
    let distance = match value.extract::<i128>() {
        Some(v) => v.unsigned_abs(),
        None => value.extract::<u128>()?,
    };
    Some(Scalar::from(distance.min(max_distance) as u64))
}
