"""Finite-difference check of backprop: an independent reference for BP1–BP4.

The cost is evaluated from the output's weighted input z^L, never through ln(1 − a^L): for the
cross-entropy with sigmoid outputs, −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = y·softplus(−z) +
(1 − y)·softplus(z), and softplus(t) = ln(1 + e^t) is exact for every t (``np.logaddexp``). Through
a^L instead, σ(z) rounds to 1 for z ≳ 37, ln(1 − a) is clipped to a constant, the finite difference
reads 0 where backprop's a − y is 1, and a correct backprop showed a relative error of 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from visualbp.core.network import Network

#: Double precision: the relative rounding error of one cost evaluation is a small multiple of this.
EPS = float(np.finfo(np.float64).eps)


def output_z(net: Network, x: np.ndarray) -> np.ndarray:
    """z^L = w^L a^(L−1) + b^L, the feedforward stopped before the output activation."""
    a = x
    last = len(net.weights) - 1
    for i, (b, w) in enumerate(zip(net.biases, net.weights)):
        z = w @ a + b
        if i == last:
            return z
        a = net.layer_activation(i)(z)
    raise ValueError("the network has no layers")


def stable_cost(net: Network, x: np.ndarray, y: np.ndarray) -> float:
    """C_x computed from z^L so that it stays exact when outputs saturate.

    Cross-entropy (sigmoid outputs): C = Σ_j [y_j softplus(−z_j) + (1 − y_j) softplus(z_j)].
    Quadratic: C = ½‖y − f(z^L)‖², which has no logarithm to lose precision in.
    """
    z = output_z(net, x)
    if net.cost.name == "cross-entropy":
        return float(np.sum(y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)))
    return net.cost.fn(net.layer_activation(len(net.weights) - 1)(z), y)


def parameters(net: Network) -> Iterator[tuple[int, str, np.ndarray]]:
    """(layer index i, 'w' or 'b', the array) for every parameter array, w^(i+2) before b^(i+2)."""
    for i in range(len(net.weights)):
        yield i, "w", net.weights[i]
        yield i, "b", net.biases[i]


def numeric_gradient(net: Network, x: np.ndarray, y: np.ndarray, h: float = 1e-5,
                     cost: Callable[[Network, np.ndarray, np.ndarray], float] = stable_cost
                     ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Central differences ∂C/∂p ≈ (C(p + h) − C(p − h)) / 2h for every weight and bias, on a copy.

    Returns ``(nabla_b, nabla_w)`` shaped like ``net.biases`` and ``net.weights``.
    """
    probe = net.copy()
    nabla_b = [np.empty_like(b) for b in probe.biases]
    nabla_w = [np.empty_like(w) for w in probe.weights]
    for i, name, params in parameters(probe):
        out = (nabla_w if name == "w" else nabla_b)[i]
        for idx in np.ndindex(params.shape):
            old = params[idx]
            params[idx] = old + h
            plus = cost(probe, x, y)
            params[idx] = old - h
            minus = cost(probe, x, y)
            params[idx] = old
            out[idx] = (plus - minus) / (2 * h)
    return nabla_b, nabla_w


def resolution(cost_value: float, h: float) -> float:
    """The smallest derivative either method tells from zero, per entry.

    Central differences: a cost is known to about ``EPS·|C|``, and the difference of two such values over
    2h is noise of ``EPS·|C| / h``. Backprop: BP1's a − y is a difference of numbers of order 1 (outputs lie
    in (0, 1) or (−1, 1)), so it is known to about ``EPS`` absolutely; a right, saturated output
    (a rounds to y) gives δ^L = 0 where the truth is e^(−|z|). ×10 for the several roundings on the way.
    """
    return 10.0 * EPS * max(1.0, abs(cost_value) / h)


def relative_errors(numeric: tuple[list, list], analytic: tuple[list, list], floor: float) -> list[float]:
    """Per layer: ``‖g_num − g_bp‖ / max(‖g_num‖ + ‖g_bp‖, floor·√(n_params))`` (weights and biases together).

    The floor is the finite differences' own resolution, so a layer whose true gradient is below what they
    can resolve (a saturated output that is right) is not reported as a disagreement of order 1.
    """
    errors = []
    for nb, nw, ab, aw in zip(numeric[0], numeric[1], analytic[0], analytic[1]):
        g_num = np.concatenate((np.ravel(nw), np.ravel(nb)))
        g_bp = np.concatenate((np.ravel(aw), np.ravel(ab)))
        scale = max(float(np.linalg.norm(g_num) + np.linalg.norm(g_bp)), floor * np.sqrt(g_num.size))
        errors.append(0.0 if scale == 0 else float(np.linalg.norm(g_num - g_bp) / scale))
    return errors


def gradient_check(net: Network, x: np.ndarray, y: np.ndarray, h: float = 1e-5) -> list[float]:
    """Largest relative error between ``backprop`` and central differences, per layer.

    Entry ``i`` is for layer ``l = i + 2`` (weights and biases together), measured as
    ``‖g_num − g_bp‖ / (‖g_num‖ + ‖g_bp‖)``, the denominator never below the differences' resolution
    (see ``resolution``). The cost is evaluated stably from z^L (see the module docstring). The check
    runs on a copy, so ``net`` is untouched.
    """
    analytic = net.backprop(x, y)
    numeric = numeric_gradient(net, x, y, h)
    return relative_errors(numeric, analytic, resolution(stable_cost(net, x, y), h))
