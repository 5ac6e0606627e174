"""Operations endpoints: `/readyz`, which says which dependency is degraded.

`/healthz` says the process is up (restart it if not); `/readyz` says whether it can do its
whole job, for a load balancer or an operator: 200 `{"status": "ready", "checks": {...}}` when
the index, the model and the state store all work, else 503 `{"status": "degraded", ...}` with
`"unavailable: why"` for each failing check. A degraded state store still lets questions be
answered (they are just not remembered), so take a replica out of rotation on `/healthz`, and
alert on `/readyz`.
"""

from __future__ import annotations

import math
import os
import socket
import threading
import time
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tutor import Tutor

router = APIRouter()

OK = "ok"
PROBE_LINK = ("ops", "readyz")  # the state store key the probe writes and reads back
CHECKS = ("index", "model", "state")
CHECK_TIMEOUT = 2.0  # seconds each check may take before it counts as unavailable


def check_index(tutor: Tutor) -> None:
    course = tutor.course
    if not course.passages:
        raise RuntimeError("the index holds no passages")
    if course.sentence_index.size != len(course.passages):
        raise RuntimeError(
            f"the index holds {course.sentence_index.size} vectors "
            f"for {len(course.passages)} passages"
        )


def check_model(tutor: Tutor) -> None:
    vectors = tutor.embedder.embed(["readiness probe"])
    if vectors.shape != (1, tutor.embedder.dim) or not all(map(math.isfinite, vectors[0])):
        raise RuntimeError(f"the model returned a {vectors.shape} array, not a unit vector")


def check_state(tutor: Tutor) -> None:
    # a write, then a read: a read-only or full disk still reads, and answers would not be kept
    stamp = f"{socket.gethostname()}:{os.getpid()}:{time.time():.3f}"
    tutor.store.set_link(*PROBE_LINK, stamp)
    if tutor.store.link(*PROBE_LINK) is None:
        raise RuntimeError("a value written to the state store could not be read back")


def run_check(check: Callable[[Tutor], None], tutor: Tutor, timeout: float = CHECK_TIMEOUT) -> str:
    """OK, or why not. A check that does not finish in `timeout` seconds (a locked SQLite file
    waits 30 s, an unreachable host longer) is reported as such; its thread is left to end on
    its own, since a probe must answer in time rather than hang with what it probes."""
    outcome: list[str] = []

    def run() -> None:
        try:
            check(tutor)
        except Exception as exc:  # a probe reports every failure; it must never answer 500
            outcome.append(f"unavailable: {exc}")
        else:
            outcome.append(OK)

    worker = threading.Thread(target=run, name=f"readyz-{check.__name__}", daemon=True)
    worker.start()
    worker.join(timeout)
    return outcome[0] if outcome else f"unavailable: no reply within {timeout:g} s"


def readiness(tutor: Tutor | None) -> tuple[int, dict[str, object]]:
    """The status code and body of /readyz."""
    if tutor is None:
        checks = {name: "unavailable: the tutor is still starting" for name in CHECKS}
    else:
        checks = {
            "index": run_check(check_index, tutor),
            "model": run_check(check_model, tutor),
            "state": run_check(check_state, tutor),
        }
    ready = all(value == OK for value in checks.values())
    return (200 if ready else 503), {"status": "ready" if ready else "degraded", "checks": checks}


@router.get("/readyz", tags=["ops"])
def readyz(request: Request) -> JSONResponse:
    """200 when the index, the model and the state store work; 503 naming what does not."""
    status, body = readiness(getattr(request.app.state, "tutor", None))
    return JSONResponse(body, status_code=status)
