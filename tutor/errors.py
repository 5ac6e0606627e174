"""The tutor's errors, as a small tree that each adapter maps once.

TutorError
├── InvalidInput      the caller sent something the tutor cannot use (→ 400/422)
├── NotFound          a document, session, quiz item or course that does not exist (→ 404)
│   └── NoDocuments   the course exists but holds no documents yet (→ 404, or 409)
└── Unavailable       a dependency the answer needs is not ready (index, model) (→ 503)
"""

from __future__ import annotations


class TutorError(Exception):
    """Base of every error the tutor raises on purpose."""


class InvalidInput(TutorError):
    """The request is malformed or outside the allowed limits."""


class NotFound(TutorError):
    """The named document, session or item does not exist."""


class NoDocuments(NotFound):
    """A course without documents was asked a question or for a quiz: a teacher must upload
    one first. A NotFound, so an adapter that does not know it answers 404; one that does
    may answer 409 (the course is in a state that cannot answer)."""


class Unavailable(TutorError):
    """Something the tutor depends on is not ready."""


class TooLarge(InvalidInput):
    """An upload over the size the service takes."""


class Unsupported(InvalidInput):
    """An upload of a kind the service cannot read (by its file name's extension)."""
