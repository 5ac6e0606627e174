"""The course folder as the tutor's document library (tutor.ports.DocumentLibrary).

An upload is converted to text and written into the course folder, so a restart (and `tutor
index`) serves it too: .txt and .md keep their name, other kinds are kept as `<doc_id>.md`.
Files are written under a hidden name and renamed, so a build reading the folder never sees
half a file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from tutor.course import Course
from tutor.embedding import Lexicon
from tutor.errors import InvalidInput, NotFound, Unavailable
from tutor.ports import Embedder

from .convert import MAX_UPLOAD_BYTES, TEXT_SUFFIXES, convert
from .documents import doc_id_for, read_corpus
from .store import build_index, load_course


class CorpusLibrary:
    """Documents kept in `corpus_dir`, indexed into `data_dir` with `embedder` (without one,
    it can add and remove files but not build: `tutor documents`)."""

    def __init__(
        self,
        corpus_dir: Path,
        data_dir: Path,
        embedder: Embedder | None = None,
        *,
        lexicon: Lexicon | None = None,
        max_bytes: int = MAX_UPLOAD_BYTES,
    ):
        self.corpus_dir = corpus_dir
        self.data_dir = data_dir
        self.embedder = embedder
        self.lexicon = lexicon
        self.max_bytes = max_bytes
        self._lock = threading.Lock()  # one change to the folder at a time

    def files_of(self, doc_id: str) -> list[Path]:
        return [p for p, _ in read_corpus(self.corpus_dir) if doc_id_for(p) == doc_id]

    def add(self, filename: str, data: bytes) -> str:
        name = Path(filename).name  # never a path out of the course folder
        text = convert(name, data, self.max_bytes)
        doc_id = doc_id_for(Path(name))
        suffix = Path(name).suffix.lower()
        target = self.corpus_dir / f"{doc_id}{suffix if suffix in TEXT_SUFFIXES else '.md'}"
        with self._lock:
            self.corpus_dir.mkdir(parents=True, exist_ok=True)
            hidden = self.corpus_dir / f".upload-{doc_id}-{os.getpid()}"
            hidden.write_text(text, encoding="utf-8")
            os.replace(hidden, target)
            for old in self.files_of(doc_id):  # an upload replaces the document of its id
                if old != target:
                    old.unlink()
        return doc_id

    def remove(self, doc_id: str) -> None:
        with self._lock:
            found = self.files_of(doc_id)
            if not found:
                raise NotFound(f"no document {doc_id!r} in the course folder")
            if len(read_corpus(self.corpus_dir)) == len(found):
                raise InvalidInput(f"{doc_id!r} is the course's last document; add another first")
            for path in found:
                path.unlink()

    def build(self) -> Course:
        if self.embedder is None:
            raise Unavailable("this library was opened without a model: it cannot index")
        build_index(self.corpus_dir, self.data_dir, self.embedder, lexicon=self.lexicon)
        return self.load()

    def load(self) -> Course:
        return load_course(self.data_dir)
