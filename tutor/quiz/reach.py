"""How far a wh-question may reach into a sentence, and what of it the question leaves out.

A wh-phrase can be moved to the front only out of the sentence's own clause: not out of a
relative clause ("…, which…"), a list ("Castmoor, Dunholt and Pellin"), a modifier ("the
tolls set by the guild at Pellin") or a noun's infinitive ("the decision to send ships to
Pellin"); `open_path` and `free_tail` say whether the words before and after a fact let it
go. What follows the asked clause and adds nothing to it, a second clause (", and three of
them were…") or a last phrase without a verb (", almost as deep as the sea"), is cut off
the question (`trimmed`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .clauses import SUBORDINATORS, Clause, Token, tokenize
from .verbs import AUXILIARIES, is_participle, is_past

_SECOND_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas|yet)\s|;\s|\s*—\s*")
_VERB_CHAIN = frozenset("been being be not also never already still then".split())
_DETERMINER = frozenset({"the", "a", "an"})


def trimmed(clause: Clause, after: int) -> Clause:
    """The clause without a second clause or a verbless afterthought past `after` (the
    end of the fact asked)."""
    r0, r1 = clause.rest
    joint = _SECOND_CLAUSE.search(clause.text, max(r0, after), r1)
    if joint and (joint.group().strip() != ", and" or _has_verb(clause.text[joint.end() : r1])):
        clause = replace(clause, rest=(r0, joint.start()))
    return replace(clause, rest=(r0, _without_afterthought(clause, max(r0, after))))


def open_path(before: list[Token]) -> bool:
    """Nothing between the verb and the fact opens another clause or a list: no "which",
    "and", comma, nor an infinitive ("the decision to send ships to Pellin")."""
    for i, t in enumerate(before):
        if t.lower in SUBORDINATORS or t.lower in ("and", "or", "but") or not t.text[0].isalnum():
            return False
        if i > 0 and before[i - 1].lower not in _VERB_CHAIN and _modifier_verb(t):
            return False  # "the tolls set by the guild at Pellin": inside a modifier
        nxt = before[i + 1] if i + 1 < len(before) else None
        infinitive = (
            t.lower == "to" and nxt and nxt.text[0].islower() and nxt.lower not in _DETERMINER
        )
        if infinitive and i > 0:
            return False  # right after the verb ("sought to bring … to Dunholt") it is no island
    return True


def _without_afterthought(clause: Clause, after: int) -> int:
    """Where the clause's rest ends once a last phrase without a verb, after a comma past
    `after`, is left out ("…40 metres, almost as deep as the sea")."""
    r1 = clause.rest[1]
    comma = clause.text.rfind(", ", after, r1)
    if comma < 0:
        return r1
    phrase = clause.text[comma + 2 : r1]
    first = phrase.split(" ", 1)[0].lower()
    if "," in phrase or first in ("which", "who") or first.endswith("ing") or _has_verb(phrase):
        return r1
    if re.search(r"\b(?:and|or)\b", phrase):
        return r1  # the end of a list ("by road, by rail and by sea")
    return comma


def _has_verb(text: str) -> bool:
    """Whether a phrase after ", and" is a clause ("three of them were…", "the guild - from
    Pellin") rather than the last item of a list ("Dunholt, and Pellin")."""
    if re.search(r"\s[-–—]\s", text):
        return True  # a verb left out and marked by a dash
    words = []
    for t in tokenize(text):
        if t.text == ",":
            break
        words.append(t)
    return any(
        t.text[0].islower() and (t.lower in AUXILIARIES or is_past(t.lower, p.text))
        for p, t in zip([Token("", 0, 0), *words], words, strict=False)
    )


def _modifier_verb(tok: Token) -> bool:
    """A participle after a noun: "made", "taken", "struggling"."""
    word = tok.lower
    return tok.text[0].islower() and (
        (word.endswith("ing") and len(word) > 5) or (is_participle(word) and is_past(word))
    )


def free_tail(after: str) -> bool:
    """What follows the fact leaves it alone: not "and Ilsa Varr", "-1415", ", spoke at…"
    (a comma may only open a relative clause or a participle: ", which…", ", declaring…")."""
    tail = tokenize(after)
    if not tail:
        return True
    if tail[0].lower in ("and", "or", "&", "-", "–", "(") or after[:1] not in (" ", ","):
        return False
    if after[:1] == " " and (tail[0].text[0].isdigit() or tail[0].text[0].isupper()):
        return False  # "Charter 12": the fact is part of a longer name
    if after[:1] == " " and (tail[0].lower in AUXILIARIES or is_past(tail[0].lower, "x")):
        return False  # "the hill called Dunholt was…": the fact names, it is not asked for
    for i, t in enumerate(tail):
        if t.text in (";", ":", "—", "–", "(", ")"):
            return False
        if t.text == "," and i + 1 < len(tail):
            nxt = tail[i + 1].lower
            if not (nxt in ("which", "who") or (nxt.endswith("ing") and len(nxt) > 4)):
                return False
    return True
