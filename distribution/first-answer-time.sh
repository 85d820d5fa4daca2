#!/usr/bin/env bash
# Time from `java -jar sharedmemory.jar` to its first HTTP answer (Linux): polls GET /v1/stats every 10 ms until the
# API answers (401: no token), then stops the jar with SIGTERM. Prints the time of each of N runs (default 5).
#   distribution/first-answer-time.sh [runs] [java options...]
set -euo pipefail
dist="$(cd "$(dirname "$0")" && pwd)/target"
runs="${1:-5}"; shift || true
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
run=$(mktemp -d); trap 'rm -rf "$run"' EXIT
cp -r "$dist/conf" "$run/"; cd "$run"
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  java "$@" -Dorg.osgi.service.http.port="$port" -jar "$dist/sharedmemory.jar" </dev/null >out.txt 2>&1 &
  pid=$!
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/stats")" == 401 ]]; do
    kill -0 "$pid" 2>/dev/null || { cat out.txt; exit 1; }
    sleep 0.01
  done
  echo "run $i: first HTTP answer $(( ($(date +%s%N) - start) / 1000000 )) ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
