#!/usr/bin/env bash
# Startup time of the executable distribution (Linux): from `java -jar` to the g! prompt, and to the first successful
# write into the namespace declared in conf/ (engine, plugins, Config Admin, FileInstall and the shell all up).
# Prints wall time and the JVM's CPU time (all threads) at that point.
#   distribution/startup-time.sh [java options...]      e.g. distribution/startup-time.sh -XX:TieredStopAtLevel=1
set -euo pipefail
dist="$(cd "$(dirname "$0")" && pwd)/target"
run=$(mktemp -d); trap 'rm -rf "$run"' EXIT
cp -r "$dist/conf" "$run/"; cd "$run"
mkfifo in
start=$(date +%s%N)
java "$@" -jar "$dist/sharedmemory.jar" < in > out.txt 2>&1 &
pid=$!
exec 3>in
until grep -q 'g!' out.txt; do sleep 0.002; done
prompt=$(( ($(date +%s%N) - start) / 1000000 ))
until grep -q 'Written tasks/ready' out.txt; do echo "sm:write tasks ready 1" >&3; sleep 0.01; done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
read -r -a stat < /proc/$pid/stat
echo "prompt ${prompt} ms, first write ${ready} ms, cpu $(( (stat[13] + stat[14]) * 1000 / $(getconf CLK_TCK) )) ms"
echo "stop 0" >&3; exec 3>&-; wait $pid || true
