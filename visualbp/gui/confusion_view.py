"""The confusion matrix of ``core.mistakes`` as a table: a row per true class, a column per class the network
said, each cell the number of validation examples, shaded by its share of the row (the diagonal, right, in
the theme's positive colour; the rest, mistakes, in its negative one). Clicking a cell emits ``cellChosen``
(true, predicted): the Mistakes panel then lists those examples.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableWidget, QTableWidgetItem

from visualbp.gui import theme as T

#: Height of a row in pixels; the columns share the width (at least NARROWEST each: a count up to 999 fits).
CELL, NARROWEST = 22, 24
#: Most rows shown at once (more classes scroll).
ROWS_SHOWN = 12


def _mix(rgb: tuple[int, int, int], base: QColor, t: float) -> QColor:
    """``t`` of ``rgb`` over ``base`` (t in 0…1)."""
    return QColor(*(round(t * c + (1 - t) * b) for c, b in zip(rgb, (base.red(), base.green(), base.blue()))))


class ConfusionTable(QTableWidget):
    """Counts [true, predicted] with class names as headers; a click on a cell chooses it."""

    cellChosen = pyqtSignal(int, int)  # (true class, predicted class)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        columns, rows = self._header(True), self._header(False)
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        columns.setMinimumSectionSize(NARROWEST)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(CELL)
        rows.setDefaultSectionSize(CELL)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the columns share the width
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # '172' in a narrow column, not '1…'
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
        self.setToolTip("Rows: the true class · columns: the class the network said · click a cell for its "
                        "examples")
        self.cellClicked.connect(lambda row, col: self.cellChosen.emit(row, col))

    def _header(self, columns: bool) -> QHeaderView:
        header = self.horizontalHeader() if columns else self.verticalHeader()
        assert header is not None  # a QTableWidget always has both
        return header

    def show_matrix(self, confusion: np.ndarray, names: list[str]) -> None:
        """Fill the table with ``confusion`` (n × n counts) under ``names``."""
        n = len(confusion)
        self.setRowCount(n)
        self.setColumnCount(n)
        self.setVerticalHeaderLabels([f"{name} " for name in names])
        self.setHorizontalHeaderLabels(names)
        theme = T.current()
        base = QColor(theme.panel)
        totals = confusion.sum(axis=1)
        for i in range(n):
            for j in range(n):
                count = int(confusion[i, j])
                item = QTableWidgetItem(f"{count:,}" if count else "·")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                share = count / totals[i] if totals[i] else 0.0
                hue = theme.positive if i == j else theme.negative
                item.setBackground(_mix(hue, base, 0.15 + 0.75 * share if count else 0.0))
                item.setForeground(QColor("white") if share > 0.55 else QColor(theme.text))
                item.setToolTip(f"true {names[i]}, said {names[j]}: {count:,} of {int(totals[i]):,} "
                                f"({100 * share:.0f} %) · click to list them")
                self.setItem(i, j, item)
        frame = 2 * self.frameWidth()
        self.setFixedHeight(self._header(True).sizeHint().height() + min(n, ROWS_SHOWN) * CELL + frame)
