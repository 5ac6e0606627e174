"""State stores: where sessions and learner progress live (SQLite by default).

`open_store(url)` is the one place that knows the URL schemes: `memory:`, `sqlite:`, `redis://`
and `rediss://`. Each backend implements the owners' small interfaces of `tutor.ports`
(sessions, progress, keys, audit, links), one module per owner in `sqlite/` and `redis/`; a
shared backend (Redis) also keeps the rate limits' buckets (`open_buckets`), so replicas
enforce one limit. A new backend is one more `Backend` below. Opening a store imports its
client only then.

Courses: the store of the URL the service is given is the deployment's ("campus") store:
keys, rate buckets, the course catalog and the default course's learner state.
`course_store_url(url, course_id, folder)` names where another course keeps its learner
state: SQLite, a file in the course's folder; Redis, the same server under the prefix
`<prefix>c:<course_id>:`; memory, a fresh store (lost when the course is unloaded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the registry imports no backend, nor numpy
    from ..ports import RateBuckets, StateStore


def sqlite_url(path: Path) -> str:
    return f"sqlite://{path}"  # sqlite:///abs/path, or sqlite://relative/path


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:").removeprefix("//"))


def _open_memory(url: str) -> StateStore:
    from .memory import MemoryStateStore

    return MemoryStateStore()


def _open_sqlite(url: str) -> StateStore:
    from .sqlite import SQLiteStateStore

    return SQLiteStateStore(_sqlite_path(url))


def _open_redis(url: str) -> StateStore:
    from .redis import RedisStateStore  # the Redis client only when asked for

    return RedisStateStore(url)


def _check_redis(url: str) -> None:
    from .redis import split_url

    split_url(url)  # its errors never repeat the URL, which may hold a password


def _redis_buckets(url: str, name: str) -> RateBuckets:
    from .redis.buckets import RedisBuckets

    return RedisBuckets(url, name)


def _no_check(url: str) -> None:
    pass


COURSE_STATE_FILE = "state.sqlite3"  # a course's learner state in its folder, with SQLite


def _memory_for_course(url: str, course_id: str, folder: Path) -> str:
    return "memory:"


def _sqlite_for_course(url: str, course_id: str, folder: Path) -> str:
    return sqlite_url(folder / COURSE_STATE_FILE)


def _redis_for_course(url: str, course_id: str, folder: Path) -> str:
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    from .redis import split_url

    prefix = split_url(url)[1]
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "prefix"]
    query.append(("prefix", f"{prefix}c:{course_id}:"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _drop_nothing(url: str) -> None:
    pass  # a memory store goes with its object


def _drop_sqlite(url: str) -> None:
    path = _sqlite_path(url)
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _drop_redis(url: str) -> None:
    from .redis import drop_prefix

    drop_prefix(url)


@dataclass(frozen=True)
class Backend:
    """One kind of state store: how its URLs start and how to open one."""

    schemes: tuple[str, ...]
    open: Callable[[str], StateStore]
    check: Callable[[str], None] = _no_check  # raises ValueError, never echoing the URL
    # a store several processes share keeps rate limits' buckets too: (url, limit's name)
    buckets: Callable[[str, str], RateBuckets] | None = None
    # where a course keeps its learner state: (campus url, course id, course folder) -> url
    for_course: Callable[[str, str, Path], str] = _memory_for_course
    # delete everything a course's store holds (the course was removed)
    drop: Callable[[str], None] = _drop_nothing


BACKENDS = (
    Backend(("sqlite:",), _open_sqlite, for_course=_sqlite_for_course, drop=_drop_sqlite),
    Backend(("memory:",), _open_memory),
    Backend(
        ("redis://", "rediss://"),
        _open_redis,
        _check_redis,
        _redis_buckets,
        for_course=_redis_for_course,
        drop=_drop_redis,
    ),
)


def backend_of(url: str) -> Backend:
    """The backend of a state URL; a ValueError naming the schemes, not the URL, otherwise."""
    for backend in BACKENDS:
        if url.startswith(backend.schemes):
            return backend
    # only the scheme is echoed: the rest of a mistyped URL may hold a password
    scheme = url.split(":", 1)[0] if ":" in url else url[:20]
    known = [s for b in BACKENDS for s in b.schemes]
    raise ValueError(
        f"state_url must start with {', '.join(known[:-1])} or {known[-1]}; "
        f"got one starting with {scheme!r}"
    )


def check_url(url: str) -> None:
    """Raise ValueError when `url` names no backend, or a malformed one, without echoing it."""
    backend = backend_of(url)
    backend.check(url)


def open_store(url: str) -> StateStore:
    return backend_of(url).open(url)


def open_buckets(url: str, name: str, *, max_keys: int = 10_000) -> RateBuckets:
    """Buckets for the rate limit `name`: in the store when it is shared, else in this process."""
    backend = backend_of(url)
    if backend.buckets is not None:
        return backend.buckets(url, name)
    from .buckets import MemoryBuckets

    return MemoryBuckets(max_keys)


def course_store_url(url: str, course_id: str, folder: Path) -> str:
    """Where the course `course_id`, whose files are in `folder`, keeps its learner state,
    given the deployment's state URL (see the module's docstring)."""
    from ..limits import check_course_id

    check_course_id(course_id)  # it becomes a key prefix or a path: a slug only
    return backend_of(url).for_course(url, course_id, folder)


def drop_course_store(url: str, course_id: str, folder: Path) -> None:
    """Delete the learner state of a course being removed (never the deployment's own)."""
    backend_of(url).drop(course_store_url(url, course_id, folder))
