//! `lake index create|list|drop`: the R-tree indexes of coordinate and geometry columns, and
//! the HNSW indexes of vector columns.

use std::process::ExitCode;

use clap::Subcommand;
use lake_core::catalog::IndexInfo;
use lake_core::spatial::{index, viewport};
use lake_core::vector::{lake_index, BackendKind, Metric};
use lake_core::{Lake, LakeError};

#[derive(Subcommand)]
pub enum IndexAction {
    /// Build an index on a dataset's current version (again, if it has one).
    Create {
        /// Dataset name.
        dataset: String,
        /// A geometry column, or two coordinate columns written `lon,lat`; a vector (FLOAT[N])
        /// column for `--kind hnsw`.
        column: String,
        /// Index kind: `rtree` for places, `hnsw` for vectors (the default for a vector column).
        #[arg(long, value_parser = ["rtree", "hnsw"])]
        kind: Option<String>,
        /// For `hnsw`: what "near" means, as the SQL function that ranks by it: `cosine`
        /// (array_cosine_distance), `l2` (array_distance) or `ip` (array_negative_inner_product).
        #[arg(long, default_value = "cosine", value_parser = ["cosine", "l2", "ip"])]
        metric: String,
        /// For `hnsw`: the backend; by default `exact` below 20,000 vectors, `usearch` above.
        #[arg(long, value_parser = ["usearch", "instant-distance", "exact"])]
        backend: Option<String>,
    },
    /// List the indexes of the datasets' current versions.
    List {
        /// Only this dataset's.
        dataset: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What the map's engine answers for a box: points in it, drawn or counted per cell.
    Viewport {
        /// Dataset name.
        dataset: String,
        /// West,south,east,north in degrees.
        #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
        bbox: String,
        /// Points returned one by one up to this many.
        #[arg(long, default_value_t = 20_000)]
        max_points: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The nearest rows of each vector in another dataset, from an HNSW index: what
    /// `make bench-vector` times against hnswlib and USearch.
    Search {
        /// Dataset name.
        dataset: String,
        /// Its indexed vector column.
        column: String,
        /// A dataset whose vector column `--queries-column` holds the vectors to search for.
        #[arg(long)]
        queries: String,
        /// That dataset's vector column (its only one by default).
        #[arg(long)]
        queries_column: Option<String>,
        /// Rows per query.
        #[arg(long, default_value_t = 10)]
        k: usize,
        /// How wide each search looks (HNSW's ef).
        #[arg(long, default_value_t = 64)]
        ef: usize,
        /// The index's metric.
        #[arg(long, default_value = "cosine", value_parser = ["cosine", "l2", "ip"])]
        metric: String,
        /// Write each query's rows here, one line per query (row numbers, comma-separated).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Remove an index (queries still work, without it).
    Drop {
        /// Dataset name.
        dataset: String,
        /// The column, or `lon,lat`, as `lake index list` shows it.
        column: String,
    },
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// One line about an index.
pub fn describe(i: &IndexInfo) -> String {
    format!(
        "{} index on {} ({}) version {}: {} entries, {}",
        i.kind,
        i.dataset,
        i.column,
        i.version,
        i.entries,
        mb(i.bytes)
    )
}

/// The bar a graph build shows on a terminal: vectors inserted, the rate and the time left
/// (Ctrl-C stops the build, with the lake unchanged).
fn build_bar() -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            crate::progress::with_rate(
                indicatif::ProgressStyle::with_template(
                    "{spinner} building the index [{bar:30}] {pos}/{len} vectors {rate} ETA {eta} \
                     (Ctrl-C cancels)",
                )
                .expect("valid template"),
            )
            .progress_chars("=> "),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    })
}

pub fn run(lake: &Lake, action: IndexAction) -> Result<ExitCode, LakeError> {
    match action {
        IndexAction::Create {
            dataset,
            column,
            kind,
            metric,
            backend,
        } => {
            let lock = lake.try_write_lock()?;
            let ds = lake.catalog().require_dataset(&dataset)?;
            let vector = lake_index::resolve(&ds, &column).is_ok();
            if kind.as_deref() == Some("hnsw") || (kind.is_none() && vector) {
                let backend = backend.as_deref().map(BackendKind::parse).transpose()?;
                let (bar, cancel) = (build_bar(), crate::install_ctrlc());
                let progress = |done: usize, all: usize| {
                    if let Some(b) = &bar {
                        b.set_length(all as u64);
                        b.set_position(done as u64);
                    }
                };
                let b = lake_index::create_watched(
                    lake,
                    &lock,
                    (&dataset, &column),
                    Metric::parse(&metric)?,
                    backend,
                    &progress,
                    &cancel,
                );
                if let Some(bar) = &bar {
                    bar.finish_and_clear();
                }
                let b = b?;
                println!(
                    "built {} with {} in {:.2} s (reading the vectors {:.2} s, building {:.2} s)",
                    describe(&b.info),
                    b.backend.name(),
                    b.read_s + b.build_s,
                    b.read_s,
                    b.build_s
                );
                return Ok(ExitCode::SUCCESS);
            }
            let t = std::time::Instant::now();
            let info = index::create(lake, &lock, &dataset, &column)?;
            println!(
                "built {} in {:.2} s",
                describe(&info),
                t.elapsed().as_secs_f64()
            );
        }
        IndexAction::List { dataset, json } => {
            let list = lake.catalog().indexes(dataset.as_deref())?;
            if json {
                println!("{}", serde_json::to_string(&list).expect("serializes"));
            } else if list.is_empty() {
                println!(
                    "no indexes; imports index coordinate and geometry columns, or run \
                     `lake index create DATASET lon,lat` (or `DATASET VECTOR_COLUMN` for vectors)"
                );
            }
            for i in list.iter().filter(|_| !json) {
                println!("{}", describe(i));
            }
        }
        IndexAction::Viewport {
            dataset,
            bbox,
            max_points,
            json,
        } => {
            let v: Vec<f64> = bbox
                .split(',')
                .filter_map(|x| x.trim().parse().ok())
                .collect();
            let [w, s, e, n] = v[..] else {
                return Err(LakeError::Unsupported(format!(
                    "--bbox takes four numbers, west,south,east,north; not `{bbox}`"
                )));
            };
            let req = viewport::ViewportRequest {
                dataset,
                column: None,
                bbox: [w, s, e, n],
                max_points,
                grid: (40, 25),
            };
            // The first call reads the index file; the app keeps it, so later calls show what
            // panning costs.
            let first = viewport::viewport(lake, &req)?;
            let mut out = viewport::viewport(lake, &req)?;
            for _ in 0..3 {
                let again = viewport::viewport(lake, &req)?;
                if again.engine_ms < out.engine_ms {
                    out = again;
                }
            }
            if json {
                println!("{}", serde_json::to_string(&out).expect("serializes"));
            } else {
                println!(
                    "{} of {} points in the box; {} {} sent; engine {:.2} ms ({:.1} ms the first \
                     time, reading the index)",
                    out.total,
                    out.entries,
                    out.xs.len(),
                    if out.counts.is_empty() {
                        "points"
                    } else {
                        "cells"
                    },
                    out.engine_ms,
                    first.engine_ms
                );
            }
        }
        IndexAction::Search {
            dataset,
            column,
            queries,
            queries_column,
            k,
            ef,
            metric,
            out,
        } => {
            let ds = lake.catalog().require_dataset(&dataset)?;
            let (column, _) = lake_index::resolve(&ds, &column)?;
            let metric = Metric::parse(&metric)?;
            let index = lake_index::open(lake, &ds, &column, metric)?.ok_or_else(|| {
                LakeError::Unsupported(format!(
                    "{dataset}.{column} has no {} index on its current version; build one with \
                     `lake index create {dataset} {column} --metric {}`",
                    metric.kind(),
                    metric.name()
                ))
            })?;
            // Opened and checked before the searches are timed.
            index.checked.wait()?;
            let qds = lake.catalog().require_dataset(&queries)?;
            let qcol = match queries_column {
                Some(c) => lake_index::resolve(&qds, &c)?,
                None => lake_index::vector_columns(&qds)
                    .into_iter()
                    .next()
                    .ok_or_else(|| {
                        LakeError::Unsupported(format!("{queries} has no vector (FLOAT[N]) column"))
                    })?,
            };
            let (flat, _) = lake_index::read_vectors(lake, &qds, &qcol.0, qcol.1)?;
            if qcol.1 != index.dim {
                return Err(LakeError::Unsupported(format!(
                    "{queries}.{} holds vectors of {}, the index vectors of {}",
                    qcol.0, qcol.1, index.dim
                )));
            }
            let t = std::time::Instant::now();
            let found = lake_index::search_many(&index, &flat, k, ef)?;
            let secs = t.elapsed().as_secs_f64();
            eprintln!(
                "{} searches of {} ({} backend, ef {ef}, k {k}) in {:.3} s: {:.0} per second",
                found.len(),
                index.entries.len(),
                index.index.backend().name(),
                secs,
                found.len() as f64 / secs.max(1e-9)
            );
            if let Some(path) = out {
                let text: String = found
                    .iter()
                    .map(|r| {
                        let ids: Vec<String> = r.iter().map(|x| x.to_string()).collect();
                        ids.join(",") + "\n"
                    })
                    .collect();
                std::fs::write(&path, text)
                    .map_err(|e| LakeError::io(format!("writing {}", path.display()), e))?;
            }
        }
        IndexAction::Drop { dataset, column } => {
            let lock = lake.try_write_lock()?;
            let ds = lake.catalog().require_dataset(&dataset)?;
            if lake_index::resolve(&ds, &column).is_ok() {
                match lake_index::drop(lake, &lock, &dataset, &column)? {
                    0 => println!("{dataset} had no index on {column}; nothing changed"),
                    n => println!("dropped {n} vector index(es) on {dataset} ({column})"),
                }
                return Ok(ExitCode::SUCCESS);
            }
            if index::drop(lake, &lock, &dataset, &column)? {
                println!("dropped the index on {dataset} ({column})");
            } else {
                println!("{dataset} had no index on {column}; nothing changed");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
