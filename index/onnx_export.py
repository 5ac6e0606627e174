"""Export a sentence-transformers model to ONNX, once per model, and check it against torch.

    python -m index.onnx_export MODEL_FOLDER ROOT [--int8]

Needs torch (the one module of the serving install that does); `index.onnx_embedder` runs
it in a child process when an export is missing. The transformer is traced with torch's
TorchScript exporter (`dynamo=False`: the dynamo one needs `onnxscript`, which this
environment does not otherwise need). Each variant is written to a temporary folder, checked
against the torch model on the probe texts below, and published by renaming the folder, so a
killed export leaves no half of one:

- fp32 must give torch's vectors (cosine > 0.9999 on every probe), or nothing is published;
- int8 (dynamic quantisation of the fp32 graph's weights, per channel) must keep cosine >= 0.985 and
  pick the same nearest probe sentence for every probe question as torch; otherwise its
  manifest records why it was rejected and serving falls back to fp32.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .embedder import model_name
from .onnx_embedder import FORMAT_VERSION, OnnxEmbedder, export_dir, read_manifest

log = logging.getLogger(__name__)

FP32_MIN_COSINE = 0.9999
INT8_MIN_COSINE = 0.985

# Generic texts of many lengths (a word, questions, sentences, one past the token limit):
# what the exported graph and its quantised copy are checked on.
PROBE_SENTENCES = (
    "Water boils at one hundred degrees Celsius at sea level.",
    "The heart pumps blood through the arteries to every part of the body.",
    "Bread rises because yeast turns sugar into carbon dioxide gas.",
    "A glacier is a slow river of ice formed from snow compressed over many years.",
    "The library lends books for three weeks and charges a small fee for late returns.",
    "Plants take in carbon dioxide and release oxygen when sunlight falls on their leaves.",
    "The bridge was opened to traffic after four years of construction.",
    "Bees carry pollen from flower to flower, which lets fruit trees bear fruit.",
    "The museum closes at six o'clock on weekdays and at noon on Sundays.",
    "Copper conducts electricity well, so most household wiring is made of it.",
    "The marathon is a running race of a little over forty-two kilometres.",
    "Volcanoes erupt when molten rock rises through cracks in the crust.",
    "The orchestra tuned their instruments to the oboe before the concert began.",
    "Salt water freezes at a lower temperature than fresh water.",
    "A treaty between the two kingdoms ended the long war over the river valley.",
    "The committee approved the budget by a narrow vote of seven to six.",
)
PROBE_QUESTIONS = (
    "At what temperature does water boil?",
    "What does the heart do?",
    "Why does bread rise?",
    "How is a glacier formed?",
    "How long can I keep a library book?",
    "What do plants release in sunlight?",
    "Which metal is used for wiring?",
    "How long is a marathon?",
    "Why do volcanoes erupt?",
    "What ended the war over the valley?",
    "How did the committee vote on the budget?",
    "When does the museum close?",
)
PROBE_TEXTS = (
    *PROBE_SENTENCES,
    *PROBE_QUESTIONS,
    "erected",
    "photosynthesis",
    "a",
    "  spaces around  ",
    "Ünïcödé text, with punctuation — dashes; and numbers 1,234.5!",
    " ".join(["a long text that runs past the model's token limit"] * 60),
)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)))


def _nearest(vectors: np.ndarray) -> np.ndarray:
    """For each probe question, the index of its nearest probe sentence."""
    sentences = vectors[: len(PROBE_SENTENCES)]
    questions = vectors[len(PROBE_SENTENCES) : len(PROBE_SENTENCES) + len(PROBE_QUESTIONS)]
    return np.asarray((questions @ sentences.T).argmax(axis=1))


def _publish(folder: Path, write: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """Write into a temporary sibling folder, then rename it into place (all or nothing)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        manifest = write(temporary)
        (temporary / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        try:
            temporary.rename(folder)
        except OSError:
            if read_manifest(folder) is None:  # not another process's finished export: retry
                shutil.rmtree(folder, ignore_errors=True)
                temporary.rename(folder)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return manifest


def _max_seq_length(model_path: Path, fallback: int) -> int:
    try:
        config = json.loads((model_path / "sentence_bert_config.json").read_text("utf-8"))
        return int(config["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return fallback


def _trace(transformer: Any, tokenizer_file: Path, target: Path) -> None:
    import torch
    from tokenizers import Tokenizer

    class LastHiddenState(torch.nn.Module):
        """The transformer called by keyword (its forward's positional order varies)."""

        def __init__(self, model: torch.nn.Module):
            super().__init__()
            self.model = model

        def forward(
            self, input_ids: torch.Tensor, mask: torch.Tensor, token_types: torch.Tensor
        ) -> torch.Tensor:
            out = self.model(input_ids=input_ids, attention_mask=mask, token_type_ids=token_types)
            return out.last_hidden_state

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.enable_padding()
    # a padded example, so no branch for an all-ones mask can be traced in as a constant
    encoded = tokenizer.encode_batch(["a short one", "and a somewhat longer example text"])
    example = tuple(
        torch.tensor([getattr(e, field) for e in encoded], dtype=torch.long)
        for field in ("ids", "attention_mask", "type_ids")
    )
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.inference_mode():
        # the tracer warns about Python branches on shapes; the export is checked below instead
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(transformer).eval(),
            example,
            str(target),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def export(model_path: Path, root: Path, *, int8: bool = False) -> Path:
    """Export (fp32, and int8 when asked) unless already exported; return the asked folder."""
    import torch
    from sentence_transformers import SentenceTransformer

    started = time.perf_counter()
    fp32 = export_dir(root, model_path, "fp32")
    wanted = export_dir(root, model_path, "int8") if int8 else fp32
    if read_manifest(wanted) is not None:
        return wanted
    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True).eval()
    with torch.inference_mode():
        expected = model.encode(list(PROBE_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
    base = {
        "format": FORMAT_VERSION,
        "model": model_name(model_path),
        "dim": int(expected.shape[1]),
        "max_seq_length": _max_seq_length(model_path, int(model.max_seq_length or 512)),
        "source": str(model_path),
        "torch": torch.__version__,
    }

    def check(folder: Path) -> tuple[float, bool]:
        got = OnnxEmbedder(folder).embed(list(PROBE_TEXTS))
        same_top1 = bool((_nearest(got) == _nearest(expected)).all())
        return float(_cosines(got, expected).min()), same_top1

    def write_fp32(folder: Path) -> dict[str, Any]:
        shutil.copy(model_path / "tokenizer.json", folder / "tokenizer.json")
        _trace(model[0].auto_model, folder / "tokenizer.json", folder / "model.onnx")
        manifest = {**base, "variant": "fp32"}
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        cosine, _ = check(folder)
        if cosine <= FP32_MIN_COSINE:
            raise RuntimeError(f"the ONNX graph disagrees with torch (min cosine {cosine:.6f})")
        return {**manifest, "min_cosine_to_torch": cosine}

    if read_manifest(fp32) is None:
        _publish(fp32, write_fp32)
        log.info("fp32 exported in %.1f s", time.perf_counter() - started)

    def write_int8(folder: Path) -> dict[str, Any]:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        shutil.copy(fp32 / "tokenizer.json", folder / "tokenizer.json")
        # per-channel int8 weights: per-tensor scales kept a min cosine of only 0.94 here
        quantize_dynamic(
            fp32 / "model.onnx",
            folder / "model.onnx",
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
        manifest = {**base, "variant": "int8"}
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        cosine, same_top1 = check(folder)
        manifest["min_cosine_to_torch"] = cosine
        manifest["same_top1_as_torch"] = same_top1
        if cosine < INT8_MIN_COSINE or not same_top1:
            manifest["rejected"] = (
                f"min cosine to torch {cosine:.4f} (needs {INT8_MIN_COSINE}), "
                f"same nearest sentence for every probe question: {same_top1}"
            )
            (folder / "model.onnx").unlink()  # a rejected graph is never loaded
        return manifest

    if int8:
        _publish(wanted, write_int8)
    log.info("ONNX export ready in %s (%.1f s)", wanted, time.perf_counter() - started)
    return wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("model_path", type=Path, help="a sentence-transformers model folder")
    parser.add_argument("root", type=Path, help="the ONNX cache folder")
    parser.add_argument("--int8", action="store_true", help="also a dynamically quantised copy")
    args = parser.parse_args(argv)
    # the quantiser logs a line per tensor at INFO: only this package's progress is shown
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("index").setLevel(logging.INFO)
    export(args.model_path, args.root, int8=args.int8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
