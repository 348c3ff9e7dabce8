//! JSON documents streamed record by record: a top-level array of objects, or an object holding
//! one, without building the whole tree; one record at most [`MAX_RECORD_BYTES`].

use std::io::Read;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::*;

/// A JSON document: a top-level array of objects, or an object holding such an array (the
/// first array of objects found is streamed; an object with no array is one record).
pub struct JsonDocSource<'a> {
    /// The read context.
    pub ctx: &'a ReadCtx<'a>,
    /// Only stream the array under this key (e.g. `features` for GeoJSON).
    pub array_key: Option<&'static str>,
}

struct Streamer<'f> {
    f: &'f mut dyn FnMut(Item) -> Result<Flow>,
    error: Option<LakeError>,
    stopped: bool,
    streamed: bool,
    index: u64,
    array_key: Option<&'static str>,
    /// Bytes read since the last record was handed on (see [`RecordCap`]).
    since: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

const STOP: &str = "\u{0}stop";

/// Largest JSON record (or single-object document) read into memory.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// Fails the read once more than `max` bytes pass without a record being handed on (the
/// record reader sets `since` back to 0 after each), so one huge value (a 2 GB string) cannot
/// exhaust memory.
pub(crate) struct RecordCap<R> {
    pub(crate) inner: R,
    pub(crate) since: std::sync::Arc<std::sync::atomic::AtomicU64>,
    pub(crate) max: u64,
}

impl<R: Read> Read for RecordCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let since = self
            .since
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed)
            + n as u64;
        if since > self.max {
            return Err(std::io::Error::other(format!(
                "a single record is larger than {} MiB; such records are not read",
                self.max >> 20
            )));
        }
        Ok(n)
    }
}

impl Streamer<'_> {
    fn emit<E: serde::de::Error>(&mut self, v: Value) -> std::result::Result<(), E> {
        self.since.store(0, std::sync::atomic::Ordering::Relaxed);
        self.index += 1;
        let loc = format!("record {}", self.index);
        let item = match v {
            Value::Object(m) => Item::Record(m, loc),
            other => Item::Bad(
                loc,
                format!("expected a JSON object, found {}", json_kind(&other)),
            ),
        };
        match (self.f)(item) {
            Ok(Flow::Continue) => Ok(()),
            Ok(Flow::Stop) => {
                self.stopped = true;
                Err(E::custom(STOP))
            }
            Err(e) => {
                self.error = Some(e);
                Err(E::custom(STOP))
            }
        }
    }
}

struct ArrayStream<'s, 'f>(&'s mut Streamer<'f>);

impl<'de> Visitor<'de> for ArrayStream<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            self.0.emit(v)?;
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for ArrayStream<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

struct Top<'s, 'f>(&'s mut Streamer<'f>);

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = Option<Map<String, Value>>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array or object")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        self.0.streamed = true;
        while let Some(v) = seq.next_element::<Value>()? {
            self.0.emit(v)?;
        }
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let wanted = match self.0.array_key {
                Some(k) => k == key,
                None => !self.0.streamed,
            };
            if wanted && !self.0.streamed {
                // Peek is impossible in a stream: take the value as an array if it is one.
                let v: Value = map.next_value_seed(MaybeArray(self.0))?;
                if !v.is_null() || !self.0.streamed {
                    rest.insert(key, v);
                }
            } else if self.0.streamed {
                map.next_value::<IgnoredAny>()?;
            } else {
                rest.insert(key, map.next_value::<Value>()?);
            }
        }
        Ok(if self.0.streamed { None } else { Some(rest) })
    }
}

/// Streams the value if it is an array of values; otherwise returns it whole.
struct MaybeArray<'s, 'f>(&'s mut Streamer<'f>);

impl<'de> DeserializeSeed<'de> for MaybeArray<'_, '_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! forward_scalar {
    ($($m:ident: $t:ty),*) => {$(
        fn $m<E: serde::de::Error>(self, v: $t) -> std::result::Result<Value, E> {
            Ok(Value::from(v))
        }
    )*};
}

impl<'de> Visitor<'de> for MaybeArray<'_, '_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    forward_scalar!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str, visit_string: String);
    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Value, A::Error> {
        self.0.streamed = true;
        ArrayStream(self.0).visit_seq(seq)?;
        Ok(Value::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut m = Map::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            m.insert(k, v);
        }
        Ok(Value::Object(m))
    }
}

impl RecordSource for JsonDocSource<'_> {
    fn run(&mut self, f: &mut dyn FnMut(Item) -> Result<Flow>) -> Result<()> {
        let r = open_counting(self.ctx)?;
        json_doc_items(r, self.array_key, &self.ctx.display, f)
    }
}

/// The records of a JSON document (see [`JsonDocSource`]), streamed from `r`; `display` names
/// it in errors. Nesting deeper than serde_json's limit (128) is an error, not a crash.
pub fn json_doc_items(
    r: impl Read,
    array_key: Option<&'static str>,
    display: &str,
    f: &mut dyn FnMut(Item) -> Result<Flow>,
) -> Result<()> {
    let since = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let r = RecordCap {
        inner: r,
        since: since.clone(),
        max: MAX_RECORD_BYTES,
    };
    let mut de = serde_json::Deserializer::from_reader(r);
    let mut s = Streamer {
        f,
        error: None,
        stopped: false,
        streamed: false,
        index: 0,
        array_key,
        since,
    };
    let res = serde::Deserializer::deserialize_any(&mut de, Top(&mut s));
    if let Some(e) = s.error.take() {
        return Err(e);
    }
    if s.stopped {
        return Ok(());
    }
    match res {
        Ok(Some(single)) => {
            s.index = 0;
            let _ = s.emit::<serde_json::Error>(Value::Object(single));
            if let Some(e) = s.error.take() {
                return Err(e);
            }
        }
        Ok(None) => {}
        Err(e) => {
            return Err(LakeError::bad_input(
                display,
                Some(format!("line {}, column {}", e.line(), e.column())),
                format!("invalid JSON: {e}"),
            ))
        }
    }
    if !s.stopped {
        de.end().map_err(|e| {
            LakeError::bad_input(
                display,
                Some(format!("line {}, column {}", e.line(), e.column())),
                "unexpected data after the JSON document",
            )
        })?;
    }
    Ok(())
}
