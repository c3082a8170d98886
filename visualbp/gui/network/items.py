"""The painter of the network graph's edges, fed plain data (the neurons' is ``neurons.NeuronItem``).

``EdgeItem`` paints all drawn edges with one ``QPainter.drawLines`` per colour bin (segments and counts
from ``Scene.binned``, one pen per bin from ``Scene.bin_rgb``/``bin_widths``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QLineF, QRectF, Qt
from PyQt6.QtGui import QColor, QPainter, QPen

from visualbp.gui import colors as C
from visualbp.gui.network.layout import Rect
from visualbp.gui.network.neurons import NeuronItem, qrect

__all__ = ["EdgeItem", "NeuronItem", "qrect"]  # the view takes both painters from here

try:  # a QLineF array backed by NumPy memory: no Python object per edge
    from pyqtgraph.Qt.internals import PrimitiveArray as _PrimitiveArray
except ImportError:  # pragma: no cover - older pyqtgraph
    _PrimitiveArray = None


# ----------------------------------------------------------------- the edges: one item, one drawLines per bin
class _Lines:
    """QLineF segments for one drawLines call, filled from a NumPy (n, 4) array."""

    def __init__(self) -> None:
        # use_array=False: QLineF wrappers over NumPy memory, not a sip.array. With PyQt6-sip 13.13 every
        # sip.array object (and drawargs() slices one per paint) leaks one block: ~1.8 MB/min while training.
        self._array = _PrimitiveArray(QLineF, 4, use_array=False) if _PrimitiveArray is not None else None
        self._list: list[QLineF] = []
        self.count = 0

    def set(self, coords: np.ndarray) -> None:
        self.count = len(coords)
        if self._array is not None:
            self._array.resize(self.count)
            if self.count:
                self._array.ndarray()[:] = coords
        else:  # pragma: no cover - fallback without PrimitiveArray
            self._list = [QLineF(*row) for row in coords.tolist()]

    def draw(self, p: QPainter) -> None:
        if not self.count:
            return
        if self._array is not None:
            p.drawLines(*self._array.drawargs())
        else:  # pragma: no cover
            p.drawLines(self._list)


class EdgeItem(pg.GraphicsObject):
    """Every drawn edge, painted with one QPainter.drawLines per colour/width bin (cosmetic pens)."""

    def __init__(self) -> None:
        super().__init__()
        self._bins = [_Lines() for _ in range(C.NBINS)]
        self._pens: list[QPen] = [QPen() for _ in range(C.NBINS)]
        self._order = C.paint_order(C.NBINS)  # strong edges on top
        self._glow: list[tuple[QPen, _Lines]] = []
        self._hover: tuple[list[QPen], QLineF] | None = None
        self._rect = QRectF()
        self.antialias = False
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption, False)

    def set_bounds(self, rect: Rect) -> None:
        self.prepareGeometryChange()
        self._rect = qrect(rect)

    def set_bins(self, rgb: np.ndarray, widths: np.ndarray) -> None:
        """One cosmetic pen per colour bin: RGB (NBINS, 3) and widths in pixels."""
        self._pens = []
        for (r, g, b), width in zip(np.asarray(rgb).tolist(), np.asarray(widths).tolist()):
            pen = QPen(QColor(int(r), int(g), int(b)), float(width))
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens.append(pen)
        self.update()

    def set_binned(self, coords_sorted: np.ndarray, counts: np.ndarray) -> None:
        """Segments sorted by bin, with the count per bin (from np.bincount)."""
        start = 0
        for b, n in enumerate(counts.tolist()):
            self._bins[b].set(coords_sorted[start:start + n])
            start += n
        self.update()

    def set_glow(self, groups: list[tuple[float, np.ndarray]], color: QColor) -> None:
        """Halos drawn under the edges: (width in px, segments) pairs, in ``color``."""
        self._glow = []
        for width, coords in groups:
            pen = QPen(color, width)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            lines = _Lines()
            lines.set(coords)
            self._glow.append((pen, lines))
        self.update()

    def glowing(self) -> int:
        """Segments painted with a halo."""
        return sum(lines.count for _, lines in self._glow)

    def drawn_per_bin(self) -> list[int]:
        """How many segments each colour bin paints."""
        return [b.count for b in self._bins]

    def set_hover(self, pens: list[QPen] | None, segment: np.ndarray | None) -> None:
        """The hovered edge, redrawn on top with each of ``pens`` in turn (None clears)."""
        self._hover = None if not pens or segment is None else (pens, QLineF(*map(float, segment)))
        self.update()

    def drawn(self) -> int:
        return sum(b.count for b in self._bins)

    def paint(self, p: QPainter, *args) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias)
        for pen, lines in self._glow:
            p.setPen(pen)
            lines.draw(p)
        for b in self._order:
            lines = self._bins[b]
            if lines.count:
                p.setPen(self._pens[b])
                lines.draw(p)
        if self._hover is not None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            for pen in self._hover[0]:
                p.setPen(pen)
                p.drawLine(self._hover[1])

    def boundingRect(self) -> QRectF:
        return self._rect
