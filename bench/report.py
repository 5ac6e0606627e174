"""Targets (as ratios, met or not) and the Markdown report."""

from __future__ import annotations

from typing import Any

MIB = 1024  # /proc reports kB (KiB); the RSS target is read in MiB


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or a != a or b != b:  # None, zero or NaN
        return None
    return round(a / b, 3)


def _target(
    name: str,
    measured: float | None,
    unit: str,
    reference: str,
    limit: float | None,
    ratio: float | None,
    wanted: str,
    bound: float,
) -> dict[str, Any]:
    """wanted is "<=", "<" or ">=": the ratio must be so against bound."""
    if ratio is None:
        met = None
    elif wanted == "<=":
        met = ratio <= bound
    elif wanted == "<":
        met = ratio < bound
    else:
        met = ratio >= bound
    return {
        "target": name,
        "measured": measured,
        "unit": unit,
        "reference": reference,
        "limit": limit,
        "ratio": ratio,
        "wanted": f"ratio {wanted} {bound:g}",
        "met": met,
    }


def _batch_sizes(r: dict[str, Any]) -> str:
    sizes = r.get("question_batches", {}).get("by_batch_size", {})
    return (
        ", ".join(f"{k} ({_fmt(v['ms_per_question'], 2)} ms each)" for k, v in sizes.items()) or "—"
    )


def _ceiling_note(r: dict[str, Any]) -> str:
    best = r.get("question_batches", {}).get("best_questions_per_s")
    floor_p50 = r.get("floor", {}).get("p50_ms")
    if not best or not floor_p50:
        return "not measured"
    ratio = best / (1000 / floor_p50)
    return f"{ratio:.2f} × 1000 / floor p50: the most any server on this model could answer"


def build_for_throughput(builds: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The largest real build (100k if it was built, else 10k, else the largest there is)."""
    real = [(k, v) for k, v in builds.items() if k != "seed" and "wall_s" in v]
    if not real:
        return ("seed", builds["seed"]) if "seed" in builds else None
    return max(real, key=lambda kv: int(kv[1]["chunks"]))


def evaluate(r: dict[str, Any]) -> list[dict[str, Any]]:
    server = r.get("server", {})
    floor_p50 = r.get("floor", {}).get("p50_ms")
    bare_tps = r.get("batch", {}).get("texts_per_s")
    out: list[dict[str, Any]] = []

    seq = server.get("sequential", {}).get("p50_ms")
    out.append(
        _target(
            "sequential /v1/ask p50 ≤ 1.5 × floor p50",
            seq,
            "ms",
            f"floor p50 {floor_p50} ms",
            None if floor_p50 is None else round(1.5 * floor_p50, 2),
            _ratio(seq, floor_p50),
            "<=",
            1.5,
        )
    )
    c32: dict[str, Any] = next(
        (c for c in server.get("concurrent", []) if c["concurrency"] == 32), {}
    )
    floor_rate = None if not floor_p50 else 1000 / floor_p50
    rate = c32.get("answers_per_s")
    out.append(
        _target(
            "answers/s with 32 clients ≥ 3 × (1000 / floor p50 ms)",
            rate,
            "answers/s",
            f"1000 / floor p50 = {floor_rate:.1f}/s" if floor_rate else "floor p50",
            None if floor_rate is None else round(3 * floor_rate, 1),
            _ratio(rate, floor_rate),
            ">=",
            3,
        )
    )
    p95 = c32.get("p95_ms")
    out.append(
        _target(
            "p95 with 32 clients < 150 ms",
            p95,
            "ms",
            "150 ms",
            150,
            _ratio(p95, 150),
            "<",
            1,
        )
    )
    cold = server.get("cold_start", {}).get("median_first_answer_s")
    bare = server.get("bare_model_load", {}).get("median_ready_s")
    out.append(
        _target(
            "cold start (process start → first answer) ≤ 2 × bare model load",
            cold,
            "s",
            f"bare model load {bare} s",
            None if bare is None else round(2 * bare, 2),
            _ratio(cold, bare),
            "<=",
            2,
        )
    )
    chosen = build_for_throughput(r.get("builds", {}))
    if chosen is not None:
        label, b = chosen
        out.append(
            _target(
                f"index build ({label}, whole build) ≥ 0.8 × bare batch throughput",
                b.get("chunks_per_s"),
                "chunks/s",
                f"bare batch {bare_tps} texts/s",
                None if bare_tps is None else round(0.8 * bare_tps, 1),
                _ratio(b.get("chunks_per_s"), bare_tps),
                ">=",
                0.8,
            )
        )
    big = r.get("builds", {}).get("100k")
    if big is not None:
        search = big["search"]
        out.append(
            _target(
                "search p50 at 100k chunks ≤ 5 ms",
                search["p50_ms"],
                "ms",
                "5 ms",
                5,
                _ratio(search["p50_ms"], 5),
                "<=",
                1,
            )
        )
        out.append(
            _target(
                "recall@10 at 100k chunks ≥ 0.95",
                search["recall_at_k"],
                "",
                "0.95",
                0.95,
                _ratio(search["recall_at_k"], 0.95),
                ">=",
                1,
            )
        )
    hwm = server.get("rss_end_kb", {}).get("VmHWM")
    mib = None if hwm is None else round(hwm / MIB, 1)
    out.append(
        _target(
            "server peak RSS (VmHWM) ≤ 700 MiB",
            mib,
            "MiB",
            "700 MiB",
            700,
            _ratio(mib, 700),
            "<=",
            1,
        )
    )
    return out


def _fmt(x: Any, digits: int = 1) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _met(m: bool | None) -> str:
    return "—" if m is None else ("**met**" if m else "**not met**")


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    server = r.get("server", {})
    lines = [
        "### Benchmark",
        "",
        f"`make bench` ({r['mode']} run, {r['elapsed_s']:.0f} s) on {m['date']}: "
        f"{m['cpu'] or 'CPU'}, {m['cores']} cores, Python {m['python']}, torch {m['torch']} "
        f"({m['torch_threads']} threads), faiss {m['faiss']}, commit {m['commit']}"
        + (
            f" with {m['uncommitted_changes_outside_bench']} uncommitted changes"
            if m["uncommitted_changes_outside_bench"]
            else ""
        )
        + f"; load average {m['loadavg_at_start'][0]} at start, "
        f"{m.get('loadavg_at_end', ['?'])[0]} at end"
        + ". The floor is the bare model embedding one question in-process (one BLAS thread, "
        "as the server runs); every HTTP figure is over loopback with the client on the same "
        "two cores.",
        "",
        "| target | measured | limit | ratio | wanted | |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t in r["targets"]:
        unit = f" {t['unit']}" if t["unit"] else ""
        digits = 3 if t["unit"] == "" else 1
        lines.append(
            f"| {t['target']} | {_fmt(t['measured'], digits)}{unit} | "
            f"{_fmt(t['limit'], 2)}{unit}{_reference(t)} | {_fmt(t['ratio'], 2)} | "
            f"{t['wanted']} | {_met(t['met'])} |"
        )

    floor = r.get("floor", {})
    batch = r.get("batch", {})
    bare = server.get("bare_model_load", {})
    cold = server.get("cold_start", {})
    seq = server.get("sequential", {})
    probe = server.get("repeat_probe", {})
    inproc = r.get("in_process_ask", {})
    ceiling = r.get("question_batches", {})
    lexicon = r.get("lexicon", {})
    lines += [
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| floor: `embed([q])` p50 / p95 ({floor.get('n')} calls, half before and half after "
        f"the server part; p50 {_fmt(floor.get('before_server', {}).get('p50_ms'), 2)} and "
        f"{_fmt(floor.get('after_server', {}).get('p50_ms'), 2)} ms) | "
        f"{_fmt(floor.get('p50_ms'), 2)} / {_fmt(floor.get('p95_ms'), 2)} ms |",
        f"| bare batch throughput ({batch.get('texts')} sentences, batches of "
        f"{batch.get('batch')}) | {_fmt(batch.get('texts_per_s'))} texts/s |",
        f"| the model's ceiling: distinct questions embedded in batches of "
        f"{_batch_sizes(r)} (best) | {_fmt(ceiling.get('best_questions_per_s'))}"
        f" questions/s ({_ceiling_note(r)}) |",
        f"| lexicon: frequent words' vectors, built once per model (`tutor index --lexicon`) | "
        f"{lexicon.get('words')} words, {_fmt(lexicon.get('wall_s'))} s |",
        f"| bare model load, process start → embedder constructed (median of "
        f"{len(bare.get('runs', []))}) | {_fmt(bare.get('median_ready_s'), 2)} s "
        f"(+ first embedding: {_fmt(bare.get('median_ready_and_first_embed_s'), 2)} s) |",
        f"| server cold start, process start → /healthz 200 → first answer (median) | "
        f"{_fmt(cold.get('median_healthz_s'), 2)} s → "
        f"{_fmt(cold.get('median_first_answer_s'), 2)} s |",
        f"| `tutor index` of the seed course (new process) | "
        f"{_fmt(server.get('index_cli', {}).get('wall_s'), 2)} s |",
        f"| sequential /v1/ask p50 / p95 / p99 ({seq.get('n')} distinct questions) | "
        f"{_fmt(seq.get('p50_ms'))} / {_fmt(seq.get('p95_ms'))} / {_fmt(seq.get('p99_ms'))} ms |",
        f"| sequential: server CPU per answer | {_fmt(seq.get('server_cpu_ms_per_answer'))} ms |",
        f"| sequential: the floor of each question, embedded just before it was sent (slowed by "
        f"the server's threads still winding down from the previous answer), p50 / p95 "
        f"| {_fmt(seq.get('paired_floor', {}).get('p50_ms'), 2)} / "
        f"{_fmt(seq.get('paired_floor', {}).get('p95_ms'), 2)} ms |",
        f"| `Tutor.ask` in-process, no HTTP, p50 / p95 ({inproc.get('n')} questions) | "
        f"{_fmt(inproc.get('p50_ms'))} / {_fmt(inproc.get('p95_ms'))} ms |",
        f"| one question repeated ({probe.get('n')}×) p50 | {_fmt(probe.get('p50_ms'))} ms "
        f"({_cache_note(seq, probe)}) |",
        f"| server RSS at start → end, peak (VmHWM) | "
        f"{_mib(server.get('rss_start_kb', {}).get('VmRSS'))} → "
        f"{_mib(server.get('rss_end_kb', {}).get('VmRSS'))}, "
        f"{_mib(server.get('rss_end_kb', {}).get('VmHWM'))} MiB |",
    ]

    lines += [
        "",
        "| clients | answers/s | p50 ms | p95 ms | p99 ms | errors | answers | "
        "server CPU ms/answer | server cores busy | client cores busy | asked before |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| 1 (sequential, httpx.Client) | {_fmt(seq.get('answers_per_s'))} | "
        f"{_fmt(seq.get('p50_ms'))} | {_fmt(seq.get('p95_ms'))} | {_fmt(seq.get('p99_ms'))} | "
        f"{seq.get('errors')} | {seq.get('answers')} | "
        f"{_fmt(seq.get('server_cpu_ms_per_answer'))} | {_fmt(seq.get('server_cores_busy'), 2)} "
        f"| {_fmt(_ratio(seq.get('client_cpu_s'), seq.get('wall_s')), 2)} "
        f"| {seq.get('questions_asked_before')} |",
    ]
    for c in server.get("concurrent", []):
        lines.append(
            f"| {c['concurrency']} (asyncio) | {_fmt(c.get('answers_per_s'))} | "
            f"{_fmt(c.get('p50_ms'))} | {_fmt(c.get('p95_ms'))} | {_fmt(c.get('p99_ms'))} | "
            f"{c['errors']} | {c['answers']} | {_fmt(c.get('server_cpu_ms_per_answer'))} | "
            f"{_fmt(c.get('server_cores_busy'), 2)} | "
            f"{_fmt(_ratio(c.get('client_cpu_s'), c.get('wall_s')), 2)} | "
            f"{c.get('questions_asked_before')} |"
        )

    bare_tps = batch.get("texts_per_s")
    lines += [
        "",
        "| course | chunks | vocabulary (from lexicon) | texts embedded | build s | chunks/s | "
        "× bare batch | embed sentences / contexts / new words, write s | index | "
        "search p50 / p95 ms | recall@10 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, b in r.get("builds", {}).items():
        s = b["search"]
        if "wall_s" in b:
            p = b["phases"]
            phases = " / ".join(
                _fmt(p.get(k), 1)
                for k in (
                    "embed_sentences_s",
                    "embed_contexts_s",
                    "embed_vocabulary_s",
                    "write_and_faiss_s",
                )
            )
            lines.append(
                f"| {label} | {b['chunks']:,} | {b['vocabulary']:,} "
                f"({b.get('vocabulary_from_lexicon', 0):,}) | {b['texts_embedded']:,} | "
                f"{_fmt(b['wall_s'])} | {_fmt(b['chunks_per_s'])} | "
                f"{_fmt(_ratio(b['chunks_per_s'], bare_tps), 2)} | {phases} | {s['kind']} | "
                f"{_fmt(s['p50_ms'], 3)} / {_fmt(s['p95_ms'], 3)} | {s['recall_at_k']} |"
            )
        else:
            lines.append(
                f"| {label} (clustered vectors) | {b['chunks']:,} | — | — | "
                f"(est. {_fmt(b.get('full_build_estimate_s'), 0)}) | — | — | "
                f"FAISS only: {_fmt(b['faiss_build_s'])} s | {s['kind']} | "
                f"{_fmt(s['p50_ms'], 3)} / {_fmt(s['p95_ms'], 3)} | {s['recall_at_k']} |"
            )

    notes = _notes(r)
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def _reference(t: dict[str, Any]) -> str:
    """What the limit derives from, unless the limit is a plain number (150 ms, 0.95)."""
    plain = f"{t['limit']:g}" if isinstance(t["limit"], int | float) else ""
    return "" if t["reference"].split(" ")[0] == plain else f" ({t['reference']})"


def _mib(kb: int | None) -> str:
    return "—" if kb is None else f"{kb / MIB:,.0f}"


def _cache_note(seq: dict[str, Any], probe: dict[str, Any]) -> str:
    if "cache_hit_share" in seq:
        return f"server reports cache hits on {seq['cache_hit_share']:.0%} of distinct questions"
    a, b = probe.get("p50_ms"), seq.get("p50_ms")
    if a is None or b is None:
        return "no cache signal"
    if a < 0.5 * b:
        return "much faster than distinct questions: a cache answers repeats"
    return "no faster than distinct questions: no sign of a query cache"


def _notes(r: dict[str, Any]) -> list[str]:
    notes = []
    builds = r.get("builds", {})
    big = builds.get("100k")
    if big is not None and "wall_s" not in big:
        notes.append(
            f"The 100k course was not built: from the {big['build_throughput_from']} build a full "
            f"build would take ~{big['full_build_estimate_s'] / 60:.0f} min (over the "
            f"{r['plan']['build_budget_s'] / 60:.0f} min budget), so its search figures come from "
            f"FAISS (as `FaissVectorIndex.build` makes it) over {big['vectors_from']}, and the "
            f"build-throughput target is judged on the {big['build_throughput_from']} build."
        )
    notes.append(
        "Synthetic courses are template sentences (treaties, talks, exports; invented people and "
        "towns in pools that grow with the course), all distinct; search queries are 200 "
        "template questions about the same course, embedded by the model; recall@10 is against "
        "`faiss.IndexFlatIP` over the same vectors."
    )
    notes.append(
        "Each request sends a distinct wording of a dev or held-out question (stop-word "
        "prefixes and suffixes) and no session id, so no query cache or conversation state "
        "makes it cheaper; 'asked before' counts requests whose exact text had been asked "
        "earlier in the run."
    )
    return notes
