"""The serving process gives freed heap memory back to the OS every few seconds."""

from __future__ import annotations

import threading

import pytest

from bots import allocator


def test_trims_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    twice = threading.Event()

    def fake_trim(pad: int) -> int:
        calls.append(pad)
        if len(calls) >= 2:
            twice.set()
        return 1

    monkeypatch.setattr(allocator, "_libc_trim", lambda: fake_trim)
    stop = allocator.start_trimming(interval=0.01)
    assert stop is not None
    assert twice.wait(5)
    stop.set()
    assert calls[:2] == [0, 0]


def test_without_malloc_trim_nothing_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "_libc_trim", lambda: None)
    assert allocator.start_trimming() is None


def test_this_machines_libc_has_malloc_trim() -> None:
    trim = allocator._libc_trim()
    assert trim is not None
    assert trim(0) in (0, 1)
