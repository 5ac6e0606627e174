"""The parts of a course sentence a question is made from: the adverbials in front, the
subject, the finite verb and the rest ("In 1402, | the town council | was | led by Ilsa
Varr").

Without a tagger, the finite verb is the first auxiliary ("was", "had", "could") or past
tense ("adopted", "broke") after the subject's first word that is not inside the subject
itself ("the leased territory", "the charter signed in 1231 was…"). Whatever cannot be split
with confidence (a relative clause in the subject, no finite verb, a verb-first sentence)
gives None, and the caller asks no wh-question about it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .verbs import AUXILIARIES, PERFECT, is_participle, is_past

# words, with inner dots, hyphens and apostrophes ("U.S", "mid-June", "Brenn's", "4.5");
# any other character is a token of its own
_TOKEN = re.compile(r"\w(?:[\w'’.-]*\w)?|[^\w\s]")

PREPOSITIONS = frozenset(
    """in on at by from to of during until till since after before for with within without
    into onto toward towards through throughout under over between among against near about
    upon across along around behind beyond despite following inside outside via""".split()
)
# Words that open a clause inside another: a wh-question cannot reach into one.
SUBORDINATORS = frozenset(
    """which who whom whose that where when while because although though if unless whereas
    as since so than whether""".split()
)
# Adverbs that sit between a subject and its verb ("the leadership also tried").
_MID_ADVERBS = frozenset(
    """also then finally soon later still already never only even first again thus therefore
    however often always once just""".split()
)
_OPENING_ADVERBS = frozenset(
    """almost immediately finally soon later eventually meanwhile nevertheless then now first
    initially subsequently afterwards ultimately instead once""".split()
)
MAX_SUBJECT_TOKENS = 14
# prepositions that also open a clause ("Two days after the guild agreed…")
_CLAUSE_PREPS = frozenset("after before until till once".split())
_BE_HAVE = frozenset("am is are was were has have had".split())


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class Clause:
    """A sentence split for a question; every span is a [start, end) of `text`.

    `adverbials` are the phrases before the subject, each without its comma; `subject`
    is "there" in "there was…" (`existential`); `verb` is the finite verb, an auxiliary
    (`aux`) or a past tense to be asked with "did"; `rest` runs from after the verb to the
    sentence's end, without its full stop.
    """

    text: str
    adverbials: tuple[tuple[int, int], ...]
    subject: tuple[int, int]
    verb: tuple[int, int]
    aux: bool
    rest: tuple[int, int]
    existential: bool = False
    asides: tuple[tuple[int, int], ...] = ()  # inside the subject, left out of a question
    named_first: bool = False  # the first word is a name (the caller knows the course)

    def part(self, span: tuple[int, int]) -> str:
        return self.text[span[0] : span[1]]

    def subject_text(self) -> str:
        """The subject without its asides and the adverbs before the verb."""
        end, _ = self.mid_adverbs()
        text, at = "", self.subject[0]
        for a, b in self.asides:
            text += self.text[at:a]
            at = b
        return (text + self.text[at:end]).strip()

    def in_aside(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.asides)

    @property
    def verb_word(self) -> str:
        return self.part(self.verb)

    @property
    def main_verb_have(self) -> bool:
        """ "had a population…": "have" as a main verb, asked with "did"/"does"."""
        return self.aux and self.verb_word.lower() in PERFECT and not self._participle_follows()

    def _participle_follows(self) -> bool:
        words = [t for t in tokenize(self.part(self.rest)) if t.lower not in _MID_ADVERBS]
        if words and words[0].lower == "not":
            words = words[1:]
        return bool(words) and is_participle(words[0].text)

    def mid_adverbs(self) -> tuple[int, int]:
        """The adverbs at the subject's end that belong before the verb ("also", "-ly")."""
        toks = tokenize(self.part(self.subject))
        cut = len(toks)
        while cut > 1 and _is_mid_adverb(toks[cut - 1].lower):
            cut -= 1
        if cut == len(toks):
            return (self.subject[1], self.subject[1])
        return (self.subject[0] + toks[cut].start, self.subject[1])


def _is_mid_adverb(word: str) -> bool:
    return word in _MID_ADVERBS or (word.endswith("ly") and len(word) > 4 and word != "only")


def _is_boundary(tok: Token) -> bool:
    return tok.text in {",", ";", ":", "—", "–", "(", ")"} or (tok.text == "-" and tok.start > 0)


def _finite(tokens: list[Token], i: int, first: int) -> bool:
    """Whether tokens[i] is the finite verb of a clause whose subject starts at `first`."""
    tok = tokens[i]
    word = tok.lower
    if word in AUXILIARIES:
        # a capitalised "May"/"Will" inside the subject is a name, not a verb
        return i > first and tok.text[0].islower()
    previous = tokens[i - 1].text if i > 0 else ""
    if i == first or not tok.text[0].islower() or not is_past(word, previous):
        return False
    # "the charter signed in 1231 was…": a participle in the subject when a form of "be" or
    # "have" follows before the clause ends
    if not is_participle(word):
        return True
    for later in tokens[i + 1 :]:
        if _is_boundary(later) or later.lower in SUBORDINATORS or later.lower == "and":
            break
        if later.lower in _BE_HAVE and later.text[0].islower():
            return False
    return True


_TIME_NOUNS = frozenset(
    """later earlier ago afterwards year years month months week weeks day days decade
    decades time moment""".split()
)
_YEAR = re.compile(r"1\d{3}|20\d{2}")


def _opens_adverbial(tok: Token) -> bool:
    word = tok.lower
    return (
        word in PREPOSITIONS
        or word in _OPENING_ADVERBS
        or (word.endswith("ly") and len(word) > 4)
        or (word.endswith("ing") and len(word) > 5)
        or word in ("having", "unwilling", "unable", "together")
    )


def _clause_free(tokens: list[Token]) -> bool:
    """No auxiliary in the phrase: a prepositional or participial phrase, not a clause."""
    return not any(t.lower in AUXILIARIES and t.text[0].islower() for t in tokens)


def _adverbial_chunk(chunk: list[Token]) -> bool:
    """A phrase before a comma that is an adverbial: one opening with a preposition, an
    adverb or a participle ("held from March 3…"), or a time phrase ("A few months
    later"); never one with an auxiliary."""
    if not chunk or not _clause_free(chunk):
        return False
    first = chunk[0]
    return (
        _opens_adverbial(first)
        or (first.text[0].islower() and is_participle(first.text))
        or (any(t.lower in _TIME_NOUNS for t in chunk) and not any(_finite_word(t) for t in chunk))
    )


def _finite_word(tok: Token) -> bool:
    return tok.text[0].islower() and is_past(tok.lower)


def _adverbials(
    tokens: list[Token], time_ends: set[int]
) -> tuple[list[tuple[int, int]], int] | None:
    """The fronted adverbials (token ranges) and the index of the subject's first token."""
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        comma = next((j for j in range(i + 1, len(tokens)) if tokens[j].text == ","), None)
        if comma is not None and _adverbial_chunk(tokens[i:comma]):
            end = comma
            # "On March 3, 1388, the guild…", "From May 2 to May 9, 1410 the mayor…": a year
            # after the comma belongs to the date before it
            if comma + 1 < len(tokens) and _YEAR.fullmatch(tokens[comma + 1].text):
                end = comma + 2
            found.append((i, end))
            i = end + 1 if end < len(tokens) and tokens[end].text == "," else end
            continue
        if _opens_adverbial(tokens[i]):
            # "In the summer of 1352 markets were held…": no comma; the phrase ends
            # where its date does
            ends = [k for k in range(i, min(len(tokens), i + 8)) if k in time_ends]
            if ends:
                k = ends[-1] + 1
                if k < len(tokens) and tokens[k].lower in ("years", "year"):
                    k += 1
                found.append((i, k))
                i = k
                continue
            return None
        break
    return found, i


def _aside_end(tokens: list[Token], comma: int) -> int | None:
    """Where an aside opened by the comma at `comma` closes ("Brenn, the master of the
    guild, wished…"): the index of its closing comma, or None when the comma opens
    a list ("Castmoor, Dunholt, and Pellin") or something else."""
    close = next((j for j in range(comma + 1, len(tokens)) if tokens[j].text == ","), None)
    if close is None or close == comma + 1 or close + 1 >= len(tokens):
        return None
    inside = tokens[comma + 1 : close]
    if tokens[close + 1].lower in ("and", "or", "but") or inside[0].lower in ("and", "or"):
        return None
    if inside[0].lower not in ("which", "who") and not _clause_free(inside):
        return None  # a clause of its own ("…, the guild could have…, but"), no aside
    if len(inside) == 1 or (len(inside) == 2 and inside[0].text[0].isupper()):
        return None  # "Castmoor, Dunholt, …": a list of names, not an aside
    return close


@functools.lru_cache(maxsize=4096)  # every fact of a sentence, and the vagueness check, parse it
def parse(sentence: str, time_spans: tuple[tuple[int, int], ...] = ()) -> Clause | None:
    """The sentence split into adverbials, subject, finite verb and rest; None when it
    cannot be split with confidence. `time_spans` are the sentence's dates (char spans),
    which end an adverbial that has no comma."""
    text = sentence.rstrip()
    if text.endswith("."):
        text = text[:-1]
    tokens = tokenize(text)
    if len(tokens) < 3:
        return None
    time_ends = {i for i, t in enumerate(tokens) for s, e in time_spans if t.end == e}
    split = _adverbials(tokens, time_ends)
    if split is None:
        return None
    adverbials, first = split
    if first >= len(tokens) - 1:
        return None
    if tokens[first].lower in SUBORDINATORS:
        return None  # "As a member of…, X could…": a subordinate clause, not a subject
    existential = tokens[first].lower == "there"
    asides: list[tuple[int, int]] = []
    i = first
    while i < min(len(tokens), first + MAX_SUBJECT_TOKENS + 1 + sum(b - a for a, b in asides)):
        tok = tokens[i]
        if existential and i == first + 1:
            if tok.lower not in AUXILIARIES:
                return None
            return _clause(text, tokens, adverbials, first, i, [], aux=True, existential=True)
        if i > first and tok.text == "," and not asides:
            close = _aside_end(tokens, i)
            if close is None:
                return None
            asides.append((i, close + 1))
            i = close + 1
            continue
        if i > first and (
            tok.lower in SUBORDINATORS or tok.lower in _CLAUSE_PREPS or _is_boundary(tok)
        ):
            return None  # a clause or a second aside in the subject: not split
        if _finite(tokens, i, first):
            return _clause(text, tokens, adverbials, first, i, asides, aux=tok.lower in AUXILIARIES)
        i += 1
    return None


def _clause(
    text: str,
    tokens: list[Token],
    adverbials: list[tuple[int, int]],
    first: int,
    verb: int,
    asides: list[tuple[int, int]],
    aux: bool,
    existential: bool = False,
) -> Clause:
    spans = tuple((tokens[a].start, tokens[b - 1].end) for a, b in adverbials)
    subject = (tokens[first].start, tokens[verb - 1].end)
    # an aside is cut with the space before its opening comma: "Brenn, the master…, wished"
    cut = tuple((tokens[a - 1].end, tokens[b - 1].end) for a, b in asides)
    return Clause(
        text,
        spans,
        subject,
        (tokens[verb].start, tokens[verb].end),
        aux,
        (tokens[verb].end, len(text)),
        existential,
        cut,
    )
