//! A query result kept for browsing: the app's grid asks for one window of rows at a time, and
//! sorting or filtering it is done by the engine on the kept result, not in the UI.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::arrow_ipc::frame_to_ipc;
use super::{collect_cancellable, QueryOptions};
use crate::catalog::ColumnDef;
use crate::error::{LakeError, Result};

/// Sort the rows by one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SortSpec {
    /// Column name.
    pub column: String,
    /// Largest first.
    pub descending: bool,
}

/// Keep rows whose text contains `text` (case-insensitive), in one column or in any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FilterSpec {
    /// Column name; every column when absent.
    pub column: Option<String>,
    /// The text to look for.
    pub text: String,
}

/// What the grid needs to know about a result.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResultMeta {
    /// Handle for fetching rows.
    pub id: u32,
    /// Columns with their types.
    pub columns: Vec<ColumnDef>,
    /// Rows in the current view (after filter).
    pub rows: u64,
    /// Rows in the whole result.
    pub total_rows: u64,
    /// Milliseconds the query (or the last sort/filter) took.
    pub elapsed_ms: f64,
    /// The current sort.
    pub sort: Option<SortSpec>,
    /// The current filter.
    pub filter: Option<FilterSpec>,
}

/// A kept result and its current view.
pub struct ResultSet {
    base: DataFrame,
    view: DataFrame,
    sort: Option<SortSpec>,
    filter: Option<FilterSpec>,
    /// The view's points in an R-tree, for its map: built on first use, dropped with the view.
    map: Option<std::sync::Arc<crate::spatial::rtree::FlatRTree>>,
    /// The dataset versions the query read (the lineage of an export of it).
    inputs: Vec<crate::catalog::lineage::InputVersion>,
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl ResultSet {
    /// Keeps `frame`, made by a query that read `inputs`.
    pub fn from_query(
        frame: DataFrame,
        inputs: Vec<crate::catalog::lineage::InputVersion>,
    ) -> Self {
        ResultSet {
            inputs,
            ..Self::new(frame)
        }
    }

    /// The dataset versions the query read.
    pub fn inputs(&self) -> &[crate::catalog::lineage::InputVersion] {
        &self.inputs
    }

    /// Keeps `frame`.
    pub fn new(frame: DataFrame) -> Self {
        ResultSet {
            view: frame.clone(),
            base: frame,
            sort: None,
            filter: None,
            inputs: Vec::new(),
            map: None,
        }
    }

    /// The view's points in `bbox` (its first lon/lat pair of columns), for the result's map;
    /// `rows` are `[0, row of the view]`.
    pub fn map_viewport(
        &mut self,
        bbox: crate::spatial::rtree::BBox,
        max_points: usize,
        grid: (u32, u32),
    ) -> Result<crate::spatial::viewport::Viewport> {
        use crate::spatial::index::{coordinate_pairs, Target};
        let Some(Target::Points { lon, lat }) =
            coordinate_pairs(&self.columns()).into_iter().next()
        else {
            return Err(crate::error::LakeError::Unsupported(
                "this result has no lon/lat columns to draw; select a pair such as lon, lat".into(),
            ));
        };
        if self.map.is_none() {
            let target = Target::Points {
                lon: lon.clone(),
                lat: lat.clone(),
            };
            let geoms = target
                .read(&self.view)
                .map_err(|e| crate::error::LakeError::Internal(e.to_string()))?;
            let mut items = Vec::with_capacity(geoms.len());
            crate::spatial::index::items_of(&geoms, 0, &mut items);
            let rows = self.view.height() as u64;
            let (bytes, _) = crate::spatial::rtree::build(items, &[("result".into(), rows)], true);
            let tree = crate::spatial::rtree::FlatRTree::parse(bytes, "result")?;
            self.map = Some(std::sync::Arc::new(tree));
        }
        let tree = self.map.as_ref().expect("built above");
        crate::spatial::viewport::viewport_in(tree, format!("{lon},{lat}"), bbox, max_points, grid)
    }

    /// Columns and types.
    pub fn columns(&self) -> Vec<ColumnDef> {
        self.base
            .columns()
            .iter()
            .map(|c| ColumnDef {
                name: c.name().to_string(),
                dtype: c.dtype().to_string(),
            })
            .collect()
    }

    /// The description the grid starts from.
    pub fn meta(&self, id: u32, elapsed_ms: f64) -> ResultMeta {
        ResultMeta {
            id,
            columns: self.columns(),
            rows: self.view.height() as u64,
            total_rows: self.base.height() as u64,
            elapsed_ms,
            sort: self.sort.clone(),
            filter: self.filter.clone(),
        }
    }

    /// The whole current view (for export).
    pub fn view(&self) -> &DataFrame {
        &self.view
    }

    /// Sorts and filters the kept result with the engine.
    pub fn set_view(
        &mut self,
        sort: Option<SortSpec>,
        filter: Option<FilterSpec>,
        opts: &QueryOptions,
    ) -> Result<()> {
        let names: Vec<String> = self.columns().into_iter().map(|c| c.name).collect();
        let check = |c: &str| -> Result<()> {
            if names.iter().any(|n| n == c) {
                Ok(())
            } else {
                let suggestion = names
                    .iter()
                    .max_by(|a, b| {
                        strsim::jaro_winkler(a, c).total_cmp(&strsim::jaro_winkler(b, c))
                    })
                    .cloned();
                Err(LakeError::UnknownColumn {
                    message: format!("no column {c} in this result"),
                    suggestion,
                    position: None,
                })
            }
        };
        let mut lf = self.base.clone().lazy();
        let filter = filter.filter(|f| !f.text.is_empty());
        if let Some(f) = &filter {
            let pat = lit(format!("(?i){}", regex_escape(&f.text)));
            let one = |c: &str| {
                col(c)
                    .cast(DataType::String)
                    .str()
                    .contains(pat.clone(), false)
                    .fill_null(lit(false))
            };
            let pred = match &f.column {
                Some(c) => {
                    check(c)?;
                    one(c)
                }
                None => names
                    .iter()
                    .map(|c| one(c))
                    .reduce(|a, b| a.or(b))
                    .unwrap_or(lit(true)),
            };
            lf = lf.filter(pred);
        }
        if let Some(s) = &sort {
            check(&s.column)?;
            lf = lf.sort(
                [s.column.as_str()],
                SortMultipleOptions::default()
                    .with_order_descending(s.descending)
                    .with_nulls_last(true)
                    .with_maintain_order(true),
            );
        }
        self.view = collect_cancellable(lf, opts)?;
        self.map = None;
        self.sort = sort;
        self.filter = filter;
        Ok(())
    }

    /// Rows `offset..offset+limit` of the view as Arrow IPC stream bytes.
    pub fn page_ipc(&self, offset: u64, limit: u32) -> Result<Vec<u8>> {
        let offset = offset.min(self.view.height() as u64);
        frame_to_ipc(&self.view.slice(offset as i64, limit as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> ResultSet {
        ResultSet::new(
            df![
                "name" => ["Ann", "bob", "Cleo", "Dan"],
                "age" => [Some(31i64), None, Some(25), Some(40)],
            ]
            .unwrap(),
        )
    }

    #[test]
    fn sort_descending_puts_nulls_last() {
        let mut r = people();
        let sort = SortSpec {
            column: "age".into(),
            descending: true,
        };
        r.set_view(Some(sort), None, &QueryOptions::default())
            .unwrap();
        let ages: Vec<Option<i64>> = r
            .view()
            .column("age")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(ages, [Some(40), Some(31), Some(25), None]);
    }

    #[test]
    fn filter_is_case_insensitive_and_literal() {
        let mut r = people();
        let f = FilterSpec {
            column: None,
            text: "B".into(),
        };
        r.set_view(None, Some(f), &QueryOptions::default()).unwrap();
        assert_eq!(r.meta(1, 0.0).rows, 1);
        assert_eq!(r.meta(1, 0.0).total_rows, 4);
        let f = FilterSpec {
            column: Some("name".into()),
            text: ".".into(),
        };
        r.set_view(None, Some(f), &QueryOptions::default()).unwrap();
        assert_eq!(r.meta(1, 0.0).rows, 0, "a dot is a dot, not any character");
    }

    #[test]
    fn unknown_sort_column_is_a_typed_error() {
        let mut r = people();
        let sort = SortSpec {
            column: "nope".into(),
            descending: false,
        };
        let e = r
            .set_view(Some(sort), None, &QueryOptions::default())
            .unwrap_err();
        assert_eq!(e.code(), "unknown_column");
    }

    #[test]
    fn pages_are_clamped() {
        let r = people();
        assert!(!r.page_ipc(100, 10).unwrap().is_empty());
    }
}
