"""Why a network does not learn: saturation, vanishing error, and the cost of a backward pass.

The book (chapter 2): a neuron whose σ'(z) is near 0 "has saturated and, as a result,
the weight has stopped learning (or is learning slowly)" — BP1 and BP2 multiply the
error by σ'(z). Chapter 5 measures how fast layer l learns by ‖∂C/∂b^l‖.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from visualbp.core.network import Network
from visualbp.core.neuron_activations import row_max_prime

#: σ'(z) below this fraction of the activation's largest σ' counts as saturated
#: (for sigmoid: σ' < 0.025, i.e. a < 0.026 or a > 0.974).
DEFAULT_SATURATION = 0.1


def saturation(net: Network, X: np.ndarray, threshold: float = DEFAULT_SATURATION) -> list[np.ndarray]:
    """Per layer l = 2..L, per neuron j: the fraction of the rows of ``X`` for which σ'(z^l_j) is
    below ``threshold`` × the largest σ' (a dead ReLU counts as saturated)."""
    a = X.T
    out = []
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for i, (b, w) in enumerate(zip(net.biases, net.weights)):
            act = net.layer_activation(i)
            z = w @ a + b
            a = act.fn(z)
            sp = act.prime(z, a)
            limit = threshold * row_max_prime(act, sp.shape[0]).reshape(-1, 1)  # per neuron: its own f
            out.append(np.mean(sp < limit, axis=1))
    return out


def layer_saturation(net: Network, X: np.ndarray, threshold: float = DEFAULT_SATURATION) -> list[float]:
    """Per layer l = 2..L: the fraction of (neuron, example) pairs that are saturated."""
    return [float(f.mean()) for f in saturation(net, X, threshold)]


def error_ratios(delta_norms: tuple[float, ...] | list[float]) -> list[float]:
    """‖δ^l‖ / ‖δ^L‖ for l = 2..L: how much of the output error reaches layer l (vanishing < 1)."""
    last = delta_norms[-1]
    return [float(d / last) if last > 0 else float("nan") for d in delta_norms]


@dataclass(frozen=True)
class PassCosts:
    """Median seconds of one feedforward pass and one backward pass (BP1–BP4) for one example."""

    forward: float
    backward: float

    @property
    def ratio(self) -> float:
        """backward / forward: the book says backprop costs about as much as a forward pass."""
        return self.backward / self.forward


def pass_costs(net: Network, x: np.ndarray, y: np.ndarray, repeats: int = 200) -> PassCosts:
    """Time, on this network, a feedforward pass against the backward pass that follows it.

    The backward pass is timed as ``backprop`` (which includes its own forward pass)
    minus a forward pass, each the median of ``repeats`` runs interleaved.
    """
    fwd, full = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        net.feedforward(x)
        t1 = time.perf_counter()
        net.backprop(x, y)
        t2 = time.perf_counter()
        fwd.append(t1 - t0)
        full.append(t2 - t1)
    forward = float(np.median(fwd))
    return PassCosts(forward, max(float(np.median(full)) - forward, 0.0))
