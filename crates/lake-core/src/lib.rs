//! Datapunk Lake's engine: the lake on disk, import, and SQL queries with plans. It works
//! without Tauri, in both the desktop app and the `lake` CLI.
//!
//! How data moves through the modules (docs/ARCHITECTURE.md has the whole picture):
//!
//! ```text
//! import:  files, folders, Takeout parts
//!            -> ingest (format detection; csv, records, geo, parquet_src readers, parsed
//!                       on ingest::parallel's ordered pool; ingest::takeout: vfs over
//!                       zip/tgz/folders, takeout::import's handler per kind of entry)
//!               (ingest::progress: snapshots with time left; one import at a time)
//!            -> storage::ParquetSink (Parquet in staging/, column statistics)
//!            -> storage::Lake::commit_versions (journaled moves into data/, one
//!               catalog transaction)
//! query:   SQL text
//!            -> query::guard -> query::bind (catalog names; hints for typos)
//!            -> query::rewrite -> query::prune (files and row groups)
//!            -> guard re-check of the text given to Polars -> query::execute
//!            -> query::output / query::results / query::plan (EXPLAIN)
//! storage: storage::identity (what a lake is), catalog (SQLite, journal), storage::cleanup
//! shared:  error (LakeError, ErrorCode, ReadError), cancel, temporal, hints
//! ```
//!
//! ```no_run
//! use lake_core::{ingest, query, Lake};
//! let lake = Lake::open_or_init(std::path::Path::new("/tmp/my-lake"))?;
//! let report = ingest::import_paths(
//!     &lake,
//!     &["trips.csv".into()],
//!     &ingest::ImportOptions::default(),
//!     &ingest::NoProgress,
//!     &ingest::CancelToken::new(),
//! )?;
//! let out = query::run_query(&lake, "SELECT count(*) AS n FROM trips", &query::QueryOptions::default())?;
//! println!("{} {:?}", report.datasets.len(), out.frame);
//! # Ok::<(), lake_core::LakeError>(())
//! ```
#![warn(missing_docs)]

pub mod backup;
pub mod cancel;
pub mod catalog;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod hints;
pub mod ingest;
pub mod lineage;
pub mod materialize;
pub mod meter;
pub mod metrics;
pub mod pii;
pub mod profile;
pub mod quality;
pub mod query;
pub mod retention;
pub mod settings;
pub mod spatial;
pub mod storage;
pub mod temporal;
pub mod text;
pub mod timeline;
mod timeline_kept;
pub mod timeline_rows;
pub mod vector;

#[cfg(test)]
mod backup_tests;
#[cfg(test)]
mod layout_tests;
#[cfg(test)]
mod test_util;

pub use error::{ErrorCode, ErrorPayload, LakeError, Result, SqlPosition};
pub use storage::Lake;
