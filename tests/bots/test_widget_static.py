"""How the widget's ES modules are served: the page loads one entry module under a version
segment, every module it imports comes as JavaScript from the same folder, nothing else does."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bots import widget

SCRIPTS = sorted(widget.STATIC_DIR.glob("*.js"))
# `import ... from "X";` and `import "X";`, over several lines too
IMPORT = re.compile(r'^\s*import\s[^;]*?["\']([^"\']+)["\']\s*;', re.MULTILINE | re.DOTALL)


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(widget.router)
    with TestClient(app) as c:
        yield c


def _clear_caches() -> None:
    for cached in (widget._assets, widget.scripts_version, widget._page):
        cached.cache_clear()


def test_page_loads_the_entry_module_under_the_scripts_version(client: TestClient) -> None:
    page = client.get("/widget").text
    entry = f'<script type="module" src="widget/static/{widget.scripts_version()}/widget.js">'
    assert entry in page
    assert page.count("<script") == 1
    assert re.search(r'href="widget/static/widget\.css\?v=[0-9a-f]{12}"', page)


def test_every_script_is_served_as_javascript_at_both_urls(client: TestClient) -> None:
    assert len(SCRIPTS) > 5  # the split modules, not one file
    version = widget.scripts_version()
    for path in SCRIPTS:
        for url in (f"/widget/static/{path.name}", f"/widget/static/{version}/{path.name}"):
            r = client.get(url)
            assert r.status_code == 200, url
            assert r.headers["content-type"] == "text/javascript; charset=utf-8", url
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "max-age" in r.headers["cache-control"]
            assert r.content == path.read_bytes()


def test_imports_are_relative_siblings(client: TestClient) -> None:
    """A browser resolves `./x.js` under the page's version segment; anything else (a CDN, a
    bare name, another folder) would escape it or fail."""
    names = {p.name for p in SCRIPTS}
    imported = set()
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        specifiers = IMPORT.findall(text)
        assert len(specifiers) == len(re.findall(r"^\s*import\s", text, re.MULTILINE)), path
        for spec in specifiers:
            assert spec.startswith("./") and spec[2:] in names, f"{path.name}: {spec}"
            imported.add(spec[2:])
    assert imported | {"widget.js"} == names, "every module is reachable from the entry"


def test_only_scripts_and_the_style_sheet_are_served(client: TestClient) -> None:
    assert (widget.STATIC_DIR / "package.json").exists()
    for name in ("package.json", "widget.py", "nothing.js", "..%2Fwidget.py"):
        assert client.get(f"/widget/static/{name}").status_code == 404, name
        assert client.get(f"/widget/static/abc/{name}").status_code == 404, name
    css = client.get("/widget/static/widget.css")
    assert css.headers["content-type"] == "text/css; charset=utf-8"


def test_a_changed_module_changes_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "static"
    shutil.copytree(widget.STATIC_DIR, copy)
    monkeypatch.setattr(widget, "STATIC_DIR", copy)
    _clear_caches()
    try:
        before = widget.scripts_version()
        (copy / "quiz.js").write_text("// changed\n" + (copy / "quiz.js").read_text())
        _clear_caches()
        assert widget.scripts_version() != before
    finally:
        monkeypatch.undo()
        _clear_caches()


def test_no_script_exceeds_400_lines() -> None:
    for path in SCRIPTS:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
