"""The lexicon: vectors of the model's most frequent single words, built once per model and
shared by every data folder, so a question's words the course never uses need no model call
when it is asked. It is only a shortcut: without it those words go to the model, which gives
the same vectors, so nothing waits for it (serving builds a missing one in the background).

    <root>/<model name>/     root: TUTOR_LEXICON_DIR, default ~/.cache/tutor/lexicon
        words.json      the words, in row order (most frequent first)
        vectors.npy     one L2-normalised float32 row per word, as the model embeds it alone
        meta.json       model name, dimension, word count, format version

A folder is published whole by renaming a finished temporary folder, so a killed build
leaves either the previous lexicon or none, never half of one.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from tutor.embedding import Lexicon
from tutor.ports import Embedder
from tutor.text import content_words

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: the most frequent words first, as many as configured
BUILD_BATCH = 32  # words per model call: a question waiting behind one call waits little
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")


def lexicon_words(tokens: Sequence[str], limit: int | None = None) -> list[str]:
    """The tokens a question's content words can be (lower-case words, not stop words), in
    the tokens' order, the first `limit` of them.

    A WordPiece or BPE vocabulary lists its words roughly by frequency in the text it was
    learnt from, so its first words are the ones questions use most.
    """
    words = [t for t in dict.fromkeys(tokens) if _WORD.fullmatch(t) and content_words(t) == [t]]
    return words if limit is None else words[:limit]


def model_words(embedder: Embedder, limit: int | None = None) -> list[str]:
    """The model's `limit` most frequent words; none for a model whose tokenizer lists none."""
    if limit == 0:
        return []
    listing = getattr(embedder, "token_vocabulary", None)
    return lexicon_words(listing() if listing else [], limit)


def lexicon_dir(root: Path, model_name: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", model_name) or "model"
    return root / safe


def _meta(embedder: Embedder, count: int) -> dict[str, object]:
    return {"model": embedder.name, "dim": embedder.dim, "words": count, "format": FORMAT_VERSION}


def load_lexicon(
    root: Path, embedder: Embedder, expected: Sequence[str] | None = None
) -> Lexicon | None:
    """The model's lexicon, or None when there is none, it is unusable or it holds other words
    than `expected` (then it says why)."""
    folder = lexicon_dir(root, embedder.name)
    if not folder.exists():
        return None
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        words = json.loads((folder / "words.json").read_text(encoding="utf-8"))
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
    except (OSError, ValueError) as exc:
        log.warning("lexicon in %s is unreadable (%s); it will be rebuilt", folder, exc)
        return None
    if meta != _meta(embedder, len(words)) or vectors.shape != (len(words), embedder.dim):
        log.warning("lexicon in %s does not match the model; it will be rebuilt", folder)
        return None
    if expected is not None and words != list(expected):
        log.info("lexicon in %s holds other words than configured; it will be rebuilt", folder)
        return None
    return Lexicon(words, vectors)


def build_lexicon(
    root: Path,
    embedder: Embedder,
    words: Sequence[str],
    progress: Callable[[int, int], None] | None = None,
    batch: int = BUILD_BATCH,
) -> Lexicon:
    """Embed `words` one by one (in batches) and publish them as the model's lexicon."""
    folder = lexicon_dir(root, embedder.name)
    folder.parent.mkdir(parents=True, exist_ok=True)
    chunks = []
    for start in range(0, len(words), batch):
        chunks.append(embedder.embed(words[start : start + batch]))
        if progress:
            progress(min(start + batch, len(words)), len(words))
    vectors = (
        np.concatenate(chunks).astype(np.float32)
        if chunks
        else np.zeros((0, embedder.dim), dtype=np.float32)
    )
    tmp = Path(tempfile.mkdtemp(prefix=".lexicon-", dir=folder.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the index beside it is readable
    try:
        np.save(tmp / "vectors.npy", vectors)
        (tmp / "words.json").write_text(json.dumps(list(words)), encoding="utf-8")
        (tmp / "meta.json").write_text(json.dumps(_meta(embedder, len(words))), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            tmp.rename(folder)
        except OSError:
            # another process published the same model's lexicon a moment ago: keep theirs
            if load_lexicon(root, embedder, words) is None:
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Lexicon(words, vectors)


def ensure_lexicon(
    root: Path,
    embedder: Embedder,
    progress: Callable[[int, int], None] | None = None,
    limit: int | None = None,
) -> Lexicon | None:
    """The lexicon of the model's `limit` most frequent words (all when None), built first when
    missing, unusable or of other words; None for no words (then every word goes to the model)."""
    words = model_words(embedder, limit)
    if not words:
        return None
    found = load_lexicon(root, embedder, words)
    if found is not None:
        return found
    log.info("building the lexicon: %d words", len(words))
    return build_lexicon(root, embedder, words, progress)
