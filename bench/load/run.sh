#!/usr/bin/env bash
# Load test of the inference server (`knn serve`'s InferenceServer) beside a Flask + scikit-learn server.
# Needs: the .NET SDK, and `apt-get install wrk python3-flask python3-sklearn gunicorn`. Loopback only.
#
#   bench/load/run.sh                      # every server, 1-row and 100-row CSV bodies, 16 and 64 connections, 30 s each
#   SERVERS=knn DURATION=10s bench/load/run.sh
#
# Each run is bounded by wrk's -d; servers are stopped with SIGTERM at the end. Results: $OUT/results.jsonl
# and a Markdown table on stdout.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-"16 64"}
BATCHES=${BATCHES:-"1 100"}
SERVERS=${SERVERS:-"knn flask gunicorn"}
TRAIN_ROWS=${TRAIN_ROWS:-10000}
DIMENSION=${DIMENSION:-16}
K=${K:-5}
OUT=${OUT:-$(mktemp -d /tmp/knn-load.XXXXXX)}
DATA="$OUT/data"
RESULTS="$OUT/results.jsonl"
mkdir -p "$OUT"
: > "$RESULTS"
SERVER_PID=""

cleanup() { if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; fi; }
trap cleanup EXIT

# Resident memory of a process and its children (gunicorn's workers), in KiB.
rss_kb() {
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1" || true); do
        total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

wait_for_ping() {
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$1/ping" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "server on port $1 did not answer /ping" >&2
    return 1
}

# The knn host prints its allocation total on SIGHUP; other servers report nothing (0).
allocated_bytes() {
    [[ $1 == knn ]] || { echo 0; return; }
    kill -HUP "$SERVER_PID"
    sleep 0.5
    sed -n 's/^allocated_bytes=\([0-9]*\).*/\1/p' "$OUT/knn.log" | tail -1
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_server() {
    case "$1" in
        knn)
            dotnet "$ROOT/bench/load/KnnServeHost/bin/Release/net10.0/KnnServeHost.dll" "$DATA" "$TRAIN_ROWS" "$DIMENSION" "$K" > "$OUT/knn.log" 2>&1 &
            SERVER_PID=$!
            for _ in $(seq 1 300); do grep -q '^Listening on ' "$OUT/knn.log" && break; sleep 0.1; done
            PORT=$(sed -n 's/^Listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$OUT/knn.log")
            ;;
        flask)
            PORT=$(free_port)
            (cd "$HERE" && TRAIN_CSV="$DATA/train.csv" K=$K exec /usr/bin/python3 flask_server.py "$PORT") > "$OUT/flask.log" 2>&1 &
            SERVER_PID=$!
            ;;
        gunicorn)
            PORT=$(free_port)
            # One OpenMP thread per worker: scikit-learn's k-NN search is OpenMP-parallel, and two workers each spinning
            # a team of threads on two cores drop gunicorn to a few requests/s.
            (cd "$HERE" && OMP_NUM_THREADS=1 TRAIN_CSV="$DATA/train.csv" K=$K exec /usr/bin/python3 -m gunicorn -w 2 -b "127.0.0.1:$PORT" flask_server:app) > "$OUT/gunicorn.log" 2>&1 &
            SERVER_PID=$!
            ;;
    esac
    wait_for_ping "$PORT"
}

# The knn host writes the data set (train.csv, model.tar.gz, request bodies) the Python servers also use.
dotnet build -c Release "$ROOT/bench/load/KnnServeHost" -v quiet -nologo > "$OUT/build.log"
echo "machine: $(nproc) cores; load before: $(uptime)" | tee "$OUT/machine.txt"
for server in $SERVERS; do
    if [[ $server != knn && ! -f "$DATA/train.csv" ]]; then echo "run the knn server first: it writes the data set" >&2; exit 2; fi
    start_server "$server"
    BODY_FILE="$DATA/rows-1.csv" wrk -t2 -c16 -d"$WARMUP" -s "$HERE/post.lua" "http://127.0.0.1:$PORT/invocations" > /dev/null
    for rows in $BATCHES; do
        for connections in $CONNECTIONS; do
            before=$(rss_kb "$SERVER_PID")
            allocated_before=$(allocated_bytes "$server")
            result=$(BODY_FILE="$DATA/rows-$rows.csv" wrk -t2 -c"$connections" -d"$DURATION" --timeout 10s -s "$HERE/post.lua" \
                "http://127.0.0.1:$PORT/invocations" | sed -n 's/^RESULT //p')
            allocated_after=$(allocated_bytes "$server")
            after=$(rss_kb "$SERVER_PID")
            echo "$result" | /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); r.update(server='$server', rows=$rows, connections=$connections, rss_before_kb=$before, rss_after_kb=$after, allocated_bytes=$allocated_after-$allocated_before); print(json.dumps(r))" | tee -a "$RESULTS"
        done
    done
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
    echo "load after $server: $(uptime)" | tee -a "$OUT/machine.txt"
done
/usr/bin/python3 "$HERE/summarize.py" "$RESULTS"
echo "results in $OUT"
