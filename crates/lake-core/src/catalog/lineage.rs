//! Where each version came from: the derived datasets' queries and the input versions they
//! read (`derivations`), next to the source files every import records (`sources`). Read as a
//! graph by `lake lineage`.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::Catalog;
use crate::error::{LakeError, Result};

/// A version of a dataset a query read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InputVersion {
    /// Dataset name.
    pub dataset: String,
    /// The version read.
    pub version: u32,
    /// Read by time travel (`VERSION AS OF`): a newer version of it does not make the
    /// derived dataset stale.
    #[serde(default)]
    pub pinned: bool,
}

/// How a derived dataset's version was made: its query and what it read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Derivation {
    /// The query, as the user wrote it.
    pub sql: String,
    /// The versions it read, sorted by dataset.
    pub inputs: Vec<InputVersion>,
}

/// Records `d` for the version `version_id` (of `dataset` `version`), with lineage edges from
/// each input version, in the commit's transaction.
pub(super) fn record(
    tx: &Transaction<'_>,
    version_id: i64,
    dataset: &str,
    version: u32,
    d: &Derivation,
    now: &str,
) -> Result<()> {
    let inputs = serde_json::to_string(&d.inputs).expect("inputs serialize");
    tx.execute(
        "INSERT INTO derivations (version_id, sql, inputs) VALUES (?1, ?2, ?3)",
        params![version_id, d.sql, inputs],
    )?;
    for i in &d.inputs {
        tx.execute(
            "INSERT INTO lineage_edges (from_kind, from_name, to_kind, to_name, created_at)
             VALUES ('dataset', ?1, 'dataset', ?2, ?3)",
            params![
                format!("{}@v{}", i.dataset, i.version),
                format!("{dataset}@v{version}"),
                now
            ],
        )?;
    }
    Ok(())
}

/// A dataset whose current version was derived from another.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dependent {
    /// The derived dataset.
    pub dataset: String,
    /// Its current version.
    pub version: u32,
    /// How that version was made.
    pub derivation: Derivation,
}

impl Catalog {
    /// How version `version_id` was derived, if it was made by a query.
    pub fn derivation_of(&self, version_id: i64) -> Result<Option<Derivation>> {
        if !self.has_table("derivations")? {
            return Ok(None);
        }
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT sql, inputs FROM derivations WHERE version_id = ?1",
                params![version_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(sql, inputs)| {
            let inputs = serde_json::from_str(&inputs)
                .map_err(|e| LakeError::Damaged(format!("the inputs of a derivation: {e}")))?;
            Ok(Derivation { sql, inputs })
        })
        .transpose()
    }

    /// How `dataset`'s current version was derived (None if imported), without reading its
    /// files and statistics as `dataset()` does: `lake datasets` asks this of every dataset.
    pub fn current_derivation(&self, dataset: &str) -> Result<Option<Derivation>> {
        let vid: Option<i64> = self
            .conn
            .query_row(
                "SELECT v.id FROM datasets d
                 JOIN versions v ON v.dataset_id = d.id AND v.version = d.current_version
                 WHERE d.name = ?1",
                params![dataset],
                |r| r.get(0),
            )
            .optional()?;
        match vid {
            Some(vid) => self.derivation_of(vid),
            None => {
                // Fails with `unknown_dataset` and the closest name.
                self.require_dataset(dataset)?;
                Ok(None)
            }
        }
    }

    /// How `dataset`'s version `version` was derived, if it was made by a query.
    pub fn derivation_at(&self, dataset: &str, version: u32) -> Result<Option<Derivation>> {
        match self.version_head(dataset, version)? {
            Some((vid, _, _)) => self.derivation_of(vid),
            None => Ok(None),
        }
    }

    /// The datasets whose current version was derived from some version of `dataset`.
    pub fn dependents_of(&self, dataset: &str) -> Result<Vec<Dependent>> {
        Ok(self
            .dependents_of_any()?
            .into_iter()
            .filter(|d| d.derivation.inputs.iter().any(|i| i.dataset == dataset))
            .collect())
    }

    /// Every derived dataset's current version, by name.
    fn dependents_of_any(&self) -> Result<Vec<Dependent>> {
        if !self.has_table("derivations")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT d.name, v.version, x.sql, x.inputs FROM derivations x
             JOIN versions v ON v.id = x.version_id
             JOIN datasets d ON d.id = v.dataset_id AND d.current_version = v.version
             ORDER BY d.name",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, version, sql, inputs) = row?;
            let inputs: Vec<InputVersion> = serde_json::from_str(&inputs)
                .map_err(|e| LakeError::Damaged(format!("the inputs of {name}: {e}")))?;
            out.push(Dependent {
                dataset: name,
                version,
                derivation: Derivation { sql, inputs },
            });
        }
        Ok(out)
    }

    /// The current version of each dataset in `inputs`, where it is newer than the one read:
    /// (dataset, version read, current version). Empty when the derived data is fresh.
    pub fn newer_inputs(&self, inputs: &[InputVersion]) -> Result<Vec<(String, u32, u32)>> {
        let mut out = Vec::new();
        for i in inputs.iter().filter(|i| !i.pinned) {
            let base = i.dataset.as_str();
            let current: Option<Option<u32>> = self
                .conn
                .query_row(
                    "SELECT current_version FROM datasets WHERE name = ?1",
                    params![base],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(Some(c)) = current {
                if c != i.version {
                    out.push((i.dataset.clone(), i.version, c));
                }
            }
        }
        Ok(out)
    }
}

/// A node of a lineage graph: a dataset version, a source file or an export.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineageNode {
    /// `people@v2` for a dataset version, `file:<sha256>` for a source file, `export:<path>`
    /// for an export.
    pub id: String,
    /// `dataset`, `file` or `export`.
    pub kind: String,
    /// The dataset's name, the file's path as it was read, or the path exported to.
    pub name: String,
    /// The dataset's version.
    pub version: Option<u32>,
    /// Whether that version is the dataset's current one.
    pub current: bool,
    /// A derived version's query.
    pub sql: Option<String>,
    /// A file's rows and sha256, or how a version was made (`import`, `restore of v1`...).
    pub detail: String,
}

/// An edge: `from` was read to make `to`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineageEdge {
    /// The input's node id.
    pub from: String,
    /// The node made from it.
    pub to: String,
}

/// The lineage around one dataset.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineageGraph {
    /// The dataset's current version's id.
    pub root: String,
    /// Every node, the root first.
    pub nodes: Vec<LineageNode>,
    /// Every edge, sorted.
    pub edges: Vec<LineageEdge>,
}

/// Which way to follow lineage from a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Where it came from.
    Upstream,
    /// What was made from it.
    Downstream,
    /// Both.
    Both,
}

impl Catalog {
    /// The id, mode and restore origin of `dataset`'s version `version`, vacuumed or not.
    fn version_head(&self, dataset: &str, version: u32) -> Result<Option<(i64, String, bool)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT v.id, v.mode, d.current_version = v.version FROM versions v
                 JOIN datasets d ON d.id = v.dataset_id WHERE d.name = ?1 AND v.version = ?2",
                params![dataset, version],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get::<_, Option<bool>>(2)?.unwrap_or(false),
                    ))
                },
            )
            .optional()?)
    }

    /// The lineage of `dataset`'s current version: up to its source files through the versions
    /// it was derived from, down to the datasets derived from it, `depth` steps each way.
    pub fn lineage(&self, dataset: &str, dir: Direction, depth: u32) -> Result<LineageGraph> {
        let ds = self.require_dataset(dataset)?;
        let mut g = LineageGraph {
            root: format!("{dataset}@v{}", ds.version),
            ..Default::default()
        };
        self.add_version_node(&mut g, dataset, ds.version)?;
        if matches!(dir, Direction::Upstream | Direction::Both) {
            self.walk_up(&mut g, dataset, ds.version, depth)?;
        }
        if matches!(dir, Direction::Downstream | Direction::Both) {
            let idx = self.downstream_index()?;
            self.walk_down(&mut g, dataset, depth, &idx, &mut HashMap::new())?;
        }
        g.edges.sort();
        g.edges.dedup();
        Ok(g)
    }

    fn add_version_node(&self, g: &mut LineageGraph, dataset: &str, version: u32) -> Result<()> {
        let id = format!("{dataset}@v{version}");
        if g.nodes.iter().any(|n| n.id == id) {
            return Ok(());
        }
        let (sql, detail, current) = match self.version_head(dataset, version)? {
            Some((vid, mode, current)) => {
                let sql = self.derivation_of(vid)?.map(|d| d.sql);
                let detail = if sql.is_some() {
                    "query".to_string()
                } else {
                    mode
                };
                (sql, detail, current)
            }
            None => (None, "no longer in the catalog".into(), false),
        };
        g.nodes.push(LineageNode {
            id,
            kind: "dataset".into(),
            name: dataset.to_string(),
            version: Some(version),
            current,
            sql,
            detail,
        });
        Ok(())
    }

    fn walk_up(&self, g: &mut LineageGraph, dataset: &str, version: u32, depth: u32) -> Result<()> {
        if depth == 0 {
            return Ok(());
        }
        let Some((vid, _, _)) = self.version_head(dataset, version)? else {
            return Ok(());
        };
        let to = format!("{dataset}@v{version}");
        if let Some(d) = self.derivation_of(vid)? {
            for i in &d.inputs {
                self.add_version_node(g, &i.dataset, i.version)?;
                g.edges.push(LineageEdge {
                    from: format!("{}@v{}", i.dataset, i.version),
                    to: to.clone(),
                });
                self.walk_up(g, &i.dataset, i.version, depth - 1)?;
            }
            return Ok(());
        }
        for s in self.sources_of(vid)? {
            let id = format!("file:{}", s.sha256);
            if !g.nodes.iter().any(|n| n.id == id) {
                g.nodes.push(LineageNode {
                    id: id.clone(),
                    kind: "file".into(),
                    name: s.path.clone(),
                    version: None,
                    current: false,
                    sql: None,
                    detail: format!("{} rows, {} bytes, sha256 {}", s.rows, s.bytes, s.sha256),
                });
            }
            g.edges.push(LineageEdge {
                from: id,
                to: to.clone(),
            });
        }
        Ok(())
    }

    /// What was made from each dataset, read once for a whole downstream walk: a graph of
    /// 1,000 datasets costs two scans, not one per node.
    fn downstream_index(&self) -> Result<Downstream> {
        let mut idx = Downstream::default();
        for dep in self.dependents_of_any()? {
            let mut read: Vec<&str> = dep
                .derivation
                .inputs
                .iter()
                .map(|i| i.dataset.as_str())
                .collect();
            read.sort();
            read.dedup();
            for r in read {
                idx.deps.entry(r.to_string()).or_default().push(dep.clone());
            }
        }
        let mut st = self.conn.prepare(
            "SELECT from_name, to_name, max(created_at) FROM lineage_edges
             WHERE to_kind = 'export' AND from_kind = 'dataset'
             GROUP BY from_name, to_name ORDER BY 3",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (from, path, at) = row?;
            if let Some((name, _)) = from.rsplit_once("@v") {
                idx.exports
                    .entry(name.to_string())
                    .or_default()
                    .push((from.clone(), path, at));
            }
        }
        Ok(idx)
    }

    fn walk_down(
        &self,
        g: &mut LineageGraph,
        dataset: &str,
        depth: u32,
        idx: &Downstream,
        seen: &mut HashMap<String, u32>,
    ) -> Result<()> {
        // A dataset reached before with as many steps left adds nothing new (diamonds).
        if depth == 0 || seen.get(dataset).is_some_and(|&d| d >= depth) {
            return Ok(());
        }
        seen.insert(dataset.to_string(), depth);
        for (from, path, at) in idx.exports.get(dataset).into_iter().flatten() {
            let Some(v) = from.rsplit_once("@v").and_then(|(_, v)| v.parse().ok()) else {
                continue;
            };
            self.add_version_node(g, dataset, v)?;
            let id = format!("export:{path}");
            if !g.nodes.iter().any(|n| n.id == id) {
                g.nodes.push(LineageNode {
                    id: id.clone(),
                    kind: "export".into(),
                    name: path.clone(),
                    version: None,
                    current: false,
                    sql: None,
                    detail: format!("exported {at}"),
                });
            }
            g.edges.push(LineageEdge {
                from: from.clone(),
                to: id,
            });
        }
        for dep in idx.deps.get(dataset).into_iter().flatten() {
            self.add_version_node(g, &dep.dataset, dep.version)?;
            for i in dep
                .derivation
                .inputs
                .iter()
                .filter(|i| i.dataset == dataset)
            {
                self.add_version_node(g, &i.dataset, i.version)?;
                g.edges.push(LineageEdge {
                    from: format!("{}@v{}", i.dataset, i.version),
                    to: format!("{}@v{}", dep.dataset, dep.version),
                });
            }
            // A derived dataset that reads itself is refused; this guards old catalogs too.
            if dep.dataset != dataset {
                self.walk_down(g, &dep.dataset, depth - 1, idx, seen)?;
            }
        }
        Ok(())
    }
}

/// What was made from each dataset: derived datasets' current versions and exports.
#[derive(Default)]
struct Downstream {
    deps: HashMap<String, Vec<Dependent>>,
    exports: HashMap<String, Vec<(String, String, String)>>,
}

impl Catalog {
    /// Records an export of `rows` rows to `path`, made from the versions in `inputs`: an audit
    /// entry and a lineage edge from each version, so the lineage graph shows it downstream.
    pub fn record_export(
        &mut self,
        path: &str,
        rows: usize,
        sql: Option<&str>,
        inputs: &[InputVersion],
    ) -> Result<()> {
        self.writable()?;
        let now = super::now_rfc3339();
        let tx = self.conn.transaction()?;
        let details = serde_json::json!({"path": path, "rows": rows, "sql": sql,
            "inputs": inputs.iter().map(|i| format!("{}@v{}", i.dataset, i.version))
                .collect::<Vec<_>>()});
        super::audit::append(&tx, &now, "export", None, None, &details.to_string())?;
        for i in inputs {
            tx.execute(
                "INSERT INTO lineage_edges (from_kind, from_name, to_kind, to_name, created_at)
                 VALUES ('dataset', ?1, 'export', ?2, ?3)",
                params![format!("{}@v{}", i.dataset, i.version), path, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The views, by name, for a catalog list.
    pub fn view_infos(&self) -> Result<Vec<ViewInfo>> {
        Ok(self
            .views()?
            .into_iter()
            .map(|(name, sql)| ViewInfo { name, sql })
            .collect())
    }

    /// The views, by name: (name, SQL).
    pub fn views(&self) -> Result<Vec<(String, String)>> {
        if !self.has_table("views")? {
            return Ok(Vec::new());
        }
        let mut st = self
            .conn
            .prepare("SELECT name, sql FROM views ORDER BY name")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Stores (or replaces) the view `name`.
    pub fn put_view(&mut self, name: &str, sql: &str) -> Result<()> {
        self.writable()?;
        let now = super::now_rfc3339();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO views (name, sql, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET sql = excluded.sql, created_at = excluded.created_at",
            params![name, sql, now],
        )?;
        let details = serde_json::json!({"sql": sql}).to_string();
        super::audit::append(&tx, &now, "view_create", Some(name), None, &details)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes the view `name`; false when there was none.
    pub fn drop_view(&mut self, name: &str) -> Result<bool> {
        self.writable()?;
        let tx = self.conn.transaction()?;
        let gone = tx.execute("DELETE FROM views WHERE name = ?1", params![name])? > 0;
        if gone {
            let now = super::now_rfc3339();
            super::audit::append(&tx, &now, "view_drop", Some(name), None, "{}")?;
        }
        tx.commit()?;
        Ok(gone)
    }
}

/// A view: a named query kept in the catalog.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ViewInfo {
    /// Its name.
    pub name: String,
    /// Its query.
    pub sql: String,
}
