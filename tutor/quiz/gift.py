"""GIFT's text rules, which the export and every kind's answer lines share (see `export`)."""

from __future__ import annotations

import re

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")
GIFT_PLAIN = "[plain]"
# Moodle's answer-weight prefix (`$giftanswerweightregex`): "%50%", "%-25%", "%33.3%".
GIFT_WEIGHT = re.compile(r"%-*[0-9]{1,2}\.?[0-9]*%")


def flat(text: str) -> str:
    """The text on one line: runs of whitespace (newlines, tabs, U+2028…) become one space."""
    return " ".join(text.split())


def gift_escape(text: str) -> str:
    return _GIFT_SPECIAL.sub(r"\\\1", flat(text))


def gift_text(text: str) -> str:
    """One escaped piece of text; `[plain]` first when it starts with "[" (a format marker)."""
    escaped = gift_escape(text)
    return GIFT_PLAIN + escaped if escaped.startswith("[") else escaped
