#!/usr/bin/env bash
# Runs one libFuzzer target over its seed corpus for a fixed number of executions.
#   tests/fuzz/run.sh BUILD_DIR TARGET RUNS [MAX_SECONDS] [extra libFuzzer flags...]
# New inputs go to a temporary corpus (FUZZ_CORPUS_OUT keeps them in a directory of your
# choosing instead); the source tree is only read. A crash, sanitizer report, leak or timeout
# fails the run and leaves the input in BUILD_DIR/fuzz-artifacts/TARGET/.
# MAX_SECONDS (default 0: none) bounds a slow machine; the run then ends early, still passing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if (($# < 3)); then
  echo "usage: $0 BUILD_DIR TARGET RUNS [MAX_SECONDS] [libFuzzer flags...]" >&2
  exit 2
fi
BUILD="$1"
TARGET="$2"
RUNS="$3"
SECONDS_CAP="${4:-0}"
shift $(($# < 4 ? 3 : 4))

BIN="$BUILD/bin/$TARGET"
SEEDS="$HERE/corpus/$TARGET"
if [[ ! -x "$BIN" ]]; then
  echo "fuzz: $BIN is missing: build it with tests/fuzz/build.sh (ctest: the fuzz_build test)" >&2
  exit 1
fi
if [[ ! -d "$SEEDS" ]]; then
  echo "fuzz: no seed corpus at $SEEDS" >&2
  exit 1
fi

# Per-target limits: inputs longer than the target's format needs only slow it down.
FLAGS=()
case "$TARGET" in
  frame_fuzz) FLAGS=(-max_len=1024 -timeout=5) ;;
  histogram_fuzz) FLAGS=(-max_len=4096 -timeout=5) ;;
  http_fuzz) FLAGS=(-max_len=9000 -timeout=5) ;;  # heads are refused past 8 KiB
  nfr_fuzz) FLAGS=(-max_len=512 -timeout=10 -dict="$HERE/nfr_fuzz.dict") ;;
  seed_fuzz) FLAGS=(-max_len=16384 -timeout=20 -dict="$HERE/seed_fuzz.dict") ;;
  yaml_fuzz) FLAGS=(-max_len=65536 -timeout=20 -dict="$HERE/yaml_fuzz.dict") ;;
  *)
    echo "fuzz: unknown target '$TARGET'" >&2
    exit 2
    ;;
esac

if [[ -n "${FUZZ_CORPUS_OUT:-}" ]]; then
  OUT="$FUZZ_CORPUS_OUT"
  mkdir -p "$OUT"
else
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/archload-$TARGET.XXXXXX")"
  trap 'rm -rf "$OUT"' EXIT
fi
ARTIFACTS="$BUILD/fuzz-artifacts/$TARGET"
mkdir -p "$ARTIFACTS"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

echo "fuzz: $TARGET, $RUNS runs (cap ${SECONDS_CAP}s), seeds $SEEDS"
status=0
"$BIN" "$OUT" "$SEEDS" -runs="$RUNS" -max_total_time="$SECONDS_CAP" -seed="${FUZZ_SEED:-1}" \
  -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 "${FLAGS[@]}" "$@" || status=$?
if ((status != 0)); then
  echo "fuzz: $TARGET FAILED (exit $status); the input is in $ARTIFACTS/." \
    "Reproduce: $BIN $ARTIFACTS/<file>" >&2
  exit 1
fi
