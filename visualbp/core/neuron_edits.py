"""Choosing one neuron's activation f by hand, as a step of the engine's history (← undoes it), and keeping the
choices in a session file.

Chapter 2's exercise "backpropagation with a single modified neuron": replace σ by f at neuron j of layer l and
BP1/BP2 change only there, δ^l_j = (…) f'(z^l_j). ``set_activation`` makes the change like an edit of a weight
(``core.edits``): a record of kind ``Kind.EDIT`` with ``target`` 'f', a minibatch under way starting again (its
numbers came from the old f). A session file keeps ``neuron_activations`` ([l, j, name] each) in its ``extra``
and reopening applies them (``neuron_activations.apply_saved``), checked completely first (``check_triples``).
"""

from __future__ import annotations

from dataclasses import dataclass

from visualbp.core.activations import get_activation
from visualbp.core.edits import EditRecord
from visualbp.core.engine import Engine
from visualbp.core.steps import Kind

#: The key of a session's ``extra`` that holds the choices.
KEY = "neuron_activations"


@dataclass(frozen=True, eq=False)
class ActivationRecord(EditRecord):
    """Neuron j of layer l now uses ``new_f`` where it used ``old_f`` (activation names)."""

    old_f: str = ""
    new_f: str = ""
    L: int = 0  # the network's layers: l = L is the output, where BP1 (not BP2) uses f'

    @property
    def symbol(self) -> str:
        return f"f^{self.l}_{self.j + 1}"

    def revert(self, engine: Engine) -> None:
        """← : the neuron's activation as it was (the engine puts the weights back itself)."""
        engine.net.set_neuron_activation(self.l, self.j, self.old_f)

    def describe(self) -> str:
        """'edit: f of neuron 2, layer 3 ← tanh (was sigmoid) · minibatch 1 · epoch 1'."""
        return (f"edit: f of neuron {self.j + 1}, layer {self.l} ← {self.new_f} (was {self.old_f}) · "
                f"minibatch {self.batch + 1} · epoch {self.epoch + 1}")


def set_activation(engine: Engine, l: int, j: int, name: str) -> ActivationRecord:
    """Give neuron j (from 0) of layer l (2 … L) the activation ``name`` as one step of the history; ValueError
    naming the problem (no such neuron, an unknown name, a non-sigmoid output under cross-entropy, no change,
    a diverged run), and nothing changes."""
    net = engine.net
    act = get_activation(name)
    old = net.neuron_activation(l, j)
    if act == old:
        raise ValueError(f"neuron {j + 1} of layer {l} already uses {act.name}")
    if engine.divergence is not None:
        raise ValueError("the run diverged: step back (←) to the last finite state before editing")
    probe = net.copy()
    probe.set_neuron_activation(l, j, act)  # every refusal before anything changes

    def make(index: int, epoch: int, batch: int, m: int) -> ActivationRecord:
        return ActivationRecord(index, Kind.EDIT, l, epoch, batch, None, m, target="f", j=j, text=act.name,
                                old_f=old.name, new_f=act.name, L=net.num_layers)

    def apply() -> None:
        net.set_neuron_activation(l, j, act)

    return engine.take_edit(make, apply)
