"""The graph's controls: the colour scales above it, and below it the weight-matrix buttons, how many edges of
a large layer pair are drawn, the weight scale's mode, Δw, Fit, and the saturation toggle."""

from __future__ import annotations

import math

from PyQt6.QtCore import QSize
from PyQt6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from visualbp.gui import theme as T
from visualbp.gui.flow_layout import FlowLayout
from visualbp.gui.legend import ScaleBar, _saturation_icon
from visualbp.gui.network.labels import sup

EDGE_CHOICES = (100, 300, 1000, 3000)


class Toolbar:
    """The widgets, in a row above the graph (``top_row``, wrapping) and one below (``bottom``); the view wires
    them."""

    def __init__(self) -> None:
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
        for n in EDGE_CHOICES:
            self.edges_box.addItem(f"{n:,} strongest", n)
        self.edges_box.addItem("all edges", None)
        self.edges_box.setToolTip("How many edges of a large layer pair are drawn as lines (the strongest by |w|)")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Fit the whole network into the view")
        self.saturation_box = QCheckBox()
        self.saturation_box.setChecked(True)
        self.saturation_box.setIcon(_saturation_icon())
        self.saturation_box.setIconSize(QSize(16, 16))
        self.heat_row = QHBoxLayout()
        self.heat_row.setSpacing(2)
        self.heat_buttons: list[QPushButton] = []
        self._heat_key: tuple = ()  # the network and type the buttons were made for

        self.top_row = QWidget()  # the scales and the saturation toggle: a second line when the graph is narrow
        self.top = FlowLayout(self.top_row, spacing=20, line_spacing=2)
        self.top.setContentsMargins(6, 2, 6, 0)
        self.top.addWidget(self.weight_scale)
        self.top.addWidget(self.fill_scale)
        self.top.addWidget(self.saturation_box)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.top_row.setSizePolicy(policy)
        self.bottom = QHBoxLayout()
        self.bottom.setContentsMargins(6, 0, 6, 4)
        self.bottom.setSpacing(6)
        heat_label = QLabel("Heatmap:")
        heat_label.setToolTip("Open the whole weight matrix w^l (rows j, columns k)")
        self.bottom.addWidget(heat_label)
        self.bottom.addLayout(self.heat_row)
        self.bottom.addStretch(1)
        self.edges_label = QLabel("Edges:")
        self.bottom.addWidget(self.edges_label)
        self.bottom.addWidget(self.edges_box)
        self.bottom.addWidget(QLabel("Scale:"))
        self.bottom.addWidget(self.range_box)
        self.bottom.addWidget(self.refit_button)
        self.bottom.addWidget(self.dw_box)
        self.bottom.addWidget(self.fit_button)

    def restyle(self) -> None:
        self.saturation_box.setIcon(_saturation_icon())
        side = round(16 * T.scale())
        self.saturation_box.setIconSize(QSize(side, side))

    def build_heat_buttons(self, sizes: list[int], clicked) -> None:
        """A button w^l per weight matrix; ``clicked`` is a bound method (PyQt holds it weakly: no cycle). The
        same network in the same type keeps its buttons (the columns spread to a new room, say)."""
        key = (tuple(sizes), T.scale())
        if self.heat_buttons and self._heat_key == key:
            return
        self._heat_key = key
        for b in self.heat_buttons:
            self.heat_row.removeWidget(b)
            b.hide()  # until the event loop deletes it (a screenshot taken before would show it)
            b.deleteLater()
        self.heat_buttons = []
        for l in range(2, len(sizes) + 1):
            b = QPushButton(f"w{sup(l)}")
            b.setToolTip(f"Open the weight matrix w^{l} ({sizes[l - 1]} × {sizes[l - 2]}: rows j, columns k)")
            b.setMaximumWidth(round(46 * T.scale()))
            b.setProperty("layer", l)
            b.clicked.connect(clicked)
            self.heat_row.addWidget(b)
            self.heat_buttons.append(b)

    def show_edges_choice(self, on: bool) -> None:
        self.edges_label.setVisible(on)
        self.edges_box.setVisible(on)

    def sync_edges(self, max_edges: int | None) -> None:
        i = self.edges_box.findData(max_edges)
        if i < 0:
            self.edges_box.addItem(f"{max_edges:,} strongest", max_edges)
            i = self.edges_box.count() - 1
        _quietly(self.edges_box, self.edges_box.setCurrentIndex, i)

    def sync_range(self, mode: str) -> None:
        if self.range_box.currentText() != mode:
            _quietly(self.range_box, self.range_box.setCurrentText, mode)
        self.refit_button.setEnabled(mode == "fixed")

    def sync_dw(self, on: bool) -> None:
        if self.dw_box.isChecked() != on:
            _quietly(self.dw_box, self.dw_box.setChecked, on)

    def show_scales(self, scene, activation, engine) -> None:
        """The colour scales above the graph: what the edges and the fills show, over the scene's ranges."""
        colors = scene.style.colors
        if scene.show_dw:
            v = scene.dw_vmax()
            self.weight_scale.set_scale("edges: Δw (last change)", -v, 0.0, v, colors)
        else:
            self.weight_scale.set_scale("w, b", -scene.vmax, 0.0, scene.vmax, colors)
        if scene.fill_q == "delta":
            self.fill_scale.set_scale("fill: δ^l_j (error)", -scene.delta_vmax, 0.0, scene.delta_vmax, colors)
            return
        if math.isfinite(activation.low) and math.isfinite(activation.high):
            lo, hi = activation.low, activation.high
        else:
            half = scene.fill_scale(2, engine)[1]
            lo, hi = -half, half
        self.fill_scale.set_scale("fill: a^l_j (activation)", lo, (lo + hi) / 2, hi, colors)

    def sync_saturation(self, on: bool, text: str, tip: str) -> None:
        if self.saturation_box.isChecked() != on:
            _quietly(self.saturation_box, self.saturation_box.setChecked, on)
        self.saturation_box.setText(text)
        self.saturation_box.setToolTip(tip)


def _quietly(widget, setter, value) -> None:
    """Set a widget's value without its signal (the model already has it: nothing loops back)."""
    widget.blockSignals(True)
    setter(value)
    widget.blockSignals(False)
