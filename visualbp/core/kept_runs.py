"""Kept runs: the cost and accuracy per epoch of earlier runs, kept to compare with this one.

A run is kept under a label made from its settings (``run_label``); kept runs are immutable values
(``KeptRun``, a tuple of them for all), so the model that holds them swaps the whole tuple on every change.
They are saved in a session's view state under ``KEY`` as ``[{"label": …, "epochs": [[epoch, train cost,
validation cost, train accuracy, validation accuracy], …]}, …]`` (a value that is not finite is ``null``);
``visualbp.core.sessioncheck.check_extra`` checks that shape when a file is opened.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from visualbp.core.config import SessionConfig
from visualbp.core.steps import EpochStats

#: The key of the kept runs in a session's view state (``Session.extra_state``).
KEY = "kept_runs"

Row = tuple  # (epoch, train_cost, val_cost, train_accuracy, val_accuracy); None where not finite


@dataclass(frozen=True)
class KeptRun:
    """One kept run: its label and one row per epoch, oldest first."""

    label: str
    rows: tuple[Row, ...]

    def epochs(self) -> list[EpochStats]:
        """The rows as EpochStats (None → NaN), for plotting."""
        nan = float("nan")

        def num(v) -> float:
            return nan if v is None else float(v)

        return [EpochStats(epoch=int(r[0]), step=0, train_cost=num(r[1]), train_accuracy=num(r[3]),
                           val_cost=num(r[2]), val_accuracy=num(r[4])) for r in self.rows]

    def summary(self) -> str:
        """'3 epochs · validation accuracy 78.8 %': the epochs trained and the last validation accuracy."""
        done = [r for r in self.rows if r[0] >= 0]
        last = done[-1] if done else self.rows[-1]
        acc = f" · validation accuracy {100 * last[4]:.1f} %" if last[4] is not None else ""
        return f"{len(done)} epochs{acc}"


def run_label(config: SessionConfig) -> str:
    """A kept run's name from its settings, e.g. 'quadratic η=3 [2,4,3,2] seed 1' (with the activation,
    init, m and λ when they differ from the defaults)."""
    default = SessionConfig()
    parts = [config.cost, f"η={config.eta:g}", "[" + ",".join(str(n) for n in config.sizes) + "]"]
    if config.activation != default.activation:
        parts.insert(0, config.activation)
    if config.init != default.init:
        parts.append(f"{config.init} init")
    if config.mini_batch_size != default.mini_batch_size:
        parts.append(f"m={config.mini_batch_size}")
    if config.lmbda != default.lmbda:
        parts.append(f"λ={config.lmbda:g}")
    parts.append(f"seed {config.seed}")
    return " ".join(parts)


def _finite_or_none(v: float) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def epoch_rows(history: Iterable[EpochStats]) -> tuple[Row, ...]:
    """One row per epoch of ``history``, sorted by epoch; a value that is not finite becomes None."""
    return tuple((int(e.epoch), _finite_or_none(e.train_cost), _finite_or_none(e.val_cost),
                  _finite_or_none(e.train_accuracy), _finite_or_none(e.val_accuracy))
                 for e in sorted(history, key=lambda e: e.epoch))


def keep(runs: tuple[KeptRun, ...], config: SessionConfig, history: Iterable[EpochStats]) -> tuple[KeptRun, ...]:
    """``runs`` with this run added under ``run_label(config)`` (' (2)', ' (3)', … when the label is taken).
    Raises ValueError with the sentence to show when there is nothing (new) to keep."""
    history = list(history)
    if not any(e.epoch >= 0 for e in history):
        raise ValueError("Train at least one epoch first.")
    rows = epoch_rows(history)
    label = run_label(config)
    if any(r.label == label and r.rows == rows for r in runs):
        raise ValueError("This run is already kept.")
    taken = {r.label for r in runs}
    if label in taken:
        k = 2
        while f"{label} ({k})" in taken:
            k += 1
        label = f"{label} ({k})"
    return (*runs, KeptRun(label, rows))


def to_json(runs: Iterable[KeptRun]) -> list[dict]:
    """The runs as saved in a session's view state (JSON: None for what is not finite)."""
    return [{"label": r.label, "epochs": [list(row) for row in r.rows]} for r in runs]


def from_json(value: Any) -> tuple[KeptRun, ...] | None:
    """The kept runs stored in a session's view state, or None when absent or malformed."""
    if not isinstance(value, list):
        return None
    runs = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
            return None
        rows = entry.get("epochs")
        if not isinstance(rows, list):
            return None
        clean = []
        for r in rows:
            if not isinstance(r, (list, tuple)) or len(r) != 5:
                return None
            if not all(v is None or isinstance(v, (int, float)) for v in r) or r[0] is None:
                return None
            clean.append((int(r[0]), *(None if v is None else float(v) for v in r[1:])))
        runs.append(KeptRun(entry["label"], tuple(clean)))
    return tuple(runs)
