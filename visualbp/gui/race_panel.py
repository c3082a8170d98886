"""Why backprop is fast: a panel that races backprop against finite differences on the current network.

"Run the race" times one backprop, then differences every parameter in slices between repaints (the
window stays live; Stop ends it and keeps what was done). It shows the passes and multiply-adds of both
methods, the measured times (finite differences projected to every parameter while running or when
stopped), their ratio, and how far the two gradients differ. Every number is ``visualbp.core.race``'s.
"""

from __future__ import annotations

import time

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from visualbp.core.paths import current_example
from visualbp.core.race import Race, RaceResult, counts
from visualbp.gui import theme as T
from visualbp.gui.notation import number
from visualbp.gui.notation import themed_html as to_html
from visualbp.gui.sliced_jobs import SlicedJobs

#: Pixels between the table's columns; in presentation mode's strip.
WIDE_SPACING, NARROW_SPACING = 14, 10
#: Seconds between progress updates while the race runs.
PROGRESS_EVERY = 0.1


def seconds(s: float) -> str:
    """A duration: '320 µs', '12.5 ms', '3.41 s', '2 min 5 s'."""
    if s != s:
        return "—"
    if s < 1e-3:
        return f"{number(s * 1e6)} µs"
    if s < 1:
        return f"{number(s * 1e3)} ms"
    if s < 120:
        return f"{number(s)} s"
    return f"{int(s // 60)} min {int(s % 60)} s"


def big(n: int) -> str:
    """An integer with thousands separators: 23,861."""
    return f"{n:,}"


class RacePanel(QWidget):
    """Backprop (one forward + one backward pass) against one forward pass per parameter."""

    finished = pyqtSignal(object)  # the RaceResult, finished or stopped

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.race: Race | None = None
        self.result: RaceResult | None = None
        self._jobs = SlicedJobs(self)
        self._shown_at = 0.0
        self.intro = QLabel(to_html(
            "Estimating ∂C/∂w_j as (C(w + ε e_j) − C(w))/ε costs one forward pass per parameter. "
            "Backprop gets every ∂C/∂w_j and ∂C/∂b_j from one forward and one backward pass."))
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.network = QLabel()
        self.network.setWordWrap(True)
        self.run_button = QPushButton("Run the race")
        self.run_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m parameters")
        self.progress_note = QLabel()
        self.progress_note.setWordWrap(True)  # "Running: … all of them would take ≈ …" is long at the hall's size
        self.table = QWidget()  # the passes, multiply-adds and times of both methods
        self.grid = grid = QGridLayout(self.table)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(WIDE_SPACING)
        self.cells: dict[tuple[str, str], QLabel] = {}
        for col, head in enumerate(("", "passes", "multiply-adds", "time"), start=0):
            label = QLabel(f"<b>{head}</b>")
            grid.addWidget(label, 0, col, alignment=Qt.AlignmentFlag.AlignRight if col else Qt.AlignmentFlag.AlignLeft)
        for row, (key, name) in enumerate((("bp", "backprop"), ("fd", "finite differences"), ("ratio", "ratio")),
                                          start=1):
            grid.addWidget(QLabel(name), row, 0)
            for col, what in enumerate(("passes", "madds", "time"), start=1):
                cell = QLabel("—")
                cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                grid.addWidget(cell, row, col)
                self.cells[key, what] = cell
        self.agreement = QLabel()
        self.agreement.setWordWrap(True)
        self.agreement.setTextFormat(Qt.TextFormat.RichText)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.intro)
        lay.addWidget(self.network)
        lay.addLayout(buttons)
        lay.addWidget(self.progress)
        lay.addWidget(self.progress_note)
        lay.addWidget(self.table)
        lay.addWidget(self.agreement)
        lay.addStretch(1)
        session.networkChanged.connect(self._on_network_changed)
        self._on_network_changed()

    def set_strip(self, on: bool) -> None:
        """In presentation mode's strip (visualbp.gui.strip_fit) the table's columns closer: its numbers at the
        hall's type size fit the strip's width."""
        self.grid.setHorizontalSpacing(NARROW_SPACING if on else WIDE_SPACING)

    def strip_parts(self) -> list[QWidget]:
        """What the panel gives up in presentation mode's strip, first to last (visualbp.gui.strip_fit): the
        race itself — its buttons, progress and table — stays."""
        return [self.intro, self.network, self.progress_note, self.agreement]

    # ----------------------------------------------------------------- running
    @property
    def running(self) -> bool:
        return "race" in self._jobs

    def start(self) -> None:
        """Time backprop, then difference every parameter in slices (the current network and example)."""
        self.stop()
        row, x, y = current_example(self.session.engine)
        self.race = race = Race(self.session.net, x, y)
        self._example = row
        race.time_backprop()
        self.progress.setRange(0, race.total)
        self.progress.setValue(0)
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self._shown_at = 0.0
        self._show(race.result())
        self._jobs.start("race", self._blocks(race), self._on_done)

    def _blocks(self, race: Race):
        for _done in race.blocks():
            now = time.perf_counter()
            if now - self._shown_at >= PROGRESS_EVERY:
                self._shown_at = now
                self._show(race.result())
            yield
        return race.result()

    def stop(self) -> None:
        """Stop a race under way, keeping (and showing) what it did so far."""
        if not self.running:
            return
        self._jobs.cancel()
        self._finish(self.race.result())

    def settle(self) -> None:
        """Run a started race to its end now (screenshots, tests)."""
        self._jobs.settle()

    def _on_done(self, result: RaceResult, _spent: float) -> None:
        self._finish(result)

    def _finish(self, result: RaceResult) -> None:
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self._show(result)
        self.finished.emit(result)

    def _on_network_changed(self) -> None:
        self.stop()
        net = self.session.net
        c = counts(net.sizes)
        self.network.setText(f"Network {list(net.sizes)}: P = {big(c.parameters)} weights and biases. "
                             f"Finite differences need {big(c.fd_passes)} forward passes.")
        self.race = None
        self.result = None
        self.progress.setRange(0, c.parameters)
        self.progress.setValue(0)
        self.progress_note.setText("")
        self.agreement.setText("")
        self._fill_counts(c)
        for key in ("bp", "fd", "ratio"):
            self.cells[key, "time"].setText("—")

    # ----------------------------------------------------------------- drawing
    def _fill_counts(self, c) -> None:
        self.cells["bp", "passes"].setText("1 + 1 back")
        self.cells["fd", "passes"].setText(big(c.fd_passes))
        self.cells["bp", "madds"].setText(big(c.backprop))
        self.cells["fd", "madds"].setText(big(c.finite_differences))
        self.cells["ratio", "passes"].setText("")
        self.cells["ratio", "madds"].setText(f"× {number(c.ratio)}")

    def _show(self, r: RaceResult) -> None:
        self.result = r
        t = T.current()
        self.progress.setValue(r.done)
        self.cells["bp", "time"].setText(seconds(r.bp_seconds))
        if r.finished:
            self.cells["fd", "time"].setText(seconds(r.fd_seconds))
            note = f"Done: every parameter differenced in {seconds(r.fd_seconds)}."
        elif r.done:
            self.cells["fd", "time"].setText(f"≈ {seconds(r.projected_fd_seconds)}")
            state = "Running" if self.running else "Stopped"
            note = (f"{state}: {big(r.done)} of {big(r.total)} parameters in {seconds(r.fd_seconds)}; "
                    f"all of them would take ≈ {seconds(r.projected_fd_seconds)}.")
        else:
            self.cells["fd", "time"].setText("—")
            note = "Backprop timed; finite differences starting…"
        self.cells["ratio", "time"].setText(f"× {number(r.time_ratio)}" if r.done else "—")
        self.progress_note.setText(note)
        where = f"training example {self._example + 1}"
        lines = [f"On {where}, with ε = {number(self.race.epsilon)}: "
                 f"largest |∂C/∂p by differences − by backprop| = {number(r.max_difference, 2)}"
                 + ("" if r.finished else f" (over the {big(r.done)} done)") + "."]
        if r.layer_errors:
            per = ", ".join(f"l = {i + 2}: {number(e, 2)}" for i, e in enumerate(r.layer_errors))
            lines.append(f"Relative difference per layer: {per} "
                         f"<span style='color:{t.muted}'>(forward differences are accurate to about ε)</span>")
        self.agreement.setText("<br>".join(lines))
