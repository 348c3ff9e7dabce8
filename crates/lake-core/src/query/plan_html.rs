//! A plan as one self-contained HTML file: no script, no font or style fetched, so it opens
//! offline in any browser and can be mailed to a colleague. It shows what the app's plan view
//! shows: where the time went, each node in SQL words with its rows, estimate miss and share of
//! the time, and a table of the nodes by time. The plan's JSON rides along, inert, for tools.

use super::plan::{PlanNode, QueryPlan};

/// Every character that means something in HTML, escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn nodes(root: &PlanNode) -> Vec<&PlanNode> {
    let mut out = vec![root];
    for c in &root.children {
        out.extend(nodes(c));
    }
    out
}

/// Actual rows against the estimate: (factor ≥ 1, under?), as the app computes it.
pub fn miss(n: &PlanNode) -> Option<(f64, bool)> {
    let (e, a) = (n.est_rows?.max(1) as f64, n.actual_rows?.max(1) as f64);
    Some(if a >= e {
        (a / e, a > e)
    } else {
        (e / a, false)
    })
}

fn miss_text((f, under): (f64, bool)) -> String {
    if f < 2.0 {
        "≈ estimate".into()
    } else {
        format!("×{f:.0} {}", if under { "under" } else { "over" })
    }
}

fn miss_class(m: Option<(f64, bool)>) -> &'static str {
    match m {
        Some((f, _)) if f >= 10.0 => "bad",
        Some((f, _)) if f >= 3.0 => "warn",
        _ => "ok",
    }
}

/// `1234567` → `1,234,567`.
pub fn rows(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The sum of the nodes' own times, and the costliest node.
pub fn costliest(plan: &QueryPlan) -> Option<(&PlanNode, f64)> {
    let all = nodes(&plan.root);
    let total: f64 = all.iter().filter_map(|n| n.time_ms).sum();
    let top = all
        .into_iter()
        .filter(|n| n.time_ms.is_some())
        .max_by(|a, b| {
            a.time_ms
                .unwrap_or(0.0)
                .total_cmp(&b.time_ms.unwrap_or(0.0))
        })?;
    (total > 0.0).then_some((top, total))
}

fn node_html(n: &PlanNode, total: f64, out: &mut String) {
    let share = match (n.time_ms, total > 0.0) {
        (Some(t), true) => t / total,
        _ => 0.0,
    };
    let m = miss(n);
    out.push_str(&format!(
        "<li><div class=\"node\" style=\"--share:{share:.3}\"><div class=\"head\"><b>{}</b>",
        escape(&n.label)
    ));
    if let Some(t) = n.time_ms {
        out.push_str(&format!(
            "<span class=\"time\">{t:.1} ms · {:.0}%</span>",
            share * 100.0
        ));
    }
    out.push_str(&format!(
        "</div><div class=\"detail\">{}</div><div class=\"rows\">",
        escape(&n.detail)
    ));
    match (n.actual_rows, n.est_rows) {
        (Some(a), Some(e)) => out.push_str(&format!("{} rows · est {}", rows(a), rows(e))),
        (Some(a), None) => out.push_str(&format!("{} rows", rows(a))),
        (None, Some(e)) => out.push_str(&format!("est {} rows", rows(e))),
        (None, None) => {}
    }
    if let (Some(x), Some(_)) = (m, n.actual_rows) {
        out.push_str(&format!(
            " <span class=\"miss {}\">{}</span>",
            miss_class(m),
            miss_text(x)
        ));
    }
    out.push_str("</div>");
    if !n.flags.is_empty() {
        out.push_str("<div class=\"flags\">");
        for f in &n.flags {
            out.push_str(&format!("<span>{}</span>", escape(f)));
        }
        out.push_str("</div>");
    }
    out.push_str("</div>");
    if !n.children.is_empty() {
        out.push_str("<ul>");
        for c in &n.children {
            node_html(c, total, out);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}

const STYLE: &str = "body{font:13px/1.4 system-ui,sans-serif;margin:24px;color:#222}\
h1{font-size:18px}pre{background:#f4f4f4;padding:8px;white-space:pre-wrap}\
ul{list-style:none;padding-left:22px;border-left:1px dashed #bbb;margin:4px 0}\
.node{border:1px solid #ccc;border-radius:6px;padding:6px 8px;margin:4px 0;max-width:720px;\
background:linear-gradient(90deg,rgba(220,80,40,.22) calc(var(--share)*100%),#fff 0)}\
.head{display:flex;justify-content:space-between;gap:12px}.time{color:#555}\
.detail{font-family:ui-monospace,monospace;font-size:12px;color:#333;word-break:break-word}\
.rows{color:#555}.flags span{display:inline-block;border:1px solid #9bc;border-radius:8px;\
padding:0 6px;margin:2px 4px 0 0;font-size:11px}.miss.warn{color:#b70}.miss.bad{color:#c00;font-weight:700}\
table{border-collapse:collapse;margin-top:8px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}.summary{font-size:15px;font-weight:600}";

/// The whole page for `plan`, with the query's SQL when known.
pub fn to_html(plan: &QueryPlan, sql: Option<&str>) -> String {
    let mut out = String::from("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    out.push_str("<title>Query plan · Datapunk Lake</title><style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body><h1>Query plan</h1>");
    let mode = match (plan.analyzed, plan.total_ms) {
        (true, Some(t)) => format!("EXPLAIN ANALYZE · total {t:.1} ms"),
        (true, None) => "EXPLAIN ANALYZE".into(),
        _ => "EXPLAIN (estimates only)".into(),
    };
    out.push_str(&format!("<p>{}</p>", escape(&mode)));
    let top = costliest(plan);
    if let Some((n, total)) = top {
        out.push_str(&format!(
            "<p class=\"summary\">{:.0}% of the time in {}</p>",
            100.0 * n.time_ms.unwrap_or(0.0) / total,
            escape(&n.label)
        ));
    }
    if let Some(sql) = sql {
        out.push_str(&format!("<pre>{}</pre>", escape(sql)));
    }
    if !plan.rules_fired.is_empty() {
        out.push_str(&format!(
            "<p>Rules: {}</p>",
            escape(&plan.rules_fired.join(", "))
        ));
    }
    let total = top.map_or(0.0, |t| t.1);
    out.push_str("<ul class=\"tree\">");
    node_html(&plan.root, total, &mut out);
    out.push_str("</ul><h2>Nodes by time</h2><table><tr><th>Node</th><th>Time ms</th><th>Rows</th><th>Estimate</th></tr>");
    let mut all = nodes(&plan.root);
    all.sort_by(|a, b| {
        b.time_ms
            .unwrap_or(-1.0)
            .total_cmp(&a.time_ms.unwrap_or(-1.0))
    });
    for n in all {
        let m = miss(n).filter(|_| n.actual_rows.is_some());
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n miss {}\">{}</td></tr>",
            escape(&n.label),
            n.time_ms.map_or("—".into(), |t| format!("{t:.1}")),
            n.actual_rows.or(n.est_rows).map_or("—".into(), rows),
            miss_class(m),
            m.map_or("—".into(), miss_text)
        ));
    }
    out.push_str("</table>");
    // The plan itself for tools; `<` escaped so no text in it can end the element.
    let json = serde_json::to_string(plan)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    out.push_str(&format!(
        "<script type=\"application/json\" id=\"plan\">{json}</script></body></html>\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(
        id: u32,
        label: &str,
        est: u64,
        act: u64,
        ms: f64,
        children: Vec<PlanNode>,
    ) -> PlanNode {
        PlanNode {
            id,
            kind: label.split(' ').next().unwrap_or("").into(),
            label: label.into(),
            detail: format!("detail of {label}"),
            raw: String::new(),
            tables: vec![],
            est_rows: Some(est),
            actual_rows: Some(act),
            time_ms: Some(ms),
            flags: vec![],
            children,
        }
    }

    #[test]
    fn the_page_names_the_costly_node_flags_misses_and_escapes_every_text() {
        let scan = PlanNode {
            detail: "t WHERE name = '</script><script>alert(1)</script>'".into(),
            ..node(2, "Scan t", 10, 5_000, 30.0, vec![])
        };
        let plan = QueryPlan {
            root: node(
                0,
                "Aggregate",
                10,
                12,
                10.0,
                vec![node(1, "Join (t ⋈ u)", 100, 90, 60.0, vec![scan])],
            ),
            analyzed: true,
            total_ms: Some(101.0),
            rules_fired: vec!["predicate_pushdown".into()],
            cached: false,
        };
        let html = to_html(&plan, Some("SELECT * FROM t WHERE a < 3"));
        assert!(html.contains("60% of the time in Join (t ⋈ u)"), "{html}");
        assert!(html.contains("<span class=\"miss bad\">×500 under</span>"));
        assert!(html.contains("SELECT * FROM t WHERE a &lt; 3"));
        // Only the one inert JSON script element; the plan's text cannot open another.
        assert_eq!(html.matches("<script").count(), 1);
        assert_eq!(html.matches("</script>").count(), 1);
        assert!(!html.contains("<script>alert"));
        let json_start = html.find("id=\"plan\">").unwrap() + 10;
        let json_end = html.rfind("</script>").unwrap();
        let back: QueryPlan = serde_json::from_str(&html[json_start..json_end]).unwrap();
        assert_eq!(
            back.root.children[0].children[0].detail,
            plan.root.children[0].children[0].detail
        );
        assert!(
            !html.contains("http:") && !html.contains("https:") && !html.contains("src="),
            "nothing is fetched"
        );
    }
}
