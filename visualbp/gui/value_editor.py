"""The small editor over the graph for typing a weight w^l_jk, a bias b^l_j or an input x_k by hand.

Double-click an edge (its weight), a neuron (its bias; an input neuron: its x_k), or choose Step ▸ Edit value…
(F2) for the selected neuron: the editor opens beside it, prefilled with the value now (every digit, so
Enter on it changes nothing). Enter applies through ``Session.edit`` (one step of the history: ← undoes it),
Esc cancels; a value the core refuses shows its message under the field and the editor stays open. For a
neuron of layer l ≥ 2 a list offers its bias and each incoming weight, so every value is reachable from the
keyboard. Parsing, checking and the edit itself are ``visualbp.core.edits``'; this only asks and shows.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, QPoint, Qt, pyqtSignal
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from visualbp.core import edits, limits
from visualbp.gui import theme as T
from visualbp.gui.field_marks import (
    error_label,
    invalid_frame_css,
    mark,
    style_error_label,
)
from visualbp.gui.notation import notation_html, shown, sym, to_plain

#: Incoming weights the list offers, at most (a double-click on an edge reaches any weight).
MAX_CHOICES = 64

Where = tuple[str, int, int, int]  # (target, l, j, k), 0-based j and k


def hit_target(hit: tuple | None) -> Where | None:
    """What a double-click on a graph hit edits: an edge its weight, a neuron its bias, an input its x_k."""
    if hit is None:
        return None
    if hit[0] in ("edge", "rf"):
        return ("w", hit[1], hit[2], hit[3])
    if hit[0] == "pixel" or (hit[0] == "neuron" and hit[1] == 1):
        return ("x", 1, 0, hit[2])
    if hit[0] == "neuron":
        return ("b", hit[1], hit[2], 0)
    return None


def label(where: Where, row: int | None = None) -> str:
    """The quantity in markup with what it is: 'w^3_21 · from neuron 1 of layer 2 to neuron 2 of layer 3';
    an input names its training example ``row`` (0-based)."""
    target, l, j, k = where
    if target == "w":
        return f"{sym('w', l, j, k)} · from neuron {shown(k)} of layer {l - 1} to neuron {shown(j)} of layer {l}"
    if target == "b":
        return f"{sym('b', l, j)} · the bias of neuron {shown(j)} of layer {l}"
    if row is None:
        raise ValueError("an input's label names its training example: give row")
    return f"x_{shown(k)} · input {shown(k)} of training example {row + 1}, the one being stepped (or the next)"


class ValueEditor(QFrame):
    """Type one value of ``session``'s network; a child of the graph's widget, shown over it."""

    closed = pyqtSignal()  # applied or cancelled

    def __init__(self, session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("valueEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.choice = QComboBox()
        self.choice.setToolTip("Which value of this neuron to type: its bias or one of its incoming weights")
        self.field = QLineEdit()
        self.field.setMinimumWidth(160)
        self.field.setToolTip(f"A decimal or a fraction (1/2, −3/4, -0.25), within ±{limits.MAX_TYPED_VALUE:,}")
        self.message = error_label()
        self.hint = QLabel("Enter applies · Esc cancels · ← undoes · fractions such as 1/2 or −3/4")
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.choice)
        row.addWidget(self.field, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        lay.addWidget(self.title)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(self.hint)
        self._choices: list[Where] = []
        self.where: Where | None = None
        self.field.returnPressed.connect(self.apply)
        self.field.installEventFilter(self)
        self.choice.installEventFilter(self)
        self.choice.currentIndexChanged.connect(self._on_choice)
        session.networkChanged.connect(self.cancel)
        self.setVisible(False)

    # ------------------------------------------------------------- opening
    def open_at(self, where: Where, at: QPoint | None = None) -> None:
        """Open for ``where`` (target, l, j, k), its top-left near ``at`` (parent coordinates)."""
        target, l, j, _ = where
        edits.current_value(self.session.engine, *where)  # ValueError if it does not exist
        if target == "x":
            choices = [where]
        else:
            n_in = self.session.net.sizes[l - 2]
            choices = [("b", l, j, 0)] + [("w", l, j, kk) for kk in range(min(n_in, MAX_CHOICES))]
            if where not in choices:
                choices.append(where)
        self._choices = choices
        self.choice.blockSignals(True)
        self.choice.clear()
        for c in choices:
            self.choice.addItem(to_plain(sym(c[0], c[1], c[2], c[3]) if c[0] == "w" else sym(c[0], c[1], c[2])))
        self.choice.setCurrentIndex(choices.index(where))
        self.choice.blockSignals(False)
        self.choice.setVisible(len(choices) > 1)
        self._style()
        self._show(where)
        self.adjustSize()
        self._place(at)
        self.setVisible(True)
        self.raise_()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show(self, where: Where) -> None:
        self.where = where
        row = edits.input_row(self.session.engine) if where[0] == "x" else None
        self.title.setText(notation_html(label(where, row)))
        self.field.setText(repr(edits.current_value(self.session.engine, *where)))
        self.field.selectAll()
        mark(self.field, self.message, None)

    def _on_choice(self, index: int) -> None:
        if 0 <= index < len(self._choices):
            self._show(self._choices[index])
            self.adjustSize()

    def _place(self, at: QPoint | None) -> None:
        parent = self.parentWidget()
        if at is None:
            at = QPoint((parent.width() - self.width()) // 2, (parent.height() - self.height()) // 2)
        x = min(max(0, at.x() + 12), max(0, parent.width() - self.width()))
        y = min(max(0, at.y() + 12), max(0, parent.height() - self.height()))
        self.move(x, y)

    def _style(self) -> None:
        t = T.current()
        self.setStyleSheet(f"#valueEditor {{ background: {t.background}; border: 1px solid {t.muted}; "
                           f"border-radius: 4px; }}" + invalid_frame_css("QLineEdit"))
        style_error_label(self.message)
        self.hint.setStyleSheet(f"color: {t.muted}; font-size: {T.pt(8):g}pt;")

    # ------------------------------------------------------------- applying
    def apply(self) -> bool:
        """Apply the typed value (Enter). True if the editor closed: applied, or the same value as now."""
        if self.where is None:
            return False
        text = self.field.text()
        try:
            if limits.parse_typed_value(text) == edits.current_value(self.session.engine, *self.where):
                self.cancel()  # nothing to change: no step
                return True
            self.session.edit(*self.where, text)
        except ValueError as exc:
            mark(self.field, self.message, str(exc))
            self.adjustSize()
            self.field.setFocus()
            self.field.selectAll()
            return False
        self.cancel()
        return True

    def cancel(self) -> None:
        """Close without a change (Esc)."""
        was = self.isVisible()
        self.setVisible(False)
        self.where = None
        if was:
            self.closed.emit()
            if self.parentWidget() is not None:
                self.parentWidget().setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Escape:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # Esc is this editor's, not presentation mode's
            else:
                self.cancel()
            return True
        return False
