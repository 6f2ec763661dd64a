#!/usr/bin/python3
"""The CSV issue 11 measures the verbs on: N rows x D features in C classes, a header, the string label `kind` in
column 6 (the generator of ../shared/bench/pipeline_bench.sh, same seed, same bytes).

    /usr/bin/python3 bench/issue11_csv.py N D C OUT.csv
"""
import sys

import numpy as np

n, d, c = map(int, sys.argv[1:4])
out = sys.argv[4]
rng = np.random.default_rng(1)
means = rng.normal(0, 1.5, (c, d))
y = rng.integers(0, c, n)
x = (means[y] + rng.normal(0, 1, (n, d))).round(4)
names = [f"f{i}" for i in range(d)]
with open(out, "w") as f:
    f.write(",".join(names[:5] + ["kind"] + names[5:]) + "\n")
    for i in range(n):
        r = [f"{v:.4f}" for v in x[i]]
        f.write(",".join(r[:5] + [f"class_{y[i]}"] + r[5:]) + "\n")
