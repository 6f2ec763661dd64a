"""Turns run.sh's results.jsonl into the Markdown table of docs/benchmarks.md."""
import json
import sys

print("| server | body | connections | requests/s | rows/s | p50 ms | p99 ms | errors | RSS before → after (MiB) | bytes allocated / request |")
print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    seconds = r["duration_us"] / 1e6
    rps = r["requests"] / seconds
    # Only the knn host reports allocations; its count includes the signal handling around the run (a few KB).
    allocated = f"{r['allocated_bytes'] / r['requests']:,.0f}" if r["allocated_bytes"] and r["requests"] else "–"
    errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["status_errors"] + r["timeouts"]
    print(f"| {r['server']} | {r['rows']} row{'s' if r['rows'] > 1 else ''} | {r['connections']} | {rps:,.0f} | {rps * r['rows']:,.0f} "
          f"| {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | {errors} | {r['rss_before_kb'] / 1024:.0f} → {r['rss_after_kb'] / 1024:.0f} "
          f"| {allocated} |")
