"""Metrics and the result cache, measured in one run (`make bench-metrics`):
1. what recording a query's metrics (the log row, what it read, its peak memory, the cache
   key and entry) adds to each TPC-H SF1 query, over the engine time (goal: <= 2% geomean);
2. a repeated query with a 10,000-row answer, answered from the result cache, against DuckDB
   running it again on the same Parquet files (goal: < 5 ms);
3. `lake metrics --json` and `lake report --out x.png` over a year of 100,000 recorded queries.
  python bench/metrics_bench.py --lake-bin BIN --tpch-lake DIR --tpch-data DIR --time-lake DIR --out DIR"""
import argparse, glob, os, re, shutil, statistics, subprocess, time
import duckdb
import seed_metrics

ap = argparse.ArgumentParser()
ap.add_argument("--lake-bin", required=True)
ap.add_argument("--tpch-lake", required=True)
ap.add_argument("--tpch-data", required=True)
ap.add_argument("--time-lake", required=True)
ap.add_argument("--out", required=True)
a = ap.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
RUN = re.compile(r"run (\d+): ([\d.]+) ms(, from the result cache)? \(engine ([\d.]+) ms, log and cache ([\d.]+) ms\)")

def repeated(lake, sql, n):
    r = subprocess.run([a.lake_bin, "--lake", lake, "query", "--format", "csv", "--timing", "--repeat", str(n), sql],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    return [(float(m[2]), bool(m[3]), float(m[4]), float(m[5])) for m in RUN.finditer(r.stderr)]

print("== 1. recording metrics, per TPC-H SF1 query (first run of each: a cache miss, then kept)")
print(f"{'query':6}{'engine ms':>11}{'recording ms':>14}{'added':>8}")
added = []
for q in range(1, 23):
    sql = open(os.path.join(here, "tpch", "queries", f"q{q:02d}.sql")).read()
    runs = repeated(a.tpch_lake, sql, 2)
    wall, cached, engine, extra = runs[0]
    added.append((engine + extra) / engine)
    print(f"Q{q:<5}{engine:>11.1f}{extra:>14.2f}{(extra / engine) * 100:>7.2f}%")
g = statistics.geometric_mean(added)
print(f"geomean added by recording: {(g - 1) * 100:.2f}% (goal <= 2%)")

print("\n== 2. a repeated query with a 10,000-row answer: the result cache against DuckDB again")
sql = ('SELECT "user", count(*) AS n, sum(amount) AS total FROM t WHERE "user" <= 10000 '
       'GROUP BY "user" ORDER BY "user"')
runs = repeated(a.time_lake, sql, 6)
first = runs[0]
hits = [r for r in runs[1:] if r[1]]
assert len(hits) == 5, f"expected 5 cache hits, got {runs}"
hit_ms = statistics.median(r[0] for r in hits)
files = sorted(glob.glob(os.path.join(a.time_lake, "data", "t", "**", "*.parquet"), recursive=True))
con = duckdb.connect()
dsql = sql.replace("FROM t", f"FROM read_parquet({files!r})")
rows = None
ds = []
for _ in range(6):
    t0 = time.perf_counter()
    rows = con.execute(dsql).fetchall()
    ds.append((time.perf_counter() - t0) * 1000)
duck = statistics.median(ds[1:])
print(f"answer: {len(rows):,} rows")
print(f"lake first run (computed, then kept): {first[0]:.1f} ms")
print(f"lake repeats from the cache: median {hit_ms:.2f} ms (goal < 5 ms)")
print(f"duckdb repeats (no result cache): median {duck:.1f} ms")
print(f"lake cached / duckdb: {hit_ms / duck:.3f}")

print("\n== 3. a year of 100,000 recorded queries: lake metrics and lake report")
lake = os.path.join(a.out, "lake-metrics")
shutil.rmtree(lake, ignore_errors=True)
seed_metrics.seed(a.lake_bin, lake, 100_000)
def timed(*args):
    t0 = time.perf_counter()
    subprocess.run([a.lake_bin, "--lake", lake, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t0) * 1000
m = statistics.median(timed("metrics", "--since", "365d", "--json") for _ in range(3))
png = os.path.join(a.out, "metrics-report.png")
r = statistics.median(timed("report", "--since", "365d", "--out", png) for _ in range(3))
h = statistics.median(timed("report", "--since", "365d", "--out", os.path.join(a.out, "metrics-report.html")) for _ in range(3))
print(f"lake metrics --json (process, 100,001 queries): {m:.0f} ms")
print(f"lake report --out .png: {r:.0f} ms; .html: {h:.0f} ms ({os.path.getsize(png) // 1024} KB png)")
