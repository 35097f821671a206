#!/usr/bin/env bash
# Measure peer data planes (nginx, haproxy) on this host so bench/run can
# compare our numbers against figures taken in the same run, same load.
#
# Output (stdout): key=value lines only; everything else goes to stderr.
#   nginx_wrk_rps  nginx_cpu_us_per_req  haproxy_rps  haproxy_cpu_us_per_req
#   nginx_version  haproxy_version  wrk_version
# Env: DURATION (s per measurement, default 5), REPEAT (default 3, median kept).
set -euo pipefail
shopt -s inherit_errexit   # let failures inside $(...) abort too

DURATION=${DURATION:-5}
REPEAT=${REPEAT:-3}
CONNS=50
export PATH="$PATH:/usr/sbin:/sbin"   # nginx/haproxy live in /usr/sbin
export LC_ALL=C                        # '.' decimal point for printf/sort/awk

log() { printf 'peers: %s\n' "$*" >&2; }
die() { printf 'peers: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a positive integer (got '$DURATION')"
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive integer (got '$REPEAT')"
[[ $(nproc) -ge 2 ]] || die "needs at least 2 CPUs (layout pins to CPU 0 and 1)"

# ---- install (idempotent) --------------------------------------------------
POLICY=/usr/sbin/policy-rc.d
created_policy=0
install_pkgs() {
  local need=()
  command -v nginx   >/dev/null || need+=(nginx-light)
  command -v wrk     >/dev/null || need+=(wrk)
  command -v haproxy >/dev/null || need+=(haproxy)
  command -v curl    >/dev/null || need+=(curl)
  ((${#need[@]})) || return 0
  log "installing: ${need[*]}"
  # Remember which Debian service pid files already existed, so we only stop
  # daemons that this install started and never someone else's.
  local had_pid=" " svc
  for svc in nginx haproxy; do if [[ -e /run/$svc.pid ]]; then had_pid+="$svc "; fi; done
  # policy-rc.d returning 101 tells maintainer scripts not to start services.
  # Only create (and later remove) it if it is not already there.
  if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY" && chmod 755 "$POLICY"
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
  local apt=(apt-get install -y -q --no-install-recommends "${need[@]}")
  # Try without 'apt-get update' first: it is slow and usually unnecessary.
  if ! "${apt[@]}" >&2; then
    log "install failed; retrying after apt-get update"
    { apt-get update -q >&2 && "${apt[@]}" >&2; } || die "cannot install: ${need[*]}"
  fi
  if ((created_policy)); then rm -f "$POLICY"; created_policy=0; fi
  # Belt and braces: if a packaged service got started anyway, stop it.
  for svc in nginx haproxy; do
    if [[ -d /run/systemd/system ]]; then
      systemctl stop "$svc" 2>/dev/null || true
    elif [[ -s /run/$svc.pid && $had_pid != *" $svc "* ]]; then
      if kill "$(<"/run/$svc.pid")" 2>/dev/null; then log "stopped packaged $svc"; fi
    fi
  done
  for svc in nginx wrk haproxy curl; do command -v "$svc" >/dev/null || die "$svc missing after install"; done
}

# ---- workspace & cleanup ---------------------------------------------------
WORK=$(mktemp -d /tmp/peers.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if ((created_policy)); then rm -f "$POLICY"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT; trap 'exit 143' TERM   # turn signals into EXIT -> cleanup

install_pkgs

# Pick a free loopback TCP port into $PORT. Take it from below the ephemeral
# range: wrk's (and other tenants') client sockets, even in TIME-WAIT, would
# otherwise make bind() fail with EADDRINUSE. ss checks sockets in any state.
# Called directly (not via $(...)) so TAKEN, ports already handed out, persists.
TAKEN=" " PORT=
free_port() {
  local p i lo
  read -r lo _ </proc/sys/net/ipv4/ip_local_port_range
  ((lo > 12000)) || die "ephemeral port range starts too low ($lo) to pick ports"
  for ((i = 0; i < 200; i++)); do
    p=$((10000 + RANDOM % (lo - 10000)))
    [[ $TAKEN == *" $p "* ]] && continue
    if [[ -z $(ss -Htan "sport = :$p") ]]; then TAKEN+="$p "; PORT=$p; return 0; fi
  done
  die "no free port found"
}

# Poll (bounded, ~5 s) until the server answers 200 "ok"; on failure show its
# log, since the work dir is deleted on exit.
wait_ready() { # name pid port logfile...
  local i
  for ((i = 0; i < 50; i++)); do
    if ! kill -0 "$2" 2>/dev/null; then
      tail -n 20 "${@:4}" >&2 || true
      die "$1 exited during startup"
    fi
    [[ $(curl -fsS --max-time 1 "http://127.0.0.1:$3/" 2>/dev/null) == ok ]] && return 0
    sleep 0.1
  done
  tail -n 20 "${@:4}" >&2 || true
  die "$1 did not answer on 127.0.0.1:$3 within 5 s"
}

# utime+stime (clock ticks) of a process, all its threads included: fields
# 14,15 of /proc/PID/stat.
# Strip up to the last ')' first because comm may contain spaces.
cpu_ticks() {
  local s f
  s=$(<"/proc/$1/stat") || die "process $1 vanished"
  s=${s##*) }
  read -r -a f <<<"$s"
  echo $((f[11] + f[12]))
}

HZ=$(getconf CLK_TCK)

# One measurement: 1 s warm-up, then the timed run. Prints "rps us_per_req".
bench_once() { # wrk_cpu port server_pid
  local url="http://127.0.0.1:$2/" out t0 t1
  taskset -c "$1" wrk -t1 -c"$CONNS" -d1s "$url" >/dev/null
  t0=$(cpu_ticks "$3")
  out=$(taskset -c "$1" wrk -t1 -c"$CONNS" -d"${DURATION}s" "$url")
  t1=$(cpu_ticks "$3")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    printf '%s\n' "$out" >&2
    die "wrk saw errors against $url"
  fi
  awk -v d=$((t1 - t0)) -v hz="$HZ" '
    /requests in/   { n = $1 }
    /^Requests\/sec/ { r = $2 }
    END { if (!n || !r) exit 1; printf "%s %.4f\n", r, d * 1e6 / hz / n }' <<<"$out" ||
    die "cannot parse wrk output"
}

median() { sort -g | awk '{v[NR] = $1} END { m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

# Run bench_once REPEAT times; print "median_rps median_us".
bench() { # label wrk_cpu port server_pid
  local i res rs=() us=()
  for ((i = 1; i <= REPEAT; i++)); do
    res=$(bench_once "$2" "$3" "$4")
    log "$1 run $i/$REPEAT: rps=${res% *} cpu_us_per_req=${res#* }"
    rs+=("${res% *}") us+=("${res#* }")
  done
  echo "$(printf '%s\n' "${rs[@]}" | median) $(printf '%s\n' "${us[@]}" | median)"
}

# ---- nginx: 1 worker on CPU 1 ----------------------------------------------
free_port; NPORT=$PORT
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$NPORT;
    location / { return 200 "ok"; }
  }
}
EOF
# -e: avoid touching /var/log/nginx before our config is read.
taskset -c 1 nginx -p "$WORK/" -e "$WORK/nginx.err" -c "$WORK/nginx.conf" -g 'daemon off;' 2>"$WORK/nginx.out" &
NGINX_MASTER=$!
PIDS+=("$NGINX_MASTER")
wait_ready nginx "$NGINX_MASTER" "$NPORT" "$WORK/nginx.err" "$WORK/nginx.out"
# The worker is the master's only child; that's the process doing the work.
NGINX_WORKER=$(pgrep -P "$NGINX_MASTER" | head -n1) || true
[[ -n $NGINX_WORKER ]] || die "nginx worker process not found"
PIDS+=("$NGINX_WORKER")   # in case the master dies first and orphans it
log "nginx master=$NGINX_MASTER worker=$NGINX_WORKER port=$NPORT"

# Plain $(...) (not read < <(...)) so a failure inside bench aborts here.
res=$(bench nginx_wrk 0 "$NPORT" "$NGINX_WORKER")
NGINX_RPS=${res% *} NGINX_US=${res#* }

# ---- haproxy on CPU 0 in front of the same nginx; wrk shares CPU 1 ---------
free_port; HPORT=$PORT
cat >"$WORK/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4096   # keeps the fd need (2x+) under a 20000 ulimit
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
frontend fe
  bind 127.0.0.1:$HPORT
  default_backend be
backend be
  server nginx 127.0.0.1:$NPORT
EOF
haproxy -c -q -f "$WORK/haproxy.cfg" >&2 || die "haproxy config check failed"
# -db: stay in foreground so $! is the haproxy process itself.
taskset -c 0 haproxy -db -f "$WORK/haproxy.cfg" >>"$WORK/haproxy.log" 2>&1 &
HAPROXY_PID=$!
PIDS+=("$HAPROXY_PID")
wait_ready haproxy "$HAPROXY_PID" "$HPORT" "$WORK/haproxy.log"
log "haproxy pid=$HAPROXY_PID port=$HPORT"

res=$(bench haproxy 1 "$HPORT" "$HAPROXY_PID")
HAPROXY_RPS=${res% *} HAPROXY_US=${res#* }

# ---- results ---------------------------------------------------------------
ver() { tr -d ' \n' <<<"$1"; }
printf 'nginx_wrk_rps=%.0f\n' "$NGINX_RPS"
printf 'nginx_cpu_us_per_req=%.1f\n' "$NGINX_US"
printf 'haproxy_rps=%.0f\n' "$HAPROXY_RPS"
printf 'haproxy_cpu_us_per_req=%.1f\n' "$HAPROXY_US"
echo "nginx_version=$(ver "$(nginx -v 2>&1 | sed -n 's|.*nginx/||p')")"
echo "haproxy_version=$(ver "$(haproxy -v | awk 'NR == 1 { print $3 }')")"
echo "wrk_version=$(ver "$( (wrk -v 2>&1 || true) | awk 'NR == 1 { sub(/^debian\//, "", $2); print $2 }')")"
