"""Questions for the benchmark: the dev and held-out sets, each worded many ways.

A query cache must not make the load test free, so requests cycle through distinct strings:
every base question with a prefix and a suffix made only of stop words ("So, …", "Tell me, …",
"… Please."), which leave retrieval's content words unchanged. The base question's first letter
is lower-cased after a prefix so no capitalised word appears mid-sentence.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION_SETS = (ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "tests/eval/heldout.jsonl")

PREFIXES = (
    "",
    "So, ",
    "Now, ",
    "Please, ",
    "Tell me, ",
    "Please tell me: ",
    "Could you tell me: ",
    "Also, ",
    "Then, ",
    "Say, ",
)
SUFFIXES = ("", " Please.", " Please explain.", " Tell me.")


def base_questions(paths: tuple[Path, ...] = QUESTION_SETS) -> list[str]:
    """Every question of the sets (dialogue turns included), in file order, without repeats."""
    seen: dict[str, None] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            for turn in item.get("turns", [item]):
                q = str(turn["question"]).strip()
                if q:
                    seen.setdefault(q, None)
    if not seen:
        raise RuntimeError(f"no questions in {', '.join(map(str, paths))}")
    return list(seen)


def _lower_first(q: str) -> str:
    # "Who …" → "who …", but keep names and acronyms ("USSR", "Khrushchev …") as they are
    first = q.split(" ", 1)[0]
    if first.isupper() or first not in {w.capitalize() for w in _OPENERS}:
        return q
    return q[0].lower() + q[1:]


_OPENERS = """what when where which who whom whose why how did does do was were is are in on
at by after before during for from with can could would should will has have had""".split()


def variants(bases: list[str], seed: int = 0) -> list[str]:
    """Every base question in every wording, shuffled: len(bases) x 40 distinct strings.

    The plain wordings come first (in shuffled order), so a short run asks the real questions.
    """
    rng = random.Random(seed)
    plain = list(bases)
    rng.shuffle(plain)
    worded = [
        f"{p}{_lower_first(q) if p else q}{s}"
        for q in bases
        for p in PREFIXES
        for s in SUFFIXES
        if p or s
    ]
    rng.shuffle(worded)
    out = list(dict.fromkeys(plain + worded))
    return out


class QuestionStream:
    """Hands out the variants in order, wrapping round; counts how many were repeats."""

    def __init__(self, items: list[str]):
        self._items = items
        self._next = 0
        self.handed = 0

    def take(self) -> str:
        q = self._items[self._next]
        self._next = (self._next + 1) % len(self._items)
        self.handed += 1
        return q

    @property
    def distinct(self) -> int:
        return len(self._items)

    @property
    def repeats(self) -> int:
        """Strings handed out more than once so far (a cache could have answered these)."""
        return max(0, self.handed - len(self._items))
