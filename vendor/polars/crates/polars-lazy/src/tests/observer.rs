use std::any::Any;
use std::sync::{Arc, Mutex};

use polars_core::SINGLE_LOCK;
use polars_core::query_result::QueryResult;
use polars_descriptions::IrPropsDescription;
use polars_observer::{
    NoopQueryMetrics, PlannedQuery, QueryMetricsSnapshotter, QueryObserver, QueryObserverFactory,
    register_query_observer_factory,
};

use super::*;

#[derive(Debug, Clone, PartialEq)]
struct Planned {
    ir_len: usize,
    has_physical: bool,
    /// `(explain_name, explain_detail)` extracted from an `IrPropsDescription::PythonScan`
    /// node, if the plan contains one.
    python_scan_explain: Option<(Option<String>, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    rows: usize,
    total_rows_sent: u64,
    any_done: bool,
    custom: Vec<(String, Option<i64>)>,
}

impl Snapshot {
    fn reading(&self, key: &str) -> Option<i64> {
        self.custom
            .iter()
            .find(|(k, _)| k == key)
            .unwrap_or_else(|| panic!("no `{key}` in {:?}", self.custom))
            .1
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Event {
    Started,
    Planned(Planned),
    Snapshot(Snapshot),
    Failed(String),
    Closed,
}

type Log = Arc<Mutex<Vec<Event>>>;

#[derive(Clone)]
struct ObserverMock {
    log: Log,
}

impl QueryObserverFactory for ObserverMock {
    fn new_observer(&self) -> Box<dyn QueryObserver> {
        Box::new(self.clone())
    }
}

impl QueryObserver for ObserverMock {
    fn on_query_started(&self) {
        self.log.lock().unwrap().push(Event::Started);
    }

    fn on_query_planned(&self, query: PlannedQuery) -> Box<dyn Any + Send> {
        let python_scan_explain = query.ir.iter().find_map(|node| match &node.properties {
            IrPropsDescription::PythonScan {
                explain_name,
                explain_detail,
                ..
            } => Some((explain_name.clone(), explain_detail.clone())),
            _ => None,
        });
        self.log.lock().unwrap().push(Event::Planned(Planned {
            ir_len: query.ir.len(),
            has_physical: query.physical.is_some(),
            python_scan_explain,
        }));
        Box::new(CloseGuard {
            log: self.log.clone(),
            metrics: query.metrics_snapshotter,
        })
    }

    fn on_query_failed(&self, err: &PolarsError) {
        self.log
            .lock()
            .unwrap()
            .push(Event::Failed(err.to_string()));
    }
}

struct CloseGuard {
    log: Log,
    metrics: Option<Box<dyn QueryMetricsSnapshotter>>,
}

impl Drop for CloseGuard {
    fn drop(&mut self) {
        if let Some(metrics) = self.metrics.as_ref() {
            let nodes = metrics.snapshot().nodes;
            self.log.lock().unwrap().push(Event::Snapshot(Snapshot {
                rows: nodes.len(),
                total_rows_sent: nodes.iter().map(|r| r.rows_sent).sum(),
                any_done: nodes.iter().any(|r| r.done),
                custom: nodes
                    .iter()
                    .flat_map(|r| r.custom.iter())
                    .map(|metric| (metric.key.clone(), metric.value))
                    .collect(),
            }));
        }
        self.log.lock().unwrap().push(Event::Closed);
    }
}

/// Run `collect` on `engine` with a fresh observer registered. `monitor`
/// toggles the `QUERY_MONITORING` opt-flag. Returns the query result and the
/// recorded event log.
fn run_observed_on(
    lf: LazyFrame,
    monitor: bool,
    engine: Engine,
) -> (PolarsResult<QueryResult>, Vec<Event>) {
    let _guard = SINGLE_LOCK.lock().unwrap();
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    register_query_observer_factory(Some(Arc::new(ObserverMock { log: log.clone() })));

    let lf = if monitor {
        let flags = lf.get_current_optimizations() | OptFlags::QUERY_MONITORING;
        lf.with_optimizations(flags)
    } else {
        lf
    };
    let res = lf.collect_with_engine(engine);

    register_query_observer_factory(None);
    let events = log.lock().unwrap().clone();
    (res, events)
}

mod tests {
    use super::*;

    #[test]
    fn observer_called_on_successful_query() {
        let lf = load_df().lazy().group_by([col("b")]).agg([col("a").sum()]);
        let (res, events) = run_observed_on(lf, true, Engine::Streaming);

        assert!(res.is_ok());
        assert_eq!(events.len(), 4, "unexpected event log: {events:?}");
        assert_eq!(events[0], Event::Started);
        assert!(matches!(events[1], Event::Planned(_)));
        assert!(matches!(events[2], Event::Snapshot(_)));
        assert_eq!(events[3], Event::Closed);
    }

    #[test]
    fn observer_receives_ir_and_physical() {
        let lf = load_df().lazy().group_by([col("b")]).agg([col("a").sum()]);
        let (_res, events) = run_observed_on(lf, true, Engine::Streaming);

        let planned = events
            .iter()
            .find_map(|e| match e {
                Event::Planned(planned) => Some(planned),
                _ => None,
            })
            .expect("no Planned event");
        assert!(planned.ir_len > 0, "IR description should not be empty");
        assert!(
            planned.has_physical,
            "physical plan description should be present"
        );
    }

    #[test]
    fn observer_metrics_snapshot_nonempty() {
        let lf = load_df().lazy().group_by([col("b")]).agg([col("a").sum()]);
        let (res, events) = run_observed_on(lf, true, Engine::Streaming);
        assert!(res.is_ok());

        let snapshot = events
            .iter()
            .find_map(|e| match e {
                Event::Snapshot(snapshot) => Some(snapshot),
                _ => None,
            })
            .expect("no Snapshot event");
        // One row per physical node, and the query actually moved data.
        assert!(
            snapshot.rows > 0,
            "expected one metrics row per physical node"
        );
        assert!(
            snapshot.total_rows_sent > 0,
            "expected rows to flow through nodes"
        );
        assert!(
            snapshot.any_done,
            "expected at least one node to report done"
        );
    }

    #[test]
    fn observer_snapshot_carries_a_nodes_custom_metrics() {
        let lf = load_df().lazy().group_by([col("b")]).agg([col("a").sum()]);
        let (res, events) = run_observed_on(lf, true, Engine::Streaming);
        assert!(res.is_ok());

        let snapshot = events
            .iter()
            .find_map(|e| match e {
                Event::Snapshot(snapshot) => Some(snapshot),
                _ => None,
            })
            .expect("no Snapshot event");

        // `b` holds "a", "b" and "c".
        assert_eq!(snapshot.reading("group_by.actual_groups"), Some(3));

        // The sketch is approximate, and its hashing is randomly seeded.
        let estimated = snapshot
            .reading("group_by.estimated_groups")
            .expect("estimated on combine");
        assert!(
            estimated.abs_diff(3) <= 1,
            "estimated {estimated} groups for 3"
        );
    }

    #[test]
    fn observer_failed_on_execution_error() {
        // Strict cast overflow: builds fine, errors during streaming execution.
        let df = df!("a" => [1000i64, 2000, 3000]).unwrap();
        let lf = df.lazy().select([col("a").strict_cast(DataType::Int8)]);
        let (res, events) = run_observed_on(lf, true, Engine::Streaming);

        assert!(res.is_err(), "query was expected to fail at execution");
        assert!(
            events.iter().any(|e| matches!(e, Event::Failed(_))),
            "on_query_failed should have been recorded: {events:?}"
        );
        // The guard still runs, so close fires even on failure.
        assert_eq!(events.last(), Some(&Event::Closed));
    }

    #[test]
    fn observer_failed_on_optimization_error() {
        // Referencing a missing column fails during `to_alp_optimized`, before the
        // plan reaches the streaming engine.
        let lf = load_df().lazy().select([col("does_not_exist")]);
        let (res, events) = run_observed_on(lf, true, Engine::Streaming);

        assert!(res.is_err());
        assert_eq!(events.first(), Some(&Event::Started));
        assert!(
            events.iter().any(|e| matches!(e, Event::Failed(_))),
            "expected on_query_failed on optimization error: {events:?}"
        );
        assert!(
            !events.iter().any(|e| matches!(e, Event::Planned(_))),
            "on_query_planned must not fire when planning fails: {events:?}"
        );
    }

    #[test]
    fn observer_not_called_when_flag_off() {
        let lf = load_df().lazy().group_by([col("b")]).agg([col("a").sum()]);
        let (res, events) = run_observed_on(lf, false, Engine::Streaming);

        assert!(res.is_ok());
        assert!(
            events.is_empty(),
            "observer must not fire without QUERY_MONITORING: {events:?}"
        );
    }

    #[test]
    fn observer_planned_on_in_memory_success() {
        // The in-memory engine is observed with an IR-only planned query: no
        // physical plan, no metrics, but the full started/planned/closed span.
        let lf = load_df().lazy().group_by([col("b")]).agg([col("a").sum()]);
        let (res, events) = run_observed_on(lf, true, Engine::InMemory);

        assert!(res.is_ok());
        assert_eq!(events.len(), 3, "unexpected event log: {events:?}");
        assert_eq!(events[0], Event::Started);
        let Event::Planned(planned) = &events[1] else {
            panic!("events[1] should be Planned, got {:?}", events[1]);
        };
        assert!(
            planned.ir_len > 0,
            "in-memory planned query should carry IR"
        );
        assert!(
            !planned.has_physical,
            "in-memory has no streaming physical plan"
        );
        assert_eq!(events[2], Event::Closed);
    }

    #[test]
    fn observer_failed_on_in_memory_error() {
        let lf = load_df().lazy().select([col("does_not_exist")]);
        let (res, events) = run_observed_on(lf, true, Engine::InMemory);

        assert!(res.is_err());
        assert_eq!(events.first(), Some(&Event::Started));
        assert!(events.iter().any(|e| matches!(e, Event::Failed(_))));
    }

    #[test]
    fn noop_metrics_snapshot_empty() {
        let snap = NoopQueryMetrics.snapshot();
        assert!(snap.nodes.is_empty());
        assert_eq!(snap.query.io_total_active_ns, 0);
        assert_eq!(snap.query.io_rx_active_ns, 0);
        assert_eq!(snap.query.io_tx_active_ns, 0);
    }

    /// Build a `PythonScan` `LazyFrame` directly from the DSL with the given
    /// explain fields. The scan has no real Python `scan_fn`, so it plans but
    /// cannot execute.
    #[cfg(feature = "python")]
    fn python_scan_lf(
        explain_name: Option<PlSmallStr>,
        explain_detail: Option<PlSmallStr>,
    ) -> LazyFrame {
        use either::Either;
        use polars_plan::dsl::SpecialEq;
        use polars_plan::dsl::python_dsl::{PythonOptionsDsl, PythonScanSource};

        let schema: SchemaRef = Arc::new(Schema::default());
        let options = PythonOptionsDsl {
            scan_fn: None,
            schema_fn: Some(SpecialEq::new(Arc::new(Either::Right(schema)))),
            python_source: PythonScanSource::IOPlugin,
            validate_schema: false,
            is_pure: true,
            explain_name,
            explain_detail,
        };
        DslPlan::PythonScan { options }.into()
    }

    /// Run `lf` through the observer-instrumented in-memory engine and return the
    /// recorded event log. Execution panics after planning because the plan has
    /// no Python `scan_fn`; the observer's `on_query_planned` has already fired by
    /// then. The unwind is caught inside the lock (with the panic hook silenced)
    /// so `SINGLE_LOCK` is not poisoned for other tests.
    #[cfg(feature = "python")]
    fn run_observed_python_scan(lf: LazyFrame) -> Vec<Event> {
        use std::panic::{AssertUnwindSafe, catch_unwind};

        let _guard = SINGLE_LOCK.lock().unwrap();
        let log: Log = Arc::new(Mutex::new(Vec::new()));
        register_query_observer_factory(Some(Arc::new(ObserverMock { log: log.clone() })));

        let flags = lf.get_current_optimizations() | OptFlags::QUERY_MONITORING;
        let lf = lf.with_optimizations(flags);

        let prev_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let _ = catch_unwind(AssertUnwindSafe(|| {
            lf.collect_with_engine(Engine::InMemory)
        }));
        std::panic::set_hook(prev_hook);

        register_query_observer_factory(None);
        log.lock().unwrap().clone()
    }

    #[cfg(feature = "python")]
    fn planned(events: &[Event]) -> &Planned {
        events
            .iter()
            .find_map(|e| match e {
                Event::Planned(planned) => Some(planned),
                _ => None,
            })
            .expect("no Planned event")
    }

    /// End-to-end: the `explain_name`/`explain_detail` of a `PythonScan` reach the
    /// description handed to the `QueryObserver` (and default to `None` when unset).
    #[cfg(feature = "python")]
    #[test]
    fn observer_receives_python_scan_explain_fields() {
        let events = run_observed_python_scan(python_scan_lf(
            Some(PlSmallStr::from_static("my_plugin")),
            Some(PlSmallStr::from_static("scanning foo")),
        ));
        assert_eq!(
            planned(&events).python_scan_explain,
            Some((Some("my_plugin".into()), Some("scanning foo".into()))),
            "observer did not receive the PythonScan explain fields: {events:?}"
        );

        let events = run_observed_python_scan(python_scan_lf(None, None));
        assert_eq!(planned(&events).python_scan_explain, Some((None, None)));
    }
}
