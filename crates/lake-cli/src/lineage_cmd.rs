//! `lake create`, `lake refresh` and `lake lineage`: derived datasets (a query's answer kept
//! with its query and the versions it read) and where any dataset came from.

use std::process::ExitCode;

use lake_core::catalog::lineage::{Direction, LineageGraph};
use lake_core::materialize::{self, inputs_text, Refreshed};
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
        Refreshed::Made(version, newer) => {
            let changed: Vec<String> = newer
                .iter()
                .map(|n| format!("{} v{} → v{}", n.dataset, n.read, n.current))
                .collect();
            println!(
                "refreshed {name} as version {version} ({})",
                changed.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `lake lineage DATASET [--upstream|--downstream] [--depth N] [--json]`.
pub fn lineage(
    lake: &Lake,
    dataset: &str,
    dir: Direction,
    depth: u32,
    json: bool,
) -> Result<ExitCode, LakeError> {
    let g = lake.catalog().lineage(dataset, dir, depth)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&g).expect("graph serializes")
        );
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
