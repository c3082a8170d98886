"""Shapes painted from kept pictures have the pixels of the same shapes painted straight."""

import numpy as np
import pytest
from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPicture, QTransform

from visualbp.gui.network.stamps import Stamps


def _image() -> QImage:
    image = QImage(240, 160, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(30, 120, 200))  # something under the shapes, as the edges are
    for x in range(0, 240, 7):  # and lines crossing them
        QPainter(image).fillRect(x, 0, 2, 160, QColor(245, 147, 34))
    return image


def _pixels(image: QImage) -> np.ndarray:
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    return np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4).astype(int)


def _painter(image: QImage) -> QPainter:
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setWorldTransform(QTransform(23.7, 0, 0, 23.7, 3.3, 5.55))  # the view's scale, centres between pixels
    return p


@pytest.mark.parametrize("filled, dashed", [(True, False), (False, True)])
def test_kept_pictures_paint_the_pixels_of_drawing_straight(qapp, filled, dashed):
    rng = np.random.default_rng(1)
    centres = np.column_stack([rng.uniform(0.5, 9.0, 12), rng.uniform(0.5, 6.0, 12)])
    r = 0.31
    rects = np.column_stack([centres - r, np.full((12, 2), 2 * r)])
    rgba = rng.integers(0, 256, (12, 4)).astype(np.uint8)
    rgba[:, 3] = 255
    pen = QPen(QColor(80, 80, 90), 1.2)
    pen.setCosmetic(True)
    if dashed:
        pen.setDashPattern([2.2, 1.4])
    only = np.array([0, 3, 4, 9])
    stamps = Stamps(ellipses=True)
    kept = _image()
    for _ in range(2):  # made, then laid again from what was kept
        kept = _image()
        p = _painter(kept)
        assert stamps.paint(p, rects, pen, rgba if filled else None, only)
        p.end()
    straight = _image()
    p = _painter(straight)
    p.setPen(pen)
    for j in only:
        p.setBrush(QBrush(QColor(*rgba[j].tolist())) if filled else QBrush(Qt.BrushStyle.NoBrush))
        p.drawEllipse(QRectF(*rects[j]))
    p.end()
    a, b = _pixels(kept), _pixels(straight)
    assert (a != _pixels(_image())).any()  # something was painted
    assert np.abs(a - b).max() <= 1


def test_no_kept_pictures_where_they_would_not_be_the_same(qapp):
    rects = np.array([[1.0, 1.0, 0.6, 0.6]])
    rgba = np.array([[10, 20, 30, 255]], dtype=np.uint8)
    picture = QPicture()  # a vector device: circles stay circles
    p = QPainter(picture)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    assert not Stamps(ellipses=True).paint(p, rects, QPen(), rgba)
    p.end()
    image = _image()
    image.setDevicePixelRatio(2.0)  # a HiDPI screen
    p = _painter(image)
    assert not Stamps(ellipses=True).paint(p, rects, QPen(), rgba)
    p.end()
    image = _image()
    p = _painter(image)
    p.scale(20, 20)  # zoomed far in: too big to keep
    assert not Stamps(ellipses=True).paint(p, rects, QPen(), rgba)
    p.end()


def test_a_new_pen_or_a_new_view_makes_the_pictures_again(qapp):
    rects = np.array([[1.0, 1.0, 0.62, 0.62], [4.3, 2.2, 0.62, 0.62]])
    rgba = np.array([[245, 147, 34, 255], [8, 119, 189, 255]], dtype=np.uint8)
    stamps = Stamps(ellipses=True)
    dark, wide = QPen(QColor(40, 40, 40), 1.2), QPen(QColor(200, 30, 30), 2.6)
    for pen in (dark, wide):
        pen.setCosmetic(True)
    for pen, shift in ((dark, 0.0), (wide, 0.0), (wide, 0.37)):  # the theme's pen, then a scroll by a fraction
        kept, straight = _image(), _image()
        p = _painter(kept)
        p.translate(shift, shift)
        assert stamps.paint(p, rects, pen, rgba)
        p.end()
        p = _painter(straight)
        p.translate(shift, shift)
        p.setPen(pen)
        for rect, colour in zip(rects, rgba):
            p.setBrush(QBrush(QColor(*colour.tolist())))
            p.drawEllipse(QRectF(*rect))
        p.end()
        assert np.abs(_pixels(kept) - _pixels(straight)).max() <= 1
