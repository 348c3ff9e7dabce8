//! What the map shows: the points of a dataset inside the visible box, straight from its
//! R-tree (no data file is read). Up to a limit they come back one by one, with the file and
//! row each came from; past it, as counts per screen cell, where a whole subtree inside one
//! cell is counted without visiting its points.

use serde::Serialize;

use super::index;
use super::rtree::{BBox, FlatRTree};
use crate::error::{LakeError, Result};
use crate::Lake;

/// A viewport request.
#[derive(Debug, Clone)]
pub struct ViewportRequest {
    /// Dataset.
    pub dataset: String,
    /// The coordinate pair to draw, as its index names it (`lon,lat`); the first if None.
    pub column: Option<String>,
    /// The visible box: west, south, east, north.
    pub bbox: BBox,
    /// Points returned one by one up to this many.
    pub max_points: usize,
    /// Cells across and down when there are more.
    pub grid: (u32, u32),
}

/// What is in a viewport.
#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Viewport {
    /// The coordinate columns drawn (`lon,lat`).
    pub column: String,
    /// Points in the box.
    pub total: u64,
    /// Points in the whole dataset.
    pub entries: u64,
    /// Longitudes of the points (when `total` is at most the limit) or of the cells' centres.
    pub xs: Vec<f64>,
    /// Latitudes, likewise.
    pub ys: Vec<f64>,
    /// Per cell, how many points (empty when points come one by one).
    pub counts: Vec<u64>,
    /// Per point, the data file's ordinal and the row in it (empty for cells).
    pub rows: Vec<[u32; 2]>,
    /// Milliseconds the engine took.
    pub engine_ms: f64,
}

fn no_index(name: &str) -> LakeError {
    LakeError::Unsupported(format!(
        "{name} has no coordinate columns the map can draw (a pair such as lon/lat); \
         query it with SQL instead"
    ))
}

/// The points of a dataset in a box, or their counts per cell.
pub fn viewport(lake: &Lake, req: &ViewportRequest) -> Result<Viewport> {
    let t = std::time::Instant::now();
    let ds = lake.catalog().require_dataset(&req.dataset)?;
    let target = match &req.column {
        Some(c) => index::resolve(&ds, c)?,
        None => index::map_target(&ds).ok_or_else(|| no_index(&req.dataset))?,
    };
    let tree = match index::open(lake, &ds, &target)? {
        Some(t) => t,
        None => {
            return Err(LakeError::Unsupported(format!(
                "{} has no spatial index on {} yet; build it with `lake index create {} {}`",
                ds.name,
                target.key(),
                ds.name,
                target.key()
            )))
        }
    };
    let mut out = viewport_in(&tree, target.key(), req.bbox, req.max_points, req.grid)?;
    out.engine_ms = t.elapsed().as_secs_f64() * 1e3;
    Ok(out)
}

/// The points of `tree` in `bbox` (west, south, east, north): one by one up to `max_points`,
/// else counts per cell of a `grid` over the box. `column` names the coordinates drawn.
pub fn viewport_in(
    tree: &FlatRTree,
    column: String,
    bbox: BBox,
    max_points: usize,
    grid: (u32, u32),
) -> Result<Viewport> {
    let t = std::time::Instant::now();
    let b = bbox;
    if !b.iter().all(|v| v.is_finite()) || b[0] > b[2] || b[1] > b[3] {
        return Err(LakeError::Unsupported(format!(
            "the box {b:?} is not west, south, east, north"
        )));
    }
    let total = tree.count(&b)?;
    let mut out = Viewport {
        column,
        total,
        entries: tree.len() as u64,
        ..Default::default()
    };
    if total as usize <= max_points {
        tree.search(&b, &mut |_| false, &mut |e| {
            out.xs.push(e.bbox[0]);
            out.ys.push(e.bbox[1]);
            out.rows.push([e.file, e.row]);
        })?;
    } else {
        let (cols, rows) = (
            grid.0.clamp(1, 1024) as usize,
            grid.1.clamp(1, 1024) as usize,
        );
        let (w, h) = (
            (b[2] - b[0]).max(1e-12) / cols as f64,
            (b[3] - b[1]).max(1e-12) / rows as f64,
        );
        let cell = |x: f64, y: f64| {
            let c = (((x - b[0]) / w) as usize).min(cols - 1);
            let r = (((y - b[1]) / h) as usize).min(rows - 1);
            r * cols + c
        };
        // Both visitors add to the same cells.
        let acc =
            std::cell::RefCell::new((vec![0u64; cols * rows], vec![(0.0f64, 0.0f64); cols * rows]));
        let add = |i: usize, n: u64, x: f64, y: f64| {
            let mut a = acc.borrow_mut();
            a.0[i] += n;
            a.1[i].0 += x * n as f64;
            a.1[i].1 += y * n as f64;
        };
        tree.search(
            &b,
            &mut |n| {
                // A node inside one cell is counted whole; so is one much smaller than a cell,
                // in the cell of its centre (a cluster drawn a few pixels off; totals exact).
                let (a, z) = (cell(n.bbox[0], n.bbox[1]), cell(n.bbox[2], n.bbox[3]));
                let small = n.bbox[2] - n.bbox[0] < w / 4.0 && n.bbox[3] - n.bbox[1] < h / 4.0;
                let (cx, cy) = ((n.bbox[0] + n.bbox[2]) / 2.0, (n.bbox[1] + n.bbox[3]) / 2.0);
                if a == z || small {
                    add(cell(cx, cy), n.below, cx, cy);
                }
                a == z || small
            },
            &mut |e| add(cell(e.bbox[0], e.bbox[1]), 1, e.bbox[0], e.bbox[1]),
        )?;
        let (counts, sums) = acc.into_inner();
        for (i, n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            // Drawn where the cell's points are on average.
            out.xs.push(sums[i].0 / *n as f64);
            out.ys.push(sums[i].1 / *n as f64);
            out.counts.push(*n);
        }
    }
    out.engine_ms = t.elapsed().as_secs_f64() * 1e3;
    Ok(out)
}

impl Viewport {
    /// The viewport as one Arrow IPC stream, what the app's map receives: columns `x`, `y`
    /// (Float64) and either `n` (UInt64, per cell) or `file`, `row` (UInt32, per point); the
    /// rest in the schema's metadata (`column`, `total`, `entries`, `engine_ms`).
    pub fn to_ipc(&self) -> Result<Vec<u8>> {
        use arrow_array::{ArrayRef, Float64Array, RecordBatch, UInt32Array, UInt64Array};
        use arrow_schema::{DataType, Field, Schema};
        use std::sync::Arc;
        let failed =
            |e: arrow_schema::ArrowError| LakeError::Internal(format!("the map's Arrow: {e}"));
        let f64s = |v: &[f64]| Arc::new(Float64Array::from(v.to_vec())) as ArrayRef;
        let mut fields = vec![
            Field::new("x", DataType::Float64, false),
            Field::new("y", DataType::Float64, false),
        ];
        let mut columns = vec![f64s(&self.xs), f64s(&self.ys)];
        if self.counts.is_empty() {
            fields.push(Field::new("file", DataType::UInt32, false));
            fields.push(Field::new("row", DataType::UInt32, false));
            let part = |i: usize| UInt32Array::from_iter_values(self.rows.iter().map(|r| r[i]));
            columns.push(Arc::new(part(0)));
            columns.push(Arc::new(part(1)));
        } else {
            fields.push(Field::new("n", DataType::UInt64, false));
            columns.push(Arc::new(UInt64Array::from(self.counts.clone())));
        }
        let meta = [
            ("column", self.column.clone()),
            ("total", self.total.to_string()),
            ("entries", self.entries.to_string()),
            ("engine_ms", self.engine_ms.to_string()),
        ];
        let schema = Arc::new(Schema::new_with_metadata(
            fields,
            meta.into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<std::collections::HashMap<_, _>>(),
        ));
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(failed)?;
        let mut out = Vec::new();
        let mut w = arrow_ipc::writer::StreamWriter::try_new(&mut out, &schema).map_err(failed)?;
        w.write(&batch).map_err(failed)?;
        w.finish().map_err(failed)?;
        drop(w);
        Ok(out)
    }
}

/// Row `row` of the version's `file`-th data file (a point clicked on the map).
pub fn row_at(
    lake: &Lake,
    dataset: &str,
    file: u32,
    row: u32,
) -> Result<polars::prelude::DataFrame> {
    let ds = lake.catalog().require_dataset(dataset)?;
    let f = ds.files.get(file as usize).filter(|f| (row as u64) < f.rows).ok_or_else(|| {
        LakeError::Unsupported(format!(
            "{dataset} has changed since the map was drawn (no row {row} in file {file}); move the map to redraw it"
        ))
    })?;
    lake.scan_files([f.path.as_str()])?
        .and_then(|lf| crate::storage::collect_shielded(lf.slice(row as i64, 1)))
        .map_err(|e| LakeError::QueryFailed(format!("reading row {row} of {}: {e}", f.path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, Float64Array, UInt32Array, UInt64Array};

    fn read(v: &Viewport) -> arrow_array::RecordBatch {
        let bytes = v.to_ipc().unwrap();
        let mut r =
            arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
        let meta = r.schema().metadata().clone();
        assert_eq!(meta["column"], v.column);
        assert_eq!(meta["total"], v.total.to_string());
        assert_eq!(meta["entries"], v.entries.to_string());
        assert_eq!(meta["engine_ms"].parse::<f64>().unwrap(), v.engine_ms);
        r.next().unwrap().unwrap()
    }

    fn col<T: Clone + 'static>(b: &arrow_array::RecordBatch, name: &str) -> T {
        b.column_by_name(name)
            .unwrap_or_else(|| panic!("no column {name}"))
            .as_any()
            .downcast_ref::<T>()
            .unwrap()
            .clone()
    }

    #[test]
    fn viewports_cross_as_arrow_with_points_or_cells() {
        let points = Viewport {
            column: "lon,lat".into(),
            total: 2,
            entries: 10,
            xs: vec![13.4, -0.1],
            ys: vec![52.5, 51.5],
            rows: vec![[0, 7], [3, 1]],
            engine_ms: 0.25,
            ..Default::default()
        };
        let b = read(&points);
        assert_eq!(b.num_rows(), 2);
        assert_eq!(col::<Float64Array>(&b, "x").values(), &[13.4, -0.1]);
        assert_eq!(col::<Float64Array>(&b, "y").values(), &[52.5, 51.5]);
        assert_eq!(col::<UInt32Array>(&b, "file").values(), &[0, 3]);
        assert_eq!(col::<UInt32Array>(&b, "row").values(), &[7, 1]);
        assert!(b.column_by_name("n").is_none());
        let cells = Viewport {
            column: "lng,lat".into(),
            total: 1_000_000,
            entries: 2_000_000,
            xs: vec![1.0],
            ys: vec![2.0],
            counts: vec![1_000_000],
            engine_ms: 3.5,
            ..Default::default()
        };
        let b = read(&cells);
        assert_eq!(col::<UInt64Array>(&b, "n").values(), &[1_000_000]);
        assert!(b.column_by_name("file").is_none());
        let empty = read(&Viewport::default());
        assert_eq!((empty.num_rows(), empty.num_columns()), (0, 4));
        assert_eq!(empty.column(0).len(), 0);
    }
}
