"""A course's quiz bank, made when its index is built and kept in the build folder, so a
course loaded again (unloaded under the memory budget, by another replica, after a restart)
reads its items back instead of making them: about a second for a 60 KB course, against a
few milliseconds to read.

The file records the version of the code that made it (a digest of the core's source and
resources): a bank made by other code, or a build from before banks were kept, has its items
made when it is loaded, as before. Nothing is written while serving, so replicas only read
the shared index folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import tutor
from tutor.course import Course
from tutor.domain import QuizItem
from tutor.quiz import generate_items
from tutor.stores.codec import item_from_dict, item_to_dict

log = logging.getLogger(__name__)

FILE = "quiz-bank.json"


@functools.cache
def code_version() -> str:
    """A digest of the core's source and resources: items made by other code are not reused."""
    root = Path(tutor.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def bank_of(course: Course) -> dict[str, Any]:
    """The course's quiz items as the build keeps them (`FILE` in its folder)."""
    return {"code": code_version(), "items": [item_to_dict(i) for i in generate_items(course)]}


def read_bank(folder: Path) -> list[QuizItem] | None:
    """The items a build kept, None when it kept none that this code made."""
    try:
        bank = json.loads((folder / FILE).read_text(encoding="utf-8"))
        if bank.get("code") != code_version():
            return None
        return [item_from_dict(d) for d in bank["items"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("the quiz bank in %s is unreadable; making the items anew: %s", folder, exc)
        return None
