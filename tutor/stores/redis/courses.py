"""The course catalog in Redis: one hash, course id -> {"title", "created_at"} as JSON."""

from __future__ import annotations

import json

from ...domain import CourseInfo
from ...errors import InvalidInput
from .connection import RedisConnection


def _info(course_id: str, raw: str) -> CourseInfo:
    body = json.loads(raw)
    return CourseInfo(course_id, str(body["title"]), float(body["created_at"]))


class RedisCourses(RedisConnection):
    """`CourseCatalog` under P:courses."""

    def add_course(self, course: CourseInfo) -> None:
        body = json.dumps({"title": course.title, "created_at": course.created_at})
        if not self._call("HSETNX", self._key("courses"), course.course_id, body):
            raise InvalidInput(f"a course {course.course_id!r} exists already")

    def remove_course(self, course_id: str) -> bool:
        return bool(self._call("HDEL", self._key("courses"), course_id))

    def courses(self) -> list[CourseInfo]:
        found = self._call("HGETALL", self._key("courses")) or {}
        infos = [_info(str(i), raw) for i, raw in found.items()]
        return sorted(infos, key=lambda c: (c.created_at, c.course_id))

    def course_info(self, course_id: str) -> CourseInfo | None:
        raw = self._call("HGET", self._key("courses"), course_id)
        return _info(course_id, raw) if raw is not None else None
