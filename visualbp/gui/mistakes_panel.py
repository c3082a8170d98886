"""Which validation examples the network gets wrong (core.mistakes): each as a thumbnail (image data) or its
features, the true and the predicted class, surest mistakes first; click one for its output a^L.

Refreshed when the weights change while it is visible (coalesced: at most a few times a second), never
while training runs on the worker thread (its last epoch is shown until the run pauses).
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QSize, Qt, QTimer
from PyQt6.QtGui import QAction, QIcon, QImage, QPixmap
from PyQt6.QtWidgets import QDockWidget, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from visualbp.core.mistakes import Mistake, mistakes

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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        for widget in (self.summary, self.list, self.detail):
            layout.addWidget(widget)
        self.result = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self.list.currentRowChanged.connect(self._on_row)
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
            self.list.clear()
            return
        self.result = mistakes(self.session.net, data.X_val, data.y_val, limit=LIMIT)
        r = self.result
        shown = f"the {len(r.wrong)} surest" if len(r.wrong) < r.n_wrong else "all"
        self.summary.setText(f"{r.n_wrong:,} of {r.n_rows:,} validation examples wrong "
                             f"(accuracy {100 * r.accuracy:.1f} %); {shown} below, surest first.")
        self.list.blockSignals(True)
        self.list.clear()
        for m in r.wrong:
            item = QListWidgetItem(f"#{m.index}: true {self._name(m.true)} → said {self._name(m.predicted)}\n"
                                   f"aᴸ {m.a_predicted:.2f} vs {m.a_true:.2f}")
            if data.image_shape is not None:
                item.setIcon(QIcon(thumbnail(data.X_val[m.index], data.image_shape)))
            else:
                item.setToolTip("x = (" + ", ".join(f"{v:.3g}" for v in data.X_val[m.index][:8]) + ")")
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.detail.setText("Click an example for its output aᴸ.")

    def mistake(self, row: int) -> Mistake | None:
        return self.result.wrong[row] if self.result is not None and 0 <= row < len(self.result.wrong) else None

    def _on_row(self, row: int) -> None:
        m = self.mistake(row)
        if m is None:
            return
        x = self.session.dataset.X_val[m.index].reshape(-1, 1)
        a = self.session.net.feedforward(x).ravel()
        parts = [f"{self._name(j)}: <b>{v:.2f}</b>" if j in (m.true, m.predicted) else f"{self._name(j)}: {v:.2f}"
                 for j, v in enumerate(a)]
        self.detail.setText(f"Validation example #{m.index}, true class {self._name(m.true)}. "
                            f"Output a<sup>L</sup>: {', '.join(parts)}.")

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
