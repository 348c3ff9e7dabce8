"""Downsampling and rollups, one run, ratios printed:
- downsample every row to 1-minute buckets against DuckDB and Polars reading the lake's own
  Parquet files. Every engine runs a query `--runs` times in one process and the median counts
  (the lake: `lake query --repeat N --no-cache`); the lake as a new process per query (engine
  time from `--timing`) is printed beside it;
- a question answered from an hourly rollup against the same question over the raw rows;
- `lake rollup refresh` after appending 1% new rows, against making the rollup again in full.
  python bench/rollup_bench.py --lake-bin BIN --lake DIR --csv DATA.csv (DIR is made afresh)"""
import argparse, glob, os, re, shutil, statistics, subprocess, time
import duckdb, polars as pl

ap = argparse.ArgumentParser()
ap.add_argument("--lake-bin", required=True)
ap.add_argument("--lake", required=True)
ap.add_argument("--csv", required=True)
ap.add_argument("--runs", type=int, default=5)
a = ap.parse_args()

def lake(*args):
    t0 = time.perf_counter()
    r = subprocess.run([a.lake_bin, "--lake", a.lake, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"lake {' '.join(args)[:80]} failed: {r.stderr[-400:]}")
    return r, (time.perf_counter() - t0) * 1000

def engine_ms(sql):
    r, _ = lake("query", "--format", "csv", "--timing", sql)
    at = r.stderr.rfind("query time: ")
    return float(r.stderr[at + len("query time: "):].split()[0]), r.stdout

def warm_ms(sql):
    """As the peers are timed (`runs` runs in one process, their median): `lake query --repeat
    N --no-cache`, each run's whole time (its query-log entry included)."""
    r, _ = lake("query", "--format", "csv", "--timing", "--repeat", str(a.runs), "--no-cache", sql)
    if a.runs == 1:
        return float(r.stderr[r.stderr.rfind("query time: ") + len("query time: "):].split()[0])
    runs = [float(m) for m in re.findall(r"run \d+: ([0-9.]+) ms", r.stderr)]
    assert len(runs) == a.runs, r.stderr
    return statistics.median(runs)

def median(f):
    return statistics.median(f() for _ in range(a.runs))

def timed(f):
    t0 = time.perf_counter()
    f()
    return (time.perf_counter() - t0) * 1000

shutil.rmtree(a.lake, ignore_errors=True)
lake("import", "--name", "t", "--no-profile", a.csv)
files = sorted(glob.glob(os.path.join(a.lake, "data", "t", "**", "*.parquet"), recursive=True))
rows = duckdb.sql(f"SELECT count(*) FROM read_parquet({files!r})").fetchall()[0][0]
print(f"t: {rows:,} rows in {len(files)} files")

# 1. Downsampling to 1-minute buckets (the mean amount per minute).
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
down_q = "SELECT time_bucket(INTERVAL '1 minute', ts) AS m, avg(amount) AS a FROM t GROUP BY m"
lk = warm_ms(down_q)
lk_cold = median(lambda: engine_ms(down_q)[0])
dk = median(lambda: timed(lambda: con.execute(
    f"SELECT time_bucket(INTERVAL '1 minute', ts) AS m, avg(amount) AS a FROM read_parquet({files!r}) "
    "GROUP BY m").fetchall()))
pk = median(lambda: timed(lambda: pl.scan_parquet(files).group_by(pl.col("ts").dt.truncate("1m").alias("m"))
                          .agg(pl.col("amount").mean()).collect()))
print(f"{'measurement':<44}{'lake ms':>9}{'peer ms':>9}{'ratio':>8}")
print(f"{'downsample to 1-minute buckets vs DuckDB':<44}{lk:>9.0f}{dk:>9.0f}{lk / dk:>8.2f}")
print(f"{'downsample to 1-minute buckets vs Polars':<44}{lk:>9.0f}{pk:>9.0f}{lk / pk:>8.2f}")
print(f"  (the lake as a new process per query, engine time: {lk_cold:.0f} ms, {lk_cold / dk:.2f}x DuckDB, "
      f"{lk_cold / pk:.2f}x Polars)")

# 2. A rollup, and a question answered from it or from the raw rows.
rollup_sql = ("AS SELECT time_bucket(INTERVAL '1 hour', ts) AS hour, city, count(*) AS n, "
              "sum(amount) AS total FROM t GROUP BY hour, city")
_, full = lake("rollup", "create", "hourly", rollup_sql)
questions = [
    ("a 3-month question", "WHERE ts >= '2024-03-01T00:00:00Z' AND ts < '2024-06-01T00:00:00Z' ",
     "WHERE hour >= '2024-03-01T00:00:00Z' AND hour < '2024-06-01T00:00:00Z' "),
    ("the whole year", "", ""),
]
for label, raw_where, roll_where in questions:
    raw_q = f"SELECT city, sum(amount) AS total, count(*) AS n FROM t {raw_where}GROUP BY city ORDER BY city"
    roll_q = f"SELECT city, sum(total) AS total, sum(n) AS n FROM hourly {roll_where}GROUP BY city ORDER BY city"
    raw_out, roll_out = engine_ms(raw_q)[1], engine_ms(roll_q)[1]
    raw_ms, roll_ms = warm_ms(raw_q), warm_ms(roll_q)
    raw_cold, roll_cold = median(lambda: engine_ms(raw_q)[0]), median(lambda: engine_ms(roll_q)[0])
    same = [l.split(",")[0] + l.split(",")[2] for l in raw_out.splitlines()] == \
           [l.split(",")[0] + l.split(",")[2] for l in roll_out.splitlines()]
    name = f"{label}: raw rows / the rollup"
    print(f"{name:<44}{raw_ms:>9.1f}{roll_ms:>9.1f}{raw_ms / roll_ms:>8.1f}x  (same counts: {same}; goal >= 20x)")
    print(f"  (a new process per query, engine time: {raw_cold:.1f} / {roll_cold:.1f} ms = {raw_cold / roll_cold:.1f}x)")

# 3. Append 1% new rows (the next January), then refresh incrementally or make it in full.
extra = os.path.join(os.path.dirname(a.lake), "extra.csv")
n = max(1, rows // 100)
with open(extra, "w") as f:
    f.write("id,ts,user,amount,score,city,note\n")
    for i in range(n):
        f.write(f"{rows + i},2025-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}Z,"
                f"{i % 1000},{(i * 37) % 1000}.5,{i % 2000 - 1000},{['alpha', 'beta', 'gamma'][i % 3]},x y\n")
lake("import", "--name", "t", "--mode", "append", "--no-profile", extra)
def took(r):
    at = r.stderr.rfind("time: ")
    return float(r.stderr[at + len("time: "):].split()[0])
r, inc_wall = lake("rollup", "refresh", "hourly", "--timing")
print(f"  {r.stdout.strip()}")
inc = took(r)
r, rebuilt_wall = lake("rollup", "create", "--timing", "hourly_full", rollup_sql)
rebuilt = took(r)
def totals(name):
    k, s, t = engine_ms(f"SELECT count(*) AS k, sum(n) AS s, sum(total) AS t FROM {name}")[1].splitlines()[1].split(",")
    return int(k), int(s), float(t)
# Rows and counts exactly; the DOUBLE sums to 1e-12 of their size (adding in another order
# changes the last digit: 7227219672.36 against 7227219672.360001).
(k1, s1, t1), (k2, s2, t2) = totals("hourly"), totals("hourly_full")
same = k1 == k2 and s1 == s2 and abs(t1 - t2) <= 1e-12 * max(abs(t1), abs(t2), 1.0)
print(f"{'refresh after a 1% append / full rebuild':<44}{inc:>9.0f}{rebuilt:>9.0f}{inc / rebuilt * 100:>7.1f}%"
      f"  (same rows, counts, sums: {same}; goal <= 5%)")
print(f"  (with the process start: {inc_wall:.0f} / {rebuilt_wall:.0f} ms = {inc_wall / rebuilt_wall * 100:.1f}%)")
print(f"  (first full build of the rollup: {full:.0f} ms)")
