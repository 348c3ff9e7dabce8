//! CSV and TSV: encoding, delimiter and header detection, type inference with timestamps, and a
//! streaming typed read that names the line of every bad record.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;

use super::records::{Counting, Flow, RecordCap};
use super::table::{clean_names, Cell, LType, TableBuilder, TypeGuess};
use super::{FileReport, ReadCtx};
use crate::error::{IoContext, LakeError, Result};

const SAMPLE_BYTES: usize = 256 * 1024;
const SAMPLE_ROWS: usize = 2000;

fn read_sample(path: &std::path::Path, display: &str) -> Result<Vec<u8>> {
    let mut f = File::open(path).ctx(|| format!("opening {display}"))?;
    let mut buf = vec![0u8; SAMPLE_BYTES];
    let mut n = 0;
    while n < buf.len() {
        let k = f.read(&mut buf[n..]).ctx(|| format!("reading {display}"))?;
        if k == 0 {
            break;
        }
        n += k;
    }
    buf.truncate(n);
    Ok(buf)
}

/// Picks the encoding from the byte-order mark, else UTF-8 when the sample is valid UTF-8
/// (ignoring a character cut at the end of the sample), else Windows-1252.
pub fn detect_encoding(sample: &[u8]) -> &'static encoding_rs::Encoding {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(sample) {
        return enc;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => encoding_rs::UTF_8,
        Err(e) if e.error_len().is_none() => encoding_rs::UTF_8,
        Err(_) => encoding_rs::WINDOWS_1252,
    }
}

/// Chooses the delimiter whose field count is the most consistent (and above one) over the
/// first records; `,` wins ties.
pub fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample);
        let counts: Vec<usize> = rdr
            .byte_records()
            .take(50)
            .filter_map(|r| r.ok())
            .map(|r| r.len())
            .collect();
        // The last record may be cut by the sample's end: ignore it when there are others.
        let counts = if counts.len() > 1 {
            &counts[..counts.len() - 1]
        } else {
            &counts[..]
        };
        let Some(&first) = counts.first() else {
            continue;
        };
        if first < 2 {
            continue;
        }
        let consistent = counts.iter().take_while(|&&c| c == first).count();
        if consistent > best.1 || (consistent == best.1 && first > best.2) {
            best = (d, consistent, first);
        }
    }
    best.0
}

fn transcode_to_utf8(ctx: &ReadCtx<'_>, enc: &'static encoding_rs::Encoding) -> Result<PathBuf> {
    let out_path = ctx.staging.join(format!("{}-utf8.csv", ctx.prefix));
    let mut input = File::open(ctx.path).ctx(|| format!("opening {}", ctx.display))?;
    let mut out =
        BufWriter::new(File::create(&out_path).ctx(|| format!("creating {}", out_path.display()))?);
    let mut decoder = enc.new_decoder_with_bom_removal();
    let mut inbuf = vec![0u8; 1 << 16];
    let mut outbuf = String::with_capacity(1 << 18);
    loop {
        let n = input
            .read(&mut inbuf)
            .ctx(|| format!("reading {}", ctx.display))?;
        let last = n == 0;
        let mut src = &inbuf[..n];
        loop {
            outbuf.clear();
            let (res, read, _) = decoder.decode_to_string(src, &mut outbuf, last);
            out.write_all(outbuf.as_bytes())
                .ctx(|| format!("writing {}", out_path.display()))?;
            src = &src[read..];
            if res == encoding_rs::CoderResult::InputEmpty {
                break;
            }
            outbuf.reserve(1 << 18);
        }
        if last {
            break;
        }
    }
    out.flush()
        .ctx(|| format!("writing {}", out_path.display()))?;
    Ok(out_path)
}

fn header_likely(first: &csv::ByteRecord, types: &[LType]) -> bool {
    // A header when some typed column's first cell does not parse as that type.
    let typed: Vec<usize> = (0..types.len())
        .filter(|&i| types[i] != LType::Utf8)
        .collect();
    if typed.is_empty() {
        return true;
    }
    typed.iter().any(|&i| {
        let cell = first
            .get(i)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        let mut g = TypeGuess::new();
        g.observe(Cell::Str(cell));
        !cell.is_empty()
            && g.ltype() != types[i]
            && !(types[i] == LType::Float64 && g.ltype() == LType::Int64)
    })
}

/// Reads a CSV/TSV file into staging.
pub fn import_csv(ctx: &ReadCtx<'_>, tsv: bool) -> Result<FileReport> {
    let sample = read_sample(ctx.path, &ctx.display)?;
    let enc = detect_encoding(&sample);
    let (path, sample) = if enc == encoding_rs::UTF_8 {
        (ctx.path.to_path_buf(), sample)
    } else {
        let p = transcode_to_utf8(ctx, enc)?;
        let s = read_sample(&p, &ctx.display)?;
        (p, s)
    };
    let sample_body = sample.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&sample);
    let delimiter = if tsv {
        b'\t'
    } else {
        sniff_delimiter(sample_body)
    };

    // Infer from the sample: first record, then the types of the rest.
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(sample_body);
    let mut records = rdr.byte_records();
    let first = match records.next() {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(csv_error(ctx, e)),
        None => {
            return Err(LakeError::bad_input(
                &ctx.display,
                None,
                "the file is empty: no header and no rows",
            ))
        }
    };
    let ncols = first.len();
    let mut guesses = vec![TypeGuess::new(); ncols];
    let sample_rows: Vec<csv::ByteRecord> =
        records.take(SAMPLE_ROWS).filter_map(|r| r.ok()).collect();
    // The last sampled record may be cut off by the sample's end.
    let usable = if sample.len() == SAMPLE_BYTES && sample_rows.len() > 1 {
        &sample_rows[..sample_rows.len() - 1]
    } else {
        &sample_rows[..]
    };
    for r in usable.iter().filter(|r| r.len() == ncols) {
        for (i, g) in guesses.iter_mut().enumerate() {
            if let Some(s) = r.get(i).and_then(|b| std::str::from_utf8(b).ok()) {
                g.observe(Cell::Str(s));
            }
        }
    }
    let mut types: Vec<LType> = guesses.iter().map(|g| g.ltype()).collect();
    let has_header = usable.is_empty() || header_likely(&first, &types);
    let names = if has_header {
        clean_names(
            first
                .iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect(),
        )
    } else {
        for (i, g) in guesses.iter_mut().enumerate() {
            if let Some(s) = first.get(i).and_then(|b| std::str::from_utf8(b).ok()) {
                g.observe(Cell::Str(s));
            }
        }
        types = guesses.iter().map(|g| g.ltype()).collect();
        (1..=ncols).map(|i| format!("column_{i}")).collect()
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut sink = ctx.attempt_sink(attempt);
        let file = File::open(&path).ctx(|| format!("opening {}", ctx.display))?;
        ctx.bytes_read
            .store(0, std::sync::atomic::Ordering::Relaxed);
        let since = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counting = RecordCap {
            inner: Counting {
                inner: file,
                count: ctx.bytes_read.clone(),
            },
            since: since.clone(),
            max: MAX_CSV_RECORD,
        };
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(has_header)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(counting);
        // One thread splits records; the workers check and type them.
        let mut rec = csv::ByteRecord::new();
        let display = ctx.display.clone();
        let produce = move || -> Result<Option<RawBatch>> {
            let mut batch = RawBatch::default();
            while batch.metas.len() < RECORDS_PER_BATCH && batch.data.len() < BATCH_BYTES {
                // The reader's buffer holds up to 1 MiB beyond the record: count from there.
                since.store(0, std::sync::atomic::Ordering::Relaxed);
                match rdr.read_byte_record(&mut rec) {
                    Ok(true) => batch.push(&rec),
                    Ok(false) => break,
                    // Reading failed (or a record outgrew the cap): the rest cannot be trusted.
                    Err(e) if e.is_io_error() => {
                        let line = rdr.position().line();
                        return Err(LakeError::bad_input(
                            &display,
                            Some(format!("line {line}")),
                            format!("{e} (at most {} MiB per record)", MAX_CSV_RECORD >> 20),
                        ));
                    }
                    Err(e) => {
                        let loc = e.position().map(|p| format!("line {}", p.line()));
                        batch
                            .metas
                            .push(Meta::Bad(loc.unwrap_or_else(|| "?".into()), e.to_string()));
                    }
                }
            }
            Ok((!batch.metas.is_empty()).then_some(batch))
        };
        let (mut rows, mut bad) = (0u64, 0u64);
        let mut widen = None;
        super::parallel::ordered_parallel(
            produce,
            |batch: RawBatch| type_records(batch, &names, &types),
            |out: TypedBatch| {
                ctx.check_cancel()?;
                for (loc, msg) in &out.bad {
                    ctx.bad_record(&mut bad, loc, msg)?;
                }
                rows += out.rows;
                sink.write(out.frame)?;
                ctx.report(rows);
                widen = out.widen;
                Ok(if widen.is_some() {
                    Flow::Stop
                } else {
                    Flow::Continue
                })
            },
        )?;
        if let Some((field, to)) = widen {
            types[field] = to;
            drop(sink);
            ctx.clear_attempt(attempt)?;
            if attempt > 4 * ncols + 4 {
                return Err(LakeError::Internal(
                    "CSV type widening did not settle".into(),
                ));
            }
            continue;
        }
        let schema = sink.column_defs();
        return Ok(FileReport {
            files: sink.finish()?,
            schema,
            rows,
            skipped: bad,
        });
    }
}

const RECORDS_PER_BATCH: usize = 32_768;
/// A batch also ends once its records hold this many bytes (long texts).
const BATCH_BYTES: usize = 8 << 20;
/// Largest CSV record read (a quoted field may span any number of lines).
pub const MAX_CSV_RECORD: u64 = 64 << 20;

fn csv_error(ctx: &ReadCtx<'_>, e: csv::Error) -> LakeError {
    let loc = e.position().map(|p| format!("line {}", p.line()));
    LakeError::bad_input(&ctx.display, loc, e.to_string())
}

/// Records as the splitting thread hands them over: all field bytes in one buffer, so a
/// batch costs a few allocations instead of a few per record.
#[derive(Default)]
struct RawBatch {
    data: Vec<u8>,
    /// End offset in `data` of every field, records one after another.
    ends: Vec<usize>,
    metas: Vec<Meta>,
}

enum Meta {
    /// A record: its first field's index in `ends`, field count, line and byte offset.
    Record {
        first: usize,
        fields: usize,
        line: u64,
        byte: u64,
    },
    /// A record the CSV reader could not split.
    Bad(String, String),
}

impl RawBatch {
    fn push(&mut self, rec: &csv::ByteRecord) {
        let first = self.ends.len();
        for f in rec.iter() {
            self.data.extend_from_slice(f);
            self.ends.push(self.data.len());
        }
        let (line, byte) = rec
            .position()
            .map(|p| (p.line(), p.byte()))
            .unwrap_or((0, 0));
        self.metas.push(Meta::Record {
            first,
            fields: rec.len(),
            line,
            byte,
        });
    }

    fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.data[start..self.ends[i]]
    }
}

/// A batch after checking and typing.
struct TypedBatch {
    frame: polars::prelude::DataFrame,
    rows: u64,
    bad: Vec<(String, String)>,
    widen: Option<(usize, LType)>,
}

/// Checks field counts and UTF-8 and types a batch; stops at the first value that needs a
/// wider type (the caller starts the file over).
fn type_records(batch: RawBatch, names: &[String], types: &[LType]) -> TypedBatch {
    let ncols = names.len();
    let mut builder = TableBuilder::new(names.to_vec(), types.to_vec());
    let mut out = TypedBatch {
        frame: polars::prelude::DataFrame::empty(),
        rows: 0,
        bad: Vec::new(),
        widen: None,
    };
    let mut cells: Vec<&str> = Vec::with_capacity(ncols);
    for meta in &batch.metas {
        let (first, fields, line, byte) = match meta {
            Meta::Record {
                first,
                fields,
                line,
                byte,
            } => (*first, *fields, *line, *byte),
            Meta::Bad(loc, msg) => {
                out.bad.push((loc.clone(), msg.clone()));
                continue;
            }
        };
        if fields != ncols {
            if fields == 1 && batch.field(first).is_empty() {
                continue; // blank line
            }
            out.bad.push((
                format!("line {line}"),
                format!("expected {ncols} fields, found {fields}"),
            ));
            continue;
        }
        cells.clear();
        for (i, name) in names.iter().enumerate() {
            match std::str::from_utf8(batch.field(first + i)) {
                Ok(s) => cells.push(s),
                Err(e) => {
                    out.bad.push((
                        format!("line {line}"),
                        format!(
                            "invalid UTF-8 in column `{}` (byte {} of the field, record starts at byte {byte}); \
                             re-save the file as UTF-8 or use --skip-bad",
                            name,
                            e.valid_up_to()
                        ),
                    ));
                    break;
                }
            }
        }
        if cells.len() < ncols {
            continue;
        }
        if let Err(m) = builder.push_row(|i| Cell::Str(cells[i])) {
            out.widen = Some((m.field, m.widened));
            break;
        }
        out.rows += 1;
    }
    out.frame = builder.take_frame();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n4;5;6\n"), b';');
        assert_eq!(sniff_delimiter(b"a,b\n1,2\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(sniff_delimiter(b"name,note\n\"x; y\",2\n"), b',');
    }

    #[test]
    fn detects_encodings() {
        assert_eq!(detect_encoding(b"caf\xc3\xa9"), encoding_rs::UTF_8);
        assert_eq!(detect_encoding(b"caf\xe9,1\n"), encoding_rs::WINDOWS_1252);
        assert_eq!(detect_encoding(b"\xff\xfea\x00"), encoding_rs::UTF_16LE);
    }
}
