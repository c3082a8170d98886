"""Activation functions, each written right beside its derivative.

``prime(z, a)`` takes both ``z`` and ``a = f(z)`` because for sigmoid and tanh the
derivative is cheapest from ``a`` (σ'(z) = σ(z)(1 − σ(z))) and for ReLU from ``z``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{−z}), without overflow warnings for very negative z."""
    t = np.negative(z)
    np.minimum(t, 700.0, out=t)  # e^700 is finite; σ(−700) is 0 to double precision anyway
    np.exp(t, out=t)
    t += 1.0
    return np.reciprocal(t, out=t)


def sigmoid_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """σ'(z) = σ(z)(1 − σ(z))."""
    if a is None:
        a = sigmoid(z)
    t = 1.0 - a
    t *= a
    return t


def tanh(z: np.ndarray) -> np.ndarray:
    """tanh(z)."""
    return np.tanh(z)


def tanh_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """tanh'(z) = 1 − tanh²(z)."""
    if a is None:
        a = np.tanh(z)
    return 1.0 - a * a


def relu(z: np.ndarray) -> np.ndarray:
    """ReLU(z) = max(0, z)."""
    return np.maximum(z, 0.0)


def relu_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """ReLU'(z) = 1 for z > 0, else 0 (0 at the kink)."""
    return (z > 0.0).astype(z.dtype)


def linear(z: np.ndarray) -> np.ndarray:
    """f(z) = z: a linear neuron (chapter 2's exercise "backpropagation with linear neurons")."""
    return np.array(z, dtype=float, copy=True)


def linear_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """f'(z) = 1."""
    return np.ones_like(z, dtype=float)


# In place, for the minibatch kernel (visualbp.core.fastpath): ``f(z, out, scratch)`` writes f(z) into
# ``out``; ``times_f'(e, z, a, scratch)`` multiplies ``e`` by f'(z) (a = f(z)). ``scratch`` is z's shape.
def sigmoid_into(z: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> None:
    """σ(z) = 1 / (1 + e^{−z}); e^{−z} = inf for z < −709 gives 0 (call under errstate(over="ignore"))."""
    np.negative(z, out=scratch)
    np.exp(scratch, out=scratch)
    scratch += 1.0
    np.reciprocal(scratch, out=out)


def times_sigmoid_prime(e: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
    """e ⊙ σ'(z) with σ' = a(1 − a)."""
    e *= a
    np.subtract(1.0, a, out=scratch)
    e *= scratch


def tanh_into(z: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> None:
    np.tanh(z, out=out)


def times_tanh_prime(e: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
    """e ⊙ (1 − a²)."""
    np.multiply(a, a, out=scratch)
    np.subtract(1.0, scratch, out=scratch)
    e *= scratch


def relu_into(z: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> None:
    np.maximum(z, 0.0, out=out)


def times_relu_prime(e: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
    """e ⊙ [z > 0]."""
    np.greater(z, 0.0, out=scratch)
    e *= scratch


def linear_into(z: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> None:
    np.copyto(out, z)


def times_linear_prime(e: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
    """e ⊙ 1: nothing to do."""


def softplus(z: np.ndarray) -> np.ndarray:
    """softplus(z) = ln(1 + e^z), exact for every z (``np.logaddexp``): a smooth ReLU."""
    return np.logaddexp(0.0, z)


def softplus_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """softplus'(z) = σ(z)."""
    return sigmoid(np.asarray(z, dtype=float))


#: The slope of a leaky ReLU for z ≤ 0.
LEAK = 0.01


def leaky_relu(z: np.ndarray) -> np.ndarray:
    """leaky ReLU(z) = z for z > 0, else 0.01 z: a ReLU whose neurons never quite die."""
    return np.where(z > 0.0, z, LEAK * z)


def leaky_relu_prime(z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
    """leaky ReLU'(z) = 1 for z > 0, else 0.01 (0.01 at the kink)."""
    return np.where(z > 0.0, 1.0, LEAK)


@dataclass(frozen=True)
class Activation:
    """A named activation ``f`` with its derivative and the range of its outputs."""

    name: str
    symbol: str
    fn: Callable[[np.ndarray], np.ndarray]
    prime: Callable[..., np.ndarray]
    low: float
    high: float
    fn_into: Callable[..., None] | None = None  # f(z, out, scratch), in place
    times_prime: Callable[..., None] | None = None  # e *= f'(z), given (e, z, a, scratch)
    max_prime: float = 1.0  # the largest f'(z) (σ': 1/4 at z = 0): what "saturated" is measured against

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.fn(z)

    @cached_property
    def in_place(self) -> tuple[Callable[..., None], Callable[..., None]]:
        """``(f into out, e ⊙= f')`` for the minibatch kernel; through ``fn``/``prime`` when not given."""
        fn, prime = self.fn, self.prime

        def fn_into(z: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> None:
            np.copyto(out, fn(z))

        def times_prime(e: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
            e *= prime(z, a)

        return self.fn_into or fn_into, self.times_prime or times_prime

    @property
    def in_unit_interval(self) -> bool:
        """True when every output lies strictly inside (0, 1), as cross-entropy needs."""
        return self.low >= 0.0 and self.high <= 1.0 and self.name == "sigmoid"

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


SIGMOID = Activation("sigmoid", "σ", sigmoid, sigmoid_prime, 0.0, 1.0, sigmoid_into, times_sigmoid_prime, 0.25)
TANH = Activation("tanh", "tanh", tanh, tanh_prime, -1.0, 1.0, tanh_into, times_tanh_prime)
RELU = Activation("relu", "ReLU", relu, relu_prime, 0.0, float("inf"), relu_into, times_relu_prime)

LINEAR = Activation("linear", "id", linear, linear_prime, float("-inf"), float("inf"), linear_into,
                    times_linear_prime)

SOFTPLUS = Activation("softplus", "softplus", softplus, softplus_prime, 0.0, float("inf"))
LEAKY_RELU = Activation("leaky-relu", "LReLU", leaky_relu, leaky_relu_prime, float("-inf"), float("inf"))

#: The fixed set a layer or a single neuron can use (no code typed by the user).
ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (SIGMOID, TANH, RELU, LINEAR, SOFTPLUS, LEAKY_RELU)}


def get_activation(name: str | Activation) -> Activation:
    """Look an activation up by name; a ValueError lists the valid names."""
    if isinstance(name, Activation):
        return name
    key = str(name).strip().lower()
    if key not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}"
        )
    return ACTIVATIONS[key]
