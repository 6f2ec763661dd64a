#!/usr/bin/python3
"""Side-by-side: our k-NN engine against faiss and scikit-learn on the same CSVs, in one run.

Runs /work/shared/bench/peers_knn.py (faiss IndexFlatL2 and IndexIVFFlat, scikit-learn brute force; it also
writes the CSVs), then our engine on exactly those CSVs (bench/KnnCli.Benchmarks side-by-side), times CSV ingest
against pandas.read_csv, and prints a Markdown report with the ratios the engine is judged by.

    apt-get install -y python3-sklearn python3-faiss python3-pandas libopenblas0-pthread dataset-fashion-mnist
    /usr/bin/python3 bench/side_by_side.py                       # synth 100k×64 + Fashion-MNIST
    /usr/bin/python3 bench/side_by_side.py --cases synth --n 200000 --d 256 --q 2000

Raw JSON lines go to OUT/peers.jsonl and OUT/knn.jsonl, the report to OUT/report.md (OUT defaults to out/bench).
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.environ.get("KNN_PEERS_SCRIPT", os.path.join(os.path.dirname(ROOT), "shared", "bench", "peers_knn.py"))
for candidate in (PEERS, "/work/shared/bench/peers_knn.py"):
    if os.path.exists(candidate):
        PEERS = candidate
        break
BENCH_PROJECT = os.path.join(ROOT, "bench", "KnnCli.Benchmarks")
BENCH_DLL = os.path.join(BENCH_PROJECT, "bin", "Release", "net10.0", "KnnCli.Benchmarks.dll")
FASHION_DIR = "/usr/share/datasets/fashion-mnist"


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run_json_lines(command, out_file):
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    with open(out_file, "a") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    return rows


def pandas_read_seconds(path, reps):
    import pandas as pd
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        pd.read_csv(path, header=None, dtype="float32")
        best = min(best, time.perf_counter() - t0)
    return best


def knn_command(train, test, args, extra=()):
    return ["dotnet", BENCH_DLL, "side-by-side", "--train", train, "--test", test, "--k", str(args.k),
            "--reps", str(args.reps), "--index", "faiss.Flat,faiss.IVFFlat,faiss.IVFPQ",
            "--nprobe", args.nprobe, "--faiss-index-pq-m", str(args.pq_m), *extra]


def run_case(name, peers_args, train, test, args):
    load_before = load_average()
    peers = run_json_lines(["/usr/bin/python3", PEERS, *peers_args, "--k", str(args.k), "--reps", str(args.reps),
                            "--methods", "faiss_flat,sklearn_brute,faiss_ivf", "--nprobe", args.nprobe,
                            "--csv-dir", args.data_dir], os.path.join(args.out, "peers.jsonl"))
    ours = run_json_lines(knn_command(train, test, args), os.path.join(args.out, "knn.jsonl"))
    pandas_s = pandas_read_seconds(train, args.reps)
    return {"name": name, "peers": [r for r in peers if r.get("kind") == "result"],
            "ours": [r for r in ours if r.get("kind") == "result"],
            "csv": next(r for r in ours if r.get("kind") == "csv_read"), "pandas_s": pandas_s,
            "load": f"{load_before} → {load_average()}"}


def fmt(value, digits=3):
    return "–" if value is None else f"{value:.{digits}f}"


def report(cases, args):
    k = args.k
    lines = [f"Machine: {os.cpu_count()} cores; k = {k}; best of {args.reps}; times in seconds (search phase only).", ""]
    for case in cases:
        rows = []
        for r in case["peers"]:
            label = r["method"] + (f" nprobe={r['nprobe']}" if "nprobe" in r else "")
            rows.append((label, r.get("fit_s"), r["query_s"], r["qps"], r.get(f"recall_at_{k}"), r.get("accuracy"), r.get("maxrss_mb"), None))
        for r in case["ours"]:
            label = r["method"] + (f" nprobe={r['nprobe']}" if "nprobe" in r else "")
            rows.append((label, r["fit_s"], r["query_s"], r["qps"], r.get(f"recall_at_{k}"), r["accuracy"], r["maxrss_mb"], r["index_mb"] / r["raw_mb"]))
        lines += [f"### {case['name']}", "", f"Load average (1, 5, 15 min) before → after: {case['load']}", "",
                  f"| method | build s | search s | queries/s | recall@{k} | accuracy | peak RSS MB | index / raw data |",
                  "|---|---|---|---|---|---|---|---|"]
        for label, fit, query, qps, recall, accuracy, rss, ratio in rows:
            lines.append(f"| {label} | {fmt(fit)} | {fmt(query)} | {qps:,.0f} | {fmt(recall, 4)} | {fmt(accuracy, 4)} | {fmt(rss, 0)} | {fmt(ratio, 3)} |")
        by = {row[0]: row for row in rows}
        flat = by.get("knn_flat")
        ratios = []
        if flat:
            for peer in ("faiss_flat", "sklearn_brute"):
                if peer in by:
                    ratios.append(f"{peer} search time / knn_flat: **{by[peer][2] / flat[2]:.2f}×**")
        for p in args.nprobe.split(","):
            ours, theirs = by.get(f"knn_ivfflat nprobe={p}"), by.get(f"faiss_ivf nprobe={p}")
            if ours and theirs:
                ratios.append(f"faiss_ivf / knn_ivfflat at nprobe={p}: **{theirs[2] / ours[2]:.2f}×** (recall {fmt(ours[4], 4)} vs {fmt(theirs[4], 4)})")
        csv = case["csv"]
        ratios.append(f"CSV ingest of the train file ({csv['train_csv_mb']:.0f} MB): knn {csv['train_csv_s']:.2f} s, "
                      f"pandas.read_csv {case['pandas_s']:.2f} s (**{case['pandas_s'] / csv['train_csv_s']:.2f}×**)")
        lines += [""] + [f"- {r}" for r in ratios] + [""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="synth,fashion")
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--d", type=int, default=64)
    parser.add_argument("--q", type=int, default=10000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--nprobe", default="5,16")
    parser.add_argument("--pq-m", type=int, default=16)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "bench"))
    parser.add_argument("--data-dir", default=None, help="where the CSVs go (default OUT/data)")
    args = parser.parse_args()
    args.data_dir = args.data_dir or os.path.join(args.out, "data")
    os.makedirs(args.data_dir, exist_ok=True)

    subprocess.run(["dotnet", "build", "-c", "Release", BENCH_PROJECT], check=True, stdout=subprocess.DEVNULL)
    cases = []
    for case in args.cases.split(","):
        if case == "synth":
            classes = 3 if args.n < 1000 else 10
            prefix = os.path.join(args.data_dir, f"synth_n{args.n}_d{args.d}_q{args.q}_c{classes}_s{args.seed}")
            cases.append(run_case(f"Synthetic {args.n:,} × {args.d}, {args.q:,} queries",
                                  ["synth", "--n", str(args.n), "--d", str(args.d), "--q", str(args.q), "--seed", str(args.seed), "--reuse-csv"],
                                  prefix + "_train.csv", prefix + "_test.csv", args))
        elif case == "fashion":
            cases.append(run_case("Fashion-MNIST 60,000 × 784, 10,000 queries", ["fashion-mnist", "--dir", FASHION_DIR],
                                  os.path.join(args.data_dir, "fashion_mnist_train.csv"),
                                  os.path.join(args.data_dir, "fashion_mnist_test.csv"), args))
        else:
            sys.exit(f"unknown case {case} (synth, fashion)")
    text = report(cases, args)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
