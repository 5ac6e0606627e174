"""The embeddable chat widget: `GET /widget` (the page an LMS puts in an iframe) and its static
scripts and style sheet (`GET /widget/static/{name}`), all served by the app itself.

The page holds no inline script or style, so its Content-Security-Policy can forbid both; every
URL in it is relative, so it keeps working when the API is served under a path prefix.

The script is native ES modules, as they are on disk (no build step): the page loads
`widget.js` with `type="module"` and it imports its siblings (`./api.js`, ...) relatively. The
page asks for them under `widget/static/<version>/`, the version a hash of every script, so
the relative imports inherit it and a changed file anywhere is a new URL for all of them.
`frame_ancestors` on `app.state` (a list of CSP sources such as `https://moodle.example.edu`)
says which sites may frame it; without it only the API's own origin may.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .static_assets import Asset, asset_response, read_assets
from .static_assets import scripts_version as _version_of

log = logging.getLogger(__name__)

router = APIRouter(tags=["widget"])

STATIC_DIR = Path(__file__).resolve().parent / "widget_static"
# A CSP source expression: no whitespace, no directive or policy separator, nothing quoted
# except keywords such as 'self' and 'none'.
_SOURCE = re.compile(r"^(?:'[a-z-]+'|[^\s;,'\"]+)$")

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Course tutor</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="widget/static/widget.css?v={css_version}">
<link rel="stylesheet" href="widget/static/study.css?v={study_css_version}">
<script type="module" src="widget/static/{js_version}/widget.js"></script>
</head>
<body>
<div class="app">
  <header class="bar">
    <h1 class="title">Course tutor</h1>
    <div class="bar-actions">
      <button id="review" type="button">Review</button>
      <button id="progress-toggle" type="button" aria-expanded="false"
              aria-controls="progress">Progress</button>
    </div>
  </header>
  <section id="progress" class="progress-panel" aria-label="Your progress" hidden></section>
  <main class="chat">
    <div id="messages" class="messages" role="log" aria-live="polite" aria-relevant="additions"
         aria-label="Conversation">
      <div class="msg tutor intro">
        <p>Ask a question about the course. Each answer cites the course text: press a
        number such as [1] to read the passage it comes from.</p>
      </div>
    </div>
    <noscript><p class="msg error">This chat needs JavaScript to be enabled.</p></noscript>
  </main>
  <form id="ask" class="ask" autocomplete="off" novalidate>
    <label for="question" class="ask-label">Ask a question</label>
    <div class="ask-row">
      <input id="question" name="question" type="text" enterkeyhint="send"
             placeholder="Type a question, press Enter">
      <button id="send" type="submit" class="primary">Send</button>
    </div>
  </form>
</div>
<dialog id="passage" class="passage" aria-labelledby="passage-title" tabindex="-1">
  <div class="passage-head">
    <h2 id="passage-title" class="passage-title">Source passage</h2>
    <button id="passage-close" type="button" class="close" aria-label="Close passage">
      Close</button>
  </div>
  <p id="passage-section" class="passage-section"></p>
  <div id="passage-body" class="passage-body"></div>
</dialog>
</body>
</html>
"""


@cache
def _assets() -> dict[str, Asset]:
    """The folder's scripts and style sheets by name, read once, each with a short hash."""
    return read_assets(STATIC_DIR)


@cache
def scripts_version() -> str:
    """The modules' shared URL segment (see bots/static_assets.py)."""
    return _version_of(_assets())


@cache
def _page() -> str:
    return _PAGE.format(
        css_version=_assets()["widget.css"].version,
        study_css_version=_assets()["study.css"].version,
        js_version=scripts_version(),
    )


def frame_ancestors(request: Request) -> str:
    """The sources allowed to frame the page: `app.state.frame_ancestors`, else `'self'`."""
    configured = getattr(request.app.state, "frame_ancestors", None) or []
    sources = [s.strip() for s in configured if isinstance(s, str)]
    valid = [s for s in sources if _SOURCE.match(s)]
    if len(valid) != len(sources):
        log.warning(
            "ignoring frame ancestors that are not CSP sources: %r",
            sorted(set(sources) - set(valid)),
        )
    return " ".join(valid) if valid else "'self'"


def content_security_policy(request: Request) -> str:
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"connect-src 'self'; frame-ancestors {frame_ancestors(request)}"
    )


@router.get("/widget", response_class=HTMLResponse, include_in_schema=False)
def widget_page(request: Request) -> HTMLResponse:
    """The chat page. `?key=KEY` is read by its script, which then drops it from the address."""
    return HTMLResponse(
        _page(),
        headers={
            "Content-Security-Policy": content_security_policy(request),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


@router.get("/widget/static/{version}/{name}", include_in_schema=False)
def widget_module(version: str, name: str) -> Response:
    """A script under the page's version segment. Any version gets the current file, as an
    unknown `?v=` does: replicas in the middle of a deploy may disagree for a moment."""
    return widget_static(name)


@router.get("/widget/static/{name}", include_in_schema=False)
def widget_static(name: str) -> Response:
    """The page's scripts and style sheet; nothing else is served from the folder."""
    return asset_response(_assets(), name, "no such widget file")
