"""Finite-difference check of backprop: an independent reference for BP1–BP4."""

from __future__ import annotations

import numpy as np

from visualbp.core.network import Network


def _cost(net: Network, x: np.ndarray, y: np.ndarray) -> float:
    return net.cost.fn(net.feedforward(x), y)


def gradient_check(net: Network, x: np.ndarray, y: np.ndarray, h: float = 1e-5) -> list[float]:
    """Largest relative error between ``backprop`` and central differences, per layer.

    Entry ``i`` is for layer ``l = i + 2`` (weights and biases together), measured as
    ``‖g_num − g_bp‖ / (‖g_num‖ + ‖g_bp‖)`` (0 when both vanish). The check runs on
    a copy, so ``net`` is untouched.
    """
    nabla_b, nabla_w = net.backprop(x, y)
    probe = net.copy()
    errors = []
    for i in range(len(probe.weights)):
        numeric, analytic = [], []
        for params, grads in ((probe.weights[i], nabla_w[i]), (probe.biases[i], nabla_b[i])):
            num = np.empty_like(params)
            for idx in np.ndindex(params.shape):
                old = params[idx]
                params[idx] = old + h
                plus = _cost(probe, x, y)
                params[idx] = old - h
                minus = _cost(probe, x, y)
                params[idx] = old
                num[idx] = (plus - minus) / (2 * h)
            numeric.append(num.ravel())
            analytic.append(np.ravel(grads))
        g_num = np.concatenate(numeric)
        g_bp = np.concatenate(analytic)
        scale = np.linalg.norm(g_num) + np.linalg.norm(g_bp)
        errors.append(0.0 if scale == 0 else float(np.linalg.norm(g_num - g_bp) / scale))
    return errors
