"""The network graph: neurons in columns by the book's layer l, an edge for every weight w^l_jk.

``NetworkView(session)`` observes the Session. Edge colour is w^l_jk on the one
diverging scale (orange < 0 < blue), edge width is |w^l_jk|; a neuron's fill is
a^l_j while the current example goes forwards and δ^l_j while it goes backwards
(BP1, BP2) and through the gradients (BP3, BP4); the small square beside each
neuron is its bias b^l_j. The layer the current step works on sits on a soft
band, and after an update the edges whose weights changed glow.

All edges are one item painted with one ``QPainter.drawLines`` per colour bin:
recolouring bins every drawn edge with NumPy in one call, so a step costs the
same whether the network has 20 or 23,520 weights. Large layers use level of
detail: an image input (MNIST 28×28, digits 8×8) is drawn as a picture, each
neuron of the next layer shows its incoming weights as a receptive field, and only
the strongest edges are drawn as lines — every weight stays one click away in the
weight-matrix heatmap (``show_weight_heatmap(l)``). For 2-D data every neuron is
a small heatmap of its activation over the input plane, like TensorFlow Playground.

A layer wider than ``view_limits.DRAWN_NEURONS`` (100) draws its first 100 neurons, the edges among drawn
neurons, and under them a note "⋮ 99,900 more neurons not drawn" (hover it for which; click it for the
weight heatmap, which holds every weight). Nothing the view computes per neuron or per edge grows past
that: the heatmap grid keeps only the drawn neurons' rows, and the grid and the saturation probe of a big
network are fed forward a block at a time between repaints (``view_limits.JOB_SLICE``), so a
100,000-neuron layer opens in about a second and a step repaints in milliseconds.

For someone whose network does not learn, two debugging aids sit on the graph. A saturated
neuron — σ'(z^l_j) below 10% of its largest value, so BP1 and BP2 pass almost no error back —
wears a red dashed ring: on the current example when its σ'(z^l) is known, otherwise when it is
saturated on at least half of a fixed probe of 200 training examples (measured with
``visualbp.core.diagnostics.saturation`` at most ~5 times a second); the hover card says how often.
Under each column l = 2..L, after a minibatch, ‖δ^l‖/‖δ^L‖ shows how much of the output error
reaches that layer, in the warning colour below 0.1 (vanishing) or above 10 (exploding).

Its parts live beside it in visualbp.gui: the layout and the graphics items in ``graph_items``, the
colour scale in ``legend``, the weight-matrix window in ``weight_heatmap``, the text in ``notation``,
the saturation and error-ratio rules in ``diagnostic_marks``. ``NeuronInspector`` (``inspector``) and
``WeightHeatmap`` are re-exported here.

Every index shown to a person is the book's, counted from 1: the layer l (1 = input) and the
neurons j and k (w^3_24 is the weight from the 4th neuron of layer 2 to the 2nd neuron of layer 3).
Inside, j and k stay 0-based array indices: ``net.weights[l - 2][j, k]`` is the book's w^l_(j+1)(k+1),
and ``session.selected``, ``neuron_pos(l, j)``, ``edge_color_of(l, j, k)`` and the text helpers
in ``visualbp.gui.notation`` all take array indices and add 1 only when they write text.

It leaves out: computing anything but feedforward over a grid for the 2-D heatmaps
(every δ and gradient is read from the step records and the engine), animation of
values along edges, and editing weights by hand.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer
from PyQt6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QGuiApplication, QPen, QTextOption
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from visualbp.core.diagnostics import DEFAULT_SATURATION, error_ratios
from visualbp.core.probe import GridProbe
from visualbp.core.steps import BatchStats, Kind, StepRecord
from visualbp.gui import colors as C
from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import (RATIO_WARN_HIGH, RATIO_WARN_LOW, alarm_color, max_prime, probe_rows,
                                           ratio_color, saturation_in_blocks)
from visualbp.gui.graph_items import HEATMAP_RESOLUTION, EdgeItem, NeuronItem, _Col, _edge_segments, _layout
from visualbp.gui.inspector import NeuronInspector  # re-exported (see __all__)
from visualbp.gui.legend import ScaleBar, _saturation_icon
from visualbp.gui.notation import _sup_digits, edge_text, fmt, neuron_text, notation_html, prime_name, shown, sym
from visualbp.gui.qt_helpers import _qcolor, _theme_colors
from visualbp.gui.sliced_jobs import SlicedJobs
from visualbp.gui.view_limits import robust_range
from visualbp.gui.weight_heatmap import WeightHeatmap  # re-exported (see __all__)

__all__ = ["NetworkView", "NeuronInspector", "WeightHeatmap"]

NBINS = C.NBINS
DEFAULT_MAX_EDGES = 300  # strongest edges drawn per large layer pair
LOD_EDGES = 1500  # a layer pair with more edges than this uses level of detail
ANTIALIAS_EDGES = 500  # antialias edges only up to this many drawn lines
HEATMAP_INTERVAL = 0.1  # seconds: 2-D heatmaps refresh at most ~10 Hz
_DELTA_KINDS = (Kind.OUTPUT_ERROR, Kind.BACKPROP_ERROR, Kind.GRADIENT_B, Kind.GRADIENT_W)
SATURATED_ON = 0.5  # without a current example, a neuron saturated on at least this fraction of them is marked
SATURATION_INTERVAL = 0.2  # seconds: the probe's saturation is measured at most ~5 times a second
RATIO_INTERVAL = 0.2  # seconds: the error-ratio labels change at most ~5 times a second (readable while training)


def _rgba_of(color: QColor) -> tuple[int, int, int, int]:
    return (color.red(), color.green(), color.blue(), color.alpha())


def _glow_color() -> QColor:
    """The highlight colour, saturated enough to show as a halo on white."""
    c = QColor(T.current().highlight)
    h, s, v, _ = c.getHsv()
    if T.is_dark():  # the dark theme's highlight is a dim olive: a halo must be brighter than the background
        v = max(v, 200)
    return QColor.fromHsv(max(h, 0), min(255, max(150, s * 3)), v, 190)


# ----------------------------------------------------------------- the view
class NetworkView(QWidget):
    """The network graph of ``session``: nodes, edges, the current-layer highlight, hover and click."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._record: StepRecord | None = None
        self._cols: list[_Col] = []
        self._lod: list[bool] = []
        self._drawn_idx: list[np.ndarray | None] = []  # per pair: flat indices drawn, None = all
        self._drawn_coords = np.empty((0, 4))
        self._drawn_l = np.empty(0, dtype=np.intp)
        self._drawn_flat = np.empty(0, dtype=np.intp)
        self._max_edges: int | None = DEFAULT_MAX_EDGES
        self._range_mode = "fixed"
        self._vmax = 1.0
        self._show_dw = False
        self._version_seen = -1  # engine.weights_version the edges were last coloured at
        self._drawn_seen: list[np.ndarray] = []  # a copy of the drawn part of each w^l at that version
        self._last_dw: list[np.ndarray | None] = []
        self._fill_q = "a"
        self._delta_vmax = 1.0
        self._input_half = 1.0
        self._card_plain = ""
        self._highlight: int | None = None
        self._emphasis: tuple[int, np.ndarray] | None = None
        self._heat_last = 0.0
        self._heat_grids: list[np.ndarray] | None = None
        self._heat_version: int | None = None  # engine.weights_version the grids were computed at
        self._heat_dirty = False  # the weights changed while the grid was being computed
        self._more_items: dict[int, pg.TextItem] = {}  # l → the note under a column drawn in part
        self._jobs = SlicedJobs(self)  # heatmaps and saturation of a big network, between repaints
        self._grid_lim: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._mean_input: np.ndarray | None = None
        self._heatmap_windows: dict[int, WeightHeatmap] = {}
        self._auto_fit = True
        self._hover_key: object = None
        self._colors: C.Triple = _theme_colors()
        self._show_sat = True
        self._sat_threshold = DEFAULT_SATURATION
        self._sat_fractions: list[np.ndarray] | None = None  # per layer l = 2..L, per neuron, on the probe
        self._sat_probe = 0  # examples in the probe
        self._sat_version: int | None = None  # engine.weights_version the fractions were measured at
        self._sat_last = -1.0
        self._sat_interval = SATURATION_INTERVAL
        self._sat_marks: dict[int, np.ndarray] = {}
        self._sat_source: dict[int, str] = {}  # l → 'example' | 'probe'
        self._ratios: list[float] | None = None  # ‖δ^l‖/‖δ^L‖, l = 2..L, of the last minibatch
        self._norms: list[float] | None = None
        self._ratio_items: dict[int, pg.TextItem] = {}
        self._ratio_plain: dict[int, str] = {}

        # graphics
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(T.current().background)
        self.graphics.ci.setContentsMargins(0, 0, 0, 0)
        self.vb: pg.ViewBox = self.graphics.addViewBox()
        self.vb.setAspectLocked(True)
        self.vb.invertY(True)
        self.vb.setMenuEnabled(False)
        self._band = pg.QtWidgets.QGraphicsRectItem()
        self._band.setPen(QPen(Qt.PenStyle.NoPen))
        self._band.setZValue(-20)
        self._band.setVisible(False)
        self.vb.addItem(self._band, ignoreBounds=True)
        self._edges = EdgeItem()
        self._edges.setZValue(0)
        self.vb.addItem(self._edges)
        self._neurons = NeuronItem()
        self._neurons.setZValue(10)
        self.vb.addItem(self._neurons)
        self._images: dict[str, pg.ImageItem] = {}
        self._labels: list[pg.TextItem] = []
        self._title_labels: list[tuple[pg.TextItem, _Col, float]] = []
        self._neuron_labels: list[tuple[pg.TextItem, _Col, float]] = []
        self._card = pg.TextItem(anchor=(0, 1))
        self._card.setZValue(100)
        self._card.textItem.document().setDocumentMargin(6)
        self._card.setVisible(False)
        self.vb.addItem(self._card, ignoreBounds=True)

        # controls
        self.weight_scale = ScaleBar()
        self.fill_scale = ScaleBar()
        self.range_box = QComboBox()
        self.range_box.addItems(["fixed", "auto"])
        self.range_box.setToolTip("fixed: the colour scale stays put while stepping, so a change of weight shows;\n"
                                  "auto: refit the scale to the weights after every update")
        self.refit_button = QPushButton("Re-fit")
        self.refit_button.setToolTip("Fit the colour scale to the current weights")
        self.dw_box = QCheckBox("show Δw")
        self.dw_box.setToolTip("Colour the edges by the last change of each weight instead of the weight")
        self.edges_box = QComboBox()
        for n in (100, 300, 1000, 3000):
            self.edges_box.addItem(f"{n:,} strongest", n)
        self.edges_box.addItem("all edges", None)
        self.edges_box.setToolTip("How many edges of a large layer pair are drawn as lines (the strongest by |w|)")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Fit the whole network into the view")
        self.saturation_box = QCheckBox()
        self.saturation_box.setChecked(True)
        self.saturation_box.setIcon(_saturation_icon())
        self.saturation_box.setIconSize(QSize(16, 16))
        self._heat_row = QHBoxLayout()
        self._heat_row.setSpacing(2)
        self._heat_buttons: list[QPushButton] = []

        top = QHBoxLayout()
        top.setContentsMargins(6, 2, 6, 0)
        top.setSpacing(8)
        top.addWidget(self.weight_scale)
        top.addSpacing(12)
        top.addWidget(self.fill_scale)
        top.addSpacing(12)
        top.addWidget(self.saturation_box)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(6, 0, 6, 4)
        bottom.setSpacing(6)
        heat_label = QLabel("Heatmap:")
        heat_label.setToolTip("Open the whole weight matrix w^l (rows j, columns k)")
        bottom.addWidget(heat_label)
        bottom.addLayout(self._heat_row)
        bottom.addStretch(1)
        self._edges_label = QLabel("Edges:")
        bottom.addWidget(self._edges_label)
        bottom.addWidget(self.edges_box)
        bottom.addWidget(QLabel("Scale:"))
        bottom.addWidget(self.range_box)
        bottom.addWidget(self.refit_button)
        bottom.addWidget(self.dw_box)
        bottom.addWidget(self.fit_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.graphics, 1)
        lay.addLayout(bottom)
        self.setMinimumSize(QSize(420, 300))

        self._heat_timer = QTimer(self)
        self._heat_timer.setSingleShot(True)
        self._heat_timer.timeout.connect(self._refresh_heatmaps)
        self._sat_timer = QTimer(self)
        self._sat_timer.setSingleShot(True)
        self._sat_timer.timeout.connect(self._refresh_saturation)
        self._ratio_last = -1.0
        self._ratio_timer = QTimer(self)
        self._ratio_timer.setSingleShot(True)
        self._ratio_timer.timeout.connect(self._update_ratio_labels)

        # wiring: one handler per signal
        session.networkChanged.connect(self._on_network_changed)
        session.stepTaken.connect(self._on_step_taken)
        session.weightsChanged.connect(self._on_weights_changed)
        session.selectionChanged.connect(self._on_selection_changed)
        session.batchesDone.connect(self._on_batches_done)
        scene = self.graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.graphics.viewport().installEventFilter(self)
        self.vb.sigRangeChangedManually.connect(self._on_range_changed_manually)
        self.vb.sigResized.connect(self._on_view_resized)
        self.range_box.currentTextChanged.connect(self.set_range_mode)
        self.refit_button.clicked.connect(self.refit_range)
        self.dw_box.toggled.connect(self.set_show_dw)
        self.edges_box.currentIndexChanged.connect(self._on_edges_box)
        self.fit_button.clicked.connect(self.fit)
        self.saturation_box.toggled.connect(self.set_show_saturation)

        T.notifier().changed.connect(self.apply_theme)
        self._on_network_changed()
        self._on_step_taken(session.engine.last_record)

    # ================================================================= public API
    def apply_theme(self, _theme: object = None) -> None:
        """Redraw everything in ``theme.current()``'s colours, line widths (× line_scale) and type sizes
        (font_pt): presentation mode. The network, the colour scale, the selection and the step stay."""
        if not self._cols:
            return
        self._style_chrome()
        self._build_pens()
        self._recolor_edges()
        self._build_glow()
        self._refresh_biases()
        self._refresh_receptive_fields()
        self._render_heatmaps()  # the heatmaps' colours changed, not the weights
        self._build_labels()
        ratios, norms = self._ratios, self._norms
        self._build_ratio_labels()
        self._ratios, self._norms = ratios, norms
        self._update_ratio_labels()
        self._build_heatmap_buttons()
        self._on_step_taken(self._record)  # fills, band, saturation rings, legend, hover card
        if self._auto_fit:
            self.fit()

    def _style_chrome(self) -> None:
        """Background, hover card, legend swatch and colour table of ``theme.current()``."""
        t = T.current()
        self._colors = _theme_colors()
        self._lut = C.lut(NBINS, self._colors)
        self.graphics.setBackground(t.background)
        card_fill = QColor(t.background)
        card_fill.setAlpha(240)
        self._card.fill = QBrush(card_fill)
        self._card.border = pg.mkPen(t.muted, width=t.line_scale)
        self.saturation_box.setIcon(_saturation_icon())
        side = round(16 * T.scale())
        self.saturation_box.setIconSize(QSize(side, side))

    def fit(self) -> None:
        """Fit the whole network, its labels included, into the view."""
        self._auto_fit = True
        if not self._cols:
            return
        rect = self._content_rect()
        vw, vh = max(self.vb.width(), 100.0), max(self.vb.height(), 100.0)
        # room under the columns for the two-line error-ratio labels (about 36 px at 10 pt)
        ratio_px = 3.2 * T.current().font_pt + 4.0 if len(self._cols) > 1 else 0.0
        k = T.scale()  # the column titles and the x_k / class labels grow with the type
        top_px, bottom_px = 44.0 * k, 14.0 + ratio_px
        left_px = 48.0 * k if self._cols[0].kind not in ("image", "compact") else 16.0
        right_px = 70.0 * k if self._cols[-1].kind != "compact" else 16.0
        scale = min((vw - left_px - right_px) / rect.width(), (vh - top_px - bottom_px) / rect.height())
        scale = max(scale, 1e-6)
        cx = rect.center().x() + (right_px - left_px) / 2 / scale
        y0 = rect.top() - top_px / scale
        y1 = y0 + vh / scale
        extra = (vh / scale - (rect.height() + (top_px + bottom_px) / scale)) / 2
        y0 -= extra
        y1 -= extra
        self.vb.setRange(xRange=(cx - vw / 2 / scale, cx + vw / 2 / scale), yRange=(y0, y1), padding=0)
        self._fit_label_sizes(scale)

    def _fit_label_sizes(self, scale: float) -> None:
        """Shrink (never grow) the labels that would overlap at ``scale`` pixels per unit: column titles
        wider than the gap to their neighbours', neuron labels (x_k, classes) taller than the neurons'
        spacing. A big network in the large type of presentation mode stays legible."""
        titles = self._title_labels
        factor = 1.0
        for (a, ca, pa), (b, cb, pb) in zip(titles, titles[1:]):
            need = (_label_width(a, pa) + _label_width(b, pb)) / 2 + 10.0
            gap = (cb.x - ca.x) * scale
            if need > gap:
                factor = min(factor, gap / need)
        for item, _c, base in titles:
            _set_label_pt(item, base * max(factor, 0.6), centred=True)
        index: dict[int, int] = {}
        for item, c, base in self._neuron_labels:
            height = QFontMetricsF(_with_pt(item.textItem.font(), base)).height()
            room = max(c.s * scale, 1e-6)
            size = min(1.0, max(room / max(height, 1.0), 0.5))
            _set_label_pt(item, base * size)
            # still taller than the spacing at half size: label every 2nd (3rd, …) neuron only
            every = max(1, math.ceil(height * size / room - 0.05))
            j = index[c.l] = index.get(c.l, -1) + 1
            item.setVisible(j % every == 0)

    def set_max_edges(self, n: int | None) -> None:
        """Draw at most ``n`` edges (the strongest by |w|) of each large layer pair; None draws all."""
        self._max_edges = None if n is None else max(1, int(n))
        self._sync_edges_box()
        self._select_drawn()
        self._recolor_edges()

    def max_edges(self) -> int | None:
        return self._max_edges

    def set_range_mode(self, mode: str) -> None:
        """'fixed': the weight scale stays at the range the network was built with (widened only when
        weights leave it); 'auto': refit to the weights after every change."""
        if mode not in ("fixed", "auto"):
            raise ValueError(f"range mode must be 'fixed' or 'auto', got {mode!r}")
        self._range_mode = mode
        if self.range_box.currentText() != mode:
            self.range_box.blockSignals(True)
            self.range_box.setCurrentText(mode)
            self.range_box.blockSignals(False)
        self.refit_button.setEnabled(mode == "fixed")
        if mode == "auto":
            self.refit_range()

    def range_mode(self) -> str:
        return self._range_mode

    def refit_range(self) -> None:
        """Fit the weight colour scale to the weights now (robust max |w|)."""
        self._vmax = self._fit_vmax()
        self._recolor_all()

    def weight_range(self) -> float:
        """The weight scale's vmax: colours run from −vmax (orange) to +vmax (blue)."""
        return self._vmax

    def set_show_dw(self, on: bool) -> None:
        """Colour edges by each weight's last change Δw^l_jk instead of w^l_jk."""
        self._show_dw = bool(on)
        if self.dw_box.isChecked() != self._show_dw:
            self.dw_box.blockSignals(True)
            self.dw_box.setChecked(self._show_dw)
            self.dw_box.blockSignals(False)
        self._recolor_edges()
        self._update_legend()

    def set_show_saturation(self, on: bool) -> None:
        """Mark saturated neurons (σ'(z^l_j) below the threshold; BP1 and BP2 multiply δ by σ'(z)) with a
        red dashed ring."""
        self._show_sat = bool(on)
        if self.saturation_box.isChecked() != self._show_sat:
            self.saturation_box.blockSignals(True)
            self.saturation_box.setChecked(self._show_sat)
            self.saturation_box.blockSignals(False)
        self._update_saturation_marks()

    def show_saturation(self) -> bool:
        return self._show_sat

    def set_saturation_threshold(self, fraction: float) -> None:
        """A neuron is saturated where σ'(z) < ``fraction`` × the largest σ' (0.1: σ' < 0.025 for sigmoid)."""
        fraction = float(fraction)
        if not (math.isfinite(fraction) and 0.0 < fraction < 1.0):
            raise ValueError(f"the saturation threshold must lie between 0 and 1 (a fraction of the largest σ'), "
                             f"got {fraction!r}")
        self._sat_threshold = fraction
        self._sat_version = None
        self._refresh_saturation()

    def saturation_threshold(self) -> float:
        return self._sat_threshold

    def saturation_fractions(self) -> list[np.ndarray] | None:
        """Per layer l = 2..L (index l − 2), per neuron j: the fraction of the probe's training examples on
        which σ'(z^l_j) is below the threshold (None before the first measurement)."""
        return None if self._sat_fractions is None else [f.copy() for f in self._sat_fractions]

    def saturated_neurons(self) -> dict[int, list[int]]:
        """{l: [j, …]} (0-based j) of the neurons marked on the graph now ({} while the marks are off)."""
        if not self._show_sat:
            return {}
        marked = {l: np.flatnonzero(m[:self._cols[l - 1].n]) for l, m in self._sat_marks.items()}
        return {l: [int(j) for j in js] for l, js in marked.items() if len(js)}

    def saturation_source(self, l: int) -> str | None:
        """What the marks of layer l show: 'example' (the current example's σ'(z^l)), 'probe' (saturated on at
        least half of the probe's examples) or None."""
        return self._sat_source.get(l)

    def saturation_legend(self) -> str:
        """The legend entry of the marks, e.g. "saturated: σ'(z) < 10% of max"."""
        return self.saturation_box.text()

    def error_ratios(self) -> list[float] | None:
        """‖δ^l‖/‖δ^L‖ for l = 2..L of the last finished minibatch (None until one has finished)."""
        return None if self._ratios is None else list(self._ratios)

    def error_ratio_texts(self) -> dict[int, str]:
        """{l: the label under column l} in plain text, e.g. {2: '‖δ²‖/‖δ⁴‖ = 0.03', …}; {} while hidden."""
        if self._ratio_timer.isActive():  # the newest minibatch's numbers, not the ones still on screen
            self._update_ratio_labels()
        return {l: text for l, text in self._ratio_plain.items()
                if l in self._ratio_items and self._ratio_items[l].isVisible()}

    def error_ratio_color(self, l: int) -> str | None:
        """The colour the ratio under column l is written in (None while hidden)."""
        if self._ratios is None or not 2 <= l <= len(self._cols):
            return None
        return ratio_color(self._ratios[l - 2]) if l < len(self._cols) else T.current().muted

    def _forget_heatmap(self, window: QObject) -> None:
        for l, win in list(self._heatmap_windows.items()):
            if win is window:
                del self._heatmap_windows[l]

    def _on_heatmap_button(self) -> None:
        self.show_weight_heatmap(int(self.sender().property("layer")))

    def show_weight_heatmap(self, l: int) -> WeightHeatmap:
        """Open (or raise) the heatmap of the whole matrix w^l: rows j, columns k."""
        if not 2 <= l <= len(self.session.net.sizes):
            raise ValueError(f"layer l={l} has no weights: choose 2 … {len(self.session.net.sizes)}")
        win = self._heatmap_windows.get(l)
        if win is None:
            win = WeightHeatmap(self.session, l, self)
            win.destroyed.connect(self._forget_heatmap)  # a bound method: no cycle keeps a closed view alive
            win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            self._heatmap_windows[l] = win
        win.layout().activate()  # size constraints settle before the window exists (no size-hint churn)
        win.show()
        if QGuiApplication.platformName() != "offscreen":  # headless platforms cannot raise windows
            win.raise_()
        win.activateWindow()
        return win

    def edge_color_of(self, l: int, j: int, k: int) -> tuple[int, int, int, int]:
        """The RGBA colour edge w^l_jk is drawn in (its colour bin's pen); for an edge left out by the
        level of detail, the colour it would have on the current scale."""
        b = self._edge_bin(l, j, k)
        return _rgba_of(self._pens[b].color())

    def _edge_bin(self, l: int, j: int, k: int) -> int:
        prev, cur = self._cols[l - 2], self._cols[l - 1]
        drawn = j < cur.n and k < prev.n  # both ends drawn
        pos = self._drawn_position(l, j * prev.n + k) if drawn else None
        if pos is not None:
            return int(self._drawn_bins[pos])
        if self._show_dw and drawn and self._last_dw[l - 2] is not None:
            value, vmax = float(self._last_dw[l - 2][j, k]), self._dw_vmax()
        else:
            value, vmax = float(self.session.net.weights[l - 2][j, k]), self._vmax
        return int(C.bin_of(np.array([value]), vmax, NBINS)[0])

    def _drawn_position(self, l: int, flat: int) -> int | None:
        """Where edge (l, flat = j · n_drawn(l−1) + k) is in the drawn arrays, or None when it is not drawn."""
        i = l - 2
        start = int(self._drawn_offsets[i])
        idx = self._drawn_idx[i]
        if idx is None:
            return start + flat
        p = int(np.searchsorted(idx, flat))
        return start + p if p < len(idx) and idx[p] == flat else None

    def edge_width_of(self, l: int, j: int, k: int) -> float:
        """The pen width in pixels of edge w^l_jk (∝ |w^l_jk|)."""
        return self._pens[self._edge_bin(l, j, k)].widthF()

    def highlighted_layer(self) -> int | None:
        """The book layer l the current record works on (None at the start and after a whole minibatch)."""
        return self._highlight

    def fill_quantity(self) -> str:
        """'a' while feeding forward, 'delta' during backpropagation and the gradients."""
        return self._fill_q

    def drawn_edge_count(self, l: int) -> int:
        """How many edges of w^l are drawn as lines."""
        idx = self._drawn_idx[l - 2]
        return self._cols[l - 2].n * self._cols[l - 1].n if idx is None else len(idx)

    def uses_level_of_detail(self, l: int) -> bool:
        """True when the layer pair (l−1, l) is large and drawn with level of detail."""
        return self._lod[l - 2]

    def drawn_neurons(self, l: int) -> int:
        """How many neurons of layer l are drawn (the first ones, j = 0 … n − 1); the rest are named by a note."""
        return self._cols[l - 1].n

    def hidden_neurons_text(self, l: int) -> str:
        """The note under column l about its neurons not drawn ('' when every neuron is drawn)."""
        item = self._more_items.get(l)
        return item.textItem.toPlainText() if item is not None else ""

    def settle(self) -> None:
        """Finish the heatmaps and saturation still being computed a block at a time (screenshots, tests)."""
        self._jobs.settle()

    def receptive_fields(self, l: int) -> np.ndarray | None:
        """(n, h, w): each drawn neuron's incoming weights w^l_j· as an image, when layer l−1 is an image."""
        c = self._cols[l - 1] if 1 <= l <= len(self._cols) else None
        if c is None or c.mosaic != "rf" or "rf" not in self._images:
            return None
        h, w = c.image_shape
        return np.asarray(self.session.net.weights[l - 2][:c.n]).reshape(c.n, h, w)

    def neuron_heatmaps(self, l: int) -> np.ndarray | None:
        """(n, res, res): a^l_j over the input plane of the drawn neurons j < n (2-D data), or None."""
        if self._heat_grids is None or not 1 <= l <= len(self._heat_grids):
            return None
        return self._heat_grids[l - 1]

    def neuron_pos(self, l: int, j: int) -> QPointF:
        """The centre of neuron j of layer l in view coordinates."""
        c = self._cols[l - 1]
        if c.kind == "image":
            x, y = c.pixel_center(np.array([j]))
            return QPointF(float(x[0]), float(y[0]))
        if c.kind == "tile":
            return c.tile_rect(j).center()
        return QPointF(c.x, float(c.ys[j]))

    def edge_point(self, l: int, j: int, k: int, t: float = 0.5) -> QPointF:
        """A point a fraction ``t`` along edge w^l_jk, in view coordinates."""
        prev = self._cols[l - 2]
        x0, y0, x1, y1 = _edge_segments(prev, self._cols[l - 1], np.array([j * prev.n + k]))[0]
        return QPointF(x0 + t * (x1 - x0), y0 + t * (y1 - y0))

    def view_to_scene(self, pos: QPointF) -> QPointF:
        return self.vb.mapViewToScene(pos)

    def hover_text_at(self, pos: QPointF) -> str:
        """The hover text at ``pos`` (view coordinates): a neuron, an input pixel, a receptive-field weight
        or an edge; '' over empty space."""
        hit = self._hit(pos)
        return self._hit_text(hit) if hit is not None else ""

    def hover_text(self) -> str:
        """The hover card's current text ('' when hidden)."""
        return self._card_plain if self._card.isVisible() else ""

    def click_at(self, pos: QPointF) -> tuple[int, int] | None:
        """What a click at ``pos`` (view coordinates) does: select the neuron there (or clear)."""
        hit = self._hit(pos)
        neuron = None
        if hit is not None and hit[0] == "more":  # the note under a column drawn in part: every weight
            self.show_weight_heatmap(max(2, hit[1]))
            return None
        if hit is not None and hit[0] in ("neuron", "pixel"):
            neuron = (hit[1], hit[2])
        elif hit is not None and hit[0] == "rf":
            neuron = (hit[1], hit[2])
        if hit is None or neuron is not None:
            self.session.select(neuron)
        return neuron

    # ================================================================= session handlers
    def _on_network_changed(self) -> None:
        s = self.session
        net, ds = s.net, s.dataset
        self._style_chrome()
        shape = ds.image_shape if ds.image_shape and int(np.prod(ds.image_shape)) == net.sizes[0] else None
        two_d = bool(ds.is_2d) and net.sizes[0] == 2
        self._jobs.cancel()
        self._cols = _layout(list(net.sizes), shape, two_d)
        pairs = list(zip(self._cols[:-1], self._cols[1:]))
        self._lod = [p.kind == "image" or p.total * c.total > LOD_EDGES for p, c in pairs]
        self._version_seen = s.engine.weights_version
        self._drawn_seen = [self._drawn_part(i, w).copy() for i, w in enumerate(net.weights)]
        self._last_dw = [None] * len(net.weights)
        self._emphasis = None
        X = np.asarray(ds.X_train, dtype=np.float64)
        self._mean_input = X.mean(axis=0) if len(X) else None
        self._input_half = 1.0 if shape is not None else C.nice_ceil(C.symmetric_range(X, 100.0))
        if two_d:
            lo, hi = X.min(axis=0), X.max(axis=0)
            pad = 0.1 * np.maximum(hi - lo, 1e-9)
            self._grid_lim = ((float(lo[0] - pad[0]), float(hi[0] + pad[0])),
                              (float(lo[1] - pad[1]), float(hi[1] + pad[1])))
        else:
            self._grid_lim = None
        self._heat_grids = None
        self._heat_version = None
        self._heat_dirty = False

        bounds = self._content_rect()
        self._edges.set_bounds(bounds)
        self._neurons.set_cols(self._cols, bounds.adjusted(-1, -1, 1, 1))
        self._neurons.selected = s.selected
        self._build_images()
        self._build_labels()
        self._build_ratio_labels()
        self._build_heatmap_buttons()
        self._edges_label.setVisible(any(self._lod))
        self.edges_box.setVisible(any(self._lod))
        self._sync_edges_box()
        self._vmax = self._fit_vmax()
        self._build_pens()
        self._select_drawn()
        self._recolor_edges()
        self._refresh_biases()
        self._refresh_receptive_fields()
        self._refresh_heatmaps()
        self._refresh_fills()
        self._sat_fractions, self._sat_version = None, None
        self._sat_timer.stop()
        self._refresh_saturation()
        self._update_legend()
        self._hide_card()
        self.fit()

    def _on_step_taken(self, record: StepRecord | None) -> None:
        self._record = record
        if record is None or record.kind is Kind.BATCH:
            self._highlight = None
        else:
            self._highlight = record.l
        self._fill_q = "delta" if record is not None and record.kind in _DELTA_KINDS else "a"
        emphasis = None
        if record is not None and record.kind is Kind.UPDATE and "dw" in record.arrays:
            emphasis = (record.l, np.asarray(record.arrays["dw"]))
        if emphasis is not None or self._emphasis is not None:
            self._emphasis = emphasis
            self._build_glow()
        self._update_band()
        self._refresh_fills()
        self._update_saturation_marks()
        self._update_legend()
        self._refresh_card()

    def _on_weights_changed(self) -> None:
        weights = self.session.net.weights
        if len(weights) != len(self._drawn_seen):
            return  # a new network is on its way: networkChanged rebuilds
        version = self.session.engine.weights_version
        if version != self._version_seen:  # Δw since the weights last shown (the fast path writes in place)
            for i, (w, seen) in enumerate(zip(weights, self._drawn_seen)):
                now = self._drawn_part(i, w)
                if now.shape == seen.shape:
                    self._last_dw[i] = now - seen
                    seen[...] = now
            self._version_seen = version
        self._recolor_all()
        self._request_saturation()
        self._refresh_card()

    def _on_selection_changed(self, neuron) -> None:
        self._neurons.selected = neuron
        self._neurons.update()

    def _on_batches_done(self, stats: list[BatchStats]) -> None:
        """Under each column l = 2..L: ‖δ^l‖/‖δ^L‖ of the last minibatch (‖δ^l‖ = ‖∂C/∂b^l‖, BP3)."""
        if not stats:
            return
        norms = list(stats[-1].delta_norms)
        if len(norms) != len(self._cols) - 1:
            return  # stats of another network, still in flight
        self._norms = norms
        self._ratios = error_ratios(norms)
        wait = RATIO_INTERVAL - (time.monotonic() - self._ratio_last)
        if wait <= 0:
            self._update_ratio_labels()
        elif not self._ratio_timer.isActive():
            self._ratio_timer.start(int(wait * 1000) + 1)

    # ================================================================= saturation
    def _request_saturation(self) -> None:
        """Measure the saturation now, or later if the last measurement was very recent (≤ ~5 Hz; a slow
        measurement on a big network waits longer, so it never takes more than ~10% of the GUI thread)."""
        wait = self._sat_interval - (time.monotonic() - self._sat_last)
        if wait <= 0:
            self._sat_timer.stop()
            self._refresh_saturation()
        elif not self._sat_timer.isActive():
            self._sat_timer.start(int(wait * 1000) + 1)

    def _refresh_saturation(self) -> None:
        """Per neuron, the fraction of the probe's examples on which σ'(z^l_j) < threshold × max σ' (feedforward
        only, via visualbp.core.diagnostics.saturation), measured a block of rows at a time: a big network's
        probe is spread over several slices of ``JOB_SLICE`` seconds, and the marks follow when it is done."""
        if "saturation" in self._jobs:  # one under way: measured again when it is done
            if not self._sat_timer.isActive():
                self._sat_timer.start(int(self._sat_interval * 1000) + 1)
            return
        net = self.session.net
        version = self.session.engine.weights_version
        if self._sat_version == version:
            self._update_saturation_marks()
            return
        threshold = self._sat_threshold
        X = probe_rows(self.session)
        if not (len(X) and X.shape[1] == net.sizes[0]):
            self._sat_fractions, self._sat_probe, self._sat_version = None, 0, version
            self._update_saturation_marks()
            return

        def done(fractions, spent: float) -> None:
            if threshold != self._sat_threshold:  # changed meanwhile: measure again
                self._sat_version = None
                self._request_saturation()
                return
            self._sat_fractions, self._sat_probe, self._sat_version = fractions, len(X), version
            self._sat_last = time.monotonic()
            self._sat_interval = max(SATURATION_INTERVAL, 10.0 * spent)
            self._update_saturation_marks()

        self._sat_last = time.monotonic()  # a measurement is under way: requests wait for it
        self._jobs.start("saturation", saturation_in_blocks(net, X, threshold), done)

    def _update_saturation_marks(self) -> None:
        """Which neurons wear the ring: for a layer whose σ'(z^l) is known for the current example, those
        saturated on it; otherwise those saturated on at least half of the probe's examples."""
        engine, net = self.session.engine, self.session.net
        marks: dict[int, np.ndarray] = {}
        source: dict[int, str] = {}
        for i in range(len(net.weights)):
            l = i + 2
            n = net.sizes[i + 1]
            sp = engine.current("sp", l)
            if sp is not None and np.size(sp) == n:
                limit = self._sat_threshold * max_prime(net.layer_activation(i))
                with np.errstate(invalid="ignore"):
                    marks[l] = np.asarray(sp, dtype=np.float64).ravel() < limit
                source[l] = "example"
            elif self._sat_fractions is not None and i < len(self._sat_fractions) \
                    and len(self._sat_fractions[i]) == n:
                marks[l] = self._sat_fractions[i] >= SATURATED_ON
                source[l] = "probe"
        self._sat_marks, self._sat_source = marks, source
        self._neurons.saturated = marks if self._show_sat else {}  # NeuronItem rings the drawn neurons only
        self._neurons.update()
        self._update_saturation_legend()

    def _update_saturation_legend(self) -> None:
        act = self.session.net.layer_activation(0)
        name = prime_name(act)
        pct = f"{self._sat_threshold * 100:.3g}%"
        self.saturation_box.setText(f"saturated: {name}(z) < {pct} of max")
        sources = set(self._sat_source.values())
        if sources == {"example"}:
            where = "on the current example"
        elif sources == {"probe"}:
            where = f"on at least half of {self._sat_probe} training examples"
        elif sources:
            where = ("on the current example where its σ'(z) is known, elsewhere on at least half of "
                     f"{self._sat_probe} training examples")
        else:
            where = ""
        limit = self._sat_threshold * max_prime(act)
        self.saturation_box.setToolTip(
            f"Red dashed ring: a neuron whose {name}(z) is below {pct} of its largest value "
            f"({name} < {fmt(limit, 2)}){' — ' + where if where else ''}.\n"
            "BP1 and BP2 multiply the error by σ'(z), so a saturated neuron passes almost no error back and "
            "its weights learn slowly. Hover a neuron for how often it is saturated.")

    def _saturation_text(self, l: int, j: int) -> str:
        """The hover lines about neuron j of layer l: how often it is saturated, and on this example."""
        if l < 2 or self._sat_fractions is None or l - 2 >= len(self._sat_fractions):
            return ""
        frac = self._sat_fractions[l - 2]
        if j >= len(frac):
            return ""
        act = self.session.net.layer_activation(l - 2)
        name = prime_name(act)
        limit = self._sat_threshold * max_prime(act)
        lines = [f"saturated on {float(frac[j]):.0%} of examples ({name}(z) < {fmt(limit, 2)}; "
                 f"measured on {self._sat_probe} training examples)"]
        sp = self.session.engine.current("sp", l)
        if sp is not None and j < np.size(sp) and float(np.ravel(sp)[j]) < limit:
            lines.append(f"saturated on this example: {name}({sym('z', l, j)}) = {fmt(float(np.ravel(sp)[j]))}")
        return "\n".join(lines)

    # ================================================================= colours
    def _fit_vmax(self) -> float:
        r = robust_range(self.session.net.weights)
        return C.nice_ceil(r) if self._range_mode == "fixed" else r

    def _build_pens(self) -> None:
        t = T.current()
        many = sum(p.n * c.n for p, c in zip(self._cols[:-1], self._cols[1:])) > ANTIALIAS_EDGES
        lo, hi = (0.6, 2.2) if many else (0.8, 6.0)
        centres = C.bin_centers(NBINS)
        widths = C.widths_for(centres, 1.0, lo, hi) * t.line_scale
        # many crossing lines: weak ones fade towards the background so the strong ones read. The fade is
        # mixed into the opaque colour (one per bin): real alpha on thousands of wide lines is ~10x slower.
        fade = 0.3 + 0.7 * np.abs(centres) if many else np.ones(NBINS)
        bg = QColor(t.background)
        bg_rgb = np.array([bg.red(), bg.green(), bg.blue()], dtype=np.float64)
        rgb = np.rint(bg_rgb + fade[:, None] * (self._lut[:, :3] - bg_rgb)).astype(int)
        self._pens = []
        for b in range(NBINS):
            color = QColor(*rgb[b])
            pen = QPen(color, float(widths[b]))
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens.append(pen)
        self._edges.set_pens(self._pens)

    def _recolor_all(self) -> None:
        """After the weights changed: scale, drawn set, edge bins, biases, receptive fields, heatmaps."""
        if self._range_mode == "auto":
            self._vmax = self._fit_vmax()
        else:
            r = robust_range(self.session.net.weights)
            if r > self._vmax * 1.0001:  # the weights left the scale: widen it (never shrink by itself)
                self._vmax = C.nice_ceil(r)
        self._select_drawn()
        self._recolor_edges()
        self._build_glow()
        self._refresh_biases()
        self._refresh_receptive_fields()
        self._request_heatmaps()
        self._update_legend()

    def _drawn_part(self, i: int, matrix: np.ndarray) -> np.ndarray:
        """The rows and columns of w^(i+2) (or of a matrix shaped like it) between drawn neurons: a view."""
        return np.asarray(matrix)[:self._cols[i + 1].n, :self._cols[i].n]

    def _select_drawn(self) -> None:
        """Choose the drawn edges among the drawn neurons: all, or the strongest max_edges by |w| for a large
        layer pair. Flat indices are j · n_drawn(l−1) + k."""
        weights = self.session.net.weights
        idx_list, coords, ls, flats = [], [], [], []
        for i, lod in enumerate(self._lod):
            prev, cur = self._cols[i], self._cols[i + 1]
            n = prev.n * cur.n
            if lod and self._max_edges is not None and n > self._max_edges:
                mag = np.abs(np.nan_to_num(self._drawn_part(i, weights[i]))).ravel()
                idx = np.sort(np.argpartition(mag, n - self._max_edges)[n - self._max_edges:])
                flats.append(idx)
            else:
                idx = None
                flats.append(np.arange(n))
            coords.append(_edge_segments(prev, cur, flats[-1]))
            idx_list.append(idx)
            ls.append(np.full(len(flats[-1]), i + 2, dtype=np.intp))
        self._drawn_idx = idx_list
        self._drawn_offsets = np.concatenate([[0], np.cumsum([len(f) for f in flats])])
        self._drawn_coords = np.concatenate(coords) if coords else np.empty((0, 4))
        self._drawn_l = np.concatenate(ls) if ls else np.empty(0, dtype=np.intp)
        self._drawn_flat = np.concatenate(flats) if flats else np.empty(0, dtype=np.intp)
        self._edges.antialias = len(self._drawn_coords) <= ANTIALIAS_EDGES

    def _edge_values(self) -> tuple[np.ndarray, float]:
        """The value every drawn edge is coloured by (w, or Δw) and its scale's vmax."""
        parts = []
        for i, idx in enumerate(self._drawn_idx):
            src = self._drawn_part(i, self.session.net.weights[i])
            if self._show_dw:
                src = self._last_dw[i] if self._last_dw[i] is not None else np.zeros_like(src)
            flat = np.asarray(src).ravel()
            parts.append(flat if idx is None else flat[idx])
        values = np.concatenate(parts) if parts else np.empty(0)
        return values, (self._dw_vmax() if self._show_dw else self._vmax)

    def _dw_vmax(self) -> float:
        return robust_range([d for d in self._last_dw if d is not None])

    def _recolor_edges(self) -> None:
        """Bin every drawn edge by its value in one NumPy call and hand the bins to the edge item."""
        values, vmax = self._edge_values()
        bins = C.bin_of(values, vmax, NBINS)
        self._drawn_bins = bins
        order = np.argsort(bins.astype(np.uint8), kind="stable")  # a radix sort on small keys
        counts = np.bincount(bins, minlength=NBINS)
        self._edges.set_binned(self._drawn_coords[order], counts)

    def _build_glow(self) -> None:
        """After an UPDATE of layer l: a halo under that layer's drawn edges, wider where |Δw| is larger."""
        if self._emphasis is None or self._show_dw:
            self._edges.set_glow([])
            return
        l, dw = self._emphasis
        i = l - 2
        if not 0 <= i < len(self._drawn_idx) or dw.shape != self.session.net.weights[i].shape:
            self._edges.set_glow([])
            return
        idx = self._drawn_idx[i]
        flat = np.abs(self._drawn_part(i, dw)).ravel()
        start = int(self._drawn_offsets[i])
        coords = self._drawn_coords[start:int(self._drawn_offsets[i + 1])]
        mag = flat if idx is None else flat[idx]
        top = float(mag.max()) if mag.size else 0.0
        if not top > 0.0:
            self._edges.set_glow([])
            return
        rel = mag / top
        color = _glow_color()
        many = len(self._drawn_coords) > ANTIALIAS_EDGES
        groups = []
        for lo, hi, width in ((0.1, 0.4, 4.0), (0.4, 0.7, 7.0), (0.7, 1.01, 10.0)):
            sel = (rel >= lo) & (rel < hi)
            if sel.any():
                pen = QPen(color, (width * 0.6 if many else width) * T.current().line_scale)
                pen.setCosmetic(True)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                groups.append((pen, coords[sel]))
        self._edges.set_glow(groups)

    def _refresh_biases(self) -> None:
        """The bias square of each neuron coloured by b^l_j on the weight scale."""
        bias = {}
        for i, b in enumerate(self.session.net.biases):
            c = self._cols[i + 1]
            if c.kind == "compact":
                continue
            rgba = C.colors_for(np.asarray(b).ravel()[:c.n], self._vmax, self._colors)
            bias[i + 2] = [QBrush(_qcolor(v)) for v in rgba]
        self._neurons.bias = bias
        self._neurons.update()

    def _fill_scale(self, l: int) -> tuple[float, float]:
        """(centre, half range) of the fill of layer l: the activation's own range for a, ±range for δ."""
        if self._fill_q == "delta":
            return 0.0, self._delta_vmax
        if l == 1:
            return 0.0, self._input_half
        act = self.session.net.layer_activation(l - 2)
        if math.isfinite(act.low) and math.isfinite(act.high):
            return (act.low + act.high) / 2, (act.high - act.low) / 2
        a = self.session.engine.current("a", l)
        return 0.0, C.nice_ceil(C.symmetric_range(a)) if a is not None else 1.0

    def _refresh_fills(self) -> None:
        """Fill each neuron with a^l_j (feedforward) or δ^l_j (BP1–BP4) of the current example."""
        engine = self.session.engine
        name = self._fill_q
        if name == "delta":
            known = [engine.current("delta", c.l) for c in self._cols[1:]]
            self._delta_vmax = C.nice_ceil(C.symmetric_range([d for d in known if d is not None]))
        fills = {}
        for c in self._cols:
            if c.kind == "image":
                continue
            v = engine.current(name, c.l) if not (name == "delta" and c.l == 1) else None
            if v is None:
                continue
            centre, half = self._fill_scale(c.l)
            rgba = C.colors_for((np.asarray(v).ravel()[:c.n] - centre), half, self._colors)
            fills[c.l] = [QBrush(_qcolor(x)) for x in rgba]
        self._neurons.fill = fills
        # the 2-D example's position on every tile
        a1 = engine.current("a", 1)
        if self._grid_lim is not None and a1 is not None:
            (x0, x1), (y0, y1) = self._grid_lim
            res = HEATMAP_RESOLUTION
            u = ((float(a1[0, 0]) - x0) / (x1 - x0) * (res - 1) + 0.5) / res
            v = ((y1 - float(a1[1, 0])) / (y1 - y0) * (res - 1) + 0.5) / res
            self._neurons.example_uv = (min(max(u, 0.0), 1.0), min(max(v, 0.0), 1.0))
        else:
            self._neurons.example_uv = None
        self._neurons.update()
        self._refresh_input_image()

    # ================================================================= images
    def _build_images(self) -> None:
        for item in self._images.values():
            self.vb.removeItem(item)
        self._images = {}
        for c in self._cols:
            if c.kind == "image":
                item = pg.ImageItem(axisOrder="row-major")
                h, w = c.image_shape
                item.setZValue(5)
                self.vb.addItem(item)
                self._images["input"] = item
                item.setImage(np.zeros((h, w, 4), dtype=np.uint8), autoLevels=False)
                item.setRect(QRectF(c.left, c.top, w * c.px, h * c.px))
            elif c.mosaic is not None:
                item = pg.ImageItem(axisOrder="row-major")
                item.setZValue(5)
                self.vb.addItem(item)
                self._images[f"{c.mosaic}{c.l}" if c.mosaic == "heat" else "rf"] = item
                rows, cols = c.tile_px
                item.setImage(np.zeros((c.n * c.block_rows, cols, 4), dtype=np.uint8), autoLevels=False)
                item.setRect(c.mosaic_rect())

    def _mosaic(self, c: _Col, tiles_rgba: np.ndarray) -> np.ndarray:
        """Stack (n, h, w, 4) tiles into one tall transparent image, one block per neuron."""
        n, h, w, _ = tiles_rgba.shape
        out = np.zeros((n, c.block_rows, w, 4), dtype=np.uint8)
        out[:, c.g0:c.g0 + h] = tiles_rgba
        return out.reshape(n * c.block_rows, w, 4)

    def _refresh_input_image(self) -> None:
        """The input tile: the current example's a^1 when one is known, else the mean input."""
        item = self._images.get("input")
        if item is None:
            return
        c = self._cols[0]
        a1 = self.session.engine.current("a", 1)
        x = np.asarray(a1).ravel() if a1 is not None else self._mean_input
        if x is None:
            return
        rgba = C.image_rgba(x.reshape(c.image_shape), self._input_half, self._colors)
        if a1 is None:  # the mean input, faded towards the background: no example is being stepped
            bg = QColor(T.current().background)
            bg_rgb = np.array([bg.red(), bg.green(), bg.blue()], dtype=np.float64)
            rgba[..., :3] = np.rint(0.55 * rgba[..., :3] + 0.45 * bg_rgb).astype(np.uint8)
        item.setImage(rgba, autoLevels=False)

    def _refresh_receptive_fields(self) -> None:
        """Each neuron's incoming weights w^l_j· as an image in the diverging colours, beside the neuron."""
        item = self._images.get("rf")
        if item is None:
            return
        c = self._cols[1]
        h, w = c.image_shape
        wts = np.asarray(self.session.net.weights[0][:c.n]).reshape(c.n, h, w)
        # each field on its own symmetric range, so a neuron's pattern shows even when its weights are small
        mag = np.abs(np.nan_to_num(wts.reshape(c.n, -1)))
        vmax = np.percentile(mag, 99.0, axis=1)
        vmax = np.where(vmax > 0, vmax, 1.0)
        tiles = C._rgba(wts / vmax[:, None, None], self._colors)
        item.setImage(self._mosaic(c, tiles), autoLevels=False)

    def _request_heatmaps(self) -> None:
        """Refresh the 2-D heatmaps now, or within 0.1 s if they were refreshed just before (≤ ~10 Hz); while a
        big network's grid is still being computed, once more when it is done."""
        if self._grid_lim is None:
            return
        if "heat" in self._jobs:
            self._heat_dirty = True
            return
        wait = HEATMAP_INTERVAL - (time.monotonic() - self._heat_last)
        if wait <= 0:
            self._heat_timer.stop()
            self._refresh_heatmaps()
        elif not self._heat_timer.isActive():
            self._heat_timer.start(int(wait * 1000) + 1)

    def _refresh_heatmaps(self) -> None:
        """Every drawn neuron as a heatmap of a^l_j over the input plane (feedforward on a grid; no gradients).
        Only the drawn neurons' rows are kept, and the grid goes through the network a block of points at a
        time (``GridProbe``): a small network's in one go, a big one's over slices of ``JOB_SLICE`` seconds."""
        if self._grid_lim is None or "heat" in self._jobs:
            return
        net = self.session.net
        version = self.session.engine.weights_version
        if self._heat_version == version:
            return
        self._heat_last = time.monotonic()
        self._heat_dirty = False
        xlim, ylim = self._grid_lim
        probe = GridProbe(net, xlim, ylim, HEATMAP_RESOLUTION, rows=[c.n for c in self._cols])

        def done(grids: list[np.ndarray], spent: float) -> None:
            self._heat_version = version
            self._heat_grids = [g[:, ::-1, :] for g in grids]  # x2 grows upwards on screen
            self._render_heatmaps()
            if self._heat_dirty:  # the weights moved on meanwhile: again, after a pause as long as the work
                self._heat_dirty = False
                self._heat_last = time.monotonic() + max(0.0, spent - HEATMAP_INTERVAL)
                self._request_heatmaps()

        self._jobs.start("heat", probe.blocks(), done)

    def _render_heatmaps(self) -> None:
        """Colour the computed heatmaps into each column's mosaic (a^l on the activation's own range)."""
        if self._heat_grids is None:
            return
        net = self.session.net
        for c, g in zip(self._cols, self._heat_grids):
            item = self._images.get(f"heat{c.l}")
            if item is None or len(g) != c.n:
                continue
            if c.l == 1:
                centre, half = 0.0, self._input_half
            else:
                act = net.layer_activation(c.l - 2)
                if math.isfinite(act.low) and math.isfinite(act.high):
                    centre, half = (act.low + act.high) / 2, (act.high - act.low) / 2
                else:
                    centre, half = 0.0, C.nice_ceil(C.symmetric_range(g))
            tiles = C._rgba((g - centre) / half, self._colors)
            item.setImage(self._mosaic(c, tiles), autoLevels=False)

    # ================================================================= labels, band, legend
    def _build_labels(self) -> None:
        for item in self._labels:
            self.vb.removeItem(item)
        self._labels = []
        self._more_items: dict[int, pg.TextItem] = {}
        self._title_labels = []  # (item, column, its full point size)
        self._neuron_labels = []
        t = T.current()
        L = len(self._cols)
        top = min(c.top for c in self._cols)
        lift = 0.12 * max(c.s for c in self._cols if c.kind != "image") if len(self._cols) > 1 else 0.12
        names = self.session.dataset
        for c in self._cols:
            role = " (input)" if c.l == 1 else (" (output)" if c.l == L else "")
            size = f"{c.n:,} = {c.image_shape[0]}×{c.image_shape[1]}" if c.kind == "image" else f"{c.total:,}"
            unit = "pixels" if c.kind == "image" else ("neuron" if c.total == 1 else "neurons")
            text = (f"<span style='color:{t.text};font-weight:600'>l = {c.l}{role}</span><br>"
                    f"<span style='color:{t.muted}'>{size} {unit}</span>")
            item = self._centred_label(text, (0.5, 1.0), c.x, top - lift)
            self._title_labels.append((item, c, item.textItem.font().pointSizeF()))
            if c.hidden:
                self._build_more_label(c)
            if c.kind in ("compact", "image"):
                continue
            for j in range(c.n):
                if c.l == 1:
                    label, anchor, x = f"x<sub>{shown(j)}</sub>", (1.0, 0.5), c.left - 0.2 * c.s
                elif c.l == L:
                    # a class label is data (digit 0, class 0), not a neuron number
                    name = str(j) if names.n_classes > 2 or names.image_shape else f"class {j}"
                    label, anchor, x = name, (0.0, 0.5), c.out_x + 0.12 * c.s
                else:
                    continue
                item = pg.TextItem(html=f"<span style='color:{t.muted}'>{label}</span>", anchor=anchor)
                _label_font(item)
                item.setPos(x, float(c.ys[j]))
                item.setZValue(20)
                self.vb.addItem(item, ignoreBounds=True)
                self._labels.append(item)
                self._neuron_labels.append((item, c, item.textItem.font().pointSizeF()))

    def _build_more_label(self, c: _Col) -> None:
        """Under a column drawn in part: how many of its neurons are not drawn, and where to see them."""
        t = T.current()
        text = (f"<span style='color:{t.muted}'>⋮</span><br>"
                f"<span style='color:{t.text};font-weight:600'>{c.hidden:,} more</span>"
                f"<span style='color:{t.muted}'> not drawn</span>")
        self._more_items[c.l] = self._centred_label(text, (0.5, 0.0), c.x, c.more_y)

    def _centred_label(self, html: str, anchor: tuple[float, float], x: float, y: float) -> pg.TextItem:
        """A label of centred lines at (x, y) in view coordinates, above the graph, rebuilt with the network."""
        item = pg.TextItem(html=html, anchor=anchor)
        _label_font(item)
        doc = item.textItem.document()
        doc.setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
        item.textItem.setTextWidth(doc.idealWidth())
        item.updateTextPos()
        item.setPos(x, y)
        item.setZValue(20)
        self.vb.addItem(item, ignoreBounds=True)
        self._labels.append(item)
        return item

    def _more_text(self, l: int) -> str:
        """The hover text of the note under a column drawn in part."""
        c = self._cols[l - 1]
        w = l if l >= 2 else 2
        return (f"layer {l} has {c.total:,} neurons: j = 1 … {c.n} are drawn, "
                f"j = {c.n + 1:,} … {c.total:,} ({c.hidden:,} more) are not\n"
                f"every weight is in the weight matrix w^{w} (the heatmap button w{_SUPERSCRIPT.get(w, '^' + str(w))} "
                f"below, or click here)")

    def _more_at(self, pos: QPointF) -> int | None:
        for l, item in self._more_items.items():
            c = self._cols[l - 1]
            if c.left - 0.3 * c.s <= pos.x() <= c.right + 0.3 * c.s and c.more_y <= pos.y() <= c.bottom:
                return l
        return None

    def _build_ratio_labels(self) -> None:
        """One hidden label under each column l = 2..L, all on one row below the graph."""
        for item in self._ratio_items.values():
            self.vb.removeItem(item)
        self._ratio_timer.stop()
        self._ratio_items, self._ratio_plain = {}, {}
        self._ratios = self._norms = None
        if len(self._cols) < 2:
            return
        bottom = max(c.bottom for c in self._cols)
        lift = 0.1 * max(c.s for c in self._cols if c.kind != "image")
        for c in self._cols[1:]:
            item = pg.TextItem(anchor=(0.5, 0.0))
            item.setPos(c.x, bottom + lift)
            item.setZValue(20)
            item.setVisible(False)
            self.vb.addItem(item, ignoreBounds=True)
            self._ratio_items[c.l] = item

    def _update_ratio_labels(self) -> None:
        """'‖δ^l‖/‖δ^L‖ = 0.03' under column l: muted near 1, in the warning colour below 0.1 or above 10."""
        self._ratio_timer.stop()
        if self._ratios is None or not self._ratio_items:
            return
        self._ratio_last = time.monotonic()
        t = T.current()
        L = len(self._cols)
        sup_L = _sup_digits(L)
        for l, item in self._ratio_items.items():
            r, norm = self._ratios[l - 2], self._norms[l - 2]
            if l == L:  # what the others are measured against
                head, value, colour = f"‖δ{sup_L}‖", fmt(norm, 2), t.muted
                head_html = f"‖δ<sup>{L}</sup>‖"
            else:
                head, value, colour = f"‖δ{_sup_digits(l)}‖/‖δ{sup_L}‖", fmt(r, 2), ratio_color(r)
                head_html = f"‖δ<sup>{l}</sup>‖/‖δ<sup>{L}</sup>‖"
            weight = 700 if colour == alarm_color() else 600
            self._ratio_plain[l] = f"{head} = {value}"
            html_text = (f"<span style='color:{t.muted};font-size:{max(7, t.font_pt - 1)}pt'>{head_html}</span><br>"
                         f"<span style='color:{colour};font-weight:{weight};font-size:{t.font_pt}pt'>= {value}</span>")
            item.textItem.setTextWidth(-1)  # unconstrained, so the ideal width is the widest line of the new text
            item.setHtml(html_text)
            doc = item.textItem.document()
            doc.setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
            item.textItem.setTextWidth(doc.idealWidth())
            item.updateTextPos()
            item.setVisible(True)
        if self._card.isVisible() and self._hover_key is not None and self._hover_key[0][0] == "ratio":
            self._refresh_card()

    def _ratio_text(self, l: int) -> str:
        """The hover text of the error ratio under column l."""
        L = len(self._cols)
        norms = self._norms
        if l == L:
            return (f"‖δ^{L}‖ = {fmt(norms[L - 2])}: the output error (BP1) of the last minibatch, "
                    f"‖∂C/∂b^{L}‖ (BP3)\nthe labels under the other layers are measured against it")
        r = self._ratios[l - 2]
        lines = [f"‖δ^{l}‖/‖δ^{L}‖ = {fmt(norms[l - 2])} / {fmt(norms[L - 2])} = {fmt(r)}",
                 f"how much of the output error reaches layer {l} (last minibatch; ‖δ^l‖ = ‖∂C/∂b^l‖, BP3)"]
        if math.isfinite(r) and r < RATIO_WARN_LOW:
            lines.append(f"below {RATIO_WARN_LOW:g}: the error vanishes on its way back — BP2 multiplies it by "
                         f"σ'(z) ≤ 1/4 at every layer, so layer {l} learns slowly")
        elif math.isfinite(r) and r > RATIO_WARN_HIGH:
            lines.append(f"above {RATIO_WARN_HIGH:g}: the error explodes on its way back (large weights in BP2)")
        return "\n".join(lines)

    def ratio_label_rect(self, l: int) -> QRectF | None:
        """Where the error-ratio label under column l is, in view coordinates (None while hidden). Computed from
        its position and size in pixels, so it is right before the label is first painted."""
        item = self._ratio_items.get(l)
        if item is None or not item.isVisible():
            return None
        size = item.textItem.boundingRect()
        sx, sy = self.vb.viewPixelSize()
        w, h = size.width() * abs(sx), size.height() * abs(sy)
        return QRectF(item.pos().x() - w / 2, item.pos().y(), w, h)

    def _ratio_at(self, pos: QPointF) -> int | None:
        for l in self._ratio_items:
            rect = self.ratio_label_rect(l)
            if rect is not None and rect.contains(pos):
                return l
        return None

    def _build_heatmap_buttons(self) -> None:
        for b in self._heat_buttons:
            self._heat_row.removeWidget(b)
            b.hide()  # until the event loop deletes it (a screenshot taken before would show it)
            b.deleteLater()
        self._heat_buttons = []
        sizes = self.session.net.sizes
        for l in range(2, len(sizes) + 1):
            b = QPushButton(f"w{_SUPERSCRIPT.get(l, '^' + str(l))}")
            b.setToolTip(f"Open the weight matrix w^{l} ({sizes[l - 1]} × {sizes[l - 2]}: rows j, columns k)")
            b.setMaximumWidth(round(46 * T.scale()))
            b.setProperty("layer", l)
            # a bound method, not a lambda over self: PyQt holds it weakly, so no reference cycle keeps the
            # view's wrapper for the garbage collector to delete later, perhaps in the middle of a paint
            b.clicked.connect(self._on_heatmap_button)
            self._heat_row.addWidget(b)
            self._heat_buttons.append(b)

    def _update_band(self) -> None:
        l = self._highlight
        if l is None or not 1 <= l <= len(self._cols):
            self._band.setVisible(False)
            return
        c = self._cols[l - 1]
        top = min(x.top for x in self._cols)
        bottom = max(x.bottom for x in self._cols)
        pad = 0.35 * (self._cols[1].s if len(self._cols) > 1 else 1.0)
        if c.kind in ("image", "compact"):
            pad = max(pad, 0.5)
        self._band.setRect(QRectF(c.left - pad, top - pad, c.right - c.left + 2 * pad, bottom - top + 2 * pad))
        self._band.setBrush(QBrush(QColor(T.current().highlight)))
        self._band.setVisible(True)

    def _update_legend(self) -> None:
        if self._show_dw:
            v = self._dw_vmax()
            self.weight_scale.set_scale("edges: Δw (last change)", -v, 0.0, v, self._colors)
        else:
            v = self._vmax
            self.weight_scale.set_scale("w, b", -v, 0.0, v, self._colors)
        if self._fill_q == "delta":
            v = self._delta_vmax
            self.fill_scale.set_scale("fill: δ^l_j (error)", -v, 0.0, v, self._colors)
        else:
            net = self.session.net
            act = net.layer_activation(0)
            if math.isfinite(act.low) and math.isfinite(act.high):
                lo, hi = act.low, act.high
            else:
                lo, hi = -self._fill_scale(2)[1], self._fill_scale(2)[1]
            self.fill_scale.set_scale("fill: a^l_j (activation)", lo, (lo + hi) / 2, hi, self._colors)

    def _content_rect(self) -> QRectF:
        left = min(c.left for c in self._cols)
        right = max(c.right for c in self._cols)
        top = min(c.top for c in self._cols)
        bottom = max(c.bottom for c in self._cols)
        return QRectF(left, top, right - left, bottom - top)

    def _sync_edges_box(self) -> None:
        i = self.edges_box.findData(self._max_edges)
        if i < 0:
            self.edges_box.addItem(f"{self._max_edges:,} strongest", self._max_edges)
            i = self.edges_box.count() - 1
        self.edges_box.blockSignals(True)
        self.edges_box.setCurrentIndex(i)
        self.edges_box.blockSignals(False)

    def _on_edges_box(self, index: int) -> None:
        self.set_max_edges(self.edges_box.itemData(index))

    def _on_range_changed_manually(self, *args) -> None:
        self._auto_fit = False

    def _on_view_resized(self) -> None:
        if self._auto_fit:
            self.fit()

    # ================================================================= hover and click
    def _hit(self, pos: QPointF):
        """What is at ``pos`` (view coordinates): ('neuron', l, j), ('pixel', 1, k), ('rf', l, j, k),
        ('edge', l, j, k) or None. Edges are hit-tested vectorised over the drawn segments only."""
        ratio = self._ratio_at(pos)
        if ratio is not None:
            return ("ratio", ratio)
        more = self._more_at(pos)
        if more is not None:
            return ("more", more)
        x, y = pos.x(), pos.y()
        for c in self._cols:
            if c.kind == "image":
                h, w = c.image_shape
                col, row = int((x - c.left) // c.px), int((y - c.top) // c.px)
                if 0 <= col < w and 0 <= row < h and c.left <= x and c.top <= y:
                    return ("pixel", 1, row * w + col)
                continue
            if not (c.left - 0.2 * c.s <= x <= c.right + 0.2 * c.s):
                continue
            j = int(round((y - c.ys[0]) / c.s))
            if not 0 <= j < c.n:
                continue
            if c.mosaic is not None:
                rect = c.tile_rect(j)
                if rect.contains(QPointF(x, y)):
                    if c.mosaic == "rf":
                        h, w = c.image_shape
                        col = min(w - 1, int((x - rect.left()) / rect.width() * w))
                        row = min(h - 1, int((y - rect.top()) / rect.height() * h))
                        return ("rf", c.l, j, row * w + col)
                    return ("neuron", c.l, j)
            if c.kind != "tile" and math.hypot(x - c.x, y - c.ys[j]) <= max(c.r * 1.15, 0.5 * c.s if c.kind == "compact" else 0):
                return ("neuron", c.l, j)
            if c.kind == "tile" and math.hypot(x - (c.x + c.tile_w / 2), y - c.ys[j]) <= 0.15 * c.s:
                return ("neuron", c.l, j)
        edge = self._edge_at(x, y)
        return edge

    def _edge_at(self, x: float, y: float, tol_px: float = 4.0):
        P = self._drawn_coords
        if not len(P):
            return None
        sx, sy = self.vb.viewPixelSize()
        tol = tol_px * max(abs(sx), abs(sy), 1e-12)
        x0, y0, x1, y1 = P[:, 0], P[:, 1], P[:, 2], P[:, 3]
        near = (np.minimum(x0, x1) - tol <= x) & (x <= np.maximum(x0, x1) + tol)
        if not near.any():
            return None
        ids = np.flatnonzero(near)
        x0, y0, x1, y1 = x0[ids], y0[ids], x1[ids], y1[ids]
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((x - x0) * dx + (y - y0) * dy) / np.maximum(dx * dx + dy * dy, 1e-18), 0.0, 1.0)
        d2 = (x0 + t * dx - x) ** 2 + (y0 + t * dy - y) ** 2
        best = int(np.argmin(d2))
        if d2[best] > tol * tol:
            return None
        # among near ties, the strongest edge is drawn on top
        close = np.flatnonzero(d2 <= d2[best] + (0.25 * tol) ** 2)
        if len(close) > 1:
            ls, flats = self._drawn_l[ids[close]], self._drawn_flat[ids[close]]
            mags = [abs(float(self.session.net.weights[l - 2].ravel()[f])) for l, f in zip(ls, flats)]
            best = int(close[int(np.argmax(mags))])
        e = ids[best]
        l, flat = int(self._drawn_l[e]), int(self._drawn_flat[e])
        n_prev = self._cols[l - 2].n
        return ("edge", l, flat // n_prev, flat % n_prev)

    def _hit_text(self, hit) -> str:
        s = self.session
        kind = hit[0]
        if kind == "ratio":
            return self._ratio_text(hit[1])
        if kind == "more":
            return self._more_text(hit[1])
        if kind == "neuron":
            extra = self._saturation_text(hit[1], hit[2])
            return neuron_text(s, hit[1], hit[2]) + (f"\n{extra}" if extra else "")
        if kind == "pixel":
            c = self._cols[0]
            k = hit[2]
            h, w = c.image_shape
            a1 = s.engine.current("a", 1)
            where = f"pixel (row {k // w + 1}, column {k % w + 1})"
            if a1 is not None:
                return f"{sym('a', 1, k)} = {fmt(float(a1[k, 0]))}   (input {where})"
            mean = self._mean_input[k] if self._mean_input is not None else None
            return f"{sym('a', 1, k)}: {where}; mean over the training data {fmt(mean)}"
        l, j, k = hit[1], hit[2], hit[3]
        dw = self._last_dw[l - 2]
        text = edge_text(s, l, j, k, None if dw is None else float(dw[j, k]))
        if kind == "rf":
            w_img = self._cols[l - 1].image_shape[1]
            text = (f"receptive field of neuron j={shown(j)} of layer {l}: pixel k={shown(k)} "
                    f"(row {k // w_img + 1}, column {k % w_img + 1})\n" + text)
        return text

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if not self._cols or not self.vb.sceneBoundingRect().contains(scene_pos):
            self._hide_card()
            return
        pos = self.vb.mapSceneToView(scene_pos)
        hit = self._hit(pos)
        if hit is None:
            self._hide_card()
            return
        self._hover_key = (hit, pos)
        self._show_card(hit, pos)

    def _show_card(self, hit, pos: QPointF) -> None:
        text = self._hit_text(hit)
        if hit[0] == "edge":
            l, j, k = hit[1], hit[2], hit[3]
            width = self.edge_width_of(l, j, k)
            outline = QPen(QColor(T.current().text), width + 3.0)
            outline.setCosmetic(True)
            color = QColor(*self.edge_color_of(l, j, k)[:3])
            inner = QPen(color, width + 0.5)
            inner.setCosmetic(True)
            prev = self._cols[l - 2]
            segment = _edge_segments(prev, self._cols[l - 1], np.array([j * prev.n + k]))[0]
            self._edges.set_hover([outline, inner], segment)
        else:
            self._edges.set_hover(None, None)
        self._card_plain = text
        t = T.current()
        lines = notation_html(text).split("<br>")
        body = f"<b>{lines[0]}</b>" + "".join(f"<br>{x}" for x in lines[1:])
        self._card.setHtml(f"<div style='color:{t.text};font-size:{t.font_pt}pt'>{body}</div>")
        # keep the card inside the view: open towards the side with more room
        (x0, x1), (y0, y1) = self.vb.viewRange()
        ax = 1.0 if pos.x() > (x0 + x1) / 2 else 0.0
        ay = 0.0 if pos.y() < y0 + 0.3 * (y1 - y0) else 1.0
        self._card.setAnchor((ax, ay))
        sx, sy = self.vb.viewPixelSize()
        off = 12
        self._card.setPos(pos.x() + (off if ax == 0 else -off) * sx, pos.y() + (off if ay == 0 else -off) * sy)
        self._card.setVisible(True)

    def _refresh_card(self) -> None:
        if self._card.isVisible() and self._hover_key is not None:
            hit, pos = self._hover_key
            try:
                self._show_card(hit, pos)
            except (IndexError, TypeError):
                self._hide_card()

    def _hide_card(self) -> None:
        self._card.setVisible(False)
        self._edges.set_hover(None, None)
        self._hover_key = None
        self._card_plain = ""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.graphics.viewport() and event.type() == QEvent.Type.Leave:
            self._hide_card()
        return super().eventFilter(obj, event)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        if not self.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        self.click_at(self.vb.mapSceneToView(event.scenePos()))


def _with_pt(font: QFont, size: float) -> QFont:
    out = QFont(font)
    out.setPointSizeF(size)
    return out


def _label_width(item: pg.TextItem, size: float) -> float:
    """The label's width in pixels at point size ``size`` (text width grows with the type)."""
    current = item.textItem.font().pointSizeF()
    return item.textItem.boundingRect().width() * size / max(current, 1.0)


def _set_label_pt(item: pg.TextItem, size: float, centred: bool = False) -> None:
    """Give a label point size ``size`` (a no-op when it has it): a centred label keeps its width fitted."""
    size = round(size, 1)
    if abs(item.textItem.font().pointSizeF() - size) < 0.05:
        return
    if centred:
        item.textItem.setTextWidth(-1)
    item.setFont(_with_pt(item.textItem.font(), size))
    if centred:
        item.textItem.setTextWidth(item.textItem.document().idealWidth())
    item.updateTextPos()


def _label_font(item: pg.TextItem) -> None:
    """The column titles and neuron labels: the default type on the light theme, scaled with the theme's
    font_pt otherwise (presentation mode reads from the back of the room)."""
    if T.scale() != 1.0:
        font = QFont(item.textItem.font())
        font.setPointSizeF(T.pt(9))
        item.setFont(font)


_SUPERSCRIPT = {2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹"}
