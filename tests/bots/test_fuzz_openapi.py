"""Schemathesis against /openapi.json, in process (ASGI), on the fake-backed tutor.

Every documented operation gets generated requests, valid and invalid (a bounded number, with a
fixed seed, so CI sees the same cases each run). Each response must be no 5xx, a documented
status, with its documented content type, body schema and headers. Invalid input must get a
4xx. The calls carry a teacher's key, so the teacher routes are exercised past their key check.
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
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bots.http_app import create_app
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


def fuzzed_app() -> tuple[FastAPI, str]:
    """The app on the fake-backed tutor, and a teacher's key for it."""
    embedder = HashingEmbedder()
    tutor = Tutor(make_course(seed_files(), embedder), embedder, MemoryStateStore())
    # documents go to a folder of their own (a fuzzed upload with a readable name is kept)
    root = Path(tempfile.mkdtemp(prefix="fuzz-documents-"))
    atexit.register(shutil.rmtree, root, True)
    (root / "corpus").mkdir()
    for name, text in seed_files().items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    tutor.manage_documents(CorpusLibrary(root / "corpus", root / "data", embedder))
    key = tutor.create_key("fuzz", "teacher")
    # The limit is off: a 429 depends on timing, and the cases must not. test_ratelimit checks
    # that a 429 matches its documentation.
    return create_app(Settings(rate_limit_per_minute=0), tutor=tutor), key


# Built when pytest collects this module: schemathesis parametrizes the test by operation at
# collection. (Its fixture-based loader, `from_fixture`, does not work with pytest 9.)
APP, KEY = fuzzed_app()
# 413 is a rejection too: a string longer than its maxLength can also be over the body limit.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [400, 401, 404, 413, 415, 422]}}}
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
    response = case.call_and_validate(headers={"X-API-Key": KEY}, checks=CHECKS)
    CALLS[f"{case.method} {case.path}"] += 1
    assert response.status_code < 500


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
