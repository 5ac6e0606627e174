"""The /progress chart: mastery per section as horizontal bars, drawn as a PNG with Pillow.

Pillow rather than matplotlib: a chart of a few bars needs rectangles and text, and Pillow
is a fraction of matplotlib's install and import time. The font is DejaVu Sans where the
system has it (more scripts than Pillow's own), else the one Pillow ships.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from tutor import Progress

WIDTH = 800
ROW = 40  # pixels a section takes
TOP, BOTTOM, LEFT_LABEL, BAR = 64, 56, 330, 380
MAX_ROWS = 24  # sections drawn at most; the rest are counted in a line under them
FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)
INK, MUTED, TRACK, FILL, GOOD = "#1f2933", "#616e7c", "#e4e7eb", "#3e7cb1", "#2f9e44"


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _fit(draw: Any, text: str, font: Any, width: int) -> str:
    """`text` cut with an ellipsis to fit `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def progress_png(progress: Progress, streak: int = 0) -> bytes:
    """A PNG of the learner's mastery per section, with items due and the streak."""
    from PIL import Image, ImageDraw

    sections = list(progress.sections)[:MAX_ROWS]
    hidden = len(progress.sections) - len(sections)
    height = TOP + ROW * len(sections) + BOTTOM + (ROW // 2 if hidden else 0)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    title, label, small = _font(26), _font(17), _font(15)
    draw.text((24, 18), "Mastery per section", font=title, fill=INK)
    for n, s in enumerate(sections):
        y = TOP + n * ROW
        name = _fit(draw, s.section, label, LEFT_LABEL - 36)
        draw.text((24, y + 8), name, font=label, fill=INK)
        x0, x1 = LEFT_LABEL, LEFT_LABEL + BAR
        draw.rounded_rectangle((x0, y + 8, x1, y + ROW - 8), radius=6, fill=TRACK)
        if s.mastery > 0:
            filled = x0 + max(12, round(BAR * s.mastery))
            colour = GOOD if s.mastery >= 0.8 else FILL
            draw.rounded_rectangle((x0, y + 8, filled, y + ROW - 8), radius=6, fill=colour)
        share = f"{round(100 * s.mastery)}%  ({s.practised}/{s.items})"
        draw.text((x1 + 12, y + 10), share, font=small, fill=MUTED)
    y = TOP + ROW * len(sections) + 8
    if hidden:
        draw.text((24, y), f"… and {hidden} more sections", font=small, fill=MUTED)
        y += ROW // 2
    due = len(progress.due)
    footer = f"{due} item{'' if due == 1 else 's'} due for review"
    if streak:
        footer += f"   ·   {streak}-day streak"
    draw.text((24, y + 8), footer, font=label, fill=INK)
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
