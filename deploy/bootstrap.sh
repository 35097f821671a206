#!/usr/bin/env bash
# Installs archload's dependencies on Debian 12 (idempotent, apt-based) and builds it.
#   deploy/bootstrap.sh              install what is missing, build build/ (RelWithDebInfo)
#   deploy/bootstrap.sh --sanitize   also build build-asan/ with AddressSanitizer + UBSan
#   deploy/bootstrap.sh --fuzz       also build build-fuzz/: the libFuzzer targets (clang); the
#                                    suite's fuzz_build test builds it too when it runs
#   deploy/bootstrap.sh --deps-only  install only
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SANITIZE=0
FUZZ=0
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --sanitize) SANITIZE=1 ;;
    --fuzz) FUZZ=1 ;;
    --deps-only) BUILD=0 ;;
    *) echo "bootstrap: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

PACKAGES=(
  cmake ninja-build g++ pkg-config git
  libasio-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libssl-dev
  prometheus-cpp-dev libcivetweb-dev libhiredis-dev librdkafka-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  clang-14 libclang-rt-14-dev  # clang++-14 and its libFuzzer runtime: the fuzz tests (tests/fuzz)
  redis-server prometheus iproute2 openssl
  haproxy  # a design's load balancer as a real proxy (docs/backends.md)
  chromium zlib1g-dev  # the HTML report's browser test: headless Chromium, PNG screenshots
  jq  # bench/validate and bench/confidence read the JSON reports
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing packages (${missing[*]}); run as root to install them" >&2
    exit 2
  fi
  echo "bootstrap: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

((BUILD)) || exit 0

JOBS="${ARCHLOAD_JOBS:-2}"  # gRPC-generated sources take ~300 MB each to compile
cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$ROOT/build" -j "$JOBS"
if ((SANITIZE)); then
  cmake -S "$ROOT" -B "$ROOT/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DARCHLOAD_SANITIZE=ON >/dev/null
  cmake --build "$ROOT/build-asan" -j "$JOBS"
fi
if ((FUZZ)); then
  ARCHLOAD_JOBS="$JOBS" "$ROOT/tests/fuzz/build.sh" "$ROOT/build-fuzz"
fi
