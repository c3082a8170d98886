"""Edits by hand: typing a weight w^l_jk, a bias b^l_j or an input x_k, each one step of the engine's history.

A value is typed as a decimal or a fraction (``limits.parse_typed_value``: '1/2', '−3/4', '-0.25'), finite and
within ±``limits.MAX_TYPED_VALUE``; anything else is refused with one message naming the problem, and nothing
changes. An accepted edit is a record of kind ``Kind.EDIT`` (an ``EditRecord``) taken by ``Engine.take_edit``:

- it appears in the step sequence like any other step (its own index), and ← (``Engine.back``) undoes it
  exactly: the weights, the biases, the input and the position come back bit for bit;
- a minibatch under way starts again at its first example: the numbers it had computed (z, a, δ, the sums
  Σ_x ∂C_x/∂w) came from the old value, and the book's update needs every example of a minibatch taken at the
  same weights. Every number shown after an edit is computed from the edited network;
- weights and biases are new arrays (never written in place), so the history keeps the old ones;
- before the first update (the first minibatch of the first epoch) a typed weight or bias is part of the
  network the run starts from: Reset returns to it (a blank network typed in stays typed in), and ← takes it
  out of that too.

An input x_k is data, not a parameter: editing it changes x_k of *the training example being stepped* (its
row of the training data), or, between minibatches, of the next one to be stepped, the first of the next
minibatch. It stays changed for every later pass over that example, in the cost and the accuracy, until ←
undoes it (Reset puts back the initial weights, not the data). The engine edits its own copy of the training
inputs, made at the first such edit: the loaded dataset is never written. A session file keeps the edited
inputs (``input_edits``: [row, k, value] each) and reopening it applies them again (``apply_input_edits``);
edited weights and biases are saved as the weights are.

A whole example — x and its target y, a dataset example chosen in the Mistakes panel — is put in the place of
the next one to be stepped the same way (``draw_input`` with ``y``): the engine's own copy of the targets is
written, ← puts them back, and a session file keeps them as ``target_edits`` ([row, j, value] each).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from visualbp.core import limits, neuron_activations
from visualbp.core.engine import Engine, epoch_permutation
from visualbp.core.steps import Kind, StepRecord

TARGETS = ("w", "b", "x")
#: The whole input of an example at once (a digit drawn on the canvas): ``draw_input``.
IMAGE = "image"
#: Most edited inputs a session file keeps (a teacher types a handful; a whole image is 784).
MAX_INPUT_EDITS = 100_000

# engine → {(row, k): the value x_k of that row had before its first edit}: what a save records
_ORIGINAL_INPUTS: weakref.WeakKeyDictionary[Engine, dict[tuple[int, int], float]] = weakref.WeakKeyDictionary()
# engine → {(row, j): the value y_j of that row had before its first edit}
_ORIGINAL_TARGETS: weakref.WeakKeyDictionary[Engine, dict[tuple[int, int], float]] = weakref.WeakKeyDictionary()


def _sub(*idx: int) -> str:
    """Array indices as the book's subscripts, from 1: (1, 0) → '21'; with a comma once one passes 9."""
    parts = [str(i + 1) for i in idx]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


def symbol(target: str, l: int, j: int, k: int = 0) -> str:
    """The edited quantity in the notation's markup: 'w^3_21', 'b^2_1', 'x_2' (indices from 1)."""
    if target == "w":
        return f"w^{l}_{_sub(j, k)}"
    if target == "b":
        return f"b^{l}_{_sub(j)}"
    return f"x_{_sub(k)}"


@dataclass(frozen=True, eq=False)
class EditRecord(StepRecord):
    """A value typed by hand: ``target`` 'w' (w^l_jk), 'b' (b^l_j) or 'x' (x_k of training row ``row``, l = 1);
    ``old`` and ``new`` its values, ``text`` what was typed."""

    target: str = "w"
    j: int = 0
    k: int = 0
    old: float = 0.0
    new: float = 0.0
    text: str = ""
    row: int | None = None
    initial_before: tuple | None = None  # what Reset returned to before, when the edit changed it too

    @property
    def symbol(self) -> str:
        return "x" if self.target == IMAGE else symbol(self.target, self.l, self.j, self.k)

    @property
    def sets_target(self) -> bool:
        """Whether the edit set the example's target y as well as its input x (a dataset example)."""
        return "y" in self.arrays

    def revert(self, engine: Engine) -> None:
        """Put a typed input, or the network Reset returns to, back (← does the weights and biases itself)."""
        if self.initial_before is not None:
            engine.initial_parameters = self.initial_before
        row = self.row
        if row is None:  # a weight or a bias: ← put the arrays back
            return
        if self.target == IMAGE:  # a drawn input: every x_k of the row as it was (and y_j, when it was set)
            originals = _ORIGINAL_INPUTS.get(engine, {})
            for k, value in enumerate(self.arrays["x_before"].tolist()):
                engine.set_input(row, k, value)
                if originals.get((row, k)) == value:
                    del originals[(row, k)]
            targets = _ORIGINAL_TARGETS.get(engine, {})
            for j, value in enumerate(self.arrays["y_before"].tolist() if "y_before" in self.arrays else ()):
                engine.set_target(row, j, value)
                if targets.get((row, j)) == value:
                    del targets[(row, j)]
        elif self.target == "x":
            engine.set_input(row, self.k, self.old)
            originals = _ORIGINAL_INPUTS.get(engine, {})
            if originals.get((row, self.k)) == self.old:
                del originals[(row, self.k)]

    def describe(self) -> str:
        """'edit: w^3_21 ← 1/2 (was -0.318) · minibatch 1 · epoch 1'."""
        where = f" of training example {self.row + 1}" if self.row is not None else ""  # an input x (or drawn)
        if self.target == IMAGE:
            xy = "x, y" if self.sets_target else "x"
            return f"edit: {xy}{where} ← {self.text} · minibatch {self.batch + 1} · epoch {self.epoch + 1}"
        return (f"edit: {self.symbol}{where} ← {self.text} (was {self.old:.3g}) · minibatch {self.batch + 1} · "
                f"epoch {self.epoch + 1}")


def _check_where(engine: Engine, target: str, l: int, j: int, k: int) -> None:
    sizes = engine.net.sizes
    L = len(sizes)
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}: choose one of {', '.join(TARGETS)}")
    if target == "x":
        if not 0 <= k < sizes[0]:
            raise ValueError(f"x_{k + 1} does not exist: the input layer has {sizes[0]} neurons (k = 1 … {sizes[0]})")
        return
    if not 2 <= l <= L:
        raise ValueError(f"layer {l} has no {'weights' if target == 'w' else 'biases'}: l runs 2 … {L}")
    if not 0 <= j < sizes[l - 1]:
        raise ValueError(f"{symbol(target, l, j, k)} does not exist: layer {l} has {sizes[l - 1]} neurons "
                         f"(j = 1 … {sizes[l - 1]})")
    if target == "w" and not 0 <= k < sizes[l - 2]:
        raise ValueError(f"{symbol(target, l, j, k)} does not exist: layer {l - 1} has {sizes[l - 2]} neurons "
                         f"(k = 1 … {sizes[l - 2]})")


def input_row(engine: Engine) -> int:
    """The training row whose x an edit changes: the example being stepped, or else the next one to be (the
    first of the next minibatch)."""
    row = engine.current_example_index()
    if row is not None:
        return row
    _, _, offset, _ = engine.position
    return int(epoch_permutation(engine.seed, engine.epoch, engine.n_train)[offset])


def current_value(engine: Engine, target: str, l: int, j: int, k: int = 0) -> float:
    """The value an edit of (target, l, j, k) starts from: w^l_jk, b^l_j, or x_k of ``input_row``."""
    _check_where(engine, target, l, j, k)
    if target == "w":
        return float(engine.net.weights[l - 2][j, k])
    if target == "b":
        return float(engine.net.biases[l - 2][j, 0])
    return float(engine.X[input_row(engine), k])


def edit(engine: Engine, target: str, l: int, j: int, k: int, value: str | float) -> EditRecord:
    """Set w^l_jk (target 'w'), b^l_j ('b', k unused) or x_k ('x', l = 1, j unused) to ``value`` (typed text or a
    number) as one step of the history. Indices are 0-based like the arrays; raises ValueError naming the
    problem (a bad number, no such weight, a diverged run) and changes nothing."""
    if target == "x":
        l, j = 1, 0
    elif target == "b":
        k = 0
    _check_where(engine, target, l, j, k)
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        new = limits.parse_typed_value(value)
    else:
        new = float(value)
        if not math.isfinite(new) or abs(new) > limits.MAX_TYPED_VALUE:
            raise ValueError(f"{new!r} is outside −{limits.MAX_TYPED_VALUE:,} … {limits.MAX_TYPED_VALUE:,}")
        text = repr(new)
    if engine.divergence is not None:
        raise ValueError("the run diverged: step back (←) to the last finite state before editing")
    old = current_value(engine, target, l, j, k)
    row = input_row(engine) if target == "x" else None
    # no update yet: the weights are still the starting ones (plus edits), so the edit changes those too
    initial = engine.initial_parameters if target != "x" and (engine.epoch, engine.batch) == (0, 0) else None

    def make(index: int, epoch: int, batch: int, m: int) -> EditRecord:
        return EditRecord(index, Kind.EDIT, l, epoch, batch, None, m, target=target, j=j, k=k, old=old, new=new,
                          text=text, row=row, initial_before=initial)

    def apply() -> None:
        net = engine.net
        if row is not None:  # target "x"
            _ORIGINAL_INPUTS.setdefault(engine, {}).setdefault((row, k), old)
            engine.set_input(row, k, new)  # into the engine's own copy: the loaded dataset is never written
            return
        i = 0 if target == "w" else 1
        net.weights, net.biases = _with(net.weights, net.biases, i, l - 2, j, k, new)
        if initial is not None:
            engine.initial_parameters = _with(*initial, i, l - 2, j, k, new)

    return engine.take_edit(make, apply)


def draw_input(engine: Engine, values, text: str = "a drawn digit", y=None) -> EditRecord:
    """Set the whole input x of the next example to be stepped to ``values`` (n_in numbers: a digit drawn on the
    canvas) as one step of the history, which ← undoes. Like every edit it starts a minibatch under way again,
    so that example is the first of the current minibatch: the next step's a^1 = x is the drawing. With ``y``
    (n_out numbers), that example's target becomes ``y`` too: a dataset example (x, y) to step through
    backpropagation. ValueError naming the problem otherwise."""
    x = np.asarray(values, dtype=np.float64).ravel()
    n_in, n_out = engine.net.sizes[0], engine.net.sizes[-1]
    if x.size != n_in:
        raise ValueError(f"a drawn input must have {n_in} values (one per input neuron), got {x.size}")
    if not np.isfinite(x).all() or np.abs(x).max(initial=0.0) > limits.MAX_TYPED_VALUE:
        raise ValueError(f"a drawn input must be finite numbers within ±{limits.MAX_TYPED_VALUE:,}")
    target = None if y is None else np.asarray(y, dtype=np.float64).ravel()
    if target is not None and target.size != n_out:
        raise ValueError(f"a target y must have {n_out} values (one per output neuron), got {target.size}")
    if target is not None and (not np.isfinite(target).all() or np.abs(target).max() > limits.MAX_TYPED_VALUE):
        raise ValueError(f"a target y must be finite numbers within ±{limits.MAX_TYPED_VALUE:,}")
    if engine.divergence is not None:
        raise ValueError("the run diverged: step back (←) to the last finite state before editing")
    _, _, offset, _ = engine.position  # the current minibatch's start: where the edit starts it again
    row = int(epoch_permutation(engine.seed, engine.epoch, engine.n_train)[offset])
    before = np.array(engine.X[row], dtype=np.float64)
    arrays = {"x_before": before, "x": x.copy()}
    if target is not None:
        arrays.update(y_before=np.array(engine.Y[row], dtype=np.float64), y=target.copy())
    for a in arrays.values():
        a.flags.writeable = False

    def make(index: int, epoch: int, batch: int, m: int) -> EditRecord:
        return EditRecord(index, Kind.EDIT, 1, epoch, batch, None, m, arrays=MappingProxyType(arrays),
                          target=IMAGE, text=text, row=row)

    def apply() -> None:
        originals = _ORIGINAL_INPUTS.setdefault(engine, {})
        for k, (old, new) in enumerate(zip(before.tolist(), x.tolist())):
            originals.setdefault((row, k), old)
            engine.set_input(row, k, new)
        if target is not None:
            targets = _ORIGINAL_TARGETS.setdefault(engine, {})
            for j, (old, new) in enumerate(zip(arrays["y_before"].tolist(), target.tolist())):
                targets.setdefault((row, j), old)
                engine.set_target(row, j, new)

    return engine.take_edit(make, apply)


def _with(weights: list, biases: list, which: int, i: int, j: int, k: int, value: float) -> tuple[list, list]:
    """New lists with element (j, k) of ``weights[i]`` (``which`` 0) or ``biases[i]`` (1) set in a new array."""
    out = [list(weights), list(biases)]
    changed = out[which][i].copy()
    changed[j, k] = value
    out[which][i] = changed
    return out[0], out[1]


# ----------------------------------------------------------------- inputs and targets in a session file
def input_edits(engine: Engine) -> list[list]:
    """The edited training inputs now, as [row, k, value] (what a session file keeps), in row order."""
    return _changed(engine.X, _ORIGINAL_INPUTS.get(engine, {}))


def target_edits(engine: Engine) -> list[list]:
    """The edited training targets now, as [row, j, value] (a dataset example put in a row's place)."""
    return _changed(engine.Y, _ORIGINAL_TARGETS.get(engine, {}))


def _changed(rows: np.ndarray, originals: dict[tuple[int, int], float]) -> list[list]:
    return [[row, k, float(rows[row, k])] for row, k in sorted(originals) if rows[row, k] != originals[(row, k)]]


def apply_input_edits(engine: Engine, edits: object, targets: object = None) -> None:
    """Write a session file's ``input_edits`` (and ``target_edits``) into ``engine``'s training inputs (and
    targets): not a step, they are part of the data the session was saved with. Checked completely before
    anything is written; ValueError names the first bad entry."""
    inputs = _checked_edits(edits, engine.X.shape, "input_edits", "x")
    outputs = _checked_edits(targets, engine.Y.shape, "target_edits", "y")
    for checked, store, write, rows in ((inputs, _ORIGINAL_INPUTS, engine.set_input, engine.X),
                                        (outputs, _ORIGINAL_TARGETS, engine.set_target, engine.Y)):
        if not checked:
            continue
        originals = store.setdefault(engine, {})
        for row, k, value in checked:
            originals.setdefault((row, k), float(rows[row, k]))
            write(row, k, value)


def _checked_edits(edits: object, shape: tuple[int, ...], key: str, what: str) -> list[tuple[int, int, float]]:
    if edits is None:
        return []
    if not isinstance(edits, list) or len(edits) > MAX_INPUT_EDITS:
        raise ValueError(f"{key} must be a list of at most {MAX_INPUT_EDITS:,} [row, k, value] entries")
    n, width = shape
    checked = []
    for i, e in enumerate(edits):
        ok = isinstance(e, list) and len(e) == 3 and all(isinstance(v, int) and not isinstance(v, bool)
                                                         for v in e[:2])
        if not ok or not isinstance(e[2], (int, float)) or isinstance(e[2], bool):
            raise ValueError(f"{key}[{i}] must be [row, k, value]")
        row, k, value = e[0], e[1], float(e[2])
        if not (0 <= row < n and 0 <= k < width):
            raise ValueError(f"{key}[{i}]: {what}_{k + 1} of training example {row + 1} does not exist "
                             f"({n:,} examples of {width} {'inputs' if what == 'x' else 'outputs'})")
        if not math.isfinite(value) or abs(value) > limits.MAX_TYPED_VALUE:
            raise ValueError(f"{key}[{i}]: {value!r} is outside −{limits.MAX_TYPED_VALUE:,} … "
                             f"{limits.MAX_TYPED_VALUE:,}")
        checked.append((row, k, value))
    return checked


def saved_extra(extra: dict, engine: Engine) -> dict:
    """A session's view state to save, with ``input_edits`` and ``target_edits`` as the engine's training
    inputs and targets are now, and ``neuron_activations`` as the network's are (none: no key)."""
    out = dict(extra)
    for key, edits in (("input_edits", input_edits(engine)), ("target_edits", target_edits(engine)),
                       (neuron_activations.KEY, neuron_activations.saved(engine.net))):  # core/neuron_edits.py
        out.pop(key, None)
        if edits:
            out[key] = edits
    return out


def take_saved_inputs(engine: Engine, extra: dict, path: object) -> None:
    """Apply an opened session file's ``input_edits``, ``target_edits`` and ``neuron_activations`` to ``engine``;
    SessionFileError names the file and entry."""
    from visualbp.core.sessionio import SessionFileError

    try:
        apply_input_edits(engine, extra.get("input_edits"), extra.get("target_edits"))
        neuron_activations.apply_saved(engine.net, extra.get(neuron_activations.KEY))
    except ValueError as exc:
        raise SessionFileError(f"{path}: {exc}") from None
