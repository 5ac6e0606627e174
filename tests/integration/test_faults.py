"""Faults, with real processes: `kill -9` during an index build and during quiz answers, a
damaged index on start, the state store gone. Each test starts `tutor` subprocesses (the real
model, FAISS, SQLite, HTTP on 127.0.0.1) and checks what survives.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from index.store import build_index, current_build, load_course, stale_reason
from tests.conftest import ROOT, SEED_CORPUS
from tests.integration.test_cli import tutor as run_tutor
from tests.servers import free_port
from tutor.fakes import HashingEmbedder
from tutor.stores.sqlite import SQLiteStateStore

pytestmark = pytest.mark.slow

BERLIN = {"question": "When was the Berlin Wall erected?"}
START_TIMEOUT = 240.0  # a model load on two busy cores


class TutorProcess:
    """A `tutor` subprocess whose output goes to a file (a pipe could fill and stall it)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        self._out = open(log, "wb")  # noqa: SIM115  # closed in wait()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bots.cli", *args],
            env=env,
            cwd=ROOT,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None:
                raise AssertionError(f"tutor exited before {what}:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} in {timeout:.0f} s:\n{self.output()[-3000:]}")
            time.sleep(0.05)

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.wait()
        assert self.process.returncode == -signal.SIGKILL

    def wait(self, timeout: float = 60.0) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            self._out.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()
        self._out.close()


class Server(TutorProcess):
    """`tutor serve` on a free port of 127.0.0.1."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(["serve", "--host", "127.0.0.1", "--port", str(self.port)], env, log)
        self.wait_for(self._up, START_TIMEOUT, "a listening server")

    def _up(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False


def tutor_env(corpus: Path, data: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TUTOR_CORPUS_DIR": str(corpus),
        "TUTOR_DATA_DIR": str(data),
        "TUTOR_TORCH_THREADS": "1",  # two cores, shared with the test and other processes
        "HF_HUB_OFFLINE": "1",
        **extra,
    }


@pytest.fixture(scope="module")
def template(seed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed course and a data folder with its index, built once."""
    root = tmp_path_factory.mktemp("faults-template")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    shutil.copytree(seed_data_dir, root / "data")
    return root / "corpus", root / "data"


@pytest.fixture
def site(template: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A fresh copy of the template's course and data folder for one test."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(template[0], corpus)
    shutil.copytree(template[1], data)
    return corpus, data


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def builds(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "index").iterdir() if p.name.startswith("build-"))


# --- a. kill -9 during an index build ---------------------------------------------------------

# progress as a bar on a terminal ("99/721 [") or, as here, as log lines ("99/721 text (13%)")
PROGRESS = re.compile(r"(\d+)/(\d+) (?:\[|text \()")


def test_kill_9_mid_embedding_leaves_the_previous_index_serving(
    site: tuple[Path, Path],
    tmp_path: Path,
    real_embedder,  # type: ignore[no-untyped-def]
) -> None:
    corpus, data = site
    before = current_build(data)
    assert before is not None
    files_before = snapshot(before)
    seed = (SEED_CORPUS / "ussr-foreign-policy-1953-1964.txt").read_text(encoding="utf-8")
    for i in range(40):  # thousands of sentences: the build runs for many seconds
        (corpus / f"copy-{i:02d}.txt").write_text(f"Copy {i}\n\n{seed}", encoding="utf-8")

    indexing = TutorProcess(["index"], tutor_env(corpus, data), tmp_path / "index.log")

    def mid_embedding() -> bool:
        seen = PROGRESS.findall(indexing.output())
        return any(0 < int(done) < int(total) for done, total in seen)

    try:
        indexing.wait_for(mid_embedding, START_TIMEOUT, "embedding progress")
    except AssertionError:
        indexing.stop()  # not left running into the next tests
        raise
    indexing.kill9()
    done, total = (int(n) for n in PROGRESS.findall(indexing.output())[-1])
    assert done < total, "the build finished before it was killed: nothing was tested"

    assert current_build(data) == before, "CURRENT must still name the previous build"
    assert builds(data) == [before.name], "no other build folder is left looking complete"
    assert snapshot(before) == files_before
    assert len(load_course(data).documents) == 1
    assert stale_reason(data, corpus, real_embedder.name) is not None  # still to be rebuilt

    server = Server(tutor_env(corpus, data, TUTOR_AUTO_INDEX="false"), tmp_path / "serve.log")
    try:
        assert [d["doc_id"] for d in httpx.get(f"{server.url}/v1/documents").json()] == [
            "ussr-foreign-policy-1953-1964"
        ]
        answer = httpx.post(f"{server.url}/v1/ask", json=BERLIN, timeout=60).json()
        assert answer["answerable"] and "August 13" in answer["answer"]
        assert httpx.get(f"{server.url}/readyz", timeout=30).json()["status"] == "ready"
    finally:
        server.stop()


KILL_AT = """
import os, signal, sys
from pathlib import Path
from index import store
from index.vectors import FaissVectorIndex
from tutor.fakes import HashingEmbedder

corpus, data, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
if point == "writing":  # the first FAISS file is on disk, the rest not yet
    save = FaissVectorIndex.save
    FaissVectorIndex.save = lambda self, path: (save(self, path), die())
else:  # the new folder is complete and renamed, CURRENT not yet switched
    replace = os.replace
    os.replace = lambda src, dst: die() if Path(dst).name == "CURRENT" else replace(src, dst)
store.build_index(corpus, data, HashingEmbedder(64))
"""


@pytest.mark.parametrize("point", ["writing", "before-the-switch"])
def test_kill_9_while_writing_or_before_the_switch_keeps_the_previous_index(
    tmp_path: Path, point: str
) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(SEED_CORPUS, corpus)
    first = build_index(corpus, data, HashingEmbedder(64))
    passages = load_course(data).passages
    (corpus / "extra.md").write_text("# Extra\n\nThe thaw ended in 1964.\n", encoding="utf-8")

    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT, str(corpus), str(data), point], cwd=ROOT, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL

    assert current_build(data) == first
    assert load_course(data).passages == passages
    if point == "writing":
        assert [p.name for p in (data / "index").glob(".tmp-*")], "a half-written folder"
    else:
        assert len(builds(data)) == 2, "a finished folder that nothing points at"

    rebuilt = build_index(corpus, data, HashingEmbedder(64))  # the next build recovers
    assert current_build(data) == rebuilt and builds(data) == [rebuilt.name]
    assert len(load_course(data).documents) == 2


# --- b. a damaged index on start --------------------------------------------------------------


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_a_truncated_faiss_file_is_rebuilt_on_start(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, data = site
    damaged = current_build(data)
    assert damaged is not None
    truncate(damaged / "sentence.faiss")
    server = Server(tutor_env(corpus, data), tmp_path / "serve.log")
    try:
        answer = httpx.post(f"{server.url}/v1/ask", json=BERLIN, timeout=60).json()
        assert answer["answerable"] and "August 13" in answer["answer"]
        assert "rebuilding the index" in server.output() and "sentence.faiss" in server.output()
        assert current_build(data) not in (None, damaged)
    finally:
        server.stop()


def test_a_server_answers_without_a_lexicon_and_builds_it_once_it_listens(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, data = site
    lexicon = tmp_path / "lexicon"  # an empty cache: a fresh machine
    env = tutor_env(corpus, data, TUTOR_LEXICON_DIR=str(lexicon), TUTOR_LEXICON_WORDS="300")
    server = Server(env, tmp_path / "serve.log")
    try:
        first = httpx.post(f"{server.url}/v1/ask", json=BERLIN, timeout=60).json()
        assert "August 13" in first["answer"]
        server.wait_for(
            lambda: "lexicon of 300 words in use" in server.output(), 120, "the lexicon in use"
        )
        log = server.output()
        assert log.index("Application startup") < log.index("lexicon: 300/300 word (100%)")
        assert len(list(lexicon.glob("*/vectors.npy"))) == 1
        again = httpx.post(f"{server.url}/v1/ask", json=BERLIN, timeout=60).json()
        assert again["answer"] == first["answer"] and again["citations"] == first["citations"]
    finally:
        server.stop()


def garbage(path: Path) -> None:
    path.write_bytes(b"\x93NUMPY garbage " * 64)


@pytest.mark.parametrize(
    ("name", "damage", "extra", "why"),
    [
        ("vocabulary.npy", garbage, {"TUTOR_AUTO_INDEX": "false"}, "TUTOR_AUTO_INDEX is off"),
        ("context.faiss", truncate, {"TUTOR_CORPUS_DIR": "/nonexistent"}, "cannot be rebuilt"),
    ],
    ids=["auto-index-off", "course-missing"],
)
def test_an_index_that_cannot_be_rebuilt_is_a_clear_error_naming_the_file(
    site: tuple[Path, Path],
    tmp_path: Path,
    name: str,
    damage: Callable[[Path], None],
    extra: dict[str, str],
    why: str,
) -> None:
    corpus, data = site
    folder = current_build(data)
    assert folder is not None
    damage(folder / name)
    run = run_tutor(["serve", "--port", str(free_port())], tutor_env(corpus, data, **extra))
    assert run.returncode == 2, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    message = run.stderr[run.stderr.rindex("tutor: index file ") :]
    assert message.startswith(f"tutor: index file {folder / name} is unreadable")
    assert why in message


# --- c. kill -9 of the server while quiz answers are recorded --------------------------------


def test_every_acknowledged_attempt_survives_kill_9(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, data = site
    state = tmp_path / "state" / "state.sqlite3"
    env = tutor_env(corpus, data, TUTOR_STATE_URL=f"sqlite:///{state}", TUTOR_AUTO_INDEX="false")
    server = Server(env, tmp_path / "serve-1.log")
    sid = "s-kill-9"
    item = httpx.post(f"{server.url}/v1/quiz", json={"session_id": sid}, timeout=60).json()
    answer_url = f"{server.url}/v1/quiz/{item['quiz_id']}/answer"

    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def learner(n: int) -> None:
        with httpx.Client(timeout=30) as client:
            for i in range(400):  # bounded: the kill comes long before
                if stop.is_set():
                    return
                text = f"answer {n}-{i}"
                try:
                    r = client.post(answer_url, json={"session_id": sid, "answer": text})
                except httpx.HTTPError:
                    return  # the server is gone
                assert r.status_code == 200, r.text
                with lock:
                    acknowledged.append(text)

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    try:
        server.wait_for(lambda: len(acknowledged) >= 60, 120, "60 acknowledged attempts")
        server.kill9()
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    acked = set(acknowledged)
    assert len(acked) >= 60

    stored = SQLiteStateStore(state)
    try:
        attempts = stored.attempts(sid)
        conn = stored._connection()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        stored.close()
    kept = {a.answer for a in attempts}
    assert acked <= kept, f"{len(acked - kept)} acknowledged attempts were lost"
    # one transaction per attempt: numbered 1..n with no gap and no repeat
    assert [a.number for a in attempts] == list(range(1, len(attempts) + 1))

    again = Server(env, tmp_path / "serve-2.log")
    try:
        progress = httpx.get(f"{again.url}/v1/sessions/{sid}/progress", timeout=60).json()
        assert progress["attempts"] == len(attempts) >= len(acked)
        r = httpx.post(again.url + answer_url.removeprefix(server.url), json={"answer": "x"})
        assert r.status_code == 200
    finally:
        again.stop()


# --- d. the state store unreachable -----------------------------------------------------------


def test_state_database_deleted_while_serving_answers_still_and_readyz_says_so(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, data = site
    state_dir = tmp_path / "state"
    env = tutor_env(
        corpus,
        data,
        TUTOR_STATE_URL=f"sqlite:///{state_dir / 'state.sqlite3'}",
        TUTOR_AUTO_INDEX="false",
    )
    server = Server(env, tmp_path / "serve.log")
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            assert client.get("/readyz").json()["status"] == "ready"
            assert client.post("/v1/ask", json=BERLIN).status_code == 200
            shutil.rmtree(state_dir)  # the volume is gone from under the server

            asked = client.post("/v1/ask", json=BERLIN)
            assert asked.status_code == 200 and "August 13" in asked.json()["answer"]
            ready = client.get("/readyz")
            assert ready.status_code == 503
            checks = ready.json()["checks"]
            assert checks["index"] == "ok" and checks["model"] == "ok"
            assert checks["state"].startswith("unavailable: the state database")
            assert "state.sqlite3" in checks["state"]
            quiz = client.post("/v1/quiz", json={"session_id": "s1"})
            assert quiz.status_code == 503  # a quiz needs the store: refused, not faked
        server.wait_for(lambda: "answering without remembering" in server.output(), 10, "warn")
    finally:
        server.stop()
    assert "Traceback" not in server.output()


def test_cli_answers_with_the_state_store_on_a_missing_mount(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, data = site
    (tmp_path / "mnt").write_text("a file where the mount's folder should be")
    state = tmp_path / "mnt" / "tutor" / "state.sqlite3"
    env = tutor_env(corpus, data, TUTOR_STATE_URL=f"sqlite:///{state}", TUTOR_AUTO_INDEX="false")
    run = run_tutor(["ask", "When was the Berlin Wall erected?"], env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "August 13" in run.stdout
    assert "answering without remembering" in run.stderr and str(state) in run.stderr


# --- e. secrets never reach a real server's output or error bodies ----------------------------

TOKEN = "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
WEBHOOK_SECRET = "wh-3c1f9a7e55d04b0fa1c2"


def create_key(env: dict[str, str], name: str, role: str) -> str:
    run = run_tutor(["keys", "create", "--name", name, "--role", role], env)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().splitlines()[-1]


def test_a_server_holding_every_secret_never_prints_one(
    site: tuple[Path, Path], tmp_path: Path
) -> None:
    from tests.fake_telegram import FakeBotAPI

    corpus, data = site
    with FakeBotAPI(token=TOKEN) as api:
        env = tutor_env(
            corpus,
            data,
            TUTOR_STATE_URL=f"sqlite:///{tmp_path / 'state.sqlite3'}",
            TUTOR_AUTO_INDEX="false",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TUTOR_TELEGRAM_API_URL=api.root,
            TUTOR_TELEGRAM_WEBHOOK="true",
            TUTOR_TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
            TUTOR_TELEGRAM_WEBHOOK_URL="https://tutor.example/telegram/webhook",
        )
        student = create_key(env, "lms", "student")
        teacher = create_key(env, "ms-smith", "teacher")
        wrong = "tk_" + "A" * 43
        server = Server(env, tmp_path / "serve.log")
        bodies: list[str] = []
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:

                def call(method: str, path: str, status: int, **kw: object) -> None:
                    r = client.request(method, path, **kw)  # type: ignore[arg-type]
                    assert r.status_code == status, (path, r.text)
                    if path != "/teacher" or status != 200:  # its links carry the key it got
                        bodies.append(r.text)

                call("GET", "/teacher", 200, params={"key": teacher})
                call("GET", "/teacher", 401, params={"key": wrong})
                call("GET", "/v1/audit", 403, headers={"X-API-Key": student})
                call("POST", "/v1/ask", 401, json=BERLIN, headers={"X-API-Key": wrong})
                call("POST", "/v1/ask", 200, json=BERLIN, headers={"X-API-Key": student})
                hook = f"{server.url}/telegram/webhook"
                update = api.make_message_update(77, "When was the Berlin Wall erected?")
                assert api.deliver(update, hook, secret_token="wrong") == 403
                # Telegram refusing the reply with a message that quotes the bot's URL
                api.fail_next("sendMessage", 400, description=f"Bad Request: bad /bot{TOKEN}/x")
                assert api.deliver(update, hook, secret_token=WEBHOOK_SECRET) == 200
                server.wait_for(lambda: "bot***/x" in server.output(), 60, "the refusal logged")
        finally:
            server.stop()
    output = server.output()
    for secret in (TOKEN, TOKEN.lower(), WEBHOOK_SECRET, student, teacher, wrong):
        assert secret not in output, "a secret in the server's output"
        assert all(secret not in body for body in bodies), "a secret in a response body"
