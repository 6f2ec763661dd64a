#!/usr/bin/python3
"""scikit-learn reference answers for the engine tests (Debian: python3-sklearn, python3-numpy).

  neighbors DATA.f32 QUERIES.f32 D K METRIC OUT_PREFIX
      exact k-NN by scikit-learn, METRIC euclidean | cosine | inner_product;
      writes OUT_PREFIX.ids.i64 and OUT_PREFIX.scores.f64 (squared euclidean distance, cosine distance, or
      inner product; nearest first)
  fashion DIR K[,K...] OUT_PREFIX
      KNeighborsClassifier(algorithm='brute') on Fashion-MNIST read from DIR's IDX files; one kneighbors call
      for the largest K, then each K's vote as KNeighborsClassifier.predict takes it (the most frequent label,
      ties to the smallest); writes OUT_PREFIX.k<K>.pred.i64 per K and prints {"k": K, "accuracy": ...} lines
"""
import gzip
import json
import os
import struct
import sys

import numpy as np


def neighbors(data, queries, d, k, metric, out):
    X = np.fromfile(data, dtype=np.float32).reshape(-1, int(d))
    Q = np.fromfile(queries, dtype=np.float32).reshape(-1, int(d))
    k = int(k)
    if metric == "inner_product":
        from sklearn.metrics.pairwise import linear_kernel
        S = linear_kernel(Q.astype(np.float64), X.astype(np.float64))
        ids = np.argsort(-S, axis=1, kind="stable")[:, :k]
        scores = np.take_along_axis(S, ids, axis=1)
    else:
        from sklearn.neighbors import NearestNeighbors
        nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=metric).fit(X.astype(np.float64))
        dist, ids = nn.kneighbors(Q.astype(np.float64))
        scores = dist ** 2 if metric == "euclidean" else dist
    ids.astype(np.int64).tofile(out + ".ids.i64")
    scores.astype(np.float64).tofile(out + ".scores.f64")


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    _, _, ndim = struct.unpack(">HBB", raw[:4])
    shape = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find(directory, base):
    for name in (base + ".gz", base):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    sys.exit(f"missing {base}[.gz] under {directory}")


def fashion(directory, ks, out):
    from sklearn.neighbors import KNeighborsClassifier
    Xtr = read_idx(find(directory, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32)
    ytr = read_idx(find(directory, "train-labels-idx1-ubyte")).astype(np.int64)
    Xte = read_idx(find(directory, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32)
    yte = read_idx(find(directory, "t10k-labels-idx1-ubyte")).astype(np.int64)
    ks = [int(v) for v in ks.split(",")]
    clf = KNeighborsClassifier(n_neighbors=max(ks), algorithm="brute").fit(Xtr, ytr)
    neighbours = ytr[clf.kneighbors(Xte, return_distance=False)]
    for k in ks:
        pred = np.array([np.bincount(row[:k], minlength=10).argmax() for row in neighbours])
        pred.astype(np.int64).tofile(f"{out}.k{k}.pred.i64")
        print(json.dumps({"k": k, "accuracy": float((pred == yte).mean())}), flush=True)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"neighbors": neighbors, "fashion": fashion}[command](*args)
