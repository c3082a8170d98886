"""One input plane for 2-D data: square, fitted to the data with a small margin, and what GridProbe probes."""

from __future__ import annotations

import numpy as np
import pytest

from visualbp.core.datasets import load
from visualbp.core.network import Network
from visualbp.core.probe import PLANE_MARGIN, GridProbe, activations_on_grid, input_plane, square_plane


@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spiral"])
def test_input_plane_is_a_square_around_the_data_with_a_small_margin(name):
    X = load(name, noise=0.05).X_train
    (x0, x1), (y0, y1) = input_plane(X)
    assert x1 - x0 == pytest.approx(y1 - y0)  # x1 and x2 at one scale
    lo, hi = X.min(axis=0), X.max(axis=0)
    assert x0 < lo[0] and hi[0] < x1 and y0 < lo[1] and hi[1] < y1
    longest = float(max(hi - lo))
    assert x1 - x0 == pytest.approx((1 + 2 * PLANE_MARGIN) * longest)  # tight: not −4…4 for data within ±1.2
    assert (x0 + x1) / 2 == pytest.approx((lo[0] + hi[0]) / 2) and (y0 + y1) / 2 == pytest.approx((lo[1] + hi[1]) / 2)


def test_grid_probe_squares_the_plane_it_is_given_and_says_which():
    net = Network([2, 3, 2], seed=1)
    X = load("moons").X_train
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = PLANE_MARGIN * (hi - lo)
    box = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))  # what the graph passes
    probe = GridProbe(net, box[0], box[1], 8)
    np.testing.assert_allclose((probe.xlim, probe.ylim), input_plane(X))  # the same plane as the boundary's home
    probe.run()
    xs = np.linspace(*probe.xlim, 8)
    ys = np.linspace(*probe.ylim, 8)
    a = probe.result()[-1]
    x = np.array([[xs[5]], [ys[2]]])
    np.testing.assert_allclose(a[:, 2, 5], net.feedforward(x).ravel(), atol=1e-12)  # row = x2, column = x1
    flat = GridProbe(net, box[0], box[1], 8, square=False)
    np.testing.assert_allclose((flat.xlim, flat.ylim), box)
    assert square_plane(*square_plane(*box)) == square_plane(*box)


def test_activations_on_grid_uses_the_same_square_plane():
    net = Network([2, 4, 2], seed=2)
    box = ((-1.0, 3.0), (0.0, 1.0))
    a = activations_on_grid(net, box[0], box[1], 6)[-1]
    probe = GridProbe(net, box[0], box[1], 6)
    probe.run()
    np.testing.assert_allclose(a, probe.result()[-1])
    assert probe.ylim == pytest.approx((-1.5, 2.5))
