//! The distance and similarity functions between vectors, as DuckDB names them:
//!
//! | function | value |
//! |---|---|
//! | `array_distance(a, b)` | Euclidean distance, √Σ(aᵢ − bᵢ)² |
//! | `array_inner_product(a, b)`, `array_dot_product` | Σ aᵢbᵢ |
//! | `array_negative_inner_product(a, b)` | −Σ aᵢbᵢ (smaller is closer, for `ORDER BY`) |
//! | `array_cosine_similarity(a, b)` | Σ aᵢbᵢ / (‖a‖ ‖b‖) |
//! | `array_cosine_distance(a, b)` | 1 − the cosine similarity |
//!
//! and the same with `list_` in place of `array_`. As in DuckDB: a NULL vector gives NULL; a
//! NULL inside a vector, or two vectors of different sizes, is an error (naming the sizes); a
//! zero vector's cosine is NaN. The value is a `FLOAT` (`REAL`) when both vectors are `float[N]`, a
//! `DOUBLE` otherwise. Sums are taken in `f64` (DuckDB sums `float` vectors in `f32`, so the
//! last digits may differ).

use std::sync::Arc;

use polars::prelude::*;
use polars::sql::FunctionRegistry;
use polars_plan::dsl::udf::UserDefinedFunction;
use polars_plan::prelude::{BaseColumnUdf, FunctionOptions};

/// What a function computes from two vectors.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Measure {
    Distance,
    Inner,
    NegativeInner,
    CosineSimilarity,
    CosineDistance,
}

const NAMES: &[(&str, Measure)] = &[
    ("distance", Measure::Distance),
    ("inner_product", Measure::Inner),
    ("dot_product", Measure::Inner),
    ("negative_inner_product", Measure::NegativeInner),
    ("negative_dot_product", Measure::NegativeInner),
    ("cosine_similarity", Measure::CosineSimilarity),
    ("cosine_distance", Measure::CosineDistance),
];

fn measure_of(name: &str) -> Option<Measure> {
    let lower = name.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("array_")
        .or_else(|| lower.strip_prefix("list_"))?;
    NAMES.iter().find(|(n, _)| *n == rest).map(|(_, m)| *m)
}

/// The index metric that ranks as `name` (any case) does, and whether nearer is larger (a
/// similarity, so `ORDER BY … DESC` asks for the nearest).
pub fn index_metric(name: &str) -> Option<(super::Metric, bool)> {
    use super::Metric;
    Some(match measure_of(name)? {
        Measure::Distance => (Metric::L2, false),
        Measure::Inner => (Metric::InnerProduct, true),
        Measure::NegativeInner => (Metric::InnerProduct, false),
        Measure::CosineSimilarity => (Metric::Cosine, true),
        Measure::CosineDistance => (Metric::Cosine, false),
    })
}

/// Whether `name` (any case) is one of the vector functions.
pub fn is_vector_function(name: &str) -> bool {
    measure_of(name).is_some()
}

impl Measure {
    /// The value for two vectors of the same size.
    fn of<A: Copy + Into<f64>, B: Copy + Into<f64>>(self, a: &[A], b: &[B]) -> f64 {
        let (mut dot, mut aa, mut bb, mut d2) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        match self {
            Measure::Distance => {
                for (x, y) in a.iter().zip(b) {
                    let d = (*x).into() - (*y).into();
                    d2 += d * d;
                }
                d2.sqrt()
            }
            Measure::Inner | Measure::NegativeInner => {
                for (x, y) in a.iter().zip(b) {
                    dot += (*x).into() * (*y).into();
                }
                if self == Measure::Inner {
                    dot
                } else {
                    -dot
                }
            }
            Measure::CosineSimilarity | Measure::CosineDistance => {
                for (x, y) in a.iter().zip(b) {
                    let (x, y) = ((*x).into(), (*y).into());
                    dot += x * y;
                    aa += x * x;
                    bb += y * y;
                }
                let sim = (dot / (aa * bb).sqrt()).clamp(-1.0, 1.0);
                if self == Measure::CosineSimilarity {
                    sim
                } else {
                    1.0 - sim
                }
            }
        }
    }
}

/// One argument's vectors, as lists of `f32` (a `float[N]`) or of `f64` (any other numbers).
struct Vectors {
    list: ListChunked,
    f32: bool,
}

impl Vectors {
    fn new(c: &Column, f: &str, side: &str) -> PolarsResult<Vectors> {
        let inner = match c.dtype() {
            DataType::List(inner) => inner.as_ref().clone(),
            DataType::Array(inner, _) => inner.as_ref().clone(),
            DataType::Null => DataType::Float64,
            other => polars_bail!(ComputeError:
                "{f}: its {side} argument must be a vector (float[N], or a list of numbers), not {}",
                crate::catalog::sql_type::sql_type_name(&other.to_string())),
        };
        if !(inner.is_numeric() || inner == DataType::Null) {
            polars_bail!(ComputeError:
                "{f}: its {side} argument must hold numbers, not {}",
                crate::catalog::sql_type::sql_type_name(&inner.to_string()));
        }
        let f32 = inner == DataType::Float32;
        let to = DataType::List(Box::new(if f32 {
            DataType::Float32
        } else {
            DataType::Float64
        }));
        let cast = c.as_materialized_series().cast(&to)?;
        let list = cast.list()?.rechunk().into_owned();
        Ok(Vectors { list, f32 })
    }
}

/// One argument's vectors as offsets into one buffer of numbers.
struct Flat {
    offsets: Vec<usize>,
    valid: Vec<bool>,
    inner: Series,
}

impl Flat {
    /// Fails naming the side when a vector that is not NULL holds a NULL.
    fn new(v: &Vectors, f: &str, side: &str) -> PolarsResult<Flat> {
        let n = v.list.len();
        if v.list.chunks().len() != 1 {
            // Only an empty column has no chunk (Vectors::new rechunked the list).
            return Ok(Flat {
                offsets: vec![0; n + 1],
                valid: vec![false; n],
                inner: Series::new_empty(
                    "".into(),
                    &if v.f32 {
                        DataType::Float32
                    } else {
                        DataType::Float64
                    },
                ),
            });
        }
        let arr = v.list.downcast_as_array();
        let offsets: Vec<usize> = arr
            .offsets()
            .as_slice()
            .iter()
            .map(|o| *o as usize)
            .collect();
        let valid: Vec<bool> = match arr.validity() {
            Some(b) => (0..n).map(|i| b.get_bit(i)).collect(),
            None => vec![true; n],
        };
        let mut inner = v.list.get_inner().rechunk();
        if inner.null_count() > 0 {
            let present = inner.is_not_null();
            let holes = (0..n).any(|i| {
                valid[i] && (offsets[i]..offsets[i + 1]).any(|k| !present.get(k).unwrap_or(false))
            });
            if holes {
                polars_bail!(ComputeError:
                    "{f}: a {side} vector holds a NULL; a vector's values must all be numbers");
            }
            // NULLs left only under NULL vectors, never read: zeros make one plain slice.
            inner = inner.fill_null(FillNullStrategy::Zero)?;
        }
        Ok(Flat {
            offsets,
            valid,
            inner,
        })
    }
}

/// The rows' values from flat buffers of `A` and `B` numbers (row `i` of a one-row side is
/// row 0).
fn flat_values<A: Copy + Into<f64>, B: Copy + Into<f64>>(
    f: &str,
    m: Measure,
    (fa, va): (&Flat, &[A]),
    (fb, vb): (&Flat, &[B]),
    rows: usize,
) -> PolarsResult<Vec<Option<f64>>> {
    let at = |fl: &Flat, i: usize| if fl.valid.len() == 1 { 0 } else { i };
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        let (i, j) = (at(fa, i), at(fb, i));
        if !(fa.valid[i] && fb.valid[j]) {
            out.push(None);
            continue;
        }
        let a = &va[fa.offsets[i]..fa.offsets[i + 1]];
        let b = &vb[fb.offsets[j]..fb.offsets[j + 1]];
        if a.len() != b.len() {
            polars_bail!(ComputeError:
                "{f}: vectors of {} and {} values; compare vectors of one size",
                a.len(), b.len());
        }
        out.push(Some(m.of(a, b)));
    }
    Ok(out)
}

/// The rows' values, one vector argument against the other (either may be a single vector,
/// which applies to every row).
fn compute(f: &str, m: Measure, a: &Vectors, b: &Vectors) -> PolarsResult<Vec<Option<f64>>> {
    let (la, lb) = (a.list.len(), b.list.len());
    let rows = if la == 1 { lb } else { la };
    if la != 1 && lb != 1 && la != lb {
        polars_bail!(ComputeError: "{f}: its arguments have {la} and {lb} rows");
    }
    // Straight over the numbers: no series per row.
    let (fa, fb) = (Flat::new(a, f, "left")?, Flat::new(b, f, "right")?);
    let (ia, ib) = (&fa.inner, &fb.inner);
    match (a.f32, b.f32) {
        (true, true) => flat_values(
            f,
            m,
            (&fa, ia.f32()?.cont_slice()?),
            (&fb, ib.f32()?.cont_slice()?),
            rows,
        ),
        (true, false) => flat_values(
            f,
            m,
            (&fa, ia.f32()?.cont_slice()?),
            (&fb, ib.f64()?.cont_slice()?),
            rows,
        ),
        (false, true) => flat_values(
            f,
            m,
            (&fa, ia.f64()?.cont_slice()?),
            (&fb, ib.f32()?.cont_slice()?),
            rows,
        ),
        (false, false) => flat_values(
            f,
            m,
            (&fa, ia.f64()?.cont_slice()?),
            (&fb, ib.f64()?.cont_slice()?),
            rows,
        ),
    }
}
fn run(f: &str, m: Measure, cols: &[Column]) -> PolarsResult<Column> {
    let [a, b] = cols else {
        polars_bail!(ComputeError: "{f} takes 2 arguments (two vectors), not {}", cols.len());
    };
    let (va, vb) = (Vectors::new(a, f, "first")?, Vectors::new(b, f, "second")?);
    let values = compute(f, m, &va, &vb)?;
    let name = a.name().clone();
    Ok(if va.f32 && vb.f32 {
        Float32Chunked::from_iter_options(name, values.into_iter().map(|v| v.map(|v| v as f32)))
            .into_column()
    } else {
        Float64Chunked::from_iter_options(name, values.into_iter()).into_column()
    })
}

/// The vector functions as a Polars SQL function registry.
pub struct VectorFunctions;

impl FunctionRegistry for VectorFunctions {
    fn register(&mut self, name: &str, _fun: UserDefinedFunction) -> PolarsResult<()> {
        polars_bail!(ComputeError: "functions cannot be added to the lake's SQL ({name})")
    }

    fn get_udf(&self, name: &str) -> PolarsResult<Option<UserDefinedFunction>> {
        let Some(m) = measure_of(name) else {
            return Ok(None);
        };
        let upper: Arc<str> = name.to_ascii_uppercase().into();
        let shown = upper.clone();
        let udf = BaseColumnUdf::new(
            move |cols: &mut [Column]| run(&shown, m, cols),
            move |_: &Schema, fields: &[Field]| {
                let f32 = fields.len() == 2
                    && fields.iter().all(|f| {
                        matches!(f.dtype(), DataType::Array(i, _) | DataType::List(i) if **i == DataType::Float32)
                    });
                let name = fields
                    .first()
                    .map_or_else(|| PlSmallStr::from("distance"), |f| f.name().clone());
                Ok(Field::new(
                    name,
                    if f32 {
                        DataType::Float32
                    } else {
                        DataType::Float64
                    },
                ))
            },
        );
        let mut f = UserDefinedFunction::new(name.to_ascii_lowercase().into(), udf);
        f.options = FunctionOptions::elementwise();
        drop(upper);
        Ok(Some(f))
    }

    fn contains(&self, name: &str) -> bool {
        is_vector_function(name)
    }
}

#[cfg(test)]
#[path = "functions_tests.rs"]
mod tests;
