"""Turn a teacher's plain-text or Markdown file into a clean `Document` with offsets.

The source is read as blocks of lines separated by blank lines. A block is a heading
(Markdown `#`, a line underlined with `===`/`---`, or a short line standing alone without
closing punctuation), a paragraph (hard-wrapped lines are joined; a block of long lines holds
one paragraph per line) or a numbered/bulleted list. Web-page chrome is dropped by two general
rules: lines that carry a copyright or "powered by" notice or no letters at all, and headings
whose section holds no text (navigation crumbs, "related articles" rails and the like).

The clean text joins the title, headings and paragraphs with blank lines; every offset the
service reports refers to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tutor.domain import Document, Section

from .sentences import split_sentences

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•+])\s+\S")
_CHROME = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|\bpowered by\b", re.IGNORECASE
)
_INLINE_MARKUP = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links → their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),  # italics
    (re.compile(r"`([^`]+)`"), r"\1"),  # code spans
)
_SPACES = re.compile(r"[ \t\u00a0]+")

MAX_CHROME_WORDS = 16
MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 14
ONE_PARAGRAPH_PER_LINE_CHARS = 160  # a block with a line this long is not hard-wrapped
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown")


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """A sentence of the clean text, with the section and paragraph it belongs to."""

    start: int
    end: int
    section: str
    paragraph: int
    position: int


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    document: Document
    sentences: tuple[SentenceSpan, ...]


@dataclass(slots=True)
class _Block:
    kind: str  # "heading" | "paragraph" | "list"
    lines: list[str]
    level: int = 2
    explicit: bool = False  # a Markdown or underlined heading, not a guess

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def doc_id_for(path: Path) -> str:
    """An id from the file name: lower-case letters and digits (any script), hyphens between."""
    slug = re.sub(r"[\W_]+", "-", path.stem.lower()).strip("-")
    return slug or "document"


def _clean_inline(line: str) -> str:
    for pattern, repl in _INLINE_MARKUP:
        line = pattern.sub(repl, line)
    return _SPACES.sub(" ", line).strip()


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    return (
        0 < len(line) <= MAX_HEADING_CHARS
        and len(words) <= MAX_HEADING_WORDS
        and not re.search(r"[.!?:;,…]$", line)
        and any(ch.isalpha() for ch in line)
    )


def _is_chrome(text: str) -> bool:
    """A short notice ("© 2018 example.com", "Powered by WordPress") or a line of symbols.

    Only short blocks count: a paragraph that merely mentions copyright is course text.
    """
    if not any(ch.isalpha() or ch.isdigit() for ch in text):
        return True
    return len(text.split()) <= MAX_CHROME_WORDS and bool(_CHROME.search(text))


def _raw_blocks(raw: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _classify(lines: list[str]) -> list[_Block]:
    """Split one block of source lines into headings, paragraphs and list items."""
    out: list[_Block] = []
    para: list[str] = []
    long_lines = max(len(x) for x in lines) > ONE_PARAGRAPH_PER_LINE_CHARS

    def flush() -> None:
        if para:
            out.append(_Block("paragraph", list(para)))
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        md = _MD_HEADING.match(line)
        setext = i + 1 < len(lines) and _SETEXT.match(lines[i + 1]) and not _LIST_ITEM.match(line)
        if md:
            flush()
            out.append(_Block("heading", [md.group(2)], len(md.group(1)), explicit=True))
        elif setext:
            flush()
            level = 1 if lines[i + 1].strip().startswith("=") else 2
            out.append(_Block("heading", [line.strip()], level, explicit=True))
            i += 1
        elif _LIST_ITEM.match(line):
            flush()
            out.append(_Block("list", [line.strip()]))
        elif out and out[-1].kind == "list" and line[:1].isspace() and not para:
            out[-1].lines[-1] += " " + line.strip()  # continuation of a list item
        elif (len(lines) == 1 or long_lines) and _looks_like_heading(line.strip()):
            flush()
            out.append(_Block("heading", [line.strip()]))
        else:
            para.append(line.strip())
            if long_lines:
                flush()
        i += 1
    flush()
    return out


def _blocks(raw: str) -> list[_Block]:
    blocks: list[_Block] = []
    for lines in _raw_blocks(raw):
        for block in _classify(lines):
            block.lines = [c for c in (_clean_inline(x) for x in block.lines) if c]
            if not block.lines or _is_chrome(block.text):
                continue
            if block.kind == "list" and blocks and blocks[-1].kind == "list":
                blocks[-1].lines.extend(block.lines)  # list items separated by blank lines
            else:
                blocks.append(block)
    return blocks


def _drop_empty_headings(blocks: list[_Block]) -> list[_Block]:
    """Drop headings whose section (up to the next heading of the same or higher rank) is empty."""
    keep: list[_Block] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            has_body = False
            for later in blocks[i + 1 :]:
                if later.kind == "heading" and later.level <= block.level:
                    break
                if later.kind != "heading":
                    has_body = True
                    break
            if not has_body:
                continue
        keep.append(block)
    return keep


def _title_from_stem(path: Path) -> str:
    words = re.sub(r"[_-]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else "Document"


def parse_document(path: Path, raw: str) -> ParsedDocument:
    """Clean `raw` (the content of `path`) and split it into sections and sentences."""
    blocks = _drop_empty_headings(_blocks(raw))
    has_title = bool(blocks) and blocks[0].kind == "heading"
    title = blocks.pop(0).text if has_title else _title_from_stem(path)

    parts: list[str] = [title]
    pos = len(title)
    section_title = title
    section_start = 0
    sections: list[Section] = []
    sentences: list[SentenceSpan] = []
    paragraph = -1

    def add(chunk: str, sep: str = "\n\n") -> int:
        nonlocal pos
        parts.append(sep)
        parts.append(chunk)
        start = pos + len(sep)
        pos = start + len(chunk)
        return start

    prev_kind = "heading"
    for block in blocks:
        if block.kind == "heading":
            if pos > section_start:
                sections.append(Section(section_title, section_start, pos))
            section_title = block.text
            section_start = add(block.text)
            prev_kind = "heading"
            continue
        # A list introduced by "…were:" belongs to the paragraph that introduces it.
        continues = block.kind == "list" and prev_kind == "paragraph" and parts[-1].endswith(":")
        if not continues:
            paragraph += 1
        position = 0 if not continues else sum(1 for s in sentences if s.paragraph == paragraph)
        chunks = block.lines if block.kind == "list" else [block.text]
        for j, chunk in enumerate(chunks):
            start = add(chunk, "\n" if (continues or j > 0) else "\n\n")
            for s, e in split_sentences(chunk):
                sentences.append(
                    SentenceSpan(start + s, start + e, section_title, paragraph, position)
                )
                position += 1
        prev_kind = block.kind
    if pos > section_start:
        sections.append(Section(section_title, section_start, pos))
    text = "".join(parts) + "\n"
    doc = Document(doc_id_for(path), title, text, tuple(sections))
    return ParsedDocument(doc, tuple(sentences))


def read_corpus(corpus_dir: Path) -> list[tuple[Path, str]]:
    """The course files in `corpus_dir`, sorted by name, decoded as UTF-8."""
    files = sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
    )
    return [(p, p.read_text(encoding="utf-8", errors="replace")) for p in files]
