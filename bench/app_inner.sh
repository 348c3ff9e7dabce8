#!/usr/bin/env bash
# Runs inside Xvfb: start-up and memory of both apps, then the grid benchmark via WebDriver.
set -euo pipefail
app=$1 hello=$2 out=$3 runs=$4 root=$5

# PSS (kB) of a process and all its descendants (the WebKit web and network processes).
pss_tree() {
  local pids=("$1") all=() p kids
  while [ ${#pids[@]} -gt 0 ]; do
    p=${pids[0]}; pids=("${pids[@]:1}"); all+=("$p")
    kids=$(cat /proc/"$p"/task/*/children 2>/dev/null || true)
    for k in $kids; do pids+=("$k"); done
  done
  local total=0 v
  for p in "${all[@]}"; do
    v=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

startup() { # binary, args...: prints ready_ms, then wall ms
  local t0 t1 line
  t0=$(date +%s%N)
  line=$(DATAPUNK_EXIT_WHEN_READY=1 timeout 60 "$@" 2>/dev/null | grep -m1 '^ready_ms=' || true)
  t1=$(date +%s%N)
  echo "${line#ready_ms=} $(( (t1 - t0) / 1000000 ))"
}

idle_memory() { # binary, args...: PSS kB 3 s after the first screen
  local log="$out/idle.log" pid
  "$@" >"$log" 2>/dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q '^ready_ms=' "$log" 2>/dev/null && break; sleep 0.1; done
  sleep 3
  pss_tree "$pid"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

: >"$out/startup.txt"
# One warm-up each (page cache), then alternate so both see the same machine state.
startup "$app" --lake "$out/lake" >/dev/null
startup "$hello" >/dev/null
for _ in $(seq "$runs"); do
  echo "app $(startup "$app" --lake "$out/lake")" >>"$out/startup.txt"
  echo "hello $(startup "$hello")" >>"$out/startup.txt"
done
app_mem=$(idle_memory "$app" --lake "$out/lake")
hello_mem=$(idle_memory "$hello")

driver=$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")
"$driver" --port 4446 --native-port 4447 --native-driver /usr/bin/WebKitWebDriver >"$out/driver.log" 2>&1 &
drv=$!
trap 'kill $drv 2>/dev/null || true' EXIT
node "$root/bench/app_bench.mjs" "$app" "$out/lake" "$out" "$app_mem" "$hello_mem"
