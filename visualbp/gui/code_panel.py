"""The code in lockstep: the algorithm as Python, the lines the current step executed highlighted, and the
values of the variables those lines set (shape and numbers). Every step, ← and a new network move it along.

What is shown is ``visualbp.core.code_trace``'s: this panel only formats it. A whole-minibatch step shows the
fully matrix-based listing (X with one example per column).
"""

from __future__ import annotations

import html
import textwrap

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QFont, QFontDatabase, QTextCharFormat, QTextCursor, QTextFormat
from PyQt6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QScrollArea, QSplitter, QTextEdit, QVBoxLayout, QWidget

from visualbp.core.code_trace import EXAMPLE_CODE, MATRIX_CODE, Trace, Variable, trace
from visualbp.gui import theme as T
from visualbp.gui.notation import number

#: Vectors longer than this show their first entries and "…".
SHOWN_ENTRIES = 8


def value_text(v: Variable) -> str:
    """'(4, 1)  [0.12, −0.5, …]' for an array, '3' for a number (the GUI's formatting of the core's values)."""
    value = v.value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        return number(float(a))
    flat = a.ravel()
    entries = ", ".join(number(float(x)) for x in flat[:SHOWN_ENTRIES])
    more = ", …" if flat.size > SHOWN_ENTRIES else ""
    shape = "×".join(str(n) for n in a.shape)
    return f"{shape}  [{entries}{more}]"


def wrap_code(code: str, columns: int) -> tuple[str, list[int]]:
    """``code`` with each line longer than ``columns`` broken between words, its continuations indented four
    places past the line's own indent (a hanging indent, so a wrapped statement still reads as one), and the
    first display line of each line of ``code``."""
    shown: list[str] = []
    first: list[int] = []
    for line in code.splitlines():
        first.append(len(shown))
        lead = len(line) - len(line.lstrip(" "))
        hang = " " * (lead + 4)
        if len(line) <= columns or columns <= len(hang) + 8:  # too narrow to hang: one line, as it is
            shown.append(line)
            continue
        shown += textwrap.wrap(line, columns, subsequent_indent=hang, break_on_hyphens=False,
                               replace_whitespace=False) or [line]
    return "\n".join(shown), first


class CodePanel(QWidget):
    """The listing with the current step's lines highlighted, and the variables they set."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.trace: Trace = trace(None)
        self._stale = True
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.listing = QPlainTextEdit()
        self.listing.setReadOnly(True)
        self.listing.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.listing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.variables_label = QLabel()
        self.variables_label.setTextFormat(Qt.TextFormat.RichText)
        self.variables_label.setWordWrap(True)
        self.variables_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.variables_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.listing)
        self.values = values = QScrollArea()  # a short pane scrolls the values rather than cutting their lines
        values.setWidget(self.variables_label)
        values.setWidgetResizable(True)
        values.setFrameShape(QFrame.Shape.NoFrame)
        split.addWidget(values)
        self._strip = False
        self._first: list[int] | None = None  # in the strip: each code line's first display line (wrap_code)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.heading)
        lay.addWidget(split, 1)
        self._style()
        for signal in (session.stepTaken, session.networkChanged):
            signal.connect(self.refresh)
        T.notifier().changed.connect(self._on_theme)
        self.refresh()

    def _style(self) -> None:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(8.0, T.pt(9.5)))
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.listing.setFont(font)

    def _on_theme(self, *_args) -> None:
        self._style()
        self.refresh()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self._strip:  # a new width: the long lines wrapped again to it
            self._show_listing()
        else:  # (the strip cuts the listing to whole lines; it is centred at each step)
            self._scroll_to_lines()  # the lines that ran stay in view when the panel is made smaller

    # ----------------------------------------------------------------- presentation mode's strip
    def set_strip(self, on: bool) -> None:
        """In presentation mode's strip (visualbp.gui.strip_fit) nothing scrolls: the listing wraps its long
        lines with a hanging indent (wrap_code) and keeps the lines that ran in its middle, the values take the
        height they need."""
        self._strip = on
        off = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        for area in (self.listing, self.values):
            area.setVerticalScrollBarPolicy(off)
            area.setHorizontalScrollBarPolicy(off)
        self._show_listing()
        if not on:
            self.values.setMinimumHeight(0)
            self.values.setMaximumHeight(16777215)
        self._scroll_to_lines()

    def strip_parts(self) -> list[QWidget]:
        """Given up in the strip, first to last: the heading (the equation panel says the step too), then
        the values."""
        return [self.heading, self.values]

    def strip_views(self) -> list[QPlainTextEdit]:
        return [self.listing]

    def strip_prepare(self, width: int) -> None:
        """The values' pane exactly as tall as their lines at the strip's ``width``."""
        margins = self.layout().contentsMargins()
        inner = width - margins.left() - margins.right()
        self.values.setFixedHeight(self.variables_label.heightForWidth(inner) if self.variables_label.text() else 0)

    def strip_settled(self) -> None:
        """The strip has sized the listing: wrapped to its width, the lines that ran in its middle."""
        self._show_listing()
        self._scroll_to_lines()

    def strip_more(self) -> str:
        """The whole listing, the lines that ran marked ▶ (the strip shows the lines around them)."""
        ran = set(self.trace.lines)
        return "\n".join(("▶ " if n in ran else "   ") + line for n, line in enumerate(self.trace.code.splitlines()))

    def preferred_width(self) -> int:
        """Room for the listing's longest line (the Teach menu sizes the dock to it, within reason)."""
        metrics = self.listing.fontMetrics()
        longest = max(len(line) for code in (EXAMPLE_CODE, MATRIX_CODE) for line in code.splitlines())
        return metrics.horizontalAdvance("m" * (longest + 2)) + 40

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self, *_args) -> None:
        """Follow the session's last step: the listing, its highlighted lines, the variables (while hidden, only
        noted: the panel catches up when it is shown)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self.trace = t = trace(self.session.engine.last_record)
        self._show_listing()
        record = self.session.engine.last_record
        if record is None:
            self.heading.setText("Press → to step: the line each step runs is highlighted here.")
        elif t.matrix:
            self.heading.setText("A whole minibatch in one matrix pass (the window's minibatch step): "
                                 "column x of X is example x; ⊙ σ'(Z) is the book's Σ'(z) form.")
        else:
            self.heading.setText(f"{record.describe()}: the highlighted lines ran.")
        self._highlight(t.lines)
        self.variables_label.setText(self._variables_html(t))

    def _show_listing(self) -> None:
        """The trace's code in the listing: as it is, or in the strip wrapped to the listing's width (then the
        highlight is laid again on the lines as now shown)."""
        code, self._first = self.trace.code, None
        if self._strip:
            room = self.listing.viewport().width() - 2 * round(self.listing.document().documentMargin())
            columns = max(1, room // max(1, self.listing.fontMetrics().horizontalAdvance(" ")))
            code, self._first = wrap_code(code, columns)
        if self.listing.toPlainText() != code:
            self.listing.setPlainText(code)
            self._highlight(self.trace.lines)

    def highlighted_lines(self) -> list[int]:
        """The 0-based numbers of the highlighted lines (what a person sees marked)."""
        return [s.cursor.blockNumber() for s in self.listing.extraSelections()]

    def _highlight(self, lines: tuple[int, ...]) -> None:
        doc = self.listing.document()
        selections = []
        colour = QColor(T.current().highlight)
        shown = list(lines)
        if self._first is not None:  # a wrapped line: each of its display lines
            ends = [*self._first[1:], doc.blockCount()]
            shown = [d for n in lines if n < len(ends) for d in range(self._first[n], ends[n])]
        for n in shown:
            block = doc.findBlockByNumber(n)
            if not block.isValid():
                continue
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(colour)
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            sel.format = fmt
            sel.cursor = QTextCursor(block)
            selections.append(sel)
        self.listing.setExtraSelections(selections)
        self._scroll_to_lines()

    def _scroll_to_lines(self) -> None:
        """The first of the lines that ran scrolled into view."""
        if not self.trace.lines:
            return
        n = self.trace.lines[0]
        if self._first is not None:
            n = self._first[n] if n < len(self._first) else n
        block = self.listing.document().findBlockByNumber(n)
        if block.isValid():
            self.listing.setTextCursor(QTextCursor(block))
            if self._strip:  # the lines around it in view: nobody scrolls the strip
                self.listing.centerCursor()
            else:
                self.listing.ensureCursorVisible()

    def _variables_html(self, t: Trace) -> str:
        if not t.variables:
            return ""
        muted = T.current().muted
        rows = "".join(f"<tr><td style='padding-right:10px'><code>{html.escape(v.name)}</code></td>"
                       f"<td><code>{html.escape(value_text(v))}</code></td></tr>" for v in t.variables)
        return f"<div style='color:{muted}'>set by the highlighted lines:</div><table>{rows}</table>"
