"""The teacher page's controls as served: its script and policy, the "Documents" tab, the
read view, and the offsets correctable paragraphs carry (the browser test drives them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest

from bots import teacher_controls
from tests.bots.test_documents import Served, serving
from tests.bots.test_widget_static import IMPORT

SCRIPTS = sorted(teacher_controls.STATIC_DIR.glob("*.js"))
PARA = re.compile(r'<div class="para" data-doc="([^"]+)" data-start="(\d+)">(.*?)</div>', re.S)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serving(tmp_path)


def page(served: Served, **params: str) -> httpx.Response:
    key = served.teacher["X-API-Key"]
    found = served.client.get("/teacher", params={"key": key, **params})
    assert found.status_code == 200, found.text
    return found


def test_the_page_loads_its_script_under_a_strict_policy(served: Served) -> None:
    found = page(served)
    assert found.headers["content-security-policy"] == (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'"
    )
    (src,) = re.findall(r'<script type="module" src="([^"]+)"></script>', found.text)
    assert re.fullmatch(r"teacher/static/[0-9a-f]{12}/teacher\.js", src)
    assert found.text.count("<script") == 1, "no inline script"
    for path in SCRIPTS:
        for url in (f"/{src.rsplit('/', 1)[0]}/{path.name}", f"/teacher/static/{path.name}"):
            r = served.client.get(url)  # no key: the scripts hold no data
            assert r.status_code == 200, url
            assert r.headers["content-type"] == "text/javascript; charset=utf-8"
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.content == path.read_bytes()
    for name in ("package.json", "teacher.py", "..%2Fteacher.py", "widget.js"):
        assert served.client.get(f"/teacher/static/{name}").status_code == 404, name


def test_modules_import_only_their_siblings() -> None:
    names = {p.name for p in SCRIPTS}
    imported = set()
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        for spec in IMPORT.findall(text):
            assert spec.startswith("./") and spec[2:] in names, f"{path.name}: {spec}"
            imported.add(spec[2:])
        assert "console." not in text, f"{path.name} logs"
        assert len(text.splitlines()) <= 400, path.name
    assert imported | {"teacher.js"} == names, "every module is reachable from the entry"


def test_the_documents_tab_lists_the_index_and_hides_its_controls(served: Served) -> None:
    html = page(served, view="documents").text
    state = served.index()
    assert f'data-version="{state["version"]}"' in html and 'data-status="ready"' in html
    for doc in state["documents"]:  # type: ignore[attr-defined]
        assert f'<tr data-doc="{doc["doc_id"]}"><td>{doc["title"]}</td>' in html
        assert f"<td>{doc['chars']}</td>" in html
    assert 'accept=".txt,.md,.html,.docx,.pdf"' in html
    assert '<label for="upload-file">' in html
    # every control that changes something waits for the script (the form holds its button)
    controls = re.findall(r'<form[^>]*>|<button[^>]*class="remove-doc"[^>]*>', html)
    assert len(controls) == 1 + len(state["documents"])  # type: ignore[arg-type]
    assert all("data-js hidden" in c for c in controls), controls
    assert re.sub(r"<form.*?</form>|<button.*?</button>", "", html).count("<button") == 0


def test_a_failed_rebuild_is_shown(served: Served) -> None:
    desk = served.tutor.desk
    assert desk is not None
    desk.last_error = "kariba.md: <no sentences>"  # as the build thread records a failure
    html = page(served, view="documents").text
    assert "The last rebuild failed: kariba.md: &lt;no sentences&gt;" in html


def test_correctable_paragraphs_carry_their_exact_place(served: Served) -> None:
    served.client.post(
        "/v1/ask",
        json={"question": "When was the Berlin Wall erected?"},
        headers=served.teacher,
    )
    pinned = served.client.post(
        "/v1/corrections",
        json={"doc_id": "wall", "start": 152, "end": 160, "note": "9 November"},
        headers=served.teacher,
    )
    assert pinned.status_code == 201, pinned.text
    seen = 0
    views = ({}, {"view": "documents", "doc": "wall"}, {"view": "documents", "doc": "sputnik"})
    for params in views:
        html = page(served, **params).text
        for doc_id, start, inner in PARA.findall(html):
            text = unescape(re.sub(r"</?mark>", "", inner))
            served_text = served.client.get(f"/v1/documents/{doc_id}").json()["text"]
            assert served_text[int(start) : int(start) + len(text)] == text
            seen += 1
    assert seen >= 4
    read = page(served, view="documents", doc="wall").text
    assert "<h3>Building</h3>" in read and "<h3>The Berlin Wall</h3>" not in read
    assert (
        'data-start="152">The wall fell on 9 November 1989 after mass protests.</div>'
        '<p class="fix">Correction: 9 November</p>'
    ) in read, "the note beside the paragraph it falls in"
    assert "No document nope" in page(served, view="documents", doc="nope").text


def test_a_quote_inside_its_paragraph_gives_the_paragraphs_start() -> None:
    """The seed course cites a sentence in the middle of its paragraph: the paragraph's
    offset is the quote's less the text before it, not the quote's own."""
    from fastapi.testclient import TestClient

    from bots.http_app import create_app
    from tests.tutor.test_quizzes import make_tutor
    from tutor.settings import Settings

    tutor = make_tutor()
    key = tutor.create_key("t", "teacher")
    cited = tutor.ask("When was the Berlin Wall erected?").citations[0]
    with TestClient(create_app(Settings(), tutor)) as client:
        html = client.get("/teacher", params={"key": key}).text
    (doc_id, start, inner), *_ = PARA.findall(html)
    before = unescape(inner.split("<mark>")[0])
    assert before and int(start) == cited.start - len(before)
    text = tutor.document(doc_id).text
    assert text[int(start) : cited.end] == before + cited.quote
