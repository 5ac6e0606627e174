"""The chat widget in a real Chromium (Playwright), over the real model, FAISS and HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bots.http_app import create_app
from bots.widget import router
from tests.fake_clock import FakeClock
from tests.servers import serve
from tutor.course import Course
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUOTE = "On August 13, the Berlin Wall was erected."
TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class Served:
    url: str
    key: str
    keys_enforced: bool  # once a key exists, student endpoints refuse a missing or wrong one


@pytest.fixture(scope="module")
def served(seed_course: Course, real_embedder) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    tutor = Tutor(seed_course, real_embedder, MemoryStateStore())
    create_key = getattr(tutor, "create_key", None)
    key = create_key("widget-test", "student") if create_key else "test-key"
    app = create_app(tutor=tutor)
    if not any(getattr(r, "path", None) == "/widget" for r in app.routes):
        app.include_router(router)
    with serve(app) as url:
        yield Served(url, key, create_key is not None)


def launch(playwright: Any) -> Any:
    """Debian's Chromium; launch() gives it a fresh temporary profile (user-data-dir)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def answer_card(card: Any) -> None:
    """Answer a quiz card as a learner might: the first option, or a shrug in the box."""
    short = card.locator("input.quiz-input")
    if short.count():
        short.fill("I do not know")
        card.get_by_role("button", name="Check").click()
    else:
        card.locator("button.option").first.click()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"), full_page=True)


def test_page_headers(served: Served) -> None:
    r = httpx.get(f"{served.url}/widget", timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text and "style=" not in r.text and "<style" not in r.text
    for name in ("widget.js", "widget.css"):
        s = httpx.get(f"{served.url}/widget/static/{name}", timeout=10)
        assert s.status_code == 200 and s.headers["x-content-type-options"] == "nosniff"
    for name in ("widget.py", "widget.html", "..%2Fwidget.py"):
        assert httpx.get(f"{served.url}/widget/static/{name}", timeout=10).status_code == 404


def test_frame_ancestors_from_app_state() -> None:
    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as client:
        csp = client.get("/widget").headers["content-security-policy"]
        assert csp.endswith("; frame-ancestors 'self'")
        app.state.frame_ancestors = ["https://lms.example.edu", "https://*.instructure.com"]
        csp = client.get("/widget").headers["content-security-policy"]
        assert csp == (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; frame-ancestors https://lms.example.edu https://*.instructure.com"
        )
        app.state.frame_ancestors = ["https://lms.example.edu; script-src *"]
        csp = client.get("/widget").headers["content-security-policy"]
        assert csp.endswith("; frame-ancestors 'self'") and "script-src *" not in csp


def test_widget_in_chromium(served: Served) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser test needs Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    base_url, key = served.url, served.key
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[dict[str, Any]] = []
    problems: list[str] = []

    def watch(page: Any) -> None:
        page.set_default_timeout(TIMEOUT_MS)
        page.on(
            "request",
            lambda r: requests.append(
                {"url": r.url, "navigation": r.is_navigation_request(), "headers": r.headers}
            ),
        )
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    with sync_playwright() as p:
        # launch() gives Chromium a fresh temporary profile (user-data-dir) of its own
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(viewport={"width": 800, "height": 900})
            page = context.new_page()
            watch(page)

            page.goto(f"{base_url}/widget?key={key}")
            question = page.get_by_label("Ask a question")
            expect(question).to_be_visible()
            assert key not in page.url and page.url == f"{base_url}/widget"
            shot(page, "1-empty")

            # ask with the keyboard
            question_text = "When was the Berlin Wall erected?"
            question.fill(question_text)
            question.press("Enter")
            answer = page.locator(".msg.answer").first
            expect(answer).to_contain_text("August 13")
            first = answer.locator("button.cite", has_text="[1]")
            expect(first).to_be_visible()
            expect(page.locator(".msg.user").first).to_have_text(question_text)
            expect(answer.locator(".sources li").first).to_contain_text(QUOTE)
            shot(page, "2-answer")

            # the passage panel: the quote marked in its paragraph; focus in, Escape, focus back
            first.click()
            panel = page.locator("#passage")
            expect(panel).to_be_visible()
            mark = panel.locator("mark")
            expect(mark).to_have_count(1)
            assert mark.evaluate("m => m.textContent") == QUOTE
            paragraph = panel.locator(".passage-text").inner_text()
            assert len(paragraph) > len(QUOTE) and "Khrushchev" in paragraph
            focus_in_panel = "document.getElementById('passage').contains(document.activeElement)"
            assert page.evaluate(focus_in_panel)
            shot(page, "3-passage")
            page.keyboard.press("Escape")
            expect(panel).to_be_hidden()
            assert page.evaluate("document.activeElement.textContent") == "[1]"
            # keyboard only: Space on the focused citation opens it, Tab reaches Close, Enter closes
            page.keyboard.press("Space")
            expect(mark).to_have_text(QUOTE)
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "passage-close"
            page.keyboard.press("Enter")
            expect(panel).to_be_hidden()
            assert page.evaluate("document.activeElement.textContent") == "[1]"

            # the follow-up quiz
            quiz = page.locator(".msg.quiz").first
            expect(quiz).to_be_visible()
            short = quiz.locator("input.quiz-input")
            if short.count():
                short.fill("I do not know")
                quiz.get_by_role("button", name="Check").click()
            else:
                quiz.locator("button.option").first.click()
            feedback = quiz.locator(".feedback")
            expect(feedback).to_be_visible()
            expect(feedback.locator(".verdict")).to_be_visible()
            text = feedback.inner_text()
            assert "The source says" in text or QUOTE in text
            shot(page, "4-quiz")

            # a phone: nothing wider than the screen, inputs large enough not to zoom
            phone = context.new_page()
            watch(phone)
            phone.set_viewport_size({"width": 390, "height": 844})
            phone.goto(f"{base_url}/widget?key={key}")
            box = phone.get_by_label("Ask a question")
            box.fill("When was the Berlin Wall erected?")
            box.press("Enter")
            expect(phone.locator(".msg.quiz")).to_be_visible()
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
            size = "parseFloat(getComputedStyle(document.getElementById('question')).fontSize)"
            assert phone.evaluate(size) >= 16
            shot(phone, "5-phone")
            phone.locator(".msg.answer button.cite").first.click()
            expect(phone.locator("#passage mark")).to_have_text(QUOTE)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
            shot(phone, "6-phone-passage")
            phone.close()

            if served.keys_enforced:
                # without a key: a readable error in the chat, not a blank page
                bare = context.new_page()
                watch(bare)
                bare.goto(f"{base_url}/widget")
                bare.get_by_label("Ask a question").fill("When was the Berlin Wall erected?")
                bare.get_by_role("button", name="Send").click()
                error = bare.locator(".msg.error")
                expect(error).to_contain_text("key is missing or invalid")
                expect(bare.get_by_label("Ask a question")).to_be_enabled()
                shot(bare, "7-no-key")
        finally:
            browser.close()

    assert problems == []
    api = [r for r in requests if "/v1/" in r["url"]]
    assert any(r["url"].endswith("/v1/ask") for r in api)
    assert any("/v1/documents/" in r["url"] for r in api)
    assert any(r["url"].endswith("/answer") for r in api)
    for r in api:
        assert r["headers"].get("x-tutor-channel") == "widget", r["url"]
        if r["url"] == f"{base_url}/v1/ask" and "x-api-key" not in r["headers"]:
            continue  # the page opened without a key
        assert r["headers"].get("x-api-key") == key, r["url"]
    assert sum("x-api-key" not in r["headers"] for r in api) <= 1
    # only the navigations that brought the key carry it in their URL
    assert [r["url"] for r in requests if key in r["url"] and not r["navigation"]] == []
    assert {r["url"] for r in requests if key in r["url"]} == {f"{base_url}/widget?key={key}"}


def test_a_courses_widget_asks_that_course(
    seed_course: Course,
    real_embedder,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """`/widget?course=ID` asks the course's routes: its answers, its passages, its key."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser test needs Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    from bots.wiring import campus_of
    from tests.integration.test_two_courses import DOCUMENTS, HISTORY
    from tutor import Settings

    settings = Settings(data_dir=tmp_path, state_url="memory:", index_poll_seconds=0)
    campus = campus_of(Tutor(seed_course, real_embedder, MemoryStateStore()), settings)
    campus.create_course(HISTORY)
    corpus = campus.registry.folders(HISTORY).corpus_dir
    (corpus / "lighthouse.md").write_text(DOCUMENTS[HISTORY]["lighthouse.md"], encoding="utf-8")
    key = campus.create_key("lighthouse-lms", "student", [HISTORY])
    requests: list[Any] = []
    with serve(create_app(settings, campus)) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS * 4)  # the course's index is built on first use
            page.on("request", lambda r: requests.append(r))
            page.goto(f"{url}/widget?course={HISTORY}&key={key}")
            assert page.url == f"{url}/widget?course={HISTORY}", "the key left, the course stayed"
            box = page.get_by_label("Ask a question")
            box.fill("When was the Vessin lighthouse lit for the first time?")
            box.press("Enter")
            answer = page.locator(".msg.answer").first
            expect(answer).to_contain_text("1834")
            answer.locator("button.cite").first.click()
            expect(page.locator("#passage mark")).to_contain_text("9 November 1834")
            shot(page, "8-course")
        finally:
            browser.close()
    campus.close()
    api = [r.url for r in requests if "/v1/" in r.url]
    assert f"{url}/v1/courses/{HISTORY}/ask" in api
    assert f"{url}/v1/courses/{HISTORY}/documents/lighthouse" in api
    assert all(u.startswith(f"{url}/v1/courses/{HISTORY}/") for u in api), api


@pytest.fixture(scope="module")
def clocked(seed_course: Course, real_embedder) -> Iterator[tuple[str, Tutor, FakeClock]]:  # type: ignore[no-untyped-def]
    """The widget over a tutor on a clock the test moves, so items fall due at once."""
    clock = FakeClock()
    tutor = Tutor(seed_course, real_embedder, MemoryStateStore(), clock=clock)
    with serve(create_app(tutor=tutor)) as url:
        yield url, tutor, clock


def test_review_and_progress_in_chromium(clocked: tuple[str, Tutor, FakeClock]) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser test needs Debian's chromium package")
    from playwright.sync_api import expect, sync_playwright

    url, tutor, clock = clocked
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_context(viewport={"width": 800, "height": 900}).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.goto(f"{url}/widget")

            # nothing yet: the review says so, the panel too
            page.get_by_role("button", name="Review").click()
            expect(page.locator(".review-note")).to_contain_text("answer a quiz first")
            page.get_by_role("button", name="Progress").click()
            panel = page.locator("#progress")
            expect(panel).to_contain_text("No answers yet")
            page.get_by_role("button", name="Progress").click()
            expect(panel).to_be_hidden()

            # a question, its quiz answered; two more items answered wrong in the same session
            question = page.get_by_label("Ask a question")
            question.fill("When was the Berlin Wall erected?")
            question.press("Enter")
            quiz = page.locator(".msg.quiz").first
            answer_card(quiz)
            expect(quiz.locator(".verdict")).to_be_visible()
            sid = page.evaluate("localStorage.getItem('tutor-session')")
            assert sid and sid.startswith("s-")
            for _ in range(2):
                item, _ = tutor.quiz(sid)
                tutor.answer_quiz(item.quiz_id, "zzz", sid)
            clock.advance(3 * 86_400)  # everything answered is due by then
            due = [i.quiz_id for i in tutor.due_items(sid)]
            assert len(due) == 3

            # the panel: a bar per section with items, the items due, the streak
            page.get_by_role("button", name="Progress").click()
            expect(panel.locator(".progress-figures")).to_contain_text("3 items due for review")
            sections = [s for s in tutor.progress(sid).sections if s.items]
            expect(panel.locator("meter")).to_have_count(len(sections))
            expect(panel.locator(".progress-figures")).to_contain_text("no streak yet")
            shot(page, "8-progress")

            # the review: three cards one after another, then the summary
            page.get_by_role("button", name="Review").click()
            expect(page.locator(".review-note").last).to_contain_text("Review: 3 items due")
            for n in range(3):
                card = page.locator(".review-item").nth(n)
                expect(card.locator(".label")).to_have_text(f"Review {n + 1} of 3")
                answer_card(card)
                expect(card.locator(".verdict")).to_be_visible()
            verdicts = page.locator(".review-item .verdict").all_inner_texts()
            right = sum(v.startswith("✓") for v in verdicts)
            done = page.locator(".review-done")
            expect(done).to_contain_text(f"Review done: 3 reviewed, {right} right; next review")
            attempts = tutor.store.attempts(sid)[-3:]
            assert [a.quiz_id for a in attempts] == due  # the earliest due first
            expect(panel.locator(".progress-figures")).to_contain_text("0 items due for review")
            expect(panel.locator(".progress-figures")).to_contain_text("1 day in a row")
            shot(page, "9-review")

            # a later visit is the same learner: the session was kept
            page.reload()
            page.get_by_role("button", name="Progress").click()
            expect(page.locator("#progress meter")).to_have_count(len(sections))
            assert page.evaluate("localStorage.getItem('tutor-session')") == sid
        finally:
            browser.close()
    assert problems == []
