"""Schemathesis against /openapi.json, in process (ASGI), on the fake-backed tutor.

Every documented operation gets generated requests, valid and invalid (a bounded number, with a
fixed seed, so CI sees the same cases each run). Each response must be no 5xx, a documented
status, with its documented content type, body schema and headers. Invalid input must get a
4xx. The calls carry an admin's key, so the teacher and admin routes are exercised past their
key check. A course route gets a generated course id (an unknown course: 404) or, every other
call whose path is valid, a course that exists with documents of its own.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bots.http_app import create_app
from bots.wiring import campus_of
from index.library import CorpusLibrary
from tests.conftest import make_course, seed_files
from tutor.fakes import HashingEmbedder
from tutor.service import Tutor
from tutor.settings import Settings
from tutor.stores.memory import MemoryStateStore

EXAMPLES = 150  # per operation and generation mode
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
CALLS: Counter[str] = Counter()
IN_FIXTURE: Counter[str] = Counter()  # course routes' calls on the course with documents


FIXTURE_COURSE = "fuzz-fixture-course"  # longer than what generated ids tend to be
COURSE_FILES = {
    "ferns.md": "# Ferns\n\n## Spores\n\nFerns reproduce with spores released from clusters "
    "under the fronds. A fern frond uncurls from a tight coil called a fiddlehead.\n",
    "mosses.md": "# Mosses\n\n## Water\n\nMosses take in water through their leaves rather "
    "than through roots. A dry moss can recover within hours of rain.\n",
}


def fuzzed_app() -> tuple[FastAPI, str]:
    """The app on the fake-backed tutor and a course besides, and an admin's key for it."""
    embedder = HashingEmbedder()
    tutor = Tutor(make_course(seed_files(), embedder), embedder, MemoryStateStore())
    # documents go to a folder of their own (a fuzzed upload with a readable name is kept),
    # other courses' folders too
    root = Path(tempfile.mkdtemp(prefix="fuzz-documents-"))
    atexit.register(shutil.rmtree, root, True)
    (root / "corpus").mkdir()
    for name, text in seed_files().items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    tutor.manage_documents(CorpusLibrary(root / "corpus", root / "data", embedder))
    # The limit is off: a 429 depends on timing, and the cases must not. test_ratelimit checks
    # that a 429 matches its documentation.
    settings = Settings(
        rate_limit_per_minute=0,
        corpus_dir=root / "corpus",
        data_dir=root / "data",
        state_url="memory:",
        index_poll_seconds=0,
    )
    campus = campus_of(tutor, settings)
    campus.create_course(FIXTURE_COURSE)
    corpus = campus.registry.folders(FIXTURE_COURSE).corpus_dir
    for name, text in COURSE_FILES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    key = campus.create_key("fuzz-admin-key", "admin")
    return create_app(settings, campus), key


# Built when pytest collects this module: schemathesis parametrizes the test by operation at
# collection. (Its fixture-based loader, `from_fixture`, does not work with pytest 9.)
APP, KEY = fuzzed_app()
# 413 is a rejection too: a string longer than its maxLength can also be over the body limit.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {"expected-statuses": [400, 401, 404, 409, 413, 415, 422]}
        }
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same cases every run
    database=None,  # no replay of earlier runs' failures: each run stands alone
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms(case: schemathesis.Case) -> None:
    operation = f"{case.method} {case.path}"
    in_course = "/courses/{course_id}/" in case.path
    if in_course and _path_is_valid(case) and CALLS[operation] % 2:
        case.path_parameters = {**(case.path_parameters or {}), "course_id": FIXTURE_COURSE}
        IN_FIXTURE[operation] += 1
    response = case.call_and_validate(headers={"X-API-Key": KEY}, checks=CHECKS)
    CALLS[operation] += 1
    assert response.status_code < 500


def _path_is_valid(case: schemathesis.Case) -> bool:
    """Whether the path parameters were generated to fit the schema: putting a real course id
    in those of a case meant to be refused would make it valid."""
    info = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    return info is None or info.mode == GenerationMode.POSITIVE


def test_the_fuzzing_reached_every_route() -> None:
    """Runs after the fuzz test in this module: each documented operation was called."""
    operations = {
        f"{method.upper()} {path}"
        for path, methods in schema.raw_schema["paths"].items()
        for method in methods
    }
    if not CALLS:
        pytest.skip("the fuzz test did not run in this session")
    print(f"schemathesis: {sum(CALLS.values())} calls", dict(sorted(CALLS.items())))
    assert operations <= set(CALLS), sorted(operations - set(CALLS))
    in_course = {o for o in operations if "/courses/{course_id}/" in o}
    assert len(in_course) >= 15, sorted(in_course)
    assert in_course <= set(IN_FIXTURE), sorted(in_course - set(IN_FIXTURE))
