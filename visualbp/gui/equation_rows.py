"""The equation panel's side list: one row per equation of backpropagation (its name and general form), and the
panel's way of writing markup (``to_html``) and of setting a style sheet only when it changes (``set_sheet``)."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from visualbp.gui import theme
from visualbp.gui.equation_fit import floored, side_scale
from visualbp.gui.equation_fit import math_font as _math_font
from visualbp.gui.notation import themed_html as to_html  # the panel's markup: the theme's colours


def set_sheet(widget: QWidget, sheet: str) -> None:
    """``widget.setStyleSheet(sheet)`` unless it has it already (each call re-polishes the widget: a live tick
    repeats the same colours)."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


class EquationRow(QFrame):
    """One entry of the side list: a name and its general equation; click for a one-line explanation."""

    clicked = pyqtSignal(str)

    def __init__(self, key: str, title: str, markup: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("equationRow")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(explanation)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 2, 6, 2)
        lay.setSpacing(6)
        self._markup = markup
        self.name = QLabel(title)
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setToolTip(explanation)
        lay.addWidget(self.name)
        lay.addWidget(self.formula, 1)
        self.active = False
        self._strong = True
        self._look: tuple | None = None  # (active, strong, theme) the row is styled for
        self.apply_theme()

    def apply_theme(self) -> None:
        """Type sized and coloured by ``theme.current()`` (larger in presentation mode)."""
        k = side_scale()
        self.name.setMinimumWidth(round(86 * k))
        self.formula.setFont(_math_font(floored(round(10.5 * k, 2))))
        self.formula.setText(to_html(self._markup))
        self._look = None
        self.set_active(self.active, self._strong)

    def set_active(self, active: bool, strong: bool = True) -> None:
        th = theme.current()
        self.active = active
        self._strong = strong
        if self._look == (active, strong, th):  # as drawn: every live tick asks again, and style sheets cost
            return
        self._look = (active, strong, th)
        if active:
            bg = th.highlight if strong else th.panel
            accent = "rgb({},{},{})".format(*th.positive)
            self.setStyleSheet(f"#equationRow {{ background: {bg}; border-left: 4px solid {accent}; }}")
        else:
            self.setStyleSheet("#equationRow { background: transparent; border-left: 4px solid transparent; }")
        color = th.text if active else th.muted  # the name's size is the application font's (presentation: grown)
        self.name.setStyleSheet(f"color: {color}; font-weight: {'bold' if active else 'normal'};")

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.key)
            event.accept()
            return
        super().mousePressEvent(event)
