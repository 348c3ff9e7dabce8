"""Writes tests/fixtures/time_bucket/duckdb.json: DuckDB's time_bucket on a set of times,
widths, origins, offsets and zones. The lake's test (query/time_bucket_tests.rs) must give
exactly these values. Run with a Python that has duckdb: python3 scripts/time_bucket_fixture.py"""
import json, os, sys
import duckdb

TIMES = [
    "1900-05-17 08:00:00", "1969-12-31 23:59:59.5", "1970-01-01 00:00:00", "1999-12-31 23:59:59",
    "2000-01-03 00:00:00", "2000-01-02 23:59:59.999999", "2024-02-29 13:37:42.123456",
    "2024-03-31 00:30:00", "2024-03-31 01:30:00", "2024-10-27 00:30:00", "2024-10-27 01:30:00",
    "2024-12-31 23:59:59.999999", "2038-01-19 03:14:08",
]
WIDTHS = ["1 second", "7 minutes", "15 minutes", "1 hour", "90 minutes", "1 day", "3 days", "1 week",
          "1 month", "3 months", "1 year", "5 years"]
# (SQL of the third argument, what the lake's SQL writes) for timestamps and dates.
THIRDS = [None, "TIMESTAMP '2024-01-01 06:00:00'", "INTERVAL '30 minutes'", "INTERVAL '2 days'"]
ZONES = ["Europe/Berlin", "America/New_York"]

con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute("CREATE TABLE t AS SELECT CAST(s AS TIMESTAMP) AS ts FROM unnest(?) AS u(s)", [TIMES])
cases = []
for w in WIDTHS:
    for third in THIRDS:
        arg = f", {third}" if third else ""
        ts = [r[0] for r in con.execute(f"SELECT epoch_us(time_bucket(INTERVAL '{w}', ts{arg})) FROM t").fetchall()]
        dthird = arg.replace("TIMESTAMP", "DATE").replace(" 06:00:00", "") if third and "TIMESTAMP" in third else arg
        # DuckDB's date form takes an origin date or an offset interval.
        ds = [str(r[0]) for r in con.execute(
            f"SELECT time_bucket(INTERVAL '{w}', CAST(ts AS DATE){dthird}) FROM t").fetchall()]
        cases.append({"width": w, "third": third, "timestamps": ts, "date_third": dthird[2:] or None, "dates": ds})
    for z in ZONES:
        tz = [r[0] for r in con.execute(
            f"SELECT epoch_us(time_bucket(INTERVAL '{w}', CAST(ts AS TIMESTAMPTZ), '{z}')) FROM t").fetchall()]
        cases.append({"width": w, "zone": z, "zoned": tz})
out = {"duckdb": duckdb.__version__, "times": TIMES, "cases": cases}
path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "time_bucket", "duckdb.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {len(cases)} cases from DuckDB {duckdb.__version__} to {os.path.normpath(path)}")
