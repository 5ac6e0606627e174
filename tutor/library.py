"""Teachers change the course while it serves: uploads and removals rebuild the index in the
background, and the new course replaces the old one in a single step once it is whole.

Questions keep being answered from the previous course during a build. Changes that arrive
while a build runs are gathered into the next one, so builds never run side by side.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .course import Course
from .ports import DocumentLibrary, LinkStore

log = logging.getLogger(__name__)

# Where the version last published is kept in the state store, for the other replicas.
VERSION_LINK = ("index", "version")


@dataclass(frozen=True)
class IndexState:
    """The served index and whether a newer one is being built."""

    version: str
    building: bool
    last_error: str | None


class DocumentDesk:
    """Runs the rebuilds a library's changes call for, one at a time, and hands each new
    course to `publish`."""

    def __init__(
        self,
        library: DocumentLibrary,
        publish: Callable[[Course], None],
        links: LinkStore | None = None,
    ):
        self.library = library
        self._publish = publish
        self._links = links
        self._lock = threading.Lock()
        self._wanted = 0  # changes asked for
        self._built = 0  # changes the served course holds (or a failed build gave up on)
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None
        self._closed = threading.Event()

    def add(self, filename: str, data: bytes) -> str:
        doc_id = self.library.add(filename, data)  # refuses a bad file before anything changes
        self._rebuild()
        return doc_id

    def remove(self, doc_id: str) -> None:
        self.library.remove(doc_id)
        self._rebuild()

    @property
    def building(self) -> bool:
        with self._lock:
            return self._built < self._wanted

    def wait(self, timeout: float) -> bool:
        """Block until no build is due or running (tests, the CLI); whether that happened."""
        deadline = time.monotonic() + timeout
        while self.building:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def catch_up(self, serving: str) -> bool:
        """Serve the index another replica published, when its version is not `serving`
        (the one this process serves); whether it did. Nothing happens during a build here:
        that build publishes the newest files anyway."""
        if self._links is None or self.building:
            return False
        published = self._links.link(*VERSION_LINK)
        if published is None or published == serving:
            return False
        course = self.library.load()  # the shared data folder's CURRENT build
        if course.version == serving:
            return False
        self._publish(course)
        log.info("course %s in service (published by another replica)", course.version)
        return True

    def follow(self, serving: Callable[[], str], every: float) -> threading.Thread:
        """Check every `every` seconds for an index another replica published."""

        def run() -> None:
            while not self._closed.wait(every):
                try:
                    self.catch_up(serving())
                except Exception:  # a store or disk hiccup: the current course keeps serving
                    log.exception("could not check for a newer index; trying again later")

        thread = threading.Thread(target=run, name="index-follow", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop following other replicas' indexes."""
        self._closed.set()

    def _rebuild(self) -> None:
        with self._lock:
            self._wanted += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="index-build", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                target = self._wanted
                if self._built >= target:
                    self._thread = None
                    return
            started = time.monotonic()
            try:
                course = self.library.build()
                self._publish(course)
                self.last_error = None
                if self._links is not None:
                    self._links.set_link(*VERSION_LINK, course.version)
                log.info("course %s in service (built in %.1f s)", course.version, _since(started))
            except Exception as exc:  # the previous course keeps serving; the teacher sees why
                log.exception("the index could not be rebuilt; the previous course serves")
                self.last_error = str(exc) or type(exc).__name__
            with self._lock:
                self._built = target


def _since(started: float) -> float:
    return time.monotonic() - started
