"""The model on ONNX Runtime: a tokenizer and an inference session, no torch.

The graph comes from `index.onnx_export`, run once per model (in a child process, so a serving
process never holds torch) into a cache folder that every data folder shares:

    <root>/<model name>-<key>/fp32/     root: TUTOR_ONNX_DIR, default ~/.cache/tutor/onnx
    <root>/<model name>-<key>/int8/     key: the model folder's files (names, sizes, times)
        model.onnx        token ids in, the transformer's last hidden state out
        tokenizer.json    the model's fast tokenizer
        manifest.json     model name, dimension, max_seq_length, agreement with torch

Pooling (mean over real tokens) and L2 normalisation happen here, as sentence-transformers
does them, so fp32 vectors are torch's to cosine 1.0 and an index built by either runtime
serves the other.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from tutor.errors import Unavailable

from .embedder import SMALL_BATCH, NamedModel, model_name, whole_words

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
VARIANTS = ("fp32", "int8")
# intra-op threads wait for work by sleeping, not spinning: a spinning pool burns the core a
# busy neighbour (or the other batching worker) needs, and a lone query then waits on it.
SPIN = False


def default_root() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "tutor" / "onnx"


def model_key(model_path: Path) -> str:
    """Changes whenever a file of the model folder does (a reinstalled or different model)."""
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    for path in sorted(p for p in model_path.rglob("*") if p.is_file()):
        stat = path.stat()
        relative = path.relative_to(model_path).as_posix()
        digest.update(f"\n{relative} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def export_dir(root: Path, model_path: Path, variant: str) -> Path:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return root / f"{model_name(model_path)}-{model_key(model_path)}" / variant


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None when the export is missing or not of this format."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        return None
    return manifest


def ensure_export(model_path: Path, root: Path, *, int8: bool = False) -> Path:
    """The folder of the model's ONNX export, exported first when missing.

    int8 falls back to fp32 (with a warning) when quantising lost too much agreement with torch.
    """
    variant = "int8" if int8 else "fp32"
    folder = export_dir(root, model_path, variant)
    if read_manifest(folder) is None:
        log.info(
            "exporting %s to ONNX (%s) into %s: once per model, about half a minute",
            model_name(model_path),
            variant,
            folder,
        )
        # A child process: the export needs torch, which a serving process never loads.
        command = [sys.executable, "-m", "index.onnx_export", str(model_path), str(root)]
        done = subprocess.run([*command, "--int8"] if int8 else command, check=False)
        if done.returncode != 0 or read_manifest(folder) is None:
            raise Unavailable(
                f"the ONNX export of {model_path} failed (exit {done.returncode}); "
                "set TUTOR_EMBED_RUNTIME=torch to serve without it"
            )
    manifest = read_manifest(folder)
    if manifest is not None and manifest.get("rejected"):
        log.warning("int8 model not used (%s); serving fp32", manifest["rejected"])
        return ensure_export(model_path, root, int8=False)
    return folder


class OnnxEmbedder(NamedModel):
    """Embeds with an exported model on ONNX Runtime; never imports torch."""

    def __init__(
        self,
        folder: Path,
        *,
        threads: int | None = None,
        batch_size: int = SMALL_BATCH,
        spin: bool = SPIN,
    ):
        manifest = read_manifest(folder)
        if manifest is None:
            raise Unavailable(f"{folder} holds no ONNX export of a known format")
        self._folder = folder
        self._name = str(manifest["model"])
        self._dim = int(manifest["dim"])
        self.variant = str(manifest["variant"])
        self._batch_size = batch_size
        self._spin = spin
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # as sentence-transformers tokenizes: to max_seq_length (the tokenizer file's own
        # setting may differ), padded to the longest text of the batch
        self._tokenizer.enable_truncation(max_length=int(manifest["max_seq_length"]))
        padding = self._tokenizer.padding or {}
        self._tokenizer.enable_padding(
            pad_id=int(padding.get("pad_id", 0)), pad_token=str(padding.get("pad_token", "[PAD]"))
        )
        self._threads = max(1, threads or os.cpu_count() or 1)
        self._session = self._open(self._threads)
        self._inputs = {i.name for i in self._session.get_inputs()}

    def _open(self, threads: int) -> ort.InferenceSession:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only
        spinning = "1" if self._spin else "0"
        options.add_session_config_entry("session.intra_op.allow_spinning", spinning)
        return ort.InferenceSession(
            str(self._folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def set_threads(self, threads: int) -> None:
        """Threads of one model call (a session fixes them when it opens: reopen it)."""
        threads = max(1, threads)
        if threads != self._threads:
            self._session = self._open(threads)
            self._threads = threads

    @property
    def threads(self) -> int:
        return self._threads

    def token_vocabulary(self) -> list[str]:
        return whole_words(self._tokenizer.get_vocab())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        stripped = [str(t).strip() for t in texts]
        if len(stripped) <= self._batch_size:
            return self._embed_batch(stripped)
        # Longest first in batches of similar length, as sentence-transformers' encode():
        # a batch pads to its longest text, so mixing lengths wastes most of the work.
        order = sorted(range(len(stripped)), key=lambda i: -len(stripped[i]))
        out = np.empty((len(stripped), self._dim), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            out[rows] = self._embed_batch([stripped[i] for i in rows])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer.encode_batch(texts)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64)}
        if "attention_mask" in self._inputs:
            feeds["attention_mask"] = mask
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.array([e.type_ids for e in encoded], dtype=np.int64)
        hidden = self._session.run(None, feeds)[0]
        return mean_pool_normalise(hidden, mask)


def mean_pool_normalise(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the real tokens' vectors, scaled to unit length (sentence-transformers' eps)."""
    weights = mask.astype(np.float32)[:, :, None]
    summed = (hidden * weights).sum(axis=1)
    mean = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(mean, axis=1, keepdims=True)
    return np.ascontiguousarray(mean / np.clip(norms, 1e-12, None), dtype=np.float32)
