#!/usr/bin/env bash
# Reproduces a recorded fuzzing campaign (docs/security.md, "Fuzzing"): builds the fuzz tree,
# then runs TARGET for RUNS executions from its seed corpus, libFuzzer seed SEED (default 1),
# keeping what it finds in build-fuzz/campaign/TARGET/corpus (emptied first). MAX_SECONDS
# (default 0: no cap) is a safety net on a busy machine: the campaign then stops early, and the
# line says so.
#   tests/fuzz/campaign.sh TARGET RUNS [SEED] [MAX_SECONDS]
# Prints the line to record: commit, executions, seconds, exec/s, cov, ft and corpus size.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if (($# < 2)); then
  echo "usage: $0 TARGET RUNS [SEED] [MAX_SECONDS]   e.g. $0 frame_fuzz 10000000" >&2
  exit 2
fi
TARGET="$1"
RUNS="$2"
SEED="${3:-1}"
CAP="${4:-0}"
BUILD="${ARCHLOAD_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"

"$HERE/build.sh" "$BUILD" >/dev/null
DIR="$BUILD/campaign/$TARGET"
rm -rf "$DIR/corpus"
mkdir -p "$DIR/corpus"
LOG="$DIR/$RUNS-seed$SEED.log"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD)"
if [[ -n "$(git -C "$ROOT" status --porcelain -- common agents controller tests/fuzz)" ]]; then
  COMMIT="$COMMIT+local changes"
fi

echo "campaign: $TARGET, $RUNS runs, seed $SEED, at $COMMIT; log in $LOG"
start=$(date +%s)
status=0
FUZZ_CORPUS_OUT="$DIR/corpus" FUZZ_SEED="$SEED" \
  "$HERE/run.sh" "$BUILD" "$TARGET" "$RUNS" "$CAP" >"$LOG" 2>&1 || status=$?
seconds=$(($(date +%s) - start))
# libFuzzer's last status line: "#N DONE cov: C ft: F corp: K/Sb ..." (or the last pulse).
last="$(grep -aE '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$LOG" | tail -1 || true)"
execs="$(grep -a 'stat::number_of_executed_units' "$LOG" | awk '{print $2}' || true)"
cov="$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")"
ft="$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")"
corp="$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[bKM]*b?).*/\1/p' <<<"$last")"
if ((status != 0)); then
  echo "campaign: $TARGET FAILED after ${seconds}s: see $LOG" >&2
  exit 1
fi
rate="$(grep -a 'stat::average_exec_per_sec' "$LOG" | awk '{print $2}' || true)"
ended="all $RUNS runs"
if [[ -n "$execs" ]] && ((execs < RUNS)); then ended="stopped by the ${CAP} s cap"; fi
echo "campaign: $TARGET | $COMMIT | ${execs:-?} executions ($ended) | ${seconds} s" \
  "| ${rate:-?} exec/s | cov ${cov:-?} | ft ${ft:-?} | corpus ${corp:-?} (files/bytes) | seed $SEED"
