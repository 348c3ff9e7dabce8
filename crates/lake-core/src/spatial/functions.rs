//! The `ST_` functions, for Polars' SQL context: the names and meanings PostGIS and DuckDB users
//! know. Geometry arguments are WKB (`BINARY`, as GeoParquet stores it) or WKT text; geometry
//! results are WKB. Every function returns NULL when an argument is NULL.
//!
//! Differences from PostGIS, all documented in docs/ARCHITECTURE.md ("Places"):
//! - `ST_Distance_Sphere` and `ST_DWithin` measure in metres on PostGIS's sphere (radius
//!   6 370 986 m), between points; for other geometries, between their closest points in lon/lat.
//! - Coordinates are taken as WGS84 lon/lat; an SRID argument is accepted and ignored.

use std::sync::Arc;

use geo::{
    Area, BoundingRect, Centroid, Closest, ClosestPoint, Contains, CoordsIter, Distance, Euclidean,
    Geometry, Intersects, Length, LineString, MultiLineString, MultiPolygon, Point, Polygon, Rect,
    Relate, Simplify, Validation,
};
use polars::prelude::*;
use polars::sql::FunctionRegistry;
use polars_plan::dsl::udf::UserDefinedFunction;
use polars_plan::prelude::{BaseColumnUdf, FunctionOptions};

use super::{text, wkb};

/// PostGIS's sphere for `ST_DistanceSphere`, in metres.
pub const SPHERE_RADIUS_M: f64 = 6_370_986.0;

/// What an argument must be.
#[derive(Clone, Copy)]
enum Arg {
    /// A geometry: WKB bytes or WKT text.
    Geom,
    /// A number.
    Num,
    /// Text.
    Text,
    /// Bytes.
    Bytes,
}

/// What a function returns.
#[derive(Clone, Copy)]
enum Ret {
    Geom,
    F64,
    Bool,
    Text,
    I32,
}

/// One row's argument.
enum Cell<'a> {
    G(&'a Geometry),
    N(f64),
    T(&'a str),
    B(&'a [u8]),
}

impl Cell<'_> {
    fn g(&self) -> &Geometry {
        match self {
            Cell::G(g) => g,
            _ => unreachable!("the signature says geometry"),
        }
    }
    fn n(&self) -> f64 {
        match self {
            Cell::N(n) => *n,
            _ => unreachable!("the signature says number"),
        }
    }
}

/// One row's result.
enum Out {
    G(Geometry),
    F(f64),
    B(bool),
    T(String),
    I(i32),
    Null,
}

type Body = fn(&[Cell]) -> Result<Out, String>;

struct Spec {
    name: &'static str,
    /// Required arguments, then optional ones.
    args: &'static [Arg],
    required: usize,
    ret: Ret,
    body: Body,
}

use Arg::{Bytes, Geom, Num, Text};

/// Every `ST_` function, by its lower-case name.
const SPECS: &[Spec] = &[
    Spec {
        name: "st_point",
        args: &[Num, Num],
        required: 2,
        ret: Ret::Geom,
        body: |a| Ok(Out::G(Point::new(a[0].n(), a[1].n()).into())),
    },
    Spec {
        name: "st_makepoint",
        args: &[Num, Num],
        required: 2,
        ret: Ret::Geom,
        body: |a| Ok(Out::G(Point::new(a[0].n(), a[1].n()).into())),
    },
    Spec {
        name: "st_makeenvelope",
        args: &[Num, Num, Num, Num, Num],
        required: 4,
        ret: Ret::Geom,
        body: |a| {
            Ok(Out::G(
                Rect::new((a[0].n(), a[1].n()), (a[2].n(), a[3].n()))
                    .to_polygon()
                    .into(),
            ))
        },
    },
    Spec {
        name: "st_geomfromtext",
        args: &[Text, Num],
        required: 1,
        ret: Ret::Geom,
        body: |a| {
            let Cell::T(t) = a[0] else { unreachable!() };
            Ok(text::from_wkt(t)?.map_or(Out::Null, Out::G))
        },
    },
    Spec {
        name: "st_geomfromwkb",
        args: &[Bytes, Num],
        required: 1,
        ret: Ret::Geom,
        body: |a| {
            let Cell::B(b) = a[0] else { unreachable!() };
            Ok(wkb::read(b)
                .map_err(|e| e.to_string())?
                .map_or(Out::Null, Out::G))
        },
    },
    Spec {
        name: "st_geomfromgeojson",
        args: &[Text],
        required: 1,
        ret: Ret::Geom,
        body: |a| {
            let Cell::T(t) = a[0] else { unreachable!() };
            let v: serde_json::Value =
                serde_json::from_str(t).map_err(|e| format!("invalid GeoJSON: {e}"))?;
            Ok(Out::G(
                text::from_geojson(&v).map_err(|e| format!("invalid GeoJSON: {e}"))?,
            ))
        },
    },
    Spec {
        name: "st_astext",
        args: &[Geom],
        required: 1,
        ret: Ret::Text,
        body: |a| Ok(Out::T(text::to_wkt(a[0].g()))),
    },
    Spec {
        name: "st_asgeojson",
        args: &[Geom],
        required: 1,
        ret: Ret::Text,
        body: |a| Ok(Out::T(text::to_geojson(a[0].g()).to_string())),
    },
    Spec {
        name: "st_x",
        args: &[Geom],
        required: 1,
        ret: Ret::F64,
        body: |a| point_of("ST_X", a[0].g()).map(|p| Out::F(p.x())),
    },
    Spec {
        name: "st_y",
        args: &[Geom],
        required: 1,
        ret: Ret::F64,
        body: |a| point_of("ST_Y", a[0].g()).map(|p| Out::F(p.y())),
    },
    Spec {
        name: "st_distance",
        args: &[Geom, Geom],
        required: 2,
        ret: Ret::F64,
        body: |a| Ok(Out::F(Euclidean.distance(a[0].g(), a[1].g()))),
    },
    Spec {
        name: "st_distance_sphere",
        args: &[Geom, Geom],
        required: 2,
        ret: Ret::F64,
        body: |a| Ok(Out::F(sphere_distance(a[0].g(), a[1].g()))),
    },
    Spec {
        name: "st_distancesphere",
        args: &[Geom, Geom],
        required: 2,
        ret: Ret::F64,
        body: |a| Ok(Out::F(sphere_distance(a[0].g(), a[1].g()))),
    },
    Spec {
        name: "st_dwithin",
        args: &[Geom, Geom, Num],
        required: 3,
        ret: Ret::Bool,
        body: |a| Ok(Out::B(sphere_distance(a[0].g(), a[1].g()) <= a[2].n())),
    },
    Spec {
        name: "st_area",
        args: &[Geom],
        required: 1,
        ret: Ret::F64,
        body: |a| Ok(Out::F(a[0].g().unsigned_area())),
    },
    Spec {
        name: "st_length",
        args: &[Geom],
        required: 1,
        ret: Ret::F64,
        body: |a| Ok(Out::F(length(a[0].g()))),
    },
    Spec {
        name: "st_contains",
        args: &[Geom, Geom],
        required: 2,
        ret: Ret::Bool,
        body: |a| Ok(Out::B(contains(a[0].g(), a[1].g()))),
    },
    Spec {
        name: "st_within",
        args: &[Geom, Geom],
        required: 2,
        ret: Ret::Bool,
        body: |a| Ok(Out::B(contains(a[1].g(), a[0].g()))),
    },
    Spec {
        name: "st_intersects",
        args: &[Geom, Geom],
        required: 2,
        ret: Ret::Bool,
        body: |a| Ok(Out::B(a[0].g().intersects(a[1].g()))),
    },
    Spec {
        name: "st_centroid",
        args: &[Geom],
        required: 1,
        ret: Ret::Geom,
        body: |a| Ok(a[0].g().centroid().map_or(Out::Null, |p| Out::G(p.into()))),
    },
    Spec {
        name: "st_envelope",
        args: &[Geom],
        required: 1,
        ret: Ret::Geom,
        body: |a| Ok(envelope(a[0].g())),
    },
    Spec {
        name: "st_simplify",
        args: &[Geom, Num],
        required: 2,
        ret: Ret::Geom,
        body: |a| Ok(Out::G(simplify(a[0].g(), a[1].n()))),
    },
    Spec {
        name: "st_npoints",
        args: &[Geom],
        required: 1,
        ret: Ret::I32,
        body: |a| Ok(Out::I(a[0].g().coords_count() as i32)),
    },
    Spec {
        name: "st_isvalid",
        args: &[Geom],
        required: 1,
        ret: Ret::Bool,
        body: |a| Ok(Out::B(a[0].g().is_valid())),
    },
];

fn point_of(f: &str, g: &Geometry) -> Result<Point, String> {
    match g {
        Geometry::Point(p) => Ok(*p),
        _ => Err(format!("{f} takes a POINT, not a {}", kind_name(g))),
    }
}

/// The WKT name of `g`'s type.
pub fn kind_name(g: &Geometry) -> &'static str {
    match g {
        Geometry::Point(_) => "POINT",
        Geometry::LineString(_) | Geometry::Line(_) => "LINESTRING",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "POLYGON",
        Geometry::MultiPoint(_) => "MULTIPOINT",
        Geometry::MultiLineString(_) => "MULTILINESTRING",
        Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        Geometry::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    }
}

/// Great-circle distance in metres between two lon/lat points (haversine).
pub fn haversine_m(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a.y().to_radians(), b.y().to_radians());
    let dlat = la2 - la1;
    let dlon = (b.x() - a.x()).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * SPHERE_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Metres between `a` and `b` on the sphere (exact between points).
pub fn sphere_distance(a: &Geometry, b: &Geometry) -> f64 {
    if let (Geometry::Point(p), Geometry::Point(q)) = (a, b) {
        return haversine_m(*p, *q);
    }
    if a.intersects(b) {
        return 0.0;
    }
    // The closest points, found in the lon/lat plane, measured on the sphere.
    let near = |g: &Geometry, to: Point| match g.closest_point(&to) {
        Closest::Intersection(p) | Closest::SinglePoint(p) => Some(p),
        Closest::Indeterminate => None,
    };
    let (Some(ca), Some(cb)) = (a.centroid(), b.centroid()) else {
        return f64::NAN;
    };
    let pb = near(b, ca).unwrap_or(cb);
    let pa = near(a, pb).unwrap_or(ca);
    haversine_m(pa, near(b, pa).unwrap_or(pb))
}

fn length(g: &Geometry) -> f64 {
    match g {
        Geometry::LineString(l) => Euclidean.length(l),
        Geometry::Line(l) => Euclidean.length(l),
        Geometry::MultiLineString(m) => Euclidean.length(m),
        Geometry::GeometryCollection(gc) => gc.0.iter().map(length).sum(),
        // PostGIS: the length of an areal or point geometry is 0.
        _ => 0.0,
    }
}

/// Whether `a` contains `b` (boundary excluded, as PostGIS).
pub fn contains(a: &Geometry, b: &Geometry) -> bool {
    match b {
        Geometry::Point(p) => a.contains(p),
        _ => a.relate(b).is_contains(),
    }
}

fn envelope(g: &Geometry) -> Out {
    let Some(r) = g.bounding_rect() else {
        return Out::Null;
    };
    let (lo, hi) = (r.min(), r.max());
    // PostGIS: a point for a point, a line for a vertical or horizontal line.
    Out::G(if lo == hi {
        Point(lo).into()
    } else if lo.x == hi.x || lo.y == hi.y {
        LineString::new(vec![lo, hi]).into()
    } else {
        r.to_polygon().into()
    })
}

fn simplify(g: &Geometry, tolerance: f64) -> Geometry {
    match g {
        Geometry::LineString(l) => l.simplify(tolerance).into(),
        Geometry::MultiLineString(m) => MultiLineString::simplify(m, tolerance).into(),
        Geometry::Polygon(p) => Polygon::simplify(p, tolerance).into(),
        Geometry::MultiPolygon(m) => MultiPolygon::simplify(m, tolerance).into(),
        other => other.clone(),
    }
}

/// One argument column, read once into what the rows need.
enum Input {
    Geoms(Vec<Option<Geometry>>),
    Nums(Float64Chunked),
    Texts(StringChunked),
    Bytes(BinaryChunked),
}

/// A column's geometries: WKB bytes or WKT text (for the index builder).
pub fn geometry_values(c: &Column) -> PolarsResult<Vec<Option<Geometry>>> {
    geometry_column("the index", 1, c)
}

fn geometry_column(f: &str, pos: usize, c: &Column) -> PolarsResult<Vec<Option<Geometry>>> {
    let bad =
        |v: String, e: String| polars_err!(ComputeError: "{f}: argument {pos}: {e} (value {v})");
    match c.dtype() {
        DataType::Binary => c
            .binary()?
            .iter()
            .map(|v| match v {
                None => Ok(None),
                Some(b) => wkb::read(b).map_err(|e| bad(short_hex(b), e.to_string())),
            })
            .collect(),
        DataType::String => c
            .str()?
            .iter()
            .map(|v| match v {
                None => Ok(None),
                Some(t) => text::from_wkt(t).map_err(|e| bad(format!("'{}'", short(t)), e)),
            })
            .collect(),
        DataType::Null => Ok(vec![None; c.len()]),
        other => polars_bail!(
            ComputeError: "{f}: argument {pos} must be a geometry (WKB bytes or WKT text), not {}; build one with ST_Point(lon, lat) or ST_GeomFromText",
            sql_type(other)
        ),
    }
}

/// A column type in SQL words.
fn sql_type(t: &DataType) -> String {
    match t {
        DataType::Int8 => "TINYINT".into(),
        DataType::Int16 => "SMALLINT".into(),
        DataType::Int32 => "INTEGER".into(),
        DataType::Int64 => "BIGINT".into(),
        DataType::Float32 => "REAL".into(),
        DataType::Float64 => "DOUBLE".into(),
        DataType::String => "VARCHAR".into(),
        DataType::Binary => "BLOB".into(),
        DataType::Boolean => "BOOLEAN".into(),
        DataType::Date => "DATE".into(),
        DataType::Datetime(_, _) => "TIMESTAMP".into(),
        other => other.to_string().to_uppercase(),
    }
}

fn short(t: &str) -> String {
    match t.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

fn short_hex(b: &[u8]) -> String {
    let hex: String = b.iter().take(24).map(|x| format!("{x:02x}")).collect();
    format!("x'{hex}{}'", if b.len() > 24 { "…" } else { "" })
}

fn read_input(f: &str, pos: usize, arg: Arg, c: &Column) -> PolarsResult<Input> {
    let wrong = |want: &str| polars_err!(ComputeError: "{f}: argument {pos} must be {want}, not {}", sql_type(c.dtype()));
    Ok(match arg {
        Arg::Geom => Input::Geoms(geometry_column(f, pos, c)?),
        Arg::Num => {
            if !(c.dtype().is_primitive_numeric() || c.dtype().is_null() || c.dtype().is_decimal())
            {
                return Err(wrong("a number"));
            }
            Input::Nums(c.cast(&DataType::Float64)?.f64()?.clone())
        }
        Arg::Text => match c.dtype() {
            DataType::String | DataType::Null => {
                Input::Texts(c.cast(&DataType::String)?.str()?.clone())
            }
            _ => return Err(wrong("text")),
        },
        Arg::Bytes => match c.dtype() {
            DataType::Binary | DataType::Null => {
                Input::Bytes(c.cast(&DataType::Binary)?.binary()?.clone())
            }
            _ => return Err(wrong("bytes (BLOB)")),
        },
    })
}

impl Input {
    fn len(&self) -> usize {
        match self {
            Input::Geoms(v) => v.len(),
            Input::Nums(c) => c.len(),
            Input::Texts(c) => c.len(),
            Input::Bytes(c) => c.len(),
        }
    }
    /// Row `i`'s value; a one-row input (a constant) stands for every row.
    fn cell(&self, i: usize) -> Option<Cell<'_>> {
        let i = if self.len() == 1 { 0 } else { i };
        match self {
            Input::Geoms(v) => v[i].as_ref().map(Cell::G),
            Input::Nums(c) => c.get(i).map(Cell::N),
            Input::Texts(c) => c.get(i).map(Cell::T),
            Input::Bytes(c) => c.get(i).map(Cell::B),
        }
    }
}

fn run(spec: &Spec, cols: &[Column]) -> PolarsResult<Column> {
    let f = spec.name.to_uppercase();
    let name = cols
        .first()
        .map_or_else(|| PlSmallStr::from(spec.name), |c| c.name().clone());
    let inputs = cols
        .iter()
        .zip(spec.args)
        .enumerate()
        .map(|(i, (c, &a))| read_input(&f, i + 1, a, c))
        .collect::<PolarsResult<Vec<_>>>()?;
    // A one-row input is a constant for every row; an empty batch gives an empty result.
    let n = if inputs.iter().any(|x| x.len() == 0) {
        0
    } else {
        inputs.iter().map(Input::len).max().unwrap_or(1)
    };
    if let Some(bad) = inputs.iter().find(|x| x.len() != n && x.len() != 1) {
        polars_bail!(ComputeError: "{f}: arguments have {} and {n} rows", bad.len());
    }
    let mut outs = Vec::with_capacity(n);
    let mut cells = Vec::with_capacity(inputs.len());
    for i in 0..n {
        cells.clear();
        cells.extend(inputs.iter().map_while(|x| x.cell(i)));
        outs.push(if cells.len() < inputs.len() {
            Out::Null
        } else {
            (spec.body)(&cells).map_err(|e| polars_err!(ComputeError: "{f}: {e}"))?
        });
    }
    Ok(match spec.ret {
        Ret::Geom => BinaryChunked::from_iter_options(
            name,
            outs.iter().map(|o| match o {
                Out::G(g) => Some(wkb::to_vec(g)),
                _ => None,
            }),
        )
        .into_column(),
        Ret::F64 => Float64Chunked::from_iter_options(
            name,
            outs.iter().map(|o| match o {
                Out::F(v) => Some(*v),
                _ => None,
            }),
        )
        .into_column(),
        Ret::Bool => BooleanChunked::from_iter_options(
            name,
            outs.iter().map(|o| match o {
                Out::B(v) => Some(*v),
                _ => None,
            }),
        )
        .into_column(),
        Ret::Text => StringChunked::from_iter_options(
            name,
            outs.iter().map(|o| match o {
                Out::T(v) => Some(v.as_str()),
                _ => None,
            }),
        )
        .into_column(),
        Ret::I32 => Int32Chunked::from_iter_options(
            name,
            outs.iter().map(|o| match o {
                Out::I(v) => Some(*v),
                _ => None,
            }),
        )
        .into_column(),
    })
}

fn dtype(ret: Ret) -> DataType {
    match ret {
        Ret::Geom => DataType::Binary,
        Ret::F64 => DataType::Float64,
        Ret::Bool => DataType::Boolean,
        Ret::Text => DataType::String,
        Ret::I32 => DataType::Int32,
    }
}

fn spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

/// Whether `name` (any case) is one of the `ST_` functions.
pub fn is_spatial_function(name: &str) -> bool {
    spec(&name.to_ascii_lowercase()).is_some()
}

/// The `ST_` functions as a Polars SQL function registry.
pub struct SpatialFunctions;

impl FunctionRegistry for SpatialFunctions {
    fn register(&mut self, name: &str, _fun: UserDefinedFunction) -> PolarsResult<()> {
        polars_bail!(ComputeError: "functions cannot be added to the lake's SQL ({name})")
    }

    fn get_udf(&self, name: &str) -> PolarsResult<Option<UserDefinedFunction>> {
        let Some(spec) = spec(name) else {
            return Ok(None);
        };
        let udf = BaseColumnUdf::new(
            move |cols: &mut [Column]| {
                let f = spec.name.to_uppercase();
                if cols.len() < spec.required || cols.len() > spec.args.len() {
                    let want = if spec.required == spec.args.len() {
                        spec.required.to_string()
                    } else {
                        format!("{} to {}", spec.required, spec.args.len())
                    };
                    polars_bail!(ComputeError: "{f} takes {want} arguments, not {}", cols.len());
                }
                run(spec, cols)
            },
            move |_: &Schema, fields: &[Field]| {
                let name = fields
                    .first()
                    .map_or_else(|| PlSmallStr::from(spec.name), |f| f.name().clone());
                Ok(Field::new(name, dtype(spec.ret)))
            },
        );
        let mut f = UserDefinedFunction::new(spec.name.into(), udf);
        f.options = FunctionOptions::elementwise();
        Ok(Some(f))
    }

    fn contains(&self, name: &str) -> bool {
        spec(name).is_some()
    }
}

/// The registry to give a SQL context.
pub fn registry() -> Arc<dyn FunctionRegistry> {
    Arc::new(SpatialFunctions)
}
