"""A year of recorded metrics in a fresh lake (with one small dataset `t`), for the metrics benchmarks: N queries spread
evenly over the last 364 days (log-normal times around 20 ms, 2% failed), an import a day, and
the last 14 days of the app's once-a-minute memory and CPU samples (what the catalog keeps).

    python3 bench/seed_metrics.py LAKE_BIN LAKE [N]
"""
import os
import random
import sqlite3
import subprocess
import sys
import time


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))


def seed(lake_bin, lake, n=100_000):
    """Makes `lake` (replacing nothing: it must not exist) and records a year of metrics in it."""
    subprocess.run([lake_bin, "--lake", lake, "init"], check=True, stdout=subprocess.DEVNULL)
    # The dataset the recorded queries read, so the lake has a size too.
    csv = lake + "-t.csv"
    with open(csv, "w") as f:
        f.write("id,amount\n" + "".join(f"{i},{i % 97}\n" for i in range(10_000)))
    subprocess.run([lake_bin, "--lake", lake, "import", "--name", "t", csv], check=True, stdout=subprocess.DEVNULL)
    os.remove(csv)
    random.seed(7)
    now = time.time()
    year = 364 * 86400
    queries = []
    for i in range(n):
        t = now - year + i * (year / n)
        ms = random.lognormvariate(3, 1.2)
        status = "error" if random.random() < 0.02 else "ok"
        queries.append((iso(t), f"SELECT {i % 500} FROM t", status, ms, 10, '["t"]', 2, 1, 4096))
    imports = []
    for d in range(364):
        t = now - year + d * 86400
        rows = random.randint(1_000, 2_000_000)
        ms = rows / random.uniform(200_000, 900_000) * 1000
        imports.append((iso(t), "ok", '["t"]', 1, rows * 40, rows, ms, ms * 0.1, ms * 0.6, ms * 0.2, ms * 0.1, 300 << 20, 0, 0))
    samples = [(iso(now - m * 60), random.randint(200, 900) << 20, random.uniform(0, 100)) for m in range(14 * 24 * 60)]
    with sqlite3.connect(os.path.join(lake, "catalog.sqlite")) as db:
        db.executemany(
            "INSERT INTO query_log (ts, sql, status, duration_ms, rows, datasets, files_scanned, files_pruned, bytes_scanned) "
            "VALUES (?,?,?,?,?,?,?,?,?)", queries)
        db.executemany(
            "INSERT INTO import_metrics (ts, status, datasets, sources, bytes, rows, duration_ms, read_ms, parse_ms, "
            "write_ms, commit_ms, peak_bytes, errors, skipped) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", imports)
        db.executemany("INSERT OR REPLACE INTO process_metrics (ts, rss_bytes, cpu_percent) VALUES (?,?,?)", samples)


if __name__ == "__main__":
    seed(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100_000)
