#!/usr/bin/env bash
# Runs every reference design in the catalog for a few seconds at --scale auto and counts how
# many produced a verdict (exit 0 = every NFR held, 1 = some failed, 3 = inconclusive: all are
# verdicts). Anything
# else -- a crash, an error exit, a missing report -- is listed. Exits 0 only when all did.
#   tests/run_reference_designs.sh [archload-binary] [duration] [catalog-dir]
set -u
BIN="${1:-build/bin/archload}"
DURATION="${2:-3s}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CATALOG="${3:-$ROOT/problems}"
[[ -x "$BIN" ]] || { echo "archload binary not found: $BIN (build first)" >&2; exit 2; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mapfile -t files < <(grep -L '^  synthesized: true' "$CATALOG"/*/*.yaml | sort)
total=${#files[@]}
verdicts=0 passed=0 failed=0 undecided=0
bad=()
for f in "${files[@]}"; do
  id="$(basename "$f" .yaml)"
  timeout 120 "$BIN" --catalog "$CATALOG" run "$id" --duration "$DURATION" --scale auto \
    --agents 1 --quiet --report "$out/$id.json" >"$out/$id.log" 2>&1
  rc=$?
  if [[ ($rc -eq 0 || $rc -eq 1 || $rc -eq 3) && -s "$out/$id.json" ]]; then
    verdicts=$((verdicts + 1))
    case $rc in
      0) passed=$((passed + 1)) ;;
      1) failed=$((failed + 1)) ;;
      *) undecided=$((undecided + 1)) ;;
    esac
  else
    bad+=("$id (exit $rc): $(tail -n 1 "$out/$id.log")")
  fi
done
echo "reference designs: $total, verdicts: $verdicts ($passed pass, $failed fail, $undecided inconclusive), no verdict: ${#bad[@]}"
for b in "${bad[@]}"; do echo "  no verdict: $b"; done
[[ $total -gt 0 && $verdicts -eq $total ]]
