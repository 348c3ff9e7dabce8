//! Plain measures of the code's layout, checked on every test run: no source file in `crates/`
//! or `src-tauri/src` past 800 lines, and no cycle between lake-core's modules (at any depth:
//! `ingest` and `query`, `ingest::parallel` and `ingest::records`, ...).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_source_file_is_over_800_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("src-tauri/src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 800).then(|| format!("{} has {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files: {long:#?}");
}

/// `a::b::c` for `src/a/b/c.rs` and `src/a/b/c/mod.rs`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

/// The module paths a file names: `crate::x::y`, `crate::{x, y::z}`, `super::x`.
fn references(text: &str, me: &[String]) -> Vec<Vec<String>> {
    // Tests may use anything: a test module (`#[cfg(test)]`) or test-only file (`#![cfg(test)]`)
    // is no part of the graph.
    let code = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .split("#![cfg(test)]")
        .next()
        .unwrap_or("");
    let path_at = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|seg| {
                seg.chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|seg| !seg.is_empty())
            .collect()
    };
    let mut out = Vec::new();
    // `super` of `a/b.rs` and of `a/b/mod.rs` alike is `a`.
    let parent: Vec<String> = me[..me.len().saturating_sub(1)].to_vec();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent)] {
        for (i, _) in code.match_indices(prefix) {
            let rest = &code[i + prefix.len()..];
            let heads: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                None => vec![rest],
            };
            for h in heads {
                let mut p = base.clone();
                p.extend(path_at(h.trim()));
                out.push(p);
            }
        }
    }
    out
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if !done.insert(n.to_string()) {
            return None;
        }
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn lake_core_modules_have_no_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    // A reference `a::b::Item` counts as one to the longest existing module it starts with.
    let resolve = |p: &[String]| -> Vec<String> {
        (0..=p.len())
            .rev()
            .map(|n| p[..n].to_vec())
            .find(|m| modules.contains(m))
            .unwrap_or_default()
    };
    let mut edges = Vec::new();
    for f in &files {
        let me = module_of(&src, f);
        for r in references(&std::fs::read_to_string(f).unwrap(), &me) {
            edges.push((me.clone(), resolve(&r)));
        }
    }
    let deepest = modules.iter().map(Vec::len).max().unwrap_or(1);
    for depth in 1..=deepest {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in &edges {
            let (a, b) = (&a[..a.len().min(depth)], &b[..b.len().min(depth)]);
            // A module may use its own parent or children; only siblings and others count.
            if b.is_empty() || a.starts_with(b) || b.starts_with(a) {
                continue;
            }
            graph.entry(a.join("::")).or_default().insert(b.join("::"));
        }
        assert_eq!(find_cycle(&graph), None, "a module cycle at depth {depth}");
    }
}

#[test]
fn the_cycle_check_sees_a_cycle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("ingest".into()).or_default().insert("query".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("query".into()).or_default().insert("ingest".into());
    assert!(find_cycle(&g).is_some());
    let me = ["ingest".to_string(), "csv".to_string()];
    let refs = references(
        "use super::{records, parallel::Flow};\nuse crate::query::guard;",
        &me,
    );
    assert!(refs.iter().any(|r| r == &["ingest", "records"]), "{refs:?}");
    assert!(
        refs.iter().any(|r| r == &["ingest", "parallel"]),
        "{refs:?}"
    );
    assert!(refs.iter().any(|r| r == &["query", "guard"]), "{refs:?}");
}
