"""The Debug tab's breakpoints box, bound to ``session.breakpoints``.

Pause when the training cost of an epoch rises; when a layer (or one neuron j) is saturated — σ'(z) below a
fraction of its largest value on at least a given share of examples, so BP1 and BP2 pass almost no error back;
when ‖δ^l‖ = ‖∂C/∂b^l‖ (BP3) of a minibatch falls below a value (the vanishing gradient). A NaN or ∞ always
pauses. An invalid value is marked at its field and the breakpoint keeps its last valid value. Every edit is
one ``Breakpoints.update`` (the training thread never sees half of it); edits made elsewhere arrive through
``session.debug_state.breakpointsChanged``. When one fires, the sentence shows here too.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from visualbp.core import limits
from visualbp.gui import theme
from visualbp.gui.field_marks import error_color, error_label, mark, style_error_label


class NumberField(QLineEdit):
    """A number field that checks itself: an invalid value gets a red frame and a message under it."""

    def __init__(self, check: Callable[[str], float], on_valid: Callable[[float], None], width: int = 64,
                 kept: Callable[[], str] | None = None) -> None:
        super().__init__()
        # the box's bound methods, held weakly: the field is the box's child, so strong references back
        # would make a cycle that only the garbage collector frees, at any moment, even mid-paint
        self._check = check
        self._on_valid = weakref.WeakMethod(on_valid)
        self._kept = weakref.WeakMethod(kept) if kept is not None else None
        self.error = error_label()
        self._width = width
        self.apply_theme()
        self.setProperty("invalid", False)
        self.textEdited.connect(self._edited)

    def apply_theme(self) -> None:
        """Width and message type scaled with ``theme.current()``'s font_pt, in its error colour."""
        self.setFixedWidth(round(self._width * theme.scale()))
        style_error_label(self.error)

    def _edited(self, text: str) -> None:
        try:
            value = self._check(text)
        except ValueError as exc:
            kept = self._kept() if self._kept is not None else None
            self.set_error(str(exc) + (f" (still {kept()})" if kept is not None else ""))
            return
        self.set_error(None)
        on_valid = self._on_valid()
        if on_valid is not None:
            on_valid(value)

    def set_text_quietly(self, text: str) -> None:
        """Show a value from the model (no write back) and clear any mark."""
        if self.text() != text:
            self.setText(text)
        self.set_error(None)

    def set_error(self, message: str | None) -> None:
        self.setToolTip(message or "")
        mark(self, self.error, message)

    def is_invalid(self) -> bool:
        return bool(self.property("invalid"))


def pct_text(fraction: float) -> str:
    return f"{fraction * 100:.4g}"


class BreakpointsBox(QGroupBox):
    """The breakpoint widgets ↔ ``session.breakpoints``, and the sentence of the last one that fired."""

    def __init__(self, session) -> None:
        super().__init__("Breakpoints")
        self.session = session
        self._writing = False  # our own edit coming back through breakpointsChanged: the widgets show it already

        self.cost_box = QCheckBox("pause when the training cost rises")
        self.cost_box.setToolTip("After an epoch whose training cost is higher than the epoch before")

        self.sat_box = QCheckBox("pause when a layer saturates")
        self.sat_box.setToolTip("σ'(z) near 0: BP1 and BP2 multiply the error by σ'(z), so a saturated neuron "
                                "passes almost no error back and its weights stop learning.\n"
                                "Measured on the first training examples every few minibatches.")
        self.sat_layer = QSpinBox()
        self.sat_layer.setPrefix("l = ")
        self.sat_neuron = QSpinBox()
        self.sat_neuron.setPrefix("j = ")
        self.sat_neuron.setSpecialValueText("whole layer")
        self.sat_neuron.setMinimumWidth(104)
        self.sat_neuron.setToolTip("One neuron j of layer l, or the whole layer (below 1)")
        self.sat_fraction = NumberField(limits.parse_saturated_share, self._set_sat_fraction, 52,
                                        self._sat_fraction_text)
        self.sat_threshold = NumberField(limits.parse_saturation_threshold, self._set_sat_threshold, 52,
                                         self._sat_threshold_text)
        self.sat_of = QLabel()
        sat_grid = QGridLayout()
        sat_grid.setContentsMargins(22, 0, 0, 0)
        sat_grid.setHorizontalSpacing(4)
        sat_grid.setVerticalSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(QLabel("layer"))
        row.addWidget(self.sat_layer)
        row.addWidget(QLabel("neuron"))
        row.addWidget(self.sat_neuron)
        row.addStretch(1)
        sat_grid.addLayout(row, 0, 0, 1, 3)
        sat_grid.addWidget(QLabel("saturated on ≥"), 1, 0)
        sat_grid.addWidget(self.sat_fraction, 1, 1)
        sat_grid.addWidget(QLabel("%"), 1, 2)
        self.sat_of.setWordWrap(True)
        sat_grid.addWidget(self.sat_fraction.error, 2, 0, 1, 3)
        sat_grid.addWidget(self.sat_of, 3, 0, 1, 3)
        self.sat_where = QLabel("where σ'(z) <")
        sat_grid.addWidget(self.sat_where, 4, 0)
        sat_grid.addWidget(self.sat_threshold, 4, 1)
        sat_grid.addWidget(QLabel("% of its max"), 4, 2)
        sat_grid.addWidget(self.sat_threshold.error, 5, 0, 1, 3)
        sat_grid.setColumnStretch(2, 1)

        self.delta_box = QCheckBox("pause when a layer's error ‖δ‖ vanishes")
        self.delta_box.setToolTip("‖δ^l‖ = ‖∂C/∂b^l‖ (BP3) of a minibatch's mean error: when it is tiny, layer l "
                                  "has stopped learning — the error vanished on its way back (BP2).")
        self.delta_layer = QSpinBox()
        self.delta_layer.setPrefix("l = ")
        self.delta_value = NumberField(limits.parse_delta_below, self._set_delta_below, 72, self._delta_below_text)
        delta_grid = QGridLayout()
        delta_grid.setContentsMargins(22, 0, 0, 0)
        delta_grid.setHorizontalSpacing(4)
        delta_grid.setVerticalSpacing(2)
        delta_grid.addWidget(QLabel("layer"), 0, 0)
        delta_grid.addWidget(self.delta_layer, 0, 1)
        below = QLabel("‖δ<sup>l</sup>‖ &lt;")
        below.setTextFormat(Qt.TextFormat.RichText)
        delta_grid.addWidget(below, 0, 2)
        delta_grid.addWidget(self.delta_value, 0, 3)
        delta_grid.setColumnStretch(4, 1)
        delta_grid.addWidget(self.delta_value.error, 1, 0, 1, 5)

        self.nan_box = QCheckBox("pause on NaN/∞ (always on)")
        self.nan_box.setChecked(True)
        self.nan_box.setEnabled(False)
        self.nan_box.setToolTip("A cost or weight that is not a finite number always pauses the run")

        self.hit_label = QLabel()
        self.hit_label.setWordWrap(True)
        self.hit_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hit_label.hide()

        bp = QVBoxLayout(self)
        bp.setSpacing(4)
        bp.addWidget(self.cost_box)
        bp.addWidget(self.sat_box)
        bp.addLayout(sat_grid)
        bp.addWidget(self.delta_box)
        bp.addLayout(delta_grid)
        bp.addWidget(self.nan_box)
        bp.addWidget(self.hit_label)

        self.cost_box.toggled.connect(self._set_cost_rises)
        self.sat_box.toggled.connect(self._set_sat_on)
        self.sat_layer.valueChanged.connect(self._set_sat_layer)
        self.sat_neuron.valueChanged.connect(self._set_sat_neuron)
        self.delta_box.toggled.connect(self._set_delta_on)
        self.delta_layer.valueChanged.connect(self._set_delta_layer)
        session.breakpointHit.connect(self._on_breakpoint_hit)
        session.debug_state.breakpointsChanged.connect(self._on_breakpoints_changed)

    def apply_theme(self) -> None:
        """The small print, the fired sentence and the fields in ``theme.current()``'s colours and type."""
        t = theme.current()
        self.sat_of.setStyleSheet(f"color: {t.muted}; font-size: {theme.pt(8):g}pt;")
        self.hit_label.setStyleSheet(
            f"background: {t.highlight}; color: {t.text}; border-left: 3px solid {error_color()}; padding: 4px;")
        for field in (self.sat_fraction, self.sat_threshold, self.delta_value):
            field.apply_theme()

    # ----------------------------------------------------------------- model → widgets
    def sync_from_session(self) -> None:
        """Show ``session.breakpoints`` in the widgets, with the layer and neuron ranges of the network (a value
        outside them is brought inside and written back, in one update)."""
        breakpoints = self.session.breakpoints
        bp = breakpoints.settings
        sizes = self.session.net.sizes
        L = len(sizes)
        sat_layer, delta_layer = min(max(bp.saturation_layer, 2), L), min(max(bp.delta_layer, 2), L)
        neuron = bp.saturation_neuron
        if neuron is not None and not 0 <= neuron < sizes[sat_layer - 1]:
            neuron = None
        if (sat_layer, delta_layer, neuron) != (bp.saturation_layer, bp.delta_layer, bp.saturation_neuron):
            bp = self._write(saturation_layer=sat_layer, delta_layer=delta_layer, saturation_neuron=neuron)
        self._show(bp)

    def _show(self, bp) -> None:
        sizes = self.session.net.sizes
        L = len(sizes)
        n = sizes[min(max(bp.saturation_layer, 2), L) - 1]
        widgets = (self.cost_box, self.sat_box, self.sat_layer, self.sat_neuron, self.delta_box, self.delta_layer)
        for w in widgets:
            w.blockSignals(True)
        self.cost_box.setChecked(bp.cost_rises)
        self.sat_box.setChecked(bp.saturation_on)
        self.sat_layer.setRange(2, L)
        self.sat_layer.setValue(bp.saturation_layer)
        self.sat_neuron.setRange(0, n)
        self.sat_neuron.setValue(0 if bp.saturation_neuron is None else bp.saturation_neuron + 1)
        self.delta_box.setChecked(bp.delta_on)
        self.delta_layer.setRange(2, L)
        self.delta_layer.setValue(bp.delta_layer)
        for w in widgets:
            w.blockSignals(False)
        self.sat_fraction.set_text_quietly(pct_text(bp.saturation_fraction))
        self.sat_threshold.set_text_quietly(pct_text(bp.saturation_threshold))
        self.delta_value.set_text_quietly(f"{bp.delta_below:g}")
        self._show_activation(self.sat_layer.value())
        self._update_sat_words()
        self.sat_layer.setToolTip(f"The book's layer l: 2 … {L}")
        self.delta_layer.setToolTip(f"The book's layer l: 2 … {L}")

    def _on_breakpoints_changed(self, settings) -> None:
        if not self._writing:  # an edit made elsewhere (a lesson, a script)
            self._show(settings)

    def _show_activation(self, l: int) -> None:
        act = self.session.net.layer_activation(l - 2)
        self.sat_where.setText("where σ'(z) <" if act.name == "sigmoid" else f"where {act.symbol}'(z) <")

    def _update_sat_words(self) -> None:
        bp = self.session.breakpoints.settings
        rows = min(bp.probe_rows, len(self.session.engine.X))
        if self.sat_neuron.value() == 0:
            text = f"of (neuron, example) pairs of layer {bp.saturation_layer}, on the first {rows} training examples"
        else:
            text = f"of the first {rows} training examples"
        self.sat_of.setText(text + f", checked every {bp.every} minibatches")

    # ----------------------------------------------------------------- widgets → model
    def _write(self, **changes):
        """One swap of the session's breakpoint settings."""
        self._writing = True
        try:
            return self.session.breakpoints.update(**changes)
        finally:
            self._writing = False

    def _set_cost_rises(self, on: bool) -> None:
        self._write(cost_rises=bool(on))

    def _set_sat_on(self, on: bool) -> None:
        self._write(saturation_on=bool(on))

    def _set_sat_layer(self, l: int) -> None:
        self.sat_neuron.blockSignals(True)
        self.sat_neuron.setMaximum(self.session.net.sizes[l - 1])  # may bring the neuron inside the layer
        self.sat_neuron.blockSignals(False)
        shown_j = self.sat_neuron.value()
        self._write(saturation_layer=int(l), saturation_neuron=None if shown_j == 0 else int(shown_j) - 1)
        self._update_sat_words()
        self._show_activation(l)

    def _set_sat_neuron(self, shown_j: int) -> None:
        self._write(saturation_neuron=None if shown_j == 0 else int(shown_j) - 1)
        self._update_sat_words()

    def _sat_fraction_text(self) -> str:
        return f"{pct_text(self.session.breakpoints.settings.saturation_fraction)} %"

    def _sat_threshold_text(self) -> str:
        return f"{pct_text(self.session.breakpoints.settings.saturation_threshold)} %"

    def _delta_below_text(self) -> str:
        return f"{self.session.breakpoints.settings.delta_below:g}"

    def _set_sat_fraction(self, fraction: float) -> None:
        self._write(saturation_fraction=fraction)

    def _set_sat_threshold(self, fraction: float) -> None:
        self._write(saturation_threshold=fraction)

    def _set_delta_on(self, on: bool) -> None:
        self._write(delta_on=bool(on))

    def _set_delta_layer(self, l: int) -> None:
        self._write(delta_layer=int(l))

    def _set_delta_below(self, value: float) -> None:
        self._write(delta_below=value)

    # ----------------------------------------------------------------- a breakpoint fired
    def _on_breakpoint_hit(self, sentence: str) -> None:
        self.hit_label.setText(sentence)
        self.hit_label.show()

    def hide_hit(self) -> None:
        self.hit_label.hide()

    def breakpoint_message(self) -> str:
        """The sentence of the last breakpoint that fired, as shown ('' when none is shown)."""
        return self.hit_label.text() if not self.hit_label.isHidden() else ""
