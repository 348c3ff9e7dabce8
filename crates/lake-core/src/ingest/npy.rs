//! NumPy `.npy` files: a 2-D array of numbers becomes one vector per row (`vector FLOAT[N]`), a
//! 1-D array one number per row (`value DOUBLE`); both with `row`, NumPy's row index from 0.
//!
//! Versions 1.0 to 3.0 of the format; little- or big-endian floats (`f4`, `f8`) and integers;
//! C or Fortran order, read a batch of rows at a time so a large array never sits whole in
//! memory. A NaN or infinite value is a bad row (an error naming the row, or skipped and
//! counted with `--skip-bad`).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use polars::prelude::*;

use super::table::{vector_column, MAX_VECTOR_DIM};
use super::{FileReport, ReadCtx, BATCH_ROWS};
use crate::error::{IoContext, LakeError, Result};

/// What the header says.
#[derive(Debug, PartialEq)]
struct Header {
    /// Element type: `f` float, `i` signed, `u` unsigned; bytes per element; big-endian.
    kind: char,
    size: usize,
    big: bool,
    fortran: bool,
    shape: Vec<usize>,
    /// Where the data starts.
    offset: u64,
}

fn parse_header(head: &[u8]) -> std::result::Result<Header, String> {
    if !head.starts_with(b"\x93NUMPY") || head.len() < 10 {
        return Err("not a NumPy .npy file (no \\x93NUMPY magic)".into());
    }
    let (len, start) = match head[6] {
        1 => (u16::from_le_bytes([head[8], head[9]]) as usize, 10),
        2 | 3 if head.len() >= 12 => (
            u32::from_le_bytes([head[8], head[9], head[10], head[11]]) as usize,
            12,
        ),
        2 | 3 => return Err("the header is cut short".into()),
        v => {
            return Err(format!(
                "NumPy format version {v} is not supported (1 to 3 are)"
            ))
        }
    };
    let text = head
        .get(start..start + len)
        .ok_or("the header is cut short")?;
    let text = std::str::from_utf8(text).map_err(|_| "the header is not text")?;
    let value_of = |key: &str| -> std::result::Result<&str, String> {
        let at = text
            .find(&format!("'{key}':"))
            .ok_or_else(|| format!("the header has no '{key}'"))?;
        Ok(text[at + key.len() + 3..].trim_start())
    };
    let descr = value_of("descr")?;
    let descr = descr
        .strip_prefix('\'')
        .and_then(|d| d.split('\'').next())
        .ok_or("the header's descr is not a string")?;
    let (order, ty) = descr.split_at(1.min(descr.len()));
    let big = match order {
        "<" | "|" | "=" => false,
        ">" => true,
        _ => return Err(format!("element type {descr:?} is not supported")),
    };
    let kind = ty.chars().next().unwrap_or('?');
    let size: usize = ty.get(1..).and_then(|s| s.parse().ok()).unwrap_or(0);
    let ok = matches!((kind, size), ('f', 4 | 8) | ('i' | 'u', 1 | 2 | 4 | 8));
    if !ok {
        return Err(format!(
            "element type {descr:?} is not supported; use numbers (float32, float64 or integers)"
        ));
    }
    let fortran = value_of("fortran_order")?.starts_with("True");
    let shape = value_of("shape")?;
    let shape = shape
        .strip_prefix('(')
        .and_then(|s| s.split(')').next())
        .ok_or("the header's shape is not a tuple")?;
    let shape: Vec<usize> = shape
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| format!("the shape holds {s:?}")))
        .collect::<std::result::Result<_, _>>()?;
    if shape.is_empty() || shape.len() > 2 {
        return Err(format!(
            "an array of {} dimensions; the lake imports 1-D (numbers) or 2-D (one vector per row) arrays",
            shape.len()
        ));
    }
    Ok(Header {
        kind,
        size,
        big,
        fortran,
        shape,
        offset: (start + len) as u64,
    })
}

impl Header {
    fn number(&self, b: &[u8]) -> f64 {
        let mut a = [0u8; 8];
        a[..self.size].copy_from_slice(b);
        if self.big {
            a[..self.size].reverse();
        }
        match (self.kind, self.size) {
            ('f', 4) => f32::from_le_bytes([a[0], a[1], a[2], a[3]]) as f64,
            ('f', _) => f64::from_le_bytes(a),
            ('i', n) => {
                // Sign-extend from n bytes.
                let shift = 64 - 8 * n as u32;
                ((i64::from_le_bytes(a) << shift) >> shift) as f64
            }
            _ => u64::from_le_bytes(a) as f64,
        }
    }
}

fn bad(ctx: &ReadCtx<'_>, why: impl Into<String>) -> LakeError {
    LakeError::bad_input(&ctx.display, None, why.into())
}

/// Rows `r0..r1` of the array, row-major, as numbers.
fn read_rows(
    f: &mut File,
    h: &Header,
    r0: usize,
    r1: usize,
    out: &mut Vec<f64>,
) -> std::io::Result<()> {
    let (rows, dim) = (h.shape[0], *h.shape.get(1).unwrap_or(&1));
    let mut buf = vec![0u8; (r1 - r0) * h.size];
    out.clear();
    out.resize((r1 - r0) * dim, 0.0);
    if h.fortran && dim > 1 {
        for c in 0..dim {
            f.seek(SeekFrom::Start(
                h.offset + ((c * rows + r0) * h.size) as u64,
            ))?;
            f.read_exact(&mut buf)?;
            for (i, b) in buf.chunks_exact(h.size).enumerate() {
                out[i * dim + c] = h.number(b);
            }
        }
    } else {
        buf.resize((r1 - r0) * dim * h.size, 0);
        f.seek(SeekFrom::Start(h.offset + (r0 * dim * h.size) as u64))?;
        f.read_exact(&mut buf)?;
        for (v, b) in out.iter_mut().zip(buf.chunks_exact(h.size)) {
            *v = h.number(b);
        }
    }
    Ok(())
}

/// Imports a `.npy` file.
pub fn import_npy(ctx: &ReadCtx<'_>) -> Result<FileReport> {
    let mut f = File::open(ctx.path).ctx(|| format!("opening {}", ctx.display))?;
    let mut head = vec![0u8; 1 << 16];
    let n = f
        .read(&mut head)
        .ctx(|| format!("reading {}", ctx.display))?;
    let h = parse_header(&head[..n]).map_err(|e| bad(ctx, e))?;
    let vectors = h.shape.len() == 2;
    let (rows, dim) = (h.shape[0], *h.shape.get(1).unwrap_or(&1));
    if vectors && !(1..=MAX_VECTOR_DIM).contains(&dim) {
        return Err(bad(
            ctx,
            format!(
                "vectors of {dim} values; the lake takes vectors of 1 to {MAX_VECTOR_DIM} numbers"
            ),
        ));
    }
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    // In u64 and checked: a header may claim any shape.
    let need = (rows as u64)
        .checked_mul(dim as u64)
        .and_then(|v| v.checked_mul(h.size as u64))
        .and_then(|v| v.checked_add(h.offset));
    if need.is_none_or(|need| size < need) {
        return Err(bad(
            ctx,
            format!(
                "the file holds {size} bytes, less than its header's {rows} x {dim} values of {} \
                 bytes each; check that the file is complete",
                h.size
            ),
        ));
    }
    let mut sink = ctx.sink(&ctx.prefix);
    let (mut written, mut skipped) = (0u64, 0u64);
    let mut values = Vec::new();
    let step = (BATCH_ROWS * 8 / dim).clamp(1, BATCH_ROWS);
    let mut r0 = 0;
    // An empty array still makes the dataset's columns: one empty batch.
    let mut first = true;
    while r0 < rows || std::mem::take(&mut first) {
        first = false;
        ctx.check_cancel()?;
        let r1 = (r0 + step).min(rows);
        read_rows(&mut f, &h, r0, r1, &mut values).ctx(|| format!("reading {}", ctx.display))?;
        let (mut idx, mut kept, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
        for (i, row) in values.chunks_exact(dim).enumerate() {
            // Checked as stored: a float64 beyond FLOAT's range is infinite in a vector.
            let finite = |v: &f64| {
                if vectors {
                    (*v as f32).is_finite()
                } else {
                    v.is_finite()
                }
            };
            if let Some(j) = row.iter().position(|v| !finite(v)) {
                let msg = if vectors {
                    format!(
                        "value {} of the row is {}; a vector's values must be numbers within \
                         FLOAT's range",
                        j + 1,
                        row[j]
                    )
                } else {
                    format!("the value is {}; values must be numbers", row[j])
                };
                ctx.bad_record(&mut skipped, &format!("row {}", r0 + i), &msg)?;
                continue;
            }
            idx.push((r0 + i) as i64);
            if vectors {
                kept.extend(row.iter().map(|v| *v as f32));
            } else {
                numbers.push(row[0]);
            }
        }
        let height = idx.len();
        let data = if vectors {
            vector_column("vector".into(), dim, &kept, &vec![true; height])
        } else {
            Column::new("value".into(), numbers)
        };
        let frame = DataFrame::new(height, vec![Column::new("row".into(), idx), data])
            .map_err(|e| LakeError::Internal(e.to_string()))?;
        sink.write(frame)?;
        written += height as u64;
        ctx.bytes_read.store(
            h.offset + (r1 as u64) * (dim as u64) * (h.size as u64),
            std::sync::atomic::Ordering::Relaxed,
        );
        ctx.report(written);
        r0 = r1;
    }
    let schema = sink.column_defs();
    Ok(FileReport {
        files: sink.finish()?,
        schema,
        rows: written,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version 1.0 header for `descr` and `shape`, padded as NumPy pads it.
    fn header(descr: &str, fortran: bool, shape: &str) -> Vec<u8> {
        let dict = format!(
            "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape}, }}",
            if fortran { "True" } else { "False" }
        );
        let mut text = dict.into_bytes();
        while (10 + text.len() + 1) % 64 != 0 {
            text.push(b' ');
        }
        text.push(b'\n');
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend((text.len() as u16).to_le_bytes());
        out.extend(text);
        out
    }

    /// A whole file: the header, then each value's bytes.
    fn file<const N: usize>(
        descr: &str,
        fortran: bool,
        shape: &str,
        values: &[[u8; N]],
    ) -> Vec<u8> {
        let mut out = header(descr, fortran, shape);
        values.iter().for_each(|v| out.extend(v));
        out
    }

    fn import(
        dir: &std::path::Path,
        lake: &crate::Lake,
        bytes: &[u8],
        skip_bad: bool,
    ) -> crate::ingest::ImportReport {
        use crate::ingest::{import_paths, CancelToken, ImportOptions, NoProgress};
        let p = dir.join("emb.npy");
        std::fs::write(&p, bytes).unwrap();
        let opts = ImportOptions {
            skip_bad,
            mode: crate::ingest::Mode::Replace,
            ..Default::default()
        };
        import_paths(lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap()
    }

    #[test]
    fn arrays_become_vectors_in_either_order_and_bad_rows_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let lake = crate::Lake::init(&dir.path().join("lake")).unwrap();
        // 3 rows of 2, float32, C order: [[1, 2], [3, 4], [5, 6]].
        let c = file(
            "<f4",
            false,
            "(3, 2)",
            &[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0].map(|v| v.to_le_bytes()),
        );
        let r = import(dir.path(), &lake, &c, false);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let ds = lake.catalog().require_dataset("emb").unwrap();
        let types: Vec<String> = ds
            .schema
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d.name,
                    crate::catalog::sql_type::sql_type_name(&d.dtype)
                )
            })
            .collect();
        assert_eq!(types, ["row BIGINT", "vector FLOAT[2]"]);
        let q = "SELECT row FROM emb ORDER BY array_distance(vector, [4.9, 6.1]) LIMIT 1";
        assert_eq!(crate::test_util::first_i64(&lake, q).unwrap(), 2);
        // The same array as float64 in Fortran order (column after column), big-endian.
        let f = file(
            ">f8",
            true,
            "(3, 2)",
            &[1.0f64, 3.0, 5.0, 2.0, 4.0, 6.0].map(|v| v.to_be_bytes()),
        );
        import(dir.path(), &lake, &f, false);
        let q = "SELECT sum(array_inner_product(vector, [1.0, 0.0]) * 10 + array_inner_product(vector, [0.0, 1.0])) FROM emb";
        assert_eq!(crate::test_util::first_i64(&lake, q).unwrap(), 12 + 34 + 56);
        // A NaN in row 1: an error naming the row, or skipped.
        let nan = file(
            "<f4",
            false,
            "(3, 2)",
            &[1.0f32, 2.0, f32::NAN, 4.0, 5.0, 6.0].map(|v| v.to_le_bytes()),
        );
        let r = import(dir.path(), &lake, &nan, false);
        let e = &r.errors[0].error;
        assert!(
            e.contains("emb.npy") && e.contains("row 1") && e.contains("value 1 of the row is NaN"),
            "{e}"
        );
        let r = import(dir.path(), &lake, &nan, true);
        assert_eq!((r.datasets[0].rows, r.datasets[0].skipped_rows), (2, 1));
        assert_eq!(
            crate::test_util::first_i64(&lake, "SELECT sum(row) FROM emb").unwrap(),
            2
        );
        // Cut short: the header promises more than the file holds.
        let r = import(dir.path(), &lake, &c[..c.len() - 4], false);
        assert!(
            r.errors[0]
                .error
                .contains("check that the file is complete"),
            "{:?}",
            r.errors
        );
        // A header that claims more than any file holds, and an empty array.
        let huge = header("<f4", false, "(8, 576460752303423488)");
        let r = import(dir.path(), &lake, &huge, false);
        assert!(
            r.errors[0]
                .error
                .contains("vectors of 576460752303423488 values"),
            "{:?}",
            r.errors
        );
        let huge = header("<f8", false, "(4611686018427387904, 4)");
        let r = import(dir.path(), &lake, &huge, false);
        assert!(
            r.errors[0]
                .error
                .contains("check that the file is complete"),
            "{:?}",
            r.errors
        );
        let r = import(dir.path(), &lake, &header("<f4", false, "(0, 5)"), false);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(
            crate::test_util::first_i64(&lake, "SELECT count(*) FROM emb").unwrap(),
            0
        );
        // A float64 beyond FLOAT's range is a bad row in a vector.
        let big = file(
            "<f8",
            false,
            "(1, 2)",
            &[1e39f64, 0.0].map(|v| v.to_le_bytes()),
        );
        let r = import(dir.path(), &lake, &big, false);
        assert!(
            r.errors[0].error.contains("within FLOAT's range"),
            "{:?}",
            r.errors
        );
        // A 1-D array is a column of numbers, kept as DOUBLE.
        let exact = file("<f8", false, "(1,)", &[0.1f64.to_le_bytes()]);
        import(dir.path(), &lake, &exact, false);
        let out =
            crate::query::run_query(&lake, "SELECT value FROM emb", &Default::default()).unwrap();
        assert_eq!(
            out.frame.column("value").unwrap().f64().unwrap().get(0),
            Some(0.1)
        );
        let one = file(
            "<i4",
            false,
            "(4,)",
            &[7i32, -1, 0, 9].map(|v| v.to_le_bytes()),
        );
        import(dir.path(), &lake, &one, false);
        assert_eq!(
            crate::test_util::first_i64(&lake, "SELECT sum(value) FROM emb").unwrap(),
            15
        );
    }

    #[test]
    fn headers_are_read_as_numpy_writes_them() {
        let h = parse_header(&header("<f4", false, "(1000, 384)")).unwrap();
        assert_eq!((h.kind, h.size, h.big, h.fortran), ('f', 4, false, false));
        assert_eq!((h.shape.clone(), h.offset), (vec![1000, 384], 128));
        let h = parse_header(&header(">i2", true, "(7,)")).unwrap();
        assert_eq!(
            (h.kind, h.size, h.big, h.fortran, h.shape),
            ('i', 2, true, true, vec![7])
        );
        for (descr, shape, want) in [
            ("<c16", "(3, 2)", "not supported"),
            ("<U10", "(3,)", "not supported"),
            ("<f8", "(2, 3, 4)", "3 dimensions"),
            ("<f8", "()", "0 dimensions"),
        ] {
            let e = parse_header(&header(descr, false, shape)).unwrap_err();
            assert!(e.contains(want), "{descr} {shape}: {e}");
        }
        assert!(parse_header(b"PAR1....").unwrap_err().contains("magic"));
        let h = parse_header(&header("<i8", false, "(1,)")).unwrap();
        assert_eq!(h.number(&(-5i64).to_le_bytes()), -5.0);
        let h = parse_header(&header(">i2", false, "(1,)")).unwrap();
        assert_eq!(h.number(&(-300i16).to_be_bytes()), -300.0);
    }
}
