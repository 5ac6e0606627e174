"""A course's quiz bank kept on disk beside its index, so a course loaded again (unloaded
under the memory budget, or loaded by another process) reads its items back instead of
generating them: about a second for a 60 KB course, against a few milliseconds to read.

A file per course version and per version of the code that makes items (a digest of the
core's source), `<data_dir>/quiz-bank/<version>.<code>.json`, so neither a new index nor a
new release reads items made for another. Written under a hidden name and renamed; a folder
that cannot be written (a read-only volume) only means generating every time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

import tutor
from tutor.course import Course
from tutor.domain import QuizItem
from tutor.quiz import generate_items
from tutor.stores.codec import item_from_dict, item_to_dict

log = logging.getLogger(__name__)

KEEP = 4  # files kept per course: the versions replicas may still serve during a roll-out


@functools.cache
def code_version() -> str:
    """A digest of the core's source and resources: items made by other code are not reused."""
    root = Path(tutor.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached_items(data_dir: Path) -> Callable[[Course], list[QuizItem]]:
    """A quiz generator for `Tutor(quiz_generator=…)` that keeps its items in `data_dir`."""

    def items_of(course: Course) -> list[QuizItem]:
        if not course.passages:
            return []
        folder = data_dir / "quiz-bank"
        version = re.sub(r"[^A-Za-z0-9_-]", "_", course.version)
        path = folder / f"{version}.{code_version()}.json"
        try:
            return [item_from_dict(d) for d in json.loads(path.read_text(encoding="utf-8"))]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError) as exc:  # made anew below
            log.warning("the quiz bank %s is unreadable, generating it: %s", path, exc)
        items = generate_items(course)
        try:
            _keep(folder, path, items)
        except OSError as exc:
            log.info("the quiz bank could not be kept in %s: %s", folder, exc)
        return items

    return items_of


def _keep(folder: Path, path: Path, items: list[QuizItem]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    hidden = folder / f".{path.name}-{os.getpid()}"
    hidden.write_text(json.dumps([item_to_dict(i) for i in items]), encoding="utf-8")
    os.replace(hidden, path)
    kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)
