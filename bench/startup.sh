#!/usr/bin/env bash
# Start-up time of `knn --version` and `knn --help` in three builds, best of 7 wall-clock runs each:
# the framework-dependent JIT build, a Native AOT publish (for reference: not shipped, its kernels lose their
# run-time ISA dispatch), and the tool as users install it (`./pack.sh`, then `dotnet tool install`: the
# ReadyToRun build on linux-x64).
#
#   bench/startup.sh [OUT_DIR]          (default /tmp/knn-startup; builds into OUT_DIR/jit, aot, pkg and tool)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-/tmp/knn-startup}
mkdir -p "$OUT"
dotnet build "$HERE/src/KnnCli" -c Release -o "$OUT/jit" >/dev/null
dotnet publish "$HERE/src/KnnCli" -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=false -o "$OUT/aot" >/dev/null
"$HERE/pack.sh" "$OUT/pkg" >/dev/null
rm -rf "$OUT/tool" && dotnet tool install --tool-path "$OUT/tool" --add-source "$OUT/pkg" KnnCli >/dev/null
echo "CPU flags: $(grep -o -w 'avx2\|fma\|avx512[a-z]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| build | size | knn --version | knn --help |"
echo "|---|---|---|---|"
for build in jit aot tool; do
  exe=$OUT/$build/knn
  row="| $build | $(du -shL "$OUT/$build" | cut -f1) |"
  for arg in --version --help; do
    best=$(/usr/bin/python3 - "$exe" "$arg" <<'PY'
import subprocess, sys, time
best = min((lambda t0: (subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(7))
print(f"{best * 1000:.1f} ms")
PY
)
    row="$row $best |"
  done
  echo "$row"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
