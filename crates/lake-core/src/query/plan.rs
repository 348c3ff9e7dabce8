//! EXPLAIN and EXPLAIN ANALYZE: the optimized plan as a tree of nodes with estimated rows from
//! the catalog's statistics, flags for pruning and pushdown, and, under ANALYZE, the actual rows
//! and time of every node.

use std::sync::Arc;
use std::time::Instant;

use polars::prelude::*;
use polars_plan::plans::{write_ir_non_recursive, IRPlan, IR};
use polars_plan::prelude::OptFlags;
use polars_utils::arena::Node;
use serde::{Deserialize, Serialize};

use super::estimate::dataset_of_path;
use super::{collect_cancellable, Prepared, QueryOptions, ScanChoice};
use crate::error::{LakeError, Result};

/// One node of a plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanNode {
    /// Position in a pre-order walk, from 0.
    pub id: u32,
    /// What the node does (`Scan`, `Filter`, `Join`, `Aggregate`, ...).
    pub kind: String,
    /// Its title for people: `Scan lineitem`, `Join (lineitem ⋈ orders)`.
    #[serde(default)]
    pub label: String,
    /// Its details in SQL words: columns, conditions, keys (`plan_text`).
    pub detail: String,
    /// The engine's own text of the node.
    #[serde(default)]
    pub raw: String,
    /// The datasets read at or below it.
    #[serde(default)]
    pub tables: Vec<String>,
    /// Estimated rows out, from catalog statistics.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub est_rows: Option<u64>,
    /// Actual rows out (ANALYZE).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub actual_rows: Option<u64>,
    /// Time spent in this node alone (ANALYZE), in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub time_ms: Option<f64>,
    /// What a user cares about: `pruned_files=3/10`, `projection_pushdown`, `predicate_pushdown`.
    #[serde(default)]
    pub flags: Vec<String>,
    /// Inputs.
    #[serde(default)]
    pub children: Vec<PlanNode>,
}

/// A whole plan: `{"root": Node}` plus totals.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QueryPlan {
    /// The top node.
    pub root: PlanNode,
    /// Whether actual rows and times were measured.
    pub analyzed: bool,
    /// Total time of the query (ANALYZE), in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub total_ms: Option<f64>,
    /// The optimizer rules that changed the plan.
    #[serde(default)]
    pub rules_fired: Vec<String>,
    /// A run of this query now would be answered from the result cache (its datasets are at
    /// the versions the kept answer read), not by this plan.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub cached: bool,
}

fn kind_of(ir: &IR) -> &'static str {
    match ir {
        IR::Scan { .. } => "Scan",
        IR::DataFrameScan { .. } => "InMemoryScan",
        IR::Filter { .. } => "Filter",
        IR::Select { .. } | IR::SimpleProjection { .. } => "Project",
        IR::HStack { .. } => "WithColumns",
        IR::Sort { .. } => "Sort",
        IR::GroupBy { .. } => "Aggregate",
        IR::Join { .. } => "Join",
        IR::Slice { .. } => "Limit",
        IR::Distinct { .. } => "Distinct",
        IR::Union { .. } => "Union",
        IR::HConcat { .. } => "HConcat",
        IR::MapFunction { .. } => "Map",
        IR::Cache { .. } => "Cache",
        IR::Sink { .. } | IR::SinkMultiple { .. } => "Output",
        _ => "Other",
    }
}

/// `s` cut to at most `max` bytes, with `…` when it was cut.
fn clip(mut s: String, max: usize) -> String {
    if s.len() > max {
        let cut = (0..=max)
            .rev()
            .find(|i| s.is_char_boundary(*i))
            .unwrap_or(0);
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// A node's title: a scan names its dataset, a join the datasets on each side.
fn label_of(kind: &str, tables: &[String], children: &[PlanNode]) -> String {
    let names = |t: &[String]| match t {
        [] => "…".to_string(),
        [a] => a.clone(),
        [a, b] => format!("{a}, {b}"),
        [a, b, ..] => format!("{a}, {b}, …"),
    };
    match (kind, children) {
        (k, [l, r]) if k.ends_with("Join") => {
            format!("{k} ({} ⋈ {})", names(&l.tables), names(&r.tables))
        }
        (k, []) if k.ends_with("Scan") && !tables.is_empty() => format!("{k} {}", names(tables)),
        (k, _) => k.to_string(),
    }
}

struct Builder<'a> {
    plan: &'a IRPlan,
    est: super::estimate::Estimator<'a>,
    scans: &'a [ScanChoice],
    joins: &'a [super::spatial_join::SpatialJoin],
    next_id: u32,
    nodes: Vec<Node>,
    rules: Vec<String>,
}

impl Builder<'_> {
    fn build(&mut self, node: Node) -> PlanNode {
        let ir = self.plan.lp_arena.get(node);
        let id = self.next_id;
        self.next_id += 1;
        self.nodes.push(node);
        let schema = ir.schema(&self.plan.lp_arena).into_owned();
        let mut raw = String::new();
        let _ = write_ir_non_recursive(&mut raw, ir, &self.plan.expr_arena, &schema, 0);
        let raw = raw.trim().replace('\n', " ");
        let mut detail =
            super::plan_text::describe(ir, &self.plan.expr_arena).unwrap_or_else(|| raw.clone());
        let mut flags = Vec::new();
        let children: Vec<PlanNode> = ir
            .inputs()
            .collect::<Vec<_>>()
            .into_iter()
            .map(|c| self.build(c))
            .collect();
        let est_rows = Some(self.est.rows(node));
        if let IR::Scan {
            sources,
            predicate,
            output_schema,
            ..
        } = ir
        {
            let ds = sources
                .first_path()
                .and_then(|p| dataset_of_path(p.as_str()));
            let choice = ds
                .as_ref()
                .and_then(|d| self.scans.iter().find(|s| &s.dataset == d));
            let cols = output_schema
                .as_ref()
                .map(|s| {
                    s.iter_names()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "*".into());
            if let Some(c) = choice {
                let pruned = c.total - c.kept.len();
                flags.push(format!("pruned_files={pruned}/{}", c.total));
                if pruned > 0 {
                    self.push_rule("file_pruning");
                }
                if let Some((candidates, entries)) = c.rtree {
                    flags.push(format!("rtree candidates={candidates}/{entries}"));
                    self.push_rule("rtree");
                }
                if let Some((pruned, total)) = c.row_groups {
                    flags.push(format!("pruned_row_groups={pruned}/{total}"));
                    if pruned > 0 {
                        self.push_rule("row_group_pruning");
                    }
                }
                detail = format!(
                    "{} ({} of {} files) columns: {cols}",
                    c.dataset,
                    c.kept.len(),
                    c.total
                );
            }
            if output_schema.is_some() {
                flags.push("projection_pushdown".into());
                self.push_rule("projection_pushdown");
            }
            if let Some(p) = predicate {
                flags.push("predicate_pushdown".into());
                self.push_rule("predicate_pushdown");
                let text = super::plan_text::expr(p.node(), &self.plan.expr_arena);
                detail.push_str(&format!(" WHERE {text}"));
            }
        }
        let mut detail = clip(detail, 600);
        let mut kind = kind_of(ir).to_string();
        // An index-only scan (`query::index_only`): the R-tree gave the rows or the count.
        let index_only = self.scans.iter().find(|s| s.index_only);
        if let (IR::DataFrameScan { df, .. }, Some(c)) = (ir, index_only) {
            kind = "IndexOnlyScan".into();
            let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
            let what = match names.as_slice() {
                // A count is one column; rows are the coordinate pair.
                [_] => "count(*)".to_string(),
                n => n.join(", "),
            };
            detail = format!("{}: {what} from its R-tree, no data file read", c.dataset);
            if let Some((candidates, entries)) = c.rtree {
                flags.push(format!("rtree candidates={candidates}/{entries}"));
            }
            flags.push("index_only".into());
            self.push_rule("rtree_index_only");
        }
        // A vector search (`query::vector_search`): the index gave the candidate rows.
        let nearest = self
            .scans
            .iter()
            .find_map(|s| Some((s, s.vector.as_ref()?)));
        if let (IR::DataFrameScan { df, .. }, Some((c, v))) = (ir, nearest) {
            if df.schema().contains(&v.column) {
                kind = "VectorSearch".into();
                let how = if v.exact {
                    format!("compared exactly ({})", v.backend)
                } else {
                    format!("from its {} HNSW index", v.backend)
                };
                let passed = v
                    .filtered
                    .map(|p| format!(", {p} rows passed the WHERE clause"))
                    .unwrap_or_default();
                detail = format!(
                    "{}: the rows nearest by {} on {}, {how}{passed}",
                    c.dataset,
                    v.metric.name(),
                    v.column
                );
                flags.push(format!("backend={}", v.backend));
                flags.push(format!("ef={}", v.ef));
                flags.push(format!("candidates={}/{}", v.candidates.0, v.candidates.1));
                self.push_rule("vector_index");
            }
        }
        // A spatial join (`query::spatial_join`) is a hash join on the R-tree's matches.
        let spatial = self
            .joins
            .iter()
            .find(|j| kind == "Join" && raw.contains(&j.build.key));
        if let Some(j) = spatial {
            kind = "SpatialJoin".into();
            detail = format!(
                "{} ({} read into an R-tree, {} probed)",
                j.text, j.build.dataset, j.probe.dataset
            );
            flags.push("rtree".into());
            self.push_rule("spatial_join");
        }
        let mut tables: Vec<String> = Vec::new();
        match ir {
            IR::Scan { sources, .. } => tables.extend(
                sources
                    .first_path()
                    .and_then(|p| dataset_of_path(p.as_str())),
            ),
            IR::DataFrameScan { .. } => tables.extend(
                index_only
                    .or(nearest.map(|(c, _)| c))
                    .map(|c| c.dataset.clone()),
            ),
            _ => {}
        }
        for t in children.iter().flat_map(|c| &c.tables) {
            if !tables.contains(t) {
                tables.push(t.clone());
            }
        }
        let label = label_of(&kind, &tables, &children);
        PlanNode {
            id,
            kind,
            label,
            detail,
            raw: clip(raw, 2000),
            tables,
            est_rows,
            actual_rows: None,
            time_ms: None,
            flags,
            children,
        }
    }

    fn push_rule(&mut self, r: &str) {
        if !self.rules.iter().any(|x| x == r) {
            self.rules.push(r.to_string());
        }
    }
}

/// A lazy frame that runs just the subtree under `node` of an optimized plan.
fn subtree_frame(plan: &IRPlan, node: Node) -> LazyFrame {
    // The plan is optimized already; eliminating shared subplans again on a piece of it trips
    // over the caches the first pass placed (Polars panics on TPC-H Q21).
    let flags = OptFlags::all() - OptFlags::COMM_SUBPLAN_ELIM - OptFlags::COMM_SUBEXPR_ELIM;
    let lf = LazyFrame::from(DslPlan::IR {
        dsl: Arc::new(DslPlan::default()),
        version: plan.lp_arena.version(),
        node: Some(node),
        opt_flags: Some(flags),
    })
    .with_optimizations(flags);
    lf.set_cached_arena(plan.lp_arena.clone(), plan.expr_arena.clone());
    lf
}

fn fill_actuals(n: &mut PlanNode, measured: &[(u64, f64)]) {
    for c in &mut n.children {
        fill_actuals(c, measured);
    }
    let (rows, ms) = measured[n.id as usize];
    let children_ms: f64 = n.children.iter().map(|c| measured[c.id as usize].1).sum();
    n.actual_rows = Some(rows);
    n.time_ms = Some(((ms - children_ms).max(0.0) * 1000.0).round() / 1000.0);
}

/// Builds the plan of a prepared query, running it under ANALYZE.
pub fn explain(prepared: Prepared, analyze: bool, opts: &QueryOptions) -> Result<QueryPlan> {
    let ir = prepared
        .frame
        .clone()
        .to_alp_optimized()
        .map_err(|e| LakeError::QueryFailed(e.to_string()))?;
    let mut b = Builder {
        plan: &ir,
        est: super::estimate::Estimator::new(&ir, &prepared.scans),
        scans: &prepared.scans,
        joins: &prepared.spatial_joins,
        next_id: 0,
        nodes: Vec::new(),
        rules: Vec::new(),
    };
    let mut root = b.build(ir.lp_top);
    let nodes = std::mem::take(&mut b.nodes);
    let mut rules = prepared.rules.clone();
    rules.extend(std::mem::take(&mut b.rules));
    let mut total_ms = None;
    if analyze {
        // The real run first: its rows and time are what the user gets.
        let t = Instant::now();
        // From the plan already optimized: optimizing the query's frame a second time trips
        // over the shared-subplan caches of the first pass (Polars panics on TPC-H Q21).
        let result = collect_cancellable(subtree_frame(&ir, ir.lp_top), opts)?;
        let total = t.elapsed().as_secs_f64() * 1e3;
        total_ms = Some((total * 1000.0).round() / 1000.0);
        // Then every subtree on its own, for per-node rows and times.
        let mut measured = vec![(0u64, 0f64); nodes.len()];
        measured[0] = (result.height() as u64, total);
        for (i, node) in nodes.iter().enumerate().skip(1) {
            let t = Instant::now();
            let df = collect_cancellable(subtree_frame(&ir, *node), opts)?;
            measured[i] = (df.height() as u64, t.elapsed().as_secs_f64() * 1e3);
        }
        fill_actuals(&mut root, &measured);
    }
    Ok(QueryPlan {
        root,
        analyzed: analyze,
        total_ms,
        rules_fired: rules,
        cached: false,
    })
}

impl QueryPlan {
    /// Drops the engine's text of every node.
    pub fn strip_raw(&mut self) {
        fn walk(n: &mut PlanNode) {
            n.raw.clear();
            n.children.iter_mut().for_each(walk);
        }
        walk(&mut self.root);
    }

    /// The plan as an indented tree.
    pub fn to_text(&self) -> String {
        fn walk(n: &PlanNode, depth: usize, out: &mut String) {
            let mut line = format!("{}{} {}", "  ".repeat(depth), n.kind, n.detail);
            let mut extra = Vec::new();
            if let Some(e) = n.est_rows {
                extra.push(format!("est_rows={e}"));
            }
            if let Some(a) = n.actual_rows {
                extra.push(format!("actual_rows={a}"));
            }
            if let Some(t) = n.time_ms {
                extra.push(format!("time={t:.3}ms"));
            }
            extra.extend(n.flags.iter().cloned());
            if !extra.is_empty() {
                line.push_str(&format!("  [{}]", extra.join(", ")));
            }
            out.push_str(line.trim_end());
            out.push('\n');
            for c in &n.children {
                walk(c, depth + 1, out);
            }
        }
        let mut s = String::new();
        walk(&self.root, 0, &mut s);
        if let Some(t) = self.total_ms {
            s.push_str(&format!("total time: {t:.3} ms\n"));
        }
        if !self.rules_fired.is_empty() {
            s.push_str(&format!("rules fired: {}\n", self.rules_fired.join(", ")));
        }
        if self.cached {
            s.push_str(
                "result cache: a run now is answered from the cache (its datasets are unchanged)\n",
            );
        }
        s
    }

    /// The JSON form the app draws: `{"root": Node, ...}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("plan serializes")
    }
}
