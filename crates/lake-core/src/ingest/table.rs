//! Typed columns built from text or JSON cells: type inference from a sample, widening when a
//! later value does not fit, and conversion of a batch of rows into a Polars `DataFrame`.

use polars::prelude::*;
use serde_json::Value;

/// The logical type of an imported column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LType {
    /// true/false.
    Bool,
    /// 64-bit integer.
    Int64,
    /// 64-bit float.
    Float64,
    /// A calendar date.
    Date,
    /// A UTC timestamp, microsecond precision.
    Datetime,
    /// Text (also nested JSON, kept as its JSON text).
    Utf8,
    /// Bytes given as hex text (used for WKB geometry).
    BinaryHex,
    /// A vector: this many `f32` numbers in every row (FLOAT[N]), from JSON arrays.
    Vector(u32),
}

impl LType {
    /// The next wider type able to hold `value` (a text cell), used when a value does not fit.
    pub fn widen_for(self, text: &str) -> LType {
        match self {
            LType::Int64 if text.trim().parse::<f64>().is_ok() => LType::Float64,
            LType::Date if parse_datetime_us(text).is_some() => LType::Datetime,
            _ => LType::Utf8,
        }
    }
}

/// A cell as the readers see it.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// Missing or empty.
    Null,
    /// Text from CSV or a JSON string.
    Str(&'a str),
    /// Any JSON value.
    Json(&'a Value),
}

pub use crate::temporal::{parse_date_days, parse_datetime_us};

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "true" | "TRUE" | "True" => Some(true),
        "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Observes sample values and proposes the narrowest type that fits all of them.
#[derive(Debug, Clone, Default)]
pub struct TypeGuess {
    seen: bool,
    can_bool: bool,
    can_int: bool,
    can_float: bool,
    can_date: bool,
    can_datetime: bool,
    nested: bool,
    /// Arrays of numbers of a vector's length: per length, how many, and whether one held a
    /// number with a fraction (an integer list, such as ids, is no vector).
    vector_lengths: Vec<(u32, u32, bool)>,
    /// How many values were not null.
    values: u32,
}

/// The fewest numbers a JSON array needs to be taken for a vector: shorter arrays of floats
/// (a box, a centre, a few prices) stay JSON text, exact.
pub const MIN_VECTOR_DIM: usize = 8;
/// The most numbers a vector may hold.
pub const MAX_VECTOR_DIM: usize = 65_536;

impl TypeGuess {
    /// A guess that has seen nothing yet.
    pub fn new() -> Self {
        TypeGuess {
            seen: false,
            can_bool: true,
            can_int: true,
            can_float: true,
            can_date: true,
            can_datetime: true,
            nested: false,
            vector_lengths: Vec::new(),
            values: 0,
        }
    }

    /// Takes one sample cell into account.
    pub fn observe(&mut self, cell: Cell<'_>) {
        match cell {
            Cell::Null | Cell::Json(Value::Null) => {}
            Cell::Json(Value::Array(a)) => {
                self.values += 1;
                let dims = MIN_VECTOR_DIM..=MAX_VECTOR_DIM;
                if dims.contains(&a.len()) && a.iter().all(Value::is_number) {
                    let n = a.len() as u32;
                    let fraction = a.iter().any(|v| v.is_f64());
                    let lengths = &mut self.vector_lengths;
                    match lengths.iter().position(|(l, _, _)| *l == n) {
                        Some(i) => {
                            lengths[i].1 += 1;
                            lengths[i].2 |= fraction;
                        }
                        None if lengths.len() < 8 => lengths.push((n, 1, fraction)),
                        None => {}
                    }
                }
            }
            _ => self.values += 1,
        }
        match cell {
            Cell::Null | Cell::Json(Value::Null) => {}
            Cell::Str(s) => self.observe_text(s),
            Cell::Json(Value::String(s)) => {
                // JSON strings never become numbers or booleans, only dates.
                self.seen = true;
                self.can_bool = false;
                self.can_int = false;
                self.can_float = false;
                self.can_date &= parse_date_days(s).is_some();
                self.can_datetime &= parse_datetime_us(s).is_some();
            }
            Cell::Json(Value::Bool(_)) => {
                self.seen = true;
                self.can_int = false;
                self.can_float = false;
                self.can_date = false;
                self.can_datetime = false;
            }
            Cell::Json(Value::Number(n)) => {
                self.seen = true;
                self.can_bool = false;
                self.can_date = false;
                self.can_datetime = false;
                if n.as_i64().is_none() {
                    self.can_int = false;
                }
            }
            Cell::Json(_) => {
                self.seen = true;
                self.nested = true;
            }
        }
    }

    fn observe_text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.seen = true;
        if self.can_bool {
            self.can_bool = parse_bool(s).is_some();
        }
        if self.can_int {
            self.can_int = s.trim().parse::<i64>().is_ok();
        }
        if self.can_float {
            self.can_float = s.trim().parse::<f64>().is_ok();
        }
        if self.can_date {
            self.can_date = parse_date_days(s).is_some();
        }
        if self.can_datetime {
            self.can_datetime = parse_datetime_us(s).is_some();
        }
    }

    /// The proposed type.
    pub fn ltype(&self) -> LType {
        // Arrays of one length of numbers, at least 90% of the values (the rest are bad rows:
        // an error naming them, or skipped), and not whole numbers only (ids, counts).
        let common = self
            .vector_lengths
            .iter()
            .max_by_key(|(_, count, _)| *count);
        if let Some(&(n, count, true)) = common {
            if u64::from(count) * 10 >= u64::from(self.values) * 9 {
                return LType::Vector(n);
            }
        }
        if !self.seen || self.nested {
            LType::Utf8
        } else if self.can_bool {
            LType::Bool
        } else if self.can_int {
            LType::Int64
        } else if self.can_float {
            LType::Float64
        } else if self.can_date {
            LType::Date
        } else if self.can_datetime {
            LType::Datetime
        } else {
            LType::Utf8
        }
    }
}

/// One column under construction.
pub enum ColumnBuilder {
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Integers.
    Int64(Vec<Option<i64>>),
    /// Floats.
    Float64(Vec<Option<f64>>),
    /// Days since epoch.
    Date(Vec<Option<i32>>),
    /// Microseconds since epoch, UTC.
    Datetime(Vec<Option<i64>>),
    /// Text, as one buffer with offsets (no allocation per value).
    Utf8(TextColumn),
    /// Bytes.
    Binary(Vec<Option<Vec<u8>>>),
    /// Vectors of `dim` numbers, one after another (zeros under a null).
    Vector {
        /// Numbers per row.
        dim: usize,
        /// The rows' numbers.
        values: Vec<f32>,
        /// Which rows have a vector.
        valid: Vec<bool>,
    },
}

/// Text values in one buffer: `data[offsets[i]..offsets[i + 1]]`, null where `valid[i]` is false.
pub struct TextColumn {
    data: Vec<u8>,
    offsets: Vec<usize>,
    valid: Vec<bool>,
}

impl TextColumn {
    fn with_capacity(cap: usize) -> Self {
        let mut offsets = Vec::with_capacity(cap + 1);
        offsets.push(0);
        TextColumn {
            data: Vec::with_capacity(cap * 16),
            offsets,
            valid: Vec::with_capacity(cap),
        }
    }
    /// Appends a value (or a null).
    pub fn push(&mut self, v: Option<&str>) {
        if let Some(s) = v {
            self.data.extend_from_slice(s.as_bytes());
        }
        self.offsets.push(self.data.len());
        self.valid.push(v.is_some());
    }
    fn truncate(&mut self, len: usize) {
        if len < self.valid.len() {
            self.valid.truncate(len);
            self.offsets.truncate(len + 1);
            self.data.truncate(self.offsets[len]);
        }
    }
    fn take(&mut self, name: PlSmallStr) -> Series {
        let data = std::str::from_utf8(&self.data).expect("only &str values are pushed");
        let ca: StringChunked = self
            .valid
            .iter()
            .enumerate()
            .map(|(i, ok)| ok.then(|| &data[self.offsets[i]..self.offsets[i + 1]]))
            .collect();
        let series = ca.with_name(name).into_series();
        *self = TextColumn::with_capacity(self.valid.len());
        series
    }
}

/// A value that does not fit its column's type; the caller widens the type and starts over,
/// or, where no wider type will do (a vector of the wrong size), the row is bad.
#[derive(Debug)]
pub struct Mismatch {
    /// The type it should become.
    pub widened: LType,
    /// Why the row is bad, when widening will not do.
    pub bad: Option<String>,
}

fn widen(t: LType) -> Mismatch {
    Mismatch {
        widened: t,
        bad: None,
    }
}

/// A row whose value cannot be a vector of `dim` numbers.
fn not_a_vector(dim: usize, why: String) -> Mismatch {
    Mismatch {
        widened: LType::Vector(dim as u32),
        bad: Some(format!(
            "{why}; the column holds vectors of {dim} numbers (FLOAT[{dim}])"
        )),
    }
}

/// Appends the numbers of a JSON array as one vector of `dim`.
fn push_vector(values: &mut Vec<f32>, dim: usize, a: &[Value]) -> Result<(), Mismatch> {
    if a.len() != dim {
        return Err(not_a_vector(dim, format!("an array of {} values", a.len())));
    }
    let start = values.len();
    for (i, v) in a.iter().enumerate() {
        let x = v.as_f64().map(|x| x as f32).filter(|x| x.is_finite());
        match x {
            Some(x) => values.push(x),
            None => {
                values.truncate(start);
                let what = match v {
                    Value::Number(n) => format!("{n}, too large for FLOAT,"),
                    other => other.to_string(),
                };
                return Err(not_a_vector(
                    dim,
                    format!("value {} of the array is {what} not a number", i + 1),
                ));
            }
        }
    }
    Ok(())
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

impl ColumnBuilder {
    /// An empty builder for `t`.
    pub fn new(t: LType, cap: usize) -> Self {
        match t {
            LType::Bool => ColumnBuilder::Bool(Vec::with_capacity(cap)),
            LType::Int64 => ColumnBuilder::Int64(Vec::with_capacity(cap)),
            LType::Float64 => ColumnBuilder::Float64(Vec::with_capacity(cap)),
            LType::Date => ColumnBuilder::Date(Vec::with_capacity(cap)),
            LType::Datetime => ColumnBuilder::Datetime(Vec::with_capacity(cap)),
            LType::Utf8 => ColumnBuilder::Utf8(TextColumn::with_capacity(cap)),
            LType::BinaryHex => ColumnBuilder::Binary(Vec::with_capacity(cap)),
            LType::Vector(n) => ColumnBuilder::Vector {
                dim: n as usize,
                // Grown as rows come: a few long vectors must not reserve gigabytes.
                values: Vec::with_capacity(cap.min(256) * n as usize),
                valid: Vec::with_capacity(cap),
            },
        }
    }

    /// Appends a null.
    pub fn push_null(&mut self) {
        match self {
            ColumnBuilder::Bool(v) => v.push(None),
            ColumnBuilder::Int64(v) => v.push(None),
            ColumnBuilder::Float64(v) => v.push(None),
            ColumnBuilder::Date(v) => v.push(None),
            ColumnBuilder::Datetime(v) => v.push(None),
            ColumnBuilder::Utf8(v) => v.push(None),
            ColumnBuilder::Binary(v) => v.push(None),
            ColumnBuilder::Vector { dim, values, valid } => {
                values.resize(values.len() + *dim, 0.0);
                valid.push(false);
            }
        }
    }

    /// Appends a text cell, parsing it for the column's type.
    pub fn push_text(&mut self, s: &str) -> Result<(), Mismatch> {
        if s.is_empty() {
            self.push_null();
            return Ok(());
        }
        let fail = |t: LType| widen(t.widen_for(s));
        match self {
            ColumnBuilder::Bool(v) => v.push(Some(parse_bool(s).ok_or_else(|| fail(LType::Bool))?)),
            ColumnBuilder::Int64(v) => {
                v.push(Some(s.trim().parse().map_err(|_| fail(LType::Int64))?))
            }
            ColumnBuilder::Float64(v) => {
                v.push(Some(s.trim().parse().map_err(|_| fail(LType::Float64))?))
            }
            ColumnBuilder::Date(v) => {
                v.push(Some(parse_date_days(s).ok_or_else(|| fail(LType::Date))?))
            }
            ColumnBuilder::Datetime(v) => v.push(Some(
                parse_datetime_us(s).ok_or_else(|| fail(LType::Datetime))?,
            )),
            ColumnBuilder::Utf8(v) => v.push(Some(s)),
            ColumnBuilder::Binary(v) => {
                v.push(Some(decode_hex(s).ok_or_else(|| fail(LType::BinaryHex))?))
            }
            ColumnBuilder::Vector { dim, .. } => {
                return Err(not_a_vector(*dim, format!("the text {s:?}")))
            }
        }
        Ok(())
    }

    /// Appends a JSON cell.
    pub fn push_json(&mut self, value: &Value) -> Result<(), Mismatch> {
        if let ColumnBuilder::Vector { dim, values, valid } = self {
            return match value {
                Value::Null => {
                    self.push_null();
                    Ok(())
                }
                Value::Array(a) => {
                    push_vector(values, *dim, a)?;
                    valid.push(true);
                    Ok(())
                }
                other => Err(not_a_vector(
                    *dim,
                    match other {
                        Value::String(_) => "a string".to_string(),
                        Value::Object(_) => "an object".to_string(),
                        v => format!("the value {v}"),
                    },
                )),
            };
        }
        match value {
            Value::Null => {
                self.push_null();
                Ok(())
            }
            Value::String(s) => match self {
                // JSON strings are never numbers or booleans: widen to text.
                ColumnBuilder::Bool(_) | ColumnBuilder::Int64(_) | ColumnBuilder::Float64(_) => {
                    Err(widen(LType::Utf8))
                }
                _ => self.push_text(s),
            },
            Value::Bool(b) => match self {
                ColumnBuilder::Bool(v) => {
                    v.push(Some(*b));
                    Ok(())
                }
                ColumnBuilder::Utf8(v) => {
                    v.push(Some(if *b { "true" } else { "false" }));
                    Ok(())
                }
                _ => Err(widen(LType::Utf8)),
            },
            Value::Number(n) => match self {
                ColumnBuilder::Int64(v) => match n.as_i64() {
                    Some(i) => {
                        v.push(Some(i));
                        Ok(())
                    }
                    None => Err(widen(LType::Float64)),
                },
                ColumnBuilder::Float64(v) => {
                    v.push(n.as_f64());
                    Ok(())
                }
                ColumnBuilder::Utf8(v) => {
                    v.push(Some(&n.to_string()));
                    Ok(())
                }
                _ => Err(widen(LType::Utf8)),
            },
            nested => match self {
                ColumnBuilder::Utf8(v) => {
                    v.push(Some(&nested.to_string()));
                    Ok(())
                }
                _ => Err(widen(LType::Utf8)),
            },
        }
    }

    /// Appends a cell of either kind.
    pub fn push(&mut self, cell: Cell<'_>) -> Result<(), Mismatch> {
        match cell {
            Cell::Null => {
                self.push_null();
                Ok(())
            }
            Cell::Str(s) => self.push_text(s),
            Cell::Json(v) => self.push_json(v),
        }
    }

    /// Drops the last value (used when a row turns out bad half-way).
    pub fn truncate(&mut self, len: usize) {
        match self {
            ColumnBuilder::Bool(v) => v.truncate(len),
            ColumnBuilder::Int64(v) => v.truncate(len),
            ColumnBuilder::Float64(v) => v.truncate(len),
            ColumnBuilder::Date(v) => v.truncate(len),
            ColumnBuilder::Datetime(v) => v.truncate(len),
            ColumnBuilder::Utf8(v) => v.truncate(len),
            ColumnBuilder::Binary(v) => v.truncate(len),
            ColumnBuilder::Vector { dim, values, valid } => {
                values.truncate(len * *dim);
                valid.truncate(len);
            }
        }
    }

    /// Turns the values into a Polars column, leaving the builder empty.
    pub fn take(&mut self, name: &str) -> Column {
        let name = PlSmallStr::from_str(name);
        match self {
            ColumnBuilder::Bool(v) => Series::new(name, std::mem::take(v)).into(),
            ColumnBuilder::Int64(v) => Series::new(name, std::mem::take(v)).into(),
            ColumnBuilder::Float64(v) => Series::new(name, std::mem::take(v)).into(),
            ColumnBuilder::Date(v) => {
                Int32Chunked::from_iter_options(name, std::mem::take(v).into_iter())
                    .into_date()
                    .into_series()
                    .into()
            }
            ColumnBuilder::Datetime(v) => {
                Int64Chunked::from_iter_options(name, std::mem::take(v).into_iter())
                    .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
                    .into_series()
                    .into()
            }
            ColumnBuilder::Utf8(v) => v.take(name).into(),
            ColumnBuilder::Binary(v) => {
                let ca: BinaryChunked = std::mem::take(v).into_iter().collect();
                ca.with_name(name).into_series().into()
            }
            ColumnBuilder::Vector { dim, values, valid } => {
                let values = std::mem::take(values);
                let valid = std::mem::take(valid);
                vector_column(name, *dim, &values, &valid)
            }
        }
    }
}

/// A FLOAT[dim] column from rows of `dim` numbers each.
pub(super) fn vector_column(
    name: PlSmallStr,
    dim: usize,
    values: &[f32],
    valid: &[bool],
) -> Column {
    let mut b = ListPrimitiveChunkedBuilder::<Float32Type>::new(
        name,
        valid.len(),
        values.len(),
        DataType::Float32,
    );
    for (row, ok) in valid.iter().enumerate() {
        if *ok {
            b.append_slice(&values[row * dim..(row + 1) * dim]);
        } else {
            b.append_null();
        }
    }
    b.finish()
        .into_series()
        .cast(&DataType::Array(Box::new(DataType::Float32), dim))
        .expect("every row holds dim numbers")
        .into()
}

/// Rows under construction for a fixed list of typed fields.
pub struct TableBuilder {
    /// Field names, in order.
    pub names: Vec<String>,
    /// Field types, in order.
    pub types: Vec<LType>,
    columns: Vec<ColumnBuilder>,
    rows: usize,
}

/// Where a row failed: the field index and the type it should be widened to.
#[derive(Debug)]
pub struct RowMismatch {
    /// Field index.
    pub field: usize,
    /// Proposed wider type.
    pub widened: LType,
    /// Why the row is bad (naming the field), when no wider type will do.
    pub bad: Option<String>,
}

impl TableBuilder {
    /// A builder for these fields.
    pub fn new(names: Vec<String>, types: Vec<LType>) -> Self {
        let columns = types.iter().map(|t| ColumnBuilder::new(*t, 4096)).collect();
        TableBuilder {
            names,
            types,
            columns,
            rows: 0,
        }
    }

    /// Rows buffered so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends a row given as one cell per field (`cell(i)`); on a mismatch nothing is appended.
    pub fn push_row<'a, F>(&mut self, mut cell: F) -> Result<(), RowMismatch>
    where
        F: FnMut(usize) -> Cell<'a>,
    {
        for i in 0..self.columns.len() {
            if let Err(m) = self.columns[i].push(cell(i)) {
                for c in &mut self.columns[..i] {
                    c.truncate(self.rows);
                }
                let name = &self.names[i];
                return Err(RowMismatch {
                    field: i,
                    widened: m.widened,
                    bad: m.bad.map(|why| format!("`{name}`: {why}")),
                });
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// The buffered rows as a `DataFrame`; the builder starts empty again.
    pub fn take_frame(&mut self) -> DataFrame {
        let cols: Vec<Column> = self
            .columns
            .iter_mut()
            .zip(&self.names)
            .map(|(c, n)| c.take(n))
            .collect();
        let height = self.rows;
        self.rows = 0;
        DataFrame::new(height, cols).expect("columns have equal length")
    }
}

/// Makes column names usable: empty names get `column_N`, duplicates get a `_2` suffix.
pub fn clean_names(raw: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, n) in raw.into_iter().enumerate() {
        let base = {
            let t = n.trim().trim_start_matches('\u{feff}').to_string();
            if t.is_empty() {
                format!("column_{}", i + 1)
            } else {
                t
            }
        };
        let mut name = base.clone();
        let mut k = 2;
        while out.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_types_from_text() {
        let guess = |vals: &[&str]| {
            let mut g = TypeGuess::new();
            for v in vals {
                g.observe(Cell::Str(v));
            }
            g.ltype()
        };
        assert_eq!(guess(&["1", "2", ""]), LType::Int64);
        assert_eq!(guess(&["1", "2.5"]), LType::Float64);
        assert_eq!(guess(&["true", "False"]), LType::Bool);
        assert_eq!(guess(&["2024-01-02", "2023-12-31"]), LType::Date);
        assert_eq!(
            guess(&["2024-01-02T03:04:05Z", "2024-01-02 03:04:05.123"]),
            LType::Datetime
        );
        assert_eq!(guess(&["1", "x"]), LType::Utf8);
        assert_eq!(guess(&["", ""]), LType::Utf8);
    }

    #[test]
    fn timestamps_with_offsets_become_utc() {
        assert_eq!(
            parse_datetime_us("2024-01-01T01:00:00+01:00"),
            parse_datetime_us("2024-01-01T00:00:00Z")
        );
        assert_eq!(parse_datetime_us("1970-01-01T00:00:01.5Z"), Some(1_500_000));
        assert_eq!(parse_datetime_us("hello world, how are"), None);
    }

    #[test]
    fn mismatch_leaves_row_out_and_proposes_wider_type() {
        let mut t = TableBuilder::new(
            vec!["a".into(), "b".into()],
            vec![LType::Int64, LType::Int64],
        );
        t.push_row(|i| Cell::Str(["1", "2"][i])).unwrap();
        let err = t.push_row(|i| Cell::Str(["3", "4.5"][i])).unwrap_err();
        assert_eq!(err.field, 1);
        assert_eq!(err.widened, LType::Float64);
        let df = t.take_frame();
        assert_eq!(df.height(), 1);
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(
            clean_names(vec!["a".into(), "".into(), "a".into()]),
            vec!["a", "column_2", "a_2"]
        );
    }
}
