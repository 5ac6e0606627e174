"""Turn an uploaded file into the plain text `documents.parse_document` reads.

PDF (pypdf), Word .docx (python-docx) and HTML (selectolax's lexbor parser) become lines of
text with blank lines between blocks and Markdown `#` headings where the file marks them;
.txt and .md are decoded as they are. The parser then cleans that text into the document
every citation offset refers to, exactly as for a file put in the course folder by hand.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.errors import InvalidInput, TooLarge, Unsupported

from .documents import parse_document

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
CONVERTED_SUFFIXES = (".html", ".htm", ".docx", ".pdf")
UPLOAD_SUFFIXES = TEXT_SUFFIXES + CONVERTED_SUFFIXES
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

_HTML_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, pre, blockquote, dt, dd, td, th, caption"
_BLOCK_TAGS = frozenset(t.strip() for t in _HTML_BLOCKS.split(","))
_HTML_DROP = "script, style, noscript, template, nav, header, footer, aside, form, svg"
_DOCX_HEADING = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def convert(filename: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The text of an uploaded file; InvalidInput (TooLarge, Unsupported) says why there is
    none: an unknown type, too many bytes, a file that cannot be read, or no sentences."""
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise Unsupported(
            f"{filename!r}: unknown file type {suffix or '(none)'}; "
            f"send one of {', '.join(UPLOAD_SUFFIXES)}"
        )
    if len(data) > max_bytes:
        raise TooLarge(f"{filename!r} is {len(data)} bytes; at most {max_bytes} are taken")
    if not data:
        raise InvalidInput(f"{filename!r} is empty (0 bytes)")
    try:
        if suffix == ".pdf":
            text = _pdf(data)
        elif suffix == ".docx":
            text = _docx(data)
        elif suffix in (".html", ".htm"):
            text = _html(_decode(data))
        else:
            text = _decode(data)
    except InvalidInput as exc:
        raise InvalidInput(f"{filename!r} cannot be read: {exc}") from None
    except Exception as exc:  # each library raises its own errors on a damaged file
        raise InvalidInput(
            f"{filename!r} cannot be read as {suffix}: {type(exc).__name__}: {exc}"
        ) from None
    if not parse_document(Path(filename), text).sentences:
        raise InvalidInput(f"{filename!r} holds no text after conversion")
    return text


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"it is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    # strict: a damaged file is refused with the reason rather than half read
    reader = PdfReader(io.BytesIO(data), strict=True)
    if reader.is_encrypted:
        raise InvalidInput("the PDF is encrypted")
    return "\n\n".join(page.extract_text() or "" for page in reader.pages)


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = _DOCX_HEADING.match(style)
        if style.lower() == "title":
            lines.append(f"# {text}")
        elif level:
            lines.append(f"{'#' * min(6, int(level.group(1)) + 1)} {text}")
        elif style.lower().startswith("list"):
            lines.append(f"- {text}")
        else:
            lines.append(text)
    return "\n\n".join(lines)


def _html(source: str) -> str:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(source)
    for node in tree.css(_HTML_DROP):
        node.decompose()
    lines: list[str] = []
    title = tree.css_first("title")
    if title is not None and title.text(strip=True) and not tree.css_first("h1"):
        lines.append(f"# {' '.join(title.text().split())}")
    root = tree.body or tree.root
    if root is None:
        return "\n\n".join(lines)
    blocks = root.css(_HTML_BLOCKS)
    for node in blocks:
        if _inside_a_block(node):
            continue  # its text comes with the block around it
        text = " ".join(node.text(separator="").split())
        if not text:
            continue
        tag = node.tag or ""
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            lines.append(f"{'#' * int(tag[1])} {text}")
        elif tag == "li":
            lines.append(f"- {text}")
        else:
            lines.append(text)
    if not blocks:  # text straight in <body>, no block elements
        lines.extend(line.strip() for line in root.text(separator="\n").split("\n"))
    return "\n\n".join(lines)


def _inside_a_block(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _BLOCK_TAGS:
            return True
        parent = parent.parent
    return False
