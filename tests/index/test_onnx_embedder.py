"""The ONNX Runtime embedder against the torch model it was exported from."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from index.onnx_embedder import export_dir, mean_pool_normalise, model_key, read_manifest
from index.onnx_export import INT8_MIN_COSINE, PROBE_TEXTS, _publish
from tests.conftest import ROOT

# words, questions, sentences; the one past the token limit alone (padding a batch to 256
# tokens costs more than the rest of the test)
TEXTS = [t for t in PROBE_TEXTS if len(t) < 500]
[LONG] = [t for t in PROBE_TEXTS if len(t) >= 500]
# more than the batch size (64), so the sorted, chunked path runs too
MANY = [f"Sentence number {i} says that {'very ' * (i % 7)}little changes." for i in range(70)]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1))  # both sides are unit vectors


@pytest.mark.slow
def test_fp32_gives_the_torch_models_vectors(onnx_embedder, real_embedder) -> None:  # type: ignore[no-untyped-def]
    got = onnx_embedder.embed(TEXTS)
    want = real_embedder.embed(TEXTS)
    assert got.shape == want.shape == (len(TEXTS), 384)
    assert got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert _cosines(got, want).min() > 0.9999
    # truncated where sentence-transformers truncates (max_seq_length of the model folder)
    assert _cosines(onnx_embedder.embed([LONG]), real_embedder.embed([LONG]))[0] > 0.9999
    # one at a time too: a text's vector does not depend on the batch it came in
    alone = np.concatenate([onnx_embedder.embed([t]) for t in TEXTS[:8]])
    assert _cosines(alone, want[:8]).min() > 0.9999


@pytest.mark.slow
def test_a_large_batch_keeps_the_order_of_its_texts(onnx_embedder, real_embedder) -> None:  # type: ignore[no-untyped-def]
    got = onnx_embedder.embed(MANY)  # embedded longest first, in chunks
    assert _cosines(got, real_embedder.embed(MANY)).min() > 0.9999


@pytest.mark.slow
def test_same_name_dimension_and_vocabulary_as_torch(onnx_embedder, real_embedder) -> None:  # type: ignore[no-untyped-def]
    # an index or lexicon built by either runtime stays valid for the other
    assert onnx_embedder.name == real_embedder.name
    assert onnx_embedder.dim == real_embedder.dim
    assert onnx_embedder.token_vocabulary() == real_embedder.token_vocabulary()
    assert onnx_embedder.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_threads_can_change_without_changing_vectors(onnx_embedder) -> None:  # type: ignore[no-untyped-def]
    before = onnx_embedder.embed(TEXTS[:5])
    threads = onnx_embedder.threads
    try:
        onnx_embedder.set_threads(1)
        assert onnx_embedder.threads == 1
        assert _cosines(onnx_embedder.embed(TEXTS[:5]), before).min() > 0.99999
    finally:
        onnx_embedder.set_threads(threads)


@pytest.mark.slow
def test_int8_stays_close_to_torch_or_is_rejected(onnx_root: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    from index.embedder import bundled_model_path
    from index.onnx_embedder import OnnxEmbedder, ensure_export

    folder = ensure_export(bundled_model_path(), onnx_root, int8=True)
    manifest = read_manifest(export_dir(onnx_root, bundled_model_path(), "int8"))
    assert manifest is not None
    if manifest.get("rejected"):  # then the fp32 export is served instead
        assert folder.name == "fp32"
        return
    int8 = OnnxEmbedder(folder)
    assert int8.variant == "int8"
    assert (folder / "model.onnx").stat().st_size < 30_000_000  # a quarter of fp32
    # what the export checked; on 70 near-identical sentences the floor is lower (0.9846 here)
    assert _cosines(int8.embed(TEXTS), real_embedder.embed(TEXTS)).min() >= INT8_MIN_COSINE
    assert _cosines(int8.embed(MANY), real_embedder.embed(MANY)).min() >= 0.98


@pytest.mark.slow
def test_the_serving_path_never_imports_torch(onnx_embedder, seed_data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path

        from bots.http_app import create_app
        from bots.wiring import build_embedder
        from index.store import load_course
        from tutor.service import Tutor
        from tutor.settings import Settings
        from tutor.stores.memory import MemoryStateStore

        embedder = build_embedder(Settings(embed_runtime="onnx"))
        assert embedder.embed(["How do plants make food?"]).shape == (1, 384)
        tutor = Tutor(load_course(Path({str(seed_data_dir)!r})), embedder, MemoryStateStore())
        create_app(tutor=tutor)
        tutor.ask("What happened in 1955?")
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers",
                        "sentence_transformers"))
        print(loaded)
        assert not loaded, loaded
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[]"


def test_mean_pooling_skips_padding_and_normalises() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    assert np.allclose(mean_pool_normalise(hidden, mask), [[1.0, 0.0]])


def test_a_failed_export_publishes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "model-key" / "fp32"

    def write(folder: Path) -> dict[str, object]:
        (folder / "model.onnx").write_bytes(b"half a graph")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        _publish(target, write)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temporary folder left behind
    _publish(target, lambda folder: {"format": 1})
    assert json.loads((target / "manifest.json").read_text()) == {"format": 1}


def test_the_cache_key_follows_the_model_files(tmp_path: Path) -> None:
    model = tmp_path / "mini"
    model.mkdir()
    (model / "config.json").write_text("{}")
    first = model_key(model)
    assert model_key(model) == first
    (model / "config.json").write_text('{"changed": 1}')
    assert model_key(model) != first
    # one folder per model, whatever the data folder: named by the model and its key
    assert export_dir(tmp_path / "root", model, "int8").parent.name.startswith("mini-")
    with pytest.raises(ValueError):
        export_dir(tmp_path / "root", model, "fp16")
