#!/usr/bin/env bash
# Whole-process `knn prepare` against the notebook's pandas way (read_csv, reorder, map, train_test_split, two to_csv),
# same file, one run, each command ROUNDS times in turn: wall-clock time and peak RSS (/usr/bin/time), then `cmp` of
# every knn output against pandas'.
#
#   bench/prepare_vs_pandas.sh [ROUNDS] NAME='KNN COMMAND' ...
#   e.g. bench/prepare_vs_pandas.sh 3 main='dotnet /tmp/main/knn.dll' new='dotnet /tmp/new/knn.dll'
#
# DATA=FILE uses that CSV (label column `kind`); otherwise the 200,000 × 32, 10-class file of
# ../shared/bench/pipeline_bench.sh is generated (same NumPy snippet, 48 MB). Needs /usr/bin/python3 with
# numpy, pandas and sklearn.
set -euo pipefail
ROUNDS=1
if [[ ${1:-} =~ ^[0-9]+$ ]]; then ROUNDS=$1; shift; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
data=${DATA:-$work/big.csv}
if [ -z "${DATA:-}" ]; then
  /usr/bin/python3 - 200000 32 10 "$data" <<'PY'
import sys, numpy as np
n, d, c = map(int, sys.argv[1:4]); rng = np.random.default_rng(1)
means = rng.normal(0, 1.5, (c, d)); y = rng.integers(0, c, n)
x = (means[y] + rng.normal(0, 1, (n, d))).round(4)
names = [f"f{i}" for i in range(d)]
with open(sys.argv[4], "w") as f:
    f.write(",".join(names[:5] + ["kind"] + names[5:]) + "\n")
    for i in range(n):
        r = [f"{v:.4f}" for v in x[i]]
        f.write(",".join(r[:5] + [f"class_{y[i]}"] + r[5:]) + "\n")
PY
fi
cat > "$work/pandas_prepare.py" <<'PY'
import sys
import pandas as pd; from sklearn.model_selection import train_test_split
df = pd.read_csv(sys.argv[1]); cols = ["kind"] + [c for c in df.columns if c != "kind"]; df = df[cols]
df["kind"] = df["kind"].map({k: i for i, k in enumerate(sorted(df["kind"].unique()))})
tr, te = train_test_split(df, shuffle=True, random_state=0)
tr.to_csv("p_train.csv", header=False, index=False); te.to_csv("p_test.csv", header=False, index=False)
PY
echo "data: $data ($(du -h "$data" | cut -f1)); CPU flags: $(grep -o 'avx[0-9a-z_]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
measure() { # NAME DIR COMMAND...
  local name=$1 dir=$2; shift 2
  mkdir -p "$dir"; (cd "$dir" && /usr/bin/time -f "$name %e s %M KB" "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err"; exit 1; })
  tail -1 "$work/$name.err"
}
for round in $(seq "$ROUNDS"); do
  for pair in "$@"; do
    name=${pair%%=*}; rm -rf "$work/$name"
    # shellcheck disable=SC2086 # the command is split into words on purpose
    measure "$name" "$work/$name" ${pair#*=} prepare --input "$data" --label kind --quiet
  done
  measure pandas "$work/pandas" /usr/bin/python3 "$work/pandas_prepare.py" "$data"
done
for pair in "$@"; do
  name=${pair%%=*}; stem=$(basename "$data" .csv)
  for split in train test; do
    cmp "$work/$name/.knn/data/${stem}_$split.csv" "$work/pandas/p_$split.csv" && echo "$name $split: identical to pandas"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
