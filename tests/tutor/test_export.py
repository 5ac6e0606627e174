"""Exporting quiz items as GIFT and Aiken: golden files, then both formats read back by small
parsers that follow Moodle's importers (`qformat_gift`, `qformat_aiken`) rule for rule.

Regenerate the golden files after a deliberate change with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/tutor/test_export.py`, and review the diff.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import make_course, seed_files
from tutor.domain import Citation, QuizItem
from tutor.quiz import generate_items, to_aiken, to_gift

GOLDEN = Path(__file__).parent / "golden"
SEED_GOLDEN_ITEMS = 12
MOODLE_KIND = {
    "multiple_choice": "multichoice",
    "short_answer": "shortanswer",
    "true_false": "truefalse",
}

# Hostile text: GIFT's specials, backslashes, quotes, newlines, Unicode, a leading format
# marker, answer-weight look-alikes, "->", Moodle's short-answer wildcard, Aiken labels.
SECTION = "Maths: {sets} / ~tildes~ \\ #1"
OTHER_SECTION = "Другой раздел:: a / sub\\part"
QUOTE = "He said: “x = {1}”\n# not a comment :: \\o/ 😀"
CITE = Citation("doc-ü", SECTION, 0, len(QUOTE), QUOTE)
OTHER_CITE = Citation("doc-ü", OTHER_SECTION, 5, 9, "a -> b\tis // the key")
HOSTILE = [
    QuizItem(
        "q-mc",
        "multiple_choice",
        'Fill in the blank: In {1961}, x = y # z ~ w: "C:\\new"\n_____ said «ça va» 😀?',
        'Ké{ne}dy = "JFK"',
        CITE,
        ("~Stalin#1", 'Ké{ne}dy = "JFK"', "[html]<b>Nagy</b> & co", "%50% off\nsale"),
        SECTION,
    ),
    QuizItem(
        "q-sa",
        "short_answer",
        "Which drive holds C:\\temp\\{x}? Answer :: with a path",
        "the C:\\ drive #1 * = ~",
        CITE,
        None,
        SECTION,
    ),
    QuizItem(
        "q-tf",
        "true_false",
        'A. Lincoln said: "x = {1}" —\r\ntrue? #hash ~ \\ ',
        "false",
        CITE,
        None,
        SECTION,
    ),
    QuizItem(
        "q-arrow", "short_answer", "Which key maps a to b?", "%10% a -> b", OTHER_CITE, None, ""
    ),
    QuizItem("q-tf2", "true_false", "b) ANSWER: T — {T}", "true", OTHER_CITE, None, OTHER_SECTION),
]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed_items() -> list[QuizItem]:
    items = generate_items(make_course(seed_files()))
    assert {i.kind for i in items} == set(MOODLE_KIND)
    return items


# ---------------------------------------------------------------------------------------------
# Golden files
# ---------------------------------------------------------------------------------------------


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{name} changed; if on purpose, regenerate with UPDATE_GOLDEN=1"


def test_gift_golden_hostile() -> None:
    check_golden("sample.gift", to_gift(HOSTILE))


def test_aiken_golden_hostile() -> None:
    check_golden("sample.aiken", to_aiken(HOSTILE))


def test_gift_golden_seed(seed_items: list[QuizItem]) -> None:
    """Quiz generation is deterministic; a change to it shows up here as a reviewable diff."""
    check_golden("seed.gift", to_gift(seed_items[:SEED_GOLDEN_ITEMS]))


# ---------------------------------------------------------------------------------------------
# A GIFT reader following Moodle's qformat_gift::readquestions / readquestion
# ---------------------------------------------------------------------------------------------

_ESCAPABLE = "\\:#={}~n"
_PLACEHOLDER = {c: chr(0xE000 + i) for i, c in enumerate(_ESCAPABLE)}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()}
_WEIGHT = re.compile(r"^%-*[0-9]{1,2}\.?[0-9]*%")
_FORMATS = ("moodle", "html", "plain", "markdown")


@dataclass
class GiftAnswer:
    text: str
    weight: float
    feedback: str = ""
    format: str = "moodle"


@dataclass
class GiftQuestion:
    kind: str  # Moodle's qtype: multichoice, truefalse, shortanswer, match, numerical, …
    title: str = ""
    text: str = ""
    format: str = "moodle"
    general_feedback: str = ""
    answers: list[GiftAnswer] = field(default_factory=list)
    truth: bool | None = None
    category: list[str] = field(default_factory=list)


def _protect(text: str) -> str:
    """escapedchar_pre: escaped specials become placeholders (left to right)."""
    return re.sub(r"\\([\\:#={}~n])", lambda m: _PLACEHOLDER[m.group(1)], text)


def _restore(text: str) -> str:
    """escapedchar_post."""
    return "".join(_RESTORE.get(c, c) for c in text)


def _with_format(text: str, default: str) -> tuple[str, str]:
    """parse_text_with_format: a leading [format] marker, then unescape and trim."""
    fmt = default
    if text.startswith("[") and "]" in text:
        name = text[1 : text.index("]")]
        if name in _FORMATS:
            fmt, text = name, text[text.index("]") + 1 :]
    return _restore(text).strip(), fmt


def _weighted(answer: str) -> tuple[float, str]:
    """answerweightparser: the text between the first two '%' is the weight, in percent."""
    end = answer.index("%", 1)
    return float(answer[1:end]) / 100, answer[end + 1 :]


def _answer(answer: str, weight: float, fmt: str) -> GiftAnswer:
    """commentparser: the answer, then its feedback after the first '#'."""
    text, _, feedback = answer.partition("#")
    text, afmt = _with_format(text.strip(), fmt)
    return GiftAnswer(text, weight, _with_format(feedback.strip(), fmt)[0], afmt)


def _split(answertext: str, marker: str) -> list[str]:
    parts = answertext.split(marker)
    if not parts[0].strip():
        parts = parts[1:]
    return [p.strip() for p in parts]


def parse_gift(document: str) -> list[GiftQuestion]:
    blocks: list[list[str]] = [[]]
    for line in document.split("\n"):
        line = line.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [q for b in blocks if (q := _read_question(b)) is not None]


def _read_question(lines: list[str]) -> GiftQuestion | None:
    text = "\n".join(" " if line.startswith("//") else line for line in lines).strip()
    if not text:
        return None
    text = _protect(text)
    if text.startswith("$CATEGORY:"):
        path = text[len("$CATEGORY:") :].strip()
        # Moodle never restores placeholders here: an escaped special would be mangled.
        assert all(c not in path for c in _RESTORE if c != _PLACEHOLDER["\\"]), path
        path = _restore(path)
        names = [n.replace("//", "/").strip() for n in re.split(r"(?<!/)/(?!/)", path)]
        return GiftQuestion("category", category=names)
    question = GiftQuestion("")
    if text.startswith("::"):
        end = text.index("::", 2)
        question.title = _restore(text[2:end]).strip()
        text = text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    assert start >= 0 and finish >= 0, f"no answer braces: {text!r}"
    answertext = text[start + 1 : finish].strip()
    if text.endswith("}"):
        questiontext = text[:start] + text[finish + 1 :]
    else:
        questiontext = text[:start] + "_____" + text[finish + 1 :]
    if "####" in answertext:
        cut = answertext.rindex("####")
        answertext, general = answertext[:cut].strip(), answertext[cut + 4 :]
    else:
        general = ""
    question.text, question.format = _with_format(questiontext, "moodle")
    question.general_feedback = _with_format(general, question.format)[0]
    fmt = question.format
    tf_check = answertext.split("#")[0].strip() if "#" in answertext[1:] else answertext
    if answertext == "":
        question.kind = "essay"
    elif answertext[0] == "#":
        question.kind = "numerical"
    elif "~" in answertext:
        question.kind = "multichoice"
        for answer in _split(answertext.replace("=", "~="), "~"):
            if answer.startswith("="):
                question.answers.append(_answer(answer[1:], 1.0, fmt))
            elif _WEIGHT.match(answer):
                weight, rest = _weighted(answer)
                question.answers.append(_answer(rest, weight, fmt))
            else:
                question.answers.append(_answer(answer, 0.0, fmt))
    elif "=" in answertext and "->" in answertext:
        question.kind = "match"
    elif tf_check in ("T", "TRUE", "F", "FALSE"):
        question.kind = "truefalse"
        question.truth = tf_check in ("T", "TRUE")
    else:
        question.kind = "shortanswer"
        for answer in _split(answertext, "="):
            weight, rest = _weighted(answer) if _WEIGHT.match(answer) else (1.0, answer)
            question.answers.append(_answer(rest, weight, fmt))
    return question


def test_gift_reader_follows_moodle_examples() -> None:
    """The reader itself, on examples from Moodle's GIFT documentation."""
    document = (
        "// a comment\n\n$CATEGORY: Tom/Dick//Harry\n\n"
        "::Grant::Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}\n\n"
        "Grant is buried in Grant's tomb.{FALSE}\n\n"
        "Who's buried in Grant's tomb?{=no one =%50%nobody}\n\n"
        "Match these.{=Canada -> Ottawa =Italy -> Rome}\n\n"
        "When was Grant born?{#1822:5}\n\n"
        "Grant is {~buried =entombed ~living} in Grant's tomb.\n\n"
        "::T\\:1::[html]a\\{b\\} \\\\ c {\n=x\\=y#fb\n####gen}\n"
    )
    category, mc, tf, sa, match, numerical, missing, escaped = parse_gift(document)
    assert category.category == ["Tom", "Dick/Harry"]
    assert (mc.kind, mc.title, mc.text) == ("multichoice", "Grant", "Who's buried in Grant's tomb?")
    assert [(a.text, a.weight) for a in mc.answers] == [
        ("Grant", 0.0),
        ("Jefferson", 0.0),
        ("no one", 1.0),
    ]
    assert (tf.kind, tf.truth) == ("truefalse", False)
    assert [(a.text, a.weight) for a in sa.answers] == [("no one", 1.0), ("nobody", 0.5)]
    assert (match.kind, numerical.kind) == ("match", "numerical")
    assert missing.text == "Grant is _____ in Grant's tomb."
    assert (escaped.title, escaped.text, escaped.format) == ("T:1", "a{b} \\ c", "html")
    assert [(a.text, a.feedback) for a in escaped.answers] == [("x=y", "fb")]
    assert escaped.general_feedback == "gen"


# ---------------------------------------------------------------------------------------------
# GIFT read back
# ---------------------------------------------------------------------------------------------


def check_gift(items: list[QuizItem]) -> None:
    """Reads `to_gift(items)` back: every item's title, kind, text, options or answer, and a
    general feedback quoting its source, under a category named after its topic."""
    document = to_gift(items)
    assert document.startswith(f"// Quiz export from {len(items)} items\n\n")
    parsed = parse_gift(document)
    questions = [q for q in parsed if q.kind != "category"]
    assert len(questions) == len(items)
    category: list[str] = []
    it = iter(items)
    for q in parsed:
        if q.kind == "category":
            category = q.category
            continue
        item = next(it)
        topic = flat(item.topic or item.citation.section)
        assert category == ([topic] if topic else [])
        assert q.title == flat(f"{item.quiz_id} {topic}")
        assert q.kind == MOODLE_KIND[item.kind], item
        assert q.text == flat(item.question)
        assert q.format == "plain"
        assert all(a.format == "plain" for a in q.answers)
        section = flat(item.citation.section)
        assert q.general_feedback == f"Source ({section}): “{flat(item.citation.quote)}”"
        if item.kind == "multiple_choice":
            assert item.options is not None
            assert [a.text for a in q.answers] == [flat(o) for o in item.options]
            assert [a.weight for a in q.answers] == [float(o == item.answer) for o in item.options]
        elif item.kind == "true_false":
            assert q.truth is (item.answer == "true")
        else:
            accepted = [a.text.replace("\\*", "*") for a in q.answers]  # Moodle's wildcard
            assert accepted[0] == flat(item.answer)
            assert all(a.weight == 1.0 for a in q.answers)
            for other in accepted[1:]:  # only the answer without its leading article
                assert re.fullmatch(r"(?i)(the|an?) " + re.escape(other), accepted[0])


def test_gift_reads_back_every_seed_item(seed_items: list[QuizItem]) -> None:
    assert all(flat(i.question) == i.question for i in seed_items)  # so text comes back as is
    check_gift(seed_items)


def test_gift_reads_back_hostile_items() -> None:
    check_gift(HOSTILE)
    sa = [q for q in parse_gift(to_gift(HOSTILE)) if q.kind == "shortanswer"]
    assert [a.text for a in sa[0].answers] == ["the C:\\ drive #1 \\* = ~", "C:\\ drive #1 \\* = ~"]
    assert [a.text for a in sa[1].answers] == ["%10% a -> b"]


def test_gift_header_and_empty() -> None:
    assert to_gift([]) == "// Quiz export from 0 items\n"


# ---------------------------------------------------------------------------------------------
# Aiken read back, following Moodle's qformat_aiken::readquestions
# ---------------------------------------------------------------------------------------------


@dataclass
class AikenQuestion:
    text: str
    options: list[str] = field(default_factory=list)
    answer: int = -1


def parse_aiken(document: str) -> list[AikenQuestion]:
    questions: list[AikenQuestion] = []
    current: AikenQuestion | None = None
    for raw in document.replace("\r", "\n").split("\n"):
        line = raw.strip()
        if len(line) < 2:
            continue
        if re.match(r"[A-Z][).][ \t]?", line):
            assert current is not None, f"option outside a question: {line!r}"
            current.options.append(line[2:].strip())
        elif line.startswith("ANSWER:"):
            assert current is not None and len(current.options) >= 2, line
            letter = line.split(":", 1)[1].strip()[:1]
            current.answer = ord(letter) - ord("A")
            questions.append(current)
            current = None
        else:
            assert current is None, f"question not complete before {line!r}"
            current = AikenQuestion(line)
    assert current is None, "last question has no ANSWER line"
    return questions


def check_aiken(items: list[QuizItem]) -> list[AikenQuestion]:
    document = to_aiken(items)
    expressible = [i for i in items if i.kind != "short_answer"]
    blocks = document.rstrip("\n").split("\n\n")
    assert len(blocks) == len(expressible)
    parsed = parse_aiken(document)
    assert len(parsed) == len(expressible)
    short = {flat(i.question) for i in items if i.kind == "short_answer"}
    for item, q, block in zip(expressible, parsed, blocks, strict=True):
        assert len(block.split("\n")) == len(q.options) + 2  # question, options, ANSWER
        assert q.text.removeprefix("Question: ") == flat(item.question)
        assert q.text not in short
        assert 0 <= q.answer < len(q.options)
        if item.kind == "multiple_choice":
            assert item.options is not None
            assert q.options == [flat(o) for o in item.options]
            assert q.options[q.answer] == flat(item.answer)
        else:
            assert q.options == ["True", "False"]
            assert q.options[q.answer] == item.answer.capitalize()
    return parsed


def test_aiken_reads_back_every_seed_item(seed_items: list[QuizItem]) -> None:
    parsed = check_aiken(seed_items)
    expressible = [i for i in seed_items if i.kind != "short_answer"]
    assert [q.text for q in parsed] == [i.question for i in expressible]  # none guarded


def test_aiken_reads_back_hostile_items() -> None:
    parsed = check_aiken(HOSTILE)
    # questions that start like an option label or the answer line are guarded
    assert [q.text.startswith("Question: ") for q in parsed] == [False, True, True]


def test_aiken_skips_short_answers() -> None:
    assert to_aiken([i for i in HOSTILE if i.kind == "short_answer"]) == ""


def test_unexpressible_items_raise() -> None:
    mc = HOSTILE[0]
    bad = [
        QuizItem("q1", "essay", "Why?", "x", CITE),
        QuizItem("q2", "multiple_choice", "Q?", "nope", CITE, mc.options),
        QuizItem("q3", "multiple_choice", "Q?", "a", CITE, None),
        QuizItem("q4", "true_false", "Q?", "maybe", CITE),
        QuizItem("q5", "true_false", " \n ", "true", CITE),
    ]
    for item in bad:
        with pytest.raises(ValueError):
            to_gift([item])
        with pytest.raises(ValueError):
            to_aiken([item])
