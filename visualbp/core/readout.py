"""Readouts: every operand and result of the equation a step applies, for one neuron or weight.

What the equation panel, the graph's hover card and the neuron card show is computed here, from a
step record, the engine's current state (``engine.current``, ``engine.last_gradient``) and the
network; the GUI only formats it. A readout is for the engine's position: the record passed is its
``last_record`` (``back()`` restores everything a readout reads).

Indices are 0-based array indices like the engine's (``j``, ``k``); the book's layer ``l`` is 1-based
(1 = input). ``f`` is the layer's real activation (σ, tanh or ReLU) and ``fp`` its derivative f'(z).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

import numpy as np

from visualbp.core.activations import get_activation
from visualbp.core.fastpath import weight_decay
from visualbp.core.neuron_activations import Mixed
from visualbp.core.steps import Kind, StepRecord

#: Vectors x and y are given whole (to print in full) up to these lengths.
SHORT_X, SHORT_Y, SHORT_ROW = 4, 10, 3


class Why(str, Enum):
    """Why the readout shows this neuron or weight."""

    SELECTED = "selected"  # the selected neuron
    INCOMING = "incoming"  # the selected neuron's (j) strongest incoming weight
    OUTGOING = "outgoing"  # the selected neuron's (k) strongest outgoing weight
    LARGEST = "largest"  # the largest |by| of the layer (or of the network)
    MOVED_MOST = "moved most"  # the weight the update changed most


@dataclass(frozen=True)
class Choice:
    """Neuron j (and, for a weight w^l_jk, neuron k of layer l − 1) of layer ``l``, and why.

    ``by`` names the quantity a LARGEST choice maximises ('x', 'z', 'δ', '∂C/∂w', 'Δw'); ``n`` and
    ``n_in`` are the sizes of layers l and l − 1.
    """

    l: int
    j: int
    k: int | None
    why: Why
    by: str
    n: int
    n_in: int = 0


@dataclass(frozen=True)
class Readout:
    """One step's equation for one neuron or weight: every number it applies.

    ``values`` by kind (all floats):
    INPUT x (= a^1_j) · FEEDFORWARD wa (Σ_k w^l_jk a^(l−1)_k), b, z, a, and cost (C_x) at the output ·
    OUTPUT_ERROR a, y, grad_a (∇_a C), fp, delta · BACKPROP_ERROR wd (Σ_k w^(l+1)_kj δ^(l+1)_k), fp, delta ·
    GRADIENT_B nabla_b, sum_b (Σ over the examples so far) · GRADIENT_W a_k, delta_j, nabla_w, sum_w ·
    UPDATE w_old, w_new, dw, eta, m, and sum_w (Σ_x ∂C_x/∂w^l_jk) with decay (1 − ηλ/n), lmbda, n when the
    rule w → (1 − ηλ/n) w − η/m Σ_x ∂C_x/∂w gives w_new (``rule`` True) · BATCH cost, m, and, for the
    engine's last minibatch, g (mean ∂C/∂w), eta, step (−η g), w (the new w^l_jk), decay, lmbda.
    ``terms``: FEEDFORWARD's (w^l_jk, a^(l−1)_k) for a row of at most SHORT_ROW weights.
    ``x``/``y``: INPUT's whole vectors when short. ``examples``: GRADIENT_B/W, examples summed so far.
    """

    kind: Kind
    l: int
    L: int
    choice: Choice | None
    values: Mapping[str, float]
    f: str = ""  # the activation's symbol at layer l: 'σ', 'tanh', 'ReLU' ('f' when its neurons differ)
    f_j: str = ""  # the chosen neuron's own f (feedforward, BP1, BP2): what its numbers write
    f_note: str = ""  # a layer whose neurons differ: 'σ; tanh at j = 2' (core/neuron_activations.py)
    f_hidden: str = "σ"
    f_output: str = "σ"
    cost: str = "quadratic"
    lmbda: float = 0.0
    rule: bool = True
    terms: tuple[tuple[float, float], ...] = ()
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    examples: int = 0
    batch: int = 0
    epoch: int = 0
    example: int | None = None
    batch_size: int = 0

    def __getitem__(self, name: str) -> float:
        return self.values[name]


def _values(**kw: float | None) -> Mapping[str, float]:
    return MappingProxyType({k: float(v) for k, v in kw.items() if v is not None})


def _strongest(values: np.ndarray) -> int:
    return int(np.argmax(np.abs(np.nan_to_num(np.ravel(values), nan=0.0))))


def choose_neuron(l: int, values: np.ndarray, by: str, selected: tuple[int, int] | None) -> Choice:
    """The selected neuron if it is in layer ``l``, else the one with the largest |value|."""
    n = len(np.ravel(values))
    if selected is not None and selected[0] == l and 0 <= selected[1] < n:
        return Choice(l, int(selected[1]), None, Why.SELECTED, by, n)
    return Choice(l, _strongest(values), None, Why.LARGEST, by, n)


def choose_weight(l: int, scores: np.ndarray, weights: np.ndarray, by: str, selected: tuple[int, int] | None,
                  rank1: tuple[np.ndarray, np.ndarray] | None = None, why: Why = Why.LARGEST) -> Choice:
    """A weight w^l_jk: the selected neuron's strongest incoming (or outgoing) weight, else the largest
    |score|. With ``rank1`` = (δ^l, a^(l−1)), scores = δ a^T (BP4 for one example): its largest |score| is
    at the largest |δ_j| and the largest |a_k|, found without reading the matrix."""
    n_out, n_in = np.shape(scores)
    weights = np.asarray(weights)  # only the row or column needed is read: w may hold millions
    if selected is not None and selected[0] == l and 0 <= selected[1] < n_out:
        j = int(selected[1])
        return Choice(l, j, _strongest(weights[j]), Why.INCOMING, by, n_out, n_in)
    if selected is not None and selected[0] == l - 1 and 0 <= selected[1] < n_in:
        k = int(selected[1])
        return Choice(l, _strongest(weights[:, k]), k, Why.OUTGOING, by, n_out, n_in)
    if rank1 is not None:
        delta, a_prev = (np.abs(np.nan_to_num(np.ravel(v), nan=np.inf)) for v in rank1)
        j, k = int(np.argmax(delta)), int(np.argmax(a_prev))
    else:  # the largest |score| from the largest and the smallest: no copy of a matrix of millions
        scores = np.asarray(scores)  # (a NaN, if any, is found first: it is the number to show)
        hi, lo = int(np.argmax(scores)), int(np.argmin(scores))
        j, k = divmod(lo if abs(scores.flat[lo]) > abs(scores.flat[hi]) else hi, n_in)
    return Choice(l, j, k, why, by, n_out, n_in)


def _target(engine, record: StepRecord, j: int, a_j: float) -> float:
    """y_j of the current example: the engine's target row, checked against the record's a − y."""
    r = record.arrays
    a_minus_y = r["delta"] if engine.net.cost.name == "cross-entropy" else r["grad_a"]
    derived = a_j - float(a_minus_y[j, 0])
    row = engine.current_example_index()
    if row is not None:
        y = float(engine.Y[row, j])
        if math.isclose(y, derived, rel_tol=1e-9, abs_tol=1e-9):
            return y
    return derived


def _f_of(net, c: Choice) -> str:
    """The symbol of neuron c.j's own activation (a layer may mix them: core/neuron_activations.py)."""
    return net.neuron_activation(c.l, c.j).symbol


def _hidden_symbol(net) -> str:
    """The hidden layers' f as the matrix form writes it: theirs when they share one, else f."""
    symbols = {net.layer_activation(i).symbol for i in range(net.num_layers - 2)}
    return symbols.pop() if len(symbols) == 1 else (net.activation.symbol if not symbols else "f")


def _f_note(net, l: int, most: int = 4) -> str:
    """Layer l's activations when its neurons differ: the layer's own, then each neuron with its own f."""
    act = net.layer_activation(l - 2) if 2 <= l <= net.num_layers else None
    if not isinstance(act, Mixed) or not act.overrides:
        return ""
    overrides = act.overrides
    own = [f"{a.symbol} at j = {j + 1}" for j, a in list(overrides.items())[:most]]
    more = f" and {len(overrides) - most} more" if len(overrides) > most else ""
    rest = f"{act.default.symbol}; " if len(overrides) < net.sizes[l - 1] else ""
    return rest + ", ".join(own) + more


def readout(engine, record: StepRecord, selected: tuple[int, int] | None = None) -> Readout:
    """The readout of ``record`` (the engine's last record) for the ``selected`` neuron (l, j), or for the
    neuron or weight with the largest value the equation produced."""
    net = engine.net
    kind, l, r, L = record.kind, record.l, record.arrays, net.num_layers
    base = dict(kind=kind, l=l, L=L, cost=net.cost.name, lmbda=float(net.lmbda),
                f=net.layer_activation(l - 2).symbol if l >= 2 else "", f_note=_f_note(net, l),
                f_hidden=_hidden_symbol(net), f_output=net.layer_activation(L - 2).symbol,
                batch=record.batch, epoch=record.epoch, example=record.example, batch_size=record.batch_size)
    if kind is Kind.INPUT:
        a = r["a"].ravel()
        c = choose_neuron(1, a, "x", selected)
        y = r["y"].ravel() if "y" in r else ()
        return Readout(choice=c, values=_values(x=a[c.j]), x=tuple(map(float, a)) if len(a) <= SHORT_X else (),
                       y=tuple(map(float, y)) if 0 < len(y) <= SHORT_Y else (), **base)
    if kind is Kind.FEEDFORWARD:
        z, a = r["z"].ravel(), r["a"].ravel()
        c = choose_neuron(l, z, "z", selected)
        w_row = net.weights[l - 2][c.j]
        a_prev = engine.current("a", l - 1)
        b = float(net.biases[l - 2][c.j, 0])
        wa = float(w_row @ a_prev.ravel()) if a_prev is not None else float(z[c.j]) - b
        terms = tuple((float(w), float(x)) for w, x in zip(w_row, a_prev.ravel())) \
            if a_prev is not None and len(w_row) <= SHORT_ROW else ()
        cost = float(r["cost"]) if "cost" in r else None
        return Readout(choice=c, values=_values(wa=wa, b=b, z=z[c.j], a=a[c.j], cost=cost), terms=terms,
                       f_j=_f_of(net, c), **base)
    if kind is Kind.OUTPUT_ERROR:
        delta, sp = r["delta"].ravel(), r["sp"].ravel()
        c = choose_neuron(l, delta, "δ", selected)
        a_L = engine.current("a", l)
        a_j = float(a_L[c.j, 0]) if a_L is not None else float("nan")
        return Readout(choice=c, values=_values(a=a_j, y=_target(engine, record, c.j, a_j),
                                                grad_a=r["grad_a"][c.j, 0], fp=sp[c.j], delta=delta[c.j]),
                       f_j=_f_of(net, c), **base)
    if kind is Kind.BACKPROP_ERROR:
        delta, wtd, sp = r["delta"].ravel(), r["wtd"].ravel(), r["sp"].ravel()
        c = choose_neuron(l, delta, "δ", selected)
        return Readout(choice=c, values=_values(wd=wtd[c.j], fp=sp[c.j], delta=delta[c.j]), f_j=_f_of(net, c),
                       **base)
    examples = 0 if record.example is None else record.example + 1
    if kind is Kind.GRADIENT_B:
        nb, total = r["nabla_b"].ravel(), r["sum_b"].ravel()
        c = choose_neuron(l, nb, "δ", selected)
        return Readout(choice=c, values=_values(nabla_b=nb[c.j], sum_b=total[c.j]), examples=examples, **base)
    if kind is Kind.GRADIENT_W:
        nw, total = r["nabla_w"], r["sum_w"]
        a_prev, delta = engine.current("a", l - 1), engine.current("delta", l)
        rank1 = (delta, a_prev) if a_prev is not None and delta is not None else None
        c = choose_weight(l, nw, net.weights[l - 2], "∂C/∂w", selected, rank1)
        a_k = float(a_prev[c.k, 0]) if a_prev is not None else None
        d_j = float(delta[c.j, 0]) if delta is not None else None
        return Readout(choice=c, values=_values(a_k=a_k, delta_j=d_j, nabla_w=float(nw[c.j, c.k]),
                                                                          sum_w=float(total[c.j, c.k])),
                       examples=examples, **base)
    if kind is Kind.UPDATE:
        return _update(engine, record, selected, base)
    return _batch(engine, record, selected, base)


def _update(engine, record: StepRecord, selected, base: dict) -> Readout:
    """w^l_jk → (1 − ηλ/n) w^l_jk − η/m Σ_x ∂C_x/∂w^l_jk, with η = engine.eta and m the minibatch size."""
    net, l = engine.net, record.l
    w, dw = record["w"], record["dw"]
    c = choose_weight(l, dw, w, "Δw", selected, why=Why.MOVED_MOST)
    w_new, change = float(w[c.j, c.k]), float(dw[c.j, c.k])
    w_old = w_new - change
    m, eta, n = record.batch_size, float(engine.eta), engine.n_train
    total = engine.current("sum_w", l)  # the minibatch's sums, until its last update ends it
    grad_sum = float(total[c.j, c.k]) if total is not None else None
    if grad_sum is None and engine.last_gradient is not None and record is engine.last_record:
        grad_sum = float(engine.last_gradient[1][l - 2][c.j, c.k]) * m  # the mean, back to the sum
    decay = weight_decay(eta, net.lmbda, n)
    rule = grad_sum is not None and math.isclose(decay * w_old - eta / m * grad_sum, w_new,
                                                 rel_tol=1e-9, abs_tol=1e-12)
    values = _values(w_old=w_old, w_new=w_new, dw=change, eta=eta, m=m, n=n,
                     sum_w=grad_sum if rule else None, decay=decay)
    return Readout(choice=c, values=values, rule=rule, **base)


def _batch(engine, record: StepRecord, selected, base: dict) -> Readout:
    """A whole minibatch: its mean cost, and one weight's mean gradient when the engine holds it."""
    net, m = engine.net, record.batch_size
    values = {"cost": float(record["cost"]), "m": m}
    own = [f"{get_activation(a).symbol} at l = {l}, j = {j + 1}" for l, j, a in net.neuron_activations[:4]]
    if own:  # the matrix form's f per layer has exceptions (core/neuron_activations.py)
        more = len(net.neuron_activations) - len(own)
        base = {**base, "f_note": ", ".join(own) + (f" and {more} more" if more else "")}
    grad = engine.last_gradient
    if grad is None or record is not engine.last_record:
        return Readout(choice=None, values=_values(**values), **base)
    nabla_w = grad[1]
    if selected is not None and selected[0] >= 2:
        l, j = selected
        i = l - 2
        k = _strongest(net.weights[i][j])
        c = Choice(l, j, k, Why.INCOMING, "∂C/∂w", *net.weights[i].shape)
    else:
        i = max((float(np.max(np.abs(np.nan_to_num(g)))), i) for i, g in enumerate(nabla_w))[1]
        j, k = divmod(_strongest(nabla_w[i]), nabla_w[i].shape[1])
        c = Choice(i + 2, j, k, Why.LARGEST, "∂C/∂w", *nabla_w[i].shape)
    g, eta = float(nabla_w[i][j, k]), float(engine.eta)
    decay = weight_decay(eta, net.lmbda, engine.n_train)
    values.update(g=g, eta=eta, step=-eta * g, w=float(net.weights[i][j, k]), decay=decay)
    return Readout(choice=c, values=_values(**values), **{**base, "l": c.l})


# --------------------------------------------------------------------------- one neuron, one weight

class Source(str, Enum):
    """Where a gradient shown on a card comes from."""

    EXAMPLE = "this example"  # the current example's BP3/BP4
    DELTA = "= δ, this example"  # BP3 before its step: ∂C/∂b = δ, already known
    MINIBATCH = "mean over the last minibatch"  # engine.last_gradient


@dataclass(frozen=True)
class NeuronReadout:
    """Neuron j of layer l now: z, a, f'(z) (``fp``), δ, b, ∂C/∂b (None where not known yet)."""

    l: int
    j: int
    L: int
    f: str
    f_name: str
    z: float | None = None
    a: float | None = None
    fp: float | None = None
    delta: float | None = None
    b: float | None = None
    nabla_b: float | None = None
    source: Source | None = None

    @property
    def role(self) -> str:
        return "input" if self.l == 1 else ("output" if self.l == self.L else "hidden")


@dataclass(frozen=True)
class EdgeReadout:
    """Weight w^l_jk now and ∂C/∂w^l_jk = a^(l−1)_k δ^l_j (BP4): of this example, or the last minibatch's mean."""

    l: int
    j: int
    k: int
    w: float
    a_k: float | None = None
    delta_j: float | None = None
    nabla_w: float | None = None
    source: Source | None = None


def _at(arr: np.ndarray | None, j: int, k: int = 0) -> float | None:
    return None if arr is None else float(arr[j, k])


def neuron_readout(engine, l: int, j: int) -> NeuronReadout:
    """What is known about neuron j of layer l at the engine's position (∂C/∂b^l_j = δ^l_j is BP3)."""
    net = engine.net
    if l == 1:
        return NeuronReadout(1, j, net.num_layers, "", "", a=_at(engine.current("a", 1), j))
    i = l - 2
    act = net.neuron_activation(l, j)
    nb, source = _at(engine.current("nabla_b", l), j), Source.EXAMPLE
    delta = _at(engine.current("delta", l), j)
    if nb is None and delta is not None:
        nb, source = delta, Source.DELTA
    if nb is None and engine.last_gradient is not None:
        nb, source = float(engine.last_gradient[0][i][j, 0]), Source.MINIBATCH
    return NeuronReadout(l, j, net.num_layers, act.symbol, act.name, z=_at(engine.current("z", l), j),
                         a=_at(engine.current("a", l), j), fp=_at(engine.current("sp", l), j), delta=delta,
                         b=float(net.biases[i][j, 0]), nabla_b=nb, source=source if nb is not None else None)


def edge_readout(engine, l: int, j: int, k: int) -> EdgeReadout:
    """Weight w^l_jk (array indices) with its gradient, if one is known at the engine's position."""
    w = float(engine.net.weights[l - 2][j, k])
    delta, a_prev = engine.current("delta", l), engine.current("a", l - 1)
    if delta is not None and a_prev is not None:
        a_k, d_j = float(a_prev[k, 0]), float(delta[j, 0])
        nabla_w = engine.current("nabla_w", l)
        g = float(nabla_w[j, k]) if nabla_w is not None else a_k * d_j
        return EdgeReadout(l, j, k, w, a_k, d_j, g, Source.EXAMPLE)
    if engine.last_gradient is not None:
        return EdgeReadout(l, j, k, w, nabla_w=float(engine.last_gradient[1][l - 2][j, k]), source=Source.MINIBATCH)
    return EdgeReadout(l, j, k, w)
