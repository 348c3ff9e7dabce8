"""Import throughput and query overhead: lake vs DuckDB vs Polars, one run, printed as ratios."""
import argparse, json, os, random, resource, shutil, statistics, subprocess, sys, time

def gen(path_csv, path_ndjson, size_mb):
    if os.path.exists(path_csv) and os.path.getsize(path_csv) >= size_mb * 2**20 * 0.95:
        return
    random.seed(42)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    target = size_mb * 2**20
    with open(path_csv, "w") as fc, open(path_ndjson, "w") as fj:
        fc.write("id,ts,user,amount,score,city,note\n")
        i, written = 0, 0
        while written < target:
            lines_c, lines_j = [], []
            for _ in range(10000):
                ts = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}Z"
                user = random.randint(1, 100000)
                amount = round(random.random() * 1000, 2)
                score = random.randint(-1000, 1000)
                city = random.choice(words)
                note = " ".join(random.choices(words, k=4))
                lines_c.append(f"{i},{ts},{user},{amount},{score},{city},{note}\n")
                lines_j.append(json.dumps({"id": i, "ts": ts, "user": user, "amount": amount, "score": score, "city": city, "note": note}) + "\n")
                i += 1
            s = "".join(lines_c)
            fc.write(s)
            fj.write("".join(lines_j))
            written += len(s)

def timed(cmd, **kw):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"failed: {cmd}\n{r.stdout}\n{r.stderr}")
    return dt, r.stdout

def peak_rss_cmd(cmd):
    """Wall time and peak RSS (MB) of a child process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, ru = os.wait4(p.pid, 0)[1:]
    dt = time.perf_counter() - t
    return dt, ru.ru_maxrss / 1024

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lake-bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size-mb", type=int, default=1024)
    a = ap.parse_args()
    csv_p, nd_p = f"{a.out}/data.csv", f"{a.out}/data.ndjson"
    print(f"== generating {a.size_mb} MB CSV and the same rows as NDJSON")
    gen(csv_p, nd_p, a.size_mb)
    py = sys.executable
    rows = []
    for fmt, path in (("csv", csv_p), ("ndjson", nd_p)):
        lake_dir = f"{a.out}/lake-{fmt}"
        shutil.rmtree(lake_dir, ignore_errors=True)
        t_lake, m_lake = peak_rss_cmd([a.lake_bin, "--lake", lake_dir, "import", "--name", "t", "--json", path])
        reader = "read_csv" if fmt == "csv" else "read_ndjson"
        duck = f"import duckdb; duckdb.sql(\"COPY (SELECT * FROM {reader}('{path}')) TO '{a.out}/duck.parquet' (FORMAT parquet, COMPRESSION zstd)\")"
        t_duck, m_duck = peak_rss_cmd([py, "-c", duck])
        scan = "scan_csv" if fmt == "csv" else "scan_ndjson"
        pol = f"import polars as pl; pl.{scan}('{path}', try_parse_dates=True).sink_parquet('{a.out}/polars.parquet')" if fmt == "csv" else \
              f"import polars as pl; pl.{scan}('{path}').sink_parquet('{a.out}/polars.parquet')"
        t_pol, m_pol = peak_rss_cmd([py, "-c", pol])
        size = os.path.getsize(path) / 2**20
        rows.append((f"import {fmt}", t_lake, t_duck, t_pol, m_lake, m_duck, m_pol, size))
    print(f"\n{'benchmark':<16}{'lake s':>9}{'duckdb s':>10}{'polars s':>10}{'lake/duck':>11}{'lake/pol':>10}{'lake MB/s':>11}{'RSS lake/duck/polars MB':>26}")
    for name, tl, td, tp, ml, md, mp, size in rows:
        print(f"{name:<16}{tl:>9.2f}{td:>10.2f}{tp:>10.2f}{tl/td:>11.2f}{tl/tp:>10.2f}{size/tl:>11.0f}{f'{ml:.0f}/{md:.0f}/{mp:.0f}':>26}")
    # Profiles (issue 28): an import profiles what it made from a bounded sample. Its cost: the
    # same CSV imported with --no-profile, and `lake profile` there (the work the import adds).
    lake_dir = f"{a.out}/lake-csv"
    bare, full = f"{a.out}/lake-csv-noprofile", f"{a.out}/lake-csv-profile"
    t_bare, t_full = [], []
    for _ in range(2):  # alternating, the best of two each: an import varies by a few percent
        for d, ts, flags in ((bare, t_bare, ["--no-profile"]), (full, t_full, [])):
            shutil.rmtree(d, ignore_errors=True)
            ts.append(timed([a.lake_bin, "--lake", d, "import", "--name", "t", "--json", *flags, csv_p])[0])
    t_prof, _ = timed([a.lake_bin, "--lake", bare, "profile", "t"])
    t_prof2, _ = timed([a.lake_bin, "--lake", bare, "profile", "t"])
    for d in (bare, full):
        shutil.rmtree(d, ignore_errors=True)
    t_bare, t_full = min(t_bare), min(t_full)
    print(f"\nprofiles at import, the CSV's {rows[0][7]:.0f} MB (best of 2 each): import {t_full:.2f} s with profiles, "
          f"{t_bare:.2f} s with --no-profile ({(t_full - t_bare) / t_bare * 100:+.1f}%; goal <= +10%); the profile alone "
          f"{t_prof:.2f} s ({t_prof / t_bare * 100:.1f}% of the import), {t_prof2 * 1000:.0f} ms when read back")
    # Time travel (issue 28): version 1 against the current version 2 (v1's files and one more
    # small file appended), the same query, median of 5 cold processes each.
    extra = f"{a.out}/extra.csv"
    with open(extra, "w") as f:
        f.write("id,ts,user,amount,score,city,note\n-1,2024-01-01T00:00:00Z,1,1.0,1,alpha,alpha beta\n")
    timed([a.lake_bin, "--lake", lake_dir, "import", "--name", "t", "--mode", "append", extra])
    tt = "SELECT city, count(*) AS n, avg(amount) AS a FROM t{} WHERE score > 0 GROUP BY city ORDER BY city"
    cur = statistics.median(timed([a.lake_bin, "--lake", lake_dir, "query", "--format", "csv", tt.format("")])[0] for _ in range(5))
    old = statistics.median(
        timed([a.lake_bin, "--lake", lake_dir, "query", "--format", "csv", tt.format(" VERSION AS OF 1")])[0] for _ in range(5))
    print(f"time travel: a group-by on version 1 {old * 1000:.0f} ms, on the current version 2 {cur * 1000:.0f} ms "
          f"(old/current {old / cur:.2f}; goal <= 1.0 within noise)")
    # Query overhead: same SQL through `lake query` vs Polars SQL on the same Parquet files.
    files = sorted(
        os.path.join(dp, f) for dp, _, fs in os.walk(f"{lake_dir}/data/t") for f in fs if f.endswith(".parquet"))
    queries = {
        "count": "SELECT count(*) AS n FROM t",
        "groupby": "SELECT city, count(*) AS n, avg(amount) AS a FROM t GROUP BY city ORDER BY city",
        "filter": "SELECT id, amount FROM t WHERE score > 990 ORDER BY id LIMIT 100",
        "window": "SELECT city, sum(amount) OVER (PARTITION BY city) AS s FROM t WHERE score = 7 LIMIT 1000",
    }
    print(f"\n{'query':<10}{'lake ms':>10}{'polars 1st':>12}{'polars warm':>13}{'lake/1st':>10}")
    print("  lake: whole CLI process, median of 5 (each run is a cold process, like a first query);")
    print("  polars: in-process query time (no Python start-up): the first run in a fresh process,")
    print("  and the median of 5 warm runs in the same process (metadata cached).")
    ratios = []
    for name, sql in queries.items():
        tl = statistics.median(timed([a.lake_bin, "--lake", lake_dir, "query", "--format", "csv", sql])[0] for _ in range(5))
        code = (
            "import polars as pl, time, statistics\n"
            f"ctx = pl.SQLContext(t=pl.scan_parquet({files!r}))\n"
            "ts = []\n"
            "for _ in range(6):\n"
            "    t = time.perf_counter()\n"
            f"    ctx.execute({sql!r}).collect()\n"
            "    ts.append(time.perf_counter() - t)\n"
            "print(ts[0], statistics.median(ts[1:]))\n"
        )
        firsts = []
        warm = []
        for _ in range(3):
            f, w = map(float, timed([py, "-c", code])[1].split())
            firsts.append(f)
            warm.append(w)
        tf, tw = statistics.median(firsts), statistics.median(warm)
        ratios.append(tl / tf)
        print(f"{name:<10}{tl*1e3:>10.0f}{tf*1e3:>12.0f}{tw*1e3:>13.0f}{tl/tf:>10.2f}")
    print(f"geomean lake / polars-first-run query ratio: {statistics.geometric_mean(ratios):.2f}")
    print(f"duckdb {__import__('duckdb').__version__}, polars {__import__('polars').__version__} (the lake embeds the polars crate 0.55.2)")

if __name__ == "__main__":
    main()
