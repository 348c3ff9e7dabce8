//! Record-shaped sources (NDJSON lines, JSON arrays, GeoJSON features, GPX points) and the one
//! pipeline that infers their schema from a sample, types them, and writes them to staging.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use polars::prelude::DataFrame;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::table::{Cell, LType, TableBuilder, TypeGuess};
use super::{FileReport, ReadCtx, BATCH_ROWS};
use crate::error::ReadError;
use crate::error::{IoContext, LakeError, Result};
use crate::storage::ParquetSink;

mod jsondoc;
pub(crate) use jsondoc::RecordCap;
pub use jsondoc::{json_doc_items, JsonDocSource, MAX_RECORD_BYTES};

/// How many records the first pass looks at to guess types.
const SAMPLE_RECORDS: u64 = 2000;

/// What a source hands the pipeline.
pub enum Item {
    /// A record, with where it starts (`line N`).
    Record(Map<String, Value>, String),
    /// A record that cannot be used, with where and why.
    Bad(String, String),
}

pub use super::parallel::Flow;

/// A re-startable producer of records.
pub trait RecordSource {
    /// Reads the source from the start, handing each item to `f` until it says stop.
    fn run(&mut self, f: &mut dyn FnMut(Item) -> Result<Flow>) -> Result<()>;
}

/// Counts bytes read, for progress.
pub struct Counting<R> {
    /// The wrapped reader.
    pub inner: R,
    /// Bytes read so far.
    pub count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `path` with a byte counter.
pub fn open_counting(ctx: &ReadCtx<'_>) -> Result<BufReader<Counting<File>>> {
    let f = File::open(ctx.path).ctx(|| format!("opening {}", ctx.display))?;
    ctx.bytes_read
        .store(0, std::sync::atomic::Ordering::Relaxed);
    Ok(BufReader::with_capacity(
        1 << 20,
        Counting {
            inner: f,
            count: ctx.bytes_read.clone(),
        },
    ))
}

/// Newline-delimited JSON, one object per line.
pub struct NdjsonSource<'a> {
    /// The read context.
    pub ctx: &'a ReadCtx<'a>,
}

impl RecordSource for NdjsonSource<'_> {
    fn run(&mut self, f: &mut dyn FnMut(Item) -> Result<Flow>) -> Result<()> {
        let mut r = open_counting(self.ctx)?;
        ndjson_items(&mut r, &self.ctx.display, f)
    }
}

/// Longest NDJSON line accepted; a longer one is skipped as a bad record (read, not kept), so
/// a multi-gigabyte line cannot exhaust memory.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Reads one line (with its `\n`) into `buf`, keeping at most `cap` bytes of it; returns the
/// bytes consumed (0 at the end) and whether the line was longer than `cap`.
pub fn read_line_capped(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> std::io::Result<(usize, bool)> {
    let (mut total, mut over) = (0usize, false);
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((total, over));
        }
        let (take, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        let room = cap.saturating_sub(buf.len());
        if take > room {
            over = true;
        }
        buf.extend_from_slice(&avail[..take.min(room)]);
        r.consume(take);
        total += take;
        if done {
            return Ok((total, over));
        }
    }
}

fn oversize_message(len: u64) -> String {
    format!(
        "the line is {len} bytes long; lines longer than {} MiB are not read",
        MAX_LINE_BYTES >> 20
    )
}

/// The records of an NDJSON stream, one object per line; `display` names it in errors.
pub fn ndjson_items(
    r: &mut dyn BufRead,
    display: &str,
    f: &mut dyn FnMut(Item) -> Result<Flow>,
) -> Result<()> {
    let mut line = Vec::with_capacity(4096);
    let mut n = 0u64;
    loop {
        line.clear();
        let (read, over) =
            read_line_capped(r, &mut line, MAX_LINE_BYTES).ctx(|| format!("reading {display}"))?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        let loc = format!("line {n}");
        if over {
            let item = Item::Bad(loc, oversize_message(read as u64));
            if f(item)? == Flow::Stop {
                return Ok(());
            }
            continue;
        }
        let text = trim_ascii(&line);
        if text.is_empty() {
            continue;
        }
        let item = match serde_json::from_slice::<Value>(text) {
            Ok(Value::Object(m)) => Item::Record(m, loc),
            Ok(other) => Item::Bad(
                loc,
                format!("expected a JSON object, found {}", json_kind(&other)),
            ),
            Err(e) => Item::Bad(
                format!("line {n}, column {}", e.column()),
                format!("invalid JSON: {}", without_position(&e)),
            ),
        };
        if f(item)? == Flow::Stop {
            return Ok(());
        }
    }
}

/// serde_json's message without its own " at line L column C" (the caller says where).
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    b.trim_ascii()
}

/// A JSON value's kind in words (`a number`, `an object`), for messages.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A transform applied to each record before typing (GeoJSON flattening, for instance).
pub type Transform = fn(Map<String, Value>) -> std::result::Result<Map<String, Value>, ReadError>;

/// Fixed types for some fields, whatever the sample says.
pub type Forced = &'static [(&'static str, LType)];

struct Schema {
    names: Vec<String>,
    guesses: Vec<TypeGuess>,
    index: HashMap<String, usize>,
    types: Vec<LType>,
}

impl Schema {
    fn new() -> Self {
        Schema {
            names: Vec::new(),
            guesses: Vec::new(),
            index: HashMap::new(),
            types: Vec::new(),
        }
    }
    fn observe(&mut self, rec: &Map<String, Value>) {
        for (k, v) in rec {
            let i = match self.index.get(k) {
                Some(i) => *i,
                None => {
                    self.names.push(k.clone());
                    self.guesses.push(TypeGuess::new());
                    self.index.insert(k.clone(), self.names.len() - 1);
                    self.names.len() - 1
                }
            };
            self.guesses[i].observe(Cell::Json(v));
        }
    }
    fn settle(&mut self, forced: Forced) {
        self.types = self
            .names
            .iter()
            .zip(&self.guesses)
            .map(|(n, g)| {
                forced
                    .iter()
                    .find(|(f, _)| f == n)
                    .map(|(_, t)| *t)
                    .unwrap_or_else(|| g.ltype())
            })
            .collect();
    }
}

impl Schema {
    /// Types vector fields as the rows they join have them: a field that is `FLOAT[N]` there
    /// stays so (a row that does not fit is bad), and one that is text there (a table made
    /// before vectors, or a first file whose sample had none) stays text.
    fn keep_vectors_as(&mut self, earlier: Option<&[crate::catalog::ColumnDef]>) {
        let Some(earlier) = earlier else { return };
        for (name, t) in self.names.iter().zip(self.types.iter_mut()) {
            let Some(c) = earlier.iter().find(|c| &c.name == name) else {
                continue;
            };
            let dim = c
                .dtype
                .strip_prefix("array[f32, ")
                .and_then(|d| d.strip_suffix(']'))
                .and_then(|d| d.parse::<u32>().ok());
            match (dim, *t) {
                (Some(n), _) => *t = LType::Vector(n),
                (None, LType::Vector(_)) if c.dtype == "str" => *t = LType::Utf8,
                _ => {}
            }
        }
    }
}

fn apply(
    t: Option<Transform>,
    m: Map<String, Value>,
) -> std::result::Result<Map<String, Value>, ReadError> {
    match t {
        Some(t) => t(m),
        None => Ok(m),
    }
}

/// Why a full read stopped before the end.
enum Restart {
    /// A record with fields the schema does not have.
    NewFields(Map<String, Value>),
    /// A value that needs a wider type for field `.0`.
    Widen(usize, LType),
}

/// What one full read produced (files go to the sink).
struct PassOutcome {
    rows: u64,
    bad: u64,
    restart: Option<Restart>,
}

/// Types one record into `builder` (`Ok(Some(why))`: the record is bad and was left out), or
/// says why the read must restart.
fn push_record(
    schema: &Schema,
    builder: &mut TableBuilder,
    m: &Map<String, Value>,
) -> std::result::Result<Option<String>, Restart> {
    if m.keys().any(|k| !schema.index.contains_key(k)) {
        return Err(Restart::NewFields(m.clone()));
    }
    match builder.push_row(|i| match m.get(&schema.names[i]) {
        Some(v) => Cell::Json(v),
        None => Cell::Null,
    }) {
        Ok(()) => Ok(None),
        Err(mm) => match mm.bad {
            Some(why) => Ok(Some(why)),
            None => Err(Restart::Widen(mm.field, mm.widened)),
        },
    }
}

/// One full read through a record source, on this thread.
fn serial_pass(
    ctx: &ReadCtx<'_>,
    source: &mut dyn RecordSource,
    transform: Option<Transform>,
    schema: &Schema,
    sink: &mut ParquetSink,
) -> Result<PassOutcome> {
    let mut builder = TableBuilder::new(schema.names.clone(), schema.types.clone());
    let mut out = PassOutcome {
        rows: 0,
        bad: 0,
        restart: None,
    };
    source.run(&mut |item| {
        let (m, loc) = match item {
            Item::Record(m, loc) => (m, loc),
            Item::Bad(loc, msg) => {
                ctx.bad_record(&mut out.bad, &loc, &msg.to_string())?;
                return Ok(Flow::Continue);
            }
        };
        let m = match apply(transform, m) {
            Ok(m) => m,
            Err(msg) => {
                ctx.bad_record(&mut out.bad, &loc, &msg.to_string())?;
                return Ok(Flow::Continue);
            }
        };
        match push_record(schema, &mut builder, &m) {
            Ok(None) => {}
            Ok(Some(why)) => {
                ctx.bad_record(&mut out.bad, &loc, &why)?;
                return Ok(Flow::Continue);
            }
            Err(r) => {
                out.restart = Some(r);
                return Ok(Flow::Stop);
            }
        }
        out.rows += 1;
        if builder.rows() >= BATCH_ROWS {
            ctx.check_cancel()?;
            sink.write(builder.take_frame())?;
            ctx.report(out.rows);
        }
        Ok(Flow::Continue)
    })?;
    if out.restart.is_none() {
        sink.write(builder.take_frame())?;
        ctx.report(out.rows);
    }
    Ok(out)
}

/// A run of whole NDJSON lines and the number of the first one.
struct LineChunk {
    first_line: u64,
    bytes: Vec<u8>,
    /// Set instead of `bytes` for one line longer than [`MAX_LINE_BYTES`]: its length.
    oversize: Option<u64>,
}

/// What a worker made of a chunk.
struct ChunkOut {
    frame: DataFrame,
    rows: u64,
    bad: Vec<(String, String)>,
    restart: Option<Restart>,
}

const CHUNK_BYTES: usize = 4 << 20;

/// Deserializes one JSON object straight into per-field slots (no map is built): each key is
/// looked up in the schema, each value lands in its field's slot.
struct RowSeed<'s> {
    schema: &'s Schema,
    slots: &'s mut [Value],
    unknown: &'s mut bool,
}

impl Schema {
    fn field_index(&self, key: &str) -> Option<usize> {
        if self.names.len() <= 32 {
            self.names.iter().position(|n| n == key)
        } else {
            self.index.get(key).copied()
        }
    }
}

struct KeySeed<'s>(&'s Schema);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(self.0.field_index(v))
    }
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeySeed(self.schema))? {
            match key {
                Some(i) => self.slots[i] = map.next_value()?,
                None => {
                    *self.unknown = true;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

fn parse_lines(chunk: LineChunk, schema: &Schema) -> ChunkOut {
    let mut builder = TableBuilder::new(schema.names.clone(), schema.types.clone());
    let mut out = ChunkOut {
        frame: DataFrame::empty(),
        rows: 0,
        bad: Vec::new(),
        restart: None,
    };
    if let Some(len) = chunk.oversize {
        out.bad
            .push((format!("line {}", chunk.first_line), oversize_message(len)));
        out.frame = builder.take_frame();
        return out;
    }
    let mut slots = vec![Value::Null; schema.names.len()];
    for (k, line) in chunk.bytes.split(|b| *b == b'\n').enumerate() {
        let text = trim_ascii(line);
        if text.is_empty() {
            continue;
        }
        let n = chunk.first_line + k as u64;
        if text[0] != b'{' {
            let msg = match serde_json::from_slice::<Value>(text) {
                Ok(other) => format!("expected a JSON object, found {}", json_kind(&other)),
                Err(e) => format!("invalid JSON: {}", without_position(&e)),
            };
            out.bad.push((format!("line {n}"), msg));
            continue;
        }
        slots.iter_mut().for_each(|v| *v = Value::Null);
        let mut unknown = false;
        let mut de = serde_json::Deserializer::from_slice(text);
        let parsed = RowSeed {
            schema,
            slots: &mut slots,
            unknown: &mut unknown,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end());
        if let Err(e) = parsed {
            out.bad.push((
                format!("line {n}, column {}", e.column()),
                format!("invalid JSON: {}", without_position(&e)),
            ));
            continue;
        }
        if unknown {
            // Rare: a field the sample did not have. Hand the whole record over for a restart.
            if let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(text) {
                out.restart = Some(Restart::NewFields(m));
                break;
            }
        }
        if let Err(mm) = builder.push_row(|i| Cell::Json(&slots[i])) {
            if let Some(why) = mm.bad {
                out.bad.push((format!("line {n}"), why));
                continue;
            }
            out.restart = Some(Restart::Widen(mm.field, mm.widened));
            break;
        }
        out.rows += 1;
    }
    out.frame = builder.take_frame();
    out
}

/// One full read of an NDJSON file, parsed on all cores.
fn parallel_ndjson_pass(
    ctx: &ReadCtx<'_>,
    schema: &Schema,
    sink: &mut ParquetSink,
) -> Result<PassOutcome> {
    let mut reader = open_counting(ctx)?;
    let mut carry: Vec<u8> = Vec::new();
    let mut next_line = 1u64;
    let mut done = false;
    let display = ctx.display.clone();
    let produce = move || -> Result<Option<LineChunk>> {
        if done {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut carry);
        // Read at least a chunk, and on until a line ends (a line may be longer than a chunk).
        loop {
            let start = buf.len();
            let k = (&mut reader)
                .take(CHUNK_BYTES as u64)
                .read_to_end(&mut buf)
                .ctx(|| format!("reading {display}"))?;
            if k == 0 {
                done = true;
                break;
            }
            if let Some(i) = buf[start..].iter().rposition(|b| *b == b'\n') {
                carry = buf.split_off(start + i + 1);
                break;
            }
            if buf.len() > MAX_LINE_BYTES {
                // No newline yet, so all of `buf` is the start of one huge line: read on to
                // its end without keeping it, and hand it on as one bad record.
                let mut rest = Vec::new();
                let (k, _) = read_line_capped(&mut reader, &mut rest, 0)
                    .ctx(|| format!("reading {display}"))?;
                let first_line = next_line;
                next_line += 1;
                return Ok(Some(LineChunk {
                    first_line,
                    bytes: Vec::new(),
                    oversize: Some((buf.len() + k) as u64),
                }));
            }
        }
        if buf.is_empty() {
            return Ok(None);
        }
        let first_line = next_line;
        next_line += buf.iter().filter(|b| **b == b'\n').count() as u64;
        Ok(Some(LineChunk {
            first_line,
            bytes: buf,
            oversize: None,
        }))
    };
    let mut out = PassOutcome {
        rows: 0,
        bad: 0,
        restart: None,
    };
    super::parallel::ordered_parallel(
        produce,
        |chunk| parse_lines(chunk, schema),
        |chunk: ChunkOut| {
            ctx.check_cancel()?;
            for (loc, msg) in &chunk.bad {
                ctx.bad_record(&mut out.bad, loc, msg)?;
            }
            out.rows += chunk.rows;
            sink.write(chunk.frame)?;
            ctx.report(out.rows);
            if chunk.restart.is_some() {
                out.restart = chunk.restart;
                return Ok(Flow::Stop);
            }
            Ok(Flow::Continue)
        },
    )?;
    Ok(out)
}

/// Reads a record source into Parquet files in staging, restarting with a wider schema when a
/// late record brings a new field or a value that does not fit. NDJSON (`parallel_lines`) is
/// parsed on all cores.
pub fn import_records(
    ctx: &ReadCtx<'_>,
    source: &mut dyn RecordSource,
    transform: Option<Transform>,
    forced: Forced,
    parallel_lines: bool,
) -> Result<FileReport> {
    let mut schema = Schema::new();
    let mut bad = 0u64;
    // Pass 1: a sample for the types.
    let mut seen = 0u64;
    source.run(&mut |item| {
        ctx.check_cancel()?;
        match item {
            Item::Record(m, loc) => match apply(transform, m) {
                Ok(m) => {
                    schema.observe(&m);
                    seen += 1;
                }
                Err(msg) => ctx.bad_record(&mut bad, &loc, &msg.to_string())?,
            },
            Item::Bad(loc, msg) => ctx.bad_record(&mut bad, &loc, &msg)?,
        }
        Ok(if seen >= SAMPLE_RECORDS {
            Flow::Stop
        } else {
            Flow::Continue
        })
    })?;
    schema.settle(forced);
    schema.keep_vectors_as(ctx.earlier.as_deref());
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut sink = ctx.attempt_sink(attempt);
        let pass = if parallel_lines {
            parallel_ndjson_pass(ctx, &schema, &mut sink)?
        } else {
            serial_pass(ctx, source, transform, &schema, &mut sink)?
        };
        match pass.restart {
            None => {
                let cols = sink.column_defs();
                return Ok(FileReport {
                    files: sink.finish()?,
                    schema: cols,
                    rows: pass.rows,
                    skipped: pass.bad,
                });
            }
            Some(restart) => {
                drop(sink);
                ctx.clear_attempt(attempt)?;
                match restart {
                    Restart::Widen(i, t) => schema.types[i] = t,
                    Restart::NewFields(m) => {
                        schema.observe(&m);
                        let before = schema.types.len();
                        schema.types.resize(schema.names.len(), LType::Utf8);
                        for i in before..schema.names.len() {
                            // One late record is too little to call a field vectors (its
                            // other rows would all have to fit): such a field stays JSON text.
                            schema.types[i] = match schema.guesses[i].ltype() {
                                LType::Vector(_) => LType::Utf8,
                                t => t,
                            };
                        }
                    }
                }
                if attempt > 64 {
                    return Err(LakeError::bad_input(
                        &ctx.display,
                        None,
                        "the records' shape keeps changing; could not settle on a schema",
                    ));
                }
            }
        }
    }
}
