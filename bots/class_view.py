"""The "Class" tab of the teacher page: the class report drawn as an SVG chart, server-side.

No script and no outside file (the page's CSP allows neither): an inline `<svg>` with one
group of bars per section, questions answered and refused, and the share of first tries that
were right. A section the class struggles with is marked three ways, so it stands out at a
glance and not by colour alone: a tinted band, a red bar, and "⚠ struggling" written beside
it. Below the chart, a table of the figures, the items most often missed and the questions
the course does not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape

from tutor import ClassReport, SectionReport

ROW = 34  # px per section in the chart
LABEL_W = 230  # the section titles' column
BAR_W = 250  # the longest questions bar
SHARE_X = LABEL_W + BAR_W + 40  # where the first-try bars start
SHARE_W = 160
MARKER_X = SHARE_X + SHARE_W + 100  # after the share's figure ("100% of 120")
WIDTH = MARKER_X + 100
TOP = 30  # the column headings
LABEL_CHARS = 30
ANSWERED, REFUSED = "#3b6ea5", "#e39b2d"
RIGHT, WRONG, EMPTY = "#4a9a5b", "#c0392b", "#e3e6ea"
BAND = "#fdecea"
PERIODS = (("All recorded", None), ("Last 30 days", 30), ("Last 7 days", 7))


def class_html(report: ClassReport, link: Callable[[str], str], now: datetime) -> str:
    """The tab's HTML; `link(since)` is the page's URL for the report since that time."""
    since = (
        f"Activity since {escape(_when(report.since))}."
        if report.since is not None
        else "All recorded activity."
    )
    starts = [
        (label, (now - timedelta(days=days)).date().isoformat() if days else "")
        for label, days in PERIODS
    ]
    periods = " · ".join(f'<a href="{escape(link(start))}">{label}</a>' for label, start in starts)
    parts = [
        "<h2>Class</h2>",
        f'<p class="meta">{since} {periods}</p>',
        "<p>⚠ marks a section where most first tries at its quiz items were wrong, or where "
        "most questions were not answered by the course (a refused question counts in the "
        "section nearest to it); the table says which.</p>",
    ]
    if report.truncated:
        parts.append(
            '<p class="bad">The audit log holds more answers than the report reads: only the '
            "newest are counted. Choose a shorter period.</p>"
        )
    parts.append(chart_svg(report))
    parts.append(_figures_table(report))
    parts.append(_missed_table(report))
    parts.append(_uncovered_table(report))
    return "".join(parts)


def chart_svg(report: ClassReport) -> str:
    """One `<g class="section">` a section, `struggling` added to those the class struggles
    with; each names its figures in a `<title>` (a tooltip, and what a screen reader says)."""
    sections = report.sections
    most = max((s.asked for s in sections), default=0) or 1
    height = TOP + ROW * len(sections) + 10
    rows = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="class-chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'aria-labelledby="class-chart-title" style="max-width:100%;height:auto;'
        'background:#fff;border:1px solid #d9dde3;border-radius:8px">',
        '<title id="class-chart-title">Questions answered and refused, and first tries '
        "right, per section</title>",
        _heading(LABEL_W, "Questions: ", [(ANSWERED, "answered"), (REFUSED, "refused")]),
        _heading(SHARE_X, "First try right", []),
    ]
    for i, s in enumerate(sections):
        rows.append(_section_bars(s, TOP + ROW * i, most))
    rows.append("</svg>")
    return "".join(rows)


def _heading(x: int, text: str, keys: list[tuple[str, str]]) -> str:
    out = [f'<text x="{x}" y="18" font-size="13" font-weight="600">{escape(text)}']
    for colour, name in keys:
        out.append(f'<tspan fill="{colour}"> ■ </tspan><tspan>{escape(name)}</tspan>')
    return "".join(out) + "</text>"


def _section_bars(s: SectionReport, y: int, most: int) -> str:
    struggling = bool(s.struggling)
    cls = "section struggling" if struggling else "section"
    mid = y + ROW // 2
    label = s.section if len(s.section) <= LABEL_CHARS else s.section[: LABEL_CHARS - 1] + "…"
    out = [
        f'<g class="{cls}" data-section="{escape(s.section)}">',
        f"<title>{escape(_summary(s))}</title>",
    ]
    if struggling:
        out.append(
            f'<rect class="band" x="0" y="{y}" width="{WIDTH}" height="{ROW}" fill="{BAND}"/>'
        )
    weight = ' font-weight="700" fill="#8e2a1f"' if struggling else ""
    out.append(f'<text x="8" y="{mid + 4}" font-size="13"{weight}>{escape(label)}</text>')
    answered_w = round(BAR_W * s.answered / most)
    refused_w = round(BAR_W * s.refused / most)
    out.append(
        f'<rect class="answered" x="{LABEL_W}" y="{y + 8}" width="{answered_w}" '
        f'height="{ROW - 16}" fill="{ANSWERED}"/>'
        f'<rect class="refused" x="{LABEL_W + answered_w}" y="{y + 8}" width="{refused_w}" '
        f'height="{ROW - 16}" fill="{REFUSED}"/>'
        f'<text x="{LABEL_W + answered_w + refused_w + 6}" y="{mid + 4}" font-size="12">'
        f"{s.answered} + {s.refused}</text>"
    )
    share = s.first_try_correct
    out.append(
        f'<rect x="{SHARE_X}" y="{y + 8}" width="{SHARE_W}" height="{ROW - 16}" fill="{EMPTY}"/>'
    )
    if share is None:
        note = "no quiz attempts"
    else:
        colour = WRONG if s.low_first_try else RIGHT
        out.append(
            f'<rect class="first-try" x="{SHARE_X}" y="{y + 8}" width="{round(SHARE_W * share)}" '
            f'height="{ROW - 16}" fill="{colour}"/>'
        )
        note = f"{share:.0%} of {s.first_attempts}"
    out.append(f'<text x="{SHARE_X + SHARE_W + 6}" y="{mid + 4}" font-size="12">{note}</text>')
    if struggling:
        out.append(
            f'<text class="marker" x="{MARKER_X}" y="{mid + 4}" font-size="12" '
            f'font-weight="700" fill="#8e2a1f">⚠ struggling</text>'
        )
    out.append("</g>")
    return "".join(out)


def _summary(s: SectionReport) -> str:
    share = s.first_try_correct
    first = "no quiz attempts" if share is None else f"first tries right {share:.0%}"
    text = (
        f"{s.section}: questions {s.asked} ({s.answered} answered, {s.refused} refused); "
        f"quiz attempts {s.attempts}, learners {s.learners}, {first}"
    )
    return text + (". Struggling: " + "; ".join(s.struggling) if s.struggling else "")


def _table(cls: str, headings: list[str], rows: list[tuple[str, list[str]]]) -> str:
    """A table of HTML cells; each row comes with its `<tr>` attributes."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join(
        f"<tr{attrs}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>" for attrs, cells in rows
    )
    return f'<table class="{cls}"><tr>{head}</tr>{body}</table>'


def _figures_table(report: ClassReport) -> str:
    rows = []
    for s in (*report.sections, report.total):
        total = s is report.total
        share = s.first_try_correct
        first = (
            "–" if share is None else f"{share:.0%} ({s.correct_first_attempts}/{s.first_attempts})"
        )
        why = (
            '<span class="bad">⚠ struggling: ' + escape("; ".join(s.struggling)) + "</span>"
            if s.struggling and not total
            else ""
        )
        attrs = ' class="struggling" style="background:#fdecea"' if why else ""
        title = "<b>All sections</b>" if total else escape(s.section)
        figures = [s.asked, s.answered, s.refused, s.attempts]
        rows.append((attrs, [title, *map(str, figures), first, str(s.learners), why]))
    headings = ["section", "asked", "answered", "refused", "quiz attempts", "first try right"]
    return _table("class-figures", [*headings, "learners", ""], rows)


def _missed_table(report: ClassReport) -> str:
    heading = "<h3>Quiz items most often missed</h3>"
    if not report.total.missed:
        return heading + "<p>No wrong answers yet.</p>"
    rows = [
        ("", [escape(m.question), escape(m.section), f"{m.misses} of {m.attempts} attempts",
              str(m.learners)])
        for m in report.total.missed
    ]  # fmt: skip
    return heading + _table("class-missed", ["item", "section", "missed", "learners"], rows)


def _uncovered_table(report: ClassReport) -> str:
    heading = "<h3>Questions the course doesn't cover, by the section nearest to them</h3>"
    rows = [
        ("", [escape(s.section), f"{u.count}×", f"<b>{escape(u.question)}</b>",
              "<br>".join(escape(q) for q in u.questions[:8])])
        for s in report.sections
        for u in s.uncovered
    ]  # fmt: skip
    if not rows:
        return heading + "<p>None: every question was answered.</p>"
    return heading + _table("class-uncovered", ["near", "asked", "topic", "questions"], rows)


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="minutes")
