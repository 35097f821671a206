#!/usr/bin/env bash
# A test cluster on one machine: N network namespaces ("hosts"), each with its own address on a
# bridge in the root namespace, joined by veth pairs. The controller runs in the root namespace
# on the bridge's address; agents run inside the namespaces (`ip netns exec`). Needs root.
#
#   deploy/netns-cluster.sh up N [--prefix al] [--subnet 10.231.0] [--hosts-file F]
#       creates <prefix>br (bridge, <subnet>.1/24) and namespaces <prefix>1..N (<subnet>.(10+i));
#       writes a hosts file for `archload run --hosts F` (default: prints it)
#   deploy/netns-cluster.sh down [--prefix al]
#       removes what `up` made (idempotent)
set -euo pipefail

usage() { sed -n '2,12p' "$0" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
cmd=$1; shift
n=0
if [[ $cmd == up ]]; then
  [[ $# -ge 1 ]] || usage
  n=$1; shift
  [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 200 ]] || { echo "netns-cluster: N must be 1..200" >&2; exit 2; }
fi
prefix=al subnet=10.231.0 hosts_file=
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix) prefix=$2; shift 2 ;;
    --subnet) subnet=$2; shift 2 ;;
    --hosts-file) hosts_file=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ $prefix =~ ^[a-z][a-z0-9]{0,7}$ ]] || { echo "netns-cluster: --prefix: 1-8 of [a-z0-9]" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "netns-cluster: needs root (network namespaces)" >&2; exit 2; }
bridge="${prefix}br"

down() {
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^${prefix}[0-9]+$" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns delete "$ns" 2>/dev/null || true
  done
  for v in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^${prefix}v[0-9]+$" || true); do
    ip link delete "$v" 2>/dev/null || true
  done
  ip link delete "$bridge" 2>/dev/null || true
}

up() {
  down
  ip link add "$bridge" type bridge
  ip addr add "${subnet}.1/24" dev "$bridge"
  ip link set "$bridge" up
  # Bridged frames may pass iptables (br_netfilter): let this bridge's traffic through.
  if command -v iptables >/dev/null && iptables -S FORWARD >/dev/null 2>&1; then
    iptables -C FORWARD -i "$bridge" -o "$bridge" -j ACCEPT 2>/dev/null ||
      iptables -I FORWARD -i "$bridge" -o "$bridge" -j ACCEPT
  fi
  for i in $(seq 1 "$n"); do
    ns="${prefix}${i}" veth="${prefix}v${i}" addr="${subnet}.$((10 + i))"
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$bridge" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "${addr}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "${subnet}.1"
  done
  local out
  out=$(hosts_yaml)
  if [[ -n $hosts_file ]]; then printf '%s\n' "$out" >"$hosts_file"; else printf '%s\n' "$out"; fi
}

hosts_yaml() {
  cat <<YAML
# archload run --hosts: agents in network namespaces made by deploy/netns-cluster.sh
controller:
  listen: "${subnet}.1:0"
command: "ip netns exec {name} {agent} --controller {controller} --agent-id {id} --bind {address} --allow-peers {peers} --hostname {name} --seed {seed}"
hosts:
YAML
  for i in $(seq 1 "$n"); do
    echo "  - {name: ${prefix}${i}, address: ${subnet}.$((10 + i))}"
  done
}

case $cmd in
  up) up ;;
  down) down ;;
  *) usage ;;
esac
