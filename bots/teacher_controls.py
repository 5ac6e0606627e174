"""The teacher page's editing controls: the "Documents" tab (the served index, upload, remove),
a document's text to read and correct, and the page's script (`bots/teacher_static/`).

The page is rendered whole on the server and reads without a script; every control that
changes something is rendered `hidden` with `data-js`, and the script shows them. The script
talks to the course's JSON routes (`documents`, `index`, `corrections` under the base the page
names in `<body data-api>`: `v1/` or `../../v1/courses/{course_id}/`) with the key it reads
from the page's URL, sent as `X-API-Key`. A paragraph that can be corrected carries its
document and its start offset (`data-doc`, `data-start`, in code points of the text
`GET /v1/documents/{doc_id}` serves) so the script turns a selection into exact offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from html import escape
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from tutor import NotFound, PinnedCorrection, Tutor

from .static_assets import Asset, asset_response, read_assets, scripts_version

router = APIRouter(tags=["teachers"])

STATIC_DIR = Path(__file__).resolve().parent / "teacher_static"
ACCEPTED = ".txt,.md,.html,.docx,.pdf"  # what POST /v1/documents converts
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'"
)
CONTROLS_CSS = """
[hidden]{display:none!important}
button{font:inherit;padding:.2rem .7rem;border:1px solid #8793a3;border-radius:4px;
background:#fff;cursor:pointer}
button:focus-visible,textarea:focus-visible,input:focus-visible,a:focus-visible,
[tabindex="-1"]:focus{outline:3px solid #2b6cb0;outline-offset:2px}
button:disabled{opacity:.6;cursor:default}
.hint{color:#5a6472;font-size:.9rem}
.status{min-height:1.4rem}
form.upload,form.correct{background:#fff;border:1px solid #d9dde3;border-radius:8px;
padding:.7rem 1rem;margin:.6rem 0}
form.correct textarea{display:block;width:100%;box-sizing:border-box;font:inherit;margin:.3rem 0}
label{font-weight:600;margin-right:.5rem}
.para[data-start]{white-space:pre-wrap}
.doc h3{margin:1.2rem 0 .3rem}
"""
# The blank lines between a document's paragraphs (see index/ cleaning: one paragraph a block).
_BLANK = re.compile(r"\n[ \t]*\n\s*")


@cache
def _assets() -> dict[str, Asset]:
    return read_assets(STATIC_DIR)


@cache
def script_tag(root: str = "") -> str:
    """The entry module, under a hash of every script; relative to the page, `root` leading
    from its folder to the app's (`../../` from `/courses/{course_id}/teacher`)."""
    version = scripts_version(_assets())
    return f'<script type="module" src="{root}teacher/static/{version}/teacher.js"></script>'


@router.get("/teacher/static/{version}/{name}", include_in_schema=False)
def teacher_module(version: str, name: str) -> Response:
    """A script under the page's version segment; any version gets the current file."""
    return teacher_static(name)


@router.get("/teacher/static/{name}", include_in_schema=False)
def teacher_static(name: str) -> Response:
    """The page's scripts (code only, no data: they need no key)."""
    return asset_response(_assets(), name, "no such teacher page file")


def para_attrs(doc_id: str, start: int) -> str:
    """What makes a `.para` correctable: its document and where its text starts in it."""
    return f' data-doc="{escape(doc_id)}" data-start="{start}"'


def select_hint() -> str:
    return (
        '<p class="hint" data-js hidden>Select text in a paragraph to pin a correction to '
        "it: a note that every answer citing that text will carry.</p>"
    )


def remove_correction_button(correction_id: str) -> str:
    return (
        f'<button type="button" class="remove-correction" data-id="{escape(correction_id)}" '
        "data-js hidden>Remove correction</button>"
    )


def _row(doc_id: str, title: str, chars: int, read: str) -> str:
    return (
        f'<tr data-doc="{escape(doc_id)}"><td>{escape(title)}</td><td><code>{escape(doc_id)}'
        f'</code></td><td>{chars}</td><td><a href="{escape(read)}">Read</a> '
        f'<button type="button" class="remove-doc" data-doc="{escape(doc_id)}" '
        f'aria-label="Remove {escape(title)} ({escape(doc_id)})" data-js hidden>Remove</button>'
        "</td></tr>"
    )


def documents_html(t: Tutor, read_href: Callable[[str], str]) -> str:
    """The served index: its version and state, the last failed rebuild, each document with a
    Read link and a Remove button, and the upload form."""
    state = t.index_state()
    status = "building" if state.building else "ready"
    shown = "building…" if state.building else "ready"
    error = f"The last rebuild failed: {state.last_error}" if state.last_error else ""
    rows = "".join(_row(d.doc_id, d.title, len(d.text), read_href(d.doc_id)) for d in t.documents())
    return (
        "<h2>Documents</h2>"
        f'<p id="index-state" class="meta" tabindex="-1" data-status="{status}" '
        f'data-version="{escape(state.version)}">Index version <code>{escape(state.version)}'
        f"</code>: {shown}</p>"
        f'<p id="index-error" class="bad" role="alert">{escape(error)}</p>'
        '<table id="documents"><thead><tr><th>title</th><th>id</th><th>characters</th>'
        f"<th></th></tr></thead><tbody>{rows}</tbody></table>"
        '<form id="upload" class="upload" data-js hidden>'
        f'<label for="upload-file">Add or replace a document</label>'
        f'<input id="upload-file" name="file" type="file" accept="{ACCEPTED}" '
        'aria-describedby="upload-help"> <button type="submit">Upload</button>'
        '<p id="upload-help" class="hint">.txt, .md, .html, .docx or .pdf; a file of the same '
        "name replaces that document. The course keeps answering while the index is rebuilt."
        '</p><p id="upload-error" class="bad" role="alert"></p></form>'
    )


def _blocks(text: str) -> list[tuple[int, str]]:
    """The document's paragraphs (blank-line separated), each with its start offset."""
    blocks, at = [], 0
    for gap in [*_BLANK.finditer(text), None]:
        stop = gap.start() if gap else len(text)
        block = text[at:stop]
        lead = len(block) - len(block.lstrip())
        if block.strip():
            blocks.append((at + lead, block.strip()))
        at = gap.end() if gap else stop
    return blocks


def document_html(t: Tutor, doc_id: str, back: str, pinned: list[PinnedCorrection]) -> str:
    """A document's served text, paragraph by paragraph, each correctable, with the live
    corrections beside the paragraphs they fall in; section titles as headings."""
    try:
        doc = t.document(doc_id)
    except NotFound:
        return (
            f'<p class="bad">No document {escape(doc_id)} is served.</p>'
            f'<p><a href="{escape(back)}">All documents</a></p>'
        )
    titles = {(s.start, s.title) for s in doc.sections}
    parts = [
        f'<div class="doc"><h2>{escape(doc.title)}</h2><p class="meta"><code>'
        f"{escape(doc.doc_id)}</code> · {len(doc.text)} characters · "
        f'<a href="{escape(back)}">All documents</a></p>{select_hint()}'
    ]
    live = [p for p in pinned if not p.stale and p.correction.doc_id == doc.doc_id]
    for start, block in _blocks(doc.text):
        if start == 0 and block == doc.title:
            continue  # the heading above
        if (start, block) in titles:
            parts.append(f"<h3>{escape(block)}</h3>")
            continue
        end = start + len(block)
        notes = "".join(
            f'<p class="fix">Correction: {escape(p.correction.note)}</p>'
            for p in live
            if p.start < end and start < p.end
        )
        parts.append(
            f'<div class="para"{para_attrs(doc.doc_id, start)}>{escape(block)}</div>{notes}'
        )
    parts.append("</div>")
    return "".join(parts)
