"""Vector indexes, the lake against hnswlib and USearch, one run (bench/vector.sh, after
vector_bench.py).

The issue's data: N=200,000 clustered vectors of DIM=128 (float32, seeded) and Q=1,000 queries
from the same clusters, with exact ground truth from a brute-force scan (numpy). Metric: L2.
Every engine builds with M=16, efConstruction=128, on every core, and searches on one thread.

1. build: the lake's `lake index create --metric l2` (its own HNSW build, saved in USearch's
   form: the `usearch` backend; its own timing of the
   build, the vectors' read from Parquet shown apart) against hnswlib and USearch's Python
   package; peak memory of each process;
2. query speed at recall@10 >= 0.95: each engine's searches per second at the smallest ef of
   16..512 that reaches it (the lake through `lake index search`, all queries in one process),
   the best of 3 runs for every engine;
3. a filtered top-10 that 1% of rows pass, through SQL (`lake query --timing`): the index
   against the exact scan of the same lake before the index was built, in a new process each
   time and warm in one process (as the app runs queries); answers compared;
4. instant-distance, the card's crate, built on the first 20,000 vectors against the lake's HNSW on the
   same 20,000 (at 200,000 it would take minutes).
"""
import argparse, json, os, resource, shutil, subprocess, sys, time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--lake-bin", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--n", type=int, default=200_000)
ap.add_argument("--dim", type=int, default=128)
ap.add_argument("--queries", type=int, default=1000)
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)
threads = os.cpu_count() or 1

rng = np.random.default_rng(7)
centres = rng.standard_normal((1000, a.dim), dtype=np.float32)
data = centres[rng.integers(0, 1000, a.n)] + 0.35 * rng.standard_normal((a.n, a.dim), dtype=np.float32)
queries = centres[rng.integers(0, 1000, a.queries)] + 0.35 * rng.standard_normal((a.queries, a.dim), dtype=np.float32)
data, queries = data.astype(np.float32), queries.astype(np.float32)
npy, qnpy, small = (os.path.join(a.out, f) for f in ("data.npy", "queries.npy", "data-20k.npy"))
np.save(npy, data)
np.save(qnpy, queries)
np.save(small, data[:20_000])

# Exact ground truth, in blocks.
dn = (data * data).sum(1)
truth = np.empty((a.queries, 10), dtype=np.int64)
for s in range(0, a.queries, 100):
    q = queries[s:s + 100]
    d = dn[None, :] - 2 * q @ data.T
    part = np.argpartition(d, 10, axis=1)[:, :10]
    order = np.take_along_axis(d, part, 1).argsort(1)
    truth[s:s + 100] = np.take_along_axis(part, order, 1)


def recall(found):
    return np.mean([len(set(f[:10]) & set(t)) / 10 for f, t in zip(found, truth)])


def peak_mb_of(cmd):
    """Runs cmd in a child that reports its own peak RSS; returns (stdout, stderr, MB)."""
    wrap = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr); "
            "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")
    p = subprocess.run([sys.executable, "-c", wrap, *cmd], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    peak = int(p.stderr.rsplit("PEAK", 1)[1].split()[0]) / 1024
    return p.stdout, p.stderr, peak


lake = os.path.join(a.out, "lake")
shutil.rmtree(lake, ignore_errors=True)
L = [a.lake_bin, "--lake", lake]
subprocess.run(L + ["init"], check=True, stdout=subprocess.DEVNULL)
for name, f in (("vecs", npy), ("queries", qnpy), ("small", small)):
    subprocess.run(L + ["import", "--name", name, f], check=True, stdout=subprocess.DEVNULL)
print(f"== {a.n} clustered vectors of {a.dim}, {a.queries} queries, L2, M=16, efConstruction=128, "
      f"{threads} build threads, 1 search thread")

# 3 (first half): the exact scan, before any index exists.
probe = "(SELECT vector FROM queries WHERE row = 0)"
filtered_sql = (f"SELECT row, array_distance(vector, {probe}) AS d FROM vecs WHERE row % 100 = 42 "
                f"ORDER BY d LIMIT 10")
top_sql = f"SELECT row, array_distance(vector, {probe}) AS d FROM vecs ORDER BY d LIMIT 10"


def lake_sql(sql, runs=3):
    """(best of `runs` new processes' `query time`, best whole time of the later runs in one
    process, rows): a new process's query opens the index and starts Polars' threads, as the
    CLI does for every query; the app keeps both, as the later runs of `--repeat 4 --no-cache`
    do (the result cache off)."""
    best, rows = None, None
    for _ in range(runs):
        p = subprocess.run(L + ["query", "--format", "csv", "--timing", sql], check=True, capture_output=True, text=True)
        at = p.stderr.rfind("query time: ")
        took = float(p.stderr[at + len("query time: "):].split()[0]) / 1e3
        best = took if best is None else min(best, took)
        rows = [int(l.split(",")[0]) for l in p.stdout.strip().splitlines()[1:]]
    p = subprocess.run(L + ["query", "--format", "csv", "--timing", "--repeat", "4", "--no-cache", sql],
                       check=True, capture_output=True, text=True)
    runs_ms = [float(l.split(": ")[1].split(" ms")[0]) for l in p.stderr.splitlines() if l.startswith("run ")]
    assert len(runs_ms) == 4 and "from the result cache" not in p.stderr, p.stderr
    warm = min(runs_ms[1:]) / 1e3
    assert [int(l.split(",")[0]) for l in p.stdout.strip().splitlines()[1:]] == rows
    return best, warm, rows


scan_filtered_s, scan_filtered_w, scan_filtered = lake_sql(filtered_sql)
scan_top_s, scan_top_w, scan_top = lake_sql(top_sql)

# 1. Builds.
out, err, lake_peak = peak_mb_of(L + ["index", "create", "vecs", "vector", "--metric", "l2", "--backend", "usearch"])
build_line = out.strip().splitlines()[-1]
lake_build = float(build_line.split("building ")[1].split(" s")[0])
lake_read = float(build_line.split("reading the vectors ")[1].split(" s")[0])

# Each engine's 1,000 searches take about a tenth of a second, where this machine's load swings
# by tens of percent: every engine's time at each ef is the best of REPEATS runs.
REPEATS = 3

PEER = r'''
import json, resource, sys, time
import numpy as np
which, npy, qnpy, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data, queries = np.load(npy), np.load(qnpy)
t = time.perf_counter()
if which == "hnswlib":
    import hnswlib
    ix = hnswlib.Index(space="l2", dim=data.shape[1])
    ix.init_index(max_elements=len(data), M=16, ef_construction=128, random_seed=1)
    ix.add_items(data, np.arange(len(data)), num_threads=threads)
else:
    from usearch.index import Index
    ix = Index(ndim=data.shape[1], metric="l2sq", dtype="f32", connectivity=16, expansion_add=128)
    ix.add(np.arange(len(data)), data, threads=threads)
build = time.perf_counter() - t
res = {"build": build, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "search": {}}
for ef in (16, 32, 64, 128, 256, 512):
    best = None
    for _ in range(REPEATS):
        t = time.perf_counter()
        if which == "hnswlib":
            ix.set_ef(ef)
            ids, _ = ix.knn_query(queries, k=10, num_threads=1)
        else:
            ix.expansion_search = ef
            ids = ix.search(queries, 10, threads=1).keys
        secs = time.perf_counter() - t
        best = secs if best is None else min(best, secs)
    res["search"][ef] = (best, np.asarray(ids).tolist())
print(json.dumps(res))
'''
peers = {}
for which in ("hnswlib", "usearch"):
    o, _, _ = peak_mb_of([sys.executable, "-c", PEER.replace("REPEATS", str(REPEATS)), which, npy, qnpy, str(threads)])
    peers[which] = json.loads(o)

# 2. Searches at each ef.
lake_search = {}
for ef in (16, 32, 64, 128, 256, 512):
    ids_file = os.path.join(a.out, f"lake-ids-{ef}.txt")
    secs = None
    for _ in range(REPEATS):
        p = subprocess.run(L + ["index", "search", "vecs", "vector", "--queries", "queries", "--k", "10", "--ef", str(ef),
                                "--metric", "l2", "--out", ids_file], check=True, capture_output=True, text=True)
        s = float(p.stderr.split(" in ")[1].split(" s")[0])
        secs = s if secs is None else min(secs, s)
    found = [[int(x) for x in l.split(",")] for l in open(ids_file).read().strip().splitlines()]
    lake_search[ef] = (secs, found)


def at_recall(search):
    rows = [(ef, a.queries / s, recall(found)) for ef, (s, found) in sorted(search.items(), key=lambda x: int(x[0]))]
    ok = [r for r in rows if r[2] >= 0.95]
    return (ok[0] if ok else rows[-1]), rows


(l_ef, l_qps, l_rec), l_rows = at_recall(lake_search)
(h_ef, h_qps, h_rec), h_rows = at_recall(peers["hnswlib"]["search"])
(u_ef, u_qps, u_rec), u_rows = at_recall(peers["usearch"]["search"])

print("\n-- build (200k x 128)")
print(f"lake (its own HNSW):    {lake_build:.2f} s building + {lake_read:.2f} s reading the vectors from Parquet; "
      f"peak {lake_peak:.0f} MB")
print(f"hnswlib:                {peers['hnswlib']['build']:.2f} s; peak {peers['hnswlib']['peak_mb']:.0f} MB")
print(f"usearch (Python):       {peers['usearch']['build']:.2f} s; peak {peers['usearch']['peak_mb']:.0f} MB")
print(f"ratio build lake/hnswlib: {lake_build / peers['hnswlib']['build']:.2f}x (goal <= 1.5x); "
      f"with the read {(lake_build + lake_read) / peers['hnswlib']['build']:.2f}x")
print(f"ratio peak memory lake/hnswlib: {lake_peak / peers['hnswlib']['peak_mb']:.2f}x (goal <= 1.5x)")

print("\n-- recall@10 and searches per second (one thread), by ef")
for name, rows in (("lake", l_rows), ("hnswlib", h_rows), ("usearch", u_rows)):
    print(f"{name:8s} " + "  ".join(f"ef={ef}: {rec:.3f} @ {qps:,.0f}/s" for ef, qps, rec in rows))
print(f"at recall >= 0.95: lake ef={l_ef} {l_qps:,.0f}/s (recall {l_rec:.3f}); hnswlib ef={h_ef} {h_qps:,.0f}/s "
      f"(recall {h_rec:.3f}); usearch ef={u_ef} {u_qps:,.0f}/s (recall {u_rec:.3f})")
print(f"ratio QPS lake/hnswlib at matched recall: {l_qps / h_qps:.2f}x (goal >= 0.8x)")

# 3 (second half): through SQL, with the index.
idx_filtered_s, idx_filtered_w, idx_filtered = lake_sql(filtered_sql)
idx_top_s, idx_top_w, idx_top = lake_sql(top_sql)
print("\n-- SQL top-10 (`lake query --timing`), against the exact scan of the same lake")
print("   new process: best of 3 processes' `query time` (which then includes opening the index and")
print("   starting Polars' threads); warm: best of runs 2-4 of `--repeat 4 --no-cache` in one process,")
print("   as the app runs queries (each run's whole time, its query-log write included)")
for name, i_s, i_w, s_s, s_w, same in (
        ("filtered (1% of rows pass)", idx_filtered_s, idx_filtered_w, scan_filtered_s, scan_filtered_w,
         "same 10 rows" if idx_filtered == scan_filtered else "DIFFERENT rows"),
        ("unfiltered", idx_top_s, idx_top_w, scan_top_s, scan_top_w,
         f"{len(set(idx_top) & set(scan_top))}/10 of the exact rows")):
    print(f"{name}: warm: index {i_w * 1e3:.1f} ms, exact scan {s_w * 1e3:.1f} ms: {s_w / i_w:.1f}x faster; "
          f"new process: index {i_s * 1e3:.1f} ms, exact scan {s_s * 1e3:.1f} ms: {s_s / i_s:.1f}x faster; {same}")
print(f"ratio filtered top-10, exact scan / index, warm: {scan_filtered_w / idx_filtered_w:.1f}x (goal >= 10x); "
      f"new process: {scan_filtered_s / idx_filtered_s:.1f}x; {len(idx_filtered)} rows")

# 4. instant-distance on 20k.
o, _, _ = peak_mb_of(L + ["index", "create", "small", "vector", "--metric", "l2", "--backend", "instant-distance"])
inst = float(o.strip().splitlines()[-1].split("building ")[1].split(" s")[0])
o, _, _ = peak_mb_of(L + ["index", "create", "small", "vector", "--metric", "l2", "--backend", "usearch"])
us20 = float(o.strip().splitlines()[-1].split("building ")[1].split(" s")[0])
print(f"\n-- 20k x 128: instant-distance builds in {inst:.2f} s, the lake's HNSW in {us20:.2f} s: {inst / us20:.0f}x slower; "
      f"the lake's HNSW (`usearch` backend) is the default at and above 20,000 vectors (below, an exact scan)")
