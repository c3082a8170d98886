"""Why does my network not learn? Breakpoints, the speed of backprop, and runs side by side.

``DebugPanel(session)`` is a compact panel (it works about 330 px wide in a dock) of three boxes:

1. **Breakpoints** (``visualbp.gui.debug_breakpoints``), bound to ``session.breakpoints``: pause when the
   training cost rises, when a layer or a neuron saturates, when ‖δ^l‖ vanishes; a NaN or ∞ always pauses.
2. **Speed of backprop** (``visualbp.gui.debug_speed``): one feedforward pass timed against one backward
   pass (BP1–BP4), for the book's claim that backprop costs about two forward passes.
3. **Compare runs** (``visualbp.gui.debug_runs``): keep the cost and accuracy per epoch of this run; the
   kept runs belong to ``session.debug_state``, which saves them with the session, and the plots draw
   them from there — this panel never talks to the plots.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from visualbp.core.diagnostics import PassCosts
from visualbp.core.kept_runs import run_label  # noqa: F401 (re-exported: a kept run's label)
from visualbp.gui import theme
from visualbp.gui.debug_breakpoints import BreakpointsBox
from visualbp.gui.debug_runs import RUNS_HINT, KeptRunsBox  # noqa: F401 (RUNS_HINT: re-exported)
from visualbp.gui.debug_speed import PassCostsBox, format_seconds, parameter_count  # noqa: F401 (re-exported)
from visualbp.gui.field_marks import invalid_frame_css


class DebugPanel(QWidget):
    """Breakpoints, the speed of a backward pass against a forward pass, and kept runs to compare."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.breakpoints_box = BreakpointsBox(session)
        self.speed_box = PassCostsBox(session)
        self.runs_box = KeptRunsBox(session)
        # the widgets tests and the window reach for, under the names they always had
        b, sp, r = self.breakpoints_box, self.speed_box, self.runs_box
        self.cost_box, self.sat_box, self.sat_layer, self.sat_neuron = b.cost_box, b.sat_box, b.sat_layer, b.sat_neuron
        self.sat_fraction, self.sat_threshold, self.sat_of = b.sat_fraction, b.sat_threshold, b.sat_of
        self.delta_box, self.delta_layer, self.delta_value = b.delta_box, b.delta_layer, b.delta_value
        self.nan_box, self.hit_label = b.nan_box, b.hit_label
        self.measure_button, self.speed_hint, self.speed_result = sp.measure_button, sp.speed_hint, sp.speed_result
        self.keep_button, self.clear_button, self.runs_list = r.keep_button, r.clear_button, r.runs_list
        self.runs_message = r.runs_message

        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(8)
        lay.addWidget(self.breakpoints_box)
        lay.addWidget(self.speed_box)
        lay.addWidget(self.runs_box)
        lay.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(inner)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        self.setMinimumWidth(240)  # shares the side column with Setup; the window's minimum stays under 1000 px

        session.networkChanged.connect(self._on_network_changed)
        session.runningChanged.connect(self._on_running_changed)
        self.apply_theme()
        theme.notifier().changed.connect(self.apply_theme)
        self._on_network_changed()

    def apply_theme(self, _theme: object = None) -> None:
        """The style sheets in ``theme.current()``'s colours, the small print scaled with its type."""
        self.setStyleSheet(invalid_frame_css("QLineEdit") + "QGroupBox { font-weight: bold; }")
        for box in (self.breakpoints_box, self.speed_box, self.runs_box):
            box.apply_theme()

    # ----------------------------------------------------------------- breakpoints
    def sync_from_session(self) -> None:
        """Show ``session.breakpoints`` in the widgets (values outside the network's layers brought inside)."""
        self.breakpoints_box.sync_from_session()

    def breakpoint_message(self) -> str:
        """The sentence of the last breakpoint that fired, as shown ('' when none is shown)."""
        return self.breakpoints_box.breakpoint_message()

    # ----------------------------------------------------------------- speed of backprop
    def measure(self) -> PassCosts | None:
        """Time a feedforward pass against a backward pass and show them (None while training)."""
        return self.speed_box.measure()

    def pass_costs(self) -> PassCosts | None:
        """The last measurement on the current network (None before one, or after the network changed)."""
        return self.speed_box.pass_costs()

    def speed_text(self) -> str:
        """The result line and the book's line, as plain text ('' before a measurement)."""
        return self.speed_box.speed_text()

    # ----------------------------------------------------------------- compare runs
    def keep_run(self) -> str | None:
        """Keep this run (see ``KeptRunsBox.keep_run``): its label, or None when there was nothing to keep."""
        return self.runs_box.keep_run()

    def clear_runs(self) -> None:
        """Forget every kept run."""
        self.runs_box.clear_runs()

    def kept_runs(self) -> list[tuple[str, list[list]]]:
        """(label, [[epoch, train_cost, val_cost, train_acc, val_acc], …]) of every kept run, oldest first."""
        return [(run.label, [list(r) for r in run.rows]) for run in self.session.debug_state.kept_runs()]

    # ----------------------------------------------------------------- session events
    def _on_running_changed(self, running: bool) -> None:
        if running:
            self.breakpoints_box.hide_hit()

    def _on_network_changed(self) -> None:
        self.breakpoints_box.sync_from_session()
        self.breakpoints_box.hide_hit()
        self.speed_box.clear_costs()
        self.runs_box.refresh()
