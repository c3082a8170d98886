"""Cards: the graph's hover texts and the neuron card's rows, formatted from the core's readouts.

``neuron_text(session, l, j)`` and ``edge_text(session, l, j, k, dw)`` are the hover cards of a neuron and
of a weight w^l_jk (array indices, shown from 1); ``neuron_rows`` are the neuron card's (label, value,
note) rows. Every number comes from ``visualbp.core.readout`` (``neuron_readout``, ``edge_readout``);
labels are markup in ``visualbp.gui.notation``'s language (``w^3_24``), numbers ``notation.number``.
"""

from __future__ import annotations

from visualbp.core.readout import EdgeReadout, NeuronReadout, Source, edge_readout, neuron_readout
from visualbp.gui.notation import number, shown, sym


def _prime(r: NeuronReadout) -> str:
    """σ' for sigmoid, tanh' and ReLU' otherwise."""
    return "σ'" if r.f_name == "sigmoid" else f"{r.f}'"


_BP3_NOTE = {Source.EXAMPLE: "BP3, this example", Source.DELTA: "BP3: = δ, this example",
             Source.MINIBATCH: "BP3, mean over the last minibatch"}


def neuron_rows(r: NeuronReadout) -> list[tuple[str, float | None, str]]:
    """(label in markup, value or None, note) for each quantity of the neuron: z, a, f'(z), δ, b, ∂C/∂b."""
    l, j = r.l, r.j
    if l == 1:
        return [(sym("a", 1, j), r.a, f"= x_{shown(j)}, the input")]
    return [
        (sym("z", l, j), r.z, "weighted input"),
        (sym("a", l, j), r.a, f"{r.f}(z), activation"),
        (f"{_prime(r)}({sym('z', l, j)})", r.fp, ""),
        (sym("δ", l, j), r.delta, "BP1" if l == r.L else "BP2"),
        (sym("b", l, j), r.b, "bias"),
        (f"∂C/∂{sym('b', l, j)}", r.nabla_b, _BP3_NOTE[r.source] if r.source is not None else "BP3"),
    ]


def neuron_card(r: NeuronReadout) -> str:
    """A neuron's hover text: every known quantity, '—' for what is not known yet."""
    lines = [f"neuron j={shown(r.j)} of layer l={r.l} ({r.role})"]
    for label, value, note in neuron_rows(r):
        lines.append(f"{label} = {number(value)}" + (f"   ({note})" if note and value is not None else ""))
    return "\n".join(lines)


def edge_card(r: EdgeReadout, dw: float | None = None) -> str:
    """A weight's hover text: its value and ∂C/∂w^l_jk = a^(l−1)_k δ^l_j (BP4) with numbers; ``dw`` is
    its last change, as the graph colours it."""
    l, j, k = r.l, r.j, r.k
    name = sym("w", l, j, k)
    lines = [f"{name} = {number(r.w)}",
             f"from neuron k={shown(k)} of layer {l - 1} to neuron j={shown(j)} of layer {l}"]
    if r.source is Source.EXAMPLE:
        lines.append(f"∂C/∂{name} = {sym('a', l - 1, k)} {sym('δ', l, j)} = ({number(r.a_k)})({number(r.delta_j)}) "
                     f"= {number(r.nabla_w)}   (BP4, this example)")
    elif r.source is Source.MINIBATCH:
        lines.append(f"∂C/∂{name} = {number(r.nabla_w)}   (BP4, mean over the last minibatch)")
    else:
        lines.append(f"∂C/∂{name}: not known yet — step through backpropagation (BP4)")
    if dw is not None and dw != 0.0:
        lines.append(f"last change Δ{name} = {number(dw)}")
    return "\n".join(lines)


def neuron_text(session, l: int, j: int) -> str:
    """The hover card of neuron j (array index; shown from 1) of layer l at the engine's position."""
    return neuron_card(neuron_readout(session.engine, l, j))


def edge_text(session, l: int, j: int, k: int, dw: float | None = None) -> str:
    """The hover card of weight w^l_jk (array indices; shown from 1) at the engine's position."""
    return edge_card(edge_readout(session.engine, l, j, k), dw)
