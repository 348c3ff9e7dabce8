#!/usr/bin/env python3
"""The lake's R-tree against DuckDB (spatial extension, RTREE index) and SQLite's R*Tree on the
same random points, in one run. Each engine runs in its own process, so peak memory is its own.

Measured:
  build   bulk-loading the index over all points (the lake: `lake index create`, which reads the
          lon/lat columns from its Parquet files; DuckDB: CREATE INDEX ... USING RTREE on a table
          of points; SQLite: inserting into an rtree virtual table)
  bbox    a count of the points within a box that holds about 1% of them; the lake answers a
          count from its R-tree alone. Each engine runs a query 5 times in one process and the
          median counts: the peers on one open connection, the lake with `lake query --repeat 5
          --no-cache --timing` (each run's whole time, its query-log entry included). The lake
          as a shell runs it, a new process per query (engine time from `--timing`, without
          process start), is printed beside it
  rows    the sum of the longitudes of those points, which reads the rows themselves
  join    point in polygon: the points joined with 1,000 random rectangles by ST_Contains
          (the lake: its SpatialJoin; DuckDB: its spatial join), counting the pairs
  map     the lake's map query: the points (or counts per screen cell) in a viewport, engine side
"""
import argparse
import glob
import json
import multiprocessing as mp
import os
import re
import resource
import shutil
import site
import sqlite3
import statistics
import subprocess
import tempfile
import time

BOX = (5.0, 45.0, 9.0, 48.0)  # 4 x 3 degrees of the 40 x 30 degree area: 1% of the points
AREA = (-10.0, 35.0, 30.0, 65.0)


def spatial_ext():
    for sp in site.getsitepackages():
        found = glob.glob(os.path.join(sp, "duckdb_ext/extensions/v1.4.4/*/spatial.duckdb_extension"))
        if found:
            return found[0]
    raise SystemExit("no duckdb-ext-spatial wheel for DuckDB 1.4.4 in this venv")


def duck(db=":memory:"):
    import duckdb

    con = duckdb.connect(db, config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{spatial_ext()}'")
    return con


def make_points(path, n):
    if os.path.exists(path):
        return
    con = duck()
    con.execute("SELECT setseed(0.42)")
    w, s, e, nn = AREA
    con.execute(
        f"COPY (SELECT random() * {e - w} + {w} AS lon, random() * {nn - s} + {s} AS lat FROM range({n})) "
        f"TO '{path}.tmp' (FORMAT parquet)"
    )
    os.rename(f"{path}.tmp", path)


def make_polygons(path, k=1000):
    if os.path.exists(path):
        return
    con = duck()
    con.execute("SELECT setseed(0.17)")
    w, s, e, n = AREA
    con.execute(
        f"COPY (SELECT 'p' || i AS name, ST_AsWKB(ST_MakeEnvelope(x, y, x + dx, y + dy)) AS geom FROM "
        f"(SELECT i, random() * {e - w - 1} + {w} AS x, random() * {n - s - 1} + {s} AS y, "
        f"0.2 + random() * 0.8 AS dx, 0.2 + random() * 0.8 AS dy FROM range({k}) t(i))) "
        f"TO '{path}.tmp' (FORMAT parquet)"
    )
    os.rename(f"{path}.tmp", path)


def median_ms(f, runs=5):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), out


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_duckdb(parquet, polys, work, q):
    db = os.path.join(work, "duck.db")
    con = duck(db)
    con.execute(f"CREATE TABLE t AS SELECT ST_Point(lon, lat) AS geom FROM read_parquet('{parquet}')")
    con.execute("CHECKPOINT")
    before = os.path.getsize(db)
    t = time.perf_counter()
    con.execute("CREATE INDEX ix ON t USING RTREE (geom)")
    build = time.perf_counter() - t
    con.execute("CHECKPOINT")
    index_bytes = os.path.getsize(db) - before
    w, s, e, n = BOX
    sql = f"SELECT count(*) FROM t WHERE ST_Within(geom, ST_MakeEnvelope({w}, {s}, {e}, {n}))"
    plan = con.execute("EXPLAIN " + sql).fetchall()[0][1]
    ms, rows = median_ms(lambda: con.execute(sql).fetchone()[0])
    ssql = f"SELECT sum(ST_X(geom)) FROM t WHERE ST_Within(geom, ST_MakeEnvelope({w}, {s}, {e}, {n}))"
    rows_ms, total = median_ms(lambda: con.execute(ssql).fetchone()[0])
    # DuckDB reads the file's GeoParquet metadata: `geom` comes back as GEOMETRY.
    con.execute(f"CREATE TABLE polys AS SELECT name, geom::GEOMETRY AS geom FROM read_parquet('{polys}')")
    jsql = "SELECT count(*) FROM polys r JOIN t p ON ST_Contains(r.geom, p.geom)"
    jplan = con.execute("EXPLAIN " + jsql).fetchall()[0][1]
    join_ms, pairs = median_ms(lambda: con.execute(jsql).fetchone()[0], runs=3)
    q.put({"build_s": build, "bbox_ms": ms, "count": rows, "index_bytes": index_bytes, "rows_ms": rows_ms, "sum": total,
           "uses_rtree": "RTREE_INDEX_SCAN" in plan, "peak_mb": peak_mb(), "join_ms": join_ms, "pairs": pairs,
           "join_op": "SPATIAL_JOIN" if "SPATIAL_JOIN" in jplan else "other"})


def run_sqlite(parquet, work, q):
    con0 = duck()
    lon, lat = zip(*con0.execute(f"SELECT lon, lat FROM read_parquet('{parquet}')").fetchall())
    del con0
    db = os.path.join(work, "rtree.sqlite")
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("CREATE VIRTUAL TABLE rt USING rtree(id, minx, maxx, miny, maxy)")
    t = time.perf_counter()
    con.executemany("INSERT INTO rt VALUES (?, ?, ?, ?, ?)", ((i, x, x, y, y) for i, (x, y) in enumerate(zip(lon, lat))))
    con.commit()
    build = time.perf_counter() - t
    w, s, e, n = BOX
    sql = f"SELECT count(*) FROM rt WHERE minx > {w} AND maxx < {e} AND miny > {s} AND maxy < {n}"
    ms, rows = median_ms(lambda: con.execute(sql).fetchone()[0])
    ssql = f"SELECT sum(minx) FROM rt WHERE minx > {w} AND maxx < {e} AND miny > {s} AND maxy < {n}"
    rows_ms, total = median_ms(lambda: con.execute(ssql).fetchone()[0])
    con.close()
    q.put({"build_s": build, "bbox_ms": ms, "count": rows, "rows_ms": rows_ms, "sum": total, "index_bytes": os.path.getsize(db), "peak_mb": peak_mb()})


def in_child(fn, *args):
    q = mp.Queue()
    p = mp.Process(target=fn, args=(*args, q))
    p.start()
    while True:
        try:
            r = q.get(timeout=5)
            break
        except Exception:
            if not p.is_alive():
                raise SystemExit(f"{fn.__name__} failed (exit code {p.exitcode})")
    p.join()
    return r


def lake(bin_, lake_dir, *args, timed=False):
    cmd = ["/usr/bin/time", "-f", "PEAK_KB %M", bin_, "--lake", lake_dir, *args] if timed else [bin_, "--lake", lake_dir, *args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"lake {' '.join(args)} failed: {r.stderr}")
    return r


def run_lake(bin_, parquet, polys, work):
    d = os.path.join(work, "lake")
    t = time.perf_counter()
    lake(bin_, d, "import", "--name", "pts", parquet)
    import_s = time.perf_counter() - t
    r = lake(bin_, d, "index", "create", "pts", "lon,lat", timed=True)
    build = float(re.search(r"in ([0-9.]+) s", r.stdout).group(1))
    peak = int(re.search(r"PEAK_KB (\d+)", r.stderr).group(1)) / 1024
    info = json.loads(lake(bin_, d, "index", "list", "pts", "--json").stdout)[0]
    w, s, e, n = BOX
    sql = f"SELECT count(*) AS n FROM pts WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope({w}, {s}, {e}, {n}))"
    def timed(q, runs, value, cold_runs=3):
        """Like the peers, which run each query `runs` times on one open connection: the median
        of `runs` runs in one process (`--repeat`, the result cache bypassed; each run's whole
        time, its log entry included), the median engine time of 3 new processes (`lake query`
        as a shell runs it, the process's first query), and the query's one value."""
        r = lake(bin_, d, "query", "--format", "csv", "--timing", "--repeat", str(runs), "--no-cache", q)
        warm = [float(m) for m in re.findall(r"run \d+: ([0-9.]+) ms", r.stderr)]
        assert len(warm) == runs, r.stderr
        out = value(r.stdout.strip().splitlines()[1])
        cold = []
        for _ in range(cold_runs):
            r = lake(bin_, d, "query", "--format", "csv", "--timing", q)
            cold.append(float(re.search(r"query time: ([0-9.]+) ms", r.stderr).group(1)))
            # A parallel sum may differ in its last digit from run to run.
            v = value(r.stdout.strip().splitlines()[1])
            assert abs(v - out) <= 1e-9 * max(1.0, abs(out)), (v, out)
        return statistics.median(warm), statistics.median(cold) if cold else None, out

    bbox_ms, bbox_cold_ms, count = timed(sql, 5, int)
    plan = lake(bin_, d, "explain", sql).stdout
    ssql = f"SELECT sum(lon) AS s FROM pts WHERE ST_Within(ST_Point(lon, lat), ST_MakeEnvelope({w}, {s}, {e}, {n}))"
    rows_ms, rows_cold_ms, total = timed(ssql, 5, float)
    lake(bin_, d, "import", "--name", "polys", polys)
    jsql = "SELECT count(*) AS n FROM polys r JOIN pts p ON ST_Contains(r.geom, ST_Point(p.lon, p.lat))"
    # The join's new-process time is not printed: it is not run again three times for it.
    join_ms, _, pairs = timed(jsql, 3, int, cold_runs=0)
    jplan = lake(bin_, d, "explain", jsql).stdout
    views = {}
    for name, box in [("whole area", AREA), ("city (0.25%)", (5.0, 45.0, 7.0, 46.5))]:
        out = json.loads(lake(bin_, d, "index", "viewport", "pts", "--bbox", ",".join(map(str, box)), "--json").stdout)
        views[name] = {"engine_ms": out["engine_ms"], "total": out["total"], "sent": len(out["xs"]),
                       "cells": len(out["counts"]) > 0}
    return {"import_s": import_s, "build_s": build, "bbox_ms": bbox_ms, "count": count,
            "bbox_cold_ms": bbox_cold_ms, "rows_cold_ms": rows_cold_ms, "rows_ms": rows_ms, "sum": total, "index_only": "IndexOnlyScan" in plan,
            "index_bytes": info["bytes"], "entries": info["entries"], "peak_mb": peak,
            "uses_rtree": "rtree candidates=" in plan, "viewports": views,
            "join_ms": join_ms, "pairs": pairs, "join_op": "SpatialJoin" if "SpatialJoin" in jplan else "other"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lake-bin", required=True)
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    n = a.points
    cache = os.path.join(a.out, "spatial-data")
    os.makedirs(cache, exist_ok=True)
    parquet = os.path.join(cache, f"points-{n}.parquet")
    print(f"== spatial bench: {n:,} random points in {AREA}, box {BOX} (about 1%)")
    make_points(parquet, n)
    polys = os.path.join(cache, "polygons-1000.parquet")
    make_polygons(polys)
    work = tempfile.mkdtemp(prefix="spatial-bench-")
    try:
        L = run_lake(a.lake_bin, parquet, polys, work)
        D = in_child(run_duckdb, parquet, polys, work)
        S = in_child(run_sqlite, parquet, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    close = lambda a, b, tol: abs(a - b) <= tol * max(1.0, abs(a), abs(b))
    # SQLite's R*Tree keeps coordinates as 32-bit floats: its sum agrees to about 1e-7.
    same = (L["count"] == D["count"] == S["count"] and L["pairs"] == D["pairs"]
            and close(L["sum"], D["sum"], 1e-9) and close(L["sum"], S["sum"], 1e-5))
    print(f"\n{'':34} {'lake':>12} {'DuckDB':>12} {'SQLite':>12}")
    print(f"{'build the index (s)':34} {L['build_s']:12.2f} {D['build_s']:12.2f} {S['build_s']:12.2f}")
    print(f"{'bbox count, ~1% of points (ms)':34} {L['bbox_ms']:12.1f} {D['bbox_ms']:12.1f} {S['bbox_ms']:12.1f}")
    print(f"{'  rows counted':34} {L['count']:12,} {D['count']:12,} {S['count']:12,}")
    print(f"{'bbox rows read, sum(lon) (ms)':34} {L['rows_ms']:12.1f} {D['rows_ms']:12.1f} {S['rows_ms']:12.1f}")
    print(f"{'  lake as a new process each time':34} {L['bbox_cold_ms']:12.1f} (count), {L['rows_cold_ms']:.1f} (sum)")
    print(f"{'join with 1,000 polygons (ms)':34} {L['join_ms']:12.0f} {D['join_ms']:12.0f} {'-':>12}")
    print(f"{'  pairs':34} {L['pairs']:12,} {D['pairs']:12,} {'-':>12}")
    print(f"{'index bytes per point':34} {L['index_bytes'] / n:12.1f} {D['index_bytes'] / n:12.1f} {S['index_bytes'] / n:12.1f}")
    print(f"{'peak memory (MB)':34} {L['peak_mb']:12.0f} {D['peak_mb']:12.0f} {S['peak_mb']:12.0f}")
    print(f"\nanswers identical: {'yes' if same else 'NO'}; the lake's plan flags rtree: {L['uses_rtree']} (count from the index alone: {L['index_only']}); DuckDB's plan uses RTREE_INDEX_SCAN: {D['uses_rtree']}")
    print(f"join operators: lake {L['join_op']}, DuckDB {D['join_op']}")
    print(f"lake import of the Parquet file, index included: {L['import_s']:.2f} s")
    for name, v in L["viewports"].items():
        what = "cells" if v["cells"] else "points"
        print(f"map viewport, {name}: {v['total']:,} points, {v['sent']:,} {what} sent, engine {v['engine_ms']:.2f} ms")
    print("\nratios (lake / peer; below 1 means the lake is faster):")
    ratios = {
        "build vs DuckDB": L["build_s"] / D["build_s"],
        "build vs SQLite": L["build_s"] / S["build_s"],
        "bbox vs DuckDB": L["bbox_ms"] / D["bbox_ms"],
        "bbox vs SQLite": L["bbox_ms"] / S["bbox_ms"],
        "bbox rows vs DuckDB": L["rows_ms"] / D["rows_ms"],
        "bbox rows vs SQLite": L["rows_ms"] / S["rows_ms"],
        "bbox rows vs SQLite (lake new process)": L["rows_cold_ms"] / S["rows_ms"],
        "join vs DuckDB": L["join_ms"] / D["join_ms"],
        "index size vs DuckDB": L["index_bytes"] / max(1, D["index_bytes"]),
    }
    for k, v in ratios.items():
        print(f"  {k:40} {v:6.2f}x")
    with open(os.path.join(a.out, "spatial-results.json"), "w") as f:
        json.dump({"points": n, "box": BOX, "lake": L, "duckdb": D, "sqlite": S, "ratios": ratios, "same": same}, f, indent=1)
    if not same:
        raise SystemExit("the engines counted different rows")


if __name__ == "__main__":
    main()
