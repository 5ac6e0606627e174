"""The review page teachers open in a browser: recent answers with their sources, what the
course lacks, corrections, documents and the class view (server-rendered; its controls are
the same-origin script of `teacher_controls`)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tutor import AuditFilter, Citation, PinnedCorrection, Tutor, with_corrections

from .class_view import class_html
from .deps import TeacherPageAccess, TutorDep
from .teacher import iso, parse_since
from .teacher_controls import (
    CONTROLS_CSS,
    PAGE_CSP,
    document_html,
    documents_html,
    para_attrs,
    remove_correction_button,
    script_tag,
    select_hint,
)

router = APIRouter()
LOW_CONFIDENCE = 0.6

PAGE_CSS = """
body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1f3b5a;color:#fff;padding:.8rem 1.2rem}header a{color:#cfe3ff}
main{max-width:60rem;margin:0 auto;padding:1rem}
nav a{margin-right:1rem}
article{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:1rem;margin:1rem 0}
article.flagged{border-color:#c0392b}
.meta{color:#5a6472;font-size:.85rem}
.para{background:#fafbfc;border-left:3px solid #9aa7b8;padding:.5rem .8rem;margin:.5rem 0}
mark{background:#ffe58a;padding:0 .1rem}
.ok{color:#1e7b34;font-weight:600}.bad{color:#c0392b;font-weight:600}
.fix{border-left:3px solid #c77d00;background:#fff7e6;padding:.3rem .8rem;margin:.3rem 0}
table{border-collapse:collapse}td{padding:.2rem .6rem;border-bottom:1px solid #e3e6ea}
"""


def _link(request: Request, **params: str) -> str:
    """The page with other parameters, relative: `/teacher` and `/courses/{id}/teacher` both
    link to themselves."""
    key = request.query_params.get("key")
    merged = {**({"key": key} if key else {}), **{k: v for k, v in params.items() if v}}
    return "teacher" + ("?" + urlencode(merged) if merged else "")


def _roots(request: Request) -> tuple[str, str]:
    """From the page's folder: the app's root, and the root of the course's JSON routes."""
    course_id = request.path_params.get("course_id")
    if course_id is None:
        return "", "v1/"
    return "../../", f"../../v1/courses/{quote(course_id, safe='')}/"


def _notes_html(c: Citation, pinned: list[PinnedCorrection]) -> str:
    """The live corrections overlapping citation `c`, as notes beside its quote."""
    return "".join(
        f'<p class="fix">Correction: {escape(x.note)}</p>'
        for x in with_corrections(c, pinned).corrections
    )


def _citation_html(t: Tutor, c: Any, pinned: list[PinnedCorrection] | None = None) -> str:
    holds = t.citation_holds(c)
    mark = (
        '<span class="ok" title="the document still says this here">✓ verified</span>'
        if holds
        else '<span class="bad">✗ source changed</span>'
    )
    context, attrs = escape(c.quote), ""
    if holds:
        paragraph, s, e = t.passage(c.doc_id, c.start, c.end)
        lo = c.start - s
        if t.document(c.doc_id).text[lo : lo + len(paragraph)] == paragraph:
            attrs = para_attrs(c.doc_id, lo)  # the script can pin a correction in it
        context = (
            escape(paragraph[:s])
            + "<mark>"
            + escape(paragraph[s:e])
            + "</mark>"
            + escape(paragraph[e:])
        )
    return (
        f'<div class="cite"><div class="meta">{escape(c.doc_id)} § {escape(c.section)} '
        f'[{c.start}:{c.end}] {mark}</div><div class="para"{attrs}>{context}</div>'
        f"{_notes_html(c, pinned or [])}</div>"
    )


def _corrections_html(pinned: list[PinnedCorrection]) -> str:
    """Every correction: the quote it was pinned to with the note beside it; a stale one (the
    document no longer holds the quote) says so."""
    rows = ["<h2>Corrections</h2>"]
    if not pinned:
        rows.append("<p>No corrections yet (POST /v1/corrections pins one).</p>")
    for p in pinned:
        c = p.correction
        state = (
            '<span class="bad">stale: the document no longer holds this text</span>'
            if p.stale
            else f"[{p.start}:{p.end}]"
        )
        rows.append(
            f'<article id="c{escape(c.correction_id)}"><div class="meta">{escape(c.doc_id)} '
            f"{state} · {iso(c.created_at)} · id {escape(c.correction_id)}</div>"
            f'<div class="para"><mark>{escape(c.quote)}</mark></div>'
            f'<p class="fix">Correction: {escape(c.note)}</p>'
            f"{remove_correction_button(c.correction_id)}</article>"
        )
    return "".join(rows)


@router.get("/teacher", response_class=HTMLResponse, include_in_schema=False)
def teacher_page(
    request: Request,
    t: TutorDep,
    _: TeacherPageAccess,
    view: Literal["answers", "uncovered", "corrections", "documents", "class"] = "answers",
    low: bool = False,
    flagged: bool = False,
    doc: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The review page: recent answers and their sources, or what the course lacks."""
    nav = (
        f'<nav><a href="{escape(_link(request))}">Recent answers</a>'
        f'<a href="{escape(_link(request, low="true"))}">Low confidence</a>'
        f'<a href="{escape(_link(request, flagged="true"))}">Flagged</a>'
        f'<a href="{escape(_link(request, view="uncovered"))}">Not covered by the course</a>'
        f'<a href="{escape(_link(request, view="corrections"))}">Corrections</a>'
        f'<a href="{escape(_link(request, view="documents"))}">Documents</a>'
        f'<a href="{escape(_link(request, view="class"))}">Class</a></nav>'
    )
    parts = []
    if view == "corrections":
        parts.append(_corrections_html(t.corrections()))
    elif view == "documents":
        back = _link(request, view="documents")
        parts.append(
            document_html(t, doc, back, t.corrections())
            if doc
            else documents_html(t, lambda d: _link(request, view="documents", doc=d))
        )
    elif view == "class":
        report = t.class_report(parse_since(request.query_params.get("since")))
        parts.append(
            class_html(report, lambda s: _link(request, view="class", since=s), datetime.now(UTC))
        )
    elif view == "uncovered":
        topics = t.uncovered()
        parts.append("<h2>What students asked that the course doesn't cover</h2>")
        if not topics:
            parts.append("<p>Nothing yet: every question so far was answered.</p>")
        parts.append("<table><tr><th>asked</th><th>topic</th><th>questions</th></tr>")
        for topic in topics:
            others = "<br>".join(escape(q) for q in topic.questions[:8])
            parts.append(
                f"<tr><td>{topic.count}×</td><td><b>{escape(topic.question)}</b></td>"
                f"<td>{others}</td></tr>"
            )
        parts.append("</table>")
    else:
        query = AuditFilter(
            flagged=True if flagged else None,
            max_confidence=LOW_CONFIDENCE if low else None,
            answerable=True if low else None,
            limit=100,
        )
        records = t.audit(query)
        pinned = t.corrections()
        title = (
            "Flagged answers" if flagged else "Low-confidence answers" if low else "Recent answers"
        )
        parts.append(f"<h2>{title}</h2>{select_hint()}")
        if not records:
            parts.append("<p>No answers match.</p>")
        for r in records:
            cls = ' class="flagged"' if r.flagged else ""
            status = "answered" if r.answerable else "abstained"
            note = f'<p class="bad">Flagged: {escape(r.note)}</p>' if r.flagged else ""
            cites = "".join(_citation_html(t, c, pinned) for c in r.citations)
            parts.append(
                f'<article{cls} id="a{r.audit_id}"><div class="meta">#{r.audit_id} · '
                f"{iso(r.at)} · {escape(r.channel)} · session {escape(r.session_id)} · {status} · "
                f"confidence {r.confidence:.2f}</div><p><b>Q:</b> {escape(r.question)}</p>"
                f"<p><b>A:</b> {escape(r.answer)}</p>{note}{cites}</article>"
            )
    root, api = _roots(request)
    course_id = request.path_params.get("course_id")
    title = "Tutor review" + (f": {course_id}" if course_id else "")
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{PAGE_CSS}{CONTROLS_CSS}</style>"
        f'{script_tag(root)}</head><body data-api="{escape(api)}">'
        f"<header><h1>{escape(title)}</h1>{nav}</header><main>{''.join(parts)}</main></body></html>"
    )
    return HTMLResponse(
        html,
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",  # the page URL may hold the key
            "Content-Security-Policy": PAGE_CSP,
        },
    )
