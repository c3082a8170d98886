"""The equation panel's texts for an edit by hand (``core.edits.EditRecord``): markup, no arithmetic.

'edit: w³₂₁ ← 1/2 (was −0.318)', the value the typed text stands for, which weight, bias or input it is,
and what happens next (the minibatch starts again from the edited network; ← undoes the edit).
"""

from __future__ import annotations

from visualbp.core.activations import ACTIVATIONS
from visualbp.core.edits import IMAGE, EditRecord
from visualbp.core.neuron_edits import ActivationRecord
from visualbp.gui.notation import equation_number as num
from visualbp.gui.notation import indices, shown, sym


def symbol(record: EditRecord) -> str:
    """w^3_21, b^2_1, x_2 or f^3_2 (a neuron's activation), in markup."""
    if record.target == "f":
        return sym("f", record.l, record.j)
    if record.target == "w":
        return sym("w", record.l, record.j, record.k)
    if record.target == "b":
        return sym("b", record.l, record.j)
    if record.target == IMAGE:
        return "x"
    return f"x_{{{indices(record.k)}}}"


def typed(record: EditRecord) -> str:
    """What was typed, with a real minus sign."""
    return record.text.replace("-", "−")


def _example(record: EditRecord) -> int:
    """The training example an input edit changed, counted from 1."""
    if record.row is None:
        raise ValueError(f"an edit of {record.target} names no training example")
    return record.row + 1


def title(record: EditRecord) -> str:
    """'edit by hand · layer l = 3' (an input: '· the input, training example 17')."""
    if record.target == IMAGE and record.sets_target:
        return f"a chosen example · the input and target of training example {_example(record)}"
    if record.target in ("x", IMAGE):
        return f"edit by hand · the input, training example {_example(record)}"
    return f"edit by hand · layer l = {record.l}"


def equation(record: EditRecord) -> str:
    """'edit: w^3_21 ← 1/2 (was −0.318)', the typed value as the result."""
    if record.target == IMAGE:
        return f"edit: {'x, y' if record.sets_target else 'x'} ← *{{{record.text}}}"
    if isinstance(record, ActivationRecord):  # a neuron's activation
        old, new = _symbol_of(record.old_f), _symbol_of(record.new_f)
        return f"edit: {symbol(record)} ← *{{{new}}}   (was {old}):   a^{{{record.l}}}_{{{indices(record.j)}}} = " \
               f"{new}(z^{{{record.l}}}_{{{indices(record.j)}}})"
    return f"edit: {symbol(record)} ← *{{{typed(record)}}}   (was {num(record.old)})"


def numbers(record: EditRecord) -> str:
    """The value the text stands for when it is not already a plain number, and what it changes."""
    if record.target == IMAGE:
        n = record.arrays["x"].size
        lines = [f"a^{{1}} = x: all {n} inputs of training example {_example(record)} from now on "
                 f"(its row of the training data)"]
        if record.sets_target:
            y = record.arrays["y"]
            if y.size <= 10:
                values = ", ".join(num(float(v)) for v in y)
                lines.append(f"y = ({values}): its target from now on, in BP1's a^{{L}} − y")
            else:
                lines.append(f"y: its {y.size} targets from now on, in BP1's a^{{L}} − y")
        return "\n".join(lines)
    if record.target == "f":
        return _activation_numbers(record)
    lines = []
    if "/" in record.text or "e" in record.text.lower():  # a fraction or an exponent: its value
        lines.append(f"{symbol(record)} = {typed(record)} = {num(record.new)}")
    if record.target == "x":
        lines.append(f"a^{{1}}_{{{indices(record.k)}}} = {symbol(record)} of training example {_example(record)} "
                     f"from now on (its row of the training data)")
    else:
        lines.append(f"Δ{symbol(record)} = {num(record.new - record.old)}")
    return "\n".join(lines)


def _symbol_of(name: str) -> str:
    return ACTIVATIONS[name].symbol if name in ACTIVATIONS else name


def _activation_numbers(record) -> str:
    """What a neuron's new f changes: its a = f(z), and δ at BP1 or BP2 through f'(z), only there."""
    l, J, new = record.l, indices(record.j), _symbol_of(record.new_f)
    bp = "BP1" if record.l == record.L else "BP2"
    return (f"a^{{{l}}}_{{{J}}} = {new}(z^{{{l}}}_{{{J}}}), and {bp} multiplies δ^{{{l}}}_{{{J}}} by "
            f"{new}'(z^{{{l}}}_{{{J}}}) instead of {_symbol_of(record.old_f)}'(z^{{{l}}}_{{{J}}})\n"
            f"~{{every other neuron keeps its f: the minibatch starts again from this network}}")


def which(record: EditRecord) -> str:
    """Which weight, bias, input or neuron's activation, counted from 1 as in the book."""
    if record.target == "f":
        return f"the activation of neuron j={shown(record.j)} of layer {record.l} · chosen by hand, ← undoes it"
    if record.target == "w":
        return (f"the weight from neuron k={shown(record.k)} of layer {record.l - 1} to neuron j={shown(record.j)} "
                f"of layer {record.l} · typed by hand, ← undoes it")
    if record.target == "b":
        return f"the bias of neuron j={shown(record.j)} of layer {record.l} · typed by hand, ← undoes it"
    if record.target == IMAGE and record.sets_target:
        return "every input neuron and the target · a dataset example chosen to step, ← undoes it"
    if record.target == IMAGE:
        return "every input neuron · drawn by hand, ← undoes it"
    return f"input neuron k={shown(record.k)} · typed by hand, ← undoes it"



def narration(record: EditRecord) -> str:
    """The narration of a chosen dataset example put in place (``record.sets_target``)."""
    return (f"You chose an example of the data set: its input x and its target y take the place of training "
            f"example {_example(record)}, and stepping goes on from the first example of this minibatch. The next "
            "→ puts this x into the input layer; then it is fed forward, BP1 compares its output with this y, and "
            "δ goes back through the layers. ← undoes the choice exactly.")
