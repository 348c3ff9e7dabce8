//! `geofence_events('points', 'fences')`, a table function: for a time-ordered point table
//! (location history, a GPX track), each stay inside each fence polygon, with when it began and
//! ended, how long it lasted and how many points it holds.
//!
//! - The points are the dataset's coordinate pair (or geometry column), in the order of its
//!   timestamp column (`ts`, else the first timestamp column). Rows without a time or a place
//!   are left out.
//! - The fences are the rows of a dataset with a geometry column (an imported GeoJSON, say),
//!   named by its `name` column (else `fence 1`, `fence 2`…). A point on a fence's edge is
//!   inside it.
//! - A stay is a run of consecutive points inside one fence: it is entered at its first point
//!   and left at its last, so its `duration_s` never counts the time before the first point in
//!   or after the last (a phone that was off stays uncounted). Overlapping fences each get
//!   their own stays.

use std::sync::Arc;

use polars::prelude::*;
use polars_plan::dsl::udf::UserDefinedFunction;
use polars_plan::prelude::{BaseColumnUdf, FunctionOptions};
use sqlparser::ast::{
    Expr as Sql, FunctionArg, FunctionArgExpr, Ident, ObjectName, ObjectNamePart, Statement,
    TableAlias, TableFactor, TableFunctionArgs, Value as SqlValue, VisitMut, VisitorMut,
};

use super::spatial_join::{BuildIndex, Relation};
use crate::catalog::DatasetVersion;
use crate::error::{LakeError, Result};
use crate::spatial::index::{coordinate_pairs, geometry_columns, Target};

/// The table function's name.
pub const NAME: &str = "geofence_events";

/// Its columns, as the result shows them.
pub const COLUMNS: [&str; 5] = ["fence", "entered_at", "left_at", "duration_s", "points"];

/// A use of the function in a query: the frame it is registered as and its two datasets.
#[derive(Debug, Clone, PartialEq)]
pub struct GeofenceUse {
    /// The name the statement reads it by.
    pub frame: String,
    /// The points dataset.
    pub points: String,
    /// The fences dataset.
    pub fences: String,
}

fn usage(what: &str) -> LakeError {
    LakeError::RejectedStatement(format!(
        "{NAME} {what}; write it as {NAME}('points_dataset', 'fences_dataset'), for example \
         {NAME}('takeout.location_points', 'fences')"
    ))
}

/// The two dataset names of `geofence_events(...)`: exactly two quoted texts.
pub fn dataset_args(args: &TableFunctionArgs) -> Result<(String, String)> {
    let texts: Vec<String> = args
        .args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(Sql::Value(v))) => match &v.value {
                SqlValue::SingleQuotedString(s) => Ok(s.to_lowercase()),
                _ => Err(usage("takes dataset names in single quotes")),
            },
            _ => Err(usage("takes dataset names in single quotes")),
        })
        .collect::<Result<_>>()?;
    match texts.as_slice() {
        [p, f] if args.settings.is_none() => Ok((p.clone(), f.clone())),
        _ => Err(usage(&format!("takes 2 arguments, not {}", texts.len()))),
    }
}

/// Binds every `geofence_events(...)` FROM item of `statement` (before the binder, which then
/// leaves the frames' names alone).
pub fn bind_table_functions(
    statement: &mut Statement,
    known: &std::collections::HashSet<String>,
) -> Result<Vec<GeofenceUse>> {
    struct Finder<'a> {
        known: &'a std::collections::HashSet<String>,
        uses: Vec<GeofenceUse>,
        error: Option<LakeError>,
    }
    impl VisitorMut for Finder<'_> {
        type Break = ();
        fn pre_visit_table_factor(&mut self, tf: &mut TableFactor) -> std::ops::ControlFlow<()> {
            if let TableFactor::Table {
                name,
                alias,
                args: args @ Some(_),
                ..
            } = tf
            {
                let text = super::bind::object_name_text(name);
                let n = self.uses.len() + 1;
                match bind_use(&text, name, alias, args, self.known, n) {
                    Ok(u) => self.uses.push(u),
                    Err(e) => {
                        self.error = Some(e);
                        return std::ops::ControlFlow::Break(());
                    }
                }
            }
            std::ops::ControlFlow::Continue(())
        }
    }
    let mut f = Finder {
        known,
        uses: Vec::new(),
        error: None,
    };
    let _ = statement.visit(&mut f);
    match f.error {
        Some(e) => Err(e),
        None => Ok(f.uses),
    }
}

/// Binds a `name(args)` FROM item (`text` is the name as written, unquoted): checks it is
/// `geofence_events` of two known datasets, and turns it into a read of the frame [`frame`]
/// makes (the `n`-th such use in the statement).
fn bind_use(
    text: &str,
    name: &mut ObjectName,
    alias: &mut Option<TableAlias>,
    args: &mut Option<TableFunctionArgs>,
    known: &std::collections::HashSet<String>,
    n: usize,
) -> Result<GeofenceUse> {
    let text = text.to_lowercase();
    if text != NAME {
        return Err(LakeError::RejectedStatement(format!(
            "`{text}(...)` is not a table function the lake has; the one it has is {NAME}(...)"
        )));
    }
    let (points, fences) = dataset_args(args.as_ref().expect("called for a table function"))?;
    for d in [&points, &fences] {
        if !known.contains(d) {
            let suggestion = crate::hints::closest(d, known.iter().map(String::as_str));
            let hint = suggestion
                .as_ref()
                .map(|s| format!("; did you mean '{s}'?"))
                .unwrap_or_else(|| "; list datasets with `lake datasets`".into());
            return Err(LakeError::UnknownDataset {
                message: format!("{NAME}: unknown dataset '{d}'{hint}"),
                position: None,
                suggestion,
            });
        }
    }
    // Not a valid dataset name (datasets have no `-`), so no dataset can be mistaken for it.
    let frame = format!("{NAME}-{n}");
    *name = ObjectName(vec![ObjectNamePart::Identifier(Ident::with_quote(
        '"',
        frame.clone(),
    ))]);
    *args = None;
    if alias.is_none() {
        *alias = Some(TableAlias {
            explicit: true,
            name: Ident::new(NAME),
            columns: vec![],
            at: None,
        });
    }
    Ok(GeofenceUse {
        frame,
        points,
        fences,
    })
}

pub(crate) fn time_column(ds: &DatasetVersion) -> Result<String> {
    crate::catalog::ColumnDef::time_column(&ds.schema)
        .map(|c| c.name.clone())
        .ok_or_else(|| {
            LakeError::QueryFailed(format!(
                "{NAME}: {} has no timestamp column to order its points by",
                ds.name
            ))
        })
}

fn failed(ds: &str) -> impl Fn(PolarsError) -> LakeError + '_ {
    move |e| LakeError::QueryFailed(format!("{NAME}: reading {ds}: {e}"))
}

/// The fences' geometries and names, read now (a fence table is small).
fn read_fences(ds: &DatasetVersion, lf: LazyFrame) -> Result<(BuildIndex, Vec<String>)> {
    let target = geometry_columns(&ds.schema)
        .into_iter()
        .next()
        .ok_or_else(|| {
            LakeError::QueryFailed(format!(
                "{NAME}: {} has no geometry column for the fences; import the polygons as \
                 GeoJSON (each feature a fence, named by its `name` property)",
                ds.name
            ))
        })?;
    let name = ds
        .schema
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case("name") && c.dtype == "str")
        .map(|c| c.name.clone());
    let mut exprs = target.exprs();
    if let Some(n) = &name {
        exprs.push(col(n.as_str()).alias("__name"));
    }
    let df = crate::storage::collect_shielded(lf.select(exprs)).map_err(failed(&ds.name))?;
    let geoms = target.read(&df).map_err(failed(&ds.name))?;
    let names = (0..df.height())
        .map(|i| {
            let given = df
                .column("__name")
                .ok()
                .and_then(|c| c.str().ok()?.get(i).map(str::to_string));
            given.unwrap_or_else(|| format!("fence {}", i + 1))
        })
        .collect();
    Ok((BuildIndex::new(geoms, Relation::Intersects), names))
}

/// The events frame: one row per stay (see the module docs), by time of entry.
pub fn frame(
    points: (&DatasetVersion, LazyFrame),
    fences: (&DatasetVersion, LazyFrame),
) -> Result<LazyFrame> {
    let (pds, plf) = points;
    let ts = time_column(pds)?;
    let target = coordinate_pairs(&pds.schema)
        .into_iter()
        .next()
        .or_else(|| geometry_columns(&pds.schema).into_iter().next())
        .ok_or_else(|| {
            LakeError::QueryFailed(format!(
                "{NAME}: {} has no coordinates (lon/lat columns) or geometry column",
                pds.name
            ))
        })?;
    let (index, names) = read_fences(fences.0, fences.1)?;
    let index = Arc::new(index);
    let probe_target = target.clone();
    let udf = BaseColumnUdf::new(
        move |cols: &mut [Column]| index.probe(cols, &probe_target, "__f".into()),
        |_: &Schema, _: &[Field]| {
            Ok(Field::new(
                "__f".into(),
                DataType::List(Box::new(DataType::UInt32)),
            ))
        },
    );
    let mut f = UserDefinedFunction::new(NAME.into(), udf);
    f.options = FunctionOptions::elementwise();
    let fence_names = DataFrame::new(
        names.len(),
        vec![
            UInt32Chunked::from_iter_values("__f".into(), 0..names.len() as u32).into_column(),
            StringChunked::from_iter_values("fence".into(), names.iter().map(String::as_str))
                .into_column(),
        ],
    )
    .map_err(failed(&fences.0.name))?;
    let mut present = target
        .exprs()
        .into_iter()
        .fold(col(ts.as_str()).is_not_null(), |acc, e| {
            acc.and(e.is_not_null())
        });
    if let Target::Geometry(_) = target {
        present = col(ts.as_str()).is_not_null();
    }
    let mut select = vec![col(ts.as_str()).alias("__ts")];
    select.extend(target.exprs());
    let stays = plf
        .filter(present)
        .select(select)
        .sort(["__ts"], SortMultipleOptions::default())
        .with_row_index("__i", None)
        .with_column(f.call(target.exprs()).alias("__f"))
        .filter(col("__f").list().len().gt(lit(0)))
        .explode(
            cols(["__f"]),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )
        // Within one fence, consecutive points keep `__i` minus their rank the same.
        .with_column(
            (col("__i").cast(DataType::Int64)
                - int_range(lit(0), len(), 1, DataType::Int64)
                    .over([col("__f")])
                    .map_err(failed(&pds.name))?)
            .alias("__run"),
        )
        .group_by_stable([col("__f"), col("__run")])
        .agg([
            col("__ts").first().alias("entered_at"),
            col("__ts").last().alias("left_at"),
            len().cast(DataType::Int64).alias("points"),
        ]);
    Ok(stays
        .join(
            fence_names.lazy(),
            [col("__f")],
            [col("__f")],
            JoinArgs::new(JoinType::Left),
        )
        .map_err(failed(&fences.0.name))?
        .sort(["entered_at", "fence"], SortMultipleOptions::default())
        .select([
            col("fence"),
            col("entered_at"),
            col("left_at"),
            (col("left_at") - col("entered_at"))
                .dt()
                .total_seconds(true)
                .cast(DataType::Float64)
                .alias("duration_s"),
            col("points"),
        ]))
}
