"""The narration: plain words for each step, what one → does at each granularity, the side list's
explanations, and a lesson's paragraph kept true to the granularity.

The words come from ``resources/narration.json`` (editable and translatable, see the README). A file
that is missing, not JSON, or has a key missing, of the wrong type or with a broken ``{placeholder}``
never stops the window: ``problems()`` names the file and the key in one line each (also printed once
to stderr), and the built-in text below is used for what is wrong.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import stat
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from visualbp.core.steps import Kind

FILE_NAME = "narration.json"
MAX_BYTES = 1 << 20  # a narration file larger than this is refused unread

#: The texts the window uses when the file is missing or wrong (the shipped file says the same).
#: Placeholders: {l} the step's layer, {L} the output layer, {next} = l + 1, {prev} = l − 1, {m} the
#: minibatch size, {f} the layer's activation (σ, tanh, ReLU), {press} what one → does now, {epoch}
#: the epoch just finished, {batches} the minibatches in an epoch.
BUILT_IN: dict = {
    "narration": {
        "none": "Nothing has happened yet. {press}",
        "input": "Put one training example x into the input layer: its numbers become the activations a of layer 1. Its target y waits at the output layer {L}.",
        "feedforward": "Feed forward into layer {l}: each neuron adds up the activations of layer {prev}, each times the weight of its connection, adds its bias to get z, and squashes z with {f} to get its activation a.",
        "output_error": "Start at the output: BP1 gives the error δ of layer {L}, how fast the cost changes with z. It is how far each output is from its target (a − y), times {f}'(z), how much that output can still change.",
        "output_error_cross_entropy": "Start at the output: with the cross-entropy cost the σ'(z) of BP1 cancels, so the error of layer {L} is simply δ = a − y, how far each output is from its target. No learning slowdown when an output saturates.",
        "output_error_linear": "Start at the output: the output neuron is linear, a = z, so f'(z) = 1 and BP1 has no σ'(z) factor: the error of layer {L} is simply δ = a − y, how far the output is from its target. A linear output never saturates, so a large error always learns fast.",
        "backprop_error": "Move the error backward: each neuron in layer {l} gets the errors of layer {next} weighted by the same weights it feeds forward through, times {f}'(z), how much it can still change.",
        "gradient_b": "BP3: how fast the cost changes with a neuron's bias is exactly that neuron's error δ. The gradient for the biases of layer {l} is added to the running sum over the minibatch.",
        "gradient_w": "BP4: how fast the cost changes with a weight is the activation coming in (from layer {prev}) times the error going out (in layer {l}). Weights out of neurons with small activations learn slowly.",
        "update": "Gradient descent on layer {l}: every weight and bias takes a step of η/m against its gradient summed over the {m} examples of the minibatch, downhill on the cost.",
        "batch": "A whole minibatch of {m} examples in one matrix pass: all of them are fed forward and their errors backpropagated together, then every layer moves by η/m times its summed gradient.",
        "epoch": "That → ran epoch {epoch}: all {batches} minibatches of the training data, each fed forward, backpropagated and applied in one matrix pass. The numbers are those of its last minibatch.",
        "edit": "You typed a value by hand: stepping goes on from the first example of this minibatch, so every number from the next step on is computed with the new value (the book's update needs every example of a minibatch taken at the same weights). ← undoes the edit exactly.",
        "edit_activation": "You gave one neuron of layer {l} its own activation {f}: from the next step on its activation is a = {f}(z), and BP1 or BP2 multiply its error δ by {f}'(z) where the other neurons keep theirs. Nothing else in the algorithm changes. Stepping goes on from the first example of this minibatch; ← undoes the choice exactly.",
    },
    "press": {
        "layer": "Each → is one line of the book's pseudocode at one layer: the first puts one training example x into the input layer, the next ones feed it forward to the output layer {L}, then the error goes back.",
        "example": "Each → runs one training example all the way (feedforward, BP1, BP2, BP3, BP4) and adds its gradient to the minibatch's sums; after the last of the m = {m} examples, → is the update.",
        "minibatch": "Each → takes a whole minibatch of m = {m} examples in one matrix pass and moves every weight and bias.",
        "epoch": "Each → is one epoch: all {batches} minibatches of the training data, then the cost and the accuracy are measured.",
    },
    "explain": {
        "feedforward": "Feedforward: a neuron's weighted input z = w a + b, and its activation a = σ(z), computed layer by layer from the input.",
        "BP1": "BP1, the error in the output layer: how fast the cost changes with each output's activation, times how fast that activation changes with z.",
        "BP2": "BP2, the error in terms of the next layer's error: move δ backward through the transposed weights, then times σ'(z).",
        "BP3": "BP3, the rate of change of the cost with any bias: it equals that neuron's error δ.",
        "BP4": "BP4, the rate of change of the cost with any weight: the input activation of the weight times the error at its output.",
        "update": "Gradient descent: after the minibatch, move each weight and bias by −η/m times the sum of its gradients over the m examples.",
    },
    "start_hint": "Press → to take the first step",
}

_SAMPLE = dict(l=2, L=3, next=3, prev=1, m=10, f="σ", press="", epoch=1, batches=10)


def _resource_path() -> Path:
    try:
        return Path(str(importlib.resources.files("visualbp.resources") / FILE_NAME))
    except (ModuleNotFoundError, TypeError):
        return Path(__file__).resolve().parents[2] / "resources" / FILE_NAME


def _read(path: Path) -> str:
    """The file's text: a regular file no larger than MAX_BYTES (a FIFO or /dev/zero is never read)."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OSError("not a regular file")
    if st.st_size > MAX_BYTES:
        raise OSError(f"larger than {MAX_BYTES // 1024} KiB")
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES + 1).decode("utf-8")


def _check_text(where: str, value: object) -> str | None:
    """Why ``value`` cannot be the text at ``where``, or None when it can."""
    if not isinstance(value, str):
        return f"key '{where}' must be text, got {type(value).__name__}"
    try:
        value.format_map(_Blank(_SAMPLE))
    except (ValueError, IndexError, KeyError, AttributeError) as exc:
        return f"key '{where}' has a broken {{placeholder}} ({exc})"
    return None


def read_texts(path: str | os.PathLike) -> tuple[dict, list[str]]:
    """The texts of the narration file at ``path``, the built-in ones for whatever is wrong in it, and a
    one-line message per problem naming the file and the key."""
    path = Path(path)
    texts = json.loads(json.dumps(BUILT_IN))  # a deep copy
    try:
        data = json.loads(_read(path))
    except FileNotFoundError:
        return texts, [f"{path}: not found — the built-in narration is used"]
    except (OSError, UnicodeDecodeError) as exc:
        return texts, [f"{path}: cannot be read ({exc}) — the built-in narration is used"]
    except json.JSONDecodeError as exc:
        return texts, [f"{path}: not valid JSON ({exc.msg}, line {exc.lineno}) — the built-in narration is used"]
    if not isinstance(data, dict):
        return texts, [f"{path}: must hold a JSON object, got {type(data).__name__} — the built-in narration is used"]
    problems = []
    for section, default in BUILT_IN.items():
        if section not in data:
            problems.append(f"{path}: key '{section}' is missing — the built-in text is used")
            continue
        value = data[section]
        if isinstance(default, str):
            why = _check_text(section, value)
            if why is None:
                texts[section] = value
            else:
                problems.append(f"{path}: {why} — the built-in text is used")
            continue
        if not isinstance(value, dict):
            problems.append(f"{path}: key '{section}' must be an object, got {type(value).__name__} — "
                            "the built-in texts are used")
            continue
        for key in default:
            where = f"{section}.{key}"
            if key not in value:
                problems.append(f"{path}: key '{where}' is missing — the built-in text is used")
                continue
            why = _check_text(where, value[key])
            if why is None:
                texts[section][key] = value[key]
            else:
                problems.append(f"{path}: {why} — the built-in text is used")
    return texts, problems


@lru_cache(maxsize=1)
def _loaded() -> tuple[dict, tuple[str, ...]]:
    texts, problems = read_texts(_resource_path())
    for line in problems:
        print(f"visualbp: {line}", file=sys.stderr)
    return texts, tuple(problems)


def load_texts() -> dict:
    """The narration and explanation texts: ``resources/narration.json``, built-in text where it is wrong."""
    return _loaded()[0]


def problems() -> tuple[str, ...]:
    """One line per problem found in ``resources/narration.json`` (empty when it is fine)."""
    return _loaded()[1]


def summary() -> str:
    """The problems in one short line for the window (the file's name, the first problem, how many more);
    '' when there are none. ``problems()`` has the full lines."""
    found = problems()
    if not found:
        return ""
    path = str(_resource_path())
    first = found[0][len(path) + 2:] if found[0].startswith(path + ": ") else found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return f"{FILE_NAME}: {first}{more}"


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(text: str, **values: object) -> str:
    return text.format_map(_Blank(values))


def press_text(granularity: str, L: int, m: int, batches: int, texts: Mapping | None = None) -> str:
    """What one → does at ``granularity`` ('layer', 'example', 'minibatch', 'epoch')."""
    texts = texts or load_texts()
    return _fill(texts["press"][granularity], L=L, m=m, batches=batches)


def narration_for(kind: Kind | None, l: int, L: int, m: int, cross_entropy: bool = False, *, f: str = "σ",
                  granularity: str = "layer", batches: int = 1, epoch_done: int | None = None,
                  linear_output: bool = False, edit_of_f: bool = False) -> str:
    """The narration of a step kind with ``{l}``, ``{L}``, ``{next}``, ``{prev}``, ``{m}``, ``{f}`` filled in.

    Before the first step (``kind`` None) it says what one → does at ``granularity``; a whole-minibatch
    record that ended epoch ``epoch_done`` (1-based) under epoch steps tells of the whole epoch; BP1 with a
    ``linear_output`` (regression) tells that f'(z) = 1 leaves δ^L = a^L − y; an edit that gave a neuron its own
    activation ``f`` (``edit_of_f``) says what that changes.
    """
    texts = load_texts()
    key = "none" if kind is None else kind.value
    if kind is Kind.EDIT and edit_of_f:
        key = "edit_activation"
    if kind is Kind.OUTPUT_ERROR and cross_entropy:
        key = "output_error_cross_entropy"
    elif kind is Kind.OUTPUT_ERROR and linear_output:
        key = "output_error_linear"
    if kind is Kind.BATCH and granularity == "epoch" and epoch_done is not None:
        key = "epoch"
    press = press_text(granularity, L, m, batches, texts) if kind is None else ""
    return _fill(texts["narration"][key], l=l, L=L, next=l + 1, prev=l - 1, m=m, f=f, press=press,
                 epoch=epoch_done, batches=batches)


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_CLAUSE = re.compile(r"(: |; )")


def _without_presses(sentence: str) -> str:
    """The sentence without its clauses (between ': ' and '; ') that say what → does."""
    parts = _CLAUSE.split(sentence)  # clause, separator, clause, …
    kept: list[str] = []
    for i in range(0, len(parts), 2):
        if "→" in parts[i]:
            continue
        if kept:
            kept.append(parts[i - 1])
        kept.append(parts[i])
    text = "".join(kept).strip()
    if text and not text.endswith((".", "!", "?")):
        text += "."
    return text[:1].upper() + text[1:]


def lesson_text(description: str, written_for: str, granularity: str, L: int, m: int, batches: int) -> str:
    """A lesson's paragraph, true at the current ``granularity``: when it differs from the one the lesson
    was ``written_for``, the clauses about what → does give way to what it does now."""
    if granularity == written_for:
        return description
    kept = [t for t in (_without_presses(s) for s in _SENTENCE.split(description)) if t]
    now = press_text(granularity, L, m, batches)
    return " ".join(kept + [f"Now: {now} (The lesson was written for one {written_for} per →.)"])
