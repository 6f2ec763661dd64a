#!/usr/bin/env bash
# Whole-verb speed of train, transform and predict against their peers, one run, same data (issue 11, item 1).
# Usage: bench/whole_verbs.sh KNN_BINARY BENCH_BINARY BIG_CSV [FAISS_PYTHONPATH]
#   KNN_BINARY    Release build of src/KnnCli (dotnet build src/KnnCli -c Release -o DIR; DIR/knn)
#   BENCH_BINARY  Release build of bench/KnnCli.Benchmarks (its train-parts mode times train's parts alone)
#   BIG_CSV       header, label `kind` (as ../shared/bench/pipeline_bench.sh makes it: 200,000 x 32, 10 classes)
#   FAISS_PYTHONPATH  the strong faiss (../shared/bench/peers/build.sh's PREFIX/faiss-py); Debian's faiss without it
set -u
KNN=$1; BENCH=$2; BIG=$3; FAISS_PY=${4:-}
work=$(mktemp -d); trap 'cd /; "$KNN" cleanup >/dev/null 2>&1; rm -rf "$work"' EXIT
cd "$work"; cp "$BIG" big.csv
t() { local name=$1; shift; /usr/bin/time -f "$name %e s %M KB" "$@" >"$work/$name.out" 2>"$work/t.err"; tail -1 "$work/t.err"; }
echo "cpu flags: $(grep -o 'avx[0-9a-z_]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$KNN" prepare --input big.csv --label kind >/dev/null 2>&1 && "$KNN" upload >/dev/null 2>&1
train=.knn/data/big_train.csv; test=.knn/data/big_test.csv
cut -d, -f2- "$test" > queries.csv

# 1. train (sample = all train rows, k = 5, test channel scored) beside sklearn brute fit + predict, and its parts alone.
t knn_train "$KNN" train --k 5 --sample-size "$(wc -l < $train)"
t sklearn_fit_predict /usr/bin/python3 -c '
import pandas as pd; from sklearn.neighbors import KNeighborsClassifier
tr = pd.read_csv("'$train'", header=None).to_numpy("float32"); te = pd.read_csv("'$test'", header=None).to_numpy("float32")
p = KNeighborsClassifier(5, algorithm="brute").fit(tr[:, 1:], tr[:, 0]).predict(te[:, 1:]); print((p == te[:, 0]).mean())'
echo "train parts alone: $("$BENCH" train-parts $train $test 5)"

# 2. transform (model load, CSV in, JSON Lines out) beside faiss IndexFlatL2 search alone, k = 5.
t knn_transform "$KNN" transform --input queries.csv --output preds.jsonl
# faiss at its fastest split here (2 BLAS threads x 1 OpenMP thread, as in docs/benchmarks.md).
env ${FAISS_PY:+PYTHONPATH=$FAISS_PY FAISS_OPT_LEVEL=AVX2} OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 -c '
import time, numpy as np, pandas as pd, faiss
tr = pd.read_csv("'$train'", header=None).to_numpy("float32"); q = pd.read_csv("queries.csv", header=None).to_numpy("float32")
index = faiss.IndexFlatL2(tr.shape[1] - 1); index.add(np.ascontiguousarray(tr[:, 1:]))
t = time.time(); index.search(q, 5); s = time.time() - t
print(f"faiss_flat_search {s:.2f} s ({faiss.__file__}, {faiss.get_compile_options()})")'

# 3. predict through the local endpoint, same rows, default batch size and parallelism.
"$KNN" deploy >/dev/null 2>&1
t knn_predict "$KNN" predict --input queries.csv -q
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
