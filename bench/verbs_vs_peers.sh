#!/usr/bin/env bash
# Whole-verb speed (issue 11, item 1): each knn verb as a whole process beside its peer, one run, one machine,
# and the ratio the issue judges it by.
#
#   bench/verbs_vs_peers.sh [KNN] [N] [D] [C]      (defaults: a Release build of src/KnnCli, 200000 32 10)
#
# train is also timed in parts alone (channel ingest, model build, exact scoring, model write) by the train-parts
# mode of bench/KnnCli.Benchmarks: a Release build of it is made, or BENCH=PATH names one.
#
# The data is the issue's: N rows x D features in C classes, a header, the string label `kind` in column 6
# (bench/issue11_csv.py, the generator of ../shared/bench/pipeline_bench.sh). Peers run under /usr/bin/python3 (Debian's numpy,
# pandas, scikit-learn); faiss is the one ../shared/bench/peers/build.sh built in $PEERS_PREFIX
# (default /tmp/peers-build) when it is there, else Debian's python3-faiss (the report says which).
# Times are wall-clock seconds of the whole process (`/usr/bin/time`), peak memory its maximum resident set.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${2:-200000}; D=${3:-32}; C=${4:-10}
PEERS_PREFIX=${PEERS_PREFIX:-/tmp/peers-build}
work=$(mktemp -d)
trap 'cd /; "${KNN:-true}" cleanup --yes >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
if [ -n "${1:-}" ]; then KNN=$(realpath "$1"); else
  dotnet build "$HERE/src/KnnCli" -c Release -o "$work/bin" >/dev/null
  KNN=$work/bin/knn
fi
if [ -z "${BENCH:-}" ]; then
  dotnet build "$HERE/bench/KnnCli.Benchmarks" -c Release -o "$work/bench" >/dev/null
  BENCH=$work/bench/KnnCli.Benchmarks
fi
cd "$work"

/usr/bin/python3 "$HERE/bench/issue11_csv.py" "$N" "$D" "$C" big.csv

# timed NAME CMD...: runs CMD, appends "NAME SECONDS PEAK_KB" to times.txt
timed() {
  local name=$1; shift
  /usr/bin/time -o t.out -f "%e %M" "$@" >"$name.log" 2>&1 || { echo "$name failed:"; tail -5 "$name.log"; exit 1; }
  echo "$name $(cat t.out)" >> times.txt
}
get() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' times.txt; }

echo "CPU flags: $(grep -o -w 'avx2\|fma\|avx512[a-z]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "data: $N x $D, $C classes, $(du -h big.csv | cut -f1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

timed knn_prepare "$KNN" prepare --input big.csv --label kind
timed pandas_prepare /usr/bin/python3 -c '
import pandas as pd; from sklearn.model_selection import train_test_split
df = pd.read_csv("big.csv"); cols = ["kind"] + [c for c in df.columns if c != "kind"]; df = df[cols]
df["kind"] = df["kind"].map({k: i for i, k in enumerate(sorted(df["kind"].unique()))})
tr, te = train_test_split(df, shuffle=True, random_state=0)
tr.to_csv("p_train.csv", header=False, index=False); te.to_csv("p_test.csv", header=False, index=False)'
train=$(ls .knn/data/*train*.csv | head -1); test=$(ls .knn/data/*test*.csv | head -1)
identical=yes; cmp -s "$train" p_train.csv && cmp -s "$test" p_test.csv || identical=no
train_rows=$(wc -l < "$train"); test_rows=$(wc -l < "$test")
cut -d, -f2- "$test" > queries.csv

timed knn_upload "$KNN" upload
timed knn_train "$KNN" train --k 5 --sample-size "$train_rows"
timed sklearn_train /usr/bin/python3 -c '
import pandas as pd; from sklearn.neighbors import KNeighborsClassifier
tr = pd.read_csv("'"$train"'", header=None).to_numpy("float32"); te = pd.read_csv("'"$test"'", header=None).to_numpy("float32")
m = KNeighborsClassifier(5, algorithm="brute").fit(tr[:, 1:], tr[:, 0]); p = m.predict(te[:, 1:])
print("accuracy", (p == te[:, 0]).mean())'
parts_json=$("$BENCH" train-parts "$train" "$test" 5)
part() { /usr/bin/python3 -c "import json, sys; print(f\"{json.loads(sys.argv[1])['$1']:.2f}\")" "$parts_json"; }
parts="ingest $(part ingest_s) + build $(part build_s) + exact scoring $(part score_s) + model write $(part write_s) = $(part sum_s) s"

timed knn_transform "$KNN" transform --input queries.csv --output preds.jsonl
# faiss: the search alone (k = 5; CSV reading and index.add not counted), best of its two thread splits
# (OpenBLAS and OpenMP both spin on 2 cores; 2 BLAS x 1 OpenMP is usually the faster).
faiss_env=(); faiss_name="Debian python3-faiss"
if [ -d "$PEERS_PREFIX/faiss-py" ]; then faiss_env=(PYTHONPATH="$PEERS_PREFIX/faiss-py" FAISS_OPT_LEVEL=AVX2); faiss_name="faiss built from source ($PEERS_PREFIX)"; fi
faiss_s=$(for split in "2 1" "1 2"; do set -- $split
  env "${faiss_env[@]}" OPENBLAS_NUM_THREADS=$1 OMP_NUM_THREADS=$2 /usr/bin/python3 -c '
import time, numpy as np, pandas as pd, faiss
tr = np.ascontiguousarray(pd.read_csv("'"$train"'", header=None).to_numpy("float32")[:, 1:])
q = np.ascontiguousarray(pd.read_csv("queries.csv", header=None).to_numpy("float32"))
index = faiss.IndexFlatL2(tr.shape[1]); index.add(tr)
t0 = time.perf_counter(); index.search(q, 5)
print(f"{time.perf_counter() - t0:.2f}")'; done | sort -n | head -1)
faiss_version=$(env "${faiss_env[@]}" /usr/bin/python3 -c 'import faiss; print(faiss.__version__, faiss.get_compile_options())')

timed knn_deploy "$KNN" deploy
timed knn_predict "$KNN" predict --input "$test" -q
timed knn_cleanup "$KNN" cleanup --yes
startup() { /usr/bin/python3 - "$KNN" "$1" <<'PY'
import subprocess, sys, time
def once():
    t0 = time.perf_counter(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0
print(f"{min(once() for _ in range(7)) * 1000:.1f}")
PY
}
version_ms=$(startup --version); help_ms=$(startup --help)

ratio() { /usr/bin/python3 -c "print(f'{$1:.2f}')"; }
s() { get "$1" 2; }; mb() { /usr/bin/python3 -c "print(round($(get "$1" 3) / 1024))"; }
transform_rps=$(ratio "$test_rows / $(s knn_transform)"); predict_rps=$(ratio "$test_rows / $(s knn_predict)")
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); faiss: $faiss_name, $faiss_version"
echo
echo "| verb (whole process) | knn | peer, same data, same run | ratio | target |"
echo "|---|---|---|---|---|"
echo "| prepare | $(s knn_prepare) s, $(mb knn_prepare) MB peak | pandas: $(s pandas_prepare) s, $(mb pandas_prepare) MB peak; output byte-identical: $identical | $(ratio "$(s pandas_prepare) / $(s knn_prepare)")× faster, $(ratio "$(get knn_prepare 3) / $(get pandas_prepare 3)")× the memory | ≥ 3× faster, ≤ 1× the memory, identical |"
echo "| train (sample_size $train_rows, k 5, $test_rows test rows scored) | $(s knn_train) s | scikit-learn brute fit + predict: $(s sklearn_train) s | $(ratio "$(s sklearn_train) / $(s knn_train)")× | ≥ 8× |"
echo "| train against its parts alone (one process) | $(s knn_train) s | $parts | $(ratio "$(s knn_train) / $(part sum_s)")× the parts' sum | ≤ 1.2× |"
echo "| transform ($test_rows rows against $train_rows × $D) | $(s knn_transform) s | faiss IndexFlatL2 search alone: $faiss_s s | $(ratio "$faiss_s / $(s knn_transform)")× | ≥ 2× |"
echo "| predict through the local endpoint, same rows | $(s knn_predict) s ($predict_rps rows/s) | transform: $transform_rps rows/s | $(ratio "$predict_rps / $transform_rps")× | ≥ 0.9× |"
echo "| knn --version / --help start-up (best of 7) | $version_ms / $help_ms ms | – | – | ≤ 50 ms |"
echo "| upload / deploy / cleanup | $(s knn_upload) / $(s knn_deploy) / $(s knn_cleanup) s | – | – | – |"
