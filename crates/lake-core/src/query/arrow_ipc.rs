//! Query results as Arrow IPC stream bytes: what the desktop app's grid receives (never JSON
//! rows). Numbers and booleans keep their Arrow types; timestamps arrive as ISO 8601 UTC text
//! (the way the CLI prints them), and nested or exotic types as their text form.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float32Array, Float64Array, Int16Array, Int32Array, Int64Array,
    Int8Array, RecordBatch, StringArray, UInt16Array, UInt32Array, UInt64Array, UInt8Array,
};
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{Field, Schema};
use polars::prelude::*;

use super::output::temporal_to_text;
use crate::error::{LakeError, Result};

fn internal(what: &str, e: impl std::fmt::Display) -> LakeError {
    LakeError::Internal(format!("{what}: {e}"))
}

fn to_arrow(s: &Series) -> Result<ArrayRef> {
    macro_rules! prim {
        ($get:ident, $arr:ty) => {
            Arc::new(<$arr>::from_iter(
                s.$get().map_err(|e| internal("arrow", e))?.iter(),
            )) as ArrayRef
        };
    }
    Ok(match s.dtype() {
        DataType::Boolean => prim!(bool, BooleanArray),
        DataType::Int8 => prim!(i8, Int8Array),
        DataType::Int16 => prim!(i16, Int16Array),
        DataType::Int32 => prim!(i32, Int32Array),
        DataType::Int64 => prim!(i64, Int64Array),
        DataType::UInt8 => prim!(u8, UInt8Array),
        DataType::UInt16 => prim!(u16, UInt16Array),
        DataType::UInt32 => prim!(u32, UInt32Array),
        DataType::UInt64 => prim!(u64, UInt64Array),
        DataType::Float32 => prim!(f32, Float32Array),
        DataType::Float64 => prim!(f64, Float64Array),
        DataType::String => Arc::new(StringArray::from_iter(
            s.str().map_err(|e| internal("arrow", e))?.iter(),
        )),
        _ => {
            // Dates, times, decimals cast cleanly; lists and structs are shown as text.
            let text: Vec<Option<String>> = match s.cast(&DataType::String) {
                Ok(t) => t
                    .str()
                    .map_err(|e| internal("arrow", e))?
                    .iter()
                    .map(|v| v.map(str::to_string))
                    .collect(),
                Err(_) => (0..s.len())
                    .map(|i| match s.get(i) {
                        Ok(AnyValue::Null) | Err(_) => None,
                        Ok(v) => Some(v.to_string()),
                    })
                    .collect(),
            };
            Arc::new(StringArray::from_iter(text))
        }
    })
}

/// Encodes `df` as one Arrow IPC stream (schema + one record batch).
pub fn frame_to_ipc(df: &DataFrame) -> Result<Vec<u8>> {
    let df = temporal_to_text(df)?;
    let mut fields = Vec::with_capacity(df.width());
    let mut arrays = Vec::with_capacity(df.width());
    for c in df.columns() {
        let a = to_arrow(c.as_materialized_series())?;
        fields.push(Field::new(c.name().as_str(), a.data_type().clone(), true));
        arrays.push(a);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = if arrays.is_empty() {
        RecordBatch::new_empty(schema.clone())
    } else {
        RecordBatch::try_new(schema.clone(), arrays).map_err(|e| internal("arrow batch", e))?
    };
    let mut out = Vec::new();
    {
        let mut w = StreamWriter::try_new(&mut out, &schema).map_err(|e| internal("arrow", e))?;
        w.write(&batch).map_err(|e| internal("arrow", e))?;
        w.finish().map_err(|e| internal("arrow", e))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_ipc::reader::StreamReader;

    #[test]
    fn ipc_round_trips_values_and_nulls() {
        let df = df![
            "id" => [1i64, 2, 3],
            "name" => [Some("a"), None, Some("ç")],
            "x" => [1.5f64, f64::NAN, -2.0],
            "ok" => [true, false, true],
        ]
        .unwrap();
        let bytes = frame_to_ipc(&df).unwrap();
        let mut r = StreamReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
        let b = r.next().unwrap().unwrap();
        assert_eq!(b.num_rows(), 3);
        assert_eq!(b.schema().field(1).name(), "name");
        let ids = b.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
        assert_eq!(ids.value(2), 3);
        let names = b.column(1).as_any().downcast_ref::<StringArray>().unwrap();
        assert!(names.is_null(1));
        assert_eq!(names.value(2), "ç");
    }

    #[test]
    fn timestamps_become_iso_utc_text() {
        let s = Series::new("ts".into(), [86_400_000_000i64])
            .cast(&DataType::Datetime(
                TimeUnit::Microseconds,
                Some(TimeZone::UTC),
            ))
            .unwrap();
        let df = DataFrame::new(1, vec![s.into()]).unwrap();
        let bytes = frame_to_ipc(&df).unwrap();
        let mut r = StreamReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
        let b = r.next().unwrap().unwrap();
        let ts = b.column(0).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(ts.value(0), "1970-01-02T00:00:00Z");
    }
}
