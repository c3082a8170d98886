"""Every user-facing bound, and the parsers of typed text that enforce them.

The command line, the setup panel and the core's config share these numbers: ``SessionConfig.validated()``
refuses what the command line refuses (``visualbp.core.checks`` applies them to values, the parsers below to
text). Each parser raises ``ValueError`` with a message that names the value and the allowed range; the
caller puts the option's or field's name in front.
"""

from __future__ import annotations

import math
import os
import re
from fractions import Fraction
from pathlib import Path

#: Minibatch size m.
MIN_MINI_BATCH, MAX_MINI_BATCH = 1, 1_000_000
#: Epochs one Train runs (a long lecture run is a few thousand).
MIN_EPOCHS, MAX_EPOCHS = 1, 100_000
#: Seeds of the initial weights: what NumPy's legacy seeding takes.
MIN_SEED, MAX_SEED = 0, 2**32 - 1
#: ``--steps`` taken before the window opens: one step is at most an epoch, so 10,000 bounds a scripted
#: start (an epoch of [784, 30, 10] on MNIST is ~0.3 s: under an hour at worst, seconds at layer granularity).
MIN_STEPS, MAX_STEPS = 0, 10_000
#: Longest text of layer sizes (64 layers of 100,000 neurons with separators fit in well under this).
MAX_LAYERS_CHARS = 2_000
#: Longest text a number may be typed as (400 nines are refused before ``int`` parses them).
MAX_NUMBER_CHARS = 100
#: Largest |value| a weight, bias or input typed by hand may have (``core.edits``): far past where σ saturates
#: (σ(40) = 1 − 4e-18), small enough that z = w a + b of typed values stays far from overflow.
MAX_TYPED_VALUE = 1_000_000


def _stripped(text: str, what: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text, got {text!r}")
    text = text.strip()
    if not text:
        raise ValueError(f"{what} is empty")
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"{what} is {len(text):,} characters long, more than a number needs")
    return text


def parse_whole(text: str, low: int, high: int, what: str = "the value") -> int:
    """A whole number in ``low`` … ``high`` written in ASCII digits ('10', '+3'; not '1e3', '3.0', '٣')."""
    text = _stripped(text, what)
    body = text[1:] if text[:1] in "+-" else text
    if not (body.isascii() and body.isdigit()):
        raise ValueError(f"{text!r} is not a whole number")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"must be a whole number from {low:,} to {high:,}, got {value:,}")
    return value


def parse_real(text: str, what: str = "the value") -> float:
    """A finite real number in ASCII ('0.5', '3e-2'); the caller checks its range."""
    text = _stripped(text, what)
    if not text.isascii() or "_" in text:
        raise ValueError(f"{text!r} is not a number")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {text!r}")
    return value


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


def parse_typed_value(text: str, what: str = "the value") -> float:
    """A value typed by hand: a decimal ('-0.25', '3e-2') or a fraction of two ('1/2', '−3/4', '1.5/2'), with
    a real minus sign taken as '-'; the nearest float to the exact quotient, within ±``MAX_TYPED_VALUE``."""
    text = _stripped(text, what).replace("\u2212", "-")
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
    return parse_whole(text, MIN_EPOCHS, MAX_EPOCHS, "epochs")


def parse_mini_batch_size(text: str) -> int:
    return parse_whole(text, MIN_MINI_BATCH, MAX_MINI_BATCH, "the minibatch size")


def parse_seed(text: str) -> int:
    return parse_whole(text, MIN_SEED, MAX_SEED, "the seed")


def parse_steps(text: str) -> int:
    return parse_whole(text, MIN_STEPS, MAX_STEPS, "steps")


def parse_layers(text: str) -> list[int]:
    """'784, 30, 10' (commas or semicolons) → [784, 30, 10], within ``checks.check_sizes``' limits."""
    from visualbp.core import checks  # checks imports this module's bounds

    if not isinstance(text, str) or not text.strip():
        raise ValueError("layers must be whole numbers separated by commas, e.g. '2, 4, 3, 2'")
    if len(text) > MAX_LAYERS_CHARS:
        raise ValueError(f"too long ({len(text):,} characters): a network has at most {checks.MAX_LAYERS} layers")
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        raise ValueError("layers must be whole numbers separated by commas, e.g. '2, 4, 3, 2'")
    if len(parts) > checks.MAX_LAYERS:
        raise ValueError(f"{len(parts):,} layers is more than the limit of {checks.MAX_LAYERS}")
    sizes = []
    for i, p in enumerate(parts, start=1):
        if not (p.isascii() and p.lstrip("+-").isdigit()) or len(p) > MAX_NUMBER_CHARS:
            raise ValueError(f"layer size {p[:20]!r} is not a whole number")
        n = int(p)
        if n < 1:
            raise ValueError(f"layer {i} must have at least 1 neuron, got {n}")
        sizes.append(n)
    return checks.check_sizes(sizes)


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
