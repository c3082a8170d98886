"""Animated steps: between two steps the signal travels forwards along the active layer's edges, the error
travels back, and the layer's fills ease to their new values (what moves: ``flow``).

``StepAnimation`` runs one animation at a time on a timer (~60 frames a second, ``DURATION_MS`` long). The next
step, a key, ``finish()`` or a screenshot (``NetworkView.settle``) ends it at once in its final state, which is
exactly what the graph shows without animation. Steps taken while training runs are never animated.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QObject, QPointF, QRectF, Qt, QTimer
from PyQt6.QtGui import QColor, QPainter, QPen

from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import alarm_color
from visualbp.gui.network.flow import Flow, blend, positions

#: How long one step's animation lasts (presentation mode: a little longer, for the back of the hall).
DURATION_MS = 450
PRESENTING_DURATION_MS = 650
#: Frame interval of the animation timer.
FRAME_MS = 16


class PulseItem(pg.GraphicsObject):
    """The travelling pulses: one round dot per edge, painted with a single drawPoints call."""

    def __init__(self) -> None:
        super().__init__()
        self._points: np.ndarray = np.empty((0, 2))
        self._color = QColor("#263238")
        self._size = 7.0
        self._rect = QRectF()
        self.setVisible(False)

    def set_bounds(self, rect) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(*rect)

    def set_points(self, points: np.ndarray, color: QColor, size: float) -> None:
        self._points, self._color, self._size = points, color, size
        self.setVisible(len(points) > 0)
        self.update()

    def drawn(self) -> int:
        """How many pulses are on screen."""
        return len(self._points) if self.isVisible() else 0

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args) -> None:
        if not len(self._points):
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        halo = QPen(QColor(T.current().background), self._size + 3.0)
        halo.setCosmetic(True)
        halo.setCapStyle(Qt.PenCapStyle.RoundCap)
        dot = QPen(self._color, self._size)
        dot.setCosmetic(True)
        dot.setCapStyle(Qt.PenCapStyle.RoundCap)
        points = [QPointF(x, y) for x, y in self._points.tolist()]
        for pen in (halo, dot):
            p.setPen(pen)
            p.drawPoints(points)


class StepAnimation(QObject):
    """Plays one step's flow: pulses along the edges and the fills of layer ``flow.l`` easing from old to new.

    ``paint_fills(fills)`` is called with the fills to show on each frame (and the final ones at the end)."""

    def __init__(self, pulses: PulseItem, paint_fills: Callable[[dict[int, np.ndarray]], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = False
        self._pulses = pulses
        self._paint_fills_ref = weakref.WeakMethod(paint_fills)  # the view's method: no cycle back to the view
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._frame)
        self._flow: Flow | None = None
        self._old: dict[int, np.ndarray] = {}
        self._new: dict[int, np.ndarray] = {}
        self._started = 0.0
        self._duration = DURATION_MS / 1000
        self.frames = 0  # frames painted by the running (or last) animation

    @property
    def running(self) -> bool:
        return self._flow is not None

    def start(self, flow: Flow, old_fills: dict[int, np.ndarray], new_fills: dict[int, np.ndarray]) -> None:
        """Animate ``flow``; the fills of its layer go from ``old_fills`` to ``new_fills``."""
        self.finish()
        self._flow, self._old, self._new = flow, old_fills, new_fills
        self._duration = (PRESENTING_DURATION_MS if T.scale() > 1.0 else DURATION_MS) / 1000
        self._started = time.monotonic()
        self.frames = 0
        self.show_at(0.0)
        self._timer.start()

    def show_at(self, t: float) -> None:
        """Paint the running animation at time t ∈ [0, 1] (a test or the bench can step it by hand)."""
        flow = self._flow
        if flow is None:
            return
        if flow.pulses:
            color = QColor(alarm_color()) if flow.backwards else QColor(T.current().text)
            size = (7.0 if flow.pulses <= 40 else 5.0) * T.current().line_scale  # many pulses: smaller dots
            self._pulses.set_points(positions(flow, t), color, size)
        fills = dict(self._new)
        if flow.l in self._new:
            fills[flow.l] = blend(self._old.get(flow.l), self._new[flow.l], t)
        self._paint(fills)
        self.frames += 1

    def finish(self) -> None:
        """End the running animation now, in its final state (the graph as it is without animation)."""
        if self._flow is None:
            return
        self._timer.stop()
        self._flow = None
        self._pulses.set_points(np.empty((0, 2)), QColor(), 0.0)
        self._paint(self._new)

    def _paint(self, fills: dict[int, np.ndarray]) -> None:
        paint = self._paint_fills_ref()
        if paint is not None:
            paint(fills)

    def _frame(self) -> None:
        t = (time.monotonic() - self._started) / self._duration
        if t >= 1.0:
            self.finish()
        else:
            self.show_at(t)
