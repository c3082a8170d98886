"""Median-of-repeats timing and the result table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def median_time(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


@dataclass
class Row:
    """One figure: what, its value and unit, and its target as a ratio (or None)."""

    name: str
    value: float
    unit: str
    target: str = ""
    ratio: float | None = None
    ok: bool | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit, "target": self.target,
                "ratio": self.ratio, "ok": self.ok}


def format_table(rows: list[Row]) -> str:
    """A plain-text table: figure, value, target, ratio, verdict."""
    head = ("figure", "value", "target", "ratio", "")
    body = []
    for r in rows:
        value = f"{r.value * 1e3:.2f} ms" if r.unit == "s" else f"{r.value:,.1f} {r.unit}"
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}×"
        verdict = "" if r.ok is None else ("ok" if r.ok else "MISSED")
        body.append((r.name, value, r.target, ratio, verdict))
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(5)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths).rstrip())
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in body]
    return "\n".join(lines)
