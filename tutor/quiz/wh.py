"""Wh-questions on one fact of a course sentence: "On March 3, the harbour wall was
finished." → "On what date was the harbour wall finished?".

The fact's type gives the wh-word (`WH_WORD`, which calibration's synthetic questions use
too); where the fact sits in the sentence (`clauses`) gives the question's shape:

- in a fronted adverbial: the adverbial becomes a wh-phrase ("In October 1388" → "In
  October of what year"), the clause is inverted ("a fire broke out" → "did a
  fire break out"), other adverbials stay in front;
- the subject itself: the wh-word takes its place ("Aldo Brenn founded…" → "Who
  founded…?");
- after the verb: a prepositional phrase becomes a wh-phrase ("with Ilsa Varr" → "With
  whom"), an object a wh-word ("occupied Dunholt" → "Which city did … occupy"), a
  complement of "was" a "What was …" question, a count "How many soldiers".

Bracketed asides are read past ("the old bridge (see the map) was closed" → "When was the old
bridge closed"), unless the fact is inside one.

Anything else, and any fact inside a clause within the sentence (after "which", "because",
a comma), gives None: the caller falls back to a cloze, so a shape the rules do not know
costs a wh-question, never a wrong one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from ..text import MONTHS, STOPWORDS
from .clauses import PREPOSITIONS, SUBORDINATORS, Clause, Token, parse, tokenize
from .gazetteer import CITIES, ORG_WORDS, PERSON_TITLES
from .reach import free_tail, open_path, trimmed
from .values import Fact, FactType
from .verbs import AUXILIARIES, is_past, past_base

# The wh-word a fact of each type answers.
WH_WORD = {
    FactType.DATE: "When",
    FactType.YEAR: "When",
    FactType.MONTH: "When",
    FactType.DECADE: "When",
    FactType.RANGE: "When",
    FactType.NUMBER: "How many",
    FactType.ORDINAL: "Which",
    FactType.PERSON: "Who",
    FactType.COUNTRY: "Where",
    FactType.PLACE: "Where",
    FactType.REGION: "Where",
    FactType.ORG: "What",
    FactType.EVENT: "What",
}
TIME_TYPES = frozenset(
    {FactType.DATE, FactType.YEAR, FactType.MONTH, FactType.DECADE, FactType.RANGE}
)
# What a time phrase asks for, after its preposition ("in what year", "on what date").
_TIME_NOUN = {
    FactType.YEAR: "what year",
    FactType.DATE: "what date",
    FactType.MONTH: "which month",
    FactType.DECADE: "which decade",
    FactType.RANGE: "which years",
}
SHORT_ADVERBIAL = 4  # words: a longer adverbial reads better in front than after the clause
_TIME_PREPS = frozenset("in on by until till since from after before during".split())
_PLACE_AT = frozenset("in at near inside outside within".split())
_BE = frozenset("was were is are".split())
_PLURAL_VERBS = frozenset("were are have".split())
_DETERMINER = frozenset({"the", "a", "an"})
_MONTH_WORD = re.compile(
    rf"^(?:(?:early|mid|late)-?)?(?:{'|'.join(MONTHS)})$|^(?:spring|summer|autumn|fall|winter)$",
    re.IGNORECASE,
)
_QUALIFIED_MONTH = re.compile(r"^(?:early|mid|late)\b", re.IGNORECASE)
_CITY_IDS = frozenset(CITIES.values())
_TWO_SENTENCES = re.compile(r"[a-z0-9)][.!?][\"”]?\s+[\"“]?[A-Z]")
_UNIT_END = re.compile(r"\d(?:\s+(?:thousand|million|billion|hundred))?\s+([a-z]+)$")
# adjectives a measure is given with ("70 kilometers wide"), as a "how" question asks them
_MEASURES = {w: w for w in "wide long tall high deep thick old heavy far large".split()} | {
    "across": "wide"
}
_AND_VERB = re.compile(r"(\band )([a-z]+ed|[a-z]+)\b")
# Words that take "in" as part of what they mean ("interested in Pellin"): the place after
# them answers no "where".
_IN_GOVERNORS = frozenset(
    """interested interest involved engaged participated participate participation succeeded
    succeed resulted result invested invest believed believe specialized role part share
    lies lay consisted consists""".split()
)


def time_spans(facts: tuple[Fact, ...]) -> tuple[tuple[int, int], ...]:
    """Where a sentence's dates are: they end an adverbial without a comma (`parse`)."""
    return tuple((f.start, f.end) for f in facts if f.type in TIME_TYPES)


def _moved_subject(clause: Clause) -> str:
    """The subject as it reads off the sentence's start: "The Weavers Guild…" → "the
    Weavers Guild…", "Old mills" → "old mills", but "Brenn" stays (`Clause.named_first`)."""
    subject = clause.subject_text()
    if clause.subject[0] == 0 and subject and not clause.named_first:
        return subject[0].lower() + subject[1:]
    return subject


def _which(fact: Fact) -> str | None:
    """ "which country", "which city", "which council"…: the kind of name asked for."""
    if fact.type is FactType.COUNTRY:
        return "which country"
    if fact.type is FactType.PLACE:
        return "which city" if fact.key in _CITY_IDS else None
    if fact.type is FactType.REGION:
        return "which region"
    if fact.type is FactType.ORG:
        # the head is the last organisation word before "of"/"for": "Merchants League",
        # "Council for the Northern Ports"
        words = re.split(r"\s(?:of|for)\s", fact.text.lower())[0].split()
        head = next((w for w in reversed(words) if w in ORG_WORDS), None)
        return f"which {head}" if head and not head.endswith("s") else "what"
    if fact.type is FactType.EVENT:
        return "what"
    return None


def _subject_word(fact: Fact) -> str | None:
    if fact.type is FactType.PERSON:
        return "who"
    return _which(fact)


def time_phrase(prefix: str, fact: Fact, suffix: str = "") -> str | None:
    """A time phrase with the fact asked: ("In October", 1388) → "In October of what year",
    ("By the end of the", 1820s) → "By the end of which decade"; None for other shapes."""
    noun = _TIME_NOUN.get(fact.type)
    if noun is None:
        return None
    words = prefix.split()
    low = [w.lower() for w in words]
    suffix = suffix.strip()
    if fact.type is FactType.MONTH:
        if _QUALIFIED_MONTH.match(fact.text):
            noun = "when"  # "mid-May": which part of which month is no neat phrase
            if low and low[-1] in _TIME_PREPS and len(low) == 1 and not suffix:
                return noun
            return None
        if re.fullmatch(r"1\d{3}|20\d{2}", suffix):
            noun, suffix = f"which month of {suffix}", ""
    if fact.type is FactType.DATE and re.fullmatch(r",?\s*(1\d{3}|20\d{2})", suffix):
        noun, suffix = f"{noun} in {suffix.strip(', ')}", ""  # "On what date in 1415"
    on_date = re.fullmatch(r"(On [A-Z][a-z]+ \d{1,2}),", prefix)
    if fact.type is FactType.YEAR and on_date and not suffix:
        return f"{on_date.group(1)} of {noun}"  # "On March 3 of what year"
    if suffix and suffix.lower() not in ("years", "year"):
        return None
    if low[-1:] == ["the"] and fact.type in (FactType.DECADE, FactType.RANGE):
        words, low = words[:-1], low[:-1]
    if not words:
        return None
    if len(words) == 1 and low[0] in _TIME_PREPS:
        return f"{words[0]} {noun}"
    if low[-1] == "of":
        return f"{' '.join(words)} {noun}"
    if fact.type is FactType.YEAR and _MONTH_WORD.match(words[-1]) and low[0] in _TIME_PREPS:
        return f"{' '.join(words)} of {noun}"
    return None


def _place_phrase(prep: str, fact: Fact, locative: bool = True) -> str | None:
    if fact.type not in (FactType.COUNTRY, FactType.PLACE, FactType.REGION):
        return None
    if locative and (prep.lower() in _PLACE_AT or prep.lower() in ("to", "into")):
        return "where"
    which = _which(fact)
    return f"{prep.lower()} {which}" if which else None


def _cut(text: str, start: int, end: int) -> str:
    """`text` without [start, end), spaces and commas tidied where it was."""
    out = text[:start] + " " + text[end:]
    out = re.sub(r"\s+", " ", out)
    out = re.sub(r"\s+([,;:])", r"\1", out)
    return out.strip(" ,")


def _body(clause: Clause, rest: str) -> str | None:
    """The clause turned for a question: "was the treaty signed…", "did X adopt…"."""
    m0, m1 = clause.mid_adverbs()
    subject = _moved_subject(clause)
    adverbs = clause.text[m0:m1].strip()
    verb = clause.verb_word.lower()
    if clause.existential:
        return _join(verb, "there", rest)
    if clause.aux and not clause.main_verb_have:
        return _join(verb, subject, adverbs, rest)
    if clause.aux:  # "had a population" → "did … have"
        do, base = ("did" if verb == "had" else "does" if verb == "has" else "do"), "have"
    else:
        do, found = "did", past_base(verb)
        if found is None:
            return None
        base = found
        rest = _coordinated_base(rest)  # "did … admit defeat and end the blockade"
    return _join(do, subject, adverbs, base, rest)


def _coordinated_base(rest: str) -> str:
    """A second past verb of the clause itself in its base form too ("and ended" → "and
    end"); not one inside a clause of its own ("that a spy had entered … and was shot")."""
    inner = re.search(r",|\b(?:" + "|".join(sorted(SUBORDINATORS)) + r")\b", rest)
    cut = inner.start() if inner else len(rest)
    return _AND_VERB.sub(_and_base, rest[:cut]) + rest[cut:]


def _and_base(m: re.Match[str]) -> str:
    word = m.group(2)
    base = past_base(word) if is_past(word) and word not in AUXILIARIES else None
    return f"{m.group(1)}{base}" if base else m.group(0)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _finish(clause: Clause, asked: int | None, wh: str, body: str) -> str:
    """The wh-phrase and the turned clause, with the adverbials not asked about: those
    before the asked one stay in front ("In 1415, on what date was…"), short ones after
    it go to the end ("In what year was … signed in Pellin on March 3?") unless the
    clause ends in a clause of its own (", which…"), which they would seem to belong to."""
    front: list[str] = []
    back: list[str] = []
    movable = asked is not None and "," not in body
    for k, span in enumerate(clause.adverbials):
        if k == asked:
            continue
        phrase = clause.part(span)
        late = movable and k > (asked or 0) and len(phrase.split()) <= SHORT_ADVERBIAL
        (back if late else front).append(phrase)
    head = ", ".join(front)
    question = f"{head}, {wh[0].lower()}{wh[1:]} {body}" if head else f"{wh} {body}"
    question = re.sub(r"\s+", " ", f"{question} {' '.join(back)}").strip(" ,")
    return question[0].upper() + question[1:] + "?"


def _in_adverbial(clause: Clause, k: int, fact: Fact) -> str | None:
    a0, a1 = clause.adverbials[k]
    prefix = clause.text[a0 : fact.start].strip()
    suffix = clause.text[fact.end : a1].strip()
    if fact.type in TIME_TYPES:
        wh = time_phrase(prefix, fact, suffix)
    elif not suffix and len(prefix.split()) == 1:
        wh = _place_phrase(prefix, fact)
    else:
        wh = None
    body = _body(clause, clause.part(clause.rest)) if wh else None
    return _finish(clause, k, wh, body) if wh and body else None


def _in_subject(clause: Clause, fact: Fact) -> str | None:
    s0, _ = clause.subject
    m0, _ = clause.mid_adverbs()
    if clause.existential or clause.in_aside(fact.start, fact.end):
        return None
    core_end = min([m0, *(a for a, _ in clause.asides)])
    lead = clause.text[s0 : fact.start].strip().lower()
    after = clause.text[fact.end : core_end].strip()
    tail = clause.text[m0 : clause.rest[1]].strip()
    titled = fact.type is FactType.PERSON and lead.split()[-1:] in ([t] for t in PERSON_TITLES)
    if lead not in ("", "the") and not titled:
        return None
    if not after:
        # "Guild master Tomas Rell announced…" → "Which guild master announced…"
        named = clause.text[s0 : fact.start].strip()
        wh = f"which {named.removeprefix('the ').removeprefix('The ')}" if titled else None
        wh = wh or _subject_word(fact)
        if wh is None or clause.verb_word.lower() in _PLURAL_VERBS:
            return None  # "were" after "which country": the subject was plural
        return _finish(clause, None, wh, tail)
    counted = re.fullmatch(r"[a-z][a-z-]*(?: [a-z][a-z-]*)?", after)
    if fact.type is FactType.NUMBER and counted and not set(after.split()) & STOPWORDS:
        return _finish(clause, None, f"how many {after}", tail)
    return None


def _in_rest(clause: Clause, fact: Fact) -> str | None:
    r0, r1 = clause.rest
    before = [t for t in tokenize(clause.text[r0 : fact.start])]
    after_text = clause.text[fact.end : r1]
    if after_text[:2] in ("'s", "’s"):
        return _possessive(clause, fact, before, after_text)
    ordinal = fact.type is FactType.ORDINAL  # followed by what it numbers: checked below
    if not open_path(before) or not (ordinal or free_tail(after_text)):
        return None
    start = fact.start
    toks = list(before)
    if toks and toks[-1].lower in _DETERMINER:
        start = r0 + toks.pop().start
    if not toks or (len(toks) == 1 and toks[0].lower in ("not",)):
        return _object(clause, fact, start, after_text)
    prev = toks[-1]
    if prev.lower in PERSON_TITLES and fact.type is FactType.PERSON:
        # "led by the young merchant Brenn" → "By which merchant was … led"
        k = len(toks) - 2
        while k >= 0 and toks[k].lower not in PREPOSITIONS:
            k -= 1
        if k < 0:
            return None
        return _ask_with(
            clause, r0 + toks[k].start, fact.end, f"{toks[k].lower} which {prev.lower}"
        )
    if (
        fact.type is FactType.YEAR
        and _MONTH_WORD.match(prev.text)
        and len(toks) > 1
        and toks[-2].lower in _TIME_PREPS
    ):
        month_of = time_phrase(f"{toks[-2].text} {prev.text}", fact)
        return _ask_with(clause, r0 + toks[-2].start, fact.end, month_of)
    if (
        prev.lower == "of"
        and clause.main_verb_have
        and fact.type is FactType.NUMBER
        and [t.lower for t in toks[:-2]] in (["a"], ["an"])
    ):
        # "The lake has a depth of 40 metres" → "What depth does the lake have"
        return _ask_with(clause, r0 + toks[0].start, fact.end, f"what {toks[-2].lower}")
    if prev.lower not in PREPOSITIONS or prev.lower in ("of", "between", "than"):
        return None
    return _prepositional(clause, fact, toks, after_text)


def _prepositional(clause: Clause, fact: Fact, toks: list[Token], after: str) -> str | None:
    """The fact in a prepositional phrase after the verb (`toks` end with its preposition):
    "with Ilsa Varr" → "with whom", "in 1402" → "in what year", "at the 3rd Guild Council"
    → "at which Guild Council", "with more than 40 towns" → "with how many towns"."""
    r0 = clause.rest[0]
    prev = toks[-1]
    cut, end = r0 + prev.start, fact.end
    wh: str | None
    if fact.type is FactType.ORDINAL:
        named = re.match(r" ((?:[A-Z][\w'’-]*)(?: [A-Z][\w'’-]*)*)", after)
        if not named or not free_tail(after[named.end() :]):
            return None
        wh, end = f"{prev.lower} which {named.group(1)}", fact.end + named.end()
    elif fact.type in TIME_TYPES:
        wh = time_phrase(prev.text, fact)
    elif fact.type is FactType.PERSON:
        wh = f"{prev.lower} whom"
    elif fact.type is FactType.NUMBER and len(toks) > 1 and toks[-2].text[0].isdigit():
        wh = None  # "from 80 to 100 meters": one end of a range
    elif fact.type is FactType.NUMBER and (unit := _UNIT_END.search(fact.text)):
        wh = f"{prev.lower} how many {unit.group(1)}"  # "for more than 3 million years"
    elif fact.type is FactType.NUMBER:
        noun = _counted(after)
        wh = f"{prev.lower} how many {noun}" if noun else None
        end = fact.end + after.index(noun) + len(noun) if noun else end
    elif fact.type in (FactType.ORG, FactType.EVENT):
        which = _which(fact)
        wh = f"{prev.lower} {which}" if which else None
    else:
        # "interested in Pellin": an "in" the word before asks for is no place
        locative = not (len(toks) > 1 and toks[-2].lower in _IN_GOVERNORS)
        wh = _place_phrase(prev.text, fact, locative)
    return _ask_with(clause, cut, end, wh)


def _possessive(clause: Clause, fact: Fact, before: list[Token], after: str) -> str | None:
    """ "began after Brenn's death" → "After whose death did … begin"."""
    m = re.match(r"['’]s ([a-z]+)", after)
    if fact.type is not FactType.PERSON or not m or not before or not open_path(before):
        return None
    prep = before[-1]
    if prep.lower not in PREPOSITIONS or not free_tail(after[m.end() :]):
        return None
    start = clause.rest[0] + prep.start
    return _ask_with(clause, start, fact.end + m.end(), f"{prep.lower} whose {m.group(1)}")


def _object(clause: Clause, fact: Fact, start: int, after: str) -> str | None:
    """The fact right after the verb: a complement of "was" or an object."""
    verb = clause.verb_word.lower()
    if clause.existential:
        return None
    if clause.aux and verb in _BE:
        measure = re.match(r" (\w+)\b", after)
        if fact.type is FactType.NUMBER and measure and measure.group(1) in _MEASURES:
            # "This view is 70 kilometers wide in…" → "How wide is this view in…"
            adjective = _MEASURES[measure.group(1)]
            rest = after[measure.end() :].strip()
            return _finish(
                clause, None, f"how {adjective}", _join(verb, _moved_subject(clause), rest)
            )
        if after.strip():
            return None
        what = "who" if fact.type is FactType.PERSON else "what"
        return _finish(clause, None, what, f"{verb} {_moved_subject(clause)}")
    if clause.aux and not clause.main_verb_have:
        return None  # "was called X", "had become X": no object to ask for
    if fact.type is FactType.NUMBER:
        noun = _counted(after)
        if noun is None:
            return None
        end = fact.end + after.index(noun) + len(noun)
        return _ask_with(clause, start, end, f"how many {noun}")
    return _ask_with(clause, start, fact.end, _subject_word(fact))


def _counted(after: str) -> str | None:
    """The plain noun a bare number counts ("600 soldiers"), or None."""
    m = re.match(r"\s+([a-z][a-z-]+)\b", after)
    if not m or m.group(1) in STOPWORDS:
        return None
    return m.group(1)


def _ask_with(clause: Clause, start: int, end: int, wh: str | None) -> str | None:
    if wh is None:
        return None
    r0, r1 = clause.rest
    rest = _cut(clause.text[r0:r1], start - r0, end - r0)
    body = _body(clause, rest)
    return _finish(clause, None, wh, body) if body else None


_BRACKETED = re.compile(r"\s*\([^()]*\)")


def without_brackets(
    sentence: str, fact: Fact, facts: tuple[Fact, ...]
) -> tuple[str, Fact, tuple[Fact, ...]] | None:
    """The sentence without its bracketed asides ("the Harbour Board (HB) was…", a figure's
    "(a)" or "()"), the facts moved to match; None when the asked fact is inside one. A
    question leaves them out as a reader skips them, and the clause rules then see the
    sentence's plain shape."""
    cuts = [(m.start(), m.end()) for m in _BRACKETED.finditer(sentence)]
    # an alias a fact's blank covers stays with the fact ("Harbour Board (HB)", `Fact`)
    cuts = [(a, b) for a, b in cuts if not any(f.start <= a and b <= f.end for f in facts)]
    if any(a < fact.end and fact.start < b for a, b in cuts):
        return None

    def moved(f: Fact) -> Fact | None:
        if any(a < f.end and f.start < b for a, b in cuts):
            return None
        shift = sum(b - a for a, b in cuts if b <= f.start)
        return replace(f, start=f.start - shift, end=f.end - shift)

    text = sentence
    for a, b in reversed(cuts):
        text = text[:a] + text[b:]
    if not text or text[:1].isspace():
        return None
    kept = tuple(m for f in facts if (m := moved(f)) is not None)
    asked = moved(fact)
    assert asked is not None
    return text, asked, kept


@functools.lru_cache(maxsize=4096)  # asked again for each kind of item on the fact
def wh_question(
    sentence: str, fact: Fact, facts: tuple[Fact, ...], named_first: bool = False
) -> str | None:
    """A wh-question on `fact` of a prepared sentence, or None (module doc). `named_first`:
    the sentence's first word is a name, which keeps its capital wherever it moves."""
    if "(" in sentence:
        plain = without_brackets(sentence, fact, facts)
        if plain is None:
            return None
        sentence, fact, facts = plain
    if not sentence.endswith(".") or "?" in sentence or '"' in sentence[: fact.start][-1:]:
        return None
    if _TWO_SENTENCES.search(sentence[:-1]):
        return None  # the splitter left two sentences in one passage: no one question
    clause = parse(sentence, time_spans(facts))
    if clause is None:
        return None
    clause = replace(clause, named_first=named_first)
    clause = trimmed(clause, fact.end)
    for k, (a0, a1) in enumerate(clause.adverbials):
        if a0 <= fact.start and fact.end <= a1:
            return _in_adverbial(clause, k, fact)
    s0, s1 = clause.subject
    if s0 <= fact.start and fact.end <= s1:
        return _in_subject(clause, fact)
    if clause.rest[0] <= fact.start and fact.end <= clause.rest[1]:
        return _in_rest(clause, fact)
    return None
