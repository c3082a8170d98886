"""The Debug tab's "Compare runs" box: keep this run's cost and accuracy per epoch to compare with the next.

The kept runs belong to ``session.debug_state`` (saved with the session; they survive a new network, so
quadratic can be compared with cross-entropy, or one η with another); the plots draw them from the same
model. This box only offers Keep and Clear and lists the runs, each with its line's colour.
"""

from __future__ import annotations

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from visualbp.gui import theme
from visualbp.gui.reference_runs import reference_colour

RUNS_HINT = ("Train, keep the run, change a setting (the cost, η, …) and train again: "
             "both runs show on the cost and accuracy plots.")


def swatch_icon(colour: str) -> QIcon:
    """A short dashed line in the reference run's colour, as it is drawn on the cost plot."""
    pix = QPixmap(28, 12)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    pen = QPen(QColor(colour), 2.4)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawLine(1, 6, 27, 6)
    p.end()
    return QIcon(pix)


class KeptRunsBox(QGroupBox):
    """Keep this run / Clear, the list of kept runs, and a line saying what happened."""

    def __init__(self, session) -> None:
        super().__init__("Compare runs")
        self.session = session
        self.keep_button = QPushButton("Keep this run")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Forget every kept run")
        self.runs_list = QListWidget()
        self.runs_list.setIconSize(QSize(28, 12))
        self.runs_list.setMaximumHeight(118)
        self.runs_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.runs_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.runs_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.runs_message = QLabel(RUNS_HINT)
        self.runs_message.setWordWrap(True)
        rl = QVBoxLayout(self)
        rl.setSpacing(4)
        row = QHBoxLayout()
        row.addWidget(self.keep_button)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        rl.addLayout(row)
        rl.addWidget(self.runs_list)
        rl.addWidget(self.runs_message)
        self.keep_button.clicked.connect(self.keep_run)
        self.clear_button.clicked.connect(self.clear_runs)
        session.epochsDone.connect(self._update_keep_button)
        session.debug_state.keptRunsChanged.connect(self._show_runs)

    def apply_theme(self) -> None:
        self.runs_message.setStyleSheet(f"color: {theme.current().muted}; font-size: {theme.pt(8):g}pt;")

    def keep_run(self) -> str | None:
        """Keep this run under a label from its settings; the label, or None when there was nothing (new) to
        keep (the line under the list says why)."""
        try:
            run = self.session.debug_state.keep_run()
        except ValueError as exc:
            self.runs_message.setText(str(exc))
            return None
        self.runs_message.setText(f"Kept: {run.label}. Change a setting, train, and compare on the plots.")
        return run.label

    def clear_runs(self) -> None:
        """Forget every kept run (and so take them off the plots)."""
        self.session.debug_state.clear_runs()
        self.runs_message.setText(RUNS_HINT)

    def refresh(self) -> None:
        """Show the model's runs and whether there is a run to keep (after a new network)."""
        self._show_runs(self.session.debug_state.kept_runs())
        self._update_keep_button()

    def _show_runs(self, runs) -> None:
        self.runs_list.clear()
        for i, run in enumerate(runs):
            summary = run.summary()
            item = QListWidgetItem(f"{run.label}\n{summary}")
            item.setToolTip(f"{run.label}: {summary}")
            item.setIcon(swatch_icon(reference_colour(i)))
            self.runs_list.addItem(item)
        self.runs_list.setVisible(bool(runs))
        self.clear_button.setEnabled(bool(runs))

    def _update_keep_button(self, *args) -> None:
        ready = any(e.epoch >= 0 for e in self.session.epoch_history)
        self.keep_button.setEnabled(ready)
        self.keep_button.setToolTip(
            "Overlay this run's cost and accuracy per epoch on the plots (dashed: training, dotted: validation); "
            "it stays when you change the network or the cost" if ready else "Train at least one epoch first")
