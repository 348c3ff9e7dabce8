"""TPC-H: lake (CLI process) vs DuckDB and raw Polars SQL, interleaved runs, in two views:
- *engine*: DuckDB and Polars read the same files the lake reads, the lake's own (its layout:
  partitions, row groups, compression), so only the engines differ;
- *end to end for a user*: DuckDB and Polars read the files as tpchgen wrote them, and the lake
  reads its files after its import (the import's time is printed beside).

Each engine runs each query in its own child process (so its peak memory can be read with
wait4). The times compared are measured inside each process around the query alone: for DuckDB
and Polars around execute-and-fetch, for the lake what `lake query --timing` reports (catalog
reads, planning, pruning and running; as for the peers, not the process start or the printing
of the result). The lake's whole-process time (`lake proc s`: start-up, catalog open, query,
CSV output) is printed beside it.
"""
import argparse
import csv
import decimal
import io
import json
import math
import os
import statistics
import subprocess
import sys
import time

CHILD = r'''
import sys, time, json, glob, os
engine, data, sql = sys.argv[1], sys.argv[2], sys.stdin.read()
# `data` is a folder of <table>.parquet, or a JSON object of each table's files.
if data.startswith("{"):
    files = json.loads(data)
else:
    files = {os.path.basename(p)[:-8]: [p] for p in glob.glob(os.path.join(data, "*.parquet"))}
if engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for t, ps in files.items():
        paths = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in ps) + "]"
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet({paths}, hive_partitioning = false)")
    t0 = time.perf_counter()
    cur = con.execute(sql)
    rows = cur.fetchall()
    names = [d[0] for d in cur.description]
    took = time.perf_counter() - t0
else:
    import polars as pl
    ctx = pl.SQLContext({t: pl.scan_parquet(ps, hive_partitioning=False) for t, ps in files.items()})
    t0 = time.perf_counter()
    df = ctx.execute(sql.rstrip().rstrip(";"), eager=True)
    took = time.perf_counter() - t0
    names, rows = df.columns, df.rows()
print("@@result " + json.dumps({"took": took, "names": names, "rows": [[str(v) if v is not None else None for v in r] for r in rows]}))
'''


# Each engine gets at most this much memory and time per query, so a runaway plan (the lake's
# Q18 once took all 24 GB) fails that query instead of the machine.
MEMORY_LIMIT = int(os.environ.get("TPCH_MEMORY_LIMIT_GB", "12")) << 30
TIME_LIMIT = int(os.environ.get("TPCH_TIME_LIMIT_S", "300"))


def limits():
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_LIMIT, TIME_LIMIT))


def measured(cmd, stdin=None):
    """Runs cmd; returns (returncode, stdout, stderr, wall seconds, peak RSS MiB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None else None,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limits)
    if stdin is not None:
        p.stdin.write(stdin.encode())
        p.stdin.close()
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    return code, out.decode(errors="replace"), err.decode(errors="replace"), wall, usage.ru_maxrss / 1024


def lake_files(lake):
    """Each dataset's files in the lake's current versions, as the lake's catalog lists them."""
    import sqlite3
    con = sqlite3.connect(f"file:{os.path.join(lake, 'catalog.sqlite')}?mode=ro", uri=True)
    out = {}
    for name, path in con.execute(
            "SELECT d.name, f.path FROM datasets d JOIN versions v ON v.dataset_id = d.id "
            "AND v.version = d.current_version JOIN files f ON f.version_id = v.id ORDER BY d.name, f.id"):
        out.setdefault(name, []).append(os.path.join(lake, path))
    con.close()
    return out


def lake_answer(out):
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0], [[c if c != "" else None for c in r] for r in rows[1:]]


def same_value(a, b):
    if a is None or b is None:
        return a == b
    if a == b:
        return True
    try:
        da, db = decimal.Decimal(a), decimal.Decimal(b)
    except decimal.InvalidOperation:
        return a.strip() == b.strip()
    if da == db:
        return True
    # Floats (averages, ratios) to 1e-9 relative.
    fa, fb = float(da), float(db)
    return math.isclose(fa, fb, rel_tol=1e-9, abs_tol=1e-12)


def compare(got, want):
    if len(got) != len(want):
        return f"{len(got)} rows, DuckDB has {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w):
            return f"row {i + 1}: {len(g)} columns, DuckDB has {len(w)}"
        for j, (x, y) in enumerate(zip(g, w)):
            if not same_value(x, y):
                return f"row {i + 1}, column {j + 1}: {x!r}, DuckDB has {y!r}"
    return None


DUCK_EST = r'''
import sys, json, glob, os, duckdb
data, sql = sys.argv[1], sys.stdin.read()
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
for p in glob.glob(os.path.join(data, "*.parquet")):
    t = os.path.basename(p)[:-8]
    con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{p}')")
plan = json.loads(con.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql).fetchall()[0][1])
pairs = []
def walk(n):
    est = (n.get("extra_info") or {}).get("Estimated Cardinality")
    act = n.get("operator_cardinality", n.get("intermediate_rows"))
    if est is not None and act is not None:
        pairs.append([float(str(est).lstrip("~")), float(act)])
    for c in n.get("children", []) + n.get("operator", []):
        walk(c)
walk(plan)
print("@@pairs " + json.dumps(pairs))
'''


def miss(est, act):
    """How far an estimate was from the actual rows, as a factor >= 1 (both counted from 1)."""
    e, a = max(est, 1.0), max(act, 1.0)
    return max(e / a, a / e)


def estimates(a, qs):
    """Per query: the median and worst estimate miss over its plan's nodes, the lake's (EXPLAIN
    ANALYZE) against DuckDB's (its estimated cardinality per operator), same data."""
    print(f"\nrow estimates, actual rows against estimated per plan node (miss = the factor, >= 1)")
    print(f"{'query':6} {'nodes':>5} {'lake median':>11} {'lake worst':>10} {'duck median':>11} {'duck worst':>10}")
    lake_all, duck_all, out = [], [], []
    for q in qs:
        sql = open(os.path.join(a.queries, f"q{q:02}.sql")).read()
        code, text, err, _, _ = measured([a.lake_bin, "--lake", a.lake, "explain", "--analyze", "--format", "json", sql])
        if code != 0:
            print(f"Q{q:<5} lake error: {err.strip()[:120]}")
            continue
        plan = json.loads(text)
        pairs = []
        def walk(n):
            if "est_rows" in n and "actual_rows" in n:
                pairs.append(miss(n["est_rows"], n["actual_rows"]))
            for c in n.get("children", []):
                walk(c)
        walk(plan["root"])
        code, dout, derr, _, _ = measured([sys.executable, "-c", DUCK_EST, a.data], stdin=sql)
        duck = []
        if code == 0 and "@@pairs " in dout:
            duck = [miss(e, x) for e, x in json.loads(dout[dout.rfind("@@pairs ") + 8:].splitlines()[0])]
        lake_all += pairs
        duck_all += duck
        f = lambda v: f"x{v:.1f}" if v is not None else "-"
        dm = statistics.median(duck) if duck else None
        dw = max(duck) if duck else None
        print(f"Q{q:<5} {len(pairs):>5} {f(statistics.median(pairs)):>11} {f(max(pairs)):>10} {f(dm):>11} {f(dw):>10}")
        out.append({"query": q, "nodes": len(pairs), "lake_median_miss": statistics.median(pairs), "lake_worst_miss": max(pairs),
                    "duckdb_median_miss": dm, "duckdb_worst_miss": dw})
    if lake_all:
        dmed = f"x{statistics.median(duck_all):.2f}" if duck_all else "-"
        print(f"median miss over all {len(lake_all)} lake nodes: x{statistics.median(lake_all):.2f} (goal <= x3); "
              f"DuckDB over its {len(duck_all)} operators: {dmed}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lake-bin", required=True)
    ap.add_argument("--lake", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", nargs="*", type=int)
    ap.add_argument("--estimates-only", action="store_true")
    ap.add_argument("--import-ms", type=float, default=0.0, help="how long the lake's import took")
    a = ap.parse_args()
    qs = a.only or list(range(1, 23))
    py = sys.executable
    results = []
    if a.estimates_only:
        json.dump({"estimates": estimates(a, qs)}, open(a.out, "w"), indent=1)
        return
    same = json.dumps(lake_files(a.lake))
    # duckdb / polars: on the lake's own files (the engine view); *-given: on the files as generated.
    engines = ("lake", "duckdb", "polars", "duckdb-given", "polars-given")
    print("engine view: DuckDB and Polars read the lake's own files; end to end: they read the files as given")
    print(f"{'':6} {'':>8} {'':>11} {'--- engine view (same files) ---':^42} {'--- end to end for a user ---':^42}")
    print(f"{'query':6} {'lake s':>8} {'lake proc s':>11} {'duckdb s':>9} {'polars s':>9} {'lake/duck':>10} {'lake/polars':>12} "
          f"{'duckdb s':>9} {'polars s':>9} {'lake/duck':>10} {'lake/polars':>12} {'lake MiB':>9} {'duck MiB':>9}  answer")
    for q in qs:
        sql = open(os.path.join(a.queries, f"q{q:02}.sql")).read()
        times = {e: [] for e in engines}
        proc_times = []
        peaks = {e: 0.0 for e in engines}
        answers, errors = {}, {}
        for k in range(a.runs + 1):
            for eng in engines:
                if eng in errors:
                    continue
                if eng == "lake":
                    code, out, err, wall, peak = measured(
                        [a.lake_bin, "--lake", a.lake, "query", "--format", "csv", "--timing", sql])
                    took = None
                    if code == 0:
                        answers[eng] = lake_answer(out)[1]
                        at = err.rfind("query time: ")
                        if at < 0:
                            code, err = 1, "no 'query time:' line from lake query --timing: " + err[-200:]
                        else:
                            took = float(err[at + len("query time: "):].split()[0]) / 1e3
                            if k > 0:
                                proc_times.append(wall)
                else:
                    kind, _, given = eng.partition("-")
                    code, out, err, wall, peak = measured([py, "-c", CHILD, kind, a.data if given else same], stdin=sql)
                    took = None
                    if code == 0:
                        # The engine may print to stdout too (a progress bar): take the marked line.
                        at = out.rfind("@@result ")
                        if at < 0:
                            code, err = 1, "no result line in the output: " + out[-200:]
                        else:
                            j = json.loads(out[at + len("@@result "):].splitlines()[0])
                            took = j["took"]
                            answers[eng] = j["rows"]
                if code != 0:
                    last = [l for l in err.strip().splitlines() if "Deprecation" not in l and "str.to_date" not in l]
                    errors[eng] = (last[0] if last else f"exit {code}")[:160]
                    continue
                peaks[eng] = max(peaks[eng], peak)
                if k > 0:
                    times[eng].append(took)
        med = {e: statistics.median(t) if t else None for e, t in times.items()}
        med_proc = statistics.median(proc_times) if proc_times else None
        verdict = "error: " + errors["lake"] if "lake" in errors else (
            compare(answers["lake"], answers["duckdb-given"]) if "duckdb-given" in answers else "no DuckDB answer")
        ok = verdict is None
        r = lambda x, y: f"{x / y:.2f}" if x and y else "-"
        f = lambda x: f"{x:.3f}" if x is not None else "-"
        print(f"Q{q:<5} {f(med['lake']):>8} {f(med_proc):>11} {f(med['duckdb']):>9} {f(med['polars']):>9} {r(med['lake'], med['duckdb']):>10} "
              f"{r(med['lake'], med['polars']):>12} {f(med['duckdb-given']):>9} {f(med['polars-given']):>9} "
              f"{r(med['lake'], med['duckdb-given']):>10} {r(med['lake'], med['polars-given']):>12} "
              f"{peaks['lake']:>9.0f} {peaks['duckdb']:>9.0f}  {'matches DuckDB' if ok else verdict}")
        results.append({"query": q, "median_s": med, "lake_process_median_s": med_proc, "peak_mib": peaks, "matches_duckdb": ok,
                        "problem": verdict, "errors": errors})
    both = [x for x in results if x["median_s"]["lake"] and x["median_s"]["duckdb"]]
    if both:
        gm = lambda e: math.exp(statistics.mean(math.log(x["median_s"][e]) for x in both))
        print(f"\n{sum(x['matches_duckdb'] for x in results)}/{len(results)} answers match DuckDB")
        for view, duck, pol_e in (("engine (every engine reads the lake's own files)", "duckdb", "polars"),
                                  ("end to end for a user (the peers read the files as given)", "duckdb-given", "polars-given")):
            ok = [x for x in both if x["median_s"][duck]]
            if not ok:
                print(f"{view}: DuckDB ran none of the queries")
                continue
            pol = [x for x in ok if x["median_s"][pol_e]]
            g = lambda e, xs: math.exp(statistics.mean(math.log(x["median_s"][e]) for x in xs))
            line = f"{view}: over {len(ok)} queries, geomean lake {g('lake', ok):.3f} s, DuckDB {g(duck, ok):.3f} s, ratio {g('lake', ok) / g(duck, ok):.2f}"
            if pol:
                line += f"; lake/Polars {g('lake', pol) / g(pol_e, pol):.2f} over {len(pol)}"
            worst = max(ok, key=lambda x: x["median_s"]["lake"] / x["median_s"][duck])
            line += f"; slowest against DuckDB: Q{worst['query']} {worst['median_s']['lake'] / worst['median_s'][duck]:.2f}x"
            print(line)
        if a.import_ms:
            print(f"the lake's import of these files took {a.import_ms / 1e3:.1f} s (once; not in the query times)")
        else:
            print("the lake's import time is not known (the lake was made before bench/tpch.sh timed it)")
        procs = [x["lake_process_median_s"] for x in both if x["lake_process_median_s"]]
        if len(procs) == len(both):
            gproc = math.exp(statistics.mean(math.log(v) for v in procs))
            print(f"whole lake process (start-up and output included): geomean {gproc:.3f} s, "
                  f"{gproc / gm('duckdb'):.2f}x DuckDB's query time on the same files")
    est = estimates(a, qs)
    json.dump({"queries": results, "estimates": est}, open(a.out, "w"), indent=1)
    print(f"results: {a.out}")


if __name__ == "__main__":
    main()
