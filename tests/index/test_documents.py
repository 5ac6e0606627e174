"""Unit tests for index.documents: cleaning a course file into sections and sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.documents import ParsedDocument, doc_id_for, parse_document, read_corpus

SEED_FILE = Path(__file__).resolve().parents[2] / "corpus" / "ussr-foreign-policy-1953-1964.txt"
SEED_TITLE = "Foreign policy in the USSR in 1953-1964. History of the USSR"
SEED_SECTIONS = [
    SEED_TITLE,
    "Peace treaties",
    "Foreign Policy of the USSR 1953-1964 (briefly)",
    "Changes in Military Doctrine",
    "Conflict with the US",
    "New negotiations",
    "Caribbean crisis",
    "ATS",
    "COMECON",
    "Conflicts",
]


def parse(name: str, raw: str) -> ParsedDocument:
    parsed = parse_document(Path(name), raw)
    check_invariants(parsed)
    return parsed


def check_invariants(parsed: ParsedDocument) -> None:
    """What must hold for every parsed document, whatever its format."""
    doc = parsed.document
    text = doc.text
    assert text.startswith(doc.title)
    assert text.endswith("\n")
    # sections: ordered, non-overlapping, each starting with its own title
    previous_end = -1
    for section in doc.sections:
        assert previous_end < section.start < section.end <= len(text)
        assert text[section.start :].startswith(section.title)
        previous_end = section.end
    assert doc.sections[0].start == 0
    assert doc.sections[0].title == doc.title
    # sentences: exact, trimmed, non-empty, ordered, inside a section of their own name
    by_title: dict[str, list[tuple[int, int]]] = {}
    for section in doc.sections:
        by_title.setdefault(section.title, []).append((section.start, section.end))
    previous = -1
    positions: dict[int, int] = {}
    for s in parsed.sentences:
        piece = text[s.start : s.end]
        assert piece and piece == piece.strip()
        assert s.start >= previous
        previous = s.end
        assert any(a <= s.start and s.end <= b for a, b in by_title[s.section]), s
        # positions count up from 0 inside a paragraph
        assert s.position == positions.get(s.paragraph, 0), s
        positions[s.paragraph] = s.position + 1
    paragraphs = [s.paragraph for s in parsed.sentences]
    assert paragraphs == sorted(paragraphs)


def texts(parsed: ParsedDocument) -> list[str]:
    return [parsed.document.text[s.start : s.end] for s in parsed.sentences]


def section_titles(parsed: ParsedDocument) -> list[str]:
    return [s.title for s in parsed.document.sections]


def sentences_in(parsed: ParsedDocument, section: str) -> list[str]:
    return [parsed.document.text[s.start : s.end] for s in parsed.sentences if s.section == section]


# --- the seed corpus -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ParsedDocument:
    return parse(SEED_FILE.name, SEED_FILE.read_text(encoding="utf-8"))


def test_seed_title_and_id(seed: ParsedDocument) -> None:
    assert seed.document.title == SEED_TITLE
    assert seed.document.doc_id == "ussr-foreign-policy-1953-1964"
    assert seed.document.text.startswith(SEED_TITLE + "\n\n")


def test_seed_has_exactly_the_ten_real_sections(seed: ParsedDocument) -> None:
    assert section_titles(seed) == SEED_SECTIONS


@pytest.mark.parametrize(
    "chrome",
    ["EducationHistory", "Similar articles", "Trending Now", "Newest", "Copyright", "WordPress"],
)
def test_seed_web_chrome_is_dropped(seed: ParsedDocument, chrome: str) -> None:
    assert chrome not in seed.document.text


def test_seed_text_has_no_leftover_blank_or_nbsp_lines(seed: ParsedDocument) -> None:
    text = seed.document.text
    assert "\u00a0" not in text
    assert "\n\n\n" not in text
    assert text.endswith("Central Europe.\n")


def test_seed_sentence_spans_are_exact_and_inside_their_sections(seed: ParsedDocument) -> None:
    doc = seed.document
    sections = {s.title: s for s in doc.sections}
    assert len(seed.sentences) > 90
    for s in seed.sentences:
        piece = doc.text[s.start : s.end]
        assert piece == piece.strip() and piece
        assert "\n" not in piece
        section = sections[s.section]
        assert section.start <= s.start and s.end <= section.end


def test_seed_every_section_has_sentences(seed: ParsedDocument) -> None:
    assert {s.section for s in seed.sentences} == set(SEED_SECTIONS)


def test_seed_berlin_wall_sentence_is_in_new_negotiations(seed: ParsedDocument) -> None:
    assert "On August 13, the Berlin Wall was erected." in sentences_in(seed, "New negotiations")
    assert "On August 13, the Berlin Wall was erected." not in sentences_in(seed, "Conflicts")


def test_seed_fragment_is_joined_with_the_following_sentence(seed: ParsedDocument) -> None:
    joined = 'In the 50\'s. Malenkov began to talk about "detente" of tension in international'
    assert any(t.startswith(joined) for t in sentences_in(seed, SEED_TITLE))
    assert "In the 50's." not in texts(seed)


def test_seed_decimal_stays_inside_its_sentence(seed: ParsedDocument) -> None:
    assert "Its length was more than 4.5 thousand km." in sentences_in(seed, "COMECON")


def test_seed_comecon_list_items_are_sentences_of_the_introducing_paragraph(
    seed: ParsedDocument,
) -> None:
    items = [
        "1. Coordination of national economic plans.",
        "2. Trade.",
        "3. Cultural connections.",
        "4. Interaction in the field of science and technology.",
    ]
    comecon = [s for s in seed.sentences if s.section == "COMECON"]
    by_text = {seed.document.text[s.start : s.end]: s for s in comecon}
    intro = by_text["The key areas of cooperation were:"]
    for offset, item in enumerate(items, start=1):
        assert item in by_text, item
        assert by_text[item].paragraph == intro.paragraph
        assert by_text[item].position == intro.position + offset
    assert "1." not in by_text and "Trade." not in by_text
    # each item is on its own line of the clean text, directly under the introduction
    assert "The key areas of cooperation were:\n1. Coordination" in seed.document.text


def test_seed_paragraphs_are_numbered_from_zero_per_document(seed: ParsedDocument) -> None:
    paragraphs = sorted({s.paragraph for s in seed.sentences})
    assert paragraphs == list(range(len(paragraphs)))
    peace = [s for s in seed.sentences if s.section == "Peace treaties"]
    assert len({s.paragraph for s in peace}) == 2  # two source paragraphs


# --- Markdown --------------------------------------------------------------------------------

MARKDOWN = """# The Thaw

Khrushchev spoke with **great force** about the [cult of personality](https://example.com/cult). \
He was *very* critical, and the `secret speech` shocked delegates. \
![Khrushchev at the podium](podium.png) shows the scene.

## Khrushchev's reforms

Khrushchev became First Secretary in 1953. He denounced Stalin in 1956.

## Related posts

## The Berlin Wall ##

The Berlin Wall was erected in 1961. It divided the city.
"""


def test_markdown_headings_make_title_and_sections() -> None:
    parsed = parse("thaw.md", MARKDOWN)
    assert parsed.document.title == "The Thaw"
    assert section_titles(parsed) == ["The Thaw", "Khrushchev's reforms", "The Berlin Wall"]
    assert sentences_in(parsed, "The Berlin Wall") == [
        "The Berlin Wall was erected in 1961.",
        "It divided the city.",
    ]


def test_markdown_inline_markup_is_stripped_from_the_clean_text() -> None:
    parsed = parse("thaw.md", MARKDOWN)
    text = parsed.document.text
    for markup in ("**", "](", "https://", "`", "#", "![", "*very*", "podium.png"):
        assert markup not in text, markup
    assert sentences_in(parsed, "The Thaw") == [
        "Khrushchev spoke with great force about the cult of personality.",
        "He was very critical, and the secret speech shocked delegates.",
        "Khrushchev at the podium shows the scene.",
    ]


def test_markdown_heading_with_nothing_under_it_is_dropped() -> None:
    parsed = parse("thaw.md", MARKDOWN)
    assert "Related posts" not in parsed.document.text


def test_markdown_parent_heading_with_only_subsections_is_kept() -> None:
    raw = (
        "# Course\n\nAn introduction is given here.\n\n## Part One\n\n### Chapter A\n\n"
        "The chapter text was written.\n\n## Empty part\n\n## Part Two\n\nMore text was added.\n"
    )
    parsed = parse("course.md", raw)
    assert section_titles(parsed) == ["Course", "Part One", "Chapter A", "Part Two"]
    assert sentences_in(parsed, "Chapter A") == ["The chapter text was written."]


def test_hash_without_space_is_not_a_heading() -> None:
    parsed = parse("tags.md", "# Title\n\nBody text was written.\n\n#hashtag lines are text.\n")
    assert section_titles(parsed) == ["Title"]
    assert texts(parsed)[-1] == "#hashtag lines are text."


def test_markdown_lists_are_sentences_and_continue_a_colon_paragraph() -> None:
    raw = """# Cooperation

The areas were:

- **Trade** with [Cuba](http://x).
- Science and *technology*
  including space research.

* Culture.

After the list came more text.
"""
    parsed = parse("coop.md", raw)
    assert texts(parsed) == [
        "The areas were:",
        "- Trade with Cuba.",
        "- Science and technology including space research.",
        "* Culture.",
        "After the list came more text.",
    ]
    paragraphs = [s.paragraph for s in parsed.sentences]
    assert paragraphs == [0, 0, 0, 0, 1]


def test_list_without_introducing_colon_is_its_own_paragraph() -> None:
    raw = "Lists\n\nThe treaty was signed.\n\n1) First item here.\n2) Second item here.\n"
    parsed = parse("lists.txt", raw)
    found = [
        (t, s.paragraph, s.position) for t, s in zip(texts(parsed), parsed.sentences, strict=True)
    ]
    assert found == [
        ("The treaty was signed.", 0, 0),
        ("1) First item here.", 1, 0),
        ("2) Second item here.", 1, 1),
    ]


# --- plain-text layouts ----------------------------------------------------------------------


def test_setext_headings_with_equals_and_dashes() -> None:
    raw = """The Cold War
============

The Cold War was a long rivalry.

Origins
-------

The Cold War began after 1945. Two blocs formed in Europe.

Detente
-------

Detente came in the 1970s. Treaties limited arms.
"""
    parsed = parse("cold.txt", raw)
    assert parsed.document.title == "The Cold War"
    assert section_titles(parsed) == ["The Cold War", "Origins", "Detente"]
    assert "===" not in parsed.document.text and "---" not in parsed.document.text
    assert sentences_in(parsed, "Origins") == [
        "The Cold War began after 1945.",
        "Two blocs formed in Europe.",
    ]
    assert sentences_in(parsed, "Detente") == [
        "Detente came in the 1970s.",
        "Treaties limited arms.",
    ]


def test_hard_wrapped_paragraph_lines_are_joined_with_a_space() -> None:
    raw = """Hard Wrapped Course

The Soviet Union signed many treaties
in the years after Stalin's death. The
armistice in Korea was concluded in 1953
and ended the fighting.

A second paragraph starts here and it
continues on a second line.
"""
    parsed = parse("wrapped.txt", raw)
    assert texts(parsed) == [
        "The Soviet Union signed many treaties in the years after Stalin's death.",
        "The armistice in Korea was concluded in 1953 and ended the fighting.",
        "A second paragraph starts here and it continues on a second line.",
    ]
    assert [s.paragraph for s in parsed.sentences] == [0, 0, 1]
    assert all("\n" not in t for t in texts(parsed))
    assert section_titles(parsed) == ["Hard Wrapped Course"]


def test_one_paragraph_per_long_line_without_blank_lines() -> None:
    first = (
        "The foreign policy of the Soviet Union changed a great deal after 1953, and the new "
        "leaders moved steadily towards peaceful coexistence with the countries of the West."
    )
    second = (
        "The Caribbean crisis of 1962 brought the world to the edge of a nuclear war, until "
        "Khrushchev and Kennedy reached an agreement in a long telephone conversation at night."
    )
    assert len(first) > 160 and len(second) > 160
    raw = f"Long Lines\n\n{first}\n{second}\nAfter the crisis\n{first}\n"
    parsed = parse("long.txt", raw)
    assert texts(parsed) == [first, second, first]
    assert [s.paragraph for s in parsed.sentences] == [0, 1, 2]
    assert [s.section for s in parsed.sentences] == ["Long Lines", "Long Lines", "After the crisis"]
    assert f"{first}\n\n{second}\n\nAfter the crisis\n\n{first}\n" in parsed.document.text


def test_short_line_without_full_stop_standing_alone_is_a_heading() -> None:
    raw = (
        "Course Notes\n\nThe introduction was written first.\n\nThe Berlin crisis\n\n"
        "The wall was built in August 1961.\n\nThe wall was built in 1961.\n\n"
        "It stood for decades.\n"
    )
    parsed = parse("notes.txt", raw)
    assert section_titles(parsed) == ["Course Notes", "The Berlin crisis"]
    # a short line *with* a full stop stays a paragraph
    assert sentences_in(parsed, "The Berlin crisis") == [
        "The wall was built in August 1961.",
        "The wall was built in 1961.",
        "It stood for decades.",
    ]


def test_short_line_ending_with_colon_is_not_a_heading() -> None:
    parsed = parse("c.txt", "Title\n\nThe reasons were these:\n\nThe army was weak.\n")
    assert section_titles(parsed) == ["Title"]
    assert texts(parsed) == ["The reasons were these:", "The army was weak."]


def test_file_without_heading_takes_its_title_from_the_file_name() -> None:
    raw = "Khrushchev visited America in 1959. He spoke at the United Nations.\n"
    parsed = parse("my_course-notes.txt", raw)
    assert parsed.document.title == "My course notes"
    assert parsed.document.doc_id == "my-course-notes"
    assert parsed.document.text == f"My course notes\n\n{raw}"
    assert texts(parsed) == [
        "Khrushchev visited America in 1959.",
        "He spoke at the United Nations.",
    ]
    assert [s.section for s in parsed.sentences] == ["My course notes"] * 2


def test_windows_line_endings_are_handled() -> None:
    raw = "Title Here\r\n\r\nThe treaty was signed\r\nin Moscow. It was ratified.\r\n"
    parsed = parse("crlf.txt", raw)
    assert "\r" not in parsed.document.text
    assert texts(parsed) == ["The treaty was signed in Moscow.", "It was ratified."]


def test_cyrillic_document() -> None:
    raw = """Внешняя политика СССР

Политика мирного сосуществования государств с разным общественным строем была
провозглашена на XX съезде партии в 1956 году. Н. С. Хрущёв посетил США в сентябре 1959
года вместе с семьёй и большой делегацией!

Карибский кризис

В октябре 1962 года мир оказался на грани ядерной войны из-за размещения советских ракет на Кубе.
"""
    parsed = parse("внешняя-политика.txt", raw)
    assert parsed.document.title == "Внешняя политика СССР"
    assert section_titles(parsed) == ["Внешняя политика СССР", "Карибский кризис"]
    assert texts(parsed) == [
        "Политика мирного сосуществования государств с разным общественным строем была "
        "провозглашена на XX съезде партии в 1956 году.",
        "Н. С. Хрущёв посетил США в сентябре 1959 года вместе с семьёй и большой делегацией!",
        "В октябре 1962 года мир оказался на грани ядерной войны из-за размещения советских "
        "ракет на Кубе.",
    ]


# --- chrome ----------------------------------------------------------------------------------


def test_general_chrome_rules_drop_notices_and_empty_rails() -> None:
    raw = """Course Title

The introduction was written by the teacher.

Real section

The real content is here. It matters a lot.

* * *

Related posts

© 2020 Example Inc.

Powered by Ghost

\u00a0
"""
    parsed = parse("chrome.txt", raw)
    text = parsed.document.text
    for chrome in ("Related posts", "©", "Example Inc", "Powered by", "Ghost", "* * *", "\u00a0"):
        assert chrome not in text, chrome
    assert section_titles(parsed) == ["Course Title", "Real section"]
    assert text.endswith("The real content is here. It matters a lot.\n")


def test_breadcrumb_before_the_title_is_dropped() -> None:
    raw = "Home\n\nThe Thaw\n\nThe thaw began in 1953.\n"
    parsed = parse("thaw.txt", raw)
    assert parsed.document.title == "The Thaw"
    assert parsed.document.text == "The Thaw\n\nThe thaw began in 1953.\n"


def test_content_mentioning_powered_by_or_copyright_is_kept() -> None:
    raw = """Soviet Technology

The nuclear icebreaker Lenin was launched in 1957 and was powered by nuclear reactors. \
It sailed the Arctic for thirty years.

The USSR joined the Universal Copyright Convention in 1973. Foreign books had been printed \
freely before that.
"""
    parsed = parse_document(Path("tech.txt"), raw)
    assert "It sailed the Arctic for thirty years." in texts(parsed)
    assert "The USSR joined the Universal Copyright Convention in 1973." in texts(parsed)


# --- doc ids and reading the corpus ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ussr-foreign-policy-1953-1964.txt", "ussr-foreign-policy-1953-1964"),
        ("USSR Foreign Policy (1953–1964).txt", "ussr-foreign-policy-1953-1964"),
        ("Lesson_01  Intro.MD", "lesson-01-intro"),
        ("--Cold War!!.markdown", "cold-war"),
        ("notes/week 3.md", "week-3"),
        ("!!!.txt", "document"),
    ],
)
def test_doc_id_for_slugs_file_names(name: str, expected: str) -> None:
    slug = doc_id_for(Path(name))
    assert slug == expected
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


def test_read_corpus_picks_course_files_sorted_and_recursive(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("B text.", encoding="utf-8")
    (tmp_path / "a.md").write_text("A text.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.markdown").write_text("Ц text.", encoding="utf-8")
    (tmp_path / "C.TXT").write_text("upper", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "slides.pdf").write_bytes(b"%PDF")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    files = read_corpus(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p, _ in files] == [
        "C.TXT",
        "a.md",
        "b.txt",
        "sub/c.markdown",
    ]
    assert files[-1][1] == "Ц text."


def test_read_corpus_of_an_empty_folder_is_empty(tmp_path: Path) -> None:
    assert read_corpus(tmp_path) == []
