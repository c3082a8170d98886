"""Presentation mode's type rules for the equation panel: nothing below the hall's floor, and where the step's
text still does not fit the panel, the lecturer's paragraph is what gives way — cut at a word, at a line's end,
with an ellipsis (the whole of it in its tooltip and in the presenter view) — never the audience's math.

Outside presentation mode these rules do nothing: the laptop's panel shrinks and scrolls as it always did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QBoxLayout, QLabel

from visualbp.gui import theme

#: Math-looking serif fonts, best first; Qt falls back along the list.
MATH_FAMILIES = ["Cambria Math", "STIX Two Math", "STIX Two Text", "STIXGeneral", "STIX",
                 "Latin Modern Math", "DejaVu Serif", "serif"]
#: Presentation mode: the narration goes beside the math from this width of the step's text (1280×720 and wider).
COLUMNS_WIDTH = 860
#: The shares of that width the narration's column takes, widest first: the widest the math leaves room for.
NARRATION_SHARES = (0.5, 0.4)
#: How much smaller a ~{…} note is than the line it stands in (Qt's "small").
NOTE_SHARE = 0.83
#: The ellipsis that ends a cut paragraph.
ELLIPSIS = " …"


def side_scale() -> float:
    """The side list's type scale: half of the theme's growth (presentation mode keeps room for the step)."""
    return 1.0 + (theme.scale() - 1.0) / 2


def math_font(point_size: float, bold: bool = False) -> QFont:
    """The serif font the equations are typeset in, at ``point_size``."""
    font = QFont()
    font.setFamilies(MATH_FAMILIES)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    font.setStyleHint(QFont.StyleHint.Serif)
    return font


def presenting() -> bool:
    """True while the theme's type is larger than the light theme's (presentation mode)."""
    return theme.scale() > 1.0


def floored(point_size: float) -> float:
    """``point_size`` (in the current theme's type), never below the smallest text presentation mode allows."""
    return max(point_size, theme.smallest_pt()) if presenting() else point_size


def notes_sized(html: str, line_pt: float) -> str:
    """Rich text whose ~{…} notes (``font-size:small``) are NOTE_SHARE of ``line_pt`` — in presentation mode
    never below the floor; outside it, as they were."""
    if not presenting():
        return html
    return html.replace("font-size:small", f"font-size:{floored(round(NOTE_SHARE * line_pt, 2)):g}pt")


def cut_to_height(label: QLabel, words: str, render: Callable[[str], str], width: int, height: int) -> bool:
    """Show in ``label`` (word-wrapped, ``width`` wide) the longest start of ``words`` that fits ``height``,
    cut after a whole word and ended by an ellipsis; the whole of ``words`` when it fits. ``render`` turns
    words into the label's text (rich text for a lesson's markup). Returns True when the words were cut."""
    label.setText(render(words))
    if label.heightForWidth(width) <= height:
        return False
    tokens = words.split(" ")

    def start(n: int) -> str:
        text = " ".join(tokens[:n]).rstrip(" ,;:—–-")
        return text + ELLIPSIS if text else ELLIPSIS.strip()

    def fits(n: int) -> bool:
        text = start(n)
        if text.count("~{") > text.count("}"):  # never cut inside a note's braces
            return False
        label.setText(render(text))
        return label.heightForWidth(width) <= height

    lo, hi = 0, len(tokens)  # start(lo) fits (or nothing does), start(hi) does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    label.setText(render(start(lo)))
    return True


def stacked_height(labels: Sequence[QLabel], width: int, spacing: int = 4, extra: int = 6) -> int:
    """The height ``labels`` take one under the other at ``width`` (word-wrapped ones as wrapped there), with
    ``spacing`` after each and ``extra`` more (the layout's own spacers)."""
    need = spacing * len(labels) + extra
    for label in labels:
        h = label.heightForWidth(width) if label.wordWrap() else -1
        need += h if h >= 0 else label.sizeHint().height()
    return need


def place_beside(label: QLabel, below: QBoxLayout, aside: QBoxLayout, beside: bool, width: int) -> None:
    """``label`` last in ``below`` (before its closing stretch), or (``beside``) first in ``aside``, a column
    ``width`` wide with the margins of ``below``'s right edge."""
    if (aside.indexOf(label) >= 0) != beside:
        (below if beside else aside).removeWidget(label)
        if beside:
            aside.insertWidget(0, label)
        else:
            below.insertWidget(below.count() - 1, label)
    aside.setContentsMargins(*((0, 6, 10, 6) if beside else (0, 0, 0, 0)))
    label.setMinimumWidth(width if beside else 0)
    label.setMaximumWidth(width if beside else 16777215)
