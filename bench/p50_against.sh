#!/usr/bin/env bash
# Sequential /v1/ask p50 of this checkout against an earlier commit, interleaved in one run on
# the seed course alone (host speed drifts: only ratios within one run mean anything).
#   bash bench/p50_against.sh COMMIT [ROUNDS]      (from the project root, after make install)
# The earlier commit runs from a temporary worktree on this checkout's venv (PYTHONPATH puts
# its code first). Rounds after the first repeat the questions, so cached vectors serve them.
set -u
COMMIT=${1:?usage: bench/p50_against.sh COMMIT [ROUNDS]}
ROUNDS=${2:-3}
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/p50-against.XXXXXX")
export HF_HUB_OFFLINE=1
git worktree add -q "$WORK/then" "$COMMIT" || exit 2
ln -s "$ROOT/.venv" "$WORK/then/.venv"
cleanup() { pkill -f "tutor serve --port 810[12]" 2>/dev/null; git worktree remove --force "$WORK/then"; rm -rf "$WORK"; }
trap cleanup EXIT
(cd "$WORK/then" && PYTHONPATH="$WORK/then" TUTOR_DATA_DIR="$WORK/data-then" TUTOR_STATE_URL=memory: \
  setsid .venv/bin/tutor serve --port 8101 >"$WORK/then.log" 2>&1 &)
TUTOR_DATA_DIR="$WORK/data-now" TUTOR_STATE_URL=memory: setsid .venv/bin/tutor serve --port 8102 \
  >"$WORK/now.log" 2>&1 &
for port in 8101 8102; do
  for _ in $(seq 900); do curl -sf "127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
done
for round in $(seq "$ROUNDS"); do
  for port in 8101 8102; do
    name=$([[ $port == 8101 ]] && echo "$COMMIT" || echo now)
    printf "round %s %-10s " "$round" "$name"
    python3 ../shared/eval/score.py --url "http://127.0.0.1:$port" --set ../shared/eval/dev.jsonl --json |
      python3 -c 'import json,sys; r=json.load(sys.stdin); print("p50", r["p50_ms"], "ms  p95", r["p95_ms"], "ms  answer_acc", r["answer_acc"])'
  done
done
