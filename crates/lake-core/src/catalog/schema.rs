//! The catalog's schema and migrations, how it is opened (read-write with the durability
//! commits rely on, or read-only), and how a lake's catalog is told from any other file named
//! `catalog.sqlite`: SQLite's `application_id` header field says "Datapunk Lake".

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::Catalog;
use crate::error::{LakeError, Result};

/// `PRAGMA application_id` of a lake's catalog: "DPLK" in ASCII.
pub const APPLICATION_ID: i32 = 0x4450_4C4B;

/// Migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  current_version INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE versions (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  version INTEGER NOT NULL,
  mode TEXT NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  schema_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE(dataset_id, version)
);
CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  version_id INTEGER NOT NULL REFERENCES versions(id),
  path TEXT NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL
);
CREATE INDEX files_by_version ON files(version_id);
CREATE TABLE column_stats (
  file_id INTEGER NOT NULL REFERENCES files(id),
  column_name TEXT NOT NULL,
  dtype TEXT NOT NULL,
  null_count INTEGER NOT NULL,
  min_value TEXT,
  max_value TEXT,
  PRIMARY KEY (file_id, column_name)
);
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  version_id INTEGER NOT NULL REFERENCES versions(id),
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  skipped_rows INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE INDEX sources_by_version ON sources(version_id, sha256);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  action TEXT NOT NULL,
  dataset TEXT,
  version INTEGER,
  details TEXT
);
CREATE TABLE query_log (
  id INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  sql TEXT NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT,
  duration_ms REAL,
  rows INTEGER
);
CREATE TABLE lineage_edges (
  id INTEGER PRIMARY KEY,
  from_kind TEXT NOT NULL,
  from_name TEXT NOT NULL,
  to_kind TEXT NOT NULL,
  to_name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
"#,
    // The journal of what running jobs write: clean-up after a crash removes exactly these
    // paths (and never anything else), see `catalog::journal`.
    r#"
CREATE TABLE journal (
  id INTEGER PRIMARY KEY,
  job TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('staging', 'dir', 'file')),
  path TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX journal_by_job ON journal(job);
"#,
    // Indexes (the R-tree of `lake index create`), each tied to the version it was built from.
    r#"
CREATE TABLE indexes (
  id INTEGER PRIMARY KEY,
  version_id INTEGER NOT NULL REFERENCES versions(id),
  column_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  entries INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE(version_id, column_name, kind)
);
"#,
    // Distinct counts (`storage::sketch`), for the planner's estimates; NULL where unknown.
    "ALTER TABLE column_stats ADD COLUMN distinct_count INTEGER;",
    // The plan of each EXPLAIN ANALYZE, so a run can be compared with an earlier one.
    "ALTER TABLE query_log ADD COLUMN plan TEXT;",
    // Time travel: a version whose files vacuum removed stays listed, marked; a restore
    // records the version it brought back.
    "ALTER TABLE versions ADD COLUMN vacuumed_at TEXT;
     ALTER TABLE versions ADD COLUMN restored_from INTEGER;",
    // Derived datasets: the query each version was made by and the input versions it read.
    r#"
CREATE TABLE derivations (
  version_id INTEGER PRIMARY KEY REFERENCES versions(id),
  sql TEXT NOT NULL,
  inputs TEXT NOT NULL
);
"#,
    // Views: named queries, used in queries like datasets.
    r#"
CREATE TABLE views (
  name TEXT PRIMARY KEY,
  sql TEXT NOT NULL,
  created_at TEXT NOT NULL
);
"#,
    // The audit log's hash chain (`catalog::audit`); older entries have none.
    "ALTER TABLE audit_log ADD COLUMN hash TEXT;",
    // Quality rules per dataset, and the history of their checks.
    r#"
CREATE TABLE quality_rules (
  id INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL,
  name TEXT NOT NULL,
  column_name TEXT,
  spec TEXT NOT NULL,
  block INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE(dataset, name)
);
CREATE TABLE quality_results (
  id INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL,
  rule TEXT NOT NULL,
  version INTEGER,
  ts TEXT NOT NULL,
  passed INTEGER NOT NULL,
  failing INTEGER NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX quality_results_by_rule ON quality_results(dataset, rule);
"#,
    // Column profiles per version (the profile module), computed once.
    "CREATE TABLE profiles (version_id INTEGER PRIMARY KEY, profile TEXT NOT NULL, created_at TEXT NOT NULL);",
    // Columns the user tagged as personal data, and the lake's settings (the pii module).
    r#"
CREATE TABLE pii_columns (
  dataset TEXT NOT NULL,
  column_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (dataset, column_name)
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#,
    // What the timeline counted per version and time column (the timeline module): a version's
    // files never change, so neither do its counts.
    // Keyed by the version's name, number and commit time, so a dataset made again under the
    // same name never reads the counts of the one before.
    "CREATE TABLE time_counts (dataset TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL, column_name TEXT NOT NULL, kind TEXT NOT NULL, counts TEXT NOT NULL, PRIMARY KEY (dataset, version, created_at, column_name, kind));",
    // Metrics (`catalog::metrics`, `catalog::query_log`): what each query read and its peak
    // memory; each import's sizes and phases; the app's memory and CPU; and the daily roll-up
    // that older detail is folded into, so none of it grows without bound.
    r#"
ALTER TABLE query_log ADD COLUMN datasets TEXT;
ALTER TABLE query_log ADD COLUMN files_scanned INTEGER;
ALTER TABLE query_log ADD COLUMN files_pruned INTEGER;
ALTER TABLE query_log ADD COLUMN bytes_scanned INTEGER;
ALTER TABLE query_log ADD COLUMN row_groups_pruned INTEGER;
ALTER TABLE query_log ADD COLUMN peak_bytes INTEGER;
ALTER TABLE query_log ADD COLUMN cache TEXT;
CREATE INDEX query_log_by_ts ON query_log(ts);
CREATE TABLE import_metrics (
  id INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  status TEXT NOT NULL,
  datasets TEXT NOT NULL,
  sources INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  read_ms REAL NOT NULL,
  parse_ms REAL NOT NULL,
  write_ms REAL NOT NULL,
  commit_ms REAL NOT NULL,
  peak_bytes INTEGER,
  errors INTEGER NOT NULL,
  skipped INTEGER NOT NULL
);
CREATE INDEX import_metrics_by_ts ON import_metrics(ts);
CREATE TABLE process_metrics (
  ts TEXT PRIMARY KEY,
  rss_bytes INTEGER NOT NULL,
  cpu_percent REAL NOT NULL
);
CREATE TABLE metrics_daily (
  day TEXT NOT NULL,
  kind TEXT NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  cancelled INTEGER NOT NULL,
  total_ms REAL NOT NULL,
  p50_ms REAL,
  p95_ms REAL,
  max_ms REAL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (day, kind)
);
"#,
    // The row groups a query read (beside those pruned), and an index that holds everything the
    // monitoring page's figures read of each query, so a year of them is read from the index
    // alone, never from rows that carry SQL and plans.
    r#"
ALTER TABLE query_log ADD COLUMN row_groups_read INTEGER;
DROP INDEX query_log_by_ts;
CREATE INDEX query_log_points ON query_log(ts, duration_ms, status, cache, rows, files_scanned,
  files_pruned, bytes_scanned, row_groups_read, row_groups_pruned);
"#,
    // How many entries left the query log (folded into days, or removed by any writer), counted
    // as they go: a report that kept the log's points knows at once whether all are still there.
    r#"
CREATE TABLE log_forgotten (log TEXT PRIMARY KEY, entries INTEGER NOT NULL);
INSERT INTO log_forgotten VALUES ('query_log', 0);
CREATE TRIGGER query_log_forgotten AFTER DELETE ON query_log BEGIN
  UPDATE log_forgotten SET entries = entries + 1 WHERE log = 'query_log';
END;
"#,
    // Each file's SHA-256, taken as it was written, so `lake verify` and backups can tell a
    // file that changed on disk; NULL for files written before this.
    "ALTER TABLE files ADD COLUMN sha256 TEXT; ALTER TABLE indexes ADD COLUMN sha256 TEXT;",
];

/// Tables every lake catalog has had since the first release (a catalog written before the
/// application id was set is recognised by them).
const FIRST_TABLES: &[&str] = &[
    "datasets",
    "versions",
    "files",
    "column_stats",
    "sources",
    "audit_log",
    "query_log",
    "lineage_edges",
];

/// What a file named `catalog.sqlite` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogKind {
    /// A lake's catalog.
    Lake,
    /// A lake's catalog written before lakes set their application id: it has exactly the
    /// lake's tables. Opening it read-write sets the id.
    LegacyLake,
    /// Something else; the reason says what.
    Foreign(String),
}

/// Tells what the file at `path` is without writing to it (or to anything beside it).
pub fn probe(path: &Path) -> Result<CatalogKind> {
    let f = std::fs::File::open(path)
        .map_err(|e| LakeError::io(format!("opening {}", path.display()), e))?;
    let mut header = Vec::with_capacity(100);
    f.take(100)
        .read_to_end(&mut header)
        .map_err(|e| LakeError::io(format!("reading {}", path.display()), e))?;
    if header.len() < 100 || &header[..16] != b"SQLite format 3\0" {
        return Ok(CatalogKind::Foreign("it is not a SQLite database".into()));
    }
    let app_id = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if app_id == APPLICATION_ID {
        return Ok(CatalogKind::Lake);
    }
    if app_id != 0 {
        return Ok(CatalogKind::Foreign(format!(
            "it is the database of another application (application id {app_id:#010x})"
        )));
    }
    // No id: a catalog from before lakes set one has exactly the first release's tables.
    let conn = open_read_only_conn(path)?;
    let mut st = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let tables: Vec<String> = st
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let ours = FIRST_TABLES.iter().all(|t| tables.iter().any(|x| x == t));
    Ok(if ours {
        CatalogKind::LegacyLake
    } else {
        CatalogKind::Foreign("it is a SQLite database without a lake's tables".into())
    })
}

/// A `file:` URI for SQLite with the query `params` (`mode=ro`, `immutable=1`).
fn sqlite_uri(path: &Path, params: &str) -> String {
    let mut bytes = b"file:".to_vec();
    for b in path.to_string_lossy().bytes() {
        match b {
            b'?' | b'#' | b'%' => bytes.extend_from_slice(format!("%{b:02X}").as_bytes()),
            _ => bytes.push(b),
        }
    }
    // Only ASCII bytes were replaced by ASCII, so the text stays UTF-8.
    format!("{}?{params}", String::from_utf8_lossy(&bytes))
}

/// A read-only connection that writes nothing, not even SQLite's `-shm` file: read-only where
/// SQLite can share memory with writers, else (a read-only folder) `immutable=1`.
fn open_read_only_conn(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // The plain path first (any bytes, no URI escaping); a URI only for `immutable`.
    let conn = match Connection::open_with_flags(path, flags) {
        Ok(c)
            if c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
                .is_ok() =>
        {
            c
        }
        _ => Connection::open_with_flags(
            sqlite_uri(path, "immutable=1"),
            flags | OpenFlags::SQLITE_OPEN_URI,
        )?,
    };
    harden(&conn)?;
    Ok(conn)
}

/// A catalog received from someone else must not run code of its own: views and triggers may
/// call only functions marked harmless, and the schema cannot be written through SQL.
fn harden(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    Ok(())
}

impl Catalog {
    /// Opens the catalog at `path` read-write, with WAL, `synchronous=FULL` and foreign keys,
    /// and brings its schema up to date. A new file is stamped with the lake's application id.
    /// Callers check with [`probe`] first that an existing file is a lake's.
    pub fn open(path: &Path) -> Result<Catalog> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        harden(&conn)?;
        // Before WAL, so the id lands in the file's header at once (probe reads it there).
        let id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if id != APPLICATION_ID {
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut cat = Catalog {
            conn,
            read_only: false,
        };
        // SQLite ignores a journal mode it cannot use (WAL on some network file systems):
        // refuse to run without the settings commits rely on, rather than lose them silently.
        let (journal, sync, fk) = cat.durability()?;
        if journal != "wal" || sync != 2 || fk != 1 {
            return Err(LakeError::NotALake(format!(
                "{}: the catalog runs with journal_mode={journal}, synchronous={sync}, \
                 foreign_keys={fk} instead of wal, 2 (FULL) and 1; put the lake on a local disk",
                path.display()
            )));
        }
        cat.check_version(path)?;
        cat.migrate()?;
        Ok(cat)
    }

    /// Opens the catalog at `path` for reading only (a lake in a folder this process cannot
    /// write). Writing through it fails with `read_only`.
    pub fn open_read_only(path: &Path) -> Result<Catalog> {
        let conn = open_read_only_conn(path)?;
        let cat = Catalog {
            conn,
            read_only: true,
        };
        cat.check_version(path)?;
        Ok(cat)
    }

    /// Whether this connection can only read.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Refuses a catalog written by a newer release, whose schema this one does not know.
    fn check_version(&self, path: &Path) -> Result<()> {
        let done: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if done > MIGRATIONS.len() as i64 {
            return Err(LakeError::NotALake(format!(
                "{} was written by a newer Datapunk Lake (catalog schema {done}, this one knows \
                 up to {}); open it with that release",
                path.display(),
                MIGRATIONS.len()
            )));
        }
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let done: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Whether the catalog has the table `name` (a read-only catalog of an older release may
    /// lack the newer ones).
    pub(crate) fn has_table(&self, name: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )? > 0)
    }

    /// The durability settings in force: (journal_mode, synchronous, foreign_keys).
    pub fn durability(&self) -> Result<(String, i64, i64)> {
        Ok((
            self.conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))?,
            self.conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))?,
            self.conn
                .query_row("PRAGMA foreign_keys", [], |r| r.get(0))?,
        ))
    }

    /// Fails with `read_only` when this catalog cannot be written.
    pub(crate) fn writable(&self) -> Result<()> {
        if self.read_only {
            return Err(LakeError::ReadOnly(
                "this lake is open read-only (its folder cannot be written); queries work, \
                 changes do not: copy the lake to a folder you can write to"
                    .into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_sqlite_would_read_as_query() {
        assert_eq!(
            sqlite_uri(Path::new("/tmp/a?b#c%d é"), "immutable=1"),
            "file:/tmp/a%3Fb%23c%25d é?immutable=1"
        );
    }

    #[test]
    fn catalog_connections_do_not_trust_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("catalog.sqlite");
        for cat in [
            Catalog::open(&p).unwrap(),
            Catalog::open_read_only(&p).unwrap(),
        ] {
            let trusted: i64 = cat
                .conn
                .query_row("PRAGMA trusted_schema", [], |r| r.get(0))
                .unwrap();
            assert_eq!(trusted, 0);
            let defensive = cat
                .conn
                .db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE)
                .unwrap();
            assert!(defensive);
        }
    }

    #[test]
    fn probe_tells_lakes_from_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("catalog.sqlite");
        std::fs::write(&p, b"hello").unwrap();
        assert!(matches!(probe(&p).unwrap(), CatalogKind::Foreign(_)));
        std::fs::remove_file(&p).unwrap();
        let other = Connection::open(&p).unwrap();
        other
            .execute_batch("CREATE TABLE datasets (x); PRAGMA application_id = 7;")
            .unwrap();
        drop(other);
        let before = std::fs::read(&p).unwrap();
        assert!(matches!(probe(&p).unwrap(), CatalogKind::Foreign(m) if m.contains("another")));
        assert_eq!(
            std::fs::read(&p).unwrap(),
            before,
            "probing wrote to the file"
        );
        std::fs::remove_file(&p).unwrap();
        drop(Catalog::open(&p).unwrap());
        assert_eq!(probe(&p).unwrap(), CatalogKind::Lake);
    }
}
