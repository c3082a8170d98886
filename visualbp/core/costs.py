"""Cost functions, each beside the output error it gives for BP1.

``fn(a, y)`` is the cost summed over the examples given as columns (divide by
``n`` for the book's mean ``C``); ``grad_a(a, y)`` is ``∇_a C`` for one example
(column-wise for many); ``delta(z, a, y, activation)`` is BP1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from visualbp.core.activations import Activation

if TYPE_CHECKING:
    from visualbp.core.neuron_activations import Mixed


class QuadraticCost:
    """C_x = ½‖y − a^L‖²."""

    name = "quadratic"
    formula = "C = 1/2n Σ_x ‖y(x) − a^L(x)‖²"

    @staticmethod
    def fn(a: np.ndarray, y: np.ndarray) -> float:
        d = a - y
        return 0.5 * float(np.vdot(d, d))

    @staticmethod
    def grad_a(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∇_a C = a^L − y."""
        return a - y

    @staticmethod
    def delta(z: np.ndarray, a: np.ndarray, y: np.ndarray, activation: Activation | Mixed) -> np.ndarray:
        """BP1: δ^L = (a^L − y) ⊙ σ'(z^L)."""
        return (a - y) * activation.prime(z, a)

    @staticmethod
    def delta_into(out: np.ndarray, z: np.ndarray, a: np.ndarray, y: np.ndarray, activation: Activation | Mixed,
                   scratch: np.ndarray) -> None:
        """BP1 in place: out = (a^L − y) ⊙ σ'(z^L)."""
        np.subtract(a, y, out=out)
        activation.in_place[1](out, z, a, scratch)

    @staticmethod
    def delta_cost_into(out: np.ndarray, z: np.ndarray, a: np.ndarray, y: np.ndarray,
                        activation: Activation | Mixed, scratch: np.ndarray) -> float:
        """``delta_into`` that also returns the cost summed over the columns, ½‖a^L − y‖², from the a^L − y
        it computes anyway (the same number as ``fn``)."""
        np.subtract(a, y, out=out)
        cost = 0.5 * float(np.vdot(out, out))
        activation.in_place[1](out, z, a, scratch)
        return cost

    def __repr__(self) -> str:
        return "QuadraticCost()"


class CrossEntropyCost:
    """C_x = −Σ_j [y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)]; needs sigmoid outputs."""

    name = "cross-entropy"
    formula = "C = −1/n Σ_x Σ_j [y_j ln a^L_j + (1−y_j) ln(1−a^L_j)]"

    @staticmethod
    def fn(a: np.ndarray, y: np.ndarray) -> float:
        # A saturated output of exactly 0 or 1 would give ln 0; clip as the book's nan_to_num does.
        a = np.clip(a, 1e-300, 1.0 - 1e-16)
        return float(-np.sum(y * np.log(a) + (1.0 - y) * np.log1p(-a)))

    @staticmethod
    def grad_a(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∇_a C = (a − y) / (a(1 − a))."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return (a - y) / (a * (1.0 - a))

    @staticmethod
    def delta(z: np.ndarray, a: np.ndarray, y: np.ndarray, activation: Activation | Mixed) -> np.ndarray:
        """BP1 with sigmoid outputs: δ^L = ∇_a C ⊙ σ'(z^L) = a^L − y (σ' cancels)."""
        return a - y

    @staticmethod
    def delta_into(out: np.ndarray, z: np.ndarray, a: np.ndarray, y: np.ndarray, activation: Activation | Mixed,
                   scratch: np.ndarray) -> None:
        """BP1 in place with sigmoid outputs: out = a^L − y."""
        np.subtract(a, y, out=out)

    @classmethod
    def delta_cost_into(cls, out: np.ndarray, z: np.ndarray, a: np.ndarray, y: np.ndarray,
                        activation: Activation | Mixed, scratch: np.ndarray) -> float:
        """``delta_into`` that also returns ``fn(a, y)``, the cost summed over the columns."""
        cost = cls.fn(a, y)
        np.subtract(a, y, out=out)
        return cost

    def __repr__(self) -> str:
        return "CrossEntropyCost()"


COSTS = {c.name: c for c in (QuadraticCost(), CrossEntropyCost())}
_ALIASES = {"quadratic": "quadratic", "mse": "quadratic", "cross-entropy": "cross-entropy",
            "cross_entropy": "cross-entropy", "crossentropy": "cross-entropy"}


def get_cost(name: str | QuadraticCost | CrossEntropyCost) -> QuadraticCost | CrossEntropyCost:
    """Look a cost up by name; a ValueError lists the valid names."""
    if isinstance(name, (QuadraticCost, CrossEntropyCost)):
        return name
    key = _ALIASES.get(str(name).strip().lower())
    if key is None:
        raise ValueError(f"unknown cost {name!r}: choose one of {', '.join(COSTS)}")
    return COSTS[key]
