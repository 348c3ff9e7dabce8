"""Text embeddings' throughput, one run (bench/vector.sh): `lake embed` against a NumPy
implementation of the same model (the same .dpte file, the same weighted mean), on N generated
texts of 5 to 40 words. Both give the vectors of the same texts; they are compared.

The lake: `lake import` of a CSV of texts, then `lake embed DATASET text --no-index --json`
(its `embed_s`: the embedding alone, all cores; and its whole run: reading, embedding, writing
the new version). NumPy: tokenising with a regular expression, looking words up in a dict,
then one vectorised weighted sum (np.add.reduceat), one core.
"""
import argparse, csv, os, re, shutil, struct, subprocess, time, json

import duckdb
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--lake-bin", required=True)
ap.add_argument("--model", required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--n", type=int, default=200_000)
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)

b = open(a.model, "rb").read()
dim, n = struct.unpack_from("<II", b, 8)
o = 16
scale = np.frombuffer(b, "<f4", n, o); o += 4 * n
weight = np.frombuffer(b, "<f4", n, o); o += 4 * n
vals = np.frombuffer(b, "i1", n * dim, o).reshape(n, dim).astype(np.float32); o += n * dim
words = {}
for i in range(n):
    ln = b[o]
    words.setdefault(b[o + 1:o + 1 + ln].decode(), i)
    o += 1 + ln
table = vals * (scale * weight)[:, None]

# Texts from plain words of the vocabulary, common ones more often (Zipf-like).
rng = np.random.default_rng(11)
plain = [w for w in list(words)[:30_000] if w.isalpha() and w.isascii()]
ranks = np.arange(1, len(plain) + 1)
p = (1 / ranks) / (1 / ranks).sum()
texts = []
for _ in range(a.n):
    k = int(rng.integers(5, 41))
    texts.append(" ".join(plain[j] for j in rng.choice(len(plain), k, p=p)))
src = os.path.join(a.out, f"texts-{a.n}.csv")
with open(src, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "text"])
    for i, t in enumerate(texts):
        w.writerow([i, t])
mb = os.path.getsize(src) / 1e6
print(f"== {a.n} texts, {sum(len(t.split()) for t in texts) / a.n:.1f} words each ({mb:.0f} MB CSV); model {n} words x {dim}")

lake = os.path.join(a.out, "lake")
shutil.rmtree(lake, ignore_errors=True)
subprocess.run([a.lake_bin, "--lake", lake, "init"], check=True, stdout=subprocess.DEVNULL)
subprocess.run([a.lake_bin, "--lake", lake, "import", "--name", "texts", src], check=True, stdout=subprocess.DEVNULL)
t0 = time.perf_counter()
r = subprocess.run([a.lake_bin, "--lake", lake, "embed", "texts", "text", "--no-index", "--json"],
                   check=True, capture_output=True, text=True)
lake_wall = time.perf_counter() - t0
rep = json.loads(r.stdout)
lake_tps = a.n / rep["embed_s"]

token = re.compile(r"[^\W_]+")
t0 = time.perf_counter()
ids, starts = [], []
for t in texts:
    starts.append(len(ids))
    ids.extend(words[x] for x in token.findall(t.lower()) if x in words)
ids = np.asarray(ids)
sums = np.add.reduceat(table[ids], np.asarray(starts), axis=0)
ref = sums / np.linalg.norm(sums, axis=1, keepdims=True)
np_s = time.perf_counter() - t0
np_tps = a.n / np_s

out = os.path.join(a.out, "vectors.parquet")
subprocess.run([a.lake_bin, "--lake", lake, "query", "--output", out,
                "SELECT id, text_embedding FROM texts ORDER BY id"], check=True, stdout=subprocess.DEVNULL)
got = np.array(duckdb.sql(f"SELECT text_embedding FROM read_parquet('{out}') ORDER BY id").fetchnumpy()["text_embedding"].tolist(),
               dtype=np.float32)
diff = float(np.abs(got - ref).max())

print(f"lake embed: {rep['embed_s']:.2f} s embedding ({lake_tps:,.0f} texts/s, all cores); "
      f"{rep['total_s']:.2f} s with reading and writing the new version ({a.n / rep['total_s']:,.0f} texts/s); "
      f"process {lake_wall:.2f} s")
print(f"NumPy, same model: {np_s:.2f} s ({np_tps:,.0f} texts/s, one core)")
print(f"lake / NumPy throughput: {lake_tps / np_tps:.2f}x; largest difference between their vectors: {diff:.2e}")
