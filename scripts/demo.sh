#!/usr/bin/env bash
# `make demo`: builds a sample lake and walks through the CLI (`make run` uses it to seed the
# default lake on a first run).
set -euo pipefail
LAKE_BIN=${LAKE_BIN:?}
LAKE_DIR=${LAKE_DIR:-$HOME/.local/share/datapunk-lake/default}
export LAKE_DIR
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, random, sys, datetime as dt
out = sys.argv[1]
random.seed(7)
cities = [("Paris", 48.8566, 2.3522), ("Berlin", 52.52, 13.405), ("Lyon", 45.764, 4.8357), ("Munich", 48.1351, 11.582)]
with open(f"{out}/people.csv", "w") as f:
    f.write("id,name,city\n")
    for i in range(1, 51):
        f.write(f"{i},person {i},{random.choice(cities)[0]}\n")
with open(f"{out}/visits.ndjson", "w") as f:
    t = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    for i in range(5000):
        t += dt.timedelta(minutes=random.randint(1, 300))
        f.write(json.dumps({"person_id": random.randint(1, 50), "ts": t.isoformat().replace("+00:00", "Z"),
                            "url": f"https://example.org/{random.randint(1, 40)}", "seconds": random.randint(5, 900)}) + "\n")
with open(f"{out}/cities.geojson", "w") as f:
    json.dump({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"city": c}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}
        for c, lat, lon in cities]}, f)
PY
set -x
"$LAKE_BIN" init
"$LAKE_BIN" import "$work/people.csv" "$work/visits.ndjson" "$work/cities.geojson"
"$LAKE_BIN" datasets
"$LAKE_BIN" schema visits
"$LAKE_BIN" query "SELECT p.city, count(*) AS visits, round(avg(v.seconds), 1) AS avg_s FROM visits v JOIN people p ON p.id = v.person_id GROUP BY p.city ORDER BY visits DESC"
"$LAKE_BIN" query "SELECT person_id, ts, url, row_number() OVER (PARTITION BY person_id ORDER BY ts) AS n FROM visits WHERE person_id = 7 ORDER BY ts LIMIT 5"
"$LAKE_BIN" explain --analyze "SELECT c.city, c.lon, c.lat, count(*) AS n FROM visits v JOIN people p ON p.id = v.person_id JOIN cities c ON c.city = p.city WHERE v.seconds > 600 GROUP BY c.city, c.lon, c.lat"
"$LAKE_BIN" query "SELECT titel FROM visits" || true
# A small Google Takeout export (German names, our own fixture): tables in English, a coverage report.
takeout="$(cd "$(dirname "$0")/.." && pwd)/crates/lake-cli/tests/fixtures/takeout/de"
"$LAKE_BIN" import "$takeout/Takeout" "$takeout/Zeitleiste.json"
"$LAKE_BIN" query "SELECT product, count(*) AS n, min(ts) AS first, max(ts) AS last FROM takeout.my_activity GROUP BY product ORDER BY n DESC"
"$LAKE_BIN" query "SELECT origin, count(*) AS points FROM takeout.location_points GROUP BY origin"
