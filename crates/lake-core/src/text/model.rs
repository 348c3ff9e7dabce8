//! The text model: a table of word vectors and the words it knows, read from the bytes the
//! engine embeds at compile time (see `build.rs` and `scripts/text-model.py` for the layout).
//! A text's vector is the weighted mean of its known words' vectors, scaled to length 1.

use std::collections::HashMap;

use crate::error::{LakeError, Result};

const MAGIC: &[u8; 8] = b"DPLKTE01";

/// Word vectors, their weights, and the words.
pub struct TextModel {
    dim: usize,
    scale: Vec<f32>,
    weight: Vec<f32>,
    values: Vec<i8>,
    words: HashMap<String, u32>,
}

impl std::fmt::Debug for TextModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TextModel({} words x {})", self.words(), self.dim)
    }
}

fn damaged(what: &str) -> LakeError {
    LakeError::Internal(format!(
        "the text model embedded in this build is damaged: {what}"
    ))
}

fn floats(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl TextModel {
    /// Reads a model file's bytes.
    pub fn parse(b: &[u8]) -> Result<TextModel> {
        if b.len() < 16 || &b[..8] != MAGIC {
            return Err(damaged("it does not start as a text model file does"));
        }
        let u32_at = |o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]) as usize;
        let (dim, n) = (u32_at(8), u32_at(12));
        if dim == 0 || dim > 4096 || n == 0 {
            return Err(damaged("its size is not a model's"));
        }
        let mut at = 16;
        let mut take = |len: usize| -> Result<&[u8]> {
            let s = b
                .get(at..at + len)
                .ok_or_else(|| damaged("it is cut short"))?;
            at += len;
            Ok(s)
        };
        let scale = floats(take(4 * n)?);
        let weight = floats(take(4 * n)?);
        let values = take(n * dim)?.iter().map(|v| *v as i8).collect();
        let mut words = HashMap::with_capacity(n);
        for i in 0..n {
            let len = take(1)?[0] as usize;
            let w = std::str::from_utf8(take(len)?).map_err(|_| damaged("a word is not UTF-8"))?;
            words.entry(w.to_string()).or_insert(i as u32);
        }
        Ok(TextModel {
            dim,
            scale,
            weight,
            values,
            words,
        })
    }

    /// The size of its vectors.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// How many words it knows.
    pub fn words(&self) -> usize {
        self.scale.len()
    }

    /// The index of `word` (already lower case), if known.
    fn id(&self, word: &str) -> Option<u32> {
        self.words.get(word).copied()
    }

    /// Adds word `id`'s weighted vector to `sum`.
    fn add(&self, id: u32, sum: &mut [f32]) {
        let i = id as usize;
        let w = self.weight[i] * self.scale[i];
        let row = &self.values[i * self.dim..(i + 1) * self.dim];
        for (s, v) in sum.iter_mut().zip(row) {
            *s += w * f32::from(*v);
        }
    }

    /// The vector of `text` into `out` (of [`TextModel::dim`] values): its known words' weighted
    /// mean, of length 1. False (and `out` zero) when it has no word the model knows.
    pub fn embed_into(&self, text: &str, out: &mut [f32]) -> bool {
        out.fill(0.0);
        let mut any = false;
        let knows = |w: &str| self.id(w).is_some();
        super::tokens::each_word(text, &knows, &mut |w| {
            if let Some(id) = self.lookup(w) {
                self.add(id, out);
                any = true;
            }
        });
        let norm = out.iter().map(|v| v * v).sum::<f32>().sqrt();
        if !any || norm == 0.0 || !norm.is_finite() {
            out.fill(0.0);
            return false;
        }
        out.iter_mut().for_each(|v| *v /= norm);
        true
    }

    /// A word's index: as written, else without its accents (`café` → `cafe`).
    fn lookup(&self, w: &str) -> Option<u32> {
        self.id(w).or_else(|| {
            use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
            let plain: String = w.nfd().filter(|c| !is_combining_mark(*c)).collect();
            (plain != w).then(|| self.id(&plain)).flatten()
        })
    }
}

#[cfg(lake_text_model)]
static MODEL_BYTES: &[u8] = include_bytes!(env!("LAKE_TEXT_MODEL_FILE"));
#[cfg(not(lake_text_model))]
static MODEL_BYTES: &[u8] = &[];

/// The model built into this program (read once).
pub fn builtin() -> Result<&'static TextModel> {
    static MODEL: std::sync::OnceLock<std::result::Result<TextModel, String>> =
        std::sync::OnceLock::new();
    let m = MODEL.get_or_init(|| {
        if MODEL_BYTES.is_empty() {
            return Err(
                "this build of Datapunk Lake has no text model, so it cannot embed \
                        text: build it with `make deps` (scripts/text-model.sh), then build again"
                    .into(),
            );
        }
        TextModel::parse(MODEL_BYTES).map_err(|e| e.to_string())
    });
    m.as_ref().map_err(|e| LakeError::Unsupported(e.clone()))
}

/// What the built-in model is, for `lake embed` and the docs.
pub const MODEL_NAME: &str = "GloVe 6B 50d (100,000 words; Stanford NLP, PDDL-1.0)";
