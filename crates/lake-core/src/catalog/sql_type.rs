//! The SQL names of the lake's column types, as users of SQL engines know them.

/// `name` as a quoted SQL identifier (a dotted dataset name stays one name; a `"` in it is
/// doubled), for SQL the lake writes itself.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The type a SQL user knows for a Polars type name (`i64` → `BIGINT`).
pub fn sql_type_name(dtype: &str) -> String {
    let t = dtype.trim();
    let base = t.split(['[', '(']).next().unwrap_or(t);
    let name = match base {
        "i8" => "TINYINT",
        "i16" => "SMALLINT",
        "i32" => "INTEGER",
        "i64" => "BIGINT",
        "i128" => "HUGEINT",
        "u8" => "UTINYINT",
        "u16" => "USMALLINT",
        "u32" => "UINTEGER",
        "u64" => "UBIGINT",
        "f32" => "REAL",
        "f64" => "DOUBLE",
        "str" | "string" | "cat" | "enum" => "VARCHAR",
        "bool" => "BOOLEAN",
        "date" => "DATE",
        "time" => "TIME",
        "binary" => "BLOB",
        "null" => "NULL",
        "duration" => "INTERVAL",
        "datetime" if t.contains(',') => "TIMESTAMP WITH TIME ZONE",
        "datetime" => "TIMESTAMP",
        "decimal" => {
            return t
                .replacen("decimal", "DECIMAL", 1)
                .replace('[', "(")
                .replace(']', ")")
        }
        "array" => {
            // A vector: `array[f32, 384]` is DuckDB's FLOAT[384].
            let inner = t
                .find('[')
                .map(|i| &t[i + 1..t.len().saturating_sub(1)])
                .unwrap_or_default();
            let (elem, size) = inner.rsplit_once(',').unwrap_or((inner, ""));
            let elem = match elem.trim() {
                "f32" => "FLOAT".to_string(),
                other => sql_type_name(other),
            };
            return format!("{elem}[{}]", size.trim());
        }
        "list" => {
            let inner = t
                .find('[')
                .map(|i| t[i + 1..t.len().saturating_sub(1)].to_string())
                .unwrap_or_default();
            return format!("{}[]", sql_type_name(inner.split(',').next().unwrap_or("")));
        }
        "struct" => "STRUCT",
        _ => return t.to_uppercase(),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polars_types_read_as_sql_types() {
        for (polars, sql) in [
            ("i64", "BIGINT"),
            ("str", "VARCHAR"),
            ("f64", "DOUBLE"),
            ("datetime[μs, UTC]", "TIMESTAMP WITH TIME ZONE"),
            ("datetime[ms]", "TIMESTAMP"),
            ("list[f32]", "REAL[]"),
            ("array[f32, 384]", "FLOAT[384]"),
            ("array[f64, 3]", "DOUBLE[3]"),
            ("decimal[15,2]", "DECIMAL(15,2)"),
            ("bool", "BOOLEAN"),
        ] {
            assert_eq!(sql_type_name(polars), sql, "{polars}");
        }
    }
}
