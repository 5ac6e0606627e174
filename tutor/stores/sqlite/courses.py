"""The course catalog in SQLite."""

from __future__ import annotations

import sqlite3

from ...domain import CourseInfo
from ...errors import InvalidInput
from .connection import SQLiteConnection, unavailable_on_failure

SCHEMA = """
CREATE TABLE IF NOT EXISTS courses (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""


class SQLiteCourses(SQLiteConnection):
    """`CourseCatalog` over the `courses` table."""

    @unavailable_on_failure
    def add_course(self, course: CourseInfo) -> None:
        try:
            with self._writing() as conn:
                conn.execute(
                    "INSERT INTO courses (id, title, created_at) VALUES (?, ?, ?)",
                    (course.course_id, course.title, course.created_at),
                )
        except sqlite3.IntegrityError:
            raise InvalidInput(f"a course {course.course_id!r} exists already") from None

    @unavailable_on_failure
    def remove_course(self, course_id: str) -> bool:
        with self._writing() as conn:
            return conn.execute("DELETE FROM courses WHERE id = ?", (course_id,)).rowcount > 0

    @unavailable_on_failure
    def courses(self) -> list[CourseInfo]:
        rows = (
            self._connection()
            .execute("SELECT id, title, created_at FROM courses ORDER BY created_at, id")
            .fetchall()
        )
        return [CourseInfo(str(i), str(t), float(at)) for i, t, at in rows]

    @unavailable_on_failure
    def course_info(self, course_id: str) -> CourseInfo | None:
        row = (
            self._connection()
            .execute("SELECT id, title, created_at FROM courses WHERE id = ?", (course_id,))
            .fetchone()
        )
        return CourseInfo(str(row[0]), str(row[1]), float(row[2])) if row else None
