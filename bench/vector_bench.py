"""The nearest vectors, lake against DuckDB, one run (bench/vector.sh).

1. `lake import` of an N x DIM float32 .npy (random, seeded);
2. top-10 by cosine distance to one row's vector, exact scan: `lake query --timing` (engine
   time, as reported) against DuckDB's `array_cosine_distance` over the lake's own Parquet files
   (same bytes), each the median of RUNS after a warm-up; answers compared;
3. with HNSW indexes: the lake's (`lake index create`, USearch backend) against DuckDB's vss,
   each one's build and top-10 time for the same query, recall against the exact answer.
"""
import argparse, glob, os, shutil, site, sqlite3, statistics, subprocess, time

import duckdb
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--lake-bin", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--n", type=int, default=100_000)
ap.add_argument("--dim", type=int, default=384)
ap.add_argument("--runs", type=int, default=5)
a = ap.parse_args()

npy = os.path.join(a.out, f"emb-{a.n}x{a.dim}.npy")
if not os.path.exists(npy):
    rng = np.random.default_rng(7)
    np.save(npy, rng.standard_normal((a.n, a.dim), dtype=np.float32))
lake = os.path.join(a.out, "lake")
shutil.rmtree(lake, ignore_errors=True)
subprocess.run([a.lake_bin, "--lake", lake, "init"], check=True, stdout=subprocess.DEVNULL)
t0 = time.perf_counter()
subprocess.run([a.lake_bin, "--lake", lake, "import", "--name", "emb", npy], check=True, stdout=subprocess.DEVNULL)
import_s = time.perf_counter() - t0
mb = os.path.getsize(npy) / 1e6
print(f"== {a.n} vectors of {a.dim} (float32, {mb:.0f} MB .npy)")
print(f"lake import of the .npy: {import_s:.2f} s ({mb / import_s:.0f} MB/s)")

con = sqlite3.connect(os.path.join(lake, "catalog.sqlite"))
files = [os.path.join(lake, p) for (p,) in con.execute(
    "SELECT f.path FROM files f JOIN versions v ON v.id = f.version_id JOIN datasets d ON d.id = v.dataset_id "
    "AND d.current_version = v.version WHERE d.name = 'emb' ORDER BY f.id")]
con.close()

PROBE = 17
lake_sql = (f"SELECT row, array_cosine_distance(vector, (SELECT vector FROM emb WHERE row = {PROBE})) AS d "
            f"FROM emb ORDER BY d LIMIT 10")


def lake_run():
    p = subprocess.run([a.lake_bin, "--lake", lake, "query", "--format", "csv", "--timing", lake_sql],
                       check=True, capture_output=True, text=True)
    at = p.stderr.rfind("query time: ")
    took = float(p.stderr[at + len("query time: "):].split()[0]) / 1e3
    rows = [int(l.split(",")[0]) for l in p.stdout.strip().splitlines()[1:]]
    return took, rows


duck = duckdb.connect(config={"allow_unsigned_extensions": "true"})
paths = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in files) + "]"
# Parquet has no fixed-size list: DuckDB reads the column as FLOAT[] and needs the cast.
duck.execute(f"CREATE VIEW emb AS SELECT row, vector::FLOAT[{a.dim}] AS vector FROM read_parquet({paths})")
duck_sql = (f"SELECT row, array_cosine_distance(vector, (SELECT vector FROM emb WHERE row = {PROBE})) AS d "
            f"FROM emb ORDER BY d LIMIT 10")


def duck_run(con, sql):
    t0 = time.perf_counter()
    rows = [r[0] for r in con.execute(sql).fetchall()]
    return time.perf_counter() - t0, rows


lt, dt = [], []
for k in range(a.runs + 1):
    t, lrows = lake_run()
    u, drows = duck_run(duck, duck_sql)
    if k:
        lt.append(t)
        dt.append(u)
same = lrows == drows
lm, dm = statistics.median(lt), statistics.median(dt)
print(f"\n| top-10 by cosine distance, exact scan | median s | |")
print(f"|---|---|---|")
print(f"| lake (engine time of lake query --timing) | {lm:.4f} | {lm / dm:.2f}x DuckDB |")
print(f"| DuckDB 1.4.4 on the lake's Parquet files | {dm:.4f} | |")
print(f"answers {'equal' if same else 'DIFFER'}: lake {lrows[:5]}…, DuckDB {drows[:5]}…")

# DuckDB's HNSW index (vss), in memory, for scale.
ext = None
for sp in site.getsitepackages():
    found = glob.glob(os.path.join(sp, "duckdb_ext/extensions/v1.4.4/*/vss.duckdb_extension"))
    if found:
        ext = found[0]
if ext:
    duck.execute(f"LOAD '{ext}'")
    duck.execute("CREATE TABLE t AS SELECT row, vector FROM emb")
    t0 = time.perf_counter()
    duck.execute("CREATE INDEX t_hnsw ON t USING HNSW (vector) WITH (metric = 'cosine')")
    build = time.perf_counter() - t0
    # The index is used for a constant vector only: the probe's values as a literal.
    probe = duck.execute(f"SELECT vector FROM t WHERE row = {PROBE}").fetchone()[0]
    lit = "[" + ", ".join(repr(float(v)) for v in probe) + "]"
    sql = f"SELECT row FROM t ORDER BY array_cosine_distance(vector, {lit}::FLOAT[{a.dim}]) LIMIT 10"
    plan = "\n".join(r[1] for r in duck.execute("EXPLAIN " + sql).fetchall())
    if "HNSW" not in plan:
        print("(DuckDB did not use its HNSW index for this query)")
    ht = []
    for k in range(a.runs + 1):
        u, hrows = duck_run(duck, sql)
        if k:
            ht.append(u)
    recall = len(set(hrows) & set(drows)) / 10
    t0 = time.perf_counter()
    p = subprocess.run([a.lake_bin, "--lake", lake, "index", "create", "emb", "vector", "--metric", "cosine"],
                       check=True, capture_output=True, text=True)
    lake_build = time.perf_counter() - t0
    it = []
    for k in range(a.runs + 1):
        t, irows = lake_run()
        if k:
            it.append(t)
    lrecall = len(set(irows) & set(drows)) / 10
    im, hm = statistics.median(it), statistics.median(ht)
    print(f"\n| top-10 with an HNSW index | build s | top-10 ms | recall@10 |")
    print(f"|---|---|---|---|")
    print(f"| lake (`lake index create`, whole command; query engine time) | {lake_build:.2f} | {im * 1e3:.1f} | {lrecall:.1f} |")
    print(f"| DuckDB vss | {build:.2f} | {hm * 1e3:.1f} | {recall:.1f} |")
    print(f"ratios lake/DuckDB vss: build {lake_build / build:.2f}x, top-10 {im / hm:.2f}x; "
          f"lake with its index against its exact scan: {lm / im:.1f}x faster")
else:
    print("DuckDB vss extension not found in the venv; HNSW figures skipped")
