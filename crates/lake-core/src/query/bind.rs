//! Binding: resolves dataset names against the catalog (with "did you mean" hints), rewrites
//! them for the executor, maps unknown-column errors back to their place in the SQL, and
//! extracts the simple predicates that file pruning can use.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, Ident, ObjectName, ObjectNamePart, Query, SelectItem, SetExpr, Statement,
    TableAlias, TableFactor, Value as SqlValue, Visit, VisitMut, Visitor, VisitorMut,
};

use crate::error::{LakeError, Result, SqlPosition};
pub use crate::hints::closest;

pub(crate) fn pos(ident: &Ident) -> Option<SqlPosition> {
    let l = ident.span.start;
    (l.line > 0).then_some(SqlPosition {
        line: l.line,
        column: l.column,
    })
}

pub(crate) fn object_name_text(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => i.value.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The statement after binding.
pub struct Bound {
    /// The rewritten statement, ready for Polars.
    pub statement: Statement,
    /// Datasets used (deduplicated, in order of first use).
    pub datasets: Vec<String>,
}

struct Resolver<'a> {
    known: &'a HashSet<String>,
    ctes: HashSet<String>,
    datasets: Vec<String>,
    /// Frames the statement reads that are not datasets (a table function's, bound before).
    frames: &'a HashSet<String>,
    error: Option<LakeError>,
}

impl VisitorMut for Resolver<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
        if let SetExpr::Select(select) = q.body.as_mut() {
            name_colliding_outputs(&mut select.projection);
        }
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.ctes.insert(cte.alias.name.value.to_lowercase());
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, tf: &mut TableFactor) -> ControlFlow<()> {
        let TableFactor::Table { name, alias, .. } = tf else {
            return ControlFlow::Continue(());
        };
        let text = object_name_text(name);
        let lower = text.to_lowercase();
        if name.0.len() == 1 && (self.ctes.contains(&lower) || self.frames.contains(&lower)) {
            return ControlFlow::Continue(());
        }
        // `events@v3`: a past version (time travel), checked against the catalog later.
        let base = match super::time_travel::split_name(&lower) {
            Some((base, _)) => base.to_string(),
            None => lower.clone(),
        };
        if base != lower && name.0.len() == 1 && self.ctes.contains(&base) {
            let first = match name.0.first() {
                Some(ObjectNamePart::Identifier(i)) => pos(i),
                _ => None,
            };
            self.error = Some(LakeError::Parse {
                message: format!(
                    "`{base}` is a WITH name, which has no versions: VERSION AS OF and TIMESTAMP \
                     AS OF read a dataset's past version"
                ),
                position: first,
            });
            return ControlFlow::Break(());
        }
        if !self.known.contains(&base) {
            let first = match name.0.first() {
                Some(ObjectNamePart::Identifier(i)) => pos(i),
                _ => None,
            };
            let suggestion = closest(&base, self.known.iter().map(String::as_str));
            let hint = suggestion
                .as_ref()
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| "; list datasets with `lake datasets`".into());
            let shown = if base == lower { text } else { base.clone() };
            self.error = Some(LakeError::UnknownDataset {
                message: format!("unknown dataset `{shown}`{hint}"),
                position: first,
                suggestion,
            });
            return ControlFlow::Break(());
        }
        let last = base.rsplit('.').next().unwrap_or(&base).to_string();
        if alias.is_none() {
            *alias = Some(TableAlias {
                explicit: true,
                name: Ident::new(last),
                columns: vec![],
                at: None,
            });
        }
        *name = ObjectName(vec![ObjectNamePart::Identifier(Ident::with_quote(
            '"',
            lower.clone(),
        ))]);
        if !self.datasets.contains(&lower) {
            self.datasets.push(lower);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        // `takeout.chrome_history.title` → `chrome_history.title`.
        if let Expr::CompoundIdentifier(parts) = e {
            if parts.len() >= 3 {
                let qual = parts[..parts.len() - 1]
                    .iter()
                    .map(|p| p.value.to_lowercase())
                    .collect::<Vec<_>>()
                    .join(".");
                if self.known.contains(&qual) {
                    let col = parts.last().cloned().expect("len >= 3");
                    let alias = qual.rsplit('.').next().unwrap_or(&qual).to_string();
                    *parts = vec![Ident::new(alias), col];
                }
            }
        }
        // `ts >= '2024-03-02T00:00:00Z'`: Polars compares timestamps with text only in the
        // `YYYY-MM-DD HH:MM:SS` form, so ISO 8601 literals with `T` and a zone are rewritten
        // to that form, in UTC (the lake's timestamps are UTC).
        match e {
            Expr::BinaryOp { left, op, right } if super::expr::is_comparison(op) => {
                normalize_iso_literal(left);
                normalize_iso_literal(right);
            }
            Expr::Between { low, high, .. } => {
                normalize_iso_literal(low);
                normalize_iso_literal(high);
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        fold_date_interval(e);
        fold_numeric(e);
        ControlFlow::Continue(())
    }
}

/// An exact decimal literal: digits and scale (`0.06` is (6, 2)).
fn decimal_literal(e: &Expr) -> Option<(i128, u32)> {
    let (neg, e) = match e {
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr,
        } => (true, expr.as_ref()),
        e => (false, e),
    };
    let Expr::Value(v) = e else { return None };
    let SqlValue::Number(t, false) = &v.value else {
        return None;
    };
    if t.contains(['e', 'E']) || t.len() > 30 {
        return None;
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits: i128 = format!("{int}{frac}").parse().ok()?;
    Some((if neg { -digits } else { digits }, frac.len() as u32))
}

/// `0.06 - 0.01` folded exactly into `0.05`: Polars would compute it in floating point
/// (0.049999…), and a comparison with a decimal column would then miss its boundary.
fn fold_numeric(e: &mut Expr) {
    let Expr::BinaryOp { left, op, right } = e else {
        return;
    };
    let (Some((a, sa)), Some((b, sb))) = (decimal_literal(left), decimal_literal(right)) else {
        return;
    };
    if sa == 0 && sb == 0 {
        return; // integers: nothing to lose, and integer division must stay as it is
    }
    let scale = sa.max(sb);
    let up = |x: i128, s: u32| x.checked_mul(10i128.checked_pow(scale - s)?);
    let (r, rs) = match op {
        BinaryOperator::Plus => (
            up(a, sa).zip(up(b, sb)).and_then(|(x, y)| x.checked_add(y)),
            scale,
        ),
        BinaryOperator::Minus => (
            up(a, sa).zip(up(b, sb)).and_then(|(x, y)| x.checked_sub(y)),
            scale,
        ),
        BinaryOperator::Multiply => (a.checked_mul(b), sa + sb),
        _ => return,
    };
    let Some(r) = r else { return };
    if rs > 30 {
        return;
    }
    let digits = r.unsigned_abs().to_string();
    let digits = format!("{digits:0>width$}", width = rs as usize + 1);
    let (i, f) = digits.split_at(digits.len() - rs as usize);
    let text = if f.is_empty() {
        i.to_string()
    } else {
        format!("{i}.{f}")
    };
    let lit = Expr::Value(SqlValue::Number(text, false).into());
    *e = if r < 0 {
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr: Box::new(lit),
        }
    } else {
        lit
    };
}

/// `DATE 'd' ± INTERVAL 'n' unit` (either order for `+`) folded into one date literal, as
/// TPC-H and most hand-written SQL use it; Polars' SQL has no date-interval arithmetic.
fn fold_date_interval(e: &mut Expr) {
    use sqlparser::ast::{DataType, DateTimeField, TypedString};
    let Expr::BinaryOp { left, op, right } = e else {
        return;
    };
    let sign = match op {
        BinaryOperator::Plus => 1i32,
        BinaryOperator::Minus => -1,
        _ => return,
    };
    let (date_side, interval_side) = match (left.as_ref(), right.as_ref()) {
        (Expr::TypedString(_), Expr::Interval(_)) => (left.as_ref(), right.as_ref()),
        (Expr::Interval(_), Expr::TypedString(_)) if sign == 1 => (right.as_ref(), left.as_ref()),
        _ => return,
    };
    let (Expr::TypedString(ts), Expr::Interval(iv)) = (date_side, interval_side) else {
        return;
    };
    if ts.data_type != DataType::Date || iv.last_field.is_some() {
        return;
    }
    let Some(date) = ts
        .value
        .value
        .clone()
        .into_string()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    else {
        return;
    };
    let n: Option<i32> = match iv.value.as_ref() {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(t) | SqlValue::Number(t, _) => t.trim().parse().ok(),
            _ => None,
        },
        _ => None,
    };
    let Some(n) = n.and_then(|n| n.checked_mul(sign)) else {
        return;
    };
    let months = |m: i32| {
        if m >= 0 {
            date.checked_add_months(chrono::Months::new(m as u32))
        } else {
            date.checked_sub_months(chrono::Months::new(m.unsigned_abs()))
        }
    };
    let folded = match &iv.leading_field {
        Some(DateTimeField::Day | DateTimeField::Days) => {
            date.checked_add_signed(chrono::Duration::days(n as i64))
        }
        Some(DateTimeField::Week(None) | DateTimeField::Weeks) => {
            date.checked_add_signed(chrono::Duration::days(7 * n as i64))
        }
        Some(DateTimeField::Month | DateTimeField::Months) => months(n),
        Some(DateTimeField::Year | DateTimeField::Years) => n.checked_mul(12).and_then(months),
        _ => None,
    };
    if let Some(d) = folded {
        *e = Expr::TypedString(TypedString {
            data_type: DataType::Date,
            value: SqlValue::SingleQuotedString(d.format("%Y-%m-%d").to_string()).into(),
            uses_odbc_syntax: false,
        });
    }
}

/// The name Polars gives an unaliased output column: the column itself, or for a function the
/// first column among its arguments (`len` for `count(*)`).
fn default_output_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) => Some(i.value.to_lowercase()),
        Expr::CompoundIdentifier(v) => v.last().map(|i| i.value.to_lowercase()),
        Expr::Function(_) => {
            let mut first = None;
            let _ = e.visit(&mut FirstColumn(&mut first));
            Some(first.unwrap_or_else(|| "len".into()))
        }
        _ => None,
    }
}

struct FirstColumn<'a>(&'a mut Option<String>);

impl Visitor for FirstColumn<'_> {
    type Break = ();
    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if self.0.is_none() {
            if let Some(n) = match e {
                Expr::Identifier(i) => Some(i.value.to_lowercase()),
                Expr::CompoundIdentifier(v) => v.last().map(|i| i.value.to_lowercase()),
                _ => None,
            } {
                *self.0 = Some(n);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }
}

/// `SELECT count(x), sum(x)` or `SELECT a.name, b.name` would give two columns with one name,
/// which Polars refuses. The colliding unaliased function calls are named after their SQL
/// text (`count(x)`, `sum(x)`, as DuckDB does) and repeated plain columns get `_1`, `_2`, ….
fn name_colliding_outputs(projection: &mut [SelectItem]) {
    let names: Vec<Option<String>> = projection
        .iter()
        .map(|it| match it {
            SelectItem::UnnamedExpr(e) => default_output_name(e),
            SelectItem::ExprWithAlias { alias, .. } => Some(alias.value.to_lowercase()),
            _ => None,
        })
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for n in names.iter().flatten() {
        *counts.entry(n.as_str()).or_default() += 1;
    }
    if counts.values().all(|c| *c < 2) {
        return;
    }
    let mut used: HashSet<String> = names.iter().flatten().cloned().collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (item, name) in projection.iter_mut().zip(&names) {
        let SelectItem::UnnamedExpr(e) = item else {
            continue;
        };
        let Some(name) = name else { continue };
        if counts.get(name.as_str()).copied().unwrap_or(0) < 2 {
            continue;
        }
        let alias = if matches!(e, Expr::Function(_)) {
            e.to_string()
        } else {
            let k = seen.entry(name.clone()).or_default();
            *k += 1;
            if *k == 1 {
                continue; // the first one keeps its name
            }
            let mut n = *k - 1;
            while used.contains(&format!("{name}_{n}")) {
                n += 1;
            }
            format!("{name}_{n}")
        };
        used.insert(alias.clone());
        *item = SelectItem::ExprWithAlias {
            expr: e.clone(),
            alias: Ident::with_quote('"', alias),
        };
    }
}

fn normalize_iso_literal(e: &mut Expr) {
    let Expr::Value(v) = e else { return };
    let SqlValue::SingleQuotedString(s) = &mut v.value else {
        return;
    };
    let b = s.as_bytes();
    let zoned = s.ends_with('Z')
        || s.ends_with('z')
        || (b.len() > 19 && matches!(b[b.len() - 6], b'+' | b'-'));
    if b.len() < 20 || b[10] != b'T' || !zoned {
        return;
    }
    let Some(us) = crate::temporal::parse_datetime_us(s) else {
        return;
    };
    if let Some(dt) = chrono::DateTime::from_timestamp_micros(us) {
        *s = dt.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    }
}

/// Resolves dataset names in `statement` against `known` names.
pub fn bind(
    mut statement: Statement,
    known: &HashSet<String>,
    frames: &HashSet<String>,
) -> Result<Bound> {
    let mut r = Resolver {
        known,
        ctes: HashSet::new(),
        datasets: Vec::new(),
        frames,
        error: None,
    };
    let _ = VisitMut::visit(&mut statement, &mut r);
    if let Some(e) = r.error {
        return Err(e);
    }
    Ok(Bound {
        statement,
        datasets: r.datasets,
    })
}

/// Casts the dividend of every `/` to DOUBLE ([`float_quotients`]).
struct FloatQuotients;

impl VisitorMut for FloatQuotients {
    type Break = ();

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        let Expr::BinaryOp {
            left,
            op: BinaryOperator::Divide,
            ..
        } = e
        else {
            return ControlFlow::Continue(());
        };
        // `/` is true division in Polars' SQL (5 / 2 is 2.5), except that a quotient of
        // decimals keeps 12 decimals or fewer (0.0344358904 for TPC-H Q8, where DuckDB says
        // 0.03443589040665483). As in DuckDB, every quotient is a float: the dividend becomes
        // a DOUBLE, wherever its type comes from (a derived table's column, say).
        let already = matches!(
            left.as_ref(),
            Expr::Cast {
                data_type: sqlparser::ast::DataType::Double(_),
                ..
            }
        );
        if !already {
            let l = std::mem::replace(left.as_mut(), Expr::value(SqlValue::Null));
            **left = Expr::Cast {
                kind: sqlparser::ast::CastKind::Cast,
                expr: Box::new(l),
                data_type: sqlparser::ast::DataType::Double(sqlparser::ast::ExactNumberInfo::None),
                array: false,
                format: None,
            };
        }
        ControlFlow::Continue(())
    }
}

/// Makes every quotient a float, as in DuckDB (see [`FloatQuotients`]).
///
/// Products need nothing: Polars' SQL multiplies decimals exactly, with the sum of both scales
/// (21168.23 × 0.04 is 846.7292), as SQL does.
pub fn float_quotients(statement: &mut Statement) {
    let _ = VisitMut::visit(statement, &mut FloatQuotients);
}

/// A comparison usable for pruning: `column op literal`.
#[derive(Debug, Clone, PartialEq)]
pub struct SimplePredicate {
    /// Column name.
    pub column: String,
    /// `=`, `<`, `<=`, `>`, `>=`.
    pub op: &'static str,
    /// The literal: a number or a string.
    pub value: serde_json::Value,
}

fn literal(e: &Expr) -> Option<serde_json::Value> {
    match e {
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => n.parse::<i64>().map(Into::into).ok().or_else(|| {
                n.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(serde_json::Value::Number)
            }),
            SqlValue::SingleQuotedString(s) => Some(serde_json::Value::String(s.clone())),
            _ => None,
        },
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr,
        } => match literal(expr)? {
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(|i| (-i).into())
                .or_else(|| n.as_f64().map(|f| (-f).into())),
            _ => None,
        },
        Expr::Nested(inner) => literal(inner),
        Expr::TypedString(ts) => match &ts.value.value {
            SqlValue::SingleQuotedString(s) => Some(serde_json::Value::String(s.clone())),
            _ => None,
        },
        Expr::Cast { expr, .. } => literal(expr),
        _ => None,
    }
}

fn column_of(e: &Expr, alias: &str, sole_table: bool) -> Option<String> {
    match e {
        Expr::Identifier(i) if sole_table => Some(i.value.clone()),
        Expr::CompoundIdentifier(p) if p.len() == 2 && p[0].value.eq_ignore_ascii_case(alias) => {
            Some(p[1].value.clone())
        }
        Expr::Nested(inner) => column_of(inner, alias, sole_table),
        _ => None,
    }
}

fn flip(op: &'static str) -> &'static str {
    match op {
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        o => o,
    }
}

fn predicates_of(where_: &Expr, alias: &str, sole_table: bool) -> Vec<SimplePredicate> {
    let mut parts = Vec::new();
    super::expr::split_and(where_.clone(), &mut parts);
    let mut out = Vec::new();
    for p in &parts {
        match p {
            Expr::BinaryOp { left, op, right } => {
                let op: &'static str = match op {
                    BinaryOperator::Eq => "=",
                    BinaryOperator::Lt => "<",
                    BinaryOperator::LtEq => "<=",
                    BinaryOperator::Gt => ">",
                    BinaryOperator::GtEq => ">=",
                    _ => continue,
                };
                if let (Some(c), Some(v)) = (column_of(left, alias, sole_table), literal(right)) {
                    out.push(SimplePredicate {
                        column: c,
                        op,
                        value: v,
                    });
                } else if let (Some(v), Some(c)) =
                    (literal(left), column_of(right, alias, sole_table))
                {
                    out.push(SimplePredicate {
                        column: c,
                        op: flip(op),
                        value: v,
                    });
                }
            }
            Expr::Between {
                expr,
                negated: false,
                low,
                high,
            } => {
                if let (Some(c), Some(lo), Some(hi)) = (
                    column_of(expr, alias, sole_table),
                    literal(low),
                    literal(high),
                ) {
                    out.push(SimplePredicate {
                        column: c.clone(),
                        op: ">=",
                        value: lo,
                    });
                    out.push(SimplePredicate {
                        column: c,
                        op: "<=",
                        value: hi,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The tables a SELECT reads by name, with their aliases (bound queries alias every table), and
/// whether it reads just one (so bare column names are that table's).
pub(super) fn aliased_tables(s: &sqlparser::ast::Select) -> (Vec<(String, String)>, bool) {
    let mut tables = Vec::new();
    for twj in &s.from {
        let mut all = vec![&twj.relation];
        all.extend(twj.joins.iter().map(|j| &j.relation));
        for tf in all {
            if let TableFactor::Table {
                name,
                alias: Some(a),
                args: None,
                ..
            } = tf
            {
                tables.push((object_name_text(name), a.name.value.clone()));
            }
        }
    }
    let sole = tables.len() == 1 && s.from.len() == 1 && s.from[0].joins.is_empty();
    (tables, sole)
}

/// For each use of a dataset, the predicates of the WHERE clause of the SELECT that reads it.
/// A use with no usable predicate gets an empty list (all files are needed).
pub fn pruning_predicates(statement: &Statement) -> Vec<(String, Vec<SimplePredicate>)> {
    struct Collect {
        out: Vec<(String, Vec<SimplePredicate>)>,
    }
    impl Visitor for Collect {
        type Break = ();
        fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
            if let SetExpr::Select(s) = q.body.as_ref() {
                let (tables, sole) = aliased_tables(s);
                for (ds, alias) in tables {
                    let preds = s
                        .selection
                        .as_ref()
                        .map(|w| predicates_of(w, &alias, sole))
                        .unwrap_or_default();
                    self.out.push((ds, preds));
                }
            }
            ControlFlow::Continue(())
        }
    }
    let mut c = Collect { out: Vec::new() };
    let _ = statement.visit(&mut c);
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;

    fn parse(sql: &str) -> Statement {
        Parser::parse_sql(&GenericDialect {}, sql)
            .unwrap()
            .remove(0)
    }

    #[test]
    fn quotients_are_floats_and_literals_fold_exactly() {
        let mut st = parse(
            "SELECT sum(price * (1 - disc)), sum(CASE WHEN x THEN price ELSE 0 END) / sum(price), \
             CAST(a AS DOUBLE) / b FROM t AS l",
        );
        float_quotients(&mut st);
        assert_eq!(
            st.to_string(),
            "SELECT sum(price * (1 - disc)), \
             CAST(sum(CASE WHEN x THEN price ELSE 0 END) AS DOUBLE) / sum(price), \
             CAST(a AS DOUBLE) / b FROM t AS l"
        );
        let known: HashSet<String> = ["t".to_string()].into_iter().collect();
        let b = bind(
            parse("SELECT 1 FROM t WHERE d BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 AND e > DATE '1998-12-01' - INTERVAL '90' DAY AND f < 2 * 0.5"),
            &known,
            &HashSet::new(),
        )
        .unwrap();
        assert_eq!(
            b.statement.to_string(),
            "SELECT 1 FROM \"t\" AS t WHERE d BETWEEN 0.05 AND 0.07 AND e > DATE '1998-09-02' AND f < 1.0"
        );
    }

    #[test]
    fn rewrites_dotted_names_with_alias() {
        let known: HashSet<String> = ["takeout.chrome_history".to_string()].into();
        let b = bind(
            parse("SELECT takeout.chrome_history.title FROM takeout.chrome_history WHERE ts > 1"),
            &known,
            &HashSet::new(),
        )
        .unwrap();
        assert_eq!(
            b.statement.to_string(),
            "SELECT chrome_history.title FROM \"takeout.chrome_history\" AS chrome_history WHERE ts > 1"
        );
        assert_eq!(b.datasets, vec!["takeout.chrome_history"]);
    }

    #[test]
    fn unknown_dataset_suggests_and_points() {
        let known: HashSet<String> = ["takeout.chrome_history".to_string()].into();
        let e = bind(
            parse("SELECT *\nFROM takeout.chrome_histroy"),
            &known,
            &HashSet::new(),
        )
        .err()
        .unwrap();
        assert_eq!(e.code(), "unknown_dataset");
        assert_eq!(e.position(), Some(SqlPosition { line: 2, column: 6 }));
        assert!(
            e.to_string()
                .contains("did you mean `takeout.chrome_history`"),
            "{e}"
        );
    }

    #[test]
    fn ctes_are_not_datasets() {
        let known: HashSet<String> = ["t".to_string()].into();
        let b = bind(
            parse("WITH x AS (SELECT * FROM t) SELECT * FROM x"),
            &known,
            &HashSet::new(),
        )
        .unwrap();
        assert_eq!(b.datasets, vec!["t"]);
    }

    #[test]
    fn extracts_predicates() {
        let known: HashSet<String> = ["t".to_string()].into();
        let b = bind(
            parse("SELECT * FROM t WHERE a > 5 AND 10 >= b AND c BETWEEN 1 AND 2 AND d LIKE 'x'"),
            &known,
            &HashSet::new(),
        )
        .unwrap();
        let p = pruning_predicates(&b.statement);
        assert_eq!(p.len(), 1);
        let ops: Vec<(&str, &str)> = p[0].1.iter().map(|s| (s.column.as_str(), s.op)).collect();
        assert_eq!(ops, vec![("a", ">"), ("b", "<="), ("c", ">="), ("c", "<=")]);
    }
}
