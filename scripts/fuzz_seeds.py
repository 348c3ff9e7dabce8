"""Seed corpora for the fuzz targets, made from the test fixtures: python3 fuzz_seeds.py DIR."""
import glob
import io
import os
import sys
import tarfile
import zipfile

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
fixtures = os.path.join(root, "crates", "lake-cli", "tests", "fixtures")
out = sys.argv[1]
files = [p for p in glob.glob(os.path.join(fixtures, "**", "*"), recursive=True) if os.path.isfile(p)]


def seed(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data[:262144])


def rel(p):
    return os.path.relpath(p, fixtures)


small = [p for p in files if os.path.getsize(p) < 65536]
for lang in ("en", "de", "fr"):
    base = os.path.join(fixtures, "takeout", lang)
    members = [p for p in small if p.startswith(base + os.sep)]
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in members[:40]:
            z.write(p, os.path.relpath(p, base))
    seed("zip", f"{lang}.zip", zbuf.getvalue())
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w") as t:
        for p in members[:40]:
            t.add(p, os.path.relpath(p, base))
    seed("tar", f"{lang}.tar", tbuf.getvalue())

for i, p in enumerate(small):
    data = open(p, "rb").read()
    name = f"{i:03}-{os.path.basename(p)[-40:]}"
    low = p.lower()
    # Recognition sees the path inside the export, then the first bytes.
    seed("takeout_classify", name, rel(p).encode() + b"\n" + data[:4096])
    if low.endswith(".json") or low.endswith(".geojson"):
        seed("json_doc", name, data)
        seed("json_array", name, data)
    if low.endswith((".csv", ".tsv")):
        seed("csv", name, data)
    if low.endswith(".mbox"):
        seed("mbox", name, data)
    if low.endswith((".ndjson", ".jsonl")):
        seed("ndjson", name, data)

seed("ndjson", "basic", b'{"a":1,"b":"x"}\n{"a":2.5,"c":[1,2]}\n\n{"a":null}\n')
seed("ndjson", "bad", b'{"a":1}\n[1,2]\n{"a":\n"\xff"\n')
seed("json_array", "records", b'{"locations":[{"latitudeE7":1,"longitudeE7":2,"timestamp":"2024-01-01T00:00:00Z"}]}')
seed("csv", "semi", b"a;b;c\n1;2;3\n\"x;y\";\"z\nw\";4\n")
seed("mbox", "two", b"From a Mon Jan 1 00:00:00 2024\nFrom: x\nSubject: =?utf-8?B?aGk=?=\n\nbody\n>From y\n\nFrom b Tue Jan 2 00:00:00 2024\nDate: Tue, 2 Jan 2024 00:00:00 +0100\n\n")

# SQL: every statement of the .slt files, and a few the guard must refuse.
sql_dir = os.path.join(root, "tests", "sql")
k = 0
for p in sorted(glob.glob(os.path.join(sql_dir, "*.slt"))):
    block = []
    for line in open(p, encoding="utf-8").read().split("\n") + [""]:
        if line.strip() == "":
            if block and block[0].split()[0] in ("query", "error", "statement"):
                sql = []
                for l in block[1:]:
                    if l.startswith("----"):
                        break
                    sql.append(l)
                seed("sql_guard", f"slt-{k:04}", "\n".join(sql).encode())
                k += 1
            block = []
        elif not line.startswith("#"):
            block.append(line)
for i, s in enumerate([
    "SELECT * FROM read_csv('/etc/passwd')",
    "WITH a AS (SELECT 1) SELECT * FROM a JOIN b USING (x) WHERE y IN (SELECT z FROM c)",
    "EXPLAIN ANALYZE SELECT count(*) FROM t GROUP BY 1 HAVING sum(a) > 2 ORDER BY 1 NULLS LAST LIMIT 3 OFFSET 1",
    "SELECT 1; DROP TABLE t",
]):
    seed("sql_guard", f"extra-{i}", s.encode())
