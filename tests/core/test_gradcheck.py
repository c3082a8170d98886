"""gradient_check: no false alarm on saturated cross-entropy outputs, and still catches a wrong backprop."""

import numpy as np
import pytest

from visualbp.core import Network, gradient_check
from visualbp.core.activations import Activation, sigmoid
from visualbp.core.gradcheck import numeric_gradient, output_z, stable_cost


def saturated(cost: str, right: bool) -> tuple[Network, np.ndarray, np.ndarray]:
    """A [3, 4, 2] sigmoid net whose output z is about ±60: σ(z) is 1 − 1e-26, which rounds to 1."""
    net = Network([3, 4, 2], cost=cost, seed=3)
    net.biases[-1] = np.array([[60.0], [-60.0]])
    x = np.array([[0.3], [-0.2], [0.5]])
    y = np.array([[1.0], [0.0]]) if right else np.array([[0.0], [1.0]])
    return net, x, y


@pytest.mark.parametrize("right", [True, False])
@pytest.mark.parametrize("cost", ["cross-entropy", "quadratic"])
def test_no_false_alarm_when_outputs_saturate(cost, right):
    net, x, y = saturated(cost, right)
    assert net.feedforward(x)[0, 0] == 1.0  # really saturated: 1 − a is 0 in double precision
    assert max(gradient_check(net, x, y)) < 1e-6


def test_saturated_wrong_output_has_the_gradient_backprop_gives():
    """The old check read ∂C/∂b^L_1 = 0 here (ln(1 − a) clipped); the true value is a − y = 1."""
    net, x, y = saturated("cross-entropy", right=False)
    nabla_b, _ = numeric_gradient(net, x, y)
    assert nabla_b[-1][0, 0] == pytest.approx(1.0, abs=1e-6)
    assert nabla_b[-1][1, 0] == pytest.approx(-1.0, abs=1e-6)
    z = output_z(net, x).ravel()
    assert z[0] > 40 and z[1] < -40
    assert stable_cost(net, x, y) == pytest.approx(z[0] - z[1], rel=1e-14)  # softplus(t) = t + e^(−t) for t ≫ 1


def test_still_catches_a_planted_bug_in_a_saturated_net():
    """A hidden σ' off by 10 % (BP2 wrong) is reported in the hidden layer, even with saturated outputs."""
    wrong = Activation("sigmoid", "σ", sigmoid, lambda z, a=None: 1.1 * sigmoid(z) * (1 - sigmoid(z)), 0.0, 1.0)
    net = Network([3, 4, 2], activation=wrong, cost="cross-entropy", seed=3)
    net.biases[-1] = np.array([[60.0], [-60.0]])
    x = np.array([[0.3], [-0.2], [0.5]])
    errors = gradient_check(net, x, np.array([[0.0], [1.0]]))
    assert errors[0] > 0.02  # the hidden layer's gradient is 10 % off
    assert errors[1] < 1e-6  # the output layer's is right


def test_floor_does_not_hide_a_bug_in_a_small_gradient():
    """A gradient of 1e-6 is far above the differences' resolution: scaling it by 2 is caught."""
    net = Network([2, 2], cost="quadratic", seed=1)
    x, y = np.array([[1e-3], [2e-3]]), np.array([[0.5], [0.5]])
    net.weights[0][:] = 0.0
    net.biases[0][:] = 1e-5  # a ≈ 0.5: ∂C/∂w ≈ (a − y) σ' x ≈ 1e-6 · 0.25 · 1e-3
    good = gradient_check(net, x, y)
    real = net.backprop
    net.backprop = lambda x_, y_: tuple([2 * g for g in gs] for gs in real(x_, y_))
    assert max(good) < 1e-4
    assert max(gradient_check(net, x, y)) > 0.3
