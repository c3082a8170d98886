"""The neuron inspector: the pinned neuron's incoming weights w^l_jk and its z, a, σ'(z), δ, b and ∂C/∂b.

``NeuronInspector(session)`` follows ``session.selected``; its rows are the core's readout of the
neuron (``visualbp.core.readout.neuron_readout``) as ``visualbp.gui.cards`` formats it, so they say what
the graph's hover card says; ∂C/∂b^l_j = δ^l_j is BP3. Up to
``view_limits.INSPECTOR_BARS`` incoming weights are one bar each; a longer row (a neuron after a
100,000-neuron layer) is two filled curves, w > 0 in blue and w < 0 in orange, downsampled to the
plot's pixels, so it costs the same to draw whatever its length.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush
from PyQt6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from visualbp.core.readout import neuron_readout
from visualbp.gui import colors as C
from visualbp.gui import theme as T
from visualbp.gui.cards import neuron_rows
from visualbp.gui.notation import notation_html, number, shown, sym
from visualbp.gui.qt_helpers import _qcolor, _style_plot, _theme_colors
from visualbp.gui.view_limits import INSPECTOR_BARS, robust_range


class NeuronInspector(QWidget):
    """The pinned neuron (session.selected): its incoming weights w^l_j· and z, a, σ'(z), δ, b, ∂C/∂b."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        t = T.current()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(120)
        self.plot.getPlotItem().showGrid(y=True, alpha=0.25)
        self._bars: pg.BarGraphItem | None = None
        self._curves: list[pg.PlotDataItem] = []  # a long row: w > 0 and w < 0 as filled curves
        self._image: pg.ImageItem | None = None
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setStyleSheet(f"color: {t.muted}")
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(2)
        self._rows: list[tuple[QLabel, QLabel, QLabel]] = []
        self._shown = 0
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.caption)
        lay.addLayout(self._grid)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        session.networkChanged.connect(self._on_network_changed)
        session.stepTaken.connect(self._on_step_taken)
        session.weightsChanged.connect(self._on_weights_changed)
        session.selectionChanged.connect(self._on_selection_changed)
        T.notifier().changed.connect(self.apply_theme)
        self.refresh()

    def apply_theme(self, _theme: object = None) -> None:
        """The plot and the notes in ``theme.current()``'s colours (type follows the application's font)."""
        t = T.current()
        _style_plot(self.plot.getPlotItem(), self.plot)
        self.caption.setStyleSheet(f"color: {t.muted}")
        for _name, _value, note in self._rows:
            note.setStyleSheet(f"color: {t.muted}")
        self.refresh()

    def _on_network_changed(self) -> None:
        self.refresh()

    def _on_step_taken(self, record) -> None:
        self.refresh()

    def _on_weights_changed(self) -> None:
        self.refresh()

    def _on_selection_changed(self, neuron) -> None:
        self.refresh()

    def facts(self) -> dict[str, str]:
        """{plain label: shown value} of what the inspector shows now."""
        return {k.property("plain"): v.text() for k, v, _ in self._rows[:self._shown]}

    def refresh(self) -> None:
        s = self.session
        sel = s.selected
        t = T.current()
        if sel is None or not 1 <= sel[0] <= len(s.net.sizes) or not 0 <= sel[1] < s.net.sizes[sel[0] - 1]:
            self.title.setText(f"<span style='color:{t.muted}'>Click a neuron in the graph to pin it here.</span>")
            self._set_rows([])
            self._clear_plot()
            self.plot.setVisible(False)
            self.caption.setText("")
            return
        l, j = sel
        L = len(s.net.sizes)
        role = "input" if l == 1 else ("output" if l == L else "hidden")
        self.title.setText(f"<b>Neuron j = {shown(j)} of layer l = {l}</b> "
                           f"<span style='color:{t.muted}'>({role})</span>")
        rows = neuron_rows(neuron_readout(s.engine, l, j))
        self._set_rows([(label, number(v), note) for label, v, note in rows])
        self._show_weights(l, j)

    def _set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        t = T.current()
        while len(self._rows) < len(rows):
            i = len(self._rows)
            name, value, note = QLabel(), QLabel(), QLabel()
            for w in (name, value, note):
                w.setTextFormat(Qt.TextFormat.RichText)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            note.setStyleSheet(f"color: {t.muted}")
            self._grid.addWidget(name, i, 0)
            self._grid.addWidget(value, i, 1)
            self._grid.addWidget(note, i, 2)
            self._rows.append((name, value, note))
        for i, (name, value, note) in enumerate(self._rows):
            visible = i < len(rows)
            for w in (name, value, note):
                w.setVisible(visible)
            if visible:
                label, v, n = rows[i]
                name.setText(notation_html(label))
                value.setText(v)
                note.setText(notation_html(n))
        # QLabel.text() returns the rich text; keep the plain label for facts()
        for i, (name, _, _) in enumerate(self._rows[:len(rows)]):
            name.setProperty("plain", rows[i][0])
        self._shown = len(rows)

    def _clear_plot(self) -> None:
        if self._bars is not None:
            self.plot.removeItem(self._bars)
            self._bars = None
        if self._image is not None:
            self.plot.removeItem(self._image)
            self._image = None
        for curve in self._curves:
            self.plot.removeItem(curve)
        self._curves = []

    def _show_weights(self, l: int, j: int) -> None:
        s = self.session
        self._clear_plot()
        if l == 1:
            self.plot.setVisible(False)
            self.caption.setText("An input neuron has no incoming weights.")
            return
        self.plot.setVisible(True)
        w = np.asarray(s.net.weights[l - 2][j])
        v = robust_range(w)
        colors = _theme_colors()
        shape = s.dataset.image_shape
        pi = self.plot.getPlotItem()
        if l == 2 and shape is not None and int(np.prod(shape)) == w.size:
            self._image = pg.ImageItem(C.image_rgba(w.reshape(shape), v, colors), axisOrder="row-major")
            self.plot.addItem(self._image)
            pi.invertY(True)
            pi.setAspectLocked(True)
            pi.hideAxis("left")
            pi.hideAxis("bottom")
            pi.setLabel("left", "")
            pi.autoRange(padding=0.02)
            w_jk = sym("w", l, j, "k")
            self.caption.setText(notation_html(f"incoming weights {w_jk} as a {shape[0]}×{shape[1]} image "
                                               f"(receptive field); scale ±{number(v, 2)}"))
            return
        pi.invertY(False)
        pi.setAspectLocked(False)
        pi.showAxis("left")
        pi.showAxis("bottom")
        if w.size <= INSPECTOR_BARS:
            rgba = C.colors_for(w, v, colors)
            self._bars = pg.BarGraphItem(x=np.arange(1, w.size + 1), height=w, width=0.8,
                                         brushes=[QBrush(_qcolor(c)) for c in rgba], pen=pg.mkPen(None))
            self.plot.addItem(self._bars)
        else:  # one curve per sign, filled to 0: the largest and the most negative w of each run of k
            k, top, bottom = _envelope(np.nan_to_num(w), INSPECTOR_BARS)
            for part, color in ((top, colors[2]), (bottom, colors[0])):
                curve = pg.PlotDataItem(k, part, pen=pg.mkPen(color, width=1), fillLevel=0.0,
                                        brush=pg.mkBrush(*color), skipFiniteCheck=True)
                self.plot.addItem(curve)
                self._curves.append(curve)
        pi.setLabel("bottom", f"k (neuron of layer {l - 1})")
        # a tick at every neuron number k = 1 … n of a short row; a long row keeps pyqtgraph's spacing
        pi.getAxis("bottom").setTicks([[(k, str(k)) for k in range(1, w.size + 1)]] if w.size <= 12 else None)
        pi.setLabel("left", notation_html(sym("w", l, j, "k")))
        pi.setYRange(-v * 1.05, v * 1.05, padding=0)
        pi.setXRange(0.4, w.size + 0.6, padding=0)
        caption = f"incoming weights {sym('w', l, j, 'k')}, k = 1 … {w.size}"
        if w.size > INSPECTOR_BARS:
            caption += f"; each of {INSPECTOR_BARS} runs of k shows its largest and most negative w"
        self.caption.setText(notation_html(caption))


def _envelope(w: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A long row w (k = 1 … n) in ``bins`` runs of k: each run's centre, max(w, 0) and min(w, 0)."""
    n = w.size
    size = -(-n // bins)
    padded = np.zeros(size * bins)
    padded[:n] = w
    runs = padded.reshape(bins, size)
    k = (np.arange(bins) * size + (size + 1) / 2.0).clip(1, n)
    return k, np.maximum(runs.max(axis=1), 0.0), np.minimum(runs.min(axis=1), 0.0)
