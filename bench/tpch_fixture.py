"""Regenerates tests/fixtures/tpch-sf0.01: TPC-H at scale factor 0.01 (tpchgen-cli, Parquet) and
DuckDB's answer to each of the 22 queries in bench/tpch/queries, as CSV, for the TPC-H
conformance test in `make test` (crates/lake-cli/tests/tpch.rs), which must not need the network.

    bench/.venv/bin/python bench/tpch_fixture.py
"""
import csv
import glob
import os
import shutil
import subprocess
import sys

import duckdb

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
out = os.path.join(root, "tests", "fixtures", "tpch-sf0.01")
data = os.path.join(out, "data")
answers = os.path.join(out, "answers")
shutil.rmtree(data, ignore_errors=True)
shutil.rmtree(answers, ignore_errors=True)
os.makedirs(answers)
gen = os.path.join(os.path.dirname(sys.executable), "tpchgen-cli")
subprocess.run([gen, "parquet", "-s", "0.01", "--output-dir", data], check=True,
               stdout=subprocess.DEVNULL)
con = duckdb.connect()
for p in sorted(glob.glob(os.path.join(data, "*.parquet"))):
    t = os.path.basename(p)[:-8]
    con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{p}')")
for q in sorted(glob.glob(os.path.join(here, "tpch", "queries", "q*.sql"))):
    cur = con.execute(open(q).read())
    rows = cur.fetchall()
    with open(os.path.join(answers, os.path.basename(q)[:-4] + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([d[0] for d in cur.description])
        for r in rows:
            w.writerow(["" if v is None else str(v) for v in r])
    print(f"{os.path.basename(q)}: {len(rows)} rows")
