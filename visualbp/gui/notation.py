"""The one notation of the window: the book's symbols as markup, superscripts and subscripts, and numbers.

**Markup.** One small language for every formula and label: ``^`` a superscript and ``_`` a subscript,
each followed by ``{…}`` (anything but braces: ``δ^{x,l}``), ``(…)`` (``a^(l−1)``) or a run of letters
and digits (``w^3_24``, ``w^2_12,406``); ``*{…}`` the bold, sign-coloured result of an equation;
``~{…}`` a small grey note; a newline a line break. ``to_html`` renders it as Qt rich text,
``to_plain`` as Unicode text (``δ²₃``) for tests, the clipboard and accessibility.

**Indices.** Every index shown is the book's, counted from 1: the layer l (1 = input) and the neurons
j and k (w^3_24 is the weight from the 4th neuron of layer 2 to the 2nd neuron of layer 3). The
helpers take 0-based array indices and add 1 only when they write text.

**Numbers.** ``number`` prints every value of the window: significant digits, a real minus sign, and
×10ⁿ outside 0.001 … 10⁵; ``equation_number`` is the equation panel's finer style.
"""

from __future__ import annotations

import functools
import html
import math
import re

# --------------------------------------------------------------------------- superscripts and subscripts

_SUP = dict(zip("0123456789+−-()=nilLTxkj", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾⁼ⁿⁱˡᴸᵀˣᵏʲ"))
_SUB = dict(zip("0123456789+−-()=aeoxhklmnpstj", "₀₁₂₃₄₅₆₇₈₉₊₋₋₍₎₌ₐₑₒₓₕₖₗₘₙₚₛₜⱼ"))


def superscript(text: object) -> str | None:
    """``text`` in Unicode superscript characters ('12' → '¹²', '-5' → '⁻⁵'); None if one has none."""
    s = str(text)
    return "".join(_SUP[c] for c in s) if all(c in _SUP for c in s) else None


def subscript(text: object) -> str | None:
    """``text`` in Unicode subscript characters ('24' → '₂₄'; commas kept); None if one has none."""
    s = str(text)
    return "".join(_SUB.get(c, c) for c in s) if all(c in _SUB or c == "," for c in s) else None


def layer_sup(l: int) -> str:
    """A layer number as superscript digits: 2 → '²', 12 → '¹²'."""
    return superscript(int(l)) or str(l)


# --------------------------------------------------------------------------- indices and symbols

def shown(i: int) -> int:
    """The book's 1-based neuron number of 0-based array index ``i``."""
    return int(i) + 1


def indices(*idx: int | str) -> str:
    """Subscript text for array indices (ints, shown from 1 like the book) and letters (str, as they are).

    ``indices(1, 3)`` → '24'; written together while every part is one character, else with commas:
    ``indices(11, 405)`` → '12,406', ``indices(9, 'k')`` → '10,k'.
    """
    parts = [i if isinstance(i, str) else str(shown(i)) for i in idx]
    return ("" if all(len(p) == 1 for p in parts) else ",").join(parts)


def sym(base: str, l: int | str, *idx: int | str) -> str:
    """A symbol in markup from array indices: sym('w', 3, 1, 3) → 'w^3_24'; sym('δ', 3, 0) → 'δ^3_1';
    sym('w', 2, 11, 405) → 'w^2_12,406'; sym('w', 3, 1, 'k') → 'w^3_2k'; sym('a', 'l−1') → 'a^(l−1)'."""
    s = str(l)
    sup = f"^{s}" if len(s) == 1 or s.isalnum() else f"^({s})"
    return f"{base}{sup}" + (f"_{indices(*idx)}" if idx else "")


def prime_name(act) -> str:
    """How the derivative of an activation is written: σ' for sigmoid, tanh' and ReLU' otherwise."""
    return "σ'" if act.name == "sigmoid" else f"{act.symbol}'"


# --------------------------------------------------------------------------- markup

_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|\(([^()]*)\)|([0-9A-Za-z]+(?:,[0-9A-Za-z]+)*))")
_BOLD = re.compile(r"\*\{([^{}]*)\}")
_NOTE = re.compile(r"~\{([^{}]*)\}")
_LETTER = re.compile(r"(?<![A-Za-z&#])([A-Za-z])(?![A-Za-z;])")


def _script_body(m: re.Match) -> str:
    return next(g for g in (m.group(2), m.group(3), m.group(4)) if g is not None)


def _plain_script(m: re.Match) -> str:
    mark, body = m.group(1), _script_body(m)
    text = superscript(body) if mark == "^" else subscript(body)
    if text is not None:
        return text
    return f"{mark}({body})" if len(body) > 1 else f"{mark}{body}"


def to_plain(markup: str) -> str:
    """Markup → plain Unicode: ``δ^{2}_{3}`` → ``δ²₃``, ``w^3_24`` → ``w³₂₄``; a newline → `` ; ``."""
    text = _SCRIPT.sub(_plain_script, markup)
    text = _BOLD.sub(lambda m: m.group(1), text)
    text = _NOTE.sub(lambda m: m.group(1), text)
    return text.replace("\n", " ; ")


def _italic(text: str) -> str:
    return _LETTER.sub(r"<i>\1</i>", text)


def to_html(markup: str, italic: bool = True, positive: tuple = (30, 100, 200), negative: tuple = (200, 90, 30),
            muted: str = "#777") -> str:
    """Markup → Qt rich text: ``<sup>``/``<sub>``, single-letter variables in italics (``italic``), the
    ``*{…}`` result in bold in the colour of its sign (``positive``/``negative`` RGB, darkened), ``~{…}``
    small in ``muted``. Text is escaped; runs of spaces are kept."""
    keep = _italic if italic else (lambda s: s)
    out = []
    pos = 0
    for m in _SCRIPT.finditer(markup):
        out.append(keep(html.escape(markup[pos:m.start()], quote=False)))
        body = html.escape(_script_body(m), quote=False)
        body = body if body == "T" else keep(body)
        tag = "sup" if m.group(1) == "^" else "sub"
        out.append(f"<{tag}>{body}</{tag}>")
        pos = m.end()
    out.append(keep(html.escape(markup[pos:], quote=False)))
    text = "".join(out)

    def bold(m: re.Match) -> str:
        body = m.group(1)
        rgb = negative if body.lstrip().startswith("−") else positive
        dark = tuple(int(c * 0.8) for c in rgb)
        return f"<b style='color:rgb{dark}'>{body}</b>"

    text = _BOLD.sub(bold, text)
    text = _NOTE.sub(lambda m: f"<span style='color:{muted}; font-size:small'>{m.group(1)}</span>", text)
    text = re.sub(r"  +", lambda m: "&nbsp;" * len(m.group(0)), text)
    return text.replace("\n", "<br>")



def themed_html(markup: str) -> str:
    """``to_html`` in the current theme's colours (a result in its sign's colour, a note in its muted grey):
    the light defaults are dark blue and brown, unreadable on the dark presentation theme."""
    from visualbp.gui import theme

    th = theme.current()
    return _themed(markup, th.positive, th.negative, th.muted)


@functools.lru_cache(maxsize=256)
def _themed(markup: str, positive: tuple, negative: tuple, muted: str) -> str:
    """Kept: a live tick shows the same equations again (a minibatch's update, ~0.4 ms to mark up)."""
    return to_html(markup, positive=positive, negative=negative, muted=muted)


def notation_html(text: str) -> str:
    """Markup as HTML for labels and hover cards: scripts as ``<sup>``/``<sub>``, letters upright."""
    return to_html(text, italic=False)


# --------------------------------------------------------------------------- numbers

def number(value: float | None, digits: int = 3) -> str:
    """A value as the window prints it: ``digits`` significant digits, a real minus sign, ×10ⁿ outside
    0.001 … 10⁵ (``2.50×10⁻⁵``); whole numbers bare (2, η = 3) and whole numbers above 10^digits in full
    (12346); a value that only rounds to a whole number keeps its zeros (0.99999 → 1.00); '—' if unknown."""
    if value is None:
        return "—"
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 1e5:
        s = format(v, f".{digits}g")
        if "e" in s:  # more whole digits than ``digits``: 'g' would switch to 1.235e+04
            s = format(v, ".0f")
        elif v != round(v) and float(s) == round(float(s)):
            s = format(v, f"#.{digits}g").rstrip(".")
    else:
        mantissa, exponent = f"{v:.{max(digits, 1) - 1}e}".split("e")
        s = f"{mantissa}×10{superscript(int(exponent))}"
    return s.replace("-", "−")


def equation_number(value: float | None) -> str:
    """The equation panel's numbers: 4 significant digits from 1 up, 3 below (so both show ~3 decimals)."""
    if value is None:
        return "—"
    v = float(value)
    return number(v, 4 if math.isfinite(v) and abs(v) >= 1 else 3)


def signed_term(value: float) -> str:
    """``+ 0.2`` or ``− 0.2``: a term added to a sum."""
    text = equation_number(value)
    return f"− {text[1:]}" if text.startswith("−") else f"+ {text}"
