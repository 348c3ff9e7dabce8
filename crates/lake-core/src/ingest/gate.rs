//! The quality gate of an import: each staged version is checked against its dataset's rules
//! before the commit. A failing blocking rule keeps that dataset out of the commit (its current
//! version stays as it was) and is reported as the import's error; failing warning rules ride
//! along with the imported dataset.

use crate::error::{LakeError, Result};
use crate::storage::StagedVersion;
use crate::Lake;

use super::{failure, ImportFailure, ImportedDataset};

/// Checks the batch; returns what may be committed.
pub(super) fn check_rules(
    lake: &Lake,
    batch: Vec<(StagedVersion, ImportedDataset)>,
    errors: &mut Vec<ImportFailure>,
) -> Result<Vec<(StagedVersion, ImportedDataset)>> {
    let mut out = Vec::with_capacity(batch.len());
    for (staged, mut info) in batch {
        let files: Vec<_> = staged.files.iter().map(|f| f.path.clone()).collect();
        let results = crate::quality::check_staged(
            lake,
            &staged.dataset,
            &files,
            staged.append,
            &staged.schema,
        )?;
        let blocked: Vec<String> = results
            .iter()
            .filter(|r| r.block && !r.passed)
            .map(|r| format!("{} ({})", r.rule, r.detail))
            .collect();
        if blocked.is_empty() {
            info.quality = results.into_iter().filter(|r| !r.passed).collect();
            out.push((staged, info));
            continue;
        }
        let path = staged
            .sources
            .iter()
            .map(|s| s.path.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let e = LakeError::bad_input(
            &path,
            None,
            format!(
                "not imported into {}: its quality rules refuse it: {}; the dataset keeps its \
                 current version (`lake check {}` shows the rules)",
                staged.dataset,
                blocked.join("; "),
                staged.dataset
            ),
        );
        errors.push(failure(&path, &e));
    }
    Ok(out)
}
