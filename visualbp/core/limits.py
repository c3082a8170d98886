"""Every user-facing bound, and the parsers of typed text that enforce them.

The command line, the setup panel, the controls bar and the core share these: one ``WholeLimit`` or
``RealLimit`` per quantity a person types (its name, its bounds, its messages), whose ``parse`` reads text and
whose ``check`` checks a value with the same messages, so ``SessionConfig.validated()`` refuses what the
command line and the setup panel refuse, in the same words. ``parse_layers`` (the command line) and
``parse_sizes`` (the setup panel, which also takes the hidden layers alone) read layer sizes with one tokenizer
and the same messages; the Debug tab's breakpoint fields are read by ``parse_saturated_share``,
``parse_saturation_threshold`` and ``parse_delta_below``. Every parser raises ``ValueError`` with one sentence
that names the quantity, the allowed range and what it got.

What a person may type: a whole number in decimal digits (Unicode digits as ``int`` reads them), signed with
``+``, ``-`` or ``−``, grouped with ``,`` or ``_`` (``1,000,000``); a real number as ``float`` reads it
(``3e-2``, ``1_000``), with ``−`` for minus.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TypeGuard

#: Steps (pages) one PDF handout holds: ``--handout-steps`` and File ▸ Export handout.
MIN_HANDOUT_STEPS, MAX_HANDOUT_STEPS = 1, 100
#: Longest text of layer sizes (64 layers of 100,000 neurons with separators fit in well under this).
MAX_LAYERS_CHARS = 2_000
#: Longest text a number may be typed as (400 nines are refused before ``int`` parses them).
MAX_NUMBER_CHARS = 100
#: More digits than this are far beyond every bound: refused without ``int`` reading them.
MAX_DIGITS = 12

_WHOLE = re.compile(r"[+\-−]?\d+")
#: Largest |value| a weight, bias or input typed by hand may have (``core.edits``): far past where σ saturates
#: (σ(40) = 1 − 4e-18), small enough that z = w a + b of typed values stays far from overflow.
MAX_TYPED_VALUE = 1_000_000


def _shown(text: str) -> str:
    """Typed text in a message: quoted, and cut after 20 characters."""
    text = text.strip()
    return repr(text if len(text) <= 20 else text[:20] + "…")


def _typed(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text, got {text!r}")
    text = text.strip()
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"{what} is {len(text):,} characters long, more than a number needs")
    return text


@dataclass(frozen=True)
class WholeLimit:
    """A whole number from ``low`` to ``high`` (inclusive), called ``what`` in messages."""

    what: str
    low: int
    high: int

    def message(self, got: str) -> str:
        return f"{self.what} must be a whole number from {self.low:,} to {self.high:,}, got {got}"

    def parse(self, text: str) -> int:
        """The number typed in ``text`` ('10', '+3', '1,000'; not '1e3', '3.0')."""
        text = _typed(text, self.what)
        if not text:
            raise ValueError(f"{self.what} is empty")
        t = text.replace("_", "").replace(",", "")
        if not _WHOLE.fullmatch(t) or len(t.lstrip("+-−")) > MAX_DIGITS:
            raise ValueError(self.message(_shown(text)))
        value = int(t.lstrip("+-−"))  # \d and int() agree on Unicode decimal digits
        return self.check(-value if t[0] in "-−" else value)

    def check(self, value: object) -> int:
        """``value`` as an int if it is a whole number within the bounds (not a bool, not 3.0)."""
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(self.message(repr(value)))
        whole = int(value)
        if not self.low <= whole <= self.high:
            raise ValueError(self.message(f"{whole:,}"))
        return whole


@dataclass(frozen=True)
class RealLimit:
    """A finite real number from ``low`` to ``high`` (``low`` itself excluded when ``low_open``), called ``what``
    in messages; ``empty`` is the value of an empty text (None: empty is refused)."""

    what: str
    low: float
    high: float = math.inf
    low_open: bool = False
    empty: float | None = None
    hint: str = ""

    @property
    def rule(self) -> str:
        """'greater than 0', '≥ 0', 'from 0 to 0.9'."""
        if math.isinf(self.high):
            rule = f"greater than {self.low:g}" if self.low_open else f"≥ {self.low:g}"
        else:
            rule = f"from {self.low:g} to {self.high:g}"
        return rule + (f" {self.hint}" if self.hint else "")

    def parse(self, text: str) -> float:
        """The number typed in ``text`` ('0.5', '3e-2', '−1')."""
        text = _typed(text, self.what)
        if not text:
            if self.empty is not None:
                return self.empty
            raise ValueError(f"{self.what} is empty")
        try:
            value = float(text.replace("−", "-"))
        except ValueError:
            raise ValueError(f"{self.what} must be a number, got {_shown(text)}") from None
        return self.check(value)

    def check(self, value: object) -> float:
        """``value`` as a float if it is a finite number within the bounds."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{self.what} must be a number, got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{self.what} must be a finite number, got {value}")
        low_ok = value > self.low if self.low_open else value >= self.low
        if not (low_ok and value <= self.high):
            raise ValueError(f"{self.what} must be {self.rule}, got {value:g}")
        return value


#: Minibatch size m.
MINI_BATCH = WholeLimit("the minibatch size m", 1, 1_000_000)
#: Epochs one Train runs (a long lecture run is a few thousand).
EPOCHS = WholeLimit("epochs", 1, 100_000)
#: Seeds of the initial weights and of the data: what NumPy's legacy seeding takes (a network drawn without a
#: seed gets one in this range too, so every seed the window shows can be typed back).
SEED = WholeLimit("the seed", 0, 2**32 - 1)
#: ``--steps`` taken before the window opens: one step is at most an epoch, so 10,000 bounds a scripted
#: start (an epoch of [784, 30, 10] on MNIST is ~0.3 s: under an hour at worst, seconds at layer granularity).
STEPS = WholeLimit("steps", 0, 10_000)
#: Points of a generated 2-D set.
POINTS = WholeLimit("points", 4, 1_000_000)
#: The learning rate η.
ETA = RealLimit("η (learning rate)", 0.0, low_open=True)
#: L2 regularisation λ (chapter 3); empty means none.
LMBDA = RealLimit("λ (L2 regularisation)", 0.0, empty=0.0, hint="(0 for none)")
#: Noise of the generated 2-D sets: they lie in [−1, 1]; beyond this the points are pure noise, and near the
#: float limit the plot ranges overflow.
NOISE = RealLimit("noise", 0.0, 100.0)
#: The share of the examples held out for validation.
VAL_FRACTION = RealLimit("the validation fraction", 0.0, 0.9)

MIN_MINI_BATCH, MAX_MINI_BATCH = MINI_BATCH.low, MINI_BATCH.high
MIN_EPOCHS, MAX_EPOCHS = EPOCHS.low, EPOCHS.high
MIN_SEED, MAX_SEED = SEED.low, SEED.high
MIN_STEPS, MAX_STEPS = STEPS.low, STEPS.high


def parse_whole(text: str, low: int, high: int, what: str = "the value") -> int:
    """A whole number in ``low`` … ``high`` (see ``WholeLimit.parse``)."""
    return WholeLimit(what, low, high).parse(text)


def parse_real(text: str, what: str = "the value") -> float:
    """A finite real number; the caller checks its range."""
    return RealLimit(what, -math.inf).parse(text)


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


def parse_typed_value(text: str, what: str = "the value") -> float:
    """A value typed by hand: a decimal ('-0.25', '3e-2') or a fraction of two ('1/2', '−3/4', '1.5/2'), with
    a real minus sign taken as '-'; the nearest float to the exact quotient, within ±``MAX_TYPED_VALUE``."""
    text = _typed(text, what).replace("\u2212", "-")
    if not text:
        raise ValueError(f"{what} is empty")
    parts = [p.strip() for p in text.split("/")]
    if len(parts) > 2 or not all(_DECIMAL.fullmatch(p) for p in parts):
        raise ValueError(f"{text!r} is not a number: type a decimal such as -0.25 or a fraction such as 3/4")
    if len(parts) == 2 and parts[1][:1] in "+-":
        raise ValueError(f"{text!r}: put the sign in front of the fraction, e.g. -3/4")
    exact = Fraction(parts[0])  # exact: at most 3 exponent digits, so no huge powers of ten
    if len(parts) == 2:
        den = Fraction(parts[1])
        if den == 0:
            raise ValueError(f"{text!r} divides by zero")
        exact /= den
    if abs(exact) > MAX_TYPED_VALUE:
        raise ValueError(f"{text} is outside −{MAX_TYPED_VALUE:,} … {MAX_TYPED_VALUE:,}")
    return float(exact)


def parse_epochs(text: str) -> int:
    return EPOCHS.parse(text)


def parse_mini_batch_size(text: str) -> int:
    return MINI_BATCH.parse(text)


def parse_seed(text: str) -> int:
    return SEED.parse(text)


def parse_steps(text: str) -> int:
    return STEPS.parse(text)


def parse_eta(text: str) -> float:
    return ETA.parse(text)


def parse_lmbda(text: str) -> float:
    return LMBDA.parse(text)


# ----------------------------------------------------------------- breakpoints (the Debug tab's fields)
def _percent(text: str, high_inclusive: bool) -> float:
    try:
        v = float(text.strip().rstrip("%").strip())
    except ValueError:
        raise ValueError("a percentage, like 50") from None
    if not (math.isfinite(v) and v > 0 and (v <= 100 if high_inclusive else v < 100)):
        raise ValueError(f"above 0 and {'at most' if high_inclusive else 'below'} 100 %")
    return v / 100.0


def parse_saturated_share(text: str) -> float:
    """The share of examples (or pairs) that must be saturated to pause: above 0 and at most 100 %, as a
    fraction ('50' or '50 %' → 0.5)."""
    return _percent(text, True)


def parse_saturation_threshold(text: str) -> float:
    """σ'(z) below this share of its largest value counts as saturated: above 0 and below 100 %, as a fraction."""
    return _percent(text, False)


def parse_delta_below(text: str) -> float:
    """‖δ^l‖ below this pauses: a finite number above 0 ('1e-4')."""
    try:
        v = float(text.strip())
    except ValueError:
        raise ValueError("a number, like 1e-4") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError("a number above 0, like 1e-4")
    return v


# ----------------------------------------------------------------- layer sizes

#: Largest network we agree to build: 20 million parameters is 160 MB of float64
#: weights, before the gradients and the step history that go with them.
MAX_PARAMETERS = 20_000_000
#: More layers than this cannot be drawn or stepped through meaningfully.
MAX_LAYERS = 64
#: Widest layer (MNIST's input is 784; a 300×300 image input would be 90,000).
MAX_LAYER_SIZE = 100_000


def is_whole(value: object) -> TypeGuard[numbers.Integral]:
    """An integer that is not a bool (``True`` is not a layer size or a count)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_sizes(sizes: Sequence[int]) -> list[int]:
    """Layer sizes such as ``[784, 30, 10]``: at least 2 layers, each a positive whole number."""
    try:
        items: list[object] = list(sizes)
    except TypeError:
        raise ValueError(f"sizes must be a list of layer sizes such as [784, 30, 10], not {sizes!r}") from None
    if len(items) < 2:
        raise ValueError(
            f"a network needs at least 2 layers (input and output), got {len(items)}: {items!r}"
        )
    if len(items) > MAX_LAYERS:
        raise ValueError(f"{len(items)} layers is more than the limit of {MAX_LAYERS}")
    clean = []
    for i, item in enumerate(items, start=1):
        if is_whole(item) or (isinstance(item, float) and item.is_integer()):
            n = int(item)
        else:
            raise ValueError(f"layer {i} size must be a whole number, got {item!r}")
        if n < 1:
            raise ValueError(f"layer {i} must have at least 1 neuron, got {n}")
        if n > MAX_LAYER_SIZE:
            raise ValueError(f"layer {i} has {n:,} neurons, more than the limit of {MAX_LAYER_SIZE:,}")
        clean.append(int(n))
    params = sum(a * b + b for a, b in zip(clean[:-1], clean[1:]))
    if params > MAX_PARAMETERS:
        raise ValueError(
            f"{clean} has {params:,} weights and biases, more than the limit of {MAX_PARAMETERS:,}"
        )
    return clean


_SEP = re.compile(r"\s*[,;，、]\s*|\s+")
NO_HIDDEN = ("none", "no hidden layers", "no hidden layer")


def layer_tokens(text: str, empty: str) -> list[str]:
    """The entries of a list of layer sizes: commas, semicolons or spaces separate, a trailing comma is ignored.
    ``empty`` is the message for a text with no entry (it says what to type where the text was typed)."""
    if not isinstance(text, str):
        raise ValueError(f"the layers must be text such as '4, 3', not {type(text).__name__}")
    if len(text) > MAX_LAYERS_CHARS:
        raise ValueError(f"too long ({len(text):,} characters): a network has at most {MAX_LAYERS} layers")
    tokens = _SEP.split(text.strip()) if text.strip() else []
    while tokens and tokens[-1] == "":
        tokens.pop()  # trailing commas
    if not tokens or tokens == [""]:
        raise ValueError(empty)
    if len(tokens) > MAX_LAYERS:
        raise ValueError(f"{len(tokens):,} layers is more than the limit of {MAX_LAYERS}")
    return tokens


def layer_value(token: str) -> int | None:
    """A layer size entry as an int, or None if it is not a whole number (or has more than MAX_DIGITS digits)."""
    if not _WHOLE.fullmatch(token) or len(token.lstrip("+-−")) > MAX_DIGITS:
        return None
    value = int(token.lstrip("+-−"))
    return -value if token[0] in "-−" else value


def check_layer_tokens(tokens: list[str], first_layer: int) -> list[int]:
    """The entries as sizes, the first being the book's layer ``first_layer``; a message naming the layer."""
    sizes = []
    for i, token in enumerate(tokens):
        layer = first_layer + i
        value = layer_value(token)
        if token == "":
            raise ValueError(f"layer {layer} is empty: two commas in a row")
        if value is None:
            if _WHOLE.fullmatch(token):
                raise ValueError(f"layer {layer} has {token[:20]}{'…' if len(token) > 20 else ''} neurons, more "
                                 f"than the limit of {MAX_LAYER_SIZE:,}")
            raise ValueError(f"layer {layer} size must be a whole number, got {_shown(token)}")
        if value < 1:
            raise ValueError(f"layer {layer} must have at least 1 neuron, got {value}")
        sizes.append(value)
    return sizes


def parse_handout_steps(text: str) -> int:
    return parse_whole(text, MIN_HANDOUT_STEPS, MAX_HANDOUT_STEPS, "handout steps")


def parse_layers(text: str) -> list[int]:
    """'784, 30, 10' (the whole list, input to output) → [784, 30, 10], within ``check_sizes``' limits."""
    tokens = layer_tokens(text, "layers must be whole numbers separated by commas, e.g. '2, 4, 3, 2'")
    return check_sizes(check_layer_tokens(tokens, 1))


def parse_sizes(text: str, n_in: int, n_out: int) -> tuple[int, ...]:
    """'4, 3' (hidden layers) or '2, 4, 3, 2' (whole list) → the full sizes (n_in, …, n_out).

    A list that starts with ``n_in`` and ends with ``n_out`` (at least 2 entries) is the whole list;
    otherwise the entries are the hidden layers. ``none`` means no hidden layer. Messages name the book's
    layer number (the input is layer 1); the limits are ``check_sizes``'."""
    if isinstance(text, str) and text.strip().lower() in NO_HIDDEN:
        return tuple(check_sizes([n_in, n_out]))
    tokens = layer_tokens(text, "type the hidden layer sizes, e.g. 4, 3 (or 'none' for no hidden layer)")
    values = [layer_value(t) for t in tokens]
    whole = len(values) >= 2 and values[0] == n_in and values[-1] == n_out
    sizes = check_layer_tokens(tokens, 1 if whole else 2)
    return tuple(check_sizes(sizes if whole else [n_in, *sizes, n_out]))


def parse_png_output(text: str) -> str:
    """A path a PNG can be written to, checked before any work: ends in .png, its folder exists and is
    writable, and it is not a folder or a read-only file. Returns the path as given."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the output path is empty")
    path = Path(text)
    if path.suffix.lower() != ".png":
        raise ValueError(f"{text!r} must end in .png")
    folder = path.parent
    if not folder.is_dir():
        raise ValueError(f"the folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise ValueError(f"{text!r} is a folder")
    if path.exists() and not path.is_file():
        raise ValueError(f"{text!r} exists and is not a regular file")
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"{text!r} exists and cannot be overwritten")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"the folder {str(folder)!r} is not writable")
    return text
