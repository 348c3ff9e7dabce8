//! Spatial joins: `A a JOIN B b ON ST_Contains(a.geom, ST_Point(b.lon, b.lat))` (and
//! `ST_Within`, `ST_Intersects`, `ST_DWithin(…, metres)`) run as an index join, never as a
//! filtered cross product.
//!
//! The build side (the one with a geometry column, or the smaller) is read once and its
//! geometries' boxes go into an in-memory R-tree (`rstar`). The probe side gets a column listing,
//! for each row, the build rows its geometry satisfies the predicate with (candidates from the
//! R-tree, then the exact test, in parallel), exploded to one row per match; the build side gets
//! its row number. The ON condition becomes an equality of the two, which Polars joins by hash.
//! In the SQL the two tables are renamed to those frames and every `*` excludes the two columns.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

use geo::{Geometry, Intersects};
use polars::prelude::*;
use polars_plan::dsl::udf::UserDefinedFunction;
use polars_plan::prelude::{BaseColumnUdf, FunctionOptions};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use sqlparser::ast::{
    BinaryOperator, ExcludeSelectItem, Expr as Sql, Ident, JoinConstraint, JoinOperator,
    ObjectName, ObjectNamePart, Query, SelectItem, SetExpr, Statement, TableFactor, VisitMut,
    VisitorMut,
};

use super::bind::object_name_text;
use super::spatial::{args, grow_by_metres, number};
use crate::catalog::ColumnDef;
use crate::error::{LakeError, Result};
use crate::spatial::functions::{contains, sphere_distance};
use crate::spatial::index::Target;
use crate::spatial::rtree::bbox_of;

/// How a build row and a probe row must relate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Relation {
    /// The build geometry contains the probe's.
    BuildContains,
    /// The probe geometry contains the build's.
    ProbeContains,
    /// They intersect.
    Intersects,
    /// They are within this many metres on the sphere.
    Within(f64),
}

/// One side of a spatial join.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// Dataset.
    pub dataset: String,
    /// Its alias in the query.
    pub alias: String,
    /// What the predicate tests.
    pub target: Target,
    /// The name its frame is registered under.
    pub frame: String,
    /// The join column added to it.
    pub key: String,
}

/// A spatial join found in the query.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialJoin {
    /// The side read into the R-tree.
    pub build: Side,
    /// The side streamed against it.
    pub probe: Side,
    /// The predicate.
    pub relation: Relation,
    /// The predicate as written, for the plan.
    pub text: String,
}

/// `alias.column` of one of `tables`, resolved against its schema.
fn qualified<'a>(
    e: &Sql,
    tables: &'a [(String, String)],
    schemas: &HashMap<String, Vec<ColumnDef>>,
) -> Option<(&'a (String, String), String)> {
    let Sql::CompoundIdentifier(p) = e else {
        return None;
    };
    if p.len() != 2 {
        return None;
    }
    let t = tables
        .iter()
        .find(|(_, a)| a.eq_ignore_ascii_case(&p[0].value))?;
    let c = schemas
        .get(&t.0)?
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(&p[1].value))?;
    Some((t, c.name.clone()))
}

/// What one argument of the predicate tests: `ST_Point(t.x, t.y)` or `t.geom`.
fn operand<'a>(
    e: &Sql,
    tables: &'a [(String, String)],
    schemas: &HashMap<String, Vec<ColumnDef>>,
) -> Option<(&'a (String, String), Target)> {
    match e {
        Sql::Function(f)
            if matches!(
                f.name.to_string().to_ascii_lowercase().as_str(),
                "st_point" | "st_makepoint"
            ) =>
        {
            let a = args(f);
            if a.len() != 2 {
                return None;
            }
            let (t1, x) = qualified(a[0], tables, schemas)?;
            let (t2, y) = qualified(a[1], tables, schemas)?;
            (t1 == t2).then_some((t1, Target::Points { lon: x, lat: y }))
        }
        other => qualified(other, tables, schemas).map(|(t, c)| (t, Target::Geometry(c))),
    }
}

/// The spatial join an ON condition asks for, between `tables`' last entry and an earlier one.
fn spatial_on(
    on: &Sql,
    tables: &[(String, String)],
    schemas: &HashMap<String, Vec<ColumnDef>>,
    rows: &HashMap<String, u64>,
    id: usize,
) -> Option<SpatialJoin> {
    let Sql::Function(f) = on else { return None };
    let name = f.name.to_string().to_ascii_lowercase();
    let a = args(f);
    let (first, second, relation) = match (name.as_str(), a.len()) {
        ("st_contains", 2) => (a[0], a[1], Relation::BuildContains),
        ("st_within", 2) => (a[1], a[0], Relation::BuildContains),
        ("st_intersects", 2) => (a[0], a[1], Relation::Intersects),
        ("st_dwithin", 3) => (
            a[0],
            a[1],
            Relation::Within(number(a[2]).filter(|m| *m >= 0.0)?),
        ),
        _ => return None,
    };
    let (ta, ga) = operand(first, tables, schemas)?;
    let (tb, gb) = operand(second, tables, schemas)?;
    if ta == tb {
        return None;
    }
    // The geometry column builds (polygons are fewer); between like sides, the smaller one.
    let rows_of = |t: &(String, String)| rows.get(&t.0).copied().unwrap_or(u64::MAX);
    let first_builds = match (&ga, &gb) {
        (Target::Geometry(_), Target::Points { .. }) => true,
        (Target::Points { .. }, Target::Geometry(_)) => false,
        _ => rows_of(ta) <= rows_of(tb),
    };
    let side = |t: &(String, String), g: Target, role: &str| Side {
        dataset: t.0.clone(),
        alias: t.1.clone(),
        target: g,
        frame: format!("__spatial_{role}_{id}"),
        key: format!("__spatial_{role}_key_{id}"),
    };
    let (build, probe, relation) = if first_builds {
        (side(ta, ga, "build"), side(tb, gb, "probe"), relation)
    } else {
        let flipped = match relation {
            Relation::BuildContains => Relation::ProbeContains,
            r => r,
        };
        (side(tb, gb, "build"), side(ta, ga, "probe"), flipped)
    };
    Some(SpatialJoin {
        build,
        probe,
        relation,
        text: on.to_string(),
    })
}

fn rename(tf: &mut TableFactor, alias: &str, frame: &str) {
    if let TableFactor::Table {
        name,
        alias: Some(a),
        ..
    } = tf
    {
        if a.name.value.eq_ignore_ascii_case(alias) {
            *name = ObjectName(vec![ObjectNamePart::Identifier(Ident::new(frame))]);
        }
    }
}

fn exclude(opts: &mut sqlparser::ast::WildcardAdditionalOptions, cols: &[&str]) {
    let mut names: Vec<ObjectName> = match opts.opt_exclude.take() {
        Some(ExcludeSelectItem::Single(i)) => vec![i],
        Some(ExcludeSelectItem::Multiple(v)) => v,
        None => Vec::new(),
    };
    names.extend(
        cols.iter()
            .map(|c| ObjectName(vec![ObjectNamePart::Identifier(Ident::new(*c))])),
    );
    opts.opt_exclude = Some(ExcludeSelectItem::Multiple(names));
}

/// `FROM a, b WHERE <spatial predicate of a and b> AND …` as `FROM a JOIN b ON <predicate>
/// WHERE …`, so the comma join runs as a spatial join too. Returns whether it moved one.
fn comma_to_join(
    s: &mut sqlparser::ast::Select,
    schemas: &HashMap<String, Vec<ColumnDef>>,
    rows: &HashMap<String, u64>,
) -> bool {
    let plain = |t: &sqlparser::ast::TableWithJoins| match &t.relation {
        TableFactor::Table {
            name,
            alias: Some(a),
            args: None,
            ..
        } if t.joins.is_empty() => Some((object_name_text(name), a.name.value.clone())),
        _ => None,
    };
    let Some(selection) = s.selection.clone() else {
        return false;
    };
    let mut parts = Vec::new();
    super::expr::split_and(selection, &mut parts);
    for i in 0..s.from.len() {
        for j in i + 1..s.from.len() {
            let (Some(a), Some(b)) = (plain(&s.from[i]), plain(&s.from[j])) else {
                continue;
            };
            let tables = [a, b];
            let Some(k) = (0..parts.len())
                .find(|k| spatial_on(&parts[*k], &tables, schemas, rows, 0).is_some())
            else {
                continue;
            };
            let on = parts.remove(k);
            let right = s.from.remove(j);
            s.from[i].joins.push(sqlparser::ast::Join {
                relation: right.relation,
                global: false,
                join_operator: JoinOperator::Inner(JoinConstraint::On(on)),
            });
            s.selection = super::expr::join_and(parts);
            return true;
        }
    }
    false
}

/// Finds the spatial joins (`[INNER] JOIN … ON <predicate>`, and comma joins
/// with the predicate in WHERE), rewrites them into
/// equality joins over the frames [`register`] adds, and returns them.
pub fn rewrite_spatial_joins(
    statement: &mut Statement,
    schemas: &HashMap<String, Vec<ColumnDef>>,
    rows: &HashMap<String, u64>,
) -> Vec<SpatialJoin> {
    struct Find<'a> {
        schemas: &'a HashMap<String, Vec<ColumnDef>>,
        rows: &'a HashMap<String, u64>,
        out: Vec<SpatialJoin>,
    }
    impl VisitorMut for Find<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
            let SetExpr::Select(s) = q.body.as_mut() else {
                return ControlFlow::Continue(());
            };
            while comma_to_join(s, self.schemas, self.rows) {}
            let mut found = Vec::new();
            for twj in &mut s.from {
                let mut tables: Vec<(String, String)> = Vec::new();
                let name_of = |tf: &TableFactor| match tf {
                    TableFactor::Table {
                        name,
                        alias: Some(a),
                        args: None,
                        ..
                    } => Some((object_name_text(name), a.name.value.clone())),
                    _ => None,
                };
                tables.extend(name_of(&twj.relation));
                for j in 0..twj.joins.len() {
                    let Some(t) = name_of(&twj.joins[j].relation) else {
                        continue;
                    };
                    tables.push(t);
                    let on = match &twj.joins[j].join_operator {
                        JoinOperator::Join(JoinConstraint::On(e))
                        | JoinOperator::Inner(JoinConstraint::On(e)) => e,
                        _ => continue,
                    };
                    let id = self.out.len() + found.len() + 1;
                    let Some(sj) = spatial_on(on, &tables, self.schemas, self.rows, id) else {
                        continue;
                    };
                    let key = |side: &Side| {
                        Sql::CompoundIdentifier(vec![
                            Ident::new(&side.alias),
                            Ident::new(&side.key),
                        ])
                    };
                    let eq = Sql::BinaryOp {
                        left: Box::new(key(&sj.build)),
                        op: BinaryOperator::Eq,
                        right: Box::new(key(&sj.probe)),
                    };
                    twj.joins[j].join_operator = JoinOperator::Inner(JoinConstraint::On(eq));
                    for side in [&sj.build, &sj.probe] {
                        rename(&mut twj.relation, &side.alias, &side.frame);
                        for jj in twj.joins.iter_mut() {
                            rename(&mut jj.relation, &side.alias, &side.frame);
                        }
                    }
                    found.push(sj);
                }
            }
            for sj in &found {
                let keys = [sj.build.key.as_str(), sj.probe.key.as_str()];
                for item in &mut s.projection {
                    match item {
                        SelectItem::Wildcard(opts) => exclude(opts, &keys),
                        SelectItem::QualifiedWildcard(kind, opts) => {
                            let text = kind.to_string();
                            for side in [&sj.build, &sj.probe] {
                                if text.eq_ignore_ascii_case(&side.alias) {
                                    exclude(opts, &[side.key.as_str()]);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            self.out.extend(found);
            ControlFlow::Continue(())
        }
    }
    let mut f = Find {
        schemas,
        rows,
        out: Vec::new(),
    };
    let _ = statement.visit(&mut f);
    f.out
}

/// The build side, indexed.
pub(super) struct BuildIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    geoms: Vec<Option<Geometry>>,
    relation: Relation,
}

impl BuildIndex {
    pub(super) fn new(geoms: Vec<Option<Geometry>>, relation: Relation) -> Self {
        let items = geoms
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let mut b = bbox_of(g.as_ref()?)?;
                if let Relation::Within(m) = relation {
                    // Near a pole or the antimeridian the box would wrap: take the world.
                    b = grow_by_metres(b, m).unwrap_or([-180.0, -90.0, 180.0, 90.0]);
                }
                b.iter().all(|v| v.is_finite()).then(|| {
                    GeomWithData::new(
                        Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                        i as u32,
                    )
                })
            })
            .collect();
        BuildIndex {
            tree: RTree::bulk_load(items),
            geoms,
            relation,
        }
    }

    /// The build rows `p` matches.
    fn matches(&self, p: &Geometry, out: &mut Vec<u32>) {
        let Some(b) = bbox_of(p) else { return };
        let env = AABB::from_corners([b[0], b[1]], [b[2], b[3]]);
        for c in self.tree.locate_in_envelope_intersecting(&env) {
            let Some(g) = self.geoms[c.data as usize].as_ref() else {
                continue;
            };
            let ok = match self.relation {
                Relation::BuildContains => contains(g, p),
                Relation::ProbeContains => contains(p, g),
                Relation::Intersects => g.intersects(p),
                Relation::Within(m) => sphere_distance(g, p) <= m,
            };
            if ok {
                out.push(c.data);
            }
        }
    }

    /// For each probe row, the list of build rows it matches.
    pub(super) fn probe(
        &self,
        cols: &[Column],
        t: &Target,
        name: PlSmallStr,
    ) -> PolarsResult<Column> {
        let geoms = t.geometries(cols)?;
        // The rows in one slice per core (the engine calls this once for a whole column).
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per = geoms.len().div_ceil(threads).max(4096);
        let lists: Vec<Vec<u32>> = std::thread::scope(|s| {
            let parts: Vec<_> = geoms
                .chunks(per)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|g| {
                                let mut v = Vec::new();
                                if let Some(g) = g {
                                    self.matches(g, &mut v);
                                }
                                v
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().expect("a spatial join worker panicked"))
                .collect()
        });
        let mut builder = ListPrimitiveChunkedBuilder::<UInt32Type>::new(
            name,
            lists.len(),
            lists.iter().map(Vec::len).sum(),
            DataType::UInt32,
        );
        for l in &lists {
            builder.append_slice(l);
        }
        Ok(builder.finish().into_column())
    }
}

/// The two frames of a spatial join, from the scans of its datasets: the build side with its
/// row number, and the probe side with one row per match.
pub fn frames(
    sj: &SpatialJoin,
    build: LazyFrame,
    probe: LazyFrame,
) -> Result<(LazyFrame, LazyFrame)> {
    let failed = |e: PolarsError| {
        LakeError::QueryFailed(format!(
            "reading {} for the spatial join: {e}",
            sj.build.dataset
        ))
    };
    // Read while the query is prepared, before the engine's abort catcher runs it: shielded,
    // so another tab's Cancel cannot stop it half-way (storage::shield_engine_work).
    let build_cols =
        crate::storage::collect_shielded(build.clone().select(sj.build.target.exprs()))
            .map_err(failed)?;
    let geoms = sj
        .build
        .target
        .geometries(build_cols.columns())
        .map_err(failed)?;
    let index = Arc::new(BuildIndex::new(geoms, sj.relation));
    let build = build
        .with_row_index(sj.build.key.as_str(), None)
        .with_column(col(sj.build.key.as_str()).cast(DataType::UInt32));
    let (target, key) = (sj.probe.target.clone(), sj.probe.key.clone());
    let key_name = PlSmallStr::from(key.as_str());
    let udf = BaseColumnUdf::new(
        move |cols: &mut [Column]| index.probe(cols, &target, key_name.clone()),
        move |_: &Schema, _: &[Field]| {
            Ok(Field::new(
                PlSmallStr::from(key.as_str()),
                DataType::List(Box::new(DataType::UInt32)),
            ))
        },
    );
    let mut f = UserDefinedFunction::new("spatial_join".into(), udf);
    f.options = FunctionOptions::elementwise();
    let probe = probe
        .with_column(f.call(sj.probe.target.exprs()).alias(sj.probe.key.as_str()))
        .explode(
            cols([sj.probe.key.as_str()]),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        );
    Ok((build, probe))
}
