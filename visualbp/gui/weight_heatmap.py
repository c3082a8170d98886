"""The weight-matrix window: w^l as an image (rows j, columns k) with a colour bar and a hover readout.

It shows every weight, also of a layer the graph draws only in part. A matrix of millions of weights is
downsampled to the screen's pixels when drawn (pyqtgraph's ``autoDownsample``) and its colour range is
measured on an even sample (``view_limits.robust_range``); the hover reads the exact w^l_jk.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from visualbp.gui import theme as T
from visualbp.gui.notation import notation_html, number, sym
from visualbp.gui.qt_helpers import _style_plot, _theme_colors
from visualbp.gui.view_limits import RANGE_SAMPLE, robust_range


class WeightHeatmap(QWidget):
    """w^l as an image (rows j, columns k) with a colour bar; hover shows w^l_jk = value."""

    def __init__(self, session, l: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.session, self.l = session, l
        self._glw = pg.GraphicsLayoutWidget()
        self.plot = self._glw.addPlot()
        self.plot.invertY(True)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        colors = _theme_colors()
        cmap = pg.ColorMap(pos=[0.0, 0.5, 1.0], color=[QColor(*c) for c in colors])
        self.bar = pg.ColorBarItem(values=(-1, 1), colorMap=cmap, interactive=False, width=14, colorMapMenu=False)
        self.bar.setImageItem(self.image, insert_in=self.plot)
        self.readout = QLabel(notation_html("Hover over a cell to read w^l_jk."))
        self.readout.setWordWrap(True)
        self._hovered = False
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self._glw, 1)
        lay.addWidget(self.readout)
        self._glw.scene().sigMouseMoved.connect(self._on_mouse_moved)
        session.weightsChanged.connect(self._on_weights_changed)
        session.networkChanged.connect(self._on_network_changed)
        T.notifier().changed.connect(self.apply_theme)
        self.resize(620, 420)
        self._on_network_changed()

    def apply_theme(self, _theme: object = None) -> None:
        """The plot and the colour bar in ``theme.current()``'s colours."""
        _style_plot(self.plot, self._glw)
        colors = _theme_colors()
        self.bar.setColorMap(pg.ColorMap(pos=[0.0, 0.5, 1.0], color=[QColor(*c) for c in colors]))

    def _on_network_changed(self) -> None:
        sizes = self.session.net.sizes
        if not 2 <= self.l <= len(sizes):
            self.close()
            return
        l = self.l
        self.setWindowTitle(f"w^{l}: the weights into layer l = {l} ({sizes[l - 1]} × {sizes[l - 2]})")
        self.plot.setLabel("left", f"j (neuron of layer {l})")
        self.plot.setLabel("bottom", f"k (neuron of layer {l - 1})")
        for axis, n in (("left", sizes[l - 1]), ("bottom", sizes[l - 2])):  # ticks at the book's 1 … n
            self.plot.getAxis(axis).setTicks([[(i, str(i)) for i in range(1, n + 1)]] if n <= 12 else None)
        self._on_weights_changed()
        self.plot.autoRange(padding=0)

    def _on_weights_changed(self) -> None:
        if not 2 <= self.l <= len(self.session.net.sizes):
            return
        w = self.session.net.weights[self.l - 2]
        v = robust_range(w)
        self.downsampled = np.size(w) > RANGE_SAMPLE
        self.image.setAutoDownsample(self.downsampled)  # millions of cells: drawn at the screen's pixels
        self.image.setImage(np.asarray(w, dtype=np.float64), autoLevels=False)
        # cell (j, k) is centred on (k + 1, j + 1): the axes read the book's 1-based j and k
        self.image.setRect(QRectF(0.5, 0.5, w.shape[1], w.shape[0]))
        self.bar.setLevels((-v, v))
        if not self._hovered:
            self.readout.setText(notation_html(self.hint()))

    def hint(self) -> str:
        """What the readout says before the first hover."""
        if self.downsampled:
            return ("Too many weights for the screen: neighbouring cells are averaged to its pixels. Zoom in "
                    "(mouse wheel) to see single weights; hover to read the exact w^l_jk.")
        return "Hover over a cell to read w^l_jk."

    def value_at(self, j: int, k: int) -> str:
        """'w^l_jk = value' for array indices j, k (written from 1, like the book)."""
        w = self.session.net.weights[self.l - 2]
        return f"{sym('w', self.l, j, k)} = {number(float(w[j, k]))}"

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return
        pos = self.plot.vb.mapSceneToView(scene_pos)
        w = self.session.net.weights[self.l - 2]
        j, k = int(round(pos.y())) - 1, int(round(pos.x())) - 1
        if 0 <= j < w.shape[0] and 0 <= k < w.shape[1]:
            self._hovered = True
            self.readout.setText(notation_html(self.value_at(j, k)))
