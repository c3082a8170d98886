"""The status line: one line that fits the window's width, its whole text in the tooltip.

The session's status reads most important first: "BP4 (gradients) · layer l=2 · example 2/4 · minibatch 1 ·
epoch 1", or "… — done. Next: epoch 3, minibatch 1 of 800, example 1". Where the window is too narrow for it
(a 1024×768 projector at the hall's type size) the line gives way from its end: first the asides in
parentheses go, then the last part (after the last " · " or " — ") is elided in its middle, and a part with no
room left for a few letters goes entirely, the one before it elided instead. Nothing is cut at the right edge.
"""

from __future__ import annotations

import re

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFontMetrics
from PyQt6.QtWidgets import QLabel

#: Where the status's parts meet, least important last.
_SEPARATORS = re.compile(r"( · | — |: |, |\. )")
#: A part elided to fewer letters than this goes entirely (a short part is shown whole or not at all).
MIN_LETTERS = 12


def fitted_status(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` shortened to ``width`` pixels in ``metrics``' font: asides in parentheses dropped, then the
    least important (last) part elided in its middle, or dropped with the part before it elided."""
    if width <= 0 or metrics.horizontalAdvance(text) <= width:
        return text
    short = re.sub(r" \([^()]*\)", "", text)
    if metrics.horizontalAdvance(short) <= width:
        return short
    pieces = _SEPARATORS.split(short)
    parts, seps = pieces[0::2], pieces[1::2]
    for n in range(len(parts), 0, -1):  # the first n parts, the n-th elided; the ones after it dropped
        head = "".join(p + s for p, s in zip(parts[:n - 1], seps))
        tail = "" if n == len(parts) else seps[n - 1].rstrip() + " …"
        room = width - metrics.horizontalAdvance(head + tail)
        last = metrics.elidedText(parts[n - 1], Qt.TextElideMode.ElideMiddle, room) if room > 0 else ""
        if len(last.replace("…", "")) >= min(MIN_LETTERS, len(parts[n - 1])):
            return head + last + tail
    return metrics.elidedText(short, Qt.TextElideMode.ElideRight, width)


class StatusLine(QLabel):
    """A label that shows the status fitted to its width (``fitted_status``): ``text`` is what was set, as for
    any label, ``shown_text`` what it shows. Wrapped (a lesson's paragraph, see visualbp.app.show_description),
    it shows the whole text."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""

    def setText(self, text: str | None) -> None:  # noqa: N802 (Qt name)
        self._full = text or ""
        self._fit()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """The words on screen: ``text`` fitted to the width."""
        return super().text()

    def setWordWrap(self, on: bool) -> None:  # noqa: N802 (Qt name)
        super().setWordWrap(on)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event is not None and event.type() == event.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        if self.wordWrap() or not self.isVisible():
            shown = self._full
        else:
            margins = self.contentsMargins()
            room = self.width() - margins.left() - margins.right() - 2 * self.margin() - 2
            shown = fitted_status(self._full, self.fontMetrics(), room)
        if shown != super().text():
            super().setText(shown)
