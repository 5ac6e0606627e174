"""Unit tests for index.store: building, staleness and loading of the on-disk index.

Every build uses the hashing fake embedder, so these tests need no model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.store import (
    FORMAT_VERSION,
    build_index,
    context_texts,
    corpus_hash,
    current_build,
    load_course,
    parse_corpus,
    parse_texts,
    read_manifest,
    stale_reason,
    vocabulary_of,
)
from index.vectors import FaissVectorIndex
from tutor.errors import Unavailable
from tutor.fakes import HashingEmbedder

SEED_FILE = Path(__file__).resolve().parents[2] / "corpus" / "ussr-foreign-policy-1953-1964.txt"

INDEX_FILES = {
    "manifest.json",
    "calibration.json",
    "common.json",
    "documents.json",
    "passages.json",
    "sentence.npy",
    "context.npy",
    "sentence.faiss",
    "context.faiss",
    "vocabulary.json",
    "vocabulary.npy",
    "quiz-bank.json",
}

COLD_WAR = """# The Cold War

The Cold War began after the Second World War. Two blocs formed in Europe.

## The Berlin Wall

The Berlin Wall was erected in August 1961. It divided the city for decades.

The wall fell in November 1989.
"""

THAW = """The Thaw

Khrushchev denounced Stalin at the congress in 1956. Prisoners were released from the camps.

Foreign policy

Khrushchev visited America in 1959. He spoke at the United Nations.
"""


def write_corpus(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", {"cold-war.md": COLD_WAR, "thaw.txt": THAW})


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder(64)


def build_folders(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "index").iterdir() if p.name.startswith("build-"))


def leftovers(data_dir: Path) -> list[str]:
    """Temporary files and folders a finished or failed build must not leave behind."""
    return sorted(p.name for p in (data_dir / "index").iterdir() if p.name.startswith("."))


class FailingEmbedder(HashingEmbedder):
    """Embeds normally for `good_calls` calls, then raises."""

    def __init__(self, good_calls: int, dim: int = 64):
        super().__init__(dim)
        self.good_calls = good_calls

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.calls >= self.good_calls:
            self.calls += 1
            raise RuntimeError("embedding backend crashed")
        return super().embed(texts)


# --- build and load --------------------------------------------------------------------------


def test_build_writes_every_index_file_and_points_current_at_it(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    folder = build_index(corpus, data, embedder)
    assert folder.parent == data / "index"
    assert folder.name.startswith("build-")
    assert {p.name for p in folder.iterdir()} == INDEX_FILES
    assert (data / "index" / "CURRENT").read_text().strip() == folder.name
    assert current_build(data) == folder
    assert leftovers(data) == []


def test_manifest_describes_the_build(corpus: Path, data: Path, embedder: HashingEmbedder) -> None:
    build_index(corpus, data, embedder)
    manifest = read_manifest(data)
    assert manifest is not None
    _, passages = parse_corpus(corpus)
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["model"] == "hashing-64"
    assert manifest["dim"] == 64
    assert manifest["corpus_hash"] == corpus_hash(corpus)
    assert manifest["documents"] == 2
    assert manifest["passages"] == len(passages) == 9
    assert manifest["vector_index"] == "flat"


def test_load_course_reads_back_identical_documents_passages_and_vectors(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    folder = build_index(corpus, data, embedder)
    documents, passages = parse_corpus(corpus)
    course = load_course(data)

    assert course.passages == tuple(passages)
    assert course.documents == {d.doc_id: d for d in documents}
    assert course.version.startswith(folder.name + ":")
    assert course.version.endswith(corpus_hash(corpus)[:12])
    assert course.vocabulary == tuple(vocabulary_of(documents, passages))

    expected_sentence = embedder.embed([p.text for p in passages])
    expected_context = embedder.embed(context_texts(passages))
    np.testing.assert_allclose(np.asarray(course.sentence_vectors), expected_sentence, atol=1e-6)
    np.testing.assert_allclose(np.asarray(course.context_vectors), expected_context, atol=1e-6)
    assert course.vocabulary_vectors is not None
    assert course.vocabulary_vectors.shape == (len(course.vocabulary), 64)
    assert course.sentence_index.size == course.context_index.size == len(passages)


def test_loaded_index_finds_each_passage_by_its_own_vector(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    course = load_course(data)
    query = embedder.embed(["The Berlin Wall was erected in August 1961."])
    _, ids = course.sentence_index.search(query, 1)
    assert course.passages[int(ids[0, 0])].text == "The Berlin Wall was erected in August 1961."


def test_passage_offsets_point_into_their_document(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    course = load_course(data)
    for p in course.passages:
        doc = course.documents[p.doc_id]
        assert doc.text[p.start : p.end] == p.text
        assert p.section in {s.title for s in doc.sections}
    assert [p.passage_id for p in course.passages] == list(range(len(course.passages)))


def test_progress_reports_every_embedded_text(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    calls: list[tuple[int, int]] = []
    build_index(corpus, data, embedder, progress=lambda done, total: calls.append((done, total)))
    documents, passages = parse_corpus(corpus)
    total = 2 * len(passages) + len(vocabulary_of(documents, passages))
    assert calls[-1] == (total, total)
    assert all(t == total for _, t in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done)


def test_seed_corpus_builds_and_loads(tmp_path: Path, embedder: HashingEmbedder) -> None:
    corpus = write_corpus(tmp_path / "c", {SEED_FILE.name: SEED_FILE.read_text("utf-8")})
    build_index(corpus, tmp_path / "d", embedder)
    course = load_course(tmp_path / "d")
    assert list(course.documents) == ["ussr-foreign-policy-1953-1964"]
    doc = course.documents["ussr-foreign-policy-1953-1964"]
    assert doc.title == "Foreign policy in the USSR in 1953-1964. History of the USSR"
    assert len(doc.sections) == 10
    berlin = [p for p in course.passages if p.text == "On August 13, the Berlin Wall was erected."]
    assert len(berlin) == 1 and berlin[0].section == "New negotiations"


# --- staleness -------------------------------------------------------------------------------


def test_stale_reason_without_an_index(corpus: Path, data: Path) -> None:
    assert stale_reason(data, corpus, "hashing-64") == "no index has been built"


def test_stale_reason_is_none_right_after_a_build(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    assert stale_reason(data, corpus, embedder.name) is None


def test_stale_after_a_course_file_changes(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    (corpus / "thaw.txt").write_text(THAW.replace("1959", "1960"), encoding="utf-8")
    reason = stale_reason(data, corpus, embedder.name)
    assert reason is not None and "changed" in reason


def test_stale_after_a_course_file_is_added(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    (corpus / "detente.md").write_text("# Detente\n\nDetente came later.\n", encoding="utf-8")
    reason = stale_reason(data, corpus, embedder.name)
    assert reason is not None and "changed" in reason


def test_stale_after_a_course_file_is_removed(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    (corpus / "thaw.txt").unlink()
    assert stale_reason(data, corpus, embedder.name) is not None


def test_stale_after_a_course_file_is_renamed(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    (corpus / "thaw.txt").rename(corpus / "the-thaw.txt")
    assert stale_reason(data, corpus, embedder.name) is not None


def test_not_stale_when_a_non_course_file_is_added(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    (corpus / "slides.pdf").write_bytes(b"%PDF-1.4")
    (corpus / ".thaw.txt.swp").write_bytes(b"vim swap")
    (corpus / ".draft.txt").write_text("not yet published", encoding="utf-8")
    assert stale_reason(data, corpus, embedder.name) is None


def test_stale_when_the_model_name_differs(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    reason = stale_reason(data, corpus, "all-MiniLM-L6-v2")
    assert reason is not None
    assert "hashing-64" in reason and "all-MiniLM-L6-v2" in reason


def test_stale_when_the_format_version_differs(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    folder = build_index(corpus, data, embedder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = FORMAT_VERSION + 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    reason = stale_reason(data, corpus, embedder.name)
    assert reason is not None and "format" in reason


def test_stale_when_the_manifest_is_corrupt(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    folder = build_index(corpus, data, embedder)
    (folder / "manifest.json").write_text("{not json")
    assert read_manifest(data) is None
    assert stale_reason(data, corpus, embedder.name) is not None


def test_corpus_hash_tracks_names_and_bytes(tmp_path: Path) -> None:
    a = write_corpus(tmp_path / "a", {"x.txt": "Same text."})
    b = write_corpus(tmp_path / "b", {"x.txt": "Same text."})
    c = write_corpus(tmp_path / "c", {"y.txt": "Same text."})
    d = write_corpus(tmp_path / "d", {"x.txt": "Same text!"})
    assert corpus_hash(a) == corpus_hash(b)
    assert len({corpus_hash(a), corpus_hash(c), corpus_hash(d)}) == 3


# --- rebuilding atomically -------------------------------------------------------------------


def test_second_build_switches_current_and_removes_the_old_folder(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    first = build_index(corpus, data, embedder)
    (corpus / "thaw.txt").write_text(THAW + "\nThe thaw ended in 1964.\n", encoding="utf-8")
    second = build_index(corpus, data, embedder)

    assert second != first
    assert not first.exists()
    assert build_folders(data) == [second.name]
    assert (data / "index" / "CURRENT").read_text().strip() == second.name
    assert leftovers(data) == []
    course = load_course(data)
    assert course.passages[-1].text == "The thaw ended in 1964."
    assert stale_reason(data, corpus, embedder.name) is None


def test_current_is_replaced_in_one_step_only_after_the_new_build_is_complete(
    corpus: Path, data: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_index(corpus, data, embedder)
    old_passages = load_course(data).passages
    (corpus / "thaw.txt").write_text(THAW + "\nThe thaw ended in 1964.\n", encoding="utf-8")

    real_replace = os.replace
    seen: list[str] = []

    def spying_replace(src: str | Path, dst: str | Path) -> None:
        src, dst = Path(src), Path(dst)
        if dst.name == "CURRENT":
            new_name = src.read_text().strip()
            new_folder = data / "index" / new_name
            # the new build is whole before anyone is pointed at it ...
            assert {p.name for p in new_folder.iterdir()} == INDEX_FILES
            # ... and until the pointer moves, readers still get the old build
            assert current_build(data) == first
            assert load_course(data).passages == old_passages
            seen.append(new_name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spying_replace)
    second = build_index(corpus, data, embedder)
    assert seen == [second.name]
    assert load_course(data).passages != old_passages


def test_failed_embedding_leaves_the_previous_index_loadable_and_unchanged(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    first = build_index(corpus, data, embedder)
    before = load_course(data)
    files_before = {p.name: p.read_bytes() for p in first.iterdir()}
    (corpus / "thaw.txt").write_text(THAW + "\nThe thaw ended in 1964.\n", encoding="utf-8")

    failing = FailingEmbedder(good_calls=1)
    with pytest.raises(RuntimeError, match="crashed"):
        build_index(corpus, data, failing)
    assert failing.calls == 2  # it really failed midway, after one successful call

    assert current_build(data) == first
    assert build_folders(data) == [first.name]
    assert leftovers(data) == []
    assert {p.name: p.read_bytes() for p in first.iterdir()} == files_before
    after = load_course(data)
    assert after.passages == before.passages
    assert after.version == before.version
    assert stale_reason(data, corpus, embedder.name) is not None  # still needs a rebuild


def test_failure_while_writing_files_leaves_the_previous_index_and_no_temp_folder(
    corpus: Path, data: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_index(corpus, data, embedder)
    before = load_course(data)
    real_save = FaissVectorIndex.save
    saves: list[Path] = []

    def save_then_fail(self: FaissVectorIndex, path: Path) -> None:
        saves.append(path)
        if len(saves) > 1:
            raise OSError("disk full")
        real_save(self, path)

    monkeypatch.setattr(FaissVectorIndex, "save", save_then_fail)
    with pytest.raises(OSError, match="disk full"):
        build_index(corpus, data, embedder)
    assert len(saves) == 2
    assert not saves[0].parent.exists()  # the half-written temporary folder is gone
    assert current_build(data) == first
    assert build_folders(data) == [first.name]
    assert leftovers(data) == []
    assert load_course(data).passages == before.passages


def test_a_first_build_that_fails_leaves_no_index(corpus: Path, data: Path) -> None:
    with pytest.raises(RuntimeError):
        build_index(corpus, data, FailingEmbedder(good_calls=2))
    assert current_build(data) is None
    with pytest.raises(Unavailable, match="no index"):
        load_course(data)


def test_old_abandoned_temp_folders_are_cleaned_but_recent_ones_kept(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    root = data / "index"
    root.mkdir(parents=True)
    old = root / ".tmp-abandoned"
    recent = root / ".tmp-in-progress"
    old.mkdir()
    recent.mkdir()
    two_hours_ago = os.path.getmtime(old) - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    build_index(corpus, data, embedder)
    assert not old.exists()
    assert recent.exists()  # may belong to a build still running in another process


# --- unreadable indexes ----------------------------------------------------------------------


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("passages.json", _truncate),
        ("passages.json", Path.unlink),
        ("documents.json", _truncate),
        ("manifest.json", Path.unlink),
        ("vocabulary.json", Path.unlink),
        ("sentence.npy", _truncate),
        ("context.npy", Path.unlink),
        ("vocabulary.npy", _truncate),
        ("sentence.faiss", Path.unlink),
        ("sentence.faiss", _truncate),
        ("context.faiss", Path.unlink),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_corrupt_or_missing_file_makes_load_raise_unavailable_naming_it(
    corpus: Path, data: Path, embedder: HashingEmbedder, name: str, damage: object
) -> None:
    folder = build_index(corpus, data, embedder)
    damage(folder / name)  # type: ignore[operator]
    with pytest.raises(Unavailable) as excinfo:
        load_course(data)
    assert name in str(excinfo.value)


def test_row_count_mismatch_makes_load_raise_unavailable_naming_the_file(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    folder = build_index(corpus, data, embedder)
    vectors = np.load(folder / "context.npy")
    np.save(folder / "context.npy", vectors[:-1])
    with pytest.raises(Unavailable, match=r"context\.npy"):
        load_course(data)


def test_vocabulary_mismatch_makes_load_raise_unavailable(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    folder = build_index(corpus, data, embedder)
    vocabulary = json.loads((folder / "vocabulary.json").read_text())
    (folder / "vocabulary.json").write_text(json.dumps([*vocabulary, "extra"]))
    with pytest.raises(Unavailable, match=r"vocabulary\.npy"):
        load_course(data)


def test_load_without_any_index_raises_unavailable(data: Path) -> None:
    with pytest.raises(Unavailable, match="no index"):
        load_course(data)


def test_current_pointing_at_a_missing_folder_raises_unavailable(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    (data / "index" / "CURRENT").write_text("build-does-not-exist")
    assert current_build(data) is None
    with pytest.raises(Unavailable, match="no index"):
        load_course(data)


@pytest.mark.parametrize("files", [{}, {"slides.pdf": "%PDF", ".hidden.txt": "Hidden text."}])
def test_corpus_without_course_files_raises_unavailable(
    tmp_path: Path, data: Path, embedder: HashingEmbedder, files: dict[str, str]
) -> None:
    corpus = write_corpus(tmp_path / "empty", files)
    with pytest.raises(Unavailable, match="no course files"):
        build_index(corpus, data, embedder)
    assert embedder.calls == 0
    assert current_build(data) is None


# --- several documents -----------------------------------------------------------------------


def test_two_documents_are_both_listed_with_their_own_passages(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    course = load_course(data)
    assert sorted(course.documents) == ["cold-war", "thaw"]
    assert course.documents["cold-war"].title == "The Cold War"
    assert course.documents["thaw"].title == "The Thaw"
    by_doc: dict[str, list[str]] = {}
    for p in course.passages:
        by_doc.setdefault(p.doc_id, []).append(p.text)
    assert by_doc["cold-war"] == [
        "The Cold War began after the Second World War.",
        "Two blocs formed in Europe.",
        "The Berlin Wall was erected in August 1961.",
        "It divided the city for decades.",
        "The wall fell in November 1989.",
    ]
    assert by_doc["thaw"] == [
        "Khrushchev denounced Stalin at the congress in 1956.",
        "Prisoners were released from the camps.",
        "Khrushchev visited America in 1959.",
        "He spoke at the United Nations.",
    ]
    assert course.section_titles() == [
        "The Cold War",
        "The Berlin Wall",
        "The Thaw",
        "Foreign policy",
    ]


def test_paragraph_numbers_never_collide_across_documents(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    course = load_course(data)
    paragraphs: dict[str, set[int]] = {}
    for p in course.passages:
        paragraphs.setdefault(p.doc_id, set()).add(p.paragraph)
    assert paragraphs == {"cold-war": {0, 1, 2}, "thaw": {3, 4}}
    # a paragraph's sentences all come from one document, so neighbours never cross files
    for pid in range(len(course.passages)):
        assert {q.doc_id for q in course.paragraph_of(pid)} == {course.passages[pid].doc_id}
    last_cold_war = max(p.passage_id for p in course.passages if p.doc_id == "cold-war")
    assert course.neighbour(last_cold_war, 1) is None


def test_paragraph_numbering_skips_nothing_after_a_document_without_sentences() -> None:
    _, passages = parse_texts(
        [
            (Path("a.txt"), "Alpha\n\nThe first file was written.\n"),
            (Path("b.txt"), "Only a title\n"),
            (Path("c.txt"), "Gamma\n\nThe third file was written.\n"),
        ]
    )
    assert [(p.doc_id, p.paragraph) for p in passages] == [("a", 0), ("c", 1)]


def test_files_whose_names_slug_alike_get_distinct_ids() -> None:
    documents, passages = parse_texts(
        [
            (Path("Cold War.txt"), "Cold War\n\nThe war was cold.\n"),
            (Path("cold-war.md"), "# Cold War again\n\nThe war stayed cold.\n"),
        ]
    )
    ids = [d.doc_id for d in documents]
    assert ids[0] == "cold-war"
    assert len(set(ids)) == 2
    assert [p.doc_id for p in passages] == ids


def test_deduplicated_ids_do_not_collide_with_existing_ids() -> None:
    documents, _ = parse_texts(
        [
            (Path("week-2.txt"), "Week two\n\nKhrushchev visited America in 1959.\n"),
            (Path("week.md"), "# Week\n\nThe Berlin Wall was erected in 1961.\n"),
            (Path("week.txt"), "Week one\n\nStalin was buried in Moscow.\n"),
        ]
    )
    ids = [d.doc_id for d in documents]
    assert len(set(ids)) == 3, ids


def test_context_texts_carry_the_section_and_the_previous_sentence_of_the_paragraph() -> None:
    _, passages = parse_texts([(Path("thaw.txt"), THAW)])
    contexts = context_texts(passages)
    assert contexts[0] == "The Thaw. Khrushchev denounced Stalin at the congress in 1956."
    assert contexts[1] == (
        "The Thaw. Khrushchev denounced Stalin at the congress in 1956. "
        "Prisoners were released from the camps."
    )
    # a new paragraph does not borrow the last sentence of the previous one
    assert contexts[2] == "Foreign policy. Khrushchev visited America in 1959."


def test_vocabulary_holds_content_words_of_passages_and_section_titles() -> None:
    documents, passages = parse_texts([(Path("thaw.txt"), THAW)])
    vocabulary = vocabulary_of(documents, passages)
    assert vocabulary == sorted(set(vocabulary))
    for word in ("khrushchev", "prisoners", "america", "foreign", "policy", "thaw"):
        assert word in vocabulary, word
    assert "the" not in vocabulary


def test_store_module_writes_only_under_the_index_folder(
    corpus: Path, data: Path, embedder: HashingEmbedder
) -> None:
    build_index(corpus, data, embedder)
    assert [p.name for p in data.iterdir()] == ["index"]
    assert sorted(p.name for p in (data / "index").iterdir()) == sorted(
        ["CURRENT", *build_folders(data)]
    )
