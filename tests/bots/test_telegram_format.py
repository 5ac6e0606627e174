"""Telegram HTML: escaping, splitting below 4096 characters, poll limits."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bots import telegram_format as fmt
from tutor import Answer, Citation, CitedCorrection, QuizItem

HOSTILE = 'Tom & Jerry <script>alert("x")</script> said 1 < 2 > 0 &amp; "quotes"'


class TagChecker(HTMLParser):
    """Fails on tags Telegram does not allow or on tags left unbalanced."""

    ALLOWED = frozenset({"b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text += data


def check(html: str) -> str:
    parser = TagChecker()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], parser.stack
    return parser.text


def citation(quote: str, section: str = "Section <1>") -> Citation:
    return Citation("doc", section, 0, len(quote), quote)


def test_answer_escapes_course_text_and_keeps_it_readable() -> None:
    answer = Answer(HOSTILE, True, 0.9, (citation(HOSTILE),), "s")
    html = fmt.answer_html(answer)
    assert "<script>" not in html
    text = check(html)
    assert HOSTILE in text
    assert "Section <1>" in text
    assert "<blockquote>" in html and "<i>Section &lt;1&gt;</i>" in html


def test_a_corrected_source_shows_the_teachers_note_under_its_quote() -> None:
    note = "It was 1 May 1960 <not 1961> & the pilot survived."
    corrected = Citation("doc", "U-2", 0, 5, "Q one", 0.5, (CitedCorrection("c1", note, 0, 5),))
    answer = Answer("A.", True, 0.9, (corrected, citation("Q two")), "s")
    text = check(fmt.answer_html(answer))
    assert text.index("Q one") < text.index(note) < text.index("Q two")
    assert text.count("Teacher's correction") == 1


def test_abstention_message_is_escaped_and_has_no_sources() -> None:
    message = "It doesn't cover that. It does cover: A & B, <C>."
    answer = Answer(message, False, 0.1, (), "s", None, ("A & B", "<C>"))
    html = fmt.answer_html(answer)
    assert check(html) == message
    assert "Sources" not in html


def test_passage_bolds_the_quoted_span() -> None:
    paragraph = "Before <x>. The quote & more. After."
    start = paragraph.index("The quote")
    end = start + len("The quote & more.")
    html = fmt.passage_html(citation("The quote & more."), paragraph, start, end)
    assert "<b>The quote &amp; more.</b>" in html
    assert check(html).endswith(paragraph)


@pytest.mark.parametrize("size", [4096, 10_000, 50_000])
def test_long_replies_split_below_the_limit_without_cutting_tags(size: int) -> None:
    sentence = "Khrushchev & Kennedy met <again> in Vienna. "
    quote = (sentence * (size // len(sentence) + 1))[:size]
    html = fmt.answer_html(Answer("Short answer.", True, 0.5, (citation(quote),), "s"))
    chunks = fmt.split_html(html)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert len(chunk) <= fmt.MESSAGE_LIMIT
        check(chunk)
        assert not re.search(r"&[a-z]*$", chunk), "an entity was cut"
    joined = "".join(check(c) for c in chunks)
    assert joined.replace(" ", "") == check(html).replace(" ", "")


def test_short_text_is_one_chunk() -> None:
    assert fmt.split_html("<b>hi</b>") == ["<b>hi</b>"]


def item(kind: str, question: str, options: tuple[str, ...] | None, answer: str) -> QuizItem:
    return QuizItem("q-0123456789ab", kind, question, answer, citation("Q " * 300), options, "T")


def test_poll_parts_respect_telegram_limits() -> None:
    long_option = "x" * 150
    mc = item("multiple_choice", "Q?" * 200, ("a", "b", long_option, "d"), long_option)
    lead, question, options, correct, explanation = fmt.poll_parts(mc)
    assert lead == mc.question and len(question) <= fmt.POLL_QUESTION_LIMIT
    assert all(len(o) <= fmt.POLL_OPTION_LIMIT for o in options)
    assert correct == 2
    assert len(explanation) <= fmt.POLL_EXPLANATION_LIMIT
    tf = item("true_false", "True or false: the sky is green.", None, "false")
    lead, question, options, correct, _ = fmt.poll_parts(tf)
    assert lead is None and options == ["True", "False"] and correct == 1
