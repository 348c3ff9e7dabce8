//! Restoring a past version and vacuuming old ones (the history and time travel themselves are
//! the catalog's: [`crate::catalog::history`]).

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::{cleanup, job_name, Lake, WriteLock};
use crate::catalog::history::VacuumPlan;
use crate::catalog::journal::EntryKind;
use crate::error::{LakeError, Result};

/// What `vacuum` did, or would do with `--dry-run`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VacuumReport {
    /// Whether anything was removed (false for a dry run).
    pub removed: bool,
    /// Versions that can no longer be read, as `dataset@vN`.
    pub versions: Vec<String>,
    /// Files removed (or to remove), relative to the lake folder.
    pub files: Vec<String>,
    /// Their bytes.
    pub bytes: u64,
}

/// Reads an age as `30d`, `12h`, `45m` or `0d`.
pub fn parse_age(text: &str) -> Result<Duration> {
    let t = text.trim();
    let bad = || {
        LakeError::bad_input(
            "--older-than",
            None,
            format!("'{t}' is not an age; write it as 30d (days), 12h (hours) or 45m (minutes)"),
        )
    };
    let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: u64 = n.parse().map_err(|_| bad())?;
    let secs = match unit {
        "d" => n.checked_mul(86_400),
        "h" => n.checked_mul(3_600),
        "m" => n.checked_mul(60),
        _ => None,
    };
    secs.map(Duration::from_secs).ok_or_else(bad)
}

/// The instant `age` ago, as the catalog writes times (RFC 3339, UTC, milliseconds).
pub fn cutoff(age: Duration) -> String {
    // An age beyond the calendar (`99999999999d`) means from the beginning.
    let t = chrono::Duration::from_std(age)
        .ok()
        .and_then(|d| chrono::Utc::now().checked_sub_signed(d))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The audit log as the app shows it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditView {
    /// The entries asked for, newest first (at most 500).
    pub entries: Vec<crate::catalog::AuditEntry>,
    /// Every action the log holds (for a filter).
    pub actions: Vec<String>,
    /// Whether the hash chain is intact.
    pub check: crate::catalog::audit::AuditCheck,
}

impl Lake {
    /// The audit log since `since` (an age: `1d`, `30d`; all when none), of one `action`,
    /// with `text` in its dataset or details; and the chain's check.
    pub fn audit_view(
        &self,
        since: Option<&str>,
        action: Option<String>,
        text: Option<String>,
    ) -> Result<AuditView> {
        let since = match since.filter(|s| !s.is_empty()) {
            Some(age) => cutoff(parse_age(age)?),
            None => String::new(),
        };
        let filter = crate::catalog::audit::AuditFilter {
            since,
            action: action.filter(|a| !a.is_empty()),
            text,
            limit: 500,
        };
        let c = self.catalog();
        Ok(AuditView {
            entries: c.audit_filtered(&filter)?,
            actions: c.audit_actions()?,
            check: c.verify_audit()?,
        })
    }

    /// Writes an export to the audit log and the lineage of the versions it was made from
    /// (where the lake can be written: a read-only lake exports without a record).
    pub fn record_export(
        &self,
        path: &Path,
        rows: usize,
        sql: Option<&str>,
        inputs: &[crate::catalog::lineage::InputVersion],
    ) -> Result<()> {
        if self.is_read_only() {
            return Ok(());
        }
        // Where it went, wherever the command was run from.
        let path = crate::storage::platform::canonical(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string();
        self.catalog().record_export(&path, rows, sql, inputs)
    }

    /// Makes version `version` of `dataset` current again, as a new version with its files
    /// (nothing is copied). Returns the new version's number.
    pub fn restore(&self, _lock: &WriteLock, dataset: &str, version: u32) -> Result<u32> {
        self.catalog().restore_version(dataset, version)
    }

    /// Removes the files of versions older than `older_than` that are not current, except
    /// files a remaining version still reads. Those versions stay in the history, marked, and
    /// can no longer be read. With `dry_run`, only says what it would remove.
    ///
    /// Crash-safe: the catalog forgets the versions' files and journals them in one
    /// transaction, then the lake's clean-up removes exactly those (again on the next open if
    /// this process dies first). Nothing the lake did not write is touched.
    pub fn vacuum(
        &self,
        _lock: &WriteLock,
        older_than: Duration,
        dry_run: bool,
    ) -> Result<VacuumReport> {
        let plan = self.catalog().vacuum_plan(&cutoff(older_than))?;
        let bytes = plan
            .files
            .iter()
            .filter_map(|f| std::fs::symlink_metadata(self.root.join(f)).ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum();
        let report = VacuumReport {
            removed: !dry_run && !plan.versions.is_empty(),
            versions: plan
                .versions
                .iter()
                .map(|v| format!("{}@v{}", v.dataset, v.version))
                .collect(),
            files: plan.files.clone(),
            bytes,
        };
        if dry_run || plan.versions.is_empty() {
            return Ok(report);
        }
        let job = job_name("vacuum");
        self.catalog().vacuum_commit(&job, &plan)?;
        self.journal_emptied_folders(&job, &plan)?;
        let mut catalog = self.catalog();
        cleanup::clean_up(&self.root, &self.canonical_root, &mut catalog)?;
        Ok(report)
    }

    /// Journals the folders the plan's files leave empty (clean-up removes a folder only when
    /// it is empty), up to the dataset's folder under `data/` or `index/`.
    fn journal_emptied_folders(&self, job: &str, plan: &VacuumPlan) -> Result<()> {
        let mut dirs = Vec::new();
        for f in &plan.files {
            let mut p = Path::new(f).parent();
            while let Some(d) = p {
                // Stop at `data/<dataset>` and `index/...` depth 2.
                if d.components().count() <= 2 {
                    break;
                }
                let text = d.to_string_lossy().replace('\\', "/");
                if !dirs.contains(&text) {
                    dirs.push(text);
                }
                p = d.parent();
            }
        }
        let entries: Vec<(EntryKind, String)> =
            dirs.into_iter().map(|d| (EntryKind::Dir, d)).collect();
        self.catalog().journal_add(job, &entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Mode;

    fn import(lake: &Lake, dir: &Path, file: &str, text: &str, mode: Mode) {
        crate::test_util::import_csv(lake, dir, file, "people", text, mode);
    }

    use crate::test_util::first_i64 as count;

    #[test]
    fn history_time_travel_restore_and_vacuum() {
        let dir = tempfile::tempdir().unwrap();
        let lake = Lake::init(&dir.path().join("lake")).unwrap();
        import(
            &lake,
            dir.path(),
            "a.csv",
            "id,name\n1,a\n2,b\n3,c\n",
            Mode::Replace,
        );
        import(
            &lake,
            dir.path(),
            "b.csv",
            "id,name,age\n4,d,40\n5,e,50\n",
            Mode::Replace,
        );
        import(
            &lake,
            dir.path(),
            "c.csv",
            "id,name,age\n6,f,60\n7,g,70\n",
            Mode::Append,
        );

        let h = lake.catalog().history("people").unwrap();
        let versions: Vec<(u32, &str, u64, bool)> = h
            .iter()
            .map(|e| (e.version, e.mode.as_str(), e.rows, e.current))
            .collect();
        assert_eq!(
            versions,
            [
                (3, "append", 4, true),
                (2, "replace", 2, false),
                (1, "replace", 3, false)
            ]
        );
        assert_eq!(h[1].added.len(), 1);
        assert_eq!(h[1].added[0].name, "age");
        assert_eq!(
            h[0].sources.len(),
            2,
            "an append lists the carried-over source too"
        );
        assert!(h[2].sources[0].path.ends_with("a.csv"));

        // Every form reads the version it names; the current one is untouched.
        assert_eq!(count(&lake, "SELECT count(*) FROM people").unwrap(), 4);
        assert_eq!(
            count(&lake, "SELECT count(*) FROM people VERSION AS OF 1").unwrap(),
            3
        );
        assert_eq!(
            count(&lake, "SELECT count(*) FROM people AT (VERSION => 2)").unwrap(),
            2
        );
        let v1_at = h[2].created_at.clone();
        let sql = format!("SELECT count(*) FROM people TIMESTAMP AS OF '{v1_at}'");
        assert_eq!(count(&lake, &sql).unwrap(), 3);
        // Rows added since version 1, by a join of the two versions.
        let sql = "SELECT count(*) FROM people p LEFT JOIN people VERSION AS OF 1 old \
                   ON p.id = old.id WHERE old.id IS NULL";
        assert_eq!(count(&lake, sql).unwrap(), 4);
        let sql = "SELECT max(people.age) FROM people VERSION AS OF 3";
        assert_eq!(count(&lake, sql).unwrap(), 70);
        let e = count(&lake, "SELECT count(*) FROM people VERSION AS OF 9").unwrap_err();
        assert!(e.to_string().contains("versions are 1 to 3"), "{e}");
        let e = count(&lake, "SELECT * FROM people TIMESTAMP AS OF '2001-01-01'").unwrap_err();
        assert!(e.to_string().contains("did not exist yet"), "{e}");
        let e = count(
            &lake,
            "WITH x AS (SELECT 1 AS a) SELECT * FROM x VERSION AS OF 1",
        );
        let e = e.unwrap_err();
        assert!(
            e.to_string()
                .contains("`x` is a WITH name, which has no versions"),
            "{e}"
        );
        let e = count(&lake, "SELECT * FROM peeple VERSION AS OF 1").unwrap_err();
        assert!(e.to_string().contains("did you mean `people`"), "{e}");

        // Restore makes a new version with version 1's files and columns.
        let lock = lake.try_write_lock().unwrap();
        assert_eq!(lake.restore(&lock, "people", 1).unwrap(), 4);
        assert_eq!(count(&lake, "SELECT count(*) FROM people").unwrap(), 3);
        let h = lake.catalog().history("people").unwrap();
        assert_eq!((h[0].version, h[0].restored_from), (4, Some(1)));
        assert_eq!(h[0].removed.len(), 1, "version 4 has no age column again");
        assert!(lake.restore(&lock, "people", 7).is_err());

        // Vacuum: a dry run changes nothing; then versions 1-3 go, and only the files no
        // remaining version reads (version 4 reads version 1's).
        std::thread::sleep(Duration::from_millis(5));
        let foreign = lake.root().join("data").join("people").join("notes.txt");
        std::fs::write(&foreign, "mine").unwrap();
        let v1_files: Vec<String> = lake
            .catalog()
            .dataset("people")
            .unwrap()
            .unwrap()
            .files
            .iter()
            .map(|f| f.path.clone())
            .collect();
        let dry = lake.vacuum(&lock, Duration::ZERO, true).unwrap();
        assert!(!dry.removed);
        assert_eq!(dry.versions, ["people@v1", "people@v2", "people@v3"]);
        assert_eq!(dry.files.len(), 2, "{:?}", dry.files);
        assert!(dry.files.iter().all(|f| !v1_files.contains(f)));
        assert!(dry.files.iter().all(|f| lake.root().join(f).exists()));
        assert_eq!(
            count(&lake, "SELECT count(*) FROM people VERSION AS OF 2").unwrap(),
            2
        );
        let done = lake.vacuum(&lock, Duration::ZERO, false).unwrap();
        assert_eq!(done.files, dry.files);
        assert!(done.files.iter().all(|f| !lake.root().join(f).exists()));
        assert!(v1_files.iter().all(|f| lake.root().join(f).exists()));
        assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "mine");
        assert_eq!(count(&lake, "SELECT count(*) FROM people").unwrap(), 3);
        let e = count(&lake, "SELECT count(*) FROM people VERSION AS OF 2").unwrap_err();
        assert!(e.to_string().contains("removed by vacuum"), "{e}");
        let h = lake.catalog().history("people").unwrap();
        assert!(h[1..].iter().all(|e| e.vacuumed_at.is_some()));
        assert!(lake.restore(&lock, "people", 2).is_err());
        let again = lake.vacuum(&lock, Duration::ZERO, false).unwrap();
        assert!(again.versions.is_empty());
        // A version replaced within the age kept stays readable.
        assert!(lake
            .vacuum(&lock, Duration::from_secs(3600), true)
            .unwrap()
            .versions
            .is_empty());
    }

    #[test]
    fn ages_read_as_people_write_them() {
        assert_eq!(parse_age("30d").unwrap(), Duration::from_secs(30 * 86_400));
        assert_eq!(parse_age("12h").unwrap(), Duration::from_secs(12 * 3600));
        assert_eq!(parse_age("0d").unwrap(), Duration::ZERO);
        for bad in ["30", "d", "-1d", "3w", "1.5d", ""] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }
}
