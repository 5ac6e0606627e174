"""The lexicon built in the background while the tutor answers without it, then swapped in."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bots.wiring import build_lexicon_in_background
from index.lexicon import load_lexicon, model_words
from tests.index.test_lexicon import Tokenized
from tutor.embedding import LexiconEmbedder


class Gated(Tokenized):
    """The fake model; the background build's calls wait until `gate` is set."""

    def __init__(self, fail: bool = False) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.fail = fail

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if threading.current_thread().name == "lexicon-build":
            assert self.gate.wait(10)
            if self.fail:
                raise OSError("disk full")
        return super().embed(texts)


def test_words_go_to_the_model_until_the_lexicon_is_built_then_to_the_lexicon(
    tmp_path: Path,
) -> None:
    model = Gated()
    serving = LexiconEmbedder(model)
    words = model_words(model)
    thread = build_lexicon_in_background(tmp_path, model, words, serving.use)

    before = serving.embed(["wall", "erected"])  # answered while the build waits
    assert model.embedded == ["wall", "erected"] and serving.lexicon is None

    model.gate.set()
    thread.join(10)
    assert serving.lexicon is not None and len(serving.lexicon) == 4
    model.embedded.clear()
    after = serving.embed(["wall", "erected"])
    assert model.embedded == ["erected"]  # "wall" is looked up now
    np.testing.assert_allclose(after, before, atol=1e-6)  # the same vectors either way
    assert load_lexicon(tmp_path, model, words) is not None  # kept for the next start


def test_a_failed_background_build_leaves_the_tutor_answering_without_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = Gated(fail=True)
    serving = LexiconEmbedder(model)
    thread = build_lexicon_in_background(tmp_path, model, model_words(model), serving.use)
    model.gate.set()
    with caplog.at_level(logging.ERROR):
        thread.join(10)
    assert serving.lexicon is None and "could not be built" in caplog.text
    assert serving.embed(["wall"]).shape == (1, 32)
    assert not any(tmp_path.iterdir())  # nothing half-built left in the cache
