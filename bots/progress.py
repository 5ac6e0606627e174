"""Progress of the steps that take more than a few seconds (embedding a course, building the
lexicon): a bar on a terminal, log lines otherwise (a bar's carriage returns make a mess of a
log file or `docker logs`)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]

LOG_EVERY_S = 10.0  # at most one line this often, besides every tenth of the work
LOG_STEPS = 10


class LogProgress:
    """Logs `what: done/total unit (pct), rate, time left` at each tenth of the work, at most
    every `every_s` seconds between tenths, and when done."""

    def __init__(self, what: str, unit: str, log: logging.Logger, every_s: float = LOG_EVERY_S):
        self.what = what
        self.unit = unit
        self.log = log
        self.every_s = every_s
        self._t0 = time.monotonic()
        self._last_t = self._t0
        self._last_step = 0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        step = done * LOG_STEPS // total if total else LOG_STEPS
        if done < total and step <= self._last_step and now - self._last_t < self.every_s:
            return
        self._last_t, self._last_step = now, step
        elapsed = now - self._t0
        rate = done / elapsed if elapsed > 0 else 0.0
        left = f", about {(total - done) / rate:.0f} s left" if rate > 0 and done < total else ""
        pct = 100 * done // total if total else 100
        self.log.info(
            "%s: %d/%d %s (%d%%), %.0f %s/s%s",
            self.what,
            done,
            total,
            self.unit,
            pct,
            rate,
            self.unit,
            left,
        )


@contextmanager
def progress(
    what: str, unit: str, log: logging.Logger, *, bar: bool | None = None
) -> Iterator[Progress]:
    """A `(done, total)` callback: a tqdm bar when stderr is a terminal (or `bar`), else
    log lines."""
    if not (sys.stderr.isatty() if bar is None else bar):
        yield LogProgress(what, unit, log)
        return
    from tqdm import tqdm

    with tqdm(total=0, unit=unit, desc=what, file=sys.stderr) as shown:

        def update(done: int, total: int) -> None:
            shown.total = total
            shown.n = done
            shown.refresh()

        yield update
