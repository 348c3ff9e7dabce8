//! `lake create`, `lake refresh` and `lake lineage`: derived datasets (a query's answer kept
//! with its query and the versions it read) and where any dataset came from.

use std::process::ExitCode;

use lake_core::catalog::lineage::{Direction, LineageGraph};
use lake_core::lineage;
use lake_core::materialize::{self, inputs_text, How, Refreshed};
use lake_core::query::QueryOptions;
use lake_core::{Lake, LakeError};

/// `lake create NAME [AS] SELECT ...` (the words after NAME are the query).
pub fn create(lake: &Lake, name: &str, words: &[String]) -> Result<ExitCode, LakeError> {
    let sql = words.join(" ");
    let v = materialize::create(lake, name, &sql, &QueryOptions::default())?;
    let f = materialize::freshness(lake, name)?;
    let read = f
        .map(|f| inputs_text(&f.derivation.inputs))
        .unwrap_or_default();
    println!(
        "created {name} version {}: {} rows, from {read}",
        v.version, v.rows
    );
    Ok(ExitCode::SUCCESS)
}

/// `lake refresh NAME`.
pub fn refresh(lake: &Lake, name: &str) -> Result<ExitCode, LakeError> {
    match materialize::refresh(lake, name, &QueryOptions::default())? {
        Refreshed::Fresh => println!("{name} is fresh: every input is at the version it read"),
        Refreshed::Made(version, newer, how) => {
            let changed: Vec<String> = newer
                .iter()
                .map(|n| format!("{} v{} → v{}", n.dataset, n.read, n.current))
                .collect();
            println!(
                "refreshed {name} as version {version} ({})",
                changed.join(", ")
            );
            // A plain derived dataset is always made again in full: that needs no word.
            if !matches!(&how, How::Full(why) if why.starts_with("not a rollup")) {
                println!("{}", how_text(&how));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How a refresh made its version, in a line.
pub fn how_text(how: &How) -> String {
    match how {
        How::Incremental(i) => format!(
            "incremental: {} appended rows; buckets from {} made again ({} rows), {} rows kept",
            i.appended_rows,
            i.since.as_deref().unwrap_or("(none)"),
            i.made,
            i.kept
        ),
        How::Full(why) => format!("made again in full: {why}"),
    }
}

/// `lake lineage DATASET ...`.
#[derive(clap::Args)]
pub struct LineageArgs {
    /// Dataset (or view) name.
    dataset: String,
    /// Only where it came from.
    #[arg(long, conflicts_with = "downstream")]
    upstream: bool,
    /// Only what was made from it.
    #[arg(long)]
    downstream: bool,
    /// Steps to follow each way.
    #[arg(long, default_value_t = 10)]
    depth: u32,
    /// Print the graph as JSON (nodes and edges; with --columns, the column edges too).
    #[arg(long)]
    json: bool,
    /// Column-level lineage: which input columns feed each column, and what decides its rows.
    #[arg(long)]
    columns: bool,
    /// Write the graph as OpenLineage run events (one JSON object a line), with the
    /// column-lineage facet.
    #[arg(long, conflicts_with_all = ["json", "columns"])]
    openlineage: bool,
    /// With --openlineage: the file to write (else standard output).
    #[arg(long, requires = "openlineage")]
    out: Option<std::path::PathBuf>,
}

/// `lake lineage DATASET [--upstream|--downstream] [--depth N] [--json] [--columns]
/// [--openlineage [--out FILE]]`.
pub fn lineage(lake: &Lake, a: LineageArgs) -> Result<ExitCode, LakeError> {
    let dir = match (a.upstream, a.downstream) {
        (true, _) => Direction::Upstream,
        (_, true) => Direction::Downstream,
        _ => Direction::Both,
    };
    let dataset = a.dataset.as_str();
    let is_view = lake.catalog().views()?.iter().any(|(n, _)| n == dataset);
    if is_view {
        return view_lineage(lake, dataset, a.json);
    }
    let g = lake.catalog().lineage(dataset, dir, a.depth)?;
    if a.openlineage {
        return write_openlineage(lake, &g, a.out.as_deref());
    }
    let cols = if a.columns {
        Some(lineage::column_graph(lake, &g)?)
    } else {
        None
    };
    if a.json {
        let mut v = serde_json::to_value(&g).expect("graph serializes");
        if let Some(c) = &cols {
            v["columns"] = serde_json::to_value(c).expect("columns serialize");
        }
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(f) = materialize::freshness(lake, dataset)? {
        if !f.newer.is_empty() {
            let n: Vec<String> = f
                .newer
                .iter()
                .map(|n| format!("{} is at v{}, it read v{}", n.dataset, n.current, n.read))
                .collect();
            println!(
                "stale: {}; `lake refresh {dataset}` makes it again",
                n.join("; ")
            );
        }
    }
    if let Some(c) = &cols {
        print_columns(c, &g.root);
        return Ok(ExitCode::SUCCESS);
    }
    print_tree(&g, &g.root, 0, true, &mut Vec::new());
    let down: Vec<&str> = g
        .edges
        .iter()
        .filter(|e| !is_upstream_of(&g, &e.to))
        .map(|e| e.to.as_str())
        .collect();
    if !down.is_empty() {
        println!("made from it:");
        print_down(&g, &g.root, 1, &mut Vec::new());
    }
    Ok(ExitCode::SUCCESS)
}

/// `lake lineage VIEW`: the view's column lineage (views are expanded where they are used,
/// so they have no versions of their own).
fn view_lineage(lake: &Lake, name: &str, json: bool) -> Result<ExitCode, LakeError> {
    let l = lineage::of_dataset(lake, name)?.unwrap_or_default();
    if json {
        println!("{}", serde_json::to_string_pretty(&l).expect("json"));
        return Ok(ExitCode::SUCCESS);
    }
    println!("view {name}: its columns and what they are made from");
    for c in &l.columns {
        let inputs: Vec<String> = c
            .inputs
            .iter()
            .map(|i| format!("{}.{} ({})", i.dataset, i.column, words(&i.subtype)))
            .collect();
        println!("  {} ← {}", c.name, or_none(inputs));
    }
    if !l.dataset.is_empty() {
        let rows: Vec<String> = l
            .dataset
            .iter()
            .map(|i| format!("{}.{} ({})", i.dataset, i.column, words(&i.subtype)))
            .collect();
        println!("  rows decided by: {}", rows.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_columns(c: &lineage::ColumnGraph, root: &str) {
    let Some(node) = c.nodes.iter().find(|n| n.node == root) else {
        return;
    };
    let into: Vec<&lineage::ColumnEdge> = c.edges.iter().filter(|e| e.to == root).collect();
    if into.is_empty() {
        println!("{root} was imported: each column is read from its source files as it is");
        return;
    }
    println!("{root}: its columns and what they are made from");
    for (col, ty) in &node.columns {
        let inputs: Vec<String> = into
            .iter()
            .filter(|e| e.to_column.as_deref() == Some(col.as_str()))
            .map(|e| format!("{}.{} ({})", e.from, e.from_column, words(&e.subtype)))
            .collect();
        println!("  {col} {ty} ← {}", or_none(inputs));
    }
    let rows: Vec<String> = into
        .iter()
        .filter(|e| e.to_column.is_none())
        .map(|e| format!("{}.{} ({})", e.from, e.from_column, words(&e.subtype)))
        .collect();
    if !rows.is_empty() {
        println!("  rows decided by: {}", rows.join(", "));
    }
}

fn or_none(v: Vec<String>) -> String {
    if v.is_empty() {
        "no column (a constant)".into()
    } else {
        v.join(", ")
    }
}

/// `GROUP_BY` → `group by`.
fn words(subtype: &str) -> String {
    subtype.to_lowercase().replace('_', " ")
}

fn write_openlineage(
    lake: &Lake,
    g: &LineageGraph,
    out: Option<&std::path::Path>,
) -> Result<ExitCode, LakeError> {
    let events = lineage::openlineage_events(lake, g)?;
    let mut text = String::new();
    for e in &events {
        text.push_str(&serde_json::to_string(e).expect("event serializes"));
        text.push('\n');
    }
    match out {
        Some(p) => {
            lake_core::query::output::write_file_atomically(p, |w| {
                w.write_all(text.as_bytes())
                    .map_err(|e| LakeError::io(p.display().to_string(), e))
            })?;
            eprintln!(
                "wrote {} OpenLineage run events to {}",
                events.len(),
                p.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether `id` is the root or lies upstream of it (edges lead from inputs to what they made).
fn is_upstream_of(g: &LineageGraph, id: &str) -> bool {
    let mut todo = vec![g.root.as_str()];
    let mut seen = Vec::new();
    while let Some(n) = todo.pop() {
        if n == id {
            return true;
        }
        if seen.contains(&n) {
            continue;
        }
        seen.push(n);
        todo.extend(
            g.edges
                .iter()
                .filter(|e| e.to == n)
                .map(|e| e.from.as_str()),
        );
    }
    false
}

fn label(g: &LineageGraph, id: &str) -> String {
    let Some(n) = g.nodes.iter().find(|n| n.id == id) else {
        return id.to_string();
    };
    if n.kind == "file" {
        return format!("file {}  ({})", n.name, n.detail);
    }
    let v = n.version.map(|v| format!(" v{v}")).unwrap_or_default();
    let current = if n.current { " (current)" } else { "" };
    match &n.sql {
        Some(sql) => format!("{}{v}{current}  query: {}", n.name, one_line(sql)),
        None => format!("{}{v}{current}  {}", n.name, n.detail),
    }
}

fn one_line(sql: &str) -> String {
    let s: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > 100 {
        format!("{}…", s.chars().take(99).collect::<String>())
    } else {
        s
    }
}

fn print_tree(g: &LineageGraph, id: &str, level: usize, root: bool, path: &mut Vec<String>) {
    let pad = "    ".repeat(level);
    let arrow = if root { "" } else { "← " };
    println!("{pad}{arrow}{}", label(g, id));
    if path.iter().any(|p| p == id) {
        return;
    }
    path.push(id.to_string());
    for e in g.edges.iter().filter(|e| e.to == id) {
        print_tree(g, &e.from, level + 1, false, path);
    }
    path.pop();
}

fn print_down(g: &LineageGraph, id: &str, level: usize, path: &mut Vec<String>) {
    if path.iter().any(|p| p == id) {
        return;
    }
    path.push(id.to_string());
    // Every version of this dataset that something was made from (the root's own name).
    let name = g.nodes.iter().find(|n| n.id == id).map(|n| n.name.clone());
    for e in g.edges.iter().filter(|e| {
        let from = g.nodes.iter().find(|n| n.id == e.from);
        from.map(|n| Some(&n.name) == name.as_ref())
            .unwrap_or(false)
            && !is_upstream_of(g, &e.to)
    }) {
        println!("{}→ {}", "    ".repeat(level), label(g, &e.to));
        print_down(g, &e.to, level + 1, path);
    }
    path.pop();
}

/// `lake view create|list|drop`.
#[derive(clap::Subcommand)]
pub enum ViewAction {
    /// Store a named query, used in queries like a dataset: `lake view create paris AS SELECT
    /// * FROM people WHERE city = 'Paris'`.
    Create {
        /// The view's name (lower-case letters, digits and _).
        name: String,
        /// `AS SELECT ...` (quoted or not).
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        sql: Vec<String>,
    },
    /// List the views and their queries.
    List,
    /// Remove a view (the datasets it reads stay).
    Drop {
        /// The view's name.
        name: String,
    },
}

/// `lake view ...`.
pub fn view(lake: &Lake, action: ViewAction) -> Result<ExitCode, LakeError> {
    match action {
        ViewAction::Create { name, sql } => {
            lake_core::query::views::create(lake, &name, &sql.join(" "))?;
            println!("view {name} saved; query it like a dataset: SELECT * FROM {name}");
        }
        ViewAction::List => {
            let views = lake.catalog().views()?;
            if views.is_empty() {
                println!("no views yet; make one with `lake view create NAME AS SELECT ...`");
            }
            for (name, sql) in views {
                println!("{name}  AS {}", one_line(&sql));
            }
        }
        ViewAction::Drop { name } => {
            let _lock = lake.try_write_lock()?;
            if !lake.catalog().drop_view(&name)? {
                return Err(LakeError::bad_input(
                    "lake view drop",
                    None,
                    format!("there is no view {name}; `lake view list` shows them"),
                ));
            }
            println!("view {name} dropped");
        }
    }
    Ok(ExitCode::SUCCESS)
}
