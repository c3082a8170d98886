"""The neurons' painter keeps a picture of the fills while they stay, and paints the bias squares every time."""

import numpy as np
from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QImage, QPainter
from PyQt6.QtWidgets import QGraphicsScene

from visualbp.gui.network.layout import build_layout, content_rect
from visualbp.gui.network.neurons import NeuronItem


def _rgba(n, rgb):
    return np.tile(np.array([*rgb, 255], dtype=np.uint8), (n, 1))


def _render(scene: QGraphicsScene, rect: QRectF) -> np.ndarray:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    p = QPainter(image)
    scene.render(p, QRectF(0, 0, 400, 300), rect, Qt.AspectRatioMode.IgnoreAspectRatio)
    p.end()
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    bgra = np.frombuffer(bits, np.uint8).reshape(300, image.bytesPerLine() // 4, 4)[:, :400]
    return bgra[..., 2::-1].astype(int)  # R, G, B


def test_the_picture_matches_painting_and_follows_the_fills_but_not_the_biases(qapp):
    cols = build_layout([3, 4, 2], None, False)
    left, top, w, h = content_rect(cols)
    rect = QRectF(left - 1, top - 1, w + 2, h + 2)
    scene = QGraphicsScene()
    under = scene.addRect(rect, brush=QBrush(QColor(40, 120, 200)))  # something under the neurons, like edges
    under.setZValue(-1)
    item = NeuronItem()
    scene.addItem(item)
    item.set_cols(cols, (rect.x(), rect.y(), rect.width(), rect.height()))
    painted = []
    paint = item.paint_neurons
    item.paint_neurons = lambda p: (painted.append(1), paint(p))  # count how often the circles are painted

    def show(fill, bias):
        item.set_data({c.l: _rgba(c.n, fill) for c in cols}, {c.l: _rgba(c.n, bias) for c in cols[1:]}, {}, None)
        return _render(scene, rect)

    straight = show((250, 120, 20), (0, 0, 0))
    kept = show((250, 120, 20), (0, 0, 0))  # painted the same way again: from now on a picture of it
    assert len(painted) == 2
    assert np.abs(kept - straight).max() <= 3  # the picture laid on the blue under it: antialiased rims ±3
    assert (np.abs(kept - straight).max(axis=2) > 0).mean() < 0.02

    def pixel(image, x, y):
        sx = (x - rect.x()) / rect.width() * 400
        sy = (y - rect.y()) / rect.height() * 300
        return tuple(image[int(sy), int(sx)])

    c = cols[1]
    centre = c.node_center(0)
    bias = c.bias_rect(0)
    bias_centre = (bias[0] + bias[2] / 2, bias[1] + bias[3] / 2)
    assert pixel(kept, *centre) == (250, 120, 20)
    new_bias = show((250, 120, 20), (0, 200, 0))  # an update of the weights: new bias colours, the same fills
    assert len(painted) == 2  # the circles were not painted again
    assert pixel(new_bias, *bias_centre) == (0, 200, 0) and pixel(new_bias, *centre) == (250, 120, 20)
    new_fill = show((10, 10, 10), (0, 200, 0))  # a step: new fills, painted straight
    assert len(painted) == 3
    assert pixel(new_fill, *centre) == (10, 10, 10)
    item.set_selected((2, 1))  # the ring is the marks', over the kept picture
    assert item.selected == (2, 1)
    ringed = _render(scene, rect)
    assert len(painted) == 4 and (np.abs(ringed - new_fill).max(axis=2) > 48).any()


def test_a_vector_export_gets_circles_not_a_picture(qapp):
    from PyQt6.QtCore import QBuffer, QByteArray, QIODevice
    from PyQt6.QtSvg import QSvgGenerator

    cols = build_layout([3, 4, 2], None, False)
    left, top, w, h = content_rect(cols)
    scene = QGraphicsScene()
    item = NeuronItem()
    scene.addItem(item)
    item.set_cols(cols, (left - 1, top - 1, w + 2, h + 2))
    item.set_data({c.l: _rgba(c.n, (250, 120, 20)) for c in cols}, {}, {}, None)
    for _ in range(3):  # painted the same way again and again: on a screen, a picture would be kept by now
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        p = QPainter(generator)
        scene.render(p, QRectF(0, 0, 400, 300), QRectF(left, top, w, h))
        p.end()
        svg = bytes(data).decode()
        assert "<image" not in svg and "#fa7814" in svg  # the circles, filled in (250, 120, 20)
