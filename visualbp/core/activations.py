"""Activation functions, each written right beside its derivative.

``prime(z, a)`` takes both ``z`` and ``a = f(z)`` because for sigmoid and tanh the
derivative is cheapest from ``a`` (σ'(z) = σ(z)(1 − σ(z))) and for ReLU from ``z``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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


@dataclass(frozen=True)
class Activation:
    """A named activation ``f`` with its derivative and the range of its outputs."""

    name: str
    symbol: str
    fn: Callable[[np.ndarray], np.ndarray]
    prime: Callable[..., np.ndarray]
    low: float
    high: float

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.fn(z)

    @property
    def in_unit_interval(self) -> bool:
        """True when every output lies strictly inside (0, 1), as cross-entropy needs."""
        return self.low >= 0.0 and self.high <= 1.0 and self.name == "sigmoid"

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


SIGMOID = Activation("sigmoid", "σ", sigmoid, sigmoid_prime, 0.0, 1.0)
TANH = Activation("tanh", "tanh", tanh, tanh_prime, -1.0, 1.0)
RELU = Activation("relu", "ReLU", relu, relu_prime, 0.0, float("inf"))

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (SIGMOID, TANH, RELU)}


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
