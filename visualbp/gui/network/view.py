"""The network graph: neurons in columns by the book's layer l, an edge for every weight w^l_jk.

``NetworkView(session)`` observes the Session and composes the parts of ``visualbp.gui.network``: the
``Scene`` (what is drawn, NumPy only), its ``layout`` (one geometry for painting and hit-testing), the
painters in ``items``, and small controllers — ``Heatmaps`` (input picture, receptive fields, 2-D
heatmaps), ``Saturation`` (the marks and their count), ``RatioLabels`` (‖δ^l‖/‖δ^L‖ under the columns),
``Labels`` (titles, x_k and class labels), ``Interaction`` (hover card, click) and the ``Toolbar``. Where each
text goes, at one legible size, is ``label_plan``'s (no Qt); ``fitting`` gives the drawing the room left.

Edge colour is w^l_jk on the one diverging scale (orange < 0 < blue), width |w^l_jk|; a neuron's fill is
a^l_j while the example goes forwards and δ^l_j while it goes backwards (BP1–BP4); the small square beside
a neuron is its bias b^l_j. The layer the current step works on sits on a soft band, and after an update the
edges whose weights changed glow. Large layers use level of detail: an image input is a picture, each
neuron of the next layer shows its incoming weights as a receptive field, only the strongest edges are
lines — every weight is one click away in the weight-matrix heatmap (``show_weight_heatmap(l)``). A layer
wider than ``view_limits.DRAWN_NEURONS`` draws its first ones and a note "⋮ 99,900 more not drawn".

Double-click an edge, a neuron (its bias) or an input (its x_k), or press F2 (Edit value…) for the selected
neuron, to type the value by hand (``visualbp.gui.value_editor``; one step of the history, ← undoes it); right-click
a neuron to choose its own activation f (``visualbp.gui.network.neuron_menu``, also a step ← undoes).

It leaves out: computing anything but feedforward over a grid for the 2-D heatmaps (every δ and gradient is read
from the step records and the engine).
"""

from __future__ import annotations

import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QSize, Qt
from PyQt6.QtGui import QAction, QBrush, QColor, QGuiApplication, QKeySequence, QPen
from PyQt6.QtWidgets import QVBoxLayout, QWidget

from visualbp.core.steps import StepRecord
from visualbp.gui import theme as T
from visualbp.gui.network import fitting
from visualbp.gui.network.animation import PulseItem, StepAnimation
from visualbp.gui.network.flow import flow_for
from visualbp.gui.network.heatmaps import Heatmaps
from visualbp.gui.network.interaction import Interaction
from visualbp.gui.network.items import EdgeItem, NeuronItem, qrect
from visualbp.gui.network.labels import Labels
from visualbp.gui.network.layout import band_rect, content_rect
from visualbp.gui.network.neuron_menu import NeuronMenu
from visualbp.gui.network.path_overlay import PathItem, path_segments
from visualbp.gui.network.ratios import RatioLabels
from visualbp.gui.network.saturation import Saturation
from visualbp.gui.network.scene import Scene, Style
from visualbp.gui.network.toolbar import Toolbar
from visualbp.gui.qt_helpers import _theme_colors
from visualbp.gui.sliced_jobs import SlicedJobs
from visualbp.gui.value_editor import ValueEditor, hit_target
from visualbp.gui.weight_heatmap import WeightHeatmap


def _rgb(name: str) -> tuple[int, int, int]:
    c = QColor(name)
    return (c.red(), c.green(), c.blue())


def _glow_color() -> QColor:
    """The highlight colour, saturated enough to show as a halo on white."""
    c = QColor(T.current().highlight)
    h, s, v, _ = c.getHsv()
    if T.is_dark():  # the dark theme's highlight is a dim olive: a halo must be brighter than the background
        v = max(v, 200)
    return QColor.fromHsv(max(h, 0), min(255, max(150, s * 3)), v, 190)


class NetworkView(QWidget):
    """The network graph of ``session``: nodes, edges, the current-layer highlight, hover and click."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.scene = Scene()
        self._record: StepRecord | None = None
        self._legend: tuple = ()  # what the saturation checkbox says
        self.auto_fit = True
        self._relayouts = 0  # fit() → a new layout → fit(): at most this deep
        self._heatmap_windows: dict[int, WeightHeatmap] = {}
        self._jobs = SlicedJobs(self)  # heatmaps and saturation of a big network, between repaints

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(T.current().background)
        self.graphics.ci.setContentsMargins(0, 0, 0, 0)
        self.vb: pg.ViewBox = self.graphics.addViewBox()
        self.vb.setAspectLocked(True)
        self.vb.invertY(True)
        self.vb.setMenuEnabled(False)
        self.band = pg.QtWidgets.QGraphicsRectItem()
        self.band.setPen(QPen(Qt.PenStyle.NoPen))
        self.band.setZValue(-20)
        self.band.setVisible(False)
        self.vb.addItem(self.band, ignoreBounds=True)
        self.edges = EdgeItem()
        self.edges.setZValue(0)
        self.vb.addItem(self.edges)
        self.neurons = NeuronItem()
        self.neurons.setZValue(10)
        self.vb.addItem(self.neurons)
        self.path_bands, self._path_sum = PathItem(), None  # the Paths panel's paths (show_paths)
        self.pulses = PulseItem()  # an animated step's signal or error
        for item, z in ((self.path_bands, -1), (self.pulses, 5)):  # under the edges; over them, under the neurons
            item.setZValue(z)
            self.vb.addItem(item, ignoreBounds=True)
        self.animation = StepAnimation(self.pulses, self._paint_fills, self)
        self._seen_step = session.engine.step_index

        self.heatmaps = Heatmaps(self.vb, session, self.scene, self._jobs)
        self.saturation = Saturation(session, self.scene, self._jobs)
        self.saturation.setParent(self)
        self.ratios = RatioLabels(self.vb)
        self.labels = Labels(self.vb)
        self.interaction = Interaction(self.vb, session, self.scene, self.edges, self.labels, self.ratios,
                                       self.saturation)
        self.toolbar = Toolbar()
        tb = self.toolbar
        self.weight_scale, self.fill_scale, self.saturation_box = tb.weight_scale, tb.fill_scale, tb.saturation_box
        self.edges_box, self.range_box, self.dw_box = tb.edges_box, tb.range_box, tb.dw_box

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(tb.top_row)
        lay.addWidget(self.graphics, 1)
        lay.addLayout(tb.bottom)
        self.setMinimumSize(QSize(420, 300))
        self.editor = ValueEditor(session, self)  # typing a weight, bias or input by hand
        self.edit_action = QAction("&Edit value… (selected neuron)", self)
        self.edit_action.setShortcut(QKeySequence("F2"))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.edit_action.triggered.connect(self.edit_selected)
        self.editor.closed.connect(self._on_editor_closed)
        self.addAction(self.edit_action)

        # wiring: one handler per signal
        session.networkChanged.connect(self._on_network_changed)
        session.stepTaken.connect(self._on_step_taken)
        session.weightsChanged.connect(self._on_weights_changed)
        session.selectionChanged.connect(self._on_selection_changed)
        session.batchesDone.connect(self.ratios.on_batches)
        self.saturation.marksChanged.connect(self._on_saturation_marks)
        self.ratios.changed.connect(self._on_ratios_changed)
        gscene = self.graphics.scene()
        gscene.sigMouseMoved.connect(self.interaction.on_mouse_moved)
        gscene.sigMouseClicked.connect(self._on_mouse_clicked)
        self.graphics.viewport().installEventFilter(self.interaction)
        self.vb.sigRangeChangedManually.connect(self._on_range_changed_manually)
        self.vb.sigResized.connect(self._fit_if_shown)
        tb.range_box.currentTextChanged.connect(self.set_range_mode)
        tb.refit_button.clicked.connect(self.refit_range)
        tb.dw_box.toggled.connect(self.set_show_dw)
        tb.edges_box.currentIndexChanged.connect(self._on_edges_box)
        tb.fit_button.clicked.connect(self.fit)
        tb.saturation_box.toggled.connect(self.set_show_saturation)

        T.notifier().changed.connect(self.apply_theme)
        self._on_network_changed()
        self._on_step_taken(session.engine.last_record)
        self.neuron_menu = NeuronMenu(self)  # right-click a neuron: its activation; the f marks beside neurons

    # ================================================================= settings
    def apply_theme(self, _theme: object = None) -> None:
        """Redraw everything in ``theme.current()``'s colours, line widths (× line_scale) and type sizes
        (font_pt): presentation mode. The network, the colour scale, the selection and the step stay."""
        if not self.scene.cols:
            return
        self._style_chrome()
        self.scene.refresh_biases()
        self._paint_edges()
        self.heatmaps.refresh_receptive_fields()
        self.heatmaps.refresh_input(force=True)
        self.heatmaps.render()  # the heatmaps' colours changed, not the weights
        self.labels.build(self.scene.cols, self.session.dataset)
        self.ratios.build(self.scene.cols, keep=True)
        self.toolbar.build_heat_buttons(self.session.net.sizes, self._on_heatmap_button)
        self._on_step_taken(self._record)  # fills, band, saturation marks, legend, hover card
        if self.auto_fit:
            self.fit()

    def _style_chrome(self) -> None:
        """Background, hover card, legend swatch and the scene's colours of ``theme.current()``."""
        t = T.current()
        self.scene.set_style(Style(_theme_colors(), _rgb(t.background), t.line_scale))
        self.edges.set_bins(self.scene.bin_rgb, self.scene.bin_widths)
        self.graphics.setBackground(t.background)
        self.interaction.restyle()
        self.toolbar.restyle()

    def fit(self) -> None:
        """Fit the whole network, its labels included, into the view (``fitting``)."""
        self.auto_fit = True
        fitting.fit(self)

    def relayout(self, aspect: float) -> bool:
        """Spread the columns to ``aspect`` (the room's width over its height: a projector's wide, short graph
        would otherwise leave its sides empty and crowd the column titles) and fit again; False when already
        doing so (at most two deep)."""
        if self._relayouts >= 2:
            return False
        self.scene.aspect = aspect
        self._relayouts += 1
        kept = (self.ratios.ratios, self.ratios.norms)  # the same network: its last minibatch's error ratios stay
        try:
            self._on_network_changed()  # builds the columns again and fits them
            self._on_step_taken(self._record)  # the active layer's band, glow and marks on the new columns
            self.ratios.ratios, self.ratios.norms = kept
            self.ratios.update_labels()
        finally:
            self._relayouts -= 1
        return True

    def set_max_edges(self, n: int | None) -> None:
        """Draw at most ``n`` edges (the strongest by |w|) of each large layer pair; None draws all."""
        self.scene.max_edges = None if n is None else max(1, int(n))
        self.scene.edges_chosen = True
        self.toolbar.sync_edges(self.scene.max_edges)
        self.scene.select_drawn()
        self.scene.recolor()
        self._paint_edges()

    def set_range_mode(self, mode: str) -> None:
        """'fixed': the weight scale stays at the range the network was built with (widened only when
        weights leave it); 'auto': refit to the weights after every change."""
        if mode not in ("fixed", "auto"):
            raise ValueError(f"range mode must be 'fixed' or 'auto', got {mode!r}")
        self.scene.range_mode = mode
        self.toolbar.sync_range(mode)
        if mode == "auto":
            self.refit_range()

    def refit_range(self) -> None:
        """Fit the weight colour scale to the weights now (robust max |w|)."""
        self.scene.vmax = self.scene.fit_vmax()
        self.scene.recolor()
        self.scene.refresh_biases()
        self._paint_edges()
        self._paint_neurons()
        self._update_legend()

    def set_show_dw(self, on: bool) -> None:
        """Colour edges by each weight's last change Δw^l_jk instead of w^l_jk."""
        self.scene.show_dw = bool(on)
        self.toolbar.sync_dw(self.scene.show_dw)
        self.scene.recolor()
        self._paint_edges()
        self._update_legend()

    def set_show_saturation(self, on: bool) -> None:
        """Mark saturated neurons (σ'(z^l_j) below the threshold; BP1 and BP2 multiply δ by σ'(z)) with a
        red dashed ring."""
        self.saturation.set_shown(on)

    def set_saturation_threshold(self, fraction: float) -> None:
        """A neuron is saturated where σ'(z) < ``fraction`` × the largest σ' (0.1: σ' < 0.025 for sigmoid)."""
        self.saturation.set_threshold(fraction)

    def settle(self) -> None:
        """Show the newest numbers now (screenshots, tests): measurements waiting for their turn are taken, and
        the heatmaps and saturation still being computed a block at a time are finished, and a step's animation
        ends in its final state."""
        self.animation.finish()
        for pending in (self.saturation, self.heatmaps, self.ratios):
            pending.flush()
        self._jobs.settle()
        self.saturation.flush()  # the weights moved on while the probe was measured
        self.heatmaps.flush()
        self._jobs.settle()

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

    # ================================================================= where things are (view coordinates)
    def neuron_pos(self, l: int, j: int) -> QPointF:
        """The centre of neuron j of layer l (its circle, its 2-D tile, or its input pixel)."""
        return QPointF(*self.scene.cols[l - 1].center(j))

    def edge_point(self, l: int, j: int, k: int, t: float = 0.5) -> QPointF:
        """A point a fraction ``t`` along edge w^l_jk."""
        x0, y0, x1, y1 = self.scene.edge_segment(l, j, k)
        return QPointF(x0 + t * (x1 - x0), y0 + t * (y1 - y0))

    def view_to_scene(self, pos: QPointF) -> QPointF:
        return self.vb.mapViewToScene(pos)

    def hover_text_at(self, pos: QPointF) -> str:
        """The hover text at ``pos``: a neuron, an input pixel, a receptive-field weight or an edge; '' elsewhere."""
        return self.interaction.text_at(pos)

    def click_at(self, pos: QPointF) -> tuple[int, int] | None:
        """What a click at ``pos`` does: select the neuron there (or clear)."""
        return self.interaction.click_at(pos, self.show_weight_heatmap)

    def edit_at(self, pos: QPointF) -> bool:
        """What a double-click at ``pos`` (view coordinates) does: open the editor for the weight of the edge,
        the bias of the neuron or the input there. False if nothing editable is there."""
        hit = self.interaction.hit(pos)
        where = hit_target(hit)
        if where is None:
            return False
        self.interaction.hide()
        self.editor.open_at(where, self._widget_point(pos))
        if hit[0] == "edge":
            self.interaction.mark_edge(*where[1:])  # which edge is being typed
        return True

    def _widget_point(self, pos: QPointF):
        """View coordinates → this widget's pixels (where the editor opens)."""
        return self.graphics.mapTo(self, self.graphics.mapFromScene(self.vb.mapViewToScene(pos)))

    def edit_selected(self) -> None:
        """Edit value… (F2): the selected neuron's bias (an input neuron: its x_k), its weights in the list."""
        sel = self.session.selected
        if sel is None:
            self.session.statusChanged.emit("Edit value…: click a neuron first (or double-click an edge or a "
                                            "neuron to type its value).")
            return
        l, j = sel
        where = ("x", 1, 0, j) if l == 1 else ("b", l, j, 0)
        self.editor.open_at(where, self._widget_point(self.neuron_pos(l, j)))

    # ================================================================= session handlers
    def _on_network_changed(self) -> None:
        s = self.session
        self._jobs.cancel()
        if not self._relayouts:  # a new network: the last step is its engine's (the old one's may not fit it)
            self._record = s.engine.last_record
        self.scene.rebuild(s.net, s.dataset, s.engine.weights_version)
        self._style_chrome()
        self.scene.recolor()
        self.scene.refresh_biases()
        self.animation.finish()
        self._seen_step = s.engine.step_index
        bounds = content_rect(self.scene.cols)
        self.edges.set_bounds(bounds)
        self.pulses.set_bounds(bounds)
        self.path_bands.set_bounds(bounds)
        self.path_bands.set_paths(path_segments(self.scene, self._path_sum))  # on the new columns
        left, top, w, h = bounds
        self.neurons.set_cols(self.scene.cols, (left - 1, top - 1, w + 2, h + 2))
        self.neurons.selected = s.selected
        self.heatmaps.build()
        self.labels.build(self.scene.cols, s.dataset)
        self.ratios.build(self.scene.cols)
        self.toolbar.build_heat_buttons(s.net.sizes, self._on_heatmap_button)
        self.toolbar.show_edges_choice(any(self.scene.lod))
        self.toolbar.sync_edges(self.scene.max_edges)
        self._paint_edges()
        self.heatmaps.refresh_receptive_fields()
        self.heatmaps.refresh()
        self.scene.refresh_fills(s.engine)
        self.heatmaps.refresh_input()
        self.saturation.reset()
        self._update_legend()
        self.interaction.hide()
        self.auto_fit = True  # a new network is fitted whole: now, or when a hidden view shows (showEvent)
        self._fit_if_shown()

    def _on_step_taken(self, record: StepRecord | None) -> None:
        self.animation.finish()  # the next step shows at once: a key during an animation ends it
        self._record = record
        engine = self.session.engine
        one_forward = engine.step_index == self._seen_step + 1  # not ←, not a whole example or epoch at once
        self._seen_step = engine.step_index
        old_fills = {l: f.copy() for l, f in self.scene.fills.items()}
        had_glow = self.scene.emphasis is not None
        self.scene.step(record, engine)
        if had_glow or self.scene.emphasis is not None:
            self.edges.set_glow(self.scene.glow(), _glow_color())
        self._update_band()
        self.heatmaps.refresh_input()
        if self.labels.set_outputs(self.scene.outputs()):
            fitting.place_text(self)
        self.saturation.update_marks()  # repaints the neurons
        self._update_legend()
        self.interaction.refresh()
        if one_forward and record is not None:
            self._animate(record, old_fills)

    def _animate(self, record: StepRecord, old_fills: dict) -> None:
        """The step's flow, when animation is on, nothing runs and the graph is on screen."""
        if not self.animation.enabled or self.session.running or not self.isVisible():
            return
        s = self.scene
        flow = flow_for(record.kind, record.l, s.coords, s.drawn_offsets, s.edge_values()[0], len(s.cols))
        if flow is not None:
            self.animation.start(flow, old_fills, s.fills)

    def show_paths(self, path_sum) -> None:
        """Band the paths of a core PathSum (the Paths panel's weight) on the graph; None takes them away."""
        self._path_sum = path_sum
        self.path_bands.set_paths(path_segments(self.scene, path_sum))

    def set_animated(self, on: bool) -> None:
        """Animate single-layer steps: the signal travels forwards, the error back, the fills ease (issue: a key
        or the next step ends an animation at once; screenshots show the final state)."""
        self.animation.enabled = bool(on)
        if not on:
            self.animation.finish()

    def _on_weights_changed(self) -> None:
        if not self.scene.weights_changed(self.session.engine.weights_version):
            return
        self._paint_edges()
        self.heatmaps.refresh_receptive_fields()
        self.heatmaps.request()
        self._update_legend()
        self.saturation.request()
        self._paint_neurons()
        self.interaction.refresh()

    def _on_selection_changed(self, neuron) -> None:
        self.neurons.set_selected(neuron)

    def _on_saturation_marks(self) -> None:
        legend = (self.saturation.shown, *self.saturation.legend())
        if legend != self._legend:  # the checkbox relays itself out on every new text: only when it changed
            self._legend = legend
            self.toolbar.sync_saturation(*legend)
        if self.labels.set_notes({c.l: self.saturation.count_text(c.l) for c in self.scene.cols}):
            fitting.place_text(self)
        self._paint_neurons()

    def _on_ratios_changed(self) -> None:
        fitting.place_text(self)
        self.interaction.refresh(only_ratio=True)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and event.double() and \
                self.vb.sceneBoundingRect().contains(event.scenePos()):
            self.edit_at(self.vb.mapSceneToView(event.scenePos()))
            return
        self.editor.cancel()
        self.interaction.on_mouse_clicked(event, self.show_weight_heatmap)

    def _on_editor_closed(self) -> None:
        self.edges.set_hover(None, None)

    def _on_heatmap_button(self) -> None:
        self.show_weight_heatmap(int(self.sender().property("layer")))

    def _forget_heatmap(self, window) -> None:
        self._heatmap_windows = {l: w for l, w in self._heatmap_windows.items() if w is not window}

    def _on_edges_box(self, index: int) -> None:
        self.set_max_edges(self.edges_box.itemData(index))

    def _on_range_changed_manually(self, *args) -> None:
        self.auto_fit = False

    def _fit_if_shown(self) -> None:
        if self.auto_fit and self.isVisible():  # a hidden view is fitted when it shows (a window being built
            self.fit()  # passes through sizes it is never seen at, and a fit can rebuild the columns)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self.auto_fit:
            self.fit()

    # ================================================================= painting the scene
    def _paint_edges(self) -> None:
        coords, counts = self.scene.binned()
        self.edges.antialias = self.scene.antialias
        self.edges.set_binned(coords, counts)
        self.edges.set_glow(self.scene.glow(), _glow_color())

    def _paint_neurons(self) -> None:
        if self.animation.running:
            return  # the animation paints the fills on its frames and the final ones when it ends
        self._paint_fills(self.scene.fills)

    def _paint_fills(self, fills: dict) -> None:
        s = self.scene
        self.neurons.set_data(fills, s.biases, s.saturated, s.example_uv)

    def _update_band(self) -> None:
        l = self.scene.highlight
        if l is None or not 1 <= l <= len(self.scene.cols):
            self.band.setVisible(False)
            return
        self.band.setRect(qrect(band_rect(self.scene.cols, l)))
        self.band.setBrush(QBrush(QColor(T.current().highlight)))
        self.band.setVisible(True)

    def _update_legend(self) -> None:
        self.toolbar.show_scales(self.scene, self.session.net.layer_activation(0), self.session.engine)
