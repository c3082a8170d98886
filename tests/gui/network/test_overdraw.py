"""Segments that lie on one another are painted once: the one the painter would leave on top."""

import numpy as np
import pytest
from PyQt6.QtGui import QImage

from visualbp.core.config import SessionConfig
from visualbp.gui import colors as C
from visualbp.gui.network.overdraw import coinciding, painted_last


def test_the_segment_painted_last_on_each_line_is_kept():
    coords = np.array([[0, 0, 1, 1], [0, 0, 1, 2], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 2], [5, 5, 6, 6]], float)
    by_line, starts = coinciding(coords)
    assert len(starts) == 3  # three distinct lines
    # line (0,0)-(1,1): segments 0, 2, 3; the largest rank wins, of equal ranks the later segment
    assert painted_last(np.array([7, 1, 7, 3, 0, 2]), by_line, starts).tolist() == [1, 2, 5]
    assert painted_last(np.array([1, 1, 9, 3, 4, 2]), by_line, starts).tolist() == [2, 4, 5]
    assert coinciding(coords[[0, 1, 5]]) is None  # nothing to leave out


def _pixels(view, qtbot) -> np.ndarray:
    view._paint_edges()
    qtbot.wait(1)
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    return np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4).copy()


@pytest.fixture
def mnist_window(qtbot):
    """The book's [784, 30, 10] on MNIST in a 1600×1000 main window (as the bench's)."""
    from visualbp.gui.main_window import MainWindow
    from visualbp.gui.session import Session

    session = Session(SessionConfig(dataset="mnist", sizes=(784, 30, 10), seed=0))
    window = MainWindow(session, remember_layout=False, recovery=False)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    yield window
    session.shutdown()


def test_all_edges_of_a_picture_input_paint_the_same_picture_with_one_segment_per_line(mnist_window, qtbot):
    session, view = mnist_window.session, mnist_window.network_view
    view.set_max_edges(None)
    session.finish_batch()
    scene = view.scene
    assert not scene.antialias and scene.drawn_edge_count(2) == 23_520
    once = _pixels(view, qtbot)
    painted = sum(view.edges.drawn_per_bin())
    assert painted == len(np.unique(scene.coords, axis=0)) < 23_820 / 20  # one segment per distinct line
    # every bin's strongest segment is still there: the painted bins are those of the lines' winners
    order = C.paint_order()
    rank = np.argsort(np.array(order))[scene.bins]
    by_line, starts = scene.lines.groups
    assert sorted(view.edges.drawn_per_bin()) == sorted(np.bincount(
        scene.bins[painted_last(rank, by_line, starts)], minlength=C.NBINS).tolist())
    scene.lines.groups = None  # paint every segment, as before
    every = _pixels(view, qtbot)
    assert sum(view.edges.drawn_per_bin()) == 23_520 + 300
    differ = np.any(once != every, axis=2)
    # the same picture: a few pixels at most differ where two rasterisers (a 1-pixel and a wider pen)
    # disagree on a line's last pixel
    assert differ.mean() < 0.005, differ.sum()


def test_antialiased_edges_on_one_line_are_painted_once_and_look_the_same(mnist_window, qtbot):
    session, view = mnist_window.session, mnist_window.network_view
    session.finish_batch()
    scene = view.scene
    assert scene.antialias and len(scene.coords) == 400  # default detail: 100 strongest of w², all of w³
    once = _pixels(view, qtbot)
    assert sum(view.edges.drawn_per_bin()) == len(np.unique(scene.coords, axis=0)) < 200
    scene.lines.groups = None  # paint every segment, as before
    every = _pixels(view, qtbot)
    assert sum(view.edges.drawn_per_bin()) == 400
    # the line on top is at least as wide as those under it: only its antialiased rim may show them
    shift = np.abs(once.astype(int) - every.astype(int)).max(axis=2)
    assert (shift > 0).any()  # the rims do differ a little
    assert (shift > 48).mean() < 0.005, (shift > 48).sum()
