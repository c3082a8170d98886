"""Filled, outlined shapes painted from kept pictures: the neurons' circles, whose fills change on every step, and
the saturation rings, which come and go while training.

An antialiased ``drawEllipse`` costs ~35 µs (the circle is built as a path and rasterised each time; a dashed
ring ~40): 41 circles and a few dozen rings were 2–3 ms of every live tick at 1600×1000. Their places, size and
outline stay until the view or the theme changes; only the fill colours change. So each shape is kept as two small
pictures made by Qt itself: its coverage (the shape filled white, antialiased) and its outline (the pen alone). A
paint tints every coverage with its fill in one NumPy operation and lays the two pictures down: ~10 µs a shape.
The pixels are those of painting the shapes straight (tests/gui/network/test_stamps.py compares them).

Only on raster devices at a device-pixel ratio of 1 (the pictures are laid on whole pixels); elsewhere (an SVG or
PDF export, a HiDPI screen) and for big shapes (zoomed far in) ``paint`` says no and the caller paints them
straight.
"""

from __future__ import annotations

import math
import sys

import numpy as np
from PyQt6.QtCore import QPoint, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QImage, QPaintEngine, QPainter, QPen, QTransform

MAX_SIDE = 96  # device pixels: a bigger shape is painted straight (few are on screen when zoomed that far)
_PIXEL = [2, 1, 0, 3] if sys.byteorder == "little" else [3, 0, 1, 2]  # RGBA → the bytes of a 32-bit ARGB pixel


def _bits(image: QImage) -> np.ndarray:
    """The (h, w, 4) bytes of a 32-bit ``image`` (a view: keep the image alive)."""
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    return np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)


class Stamps:
    """Kept pictures of one set of shapes (ellipses or rectangles, one pen, fixed places) for one view of them."""

    def __init__(self, ellipses: bool) -> None:
        self.ellipses = ellipses
        self._key: tuple | None = None
        self._coverage = np.empty((0, 0, 0), dtype=np.float32)  # (n, side, side): 0..1 of each pixel
        self._outlines: list[QImage] = []
        self._side = 0

    def paint(self, p: QPainter, rects: np.ndarray, pen: QPen, rgba: np.ndarray | None,
              only: np.ndarray | None = None) -> bool:
        """Paint the shapes in ``rects`` (n, 4: left, top, width, height in item coordinates) outlined with ``pen``
        and filled with ``rgba`` (n, 4 uint8; None: not filled), as ``p.drawEllipse``/``drawRect`` would with
        antialiasing — of them only the indices ``only`` if given (the pictures are kept for all); False (nothing
        painted) where kept pictures cannot stand in for that."""
        engine, device = p.paintEngine(), p.device()
        if engine is None or engine.type() != QPaintEngine.Type.Raster or device is None \
                or device.devicePixelRatioF() != 1.0 or not p.testRenderHint(QPainter.RenderHint.Antialiasing):
            return False
        world = p.worldTransform()
        if world.m12() != 0.0 or world.m21() != 0.0 or world.m13() != 0.0 or world.m23() != 0.0:
            return False
        sx, sy = world.m11(), world.m22()
        pad = pen.widthF() + 2.0 if pen.style() != Qt.PenStyle.NoPen else 2.0
        rects = np.asarray(rects, dtype=float).reshape(-1, 4)
        if len(rects) == 0:
            return True
        side = int(math.ceil(max(abs(sx) * rects[:, 2].max(), abs(sy) * rects[:, 3].max()) + 2.0 * pad))
        if side > MAX_SIDE:
            return False
        centres = rects[:, :2] + rects[:, 2:] / 2.0
        device_centres = np.column_stack([centres[:, 0] * sx + world.dx(), centres[:, 1] * sy + world.dy()])
        corners = np.floor(device_centres - side / 2.0).astype(np.int64)
        # the pictures depend on where each shape falls within its pixel, not on whole-pixel moves
        phases = np.round(np.column_stack([device_centres - corners, rects[:, 2:]]), 9)
        dashes = tuple(pen.dashPattern()) if pen.style() == Qt.PenStyle.CustomDashLine else ()
        key = (sx, sy, side, phases.tobytes(), pen.color().rgba(), pen.widthF(), pen.style(), dashes,
               pen.isCosmetic(), pen.joinStyle(), pen.capStyle())
        if key != self._key:
            self._make(world, rects, pen, corners, side)
            self._key = key
        which = np.arange(len(rects)) if only is None else np.asarray(only, dtype=np.intp)
        tinted = None
        if rgba is not None:
            fill = np.asarray(rgba, dtype=np.float32)[which]
            premultiplied = fill[:, _PIXEL] * (fill[:, 3:4] / 255.0)
            tinted = np.rint(self._coverage[which][..., None] * premultiplied[:, None, None, :]).astype(np.uint8)
        p.save()
        p.setWorldTransform(QTransform())
        row = side * 4
        for i, (j, (x, y)) in enumerate(zip(which.tolist(), corners[which].tolist())):
            at = QPoint(x, y)
            if tinted is not None:
                p.drawImage(at, QImage(tinted[i].data, side, side, row, QImage.Format.Format_ARGB32_Premultiplied))
            p.drawImage(at, self._outlines[j])
        p.restore()
        return True

    def _make(self, world: QTransform, rects: np.ndarray, pen: QPen, corners: np.ndarray, side: int) -> None:
        """Each shape's coverage and outline, painted by Qt as ``p`` would paint them, on whole pixels."""
        coverage, outlines = [], []
        white = QBrush(QColor(Qt.GlobalColor.white))
        for rect, (x0, y0) in zip(rects.tolist(), corners.tolist()):
            shift = world * QTransform.fromTranslate(-x0, -y0)
            filled = self._picture(side, shift, QRectF(*rect), QPen(Qt.PenStyle.NoPen), white)
            coverage.append(_bits(filled)[:, :side, 3].astype(np.float32) / 255.0)
            outlines.append(self._picture(side, shift, QRectF(*rect), pen, QBrush(Qt.BrushStyle.NoBrush)))
        self._coverage = np.stack(coverage)
        self._outlines = outlines
        self._side = side

    def _picture(self, side: int, world: QTransform, rect: QRectF, pen: QPen, brush: QBrush) -> QImage:
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        q = QPainter(image)
        q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        q.setWorldTransform(world)
        q.setPen(pen)
        q.setBrush(brush)
        if self.ellipses:
            q.drawEllipse(rect)
        else:
            q.drawRect(rect)
        q.end()
        return image
