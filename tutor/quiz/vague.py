"""Sentences too vague to ask about: whose only checkable content is the fact asked.

"In 1833, there was a shift in regional trade." asks a learner to recall a year for
a claim that names nothing: no one could tell it true or false with another year, and a
teacher would not ask it. A sentence is vague for a fact when

- no other fact worth asking (a name, number or date that is not the course's own topic)
  anchors it, and
- it only says that something was ("there was …"), or what it is about is an indefinite
  noun phrase ("a …", "some …", "a certain …") whose head is an abstract noun (by its
  suffix, "-tion", "-ment", "-ity"…, or one of the common abstract nouns without one) or
  hedged by "certain", "some", "various".

A definite subject ("the charter of…"), a concrete one ("a bridge"), or a second
fact keeps the sentence. Sentences the clause splitter cannot read are kept: the rule drops
only what it can see is vague.
"""

from __future__ import annotations

import re

from .clauses import PREPOSITIONS, SUBORDINATORS, Clause, parse, tokenize
from .values import Fact, Unit
from .wh import time_spans

_INDEFINITE = frozenset("a an some certain several many various any numerous one".split())
_HEDGES = frozenset("certain some various".split())
_ABSTRACT_SUFFIX = re.compile(
    r"(?:tion|sion|ment|ness|ity|ance|ence|ism|ship|cy|dom|hood|ure|ics)s?$"
)
# common abstract nouns that carry no abstract suffix
_ABSTRACT = frozenset(
    """change idea process problem issue way role step trend threat crisis interest power
    course conflict question matter aspect factor area field level degree kind type form
    part number result effect reason cause need goal aim purpose sense view attempt success
    failure rise fall growth decline shift move turn phase stage period time sort thing
    event state struggle""".split()
)


def _abstract(word: str) -> bool:
    w = word.lower()
    return w in _ABSTRACT or w.rstrip("s") in _ABSTRACT or bool(_ABSTRACT_SUFFIX.search(w))


def _topic_phrase(clause: Clause) -> str:
    """What the sentence is about: its subject, or what "there was" introduces."""
    if clause.existential:
        return clause.part(clause.rest)
    return clause.subject_text()


def vague(unit: Unit, fact: Fact) -> bool:
    """Whether `fact` is the sentence's only anchor and its subject says nothing definite
    (module doc)."""
    if any(f != fact for f in unit.facts):
        return False
    clause = parse(unit.sentence, time_spans(unit.found or unit.facts))
    if clause is None:
        return False
    phrase = _topic_phrase(clause)
    start = clause.rest[0] if clause.existential else clause.subject[0]
    if start <= fact.start < start + len(phrase):
        return False  # the fact is what the sentence is about
    if clause.existential:
        return True  # "there was …" introduces something without naming it
    words = [t.lower for t in tokenize(phrase) if t.text[0].isalnum()]
    if not words or words[0] not in _INDEFINITE:
        return False
    head = words[0]
    for w in words[1:]:
        if w in PREPOSITIONS or w in SUBORDINATORS:
            break
        head = w
    return _abstract(head) or any(w in _HEDGES for w in words[:3])
