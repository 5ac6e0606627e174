"""The model's lexicon of single-word vectors: which words, built once, rebuilt when damaged."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.lexicon import ensure_lexicon, lexicon_dir, lexicon_words, load_lexicon
from tutor.fakes import HashingEmbedder


class Tokenized(HashingEmbedder):
    """A fake model whose tokenizer lists a few entries, counting what it embeds."""

    def __init__(self) -> None:
        super().__init__(dim=32)
        self.embedded: list[str] = []

    def token_vocabulary(self) -> list[str]:
        return ["treaty", "the", "berlin", "1961", "x", "wall", "blockade", "don't", "Sputnik"]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super().embed(texts)


def test_lexicon_words_are_lower_case_content_words_in_token_order() -> None:
    tokens = ["treaty", "the", "berlin", "1961", "x", "wall", "Sputnik", "cold-war", "treaty"]
    assert lexicon_words(tokens) == ["treaty", "berlin", "wall", "cold-war"]
    assert lexicon_words(tokens, limit=2) == ["treaty", "berlin"]  # the most frequent first


def test_a_lexicon_of_other_words_is_rebuilt_with_the_configured_ones(tmp_path: Path) -> None:
    model = Tokenized()
    assert len(ensure_lexicon(tmp_path, model, limit=2) or []) == 2
    assert model.embedded == ["treaty", "berlin"]
    model.embedded.clear()
    bigger = ensure_lexicon(tmp_path, model)
    assert bigger is not None and len(bigger) == 4 and len(model.embedded) == 4
    model.embedded.clear()
    assert ensure_lexicon(tmp_path, model, limit=0) is None and model.embedded == []
    assert load_lexicon(tmp_path, model) is not None  # a lexicon switched off is kept


def test_built_once_then_loaded_without_the_model(tmp_path: Path) -> None:
    model = Tokenized()
    built = ensure_lexicon(tmp_path, model)
    assert built is not None and len(built) == 4
    assert sorted(model.embedded) == ["berlin", "blockade", "treaty", "wall"]
    vector = built.get("treaty")
    assert vector is not None
    np.testing.assert_allclose(vector, HashingEmbedder(dim=32).embed(["treaty"])[0], atol=1e-6)

    model.embedded.clear()
    loaded = ensure_lexicon(tmp_path, model)
    assert model.embedded == []
    assert loaded is not None and "wall" in loaded and loaded.get("the") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda folder: (folder / "vectors.npy").write_bytes(b"not numpy"),
        lambda folder: (folder / "words.json").unlink(),
        lambda folder: (folder / "meta.json").write_text(json.dumps({"model": "other"})),
        lambda folder: np.save(folder / "vectors.npy", np.zeros((2, 32), dtype=np.float32)),
    ],
    ids=["garbage-vectors", "missing-words", "other-model", "wrong-shape"],
)
def test_a_damaged_lexicon_is_rebuilt(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    model = Tokenized()
    ensure_lexicon(tmp_path, model)
    damage(lexicon_dir(tmp_path, model.name))
    assert load_lexicon(tmp_path, model) is None
    model.embedded.clear()
    rebuilt = ensure_lexicon(tmp_path, model)
    assert rebuilt is not None and len(rebuilt) == 4 and len(model.embedded) == 4
    assert load_lexicon(tmp_path, model) is not None


def test_a_model_without_a_token_list_has_no_lexicon(tmp_path: Path) -> None:
    assert ensure_lexicon(tmp_path, HashingEmbedder()) is None
    assert not any(tmp_path.iterdir())


def test_a_killed_build_leaves_no_lexicon_in_service(tmp_path: Path) -> None:
    model = Tokenized()
    ensure_lexicon(tmp_path, model)
    folder = lexicon_dir(tmp_path, model.name)
    # what a build killed before its rename leaves behind: a temporary folder, ignored
    (folder.parent / ".lexicon-killed").mkdir()
    (folder.parent / ".lexicon-killed" / "vectors.npy").write_bytes(b"half")
    assert load_lexicon(tmp_path, model) is not None


@pytest.mark.slow
def test_the_real_lexicon_holds_each_word_as_the_model_embeds_it_alone(real_embedder) -> None:  # type: ignore[no-untyped-def]
    tokens = real_embedder.token_vocabulary()
    assert "treaty" in tokens and not any(t.startswith("##") for t in tokens)
    words = lexicon_words(tokens)
    assert len(words) > 15_000 and "the" not in words
    assert words.index("war") < words.index("treaty") < words.index("erected")  # by frequency
    sample = ["treaty", "erected", "blockade", "negotiations"]
    import tempfile

    from index.lexicon import build_lexicon

    with tempfile.TemporaryDirectory() as tmp:
        lexicon = build_lexicon(Path(tmp), real_embedder, sample)
        alone = real_embedder.embed(["erected"])[0]
        stored = lexicon.get("erected")
        assert stored is not None
        assert float(stored @ alone) > 0.999
