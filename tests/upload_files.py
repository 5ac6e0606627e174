"""Small real files of each uploadable kind, made in memory for tests."""

from __future__ import annotations

import io


def pdf_bytes(paragraphs: list[str]) -> bytes:
    """A one-page PDF (Helvetica, one line per paragraph) that pypdf reads back as text."""
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
    for text in paragraphs:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops += [f"({escaped}) Tj", "T*", "T*"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx_bytes(title: str, heading: str, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, 0)
    document.add_heading(heading, 1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html_bytes(title: str, heading: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title><style>p{{}}</style></head>"
        f"<body><nav><a href='/'>Home</a></nav><h1>{title}</h1><h2>{heading}</h2>{body}"
        "<footer>© 2026 example.org</footer></body></html>"
    ).encode()


# Made-up documents, one per kind: (doc_id, title, paragraphs, a question only it answers).
UPLOADS: dict[str, tuple[str, str, list[str], str]] = {
    "docx": (
        "kariba",
        "The Kariba dam",
        [
            "The Kariba dam was completed across the Zambezi river in 1959.",
            "Its lake flooded the valley where the Tonga people had lived.",
            "About fifty-seven thousand people were moved to make way for the water.",
        ],
        "When was the Kariba dam completed across the Zambezi?",
    ),
    "html": (
        "aswan",
        "The Aswan High Dam",
        [
            "Work on the Aswan High Dam on the Nile began in January 1960.",
            "The temples of Abu Simbel were cut into blocks and moved to higher ground.",
            "Lake Nasser, behind the dam, stretches far into Sudan.",
        ],
        "Which temples were cut into blocks and moved to higher ground?",
    ),
    "pdf": (
        "kainji",
        "The Kainji dam",
        [
            "The Kainji dam on the Niger river was opened in 1968.",
            "Its turbines were the largest source of electricity in Nigeria at the time.",
            "The old town of Bussa was flooded and a new town was built for its people.",
        ],
        "Which old town was flooded by the Kainji dam?",
    ),
}


def upload_file(kind: str) -> tuple[str, bytes]:
    """The made-up document of `kind` as an upload: (file name, bytes)."""
    doc_id, title, paragraphs, _ = UPLOADS[kind]
    if kind == "docx":
        return f"{doc_id}.docx", docx_bytes(title, "Facts", paragraphs)
    if kind == "html":
        return f"{doc_id}.html", html_bytes(title, "Facts", paragraphs)
    return f"{doc_id}.pdf", pdf_bytes([title, *paragraphs])
