"""Adapters reach the core through its public names only (issue 13).

Every module of `bots/` may import `tutor` but only the names `tutor.__all__` lists, never a
module inside it, and never the model and vector libraries. `index/` is imported by one module
only, `bots/wiring.py`, the composition root that builds the concrete parts from settings.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tutor

BOTS = Path(__file__).resolve().parents[2] / "bots"
COMPOSITION_ROOT = "wiring.py"
FORBIDDEN_TOPS = {"index", "faiss", "sentence_transformers", "torch", "onnxruntime"}


def imports_of(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) for every import in a file, nested ones included."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, tuple(alias.name for alias in node.names)))
    return found


def violations(path: Path, may_import_index: bool = False) -> list[str]:
    out = []
    for module, names in imports_of(path):
        top = module.split(".")[0]
        if top == "index" and may_import_index:
            continue
        if top in FORBIDDEN_TOPS:
            out.append(f"imports {module}")
        elif top == "tutor" and module != "tutor":
            out.append(f"imports {module}, inside the core")
        elif module == "tutor":
            out.extend(f"imports tutor.{n}, not public" for n in names if n not in tutor.__all__)
    return out


ADAPTERS = sorted(BOTS.glob("*.py"))


@pytest.mark.parametrize("path", ADAPTERS, ids=lambda p: p.name)
def test_adapter_imports_only_the_cores_public_names(path: Path) -> None:
    assert violations(path, may_import_index=path.name == COMPOSITION_ROOT) == []


def test_the_check_catches_a_reach_past_the_facade(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from tutor.retrieval import Retriever\n"
        "from tutor import Tutor, course\n"
        "def f():\n    import faiss\n    from index.store import load_course\n"
    )
    assert violations(bad) == [
        "imports tutor.retrieval, inside the core",
        "imports tutor.course, not public",
        "imports faiss",
        "imports index.store",
    ]
    # the composition root may build index parts, but the core's insides stay closed to it
    assert violations(bad, may_import_index=True) == [
        "imports tutor.retrieval, inside the core",
        "imports tutor.course, not public",
        "imports faiss",
    ]
