use std::borrow::Cow;
use std::ops::{ControlFlow, Deref};
use std::sync::{Arc, OnceLock, RwLock};

use chrono::{NaiveDateTime, SubsecRound};
use polars_core::prelude::*;
#[cfg(feature = "asof_join")]
use polars_core::utils::try_get_supertype;
#[cfg(feature = "asof_join")]
use polars_defs::join::{AsOfOptions, AsofStrategy};
use polars_defs::join::{JoinArgs, JoinCoalesce, JoinType, MaintainOrderJoin};
use polars_lazy::prelude::*;
use polars_plan::dsl::function_expr::StructFunction;
use polars_plan::plans::visitor::TreeWalker;
use polars_plan::prelude::*;
use polars_utils::aliases::{PlHashSet, PlIndexSet};
use polars_utils::format_pl_smallstr;
use polars_utils::unique_id::UniqueId;
use sqlparser::ast::{
    BinaryOperator as SQLBinaryOperator, CreateTable, CreateTableLikeKind, CreateTableOptions, Cte,
    Delete, Distinct, ExcludeSelectItem, Expr as SQLExpr, Fetch, FromTable, FunctionArg,
    GroupByExpr, HiveDistributionStyle, HiveFormat, Ident, JoinConstraint, JoinOperator,
    LimitClause, NamedWindowDefinition, NamedWindowExpr, ObjectName, ObjectType, OrderBy,
    OrderByKind, Query, RenameSelectItem, Select, SelectFlavor, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, SetOperator, SetQuantifier, Statement, TableAlias,
    TableFactor, TableWithJoins, Truncate, UnaryOperator as SQLUnaryOperator, Value as SQLValue,
    ValueWithSpan, Values, WildcardAdditionalOptions, WindowSpec, WindowType, With,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserOptions};

use crate::catalog::{
    CatalogDdl, CatalogRegistry, CatalogSpellings, CatalogTable, RewrittenName,
    create_table_columns, create_table_options, display_name, name_parts, name_position,
    rewrite_catalog_names,
};
use crate::dyn_visit::{self, visit_expressions, visit_expressions_mut};
use crate::function_registry::{DefaultFunctionRegistry, FunctionRegistry};
use crate::group_context::{
    AggregateOutputs, GroupContextSplitter, OutputNames, assume_groups_have_rows,
    check_columns_in_aggregates, has_subquery_outside_aggregates, has_windows_over_aggregates,
    is_marked_aggregate, strip_aggregate_marks,
};
use crate::grouping_sets::{
    GroupingCall, GroupingSets, bind_stored_keys, canonicalize_keys, contains_grouping_placeholder,
    expand_grouping_sets, new_placeholder,
};
use crate::sql_expr::{
    convert_int_literal_for_string, is_string_expr, order_by_sort_options, parse_sql_array,
    parse_sql_expr, resolve_compound_identifier, resolve_expr_dtype, series_from_literals,
    to_sql_interface_err,
};
use crate::sql_visitors::{
    QualifyExpression, TableIdentifierCollector, check_ambiguous_column,
    check_for_ambiguous_column_refs, collect_grouping_calls, expr_contains_scalar_subquery,
    expr_contains_subquery, expr_has_window_functions, expr_references_any_column,
    expr_refers_to_table, referenced_ctes, sql_expr_cols_all_in_schema,
};
use crate::subquery::{LowerScope, RewriteStage, SubqueryBindings, desugar_quantified_subqueries};
use crate::table_functions::PolarsTableFunctions;
use crate::types::map_sql_dtype_to_polars;
use crate::unique_column_name;

#[derive(Clone)]
pub struct TableInfo {
    pub(crate) frame: LazyFrame,
    pub(crate) name: PlSmallStr,
    pub(crate) schema: Arc<Schema>,
    /// The relations joined into `frame`, by `RelationName::key`.
    pub(crate) relations: Vec<String>,
}

/// An `ORDER BY` clause pointed at the aggregated frame, with the named
/// aggregates the `GROUP BY` has to add for it.
type ResolvedOrderBy = (Option<OrderBy>, Vec<(PlSmallStr, Expr)>);

/// For SELECT projection items; helps simplify any required disambiguation.
enum ProjectionItem {
    QualifiedExprs(PlSmallStr, Vec<Expr>),
    /// The `bool` marks whether the expr here came from an explicit `AS` alias.
    /// In that case there is only 1 item in the vec; only `SELECT *` produces
    /// multiple expressions.
    Exprs(Vec<Expr>, bool),
}

/// Extract the output column name from an expression (if it has one).
fn expr_output_name(expr: &Expr) -> Option<&PlSmallStr> {
    match expr {
        Expr::Column(name) | Expr::Alias(_, name) => Some(name),
        _ => None,
    }
}

/// Disambiguate qualified wildcard columns that conflict with each other or other projections.
fn disambiguate_projection_cols(
    items: Vec<ProjectionItem>,
    schema: &Schema,
) -> PolarsResult<Vec<(Expr, bool)>> {
    // Establish qualified wildcard names (with counts), and other expression names
    let mut qualified_wildcard_names: PlHashMap<PlSmallStr, usize> = PlHashMap::new();
    let mut other_names: PlHashSet<PlSmallStr> = PlHashSet::new();
    for item in &items {
        match item {
            ProjectionItem::QualifiedExprs(_, exprs) => {
                for expr in exprs {
                    if let Some(name) = expr_output_name(expr) {
                        *qualified_wildcard_names.entry(name.clone()).or_insert(0) += 1;
                    }
                }
            },
            ProjectionItem::Exprs(exprs, _) => {
                for expr in exprs {
                    if let Some(name) = expr_output_name(expr) {
                        other_names.insert(name.clone());
                    }
                }
            },
        }
    }

    // Names requiring disambiguation (duplicates across wildcards, eg: `tbl1.*`,`tbl2.*`)
    let needs_suffix: PlHashSet<PlSmallStr> = qualified_wildcard_names
        .into_iter()
        .filter(|(name, count)| *count > 1 || other_names.contains(name))
        .map(|(name, _)| name)
        .collect();

    // Output, applying suffixes where needed
    let mut result: Vec<(Expr, bool)> = Vec::new();
    for item in items {
        match item {
            ProjectionItem::QualifiedExprs(tbl_name, exprs) if !needs_suffix.is_empty() => {
                for expr in exprs {
                    if let Some(name) = expr_output_name(&expr) {
                        if needs_suffix.contains(name) {
                            let suffixed = format_pl_smallstr!("{}:{}", name, tbl_name);
                            if schema.contains(suffixed.as_str()) {
                                // RENAME can give a column the name of another one.
                                let expr = match strip_outer_alias(&expr) {
                                    Expr::Column(name) if name == suffixed => Expr::Column(name),
                                    e => e.alias(suffixed),
                                };
                                result.push((expr, false));
                                continue;
                            }
                            if other_names.contains(name) {
                                polars_bail!(
                                    SQLInterface:
                                    "column '{}' is duplicated in the SELECT (explicitly, and via the `*` wildcard)", name
                                );
                            }
                        }
                    }
                    result.push((expr, false));
                }
            },
            ProjectionItem::QualifiedExprs(_, exprs) => {
                result.extend(exprs.into_iter().map(|e| (e, false)));
            },
            ProjectionItem::Exprs(exprs, is_explicit_alias) => {
                result.extend(exprs.into_iter().map(|e| (e, is_explicit_alias)));
            },
        }
    }
    Ok(result)
}

/// Assign unique output names to SELECT-list projections that would otherwise collide.
///
/// SQL allows repeated and derived output names in a SELECT list; Polars frames do not.
/// The first projection to claim a name keeps it, and a later unaliased projection that
/// collides gets a `name:n` suffix. Two cases are deliberately left to collide: explicit
/// `AS` aliases, which are never renamed (`SELECT 1 AS x, 2 AS x`), and an unaliased
/// expression that verbatim repeats the one already holding the name (`SELECT a, a`),
/// which is a duplicate selection rather than an incidental clash.
fn disambiguate_output_names(exprs: Vec<(Expr, bool)>, schema: &Schema) -> PolarsResult<Vec<Expr>> {
    let protected: PlHashSet<PlSmallStr> = exprs
        .iter()
        .filter(|(_, is_explicit_alias)| *is_explicit_alias)
        .map(|(e, _)| Ok(e.to_field(schema)?.name))
        .collect::<PolarsResult<_>>()?;

    let mut used: PlHashSet<PlSmallStr> = PlHashSet::new();
    let mut claimed: PlHashMap<PlSmallStr, Expr> = PlHashMap::new();
    let mut result = Vec::with_capacity(exprs.len());
    for (expr, is_explicit_alias) in exprs {
        let name = expr.to_field(schema)?.name;
        let verbatim_repeat = claimed.get(&name).is_some_and(|claimant| claimant == &expr);
        if is_explicit_alias
            || verbatim_repeat
            || (!used.contains(&name) && !protected.contains(&name))
        {
            if !is_explicit_alias {
                claimed.entry(name.clone()).or_insert_with(|| expr.clone());
            }
            used.insert(name);
            result.push(expr);
        } else {
            let mut n = 1usize;
            let unique_name = loop {
                let candidate = format_pl_smallstr!("{}:{}", name, n);
                if !used.contains(&candidate) && !protected.contains(&candidate) {
                    break candidate;
                }
                n += 1;
            };
            used.insert(unique_name.clone());
            claimed.insert(unique_name.clone(), expr.clone());
            result.push(expr.alias(unique_name));
        }
    }
    Ok(result)
}

/// What to do with the rows whose WHERE predicate evaluates to true.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterMode {
    /// `SELECT ... WHERE`: keep exactly the rows where the predicate is true
    /// (rows where it is false or NULL are dropped).
    KeepTrue,
    /// `DELETE ... WHERE`: drop exactly the rows where the predicate is true
    /// (rows where it is false or NULL are kept).
    RemoveTrue,
}

/// The SQLContext is the main entry point for executing SQL queries.
#[derive(Clone)]
pub struct SQLContext {
    pub(crate) table_map: Arc<RwLock<PlHashMap<String, LazyFrame>>>,
    pub(crate) function_registry: Arc<dyn FunctionRegistry>,
    /// Set once a caller installs their own registry; user-defined functions cannot be
    /// carried in the DSL, so such a context resolves its queries eagerly.
    custom_function_registry: bool,
    pub(crate) lp_arena: Arena<IR>,
    pub(crate) expr_arena: Arena<AExpr>,

    cte_map: PlHashMap<String, LazyFrame>,
    table_aliases: PlHashMap<String, String>,
    /// Relations the current `FROM` declares (once per occurrence), which are the
    /// only ones a qualified column may name.
    active_relations: Vec<RelationName>,
    joined_aliases: PlHashMap<String, PlHashMap<String, String>>,
    /// The current statement's FROM items that are not tables, read only by qualified columns.
    from_item_frames: PlHashMap<String, LazyFrame>,
    join_base: Option<JoinBase>,
    /// The values of uncorrelated `EXISTS` subqueries that were planned while lowering,
    /// taken when the `EXISTS` expression is parsed.
    pub(crate) exists_values: Vec<(Query, Expr)>,
    pub(crate) named_windows: PlHashMap<String, WindowSpec>,
    pub(crate) group_scope: GroupScope,
    /// The attached catalogs.
    catalogs: CatalogRegistry,
    /// Scans of the catalog tables the current statement reads, by full name. Looked up after
    /// CTEs and registered tables.
    catalog_tables: PlHashMap<String, LazyFrame>,
    /// The catalog table names of a deferred statement, as written and in full; used to rewrite
    /// the statement again when it is parsed from its text.
    catalog_names: Vec<RewrittenName>,
    /// The names the current statement wrote for its catalog tables, by position.
    catalog_spellings: CatalogSpellings,
    /// The local time that `CURRENT_DATE` and friends read in the current statement, set on
    /// first use. Shared with the contexts of its subqueries.
    statement_time: Arc<OnceLock<NaiveDateTime>>,
}

/// The first relation of the current `FROM` and the (joined table, column) pairs
/// of its USING clauses. With `joined_aliases` this tells whether an unqualified
/// column is ambiguous.
#[derive(Clone)]
struct JoinBase {
    table_name: String,
    using_cols: Vec<(String, String)>,
}

/// State of the query block being executed that its `GROUP BY` binds.
#[derive(Clone, Default)]
pub(crate) struct GroupScope {
    /// Whether the aggregate calls being parsed are marked (see `AGGREGATE_MARK`): in the
    /// clauses that run in the group context of the block. Marked calls cannot be nested.
    pub(crate) mark_aggregates: bool,
    /// Whether the inputs of a window function are being parsed. Aggregates there are
    /// marked too.
    pub(crate) in_window: bool,
    /// `GROUPING()` calls parsed in the block.
    grouping_calls: Vec<GroupingCall>,
    /// Whether an empty `OVER ()` being parsed must stay distinguishable from an
    /// aggregate: in the clauses that feed the `GROUP BY` (cleared once the clauses
    /// that run on the aggregated frame are parsed), and in the SELECT list.
    pub(crate) mark_whole_frame_windows: bool,
    /// Partition column standing for an empty `OVER ()` parsed in such a clause,
    /// until the window is separated from the aggregates.
    whole_frame_partition: Option<PlSmallStr>,
    /// Placeholders of the scalar subqueries in the value arguments and the FILTER of
    /// aggregates, which are read once per row (see `broadcast_subqueries_in_inputs`). A
    /// subquery in a parameter, as the separator of STRING_AGG, is read once.
    pub(crate) subqueries_read_per_row: PlHashSet<PlSmallStr>,
    /// The plan of each scalar subquery resolved in the block, by placeholder, for a block
    /// that reads it again after aggregating.
    subquery_plans: PlHashMap<PlSmallStr, LazyFrame>,
    /// The types of the SELECT aliases that the clause being parsed can read. They are only
    /// used to infer types, so that a selector does not match them.
    alias_types: Schema,
}

impl Default for SQLContext {
    fn default() -> Self {
        crate::register_sql_resolver();
        Self {
            function_registry: Arc::new(DefaultFunctionRegistry {}),
            custom_function_registry: false,
            table_map: Default::default(),
            cte_map: Default::default(),
            table_aliases: Default::default(),
            active_relations: Default::default(),
            joined_aliases: Default::default(),
            from_item_frames: Default::default(),
            join_base: None,
            exists_values: Default::default(),
            named_windows: Default::default(),
            group_scope: Default::default(),
            lp_arena: Default::default(),
            expr_arena: Default::default(),
            catalogs: Default::default(),
            catalog_tables: Default::default(),
            catalog_names: Default::default(),
            catalog_spellings: Default::default(),
            statement_time: Default::default(),
        }
    }
}

impl SQLContext {
    /// Create a new SQLContext.
    /// ```rust
    /// # use polars_sql::SQLContext;
    /// # fn main() {
    /// let ctx = SQLContext::new();
    /// # }
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Get the names of all registered tables, in sorted order.
    pub fn get_tables(&self) -> Vec<String> {
        let mut tables = Vec::from_iter(self.table_map.read().unwrap().keys().cloned());
        tables.sort_unstable();
        tables
    }

    /// Register a [`LazyFrame`] as a table in the SQLContext.
    /// ```rust
    /// # use polars_sql::SQLContext;
    /// # use polars_core::prelude::*;
    /// # use polars_lazy::prelude::*;
    /// # fn main() {
    ///
    /// let mut ctx = SQLContext::new();
    /// let df = df! {
    ///    "a" =>  [1, 2, 3],
    /// }.unwrap().lazy();
    ///
    /// ctx.register("df", df);
    /// # }
    ///```
    pub fn register(&self, name: &str, lf: LazyFrame) {
        self.table_map.write().unwrap().insert(name.to_owned(), lf);
    }

    /// Unregister a [`LazyFrame`] table from the [`SQLContext`].
    pub fn unregister(&self, name: &str) {
        self.table_map.write().unwrap().remove(&name.to_owned());
    }

    /// Attach a catalog under `name`. A table name starting with `name` refers to a table of
    /// this catalog; with `default`, so does a table name that starts with no attached catalog.
    /// A table name without namespace parts gets `default_namespace`. Registered tables and
    /// CTEs take precedence. The same name replaces the catalog with the new `default_namespace`
    /// and options, but keeps its default status: `default = false` never removes the default.
    /// A name that differs from an attached one only in case is an error.
    ///
    /// The catalog only resolves names: the scans of its tables are passed to
    /// [`SQLContext::execute_with_catalog_tables`] (see [`SQLContext::catalog_tables`]).
    pub fn register_catalog(
        &mut self,
        name: &str,
        default_namespace: Option<Vec<String>>,
        default: bool,
    ) -> PolarsResult<()> {
        self.catalogs.register(name, default_namespace, default)
    }

    /// The name of the default catalog, if one is set.
    pub fn default_catalog(&self) -> Option<&str> {
        self.catalogs.default_catalog()
    }

    /// Make the attached catalog `name` (exact, else ignoring case) the default.
    pub fn set_default_catalog(&mut self, name: &str) -> PolarsResult<()> {
        self.catalogs.set_default(name)
    }

    /// Detach a catalog (exact name, else ignoring case), returning the name it had.
    pub fn unregister_catalog(&mut self, name: &str) -> Option<String> {
        self.catalogs.unregister(name)
    }

    /// The catalog tables that `query` reads, once each.
    pub fn catalog_tables(&self, query: &str) -> PolarsResult<Vec<CatalogTable>> {
        let mut stmt = parse_single_statement(query)?;
        let mut tables = Vec::new();
        for (_, full_name) in self.rewrite_catalog_names(&mut stmt)?.0 {
            let table = CatalogTable {
                catalog: full_name[0].clone(),
                identifier: full_name[1..].to_vec(),
            };
            if !tables.contains(&table) {
                tables.push(table);
            }
        }
        Ok(tables)
    }

    /// The catalog DDL of `query`, if any, for the caller to perform: [`SQLContext::execute`]
    /// rejects it.
    pub fn catalog_ddl(&self, query: &str) -> PolarsResult<Option<CatalogDdl>> {
        let stmt = parse_single_statement(query)?;
        match &stmt {
            Statement::Drop {
                object_type: ObjectType::Table,
                ..
            } => {},
            Statement::CreateTable(create_table) if !create_table.temporary => {
                return self.catalog_create_table(create_table);
            },
            _ => return Ok(None),
        }
        let (names, if_exists, purge) = drop_table_parts(&stmt)?;
        Ok(self
            .catalog_drop_target(names, purge)?
            .map(|(name, table)| CatalogDdl::DropTable {
                name,
                table,
                if_exists,
                purge,
            }))
    }

    /// The catalog table that a `CREATE TABLE` of `name` creates, resolved as in a read; `None`
    /// for a registered table. A name that a catalog applies to but gives no namespace is an
    /// error, so it doesn't silently create a registered table.
    fn catalog_create_target(&self, name: &ObjectName) -> PolarsResult<Option<CatalogTable>> {
        let Some(parts) = name_parts(name) else {
            return Ok(None);
        };
        let named = self.catalogs.named_catalog(&parts);
        let Some(catalog) = named.or(self.catalogs.default_catalog()) else {
            return Ok(None);
        };
        if let Some(table) = self.catalogs.resolve(&parts) {
            return Ok(Some(table));
        }
        let temp_hint = match named {
            Some(_) => "",
            None => ", or use `CREATE TEMP TABLE` for a local table",
        };
        polars_bail!(
            SQLInterface: "table '{}' has no namespace: catalog '{}' has no default namespace; write '{}.<namespace>.{}'{}",
            display_name(&parts), catalog, catalog, parts.last().unwrap(), temp_hint
        )
    }

    /// The catalog DDL of a `CREATE TABLE`, if its name resolves to a catalog table.
    fn catalog_create_table(&self, create_table: &CreateTable) -> PolarsResult<Option<CatalogDdl>> {
        let Some(table) = self.catalog_create_target(&create_table.name)? else {
            return Ok(None);
        };
        self.validate_create_table(create_table, true)?;
        let CreateTable {
            name,
            if_not_exists,
            columns,
            query,
            like,
            table_options,
            hive_formats,
            ..
        } = create_table;
        polars_ensure!(like.is_none(), SQLInterface: "`CREATE TABLE ... LIKE` is not supported for catalog tables");
        polars_ensure!(query.is_none(), SQLInterface: "`CREATE TABLE ... AS SELECT` is not yet supported for catalog tables");
        polars_ensure!(!columns.is_empty(), SQLInterface: "CREATE TABLE expected a query, column definitions, or LIKE clause");
        let (schema, required) = create_table_columns(columns)?;
        let location = hive_formats.as_ref().and_then(|f| f.location.as_deref());
        let (location, properties) = create_table_options(table_options, location)?;

        // A registered table of the written or the full name would hide the new table from reads.
        let tbl_name = object_name_to_string(name);
        let full_name = table.full_name();
        if let Some(registered) = self.registered_table_key(&tbl_name)? {
            let hint = match name.0.len() == full_name.len() {
                true => "unregister it".to_string(),
                false => format!(
                    "write the full name '{}', or unregister it",
                    display_name(&full_name)
                ),
            };
            polars_bail!(
                SQLInterface: "table '{}' would be hidden by registered table '{}'; {}",
                tbl_name, registered, hint
            );
        }
        if let Some(registered) = self.registered_table_key(&full_name.join("."))? {
            polars_bail!(
                SQLInterface: "table '{}' would be hidden by registered table '{}'; unregister it",
                tbl_name, registered
            );
        }
        Ok(Some(CatalogDdl::CreateTable {
            name: tbl_name,
            table,
            if_not_exists: *if_not_exists,
            schema,
            required,
            location,
            properties,
        }))
    }

    /// Execute `query` with the scans of the catalog tables it reads, by full name (see
    /// [`SQLContext::catalog_tables`]).
    pub fn execute_with_catalog_tables(
        &mut self,
        query: &str,
        tables: Vec<(Vec<String>, LazyFrame)>,
    ) -> PolarsResult<LazyFrame> {
        self.catalog_tables = tables
            .into_iter()
            .map(|(full_name, lf)| (full_name.join("."), lf))
            .collect();
        let res = self.execute(query);
        self.catalog_tables.clear();
        self.catalog_names.clear();
        self.catalog_spellings.clear();
        res
    }

    /// Rewrite the catalog table names of `stmt` to their full names (see
    /// [`rewrite_catalog_names`]): by the attached catalogs, else by the names a deferred
    /// statement recorded.
    fn rewrite_catalog_names(
        &self,
        stmt: &mut Statement,
    ) -> PolarsResult<(Vec<RewrittenName>, CatalogSpellings)> {
        if self.catalogs.is_empty() && self.catalog_names.is_empty() {
            return Ok(Default::default());
        }
        let table_map = self.table_map.read().unwrap();
        // A name matching several tables ignoring case is left for the lookup to report.
        let is_local = |name: &str| !matches!(key_ignoring_case(&table_map, name), Ok(None));
        if self.catalogs.is_empty() {
            let recorded = |parts: &[String]| {
                let (_, full) = self.catalog_names.iter().find(|(w, _)| w == parts)?;
                Some(full.clone())
            };
            rewrite_catalog_names(stmt, recorded, is_local)
        } else {
            let resolve = |parts: &[String]| self.catalogs.resolve(parts).map(|t| t.full_name());
            rewrite_catalog_names(stmt, resolve, is_local)
        }
    }

    /// Error for a statement changing a table of an attached catalog, which SQL can't do yet.
    /// The name resolves as in a read, so a table of the default catalog is also an error.
    /// With `local_first`, a registered table with the whole name is changed instead, and a
    /// name starting with an attached catalog that resolves to no table is left to it. With
    /// `if_exists`, only a name starting with an attached catalog is, so the statement's no-op
    /// on a missing table applies.
    fn ensure_not_catalog_table(
        &self,
        name: &ObjectName,
        statement: &str,
        local_first: bool,
        if_exists: bool,
    ) -> PolarsResult<()> {
        let Some(parts) = name_parts(name) else {
            return Ok(());
        };
        let named = self.catalogs.named_catalog(&parts);
        let table = match (named, if_exists) {
            (None, true) => None,
            _ => self.catalogs.resolve(&parts),
        };
        let Some(table) = table else {
            return match named {
                Some(catalog) if !local_first => polars_bail!(
                    SQLInterface: "{} on a table of attached catalog '{}' is not supported{}",
                    statement, catalog, self.catalogs.unresolved_hint(&parts).unwrap_or_default()
                ),
                _ => Ok(()),
            };
        };
        if local_first
            && self
                .registered_table_key(&object_name_to_string(name))?
                .is_some()
        {
            return Ok(());
        }
        let resolved = match named {
            Some(_) => String::new(),
            None => format!(
                " ('{}' is '{}')",
                display_name(&parts),
                display_name(&table.full_name())
            ),
        };
        polars_bail!(
            SQLInterface: "{} on a table of attached catalog '{}' is not supported{}",
            statement, table.catalog, resolved
        )
    }

    /// Execute a SQL query, returning a [`LazyFrame`].
    /// ```rust
    /// # use polars_sql::SQLContext;
    /// # use polars_core::prelude::*;
    /// # use polars_lazy::prelude::*;
    /// # fn main() {
    ///
    /// let mut ctx = SQLContext::new();
    /// let df = df! {
    ///    "a" =>  [1, 2, 3],
    /// }
    /// .unwrap();
    ///
    /// ctx.register("df", df.clone().lazy());
    /// let sql_df = ctx.execute("SELECT * FROM df").unwrap().collect().unwrap();
    /// assert!(sql_df.equals(&df));
    /// # }
    ///```
    pub fn execute(&mut self, query: &str) -> PolarsResult<LazyFrame> {
        let mut stmt = parse_single_statement(query)?;

        if self.can_defer(&stmt) {
            // The plan keeps the statement as written: translating it rewrites the names of its
            // catalog tables again, also where it was written each.
            let catalog_names = match self.catalogs.is_empty() {
                true => Vec::new(),
                false => self.rewrite_catalog_names(&mut stmt.clone())?.0,
            };
            return Ok(LazyFrame::from(self.defer_query(
                query,
                stmt,
                &catalog_names,
            )));
        }

        let (_, catalog_spellings) = self.rewrite_catalog_names(&mut stmt)?;
        desugar_quantified_subqueries(&mut stmt);
        self.catalog_spellings = catalog_spellings;
        self.statement_time = Default::default();
        let res = self.execute_statement(&stmt).inspect_err(|_| {
            self.clear_statement_state();
        })?;

        // Ensure the result uses the proper arenas.
        // This will instantiate new arenas with a new version.
        let lp_arena = std::mem::take(&mut self.lp_arena);
        let expr_arena = std::mem::take(&mut self.expr_arena);
        res.set_cached_arena(lp_arena, expr_arena);

        self.clear_statement_state();
        Ok(res)
    }

    /// Whether resolving `stmt` can be deferred to the DSL -> IR conversion.
    ///
    /// A user-defined function does not survive the round trip through the DSL.
    fn can_defer(&self, stmt: &Statement) -> bool {
        !self.custom_function_registry && is_read_only_query(stmt)
    }

    /// Build a [`DslPlan::SQL`] holding `query` and a snapshot of the relations it references.
    ///
    /// `stmt` is kept alongside so that resolving does not parse `query` again.
    fn defer_query(
        &self,
        query: &str,
        mut stmt: Statement,
        catalog_names: &[RewrittenName],
    ) -> DslPlan {
        // Only registered tables: catalog tables travel separately, with their full names.
        let table_map = self.table_map.read().unwrap();
        let relations = statement_table_identifiers(&stmt, true, true)
            .into_iter()
            .flat_map(|name| {
                if let Ok(Some(lf)) = get_ignoring_case(&table_map, &name) {
                    return vec![(PlSmallStr::from_string(name), lf.logical_plan.clone())];
                }
                // Tables matching only ignoring case are all kept, so resolving reports them.
                table_map
                    .iter()
                    .filter(|(key, _)| key.eq_ignore_ascii_case(&name))
                    .map(|(key, lf)| (PlSmallStr::from_str(key), lf.logical_plan.clone()))
                    .collect()
            })
            .collect();

        // Catalog tables keep their full names, so parsing `query` again can rewrite it.
        let to_parts = |parts: &[String]| parts.iter().map(|p| PlSmallStr::from_str(p)).collect();
        let catalog_tables = catalog_names
            .iter()
            .filter_map(|(written, full)| {
                let lf = self.catalog_tables.get(&full.join("."))?;
                Some((to_parts(written), to_parts(full), lf.logical_plan.clone()))
            })
            .collect();

        desugar_quantified_subqueries(&mut stmt);
        DslPlan::SQL {
            query: Arc::new(query.to_owned()),
            relations,
            catalog_tables,
            cached_stmt: CachedSqlStatement::new(Arc::new(stmt)),
        }
    }

    /// Execute `query` eagerly against the given arenas, returning the resulting DSL.
    ///
    /// Resolves a [`DslPlan::SQL`] node. The caller's arenas are used so that input schemas
    /// resolve into the arenas of the ongoing conversion. `cached` is the desugared statement
    /// the node was built with, and `query` is only parsed when it is absent.
    pub(crate) fn execute_with_arenas(
        &mut self,
        query: &str,
        cached: Option<&Statement>,
        lp_arena: &mut Arena<IR>,
        expr_arena: &mut Arena<AExpr>,
    ) -> PolarsResult<DslPlan> {
        let rewritten;
        let stmt = match cached {
            Some(stmt) if self.catalog_names.is_empty() => stmt,
            cached => {
                let mut stmt = match cached {
                    Some(stmt) => stmt.clone(),
                    None => {
                        let mut stmt = parse_single_statement(query)?;
                        desugar_quantified_subqueries(&mut stmt);
                        stmt
                    },
                };
                self.catalog_spellings = self.rewrite_catalog_names(&mut stmt)?.1;
                rewritten = stmt;
                &rewritten
            },
        };

        self.statement_time = Default::default();
        std::mem::swap(&mut self.lp_arena, lp_arena);
        std::mem::swap(&mut self.expr_arena, expr_arena);
        let res = self.execute_statement(stmt);
        std::mem::swap(&mut self.lp_arena, lp_arena);
        std::mem::swap(&mut self.expr_arena, expr_arena);

        self.clear_statement_state();
        Ok(res?.logical_plan)
    }

    fn clear_statement_state(&mut self) {
        self.cte_map.clear();
        self.catalog_tables.clear();
        self.catalog_names.clear();
        self.catalog_spellings.clear();
        self.table_aliases.clear();
        self.joined_aliases.clear();
        self.from_item_frames.clear();
        self.join_base = None;
        self.exists_values.clear();
        self.named_windows.clear();
    }

    /// The local time, to microseconds, that `CURRENT_DATE` and friends read in the current
    /// statement.
    pub(crate) fn statement_time(&self) -> NaiveDateTime {
        *self
            .statement_time
            .get_or_init(|| chrono::Local::now().naive_local().trunc_subsecs(6))
    }

    /// Add a function registry to the SQLContext.
    /// The registry provides the ability to add custom functions to the SQLContext.
    pub fn with_function_registry(mut self, function_registry: Arc<dyn FunctionRegistry>) -> Self {
        self.function_registry = function_registry;
        self.custom_function_registry = true;
        self
    }

    /// Get the function registry of the SQLContext
    pub fn registry(&self) -> &Arc<dyn FunctionRegistry> {
        &self.function_registry
    }

    /// Get a mutable reference to the function registry of the SQLContext
    pub fn registry_mut(&mut self) -> &mut dyn FunctionRegistry {
        self.custom_function_registry = true;
        Arc::get_mut(&mut self.function_registry).unwrap()
    }
}

impl SQLContext {
    pub(crate) fn isolated(&self) -> Self {
        Self {
            // Deep-copy/clone to isolate
            table_map: Arc::new(RwLock::new(self.table_map.read().unwrap().clone())),
            named_windows: self.named_windows.clone(),
            cte_map: self.cte_map.clone(),
            from_item_frames: self.from_item_frames.clone(),

            // Context-level; needs to remain visible in nested scopes.
            // (Note: shared by Arc, no need to deep-copy)
            function_registry: self.function_registry.clone(),
            custom_function_registry: self.custom_function_registry,
            catalogs: self.catalogs.clone(),
            catalog_tables: self.catalog_tables.clone(),
            catalog_names: self.catalog_names.clone(),
            catalog_spellings: self.catalog_spellings.clone(),
            statement_time: self.statement_time.clone(),

            ..Default::default()
        }
    }

    pub(crate) fn execute_statement(&mut self, stmt: &Statement) -> PolarsResult<LazyFrame> {
        let ast = stmt;
        Ok(match ast {
            Statement::Query(query) => self.execute_query(query)?,
            stmt @ Statement::ShowTables { .. } => self.execute_show_tables(stmt)?,
            stmt @ Statement::CreateTable { .. } => self.execute_create_table(stmt)?,
            stmt @ Statement::Drop {
                object_type: ObjectType::Table,
                ..
            } => self.execute_drop_table(stmt)?,
            stmt @ Statement::Explain { .. } => self.execute_explain(stmt)?,
            stmt @ Statement::Truncate { .. } => self.execute_truncate_table(stmt)?,
            stmt @ Statement::Delete { .. } => self.execute_delete_from_table(stmt)?,
            _ => polars_bail!(
                SQLInterface: "statement type is not supported:\n{:?}", ast,
            ),
        })
    }

    pub(crate) fn execute_query(&mut self, query: &Query) -> PolarsResult<LazyFrame> {
        self.register_ctes(query)?;
        self.validate_query(query)?;

        let lf = self.process_query(&query.body, query)?;
        self.process_limit_offset(lf, &query.limit_clause, &query.fetch)
    }

    pub(crate) fn get_frame_schema(&mut self, frame: &mut LazyFrame) -> PolarsResult<SchemaRef> {
        frame.schema_with_arenas(&mut self.lp_arena, &mut self.expr_arena)
    }

    /// `expr` with each subquery, and each read of its result, replaced by a null of its dtype,
    /// so that it can be typed before the subqueries are resolved.
    pub(crate) fn with_typed_subqueries(&mut self, expr: &Expr) -> PolarsResult<Expr> {
        let mut dtypes = PlHashMap::default();
        for e in expr {
            if let Expr::SubPlan(lp, names) = e {
                for (name, select_expr) in names.iter() {
                    let mut lf = LazyFrame::from((***lp).clone()).select([select_expr.clone()]);
                    let schema = self.get_frame_schema(&mut lf)?;
                    dtypes.insert(name.clone(), schema.get_at_index(0).unwrap().1.clone());
                }
            }
        }
        if dtypes.is_empty() {
            return Ok(expr.clone());
        }
        let typed_null = |name: &PlSmallStr| lit(Scalar::null(dtypes[name].clone()));
        Ok(expr.clone().map_expr(|e| match &e {
            Expr::SubPlan(_, names) => typed_null(&names[0].0),
            Expr::Column(name) if dtypes.contains_key(name) => typed_null(name),
            _ => e,
        }))
    }

    /// The relation qualifying a compound identifier (see `match_qualifier`) and the qualifier's
    /// length. Before a `FROM` is processed, any leading run naming a table qualifies.
    pub(crate) fn resolve_qualifier(
        &self,
        idents: &[Ident],
    ) -> PolarsResult<Option<(String, usize)>> {
        if self.active_relations.is_empty() {
            for len in (1..idents.len()).rev() {
                let qualifier = join_idents(&idents[..len]);
                if self.get_relation_frame(&qualifier)?.is_some() {
                    return Ok(Some((qualifier, len)));
                }
            }
            return Ok(None);
        }
        match match_qualifier(idents, self.active_relations.iter()) {
            None => Ok(None),
            Some((matches, len)) => match matches.as_slice() {
                [relation] => {
                    let key = relation.key();
                    // Relations are looked up by their dotted name, which `s.t` and an alias
                    // `"s.t"` share.
                    polars_ensure!(
                        !self.active_relations.iter().any(|r| r.key() == key && r != *relation),
                        SQLInterface: "ambiguous reference to table \"{}\" (another relation in FROM has the same dotted name; use a different alias)",
                        key
                    );
                    Ok(Some((key, len)))
                },
                _ => Err(ambiguous_relation_err(
                    &join_idents(&idents[..len]),
                    &matches,
                )),
            },
        }
    }

    /// Make the relations of `from` the ones a qualified column may name.
    pub(crate) fn set_active_relations(&mut self, from: &[TableWithJoins]) {
        self.active_relations = declared_relations(from, &self.catalog_spellings);
    }

    /// The names the current statement wrote for its catalog tables, by position.
    pub(crate) fn catalog_spellings(&self) -> &CatalogSpellings {
        &self.catalog_spellings
    }

    /// Hint for a qualifier that names no relation in scope because an alias hides it.
    pub(crate) fn hidden_by_alias_hint(&self, qualifier: &str) -> Option<String> {
        self.active_relations.iter().find_map(|alias| {
            let alias = alias.key();
            let table = self.table_aliases.get(&alias)?;
            qualifier_names(table, qualifier)
                .then(|| format!("; table \"{qualifier}\" is hidden by alias \"{alias}\""))
        })
    }

    /// Resolve a relation innermost-scope-first: a `FROM` alias, then a CTE, then
    /// a registered table.
    fn get_table_from_current_scope(&self, name: &str) -> PolarsResult<Option<LazyFrame>> {
        if let Some(aliased) = get_ignoring_case(&self.table_aliases, name)? {
            if let Some(lf) = self.get_table_unaliased(aliased)? {
                return Ok(Some(lf));
            }
        }
        self.get_table_unaliased(name)
    }

    /// The frame of the relation `name` that a qualified column reads, exact names first.
    pub(crate) fn get_relation_frame(&self, name: &str) -> PolarsResult<Option<LazyFrame>> {
        if let Some(lf) = self.from_item_frames.get(name) {
            return Ok(Some(lf.clone()));
        }
        if let Some(lf) = self.get_table_from_current_scope(name)? {
            return Ok(Some(lf));
        }
        Ok(get_ignoring_case(&self.from_item_frames, name)?.cloned())
    }

    fn get_table_unaliased(&self, name: &str) -> PolarsResult<Option<LazyFrame>> {
        if let Some(lf) = get_ignoring_case(&self.cte_map, name)? {
            return Ok(Some(lf.clone()));
        }
        if let Some(lf) = get_ignoring_case(&self.table_map.read().unwrap(), name)? {
            return Ok(Some(lf.clone()));
        }
        Ok(get_ignoring_case(&self.catalog_tables, name)?.cloned())
    }

    /// Restore the catalog tables of a deferred statement: (name as written, full name, plan).
    pub(crate) fn restore_catalog_tables(&mut self, tables: Vec<SqlCatalogTable>) {
        let to_strings = |parts: &[PlSmallStr]| parts.iter().map(|p| p.to_string()).collect();
        for (written, full, plan) in tables {
            let full: Vec<String> = to_strings(&full);
            self.catalog_tables
                .insert(full.join("."), LazyFrame::from(plan));
            self.catalog_names.push((to_strings(&written), full));
        }
    }

    /// The registered table `name` refers to (ignoring case, as in `FROM`).
    fn registered_table_key(&self, name: &str) -> PolarsResult<Option<String>> {
        Ok(key_ignoring_case(&self.table_map.read().unwrap(), name)?.cloned())
    }

    /// Execute a query in an isolated context. This prevents subqueries from mutating
    /// arenas and other context state. Returns both the LazyFrame *and* its associated
    /// Schema (so that the correct arenas are used when determining schema).
    pub(crate) fn execute_isolated<F>(&mut self, query: F) -> PolarsResult<LazyFrame>
    where
        F: FnOnce(&mut Self) -> PolarsResult<LazyFrame>,
    {
        let mut ctx = self.isolated();

        // Execute query with clean state (eg: nested/subquery)
        let lf = query(&mut ctx)?;

        // Save state
        lf.set_cached_arena(ctx.lp_arena, ctx.expr_arena);

        Ok(lf)
    }

    fn expr_or_ordinal(
        &mut self,
        e: &SQLExpr,
        exprs: &[Expr],
        selected: Option<&[Expr]>,
        schema: Option<&Schema>,
        clause: &str,
    ) -> PolarsResult<Expr> {
        match e {
            SQLExpr::UnaryOp {
                op: SQLUnaryOperator::Minus,
                expr,
            } if matches!(
                **expr,
                SQLExpr::Value(ValueWithSpan {
                    value: SQLValue::Number(_, _),
                    ..
                })
            ) =>
            {
                if let SQLExpr::Value(ValueWithSpan {
                    value: SQLValue::Number(ref idx, _),
                    ..
                }) = **expr
                {
                    Err(polars_err!(
                    SQLSyntax:
                    "negative ordinal values are invalid for {}; found -{}",
                    clause,
                    idx
                    ))
                } else {
                    unreachable!()
                }
            },
            SQLExpr::Value(ValueWithSpan {
                value: SQLValue::Number(idx, _),
                ..
            }) => {
                // note: sql queries are 1-indexed
                let idx = idx.parse::<usize>().map_err(|_| {
                    polars_err!(
                        SQLSyntax:
                        "negative ordinal values are invalid for {}; found {}",
                        clause,
                        idx
                    )
                })?;
                // note: "selected" cols represent final projection order, so we use those for
                // ordinal resolution. "exprs" may include cols that are subsequently dropped.
                let cols = if let Some(cols) = selected {
                    cols
                } else {
                    exprs
                };
                Ok(cols
                    .get(idx - 1)
                    .ok_or_else(|| {
                        polars_err!(
                            SQLInterface:
                            "{} ordinal value must refer to a valid column; found {}",
                            clause,
                            idx
                        )
                    })?
                    .clone())
            },
            SQLExpr::Value(v) => Err(polars_err!(
                SQLSyntax:
                "{} requires a valid expression or positive ordinal; found {}", clause, v,
            )),
            _ => {
                // Handle qualified cross-aliasing in ORDER BY clauses
                // (eg: `SELECT a AS b, -b AS a ... ORDER BY self.a`)
                let mut expr = parse_sql_expr(e, self, schema)?;
                if matches!(e, SQLExpr::CompoundIdentifier(_)) {
                    if let Some(schema) = schema {
                        expr = expr.map_expr(|ex| match &ex {
                            Expr::Column(name) => {
                                let prefixed = format!("__POLARS_ORIG_{}", name.as_str());
                                if schema.contains(prefixed.as_str()) {
                                    col(prefixed)
                                } else {
                                    ex
                                }
                            },
                            _ => ex,
                        });
                    }
                }
                Ok(expr)
            },
        }
    }

    /// Track the columns of the joined relation `r_name` that also exist on the left
    /// side, and so are stored under an aliased name in the joined frame. The other
    /// relations of the right input (`right_relations`) refer to these columns too.
    pub(crate) fn record_joined_aliases(
        &mut self,
        r_name: &str,
        right_relations: &[String],
        left_schema: &Schema,
        right_schema: &Schema,
        joined_schema: &Schema,
    ) -> PolarsResult<()> {
        let renamed: PlHashMap<String, String> = right_schema
            .iter_names()
            .filter(|name| left_schema.contains(name))
            .filter_map(|name| {
                let aliased_name = format!("{name}:{r_name}");
                joined_schema
                    .contains(aliased_name.as_str())
                    .then(|| (name.to_string(), aliased_name))
            })
            .collect();
        for relation in right_relations {
            if relation == r_name {
                continue;
            }
            let Some(mut relation_lf) = self.get_relation_frame(relation)? else {
                continue;
            };
            let relation_schema = self.get_frame_schema(&mut relation_lf)?;
            let aliases = self.joined_aliases.entry(relation.clone()).or_default();
            for name in aliases.values_mut() {
                if let Some(aliased_name) = renamed.get(name.as_str()) {
                    *name = aliased_name.clone();
                }
            }
            for (name, aliased_name) in &renamed {
                if relation_schema.contains(name) && !aliases.contains_key(name) {
                    aliases.insert(name.clone(), aliased_name.clone());
                }
            }
        }
        self.joined_aliases.insert(r_name.to_string(), renamed);
        Ok(())
    }

    /// Error if the unqualified column `name` exists in more than one of the joined
    /// relations of the current `FROM`.
    pub(crate) fn check_unqualified_column(&self, name: &str) -> PolarsResult<()> {
        match &self.join_base {
            Some(base) => check_ambiguous_column(
                name,
                &self.joined_aliases,
                &base.table_name,
                &base.using_cols,
                &self.active_relations,
            ),
            None => Ok(()),
        }
    }

    /// Set the join base of a block from its `FROM`, once its relations are resolved.
    /// Unqualified columns of the block are checked against it.
    pub(crate) fn set_join_base(&mut self, from: &[TableWithJoins]) {
        self.join_base = from.first().and_then(|first| {
            Some(JoinBase {
                table_name: get_table_name(&first.relation)?,
                using_cols: from
                    .iter()
                    .flat_map(|tbl_expr| &tbl_expr.joins)
                    .filter_map(|join| {
                        let cols = get_using_cols(&join.join_operator)?;
                        let r_name = get_table_name(&join.relation)?;
                        Some(cols.map(move |c| (r_name.clone(), c)))
                    })
                    .flatten()
                    .collect(),
            })
        });
    }

    /// Check the SELECT and WHERE expressions of a block for ambiguous unqualified
    /// columns (if there were joins).
    pub(crate) fn check_select_column_refs(&self, select_stmt: &Select) -> PolarsResult<()> {
        let Some(base) = &self.join_base else {
            return Ok(());
        };
        if self.joined_aliases.is_empty() {
            return Ok(());
        }
        let check_expr = |e| {
            check_for_ambiguous_column_refs(
                e,
                &self.joined_aliases,
                &base.table_name,
                &base.using_cols,
                &self.active_relations,
            )
        };
        for item in &select_stmt.projection {
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    check_expr(e)?
                },
                _ => {},
            }
        }
        if let Some(where_expr) = &select_stmt.selection {
            check_expr(where_expr)?;
        }
        Ok(())
    }

    /// The joined-frame name of a column of `tbl_name`, as `resolve_qualifier` returned it.
    pub(super) fn resolve_name(&self, tbl_name: &str, column_name: &str) -> String {
        if let Some(aliases) = self.joined_aliases.get(tbl_name) {
            if let Some(name) = aliases.get(column_name) {
                return name.to_string();
            }
        }
        column_name.to_string()
    }

    /// Clone `query` with `order_by` cleared, for passing to the operands of a set operation.
    fn set_op_operand_query(query: &Query) -> Query {
        let mut query = query.clone();
        query.order_by = None;
        query
    }

    fn process_query(&mut self, expr: &SetExpr, query: &Query) -> PolarsResult<LazyFrame> {
        match expr {
            SetExpr::Select(select_stmt) => self.execute_select(select_stmt, query),
            SetExpr::Query(nested_query) => {
                // The CTEs of a parenthesized query stay visible to the ORDER BY wrapping it.
                let lf = self.execute_query(nested_query)?;
                self.process_order_by(lf, &query.order_by, None)
            },
            SetExpr::SetOperation {
                op: SetOperator::Union,
                set_quantifier,
                left,
                right,
            } => self.process_union(left, right, set_quantifier, query),

            #[cfg(feature = "semi_anti_join")]
            SetExpr::SetOperation {
                op: op @ (SetOperator::Intersect | SetOperator::Except),
                set_quantifier,
                left,
                right,
            } => self.process_except_intersect(left, right, op, set_quantifier, query),

            SetExpr::Values(Values {
                explicit_row: _,
                rows,
                value_keyword: _,
            }) => self.process_values(rows.iter().map(|p| &p.content)),

            SetExpr::Table(tbl) => {
                if let Some(table_name) = tbl.table_name.as_ref() {
                    let name = match &tbl.schema_name {
                        Some(schema_name) => format!("{schema_name}.{table_name}"),
                        None => table_name.clone(),
                    };
                    self.get_table_from_current_scope(&name)?.ok_or_else(|| {
                        polars_err!(
                            SQLInterface: "no table or alias named '{}' found",
                            tbl
                        )
                    })
                } else {
                    polars_bail!(SQLInterface: "'TABLE' requires valid table name")
                }
            },
            op => {
                polars_bail!(SQLInterface: "'{}' operation is currently unsupported", op)
            },
        }
    }

    #[cfg(feature = "semi_anti_join")]
    fn process_except_intersect(
        &mut self,
        left: &SetExpr,
        right: &SetExpr,
        op: &SetOperator,
        quantifier: &SetQuantifier,
        query: &Query,
    ) -> PolarsResult<LazyFrame> {
        let (join_type, op_name) = match op {
            SetOperator::Except => (JoinType::Anti, "EXCEPT"),
            SetOperator::Intersect => (JoinType::Semi, "INTERSECT"),
            _ => unreachable!("process_except_intersect is only reached for EXCEPT/INTERSECT"),
        };

        // Note: each side of the EXCEPT/INTERSECT operation should execute
        // in isolation to prevent context state leakage between them
        let operand_query = Self::set_op_operand_query(query);
        let mut lf = self.execute_isolated(|ctx| ctx.process_query(left, &operand_query))?;
        let mut rf = self.execute_isolated(|ctx| ctx.process_query(right, &operand_query))?;
        let lf_schema = self.get_frame_schema(&mut lf)?;

        let lf_cols: Vec<_> = lf_schema.iter_names_cloned().map(col).collect();
        let bag_semantics = matches!(quantifier, SetQuantifier::All);
        let rf_cols = match quantifier {
            SetQuantifier::ByName => None,
            SetQuantifier::Distinct | SetQuantifier::None | SetQuantifier::All => {
                let rf_schema = self.get_frame_schema(&mut rf)?;
                let rf_cols: Vec<_> = rf_schema.iter_names_cloned().map(col).collect();
                if lf_cols.len() != rf_cols.len() {
                    polars_bail!(SQLInterface: "{} requires equal number of columns in each table (use '{} BY NAME' to combine mismatched tables)", op_name, op_name)
                }
                Some(rf_cols)
            },
            _ => {
                polars_bail!(SQLInterface: "'{} {}' is not supported", op_name, quantifier.to_string())
            },
        };

        let lf = if bag_semantics {
            let occurrence_col = unique_column_name();
            let mut lf_on = lf_cols.clone();
            let mut rf_on =
                rf_cols.expect("ALL quantifier always resolves the right-hand columns above");

            lf = lf.with_column(
                int_range(lit(0), len(), 1, DataType::Int64)
                    .over(lf_cols.clone())?
                    .alias(occurrence_col.clone()),
            );
            rf = rf.with_column(
                int_range(lit(0), len(), 1, DataType::Int64)
                    .over(rf_on.clone())?
                    .alias(occurrence_col.clone()),
            );
            lf_on.push(col(occurrence_col.clone()));
            rf_on.push(col(occurrence_col.clone()));

            let joined_tbl = lf
                .join_builder()
                .with(rf)
                .how(join_type)
                .join_nulls(true)
                .left_on(lf_on)
                .right_on(rf_on)
                .finish()?;
            joined_tbl.drop(cols([occurrence_col]))
        } else {
            let join = lf.join_builder().with(rf).how(join_type).join_nulls(true);
            let joined_tbl = match rf_cols {
                Some(rf_cols) => join.left_on(lf_cols).right_on(rf_cols).finish(),
                None => join.on(lf_cols).finish(),
            }?;
            joined_tbl.unique(None, UniqueKeepStrategy::Any)
        };
        self.process_order_by(lf, &query.order_by, None)
    }

    fn process_union(
        &mut self,
        left: &SetExpr,
        right: &SetExpr,
        quantifier: &SetQuantifier,
        query: &Query,
    ) -> PolarsResult<LazyFrame> {
        let quantifier = *quantifier;

        // Note: each side of the UNION operation should execute
        // in isolation to prevent context state leakage between them
        let operand_query = Self::set_op_operand_query(query);
        let mut lf = self.execute_isolated(|ctx| ctx.process_query(left, &operand_query))?;
        let mut rf = self.execute_isolated(|ctx| ctx.process_query(right, &operand_query))?;

        let opts = UnionArgs {
            parallel: true,
            to_supertypes: true,
            maintain_order: false,
            ..Default::default()
        };
        let lf = match quantifier {
            // UNION [ALL | DISTINCT]
            SetQuantifier::All | SetQuantifier::Distinct | SetQuantifier::None => {
                let lf_schema = self.get_frame_schema(&mut lf)?;
                let rf_schema = self.get_frame_schema(&mut rf)?;
                if lf_schema.len() != rf_schema.len() {
                    polars_bail!(SQLInterface: "UNION requires equal number of columns in each table (use 'UNION BY NAME' to combine mismatched tables)")
                }
                // rename `rf` columns to match `lf` if they differ; SQL behaves
                // positionally on UNION ops (unless using the "BY NAME" qualifier)
                if lf_schema.iter_names().ne(rf_schema.iter_names()) {
                    rf = rf.rename(rf_schema.iter_names(), lf_schema.iter_names(), true);
                }
                let concatenated = concat(vec![lf, rf], opts);
                match quantifier {
                    SetQuantifier::Distinct | SetQuantifier::None => {
                        concatenated.map(|lf| lf.unique(None, UniqueKeepStrategy::Any))
                    },
                    _ => concatenated,
                }
            },
            // UNION ALL BY NAME
            #[cfg(feature = "diagonal_concat")]
            SetQuantifier::AllByName => concat_lf_diagonal(vec![lf, rf], opts),
            // UNION [DISTINCT] BY NAME
            #[cfg(feature = "diagonal_concat")]
            SetQuantifier::ByName | SetQuantifier::DistinctByName => {
                let concatenated = concat_lf_diagonal(vec![lf, rf], opts);
                concatenated.map(|lf| lf.unique(None, UniqueKeepStrategy::Any))
            },
            #[allow(unreachable_patterns)]
            _ => {
                polars_bail!(SQLInterface: "'UNION {}' is not currently supported", quantifier)
            },
        }?;

        self.process_order_by(lf, &query.order_by, None)
    }

    /// Process UNNEST as a lateral operation when it contains column references
    /// (handles `CROSS JOIN UNNEST(col) AS name` by exploding the referenced col).
    fn process_unnest_lateral(
        &self,
        lf: LazyFrame,
        alias: &Option<TableAlias>,
        array_exprs: &[SQLExpr],
        with_offset: bool,
    ) -> PolarsResult<LazyFrame> {
        let alias = alias
            .as_ref()
            .ok_or_else(|| polars_err!(SQLSyntax: "UNNEST table must have an alias"))?;
        polars_ensure!(!with_offset, SQLInterface: "UNNEST tables do not (yet) support WITH ORDINALITY|OFFSET");

        let (mut explode_cols, mut rename_from, mut rename_to) = (
            Vec::with_capacity(array_exprs.len()),
            Vec::with_capacity(array_exprs.len()),
            Vec::with_capacity(array_exprs.len()),
        );
        let is_single_col = array_exprs.len() == 1;

        for (i, arr_expr) in array_exprs.iter().enumerate() {
            let col_name = match arr_expr {
                SQLExpr::Identifier(ident) => PlSmallStr::from_str(&ident.value),
                SQLExpr::CompoundIdentifier(parts) => {
                    PlSmallStr::from_str(&parts.last().unwrap().value)
                },
                SQLExpr::Array(_) => polars_bail!(
                    SQLInterface: "CROSS JOIN UNNEST with both literal arrays and column references is not supported"
                ),
                other => polars_bail!(
                    SQLSyntax: "UNNEST expects column references or array literals, found {:?}", other
                ),
            };
            // alias: column name from "AS t(col)", or table alias
            if let Some(name) = alias
                .columns
                .get(i)
                .map(|c| c.name.value.as_str())
                .or_else(|| is_single_col.then_some(alias.name.value.as_str()))
                .filter(|name| !name.is_empty() && *name != col_name.as_str())
            {
                rename_from.push(col_name.clone());
                rename_to.push(PlSmallStr::from_str(name));
            }
            explode_cols.push(col_name);
        }

        let mut lf = lf.explode(
            Selector::ByName {
                names: Arc::from(explode_cols),
                strict: true,
            },
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        );
        if !rename_from.is_empty() {
            lf = lf.rename(rename_from, rename_to, true);
        }
        Ok(lf)
    }

    fn process_values<'a>(
        &mut self,
        values: impl Iterator<Item = &'a Vec<SQLExpr>>,
    ) -> PolarsResult<LazyFrame> {
        let frame_rows: Vec<Vec<AnyValue>> = values.map(|row| {
            row.iter().map(|expr| {
                let expr = parse_sql_expr(expr, self, None)?;
                match expr {
                    Expr::Literal(value) => {
                        value.to_any_value()
                            .ok_or_else(|| polars_err!(SQLInterface: "invalid literal value: {:?}", value))
                            .map(|av| av.into_static())
                    },
                    _ => polars_bail!(SQLInterface: "VALUES clause expects literals; found {}", expr),
                }
            }).collect()
        }).collect::<PolarsResult<_>>()?;

        // Each column takes the supertype of all its rows, not the first row's type.
        let width = frame_rows.first().map_or(0, Vec::len);
        polars_ensure!(
            frame_rows.iter().all(|row| row.len() == width),
            SQLSyntax: "VALUES rows must all have the same number of values"
        );
        let columns = (0..width)
            .map(|i| {
                let values: Vec<AnyValue> = frame_rows.iter().map(|row| row[i].clone()).collect();
                series_from_literals(format_pl_smallstr!("column_{i}"), &values).map(Column::from)
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok(DataFrame::new_infer_height(columns)?.lazy())
    }

    // EXPLAIN SELECT * FROM DF
    fn execute_explain(&mut self, stmt: &Statement) -> PolarsResult<LazyFrame> {
        match stmt {
            Statement::Explain { statement, .. } => {
                let lf = self.execute_statement(statement)?;
                let plan = lf.describe_optimized_plan()?;
                let plan = plan
                    .split('\n')
                    .collect::<Series>()
                    .with_name(PlSmallStr::from_static("Logical Plan"))
                    .into_column();
                let df = DataFrame::new_infer_height(vec![plan])?;
                Ok(df.lazy())
            },
            _ => polars_bail!(SQLInterface: "unexpected statement type; expected EXPLAIN"),
        }
    }

    // SHOW TABLES
    fn execute_show_tables(&mut self, _: &Statement) -> PolarsResult<LazyFrame> {
        let tables = Column::new("name".into(), self.get_tables());
        let df = DataFrame::new_infer_height(vec![tables])?;
        Ok(df.lazy())
    }

    // DROP TABLE <tbl>
    fn execute_drop_table(&mut self, stmt: &Statement) -> PolarsResult<LazyFrame> {
        let (names, if_exists, purge) = drop_table_parts(stmt)?;
        if let Some((name, table)) = self.catalog_drop_target(names, purge)? {
            polars_bail!(
                SQLInterface: "DROP TABLE of catalog table '{}' ('{}') must be performed on the catalog (see `SQLContext::catalog_ddl`)",
                name, display_name(&table.full_name())
            );
        }

        let mut table_map = self.table_map.write().unwrap();
        // Resolve every name before dropping any, so an error drops nothing.
        let mut keys = Vec::with_capacity(names.len());
        for name in names {
            let tbl = object_name_to_string(name);
            // `DROP TABLE IF EXISTS <tbl>` is a no-op on a missing table;
            // otherwise dropping a table that doesn't exist is an error.
            match key_ignoring_case(&table_map, &tbl)?.cloned() {
                Some(key) => keys.push(key),
                None if if_exists => {},
                None => polars_bail!(SQLInterface: "table '{}' does not exist", tbl),
            }
        }
        for key in keys {
            table_map.remove(&key);
        }
        Ok(DataFrame::empty().lazy())
    }

    /// The catalog table a `DROP TABLE` targets, with its name as written. A registered table
    /// of that name comes first, as in a read.
    fn catalog_drop_target(
        &self,
        names: &[ObjectName],
        purge: bool,
    ) -> PolarsResult<Option<(String, CatalogTable)>> {
        let mut target = None;
        for name in names {
            // Only names that resolve are checked against registered tables, so other names
            // keep their errors in order.
            let Some(table) = name_parts(name).and_then(|parts| self.catalogs.resolve(&parts))
            else {
                continue;
            };
            let tbl = object_name_to_string(name);
            if self.registered_table_key(&tbl)?.is_some() {
                continue;
            }
            polars_ensure!(
                names.len() == 1,
                SQLInterface: "DROP TABLE of catalog table '{}' ('{}') takes one table name",
                tbl, display_name(&table.full_name())
            );
            target = Some((tbl, table));
        }
        polars_ensure!(
            !purge || target.is_some(),
            SQLInterface: "`DROP ... PURGE` only applies to catalog tables"
        );
        Ok(target)
    }

    // DELETE FROM <tbl> [WHERE ...]
    fn execute_delete_from_table(&mut self, stmt: &Statement) -> PolarsResult<LazyFrame> {
        if let Statement::Delete(Delete {
            tables,
            from,
            using,
            selection,
            returning,
            order_by,
            limit,
            delete_token: _,
            optimizer_hints: _,
            output: _,
        }) = stmt
        {
            let error_message: Option<&'static str> = if !tables.is_empty() {
                Some("DELETE expects exactly one table name")
            } else if using.is_some() {
                Some("DELETE does not support the USING clause")
            } else if returning.is_some() {
                Some("DELETE does not support the RETURNING clause")
            } else if limit.is_some() {
                Some("DELETE does not support the LIMIT clause")
            } else if !order_by.is_empty() {
                Some("DELETE does not support the ORDER BY clause")
            } else {
                None
            };

            if let Some(msg) = error_message {
                polars_bail!(SQLInterface: msg);
            }

            let from_tables = match &from {
                FromTable::WithFromKeyword(from) => from,
                FromTable::WithoutKeyword(from) => from,
            };
            if from_tables.len() > 1 {
                polars_bail!(SQLInterface: "cannot have multiple tables in DELETE FROM (found {})", from_tables.len())
            }
            let tbl_expr = from_tables.first().unwrap();
            if !tbl_expr.joins.is_empty() {
                polars_bail!(SQLInterface: "DELETE does not support table JOINs")
            }
            self.set_active_relations(from_tables);
            if let TableFactor::Table { name, .. } = &tbl_expr.relation {
                self.ensure_not_catalog_table(name, "DELETE", true, false)?;
            }
            let (_, lf) = self.get_table(&tbl_expr.relation)?;
            if selection.is_none() {
                // no WHERE clause; equivalent to TRUNCATE (drop all rows)
                Ok(lf.clear())
            } else {
                // apply constraint as inverted filter (drops rows matching the selection)
                Ok(self.process_where(
                    lf.clone(),
                    selection.as_ref(),
                    FilterMode::RemoveTrue,
                    None,
                )?)
            }
        } else {
            polars_bail!(SQLInterface: "unexpected statement type; expected DELETE")
        }
    }

    // TRUNCATE <tbl>
    fn execute_truncate_table(&mut self, stmt: &Statement) -> PolarsResult<LazyFrame> {
        if let Statement::Truncate(Truncate {
            table_names,
            partitions,
            table: _, // whether the `TABLE` keyword was present: cosmetic
            if_exists,
            identity,
            cascade,
            on_cluster,
        }) = stmt
        {
            polars_ensure!(identity.is_none(), SQLInterface: "`TRUNCATE ... RESTART/CONTINUE IDENTITY` is not supported");
            polars_ensure!(cascade.is_none(), SQLInterface: "`TRUNCATE ... CASCADE/RESTRICT` is not supported");
            polars_ensure!(on_cluster.is_none(), SQLInterface: "`TRUNCATE ... ON CLUSTER` is not supported");

            match partitions {
                None => {
                    if table_names.len() != 1 {
                        polars_bail!(SQLInterface: "TRUNCATE expects exactly one table name; found {}", table_names.len())
                    }
                    self.ensure_not_catalog_table(
                        &table_names[0].name,
                        "TRUNCATE",
                        true,
                        *if_exists,
                    )?;
                    let tbl = object_name_to_string(&table_names[0].name);
                    let mut table_map = self.table_map.write().unwrap();
                    match key_ignoring_case(&table_map, &tbl)?.cloned() {
                        Some(key) => {
                            let lf = table_map.get_mut(&key).unwrap();
                            *lf = lf.clone().clear();
                            Ok(lf.clone())
                        },
                        // `TRUNCATE TABLE IF EXISTS <tbl>` is a no-op on a missing table.
                        None if *if_exists => Ok(DataFrame::empty().lazy()),
                        None => polars_bail!(SQLInterface: "table '{}' does not exist", tbl),
                    }
                },
                _ => {
                    polars_bail!(SQLInterface: "TRUNCATE does not support use of 'partitions'")
                },
            }
        } else {
            polars_bail!(SQLInterface: "unexpected statement type; expected TRUNCATE")
        }
    }

    fn register_cte(&mut self, name: &str, lf: LazyFrame) {
        // Lookups ignore case, so a new name must replace an outer one that differs only in case.
        self.cte_map
            .retain(|key, _| !key.eq_ignore_ascii_case(name));
        self.cte_map.insert(name.to_owned(), lf);
    }

    fn register_ctes(&mut self, query: &Query) -> PolarsResult<()> {
        if let Some(with) = &query.with {
            let (order, reads_itself) = if with.recursive {
                recursive_cte_order(with)?
            } else {
                let n = with.cte_tables.len();
                ((0..n).collect(), vec![false; n])
            };
            let mut reference_counts = PlHashMap::<String, usize>::new();
            let mut collector = TableIdentifierCollector::default();
            let _ = dyn_visit::visit(query, &mut collector);
            for name in collector.tables {
                *reference_counts.entry(name).or_insert(0) += 1;
            }
            // The step of a recursive CTE reads the working table, not the CTE itself.
            for (cte, _) in with
                .cte_tables
                .iter()
                .zip(&reads_itself)
                .filter(|(_, r)| **r)
            {
                let name = &cte.alias.name.value;
                let mut collector = TableIdentifierCollector::default();
                let _ = dyn_visit::visit(&*cte.query, &mut collector);
                let n_self = collector.tables.iter().filter(|t| *t == name).count();
                if let Some(count) = reference_counts.get_mut(name) {
                    *count = count.saturating_sub(n_self);
                }
            }

            for idx in order {
                let cte = &with.cte_tables[idx];
                let cte_name = cte.alias.name.value.clone();
                let mut lf = if reads_itself[idx] {
                    self.execute_recursive_cte(cte)?
                } else {
                    // Note: isolate CTE execution to prevent context state leakage
                    let lf = self.execute_isolated(|ctx| ctx.execute_query(&cte.query))?;
                    self.rename_columns_from_table_alias(lf, &cte.alias)?
                };
                if reference_counts.get(&cte_name).copied().unwrap_or(0) > 1 {
                    lf = lf.cache();
                }
                self.register_cte(&cte_name, lf);
            }
        }
        Ok(())
    }

    /// Plans a CTE that reads itself: `anchor UNION ALL step`, where only `step` reads the CTE.
    /// The step reads the rows of the round before.
    fn execute_recursive_cte(&mut self, cte: &Cte) -> PolarsResult<LazyFrame> {
        let name = &cte.alias.name.value;
        let query = &cte.query;
        let SetExpr::SetOperation {
            op: SetOperator::Union,
            set_quantifier,
            left,
            right,
        } = &*query.body
        else {
            polars_bail!(
                SQLInterface: "recursive CTE '{}' must have the form `anchor UNION ALL step`", name
            )
        };
        polars_ensure!(
            matches!(set_quantifier, SetQuantifier::All),
            SQLInterface: "recursive CTE '{}' only supports UNION ALL", name
        );
        polars_ensure!(
            query.with.is_none()
                && query.order_by.is_none()
                && query.limit_clause.is_none()
                && query.fetch.is_none(),
            SQLInterface: "recursive CTE '{}' does not support WITH, ORDER BY, LIMIT or FETCH around its UNION ALL", name
        );
        let term_query = |body: &SetExpr| Query {
            body: Box::new(body.clone()),
            ..query.as_ref().clone()
        };
        let anchor_query = term_query(left);
        let step_query = term_query(right);
        polars_ensure!(
            referenced_ctes(&anchor_query, std::slice::from_ref(name)).is_empty(),
            SQLInterface: "the anchor of recursive CTE '{}' may not read '{}'", name, name
        );

        let anchor = self.execute_isolated(|ctx| ctx.execute_query(&anchor_query))?;
        let mut anchor = self.rename_columns_from_table_alias(anchor, &cte.alias)?;
        let mut schema = self.get_frame_schema(&mut anchor)?;

        // The step runs once per round, so a CTE it reads is cached to compute it only once.
        let mut collector = TableIdentifierCollector::default();
        let _ = dyn_visit::visit(&step_query, &mut collector);
        for (cte_name, lf) in self.cte_map.iter_mut() {
            let read_by_step = collector
                .tables
                .iter()
                .any(|t| t.eq_ignore_ascii_case(cte_name) && !t.eq_ignore_ascii_case(name));
            if read_by_step && !matches!(lf.logical_plan, DslPlan::Cache { .. }) {
                *lf = lf.clone().cache();
            }
        }
        let known_caches = self.cache_ids();
        let id = UniqueId::new();
        // A column with a NULL anchor takes the type of the step. Each pass can type one more
        // column, as a column may get its type from another column of the round before.
        let mut step;
        let mut passes = 0;
        loop {
            self.register_cte(
                name,
                DslPlan::WorkingTable {
                    id,
                    schema: schema.clone(),
                }
                .into(),
            );
            step = self.execute_isolated(|ctx| ctx.execute_query(&step_query))?;
            let step_schema = self.get_frame_schema(&mut step)?;
            polars_ensure!(
                step_schema.len() == schema.len(),
                SQLInterface: "the anchor and the step of recursive CTE '{}' have a different number of columns ({} and {})",
                name, schema.len(), step_schema.len()
            );
            let typed_schema: Schema = schema
                .iter()
                .zip(step_schema.iter_values())
                .map(|((col_name, dtype), step_dtype)| {
                    let dtype = if dtype.is_null() { step_dtype } else { dtype };
                    (col_name.clone(), dtype.clone())
                })
                .collect();
            passes += 1;
            if typed_schema == *schema || passes > schema.len() {
                break;
            }
            schema = Arc::new(typed_schema);
        }

        let cast_to_schema = |lf: LazyFrame, lf_schema: &Schema| {
            let exprs: Vec<Expr> = lf_schema
                .iter()
                .zip(schema.iter())
                .map(|((lf_name, lf_dtype), (col_name, dtype))| {
                    let e = col(lf_name.clone());
                    let e = if lf_dtype == dtype {
                        e
                    } else {
                        e.strict_cast(dtype.clone())
                    };
                    e.alias(col_name.clone())
                })
                .collect();
            lf.select(exprs)
        };
        let anchor_schema = self.get_frame_schema(&mut anchor)?;
        let anchor = cast_to_schema(anchor, &anchor_schema);
        let step_schema = self.get_frame_schema(&mut step)?;
        let step = cast_to_schema(step, &step_schema);

        let round_local_caches: Arc<[UniqueId]> = (&step.logical_plan)
            .into_iter()
            .filter_map(|plan| match plan {
                DslPlan::Cache { id, .. } if !known_caches.contains(id) => Some(*id),
                _ => None,
            })
            .collect::<PlIndexSet<_>>()
            .into_iter()
            .collect();

        Ok(DslPlan::Recursive {
            anchor: Arc::new(anchor.logical_plan),
            step: Arc::new(step.logical_plan),
            id,
            round_local_caches,
        }
        .into())
    }

    /// The ids of the caches in the registered tables, catalog tables and CTEs.
    fn cache_ids(&self) -> PlHashSet<UniqueId> {
        let table_map = self.table_map.read().unwrap();
        table_map
            .values()
            .chain(self.catalog_tables.values())
            .chain(self.cte_map.values())
            .flat_map(|lf| &lf.logical_plan)
            .filter_map(|plan| match plan {
                DslPlan::Cache { id, .. } => Some(*id),
                _ => None,
            })
            .collect()
    }

    fn register_named_windows(
        &mut self,
        named_windows: &[NamedWindowDefinition],
    ) -> PolarsResult<()> {
        for NamedWindowDefinition(name, expr) in named_windows {
            let spec = match expr {
                NamedWindowExpr::NamedWindow(ref_name) => self
                    .named_windows
                    .get(&ref_name.value)
                    .ok_or_else(|| {
                        polars_err!(
                            SQLInterface:
                            "named window '{}' references undefined window '{}'",
                            name.value, ref_name.value
                        )
                    })?
                    .clone(),
                NamedWindowExpr::WindowSpec(spec) => self.resolve_window_spec(spec)?,
            };
            self.named_windows.insert(name.value.clone(), spec);
        }
        Ok(())
    }

    /// The window of an `OVER` clause, with any named window filled in.
    pub(crate) fn resolve_window(&self, window: &WindowType) -> PolarsResult<WindowSpec> {
        match window {
            WindowType::NamedWindow(name) => self.named_window(name),
            WindowType::WindowSpec(spec) => self.resolve_window_spec(spec),
        }
    }

    fn named_window(&self, name: &Ident) -> PolarsResult<WindowSpec> {
        self.named_windows
            .get(&name.value)
            .cloned()
            .ok_or_else(|| polars_err!(SQLInterface: "named window '{}' was not found", name.value))
    }

    /// `(w ORDER BY x)` takes the PARTITION BY of `w`, and its ORDER BY if it has one.
    /// As in PostgreSQL, it may not replace either of them, and `w` may not have a frame.
    fn resolve_window_spec(&self, spec: &WindowSpec) -> PolarsResult<WindowSpec> {
        let Some(base_name) = &spec.window_name else {
            return Ok(spec.clone());
        };
        let base = self.named_window(base_name)?;
        polars_ensure!(
            spec.partition_by.is_empty(),
            SQLSyntax: "cannot override PARTITION BY of window '{}'", base_name.value
        );
        polars_ensure!(
            spec.order_by.is_empty() || base.order_by.is_empty(),
            SQLSyntax: "cannot override ORDER BY of window '{}'", base_name.value
        );
        polars_ensure!(
            base.window_frame.is_none(),
            SQLSyntax: "cannot copy window '{}' because it has a frame clause", base_name.value
        );
        Ok(WindowSpec {
            window_name: None,
            partition_by: base.partition_by,
            order_by: if spec.order_by.is_empty() {
                base.order_by
            } else {
                spec.order_by.clone()
            },
            window_frame: spec.window_frame.clone(),
        })
    }

    /// execute the 'FROM' part of the query
    pub(crate) fn execute_from_statement(
        &mut self,
        tbl_expr: &TableWithJoins,
    ) -> PolarsResult<LazyFrame> {
        // Joins narrow the scope for their conditions; the caller's scope is restored after.
        let scope = self.active_relations.clone();
        let lf = self.execute_joins(tbl_expr);
        self.active_relations = scope;
        lf
    }

    fn execute_joins(&mut self, tbl_expr: &TableWithJoins) -> PolarsResult<LazyFrame> {
        let (l_name, mut lf) = self.get_table(&tbl_expr.relation)?;
        let relation_keys = |names: Vec<RelationName>| -> Vec<String> {
            names.iter().map(RelationName::key).collect()
        };
        // The factors whose columns the joins so far return.
        let mut kept = vec![&tbl_expr.relation];
        if !tbl_expr.joins.is_empty() {
            for join in &tbl_expr.joins {
                // A join condition only sees the relations joined so far.
                self.active_relations = factor_relations(
                    kept.iter().copied().chain(std::iter::once(&join.relation)),
                    &self.catalog_spellings,
                );
                let left_relations = relation_keys(factor_relations(
                    kept.iter().copied(),
                    &self.catalog_spellings,
                ));
                let right_relations = relation_keys(factor_relations(
                    std::iter::once(&join.relation),
                    &self.catalog_spellings,
                ));
                let (keep_left, keep_right) = join_keeps_inputs(&join.join_operator);
                if !keep_left {
                    kept.clear();
                }
                if keep_right {
                    kept.push(&join.relation);
                }
                // Handle "CROSS JOIN UNNEST(col)" as a lateral join op
                if let (
                    JoinOperator::CrossJoin(JoinConstraint::None),
                    TableFactor::UNNEST {
                        alias,
                        array_exprs,
                        with_offset,
                        ..
                    },
                ) = (&join.join_operator, &join.relation)
                {
                    if array_exprs.iter().any(|e| !matches!(e, SQLExpr::Array(_))) {
                        lf = self.process_unnest_lateral(lf, alias, array_exprs, *with_offset)?;
                        continue;
                    }
                }

                let (r_name, mut rf) = self.get_table(&join.relation)?;
                if r_name.is_empty() {
                    // Require non-empty to avoid duplicate column errors from nested self-joins.
                    polars_bail!(
                        SQLInterface:
                        "cannot JOIN on unnamed relation; please provide an alias"
                    )
                }
                let left_schema = self.get_frame_schema(&mut lf)?;
                let right_schema = self.get_frame_schema(&mut rf)?;

                lf = match &join.join_operator {
                    op @ (JoinOperator::Join(constraint)  // note: bare "join" is inner
                    | JoinOperator::FullOuter(constraint)
                    | JoinOperator::Left(constraint)
                    | JoinOperator::LeftOuter(constraint)
                    | JoinOperator::Right(constraint)
                    | JoinOperator::RightOuter(constraint)
                    | JoinOperator::Inner(constraint)
                    | JoinOperator::Anti(constraint)
                    | JoinOperator::Semi(constraint)
                    | JoinOperator::LeftAnti(constraint)
                    | JoinOperator::LeftSemi(constraint)
                    | JoinOperator::RightAnti(constraint)
                    | JoinOperator::RightSemi(constraint)) => {
                        let keep_right = matches!(
                            op,
                            JoinOperator::RightAnti(_) | JoinOperator::RightSemi(_)
                        );
                        self.process_join(
                            &TableInfo {
                                frame: lf,
                                name: (&l_name).into(),
                                schema: left_schema.clone(),
                                relations: left_relations,
                            },
                            &TableInfo {
                                frame: rf,
                                name: (&r_name).into(),
                                schema: right_schema.clone(),
                                relations: right_relations,
                            },
                            constraint,
                            match op {
                                JoinOperator::Join(_) | JoinOperator::Inner(_) => JoinType::Inner,
                                JoinOperator::Left(_) | JoinOperator::LeftOuter(_) => {
                                    JoinType::Left
                                },
                                JoinOperator::Right(_) | JoinOperator::RightOuter(_) => {
                                    JoinType::Right
                                },
                                JoinOperator::FullOuter(_) => JoinType::Full,
                                #[cfg(feature = "semi_anti_join")]
                                JoinOperator::Anti(_)
                                | JoinOperator::LeftAnti(_)
                                | JoinOperator::RightAnti(_) => JoinType::Anti,
                                #[cfg(feature = "semi_anti_join")]
                                JoinOperator::Semi(_)
                                | JoinOperator::LeftSemi(_)
                                | JoinOperator::RightSemi(_) => JoinType::Semi,
                                join_type => polars_bail!(
                                    SQLInterface:
                                    "join type '{:?}' not currently supported",
                                    join_type
                                ),
                            },
                            keep_right,
                        )?
                    },
                    #[cfg(feature = "asof_join")]
                    JoinOperator::AsOf {
                        match_condition,
                        constraint,
                    } => self.process_asof_join(
                        &TableInfo {
                            frame: lf,
                            name: (&l_name).into(),
                            schema: left_schema.clone(),
                            relations: left_relations,
                        },
                        &TableInfo {
                            frame: rf,
                            name: (&r_name).into(),
                            schema: right_schema.clone(),
                            relations: right_relations,
                        },
                        match_condition,
                        constraint,
                    )?,
                    JoinOperator::CrossJoin(JoinConstraint::None) => {
                        lf.cross_join(rf, Some(format_pl_smallstr!(":{}", r_name)))
                    },
                    JoinOperator::CrossJoin(constraint) => {
                        polars_bail!(
                            SQLInterface:
                            "CROSS JOIN does not support {:?} constraint; consider INNER JOIN instead",
                            constraint
                        )
                    },
                    join_type => {
                        polars_bail!(SQLInterface: "join type '{:?}' not currently supported", join_type)
                    },
                };

                let joined_schema = self.get_frame_schema(&mut lf)?;
                self.record_joined_aliases(
                    &r_name,
                    &[],
                    &left_schema,
                    &right_schema,
                    &joined_schema,
                )?;
            }
        };
        Ok(lf)
    }

    /// Check that the SELECT statement only contains supported clauses.
    fn validate_select(&self, select_stmt: &Select) -> PolarsResult<()> {
        // Destructure "Select" exhaustively; that way if/when new fields are added in
        // future sqlparser versions, we'll get a compilation error and can handle them
        let Select {
            // Supported clauses
            distinct: _,
            from: _,
            group_by: _,
            having: _,
            named_window: _,
            projection: _,
            qualify: _,
            selection: _,

            // Metadata/token fields (can ignore)
            flavor: _,
            select_token: _,
            top_before_distinct: _,
            window_before_qualify: _,

            // Unsupported clauses
            ref cluster_by,
            ref connect_by,
            ref distribute_by,
            ref exclude,
            ref into,
            ref lateral_views,
            ref optimizer_hints,
            ref prewhere,
            ref select_modifiers,
            ref sort_by,
            ref top,
            ref value_table_mode,
        } = *select_stmt;

        // Raise specific error messages for unsupported attributes
        polars_ensure!(cluster_by.is_empty(), SQLInterface: "`CLUSTER BY` clause is not supported");
        polars_ensure!(connect_by.is_empty(), SQLInterface: "`CONNECT BY` clause is not supported");
        polars_ensure!(distribute_by.is_empty(), SQLInterface: "`DISTRIBUTE BY` clause is not supported");
        polars_ensure!(exclude.is_none(), SQLInterface: "`EXCLUDE` clause is not supported");
        polars_ensure!(into.is_none(), SQLInterface: "`SELECT INTO` clause is not supported");
        polars_ensure!(lateral_views.is_empty(), SQLInterface: "`LATERAL VIEW` clause is not supported");
        polars_ensure!(optimizer_hints.is_empty(), SQLInterface: "optimizer hints are not supported");
        polars_ensure!(prewhere.is_none(), SQLInterface: "`PREWHERE` clause is not supported");
        polars_ensure!(select_modifiers.is_none(), SQLInterface: "`SELECT` modifiers are not supported");
        polars_ensure!(sort_by.is_empty(), SQLInterface: "`SORT BY` clause is not supported; use `ORDER BY` instead");
        polars_ensure!(top.is_none(), SQLInterface: "`TOP` clause is not supported; use `LIMIT` instead");
        polars_ensure!(value_table_mode.is_none(), SQLInterface: "`SELECT AS VALUE/STRUCT` is not supported");

        Ok(())
    }

    /// Raise specific errors for any unsupported clauses on a plain table relation.
    fn validate_table_factor(&self, factor: &TableFactor) -> PolarsResult<()> {
        // Destructure exhaustively; that way if/when new fields are added in future
        // sqlparser versions, we'll get a compilation error and can handle them
        let TableFactor::Table {
            // Supported/handled in `get_table`
            name: _,
            alias: _,
            args: _,

            // Unsupported dialect-specific modifiers
            ref index_hints,
            ref json_path,
            ref partitions,
            ref sample,
            ref version,
            ref with_hints,
            with_ordinality,
        } = *factor
        else {
            return Ok(());
        };

        polars_ensure!(!with_ordinality, SQLInterface: "`WITH ORDINALITY` is not supported");
        polars_ensure!(index_hints.is_empty(), SQLInterface: "table index hints are not supported");
        polars_ensure!(json_path.is_none(), SQLInterface: "table JSON path access is not supported");
        polars_ensure!(partitions.is_empty(), SQLInterface: "table `PARTITION` selection is not supported");
        polars_ensure!(sample.is_none(), SQLInterface: "table `SAMPLE` clause is not supported");
        polars_ensure!(version.is_none(), SQLInterface: "table version (time-travel) qualifiers are not supported");
        polars_ensure!(with_hints.is_empty(), SQLInterface: "table `WITH (...)` hints are not supported");

        Ok(())
    }

    /// Check that a CREATE TABLE statement only carries supported clauses. A catalog table also
    /// takes `LOCATION` and `WITH (...)`, which `create_table_options` checks.
    fn validate_create_table(
        &self,
        create_table: &CreateTable,
        for_catalog: bool,
    ) -> PolarsResult<()> {
        // Destructure exhaustively; that way if/when new fields are added in future
        // sqlparser versions, we'll get a compilation error and can handle them
        let CreateTable {
            // Supported/handled in `execute_create_table`
            name: _,
            columns: _,
            query: _,
            like: _,
            ref if_not_exists,
            ref or_replace,
            ref temporary,

            // Unsupported `CREATE [...] TABLE` modifiers
            ref copy_grants,
            ref dynamic,
            ref external,
            ref global,
            ref iceberg,
            ref require_user,
            ref snapshot,
            ref strict,
            ref transient,
            ref volatile,
            ref without_rowid,

            // Unsupported table definition / storage clauses
            ref backup,
            ref base_location,
            ref catalog,
            ref catalog_sync,
            ref change_tracking,
            ref clone,
            ref cluster_by,
            ref clustered_by,
            ref comment,
            ref constraints,
            ref data_retention_time_in_days,
            ref default_ddl_collation,
            ref distkey,
            ref diststyle,
            ref enable_schema_evolution,
            ref external_volume,
            ref file_format,
            ref for_values,
            ref hive_distribution,
            ref hive_formats,
            ref inherits,
            ref initialize,
            ref location,
            ref max_data_extension_time_in_days,
            ref on_cluster,
            ref on_commit,
            ref order_by,
            ref partition_by,
            ref partition_of,
            ref primary_key,
            ref refresh_mode,
            ref sortkey,
            ref storage_serialization_policy,
            ref table_options,
            ref target_lag,
            ref version,
            ref warehouse,
            ref with_aggregation_policy,
            ref with_row_access_policy,
            ref with_storage_lifecycle_policy,
            ref with_tags,
        } = *create_table;

        polars_ensure!(!copy_grants, SQLInterface: "`COPY GRANTS` is not supported");
        polars_ensure!(!dynamic, SQLInterface: "`CREATE DYNAMIC TABLE` is not supported");
        polars_ensure!(!external, SQLInterface: "`CREATE EXTERNAL TABLE` is not supported");
        polars_ensure!(!iceberg, SQLInterface: "`CREATE ICEBERG TABLE` is not supported");
        polars_ensure!(!*or_replace || *temporary || !for_catalog, SQLInterface: "`CREATE OR REPLACE TABLE` is not supported for catalog tables");
        polars_ensure!(!*or_replace || *temporary, SQLInterface: "`CREATE OR REPLACE TABLE` is not supported");
        polars_ensure!(!(*or_replace && *if_not_exists), SQLInterface: "`OR REPLACE` and `IF NOT EXISTS` cannot be combined");
        polars_ensure!(!require_user, SQLInterface: "`REQUIRE USER` is not supported");
        polars_ensure!(!snapshot, SQLInterface: "`CREATE SNAPSHOT TABLE` is not supported");
        polars_ensure!(!strict, SQLInterface: "`STRICT` tables are not supported");
        polars_ensure!(!transient, SQLInterface: "`CREATE TRANSIENT TABLE` is not supported");
        polars_ensure!(!volatile, SQLInterface: "`CREATE VOLATILE TABLE` is not supported");
        polars_ensure!(!without_rowid, SQLInterface: "`WITHOUT ROWID` is not supported");
        polars_ensure!(backup.is_none(), SQLInterface: "`BACKUP` is not supported");
        polars_ensure!(base_location.is_none(), SQLInterface: "`BASE_LOCATION` is not supported");
        polars_ensure!(catalog.is_none(), SQLInterface: "`CATALOG` is not supported");
        polars_ensure!(catalog_sync.is_none(), SQLInterface: "`CATALOG_SYNC` is not supported");
        polars_ensure!(change_tracking.is_none(), SQLInterface: "`CHANGE_TRACKING` is not supported");
        polars_ensure!(clone.is_none(), SQLInterface: "`CREATE TABLE ... CLONE` is not supported");
        polars_ensure!(cluster_by.is_none(), SQLInterface: "table `CLUSTER BY` clauses are not supported");
        polars_ensure!(clustered_by.is_none(), SQLInterface: "table `CLUSTERED BY` clauses are not supported");
        polars_ensure!(comment.is_none(), SQLInterface: "table `COMMENT` clauses are not supported");
        polars_ensure!(constraints.is_empty() || !for_catalog, SQLInterface: "only NOT NULL constraints are supported for catalog tables");
        polars_ensure!(constraints.is_empty(), SQLInterface: "table constraints are not supported");
        polars_ensure!(data_retention_time_in_days.is_none(), SQLInterface: "`DATA_RETENTION_TIME_IN_DAYS` is not supported");
        polars_ensure!(default_ddl_collation.is_none(), SQLInterface: "`DEFAULT_DDL_COLLATION` is not supported");
        polars_ensure!(distkey.is_none(), SQLInterface: "`DISTKEY` is not supported");
        polars_ensure!(diststyle.is_none(), SQLInterface: "`DISTSTYLE` is not supported");
        polars_ensure!(enable_schema_evolution.is_none(), SQLInterface: "`ENABLE_SCHEMA_EVOLUTION` is not supported");
        polars_ensure!(external_volume.is_none(), SQLInterface: "`EXTERNAL_VOLUME` is not supported");
        polars_ensure!(file_format.is_none(), SQLInterface: "table `STORED AS` clauses are not supported");
        polars_ensure!(for_values.is_none(), SQLInterface: "`FOR VALUES` clauses are not supported");
        polars_ensure!(global.is_none(), SQLInterface: "`CREATE GLOBAL/LOCAL TABLE` is not supported");
        // sqlparser keeps `LOCATION` in the Hive format.
        let hive_format = |f: &HiveFormat| match for_catalog {
            true => HiveFormat {
                location: None,
                ..f.clone()
            },
            false => f.clone(),
        };
        polars_ensure!(hive_formats.as_ref().is_none_or(|f| hive_format(f) == HiveFormat::default()), SQLInterface: "Hive table format clauses are not supported");
        polars_ensure!(inherits.is_none(), SQLInterface: "table `INHERITS` clauses are not supported");
        polars_ensure!(initialize.is_none(), SQLInterface: "`INITIALIZE` is not supported");
        polars_ensure!(location.is_none(), SQLInterface: "table `LOCATION` clauses are not supported");
        let partitioned = matches!(hive_distribution, HiveDistributionStyle::PARTITIONED { .. });
        polars_ensure!(!partitioned || !for_catalog, SQLInterface: "`PARTITIONED BY` is not yet supported for catalog tables; create the table unpartitioned, then add a partition spec with PyIceberg's update_spec");
        polars_ensure!(matches!(hive_distribution, HiveDistributionStyle::NONE), SQLInterface: "Hive table distribution clauses are not supported");
        polars_ensure!(for_catalog || matches!(table_options, CreateTableOptions::None), SQLInterface: "table `WITH`/`OPTIONS` clauses are not supported");
        polars_ensure!(max_data_extension_time_in_days.is_none(), SQLInterface: "`MAX_DATA_EXTENSION_TIME_IN_DAYS` is not supported");
        polars_ensure!(on_cluster.is_none(), SQLInterface: "`ON CLUSTER` clauses are not supported");
        polars_ensure!(on_commit.is_none(), SQLInterface: "`ON COMMIT` clauses are not supported");
        polars_ensure!(order_by.is_none(), SQLInterface: "table `ORDER BY` clauses are not supported");
        polars_ensure!(partition_by.is_none() || !for_catalog, SQLInterface: "`PARTITION BY` is not yet supported for catalog tables; create the table unpartitioned, then add a partition spec with PyIceberg's update_spec");
        polars_ensure!(partition_by.is_none(), SQLInterface: "table `PARTITION BY` clauses are not supported");
        polars_ensure!(partition_of.is_none(), SQLInterface: "`PARTITION OF` clauses are not supported");
        polars_ensure!(primary_key.is_none(), SQLInterface: "inline `PRIMARY KEY` clauses are not supported");
        polars_ensure!(refresh_mode.is_none(), SQLInterface: "`REFRESH_MODE` is not supported");
        polars_ensure!(sortkey.is_none(), SQLInterface: "`SORTKEY` is not supported");
        polars_ensure!(storage_serialization_policy.is_none(), SQLInterface: "`STORAGE_SERIALIZATION_POLICY` is not supported");
        polars_ensure!(target_lag.is_none(), SQLInterface: "`TARGET_LAG` is not supported");
        polars_ensure!(version.is_none(), SQLInterface: "table version (time-travel) qualifiers are not supported");
        polars_ensure!(warehouse.is_none(), SQLInterface: "`WAREHOUSE` is not supported");
        polars_ensure!(with_aggregation_policy.is_none(), SQLInterface: "`WITH AGGREGATION POLICY` is not supported");
        polars_ensure!(with_row_access_policy.is_none(), SQLInterface: "`WITH ROW ACCESS POLICY` is not supported");
        polars_ensure!(with_storage_lifecycle_policy.is_none(), SQLInterface: "`WITH STORAGE LIFECYCLE POLICY` is not supported");
        polars_ensure!(with_tags.is_none(), SQLInterface: "`WITH TAG` is not supported");

        Ok(())
    }

    /// Check that the QUERY only contains supported clauses.
    fn validate_query(&self, query: &Query) -> PolarsResult<()> {
        // As with "Select" validation (above) destructure "Query" exhaustively
        let Query {
            // Supported clauses
            with: _,
            body: _,
            order_by: _,
            limit_clause: _,
            fetch,

            // Unsupported clauses
            for_clause,
            format_clause,
            locks,
            pipe_operators,
            settings,
        } = query;

        // Raise specific error messages for unsupported attributes
        polars_ensure!(for_clause.is_none(), SQLInterface: "`FOR` clause is not supported");
        polars_ensure!(format_clause.is_none(), SQLInterface: "`FORMAT` clause is not supported");
        polars_ensure!(locks.is_empty(), SQLInterface: "`FOR UPDATE/SHARE` locking clause is not supported");
        polars_ensure!(pipe_operators.is_empty(), SQLInterface: "pipe operators are not supported");
        polars_ensure!(settings.is_none(), SQLInterface: "`SETTINGS` clause is not supported");

        // Validate FETCH clause options (if present)
        if let Some(Fetch {
            quantity: _, // supported
            percent,
            with_ties,
        }) = fetch
        {
            polars_ensure!(!percent, SQLInterface: "`FETCH` with `PERCENT` is not supported");
            polars_ensure!(!with_ties, SQLInterface: "`FETCH` with `WITH TIES` is not supported");
        }
        Ok(())
    }

    /// Register a `GROUPING()` call of the current query block, returning the
    /// placeholder column that stands for its value. Repeating a call yields the
    /// same placeholder, so every clause of the block refers to one column.
    pub(crate) fn register_grouping_call(&mut self, args: Vec<SQLExpr>) -> PlSmallStr {
        let calls = &mut self.group_scope.grouping_calls;
        match calls.iter().find(|c| c.args == args) {
            Some(call) => call.placeholder.clone(),
            None => {
                let placeholder = new_placeholder();
                calls.push(GroupingCall {
                    args,
                    placeholder: placeholder.clone(),
                });
                placeholder
            },
        }
    }

    /// `schema` with the placeholder columns that the parsed expressions of the block can
    /// read: the partition of whole-frame windows, the `GROUPING()` values and the SELECT
    /// aliases of the clause being parsed.
    pub(crate) fn with_placeholder_columns(&self, schema: &Schema) -> Schema {
        let mut schema = schema.clone();
        for (name, dtype) in self.group_scope.alias_types.iter() {
            if !schema.contains(name) {
                schema.with_column(name.clone(), dtype.clone());
            }
        }
        if let Some(partition) = &self.group_scope.whole_frame_partition {
            schema.with_column(partition.clone(), DataType::Int32);
        }
        for call in &self.group_scope.grouping_calls {
            schema.with_column(call.placeholder.clone(), DataType::Int64);
        }
        schema
    }

    /// The type of `expr` over `schema`, or else over `schema` with the placeholder columns
    /// of the block; `None` if it cannot be resolved.
    pub(crate) fn expr_dtype(&self, expr: &Expr, schema: Option<&Schema>) -> Option<DataType> {
        resolve_expr_dtype(expr, schema).or_else(|| {
            let schema = self.with_placeholder_columns(schema?);
            resolve_expr_dtype(expr, Some(&schema))
        })
    }

    /// The partition column of the current block's whole-frame windows.
    pub(crate) fn whole_frame_partition(&mut self) -> PlSmallStr {
        self.group_scope
            .whole_frame_partition
            .get_or_insert_with(|| {
                format_pl_smallstr!("__POLARS_WHOLE_FRAME_{}", unique_column_name())
            })
            .clone()
    }

    /// Lower the whole-frame windows of a block without group keys back to their
    /// bare expression.
    fn resolve_whole_frame_windows(&self, expr: Expr) -> Expr {
        self.map_whole_frame_windows(expr, |function| function.clone())
    }

    /// Replace each whole-frame window in `expr` by `f` of its function.
    fn map_whole_frame_windows(&self, expr: Expr, f: impl Fn(&Expr) -> Expr) -> Expr {
        let Some(partition) = &self.group_scope.whole_frame_partition else {
            return expr;
        };
        expr.map_expr(|e| match &e {
            Expr::Over {
                function,
                partition_by,
                order_by: None,
                ..
            } if matches!(partition_by.as_slice(), [Expr::Column(name)] if name == partition) => {
                f(function)
            },
            _ => e,
        })
    }

    /// Run `f` with the aggregate calls it parses marked (see `GroupScope::mark_aggregates`).
    pub(crate) fn marking_aggregates<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let mark_aggregates = std::mem::replace(&mut self.group_scope.mark_aggregates, true);
        let result = f(self);
        self.group_scope.mark_aggregates = mark_aggregates;
        result
    }

    fn contains_grouping_placeholder(&self, expr: &Expr) -> bool {
        contains_grouping_placeholder(
            expr,
            self.group_scope
                .grouping_calls
                .iter()
                .map(|c| &c.placeholder),
        )
    }

    /// Execute the 'SELECT' part of the query.
    fn execute_select(&mut self, select_stmt: &Select, query: &Query) -> PolarsResult<LazyFrame> {
        let has_group_by = match &select_stmt.group_by {
            GroupByExpr::Expressions(exprs, _) => !exprs.is_empty(),
            GroupByExpr::All(_) => true,
        };
        let scope = GroupScope {
            mark_whole_frame_windows: has_group_by,
            ..Default::default()
        };
        let outer_scope = std::mem::replace(&mut self.group_scope, scope);
        let result = self.execute_select_block(select_stmt, query);
        self.group_scope = outer_scope;
        result
    }

    fn execute_select_block(
        &mut self,
        select_stmt: &Select,
        query: &Query,
    ) -> PolarsResult<LazyFrame> {
        // Check that the statement doesn't contain unsupported SELECT clauses
        self.validate_select(select_stmt)?;

        // Parse named windows first, as they may be referenced in the SELECT clause
        self.register_named_windows(&select_stmt.named_window)?;

        // Get `FROM` table/data
        let mut implicit_join_filter: Option<SQLExpr> = None;
        let mut lf = if select_stmt.from.is_empty() {
            self.active_relations.clear();
            DataFrame::new(1, vec![])?.lazy()
        } else {
            let from = &select_stmt.from;
            let first = from.first().unwrap();
            // Set before the relations are resolved, so a join constraint
            // resolves against them.
            self.active_relations = declared_relations(from, &self.catalog_spellings);
            let mut lf = self.execute_from_statement(first)?;
            if from.len() > 1 {
                implicit_join_filter =
                    self.process_implicit_joins(&mut lf, from, &select_stmt.selection)?;
            }
            lf
        };

        self.set_join_base(&select_stmt.from);
        self.check_select_column_refs(select_stmt)?;

        // Apply `WHERE` constraint (using residual filter for implicit joins)
        let where_expr = if implicit_join_filter.is_some() {
            implicit_join_filter.as_ref()
        } else {
            select_stmt.selection.as_ref()
        };
        let mut schema = self.get_frame_schema(&mut lf)?;

        // Shared by every pass over this frame: WHERE, the projection list and HAVING.
        let mut bindings = SubqueryBindings::new();

        // A correlated scalar subquery is lowered against the frame as it stands, so
        // the conjuncts that don't need it are applied first: the lowering can then
        // restrict its aggregate to the rows that survive them.
        let mut join_tree = None;
        let where_expr: Option<Cow<'_, SQLExpr>> = match where_expr {
            Some(where_expr) if expr_contains_scalar_subquery(where_expr) => {
                let n_grouping_calls = self.group_scope.grouping_calls.len();
                let residual;
                (lf, residual) = self.rewrite_subquery_conjuncts(
                    lf,
                    where_expr,
                    FilterMode::KeepTrue,
                    &schema,
                    RewriteStage::BeforeScalarLowering,
                )?;
                self.reject_grouping_in_where(n_grouping_calls)?;
                join_tree = self.outer_join_tree(select_stmt, where_expr, &residual)?;
                schema = self.get_frame_schema(&mut lf)?;
                combine_conditions(
                    residual.into_iter().cloned().collect(),
                    SQLBinaryOperator::And,
                )
                .map(Cow::Owned)
            },
            other => other.map(Cow::Borrowed),
        };

        // Lower correlated scalar subqueries in the WHERE clause before the filter is
        // parsed, leaving `[NOT] EXISTS` to `process_where`.
        let effective_where = match where_expr.as_deref() {
            Some(where_expr) => {
                let lowered;
                (lf, lowered) = self.lower_correlated_subqueries(
                    lf,
                    &schema,
                    where_expr,
                    LowerScope::ScalarOnly,
                    &mut bindings,
                    join_tree.as_ref(),
                )?;
                if matches!(lowered, Cow::Owned(_)) {
                    schema = self.get_frame_schema(&mut lf)?;
                }
                Some(lowered)
            },
            None => None,
        };

        lf = self.process_where(
            lf,
            effective_where.as_deref(),
            FilterMode::KeepTrue,
            Some(schema.clone()),
        )?;

        // HAVING is parsed further below but lowered here, against the pre-aggregation
        // frame.
        let mut lowered_projection: Option<Vec<SelectItem>> = None;
        let mut lowered_having: Option<Cow<'_, SQLExpr>> = None;
        {
            let mut changed = false;
            for (idx, item) in select_stmt.projection.iter().enumerate() {
                let (SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) = item
                else {
                    continue;
                };
                let lowered;
                (lf, lowered) = self.lower_correlated_subqueries(
                    lf,
                    &schema,
                    e,
                    LowerScope::ScalarAndPredicates,
                    &mut bindings,
                    None,
                )?;
                if let Cow::Owned(lowered) = lowered {
                    changed = true;
                    let items =
                        lowered_projection.get_or_insert_with(|| select_stmt.projection.clone());
                    match &mut items[idx] {
                        SelectItem::UnnamedExpr(slot)
                        | SelectItem::ExprWithAlias { expr: slot, .. } => *slot = lowered,
                        _ => unreachable!("only expression items are lowered"),
                    }
                }
            }
            if let Some(having) = &select_stmt.having {
                let lowered;
                (lf, lowered) = self.lower_correlated_subqueries(
                    lf,
                    &schema,
                    having,
                    LowerScope::ScalarAndPredicates,
                    &mut bindings,
                    None,
                )?;
                changed |= matches!(lowered, Cow::Owned(_));
                lowered_having = Some(lowered);
            }
            if changed {
                schema = self.get_frame_schema(&mut lf)?;
            }
        }
        let projection: &[SelectItem] = lowered_projection
            .as_deref()
            .unwrap_or(&select_stmt.projection);

        if let Some(qualify) = &select_stmt.qualify {
            check_qualify(qualify, &select_stmt.projection)?;
        }

        let mark_whole_frame_windows =
            std::mem::replace(&mut self.group_scope.mark_whole_frame_windows, true);
        let mut projections_with_flags = self.marking_aggregates(|ctx| {
            ctx.column_projections(projection, select_stmt.flavor, &schema)
        })?;
        self.group_scope.mark_whole_frame_windows = mark_whole_frame_windows;
        let mut subquery_names;
        (lf, subquery_names) = self.process_subqueries(
            lf,
            projections_with_flags.iter_mut().map(|(e, _)| e).collect(),
            SubqueryShape::Scalar,
        )?;
        for (expr, _) in projections_with_flags.iter_mut() {
            *expr = broadcast_subqueries_in_inputs(
                expr.clone(),
                &subquery_names,
                &self.group_scope.subqueries_read_per_row,
            );
        }
        schema = self.get_frame_schema(&mut lf)?;

        // Placeholder names are generated per execution, so an unaliased projection
        // named after one gets the name given to any other unnamed scalar expression.
        // Matching on the output name rather than the expression shape also catches
        // projections that merely derive their name from a placeholder.
        if !subquery_names.is_empty() {
            for (expr, is_explicit_alias) in projections_with_flags.iter_mut() {
                if *is_explicit_alias {
                    continue;
                }
                let is_placeholder_name = expr
                    .to_field(&schema)
                    .is_ok_and(|f| subquery_names.contains(&f.name));
                if is_placeholder_name {
                    *expr = expr.clone().alias(PlSmallStr::from_static("literal"));
                }
            }
        }

        // QUALIFY filters on windows over the rows the SELECT list reads, so it is computed
        // with the SELECT list, as a hidden column. It can name SELECT aliases, which read the
        // subqueries of the SELECT list resolved above.
        let qualify_column = format_pl_smallstr!("__POLARS_QUALIFY_{}", unique_column_name());
        let mut qualify = match &select_stmt.qualify {
            Some(qualify) => {
                let projections: Vec<Expr> = projections_with_flags
                    .iter()
                    .map(|(e, _)| e.clone())
                    .collect();
                let output_names = OutputNames::new(
                    &projections,
                    &schema,
                    &self.with_placeholder_columns(&schema),
                );
                let output_schema = output_names.extend_schema(&schema);
                let mark_whole_frame_windows =
                    std::mem::replace(&mut self.group_scope.mark_whole_frame_windows, true);
                let parsed = self
                    .marking_aggregates(|ctx| parse_sql_expr(qualify, ctx, Some(&output_schema)));
                self.group_scope.mark_whole_frame_windows = mark_whole_frame_windows;
                let mut qualify = output_names.resolve(parsed?);
                if qualify.clone().meta().has_multiple_outputs() {
                    qualify = all_horizontal([qualify])?;
                }
                let qualify_subquery_names;
                (lf, qualify_subquery_names) =
                    self.process_subqueries(lf, vec![&mut qualify], SubqueryShape::Scalar)?;
                if !qualify_subquery_names.is_empty() {
                    subquery_names.extend(qualify_subquery_names);
                    schema = self.get_frame_schema(&mut lf)?;
                }
                let qualify = broadcast_subqueries_in_inputs(
                    qualify,
                    &subquery_names,
                    &self.group_scope.subqueries_read_per_row,
                );
                Some(qualify.alias(qualify_column.clone()))
            },
            None => None,
        };

        let (mut projections, mut explicit_aliases): (Vec<Expr>, Vec<bool>) =
            projections_with_flags.into_iter().unzip();

        // Apply `UNNEST` expressions
        let mut explode_names = Vec::new();
        let mut explode_exprs = Vec::new();
        let mut explode_lookup = PlHashMap::new();

        for expr in &projections {
            for e in expr {
                if let Expr::Explode { input, .. } = e {
                    match input.as_ref() {
                        Expr::Column(name) => explode_names.push(name.clone()),
                        other_expr => {
                            // Note: skip aggregate expressions; those are handled in the GROUP BY phase
                            if !has_expr(other_expr, |e| matches!(e, Expr::Agg(_) | Expr::Len)) {
                                let temp_name =
                                    format_pl_smallstr!("__POLARS_UNNEST_{}", explode_exprs.len());
                                explode_exprs.push(other_expr.clone().alias(temp_name.as_str()));
                                explode_lookup.insert(other_expr.clone(), temp_name.clone());
                                explode_names.push(temp_name);
                            }
                        },
                    }
                }
            }
        }
        if !explode_names.is_empty() {
            if !explode_exprs.is_empty() {
                lf = lf.with_columns(explode_exprs);
            }
            lf = lf.explode(
                Selector::ByName {
                    names: Arc::from(explode_names),
                    strict: true,
                },
                ExplodeOptions {
                    empty_as_null: true,
                    keep_nulls: true,
                },
            );
            projections = projections
                .into_iter()
                .map(|p| {
                    // Update "projections" with column refs to the now-exploded expressions
                    p.map_expr(|e| match e {
                        Expr::Explode { input, .. } => explode_lookup
                            .get(input.as_ref())
                            .map(|name| Expr::Column(name.clone()))
                            .unwrap_or_else(|| input.as_ref().clone()),
                        _ => e,
                    })
                })
                .collect();

            schema = self.get_frame_schema(&mut lf)?;
        }

        // Check for "GROUP BY ..." (after determining projections)
        let mut group_by_keys: Vec<Expr> = Vec::new();
        let mut grouping_sets: Option<Vec<Vec<usize>>> = None;
        match &select_stmt.group_by {
            // Standard "GROUP BY x, y, z" syntax (also recognising ordinal values)
            GroupByExpr::Expressions(group_by_exprs, modifiers) => {
                if !modifiers.is_empty() {
                    polars_bail!(SQLInterface: "GROUP BY does not support CUBE, ROLLUP, or TOTALS modifiers")
                }
                let expanded = expand_grouping_sets(group_by_exprs)?;
                let key_exprs: &[SQLExpr] = expanded
                    .as_ref()
                    .map_or(group_by_exprs, |expanded| &expanded.keys);
                // Translate the group expressions, resolving ordinal values and SELECT aliases
                group_by_keys = key_exprs
                    .iter()
                    .map(|e| self.resolve_group_by_key(e, &projections, &schema, true))
                    .collect::<PolarsResult<_>>()?;
                if let Some(expanded) = expanded {
                    let (keys, sets) = canonicalize_keys(group_by_keys, expanded.sets);
                    group_by_keys = keys;
                    grouping_sets = Some(sets);
                }
            },
            // "GROUP BY ALL" syntax; automatically adds expressions that do not contain
            // nested agg/window funcs to the group key (also ignores literals).
            GroupByExpr::All(modifiers) => {
                if !modifiers.is_empty() {
                    polars_bail!(SQLInterface: "GROUP BY does not support CUBE, ROLLUP, or TOTALS modifiers")
                }
                projections.iter().for_each(|expr| match expr {
                    // immediately match the most common cases (col|agg|len|lit, optionally aliased).
                    Expr::Agg(_) | Expr::Len | Expr::Literal(_) => (),
                    _ if self.contains_grouping_placeholder(expr) => (),
                    Expr::Column(_) => group_by_keys.push(expr.clone()),
                    Expr::Alias(e, _)
                        if matches!(&**e, Expr::Agg(_) | Expr::Len | Expr::Literal(_)) => {},
                    Expr::Alias(e, _) if matches!(&**e, Expr::Column(_)) => {
                        if let Expr::Column(name) = &**e {
                            group_by_keys.push(col(name.clone()));
                        }
                    },
                    _ => {
                        // If not quick-matched, add if no nested agg/window expressions
                        if !has_expr(expr, |e| {
                            is_marked_aggregate(e)
                                || matches!(e, Expr::Agg(_))
                                || matches!(e, Expr::Len)
                                || matches!(e, Expr::Over { .. })
                                || {
                                    #[cfg(feature = "dynamic_group_by")]
                                    {
                                        matches!(e, Expr::Rolling { .. })
                                    }
                                    #[cfg(not(feature = "dynamic_group_by"))]
                                    {
                                        false
                                    }
                                }
                        }) {
                            group_by_keys.push(expr.clone())
                        }
                    },
                });
            },
        };
        for e in &group_by_keys {
            reject_unresolved_subquery(e, "GROUP BY")?;
            polars_ensure!(
                !self.contains_grouping_placeholder(e),
                SQLSyntax: "GROUPING() is not allowed in the GROUP BY clause"
            );
        }
        if grouping_sets.is_none() {
            let mut seen: Vec<Expr> = Vec::with_capacity(group_by_keys.len());
            group_by_keys.retain(|key| {
                let stripped = strip_outer_alias(key);
                let is_new = !seen.contains(&stripped);
                if is_new {
                    seen.push(stripped);
                }
                is_new
            });
        }

        let has_group_by = !group_by_keys.is_empty() || grouping_sets.is_some();
        if !has_group_by {
            polars_ensure!(
                self.group_scope.grouping_calls.is_empty(),
                SQLSyntax: "GROUPING() requires a GROUP BY clause"
            );
        }
        // Without GROUP BY, a block with aggregates or HAVING is one group, and its windows
        // and the subqueries outside its aggregates run on that one row.
        let all_projections = projections
            .iter()
            .chain(&qualify)
            .cloned()
            .collect::<Vec<_>>();
        lf = if !has_group_by
            && lowered_having.is_none()
            && !has_windows_over_aggregates(&all_projections)
            && !has_subquery_outside_aggregates(&all_projections, &subquery_names)
        {
            // `GROUP BY ALL` may infer no keys; nothing here runs in a group context.
            self.group_scope.mark_whole_frame_windows = false;
            projections = all_projections;
            explicit_aliases.extend(qualify.is_some().then_some(true));
            // Aggregates are marked only until the projections are resolved below.
            check_columns_in_aggregates(&projections, &subquery_names)?;

            // Initialize containing InheritsContext to handle empty projection case.
            let mut projection_heights = ExprSqlProjectionHeightBehavior::InheritsContext;
            for p in &projections {
                // A window over the whole frame has one value per row, so for the output
                // height it counts like a literal.
                let height_expr = self.map_whole_frame_windows(p.clone(), |_| lit(1));
                projection_heights |= ExprSqlProjectionHeightBehavior::identify_from_expr(
                    &without_resolved_subqueries(&height_expr, &subquery_names),
                );
            }
            projections = projections
                .into_iter()
                .map(|e| strip_aggregate_marks(self.resolve_whole_frame_windows(e)))
                .collect();

            // Disambiguate SELECT-list output-name collisions.
            projections = disambiguate_output_names(
                projections.into_iter().zip(explicit_aliases).collect(),
                &schema,
            )?;

            let have_order_by = query.order_by.is_some();

            // Note: if there is an 'order by' then we project everything (original cols
            // and new projections) and *then* select the final cols by name. If there's no
            // 'order by', clause then we can project the final column *expressions* directly.
            let mut final_cols = Vec::with_capacity(projections.len());
            let mut final_names = Vec::with_capacity(projections.len());
            for p in &projections {
                let name = p.to_field(schema.deref())?.name;
                final_cols.push(if have_order_by {
                    col(name.clone())
                } else {
                    p.clone()
                });
                final_names.push(col(name));
            }

            // Establish the final projection
            if have_order_by {
                if select_stmt.from.is_empty() {
                    lf = lf.select(projections);
                } else if projection_heights
                    .contains(ExprSqlProjectionHeightBehavior::MaintainsColumn)
                    || projection_heights == ExprSqlProjectionHeightBehavior::InheritsContext
                {
                    // We can safely use `with_columns()` and avoid a join if:
                    // * There is already a projection that projects to the table height.
                    // * All projection heights inherit from context (e.g. all scalar literals that
                    //   are to be broadcasted to table height).
                    lf = lf.with_columns(projections)
                } else {
                    // We hit this branch if the output height is not guaranteed to match the table
                    // height. E.g.:
                    //
                    // * SELECT COUNT(*) FROM df ORDER BY sort_key;
                    //
                    // For these cases we truncate / extend the sorting columns with NULLs to match
                    // the output height. We do this by projecting independently and then joining
                    // back the original frame on the row index.
                    const NAME: PlSmallStr = PlSmallStr::from_static("__PL_INDEX");
                    // The row index pairs the two sides, so both must read one
                    // materialisation of the frame.
                    let cached = lf.cache();
                    lf = cached
                        .clone()
                        .select(projections)
                        .with_row_index(NAME, None)
                        .join(
                            cached.with_row_index(NAME, None),
                            [col(NAME)],
                            [col(NAME)],
                            JoinArgs {
                                how: JoinType::Left,
                                validation: Default::default(),
                                suffix: None,
                                slice: None,
                                nulls_equal: false,
                                coalesce: Default::default(),
                                maintain_order: MaintainOrderJoin::Left,
                                build_side: None,
                            },
                        )?;
                }
            }
            let n_selected = final_cols.len() - usize::from(qualify.is_some());
            lf = self.process_order_by(lf, &query.order_by, Some(&final_cols[..n_selected]))?;

            // Note: If `have_order_by`, with_columns is already done above.
            if projection_heights == ExprSqlProjectionHeightBehavior::InheritsContext
                && !have_order_by
                && !select_stmt.from.is_empty()
                && !final_cols.is_empty()
            {
                // All projections need to be broadcasted to table height, so evaluate in `with_columns()`
                lf = lf.with_columns(final_cols).select(final_names);
            } else {
                lf = lf.select(final_cols);
            }
            lf
        } else {
            // HAVING can read SELECT aliases.
            let having = lowered_having
                .as_deref()
                .map(|expr| {
                    let alias_types = OutputNames::new(
                        &projections,
                        &schema,
                        &self.with_placeholder_columns(&schema),
                    )
                    .extend_schema(&Schema::default());
                    let outer_alias_types =
                        std::mem::replace(&mut self.group_scope.alias_types, alias_types);
                    let having =
                        self.marking_aggregates(|ctx| parse_sql_expr(expr, ctx, Some(&schema)));
                    self.group_scope.alias_types = outer_alias_types;
                    having
                })
                .transpose()?;
            let grouping = self.bind_grouping_sets(
                &group_by_keys,
                grouping_sets,
                &projections,
                &schema,
                &query.order_by,
            )?;
            let (output_names, order_by);
            (lf, output_names, order_by) = self.process_group_by(
                lf,
                &group_by_keys,
                projections,
                &explicit_aliases,
                having,
                qualify.take().map(|e| (qualify_column.clone(), e)),
                &query.order_by,
                grouping.as_ref(),
                &subquery_names,
            )?;
            // The remaining clauses run on the aggregated frame.
            self.group_scope.mark_whole_frame_windows = false;
            let visible_cols: Vec<_> = output_names.iter().cloned().map(col).collect();
            lf = self.process_order_by(lf, &order_by, Some(&visible_cols))?;

            // Drop any extra columns (eg: added to maintain ORDER BY access to original cols).
            let mut output_cols = visible_cols;
            if select_stmt.qualify.is_some() {
                output_cols.push(col(qualify_column.clone()));
            }
            lf.select(&output_cols)
        };

        if select_stmt.qualify.is_some() {
            lf = lf
                .filter(col(qualify_column.clone()))
                .drop(Selector::ByName {
                    names: Arc::from([qualify_column]),
                    strict: true,
                });
        }

        // Apply optional DISTINCT clause.
        lf = match &select_stmt.distinct {
            Some(Distinct::Distinct) => lf.unique_stable(None, UniqueKeepStrategy::Any),
            Some(Distinct::On(exprs)) => {
                // TODO: support exprs in `unique` see https://github.com/pola-rs/polars/issues/5760
                let schema = Some(self.get_frame_schema(&mut lf)?);
                let cols = exprs
                    .iter()
                    .map(|e| {
                        let expr = parse_sql_expr(e, self, schema.as_deref())?;
                        if let Expr::Column(name) = expr {
                            Ok(name)
                        } else {
                            Err(polars_err!(SQLSyntax:"DISTINCT ON only supports column names"))
                        }
                    })
                    .collect::<PolarsResult<Vec<_>>>()?;

                // DISTINCT ON has to apply the ORDER BY before the operation.
                lf = self.process_order_by(lf, &query.order_by, None)?;
                return Ok(lf.unique_stable(
                    Some(Selector::ByName {
                        names: cols.into(),
                        strict: true,
                    }),
                    UniqueKeepStrategy::First,
                ));
            },
            // Note: `ALL` explicitly keeps duplicate rows (the default), so it's a no-op.
            Some(Distinct::All) | None => lf,
        };
        Ok(lf)
    }

    /// Returns each projection alongside whether it came from an explicit `AS` alias.
    fn column_projections(
        &mut self,
        projection: &[SelectItem],
        flavor: SelectFlavor,
        schema: &SchemaRef,
    ) -> PolarsResult<Vec<(Expr, bool)>> {
        if projection.is_empty() && flavor == SelectFlavor::FromFirstNoSelect {
            // eg: bare "FROM tbl" is equivalent to "SELECT * FROM tbl".
            return Ok(schema
                .iter_names()
                .filter(|name| !is_correlated_result_col(name))
                .map(|name| (col(name.clone()), false))
                .collect());
        }
        let mut items: Vec<ProjectionItem> = Vec::with_capacity(projection.len());
        let mut has_qualified_wildcard = false;

        for select_item in projection {
            match select_item {
                SelectItem::UnnamedExpr(expr) => {
                    items.push(ProjectionItem::Exprs(
                        vec![parse_sql_expr(expr, self, Some(schema))?],
                        false,
                    ));
                },
                SelectItem::ExprWithAlias { expr, alias } => {
                    let expr = parse_sql_expr(expr, self, Some(schema))?;
                    items.push(ProjectionItem::Exprs(
                        vec![expr.alias(PlSmallStr::from_str(alias.value.as_str()))],
                        true,
                    ));
                },
                SelectItem::ExprWithAliases { .. } => {
                    polars_bail!(SQLSyntax: "multiple aliases per expression are not supported: {:?}", select_item)
                },
                SelectItem::QualifiedWildcard(kind, wildcard_options) => match kind {
                    SelectItemQualifiedWildcardKind::ObjectName(obj_name) => {
                        let tbl_name = obj_name
                            .0
                            .last()
                            .and_then(|p| p.as_ident())
                            .map(|i| PlSmallStr::from_str(&i.value))
                            .unwrap_or_default();
                        let exprs =
                            self.process_qualified_wildcard(obj_name, wildcard_options, schema)?;
                        items.push(ProjectionItem::QualifiedExprs(tbl_name, exprs));
                        has_qualified_wildcard = true;
                    },
                    SelectItemQualifiedWildcardKind::Expr(_) => {
                        polars_bail!(SQLSyntax: "qualified wildcard on expressions not yet supported: {:?}", select_item)
                    },
                },
                SelectItem::Wildcard(wildcard_options) => {
                    let cols = schema
                        .iter_names()
                        .filter(|name| !is_correlated_result_col(name))
                        .map(|name| col(name.clone()))
                        .collect();
                    items.push(ProjectionItem::Exprs(
                        self.process_wildcard_additional_options(cols, wildcard_options, schema)?,
                        false,
                    ));
                },
            }
        }

        // Disambiguate qualified wildcards (if any) and flatten expressions
        let exprs: Vec<(Expr, bool)> = if has_qualified_wildcard {
            disambiguate_projection_cols(items, schema)?
        } else {
            items
                .into_iter()
                .flat_map(|item| match item {
                    ProjectionItem::Exprs(exprs, is_explicit_alias) => exprs
                        .into_iter()
                        .map(|e| (e, is_explicit_alias))
                        .collect::<Vec<_>>(),
                    ProjectionItem::QualifiedExprs(_, exprs) => {
                        exprs.into_iter().map(|e| (e, false)).collect()
                    },
                })
                .collect()
        };
        Ok(exprs
            .into_iter()
            .flat_map(|(expr, is_explicit_alias)| {
                expand_exprs(expr, schema)
                    .into_iter()
                    .map(move |e| (e, is_explicit_alias))
            })
            .collect())
    }

    pub(crate) fn process_where(
        &mut self,
        mut lf: LazyFrame,
        expr: Option<&SQLExpr>,
        filter_mode: FilterMode,
        schema: Option<SchemaRef>,
    ) -> PolarsResult<LazyFrame> {
        if let Some(expr) = expr {
            let schema = match schema {
                None => self.get_frame_schema(&mut lf)?,
                Some(s) => s,
            };
            // Parsing registers any `GROUPING()` call; subqueries keep their own registry.
            let n_grouping_calls = self.group_scope.grouping_calls.len();

            // A condition that reads no input (eg: "WHERE 1 = 1") is accepted as any type
            // that casts to boolean; the planner folds it.
            if let Some(predicate) = self.input_independent_predicate(expr)? {
                self.reject_grouping_in_where(n_grouping_calls)?;
                let predicate = predicate.cast(DataType::Boolean);
                return Ok(match filter_mode {
                    FilterMode::KeepTrue => lf.filter(predicate),
                    FilterMode::RemoveTrue => lf.remove(predicate),
                });
            }

            // Lower eligible `[NOT] EXISTS` / `[NOT] IN (subquery)` conjuncts
            // to semi / anti joins; whatever remains goes through the ordinary
            // filter path below.
            let residual_exprs: Vec<&SQLExpr>;
            (lf, residual_exprs) = self.rewrite_subquery_conjuncts(
                lf,
                expr,
                filter_mode,
                &schema,
                RewriteStage::AfterScalarLowering,
            )?;

            // Decorrelate any `[NOT] EXISTS` left in a residual conjunct to a boolean
            // flag column, rewriting the conjunct to reference it.
            let exists_schema = self.get_frame_schema(&mut lf)?;
            let mut bindings = SubqueryBindings::new();
            let mut lowered_residuals = Vec::with_capacity(residual_exprs.len());
            for e in &residual_exprs {
                let lowered;
                (lf, lowered) = self.lower_correlated_subqueries(
                    lf,
                    &exists_schema,
                    e,
                    LowerScope::ScalarAndPredicates,
                    &mut bindings,
                    None,
                )?;
                lowered_residuals.push(lowered);
            }

            // Whatever is still an uncorrelated `[NOT] IN` / `=` subquery conjunct
            // becomes a semi / anti join.
            #[cfg(feature = "semi_anti_join")]
            let lowered_residuals = {
                let mut kept = Vec::with_capacity(lowered_residuals.len());
                for e in lowered_residuals {
                    match self.try_rewrite_uncorrelated_subquery_conjunct(
                        &lf,
                        &e,
                        filter_mode,
                        &schema,
                    )? {
                        Some(new_lf) => lf = new_lf,
                        None => kept.push(e),
                    }
                }
                kept
            };

            let Some(parsed_residual) = lowered_residuals
                .iter()
                .map(|e| parse_sql_expr(e, self, Some(&*schema)))
                .reduce(|a, b| Ok(a?.and(b?)))
            else {
                // Every conjunct was rewritten to a join; nothing left to filter.
                return Ok(lf);
            };
            let mut filter_expression = parsed_residual?;
            self.reject_grouping_in_where(n_grouping_calls)?;
            if filter_expression.clone().meta().has_multiple_outputs() {
                filter_expression = all_horizontal([filter_expression])?;
            }
            let mut placeholders;
            (lf, placeholders) =
                self.process_subqueries(lf, vec![&mut filter_expression], SubqueryShape::Scalar)?;
            lf = match filter_mode {
                FilterMode::KeepTrue => lf.filter(filter_expression),
                FilterMode::RemoveTrue => lf.remove(filter_expression),
            };

            // Flag and placeholder columns exist only for the filter above. A SELECT
            // projects them away afterwards, but a DELETE returns this frame as-is.
            placeholders.extend(bindings.into_iter().map(|(_, _, name)| name));
            lf = drop_subquery_placeholders(lf, placeholders);
        }
        Ok(lf)
    }

    /// Fail if parsing since `n_grouping_calls` were registered added a `GROUPING()` call.
    fn reject_grouping_in_where(&self, n_grouping_calls: usize) -> PolarsResult<()> {
        polars_ensure!(
            self.group_scope.grouping_calls.len() == n_grouping_calls,
            SQLSyntax: "GROUPING() is not allowed in the WHERE clause"
        );
        Ok(())
    }

    /// Parse a condition that yields one value independent of any input frame (a literal or
    /// elementwise operations over literals); `None` for any other condition.
    fn input_independent_predicate(&mut self, expr: &SQLExpr) -> PolarsResult<Option<Expr>> {
        if expr_references_any_column(expr) || expr_contains_subquery(expr) {
            return Ok(None);
        }
        let predicate = parse_sql_expr(expr, self, None)?;
        let independent = predicate
            .clone()
            .meta()
            .is_input_independent_scalar()
            .unwrap_or(false);
        Ok(independent.then_some(predicate))
    }

    /// Join `tbl_left` with `tbl_right`. With `keep_right` (`RIGHT SEMI` / `RIGHT ANTI`),
    /// `join_type` is a semi or anti join that keeps the rows of `tbl_right`.
    pub(super) fn process_join(
        &mut self,
        tbl_left: &TableInfo,
        tbl_right: &TableInfo,
        constraint: &JoinConstraint,
        join_type: JoinType,
        keep_right: bool,
    ) -> PolarsResult<LazyFrame> {
        if let JoinConstraint::On(expr) = constraint
            && expr_contains_subquery(expr)
        {
            // A correlated subquery in the condition is lowered to a column of the input it
            // reads, which then only lives for the join.
            if matches!(
                join_type,
                JoinType::Inner | JoinType::Left | JoinType::Right | JoinType::Full
            ) && let Some((left, right, on)) =
                self.lower_join_on_subqueries(tbl_left, tbl_right, expr, &join_type)?
            {
                let lowered: Arc<[PlSmallStr]> = left
                    .schema
                    .iter_names()
                    .filter(|name| !tbl_left.schema.contains(name))
                    .chain(
                        right
                            .schema
                            .iter_names()
                            .filter(|name| !tbl_right.schema.contains(name)),
                    )
                    .cloned()
                    .collect();
                let joined =
                    self.process_join(&left, &right, &JoinConstraint::On(on), join_type, false)?;
                return Ok(joined.drop(Selector::ByName {
                    names: lowered,
                    strict: true,
                }));
            }
            return self
                .process_join_on_subqueries(tbl_left, tbl_right, expr, join_type, keep_right);
        }
        self.join_inputs(
            tbl_left,
            tbl_right,
            Some(constraint),
            (vec![], vec![]),
            join_type,
            keep_right,
        )
    }

    /// Join on `constraint` and on the key pairs `extra_keys`. Without either, every row
    /// pairs with every row.
    fn join_inputs(
        &mut self,
        tbl_left: &TableInfo,
        tbl_right: &TableInfo,
        constraint: Option<&JoinConstraint>,
        extra_keys: (Vec<Expr>, Vec<Expr>),
        join_type: JoinType,
        keep_right: bool,
    ) -> PolarsResult<LazyFrame> {
        let (mut left_on, mut right_on, predicates) = match constraint {
            // A condition that reads no input (eg: `ON TRUE`, `ON 1 = 1`) pairs every row with
            // every row, or none: join on the condition itself as a boolean key (a null key
            // matches nothing, like an unknown condition).
            Some(JoinConstraint::On(expr))
                if let Some(predicate) = self.input_independent_predicate(expr)? =>
            {
                (
                    vec![strip_join_aliases(predicate).cast(DataType::Boolean)],
                    vec![lit(true)],
                    vec![],
                )
            },
            Some(constraint) => {
                let keys = process_join_constraint(constraint, tbl_left, tbl_right, self)?;
                for e in keys.0.iter().chain(&keys.1).chain(&keys.2) {
                    reject_unresolved_subquery(e, "JOIN ... ON")?;
                }
                keys
            },
            None => (vec![], vec![], vec![]),
        };
        left_on.extend(extra_keys.0);
        right_on.extend(extra_keys.1);
        if left_on.is_empty() && predicates.is_empty() {
            left_on.push(lit(true));
            right_on.push(lit(true));
        }
        if keep_right {
            polars_ensure!(
                predicates.is_empty(),
                InvalidOperation: "'{}' join is not supported with non-equi join conditions",
                join_type
            );
            return tbl_right
                .frame
                .clone()
                .join_builder()
                .with(tbl_left.frame.clone())
                .left_on(right_on)
                .right_on(left_on)
                .how(join_type)
                .finish();
        }
        let coalesce_type = match constraint {
            // "NATURAL" joins should coalesce; otherwise we disambiguate
            Some(JoinConstraint::Natural) => JoinCoalesce::CoalesceColumns,
            _ => JoinCoalesce::KeepColumns,
        };
        let suffix = format!(":{}", tbl_right.name);

        let joined = if predicates.is_empty() {
            // Equi-join: standard left_on/right_on path
            tbl_left
                .frame
                .clone()
                .join_builder()
                .with(tbl_right.frame.clone())
                .left_on(left_on)
                .right_on(right_on)
                .how(join_type)
                .suffix(suffix)
                .coalesce(coalesce_type)
                .finish()?
        } else {
            // Non-equi conditions: convert to predicates for `join_where`.
            // Any equi-conditions become equality predicates with right-side
            // columns suffixed to match their merged-schema names.
            let mut all_predicates = predicates;
            for (l, r) in left_on.into_iter().zip(right_on) {
                let r_suffixed = suffix_conflicting_columns(r, tbl_left, tbl_right, &suffix);
                all_predicates.push(l.eq(r_suffixed));
            }
            let all_predicates: Vec<Expr> =
                all_predicates.into_iter().map(strip_join_aliases).collect();
            tbl_left
                .frame
                .clone()
                .join_builder()
                .with(tbl_right.frame.clone())
                .how(join_type)
                .suffix(suffix)
                .coalesce(coalesce_type)
                .join_where(all_predicates)
        };

        Ok(joined)
    }

    /// Whether the relation `name` is the right input of a join; any other relation in
    /// scope is in the left input.
    pub(crate) fn is_right_relation(&self, name: &str, tbl_right: &TableInfo) -> bool {
        name == tbl_right.name
            || (!self.active_relations.iter().any(|r| r.key() == name)
                && name.eq_ignore_ascii_case(&tbl_right.name))
    }

    /// Whether the columns of the joined relation `name` can be found by name, which is not
    /// the case for the relations inside an aliased nested join.
    pub(crate) fn is_joined_relation(&self, name: &str, tbl_left: &TableInfo) -> bool {
        name == tbl_left.name
            || name.eq_ignore_ascii_case(&tbl_left.name)
            || matches!(get_ignoring_case(&self.joined_aliases, name), Ok(Some(_)))
    }

    /// Which input of a join the column `expr` reads: `Some(true)` for the left input,
    /// `Some(false)` for the right one, and `None` if it is not a column or is in both.
    pub(crate) fn column_join_input(
        &self,
        expr: &SQLExpr,
        tbl_left: &TableInfo,
        tbl_right: &TableInfo,
    ) -> Option<bool> {
        let column_side = |name: &str| match (
            tbl_left.schema.contains(name),
            tbl_right.schema.contains(name),
        ) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
        match expr {
            SQLExpr::Identifier(ident) => column_side(&ident.value),
            // A table qualifier takes precedence over a struct column of the same name.
            SQLExpr::CompoundIdentifier(idents) => match self.resolve_qualifier(idents) {
                Ok(Some((name, _))) => Some(!self.is_right_relation(&name, tbl_right)),
                Ok(None) => column_side(&idents[0].value),
                // An ambiguous qualifier is reported when the condition is parsed.
                Err(_) => None,
            },
            _ => None,
        }
    }

    /// Which inputs of a join `expr` reads, as `(reads_left, reads_right)`. A column found
    /// in both inputs counts for neither.
    pub(crate) fn join_inputs_read(
        &self,
        expr: &SQLExpr,
        tbl_left: &TableInfo,
        tbl_right: &TableInfo,
    ) -> (bool, bool) {
        let (mut reads_left, mut reads_right) = (false, false);
        let _ = visit_expressions(expr, |e| {
            match self.column_join_input(e, tbl_left, tbl_right) {
                Some(true) => reads_left = true,
                Some(false) => reads_right = true,
                None => {},
            }
            ControlFlow::<()>::Continue(())
        });
        (reads_left, reads_right)
    }

    /// Join on an `ON` condition that holds subqueries. A conjunct whose own columns read
    /// one input is applied to that input first: as a filter if the join drops the rows it
    /// rejects, else as a flag column joined against `TRUE`. Its subqueries must not read
    /// the joined inputs. Any other conjunct stays in the condition, which rejects
    /// subqueries.
    fn process_join_on_subqueries(
        &mut self,
        tbl_left: &TableInfo,
        tbl_right: &TableInfo,
        expr: &SQLExpr,
        join_type: JoinType,
        keep_right: bool,
    ) -> PolarsResult<LazyFrame> {
        // Whether the join drops the rows of an input that match no row of the other.
        let (filter_left, filter_right) = match (&join_type, keep_right) {
            (JoinType::Inner, _) => (true, true),
            (JoinType::Left, _) => (false, true),
            (JoinType::Right, _) => (true, false),
            #[cfg(feature = "semi_anti_join")]
            (JoinType::Semi, _) => (true, true),
            #[cfg(feature = "semi_anti_join")]
            (JoinType::Anti, false) => (false, true),
            #[cfg(feature = "semi_anti_join")]
            (JoinType::Anti, true) => (true, false),
            _ => (false, false),
        };
        let mut left = tbl_left.clone();
        let mut right = tbl_right.clone();
        let (mut left_on, mut right_on) = (vec![], vec![]);
        let mut flags = vec![];
        let mut residual = vec![];
        for conjunct in flatten_and_conditions(expr) {
            if !expr_contains_subquery(conjunct) {
                residual.push(conjunct.clone());
                continue;
            }
            let is_left = match self.conjunct_join_inputs(conjunct, tbl_left, tbl_right) {
                JoinInputs::Left => true,
                JoinInputs::Right => false,
                JoinInputs::Neither => !filter_right && filter_left,
                JoinInputs::Both | JoinInputs::Unknown => {
                    residual.push(conjunct.clone());
                    continue;
                },
            };
            let (tbl, filter) = if is_left {
                (&mut left, filter_left)
            } else {
                (&mut right, filter_right)
            };
            // Planning the subqueries here also rejects those that read the other input.
            let mut condition =
                strip_join_aliases(parse_sql_expr(conjunct, self, Some(&tbl.schema))?);
            let placeholders;
            (tbl.frame, placeholders) = self.process_subqueries(
                tbl.frame.clone(),
                vec![&mut condition],
                SubqueryShape::Scalar,
            )?;
            let condition = condition.cast(DataType::Boolean);
            if filter {
                tbl.frame =
                    drop_subquery_placeholders(tbl.frame.clone().filter(condition), placeholders);
                continue;
            }
            let name = unique_column_name();
            tbl.frame = drop_subquery_placeholders(
                tbl.frame.clone().with_column(condition.alias(name.clone())),
                placeholders,
            );
            tbl.schema = self.get_frame_schema(&mut tbl.frame)?;
            let (own_keys, other_keys) = if is_left {
                (&mut left_on, &mut right_on)
            } else {
                (&mut right_on, &mut left_on)
            };
            own_keys.push(col(name.clone()));
            other_keys.push(lit(true));
            flags.push(name);
        }
        let residual = combine_conditions(residual, SQLBinaryOperator::And).map(JoinConstraint::On);
        let joined = self.join_inputs(
            &left,
            &right,
            residual.as_ref(),
            (left_on, right_on),
            join_type,
            keep_right,
        )?;
        Ok(if flags.is_empty() {
            joined
        } else {
            joined.drop(Selector::ByName {
                names: flags.into(),
                strict: false,
            })
        })
    }

    /// Which inputs of a join the conjunct `expr` reads, leaving out the inside of its
    /// subqueries. `Unknown` if a column is in neither input or, unqualified, in both.
    fn conjunct_join_inputs(
        &self,
        expr: &SQLExpr,
        tbl_left: &TableInfo,
        tbl_right: &TableInfo,
    ) -> JoinInputs {
        struct Reads<'a> {
            ctx: &'a SQLContext,
            left: &'a TableInfo,
            right: &'a TableInfo,
            subquery_depth: usize,
            reads_left: bool,
            reads_right: bool,
            unknown: bool,
        }

        impl Reads<'_> {
            fn column(&mut self, name: &str) {
                match (
                    self.left.schema.contains(name),
                    self.right.schema.contains(name),
                ) {
                    (true, false) => self.reads_left = true,
                    (false, true) => self.reads_right = true,
                    _ => self.unknown = true,
                }
            }
        }

        impl sqlparser::ast::Visitor for Reads<'_> {
            type Break = ();

            fn pre_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
                self.subquery_depth += 1;
                ControlFlow::Continue(())
            }

            fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
                self.subquery_depth -= 1;
                ControlFlow::Continue(())
            }

            fn pre_visit_expr(&mut self, expr: &SQLExpr) -> ControlFlow<()> {
                if self.subquery_depth > 0 {
                    return ControlFlow::Continue(());
                }
                match expr {
                    SQLExpr::Identifier(ident) => self.column(&ident.value),
                    SQLExpr::CompoundIdentifier(idents) => match self.ctx.resolve_qualifier(idents)
                    {
                        Ok(Some((name, _))) => match (
                            self.left.relations.contains(&name),
                            self.right.relations.contains(&name),
                        ) {
                            (true, false) => self.reads_left = true,
                            (false, true) => self.reads_right = true,
                            _ => self.unknown = true,
                        },
                        Ok(None) => self.column(&idents[0].value),
                        Err(_) => self.unknown = true,
                    },
                    _ => {},
                }
                ControlFlow::Continue(())
            }
        }

        let mut reads = Reads {
            ctx: self,
            left: tbl_left,
            right: tbl_right,
            subquery_depth: 0,
            reads_left: false,
            reads_right: false,
            unknown: false,
        };
        let _ = dyn_visit::visit(expr, &mut reads);
        match (reads.unknown, reads.reads_left, reads.reads_right) {
            (true, _, _) => JoinInputs::Unknown,
            (false, true, true) => JoinInputs::Both,
            (false, true, false) => JoinInputs::Left,
            (false, false, true) => JoinInputs::Right,
            (false, false, false) => JoinInputs::Neither,
        }
    }

    /// Which input an `ASOF JOIN` match operand reads: `Some(true)` for the left input,
    /// `Some(false)` for the right one, and `None` if all its columns are in both.
    #[cfg(feature = "asof_join")]
    fn asof_operand_is_left(
        &self,
        expr: &SQLExpr,
        tbl_left: &TableInfo,
        tbl_right: &TableInfo,
    ) -> PolarsResult<Option<bool>> {
        let (reads_left, reads_right) = self.join_inputs_read(expr, tbl_left, tbl_right);
        polars_ensure!(
            !(reads_left && reads_right),
            SQLSyntax: "ASOF JOIN MATCH_CONDITION operand {} reads both tables", expr
        );
        Ok(match (reads_left, reads_right) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        })
    }

    /// `ASOF JOIN r MATCH_CONDITION (l.t >= r.t) [ON l.k = r.k AND ... | USING (k, ...)]`.
    ///
    /// Every left row is kept, paired with the closest right row that satisfies the match
    /// condition and has equal keys, or with nulls if there is none.
    #[cfg(feature = "asof_join")]
    fn process_asof_join(
        &mut self,
        tbl_left: &TableInfo,
        tbl_right: &TableInfo,
        match_condition: &SQLExpr,
        constraint: &JoinConstraint,
    ) -> PolarsResult<LazyFrame> {
        let mut condition = match_condition;
        while let SQLExpr::Nested(inner) = condition {
            condition = inner;
        }
        let SQLExpr::BinaryOp { left, op, right } = condition else {
            polars_bail!(
                SQLSyntax: "ASOF JOIN MATCH_CONDITION must be a single `>=`, `>`, `<=` or `<` comparison, found {}",
                match_condition
            )
        };
        polars_ensure!(
            matches!(
                op,
                SQLBinaryOperator::GtEq
                    | SQLBinaryOperator::Gt
                    | SQLBinaryOperator::LtEq
                    | SQLBinaryOperator::Lt
            ),
            SQLSyntax: "ASOF JOIN MATCH_CONDITION must be a single `>=`, `>`, `<=` or `<` comparison, found {}",
            match_condition
        );
        polars_ensure!(
            expr_references_any_column(left) && expr_references_any_column(right),
            SQLSyntax: "ASOF JOIN MATCH_CONDITION must compare a column of each table, found {}",
            match_condition
        );
        let left_is_left = match (
            self.asof_operand_is_left(left, tbl_left, tbl_right)?,
            self.asof_operand_is_left(right, tbl_left, tbl_right)?,
        ) {
            (Some(l), Some(r)) if l != r => l,
            (Some(l), None) => l,
            (None, Some(r)) => !r,
            (Some(_), Some(_)) => polars_bail!(
                SQLSyntax: "ASOF JOIN MATCH_CONDITION must compare a column of each table, found {}",
                match_condition
            ),
            (None, None) => polars_bail!(
                SQLSyntax: "ASOF JOIN MATCH_CONDITION is ambiguous, qualify its columns with their table name: {}",
                match_condition
            ),
        };
        let swapped = !left_is_left;
        let (left_operand, right_operand) = if swapped {
            (right, left)
        } else {
            (left, right)
        };
        let left_on =
            strip_join_aliases(parse_sql_expr(left_operand, self, Some(&tbl_left.schema))?);
        let right_on = strip_join_aliases(parse_sql_expr(
            right_operand,
            self,
            Some(&tbl_right.schema),
        )?);
        let (strategy, allow_eq) = match (op, swapped) {
            (SQLBinaryOperator::GtEq, false) | (SQLBinaryOperator::LtEq, true) => {
                (AsofStrategy::Backward, true)
            },
            (SQLBinaryOperator::Gt, false) | (SQLBinaryOperator::Lt, true) => {
                (AsofStrategy::Backward, false)
            },
            (SQLBinaryOperator::LtEq, false) | (SQLBinaryOperator::GtEq, true) => {
                (AsofStrategy::Forward, true)
            },
            _ => (AsofStrategy::Forward, false),
        };

        let (left_by, right_by) = match constraint {
            JoinConstraint::None => (vec![], vec![]),
            _ => {
                let (left_by, right_by, predicates) =
                    process_join_constraint(constraint, tbl_left, tbl_right, self)?;
                polars_ensure!(
                    predicates.is_empty(),
                    SQLSyntax: "ASOF JOIN only supports `=` conditions in ON; the inequality goes in MATCH_CONDITION"
                );
                (left_by, right_by)
            },
        };
        for e in [&left_on, &right_on]
            .into_iter()
            .chain(&left_by)
            .chain(&right_by)
        {
            reject_unresolved_subquery(e, "ASOF JOIN")?;
        }

        let to_supertype = |l: Expr, r: Expr| -> PolarsResult<(Expr, Expr)> {
            let l_dtype = l.to_field(&tbl_left.schema)?.dtype;
            let r_dtype = r.to_field(&tbl_right.schema)?.dtype;
            asof_key_pair(l, &l_dtype, r, &r_dtype)
        };

        // `by` keys are column names, so each key pair is computed into a temporary column
        // that is dropped after the join.
        let mut left = tbl_left.frame.clone();
        let mut right = tbl_right.frame.clone();
        let mut by_names = Vec::with_capacity(left_by.len());
        for (l, r) in left_by.into_iter().zip(right_by) {
            let (l, r) = to_supertype(l, r)?;
            let name = loop {
                let name = unique_column_name();
                if !tbl_left.schema.contains(&name) && !tbl_right.schema.contains(&name) {
                    break name;
                }
            };
            left = left.with_column(l.alias(name.clone()));
            right = right.with_column(r.alias(name.clone()));
            by_names.push(name);
        }

        // Both inputs must be sorted on the match key.
        let (left_on, right_on) = to_supertype(left_on, right_on)?;
        let left = left.sort_by_exprs([left_on.clone()], SortMultipleOptions::default());
        let right = right.sort_by_exprs([right_on.clone()], SortMultipleOptions::default());

        let has_by = !by_names.is_empty();
        let joined = left
            .join_builder()
            .with(right)
            .left_on([left_on])
            .right_on([right_on])
            .how(JoinType::AsOf(Box::new(AsOfOptions {
                strategy,
                tolerance: None,
                tolerance_str: None,
                left_by: has_by.then(|| by_names.clone()),
                right_by: has_by.then(|| by_names.clone()),
                allow_eq,
                check_sortedness: false,
            })))
            .suffix(format!(":{}", tbl_right.name))
            .coalesce(JoinCoalesce::KeepColumns)
            .finish()?;
        Ok(if has_by {
            joined.drop(Selector::ByName {
                names: Arc::from(by_names),
                strict: true,
            })
        } else {
            joined
        })
    }

    /// Process implicit (comma-separated) joins from `FROM t1, t2, ...` syntax.
    ///
    /// Extracts join predicates from the WHERE clause, joining each additional table with
    /// either an INNER JOIN (cross-table predicates found) or a CROSS JOIN (no predicates).
    /// Tables are joined in the order they become connectable rather than source order.
    /// Returns the residual WHERE conditions not consumed as join predicates.
    fn process_implicit_joins(
        &mut self,
        lf: &mut LazyFrame,
        from: &[TableWithJoins],
        where_clause: &Option<SQLExpr>,
    ) -> PolarsResult<Option<SQLExpr>> {
        let first = from.first().unwrap();
        let mut remaining_where = where_clause.clone();
        let mut joined_table_names: Vec<String> = kept_factors(first)
            .into_iter()
            .filter_map(get_table_name)
            .collect();
        // Resolving is `&mut self`, so all relations must be resolved up-front rather than
        // mid-probe while picking a join order below.
        let mut pending = Vec::with_capacity(from.len() - 1);
        for tbl_expr in from.iter().skip(1) {
            let mut rf = self.execute_from_statement(tbl_expr)?;
            let r_name = kept_factors(tbl_expr)
                .into_iter()
                .next()
                .and_then(get_table_name)
                .unwrap_or_default();
            polars_ensure!(
                !r_name.is_empty(),
                SQLInterface: "implicit joins require named tables; please provide an alias"
            );
            let right_schema = self.get_frame_schema(&mut rf)?;
            pending.push((tbl_expr, rf, r_name, right_schema));
        }

        // Each round takes the first pending relation with a join predicate against the
        // tables joined so far; relations with no predicate yet are deferred. Genuinely
        // disconnected relations fall through to a cross join, in source order.
        while !pending.is_empty() {
            let left_schema = self.get_frame_schema(lf)?;
            // Relations each pending entry brings into scope.
            let pending_relations: Vec<Vec<String>> = pending
                .iter()
                .map(|(tbl_expr, ..)| {
                    declared_relations(std::slice::from_ref(*tbl_expr), &self.catalog_spellings)
                        .iter()
                        .map(RelationName::key)
                        .collect()
                })
                .collect();
            let deferred_tables = |skip: usize| -> Vec<String> {
                pending_relations
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .flat_map(|(_, names)| names.iter().cloned())
                    .collect()
            };
            let next = (0..pending.len())
                .find(|&i| {
                    let (_, _, r_name, right_schema) = &pending[i];
                    extract_join_predicates(
                        &remaining_where,
                        &joined_table_names,
                        r_name,
                        &deferred_tables(i),
                        &self.active_relations,
                        &left_schema,
                        right_schema,
                    )
                    .0
                    .is_some()
                })
                .unwrap_or(0);
            let deferred = deferred_tables(next);
            let (tbl_expr, rf, r_name, right_schema) = pending.remove(next);
            let (join_expr, residual) = extract_join_predicates(
                &remaining_where,
                &joined_table_names,
                &r_name,
                &deferred,
                &self.active_relations,
                &left_schema,
                &right_schema,
            );

            *lf = if let Some(on_expr) = join_expr {
                self.process_join(
                    &TableInfo {
                        frame: lf.clone(),
                        name: PlSmallStr::from_str(
                            &joined_table_names.first().cloned().unwrap_or_default(),
                        ),
                        schema: left_schema.clone(),
                        relations: joined_table_names.clone(),
                    },
                    &TableInfo {
                        frame: rf,
                        name: PlSmallStr::from_str(&r_name),
                        schema: right_schema.clone(),
                        relations: kept_factors(tbl_expr)
                            .into_iter()
                            .filter_map(get_table_name)
                            .collect(),
                    },
                    &JoinConstraint::On(on_expr),
                    JoinType::Inner,
                    false,
                )?
            } else {
                lf.clone()
                    .cross_join(rf, Some(format_pl_smallstr!(":{}", r_name)))
            };
            remaining_where = residual;

            let joined_schema = self.get_frame_schema(lf)?;
            self.record_joined_aliases(
                &r_name,
                &pending_relations[next],
                &left_schema,
                &right_schema,
                &joined_schema,
            )?;
            joined_table_names.extend(
                kept_factors(tbl_expr)
                    .into_iter()
                    .filter_map(get_table_name),
            );
        }
        Ok(remaining_where)
    }

    /// Resolve `Expr::SubPlan` nodes in `exprs` into columns of `lf`, returning the updated
    /// frame together with the set of placeholder column names the subqueries were bound to.
    ///
    /// `shape` selects how the placeholder is referenced; see [`SubqueryShape`].
    pub(crate) fn process_subqueries(
        &mut self,
        lf: LazyFrame,
        exprs: Vec<&mut Expr>,
        shape: SubqueryShape,
    ) -> PolarsResult<(LazyFrame, PlHashSet<PlSmallStr>)> {
        let mut subplans = vec![];
        let mut subplan_names = PlHashSet::new();

        for e in exprs {
            *e = e.clone().try_map_expr(|e| {
                if let Expr::SubPlan(lp, names) = e {
                    assert_eq!(
                        names.len(),
                        1,
                        "multiple columns in subqueries not yet supported"
                    );

                    let select_expr = names[0].1.clone();
                    let mut lf = LazyFrame::from((**lp).clone());
                    let schema = self.get_frame_schema(&mut lf)?;
                    polars_ensure!(schema.len() == 1,  SQLSyntax: "SQL subquery returns more than one column");
                    let lf = lf.select([select_expr.clone()]);

                    // A window lowering can repeat a subquery, as in `SUM((SELECT 1)) OVER ()`.
                    if subplan_names.insert(names[0].0.clone()) {
                        self.group_scope
                            .subquery_plans
                            .insert(names[0].0.clone(), lf.clone());
                        subplans.push(lf);
                    }
                    let placeholder = Expr::Column(names[0].0.clone());
                    Ok(match shape {
                        SubqueryShape::Scalar => placeholder.first(),
                        SubqueryShape::Broadcast => placeholder,
                    })
                } else {
                    Ok(e)
                }
            })?;
        }

        if subplans.is_empty() {
            Ok((lf, subplan_names))
        } else {
            subplans.insert(0, lf);
            Ok((
                concat_lf_horizontal(
                    subplans,
                    HConcatOptions {
                        broadcast_unit_length: true,
                        ..Default::default()
                    },
                )?,
                subplan_names,
            ))
        }
    }

    fn execute_create_table(&mut self, stmt: &Statement) -> PolarsResult<LazyFrame> {
        if let Statement::CreateTable(create_table) = stmt {
            self.validate_create_table(create_table, false)?;
            let CreateTable {
                if_not_exists,
                or_replace,
                temporary,
                name,
                query,
                columns,
                like,
                ..
            } = create_table;

            if *temporary {
                // A temporary table is always a registered table.
                let named = name_parts(name).and_then(|parts| self.catalogs.named_catalog(&parts));
                if let Some(catalog) = named {
                    polars_bail!(SQLInterface: "temporary tables cannot be created in catalog '{}'", catalog);
                }
            } else {
                // The caller creates catalog tables (see `catalog_ddl`); here they are an error.
                self.catalog_create_target(name)?;
                self.ensure_not_catalog_table(name, "CREATE TABLE", false, false)?;
            }
            let tbl_name = object_name_to_string(name);
            let existing = self.registered_table_key(&tbl_name)?;
            if let Some(existing) = &existing {
                if *if_not_exists {
                    // `IF NOT EXISTS` leaves the existing table as it is.
                    return Ok(df! { "Response" => [format!("CREATE TABLE {existing}")] }?.lazy());
                }
                polars_ensure!(
                    !*temporary || *or_replace,
                    SQLInterface: "table '{}' already exists; use `CREATE OR REPLACE TEMP TABLE`, or `IF NOT EXISTS`",
                    existing
                );
            }
            // A table matching ignoring case is replaced under its existing name.
            let tbl_name = existing.unwrap_or(tbl_name);
            let tbl_name = tbl_name.as_str();
            let lf = match (query, columns.is_empty(), like) {
                (Some(query), true, None) => {
                    // ----------------------------------------------------
                    // CREATE [OR REPLACE] [TEMP] TABLE [IF NOT EXISTS] <name> AS <query>
                    // ----------------------------------------------------
                    self.execute_query(query)?
                },
                (None, false, None) => {
                    // ----------------------------------------------------
                    // CREATE [OR REPLACE] [TEMP] TABLE [IF NOT EXISTS] <name> (<coldef>, ...)
                    // ----------------------------------------------------
                    let mut schema = Schema::with_capacity(columns.len());
                    for col in columns {
                        let col_name = col.name.value.as_str();
                        let dtype = map_sql_dtype_to_polars(&col.data_type)?;
                        schema.insert_at_index(schema.len(), col_name.into(), dtype)?;
                    }
                    DataFrame::empty_with_schema(&schema).lazy()
                },
                (None, true, Some(like_kind)) => {
                    // ----------------------------------------------------
                    // CREATE [OR REPLACE] [TEMP] TABLE [IF NOT EXISTS] <name> LIKE <table>
                    // ----------------------------------------------------
                    let like_name = match like_kind {
                        CreateTableLikeKind::Plain(like)
                        | CreateTableLikeKind::Parenthesized(like) => &like.name,
                    };
                    let like_table = object_name_to_string(like_name);
                    match get_ignoring_case(&self.table_map.read().unwrap(), &like_table)? {
                        Some(table) => table.clone().clear(),
                        None => {
                            let catalog_table = name_parts(like_name)
                                .is_some_and(|parts| self.catalogs.resolve(&parts).is_some());
                            polars_ensure!(!catalog_table, SQLInterface: "`CREATE TABLE ... LIKE` is not supported for catalog tables");
                            polars_bail!(SQLInterface: "table given in LIKE does not exist: {}", like_table)
                        },
                    }
                },
                // No valid options provided
                (None, true, None) => {
                    polars_bail!(SQLInterface: "CREATE TABLE expected a query, column definitions, or LIKE clause")
                },
                // Mutually exclusive options
                _ => {
                    polars_bail!(
                        SQLInterface: "CREATE TABLE received mutually exclusive options:\nquery = {:?}\ncolumns = {:?}\nlike = {:?}",
                        query,
                        columns,
                        like,
                    )
                },
            };
            self.register(tbl_name, lf);

            let df_created = df! { "Response" => [format!("CREATE TABLE {tbl_name}")] };
            Ok(df_created.unwrap().lazy())
        } else {
            unreachable!()
        }
    }

    fn get_table(&mut self, relation: &TableFactor) -> PolarsResult<(String, LazyFrame)> {
        if let Some(name) = get_table_name(relation) {
            self.from_item_frames.remove(&name);
        }
        match relation {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                self.validate_table_factor(relation)?;
                if let Some(args) = args {
                    return self.execute_table_function(name, alias, &args.args);
                }
                // A qualified name (`schema.table`) is looked up as a whole, among CTEs,
                // registered and catalog tables: the alias of another FROM item is not a table.
                let tbl_name = object_name_to_string(name);
                if let Some(lf) = self.get_table_unaliased(&tbl_name)? {
                    match alias {
                        Some(alias) => {
                            self.table_aliases
                                .insert(alias.name.value.clone(), tbl_name);
                            Ok((alias.name.value.clone(), lf))
                        },
                        None => Ok((tbl_name, lf)),
                    }
                } else {
                    let hint = name_parts(name)
                        .and_then(|parts| self.catalogs.unresolved_hint(&parts))
                        .unwrap_or_default();
                    polars_bail!(SQLInterface: "relation '{}' was not found{}", tbl_name, hint);
                }
            },
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                sample,
            } => {
                polars_ensure!(!(*lateral), SQLInterface: "`LATERAL` clause is not supported");
                polars_ensure!(sample.is_none(), SQLInterface: "table `SAMPLE` clause is not supported");

                // Execute the subquery in isolation so that outer join state
                // doesn't leak into it and cause spurious ambiguous-column errors
                let lf = self.execute_isolated(|ctx| ctx.execute_query(subquery))?;
                if let Some(alias) = alias {
                    let lf = self.rename_columns_from_table_alias(lf, alias)?;
                    let name = alias.name.value.clone();
                    self.from_item_frames.insert(name.clone(), lf.clone());
                    Ok((name, lf))
                } else {
                    Ok(("".to_string(), lf))
                }
            },
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_offset,
                with_offset_alias: _,
                with_ordinality,
            } => {
                if let Some(alias) = alias {
                    let column_names: Vec<Option<PlSmallStr>> = alias
                        .columns
                        .iter()
                        .map(|c| {
                            if c.name.value.is_empty() {
                                None
                            } else {
                                Some(PlSmallStr::from_str(c.name.value.as_str()))
                            }
                        })
                        .collect();

                    let column_values: Vec<Series> = array_exprs
                        .iter()
                        .map(|arr| parse_sql_array(arr, self))
                        .collect::<Result<_, _>>()?;

                    polars_ensure!(!column_names.is_empty(),
                        SQLSyntax:
                        "UNNEST table alias must also declare column names, eg: {} (a,b,c)", alias.name.to_string()
                    );
                    if column_names.len() != column_values.len() {
                        let plural = if column_values.len() > 1 { "s" } else { "" };
                        polars_bail!(
                            SQLSyntax:
                            "UNNEST table alias requires {} column name{}, found {}", column_values.len(), plural, column_names.len()
                        );
                    }
                    let column_series: Vec<Column> = column_values
                        .into_iter()
                        .zip(column_names)
                        .map(|(s, name)| {
                            if let Some(name) = name {
                                s.with_name(name)
                            } else {
                                s
                            }
                        })
                        .map(Column::from)
                        .collect();

                    let lf = DataFrame::new_infer_height(column_series)?.lazy();

                    if *with_offset || *with_ordinality {
                        // TODO: support 'WITH ORDINALITY|OFFSET' modifier.
                        polars_bail!(SQLInterface: "UNNEST tables do not (yet) support WITH ORDINALITY|OFFSET");
                    }
                    let table_name = alias.name.value.clone();
                    self.from_item_frames.insert(table_name.clone(), lf.clone());
                    Ok((table_name, lf))
                } else {
                    polars_bail!(SQLSyntax: "UNNEST table must have an alias");
                }
            },
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                // Only an alias makes the parenthesized join a scope of its own; bare parens
                // just group, so their relation aliases stay visible to the enclosing query.
                match alias {
                    Some(alias) => {
                        let lf = self
                            .execute_isolated(|ctx| ctx.execute_from_statement(table_with_joins))?;
                        let lf = self.rename_columns_from_table_alias(lf, alias)?;
                        let name = alias.name.value.clone();
                        self.from_item_frames.insert(name.clone(), lf.clone());
                        Ok((name, lf))
                    },
                    None => Ok((
                        String::new(),
                        self.execute_from_statement(table_with_joins)?,
                    )),
                }
            },
            // Support bare table, optionally with an alias, for now
            _ => polars_bail!(SQLInterface: "not yet implemented: {}", relation),
        }
    }

    fn execute_table_function(
        &mut self,
        name: &ObjectName,
        alias: &Option<TableAlias>,
        args: &[FunctionArg],
    ) -> PolarsResult<(String, LazyFrame)> {
        let tbl_fn = object_name_to_string(name);
        let tbl_fn = tbl_fn.as_str();
        let read_fn = tbl_fn.parse::<PolarsTableFunctions>()?;
        let (tbl_name, mut lf) = read_fn.execute(args, self)?;
        let tbl_name = match alias {
            Some(alias) => {
                lf = self.rename_columns_from_table_alias(lf, alias)?;
                alias.name.value.clone()
            },
            None => tbl_name,
        };
        self.from_item_frames.insert(tbl_name.clone(), lf.clone());
        Ok((tbl_name, lf))
    }

    fn process_order_by(
        &mut self,
        mut lf: LazyFrame,
        order_by: &Option<OrderBy>,
        selected: Option<&[Expr]>,
    ) -> PolarsResult<LazyFrame> {
        if order_by.as_ref().is_none_or(|ob| match &ob.kind {
            OrderByKind::Expressions(exprs) => exprs.is_empty(),
            OrderByKind::All(_) => false,
        }) {
            return Ok(lf);
        }
        let schema = self.get_frame_schema(&mut lf)?;
        let columns_iter = schema.iter_names().map(|e| col(e.clone()));
        let (order_by, order_by_all, n_order_cols) = match &order_by.as_ref().unwrap().kind {
            OrderByKind::Expressions(exprs) => {
                // TODO: will look at making an upstream PR that allows us to more easily
                //  create a GenericDialect variant supporting "OrderByKind::All" instead
                if exprs.len() == 1
                    && matches!(&exprs[0].expr, SQLExpr::Identifier(ident)
                        if ident.value.to_uppercase() == "ALL"
                        && !schema.iter_names().any(|name| name.to_uppercase() == "ALL"))
                {
                    // Treat as ORDER BY ALL
                    let n_cols = if let Some(selected) = selected {
                        selected.len()
                    } else {
                        schema.len()
                    };
                    (vec![], Some(&exprs[0].options), n_cols)
                } else {
                    (exprs.clone(), None, exprs.len())
                }
            },
            OrderByKind::All(opts) => {
                let n_cols = if let Some(selected) = selected {
                    selected.len()
                } else {
                    schema.len()
                };
                (vec![], Some(opts), n_cols)
            },
        };
        let mut descending = Vec::with_capacity(n_order_cols);
        let mut nulls_last = Vec::with_capacity(n_order_cols);
        let mut by: Vec<Expr> = Vec::with_capacity(n_order_cols);

        if let Some(opts) = order_by_all {
            if let Some(selected) = selected {
                by.extend(selected.iter().cloned());
            } else {
                by.extend(columns_iter);
            };
            let options = order_by_sort_options(opts);
            nulls_last.resize(by.len(), options.nulls_last);
            descending.resize(by.len(), options.descending);
        } else {
            let columns = &columns_iter.collect::<Vec<_>>();
            // A fresh set: the final projection has already dropped the columns any
            // earlier pass materialised.
            let mut bindings = SubqueryBindings::new();
            for ob in order_by {
                let options = order_by_sort_options(&ob.options);
                nulls_last.push(options.nulls_last);
                descending.push(options.descending);

                let lowered;
                (lf, lowered) = self.lower_correlated_subqueries(
                    lf,
                    &schema,
                    &ob.expr,
                    LowerScope::ScalarAndPredicates,
                    &mut bindings,
                    None,
                )?;

                // The lowered expression reads the columns that lowering added.
                let lowered_schema = match &lowered {
                    Cow::Owned(_) => self.get_frame_schema(&mut lf)?,
                    Cow::Borrowed(_) => schema.clone(),
                };
                // translate order expression, allowing ordinal values
                by.push(self.marking_aggregates(|ctx| {
                    ctx.expr_or_ordinal(
                        &lowered,
                        columns,
                        selected,
                        Some(&lowered_schema),
                        "ORDER BY",
                    )
                })?)
            }
        }

        let mut by: Vec<Expr> = by.into_iter().map(strip_aggregate_marks).collect();
        let subquery_names;
        (lf, subquery_names) =
            self.process_subqueries(lf, by.iter_mut().collect(), SubqueryShape::Broadcast)?;

        let sorted = lf.sort_by_exprs(
            &by,
            SortMultipleOptions::default()
                .with_order_descending_multi(descending)
                .with_nulls_last_multi(nulls_last),
        );
        Ok(drop_subquery_placeholders(sorted, subquery_names))
    }

    /// Point every aggregate restated in `ORDER BY` at the column that holds it.
    ///
    /// One the `SELECT` list already computes is reached by its output name;
    /// any other is returned for the `GROUP BY` to add.
    fn resolve_order_by_aggregates(
        &mut self,
        order_by: &Option<OrderBy>,
        projections: &[Expr],
        schema: &Schema,
        stored_keys: &[(Expr, PlSmallStr)],
    ) -> PolarsResult<ResolvedOrderBy> {
        let mut clause = order_by.clone();
        let mut extra: Vec<(PlSmallStr, Expr)> = Vec::new();

        if let Some(OrderBy {
            kind: OrderByKind::Expressions(exprs),
            ..
        }) = &mut clause
        {
            let output_names = OutputNames::new(projections, schema, schema);
            let output_schema = output_names.extend_schema(schema);
            for ob in exprs {
                // Anything without an aggregate or a computed key already resolves
                // against the aggregated frame.
                let Ok(parsed) = self
                    .marking_aggregates(|ctx| parse_sql_expr(&ob.expr, ctx, Some(&output_schema)))
                else {
                    continue;
                };
                if !has_expr(&parsed, |e| {
                    is_marked_aggregate(e)
                        || matches!(e, Expr::Agg(_) | Expr::Len)
                        || stored_keys.iter().any(|(key, _)| key == e)
                }) {
                    continue;
                }
                let parsed = output_names.resolve(strip_outer_alias(&parsed));
                let name = match projections.iter().find(|p| strip_outer_alias(p) == parsed) {
                    Some(projection) => projection.to_field(schema)?.name,
                    None => {
                        let name = format_pl_smallstr!("__POLARS_ORDERAGG_{}", extra.len());
                        extra.push((name.clone(), parsed.alias(name.clone())));
                        name
                    },
                };
                ob.expr = SQLExpr::Identifier(Ident::new(name.as_str()));
            }
        }
        Ok((clause, extra))
    }

    /// Translate one `GROUP BY` item, resolving SELECT aliases and, for the clause
    /// itself, ordinal values. A `GROUPING()` argument is an expression to match
    /// against the keys, so an integer there is a literal.
    fn resolve_group_by_key(
        &mut self,
        e: &SQLExpr,
        projections: &[Expr],
        schema: &Schema,
        allow_ordinal: bool,
    ) -> PolarsResult<Expr> {
        let resolve = |ctx: &mut Self, e: &SQLExpr| {
            if allow_ordinal {
                ctx.expr_or_ordinal(e, projections, None, Some(schema), "GROUP BY")
            } else {
                parse_sql_expr(e, ctx, Some(schema))
            }
        };
        match e {
            SQLExpr::Identifier(ident) => {
                match resolve_select_alias(&ident.value, projections, schema) {
                    Some(aliased) => Ok(aliased),
                    None => resolve(self, e),
                }
            },
            // Drop the alias that restores the unqualified name, so two
            // relations sharing a column name give distinct keys.
            SQLExpr::CompoundIdentifier(_) => resolve(self, e).map(|e| strip_outer_alias(&e)),
            _ => resolve(self, e),
        }
    }

    /// Bind the grouping sets and every `GROUPING()` call of the block to the
    /// resolved keys. A plain `GROUP BY` that uses `GROUPING()` is a single set
    /// holding every key.
    fn bind_grouping_sets(
        &mut self,
        group_by_keys: &[Expr],
        grouping_sets: Option<Vec<Vec<usize>>>,
        projections: &[Expr],
        schema: &Schema,
        order_by: &Option<OrderBy>,
    ) -> PolarsResult<Option<GroupingSets>> {
        // Calls in clauses parsed after aggregation must be registered before the
        // branches are built; their validation happens when those clauses are parsed.
        let order_by_exprs = match order_by {
            Some(OrderBy {
                kind: OrderByKind::Expressions(exprs),
                ..
            }) => exprs.iter().map(|ob| &ob.expr).collect(),
            _ => vec![],
        };
        for expr in order_by_exprs {
            for args in collect_grouping_calls(expr) {
                self.register_grouping_call(args);
            }
        }
        let sets = match grouping_sets {
            Some(sets) => sets,
            None if self.group_scope.grouping_calls.is_empty() => return Ok(None),
            None => vec![(0..group_by_keys.len()).collect()],
        };
        // Later parses of the same calls must still find these registrations.
        let calls = std::mem::take(&mut self.group_scope.grouping_calls);
        let resolved_args = calls
            .iter()
            .map(|call| {
                call.args
                    .iter()
                    .map(|arg| self.resolve_group_by_key(arg, projections, schema, false))
                    .collect::<PolarsResult<Vec<_>>>()
            })
            .collect::<PolarsResult<Vec<_>>>();
        self.group_scope.grouping_calls = calls;
        let grouping = GroupingSets::new(
            group_by_keys.to_vec(),
            sets,
            &self.group_scope.grouping_calls,
            resolved_args?,
        )?;
        Ok(Some(grouping))
    }

    #[allow(clippy::too_many_arguments)]
    fn process_group_by(
        &mut self,
        mut lf: LazyFrame,
        group_by_keys: &[Expr],
        projections: Vec<Expr>,
        explicit_aliases: &[bool],
        having: Option<Expr>,
        qualify: Option<(PlSmallStr, Expr)>,
        order_by: &Option<OrderBy>,
        grouping: Option<&GroupingSets>,
        subquery_names: &PlHashSet<PlSmallStr>,
    ) -> PolarsResult<(LazyFrame, Vec<PlSmallStr>, Option<OrderBy>)> {
        // Ordinary grouping stores each computed key in a hidden column. The other
        // expressions read that column, as the key's output name can be taken by
        // an input column or by another key.
        let mut stored_keys: Vec<(Expr, PlSmallStr)> = Vec::new();
        let column_keys: Vec<Expr>;
        let group_by_keys = if grouping.is_none() {
            let mut prepared = Vec::new();
            column_keys = group_by_keys
                .iter()
                .map(|key| {
                    let stripped = strip_outer_alias(key);
                    if matches!(stripped, Expr::Column(_)) || is_constant(&stripped) {
                        return key.clone();
                    }
                    let name = unique_column_name();
                    prepared.push(stripped.clone().alias(name.clone()));
                    stored_keys.push((stripped, name.clone()));
                    col(name)
                })
                .collect();
            if !prepared.is_empty() {
                lf = lf.with_columns(prepared);
            }
            &column_keys[..]
        } else {
            group_by_keys
        };
        let mut schema_before = self.get_frame_schema(&mut lf)?;
        let key_schema =
            expressions_to_schema(group_by_keys, &schema_before, |duplicate_name: &str| {
                format!("group_by keys contained duplicate output name '{duplicate_name}'")
            })?;
        if let Some(grouping) = grouping {
            stored_keys = grouping.stored_keys(&key_schema);
        }
        let mut group_by_keys_schema = key_schema.clone();
        // Columns the parsed expressions may name before the aggregation resolves them:
        // the whole-frame window partition, and `GROUPING()` values, which are
        // per-set constants the projections treat like group keys.
        let whole_frame_partition = self.group_scope.whole_frame_partition.clone();
        let placeholders: Vec<PlSmallStr> = grouping
            .map(|g| g.placeholders().cloned().collect())
            .unwrap_or_default();
        if whole_frame_partition.is_some() || !placeholders.is_empty() {
            let mut extended = Arc::unwrap_or_clone(schema_before);
            if let Some(partition) = &whole_frame_partition {
                extended.with_column(partition.clone(), DataType::Int32);
            }
            for placeholder in &placeholders {
                extended.with_column(placeholder.clone(), DataType::Int64);
                group_by_keys_schema.with_column(placeholder.clone(), DataType::Int64);
            }
            schema_before = Arc::new(extended);
        }

        // Disambiguate SELECT-list output-name collisions.
        let projections = disambiguate_output_names(
            projections
                .into_iter()
                .zip(explicit_aliases.iter().copied())
                .collect(),
            &schema_before,
        )?;
        // Hidden output columns: the ORDER BY items with aggregates or computed keys, and
        // the QUALIFY predicate that the block filters on after the aggregation.
        let (order_by, mut extra_projections) =
            self.resolve_order_by_aggregates(order_by, &projections, &schema_before, &stored_keys)?;
        let projections = if grouping.is_none() && !stored_keys.is_empty() {
            projections
                .into_iter()
                .map(|p| {
                    let stripped = strip_outer_alias(&p);
                    let bound = bind_stored_keys(stripped.clone(), &stored_keys);
                    Ok(if bound == stripped {
                        p
                    } else {
                        bound.alias(p.to_field(&schema_before)?.name)
                    })
                })
                .collect::<PolarsResult<Vec<_>>>()?
        } else {
            projections
        };

        let projections: Vec<Expr> = projections
            .into_iter()
            .map(reduce_correlated_cols_in_group_context)
            .collect();

        // Note: HAVING is evaluated in the group context (`group_by().having(...)` for
        // ordinary grouping, a post-union filter for grouping sets), so any reference
        // to a SELECT alias is resolved to the aggregate it names.
        let mut having = having.map(|having_expr| {
            let having_expr = having_expr.map_expr(|e| match &e {
                Expr::Column(name) => resolve_select_alias(name, &projections, &schema_before)
                    .map_or(e, |resolved| strip_outer_alias(&resolved)),
                _ => e,
            });
            let having_expr = match grouping {
                // Grouping sets bind the keys once HAVING runs on the combined rows.
                Some(_) => having_expr,
                None => bind_stored_keys(having_expr, &stored_keys),
            };
            reduce_correlated_cols_in_group_context(having_expr)
        });

        // Resolve scalar subqueries in HAVING and the ORDER BY aggregates against the
        // pre-aggregation frame.
        let new_subquery_names;
        let mut exprs: Vec<&mut Expr> = extra_projections.iter_mut().map(|(_, e)| e).collect();
        exprs.extend(having.as_mut());
        (lf, new_subquery_names) = self.process_subqueries(lf, exprs, SubqueryShape::Scalar)?;
        if !new_subquery_names.is_empty() {
            let schema = self.get_frame_schema(&mut lf)?;
            let schema_before = Arc::make_mut(&mut schema_before);
            for name in &new_subquery_names {
                schema_before.with_column(name.clone(), schema.get(name).unwrap().clone());
            }
        }
        for e in extra_projections
            .iter_mut()
            .map(|(_, e)| e)
            .chain(having.as_mut())
        {
            *e = broadcast_subqueries_in_inputs(
                e.clone(),
                &new_subquery_names,
                &self.group_scope.subqueries_read_per_row,
            );
        }
        let mut subquery_names = subquery_names.clone();
        subquery_names.extend(new_subquery_names);

        extra_projections
            .extend(qualify.map(|(name, e)| (name, reduce_correlated_cols_in_group_context(e))));

        // Note: remove the `group_by` keys as Polars adds those implicitly.
        let mut aliased_aggregations: PlHashMap<PlSmallStr, PlSmallStr> = PlHashMap::new();
        let mut post_agg_projection: Vec<Expr> = Vec::new();
        let mut projection_overrides = PlHashMap::with_capacity(projections.len());
        let mut projection_aliases = PlHashSet::new();
        let mut group_key_aliases = PlHashSet::new();

        // Pre-compute group key data (alias-stripped expression + aggregated output
        // name) to avoid repeated work matching projections against the group keys
        let group_key_data: Vec<_> = group_by_keys
            .iter()
            .map(|gk| {
                (
                    strip_outer_alias(gk),
                    gk.to_field(&schema_before).ok().map(|f| f.name),
                )
            })
            .collect();

        // ORDER BY extras were parsed above and may have registered the partition.
        let whole_frame_partition = self.group_scope.whole_frame_partition.clone();
        let mut splitter = GroupContextSplitter {
            keys: &group_by_keys_schema,
            key_exprs: group_key_data
                .iter()
                .filter_map(|(key, name)| Some((key.clone(), name.clone()?)))
                .chain(match grouping {
                    Some(_) => vec![],
                    None => stored_keys.clone(),
                })
                .collect(),
            whole_frame_partition: whole_frame_partition.as_ref(),
            subquery_names: &subquery_names,
            subqueries_after_aggregation: grouping.is_none() && group_by_keys.is_empty(),
            subqueries_read_after: PlIndexSet::new(),
            aggregates: AggregateOutputs::with_capacity(projections.len()),
        };
        if let Some(having) = &having {
            splitter.check_columns_per_group(having)?;
        }
        // Post-aggregation expressions read computed keys from their stored columns.
        let bind_keys = |e: Expr| bind_stored_keys(e, &stored_keys);

        let projection_group_key: Vec<Option<PlSmallStr>> = projections
            .iter()
            .map(|p| {
                let p_stripped = strip_outer_alias(p);
                group_key_data.iter().find_map(|(gk_stripped, gk_name)| {
                    (*gk_stripped == p_stripped)
                        .then(|| gk_name.clone())
                        .flatten()
                })
            })
            .collect();

        for (e, group_key) in projections.iter().zip(&projection_group_key) {
            let matches_group_key = group_key.is_some();
            let is_non_group_key_expr = !matches_group_key && splitter.requires_group_processing(e);

            // Note: if simple aliased expression we defer aliasing until after the group_by.
            // Use `e_inner` to track the potentially unwrapped expression for field lookup.
            let mut e_inner = e;
            if let Expr::Alias(expr, alias) = e {
                if e.clone().meta().is_simple_projection(Some(&schema_before)) {
                    group_key_aliases.insert(alias.as_ref());
                    e_inner = expr
                } else if let Expr::Function {
                    function: FunctionExpr::StructExpr(StructFunction::FieldByName(name)),
                    ..
                } = expr.deref()
                {
                    projection_overrides
                        .insert(alias.as_ref(), col(name.clone()).alias(alias.clone()));
                } else if !is_non_group_key_expr && !group_by_keys_schema.contains(alias) {
                    projection_aliases.insert(alias.as_ref());
                }
            }
            let field = e_inner.to_field(&schema_before)?;
            if is_non_group_key_expr {
                splitter.check_columns_per_group(e)?;
                // Window functions run on the aggregated frame; only the aggregates
                // inside them run in the group context. The same holds for anything
                // combining aggregates with grouped keys or `GROUPING()` values.
                let bound = bind_keys(strip_outer_alias(e));
                if splitter.needs_post_aggregation(&bound) {
                    let post_agg_expr = splitter.hoist(bound)?;
                    post_agg_projection.push(post_agg_expr.alias(field.name.clone()));
                    continue;
                }
                let mut e = e.clone();
                // If aggregation colname conflicts with a group key,
                // alias it to avoid duplicate/mis-tracked columns
                if group_by_keys_schema.get(&field.name).is_some() {
                    let alias_name = format_pl_smallstr!("__POLARS_AGG_{}", field.name);
                    e = e.alias(alias_name.clone());
                    aliased_aggregations.insert(field.name.clone(), alias_name);
                }
                splitter.aggregates.push(e);
            } else if !matches_group_key {
                // Non-aggregated columns must be part of the GROUP BY clause
                if let Expr::Column(_)
                | Expr::Function {
                    function: FunctionExpr::StructExpr(StructFunction::FieldByName(_)),
                    ..
                } = e_inner
                {
                    if !group_by_keys_schema.contains(&field.name) {
                        polars_bail!(SQLSyntax: "'{}' should participate in the GROUP BY clause or an aggregate function", &field.name);
                    }
                } else {
                    splitter.check_columns_per_group(e_inner)?;
                }
            }
        }

        for (name, e) in &extra_projections {
            let bound = bind_keys(strip_outer_alias(e));
            if splitter.needs_post_aggregation(&bound) {
                let rest = splitter.hoist(bound)?;
                post_agg_projection.push(rest.alias(name.clone()));
            } else if !splitter.requires_group_processing(&bound) {
                post_agg_projection.push(bound.alias(name.clone()));
            } else {
                splitter.aggregates.push(e.clone());
            }
        }

        if let Some(grouping) = grouping {
            polars_ensure!(
                !splitter.aggregates.iter().any(|e| grouping.contains_placeholder(e)),
                SQLSyntax: "GROUPING() cannot be used inside an aggregate function"
            );
        }

        let aggregated = match grouping {
            None if group_by_keys.is_empty() => {
                // Without GROUP BY there is one aggregated row, which HAVING filters.
                let having = having.map(|having| splitter.hoist(having)).transpose()?;
                let mut aggregates = splitter.aggregates.into_exprs();
                // The row also exists when nothing is aggregated, as in `SELECT 1 ... HAVING`.
                if aggregates.is_empty() {
                    aggregates.push(len());
                }
                let mut aggregated = lf.select(aggregates);
                if !splitter.subqueries_read_after.is_empty() {
                    let mut frames = vec![aggregated];
                    frames.extend(
                        splitter
                            .subqueries_read_after
                            .iter()
                            .map(|name| self.group_scope.subquery_plans[name].clone()),
                    );
                    aggregated = concat_lf_horizontal(
                        frames,
                        HConcatOptions {
                            broadcast_unit_length: true,
                            ..Default::default()
                        },
                    )?;
                }
                match having {
                    Some(having) => aggregated.filter(having.cast(DataType::Boolean)),
                    None => aggregated,
                }
            },
            None => {
                // With a column key, every group has a row. A group-by on scalar keys only runs
                // as a select over all rows, which may be none.
                let has_column_key = group_by_keys
                    .iter()
                    .any(|key| matches!(strip_outer_alias(key), Expr::Column(_)));
                let in_groups = |e: Expr| {
                    if has_column_key {
                        assume_groups_have_rows(e)
                    } else {
                        e
                    }
                };
                let group_by = lf.group_by(group_by_keys);
                match having {
                    Some(having) => group_by.having(in_groups(strip_aggregate_marks(
                        splitter.read_keys_per_group(having),
                    ))),
                    None => group_by,
                }
                .agg(
                    splitter
                        .aggregates
                        .into_exprs()
                        .into_iter()
                        .map(in_groups)
                        .collect::<Vec<_>>(),
                )
            },
            Some(grouping) => {
                // HAVING runs on the combined rows, where it can also see `GROUPING()`.
                let having = having
                    .map(|having| {
                        let having = bind_stored_keys(having, &stored_keys);
                        splitter.hoist(having)
                    })
                    .transpose()?;
                let aggregation_projection = splitter.aggregates.into_exprs();
                let agg_names = aggregation_projection
                    .iter()
                    .map(|e| Ok(e.to_field(&schema_before)?.name))
                    .collect::<PolarsResult<Vec<_>>>()?;
                let aggregated =
                    grouping.aggregate(lf, &key_schema, &aggregation_projection, &agg_names)?;
                match having {
                    Some(having) => aggregated.filter(having.cast(DataType::Boolean)),
                    None => aggregated,
                }
            },
        };

        let aggregated = if post_agg_projection.is_empty() {
            aggregated
        } else {
            aggregated.with_columns(&post_agg_projection)
        };

        let projection_schema =
            expressions_to_schema(&projections, &schema_before, |duplicate_name: &str| {
                format!("group_by aggregations contained duplicate output name '{duplicate_name}'")
            })?;

        // A final projection to get the proper order and any deferred transforms/aliases
        // (will also drop any temporary columns created for the HAVING post-filter)
        let final_projection = projection_schema
            .iter_names()
            .zip(projections.iter().zip(&projection_group_key))
            .map(|(name, (projection_expr, group_key))| {
                if let Some(expr) = projection_overrides.get(name.as_str()) {
                    expr.clone()
                } else if let Some(aliased_name) = aliased_aggregations.get(name) {
                    col(aliased_name.clone()).alias(name.clone())
                } else if let Some(key_name) = group_key {
                    // projection is a group key; reference aggregated key col rather than
                    // re-evaluating against aggregated frame (incorrect for computed keys)
                    if key_name == name {
                        col(name.clone())
                    } else {
                        col(key_name.clone()).alias(name.clone())
                    }
                } else if group_by_keys_schema.get(name).is_some()
                    || projection_aliases.contains(name.as_str())
                    || group_key_aliases.contains(name.as_str())
                {
                    if has_expr(projection_expr, |e| {
                        matches!(e, Expr::Agg(_) | Expr::Len | Expr::Over { .. })
                    }) {
                        col(name.clone())
                    } else {
                        bind_keys(projection_expr.clone())
                    }
                } else if is_constant(projection_expr) {
                    // Constants are not part of the aggregation; re-evaluate them.
                    projection_expr.clone()
                } else {
                    col(name.clone())
                }
            })
            .collect::<Vec<_>>();

        // Include original GROUP BY columns for ORDER BY access (if aliased).
        let mut output_projection = final_projection;
        let mut output_names: Vec<PlSmallStr> = projection_schema.iter_names_cloned().collect();
        let mut push_hidden = |expr: Expr, name: PlSmallStr| {
            output_projection.push(expr);
            output_names.push(name);
        };
        for (name, _) in &extra_projections {
            push_hidden(col(name.clone()), name.clone());
        }
        for key_name in group_by_keys_schema.iter_names() {
            if !projection_schema.contains(key_name) {
                // Original col name not in output - add for ORDER BY access
                push_hidden(col(key_name.clone()), key_name.clone());
            } else if group_by_keys.iter().any(|k| is_simple_col_ref(k, key_name)) {
                // Original col name in output - check if cross-aliased
                let is_cross_aliased = projection_schema
                    .iter_names()
                    .zip(projections.iter())
                    .any(|(name, p)| name == key_name && !is_simple_col_ref(p, key_name));
                if is_cross_aliased {
                    // Add original name under a prefixed alias for subsequent ORDER BY resolution
                    let internal_name = format_pl_smallstr!("__POLARS_ORIG_{}", key_name);
                    push_hidden(
                        col(key_name.clone()).alias(internal_name.clone()),
                        internal_name,
                    );
                }
            }
        }
        // A literal-only projection (`SELECT 1 ... GROUP BY ()` or `SELECT 1 ... HAVING`)
        // must keep the height of the aggregated rows, so the columns are added before the
        // frame is narrowed.
        let projected = if grouping.is_some() || group_by_keys.is_empty() {
            aggregated
                .with_columns(&output_projection)
                .select(output_names.into_iter().map(col).collect::<Vec<_>>())
        } else {
            aggregated.select(&output_projection)
        };
        Ok((
            projected,
            projection_schema.iter_names_cloned().collect(),
            order_by,
        ))
    }

    fn process_limit_offset(
        &self,
        lf: LazyFrame,
        limit_clause: &Option<LimitClause>,
        fetch: &Option<Fetch>,
    ) -> PolarsResult<LazyFrame> {
        // Extract limit and offset from LimitClause
        let (limit, offset) = match limit_clause {
            Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) => {
                if !limit_by.is_empty() {
                    // TODO: might be able to support as an aggregate `top_k_by` operation?
                    //  (https://clickhouse.com/docs/sql-reference/statements/select/limit-by)
                    polars_bail!(SQLSyntax: "`LIMIT <n> BY <exprs>` clause is not supported");
                }
                (limit.as_ref(), offset.as_ref().map(|o| &o.value))
            },
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => (Some(limit), Some(offset)),
            None => (None, None),
        };

        // Handle FETCH clause (alternative to LIMIT, mutually exclusive)
        let limit = match (fetch, limit) {
            (Some(fetch), None) => fetch.quantity.as_ref(),
            (Some(_), Some(_)) => {
                polars_bail!(SQLSyntax: "cannot use both `LIMIT` and `FETCH` in the same query")
            },
            (None, limit) => limit,
        };

        // Apply limit and/or offset
        match (offset, limit) {
            (
                Some(SQLExpr::Value(ValueWithSpan {
                    value: SQLValue::Number(offset, _),
                    ..
                })),
                Some(SQLExpr::Value(ValueWithSpan {
                    value: SQLValue::Number(limit, _),
                    ..
                })),
            ) => Ok(lf.slice(
                offset
                    .parse()
                    .map_err(|e| polars_err!(SQLInterface: "OFFSET conversion error: {}", e))?,
                limit.parse().map_err(
                    |e| polars_err!(SQLInterface: "LIMIT/FETCH conversion error: {}", e),
                )?,
            )),
            (
                Some(SQLExpr::Value(ValueWithSpan {
                    value: SQLValue::Number(offset, _),
                    ..
                })),
                None,
            ) => Ok(lf.slice(
                offset
                    .parse()
                    .map_err(|e| polars_err!(SQLInterface: "OFFSET conversion error: {}", e))?,
                IdxSize::MAX,
            )),
            (
                None,
                Some(SQLExpr::Value(ValueWithSpan {
                    value: SQLValue::Number(limit, _),
                    ..
                })),
            ) => {
                Ok(lf.limit(limit.parse().map_err(
                    |e| polars_err!(SQLInterface: "LIMIT/FETCH conversion error: {}", e),
                )?))
            },
            (None, None) => Ok(lf),
            _ => polars_bail!(
                SQLSyntax: "non-numeric arguments for LIMIT/OFFSET/FETCH are not supported",
            ),
        }
    }

    fn process_qualified_wildcard(
        &mut self,
        ObjectName(idents): &ObjectName,
        options: &WildcardAdditionalOptions,
        schema: &Schema,
    ) -> PolarsResult<Vec<Expr>> {
        let mut idents_with_wildcard: Vec<Ident> = idents
            .iter()
            .filter_map(|p| p.as_ident().cloned())
            .collect();
        idents_with_wildcard.push(Ident::new("*"));

        let exprs = resolve_compound_identifier(self, &idents_with_wildcard, Some(schema))?;
        self.process_wildcard_additional_options(exprs, options, schema)
    }

    /// Apply the options of a wildcard to the columns it selects, in this order: `EXCLUDE`,
    /// `EXCEPT` and `ILIKE` drop columns, then `REPLACE` changes them, then `RENAME` renames
    /// them.
    fn process_wildcard_additional_options(
        &mut self,
        exprs: Vec<Expr>,
        options: &WildcardAdditionalOptions,
        schema: &Schema,
    ) -> PolarsResult<Vec<Expr>> {
        if options.opt_except.is_some() && options.opt_exclude.is_some() {
            polars_bail!(SQLInterface: "EXCLUDE and EXCEPT wildcard options cannot be used together (prefer EXCLUDE)")
        } else if options.opt_exclude.is_some() && options.opt_ilike.is_some() {
            polars_bail!(SQLInterface: "EXCLUDE and ILIKE wildcard options cannot be used together")
        }

        // SELECT * EXCLUDE
        let mut exclude = PlHashSet::new();
        if let Some(items) = &options.opt_exclude {
            match items {
                ExcludeSelectItem::Single(name) => {
                    exclude.insert(object_name_to_string(name));
                },
                ExcludeSelectItem::Multiple(names) => {
                    exclude.extend(names.iter().map(object_name_to_string));
                },
            };
        }

        // SELECT * EXCEPT
        if let Some(items) = &options.opt_except {
            exclude.insert(items.first_element.value.clone());
            exclude.extend(items.additional_elements.iter().map(|i| i.value.clone()));
        }

        // SELECT * ILIKE
        let ilike = options.opt_ilike.as_ref().map(|item| {
            let rx = regex::escape(item.pattern.as_str())
                .replace('%', ".*")
                .replace('_', ".");
            polars_utils::regex_cache::compile_regex(format!("^(?is){rx}$").as_str()).unwrap()
        });

        // Each column keeps its name in the wildcard, also after a rename, so
        // `RENAME (a AS b, b AS c)` renames the input `b` and not the renamed `a`.
        let mut named_exprs = Vec::with_capacity(exprs.len());
        for expr in exprs {
            let name = expr.to_field(schema)?.name;
            if !exclude.contains(name.as_str())
                && ilike.as_ref().is_none_or(|rx| rx.is_match(&name))
            {
                named_exprs.push((name, expr));
            }
        }

        // SELECT * REPLACE
        if let Some(replacements) = &options.opt_replace {
            for rp in &replacements.items {
                let name = rp.column_name.value.as_str();
                let Some((_, expr)) = named_exprs.iter_mut().find(|(n, _)| n == name) else {
                    polars_bail!(SQLSyntax: "REPLACE column '{}' is not selected by the wildcard", name)
                };
                *expr = parse_sql_expr(&rp.expr, self, Some(schema))?.alias(name);
            }
        }

        // SELECT * RENAME
        if let Some(items) = &options.opt_rename {
            let renames = match items {
                RenameSelectItem::Single(rename) => std::slice::from_ref(rename),
                RenameSelectItem::Multiple(renames) => renames.as_slice(),
            };
            for rn in renames {
                let before = rn.ident.value.as_str();
                if let Some((_, expr)) = named_exprs.iter_mut().find(|(n, _)| n == before) {
                    *expr = strip_outer_alias(expr).alias(rn.alias.value.as_str());
                }
            }
        }
        Ok(named_exprs.into_iter().map(|(_, expr)| expr).collect())
    }

    fn rename_columns_from_table_alias(
        &mut self,
        mut lf: LazyFrame,
        alias: &TableAlias,
    ) -> PolarsResult<LazyFrame> {
        if alias.columns.is_empty() {
            Ok(lf)
        } else {
            let schema = self.get_frame_schema(&mut lf)?;
            if alias.columns.len() != schema.len() {
                polars_bail!(
                    SQLSyntax: "number of columns ({}) in alias '{}' does not match the number of columns in the table/query ({})",
                    alias.columns.len(), alias.name.value, schema.len()
                )
            } else {
                let existing_columns: Vec<_> = schema.iter_names().collect();
                let new_columns: Vec<_> =
                    alias.columns.iter().map(|c| c.name.value.clone()).collect();
                Ok(lf.rename(existing_columns, new_columns, true))
            }
        }
    }
}

impl SQLContext {
    /// Create a new SQLContext from a table map. For internal use only
    pub fn new_from_table_map(table_map: PlHashMap<String, LazyFrame>) -> Self {
        Self {
            table_map: Arc::new(RwLock::new(table_map)),
            ..Default::default()
        }
    }
}

fn expand_exprs(expr: Expr, schema: &SchemaRef) -> Vec<Expr> {
    match expr {
        Expr::Column(nm) if is_regex_colname(nm.as_str()) => {
            let re = polars_utils::regex_cache::compile_regex(&nm).unwrap();
            schema
                .iter_names()
                .filter(|name| re.is_match(name))
                .map(|name| col(name.clone()))
                .collect::<Vec<_>>()
        },
        Expr::Selector(s) => s
            .into_columns(schema, &Default::default())
            .unwrap()
            .into_iter()
            .map(col)
            .collect::<Vec<_>>(),
        _ => vec![expr],
    }
}

fn is_regex_colname(nm: &str) -> bool {
    nm.starts_with('^') && nm.ends_with('$')
}

/// Render an `ObjectName` (dot-separated identifier parts) back to a string.
pub(crate) fn object_name_to_string(name: &ObjectName) -> String {
    name.0
        .iter()
        .filter_map(|p| p.as_ident())
        .map(|i| i.value.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// Join identifier parts with dots, as relation names are spelled.
pub(crate) fn join_idents(idents: &[Ident]) -> String {
    idents
        .iter()
        .map(|i| i.value.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether `qualifier` names `relation`: the whole name or a trailing run of its dot-separated
/// parts (`lineitem` and `tpch.lineitem` both name `tpch.lineitem`), ignoring case.
fn qualifier_names(relation: &str, qualifier: &str) -> bool {
    let Some(start) = relation.len().checked_sub(qualifier.len()) else {
        return false;
    };
    (start == 0 || relation.as_bytes()[start - 1] == b'.')
        && relation
            .get(start..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(qualifier))
}

/// A relation's name in scope, in the parts `FROM` wrote: an alias or a quoted `"a.b"` is one
/// part, `tpch.lineitem` two. A catalog table, whose name is rewritten to its full name, is also
/// known by the name written for it at that place.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RelationName {
    parts: Vec<String>,
    written: Option<Vec<String>>,
}

impl RelationName {
    fn new(parts: Vec<String>) -> Self {
        Self {
            parts,
            written: None,
        }
    }

    pub(crate) fn parts(&self) -> &[String] {
        &self.parts
    }

    /// The dotted name, which looks the relation up and identifies it.
    pub(crate) fn key(&self) -> String {
        self.parts.join(".")
    }

    /// Add the name the statement wrote at `factor` for this catalog table.
    pub(crate) fn spelled(mut self, factor: &TableFactor, spellings: &CatalogSpellings) -> Self {
        if let TableFactor::Table {
            name, alias: None, ..
        } = factor
            && let Some(written) = name_position(name).and_then(|at| spellings.get(&at))
            && *written != self.parts
        {
            self.written = Some(written.clone());
        }
        self
    }

    /// Whether `qualifier` equals the trailing parts of one of the names, ignoring case unless
    /// `exact`.
    fn named_by(&self, qualifier: &[Ident], exact: bool) -> bool {
        let ends_with = |name: &[String]| {
            let Some(start) = name.len().checked_sub(qualifier.len()) else {
                return false;
            };
            name[start..].iter().zip(qualifier).all(|(part, ident)| {
                if exact {
                    *part == ident.value
                } else {
                    part.eq_ignore_ascii_case(&ident.value)
                }
            })
        };
        ends_with(&self.parts) || self.written.as_deref().is_some_and(ends_with)
    }
}

/// The relations that the longest leading run of `idents` (leaving at least one part) names,
/// with the run's length. Exact-case matches win over those equal only ignoring case.
pub(crate) fn match_qualifier<'a>(
    idents: &[Ident],
    relations: impl Iterator<Item = &'a RelationName> + Clone,
) -> Option<(Vec<&'a RelationName>, usize)> {
    (1..idents.len()).rev().find_map(|len| {
        let qualifier = &idents[..len];
        let matches: Vec<&RelationName> = relations
            .clone()
            .filter(|relation| relation.named_by(qualifier, false))
            .collect();
        let exact: Vec<&RelationName> = matches
            .iter()
            .copied()
            .filter(|relation| relation.named_by(qualifier, true))
            .collect();
        match (exact.is_empty(), matches.is_empty()) {
            (false, _) => Some((exact, len)),
            (true, false) => Some((matches, len)),
            (true, true) => None,
        }
    })
}

/// Error for a qualifier naming several relations in scope.
fn ambiguous_relation_err(qualifier: &str, relations: &[&RelationName]) -> PolarsError {
    let distinct: PlIndexSet<String> = relations.iter().map(|r| r.key()).collect();
    if distinct.len() < relations.len() {
        polars_err!(
            SQLInterface: "ambiguous reference to table \"{}\" (it appears more than once in FROM; give each an alias)",
            qualifier
        )
    } else {
        let names: Vec<String> = distinct.into_iter().collect();
        let (last, init) = names.split_last().unwrap();
        polars_err!(
            SQLInterface: "ambiguous reference to table \"{}\" (use: {} or {})",
            qualifier, init.join(", "), last
        )
    }
}

/// Casts an `ASOF JOIN` key pair to one dtype. Temporal keys of different dtypes become Int128
/// counts of the finest time unit: a common temporal dtype would lose either precision (with the
/// coarser unit) or range (with the finer unit).
#[cfg(feature = "asof_join")]
fn asof_key_pair(
    l: Expr,
    l_dtype: &DataType,
    r: Expr,
    r_dtype: &DataType,
) -> PolarsResult<(Expr, Expr)> {
    if l_dtype == r_dtype {
        return Ok((l, r));
    }
    let supertype = try_get_supertype(l_dtype, r_dtype)?;
    if !matches!(supertype, DataType::Datetime(..) | DataType::Duration(_)) {
        return Ok((l.cast(supertype.clone()), r.cast(supertype)));
    }
    let ticks_per_second = |tu: TimeUnit| -> i64 {
        match tu {
            TimeUnit::Nanoseconds => 1_000_000_000,
            TimeUnit::Microseconds => 1_000_000,
            TimeUnit::Milliseconds => 1_000,
        }
    };
    let unit = [l_dtype, r_dtype]
        .into_iter()
        .filter_map(|dtype| match dtype {
            DataType::Datetime(tu, _) | DataType::Duration(tu) => Some(*tu),
            _ => None,
        })
        .max_by_key(|tu| ticks_per_second(*tu))
        .unwrap_or(TimeUnit::Milliseconds);
    let to_ticks = |e: Expr, dtype: &DataType| -> Expr {
        let (e, ticks_per_value) = match (dtype, &supertype) {
            (DataType::Datetime(tu, _) | DataType::Duration(tu), _) => {
                (e, ticks_per_second(unit) / ticks_per_second(*tu))
            },
            // Milliseconds hold every date without overflow.
            (DataType::Date, DataType::Datetime(_, tz)) => (
                e.cast(DataType::Datetime(TimeUnit::Milliseconds, tz.clone())),
                ticks_per_second(unit) / ticks_per_second(TimeUnit::Milliseconds),
            ),
            (_, DataType::Datetime(_, tz)) => (e.cast(DataType::Datetime(unit, tz.clone())), 1),
            _ => (e.cast(DataType::Duration(unit)), 1),
        };
        e.to_physical().cast(DataType::Int128) * lit(ticks_per_value)
    };
    Ok((to_ticks(l, l_dtype), to_ticks(r, r_dtype)))
}

/// Extract column names from a USING clause in a JoinOperator (if present).
fn get_using_cols(op: &JoinOperator) -> Option<impl Iterator<Item = String> + '_> {
    use JoinOperator::*;
    match op {
        Join(JoinConstraint::Using(cols))
        | Inner(JoinConstraint::Using(cols))
        | Left(JoinConstraint::Using(cols))
        | LeftOuter(JoinConstraint::Using(cols))
        | Right(JoinConstraint::Using(cols))
        | RightOuter(JoinConstraint::Using(cols))
        | FullOuter(JoinConstraint::Using(cols))
        | Semi(JoinConstraint::Using(cols))
        | Anti(JoinConstraint::Using(cols))
        | LeftSemi(JoinConstraint::Using(cols))
        | LeftAnti(JoinConstraint::Using(cols))
        | RightSemi(JoinConstraint::Using(cols))
        | RightAnti(JoinConstraint::Using(cols))
        | AsOf {
            constraint: JoinConstraint::Using(cols),
            ..
        } => Some(cols.iter().filter_map(|c| {
            c.0.first()
                .and_then(|p| p.as_ident())
                .map(|i| i.value.clone())
        })),
        _ => None,
    }
}

/// Look up a relation name, falling back to the only case-insensitive match (error if several).
fn get_ignoring_case<'a, V>(
    map: &'a PlHashMap<String, V>,
    name: &str,
) -> PolarsResult<Option<&'a V>> {
    Ok(key_ignoring_case(map, name)?.map(|key| &map[key]))
}

/// The key of `map` that `name` refers to: an exact match, else the only key equal to it
/// ignoring case. Several keys equal to it ignoring case are an error.
fn key_ignoring_case<'a, V>(
    map: &'a PlHashMap<String, V>,
    name: &str,
) -> PolarsResult<Option<&'a String>> {
    if let Some((key, _)) = map.get_key_value(name) {
        return Ok(Some(key));
    }
    let mut matches = map.keys().filter(|key| key.eq_ignore_ascii_case(name));
    let first = matches.next();
    if matches.next().is_some() {
        let mut names: Vec<String> = map
            .keys()
            .filter(|key| key.eq_ignore_ascii_case(name))
            .map(|key| format!("'{key}'"))
            .collect();
        names.sort();
        polars_bail!(
            SQLInterface: "relation '{}' matches more than one table ignoring case ({}); write the name with its exact case",
            name, names.join(", ")
        );
    }
    Ok(first)
}

/// Prefix for the internal outer columns produced by correlated-subquery decorrelation.
pub(crate) const CORRELATED_COL_PREFIX: &str = "__POLARS_CORR_";

pub(crate) fn is_correlated_result_col(name: &str) -> bool {
    name.starts_with(CORRELATED_COL_PREFIX)
}

/// The relations of a `FROM` (see `factor_relations`).
pub(crate) fn declared_relations(
    from: &[TableWithJoins],
    spellings: &CatalogSpellings,
) -> Vec<RelationName> {
    from.iter()
        .flat_map(|tbl| factor_relations(kept_factors(tbl).into_iter(), spellings))
        .collect()
}

/// Whether a join returns the columns of its left and of its right input.
fn join_keeps_inputs(op: &JoinOperator) -> (bool, bool) {
    match op {
        JoinOperator::Semi(_)
        | JoinOperator::LeftSemi(_)
        | JoinOperator::Anti(_)
        | JoinOperator::LeftAnti(_) => (true, false),
        JoinOperator::RightSemi(_) | JoinOperator::RightAnti(_) => (false, true),
        _ => (true, true),
    }
}

/// The table factors of `tbl` whose columns it returns, as a semi or anti join drops one
/// of its inputs.
fn kept_factors(tbl: &TableWithJoins) -> Vec<&TableFactor> {
    let mut factors = vec![&tbl.relation];
    for join in &tbl.joins {
        let (keep_left, keep_right) = join_keeps_inputs(&join.join_operator);
        if !keep_left {
            factors.clear();
        }
        if keep_right {
            factors.push(&join.relation);
        }
    }
    factors
}

/// The relations that table factors bring into scope. A nested join is flattened rather than
/// bound to its alias, so its own relations are declared too.
fn factor_relations<'a>(
    factors: impl Iterator<Item = &'a TableFactor>,
    spellings: &CatalogSpellings,
) -> Vec<RelationName> {
    let mut names = Vec::new();
    for factor in factors {
        let name = relation_name(factor).map(|name| name.spelled(factor, spellings));
        names.extend(name.clone());
        if let TableFactor::NestedJoin {
            table_with_joins, ..
        } = factor
        {
            // A child named like the join's alias is hidden by it, not a second occurrence.
            let children = declared_relations(std::slice::from_ref(table_with_joins), spellings);
            names.extend(
                children
                    .into_iter()
                    .filter(|child| Some(child) != name.as_ref()),
            );
        }
    }
    names
}

/// The name a relation is known by: its alias, else its full (possibly qualified) name.
pub(crate) fn get_table_name(factor: &TableFactor) -> Option<String> {
    relation_name(factor).map(|name| name.key())
}

/// The name a relation is known by, in parts (see `RelationName`).
pub(crate) fn relation_name(factor: &TableFactor) -> Option<RelationName> {
    let alias = |alias: &Option<TableAlias>| {
        alias
            .as_ref()
            .map(|a| RelationName::new(vec![a.name.value.clone()]))
    };
    match factor {
        TableFactor::Table { name, alias: a, .. } => alias(a).or_else(|| {
            let parts = name.0.iter().filter_map(|p| p.as_ident());
            Some(RelationName::new(parts.map(|i| i.value.clone()).collect()))
        }),
        TableFactor::Derived { alias: a, .. }
        | TableFactor::NestedJoin { alias: a, .. }
        | TableFactor::TableFunction { alias: a, .. }
        | TableFactor::UNNEST { alias: a, .. } => alias(a),
        _ => None,
    }
}

/// Check if an expression is a simple column reference (with optional alias) to the given name.
fn is_simple_col_ref(expr: &Expr, col_name: &PlSmallStr) -> bool {
    match expr {
        Expr::Column(n) => n == col_name,
        Expr::Alias(inner, _) => matches!(inner.as_ref(), Expr::Column(n) if n == col_name),
        _ => false,
    }
}

/// Reject a parsed expression that still carries an unresolved subquery, so that a
/// clause which doesn't resolve them reports that in SQL terms.
fn reject_unresolved_subquery(expr: &Expr, clause: &str) -> PolarsResult<()> {
    polars_ensure!(
        !has_expr(expr, |e| matches!(e, Expr::SubPlan(_, _))),
        SQLInterface: "subqueries are not currently supported in the {} clause", clause
    );
    Ok(())
}

/// Strip the outer alias from an expression (if present) for expression equality comparison.
/// Remove every alias, so a join key or predicate names the underlying column.
fn strip_join_aliases(expr: Expr) -> Expr {
    expr.map_expr(|e| match e {
        Expr::Alias(inner, _) => Arc::unwrap_or_clone(inner),
        e => e,
    })
}

pub(crate) fn strip_outer_alias(expr: &Expr) -> Expr {
    if let Expr::Alias(inner, _) = expr {
        inner.as_ref().clone()
    } else {
        expr.clone()
    }
}

/// Reduce decorrelated correlated-subquery columns, which hold one value per input row,
/// to the single value they take within a group. An aggregate reads them per row.
fn reduce_correlated_cols_in_group_context(expr: Expr) -> Expr {
    match expr {
        Expr::Column(name) if is_correlated_result_col(&name) => Expr::Column(name).first(),
        e if is_marked_aggregate(&e) => e,
        e => e
            .map_children(
                &mut |c, _| Ok(reduce_correlated_cols_in_group_context(c)),
                &mut (),
            )
            .unwrap(),
    }
}

/// Which inputs of a join a condition reads.
enum JoinInputs {
    Neither,
    Left,
    Right,
    Both,
    Unknown,
}

/// How a resolved subquery placeholder column should be referenced.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubqueryShape {
    /// `col(<placeholder>).first()` -- a scalar, for filter and aggregation contexts.
    Scalar,
    /// `col(<placeholder>)` -- the same value at the frame's height, for contexts that
    /// reject a length-1 series, such as sorting.
    Broadcast,
}

/// Read the resolved scalar subqueries in the inputs of the windows of `expr`, and those in
/// `read_per_row` in its aggregates, as their column, which holds the value on every row:
/// these functions read one value per row.
fn broadcast_subqueries_in_inputs(
    expr: Expr,
    subquery_names: &PlHashSet<PlSmallStr>,
    read_per_row: &PlHashSet<PlSmallStr>,
) -> Expr {
    fn broadcast(
        expr: Expr,
        in_window: bool,
        in_aggregate: bool,
        subquery_names: &PlHashSet<PlSmallStr>,
        read_per_row: &PlHashSet<PlSmallStr>,
    ) -> Expr {
        match expr {
            Expr::Agg(AggExpr::First(inner))
                if matches!(
                    inner.as_ref(),
                    Expr::Column(name) if subquery_names.contains(name)
                        && (in_window || (in_aggregate && read_per_row.contains(name)))
                ) =>
            {
                Arc::unwrap_or_clone(inner)
            },
            e => {
                let in_window = in_window || matches!(e, Expr::Over { .. });
                let in_aggregate = in_aggregate || is_marked_aggregate(&e);
                e.map_children(
                    &mut |c, _| {
                        Ok(broadcast(
                            c,
                            in_window,
                            in_aggregate,
                            subquery_names,
                            read_per_row,
                        ))
                    },
                    &mut (),
                )
                .unwrap()
            },
        }
    }
    if subquery_names.is_empty() {
        return expr;
    }
    broadcast(expr, false, false, subquery_names, read_per_row)
}

/// Replace every resolved scalar subquery in `expr` with a scalar literal, so the
/// expression can be height-classified on its own terms. The result is only inspected
/// for its shape, never evaluated.
fn without_resolved_subqueries(expr: &Expr, subquery_names: &PlHashSet<PlSmallStr>) -> Expr {
    expr.clone().map_expr(|e| {
        let is_placeholder = matches!(
            &e,
            Expr::Agg(AggExpr::First(inner))
                if matches!(inner.as_ref(), Expr::Column(n) if subquery_names.contains(n))
        );
        if is_placeholder { lit(1i32) } else { e }
    })
}

/// Drop the placeholder columns `process_subqueries` added to the frame.
fn drop_subquery_placeholders(lf: LazyFrame, names: PlHashSet<PlSmallStr>) -> LazyFrame {
    if names.is_empty() {
        return lf;
    }
    lf.drop(Selector::ByName {
        names: names.into_iter().collect(),
        strict: true,
    })
}

/// Resolve a SELECT alias to its underlying expression (for use in GROUP BY).
///
/// Returns the expression WITH alias if the name matches a projection alias and is NOT a column
/// that exists in the schema; otherwise returns `None` to use the default/standard resolution.
fn resolve_select_alias(name: &str, projections: &[Expr], schema: &Schema) -> Option<Expr> {
    // Original columns take precedence over SELECT aliases
    if schema.contains(name) {
        return None;
    }
    // Find a projection with this alias and return its expression (preserving the alias)
    projections.iter().find_map(|p| match p {
        Expr::Alias(inner, alias) if alias.as_str() == name => {
            Some(inner.as_ref().clone().alias(alias.clone()))
        },
        _ => None,
    })
}

/// Check if all columns referred to in a Polars expression exist in the given Schema.
fn expr_cols_all_in_schema(expr: &Expr, schema: &Schema) -> bool {
    let mut found_cols = false;
    let mut all_in_schema = true;
    for e in expr.into_iter() {
        if let Expr::Column(name) = e {
            found_cols = true;
            if !schema.contains(name.as_str()) {
                all_in_schema = false;
                break;
            }
        }
    }
    found_cols && all_in_schema
}

/// Determine which parsed join expressions actually belong in `left_on` and which in `right_on`.
///
/// This needs to be handled carefully because in SQL joins you can write "join on" constraints
/// either way round, and in joins with more than two tables you can also join against an earlier
/// table (e.g.: you could be joining `df1` to `df2` to `df3`, but the final join condition where
/// we join `df2` to `df3` could refer to `df1.a = df3.b`); this takes a little more work to
/// resolve as our native `join` function operates on only two tables at a time.
///
/// An operand can also be constant (`ON df1.x = df2.x AND df2.flag = 'y'`), in which case it has
/// no table of its own and takes whichever side the other operand does not.
fn determine_left_right_join_on(
    ctx: &mut SQLContext,
    expr_left: &SQLExpr,
    expr_right: &SQLExpr,
    tbl_left: &TableInfo,
    tbl_right: &TableInfo,
    join_schema: &Schema,
) -> PolarsResult<(Vec<Expr>, Vec<Expr>)> {
    // parse, removing any aliases that may have been added by `resolve_column`
    // (called inside `parse_sql_expr`) as we need the actual/underlying col
    let refers_to = |expr: &SQLExpr, tbl: &TableInfo| {
        tbl.relations
            .iter()
            .any(|name| expr_refers_to_table(expr, name, &ctx.active_relations))
    };
    let left_refs = (
        refers_to(expr_left, tbl_left),
        refers_to(expr_left, tbl_right),
    );
    let right_refs = (
        refers_to(expr_right, tbl_left),
        refers_to(expr_right, tbl_right),
    );
    // an operand's dtypes come from the table it names; the merged schema keeps the left
    // dtype for a column name that exists in both tables
    let operand_schema = |refs: (bool, bool)| -> &Schema {
        match refs {
            (true, false) => &tbl_left.schema,
            (false, true) => &tbl_right.schema,
            _ => join_schema,
        }
    };
    let (left_schema, right_schema) = (operand_schema(left_refs), operand_schema(right_refs));
    let left_on = strip_join_aliases(parse_sql_expr(expr_left, ctx, Some(left_schema))?);
    let right_on = strip_join_aliases(parse_sql_expr(expr_right, ctx, Some(right_schema))?);
    let (left_on, right_on) = convert_int_literal_for_string(
        left_on,
        right_on,
        |e| is_string_expr(e, left_schema),
        |e| is_string_expr(e, right_schema),
    );

    // a constant operand is a literal, or any other expression referencing no column (such as
    // `UPPER('it')`); it can be evaluated against either input, so it has no table affinity
    let (left_is_const, right_is_const) = (
        !expr_references_any_column(expr_left),
        !expr_references_any_column(expr_right),
    );

    // ------------------------------------------------------------------
    // simple/typical case: can fully resolve SQL-level table references
    // ------------------------------------------------------------------
    // if the SQL-level references unambiguously indicate table ownership, we're done
    match (left_refs, right_refs) {
        // standard: left expr → left table, right expr → right table
        ((true, false), (false, true)) => return Ok((vec![left_on], vec![right_on])),
        // reversed: left expr → right table, right expr → left table
        ((false, true), (true, false)) => return Ok((vec![right_on], vec![left_on])),
        // qualified column vs constant: the qualifier alone settles it (note that this also
        // covers a column name that is present in *both* schemas, which schema-based
        // resolution below cannot disambiguate)
        ((true, false), _) if right_is_const => return Ok((vec![left_on], vec![right_on])),
        ((false, true), _) if right_is_const => return Ok((vec![right_on], vec![left_on])),
        (_, (false, true)) if left_is_const => return Ok((vec![left_on], vec![right_on])),
        (_, (true, false)) if left_is_const => return Ok((vec![right_on], vec![left_on])),
        // unsupported: one side references *both* tables
        ((true, true), _) | (_, (true, true)) if tbl_left.name != tbl_right.name => {
            polars_bail!(
               SQLInterface: "unsupported join condition: {} side references both '{}' and '{}'",
               if left_refs.0 && left_refs.1 {
                    "left"
                } else {
                    "right"
                }, tbl_left.name, tbl_right.name
            )
        },
        // fall through to the more involved col/ref resolution
        _ => {},
    }

    // ------------------------------------------------------------------
    // more involved: additionally employ schema-based column resolution
    // (applies to unqualified columns and/or chained joins)
    // ------------------------------------------------------------------
    // a constant resolves against either schema, so we report it as belonging to both and let
    // the arms below take the side that the other (schema-unique) operand leaves free
    let cols_in_schemas = |expr: &Expr, is_const: bool| {
        if is_const {
            (true, true)
        } else {
            (
                expr_cols_all_in_schema(expr, &tbl_left.schema),
                expr_cols_all_in_schema(expr, &tbl_right.schema),
            )
        }
    };
    let left_on_cols_in = cols_in_schemas(&left_on, left_is_const);
    let right_on_cols_in = cols_in_schemas(&right_on, right_is_const);

    match (left_on_cols_in, right_on_cols_in) {
        // each expression's columns exist in exactly one schema
        ((true, false), (false, true)) => Ok((vec![left_on], vec![right_on])),
        ((false, true), (true, false)) => Ok((vec![right_on], vec![left_on])),
        // one expression is in both schemas (or is constant) and the other in only one;
        // the unique one decides, and the ambiguous one takes the remaining side
        ((true, true), (true, false)) => Ok((vec![right_on], vec![left_on])),
        ((true, true), (false, true)) => Ok((vec![left_on], vec![right_on])),
        ((true, false), (true, true)) => Ok((vec![left_on], vec![right_on])),
        ((false, true), (true, true)) => Ok((vec![right_on], vec![left_on])),
        // pass through as-is
        _ => Ok((vec![left_on], vec![right_on])),
    }
}

/// Returns `(left_on, right_on, join_where_predicates)`.
///
/// - Equi-conditions (`=`) are returned as paired `left_on`/`right_on` entries.
/// - Any other condition is returned as a `join_where` predicate that references columns
///   using their merged-schema names (right columns that conflict with the left schema are
///   suffixed).
fn process_join_on(
    ctx: &mut SQLContext,
    sql_expr: &SQLExpr,
    tbl_left: &TableInfo,
    tbl_right: &TableInfo,
) -> PolarsResult<(Vec<Expr>, Vec<Expr>, Vec<Expr>)> {
    match sql_expr {
        SQLExpr::BinaryOp { left, op, right } => match op {
            SQLBinaryOperator::And => {
                let (mut left_i, mut right_i, mut preds_i) =
                    process_join_on(ctx, left, tbl_left, tbl_right)?;
                let (mut left_j, mut right_j, mut preds_j) =
                    process_join_on(ctx, right, tbl_left, tbl_right)?;
                left_i.append(&mut left_j);
                right_i.append(&mut right_j);
                preds_i.append(&mut preds_j);
                Ok((left_i, right_i, preds_i))
            },
            SQLBinaryOperator::Eq => {
                // Both operands read the same input: not a key pair but a condition on
                // that input.
                let left_input = join_operand_input(ctx, left, tbl_left, tbl_right);
                if left_input.is_some()
                    && left_input == join_operand_input(ctx, right, tbl_left, tbl_right)
                {
                    return process_join_predicate(ctx, sql_expr, tbl_left, tbl_right);
                }
                let join_schema = build_join_schema(tbl_left, tbl_right)?;
                let (l, r) = determine_left_right_join_on(
                    ctx,
                    left,
                    right,
                    tbl_left,
                    tbl_right,
                    &join_schema,
                )?;
                Ok((l, r, vec![]))
            },
            _ => process_join_predicate(ctx, sql_expr, tbl_left, tbl_right),
        },
        SQLExpr::Nested(expr) => process_join_on(ctx, expr, tbl_left, tbl_right),
        _ => process_join_predicate(ctx, sql_expr, tbl_left, tbl_right),
    }
}

/// Which input of a join `expr` reads: `Some(true)` for the left input, `Some(false)` for
/// the right one, and `None` if it reads both, neither, or a column found in both.
fn join_operand_input(
    ctx: &SQLContext,
    expr: &SQLExpr,
    tbl_left: &TableInfo,
    tbl_right: &TableInfo,
) -> Option<bool> {
    let refers_to = |tbl: &TableInfo| {
        tbl.relations
            .iter()
            .any(|name| expr_refers_to_table(expr, name, &ctx.active_relations))
    };
    let in_schemas = match (refers_to(tbl_left), refers_to(tbl_right)) {
        (false, false) => (
            sql_expr_cols_all_in_schema(expr, &tbl_left.schema),
            sql_expr_cols_all_in_schema(expr, &tbl_right.schema),
        ),
        refs => refs,
    };
    match in_schemas {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Parse a join condition other than a plain equality into a `join_where` predicate over
/// the joined frame, where right-table columns that also exist in the left table carry a suffix.
fn process_join_predicate(
    ctx: &mut SQLContext,
    sql_expr: &SQLExpr,
    tbl_left: &TableInfo,
    tbl_right: &TableInfo,
) -> PolarsResult<(Vec<Expr>, Vec<Expr>, Vec<Expr>)> {
    let suffix = format!(":{}", tbl_right.name);
    let conflicts = |name: &str| tbl_left.schema.contains(name) && tbl_right.schema.contains(name);

    let mut joined_schema = build_join_schema(tbl_left, tbl_right)?;
    for (name, dtype) in tbl_right.schema.iter().filter(|(name, _)| conflicts(name)) {
        joined_schema.insert(
            PlSmallStr::from_string(format!("{name}{suffix}")),
            dtype.clone(),
        );
    }

    // `right_table.col` -> `col:right_table` when the name is also a left column
    let mut sql_expr = sql_expr.clone();
    let _ = visit_expressions_mut(&mut sql_expr, |e| {
        if let SQLExpr::CompoundIdentifier(idents) = e
            && let Ok(Some((name, len))) = ctx.resolve_qualifier(idents)
            && name == tbl_right.name.as_str()
            && conflicts(&idents[len].value)
        {
            let suffixed = Ident::new(format!("{}{suffix}", idents[len].value));
            idents.splice(0..=len, [suffixed]);
            if idents.len() == 1 {
                *e = SQLExpr::Identifier(idents.pop().unwrap());
            }
        }
        ControlFlow::<()>::Continue(())
    });
    let predicate = strip_join_aliases(parse_sql_expr(&sql_expr, ctx, Some(&joined_schema))?);
    Ok((vec![], vec![], vec![predicate]))
}

/// Check that a QUALIFY predicate reads a window function, directly or through a SELECT
/// alias.
fn check_qualify(qualify: &SQLExpr, projection: &[SelectItem]) -> PolarsResult<()> {
    let (has_window_fns, column_refs) = QualifyExpression::analyze(qualify);
    let references_window_alias = projection.iter().any(|item| {
        matches!(item, SelectItem::ExprWithAlias { expr, alias }
            if expr_has_window_functions(expr) && column_refs.contains(&alias.value))
    });
    polars_ensure!(
        has_window_fns || references_window_alias,
        SQLSyntax: "QUALIFY clause must reference window functions either explicitly or via SELECT aliases"
    );
    Ok(())
}

/// Whether `expr` yields one value independent of any input frame.
fn is_constant(expr: &Expr) -> bool {
    expr.clone()
        .meta()
        .is_input_independent_scalar()
        .unwrap_or(false)
}

/// Build a unified schema from both tables; needed for multi/chained joins where suffixed
/// intermediary/joined cols aren't in an existing schema.
fn build_join_schema(tbl_left: &TableInfo, tbl_right: &TableInfo) -> PolarsResult<Schema> {
    let mut join_schema = Schema::with_capacity(tbl_left.schema.len() + tbl_right.schema.len());
    for (name, dtype) in tbl_left.schema.iter() {
        join_schema.insert_at_index(join_schema.len(), name.clone(), dtype.clone())?;
    }
    for (name, dtype) in tbl_right.schema.iter() {
        if !join_schema.contains(name) {
            join_schema.insert_at_index(join_schema.len(), name.clone(), dtype.clone())?;
        }
    }
    Ok(join_schema)
}

/// Rename columns in `expr` that appear in *both* table schemas to their merged-schema
/// (right-side suffixed) names, so they resolve against the joined frame.
fn suffix_conflicting_columns(
    expr: Expr,
    tbl_left: &TableInfo,
    tbl_right: &TableInfo,
    suffix: &str,
) -> Expr {
    expr.map_expr(|e| match e {
        Expr::Column(ref name)
            if tbl_left.schema.contains(name.as_str())
                && tbl_right.schema.contains(name.as_str()) =>
        {
            Expr::Column(PlSmallStr::from_string(format!("{name}{suffix}")))
        },
        other => other,
    })
}

fn process_join_constraint(
    constraint: &JoinConstraint,
    tbl_left: &TableInfo,
    tbl_right: &TableInfo,
    ctx: &mut SQLContext,
) -> PolarsResult<(Vec<Expr>, Vec<Expr>, Vec<Expr>)> {
    match constraint {
        JoinConstraint::On(expr) => {
            let (left_on, right_on, predicates) = process_join_on(ctx, expr, tbl_left, tbl_right)?;
            // `a = b AND b = a` gives the same key pair twice.
            let mut keys: Vec<(Expr, Expr)> = Vec::with_capacity(left_on.len());
            for key in left_on.into_iter().zip(right_on) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            let (left_on, right_on) = keys.into_iter().unzip();
            Ok((left_on, right_on, predicates))
        },
        JoinConstraint::Using(idents) if !idents.is_empty() => {
            let using: Vec<Expr> = idents
                .iter()
                .map(|ObjectName(parts)| {
                    if parts.len() != 1 {
                        polars_bail!(SQLSyntax: "JOIN \"USING\" clause expects simple column names, not qualified names");
                    }
                    match parts[0].as_ident() {
                        Some(ident) => Ok(col(ident.value.as_str())),
                        None => polars_bail!(SQLSyntax: "JOIN \"USING\" clause expects identifiers, not functions"),
                    }
                })
                .collect::<PolarsResult<Vec<_>>>()?;
            Ok((using.clone(), using, vec![]))
        },
        JoinConstraint::Natural => {
            let left_names = tbl_left.schema.iter_names().collect::<PlHashSet<_>>();
            let right_names = tbl_right.schema.iter_names().collect::<PlHashSet<_>>();
            let on: Vec<Expr> = left_names
                .intersection(&right_names)
                .map(|&name| col(name.clone()))
                .collect();
            if on.is_empty() {
                polars_bail!(SQLInterface: "no common columns found for NATURAL JOIN")
            }
            Ok((on.clone(), on, vec![]))
        },
        _ => polars_bail!(SQLInterface: "unsupported SQL join constraint:\n{:?}", constraint),
    }
}

/// Flatten a SQL AND-expression tree into individual leaf conditions.
pub(crate) fn flatten_and_conditions(expr: &SQLExpr) -> Vec<&SQLExpr> {
    match expr {
        SQLExpr::BinaryOp {
            left,
            op: SQLBinaryOperator::And,
            right,
        } => {
            let mut conditions = flatten_and_conditions(left);
            conditions.extend(flatten_and_conditions(right));
            conditions
        },
        SQLExpr::Nested(inner) => flatten_and_conditions(inner),
        _ => vec![expr],
    }
}

/// Reconstruct a SQL AND-expression tree from a list of conditions.
/// Fold `conditions` into a single expression joined by `op`; `None` if empty.
pub(crate) fn combine_conditions(
    conditions: Vec<SQLExpr>,
    op: SQLBinaryOperator,
) -> Option<SQLExpr> {
    conditions
        .into_iter()
        .reduce(|left, right| SQLExpr::BinaryOp {
            left: Box::new(left),
            op: op.clone(),
            right: Box::new(right),
        })
}

/// Check if a SQL expression is a join condition (equi or non-equi comparison) that bridges
/// the given left table set and the right table. Operands are matched via qualified table
/// references first, falling back to schema membership for unqualified columns; an operand
/// found in both schemas (or neither) is ambiguous and matches neither side.
fn is_join_comparison(
    expr: &SQLExpr,
    left_tables: &[String],
    right_table: &str,
    deferred_tables: &[String],
    relations: &[RelationName],
    left_schema: &Schema,
    right_schema: &Schema,
) -> bool {
    let refers_to = |expr: &SQLExpr, table: &str| expr_refers_to_table(expr, table, relations);
    // A condition naming a relation joined in a later round stays in the
    // residual WHERE until that relation is present.
    if deferred_tables.iter().any(|table| refers_to(expr, table)) {
        return false;
    }
    // A subquery is not a join key; its correlated columns name outer relations.
    if expr_contains_subquery(expr) {
        return false;
    }
    if let SQLExpr::BinaryOp {
        left,
        op:
            SQLBinaryOperator::Eq
            | SQLBinaryOperator::Lt
            | SQLBinaryOperator::LtEq
            | SQLBinaryOperator::Gt
            | SQLBinaryOperator::GtEq
            | SQLBinaryOperator::NotEq,
        right,
    } = expr
    {
        let operand_side = |operand: &SQLExpr| -> (bool, bool) {
            let refs_right = refers_to(operand, right_table);
            let refs_left = left_tables.iter().any(|t| refers_to(operand, t));
            if refs_right || refs_left {
                (refs_right, refs_left)
            } else {
                let in_right = sql_expr_cols_all_in_schema(operand, right_schema);
                let in_left = sql_expr_cols_all_in_schema(operand, left_schema);
                (in_right && !in_left, in_left && !in_right)
            }
        };

        let (left_is_right, left_is_left) = operand_side(left);
        let (right_is_right, right_is_left) = operand_side(right);

        // One operand must name only a left table and the other only the right one;
        // an operand spanning both stays a filter, as it belongs to neither side.
        (left_is_right && !left_is_left && right_is_left && !right_is_right)
            || (right_is_right && !right_is_left && left_is_left && !left_is_right)
    } else {
        false
    }
}

/// Partition a WHERE clause into join predicates (bridging left tables and the
/// right table) and residual filter conditions.
fn extract_join_predicates(
    where_expr: &Option<SQLExpr>,
    left_tables: &[String],
    right_table: &str,
    deferred_tables: &[String],
    relations: &[RelationName],
    left_schema: &Schema,
    right_schema: &Schema,
) -> (Option<SQLExpr>, Option<SQLExpr>) {
    let Some(expr) = where_expr else {
        return (None, None);
    };
    let conditions = flatten_and_conditions(expr);
    let mut join_conds = Vec::new();
    let mut filter_conds = Vec::new();
    for cond in conditions {
        if is_join_comparison(
            cond,
            left_tables,
            right_table,
            deferred_tables,
            relations,
            left_schema,
            right_schema,
        ) {
            join_conds.push(cond.clone());
        } else {
            filter_conds.push(cond.clone());
        }
    }
    (
        combine_conditions(join_conds, SQLBinaryOperator::And),
        combine_conditions(filter_conds, SQLBinaryOperator::And),
    )
}

/// Extract table identifiers referenced in a SQL query; uses a visitor to
/// collect all table names that appear in FROM clauses, JOINs, TABLE refs
/// in set operations, and subqueries.
pub fn extract_table_identifiers(
    query: &str,
    include_schema: bool,
    unique: bool,
) -> PolarsResult<Vec<String>> {
    let ast = parse_sql(query)?;
    let mut tables = Vec::new();
    for stmt in &ast {
        tables.extend(statement_table_identifiers(stmt, include_schema, false));
    }
    Ok(if unique {
        tables
            .into_iter()
            .collect::<PlIndexSet<_>>()
            .into_iter()
            .collect()
    } else {
        tables
    })
}

/// The order to register the CTEs of a `WITH RECURSIVE` in, where a CTE may read any other,
/// and whether each CTE reads itself. Each CTE comes after the other CTEs it reads; CTEs that
/// read each other are not supported.
fn recursive_cte_order(with: &With) -> PolarsResult<(Vec<usize>, Vec<bool>)> {
    let names: Vec<String> = with
        .cte_tables
        .iter()
        .map(|cte| cte.alias.name.value.clone())
        .collect();
    let mut seen = PlHashSet::with_capacity(names.len());
    if let Some(name) = names
        .iter()
        .find(|name| !seen.insert(name.to_ascii_lowercase()))
    {
        polars_bail!(SQLInterface: "CTE name '{}' is used more than once", name)
    }
    let mut deps: Vec<PlHashSet<usize>> = with
        .cte_tables
        .iter()
        .map(|cte| referenced_ctes(&cte.query, &names))
        .collect();
    let reads_itself: Vec<bool> = deps
        .iter_mut()
        .enumerate()
        .map(|(idx, deps)| deps.remove(&idx))
        .collect();
    let mut order = Vec::with_capacity(names.len());
    let mut done = vec![false; names.len()];
    while order.len() < names.len() {
        // Keep the written order among the CTEs that are ready.
        let Some(next) =
            (0..names.len()).find(|idx| !done[*idx] && deps[*idx].iter().all(|dep| done[*dep]))
        else {
            let cycle: Vec<&str> = (0..names.len())
                .filter(|idx| !done[*idx])
                .map(|idx| names[idx].as_str())
                .collect();
            polars_bail!(
                SQLInterface: "mutually recursive CTEs are not supported ({})", cycle.join(", ")
            )
        };
        done[next] = true;
        order.push(next);
    }
    Ok((order, reads_itself))
}

/// Table identifiers referenced by a single parsed statement.
fn statement_table_identifiers(
    stmt: &Statement,
    include_schema: bool,
    unique: bool,
) -> Vec<String> {
    let mut collector = TableIdentifierCollector {
        include_schema,
        ..Default::default()
    };
    let _ = dyn_visit::visit(stmt, &mut collector);
    if unique {
        collector
            .tables
            .into_iter()
            .collect::<PlIndexSet<_>>()
            .into_iter()
            .collect()
    } else {
        collector.tables
    }
}

/// Whether `stmt` is a query that only reads; `INSERT`/`UPDATE` bodies write to the context.
fn is_read_only_query(stmt: &Statement) -> bool {
    match stmt {
        Statement::Query(query) => {
            !matches!(query.body.as_ref(), SetExpr::Insert(_) | SetExpr::Update(_))
        },
        _ => false,
    }
}

/// The names, `IF EXISTS` and `PURGE` of a `DROP` statement, rejecting unsupported modifiers.
fn drop_table_parts(stmt: &Statement) -> PolarsResult<(&[ObjectName], bool, bool)> {
    // Destructure exhaustively so new sqlparser fields surface as compile errors.
    let Statement::Drop {
        object_type: _,
        names,
        if_exists,
        purge,

        // Unsupported modifiers
        cascade,
        restrict,
        temporary,
        table,
    } = stmt
    else {
        polars_bail!(SQLInterface: "unexpected statement type; expected DROP")
    };
    polars_ensure!(!cascade, SQLInterface: "`DROP ... CASCADE` is not supported");
    polars_ensure!(!restrict, SQLInterface: "`DROP ... RESTRICT` is not supported");
    polars_ensure!(!temporary, SQLInterface: "`DROP TEMPORARY` is not supported");
    polars_ensure!(table.is_none(), SQLInterface: "`DROP ... ON <table>` is not supported");
    Ok((names, *if_exists, *purge))
}

fn parse_single_statement(query: &str) -> PolarsResult<Statement> {
    let ast = parse_sql(query)?;
    polars_ensure!(ast.len() == 1, SQLInterface: "one (and only one) statement can be parsed at a time");
    Ok(ast.into_iter().next().unwrap())
}

fn parse_sql(query: &str) -> PolarsResult<Vec<Statement>> {
    let mut parser = Parser::new(&GenericDialect);
    parser = parser.with_options(ParserOptions {
        trailing_commas: true,
        ..Default::default()
    });
    parser
        .try_with_sql(query)
        .map_err(to_sql_interface_err)?
        .parse_statements()
        .map_err(to_sql_interface_err)
}

bitflags::bitflags! {
    /// Bitfield indicating whether there exists a projection with the specified height behavior.
    ///
    /// Used to help determine whether to execute projections in `select()` or `with_columns()`
    /// context.
    #[derive(PartialEq)]
    struct ExprSqlProjectionHeightBehavior: u8 {
        /// Maintains the height of input column(s)
        const MaintainsColumn = 1 << 0;
        /// Height is independent of input, e.g.:
        /// * expressions that change length: e.g. slice, explode, filter, gather etc.
        /// * aggregations: count(*), first(), sum() etc.
        const Independent = 1 << 1;
        /// "Inherits" the height of the context, e.g.:
        /// * Scalar literals
        const InheritsContext = 1 << 2;
    }
}

impl ExprSqlProjectionHeightBehavior {
    fn identify_from_expr(expr: &Expr) -> Self {
        let mut has_column = false;
        let mut has_independent = false;

        for e in expr.into_iter() {
            use Expr::*;
            has_column |= matches!(e, Column(_) | Selector(_));
            has_independent |= match e {
                // @TODO: This is broken now with functions.
                AnonymousFunction { options, .. } => {
                    options.returns_scalar() || !options.is_length_preserving()
                },
                Literal(v) => !v.is_scalar(),
                Explode { .. } | Filter { .. } | Gather { .. } | Slice { .. } => true,
                Agg { .. } | Len => true,
                _ => false,
            }
        }
        if has_independent {
            Self::Independent
        } else if has_column {
            Self::MaintainsColumn
        } else {
            Self::InheritsContext
        }
    }
}
