"""What the network view's tests share: expected colours, stepping to a record, the edges, a view of a
config, the saturation colour around a neuron."""



import numpy as np
from PyQt6.QtCore import QPointF
from PyQt6.QtGui import QColor

from visualbp.gui import colors as C
from visualbp.gui.diagnostic_marks import SATURATION_COLOR
from visualbp.gui.network import NetworkView
from visualbp.gui.network.scene import NBINS
from visualbp.gui.session import Session


def expected_color(w: float, vmax: float) -> tuple:
    return tuple(int(x) for x in C.lut(NBINS)[C.bin_of(np.array([w]), vmax, NBINS)[0]])


def step_until(session, predicate, limit=500):
    for _ in range(limit):
        record = session.step()
        if predicate(record):
            return record
    raise AssertionError("never reached")


def all_edges(net):
    for i, w in enumerate(net.weights):
        for j in range(w.shape[0]):
            for k in range(w.shape[1]):
                yield i + 2, j, k, float(w[j, k])


def red_pixels_near(view, l: int, j: int) -> int:
    """Pixels of the saturation colour in a small square around neuron j's circle (the layout's), as painted."""
    img = view.graphics.grab().toImage()
    node = QPointF(*view.scene.cols[l - 1].node_center(j))
    centre = view.graphics.mapFromScene(view.view_to_scene(node))
    red = QColor(SATURATION_COLOR)
    count = 0
    for dx in range(-14, 15):
        for dy in range(-14, 15):
            c = img.pixelColor(centre.x() + dx, centre.y() + dy)
            if max(abs(c.red() - red.red()), abs(c.green() - red.green()), abs(c.blue() - red.blue())) < 45:
                count += 1
    return count


def make_view(qtbot, config, scale=None):
    s = Session(config)
    if scale is not None:
        s.net.weights = [w * scale for w in s.net.weights]
        s.weightsChanged.emit()
    v = NetworkView(s)
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    qtbot.waitExposed(v)
    return s, v
