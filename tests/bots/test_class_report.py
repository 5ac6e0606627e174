"""The class report over a real socket (issue 14, part 3): two learners ask questions and
answer quiz items through the API, and the report's figures, in JSON and CSV, are the ones
worked out by hand below; `since` keeps the second learner's hour only; keys are checked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from bots.http_app import create_app
from tests.conftest import make_course
from tests.servers import serve
from tests.tutor.test_quizzes import Clock, year_items
from tutor.fakes import HashingEmbedder
from tutor.service import Tutor
from tutor.settings import Settings
from tutor.stores.memory import MemoryStateStore

# Three sections, one quiz item each (the sentence with a year; its answer is the year).
COURSE = {
    "wall.md": "# Building\n\n"
    "The Berlin Wall was erected in August 1961 by the East German government. "
    "It divided the city for twenty-eight years.\n\n# Fall\n\n"
    "The wall fell in November 1989 after mass protests. "
    "Crowds crossed the border at Bornholmer Street that night.\n",
    "sputnik.md": "# Launch\n\nSputnik 1 was launched by the Soviet Union in October 1957. "
    "It was the first artificial satellite to orbit the Earth.\n",
}
START = 1_800_000_000.0  # 2027-01-15T08:00:00Z, the first learner's hour
SECOND_HOUR = START + 3600  # 2027-01-15T09:00:00Z, the second learner's


@dataclass
class Run:
    """A served tutor after the scripted run, with a teacher's and a student's key."""

    url: str
    client: httpx.Client
    tutor: Tutor
    teacher: str
    student: str

    def report(self, **params: str) -> httpx.Response:
        return self.client.get(
            "/v1/class/report", params=params, headers={"X-API-Key": self.teacher}
        )


def class_tutor() -> Tutor:
    embedder = HashingEmbedder()
    return Tutor(
        make_course(COURSE, embedder),
        embedder,
        MemoryStateStore(),
        quiz_generator=year_items,
        clock=Clock(),
    )


def script_two_learners(client: httpx.Client, tutor: Tutor, key: str) -> None:
    """Learner A in the first hour, learner B in the second, each through the HTTP API."""
    student = {"X-API-Key": key}

    def ask(session: str, question: str, answered: bool, section: str | None) -> None:
        r = client.post(
            "/v1/ask", json={"question": question, "session_id": session}, headers=student
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["answerable"] is answered, (question, body)
        if section is not None:
            assert body["citations"][0]["section"] == section

    def practise(session: str, section: str, answers: list[tuple[str, bool]]) -> None:
        r = client.post("/v1/quiz", json={"session_id": session, "topic": section}, headers=student)
        assert r.status_code == 200, r.text
        item = r.json()
        assert item["topic"] == section, item
        for answer, right in answers:
            graded = client.post(
                f"/v1/quiz/{item['quiz_id']}/answer",
                json={"session_id": session, "answer": answer},
                headers=student,
            ).json()
            assert graded["correct"] is right, graded

    tutor.clock.now = START  # type: ignore[attr-defined]
    ask("learner-a", "When was the Berlin Wall erected?", True, "Building")
    # refused; its words (crowds, border) are the Fall section's
    ask("learner-a", "Which song did the crowds sing at the border?", False, None)
    practise("learner-a", "Building", [("no idea", False), ("1961", True)])
    practise("learner-a", "Fall", [("1989", True)])

    tutor.clock.now = SECOND_HOUR  # type: ignore[attr-defined]
    # refused (asked first: after a question on the wall it reads as a follow-up); its words
    # (border, night) are the Fall section's
    ask("learner-b", "Who commanded the border guards that night?", False, None)
    ask("learner-b", "When did the wall fall?", True, "Fall")
    ask("learner-b", "When was Sputnik 1 launched?", True, "Launch")
    practise("learner-b", "Building", [("1962", False)])
    practise("learner-b", "Launch", [("1957", True), ("1957", True)])


def scripted_run() -> Iterator[Run]:
    """Serve the course, run the script; other tests (the browser's) reuse it."""
    tutor = class_tutor()
    teacher = tutor.create_key("ms-smith", "teacher")
    student = tutor.create_key("lms", "student")
    with serve(create_app(Settings(), tutor)) as url, httpx.Client(base_url=url) as client:
        script_two_learners(client, tutor, student)
        yield Run(url, client, tutor, teacher, student)


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    yield from scripted_run()


# the CSV's columns, and the JSON's figures of a section (its `struggling` is checked apart)
COLUMNS = [
    "section",
    "asked",
    "answered",
    "refused",
    "refused_share",
    "attempts",
    "correct_attempts",
    "first_attempts",
    "correct_first_attempts",
    "first_try_correct",
    "learners",
    "struggling",
    "why",
]
FIGURES = [c for c in COLUMNS if c != "struggling"]


def figures(section: dict[str, object]) -> tuple[object, ...]:
    return tuple(section[f] for f in FIGURES)


# By hand, from the script:
# Building: A asked 1 (answered). Attempts at its item: A wrong (first), A right, B wrong
#   (first): 3 attempts, 1 right; first tries 2, right 0 -> 0.0; learners A and B.
# Fall: A's refused question, B's answered one and B's refused one: 3 asked, 1 answered,
#   2 refused (2/3). A right at its first try: 1 attempt, 1 first try right -> 1.0.
# Launch: B asked 1 (answered); B right twice: 2 attempts, 1 first try, right -> 1.0.
# Building stands out for its first tries, Fall for its refusals.
ALL_TIME = [
    ("Building", 1, 1, 0, 0.0, 3, 1, 2, 0, 0.0, 2, ["first tries right 0 of 2 times"]),
    (
        "Fall",
        3,
        1,
        2,
        0.6667,
        1,
        1,
        1,
        1,
        1.0,
        1,
        ["2 of 3 questions not answered by the course"],
    ),
    ("Launch", 1, 1, 0, 0.0, 2, 2, 1, 1, 1.0, 1, []),
]
# The class: 5 asked, 3 answered, 2 refused (2/5); 6 attempts, 4 right; first tries 4,
# right 2 -> 0.5; 2 learners.
ALL_TIME_TOTAL = ("", 5, 3, 2, 0.4, 6, 4, 4, 2, 0.5, 2, [])


def test_the_report_is_the_one_worked_out_by_hand(run: Run) -> None:
    r = run.report()
    assert r.status_code == 200, r.text
    body = r.json()
    assert [figures(s) for s in body["sections"]] == ALL_TIME
    assert figures(body["total"]) == ALL_TIME_TOTAL
    assert [s["struggling"] for s in body["sections"]] == [True, True, False]
    assert body["since"] is None and body["truncated"] is False
    building, fall, launch = body["sections"]
    missed = {
        "quiz_id": "q-000000",
        "question": "Fill in the blank: The Berlin Wall was erected in August _____ by the "
        "East German government.",
        "section": "Building",
        "misses": 2,
        "attempts": 3,
        "learners": 2,
    }
    assert building["missed"] == [missed]
    assert fall["missed"] == [] and launch["missed"] == []
    assert body["total"]["missed"] == [missed]
    asked = [q for u in fall["uncovered"] for q in u["questions"]]
    assert sorted(asked) == [
        "Which song did the crowds sing at the border?",
        "Who commanded the border guards that night?",
    ]
    assert sum(u["count"] for u in fall["uncovered"]) == 2
    assert building["uncovered"] == [] and launch["uncovered"] == []
    assert sum(u["count"] for u in body["total"]["uncovered"]) == 2
    assert all(u["last_at"].startswith("2027-01-15T0") for u in body["total"]["uncovered"])


def test_since_keeps_the_second_hour(run: Run) -> None:
    # B only: Building 1 wrong first try (one slip: not flagged); Fall 2 asked, 1 refused
    # (1/2, flagged); Launch as before.
    expected = [
        ("Building", 0, 0, 0, None, 1, 0, 1, 0, 0.0, 1, []),
        (
            "Fall",
            2,
            1,
            1,
            0.5,
            0,
            0,
            0,
            0,
            None,
            0,
            ["1 of 2 questions not answered by the course"],
        ),
        ("Launch", 1, 1, 0, 0.0, 2, 2, 1, 1, 1.0, 1, []),
    ]
    for since in ("2027-01-15T09:00:00Z", str(SECOND_HOUR)):
        body = run.report(since=since).json()
        assert body["since"] == "2027-01-15T09:00:00+00:00"
        assert [figures(s) for s in body["sections"]] == expected, since
        assert figures(body["total"]) == ("", 3, 2, 1, 0.3333, 3, 2, 2, 1, 0.5, 1, [])
    later = run.report(since="2027-01-16").json()
    assert [(s["asked"], s["attempts"]) for s in later["sections"]] == [(0, 0)] * 3
    assert run.report(since="yesterday").status_code == 400
    for beyond in ("253402300800", "nan", "-1e300"):  # no date shows these: refused, not a 500
        assert run.report(since=beyond).status_code == 400, beyond


def test_csv_is_one_row_a_section(run: Run) -> None:
    r = run.report(format="csv")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="class-report.csv"'
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [
        COLUMNS,
        ["Building", "1", "1", "0", "0.0", "3", "1", "2", "0", "0.0", "2", "True",
         "first tries right 0 of 2 times"],
        ["Fall", "3", "1", "2", "0.6667", "1", "1", "1", "1", "1.0", "1", "True",
         "2 of 3 questions not answered by the course"],
        ["Launch", "1", "1", "0", "0.0", "2", "2", "1", "1", "1.0", "1", "False", ""],
    ]  # fmt: skip
    since = list(csv.reader(io.StringIO(run.report(format="csv", since=str(SECOND_HOUR)).text)))
    assert since[2][:5] == ["Fall", "2", "1", "1", "0.5"]
    assert since[2][9] == "", "no first tries: an empty cell, not 0"


def test_the_report_needs_a_teacher_key(run: Run) -> None:
    path = "/v1/class/report"
    assert run.client.get(path).status_code == 401
    assert run.client.get(path, headers={"X-API-Key": "tk_not-a-key"}).status_code == 401
    student = {"X-API-Key": run.student}
    assert run.client.get(path, headers=student).status_code == 403
    csv_by_student = run.client.get(path, params={"format": "csv"}, headers=student)
    assert csv_by_student.status_code == 403
    assert run.client.get(path, params={"key": run.teacher}).status_code == 401, "header only"
    page = run.client.get("/teacher", params={"key": run.student, "view": "class"})
    assert page.status_code == 403


def test_the_class_tab_draws_the_report(run: Run) -> None:
    page = run.client.get("/teacher", params={"key": run.teacher, "view": "class"})
    assert page.status_code == 200
    html = page.text
    assert html.count('<g class="section') == 3
    assert html.count('<g class="section struggling"') == 2
    assert 'data-section="Launch"' in html and "⚠ struggling" in html
    # drawn on the server: no script in the tab, none allowed inline by the page's CSP
    assert "<script" not in html.split("<main>", 1)[1]
    csp = page.headers["content-security-policy"]
    directives = dict((d.strip() + " ").split(" ", 1) for d in csp.split(";") if d.strip())
    assert "unsafe-inline" not in directives.get("script-src", "")
    assert ">Class</a>" in run.client.get("/teacher", params={"key": run.teacher}).text
    later = run.client.get(
        "/teacher", params={"key": run.teacher, "view": "class", "since": "2027-01-16"}
    )
    assert later.status_code == 200 and "struggling" not in later.text.split("<svg")[1]


def test_the_report_is_documented_as_a_teacher_route(run: Run) -> None:
    spec = run.client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/class/report"]["get"]
    assert operation["tags"] == ["teachers"]
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ClassReportOut"}
    assert "text/csv" in content
    assert {"401", "403", "422"} <= set(operation["responses"])
