"""One record of the book's pseudocode at a time: the engine's position and what it has computed.

``State`` is where the engine is (epoch, minibatch, the record program and the next op) and, for the
example being stepped, z^l, a^l, σ'(z^l), δ^l, ∇_b C_x, ∇_w C_x and the minibatch's sums so far.
States are immutable: ``apply`` makes a new one and never writes into an array, so the engine's
history keeps earlier states by reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from visualbp.core.fastpath import weight_decay
from visualbp.core.network import Network
from visualbp.core.steps import Kind, StepRecord

Op = tuple[Kind, int, int | None]  # (kind, l, example)


def epoch_permutation(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order of the training examples in ``epoch``: a pure function of (seed, epoch)."""
    return np.random.default_rng([seed, 2, epoch]).permutation(n)


# A diverging run overflows on its way to NaN; that is reported as a Divergence, not as warnings.
def quiet_fp() -> np.errstate:
    return np.errstate(over="ignore", invalid="ignore", under="ignore")


def put(t: tuple, i: int, value: object) -> tuple:
    return t[:i] + (value,) + t[i + 1:]


def finishes_batch(record: StepRecord, before: State) -> bool:
    """True for a record that ends a minibatch: a whole-minibatch pass, or the last update of a stepped one."""
    return record.kind is Kind.BATCH or (record.kind is Kind.UPDATE and before.pos == len(before.program) - 1)


@dataclass(frozen=True)
class State:
    """Where the engine is and what the current minibatch has computed so far."""

    step: int = 0  # records taken since the start
    epoch: int = 0
    batch: int = 0  # minibatch number within the epoch
    offset: int = 0  # index into the epoch's permutation where this minibatch starts
    program: tuple[Op, ...] = ()  # the current minibatch's records, empty between minibatches
    pos: int = 0  # next op in ``program``
    # per example, indexed by the book's l (0 unused): z^l, a^l, σ'(z^l), δ^l
    z: tuple = ()
    a: tuple = ()
    sp: tuple = ()
    delta: tuple = ()
    nabla_b: tuple = ()  # this example's ∂C/∂b^l (BP3), by l
    nabla_w: tuple = ()  # this example's ∂C/∂w^l (BP4), by l
    sum_b: tuple = ()  # Σ_x over the minibatch so far, by l
    sum_w: tuple = ()
    cost_sum: float = 0.0  # Σ_x C_x over the minibatch so far
    m: int = 0  # size of the current minibatch
    y: np.ndarray | None = None  # the current example's target


_BETWEEN = State().__dict__


def between(step: int, epoch: int, batch: int, offset: int) -> State:
    """``State(step=step, epoch=epoch, batch=batch, offset=offset)``, made without the frozen
    dataclass's field-by-field ``__init__`` (a whole-minibatch pass makes one per minibatch)."""
    s = object.__new__(State)
    d = s.__dict__
    d.update(_BETWEEN)
    d["step"], d["epoch"], d["batch"], d["offset"] = step, epoch, batch, offset
    return s


def program(L: int, m: int) -> tuple[Op, ...]:
    """The records of a stepped minibatch of ``m`` examples through ``L`` layers, in the book's order:
    per example, a^1 = x, feedforward l = 2..L, BP1, BP2 for l = L−1..2, then BP3 and BP4 for l = L..2;
    after the last example, the updates. The updates are recorded l = 2..L, not the pseudocode's
    L..2: every Σ_x ∂C_x/∂w^l is complete before the first and none reads another layer's weights,
    so the order changes no number, and the lessons, exercises and the graph take them left to right
    as the feedforward goes. (The whole-minibatch kernel updates L first, as the pseudocode does.)"""
    one = [(Kind.INPUT, 1)] + [(Kind.FEEDFORWARD, l) for l in range(2, L + 1)]
    one += [(Kind.OUTPUT_ERROR, L)] + [(Kind.BACKPROP_ERROR, l) for l in range(L - 1, 1, -1)]
    for l in range(L, 1, -1):
        one += [(Kind.GRADIENT_B, l), (Kind.GRADIENT_W, l)]
    ops: list[tuple[Kind, int, int | None]] = [(k, l, x) for x in range(m) for k, l in one]
    ops += [(Kind.UPDATE, l, None) for l in range(2, L + 1)]
    return tuple(ops)


def _target(s: State) -> np.ndarray:
    """The current example's desired output y (set by its a^1 = x step)."""
    if s.y is None:
        raise ValueError("no example has been fed forward in this minibatch yet: its target y is unknown")
    return s.y


def apply(net: Network, s: State, kind: Kind, l: int, x: int | None, eta: float, n: int,
          example: Callable[[int], tuple[np.ndarray, np.ndarray]]) -> tuple[State, dict]:
    """One step of the pseudocode on state ``s``; returns the new state and the arrays produced.

    ``example(x)`` gives the x-th example of the minibatch as columns (x, y); ``n`` is the number of
    training examples (for L2). An update binds new arrays in ``net``: it never writes into one.
    """
    i = l - 2  # index into net.weights / net.biases for layer l
    if kind is Kind.INPUT:  # a^1 = x
        if x is None:
            raise ValueError("an input step needs the index x of its example in the minibatch")
        a1, y = example(x)
        empty = (None,) * (net.num_layers + 1)
        s = replace(s, a=put(empty, 1, a1), z=empty, sp=empty, delta=empty,
                    nabla_b=empty, nabla_w=empty, y=y)
        return s, {"a": a1, "y": y}
    if kind is Kind.FEEDFORWARD:  # z^l = w^l a^(l−1) + b^l,  a^l = σ(z^l)
        act = net.layer_activation(i)
        z = net.weights[i] @ s.a[l - 1] + net.biases[i]
        a = act.fn(z)
        sp = act.prime(z, a)
        s = replace(s, z=put(s.z, l, z), a=put(s.a, l, a), sp=put(s.sp, l, sp))
        arrays = {"z": z, "a": a, "sp": sp}
        if l == net.num_layers:
            c = net.cost.fn(a, _target(s))
            s = replace(s, cost_sum=s.cost_sum + c)
            arrays["cost"] = np.array(c)
        return s, arrays
    if kind is Kind.OUTPUT_ERROR:  # BP1
        y = _target(s)
        grad_a = net.cost.grad_a(s.a[l], y)
        delta = net.cost.delta(s.z[l], s.a[l], y, net.layer_activation(i))
        return replace(s, delta=put(s.delta, l, delta)), {"grad_a": grad_a, "sp": s.sp[l], "delta": delta}
    if kind is Kind.BACKPROP_ERROR:  # BP2
        wtd = net.weights[i + 1].T @ s.delta[l + 1]
        delta = wtd * s.sp[l]
        return replace(s, delta=put(s.delta, l, delta)), {"wtd": wtd, "sp": s.sp[l], "delta": delta}
    if kind is Kind.GRADIENT_B:  # BP3
        nb = s.delta[l]
        total = nb if s.sum_b[l] is None else s.sum_b[l] + nb
        s = replace(s, nabla_b=put(s.nabla_b, l, nb), sum_b=put(s.sum_b, l, total))
        return s, {"nabla_b": nb, "sum_b": total}
    if kind is Kind.GRADIENT_W:  # BP4
        nw = s.delta[l] @ s.a[l - 1].T
        total = nw if s.sum_w[l] is None else s.sum_w[l] + nw
        s = replace(s, nabla_w=put(s.nabla_w, l, nw), sum_w=put(s.sum_w, l, total))
        return s, {"nabla_w": nw, "sum_w": total}
    if kind is Kind.UPDATE:  # w^l → (1 − ηλ/n) w^l − η/m Σ_x ∂C_x/∂w^l,  b^l → b^l − η/m Σ_x ∂C_x/∂b^l
        m = s.m
        w_old, b_old = net.weights[i], net.biases[i]
        w = weight_decay(eta, net.lmbda, n) * w_old - (eta / m) * s.sum_w[l]  # × 1.0 is exact when λ = 0
        b = b_old - (eta / m) * s.sum_b[l]
        net.weights, net.biases = list(net.weights), list(net.biases)
        net.weights[i], net.biases[i] = w, b
        return s, {"w": w, "b": b, "dw": w - w_old, "db": b - b_old}
    raise AssertionError(kind)
