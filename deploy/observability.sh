#!/usr/bin/env bash
# Starts what a person needs to watch archload runs live: Prometheus (Debian's package) on the
# targets every `archload run --prometheus-sd DIR` writes, and Grafana with archload's data
# source and dashboards (grafana/) when a Grafana is installed (Debian does not package it).
# Prints the URLs. Idempotent: what already runs is left running.
#
#   deploy/observability.sh [--sd DIR] [--port 9090] [--grafana-port 3000] [--state DIR]
#   deploy/observability.sh --stop
#
# Then, in another terminal:
#   build/bin/archload run tutorial-simple-blog --prometheus-sd /tmp/archload/prometheus-sd
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFAULT_SD=/tmp/archload/prometheus-sd  # what deploy/prometheus/prometheus.yml reads
SD=$DEFAULT_SD
PORT=9090
GRAFANA_PORT=3000
STATE=/tmp/archload/observability
STOP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sd) SD=$2; shift ;;
    --port) PORT=$2; shift ;;
    --grafana-port) GRAFANA_PORT=$2; shift ;;
    --state) STATE=$2; shift ;;
    --stop) STOP=1 ;;
    *) echo "usage: deploy/observability.sh [--sd DIR] [--port N] [--grafana-port N] [--state DIR] [--stop]" >&2
       exit 2 ;;
  esac
  shift
done
say() { echo "observability: $*" >&2; }
# GET over bash's /dev/tcp: true on HTTP 200 (no curl needed).
http_ok() {  # host port path
  { exec 3<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$3" "$1" >&3
  local status=""
  read -r _ status _ <&3 || true
  exec 3>&-
  [[ $status == 200 ]]
}
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

mkdir -p "$STATE" "$SD"
if ((STOP)); then
  for name in prometheus grafana; do
    if alive "$STATE/$name.pid"; then
      kill "$(cat "$STATE/$name.pid")" && say "stopped $name"
    fi
    rm -f "$STATE/$name.pid"
  done
  exit 0
fi

# --- Prometheus ----------------------------------------------------------------------------
PROMETHEUS=$(command -v prometheus || true)
[[ -n $PROMETHEUS ]] || { say "prometheus is not installed: apt-get install prometheus (or deploy/bootstrap.sh)"; exit 1; }
CONFIG="$ROOT/deploy/prometheus/prometheus.yml"
if [[ $SD != "$DEFAULT_SD" ]]; then
  sed "s#$DEFAULT_SD#$SD#" "$CONFIG" >"$STATE/prometheus.yml"
  CONFIG="$STATE/prometheus.yml"
fi
if alive "$STATE/prometheus.pid"; then
  say "Prometheus already running (pid $(cat "$STATE/prometheus.pid"))"
else
  "$PROMETHEUS" --config.file="$CONFIG" --storage.tsdb.path="$STATE/prometheus-data" \
    --web.listen-address="127.0.0.1:$PORT" >"$STATE/prometheus.log" 2>&1 &
  echo $! >"$STATE/prometheus.pid"
  for _ in $(seq 150); do
    http_ok 127.0.0.1 "$PORT" /-/ready && break
    alive "$STATE/prometheus.pid" || { say "Prometheus failed to start:"; tail -5 "$STATE/prometheus.log" >&2; exit 1; }
    sleep 0.2
  done
  say "Prometheus started (pid $(cat "$STATE/prometheus.pid"), log $STATE/prometheus.log)"
fi

# --- Grafana, where one is installed -------------------------------------------------------
GRAFANA=$(command -v grafana-server || command -v grafana || true)
GRAFANA_URL=""
if [[ -z $GRAFANA ]]; then
  say "no Grafana installed (Debian does not package it): the dashboards in $ROOT/grafana/ load"
  say "into any Grafana >= 9 through grafana/provisioning/"
elif alive "$STATE/grafana.pid"; then
  GRAFANA_URL="http://127.0.0.1:$GRAFANA_PORT"
  say "Grafana already running (pid $(cat "$STATE/grafana.pid"))"
else
  HOME_PATH=/usr/share/grafana
  [[ -d $HOME_PATH ]] || HOME_PATH="$(dirname "$(dirname "$(readlink -f "$GRAFANA")")")"
  args=(--homepath "$HOME_PATH")
  [[ $(basename "$GRAFANA") == grafana ]] && args=(server "${args[@]}")
  ARCHLOAD_PROMETHEUS_URL="http://127.0.0.1:$PORT" \
  ARCHLOAD_GRAFANA_DASHBOARDS="$ROOT/grafana/dashboards" \
  GF_PATHS_PROVISIONING="$ROOT/grafana/provisioning" \
  GF_PATHS_DATA="$STATE/grafana-data" \
  GF_PATHS_LOGS="$STATE" \
  GF_SERVER_HTTP_ADDR=127.0.0.1 \
  GF_SERVER_HTTP_PORT="$GRAFANA_PORT" \
  GF_AUTH_ANONYMOUS_ENABLED=true \
  GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer \
    "$GRAFANA" "${args[@]}" >"$STATE/grafana.log" 2>&1 &
  echo $! >"$STATE/grafana.pid"
  GRAFANA_URL="http://127.0.0.1:$GRAFANA_PORT"
  say "Grafana started (pid $(cat "$STATE/grafana.pid"), log $STATE/grafana.log)"
fi

echo "Prometheus: http://127.0.0.1:$PORT  (targets: http://127.0.0.1:$PORT/targets)"
if [[ -n $GRAFANA_URL ]]; then
  echo "Grafana:    $GRAFANA_URL/d/archload-run-overview  (folder archload: Run overview,"
  echo "            Components, Async, Agents)"
fi
echo "Watch a run: $ROOT/build/bin/archload run tutorial-simple-blog --prometheus-sd $SD"
stop="$0 --stop"
[[ $STATE == /tmp/archload/observability ]] || stop+=" --state $STATE"
echo "Stop:        $stop"
