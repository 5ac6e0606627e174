"""A loaded course: documents, their sentences and the vectors that find them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .domain import Document, Passage
from .errors import NotFound
from .ports import VectorIndex
from .text import content_stems

SUBJECT_SHARE = 0.10  # a word in this share of the sentences is the course's subject…
SUBJECT_MIN = 5  # …and in at least this many (in a small course every word is frequent)


@dataclass(frozen=True)
class Course:
    """Everything retrieval needs, built once by `index` and read-only afterwards.

    `vocabulary` lists the course's content words, embedded one by one in
    `vocabulary_vectors`, so a question word can be matched softly ("built" ~ "erected").
    `sentence_vectors[i]` embeds passage i alone; `context_vectors[i]` embeds it with its
    section title and the sentence before it, so "Its length was 4.5 thousand km" is found by
    a question about the pipeline named one sentence earlier.
    """

    version: str
    documents: dict[str, Document]
    passages: tuple[Passage, ...]
    sentence_index: VectorIndex
    context_index: VectorIndex
    sentence_vectors: np.ndarray
    context_vectors: np.ndarray
    vocabulary: tuple[str, ...] = ()
    vocabulary_vectors: np.ndarray | None = None
    # the answer policy fitted to this course when it was indexed (see tutor/calibration.py)
    calibration: Mapping[str, object] | None = None
    # the re-ranking weights fitted alongside it, when they beat the prior (tutor/ranking_fit.py)
    ranking: Mapping[str, object] | None = None
    _by_paragraph: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _subject: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups: dict[int, list[int]] = {}
        for p in self.passages:
            groups.setdefault(p.paragraph, []).append(p.passage_id)
        self._by_paragraph.update({k: tuple(v) for k, v in groups.items()})

    def document(self, doc_id: str) -> Document:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise NotFound(f"no document {doc_id!r}; known: {sorted(self.documents)}") from None

    def paragraph_of(self, passage_id: int) -> tuple[Passage, ...]:
        """The sentences of the paragraph that holds `passage_id`, in order."""
        ids = self._by_paragraph[self.passages[passage_id].paragraph]
        return tuple(self.passages[i] for i in ids)

    def neighbour(self, passage_id: int, step: int) -> Passage | None:
        """The sentence `step` places away inside the same paragraph, if any."""
        p = self.passages[passage_id]
        j = passage_id + step
        if 0 <= j < len(self.passages) and self.passages[j].paragraph == p.paragraph:
            return self.passages[j]
        return None

    def section_titles(self) -> list[str]:
        seen: dict[str, None] = {}
        for doc in self.documents.values():
            for s in doc.sections:
                seen.setdefault(s.title, None)
        return list(seen)

    def subject_words(self) -> frozenset[str]:
        """Stems of the words in at least SUBJECT_SHARE of the sentences: the course's own
        subject ("Soviet" in a course on Soviet policy), which answers no "who" or "what"."""
        found = self._subject
        if found is None:
            counts: dict[str, int] = {}
            for p in self.passages:
                for word in set(content_stems(p.text)):
                    counts[word] = counts.get(word, 0) + 1
            least = max(SUBJECT_MIN, SUBJECT_SHARE * len(self.passages))
            found = frozenset(w for w, n in counts.items() if n >= least and w.isalpha())
            object.__setattr__(self, "_subject", found)
        return found
