"""Activations per neuron: a layer whose neurons j use their own f_j (chapter 2's exercise "backpropagation
with a single modified neuron").

``Mixed`` is a layer's activation when some of its neurons differ from the layer's default: it quacks like an
``Activation`` (``fn``, ``prime``, ``in_place``, ``low``, ``high``, ``max_prime``) by applying each neuron's f to
its own row of z, so the feedforward a^l_j = f_j(z^l_j), BP1 δ^L_j = ∂C/∂a^L_j f_j'(z^L_j) and BP2
δ^l_j = ((w^(l+1))^T δ^(l+1))_j f_j'(z^l_j) need no special case anywhere (the kernel, the step engine, the
gradient check, the paths). Rows are axis 0: z is (n_l,) or (n_l, m).

A network's choices are written as ``[l, j, name]`` triples (the book's layer l = 2 … L, neuron j from 0):
what a session file keeps and a lesson names; ``check_triples`` validates them completely first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from visualbp.core.activations import ACTIVATIONS, Activation

#: Most per-neuron choices a session file or a lesson may hold.
MAX_NEURON_ACTIVATIONS = 10_000


class Mixed:
    """The activation of a layer whose neurons ``overrides`` {j: Activation} differ from ``default``."""

    name = "mixed"
    symbol = "f"  # the layer's equation says f; each neuron's numbers write its own f_j

    def __init__(self, default: Activation, overrides: Mapping[int, Activation]) -> None:
        self.default = default
        self.overrides = dict(sorted(overrides.items()))
        groups: dict[Activation, list[int]] = {}
        for j, act in self.overrides.items():
            groups.setdefault(act, []).append(j)
        self._groups = [(act, np.array(rows, dtype=np.intp)) for act, rows in groups.items()]
        acts = [default, *groups]
        self.low = min(a.low for a in acts)
        self.high = max(a.high for a in acts)
        self.max_prime = max(a.max_prime for a in acts)
        self.in_place = (self._fn_into, self._times_prime)

    def of(self, j: int) -> Activation:
        """Neuron j's own activation."""
        return self.overrides.get(j, self.default)

    @property
    def in_unit_interval(self) -> bool:
        return False

    def fn(self, z: np.ndarray) -> np.ndarray:
        """a_j = f_j(z_j), row by row."""
        out = np.array(self.default.fn(z), dtype=float, copy=True)
        for act, rows in self._groups:
            out[rows] = act.fn(z[rows])
        return out

    __call__ = fn

    def prime(self, z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
        """f_j'(z_j), row by row (``a`` = f(z), as ``fn`` gives it)."""
        if a is None:
            a = self.fn(z)
        out = np.array(self.default.prime(z, a), dtype=float, copy=True)
        for act, rows in self._groups:
            out[rows] = act.prime(z[rows], a[rows])
        return out

    def _fn_into(self, z: np.ndarray, out: np.ndarray, scratch: np.ndarray) -> None:
        self.default.in_place[0](z, out, scratch)
        for act, rows in self._groups:
            out[rows] = act.fn(z[rows])

    def _times_prime(self, e: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray) -> None:
        """e ⊙= f'(z): the default's in place, then each changed row from the e it had before."""
        kept = [(rows, e[rows]) for _, rows in self._groups]  # fancy indexing: copies
        self.default.in_place[1](e, z, a, scratch)
        for (act, rows), (_, e_rows) in zip(self._groups, kept):
            e[rows] = e_rows * act.prime(z[rows], a[rows])

    def max_prime_rows(self, n: int) -> np.ndarray:
        """Each of the layer's ``n`` neurons' largest f'(z): what its saturation is measured against."""
        out = np.full(n, self.default.max_prime)
        for act, rows in self._groups:
            out[rows[rows < n]] = act.max_prime
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mixed) and other.default == self.default and other.overrides == self.overrides

    def __hash__(self) -> int:
        return hash((self.default, tuple(self.overrides.items())))

    def __repr__(self) -> str:
        changed = ", ".join(f"{j}: {a.name}" for j, a in self.overrides.items())
        return f"Mixed({self.default.name!r}, {{{changed}}})"


def row_max_prime(act: Activation | Mixed, n: int) -> np.ndarray:
    """The largest f'(z) of each of a layer's ``n`` neurons (σ': 1/4, tanh' and ReLU': 1), shape (n,)."""
    return act.max_prime_rows(n) if isinstance(act, Mixed) else np.full(n, act.max_prime)


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def check_triples(raw: Any, sizes: Sequence[int], cost: str,
                  layer_default: Callable[[int], Activation] | None = None) -> list[tuple[int, int, str]]:
    """``[[l, j, name], …]`` checked completely (types, l = 2 … L, j in the layer, a known name, no neuron
    twice, sigmoid outputs under the cross-entropy cost) → sorted triples; ValueError naming the first bad
    entry. ``layer_default(l)``, when given, drops entries equal to their layer's own activation."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_NEURON_ACTIVATIONS:
        raise ValueError(f"neuron_activations must be a list of at most {MAX_NEURON_ACTIVATIONS:,} "
                         "[l, j, activation] entries")
    L = len(sizes)
    seen: set[tuple[int, int]] = set()
    out = []
    for i, e in enumerate(raw):
        if not (isinstance(e, (list, tuple)) and len(e) == 3 and _is_int(e[0]) and _is_int(e[1])
                and isinstance(e[2], str)):
            raise ValueError(f"neuron_activations[{i}] must be [l, j, activation]")
        l, j, name = int(e[0]), int(e[1]), e[2]
        if not 2 <= l <= L:
            raise ValueError(f"neuron_activations[{i}]: layer {l} has no activation (l runs 2 … {L})")
        if not 0 <= j < sizes[l - 1]:
            raise ValueError(f"neuron_activations[{i}]: layer {l} has {sizes[l - 1]} neurons, so j = 0 … "
                             f"{sizes[l - 1] - 1}, got {j}")
        if name not in ACTIVATIONS:
            raise ValueError(f"neuron_activations[{i}]: unknown activation {name[:40]!r}: choose one of "
                             f"{', '.join(ACTIVATIONS)}")
        if (l, j) in seen:
            raise ValueError(f"neuron_activations[{i}]: neuron j={j} of layer {l} is named twice")
        seen.add((l, j))
        check_output(l, L, name, cost)
        if layer_default is None or ACTIVATIONS[name] != layer_default(l):
            out.append((l, j, name))
    return sorted(out)


def check_output(l: int, L: int, name: str, cost: str) -> None:
    """The cross-entropy cost needs sigmoid outputs (its BP1 δ = a − y is σ' cancelling): refuse anything else."""
    if l == L and cost == "cross-entropy" and name != "sigmoid":
        raise ValueError(f"the cross-entropy cost needs outputs in (0, 1), so the output neurons stay sigmoid: "
                         f"choose the quadratic cost to give an output neuron {name}")


def kept_on_rebuild(neurons: Sequence[tuple[int, int, str]], old_sizes: Sequence[int], new_sizes: Sequence[int],
                    cost: str) -> tuple[list[tuple[int, int, str]], str]:
    """The neurons' own activations (l, j, name) a rebuild with other settings keeps, and why the rest go back
    to their layer's f: all do when the layers change (neuron j of layer l is another neuron then); under the
    cross-entropy cost the output neurons stay sigmoid."""
    if not neurons:
        return [], ""
    if tuple(new_sizes) != tuple(old_sizes):
        return [], "the layers changed"
    L = len(new_sizes)
    kept = [(l, j, name) for l, j, name in neurons if not (l == L and cost == "cross-entropy" and name != "sigmoid")]
    return kept, "" if len(kept) == len(neurons) else "the cross-entropy cost keeps the outputs sigmoid"


# ----------------------------------------------------------------- in a session file, in a lesson
#: The key of a session's ``extra`` (and of a lesson) that holds the choices.
KEY = "neuron_activations"


def saved(net: Any) -> list[list]:
    """A network's per-neuron activations as a session file keeps them: [[l, j, name], …]."""
    return [[l, j, name] for l, j, name in net.neuron_activations]


def apply_saved(net: Any, raw: object) -> None:
    """Give ``net`` the per-neuron activations ``raw`` ([[l, j, name], …]), checked completely before anything
    changes; ValueError names the first bad entry."""
    for l, j, name in check_triples(raw, net.sizes, net.cost.name):
        net.set_neuron_activation(l, j, name)
