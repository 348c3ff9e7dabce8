"""The timeline's density at three zooms: `lake timeline` (its engine time, from --json) against
DuckDB counting the same buckets over the same Parquet files, in one run. Prints ratios.
  python bench/timeline_bench.py --lake-bin BIN --lake DIR --dataset t"""
import argparse, glob, json, os, statistics, subprocess, time
import duckdb

ap = argparse.ArgumentParser()
ap.add_argument("--lake-bin", required=True)
ap.add_argument("--lake", required=True)
ap.add_argument("--dataset", default="t")
ap.add_argument("--buckets", type=int, default=300)
a = ap.parse_args()

def lake(*args):
    r = subprocess.run([a.lake_bin, "--lake", a.lake, "timeline", "--json", "--buckets", str(a.buckets), *args],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)

# The first view after an import counts each version's first and last time and its rows per
# day once, and keeps them in the catalog: forget them here, to time that first view (the whole
# view's engine time, sources and strips), then a second view that reads what is kept.
import sqlite3
with sqlite3.connect(os.path.join(a.lake, "catalog.sqlite")) as db:
    if db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'time_counts'").fetchone()[0]:
        db.execute("DELETE FROM time_counts")
t0 = time.perf_counter()
whole = lake()
counting = whole["elapsed_ms"] if "elapsed_ms" in whole else whole["density"]["elapsed_ms"]
counting_process = (time.perf_counter() - t0) * 1000
t0 = time.perf_counter()
first = lake().get("elapsed_ms")
first_process = (time.perf_counter() - t0) * 1000
src = next(s for s in whole["sources"] if s["dataset"] == a.dataset)
lo, hi = src["min_ms"], src["max_ms"] + 1
files = sorted(glob.glob(os.path.join(a.lake, "data", a.dataset, "**", "*.parquet"), recursive=True))
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
zooms = [("whole range", lo, hi), ("one month", lo, lo + 30 * 86_400_000), ("one day", lo, lo + 86_400_000)]
print(f"{a.dataset}: {src['rows']:,} rows with a time, {len(files)} files; {a.buckets} buckets per view")
print(f"first view after the import (counting what is then kept; sources and strips): "
      f"{counting:.1f} ms engine, {counting_process:.0f} ms with the process")
print(f"the next view, a new process reading what is kept: {first:.1f} ms engine, "
      f"{first_process:.0f} ms with the process")
print(f"{'zoom':<13}{'lake ms':>9}{'duckdb ms':>11}{'lake/duck':>11}  (engine time, median of 5)")
ratios = []
for name, f, t in zooms:
    args = ["--from", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(f / 1000)),
            "--to", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t / 1000))]
    lk = statistics.median(lake(*args)["density"]["elapsed_ms"] for _ in range(5))
    w = max(1, int((t - f) / a.buckets))
    sql = (f"SELECT time_bucket(INTERVAL '{w} milliseconds', ts, TIMESTAMPTZ '{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(f / 1000))}+00') b, "
           f"count(*) FROM read_parquet({files!r}) WHERE ts >= to_timestamp({f / 1000}) AND ts < to_timestamp({t / 1000}) GROUP BY 1")
    ds = []
    for _ in range(5):
        t0 = time.perf_counter()
        con.execute(sql).fetchall()
        ds.append((time.perf_counter() - t0) * 1000)
    dk = statistics.median(ds)
    ratios.append(lk / dk)
    print(f"{name:<13}{lk:>9.1f}{dk:>11.1f}{lk / dk:>11.2f}")
print(f"geomean lake/duckdb: {statistics.geometric_mean(ratios):.2f}; goal: < 100 ms engine side at any zoom")
