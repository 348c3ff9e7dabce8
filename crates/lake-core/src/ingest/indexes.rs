//! The indexes of the versions an import just committed: the R-trees of coordinate and
//! geometry columns, and the vector indexes the previous version had, carried forward.

use super::{ImportFailure, ImportReport};
use crate::Lake;

/// Builds the indexes of the versions just committed. The data is in either way: a failure
/// here is reported with what to run, and the queries it would speed up still work.
pub(crate) fn index_imported(
    lake: &Lake,
    lock: &crate::storage::WriteLock,
    report: &mut ImportReport,
) {
    let names: Vec<String> = report.datasets.iter().map(|d| d.name.clone()).collect();
    for name in names {
        match crate::spatial::index::index_new_versions(lake, lock, std::slice::from_ref(&name)) {
            Ok(built) => report.indexes.extend(built),
            Err(e) => report.errors.push(ImportFailure {
                path: name.clone(),
                error: format!(
                    "{name} was imported, but its spatial index could not be built ({e}); \
                     queries still work, more slowly; build it with `lake index create {name} lon,lat`"
                ),
                code: e.code(),
            }),
        }
        match crate::vector::lake_index::carry_forward(lake, lock, &name) {
            Ok(built) => report.indexes.extend(built),
            Err(e) => report.errors.push(ImportFailure {
                path: name.clone(),
                error: format!(
                    "{name} was imported, but the vector index its previous version had could \
                     not be built again ({e}); queries still work, more slowly; build it with \
                     `lake index create {name} COLUMN`"
                ),
                code: e.code(),
            }),
        }
    }
}
