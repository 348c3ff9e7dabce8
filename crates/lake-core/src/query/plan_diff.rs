//! Two plans compared: two runs of one query, or two queries. Nodes are matched (same kind on
//! the same datasets doing the same thing first, then the same kind on the same datasets, then
//! the same kind and title), and each pair says what changed: rows, time, estimate, flags and
//! what it does. Nodes only in the first plan are removed, nodes only in the second added.

use std::collections::HashSet;

use serde::Serialize;

use super::plan::{PlanNode, QueryPlan};
use super::plan_html::rows as count;

/// How a node fared from the first plan to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DiffStatus {
    /// In both, nothing worth saying changed.
    Same,
    /// In both, with changes.
    Changed,
    /// Only in the second plan.
    Added,
    /// Only in the first plan.
    Removed,
}

/// One row of a diff: a node of either plan, or a matched pair.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiffRow {
    /// What happened to it.
    pub status: DiffStatus,
    /// Its id in the first plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub a: Option<u32>,
    /// Its id in the second plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub b: Option<u32>,
    /// Its title (the second plan's where both have it).
    pub label: String,
    /// The changes in words: `rows 1,234 → 56`, `time 5.0 → 12.3 ms (+146%)`, `+ pruned_files=3/10`.
    pub changes: Vec<String>,
}

/// Two plans compared.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanDiff {
    /// Every node, first plan order, with the added ones after the node they follow.
    pub rows: Vec<DiffRow>,
    /// One line: total time, and how many nodes were added, removed and changed.
    pub summary: String,
}

fn flat(root: &PlanNode) -> Vec<&PlanNode> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let n = out[i];
        // Pre-order: children right after their parent's subtree position.
        let at = i + 1;
        for (k, c) in n.children.iter().enumerate() {
            out.insert(at + k, c);
        }
        i += 1;
    }
    out
}

fn sorted_tables(n: &PlanNode) -> Vec<String> {
    let mut t = n.tables.clone();
    t.sort();
    t
}

/// Keys from the strictest to the loosest.
fn key(n: &PlanNode, level: usize) -> String {
    match level {
        0 => format!("{}|{:?}|{}", n.kind, sorted_tables(n), n.detail),
        1 => format!("{}|{:?}", n.kind, sorted_tables(n)),
        _ => format!("{}|{}", n.kind, n.label),
    }
}

fn ms(t: f64) -> String {
    format!("{t:.1} ms")
}

/// What changed between two matched nodes.
fn changes(a: &PlanNode, b: &PlanNode) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(x), Some(y)) = (a.actual_rows, b.actual_rows) {
        if x != y {
            out.push(format!("rows {} → {}", count(x), count(y)));
        }
    }
    if let (Some(x), Some(y)) = (a.est_rows, b.est_rows) {
        if x != y {
            out.push(format!("estimate {} → {}", count(x), count(y)));
        }
    }
    if let (Some(x), Some(y)) = (a.time_ms, b.time_ms) {
        // Timer noise: under a millisecond, or within a quarter, is no change.
        let d = y - x;
        if d.abs() >= 1.0 && d.abs() >= 0.25 * x.max(y) {
            // A share of a time under a millisecond says nothing.
            let pct = if x >= 1.0 {
                format!(" ({:+.0}%)", 100.0 * d / x)
            } else {
                String::new()
            };
            out.push(format!("time {} → {}{pct}", ms(x), ms(y)));
        }
    }
    let fa: HashSet<&String> = a.flags.iter().collect();
    let fb: HashSet<&String> = b.flags.iter().collect();
    out.extend(
        b.flags
            .iter()
            .filter(|f| !fa.contains(f))
            .map(|f| format!("+ {f}")),
    );
    out.extend(
        a.flags
            .iter()
            .filter(|f| !fb.contains(f))
            .map(|f| format!("− {f}")),
    );
    if a.detail != b.detail {
        out.push(format!("was: {}", a.detail));
    }
    out
}

/// Compares plan `a` (before) with plan `b` (after).
pub fn diff(a: &QueryPlan, b: &QueryPlan) -> PlanDiff {
    let na = flat(&a.root);
    let nb = flat(&b.root);
    let mut pair_of_a: Vec<Option<usize>> = vec![None; na.len()];
    let mut taken_b = vec![false; nb.len()];
    // The roots are one result either way.
    if !na.is_empty() && !nb.is_empty() {
        pair_of_a[0] = Some(0);
        taken_b[0] = true;
    }
    for level in 0..3 {
        for (i, x) in na.iter().enumerate() {
            if pair_of_a[i].is_some() {
                continue;
            }
            let k = key(x, level);
            if let Some(j) = (0..nb.len()).find(|&j| !taken_b[j] && key(nb[j], level) == k) {
                pair_of_a[i] = Some(j);
                taken_b[j] = true;
            }
        }
    }
    let mut rows = Vec::new();
    let (mut added, mut removed, mut changed) = (0, 0, 0);
    for (i, x) in na.iter().enumerate() {
        match pair_of_a[i] {
            Some(j) => {
                let y = nb[j];
                let c = changes(x, y);
                let status = if c.is_empty() {
                    DiffStatus::Same
                } else {
                    changed += 1;
                    DiffStatus::Changed
                };
                rows.push(DiffRow {
                    status,
                    a: Some(x.id),
                    b: Some(y.id),
                    label: y.label.clone(),
                    changes: c,
                });
            }
            None => {
                removed += 1;
                rows.push(DiffRow {
                    status: DiffStatus::Removed,
                    a: Some(x.id),
                    b: None,
                    label: x.label.clone(),
                    changes: Vec::new(),
                });
            }
        }
    }
    for (j, y) in nb.iter().enumerate() {
        if taken_b[j] {
            continue;
        }
        added += 1;
        // After the row of its parent in the second plan, or at the end.
        let parent = nb
            .iter()
            .find(|p| p.children.iter().any(|c| c.id == y.id))
            .map(|p| p.id);
        let at = parent
            .and_then(|p| rows.iter().position(|r| r.b == Some(p)))
            .map_or(rows.len(), |i| i + 1);
        rows.insert(
            at,
            DiffRow {
                status: DiffStatus::Added,
                a: None,
                b: Some(y.id),
                label: y.label.clone(),
                changes: Vec::new(),
            },
        );
    }
    let time = match (a.total_ms, b.total_ms) {
        (Some(x), Some(y)) => format!("total {} → {}", ms(x), ms(y)),
        _ => "not both analyzed".to_string(),
    };
    PlanDiff {
        rows,
        summary: format!("{time}; nodes: {added} added, {removed} removed, {changed} changed"),
    }
}

impl PlanDiff {
    /// The diff as text: `=` same, `~` changed, `+` added, `-` removed.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for r in &self.rows {
            let mark = match r.status {
                DiffStatus::Same => '=',
                DiffStatus::Changed => '~',
                DiffStatus::Added => '+',
                DiffStatus::Removed => '-',
            };
            s.push_str(&format!("{mark} {}", r.label));
            if !r.changes.is_empty() {
                s.push_str(&format!("  [{}]", r.changes.join("; ")));
            }
            s.push('\n');
        }
        s.push_str(&self.summary);
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(
        id: u32,
        kind: &str,
        table: &str,
        rows: u64,
        ms: f64,
        children: Vec<PlanNode>,
    ) -> PlanNode {
        PlanNode {
            id,
            kind: kind.into(),
            label: format!("{kind} {table}"),
            detail: format!("{kind} of {table}"),
            raw: String::new(),
            tables: vec![table.into()],
            est_rows: Some(rows),
            actual_rows: Some(rows),
            time_ms: Some(ms),
            flags: vec![],
            children,
        }
    }

    fn plan(root: PlanNode, total: f64) -> QueryPlan {
        QueryPlan {
            root,
            analyzed: true,
            total_ms: Some(total),
            rules_fired: vec![],
            cached: false,
        }
    }

    #[test]
    fn matches_nodes_and_says_what_was_added_removed_and_changed() {
        let a = plan(
            node(
                0,
                "Aggregate",
                "t",
                10,
                5.0,
                vec![node(
                    1,
                    "Filter",
                    "t",
                    100,
                    2.0,
                    vec![node(2, "Scan", "t", 1_000, 40.0, vec![])],
                )],
            ),
            50.0,
        );
        // The filter moved into the scan (pruned), and a sort was added on top.
        let mut scan = node(2, "Scan", "t", 100, 8.0, vec![]);
        scan.flags.push("pruned_row_groups=9/10".into());
        let b = plan(
            node(
                0,
                "Sort",
                "t",
                10,
                0.5,
                vec![node(1, "Aggregate", "t", 10, 5.2, vec![scan])],
            ),
            15.0,
        );
        let d = diff(&a, &b);
        let text = d.to_text();
        let by = |label: &str| {
            d.rows
                .iter()
                .find(|r| r.label == label)
                .unwrap_or_else(|| panic!("{text}"))
        };
        // The roots pair up whatever they are.
        assert_eq!(d.rows[0].a, Some(0));
        assert_eq!(d.rows[0].b, Some(0));
        assert_eq!(by("Aggregate t").status, DiffStatus::Added, "{text}");
        assert_eq!(by("Filter t").status, DiffStatus::Removed, "{text}");
        let s = by("Scan t");
        assert_eq!(s.status, DiffStatus::Changed);
        assert!(
            s.changes.contains(&"rows 1,000 → 100".to_string()),
            "{:?}",
            s.changes
        );
        assert!(
            s.changes
                .contains(&"time 40.0 ms → 8.0 ms (-80%)".to_string()),
            "{:?}",
            s.changes
        );
        assert!(
            s.changes.contains(&"+ pruned_row_groups=9/10".to_string()),
            "{:?}",
            s.changes
        );
        assert_eq!(
            d.summary,
            "total 50.0 ms → 15.0 ms; nodes: 1 added, 1 removed, 2 changed"
        );
        // The same plan against itself: all the same, timer noise ignored.
        let mut again = a.clone();
        again.root.time_ms = Some(5.4);
        let same = diff(&a, &again);
        assert!(
            same.rows.iter().all(|r| r.status == DiffStatus::Same),
            "{}",
            same.to_text()
        );
    }
}
