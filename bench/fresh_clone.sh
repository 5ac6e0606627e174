#!/bin/sh
# Time from `make run` in a fresh clone to its first answer, pip included: `make fresh-clone`.
#
#   bench/fresh_clone.sh [repository, default: this checkout's committed HEAD]
#
# Clones into a temporary folder, starts `make run` on a free port there and asks
# /v1/ask every half second until it answers 200; prints the seconds from the command's start,
# then stops the server and removes the clone. The lexicon cache is a fresh folder too
# (TUTOR_LEXICON_DIR), as on a new machine. Nothing here uses apt: `make run` must not.
set -eu

repo=${1:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}
work=$(mktemp -d /tmp/fresh-clone-XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pid=""
cleanup() {
    if [ -n "$pid" ]; then
        # "-PID" is the process group; dash's kill refuses "--" (Illegal number), which once
        # left the server of a removed clone running
        kill -TERM "-$pid" 2>/dev/null || true
        sleep 2
        kill -KILL "-$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

git clone --quiet "$repo" "$work/tutor"
start=$(date +%s.%N)
# its own process group, so the cleanup stops make, pip or the server, whichever runs
(cd "$work/tutor" && TUTOR_LEXICON_DIR="$work/lexicon" exec setsid make run PORT="$port") \
    >"$work/make-run.log" 2>&1 &
pid=$!
installed=""
while :; do
    if [ -z "$installed" ] && [ -e "$work/tutor/.venv/.installed" ]; then
        installed=$(date +%s.%N)
    fi
    code=$(curl -s -o "$work/answer.json" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' \
        -d '{"question": "When was the Berlin Wall erected?"}' \
        "http://127.0.0.1:$port/v1/ask" || true)
    [ "$code" = 200 ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "make run exited before answering:" >&2
        tail -n 40 "$work/make-run.log" >&2
        exit 1
    fi
    sleep 0.5
done
end=$(date +%s.%N)
grep -E "model .* loaded in|index built in|Uvicorn running" "$work/make-run.log" || true
echo "venv installed (pip) $(python3 -c "print(f'{${installed:-$end} - $start:.1f}')") s after the start"
echo "first answer $(python3 -c "print(f'{$end - $start:.1f}')") s after \`make run\` started in a fresh clone" \
    "(load average $(cut -d' ' -f1 /proc/loadavg) at the end): $(head -c 120 "$work/answer.json")"
