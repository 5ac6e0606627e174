"""The lexicon: vectors of common single words, built once per model and kept beside the
index, so a question's words the course never uses need no model call when it is asked.

    <root>/<model name>/           root: TUTOR_LEXICON_DIR, default <data_dir>/lexicon
        words.json      the words, in row order
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

FORMAT_VERSION = 1
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")


def lexicon_words(tokens: Sequence[str]) -> list[str]:
    """The tokens a question's content words can be: lower-case words, not stop words."""
    return sorted({t for t in tokens if _WORD.fullmatch(t) and content_words(t) == [t]})


def lexicon_dir(root: Path, model_name: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", model_name) or "model"
    return root / safe


def _meta(embedder: Embedder, count: int) -> dict[str, object]:
    return {"model": embedder.name, "dim": embedder.dim, "words": count, "format": FORMAT_VERSION}


def load_lexicon(root: Path, embedder: Embedder) -> Lexicon | None:
    """The model's lexicon, or None when there is none or it is unusable (then it says why)."""
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
    return Lexicon(words, vectors)


def build_lexicon(
    root: Path,
    embedder: Embedder,
    words: Sequence[str],
    progress: Callable[[int, int], None] | None = None,
    batch: int = 2048,
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
            if load_lexicon(root, embedder) is None:
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Lexicon(words, vectors)


def ensure_lexicon(
    root: Path,
    embedder: Embedder,
    progress: Callable[[int, int], None] | None = None,
) -> Lexicon | None:
    """The model's lexicon, built first when missing or unusable; None for a model whose
    tokenizer lists no words (then every unfamiliar word goes to the model)."""
    found = load_lexicon(root, embedder)
    if found is not None:
        return found
    listing = getattr(embedder, "token_vocabulary", None)
    words = lexicon_words(listing() if listing else [])
    if not words:
        return None
    log.info("building the lexicon: %d words", len(words))
    return build_lexicon(root, embedder, words, progress)
