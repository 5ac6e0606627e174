"""How many words the lexicon needs: `python -m bench.lexicon_words`.

A question's content words that its course lacks are embedded with it, unless the lexicon
holds them. For each question set and its course, this prints the share of those words that
a lexicon of the model's N most frequent words holds, for several N (all = every word of the
tokenizer's vocabulary). Then, for the seed and the four-document course of
`bench/first_answer.py`, the texts an index build embeds without the lexicon and with the
configured one. Only the tokenizer is read: no model call.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from index.documents import read_corpus
from index.embedder import bundled_model_path
from index.lexicon import lexicon_words
from index.store import parse_texts, vocabulary_of
from tutor.settings import LEXICON_WORDS
from tutor.text import content_words

from .first_answer import make_course
from .questions import base_questions

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
SIZES = (2_000, 5_000, 8_000, 12_000, 16_000)
SETS = (  # question set, its course
    (SHARED / "dev.jsonl", ROOT / "corpus"),
    (ROOT / "tests" / "eval" / "heldout.jsonl", ROOT / "corpus"),
    (SHARED / "dev-cold-war.jsonl", SHARED / "courses" / "cold-war.md"),
    (SHARED / "dev-galilean-moons.jsonl", SHARED / "courses" / "galilean-moons.md"),
)


def tokenizer_words() -> list[str]:
    from transformers import AutoTokenizer

    vocab = AutoTokenizer.from_pretrained(str(bundled_model_path())).get_vocab()
    # as SentenceTransformerEmbedder.token_vocabulary lists them: id order, no continuations
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda item: item[1])]
    return lexicon_words([t for t in tokens if not t.startswith("##")])


def main() -> int:
    rank = {w: i for i, w in enumerate(tokenizer_words())}
    print(f"| question set | words embedded | {' | '.join(f'{n:,}' for n in SIZES)} | all |")
    print("| --- | --- |" + " --- |" * (len(SIZES) + 1))
    for questions, course in SETS:
        files = read_corpus(course) if course.is_dir() else [(course, course.read_text("utf-8"))]
        known = set(vocabulary_of(*parse_texts(files)))
        missing = [
            w
            for q in base_questions((questions,))
            for w in dict.fromkeys(content_words(q))
            if w not in known
        ]
        shares = [
            sum(1 for w in missing if rank.get(w, len(rank)) < n) / len(missing)
            for n in (*SIZES, len(rank))
        ]
        print(
            f"| {questions.name} | {len(missing)} | "
            + " | ".join(f"{s:.2f}" for s in shares)
            + " |"
        )
    print(f"\n(all = {len(rank):,} words)\n")
    print(f"| course | sentences | course words | texts embedded | with {LEXICON_WORDS:,} words |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("seed", "four"):
            documents, passages = parse_texts(read_corpus(make_course(name, Path(tmp) / name)))
            words = vocabulary_of(documents, passages)
            held = sum(1 for w in words if rank.get(w, len(rank)) < LEXICON_WORDS)
            texts = 2 * len(passages) + len(words)
            print(f"| {name} | {len(passages)} | {len(words)} | {texts:,} | {texts - held:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
