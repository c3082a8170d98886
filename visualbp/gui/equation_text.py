"""The equation panel's texts, formatted from a readout (``visualbp.core.readout``): no arithmetic here.

Qt-free: every function takes a :class:`~visualbp.core.readout.Readout` (or a step kind) and returns
markup (``visualbp.gui.notation``): the step's equation with its layer number, the same equation for one
neuron or weight with every number, the line saying which one and why, and the panel's title.
"""

from __future__ import annotations

from collections.abc import Callable

from visualbp.core.readout import Choice, Readout, Why
from visualbp.core.steps import Kind
from visualbp.gui.notation import equation_number as num
from visualbp.gui.notation import indices, shown, signed_term

#: The side list, in the book's order: key, title, general equation (markup).
SIDE_EQUATIONS: tuple[tuple[str, str, str], ...] = (
    ("feedforward", "feedforward", "a^{l} = σ(w^{l}a^{l−1} + b^{l})"),
    ("BP1", "BP1", "δ^{L} = ∇_{a}C ⊙ σ'(z^{L})"),
    ("BP2", "BP2", "δ^{l} = ((w^{l+1})^{T}δ^{l+1}) ⊙ σ'(z^{l})"),
    ("BP3", "BP3", "∂C/∂b^{l}_{j} = δ^{l}_{j}"),
    ("BP4", "BP4", "∂C/∂w^{l}_{jk} = a^{l−1}_{k}δ^{l}_{j}"),
    ("update", "update", "w^{l} → w^{l} − η/m Σ_{x}δ^{x,l}(a^{x,l−1})^{T}"),
)

#: What ``EquationPanel.active_equation()`` returns for each kind of step.
ACTIVE_NAME: dict[Kind, str] = {
    Kind.INPUT: "input", Kind.FEEDFORWARD: "feedforward", Kind.OUTPUT_ERROR: "BP1", Kind.BACKPROP_ERROR: "BP2",
    Kind.GRADIENT_B: "BP3", Kind.GRADIENT_W: "BP4", Kind.UPDATE: "update", Kind.BATCH: "minibatch",
}

# Which rows of the side list light up for each kind: a¹ = x starts the feedforward; a whole
# minibatch taken in one matrix pass applies all of them.
ROWS_OF: dict[Kind, tuple[str, ...]] = {
    Kind.INPUT: ("feedforward",), Kind.FEEDFORWARD: ("feedforward",), Kind.OUTPUT_ERROR: ("BP1",),
    Kind.BACKPROP_ERROR: ("BP2",), Kind.GRADIENT_B: ("BP3",), Kind.GRADIENT_W: ("BP4",), Kind.UPDATE: ("update",),
    Kind.BATCH: tuple(key for key, _, _ in SIDE_EQUATIONS),
}

_TITLE: dict[Kind, str] = {
    Kind.INPUT: "input",
    Kind.FEEDFORWARD: "feedforward",
    Kind.OUTPUT_ERROR: "BP1 · the error in the output layer",
    Kind.BACKPROP_ERROR: "BP2 · the error moves backward",
    Kind.GRADIENT_B: "BP3 · the gradient of the biases",
    Kind.GRADIENT_W: "BP4 · the gradient of the weights",
    Kind.UPDATE: "gradient descent · the update",
    Kind.BATCH: "a whole minibatch · matrix form",
}


def title(r: Readout) -> str:
    """'BP2 · the error moves backward · layer l = 2 · example 3 of 10'."""
    text = _TITLE[r.kind]
    text += f" · layer l = {r.l}" if r.kind is not Kind.BATCH else f" · l = 2…{r.L}, one column of A, Z, Δ per example"
    if r.example is not None:
        text += f" · example {r.example + 1} of {r.batch_size}"
    return text


# --------------------------------------------------------------------------- the general equation

def feedforward_equation(l: int, f: str) -> str:
    """a^l = f(w^l a^(l−1) + b^l) = f(z^l) at layer ``l`` with activation symbol ``f``."""
    return f"a^{{{l}}} = {f}(w^{{{l}}}a^{{{l - 1}}} + b^{{{l}}}) = {f}(z^{{{l}}})"


def equation(r: Readout) -> str:
    """The record's equation with its layer number in place of l and the network's real activation (a layer
    whose neurons differ writes f, and a second line says which neuron uses which)."""
    text = _equation(r)
    if r.f_note and r.kind in (Kind.FEEDFORWARD, Kind.OUTPUT_ERROR, Kind.BACKPROP_ERROR):
        text += f"\n~{{f per neuron: {r.f_note}}}"
    elif r.f_note and r.kind is Kind.BATCH:  # f applied row by row: some neurons use their own
        text += f"\n~{{neurons with their own f: {r.f_note}}}"
    return text


def _equation(r: Readout) -> str:
    kind, l, L, f = r.kind, r.l, r.L, r.f
    decay = "(1 − ηλ/n)" if r.lmbda else ""
    if kind is Kind.INPUT:
        return "a^{1} = x"
    if kind is Kind.FEEDFORWARD:
        return feedforward_equation(l, f)
    if kind is Kind.OUTPUT_ERROR:
        if r.cost == "cross-entropy":
            return f"δ^{{{l}}} = ∇_{{a}}C ⊙ {f}'(z^{{{l}}}) = a^{{{l}}} − y"
        return f"δ^{{{l}}} = ∇_{{a}}C ⊙ {f}'(z^{{{l}}}) = (a^{{{l}}} − y) ⊙ {f}'(z^{{{l}}})"
    if kind is Kind.BACKPROP_ERROR:
        return f"δ^{{{l}}} = ((w^{{{l + 1}}})^{{T}}δ^{{{l + 1}}}) ⊙ {f}'(z^{{{l}}})"
    if kind is Kind.GRADIENT_B:
        return f"∂C/∂b^{{{l}}}_{{j}} = δ^{{{l}}}_{{j}}"
    if kind is Kind.GRADIENT_W:
        return f"∂C/∂w^{{{l}}}_{{jk}} = a^{{{l - 1}}}_{{k}}δ^{{{l}}}_{{j}}"
    if kind is Kind.UPDATE:
        return (f"w^{{{l}}} → {decay}w^{{{l}}} − η/m Σ_{{x}}δ^{{x,{l}}}(a^{{x,{l - 1}}})^{{T}}\n"
                f"b^{{{l}}} → b^{{{l}}} − η/m Σ_{{x}}δ^{{x,{l}}}")
    # BATCH: the whole minibatch by the matrix form, one column per example, in the network's activations
    fh, fo = r.f_hidden, r.f_output
    forward = f"A^{{l}} = {fh}(w^{{l}}A^{{l−1}} + b^{{l}})"
    if fo != fh:
        forward += f" ({fo} at l = {L})"
    error = ("Δ^{L} = A^{L} − Y" if r.cost == "cross-entropy" else f"Δ^{{{L}}} = ∇_{{A}}C ⊙ {fo}'(Z^{{{L}}})")
    return (f"A^{{1}} = X,   {forward}\n"
            f"{error},   Δ^{{l}} = ((w^{{l+1}})^{{T}}Δ^{{l+1}}) ⊙ {fh}'(Z^{{l}})\n"
            f"w^{{l}} → {decay}w^{{l}} − η/m Δ^{{l}}(A^{{l−1}})^{{T}},   "
            f"b^{{l}} → b^{{l}} − η/m Σ_{{x}}Δ^{{l}}_{{x}}")


# --------------------------------------------------------------------------- one neuron's numbers

def _weight_k(c: Choice) -> int:
    """k of the weight w^l_jk a readout chose."""
    if c.k is None:
        raise ValueError(f"the readout chose neuron j={c.j + 1} of layer {c.l}, not a weight")
    return c.k


def _f(r: Readout) -> str:
    """The activation the readout's neuron uses: its own (a layer may mix them), else the layer's."""
    return r.f_j or r.f


def numbers(r: Readout) -> str:
    """The equation for the readout's neuron or weight with every number plugged in (markup)."""
    kind, l, v, c = r.kind, r.l, r.values, r.choice
    if kind is Kind.BATCH:
        return _batch_numbers(r)
    if c is None:
        raise ValueError(f"a {kind.value} readout names its neuron or weight")
    J = indices(c.j)
    if kind is Kind.INPUT:
        text = f"a^{{1}}_{{{J}}} = x_{{{J}}} = *{{{num(v['x'])}}}"
        if r.x:
            text += "\na^{1} = x = (" + ", ".join(num(x) for x in r.x) + ")"
            if r.y:
                text += ",   y = (" + ", ".join(num(y) for y in r.y) + ")"
        return text
    if kind is Kind.FEEDFORWARD:
        jk = indices(c.j, "k")
        text = f"z^{{{l}}}_{{{J}}} = Σ_{{k}} w^{{{l}}}_{{{jk}}} a^{{{l - 1}}}_{{k}} + b^{{{l}}}_{{{J}}} = "
        if r.terms:
            text += " + ".join(f"({num(w)})({num(a)})" for w, a in r.terms) + f" {signed_term(v['b'])} = "
        else:
            text += f"{num(v['wa'])} {signed_term(v['b'])} = "
        text += f"{num(v['z'])}\na^{{{l}}}_{{{J}}} = {_f(r)}({num(v['z'])}) = *{{{num(v['a'])}}}"
        if "cost" in v:
            text += f",   C_{{x}} = {num(v['cost'])}"
        return text
    if kind is Kind.OUTPUT_ERROR:
        if r.cost == "cross-entropy":
            return (f"δ^{{{l}}}_{{{J}}} = a^{{{l}}}_{{{J}}} − y_{{{J}}} = {num(v['a'])} − {num(v['y'])} = "
                    f"*{{{num(v['delta'])}}}    ~{{({_f(r)}' cancels)}}")
        return (f"δ^{{{l}}}_{{{J}}} = (a^{{{l}}}_{{{J}}} − y_{{{J}}}) · {_f(r)}'(z^{{{l}}}_{{{J}}}) = "
                f"({num(v['a'])} − {num(v['y'])}) · {num(v['fp'])} = *{{{num(v['delta'])}}}")
    if kind is Kind.BACKPROP_ERROR:
        return (f"δ^{{{l}}}_{{{J}}} = (Σ_{{k}} w^{{{l + 1}}}_{{{indices('k', c.j)}}} δ^{{{l + 1}}}_{{k}}) · "
                f"{_f(r)}'(z^{{{l}}}_{{{J}}}) = ({num(v['wd'])}) · {num(v['fp'])} = *{{{num(v['delta'])}}}")
    if kind is Kind.GRADIENT_B:
        text = f"∂C/∂b^{{{l}}}_{{{J}}} = δ^{{{l}}}_{{{J}}} = *{{{num(v['nabla_b'])}}}"
        if r.batch_size > 1:
            text += (f"\n~{{summed over the minibatch so far ({r.examples} of {r.batch_size}): "
                     f"Σ_{{x}} ∂C_{{x}}/∂b^{{{l}}}_{{{J}}} = {num(v['sum_b'])}}}")
        return text
    k = _weight_k(c)
    JK = indices(c.j, k)
    if kind is Kind.GRADIENT_W:
        text = f"∂C/∂w^{{{l}}}_{{{JK}}} = a^{{{l - 1}}}_{{{indices(k)}}} δ^{{{l}}}_{{{J}}} = "
        if "a_k" in v and "delta_j" in v:
            text += f"({num(v['a_k'])})({num(v['delta_j'])}) = "
        text += f"*{{{num(v['nabla_w'])}}}"
        if r.batch_size > 1:
            text += (f"\n~{{summed over the minibatch so far ({r.examples} of {r.batch_size}): "
                     f"Σ_{{x}} ∂C_{{x}}/∂w^{{{l}}}_{{{JK}}} = {num(v['sum_w'])}}}")
        return text
    return _update_numbers(r, JK)


def _update_numbers(r: Readout, JK: str) -> str:
    """w^l_jk → (1 − ηλ/n) w^l_jk − η/m Σ_x ∂C_x/∂w^l_jk with the readout's η, m, sum and decay."""
    l, v = r.l, r.values
    if r.rule:
        factor = "(1 − ηλ/n)" if r.lmbda else ""
        old = (f"(1 − {num(v['eta'])}·{num(r.lmbda)}/{int(v['n'])})({num(v['w_old'])})" if r.lmbda
               else num(v["w_old"]))
        return (f"w^{{{l}}}_{{{JK}}} → {factor}w^{{{l}}}_{{{JK}}} − η/m Σ_{{x}} ∂C_{{x}}/∂w^{{{l}}}_{{{JK}}} = "
                f"{old} − ({num(v['eta'])}/{int(v['m'])})({num(v['sum_w'])}) = *{{{num(v['w_new'])}}}")
    return (f"w^{{{l}}}_{{{JK}}} → w^{{{l}}}_{{{JK}}} + Δw^{{{l}}}_{{{JK}}} = "
            f"{num(v['w_old'])} + ({num(v['dw'])}) = *{{{num(v['w_new'])}}}")


def _batch_numbers(r: Readout) -> str:
    """A whole minibatch: its mean cost, and one weight's mean gradient when the readout has it."""
    v = r.values
    m = int(v["m"])
    text = f"C = 1/m Σ_{{x}} C_{{x}} = *{{{num(v['cost'])}}}    ~{{mean over the m = {m} examples}}"
    if r.choice is None or "g" not in v:
        return text
    l, JK = r.choice.l, indices(r.choice.j, _weight_k(r.choice))
    g = num(v["g"])
    text += (f"\n∂C/∂w^{{{l}}}_{{{JK}}} = {g} (mean over x), "
             f"so w^{{{l}}}_{{{JK}}} moved by −η·{f'({g})' if g.startswith('−') else g} = {num(v['step'])}")
    if r.lmbda:
        text += " (plus the weight decay)"
    return text + f" to *{{{num(v['w'])}}}"


# --------------------------------------------------------------------------- which one, and why

def which(r: Readout, drawn_note: Callable[[int, int, int], str] = lambda l, n, j: "") -> str:
    """Which neuron or weight the numbers are for, and why; ``drawn_note(l, n, j)`` says when neuron j of
    an n-neuron layer l is past the ones the graph draws ('' otherwise)."""
    c = r.choice
    if c is None:
        return f"minibatch {r.batch + 1} of epoch {r.epoch + 1}"
    J, l = shown(c.j), c.l
    if c.k is None:
        if c.why is Why.SELECTED:
            return f"neuron j={J} of layer l={l} · the selected neuron"
        return f"neuron j={J} of layer l={l} · largest |{c.by}|{drawn_note(l, c.n, c.j)} (click a neuron to choose)"
    K = shown(c.k)
    if c.why is Why.INCOMING:
        return f"the selected neuron j={J}'s strongest incoming weight, from k={K}"
    if c.why is Why.OUTGOING:
        return f"the selected neuron k={K}'s strongest outgoing weight, to j={J}"
    note = drawn_note(l, c.n, c.j) or drawn_note(l - 1, c.n_in, c.k).replace("j =", "k =")
    reason = "the weight that moved most" if c.why is Why.MOVED_MOST else f"largest |{c.by}|"
    return f"weight from neuron k={K} of layer {l - 1} to neuron j={J} of layer {l} · {reason}{note}"
