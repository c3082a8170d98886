"""Which validation examples the network gets wrong (core.mistakes): the confusion matrix (click a cell for
those examples), and the list — each as a thumbnail (image data) or its features, the true and the predicted
class, surest mistakes first; click one for its output a^L. "Step this example" (or a double click) makes it,
x and y, the next example the steps run — one step of the history, ← undoes it (``Session.draw_input``) — and
takes the next step, so the graph and the equation show its feedforward and then its δ, layer by layer.

Refreshed when the weights change while it is visible (coalesced: at most a few times a second), never
while training runs on the worker thread (its last epoch is shown until the run pauses).
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QSize, Qt, QTimer
from PyQt6.QtGui import QAction, QIcon, QImage, QPixmap
from PyQt6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from visualbp.core.mistakes import Mistake, Mistakes, mistakes
from visualbp.gui.confusion_view import ConfusionTable

#: Most mistakes listed (the count says how many there are).
LIMIT = 200
THUMB = 56


def thumbnail(x: np.ndarray, shape: tuple[int, int]) -> QPixmap:
    """An input row drawn as a grey image (dark = large), scaled to THUMB pixels without smoothing."""
    h, w = shape
    lo, hi = float(x.min()), float(x.max())
    grey = np.zeros(h * w) if hi <= lo else (x - lo) / (hi - lo)
    pixels = np.ascontiguousarray((255 - 255 * grey).reshape(h, w).astype(np.uint8))
    image = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.FastTransformation))


class MistakesPanel(QWidget):
    """The list of misclassified validation examples of ``session``'s data, for its network now."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(True)  # a narrow dock wraps a long class name rather than scrolling sideways
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail = QLabel("Click an example for its output aᴸ.")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confusion = ConfusionTable()
        self.shown_cell: tuple[int, int] | None = None  # the confusion cell listed, or None: every mistake
        self.cell_label = QLabel()
        self.cell_label.setWordWrap(True)
        self.all_button = QPushButton("All mistakes")
        self.all_button.setToolTip("List every kind of mistake again, surest first")
        self.step_button = QPushButton("Step this example")
        self.step_button.setToolTip("Make the chosen example, its x and its y, the next one the steps run (one "
                                    "step: ← undoes it), then take the next step")
        self.step_button.setEnabled(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        cell_row = QHBoxLayout()
        cell_row.addWidget(self.cell_label, 1)
        cell_row.addWidget(self.all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.confusion)
        layout.addLayout(cell_row)
        below: list[QWidget] = [self.list, self.detail, self.step_button, self.message]
        for widget in below:
            layout.addWidget(widget)
        self.result: Mistakes | None = None
        self.shown: tuple[Mistake, ...] = ()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.list.currentRowChanged.connect(self._on_row)
        self.list.itemDoubleClicked.connect(lambda _item: self.step_example())
        self.step_button.clicked.connect(lambda: self.step_example())
        self.confusion.cellChosen.connect(self.show_cell)
        self.all_button.clicked.connect(lambda: self.show_cell())
        for signal in (session.weightsChanged, session.networkChanged, session.epochsDone, session.runningChanged):
            signal.connect(self._later)
        self.refresh()

    def _later(self, *_args) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _name(self, c: int) -> str:
        names = self.session.dataset.class_names
        return names[c] if names else str(c)

    def refresh(self) -> None:
        """Recompute the mistakes for the weights now (skipped while hidden or while the worker trains)."""
        if self.session.running or (self.result is not None and not self.isVisible()):
            return
        data = self.session.dataset
        if data.is_regression:  # real targets: nothing is right or wrong, the fit's error is the measure
            self.result = None
            self.summary.setText("A regression data set has no classes to get wrong: see the fit and its "
                                 "RMS error in the plots.")
            self.list.clear()
            self.detail.setText("")
            return
        if data.n_val == 0:
            self.result = None
            self.summary.setText("No validation examples: this dataset has none held out.")
            self.shown = ()
            self.list.clear()
            self.confusion.setRowCount(0)
            self.cell_label.clear()
            self.all_button.hide()
            self.step_button.setEnabled(False)
            return
        self.result = mistakes(self.session.net, data.X_val, data.y_val, limit=LIMIT)
        r = self.result
        n = len(r.confusion)
        if self.shown_cell is not None and not all(0 <= c < n for c in self.shown_cell):
            self.shown_cell = None
        self.summary.setText(f"{r.n_wrong:,} of {r.n_rows:,} validation examples wrong "
                             f"(accuracy {100 * r.accuracy:.1f} %). Rows: true class, columns: said; "
                             "click a cell for its examples.")
        self.confusion.show_matrix(r.confusion, [self._name(c) for c in range(n)])
        self._fill_list()

    def show_cell(self, true: int | None = None, predicted: int | None = None) -> None:
        """List the examples of confusion cell [true, predicted]; with no cell, the surest mistakes."""
        self.shown_cell = None if true is None or predicted is None else (true, predicted)
        if self.result is not None:
            self._fill_list()

    def _fill_list(self) -> None:
        """The list for the cell shown: its examples, or the surest mistakes; the chosen one stays chosen."""
        r, data = self.result, self.session.dataset
        if r is None:
            return
        chosen = self.mistake(self.list.currentRow())
        if self.shown_cell is None:
            self.shown = r.wrong
            shown = f"the {len(r.wrong)} surest" if len(r.wrong) < r.n_wrong else "all"
            self.cell_label.setText(f"Listed: {shown} of the mistakes, surest first.")
        else:
            t, p = self.shown_cell
            self.shown = r.cell(t, p, LIMIT)
            count = int(r.confusion[t, p])
            kind = (f"true {self._name(t)}, said {self._name(t)} — {count:,} right, closest calls first" if t == p
                    else f"true {self._name(t)}, said {self._name(p)} — {count:,}, surest first")
            more = f" ({len(self.shown)} listed)" if len(self.shown) < count else ""
            self.cell_label.setText(f"Listed: {kind}{more}.")
        self.all_button.setVisible(self.shown_cell is not None)
        self.list.blockSignals(True)
        self.list.clear()
        for m in self.shown:
            if m.true != m.predicted:
                text = (f"#{m.index}: true {self._name(m.true)} → said {self._name(m.predicted)}\n"
                        f"aᴸ {m.a_predicted:.2f} vs {m.a_true:.2f}")
            else:
                text = f"#{m.index}: true {self._name(m.true)}, said so\naᴸ {m.a_true:.2f}"
            item = QListWidgetItem(text)
            if data.image_shape is not None:
                item.setIcon(QIcon(thumbnail(data.X_val[m.index], data.image_shape)))
            else:
                item.setToolTip("x = (" + ", ".join(f"{v:.3g}" for v in data.X_val[m.index][:8]) + ")")
            self.list.addItem(item)
        again = next((i for i, m in enumerate(self.shown) if chosen is not None and m.index == chosen.index), -1)
        self.list.setCurrentRow(again)
        self.list.blockSignals(False)
        self.step_button.setEnabled(again >= 0)
        if again < 0:
            self.detail.setText("Click an example for its output aᴸ.")
        else:
            self._on_row(again)

    def mistake(self, row: int) -> Mistake | None:
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _on_row(self, row: int) -> None:
        m = self.mistake(row)
        self.step_button.setEnabled(m is not None)
        if m is None:
            return
        x = self.session.dataset.X_val[m.index].reshape(-1, 1)
        a = self.session.net.feedforward(x).ravel()
        parts = [f"{self._name(j)}: <b>{v:.2f}</b>" if j in (m.true, m.predicted) else f"{self._name(j)}: {v:.2f}"
                 for j, v in enumerate(a)]
        self.detail.setText(f"Validation example #{m.index}, true class {self._name(m.true)}. "
                            f"Output a<sup>L</sup>: {', '.join(parts)}.")

    def step_example(self, row: int | None = None) -> bool:
        """The chosen example (``row`` of the list, default the current one), x and y, becomes the next one the
        steps run, as one step; then, stepping by layer or by example, the next step is taken."""
        m = self.mistake(self.list.currentRow() if row is None else row)
        if m is None:
            return False
        data, session = self.session.dataset, self.session
        try:
            record = session.draw_input(data.X_val[m.index], y=data.Y_val[m.index],
                                        text=f"validation example #{m.index}")
        except ValueError as exc:
            self.message.setText(str(exc))
            return False
        fine = session.granularity.value in ("layer", "example")
        then = ("→ steps on: its feedforward, then δ back through the layers" if fine else
                "set Step to layer to watch its feedforward and δ one equation at a time")
        self.message.setText(f"Validation example #{m.index} (true {self._name(m.true)}) is training example "
                             f"{record.row + 1} now, its x and its y; ← undoes it, {then}.")
        if fine:
            session.step()
        return True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._later()


def install(window) -> QDockWidget:
    """A "Mistakes" dock on ``window`` (hidden at first), in its View menu; the first time it is opened it
    becomes a tab beside the plots, in front (tabified only then: a hidden tabified dock leaves a stray tab bar,
    and a dock shown first stacked under the plots makes the window taller)."""
    dock = QDockWidget("Mistakes", window)
    dock.setObjectName("dock-mistakes")
    dock.setWidget(MistakesPanel(window.session, dock))
    dock.hide()  # before it is added: no empty space in the default layout
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    action = QAction("Mistakes", window)
    action.setCheckable(True)
    action.setToolTip("The validation examples the network gets wrong, surest first")

    def toggle(on: bool) -> None:
        if not on:
            dock.hide()
            return
        if not dock.property("placed"):
            dock.setProperty("placed", True)
            window.tabifyDockWidget(window.plots_dock, dock)
        dock.show()
        dock.raise_()

    def sync(_visible: bool) -> None:
        action.blockSignals(True)
        action.setChecked(not dock.isHidden())
        action.blockSignals(False)

    action.toggled.connect(toggle)
    dock.visibilityChanged.connect(sync)
    for menu_action in window.menuBar().actions():
        if menu_action.menu() is not None and menu_action.text().replace("&", "") == "View":
            menu_action.menu().addAction(action)
    return dock
