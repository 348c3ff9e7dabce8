pub use polars_sql::function_registry::*;
pub use polars_sql::{
    CatalogDdl, CatalogTable, SQLContext, extract_table_identifiers, keywords,
    register_sql_resolver, sql_expr,
};
