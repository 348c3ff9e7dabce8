//! Well-known binary (WKB), the geometry encoding of GeoParquet, DuckDB and PostGIS: reading
//! ISO and extended (EWKB) 2D, Z, M and ZM geometries in either byte order, and writing ISO 2D
//! little-endian. Z and M values are read and dropped: the lake's geometry is planar lon/lat.

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};

/// Why a WKB value could not be read, with the byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct WkbError {
    /// Byte offset into the value.
    pub offset: usize,
    /// What was wrong.
    pub what: String,
}

impl std::fmt::Display for WkbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid WKB at byte {}: {}", self.offset, self.what)
    }
}

/// Nesting deeper than this is refused, so a hostile value cannot exhaust the stack.
const MAX_DEPTH: usize = 32;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    little: bool,
}

impl Reader<'_> {
    fn fail<T>(&self, what: impl Into<String>) -> Result<T, WkbError> {
        Err(WkbError {
            offset: self.at,
            what: what.into(),
        })
    }
    fn take<const N: usize>(&mut self) -> Result<[u8; N], WkbError> {
        match self.bytes.get(self.at..self.at + N) {
            Some(b) => {
                self.at += N;
                Ok(b.try_into().expect("N bytes"))
            }
            None => self.fail(format!(
                "the value ends after {} bytes, inside a geometry",
                self.bytes.len()
            )),
        }
    }
    fn u32(&mut self) -> Result<u32, WkbError> {
        let b = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
    fn f64(&mut self) -> Result<f64, WkbError> {
        let b = self.take::<8>()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }
    /// A count of items each at least `min_bytes` long: checked against what is left, so a
    /// corrupt count cannot ask for a huge allocation.
    fn count(&mut self, min_bytes: usize) -> Result<usize, WkbError> {
        let n = self.u32()? as usize;
        let left = self.bytes.len() - self.at;
        if n.saturating_mul(min_bytes) > left {
            return self.fail(format!(
                "a count of {n} items does not fit in the {left} bytes left"
            ));
        }
        Ok(n)
    }
    fn coord(&mut self, dims: usize) -> Result<Coord, WkbError> {
        let x = self.f64()?;
        let y = self.f64()?;
        for _ in 2..dims {
            self.f64()?;
        }
        Ok(Coord { x, y })
    }
    fn line(&mut self, dims: usize) -> Result<LineString, WkbError> {
        let n = self.count(dims * 8)?;
        (0..n)
            .map(|_| self.coord(dims))
            .collect::<Result<Vec<_>, _>>()
            .map(LineString::new)
    }
    fn polygon(&mut self, dims: usize) -> Result<Polygon, WkbError> {
        let n = self.count(4)?;
        let mut rings = (0..n)
            .map(|_| self.line(dims))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
        Ok(Polygon::new(exterior, rings.collect()))
    }
    fn geometry(&mut self, depth: usize) -> Result<Option<Geometry>, WkbError> {
        if depth > MAX_DEPTH {
            return self.fail(format!("geometries nested deeper than {MAX_DEPTH}"));
        }
        let [order] = self.take::<1>()?;
        self.little = match order {
            0 => false,
            1 => true,
            b => return self.fail(format!("byte order must be 0 or 1, not {b}")),
        };
        let raw = self.u32()?;
        // EWKB flags (PostGIS), then ISO's thousands.
        let (mut z, mut m) = (raw & 0x8000_0000 != 0, raw & 0x4000_0000 != 0);
        if raw & 0x2000_0000 != 0 {
            self.u32()?; // the SRID
        }
        let iso = raw & 0x0FFF_FFFF;
        let kind = iso % 1000;
        match iso / 1000 {
            0 => {}
            1 => z = true,
            2 => m = true,
            3 => (z, m) = (true, true),
            _ => return self.fail(format!("unknown geometry type {raw}")),
        }
        let dims = 2 + z as usize + m as usize;
        let at = self.at;
        Ok(Some(match kind {
            1 => {
                let c = self.coord(dims)?;
                if c.x.is_nan() && c.y.is_nan() {
                    return Ok(None); // POINT EMPTY
                }
                Geometry::Point(Point(c))
            }
            2 => Geometry::LineString(self.line(dims)?),
            3 => Geometry::Polygon(self.polygon(dims)?),
            4..=7 => {
                let n = self.count(5)?;
                let mut parts = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Some(g) = self.geometry(depth + 1)? {
                        parts.push(g);
                    }
                }
                match kind {
                    4 => {
                        Geometry::MultiPoint(MultiPoint(self.parts(parts, kind, |g| match g {
                            Geometry::Point(p) => Some(p),
                            _ => None,
                        })?))
                    }
                    5 => Geometry::MultiLineString(MultiLineString(self.parts(
                        parts,
                        kind,
                        |g| match g {
                            Geometry::LineString(l) => Some(l),
                            _ => None,
                        },
                    )?)),
                    6 => Geometry::MultiPolygon(MultiPolygon(self.parts(
                        parts,
                        kind,
                        |g| match g {
                            Geometry::Polygon(p) => Some(p),
                            _ => None,
                        },
                    )?)),
                    _ => Geometry::GeometryCollection(GeometryCollection(parts)),
                }
            }
            _ => {
                self.at = at;
                return self.fail(format!("unknown geometry type {raw}"));
            }
        }))
    }
}

impl Reader<'_> {
    /// The parts of a multi-geometry, each of the one kind it allows.
    fn parts<T>(
        &self,
        parts: Vec<Geometry>,
        kind: u32,
        pick: impl Fn(Geometry) -> Option<T>,
    ) -> Result<Vec<T>, WkbError> {
        parts
            .into_iter()
            .map(|g| {
                pick(g).map_or_else(
                    || self.fail(format!("a part of a {} has another type", name(kind))),
                    Ok,
                )
            })
            .collect()
    }
}

fn name(kind: u32) -> &'static str {
    match kind {
        4 => "MULTIPOINT",
        5 => "MULTILINESTRING",
        6 => "MULTIPOLYGON",
        _ => "GEOMETRYCOLLECTION",
    }
}

/// Reads one WKB value; `Ok(None)` is an empty point. Bytes after the geometry are an error.
pub fn read(bytes: &[u8]) -> Result<Option<Geometry>, WkbError> {
    let mut r = Reader {
        bytes,
        at: 0,
        little: true,
    };
    let g = r.geometry(0)?;
    if r.at != bytes.len() {
        return r.fail(format!("{} bytes follow the geometry", bytes.len() - r.at));
    }
    Ok(g)
}

/// Writes `g` as ISO WKB, 2D, little-endian.
pub fn write(g: &Geometry, out: &mut Vec<u8>) {
    fn head(out: &mut Vec<u8>, kind: u32) {
        out.push(1);
        out.extend_from_slice(&kind.to_le_bytes());
    }
    fn n(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    fn c(out: &mut Vec<u8>, c: Coord) {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    }
    fn line(out: &mut Vec<u8>, l: &LineString) {
        n(out, l.0.len());
        l.0.iter().for_each(|&p| c(out, p));
    }
    fn poly(out: &mut Vec<u8>, p: &Polygon) {
        let empty = p.exterior().0.is_empty();
        n(out, if empty { 0 } else { 1 + p.interiors().len() });
        if !empty {
            line(out, p.exterior());
            p.interiors().iter().for_each(|r| line(out, r));
        }
    }
    match g {
        Geometry::Point(p) => {
            head(out, 1);
            c(out, p.0);
        }
        Geometry::LineString(l) => {
            head(out, 2);
            line(out, l);
        }
        Geometry::Polygon(p) => {
            head(out, 3);
            poly(out, p);
        }
        Geometry::MultiPoint(m) => {
            head(out, 4);
            n(out, m.0.len());
            m.0.iter().for_each(|p| write(&Geometry::Point(*p), out));
        }
        Geometry::MultiLineString(m) => {
            head(out, 5);
            n(out, m.0.len());
            m.0.iter().for_each(|l| {
                head(out, 2);
                line(out, l)
            });
        }
        Geometry::MultiPolygon(m) => {
            head(out, 6);
            n(out, m.0.len());
            m.0.iter().for_each(|p| {
                head(out, 3);
                poly(out, p)
            });
        }
        Geometry::GeometryCollection(gc) => {
            head(out, 7);
            n(out, gc.0.len());
            gc.0.iter().for_each(|g| write(g, out));
        }
        // Lines, rectangles and triangles are written as what they are in WKB.
        Geometry::Line(l) => write(&Geometry::LineString(LineString::from(*l)), out),
        Geometry::Rect(r) => write(&Geometry::Polygon(r.to_polygon()), out),
        Geometry::Triangle(t) => write(&Geometry::Polygon(t.to_polygon()), out),
    }
}

/// `g` as ISO WKB.
pub fn to_vec(g: &Geometry) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    write(g, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};

    #[test]
    fn every_kind_round_trips() {
        let poly = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 0.)];
        let all: Vec<Geometry> = vec![
            point!(x: 13.4, y: 52.5).into(),
            line_string![(x: 0., y: 0.), (x: 1., y: 1.)].into(),
            poly.clone().into(),
            MultiPoint(vec![point!(x: 1., y: 2.), point!(x: 3., y: 4.)]).into(),
            MultiPolygon(vec![poly.clone()]).into(),
            MultiLineString(vec![line_string![(x: 0., y: 0.), (x: 1., y: 1.)]]).into(),
            Geometry::GeometryCollection(GeometryCollection(vec![
                poly.into(),
                point!(x: 1., y: 1.).into(),
            ])),
        ];
        for g in all {
            assert_eq!(read(&to_vec(&g)).unwrap(), Some(g));
        }
    }

    #[test]
    fn big_endian_z_and_ewkb_srid_are_read() {
        // POINT Z (1 2 3), big-endian ISO.
        let mut be = vec![0u8];
        be.extend_from_slice(&1001u32.to_be_bytes());
        for v in [1.0f64, 2.0, 3.0] {
            be.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(read(&be).unwrap(), Some(point!(x: 1., y: 2.).into()));
        // EWKB POINT with SRID 4326, little-endian.
        let mut e = vec![1u8];
        e.extend_from_slice(&(1u32 | 0x2000_0000).to_le_bytes());
        e.extend_from_slice(&4326u32.to_le_bytes());
        e.extend_from_slice(&5.0f64.to_le_bytes());
        e.extend_from_slice(&6.0f64.to_le_bytes());
        assert_eq!(read(&e).unwrap(), Some(point!(x: 5., y: 6.).into()));
    }

    #[test]
    fn broken_values_say_where() {
        let ok = to_vec(&point!(x: 1., y: 2.).into());
        let err = read(&ok[..10]).unwrap_err();
        assert_eq!(err.offset, 5);
        assert!(err.to_string().contains("ends after 10 bytes"), "{err}");
        assert!(read(&[7, 1, 0, 0, 0])
            .unwrap_err()
            .what
            .contains("byte order"));
        let mut huge = vec![1u8];
        huge.extend_from_slice(&2u32.to_le_bytes());
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(read(&huge).unwrap_err().what.contains("does not fit"));
        let mut extra = ok.clone();
        extra.push(0);
        assert!(read(&extra).unwrap_err().what.contains("1 bytes follow"));
        // A collection nested 100 deep is refused, not a stack overflow.
        let mut deep = Vec::new();
        for _ in 0..100 {
            deep.push(1);
            deep.extend_from_slice(&7u32.to_le_bytes());
            deep.extend_from_slice(&1u32.to_le_bytes());
        }
        deep.extend_from_slice(&ok);
        assert!(read(&deep).unwrap_err().what.contains("nested deeper"));
    }
}
