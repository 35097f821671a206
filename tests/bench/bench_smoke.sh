#!/usr/bin/env bash
# The benchmark programs still run and print every figure bench/run reads. Tiny loads, and no
# assertion on any value: speed is what bench/run measures, not the tests.
#   bench_smoke.sh BIN_DIR
set -euo pipefail
BIN=$1
fail() { echo "bench_smoke: $*" >&2; exit 1; }
expect_keys() {  # output keys...
  local out=$1; shift
  for k in "$@"; do
    grep -q "^$k=[0-9.]" <<<"$out" || fail "missing $k= in: $out"
  done
}
# Bad flags stop a benchmark with a message naming them (exit 2), not a silently different run.
expect_refused() {  # expected-text command...
  local want=$1 code=0 err; shift
  err=$("$@" 2>&1 >/dev/null) || code=$?
  [[ $code == 2 ]] || fail "$* exited $code, want 2"
  grep -qF -- "$want" <<<"$err" || fail "$*: message lacks '$want': $err"
}
expect_refused "--seconds 'abc': expected a number" "$BIN/proxy_hop" --seconds abc
expect_refused "unknown flag '--bogus'" "$BIN/round_trip" --bogus 1
expect_refused "--outstanding: expected a number after it" "$BIN/grpc_unary" --outstanding

out=$("$BIN/proxy_hop" --seconds 0.3 --outstanding 4) || fail "proxy_hop exited $?: $out"
expect_keys "$out" proxy_rps proxy_cpu_us_per_req proxy_cpu_share proxy_failed
grep -q "^proxy_failed=0$" <<<"$out" || fail "proxy_hop lost requests: $out"

out=$("$BIN/service_timers" --in-service 50 --service-ms 20 --seconds 0.3 2>/dev/null) ||
  fail "service_timers exited $?: $out"
expect_keys "$out" timer_in_service timer_late_p50_us timer_late_p99_us timer_late_max_us

# One passing trial at a low rate, then a capped search: the keys appear whatever the machine.
# Exit 1 only says no trial met the 1% bar at that moment (a busy machine): a value, not a bug.
code=0
out=$("$BIN/loadgen_rate" --seconds 0.3 --start 500 --max 1000 --at 500 2>/dev/null) || code=$?
[[ $code == 0 || $code == 1 ]] || fail "loadgen_rate exited $code: $out"
expect_keys "$out" loadgen_max_rps loadgen_cpu_us_per_req loadgen_lag_p50_us loadgen_lag_p99_us \
  loadgen_at_lag_p50_us loadgen_at_lag_p99_us

out=$("$BIN/round_trip" --outstanding 2 --seconds 0.3) || fail "round_trip exited $?: $out"
expect_keys "$out" frames_rps frames_rtt_us frames_cpu_us_per_call
out=$("$BIN/grpc_unary" --outstanding 2 --seconds 0.3) || fail "grpc_unary exited $?: $out"
expect_keys "$out" grpc_rps grpc_rtt_us grpc_cpu_us_per_call

out=$("$BIN/micro" --benchmark_filter=Histogram --benchmark_min_time=0.01 2>/dev/null) ||
  fail "micro exited $?"
grep -q BM_HistogramRecord <<<"$out" || fail "micro printed no BM_HistogramRecord: $out"
echo "bench_smoke: all benchmark programs ran"
