# Section 9 of bench/run: the harness where users run it (docs/performance.md). Sourced by
# bench/run, which defines BIN, ROOT, WORK, REPEAT, SECONDS_PER, log, put, get, check and ratio.
# `bench/run --only realistic` runs this section alone.

# tutorial-simple-blog sized for 10k req/s (`archload plan --rate 10000 --write-design`: 80 App
# Servers), offered 10k req/s on 1, 2 and 8 agents, as designed and with service times ×0; each
# before (the loop this replaced: `--event-loop asio --force-sockets --timer-spin-us 50`, the old
# defaults) and after (the defaults), alternated. Agents' CPU per request from the run's report;
# syscalls per request counted by perf over a window in the middle of the run, every agent.
realistic() {
  local design="$WORK/blog10k.yaml" perf_bin; perf_bin=$(command -v perf || true)
  "$BIN/archload" --catalog "$ROOT/problems" plan tutorial-simple-blog --rate 10000 \
    --write-design "$design" >/dev/null
  [[ -n $perf_bin ]] || log "realistic: perf not installed (apt-get install linux-perf): no syscall counts"
  local dur=$((SECONDS_PER * 2)) warm=2 j="$WORK/realistic.json"
  ((dur < 6)) && dur=6
  for agents in 1 2 8; do
    for scale in 1 0; do
      : >"$WORK/real_${agents}_${scale}_before"
      : >"$WORK/real_${agents}_${scale}_after"
      # Repetitions for the figures, without perf: counting syscalls through a tracepoint costs
      # each syscall time, which would make the loop with the most syscalls look dearer still.
      # One more run of each counts them.
      for ((i = 0; i <= REPEAT; i++)); do
        for mode in before after; do
          local extra=() runs="$WORK/real_${agents}_${scale}_${mode}"
          [[ $mode == before ]] && extra=(--event-loop asio --force-sockets --timer-spin-us 50)
          "$BIN/archload" run "$design" --rate 10000 --agents "$agents" --duration "${dur}s" \
            --warmup "${warm}s" --service-time-scale "$scale" --no-metrics --quiet --report "$j" \
            "${extra[@]}" >/dev/null 2>&1 &
          local ctl=$!
          if ((i == REPEAT)); then
            local calls="-"
            if [[ -n $perf_bin ]]; then
              sleep $((warm + 1))
              local pids; pids=$(pgrep -P "$ctl" -f archload-agent | paste -sd, || true)
              local window=$((dur - warm - 2))
              if [[ -n $pids ]]; then
                calls=$("$perf_bin" stat -x, -e raw_syscalls:sys_enter -p "$pids" -- sleep "$window" 2>&1 |
                  awk -F, -v w="$window" '/raw_syscalls/ { printf "%.1f", $1 / (10000 * w) }')
              fi
            fi
            wait "$ctl" || true
            echo "${calls:--}" >"$runs.syscalls"
            log "  $agents agents, service ×$scale, $mode: $(cat "$runs.syscalls") syscalls per request"
            continue
          fi
          wait "$ctl" || true
          jq -r '"\(.harness.cpu_us_per_request) \(.harness.timer_lateness_us.p99)
            \(.harness.send_lag_us.p99) \(.harness.data_plane.calls_in_process /
              ([.harness.data_plane.calls_in_process + .harness.data_plane.calls_over_sockets, 1]
               | max) * 100) \(.latency_ms.p99)"' "$j" | tr '\n' ' ' >>"$runs"
          echo >>"$runs"
          log "  $agents agents, service ×$scale, $mode: $(tail -1 "$runs")(CPU µs per request, lateness p99 µs, send lag p99 µs, % in-process, P99 ms)"
        done
      done
      for mode in before after; do
        local runs="$WORK/real_${agents}_${scale}_${mode}"
        # Medians: CPU, lateness, send lag, in-process share, P99; the syscall count apart.
        local f k=1
        for f in 1 3 4 5 6; do
          put "real${agents}_${scale}_${mode}_$f" "$(awk -v f=$k '{print $f}' "$runs" | sort -g |
            awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]}')"
          k=$((k + 1))
        done
        put "real${agents}_${scale}_${mode}_2" "$(cat "$runs.syscalls")"
      done
    done
  done
}

# The section's table (Markdown), from what realistic() put.
realistic_table() {
  echo "| agents | service times | loop | agent CPU µs per request | syscalls per request | timer lateness P99 µs | send lag P99 µs | calls in-process | P99 ms |"
  echo "|---:|---|---|---:|---:|---:|---:|---:|---:|"
  for agents in 1 2 8; do
    for scale in 1 0; do
      for mode in before after; do
        k="real${agents}_${scale}_${mode}"
        echo "| $agents | $([[ $scale == 1 ]] && echo "as designed" || echo "×0") | $mode | $(get "${k}_1") | $(get "${k}_2") | $(get "${k}_3") | $(get "${k}_4") | $(get "${k}_5")% | $(get "${k}_6") |"
      done
    done
  done
  c2=$(get real2_1_after_1); c8=$(get real8_1_after_1)
  echo
  echo "Targets, 2 agents as designed (after): CPU ≤ 25 µs: $c2 ($(check "$c2" "<=" 25)); syscalls ≤ 8: $(get real2_1_after_2) ($(check "$(get real2_1_after_2)" "<=" 8)); timer lateness P99 ≤ 100 µs: $(get real2_1_after_3) ($(check "$(get real2_1_after_3)" "<=" 100)); send lag P99 ≤ 200 µs: $(get real2_1_after_4) ($(check "$(get real2_1_after_4)" "<=" 200)); 8 agents ≤ 1.5× the CPU of 2: $(ratio "$c8" "$c2") ($(awk -v a="$c8" -v b="$c2" 'BEGIN { print (a <= 1.5 * b) ? "met" : "MISSED" }'))."
}
