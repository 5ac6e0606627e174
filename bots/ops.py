"""Operations endpoints: `/readyz`, which says which dependency is degraded.

`/healthz` says the process is up (restart it if not); `/readyz` says whether it can do its
whole job, for a load balancer or an operator: 200 `{"status": "ready", "checks": {...}}` when
the index, the model and the state store all work, else 503 `{"status": "degraded", ...}` with
`"unavailable: why"` for each failing check. A degraded state store still lets questions be
answered (they are just not remembered), so take a replica out of rotation on `/healthz`, and
alert on `/readyz`.
"""

from __future__ import annotations

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
CHECKS = ("index", "model", "state")
CHECK_TIMEOUT = 2.0  # seconds each check may take before it counts as unavailable


def check_index(tutor: Tutor) -> None:
    tutor.check_index()


def check_model(tutor: Tutor) -> None:
    tutor.check_model()


def check_state(tutor: Tutor) -> None:
    tutor.check_state(f"{socket.gethostname()}:{os.getpid()}:{time.time():.3f}")


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
    """200 when the index, the model and the state store work; 503 naming what does not
    (the default course's: other courses are loaded on their first question)."""
    campus = getattr(request.app.state, "campus", None)
    status, body = readiness(campus.default if campus is not None else None)
    return JSONResponse(body, status_code=status)
