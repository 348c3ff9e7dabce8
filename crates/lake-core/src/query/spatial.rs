//! Spatial predicates that an index can answer: a point built from two columns
//! (`ST_Point(lon, lat)`) or a geometry column, tested with `ST_Within`, `ST_Contains`,
//! `ST_Intersects` or `ST_DWithin` against a constant geometry. For each, the box any matching
//! row must lie in is worked out; for points it is added to the WHERE clause as two BETWEEN
//! ranges (which the file and row-group statistics then prune by, and Polars filters on before
//! building any geometry), and for both it is looked up in the R-tree to skip files.
//!
//! The ranges are implied by the predicate (a point within a geometry lies within its box; a
//! point within d metres lies within the box grown by d on the sphere), so answers never change.

use std::collections::HashMap;
use std::ops::ControlFlow;

use geo::{Geometry, Point, Rect};
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, Query, SetExpr,
    Statement, Value as SqlValue, VisitMut, VisitorMut,
};

use crate::catalog::ColumnDef;
use crate::spatial::functions::SPHERE_RADIUS_M;
use crate::spatial::index::Target;
use crate::spatial::rtree::{bbox_of, BBox};
use crate::spatial::text;

/// One spatial predicate on one use of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialUse {
    /// The dataset.
    pub dataset: String,
    /// The columns tested.
    pub target: Target,
    /// The box every matching row lies in.
    pub bbox: BBox,
}

/// A call's plain arguments.
pub(super) fn args(f: &sqlparser::ast::Function) -> Vec<&Expr> {
    match &f.args {
        FunctionArguments::List(l) => l
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A number literal, with its sign.
pub(super) fn number(e: &Expr) -> Option<f64> {
    match e {
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr,
        } => number(expr).map(|n| -n),
        Expr::Nested(i) => number(i),
        _ => None,
    }
}

fn string(e: &Expr) -> Option<&str> {
    match e {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

fn fname(f: &sqlparser::ast::Function) -> String {
    f.name.to_string().to_ascii_lowercase()
}

/// A constant geometry written with literals.
fn constant(e: &Expr) -> Option<Geometry> {
    let Expr::Function(f) = e else { return None };
    let a = args(f);
    match fname(f).as_str() {
        "st_makeenvelope" if a.len() >= 4 => {
            let n: Vec<f64> = a[..4].iter().map(|x| number(x)).collect::<Option<_>>()?;
            Some(Rect::new((n[0], n[1]), (n[2], n[3])).to_polygon().into())
        }
        "st_point" | "st_makepoint" if a.len() == 2 => {
            Some(Point::new(number(a[0])?, number(a[1])?).into())
        }
        "st_geomfromtext" if !a.is_empty() => text::from_wkt(string(a[0])?).ok().flatten(),
        "st_geomfromgeojson" if a.len() == 1 => {
            text::from_geojson(&serde_json::from_str(string(a[0])?).ok()?).ok()
        }
        _ => None,
    }
}

/// What a use of a table tests: `ST_Point(x, y)` of its columns, or one of its columns.
fn tested(e: &Expr, alias: &str, sole: bool, schema: &[ColumnDef]) -> Option<Target> {
    let column = |e: &Expr| -> Option<String> {
        let name = match e {
            Expr::Identifier(i) if sole => &i.value,
            Expr::CompoundIdentifier(p)
                if p.len() == 2 && p[0].value.eq_ignore_ascii_case(alias) =>
            {
                &p[1].value
            }
            _ => return None,
        };
        schema
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| c.name.clone())
    };
    let number_col = |e: &Expr| {
        column(e).filter(|c| {
            schema.iter().any(|d| {
                &d.name == c
                    && (d.dtype.starts_with('f')
                        || d.dtype.starts_with('i')
                        || d.dtype.starts_with('u'))
            })
        })
    };
    match e {
        Expr::Function(f) if matches!(fname(f).as_str(), "st_point" | "st_makepoint") => {
            let a = args(f);
            (a.len() == 2).then_some(())?;
            Some(Target::Points {
                lon: number_col(a[0])?,
                lat: number_col(a[1])?,
            })
        }
        other => column(other).map(Target::Geometry),
    }
}

/// `bbox` grown by `m` metres on the sphere; None near a pole or across the antimeridian,
/// where a box in lon/lat would have to wrap.
pub fn grow_by_metres(b: BBox, m: f64) -> Option<BBox> {
    if !(m.is_finite() && m >= 0.0) {
        return None;
    }
    let dlat = (m / SPHERE_RADIUS_M).to_degrees();
    let lat_max = b[1].abs().max(b[3].abs()) + dlat;
    if lat_max >= 89.0 {
        return None;
    }
    // hav(d/R) >= cos(lat1) cos(lat2) hav(dlon), with both latitudes at most lat_max.
    let s = (m / (2.0 * SPHERE_RADIUS_M)).sin() / lat_max.to_radians().cos();
    if s >= 1.0 {
        return None;
    }
    let dlon = (2.0 * s.asin()).to_degrees();
    // A hair more, so rounding never drops a point on the edge.
    let (dlat, dlon) = (dlat * (1.0 + 1e-9) + 1e-12, dlon * (1.0 + 1e-9) + 1e-12);
    let grown = [b[0] - dlon, b[1] - dlat, b[2] + dlon, b[3] + dlat];
    (grown[0] >= -180.0 && grown[2] <= 180.0).then_some(grown)
}

/// What a spatial predicate asks of the tested geometry `p`, against a constant: exactly what
/// the `ST_` function computes.
#[derive(Debug, Clone)]
pub enum Exact {
    /// `ST_Within(p, g)`, `ST_Contains(g, p)`: `p` in `g`'s interior.
    Within(Geometry),
    /// `ST_Intersects(p, g)`.
    Intersects(Geometry),
    /// `ST_DWithin(p, g, metres)` (with true), or `ST_DWithin(g, p, metres)`.
    DWithin(Geometry, f64, bool),
}

/// An axis-aligned rectangle's polygon (as `ST_MakeEnvelope` makes): its box.
fn rectangle(g: &Geometry) -> Option<BBox> {
    let Geometry::Polygon(p) = g else { return None };
    let b = bbox_of(g)?;
    let ring = &p.exterior().0;
    let on_corner = |c: &geo::Coord| (c.x == b[0] || c.x == b[2]) && (c.y == b[1] || c.y == b[3]);
    let edges_axis = ring
        .windows(2)
        .all(|w| w[0].x == w[1].x || w[0].y == w[1].y);
    // Four different corners, closed, joined by axis-parallel edges: the rectangle itself.
    let distinct = ring.len() == 5
        && ring[4] == ring[0]
        && (0..4).all(|i| (i + 1..4).all(|j| ring[i] != ring[j]));
    (p.interiors().is_empty() && distinct && ring.iter().all(on_corner) && edges_axis).then_some(b)
}

impl Exact {
    /// For a test against a rectangle, the rectangle and whether its edges pass (they do for
    /// `ST_Intersects`, not for `ST_Within`): then every point strictly inside passes, and
    /// only those (and the edges' when they pass).
    pub fn as_rectangle(&self) -> Option<(BBox, bool)> {
        match self {
            Exact::Within(g) => rectangle(g).map(|b| (b, false)),
            Exact::Intersects(g) => rectangle(g).map(|b| (b, true)),
            Exact::DWithin(..) => None,
        }
    }

    /// Whether the point (x, y) passes.
    pub fn holds(&self, x: f64, y: f64) -> bool {
        use geo::Intersects;
        let p = Geometry::Point(Point::new(x, y));
        match self {
            Exact::Within(g) => crate::spatial::functions::contains(g, &p),
            Exact::Intersects(g) => p.intersects(g),
            Exact::DWithin(g, m, true) => crate::spatial::functions::sphere_distance(&p, g) <= *m,
            Exact::DWithin(g, m, false) => crate::spatial::functions::sphere_distance(g, &p) <= *m,
        }
    }
}

/// The box of one conjunct, if it is a spatial predicate on this use of the table.
fn conjunct(e: &Expr, alias: &str, sole: bool, schema: &[ColumnDef]) -> Option<(Target, BBox)> {
    exact_conjunct(e, alias, sole, schema).map(|(t, b, _)| (t, b))
}

/// [`conjunct`], with the exact test it makes.
pub(super) fn exact_conjunct(
    e: &Expr,
    alias: &str,
    sole: bool,
    schema: &[ColumnDef],
) -> Option<(Target, BBox, Exact)> {
    let Expr::Function(f) = e else { return None };
    let a = args(f);
    let name = fname(f);
    let (probe, other) = match (name.as_str(), a.len()) {
        ("st_within", 2) => (a[0], a[1]),
        ("st_contains", 2) => (a[1], a[0]),
        ("st_intersects", 2) | ("st_dwithin", 3) => {
            if constant(a[1]).is_some() {
                (a[0], a[1])
            } else {
                (a[1], a[0])
            }
        }
        _ => return None,
    };
    let target = tested(probe, alias, sole, schema)?;
    let g = constant(other)?;
    let mut bbox = bbox_of(&g)?;
    let exact = match name.as_str() {
        "st_dwithin" => {
            let m = number(a[2])?;
            bbox = grow_by_metres(bbox, m)?;
            Exact::DWithin(g, m, std::ptr::eq(probe, a[0]))
        }
        "st_intersects" => Exact::Intersects(g),
        _ => Exact::Within(g),
    };
    Some((target, bbox, exact))
}

/// A number literal as the parser reads one back: a minus sign is an operator.
pub(super) fn lit(v: f64) -> Expr {
    let n = Expr::value(SqlValue::Number(format!("{}", v.abs()), false));
    if v.is_sign_negative() && v != 0.0 {
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr: Box::new(n),
        }
    } else {
        n
    }
}

fn between(alias: &str, sole: bool, col: &str, lo: f64, hi: f64) -> Expr {
    let c = if sole && alias.is_empty() {
        Expr::Identifier(Ident::with_quote('"', col))
    } else {
        Expr::CompoundIdentifier(vec![Ident::new(alias), Ident::with_quote('"', col)])
    };
    Expr::Between {
        expr: Box::new(c),
        negated: false,
        low: Box::new(lit(lo)),
        high: Box::new(lit(hi)),
    }
}

/// Finds the spatial predicates of every SELECT, adds the BETWEEN ranges of point
/// predicates to its WHERE clause, and returns them all.
pub fn spatial_predicates(
    statement: &mut Statement,
    schemas: &HashMap<String, Vec<ColumnDef>>,
) -> Vec<SpatialUse> {
    struct Find<'a> {
        schemas: &'a HashMap<String, Vec<ColumnDef>>,
        out: Vec<SpatialUse>,
    }
    impl VisitorMut for Find<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
            let SetExpr::Select(s) = q.body.as_mut() else {
                return ControlFlow::Continue(());
            };
            let Some(selection) = s.selection.clone() else {
                return ControlFlow::Continue(());
            };
            let (tables, sole) = super::bind::aliased_tables(s);
            let mut parts = Vec::new();
            super::expr::split_and(selection, &mut parts);
            let mut added = Vec::new();
            for (ds, alias) in &tables {
                let Some(schema) = self.schemas.get(ds) else {
                    continue;
                };
                for p in &parts {
                    let Some((target, bbox)) = conjunct(p, alias, sole, schema) else {
                        continue;
                    };
                    if let Target::Points { lon, lat } = &target {
                        added.push(between(alias, sole, lon, bbox[0], bbox[2]));
                        added.push(between(alias, sole, lat, bbox[1], bbox[3]));
                    }
                    self.out.push(SpatialUse {
                        dataset: ds.clone(),
                        target,
                        bbox,
                    });
                }
            }
            for a in added {
                let w = s.selection.take().expect("a WHERE clause was found");
                s.selection = Some(Expr::BinaryOp {
                    left: Box::new(w),
                    op: BinaryOperator::And,
                    right: Box::new(a),
                });
            }
            ControlFlow::Continue(())
        }
    }
    let mut f = Find {
        schemas,
        out: Vec::new(),
    };
    let _ = statement.visit(&mut f);
    f.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::functions::haversine_m;

    #[test]
    fn grown_boxes_hold_every_point_within_the_distance() {
        let mut seed = 11u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..2000 {
            let c = Point::new(rnd() * 300.0 - 150.0, rnd() * 140.0 - 70.0);
            let m = rnd() * 500_000.0;
            let Some(b) = grow_by_metres([c.x(), c.y(), c.x(), c.y()], m) else {
                continue;
            };
            // Points on the circle of radius m (just inside) must be in the box.
            for k in 0..36 {
                let bearing = (k as f64 * 10.0).to_radians();
                let d = m * 0.999_999 / SPHERE_RADIUS_M;
                let (la1, lo1) = (c.y().to_radians(), c.x().to_radians());
                let la2 = (la1.sin() * d.cos() + la1.cos() * d.sin() * bearing.cos()).asin();
                let lo2 = lo1
                    + (bearing.sin() * d.sin() * la1.cos()).atan2(d.cos() - la1.sin() * la2.sin());
                let p = Point::new(lo2.to_degrees(), la2.to_degrees());
                assert!(haversine_m(c, p) <= m);
                assert!(
                    p.x() >= b[0] && p.x() <= b[2] && p.y() >= b[1] && p.y() <= b[3],
                    "{p:?} outside {b:?} for {m} m around {c:?}"
                );
            }
        }
        assert_eq!(grow_by_metres([179.9, 0.0, 179.9, 0.0], 50_000.0), None);
        assert_eq!(grow_by_metres([0.0, 88.99, 0.0, 88.99], 2000.0), None);
    }
}
