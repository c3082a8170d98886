"""Immutable step records: what one step of the book's algorithm produced.

A record names its kind, the book's layer index ``l`` (1-based, input = 1), the
equation it applies, where it is (epoch, minibatch, example in the minibatch),
and the arrays it produced, all read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

import numpy as np


class Kind(str, Enum):
    """What a step does, in the order the book's pseudocode does it."""

    INPUT = "input"  # 1. a^1 = x
    FEEDFORWARD = "feedforward"  # 2. z^l = w^l a^(l-1) + b^l, a^l = σ(z^l)
    OUTPUT_ERROR = "output_error"  # 3. BP1
    BACKPROP_ERROR = "backprop_error"  # 4. BP2
    GRADIENT_B = "gradient_b"  # 5. BP3
    GRADIENT_W = "gradient_w"  # 5. BP4
    UPDATE = "update"  # 7. gradient descent on layer l
    BATCH = "batch"  # a whole minibatch taken at once by the matrix-based path
    EDIT = "edit"  # a weight, bias or input typed by hand (core/edits.py)


class Equation(str, Enum):
    """The equation a step applies, in plain text (the GUI typesets it)."""

    INPUT = "a^1 = x"
    FEEDFORWARD = "a^l = σ(w^l a^(l−1) + b^l)"
    BP1 = "δ^L = ∇_a C ⊙ σ'(z^L)"
    BP2 = "δ^l = ((w^(l+1))^T δ^(l+1)) ⊙ σ'(z^l)"
    BP3 = "∂C/∂b^l_j = δ^l_j"
    BP4 = "∂C/∂w^l_jk = a^(l−1)_k δ^l_j"
    UPDATE = "w^l → w^l − η/m Σ_x δ^(x,l) (a^(x,l−1))^T,  b^l → b^l − η/m Σ_x δ^(x,l)"
    EDIT = "w^l_jk, b^l_j or x_k ← a typed value"

    @property
    def label(self) -> str:
        """Short name: 'BP2', 'feedforward', 'update'…"""
        short = {"INPUT": "input", "FEEDFORWARD": "feedforward", "UPDATE": "update", "EDIT": "edit"}
        return short.get(self.name, self.name)


EQUATION_OF: dict[Kind, Equation] = {
    Kind.INPUT: Equation.INPUT,
    Kind.FEEDFORWARD: Equation.FEEDFORWARD,
    Kind.OUTPUT_ERROR: Equation.BP1,
    Kind.BACKPROP_ERROR: Equation.BP2,
    Kind.GRADIENT_B: Equation.BP3,
    Kind.GRADIENT_W: Equation.BP4,
    Kind.UPDATE: Equation.UPDATE,
    Kind.BATCH: Equation.UPDATE,
    Kind.EDIT: Equation.EDIT,
}

PHASE_OF: dict[Kind, str] = {
    Kind.INPUT: "feedforward",
    Kind.FEEDFORWARD: "feedforward",
    Kind.OUTPUT_ERROR: "output error",
    Kind.BACKPROP_ERROR: "backpropagation",
    Kind.GRADIENT_B: "gradients",
    Kind.GRADIENT_W: "gradients",
    Kind.UPDATE: "update",
    Kind.BATCH: "minibatch",
    Kind.EDIT: "edit by hand",
}


def freeze(arrays: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    """Mark every array read-only and wrap the mapping so it cannot be changed either."""
    for a in arrays.values():
        a.flags.writeable = False
    return MappingProxyType(dict(arrays))


@dataclass(frozen=True, eq=False)
class StepRecord:
    """One step: ``kind`` at layer ``l`` of example ``example`` in minibatch ``batch`` of ``epoch``."""

    index: int
    kind: Kind
    l: int
    epoch: int
    batch: int
    example: int | None
    batch_size: int
    arrays: Mapping[str, np.ndarray] = field(default_factory=lambda: MappingProxyType({}))
    offset: int | None = None  # where the minibatch starts in the epoch's order of examples

    @property
    def equation(self) -> Equation:
        return EQUATION_OF[self.kind]

    @property
    def phase(self) -> str:
        return PHASE_OF[self.kind]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays.values())

    def describe(self) -> str:
        """A status line: 'BP2 (backpropagation) · layer l=2 · example 3/10 · minibatch 5 · epoch 1'.

        The phase is added in brackets only where it says more than the equation's name (never
        'feedforward (feedforward)'); a whole-minibatch pass names what it applied.
        """
        if self.kind is Kind.BATCH:
            parts = ["minibatch (feedforward, BP1–BP4, update)", "all layers"]
        else:
            name, phase = self.equation.label, self.phase
            parts = [name if phase == name else f"{name} ({phase})", f"layer l={self.l}"]
        if self.example is not None:
            parts.append(f"example {self.example + 1}/{self.batch_size}")
        parts.append(f"minibatch {self.batch + 1}")
        parts.append(f"epoch {self.epoch + 1}")
        return " · ".join(parts)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}{tuple(v.shape)}" for k, v in self.arrays.items())
        return (
            f"StepRecord(#{self.index} {self.kind.value} l={self.l} epoch={self.epoch} "
            f"batch={self.batch} example={self.example} [{shapes}])"
        )


def batch_record(index: int, epoch: int, batch: int, cost: float, rows: np.ndarray, a_last: np.ndarray) -> StepRecord:
    """The BATCH record of a whole-minibatch pass: its cost, the training ``rows`` it took and ``a_last``,
    a^L of the last of them before the update; all read-only (the cost a NumPy scalar, immutable by
    nature). Made without the frozen dataclass's field-by-field ``__init__`` and without setting a flag
    that is already off: the engine makes one per minibatch while it trains."""
    a_last.flags.writeable = False
    if rows.flags.writeable:
        rows.flags.writeable = False
    record = object.__new__(StepRecord)
    record.__dict__.update(index=index, kind=Kind.BATCH, l=0, epoch=epoch, batch=batch, example=None,
                           batch_size=len(rows),
                           arrays=MappingProxyType({"cost": np.float64(cost), "rows": rows, "a_last": a_last}))
    return record


@dataclass(frozen=True)
class BatchStats:
    """After a minibatch's update: its mean cost and, per layer l = 2..L, ‖∂C/∂b^l‖ and ‖∂C/∂w^l‖.

    ``delta_norms[i]`` is ‖(1/m) Σ_x δ^(x,l)‖ for ``l = i + 2``: the book's (chapter 5)
    measure of how fast layer l learns, which shows vanishing error.
    """

    epoch: int
    batch: int
    step: int
    cost: float
    delta_norms: tuple[float, ...]
    grad_w_norms: tuple[float, ...]
    #: where the minibatch ends, in epochs: epoch + (its first example + its size) / n. It stays inside its
    #: epoch when m changed mid-epoch (minibatch numbers alone would run past the epoch's end).
    end: float | None = None


def batch_stats(epoch: int, batch: int, step: int, cost: float, delta_norms: tuple[float, ...],
                grad_w_norms: tuple[float, ...], end: float) -> BatchStats:
    """``BatchStats(...)`` made without the frozen dataclass's field-by-field ``__init__`` (the engine makes one
    per minibatch while it trains)."""
    stats = object.__new__(BatchStats)
    stats.__dict__.update(epoch=epoch, batch=batch, step=step, cost=cost, delta_norms=delta_norms,
                          grad_w_norms=grad_w_norms, end=end)
    return stats


@dataclass(frozen=True)
class EpochStats:
    """After an epoch: mean cost and accuracy on the training and validation data. For regression
    (``visualbp.core.functions``) the accuracies are NaN and ``train_rms`` / ``val_rms`` hold the fit's RMS
    error √(1/n Σ_x ‖a^L(x) − y(x)‖²) (NaN where there is no such data); for classification they are None."""

    epoch: int
    step: int
    train_cost: float
    train_accuracy: float
    val_cost: float
    val_accuracy: float
    train_rms: float | None = None
    val_rms: float | None = None


@dataclass(frozen=True)
class Divergence:
    """Where a run first produced a non-finite cost or weight."""

    epoch: int
    batch: int
    step: int
    what: str

    def __str__(self) -> str:
        return f"{self.what} at epoch {self.epoch + 1}, minibatch {self.batch + 1} (step {self.step})"
