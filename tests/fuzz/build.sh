#!/usr/bin/env bash
# Configures and builds the libFuzzer tree: clang, the project's libraries with coverage
# instrumentation, ASan and UBSan, and only the targets of tests/fuzz (no gRPC sources).
#   tests/fuzz/build.sh [BUILD_DIR]    default: build-fuzz/ beside the sources
# ARCHLOAD_FUZZ_CXX names the compiler (default clang++-14), ARCHLOAD_JOBS the parallelism (2).
# Fails, never skips, when clang or the libFuzzer runtime is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-$ROOT/build-fuzz}"
CXX="${ARCHLOAD_FUZZ_CXX:-clang++-14}"
JOBS="${ARCHLOAD_JOBS:-2}"

if ! command -v "$CXX" >/dev/null 2>&1; then
  echo "fuzz build: '$CXX' not found. The fuzz targets need clang and its libFuzzer runtime:" \
    "on Debian 12, apt-get install clang-14 libclang-rt-14-dev (deploy/bootstrap.sh does)," \
    "or set ARCHLOAD_FUZZ_CXX to another clang++." >&2
  exit 1
fi

mkdir -p "$BUILD"
# The suite of two build trees may share one fuzz tree: build it one at a time.
exec 9>"$BUILD/.build.lock"
flock 9

GENERATOR=()
if command -v ninja >/dev/null 2>&1 && [[ ! -f "$BUILD/Makefile" ]]; then GENERATOR=(-G Ninja); fi
# -O2 -g without NDEBUG: asserts stay on. -O2 runs the regex-bound targets (nfr, yaml, seed)
# 1.3x faster than -O1 (docs/security.md).
cmake -S "$ROOT" -B "$BUILD" "${GENERATOR[@]}" -DARCHLOAD_FUZZ=ON -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" >/dev/null
cmake --build "$BUILD" -j "$JOBS"
echo "fuzz build: targets in $BUILD/bin"
