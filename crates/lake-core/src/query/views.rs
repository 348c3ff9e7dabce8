//! Views: named queries kept in the catalog and used in queries like datasets
//! (`lake view create NAME AS SELECT ...`). A statement that names a view gets the view's
//! definition as a CTE of that name, the views it uses first, so everything after (binding,
//! rewrites, pruning, plans) sees plain SQL. A dataset of the same name wins over a view, and a
//! CTE the statement defines itself wins over both.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    Cte, Ident, ObjectNamePart, Query, Statement, TableAlias, TableFactor, Visit, Visitor, With,
};
use sqlparser::tokenizer::Span;

use super::guard;
use crate::error::{LakeError, Result};
use crate::Lake;

/// Longest chain of views using views.
const MAX_DEPTH: usize = 16;

/// Table names a statement reads (one-part names, lower case) and the CTE names it defines.
struct Names {
    tables: Vec<String>,
    ctes: HashSet<String>,
}

impl Visitor for Names {
    type Break = ();
    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        if let Some(w) = &q.with {
            for c in &w.cte_tables {
                self.ctes.insert(c.alias.name.value.to_lowercase());
            }
        }
        ControlFlow::Continue(())
    }
    fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table { name, .. } = tf {
            if let [ObjectNamePart::Identifier(i)] = name.0.as_slice() {
                let n = i.value.to_lowercase();
                if !self.tables.contains(&n) {
                    self.tables.push(n);
                }
            }
        }
        ControlFlow::Continue(())
    }
}

fn names(s: &Statement) -> Names {
    let mut n = Names {
        tables: Vec::new(),
        ctes: HashSet::new(),
    };
    let _ = s.visit(&mut n);
    n
}

/// A view's definition as a query (checked by the guard like any query).
fn definition(name: &str, sql: &str) -> Result<Box<Query>> {
    match guard::guard(sql)?.statement {
        Statement::Query(q) => Ok(q),
        _ => Err(LakeError::Damaged(format!(
            "the view {name} is not a SELECT; drop it with `lake view drop {name}`"
        ))),
    }
}

/// The views `statement` uses, directly or through other views, dependencies first.
fn used_views(
    statement: &Statement,
    views: &HashMap<String, String>,
    datasets: &HashSet<String>,
) -> Result<Vec<(String, Box<Query>)>> {
    fn visit(
        name: &str,
        views: &HashMap<String, String>,
        datasets: &HashSet<String>,
        path: &mut Vec<String>,
        out: &mut Vec<(String, Box<Query>)>,
    ) -> Result<()> {
        if out.iter().any(|(n, _)| n == name) {
            return Ok(());
        }
        if path.iter().any(|p| p == name) || path.len() >= MAX_DEPTH {
            path.push(name.to_string());
            return Err(LakeError::bad_input(
                "the view",
                None,
                format!("views use each other in a circle: {}", path.join(" → ")),
            ));
        }
        let q = definition(name, &views[name])?;
        path.push(name.to_string());
        let inner = names(&Statement::Query(q.clone()));
        for t in inner.tables {
            if views.contains_key(&t) && !datasets.contains(&t) && !inner.ctes.contains(&t) {
                visit(&t, views, datasets, path, out)?;
            }
        }
        path.pop();
        out.push((name.to_string(), q));
        Ok(())
    }
    let top = names(statement);
    let mut out = Vec::new();
    for t in top.tables {
        if views.contains_key(&t) && !datasets.contains(&t) && !top.ctes.contains(&t) {
            visit(&t, views, datasets, &mut Vec::new(), &mut out)?;
        }
    }
    Ok(out)
}

/// Puts the definitions of the views `statement` uses in front of its own CTEs. Returns the
/// names of the views used.
pub fn expand(
    lake: &Lake,
    statement: &mut Statement,
    datasets: &HashSet<String>,
) -> Result<Vec<String>> {
    let views: HashMap<String, String> = lake.catalog().views()?.into_iter().collect();
    if views.is_empty() {
        return Ok(Vec::new());
    }
    let used = used_views(statement, &views, datasets)?;
    if used.is_empty() {
        return Ok(Vec::new());
    }
    let Statement::Query(q) = statement else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = used.iter().map(|(n, _)| n.clone()).collect();
    let ctes = used.into_iter().map(|(name, query)| Cte {
        alias: TableAlias {
            explicit: false,
            name: Ident::new(name),
            columns: vec![],
            at: None,
        },
        query,
        from: None,
        materialized: None,
        closing_paren_token: sqlparser::ast::helpers::attached_token::AttachedToken(
            sqlparser::tokenizer::TokenWithSpan::new(
                sqlparser::tokenizer::Token::RParen,
                Span::empty(),
            ),
        ),
    });
    match &mut q.with {
        Some(w) => {
            let own = std::mem::take(&mut w.cte_tables);
            w.cte_tables = ctes.chain(own).collect();
        }
        None => {
            q.with = Some(With {
                with_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                recursive: false,
                cte_tables: ctes.collect(),
            })
        }
    }
    Ok(names)
}

/// Checks and stores the view `name` as `sql` (replacing an earlier definition).
pub fn create(lake: &Lake, name: &str, sql: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(LakeError::bad_input(
            "the view's name",
            None,
            format!("'{name}' is not a view name: use lower-case letters, digits and _"),
        ));
    }
    let sql = sql.trim_start();
    let sql = match sql.get(..3) {
        Some(a) if a.eq_ignore_ascii_case("as ") => sql[3..].trim_start(),
        _ => sql,
    }
    .trim();
    if lake.catalog().dataset(name)?.is_some() {
        return Err(LakeError::bad_input(
            "the view's name",
            None,
            format!("{name} is a dataset already; give the view another name"),
        ));
    }
    // Its own definition must be a query, must not make a circle with other views, and must
    // plan (its datasets and columns exist).
    definition(name, sql)?;
    let mut views: HashMap<String, String> = lake.catalog().views()?.into_iter().collect();
    views.insert(name.to_string(), sql.to_string());
    let datasets: HashSet<String> = lake.catalog().dataset_names()?.into_iter().collect();
    // (The name is checked above: a plain identifier.)
    let use_it = guard::guard(&format!("SELECT * FROM {name}"))?.statement;
    used_views(&use_it, &views, &datasets)?;
    let _lock = lake.try_write_lock()?;
    let previous = lake.catalog().views()?.into_iter().find(|(n, _)| n == name);
    lake.catalog().put_view(name, sql)?;
    if let Err(e) = super::prepare(lake, &format!("SELECT * FROM {name}")) {
        match previous {
            Some((_, old)) => lake.catalog().put_view(name, &old)?,
            None => {
                lake.catalog().drop_view(name)?;
            }
        }
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{import_paths, CancelToken, ImportOptions, NoProgress};
    use crate::query::{run_query, QueryOptions};

    use crate::test_util::first_i64 as count;

    #[test]
    fn views_read_like_datasets_nest_and_refuse_circles() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        let p = dir.path().join("people.csv");
        std::fs::write(&p, "id,city\n1,Paris\n2,Berlin\n3,Paris\n").unwrap();
        let opts = ImportOptions::default();
        import_paths(&lake, &[p], &opts, &NoProgress, &CancelToken::new()).unwrap();

        create(
            &lake,
            "paris",
            "AS SELECT * FROM people WHERE city = 'Paris'",
        )
        .unwrap();
        assert_eq!(count(&lake, "SELECT count(*) FROM paris").unwrap(), 2);
        create(&lake, "paris_ids", "SELECT id FROM paris").unwrap();
        assert_eq!(count(&lake, "SELECT max(id) FROM paris_ids").unwrap(), 3);
        let sql = "SELECT count(*) FROM paris_ids i JOIN people p ON p.id = i.id";
        assert_eq!(count(&lake, sql).unwrap(), 2);
        // The statement's own CTE of that name wins; so does a WITH the statement has already.
        let sql = "WITH paris AS (SELECT 1 AS id) SELECT count(*) FROM paris";
        assert_eq!(count(&lake, sql).unwrap(), 1);
        let sql = "WITH x AS (SELECT id FROM paris_ids) SELECT count(*) FROM x";
        assert_eq!(count(&lake, sql).unwrap(), 2);
        let plan = run_query(
            &lake,
            "EXPLAIN SELECT count(*) FROM paris",
            &QueryOptions::default(),
        );
        assert!(plan.unwrap().plan.is_some());

        // A circle, a view that does not plan and a dataset's name are refused; the old
        // definition stays.
        let e = create(&lake, "paris", "SELECT * FROM paris_ids").unwrap_err();
        assert!(e.to_string().contains("paris → paris_ids → paris"), "{e}");
        let e = create(&lake, "broken", "SELECT nope FROM people").unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        assert!(lake
            .catalog()
            .views()
            .unwrap()
            .iter()
            .all(|(n, _)| n != "broken"));
        let e = create(&lake, "people", "SELECT 1 AS x").unwrap_err();
        assert!(e.to_string().contains("is a dataset already"), "{e}");
        let e = create(&lake, "Bad-Name", "SELECT 1 AS x").unwrap_err();
        assert!(e.to_string().contains("not a view name"), "{e}");
        let e = create(&lake, "writes", "DROP TABLE people").unwrap_err();
        assert!(e.to_string().contains("read-only"), "{e}");
        assert_eq!(count(&lake, "SELECT count(*) FROM paris").unwrap(), 2);

        // Redefined, then dropped.
        create(&lake, "paris", "SELECT * FROM people").unwrap();
        assert_eq!(count(&lake, "SELECT count(*) FROM paris_ids").unwrap(), 3);
        assert!(lake.catalog().drop_view("paris_ids").unwrap());
        assert!(!lake.catalog().drop_view("paris_ids").unwrap());
        let e = count(&lake, "SELECT * FROM paris_ids").unwrap_err();
        assert!(e.to_string().contains("unknown dataset"), "{e}");
    }
}
