"""The setup panel's parts: a field with its message under it, the form rows, the choices, and the rule each
typed field is read with (``visualbp.core.limits``: the same bounds and messages as the command line and the
core)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from visualbp.core import limits
from visualbp.gui.field_marks import error_label, mark, style_error_label

#: The dataset combo: key (SessionConfig.dataset), label.
DATASETS: tuple[tuple[str, str], ...] = (
    ("moons", "moons"),
    ("circles", "circles"),
    ("xor", "XOR"),
    ("spiral", "spiral"),
    ("digits", "digits 8×8"),
    ("mnist", "MNIST 28×28"),
    ("sine", "sine (regression)"),
    ("cubic", "cubic (regression)"),
)
OPEN_FILE = "open"  # the combo's "Open file…" entry
ACTIVATIONS = (("sigmoid", "sigmoid σ"), ("tanh", "tanh"), ("relu", "ReLU"), ("linear", "linear f(z) = z"),
               ("softplus", "softplus"), ("leaky-relu", "leaky ReLU"))  # core.activations.ACTIVATIONS
COSTS = (("quadratic", "quadratic"), ("cross-entropy", "cross-entropy"))
INITS = (("standard", "standard N(0, 1)"), ("scaled", "scaled N(0, 1/n_in)"),
         ("blank", "blank: all 0, type them"))  # edits by hand: double-click a weight, a bias or an input

#: field key → the limit that reads its text (``limits.*.parse``)
LIMITS: dict[str, limits.WholeLimit | limits.RealLimit] = {
    "eta": limits.ETA, "mini_batch_size": limits.MINI_BATCH, "epochs": limits.EPOCHS, "lmbda": limits.LMBDA,
    "seed": limits.SEED, "points": limits.POINTS, "noise": limits.NOISE, "val_fraction": limits.VAL_FRACTION,
}
MAX_NOISE = limits.NOISE.high


def fmt(v: float) -> str:
    """The shortest text that reads back as exactly ``v`` ('3', '0.1', '1e+300'): Apply never rounds a value."""
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


def range_tip(limit: limits.WholeLimit | limits.RealLimit) -> str:
    """'(4 … 1,000,000)', '(0 … 100)': a field's bounds for its tooltip."""
    if isinstance(limit, limits.WholeLimit):
        return f"({limit.low:,} … {limit.high:,})"
    return f"({limit.low:g} … {limit.high:g})"


class Field(QWidget):
    """An input widget with a message label under it for what is wrong with it."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        self.error = error_label()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(widget)
        lay.addWidget(self.error)

    def apply_theme(self) -> None:
        style_error_label(self.error)

    def set_error(self, message: str | None) -> None:
        mark(self.widget, self.error, message)


def form(box: QGroupBox) -> QFormLayout:
    """The form of one group: labels left, fields growing."""
    layout = QFormLayout(box)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    layout.setContentsMargins(8, 6, 8, 6)
    layout.setHorizontalSpacing(8)
    layout.setVerticalSpacing(5)
    return layout


def row_label(text: str) -> QLabel:
    label = QLabel(text)
    # one label column width in all three groups: the widest label's
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance("Minibatch m") + 6)
    return label


def line_edit(tip: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setToolTip(tip)
    edit.setMinimumWidth(60)
    return edit


def combo(items: tuple[tuple[str, str], ...], tip: str) -> QComboBox:
    box = QComboBox()
    for key, label in items:
        box.addItem(label, key)
    box.setToolTip(tip)
    return box
