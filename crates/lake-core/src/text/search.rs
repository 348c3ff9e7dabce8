//! Searching the lake's texts by meaning: every dataset made searchable by `lake embed` (a
//! text column `c` beside its vectors `c_embedding`, with their cosine index) is searched for
//! one text at once, and the nearest rows of all of them are ranked together. Also the SQL of
//! "Find similar" for a row whose vector is known.

use polars::prelude::*;

use crate::catalog::sql_type::ident;
use crate::catalog::DatasetVersion;
use crate::error::{LakeError, Result};
use crate::vector::index::inv_norm;
use crate::vector::{lake_index, Metric};
use crate::Lake;

/// Characters of a hit's text that are returned (the row itself has all of it).
const SNIPPET: usize = 300;

/// A dataset whose texts can be searched by meaning.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Searchable {
    /// The dataset.
    pub dataset: String,
    /// Its text column.
    pub text_column: String,
    /// The vectors of that column.
    pub vector_column: String,
    /// Whether the vectors have a cosine index on the current version (searches need one).
    pub indexed: bool,
    /// A name for the distance that no column of the dataset has (`distance` mostly), for the
    /// search's SQL.
    pub distance_column: String,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SemanticResults {
    /// The nearest rows, nearest first.
    pub hits: Vec<SemanticHit>,
    /// Datasets that could not be searched, each with why (the others were).
    pub skipped: Vec<String>,
    /// The searchable datasets, as the search found them (the app lists them; no second
    /// look through the catalog).
    pub sources: Vec<Searchable>,
}

/// One row found by a search.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SemanticHit {
    /// The dataset it is in.
    pub dataset: String,
    /// The text column searched.
    pub column: String,
    /// The start of its text.
    pub text: String,
    /// Its cosine distance to the text searched for (0 = same direction, 2 = opposite).
    pub distance: f32,
    /// Its file in the version (for opening the row).
    pub file: u32,
    /// Its row in that file.
    pub row: u32,
}

/// The text column a vector column was made from, when `vector` is `<text>_embedding` and
/// `<text>` is a text column of `ds`.
fn source_of<'a>(ds: &'a DatasetVersion, vector: &str) -> Option<&'a str> {
    let text = vector.strip_suffix("_embedding")?;
    ds.schema
        .iter()
        .find(|c| c.name == text && c.dtype == "str")
        .map(|c| c.name.as_str())
}

/// The searchable datasets, by name.
pub fn searchable(lake: &Lake) -> Result<Vec<Searchable>> {
    let dim = super::builtin().map(|m| m.dim()).ok();
    let names = lake.catalog().dataset_names()?;
    let mut out = Vec::new();
    for name in names {
        let Some(ds) = lake.catalog().dataset(&name)? else {
            continue;
        };
        let indexes = lake.catalog().indexes_at(&name, ds.version)?;
        for (vector, d) in lake_index::vector_columns(&ds) {
            let Some(text) = source_of(&ds, &vector) else {
                continue;
            };
            if Some(d) != dim {
                continue;
            }
            let indexed = indexes
                .iter()
                .any(|i| i.column == vector && i.kind == Metric::Cosine.kind());
            out.push(Searchable {
                dataset: name.clone(),
                text_column: text.to_string(),
                vector_column: vector,
                indexed,
                distance_column: distance_alias(&ds),
            });
        }
    }
    Ok(out)
}

/// `distance`, or `distance_2`, `distance_3`, ... when the dataset has a column of that name.
pub fn distance_alias(ds: &DatasetVersion) -> String {
    let taken = |n: &str| ds.schema.iter().any(|c| c.name.eq_ignore_ascii_case(n));
    std::iter::once("distance".to_string())
        .chain((2..).map(|i| format!("distance_{i}")))
        .find(|n| !taken(n))
        .expect("a free name")
}

/// The `k` rows nearest to `text` across every searchable dataset with an index, nearest
/// first (none when `text` has no word the model knows). A dataset that cannot be searched (a
/// damaged index, a missing file) is skipped and named, and the others are searched.
pub fn semantic_search(lake: &Lake, text: &str, k: usize) -> Result<SemanticResults> {
    let k = k.clamp(1, 1000);
    let mut out = SemanticResults {
        hits: Vec::new(),
        skipped: Vec::new(),
        sources: searchable(lake)?,
    };
    let Some(q) = super::embed_one(text)? else {
        return Ok(out);
    };
    for s in out.sources.iter().filter(|s| s.indexed) {
        match nearest_in(lake, s, &q, k) {
            Ok(hits) => out.hits.extend(hits),
            Err(e) => out.skipped.push(format!("{}: {e}", s.dataset)),
        }
    }
    out.hits.sort_by(|a, b| {
        a.distance
            .total_cmp(&b.distance)
            .then_with(|| (&a.dataset, a.file, a.row).cmp(&(&b.dataset, b.file, b.row)))
    });
    out.hits.truncate(k);
    Ok(out)
}

/// The `k` rows of one searchable dataset nearest to `q`.
fn nearest_in(lake: &Lake, s: &Searchable, q: &[f32], k: usize) -> Result<Vec<SemanticHit>> {
    let ds = lake.catalog().require_dataset(&s.dataset)?;
    let Some(index) = lake_index::open(lake, &ds, &s.vector_column, Metric::Cosine)? else {
        return Ok(Vec::new());
    };
    let found = index
        .index
        .search(q, k, crate::vector::backends::EF_SEARCH.max(k))?;
    // No row is read for a file whose checksum did not match.
    index.checked.wait()?;
    let mut hits = Vec::with_capacity(found.len());
    let mut v = vec![0f32; index.dim];
    for (e, _) in found {
        let Some(&(file, row)) = index.entries.get(e as usize) else {
            continue;
        };
        index.index.vector(e, &mut v);
        hits.push(SemanticHit {
            dataset: s.dataset.clone(),
            column: s.text_column.clone(),
            text: text_at(lake, &ds, file, row, &s.text_column)?,
            distance: Metric::Cosine.rank(q, inv_norm(q), &v, inv_norm(&v)),
            file,
            row,
        });
    }
    Ok(hits)
}

/// The start of `column`'s text at row `row` of file `file` (only that row is asked of the
/// file, not the whole column).
fn text_at(lake: &Lake, ds: &DatasetVersion, file: u32, row: u32, column: &str) -> Result<String> {
    let f = ds
        .files
        .get(file as usize)
        .ok_or_else(|| LakeError::Internal(format!("{} has no file {file}", ds.name)))?;
    let read = |e: PolarsError| LakeError::QueryFailed(format!("reading {}: {e}", f.path));
    let lf = lake.scan_files([f.path.as_str()])?.map_err(read)?;
    let frame = crate::storage::collect_shielded(lf.select([col(column)]).slice(i64::from(row), 1))
        .map_err(read)?;
    let c = frame
        .column(column)
        .map_err(read)?
        .str()
        .map_err(read)?
        .clone();
    Ok(c.get(0).unwrap_or_default().chars().take(SNIPPET).collect())
}

/// The SQL of "Find similar": the `limit` rows of `dataset` nearest to `vector` in `column` by
/// the metric of its index (cosine when it has none), with their distances, nearest first.
/// Names are checked against the catalog and the numbers written by the lake.
pub fn similar_sql(
    lake: &Lake,
    dataset: &str,
    column: &str,
    vector: &[f32],
    limit: usize,
) -> Result<String> {
    let ds = lake.catalog().require_dataset(dataset)?;
    let (column, dim) = lake_index::resolve(&ds, column)?;
    if vector.len() != dim || vector.iter().any(|v| !v.is_finite()) {
        return Err(LakeError::Unsupported(format!(
            "this row's {column} is not a vector of {dim} numbers; it has no similar rows"
        )));
    }
    let kinds: Vec<String> = lake
        .catalog()
        .indexes_at(&ds.name, ds.version)?
        .into_iter()
        .filter(|i| i.column == column)
        .map(|i| i.kind)
        .collect();
    let f = match Metric::ALL.into_iter().find(|m| kinds.contains(&m.kind())) {
        Some(Metric::L2) => "array_distance",
        Some(Metric::InnerProduct) => "array_negative_inner_product",
        _ => "array_cosine_distance",
    };
    let nums: Vec<String> = vector
        .iter()
        .map(|v| format!("{}", f64::from(*v)))
        .collect();
    Ok(format!(
        "SELECT {f}({c}, [{v}]::REAL[{dim}]) AS {d}, *\nFROM {t}\nORDER BY {d}\nLIMIT {limit}",
        d = ident(&distance_alias(&ds)),
        c = ident(&column),
        v = nums.join(", "),
        t = ident(&ds.name),
        limit = limit.clamp(1, 10_000)
    ))
}

/// The vector in `column` of the first row of `frame` (a row the app shows), as `f32`s.
pub fn row_vector(frame: &DataFrame, column: &str) -> Result<Vec<f32>> {
    let bad =
        |why: String| LakeError::Unsupported(format!("this row has no vector to compare: {why}"));
    if frame.height() == 0 {
        return Err(bad("the row is not among the rows shown".into()));
    }
    let c = frame
        .column(column)
        .map_err(|_| bad(format!("the rows shown have no column {column}")))?;
    let s = c
        .as_materialized_series()
        .cast(&DataType::List(Box::new(DataType::Float32)))
        .map_err(|e| bad(e.to_string()))?;
    let inner = s
        .list()
        .ok()
        .and_then(|l| l.get_as_series(0))
        .ok_or_else(|| bad(format!("its {column} is NULL")))?;
    let v: Option<Vec<f32>> = inner
        .f32()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .collect();
    v.ok_or_else(|| bad(format!("its {column} holds a NULL")))
}
