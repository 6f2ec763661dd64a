#!/usr/bin/env bash
# The engine against the strong peers, search phase, k=10, all queries, in ONE run on ONE machine, so every
# figure is a ratio measured beside its peer (the machine here is shared; absolute times move run to run).
#
#   bench/engine_vs_peers.sh TRAIN.csv TEST.csv [OUT_DIR]
#
# TRAIN/TEST: SageMaker-style CSVs (label first, no header), e.g. from
#   /usr/bin/python3 ../shared/bench/peers_knn.py synth --n 100000 --d 64 --q 10000 --k 10 --seed 7 \
#       --methods faiss_flat --reps 1 --csv-dir /tmp/peerdata --out /tmp/peerdata/peers.jsonl
# Needs the peers built by ../shared/bench/peers/build.sh (PREFIX=/tmp/peers-build) and a Release build of
# bench/KnnCli.Benchmarks. Runs: faiss_src IndexFlatL2 / IndexIVFFlat (strong_peers.py), hnswlib HNSW,
# faiss_src IndexIVFPQ (M=16, same nlist and nprobe as ours), then knn at both kernel widths (512-bit, and
# 256-bit with DOTNET_EnableAVX512=0, the .NET 10 switch), and prints one table of ratios.
set -euo pipefail
TRAIN=$1; TEST=$2; OUT=${3:-out/engine_vs_peers}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS_DIR=${PEERS_DIR:-$HERE/../../shared/bench/peers}
[ -d "$PEERS_DIR" ] || PEERS_DIR=/work/shared/bench/peers
PREFIX=${PREFIX:-/tmp/peers-build}
NPROBE=${NPROBE:-4,8,16}
PQ_M=${PQ_M:-16}
DLL=$HERE/KnnCli.Benchmarks/bin/Release/net10.0/KnnCli.Benchmarks.dll
mkdir -p "$OUT"; : > "$OUT/strong.jsonl"; : > "$OUT/knn.jsonl"; : > "$OUT/pq.jsonl"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "{\"kind\": \"machine\", \"flags\": \"$(grep -o -w 'avx2\|fma\|avx512[a-z]*' /proc/cpuinfo | sort -u | tr '\n' ' ')\", \"load_start\": \"$(load)\"}" > "$OUT/machine.jsonl"

/usr/bin/python3 "$PEERS_DIR/strong_peers.py" --train "$TRAIN" --test "$TEST" --out "$OUT/strong.jsonl" \
  --peers faiss_src,hnswlib --methods exact,ivf,hnsw --nprobe "$NPROBE" --ef 16,32,64 --reps 2 \
  --flat-splits 2x1 --prefix "$PREFIX" --work "$OUT/work" >/dev/null

# faiss IndexIVFPQ from the same from-source build, same nlist (round(sqrt(N))), M and nprobe as knn's IVFPQ.
PYTHONPATH=$PREFIX/faiss-py FAISS_OPT_LEVEL=AVX2 LD_LIBRARY_PATH=$PREFIX/faiss-py /usr/bin/python3 - \
  "$OUT/work" "$PQ_M" "$NPROBE" >> "$OUT/pq.jsonl" <<'PY'
import glob, json, os, sys, time
import numpy as np, faiss
work, m, nprobes = sys.argv[1], int(sys.argv[2]), [int(p) for p in sys.argv[3].split(",")]
def load(kind):  # the arrays strong_peers.py cached from the CSVs (correctly rounded, float32)
    return np.ascontiguousarray(np.load(glob.glob(os.path.join(work, f"*_{kind}.npy"))[0]), dtype="float32")
x, q = load("train"), load("test")
n, d = x.shape; nlist = int(round(n ** 0.5)); k = 10
exact = faiss.IndexFlatL2(d); exact.add(x); _, truth = exact.search(q, k)
t0 = time.perf_counter(); index = faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, nlist, m, 8)
index.cp.seed = 1234; index.train(x); index.add(x); build = time.perf_counter() - t0
for nprobe in nprobes:
    index.nprobe = nprobe; best = 1e9
    for _ in range(2):
        t0 = time.perf_counter(); _, found = index.search(q, k); best = min(best, time.perf_counter() - t0)
    recall = sum(len(set(a) & set(b)) for a, b in zip(truth, found)) / (k * len(q))
    print(json.dumps({"peer": "faiss_src", "method": "ivfpq", "nlist": nlist, "M": m, "nprobe": nprobe,
                      "qps": len(q) / best, "recall_at_10": recall, "build_s": build, "version": faiss.__version__,
                      "compile": faiss.get_compile_options()}))
PY

NLIST=$(/usr/bin/python3 -c "import sys; print(round(sum(1 for _ in open(sys.argv[1])) ** 0.5))" "$TRAIN")
for bits in 512 256; do
  env $([ $bits = 256 ] && echo DOTNET_EnableAVX512=0) dotnet "$DLL" side-by-side --train "$TRAIN" --test "$TEST" \
    --index faiss.Flat,faiss.IVFFlat,faiss.IVFPQ --faiss-index-pq-m "$PQ_M" --faiss-index-ivf-nlists "$NLIST" --nprobe "$NPROBE" --reps 2 >> "$OUT/knn.jsonl"
done
echo "{\"kind\": \"machine\", \"load_end\": \"$(load)\"}" >> "$OUT/machine.jsonl"
/usr/bin/python3 "$HERE/engine_vs_peers_report.py" "$OUT" | tee "$OUT/report.md"
