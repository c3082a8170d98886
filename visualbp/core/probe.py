"""Feedforward over a grid of 2-D inputs: what every neuron computes across the input plane.

Used to draw each neuron as a heatmap (as TensorFlow Playground does) and the
output as the decision boundary. Feedforward only; no gradients.
"""

from __future__ import annotations

import numpy as np

from visualbp.core.network import Network


def grid_inputs(xlim: tuple[float, float], ylim: tuple[float, float], resolution: int) -> np.ndarray:
    """Columns (2, resolution²) of the grid points, row-major from (xlim[0], ylim[0])."""
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.vstack([gx.ravel(), gy.ravel()])


def activations_on_grid(
    net: Network, xlim: tuple[float, float], ylim: tuple[float, float], resolution: int = 48
) -> list[np.ndarray]:
    """a^l over the grid for l = 1..L, each shaped (n_l, resolution, resolution) (row = y, column = x)."""
    if net.sizes[0] != 2:
        raise ValueError(f"a grid needs a network with 2 inputs, this one has {net.sizes[0]}")
    a = grid_inputs(xlim, ylim, resolution)
    out = [a.reshape(2, resolution, resolution)]
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for i, (b, w) in enumerate(zip(net.biases, net.weights)):
            a = net.layer_activation(i)(w @ a + b)
            out.append(a.reshape(len(b), resolution, resolution))
    return out
