"""Two real `tutor serve` processes on one Redis: a learner can move between replicas.

Both serve the same prebuilt index (read-only) and keep their state in Redis under one fresh
key prefix, as replicas behind a load balancer would.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SEED_CORPUS
from tests.redisdb import REDIS_URL, fresh_prefix, with_prefix
from tests.servers import free_port

pytestmark = pytest.mark.slow
TUTOR = ROOT / ".venv" / "bin" / "tutor"
START_TIMEOUT_S = 300.0


def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server at {url} exited: {log.read_text()[-3000:]}", pytrace=False)
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the server at {url} did not start: {log.read_text()[-3000:]}", pytrace=False)


@pytest.fixture(scope="module")
def replicas(
    seed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Servers A and B, started together, sharing the index folder and one Redis prefix."""
    logs = tmp_path_factory.mktemp("replica-logs")
    before = files_of(seed_data_dir)
    with fresh_prefix("replicas") as prefix:
        env = {
            **os.environ,
            "TUTOR_DATA_DIR": str(seed_data_dir),
            "TUTOR_CORPUS_DIR": str(SEED_CORPUS),
            "TUTOR_STATE_URL": with_prefix(REDIS_URL, prefix),
            "TUTOR_AUTO_INDEX": "false",  # two replicas must never both rebuild one index
            "TUTOR_TORCH_THREADS": "1",
            "HF_HUB_OFFLINE": "1",
        }
        processes: list[subprocess.Popen[bytes]] = []
        clients: list[httpx.Client] = []
        try:
            for name in ("a", "b"):
                url = f"http://127.0.0.1:{free_port()}"
                log = logs / f"{name}.log"
                with log.open("wb") as out:
                    command = [str(TUTOR), "serve", "--host", "127.0.0.1"]
                    command += ["--port", url.rsplit(":", 1)[1]]
                    processes.append(
                        subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
                    )
                clients.append(httpx.Client(base_url=url, timeout=60))
            for client, process, name in zip(clients, processes, "ab", strict=True):
                wait_until_serving(str(client.base_url), process, logs / f"{name}.log")
            yield clients[0], clients[1]
        finally:
            for client in clients:
                client.close()
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=20)
    assert files_of(seed_data_dir) == before  # the shared index folder was only read


def ask(client: httpx.Client, question: str, session_id: str) -> dict[str, object]:
    reply = client.post("/v1/ask", json={"question": question, "session_id": session_id})
    assert reply.status_code == 200, reply.text
    body = dict(reply.json())
    assert body["session_id"] == session_id
    return body


def test_a_conversation_started_on_one_replica_continues_on_the_other(
    replicas: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = replicas
    sid = f"replica-{uuid.uuid4().hex[:12]}"
    first = ask(a, "When was the Berlin Wall erected?", sid)
    assert first["answerable"] is True and "August 13" in str(first["answer"])

    followup = ask(b, "What did it become?", sid)
    assert followup["answerable"] is True
    assert "Iron Curtain" in str(followup["answer"])  # "it" is the wall A talked about

    # B really read A's history: a follow-up whose topic only A's turn set is answered from
    # it on B, and not without it ("What did it become?" alone can still guess the wall).
    sid = f"replica-{uuid.uuid4().hex[:12]}"
    ask(a, "What happened in Hungary in 1956?", sid)
    reaction = ask(b, "And how did Moscow react?", sid)
    assert "Soviet troops were introduced" in str(reaction["answer"])
    alone = ask(b, "And how did Moscow react?", f"replica-{uuid.uuid4().hex[:12]}")
    assert "Soviet troops were introduced" not in str(alone["answer"])


def test_a_quiz_item_from_one_replica_is_answered_and_tracked_on_the_other(
    replicas: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = replicas
    sid = f"replica-{uuid.uuid4().hex[:12]}"
    taken = a.post("/v1/quiz", json={"session_id": sid})
    assert taken.status_code == 200, taken.text
    item = taken.json()
    url = f"/v1/quiz/{item['quiz_id']}/answer"

    wrong = b.post(url, json={"session_id": sid, "answer": "purple elephants dancing"})
    assert wrong.status_code == 200, wrong.text
    assert wrong.json()["correct"] is False
    right = b.post(url, json={"session_id": sid, "answer": wrong.json()["expected"]})
    assert right.status_code == 200, right.text
    assert right.json()["correct"] is True

    progress = a.get(f"/v1/sessions/{sid}/progress")
    assert progress.status_code == 200, progress.text
    seen_by_a = progress.json()
    assert (seen_by_a["attempts"], seen_by_a["correct_attempts"]) == (2, 1)
    practised = [s for s in seen_by_a["sections"] if s["practised"]]
    assert [(s["practised"], s["attempts"], s["correct_first_attempts"]) for s in practised] == [
        (1, 2, 0)
    ]
    assert b.get(f"/v1/sessions/{sid}/progress").json() == seen_by_a

    # B knows the item was shown and practised, so it moves on to something new.
    following = b.post("/v1/quiz", json={"session_id": sid})
    assert following.status_code == 200, following.text
    assert following.json()["quiz_id"] != item["quiz_id"]
