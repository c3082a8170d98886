"""Which neurons wear the saturation mark, and how many per layer.

A neuron is saturated where σ'(z^l_j) is below a fraction of its largest value: BP1 and BP2 multiply the
error by σ'(z), so it passes almost no error back and its weights learn slowly. While an example is being
stepped and its σ'(z^l) is known, the marks show that example. Otherwise they show the neurons saturated on
nearly every example (``SATURATED_ON`` of a fixed probe of training rows, ``diagnostic_marks.probe_rows``):
a neuron saturated on half the examples still learns from the other half, and with the book's N(0, 1)
weights on 784 inputs nearly every hidden neuron is saturated that often, so a ring on all of them would
say nothing. The count per layer goes under the column titles. The probe is measured with
``core.diagnostics.saturation`` a block at a time, at most ~5 times a second, when the weights version moved.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from visualbp.core.diagnostics import DEFAULT_SATURATION
from visualbp.core.neuron_activations import row_max_prime
from visualbp.gui.diagnostic_marks import max_prime, probe_rows, saturation_in_blocks
from visualbp.gui.network.scene import Scene
from visualbp.gui.notation import number, prime_name, sym
from visualbp.gui.sliced_jobs import SlicedJobs

SATURATED_ON = 0.9  # without a current example, a neuron saturated on at least this fraction of the probe is marked
SATURATION_INTERVAL = 0.2  # seconds: the probe's saturation is measured at most ~5 times a second


class Saturation(QObject):
    """The saturation marks of the scene: measured, throttled, switched on and off."""

    marksChanged = pyqtSignal()

    def __init__(self, session, scene: Scene, jobs: SlicedJobs) -> None:
        super().__init__()
        self.session, self.scene, self.jobs = session, scene, jobs
        self.shown = True
        self.threshold = DEFAULT_SATURATION
        self.fractions: list[np.ndarray] | None = None  # per layer l = 2..L, per neuron, on the probe
        self.probe = 0  # examples in the probe
        self.source: dict[int, str] = {}  # l → 'example' | 'probe'
        self.marks: dict[int, np.ndarray] = {}  # l → which neurons of the whole layer are marked
        self._version: int | None = None  # engine.weights_version the fractions were measured at
        self._last = -1.0
        self._interval = SATURATION_INTERVAL
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)

    def reset(self) -> None:
        """A new network: nothing measured yet; measure now."""
        self.fractions, self._version = None, None
        self._timer.stop()
        self.refresh()

    def set_threshold(self, fraction: float) -> None:
        fraction = float(fraction)
        if not (math.isfinite(fraction) and 0.0 < fraction < 1.0):
            raise ValueError(f"the saturation threshold must lie between 0 and 1 (a fraction of the largest σ'), "
                             f"got {fraction!r}")
        self.threshold = fraction
        self._version = None
        self.refresh()

    def set_shown(self, on: bool) -> None:
        self.shown = bool(on)
        self.update_marks()

    def request(self) -> None:
        """Measure now, or later if the last measurement was very recent (≤ ~5 Hz; a slow measurement on a big
        network waits longer, so it never takes more than ~10% of the GUI thread)."""
        wait = self._interval - (time.monotonic() - self._last)
        if wait <= 0:
            self._timer.stop()
            self.refresh()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def pending(self) -> bool:
        """A measurement waits for its turn (the ~5 Hz limit)."""
        return self._timer.isActive()

    def flush(self) -> None:
        """Measure now if a measurement is waiting for its turn."""
        if self._timer.isActive():
            self._timer.stop()
            self.refresh()

    def refresh(self) -> None:
        """Per neuron, the fraction of the probe's examples on which σ'(z^l_j) < threshold × max σ'."""
        if "saturation" in self.jobs:  # one under way: measured again when it is done
            if not self._timer.isActive():
                self._timer.start(int(self._interval * 1000) + 1)
            return
        net = self.session.net
        version = self.session.engine.weights_version
        if self._version == version:
            self.update_marks()
            return
        threshold = self.threshold
        X = probe_rows(self.session)
        if not (len(X) and X.shape[1] == net.sizes[0]):
            self.fractions, self.probe, self._version = None, 0, version
            self.update_marks()
            return

        def done(fractions, spent: float) -> None:
            if threshold != self.threshold:  # changed meanwhile: measure again
                self._version = None
                self.request()
                return
            self.fractions, self.probe, self._version = fractions, len(X), version
            self._last = time.monotonic()
            self._interval = max(SATURATION_INTERVAL, 10.0 * spent)
            self.update_marks()

        self._last = time.monotonic()  # a measurement is under way: requests wait for it
        self.jobs.start("saturation", saturation_in_blocks(net, X, threshold), done)

    def update_marks(self) -> None:
        """Which neurons wear the mark (see the module's docstring), into the scene with the count per layer."""
        engine, net = self.session.engine, self.session.net
        marks: dict[int, np.ndarray] = {}
        source: dict[int, str] = {}
        for i in range(len(net.weights)):
            l, n = i + 2, net.sizes[i + 1]
            sp = engine.current("sp", l)
            if sp is not None and np.size(sp) == n:
                limit = self.threshold * row_max_prime(net.layer_activation(i), n)  # each neuron's own f
                with np.errstate(invalid="ignore"):
                    marks[l] = np.asarray(sp, dtype=np.float64).ravel() < limit
                source[l] = "example"
            elif self.fractions is not None and i < len(self.fractions) and len(self.fractions[i]) == n:
                marks[l] = self.fractions[i] >= SATURATED_ON
                source[l] = "probe"
        self.marks, self.source = marks, source
        shown = marks if self.shown else {}
        self.scene.saturated = {l: m[:self.scene.cols[l - 1].n] for l, m in shown.items()}
        self.scene.saturation_counts = {l: int(np.count_nonzero(m)) for l, m in shown.items()}
        self.marksChanged.emit()

    def marked(self) -> dict[int, list[int]]:
        """{l: [j, …]} (0-based j) of the drawn neurons marked now ({} while the marks are off)."""
        return {l: [int(j) for j in np.flatnonzero(m)] for l, m in self.scene.saturated.items() if m.any()}

    def legend(self) -> tuple[str, str]:
        """The checkbox's text and tooltip."""
        act = self.session.net.layer_activation(0)
        name = prime_name(act)
        pct = f"{self.threshold * 100:.3g}%"
        sources = set(self.source.values())
        often = f"on at least {SATURATED_ON:.0%} of {self.probe} training examples"
        if sources == {"example"}:
            where = "on the current example"
        elif sources == {"probe"}:
            where = often
        elif sources:
            where = f"on the current example where its σ'(z) is known, elsewhere {often}"
        else:
            where = ""
        limit = self.threshold * max_prime(act)
        tip = (f"Red dashed ring: a neuron whose {name}(z) is below {pct} of its largest value "
               f"({name} < {number(limit, 2)}){' — ' + where if where else ''}; the count per layer is under "
               "its title.\nBP1 and BP2 multiply the error by σ'(z), so a saturated neuron passes almost no "
               "error back and its weights learn slowly. Hover a neuron for how often it is saturated.")
        return f"saturated: {name}(z) < {pct} of max", tip

    def count_text(self, l: int) -> str:
        """The count under column l's title, e.g. '3 saturated' ('' when none or unknown): on the current example
        while one is stepped, else on nearly every example of the probe (the legend's tooltip says which)."""
        count = self.scene.saturation_counts.get(l, 0)
        if not count:
            return ""
        return f"{count} saturated"

    def hover_text(self, l: int, j: int) -> str:
        """The hover lines about neuron j of layer l: how often it is saturated, and on this example."""
        if l < 2 or self.fractions is None or l - 2 >= len(self.fractions):
            return ""
        frac = self.fractions[l - 2]
        if j >= len(frac):
            return ""
        act = self.session.net.neuron_activation(l, j)  # its own f, when it has one
        name = prime_name(act)
        limit = self.threshold * max_prime(act)
        lines = [(f"saturated on {float(frac[j]):.0%} of examples ({name}(z) < {number(limit, 2)}; "
                  f"measured on {self.probe} training examples)")]
        sp = self.session.engine.current("sp", l)
        if sp is not None and j < np.size(sp) and float(np.ravel(sp)[j]) < limit:
            lines.append(f"saturated on this example: {name}({sym('z', l, j)}) = {number(float(np.ravel(sp)[j]))}")
        return "\n".join(lines)
