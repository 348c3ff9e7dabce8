//! Lineage at the lake's level: the column edges of a lineage graph (worked out from each
//! derived version's SQL against the columns of the versions it read), and the graph as
//! OpenLineage run events with the column-lineage facet, for Marquez, DataHub and the like.

use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::catalog::lineage::{LineageGraph, LineageNode};
use crate::error::Result;
use crate::query::column_lineage::{self, ColumnInput, ColumnLineage};
use crate::Lake;

pub use crate::catalog::sql_type::sql_type_name;

/// A column-level edge: `from_column` of version `from` feeds `to_column` of version `to`
/// (or, with no `to_column`, decides which rows `to` has: a filter, join, grouping or sort).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnEdge {
    /// The input version's node id (`people@v1`).
    pub from: String,
    /// Its column.
    pub from_column: String,
    /// The derived version's node id.
    pub to: String,
    /// The output column, or none when the input shapes the whole result.
    pub to_column: Option<String>,
    /// `DIRECT` or `INDIRECT`.
    pub kind: String,
    /// `IDENTITY`, `TRANSFORMATION`, `AGGREGATION`, `FILTER`, `JOIN`, `GROUP_BY`, `SORT`,
    /// `WINDOW` or `CONDITIONAL`.
    pub subtype: String,
}

/// The columns of one dataset version in a graph.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeColumns {
    /// The node id.
    pub node: String,
    /// Its columns, in order, with their SQL types.
    pub columns: Vec<(String, String)>,
}

/// A lineage graph's columns and column edges.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnGraph {
    /// Each dataset version's columns (a vacuumed version has none).
    pub nodes: Vec<NodeColumns>,
    /// The column edges into every derived version of the graph, sorted.
    pub edges: Vec<ColumnEdge>,
}

/// The column lineage of `name`: a view's, or the current version of a derived dataset's.
/// None for an imported dataset (its columns come from its files as they are).
pub fn of_dataset(lake: &Lake, name: &str) -> Result<Option<ColumnLineage>> {
    let view = lake.catalog().views()?.into_iter().find(|(n, _)| n == name);
    if let Some((_, sql)) = view {
        return column_lineage::of_sql(lake, &sql, &[], None).map(Some);
    }
    let derivation = lake.catalog().current_derivation(name)?;
    let Some(d) = derivation else {
        return Ok(None);
    };
    let ds = lake.catalog().dataset(name)?;
    let names: Option<Vec<String>> = ds.map(|d| d.schema.into_iter().map(|c| c.name).collect());
    column_lineage::of_sql(lake, &d.sql, &d.inputs, names.as_deref()).map(Some)
}

/// The columns and column edges of `g`'s dataset versions.
pub fn column_graph(lake: &Lake, g: &LineageGraph) -> Result<ColumnGraph> {
    let mut out = ColumnGraph::default();
    for n in g.nodes.iter().filter(|n| n.kind == "dataset") {
        let Some(version) = n.version else { continue };
        let schema = lake.catalog().version_schema(&n.name, version)?;
        let columns: Vec<(String, String)> = schema
            .map(|(cols, _)| {
                cols.into_iter()
                    .map(|c| (c.name, sql_type_name(&c.dtype)))
                    .collect()
            })
            .unwrap_or_default();
        let derivation = lake.catalog().derivation_at(&n.name, version)?;
        if let Some(d) = derivation {
            let names: Vec<String> = columns.iter().map(|(c, _)| c.clone()).collect();
            // A query that no longer binds (an input renamed since) has no column edges.
            if let Ok(l) = column_lineage::of_sql(lake, &d.sql, &d.inputs, Some(&names)) {
                let node_of = |i: &ColumnInput| {
                    d.inputs
                        .iter()
                        .find(|v| v.dataset == i.dataset)
                        .map(|v| format!("{}@v{}", v.dataset, v.version))
                };
                let mut edge = |i: &ColumnInput, to_column: Option<&str>| {
                    if let Some(from) = node_of(i) {
                        out.edges.push(ColumnEdge {
                            from,
                            from_column: i.column.clone(),
                            to: n.id.clone(),
                            to_column: to_column.map(str::to_string),
                            kind: i.kind.clone(),
                            subtype: i.subtype.clone(),
                        });
                    }
                };
                for c in &l.columns {
                    for i in &c.inputs {
                        edge(i, Some(&c.name));
                    }
                }
                for i in &l.dataset {
                    edge(i, None);
                }
            }
        }
        out.nodes.push(NodeColumns {
            node: n.id.clone(),
            columns,
        });
    }
    out.edges.sort();
    out.edges.dedup();
    Ok(out)
}

const SPEC: &str = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
const PRODUCER: &str = concat!(
    "https://github.com/datapunk-lake/datapunk-lake/tree/v",
    env!("CARGO_PKG_VERSION")
);

/// A run id that stays the same for the same lake and node: an RFC 4122 UUID (version 5
/// layout) from a SHA-256 of both.
fn run_id(lake: &Lake, node: &str) -> String {
    let h = Sha256::digest(format!("{}\n{node}", lake.root().display()).as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x: String = b.iter().map(|v| format!("{v:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

fn facet(schema: &str) -> Value {
    json!({"_producer": PRODUCER, "_schemaURL": schema})
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

/// The OpenLineage run events of `g`: one COMPLETE event per dataset version (its import or
/// its query) and per export, with schema, version and column-lineage facets.
pub fn openlineage_events(lake: &Lake, g: &LineageGraph) -> Result<Vec<Value>> {
    let root = crate::storage::platform::canonical(lake.root())
        .unwrap_or_else(|_| lake.root().to_path_buf());
    let ns = format!("file://{}", root.display());
    let cols = column_graph(lake, g)?;
    let node = |id: &str| g.nodes.iter().find(|n| n.id == id);
    let dataset_ref = |n: &LineageNode| match n.kind.as_str() {
        "dataset" => json!({"namespace": ns, "name": n.name, "facets": {
            "version": with(facet("https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet"),
                json!({"datasetVersion": n.version.unwrap_or(0).to_string()}))}}),
        _ => json!({"namespace": "file", "name": n.name}),
    };
    let mut events = Vec::new();
    for n in g.nodes.iter().filter(|n| n.kind != "file") {
        let inputs: Vec<Value> = g
            .edges
            .iter()
            .filter(|e| e.to == n.id)
            .filter_map(|e| node(&e.from))
            .map(dataset_ref)
            .collect();
        if n.kind == "export" && inputs.is_empty() {
            continue;
        }
        let (when, job_type) = match n.kind.as_str() {
            "export" => (
                n.detail.trim_start_matches("exported ").to_string(),
                "EXPORT",
            ),
            _ => {
                let v = lake
                    .catalog()
                    .version_schema(&n.name, n.version.unwrap_or(0))?;
                let when = v.map(|(_, at)| at).unwrap_or_default();
                (when, if n.sql.is_some() { "QUERY" } else { "IMPORT" })
            }
        };
        let mut job_facets = json!({"jobType": with(
            facet("https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet"),
            json!({"processingType": "BATCH", "integration": "DATAPUNK_LAKE", "jobType": job_type}))});
        if let Some(sql) = &n.sql {
            job_facets["sql"] = with(
                facet(
                    "https://openlineage.io/spec/facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet",
                ),
                json!({"query": sql, "dialect": "datapunk-lake"}),
            );
        }
        let mut output = dataset_ref(n);
        if n.kind == "dataset" {
            let columns = cols.nodes.iter().find(|c| c.node == n.id);
            let fields: Vec<Value> = columns
                .map(|c| {
                    c.columns
                        .iter()
                        .enumerate()
                        .map(|(i, (name, ty))| json!({"name": name, "type": ty, "ordinal_position": i + 1}))
                        .collect()
                })
                .unwrap_or_default();
            output["facets"]["schema"] = with(
                facet("https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"),
                json!({"fields": fields}),
            );
            if n.sql.is_some() {
                output["facets"]["columnLineage"] = column_facet(&cols, &n.id, g, &ns);
            }
        }
        let job_name = match n.kind.as_str() {
            "export" => format!("export {}", n.name),
            _ if n.sql.is_some() => format!("create {}", n.name),
            _ => format!("import {}", n.name),
        };
        events.push(json!({
            "eventType": "COMPLETE",
            "eventTime": when,
            "producer": PRODUCER,
            "schemaURL": SPEC,
            "run": {"runId": run_id(lake, &n.id)},
            "job": {"namespace": ns, "name": job_name, "facets": job_facets},
            "inputs": inputs,
            "outputs": [output],
        }));
    }
    Ok(events)
}

fn column_facet(cols: &ColumnGraph, id: &str, g: &LineageGraph, ns: &str) -> Value {
    let input = |e: &ColumnEdge| {
        let name = g
            .nodes
            .iter()
            .find(|n| n.id == e.from)
            .map(|n| n.name.clone())
            .unwrap_or_default();
        json!({"namespace": ns, "name": name, "field": e.from_column,
            "transformations": [{"type": e.kind, "subtype": e.subtype}]})
    };
    let mut fields = serde_json::Map::new();
    let mut dataset = Vec::new();
    for e in cols.edges.iter().filter(|e| e.to == id) {
        match &e.to_column {
            Some(c) => {
                let entry = fields
                    .entry(c.clone())
                    .or_insert_with(|| json!({"inputFields": []}));
                if let Some(list) = entry["inputFields"].as_array_mut() {
                    list.push(input(e));
                }
            }
            None => dataset.push(input(e)),
        }
    }
    with(
        facet("https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet"),
        json!({"fields": fields, "dataset": dataset}),
    )
}
