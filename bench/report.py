"""Issue 12's targets (as ratios against the bare model of the same run, met or not) and the
Markdown report."""

from __future__ import annotations

from typing import Any

MB = 1000 * 1000 / 1024  # /proc reports kB (KiB); the RSS target is in MB


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or a != a or b != b:  # None, zero or NaN
        return None
    return round(a / b, 3)


def _target(
    name: str, measured: float | None, unit: str, limit: float | None, wanted: str, note: str = ""
) -> dict[str, Any]:
    """`wanted` is "<=" or ">=": measured against limit (a ratio, when the limit comes from the
    bare model)."""
    ratio = _ratio(measured, limit)
    met = None if ratio is None else (ratio <= 1 if wanted == "<=" else ratio >= 1)
    return {
        "target": name,
        "measured": measured,
        "unit": unit,
        "limit": None if limit is None else round(limit, 3),
        "wanted": wanted,
        "ratio_to_limit": ratio,
        "met": met,
        "note": note,
    }


def evaluate(r: dict[str, Any]) -> list[dict[str, Any]]:
    bare = r.get("bare", {})
    server = r.get("server", {})
    out: list[dict[str, Any]] = []

    clone = r.get("fresh_clone")
    if clone:
        when = f"recorded {clone['date']}" if clone.get("recorded_earlier") else "this run"
        out.append(
            _target(
                "fresh clone: `make run` to first answer, pip included",
                clone.get("first_answer_s"),
                "s",
                180,
                "<=",
                when,
            )
        )
    for name, c in r.get("first_answer", {}).get("courses", {}).items():
        out.append(
            _target(
                f"new data folder, {name}: first answer (empty lexicon cache)",
                c["median_first_answer_s"],
                "s",
                c["target_s"],
                "<=",
            )
        )
    single = bare.get("single_p50_ms")
    seq = server.get("sequential", {}).get("p50_ms")
    out.append(
        _target(
            "sequential /v1/ask p50 ≤ 0.6 × bare torch single-query p50",
            seq,
            "ms",
            None if single is None else 0.6 * single,
            "<=",
            f"bare p50 {single} ms at {bare.get('single_threads')} thread(s); "
            f"/v1/ask = {_ratio(seq, single)} × bare",
        )
    )
    starts = server.get("starts", {})
    out.append(
        _target(
            "ready (/readyz 200) after the process starts, index present",
            starts.get("median_readyz_s"),
            "s",
            3,
            "<=",
            f"healthy {starts.get('median_healthz_s')} s, first answer "
            f"{starts.get('median_first_answer_s')} s",
        )
    )
    hwm = server.get("rss_end_kb", {}).get("VmHWM")
    out.append(
        _target(
            "RSS with the seed (peak over the whole run, VmHWM)",
            None if hwm is None else round(hwm / MB, 1),
            "MB",
            350,
            "<=",
            f"after the first answer {_mb(starts.get('median_rss_kb'))} MB",
        )
    )
    ceiling = bare.get("ceiling_qps")
    c = server.get("concurrent", {})
    rate = c.get("answers_per_s")
    clients = c.get("concurrency", 32)
    out.append(
        _target(
            f"{clients} clients: answers/s ≥ 0.6 × bare batch-32 ceiling",
            rate,
            "answers/s",
            None if ceiling is None else 0.6 * ceiling,
            ">=",
            f"ceiling {ceiling} questions/s at {bare.get('ceiling_threads')} thread(s); "
            f"answers/s = {_ratio(rate, ceiling)} × ceiling",
        )
    )
    p95 = c.get("p95_ms")
    out.append(
        _target(
            f"{clients} clients: p95 ≤ 2 × ({clients} / ceiling)",
            p95,
            "ms",
            None if not ceiling else 2 * 1000 * clients / ceiling,
            "<=",
        )
    )
    b = r.get("build", {})
    bare_rate = b.get("bare", {}).get("texts_per_s")
    out.append(
        _target(
            f"index build ({b.get('chunks')} sentences) embeds ≥ 0.8 × bare batch rate, same texts",
            b.get("embed_texts_per_s"),
            "texts/s",
            None if bare_rate is None else 0.8 * bare_rate,
            ">=",
            f"bare `encode` {bare_rate} texts/s at {b.get('bare', {}).get('threads')} thread(s) "
            f"over the {b.get('texts_embedded')} texts; "
            f"whole build incl. calibration {b.get('texts_per_s')} texts/s",
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


def _mb(kb: float | None) -> str:
    return "—" if kb is None else f"{kb / MB:,.0f}"


def _met(m: bool | None) -> str:
    return "—" if m is None else ("**met**" if m else "**not met**")


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    server = r.get("server", {})
    bare = r.get("bare", {})
    lines = [
        "### Benchmark",
        "",
        f"`make bench` ({r['mode']} run, {r['elapsed_s']:.0f} s) on {m['date']}: "
        f"{m['cpu'] or 'CPU'}, {m['cores']} cores, Python {m['python']}, torch {m['torch']}, "
        f"onnxruntime {m['onnxruntime']}, serving on {m['serving_runtime']} with "
        f"{m['embed_workers']} batching worker(s); commit {m['commit']}"
        + (
            f" with {m['uncommitted_changes_outside_bench']} uncommitted changes"
            if m["uncommitted_changes_outside_bench"]
            else ""
        )
        + f"; load average {m['loadavg_at_start'][0]} at start, "
        f"{m.get('loadavg_at_end', ['?'])[0]} at end. The bare model is sentence-transformers' "
        "`encode` on torch in the bench's process; every HTTP figure is over loopback with the "
        "client on the same cores.",
        "",
        "| target | measured | limit | measured / limit | |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in r["targets"]:
        unit = f" {t['unit']}"
        note = f" ({t['note']})" if t["note"] else ""
        lines.append(
            f"| {t['target']} | {_fmt(t['measured'], 2)}{unit} | {t['wanted']} "
            f"{_fmt(t['limit'], 2)}{unit}{note} | {_fmt(t['ratio_to_limit'], 2)} | "
            f"{_met(t['met'])} |"
        )

    seq = server.get("sequential", {})
    c = server.get("concurrent", {})
    starts = server.get("starts", {})
    batches = c.get("batches", {})
    requests = batches.get("tutor_embedding_batch_requests", {})
    texts = batches.get("tutor_embedding_batch_size", {})
    single = bare.get("single_p50_ms_by_threads", {})
    ceiling = bare.get("ceiling_qps_by_threads", {})
    lines += [
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| bare model, one question `encode([q])` p50, 1 / 2 torch threads | "
        f"{_fmt(single.get('1'), 2)} / {_fmt(single.get('2'), 2)} ms |",
        f"| bare model ceiling, distinct questions `encode`d 32 at a time, 1 / 2 threads | "
        f"{_fmt(ceiling.get('1'))} / {_fmt(ceiling.get('2'))} questions/s |",
        "| bare model, the two halves (before / after the server) | "
        + " / ".join(
            f"p50 {h['single_p50_ms']['1']}, {h['single_p50_ms']['2']} ms; "
            f"ceiling {h['ceiling_qps']['1']}, {h['ceiling_qps']['2']}/s"
            for h in bare.get("halves", [])
        )
        + " |",
        f"| `tutor serve`, index present: healthy / ready / first answer (median of "
        f"{len(starts.get('runs', []))}) | {_fmt(starts.get('median_healthz_s'), 2)} / "
        f"{_fmt(starts.get('median_readyz_s'), 2)} / "
        f"{_fmt(starts.get('median_first_answer_s'), 2)} s |",
        f"| server RSS after the first answer; at the end, peak | "
        f"{_mb(starts.get('median_rss_kb'))}; "
        f"{_mb(server.get('rss_end_kb', {}).get('VmRSS'))}, "
        f"{_mb(server.get('rss_end_kb', {}).get('VmHWM'))} MB |",
        f"| sequential /v1/ask p50 / p95 ({seq.get('n')} distinct questions) | "
        f"{_fmt(seq.get('p50_ms'), 2)} / {_fmt(seq.get('p95_ms'), 2)} ms |",
        f"| {c.get('concurrency')} clients: answers/s, p50 / p95 / p99 ({c.get('answers')} "
        f"answers, {c.get('errors')} errors) | {_fmt(c.get('answers_per_s'))}; "
        f"{_fmt(c.get('p50_ms'))} / {_fmt(c.get('p95_ms'))} / {_fmt(c.get('p99_ms'))} ms |",
        f"| {c.get('concurrency')} clients: server CPU per answer, server / client cores busy | "
        f"{_fmt(c.get('server_cpu_ms_per_answer'), 2)} ms; "
        f"{_fmt(c.get('server_cores_busy'), 2)} / "
        f"{_fmt(_ratio(c.get('client_cpu_s'), c.get('wall_s')), 2)} |",
        f"| {c.get('concurrency')} clients, from /metrics: model calls, requests and texts "
        f"per call (mean) | {_fmt(requests.get('count'), 0)}; {_fmt(requests.get('mean'), 2)}, "
        f"{_fmt(texts.get('mean'), 2)} |",
        f"| {c.get('concurrency')} clients, from /metrics: model calls serving at most N "
        f"requests | {_buckets(requests)} |",
    ]
    b = r.get("build", {})
    if b:
        lines.append(
            f"| index build, {b.get('chunks')} sentences: texts embedded, embedding s, whole "
            f"build s (with calibration) | {b.get('texts_embedded')}, {_fmt(b.get('embed_s'), 2)}, "
            f"{_fmt(b.get('wall_s'), 2)} |"
        )
    dev = server.get("dev_set")
    if dev:
        keys = (
            "answer_acc",
            "cite_hit1",
            "cite_hit3",
            "abstain_acc",
            "false_abstain",
            "followup_acc",
        )
        lines.append(
            "| the seed's dev set through the measured server | "
            + ", ".join(f"{k} {dev.get(k)}" for k in keys)
            + " |"
        )
    fa = r.get("first_answer", {})
    for name, course in fa.get("courses", {}).items():
        run = course["runs"][len(course["runs"]) // 2]
        lines.append(
            f"| new data folder, {name} ({run['documents']} documents, {run['sentences']} "
            f"sentences): model load / index build / first answer | {run['model_load_s']} / "
            f"{run['index_build_s']} / {course['median_first_answer_s']} s |"
        )
    clone = r.get("fresh_clone")
    if clone:
        lines.append(
            f"| fresh clone, `make run`: pip / first answer ({clone['date']}, load average "
            f"{clone['loadavg'][0]}) | {_fmt(clone.get('pip_s'))} / "
            f"{_fmt(clone.get('first_answer_s'))} s |"
        )
    else:
        lines.append("| fresh clone | not measured (`python -m bench.run --fresh-clone`) |")
    builds = r.get("builds", {})
    if builds:
        lines += [
            "",
            "| course | chunks | build s | search p50 / p95 ms | recall@10 | index |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for label, bb in builds.items():
            s = bb["search"]
            lines.append(
                f"| {label} | {bb['chunks']:,} | {_fmt(bb.get('wall_s'))} | "
                f"{_fmt(s['p50_ms'], 3)} / {_fmt(s['p95_ms'], 3)} | {s['recall_at_k']} | "
                f"{s['kind']} |"
            )
    lines += [
        "",
        "- Each request sends a distinct wording of a dev or held-out question and no session "
        "id, so no vector cache or conversation state makes it cheaper; the bare model's "
        "questions are another share of the same wordings.",
        "- The 32 clients are a raw-socket HTTP/1.1 client on asyncio (keep-alive, one "
        "connection each): httpx's client took about 0.4 of the two cores the server runs on.",
    ]
    return "\n".join(lines) + "\n"


def _buckets(h: dict[str, Any]) -> str:
    """Per-bucket counts (not cumulative) of a Prometheus histogram, non-empty buckets only."""
    out = []
    previous = 0.0
    for le, cumulative in h.get("buckets", {}).items():
        n = cumulative - previous
        previous = cumulative
        if n:
            out.append(f"≤{le.replace('.0', '')}: {n:.0f}")
    return ", ".join(out) or "—"
