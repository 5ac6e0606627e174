"""Names in a sentence: runs of capitalised words, typed by the gazetteer and keywords where
their own words decide, otherwise by votes over every place the name occurs in the course
(see `Lexicon`). A name with no evidence stays untyped, and is never quizzed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from ..text import MONTHS, STOPWORDS, WEEKDAYS, WORD
from .gazetteer import (
    ADJECTIVE_SUFFIX,
    ADJECTIVES,
    COMPASS,
    EVENT_WORDS,
    MODALS,
    NAME_PARTICLES,
    OPENERS,
    ORG_WORDS,
    PERSON_NOUNS,
    PERSON_TITLES,
    PERSON_VERBS,
    PLACE_NOUNS,
    PLACE_PREPS,
    gazetteer,
    static_type,
)
from .values import PLACE_TYPES, FactType

_CALENDAR = frozenset(w.lower() for w in (*MONTHS, *WEEKDAYS))


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A run of capitalised words in a sentence, with the words around it."""

    words: tuple[str, ...]
    start: int
    end: int
    before: tuple[str, ...]  # up to two preceding tokens, lower-cased, nearest last
    after: str  # the next token as written, "" at the end
    possessive: bool
    titled: bool  # a role word ("President", "General") was stripped from its front

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def key(self) -> str:
        return self.text.lower()


def _opener(word: str) -> bool:
    """A capitalised function word ("The", "In"); an acronym ("US") is never one."""
    return word.lower() in OPENERS and not (word.isupper() and len(word) > 1)


def _is_capitalised(word: str) -> bool:
    if not word[0].isupper() or word.lower() in _CALENDAR:
        return False
    return word != "I"


def _acronym_as_name(chunk: _Chunk) -> bool:
    """An acronym the gazetteer does not know, used as an organisation's name: "withdrew
    from the ATS." — not a modifier ("HTTP support") or a technical term ("the API")."""
    if len(chunk.words) != 1 or not re.fullmatch(r"[A-Z]{2,6}", chunk.words[0]):
        return False
    nxt = chunk.after
    modifier = bool(nxt) and nxt[0].islower() and nxt.lower() not in STOPWORDS
    return bool(chunk.before) and chunk.before[-1] == "the" and not modifier


def _tokens_with_spans(sentence: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in WORD.finditer(sentence)]


def _joinable(sentence: str, left_end: int, right_start: int, left: str, right: str) -> bool:
    """Whether two capitalised runs separated by a connector form one name:
    "Board of Trade and Navigation", "Court of the Lord Chancellor"."""
    gap = sentence[left_end:right_start]
    if gap == " ":
        return True
    if gap.strip().lower() in NAME_PARTICLES and gap.count(" ") == 2:
        return True
    if gap in (" of ", " for ", " of the ", " on "):
        return (
            left.lower() in ORG_WORDS or left.lower() in EVENT_WORDS or (right.lower() in ORG_WORDS)
        )
    return False


class _CaseStats:
    """Which words the course writes in lower case, and which it capitalises mid-sentence:
    a capitalised first word is a name only if the course also capitalises it elsewhere."""

    def __init__(self, sentences: Iterable[str]):
        self.lower: set[str] = set()
        self.mid_capital: set[str] = set()
        for sentence in sentences:
            for i, (word, start, _end) in enumerate(_tokens_with_spans(sentence)):
                if word[0].islower():
                    self.lower.add(word.lower())
                elif i > 0 and not re.search(r"[.!?:\"“(]\s*$", sentence[:start]):
                    self.mid_capital.add(word)

    def name_like(self, word: str) -> bool:
        plain = re.sub(r"['’]s$", "", word)
        if gazetteer(plain):
            return True
        if _opener(plain) or plain.lower() in self.lower:
            return False
        return plain in self.mid_capital


def name_chunks(sentence: str, case: _CaseStats) -> list[_Chunk]:
    """Runs of capitalised words, cut at punctuation, joined over "of"/"for" inside an
    organisation's name, without a sentence's capitalised first word unless it is a name."""
    toks = _tokens_with_spans(sentence)
    runs: list[list[int]] = []
    for i, (word, start, _end) in enumerate(toks):
        if not _is_capitalised(word):
            continue
        if runs and runs[-1][-1] == i - 1:
            prev_word, _, prev_end = toks[i - 1]
            if _joinable(sentence, prev_end, start, prev_word, word):
                runs[-1].append(i)
                continue
        if runs and runs[-1][-1] < i - 1:
            last = runs[-1][-1]
            between = [t for t, _, _ in toks[last + 1 : i]]
            joins = " ".join(between).lower() in ("of", "for", "of the", "on") or (
                len(between) == 1 and between[0].lower() in NAME_PARTICLES
            )
            if joins and _joinable(sentence, toks[last][2], start, toks[last][0], word):
                runs[-1].extend(range(last + 1, i + 1))
                continue
        runs.append([i])
    chunks = []
    for run in runs:
        chunk = _make_chunk(sentence, toks, run, case)
        if chunk:
            chunks.append(chunk)
    return chunks


def _make_chunk(
    sentence: str, toks: list[tuple[str, int, int]], run: list[int], case: _CaseStats
) -> _Chunk | None:
    first = run[0]
    initial = first == 0 or bool(re.search(r"[.!?:\"“(]\s*$", sentence[: toks[first][1]]))
    # drop openers ("The", "In") and a first word the course never capitalises elsewhere
    while run and (_opener(toks[run[0]][0]) or (initial and not case.name_like(toks[run[0]][0]))):
        run = run[1:]
        initial = False
    titled = False
    while len(run) > 1 and toks[run[0]][0].lower() in PERSON_TITLES:
        if static_type(tuple(toks[j][0] for j in run)):
            break  # "General Assembly" is a name, not a general
        run, titled = run[1:], True
    while run and toks[run[-1]][0].lower() in NAME_PARTICLES | {"of", "for", "on", "the"}:
        run = run[:-1]
    if not run:
        return None
    words = [toks[j][0] for j in run]
    possessive = bool(re.search(r"['’]s$", words[-1]))
    if possessive:
        words[-1] = words[-1][:-2]
    start, end = toks[run[0]][1], toks[run[-1]][2] - (2 if possessive else 0)
    if re.match(r"[_/@]|\.\w", sentence[end:]) or re.search(r"[_/@.]$", sentence[:start]):
        return None  # part of an identifier, a path or an address ("GDK_BACKEND", "gnu.org")
    before = tuple(t.lower() for t, _, _ in toks[max(0, run[0] - 2) : run[0]])
    nxt = run[-1] + 1
    after = toks[nxt][0] if nxt < len(toks) else ""
    if any(w.isdigit() for w in words) or (len(words) == 1 and words[0].lower() in COMPASS):
        return None  # "the West" is a direction, not a place one could swap
    return _Chunk(tuple(words), start, end, before, after, possessive, titled)


def adjective(chunk: _Chunk) -> bool:
    """A nationality adjective before a noun ("German government", "Hungarian uprising")."""
    if len(chunk.words) != 1 or chunk.possessive:
        return False
    word, nxt = chunk.words[0], chunk.after
    if word.lower() in ADJECTIVES:
        return True
    if not nxt or not nxt[0].islower() or nxt.lower() in STOPWORDS:
        return False
    verb_like = nxt.endswith("ed") or nxt in PERSON_VERBS or nxt in MODALS
    return bool(ADJECTIVE_SUFFIX.search(word)) and not verb_like and gazetteer(word) is None


@dataclass
class _Votes:
    person: float = 0.0
    place: float = 0.0


def _vote(chunk: _Chunk, votes: _Votes) -> None:
    """Add the evidence one occurrence gives about an untyped name."""
    prev = chunk.before[-1] if chunk.before else ""
    prev2 = chunk.before[0] if len(chunk.before) == 2 else ""
    nxt = chunk.after
    if chunk.titled or prev in PERSON_TITLES:
        votes.person += 1
    if prev == "the" and not chunk.titled:
        votes.person -= 1  # "the Mausoleum", "the Decree": things, not people
    if chunk.possessive and nxt.lower() in PERSON_NOUNS:
        votes.person += 1
    if prev == "of" and prev2 in PERSON_NOUNS:
        votes.person += 1
    if prev == "of" and prev2 in PLACE_NOUNS:
        votes.place += 1
    if nxt.lower() in PERSON_VERBS:
        votes.person += 1
    elif nxt.lower() in MODALS or (nxt.endswith("ed") and nxt[0].islower()):
        votes.person += 0.5
    votes.place += PLACE_PREPS.get(prev, 0.0)


class Lexicon:
    """Every name of the course with its type, and aliases given in brackets."""

    def __init__(self, sentences: list[str]):
        self.case = _CaseStats(sentences)
        self.types: dict[str, tuple[FactType, str]] = {}
        self.alias: dict[str, str] = {}
        votes: dict[str, _Votes] = defaultdict(_Votes)
        groups: list[list[str]] = []
        for sentence in sentences:
            chunks = [c for c in name_chunks(sentence, self.case) if not adjective(c)]
            for chunk in chunks:
                static = static_type(chunk.words)
                if static:
                    self.types[chunk.key] = static
                elif _acronym_as_name(chunk):
                    self.types[chunk.key] = (FactType.ORG, chunk.key)
                elif not chunk.text.isupper():
                    _vote(chunk, votes[chunk.key])
                self._note_alias(sentence, chunk)
            groups.extend(_coordinated(sentence, chunks))
        self._resolve(votes, groups)

    def _note_alias(self, sentence: str, chunk: _Chunk) -> None:
        bracket = re.match(r"\s*\(([^()]{1,60})\)", sentence[chunk.end :])
        if bracket and bracket.group(1)[:1].isupper():
            self.alias[bracket.group(1).lower()] = chunk.key

    def _resolve(self, votes: dict[str, _Votes], groups: list[list[str]]) -> None:
        """Type each voted name; names listed with typed ones take their type (two rounds,
        so a list with one known member types the rest)."""
        for _ in range(2):
            for group in groups:
                known = [self.type_of(k) for k in group]
                kinds = Counter(t for t in known if t in (FactType.PERSON, *PLACE_TYPES))
                if not kinds:
                    continue
                kind = kinds.most_common(1)[0][0]
                for k, t in zip(group, known, strict=True):
                    if t is None and k in votes:
                        if kind is FactType.PERSON:
                            votes[k].person += 1
                        else:
                            votes[k].place += 1
            for key, v in votes.items():
                if key in self.types:
                    continue
                if v.person > v.place and v.person >= 0.5:
                    self.types[key] = (FactType.PERSON, key)
                elif v.place > v.person and v.place >= 0.5:
                    self.types[key] = (FactType.PLACE, key)

    def type_of(self, key: str) -> FactType | None:
        found = self.types.get(key)
        return found[0] if found else None

    def identity(self, key: str) -> str:
        """One identity for a name and its aliases ("CMEA" → the council's full name)."""
        key = self.alias.get(key, key)
        found = self.types.get(key)
        return found[1] if found else key


def _coordinated(sentence: str, chunks: list[_Chunk]) -> list[list[str]]:
    """Groups of names listed together ("Khrushchev and Kennedy", "A, B and the C")."""
    groups: list[list[str]] = []
    current: list[str] = []
    listed = False  # only a run joined by "and"/"or" is a list; "X, Y learned" is not
    for a, b in pairwise(chunks):
        gap = sentence[a.end : b.start].strip().lower()
        if gap in (",", "and", ", and", "or", ", the", "and the", ", and the"):
            if not current:
                current = [a.key]
            current.append(b.key)
            listed = listed or "and" in gap or "or" in gap
        else:
            if current and listed:
                groups.append(current)
            current, listed = [], False
    if current and listed:
        groups.append(current)
    return groups
