"""The code in lockstep: backpropagation and one step of minibatch gradient descent written as short Python,
the lines each step executes, and the values of the variables those lines assign.

The listings are this project's own (Python 3, the book's 1-based layer index l kept as dictionary keys so that
``w[l]`` is the book's w^l); they do what ``Engine`` does, in the order its steps are taken: one example at a
time — input, feedforward for l = 2 … L, BP1, BP2 for l = L−1 … 2, then BP3 and BP4 added to the minibatch's
sums for l = L … 2 — and after the minibatch the update for every layer. ``MATRIX_CODE`` is the fully
matrix-based form the window's whole-minibatch step uses: X holds one example per column, and the elementwise
product with σ'(Z) is the book's alternative form Σ'(z) ∇_a C with Σ'(z) the diagonal matrix of σ'(z).
No Qt here: the window highlights ``lines_for`` and formats ``variables``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualbp.core.steps import Kind, StepRecord

EXAMPLE_CODE = '''\
def update_mini_batch(batch, eta, lmbda, n):
    """One step of gradient descent; w[l] is w^l."""
    m = len(batch)
    sum_b = {l: np.zeros_like(b[l]) for l in layers}
    sum_w = {l: np.zeros_like(w[l]) for l in layers}
    for x, y in batch:
        a = {1: x}
        z, sp, delta = {}, {}, {}
        for l in layers:
            z[l] = w[l] @ a[l - 1] + b[l]
            a[l] = f(z[l])
            sp[l] = f_prime(z[l])
        delta[L] = grad_a_C(a[L], y) * sp[L]
        for l in reversed(layers[:-1]):
            delta[l] = (w[l + 1].T @ delta[l + 1]) * sp[l]
        for l in reversed(layers):
            sum_b[l] += delta[l]
            sum_w[l] += delta[l] @ a[l - 1].T
    for l in layers:
        w[l] = (1 - eta * lmbda / n) * w[l] - eta / m * sum_w[l]
        b[l] = b[l] - eta / m * sum_b[l]
'''

MATRIX_CODE = '''\
def update_mini_batch(X, Y, eta, lmbda, n):
    """The whole minibatch at once: column x of X is one example."""
    m = X.shape[1]
    A = {1: X}
    Z, SP, Delta = {}, {}, {}
    for l in layers:
        Z[l] = w[l] @ A[l - 1] + b[l]
        A[l] = f(Z[l])
        SP[l] = f_prime(Z[l])
    Delta[L] = grad_a_C(A[L], Y) * SP[L]
    for l in reversed(layers[:-1]):
        Delta[l] = (w[l + 1].T @ Delta[l + 1]) * SP[l]
    for l in layers:
        w[l] = (1 - eta * lmbda / n) * w[l] - eta / m * Delta[l] @ A[l - 1].T
        b[l] = b[l] - eta / m * Delta[l].sum(axis=1, keepdims=True)
'''


def _line(code: str, text: str) -> int:
    """The 0-based number of the line of ``code`` that contains ``text`` (exactly one must)."""
    found = [i for i, line in enumerate(code.splitlines()) if text in line]
    if len(found) != 1:
        raise ValueError(f"{text!r} is on {len(found)} lines of the listing")
    return found[0]


#: Per kind of step: the lines of EXAMPLE_CODE it executes.
_LINES: dict[Kind, tuple[int, ...]] = {
    Kind.INPUT: (_line(EXAMPLE_CODE, "for x, y in batch"), _line(EXAMPLE_CODE, "a = {1: x}")),
    Kind.FEEDFORWARD: tuple(_line(EXAMPLE_CODE, t) for t in ("z[l] = w[l]", "a[l] = f(", "sp[l] = f_prime")),
    Kind.OUTPUT_ERROR: (_line(EXAMPLE_CODE, "delta[L] ="),),
    Kind.BACKPROP_ERROR: (_line(EXAMPLE_CODE, "delta[l] = (w[l + 1].T"),),
    Kind.GRADIENT_B: (_line(EXAMPLE_CODE, "sum_b[l] += "),),
    Kind.GRADIENT_W: (_line(EXAMPLE_CODE, "sum_w[l] += "),),
    Kind.UPDATE: (_line(EXAMPLE_CODE, "w[l] = (1 -"), _line(EXAMPLE_CODE, "b[l] = b[l] -")),
}
_MATRIX_LINES = tuple(range(2, len(MATRIX_CODE.splitlines())))  # a whole minibatch runs all of it

#: Which record array each kind's lines assign, and the name the code gives it ({l} is the layer).
_NAMES: dict[Kind, tuple[tuple[str, str], ...]] = {
    Kind.INPUT: (("a", "x = a[1]"), ("y", "y")),
    Kind.FEEDFORWARD: (("z", "z[{l}]"), ("a", "a[{l}]"), ("sp", "sp[{l}]")),
    Kind.OUTPUT_ERROR: (("grad_a", "grad_a_C(a[{l}], y)"), ("sp", "sp[{l}]"), ("delta", "delta[{l}]")),
    Kind.BACKPROP_ERROR: (("wtd", "w[{n}].T @ delta[{n}]"), ("sp", "sp[{l}]"), ("delta", "delta[{l}]")),
    Kind.GRADIENT_B: (("nabla_b", "delta[{l}]"), ("sum_b", "sum_b[{l}]")),
    Kind.GRADIENT_W: (("nabla_w", "delta[{l}] @ a[{p}].T"), ("sum_w", "sum_w[{l}]")),
    Kind.UPDATE: (("dw", "w[{l}] change"), ("w", "w[{l}]"), ("db", "b[{l}] change"), ("b", "b[{l}]")),
}


@dataclass(frozen=True)
class Variable:
    """A variable the highlighted lines assign (or the loop's l and the example), with its value."""

    name: str
    value: np.ndarray | int | float

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))


@dataclass(frozen=True)
class Trace:
    """Where a step is in the code: the listing, its highlighted lines and the variables they set."""

    code: str
    lines: tuple[int, ...]
    variables: tuple[Variable, ...]
    matrix: bool


def trace(record: StepRecord | None) -> Trace:
    """The code, lines and variables of ``record`` (None: before the first step, nothing highlighted)."""
    if record is None:
        return Trace(EXAMPLE_CODE, (), (), False)
    if record.kind is Kind.BATCH:
        shown = [Variable("m", int(record.batch_size))]
        for key, name in (("rows", "examples (rows of the data)"), ("a_last", "A[L] of the last example"),
                          ("cost", "C (mean over the minibatch)")):
            if key in record.arrays:
                shown.append(Variable(name, np.asarray(record.arrays[key])))
        return Trace(MATRIX_CODE, _MATRIX_LINES, tuple(shown), True)
    l = record.l
    loop = [Variable("l", l)] if record.kind not in (Kind.INPUT, Kind.OUTPUT_ERROR) else []
    if record.example is not None:
        loop.insert(0, Variable("example", record.example + 1))
    names = {"l": l, "n": l + 1, "p": l - 1}
    shown = [Variable(label.format(**names), np.asarray(record.arrays[key]))
             for key, label in _NAMES.get(record.kind, ()) if key in record.arrays]
    return Trace(EXAMPLE_CODE, _LINES.get(record.kind, ()), tuple(loop + shown), False)
