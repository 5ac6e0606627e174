"""The deployment's courses: the catalog, each course's folder, where its learner state is.

The default course is the one the settings name (TUTOR_CORPUS_DIR, TUTOR_DATA_DIR and the
state store itself), so a deployment from before courses existed keeps everything and
migrates nothing; it is never in the catalog and cannot be removed. Every other course has a
folder under the courses root (`Settings.courses_root()`, a volume every replica mounts):

    <root>/<course_id>/corpus/          its documents (as TUTOR_CORPUS_DIR is the default's)
    <root>/<course_id>/index-data/      its index builds (as TUTOR_DATA_DIR is the default's)
    <root>/<course_id>/state.sqlite3    its learner state, when the state store is SQLite

and its learner state in a store of its own (`tutor.stores.course_store_url`). The catalog
lives in the deployment-wide store, so with Redis every replica sees the same courses.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .domain import DEFAULT_COURSE, CourseInfo
from .errors import InvalidInput, NotFound
from .limits import COURSE_ID, check_course_id, check_text
from .ports import CourseCatalog, KeyStore
from .stores import course_store_url, drop_course_store
from .teaching import key_courses

DEFAULT_TITLE = "Default course"
MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class CourseFolders:
    """Where a course's documents and index are kept."""

    course_id: str
    corpus_dir: Path
    data_dir: Path


class CourseRegistry:
    """The courses of a deployment: create, list, remove, and where each one's files and
    learner state are. Knows nothing of loaded indexes (that is `tutor.Campus`), so the CLI
    uses it without a model."""

    def __init__(
        self,
        catalog: CourseCatalog,
        keys: KeyStore,
        store_url: str,
        root: Path,
        default: CourseFolders,
        clock: Callable[[], float] = time.time,
    ):
        if default.course_id != DEFAULT_COURSE:
            raise InvalidInput(f"the default course's id is {DEFAULT_COURSE!r}")
        self.catalog = catalog
        self.keys = keys  # the deployment's: a removed course is taken off them
        self.campus_url = store_url
        self.root = root
        self.default = default
        self.clock = clock

    def folder(self, course_id: str) -> Path:
        """The folder of a course other than the default (whether it exists or not)."""
        return self.root / check_course_id(course_id)

    def info(self, course_id: str) -> CourseInfo:
        """The course of that id; NotFound when there is none (a malformed id included)."""
        if course_id == DEFAULT_COURSE:
            return CourseInfo(DEFAULT_COURSE, DEFAULT_TITLE, 0.0)
        found = self.catalog.course_info(course_id) if COURSE_ID.fullmatch(course_id) else None
        if found is None:
            raise NotFound(f"no course {course_id[:80]!r}")
        return found

    def list(self) -> list[CourseInfo]:
        """Every course, the default one first, then the others oldest first."""
        return [self.info(DEFAULT_COURSE), *self.catalog.courses()]

    def folders(self, course_id: str) -> CourseFolders:
        """Where an existing course's documents and index are; NotFound for an unknown one."""
        if course_id == DEFAULT_COURSE:
            return self.default
        self.info(course_id)
        folder = self.folder(course_id)
        return CourseFolders(course_id, folder / "corpus", folder / "index-data")

    def store_url(self, course_id: str) -> str:
        """Where a course keeps its learner state (the default: the deployment's store)."""
        if course_id == DEFAULT_COURSE:
            return self.campus_url
        return course_store_url(self.campus_url, course_id, self.folder(course_id))

    def create(self, course_id: str, title: str | None = None) -> CourseInfo:
        """A new course, without documents; InvalidInput for a bad or taken id."""
        check_course_id(course_id)
        if course_id == DEFAULT_COURSE:
            raise InvalidInput(f"a course {DEFAULT_COURSE!r} exists already")
        shown = check_text("title", course_id if title is None else title, MAX_TITLE_CHARS)
        info = CourseInfo(course_id, shown, self.clock())
        self.catalog.add_course(info)
        # documents a folder already holds (copied there before) are the course's
        (self.folder(course_id) / "corpus").mkdir(parents=True, exist_ok=True)
        return info

    def remove(self, course_id: str) -> None:
        """Forget a course, its learner state and its folder, and take it off every key (a
        key left with no course is revoked). The default one cannot be removed
        (InvalidInput); NotFound for an unknown one."""
        if course_id == DEFAULT_COURSE:
            raise InvalidInput(f"the {DEFAULT_COURSE!r} course cannot be removed")
        self.info(course_id)
        # before the catalog forgets it: a crash between the two leaves keys closed to a
        # course that stays, never open to one made again with this id
        self.keys.forget_course(course_id)
        if not self.catalog.remove_course(course_id):
            raise NotFound(f"no course {course_id!r}")  # removed meanwhile by someone else
        folder = self.folder(course_id)
        drop_course_store(self.campus_url, course_id, folder)
        shutil.rmtree(folder, ignore_errors=True)

    def key_courses(self, role: str, courses: Sequence[str] | None) -> tuple[str, ...]:
        """The courses a new key of `role` is for (`tutor.teaching.key_courses`), each of
        which must exist (NotFound otherwise)."""
        scoped = key_courses(role, courses)
        for course_id in scoped:
            self.info(course_id)
        return scoped
