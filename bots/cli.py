"""The `tutor` console script: index, ask, serve, and the deployment's courses, documents and
keys. Commands that take --course work on that course (default: the default course)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from tutor import DEFAULT_COURSE, Settings, TutorError

from . import logsafe


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from .wiring import (
        build_embedder,
        build_lexicon_now,
        course_settings,
        ensure_index,
        index_manifest,
    )

    settings = course_settings(settings, args.course)
    embedder = build_embedder(settings)
    lexicon = build_lexicon_now(settings, embedder) if args.lexicon else None
    if args.lexicon:
        print(f"lexicon: {len(lexicon) if lexicon else 0} words in {settings.lexicon_path()}")
    reason = ensure_index(
        settings, embedder, force=args.force, progress=not args.quiet, lexicon=lexicon
    )
    manifest = index_manifest(settings)
    state = f"built ({reason})" if reason else "up to date"
    print(
        f"index {state}: {manifest.get('passages')} sentences from "
        f"{manifest.get('documents')} documents in {settings.data_dir / 'index'}"
    )
    return 0


def _export_onnx(args: argparse.Namespace, settings: Settings) -> int:
    from .wiring import export_onnx

    print(export_onnx(settings))
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bots.schemas import AskResponse

    from .wiring import build_campus, build_tutor

    if args.course == DEFAULT_COURSE:
        tutor = build_tutor(settings, progress=True)
        try:
            answer = tutor.ask(args.question, args.session, "cli")
        finally:
            tutor.close()
    else:
        campus = build_campus(settings, progress=True)
        try:
            answer = campus.tutor(args.course).ask(args.question, args.session, "cli")
        finally:
            campus.close()
    if args.json:
        print(AskResponse.of(answer).model_dump_json(indent=2))
        return 0
    print(answer.text)
    for i, c in enumerate(answer.citations, 1):
        print(f"  [{i}] {c.doc_id} § {c.section} [{c.start}:{c.end}] “{c.quote}”")
    print(f"(session {answer.session_id}, confidence {answer.confidence:.2f})", file=sys.stderr)
    return 0


def _quiz(args: argparse.Namespace, settings: Settings) -> int:
    from collections import Counter
    from pathlib import Path

    from tutor import dump_items, shape_of

    from .wiring import build_tutor

    tutor = build_tutor(settings.model_copy(update={"state_url": "memory:"}), progress=True)
    items = tutor.quiz_items()
    Path(args.dump).write_text(dump_items(items), encoding="utf-8")
    kinds = Counter(i.kind for i in items)
    shapes = Counter(shape_of(i) for i in items)
    sections = Counter(i.citation.section for i in items)
    print(
        f"{len(items)} quiz items written to {args.dump}: "
        + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    )
    share = shapes["question"] / len(items) if items else 0.0
    print(
        f"asked as: {shapes['question']} wh-questions ({share:.0%}), {shapes['cloze']} clozes, "
        f"{shapes['statement']} true/false statements"
    )
    for section, n in sections.items():
        print(f"  {n:3d}  {section}")
    return 0


def _telegram(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    import os

    os.environ.setdefault("PTB_TIMEDELTA", "true")  # durations as timedeltas, without warnings
    from telegram import Update
    from telegram.error import TelegramError
    from telegram.ext import Application

    from tutor import Unavailable

    from .telegram_bot import build_application, publish_commands
    from .wiring import Background, build_tutor, start_background

    if settings.telegram_bot_token is None:
        print("tutor: set TELEGRAM_BOT_TOKEN to run the Telegram bot", file=sys.stderr)
        return 2

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        later: Background = []
        app.bot_data["tutor"] = await asyncio.to_thread(build_tutor, settings, background=later)
        await publish_commands(app.bot)
        start_background(later)

    app = build_application(
        settings.telegram_bot_token.get_secret_value(),
        settings.telegram_api_url,
        post_init=post_init,
        settings=settings,
    )
    try:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    except TelegramError as exc:  # at start: a wrong API root, no network, a revoked token
        raise Unavailable(
            f"the Telegram Bot API at {settings.telegram_api_url} did not take the bot: {exc}"
        ) from None
    return 0


def _keys(args: argparse.Namespace, settings: Settings) -> int:
    from tutor import KeyRing

    from .wiring import build_state_store, registry_over

    store = build_state_store(settings)
    ring = KeyRing(store)
    try:
        if args.action == "create":
            courses = registry_over(settings, store).key_courses(args.role, args.course)
            key = ring.create(args.name, args.role, courses)
            scope = ", ".join(courses) if courses else "every course"
            print(f"created the {args.role} key {args.name!r} for {scope}; it is shown only once:")
            print(key)
        elif args.action == "revoke":
            ring.revoke(args.name)
            print(f"revoked {args.name!r}")
        else:
            for k in ring.list():
                state = "revoked" if k.revoked else "active"
                print(f"{k.name}\t{k.role}\t{state}\t{','.join(k.courses) or '*'}")
    finally:
        store.close()
    return 0


def _courses(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from .wiring import course_registry

    with course_registry(settings) as registry:
        if args.action == "create":
            info = registry.create(args.course_id, args.title)
            corpus = registry.folders(info.course_id).corpus_dir
            print(f"created the course {info.course_id!r} ({info.title}); documents: {corpus}")
        elif args.action == "remove":
            registry.remove(args.course_id)
            print(
                f"removed the course {args.course_id!r}: its documents, index and learners' state"
            )
        else:
            for c in registry.list():
                made = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(c.created_at))
                shown = made if c.course_id != DEFAULT_COURSE else "-"
                print(
                    f"{c.course_id}\t{c.title}\t{shown}\t{registry.folders(c.course_id).corpus_dir}"
                )
    return 0


def _documents(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from .wiring import change_documents, course_settings

    settings = course_settings(settings, args.course)
    if args.action == "add":
        doc_id = change_documents(settings, add=Path(args.file))
        print(f"added {doc_id!r} to {settings.corpus_dir}")
    else:
        change_documents(settings, remove=args.doc_id)
        print(f"removed {args.doc_id!r} from {settings.corpus_dir}")
    if args.no_index:
        return 0
    # `settings` are the course's already
    _index(
        argparse.Namespace(force=False, quiet=args.quiet, lexicon=False, course=DEFAULT_COURSE),
        settings,
    )
    from .wiring import publish_index

    publish_index(settings)  # servers over this data folder switch to it
    return 0


def _calibrate(args: argparse.Namespace, settings: Settings) -> int:
    """Fit the course's answer policy on questions made from the course, and print how it
    does on them; with --set, also how it does on a hand-written set (measured, not fitted)."""
    from pathlib import Path

    from .wiring import build_tutor

    tutor = build_tutor(settings.model_copy(update={"state_url": "memory:"}), progress=True)
    report = tutor.calibration_report([Path(path) for path in args.set or []])
    print("synthetic questions:", json.dumps(report["questions"]))
    print("answered share by kind:", json.dumps(report["answered_share"]))
    print("policy:", json.dumps(report["policy"]))
    print("re-ranking:", json.dumps(report.get("retrieval")))
    if report["served"] != report["policy"]:
        print("served policy (from the index):", json.dumps(report["served"]))
    for path, figures in report["sets"].items():  # type: ignore[attr-defined]
        print(f"{path}:", json.dumps(figures))
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from .allocator import start_trimming
    from .http_app import create_app
    from .wiring import Background, build_campus

    host = args.host or settings.host
    port = args.port or settings.port
    # built before the server starts, so a broken index is one clear line and exit code 2,
    # not a traceback inside the server's start-up; other courses load on their first question
    later: Background = []
    campus = build_campus(settings, progress=True, background=later)
    trimming = start_trimming()
    try:
        uvicorn.run(
            create_app(settings, campus, background=later), host=host, port=port, log_level="info"
        )
    finally:
        if trimming is not None:
            trimming.set()
        campus.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tutor", description="A cited-answer course tutor")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build the index if missing or stale")
    p.add_argument("--force", action="store_true", help="rebuild even when up to date")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--lexicon",
        action="store_true",
        help="also build the model's lexicon now if the cache lacks it (for images: otherwise "
        "a server builds it in the background)",
    )
    _course_option(p)
    p.set_defaults(run=_index)

    p = sub.add_parser(
        "export-onnx", help="export the model to ONNX once (`index` and `serve` do when missing)"
    )
    p.set_defaults(run=_export_onnx)

    p = sub.add_parser("ask", help="ask one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the API's JSON reply")
    p.add_argument("--session", default=None, help="continue this session")
    _course_option(p)
    p.set_defaults(run=_ask)

    p = sub.add_parser("quiz", help="quiz items the generator makes from the course")
    p.add_argument("--dump", required=True, metavar="FILE", help="write every item as JSON lines")
    p.set_defaults(run=_quiz)

    p = sub.add_parser("keys", help="API keys for an LMS or a teacher")
    keys = p.add_subparsers(dest="action", required=True)
    k = keys.add_parser("create", help="create a key (printed once, on the last line)")
    k.add_argument("--name", required=True)
    k.add_argument("--role", required=True, choices=["student", "teacher", "admin"])
    k.add_argument(
        "--course",
        action="append",
        metavar="ID",
        help="a course the key is for (repeat for several); none: the default course; an "
        "admin key is for every course and takes none",
    )
    k = keys.add_parser("revoke", help="revoke a key by name")
    k.add_argument("name")
    keys.add_parser("list", help="list keys (names, roles and courses, never the keys)")
    p.set_defaults(run=_keys)

    p = sub.add_parser("courses", help="the deployment's courses besides the default one")
    courses = p.add_subparsers(dest="action", required=True)
    c = courses.add_parser("create", help="create a course without documents")
    c.add_argument("course_id", metavar="ID", help="lowercase letters, digits and '-'")
    c.add_argument("--title", default=None, help="its title; default: the id")
    courses.add_parser("list", help="list the courses, the default one first")
    c = courses.add_parser(
        "remove", help="remove a course with its documents, index and learners' state"
    )
    c.add_argument("course_id", metavar="ID")
    p.set_defaults(run=_courses)

    p = sub.add_parser("documents", help="add or remove a course document, then re-index")
    docs = p.add_subparsers(dest="action", required=True)
    d = docs.add_parser("add", help="convert a .txt, .md, .html, .docx or .pdf into the course")
    d.add_argument("file")
    d = docs.add_parser("remove", help="remove a document by its id")
    d.add_argument("doc_id")
    for d in docs.choices.values():
        d.add_argument("--no-index", action="store_true", help="leave the index as it is")
        d.add_argument("--quiet", action="store_true", help="no progress bar")
        _course_option(d)
    p.set_defaults(run=_documents)

    p = sub.add_parser("telegram", help="run the Telegram bot (long polling)")
    p.set_defaults(run=_telegram)

    p = sub.add_parser(
        "calibrate", help="fit the answer policy on questions made from the course; print it"
    )
    p.add_argument(
        "--set",
        action="append",
        help="also report figures on a hand-written set (JSON lines as in shared/eval); "
        "nothing is fitted on it",
    )
    p.set_defaults(run=_calibrate)

    p = sub.add_parser("serve", help="serve the HTTP API")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.set_defaults(run=_serve)
    return parser


def _course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course",
        default=DEFAULT_COURSE,
        metavar="ID",
        help=f"the course (default: {DEFAULT_COURSE!r}, the one TUTOR_CORPUS_DIR holds)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and a Bot API URL holds the bot's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    redact = logsafe.Redactor(())  # by shape only, until the settings name the secrets
    try:
        settings = Settings()
        redact = logsafe.install(settings)
        return int(args.run(args, settings))
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            where = ".".join(str(part) for part in error["loc"])
            print(redact(f"tutor: setting {where}: {error['msg']}"), file=sys.stderr)
        return 2
    except TutorError as exc:
        print(redact(f"tutor: {exc}"), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
