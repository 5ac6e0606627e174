"""The teacher page's controls in a real Chromium (Playwright) against a real server on
127.0.0.1: upload, a refused file, remove, a correction made by selecting text, and its
removal. The course is small and embedded with the hashing fake, so rebuilds take a moment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bots.test_documents import NEW, Served, serving
from tests.integration.test_widget_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.upload_files import docx_bytes

pytestmark = pytest.mark.slow

TIMEOUT_MS = 30_000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUESTION = "When was the Berlin Wall erected by the East German government?"
# dragged over in the cited paragraph: from inside the highlighted quote to past its end
SELECTED = "East German government. It divided"
NOTE = "Construction started on the night of 12 to 13 August 1961."


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser test needs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serving(tmp_path)


class Page:
    """A page of the browser, watching its requests and errors."""

    def __init__(
        self,
        browser: Any,
        served: Served,
        key: str | None = None,
        path: str = "/teacher",
        **context: Any,
    ):
        self.served, self.base = served, str(served.client.base_url).rstrip("/")
        self.key = key or served.teacher["X-API-Key"]
        self.path = path
        self.context = browser.new_context(viewport={"width": 1000, "height": 900}, **context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.requests: list[Any] = []
        self.problems: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: d.accept())  # the confirm before a removal

    def open(self, query: str = "") -> Any:
        self.page.goto(f"{self.base}{self.path}?key={self.key}{'&' + query if query else ''}")
        return self.page

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"teacher-{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        assert self.problems == []
        calls = [r for r in self.requests if "/v1/" in r.url]
        for r in calls:
            assert r.headers.get("x-api-key") == self.key, r.url
        assert [
            r.url for r in self.requests if self.key in r.url and not r.is_navigation_request()
        ] == []


@pytest.fixture
def tab(browser: Any, served: Served) -> Iterator[Page]:
    opened = Page(browser, served)
    yield opened
    opened.close()


def ask(served: Served, question: str) -> dict[str, Any]:
    sent = served.client.post("/v1/ask", json={"question": question}, headers=served.teacher)
    assert sent.status_code == 200, sent.text
    return dict(sent.json())


def rows(page: Any) -> list[str]:
    return list(
        page.locator("#documents tbody tr").evaluate_all("rs => rs.map(r => r.dataset.doc)")
    )


def test_upload_a_docx_through_the_page(tab: Page, served: Served) -> None:
    from playwright.sync_api import expect

    page = tab.open("view=documents")
    expect(page.get_by_role("button", name="Upload")).to_be_visible()
    assert rows(page) == ["sputnik", "wall"]
    before = served.index()["version"]
    page.evaluate(  # every text the state line shows, to see "building…" however short
        """() => { window.seen = []; const s = document.getElementById('index-state');
        new MutationObserver(() => seen.push(s.textContent))
          .observe(s, {childList: true, characterData: true, subtree: true}); }"""
    )
    data = docx_bytes("Kariba", "The dam", NEW)
    page.get_by_label("Add or replace a document").set_input_files(
        {"name": "kariba.docx", "mimeType": DOCX, "buffer": data}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("kariba is ready")
    assert any("building…" in s for s in page.evaluate("window.seen"))
    row = page.locator('#documents tr[data-doc="kariba"]')
    expect(row).to_contain_text("Kariba")
    text = served.client.get("/v1/documents/kariba").json()["text"]
    expect(row.locator("td").nth(2)).to_have_text(str(len(text)))
    assert sorted(rows(page)) == ["kariba", "sputnik", "wall"]
    state = served.index()
    assert state["version"] != before
    expect(page.locator("#index-state")).to_have_text(f"Index version {state['version']}: ready")
    assert [r.url for r in tab.requests if r.url.endswith("/v1/index")], "the page polled"
    tab.shot("1-uploaded")

    answer = ask(served, "When was the Kariba dam completed across the Zambezi?")
    cited = answer["citations"][0]
    assert answer["answerable"] and cited["doc_id"] == "kariba"
    assert text[cited["start"] : cited["end"]] == cited["quote"] and "1959" in cited["quote"]

    row.get_by_role("link", name="Read").click()
    expect(page.locator("h2")).to_have_text("Kariba")
    expect(page.locator(".para").first).to_contain_text("Zambezi river in 1959")
    tab.shot("2-read")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("kariba.docx", b"PK\x03\x04" + b"junk" * 40, "cannot be read as .docx"),
        ("kariba.exe", b"MZ\x90\x00", "unknown file type .exe"),
    ],
)
def test_a_refused_file_shows_the_reason_and_changes_nothing(
    tab: Page, served: Served, name: str, data: bytes, reason: str
) -> None:
    from playwright.sync_api import expect

    page = tab.open("view=documents")
    before = served.index()
    page.get_by_label("Add or replace a document").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
    )
    page.get_by_role("button", name="Upload").click()
    alert = page.locator("#upload-error")
    expect(alert).to_contain_text(reason)
    assert alert.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "upload-file"
    assert rows(page) == ["sputnik", "wall"]
    expect(page.locator("#index-state")).to_have_text(f"Index version {before['version']}: ready")
    assert served.index() == before
    assert ask(served, "When was Sputnik 1 launched?")["answerable"]
    tab.shot(f"3-refused-{name.rsplit('.', 1)[1]}")


def test_remove_a_document_through_the_page(tab: Page, served: Served) -> None:
    from playwright.sync_api import expect

    page = tab.open("view=documents")
    page.get_by_role("button", name="Remove Sputnik (sputnik)").click()
    expect(page.get_by_role("status")).to_have_text("Removed sputnik.")
    assert rows(page) == ["wall"]
    assert page.evaluate("document.activeElement.id") == "index-state"
    assert served.client.get("/v1/documents/sputnik").status_code == 404
    assert not (served.corpus / "sputnik.txt").exists()
    tab.shot("4-removed")
    # the last document is refused, with the server's reason, and stays
    page.get_by_role("button", name="Remove The Berlin Wall (wall)").click()
    expect(page.get_by_role("alert").filter(has_text="last document")).to_be_visible()
    assert rows(page) == ["wall"]


def drag(page: Any, locator: Any, text: str) -> None:
    """Select `text` inside `locator` with the mouse: press before its first character,
    release after its last, wherever <mark> boundaries fall in between."""
    box = locator.evaluate(
        """(el, wanted) => {
          const whole = el.textContent, at = whole.indexOf(wanted);
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          const points = [];
          let seen = 0;
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (const [i, name] of [[at, 'from'], [at + wanted.length - 1, 'to']]) {
              if (i >= seen && i < seen + n.length) {
                const r = document.createRange();
                r.setStart(n, i - seen); r.setEnd(n, i - seen + 1);
                const rect = r.getBoundingClientRect();
                points.push({name, x: name === 'from' ? rect.left + 1 : rect.right - 1,
                             y: rect.top + rect.height / 2});
              }
            }
            seen += n.length;
          }
          return points;
        }""",
        text,
    )
    at = {p["name"]: p for p in box}
    page.mouse.move(at["from"]["x"], at["from"]["y"])
    page.mouse.down()
    page.mouse.move(at["to"]["x"], at["to"]["y"], steps=8)
    page.mouse.up()


def test_a_correction_made_by_selecting_text_in_a_cited_paragraph(
    tab: Page, served: Served
) -> None:
    from playwright.sync_api import expect

    before = ask(served, QUESTION)
    assert before["citations"][0]["doc_id"] == "wall"
    page = tab.open()
    para = page.locator('article .para[data-doc="wall"]').first
    expect(para.locator("mark")).to_be_visible()
    assert SELECTED.split(".")[0] in para.locator("mark").inner_text()  # starts in the quote
    drag(page, para, SELECTED)
    note = page.get_by_label("Correction note")
    expect(note).to_be_focused()
    expect(page.locator("form.correct")).to_contain_text(f"Selected: “{SELECTED}”")
    tab.shot("5-selected")
    note.fill(NOTE)
    page.get_by_role("button", name="Save").click()
    shown = para.locator("xpath=following-sibling::p[1]")
    expect(shown).to_have_text(f"Correction: {NOTE}")
    expect(shown).to_be_focused()
    expect(page.locator("form.correct")).to_have_count(0)
    tab.shot("6-saved")

    (made,) = served.client.get("/v1/corrections", headers=served.teacher).json()
    text = served.client.get("/v1/documents/wall").json()["text"]
    assert text[made["start"] : made["end"]] == SELECTED == made["quote"]
    assert made["note"] == NOTE and made["stale"] is False
    cited = ask(served, QUESTION)["citations"][0]
    assert cited["corrections"] == [
        {"id": made["id"], "note": NOTE, "start": made["start"], "end": made["end"]}
    ]

    # a second one after the highlighted quote, selected with a Range in the text after <mark>
    select_range(page, para, "the city for twenty")
    page.get_by_label("Correction note").fill("It divided the city until 1989.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("the city for twenty")
    second = served.client.get("/v1/corrections", headers=served.teacher).json()[1]
    assert text[second["start"] : second["end"]] == "the city for twenty" == second["quote"]
    cited = ask(served, QUESTION)["citations"][0]
    assert [c["note"] for c in cited["corrections"]] == [NOTE], "only the one on the quote"

    page.reload()
    expect(page.locator("article").first.locator(".fix")).to_have_text(f"Correction: {NOTE}")
    page.get_by_role("link", name="Corrections").click()
    expect(page.locator("article mark")).to_have_text([SELECTED, "the city for twenty"])
    tab.shot("7-corrections-tab")


def select_range(page: Any, locator: Any, text: str) -> None:
    """Select `text` in `locator` with a DOM Range inside the text node that holds it."""
    locator.evaluate(
        """(el, wanted) => {
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          let node = walker.nextNode();
          while (!node.data.includes(wanted)) node = walker.nextNode();
          const at = node.data.indexOf(wanted);
          const r = document.createRange();
          r.setStart(node, at); r.setEnd(node, at + wanted.length);
          getSelection().removeAllRanges(); getSelection().addRange(r);
          el.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        text,
    )


def test_a_correction_in_a_document_read_view_and_a_refusal(tab: Page, served: Served) -> None:
    from playwright.sync_api import expect

    page = tab.open("view=documents&doc=sputnik")
    para = page.locator(".para").first
    select_range(page, para, "October 1957")
    page.get_by_label("Correction note").fill("It was 4 October 1957.")
    page.get_by_role("button", name="Save").click()
    expect(para.locator("xpath=following-sibling::p[1]")).to_have_text(
        "Correction: It was 4 October 1957."
    )
    (made,) = served.client.get("/v1/corrections", headers=served.teacher).json()
    assert made["quote"] == "October 1957"

    # the document goes while the page is open: the server's refusal shows in the form
    assert served.client.delete("/v1/documents/sputnik", headers=served.teacher).status_code == 202
    served.ready()
    select_range(page, para, "first artificial satellite")
    page.get_by_label("Correction note").fill("x")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("form.correct [role=alert]")).to_contain_text("no document 'sputnik'")
    tab.shot("8-refused-correction")
    page.keyboard.press("Escape")
    expect(page.locator("form.correct")).to_have_count(0)
    expect(para).to_be_focused()


def test_remove_a_correction_from_the_corrections_tab(tab: Page, served: Served) -> None:
    from playwright.sync_api import expect

    text = served.client.get("/v1/documents/wall").json()["text"]
    for quote, note in (("August 1961", "first"), ("9 November 1989", "second")):
        start = text.index(quote)
        body = {"doc_id": "wall", "start": start, "end": start + len(quote), "note": note}
        made = served.client.post("/v1/corrections", json=body, headers=served.teacher)
        assert made.status_code == 201, made.text
    first, second = served.client.get("/v1/corrections", headers=served.teacher).json()
    page = tab.open("view=corrections")
    page.locator(f"#c{first['id']}").get_by_role("button", name="Remove correction").click()
    expect(page.get_by_role("status")).to_have_text("Correction removed.")
    expect(page.locator("article")).to_have_count(1)
    expect(page.locator(f"#c{second['id']} button.remove-correction")).to_be_focused()
    assert served.client.get("/v1/corrections", headers=served.teacher).json() == [second]
    tab.shot("9-correction-removed")


def test_without_javascript_the_page_reads_and_offers_no_controls(
    browser: Any, served: Served
) -> None:
    from playwright.sync_api import expect

    tab = Page(browser, served, java_script_enabled=False)
    page = tab.open("view=documents")
    expect(page.locator("#documents tbody tr")).to_have_count(2)
    expect(page.locator("#upload")).to_be_hidden()
    expect(page.locator("button.remove-doc").first).to_be_hidden()
    page.locator('tr[data-doc="wall"]').get_by_role("link", name="Read").click()
    expect(page.locator(".para").first).to_contain_text("East German government")
    tab.close()


def test_a_new_courses_page_takes_its_first_document(browser: Any, served: Served) -> None:
    """An admin makes a course and its teacher's key over HTTP; the teacher opens the course's
    page (/courses/{id}/teacher), uploads the first document, and the course answers from it
    while the default course is as it was."""
    from playwright.sync_api import expect

    admin = {"X-API-Key": served.tutor.create_key("head", "admin")}
    made = served.client.post("/v1/courses", json={"course_id": "botany"}, headers=admin)
    assert made.status_code == 201, made.text
    key = served.client.post(
        "/v1/keys",
        json={"name": "botanist", "role": "teacher", "courses": ["botany"]},
        headers=admin,
    ).json()["key"]
    tab = Page(browser, served, key=key, path="/courses/botany/teacher")
    page = tab.open("view=documents")
    expect(page.get_by_role("button", name="Upload")).to_be_visible()
    assert rows(page) == []
    page.get_by_label("Add or replace a document").set_input_files(
        {"name": "ferns.md", "mimeType": "text/markdown", "buffer": FERNS.encode()}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("ferns is ready")
    assert rows(page) == ["ferns"]
    page.locator('#documents tr[data-doc="ferns"]').get_by_role("link", name="Read").click()
    expect(page.locator("h2")).to_have_text("Ferns")
    tab.shot("8-course-page")
    tab.close()
    calls = [r.url for r in tab.requests if "/v1/" in r.url]
    assert calls and all("/v1/courses/botany/" in url for url in calls), calls

    answer = served.client.post(
        "/v1/courses/botany/ask",
        json={"question": "How do ferns reproduce?"},
        headers={"X-API-Key": key},
    ).json()
    assert answer["answerable"] and answer["citations"][0]["doc_id"] == "ferns", answer
    default = Page(browser, served)
    assert rows(default.open("view=documents")) == ["sputnik", "wall"]
    default.close()


FERNS = """# Ferns

## Spores

Ferns reproduce with spores released from clusters under the fronds. A young frond uncurls
from a tight coil called a fiddlehead.
"""
