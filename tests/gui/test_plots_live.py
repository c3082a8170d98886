"""The plots while training runs: what a live tick draws and what it leaves alone (a hidden panel, axes whose
range did not move)."""

from __future__ import annotations

import numpy as np
from PyQt6.QtWidgets import QApplication

from visualbp.core.config import SessionConfig
from visualbp.gui.plots import PlotsPanel
from visualbp.gui.session import Session


def make(qtbot, config: SessionConfig):
    session = Session(config)
    panel = PlotsPanel(session)
    qtbot.addWidget(panel)
    return session, panel


def test_hidden_panel_draws_what_was_delivered_when_it_shows(qtbot):
    """Behind another tab the panel keeps every minibatch and epoch but paints nothing (a hidden plot's setData
    and axes cost a live tick as much as a shown one's); shown, it draws all of them."""
    session, panel = make(qtbot, SessionConfig(dataset="digits", sizes=(64, 16, 10), seed=0))
    drawn = next(c for c in panel.cost_plot.curves if c.name == "minibatch cost (EMA)").item
    train = next(c for c in panel.cost_plot.curves if c.name == "train cost").item
    saturation = panel.saturation_card.curves[0].item

    def points(item) -> int:
        return 0 if item.xData is None else len(item.xData)

    before = (points(train), points(saturation))
    per = session.engine.batches_per_epoch
    for _ in range(2 * per):  # each minibatch delivered to the views, as a live tick does with many
        session.finish_batch()
    assert points(drawn) == 0  # nothing painted while hidden
    assert (points(train), points(saturation)) == before
    assert panel.accuracy_text().endswith("%") and "epoch 2" in panel.accuracy_card.value.toolTip()
    panel.resize(450, 700)
    panel.show()
    qtbot.waitExposed(panel)
    assert points(drawn) == 2 * per  # every minibatch reached the plot
    assert points(train) == 3  # epoch 0 (before training), 1 and 2
    assert points(saturation) >= 3  # at the start, at each epoch's end and between


def test_a_new_point_repaints_the_curve_not_the_axes_until_their_range_moves(qtbot, monkeypatch):
    """With the grid on, an axis's rect spans its plot: each new point of a live curve repainted both axes (their
    ticks, labels and grid lines). Cached, an axis paints again only when its range changes."""
    import pyqtgraph as pg

    from visualbp.gui.plot_widgets import _pen, _Plot

    painted = []
    paint = pg.AxisItem.paint

    def counted(self, *args) -> None:
        painted.append(self.orientation)
        paint(self, *args)

    monkeypatch.setattr(pg.AxisItem, "paint", counted)
    plot = _Plot("epoch", "C")
    qtbot.addWidget(plot)
    plot.resize(400, 250)
    plot.show()
    qtbot.waitExposed(plot)
    app = QApplication.instance()

    def draw() -> None:  # what the window does next: deliver the updates, paint the view
        app.processEvents()
        plot.viewport().repaint()

    curve = plot.add_curve("c", _pen("#000000"))
    plot.getPlotItem().enableAutoRange(enable=False)
    plot.setXRange(0, 10, padding=0)
    plot.setYRange(0, 1, padding=0)
    plot.set_curve(curve, [0, 1], [0.2, 0.3])
    draw()
    painted.clear()
    for n in range(3, 6):  # new points inside the axes' range, as a live tick adds them
        plot.set_curve(curve, np.arange(n), np.linspace(0.2, 0.8, n))
        draw()
    assert painted == []
    plot.setXRange(0, 20, padding=0)  # the range moves: the x axis shows new ticks
    draw()
    assert "bottom" in painted


def test_the_saturation_card_draws_an_empty_history_after_stepping_back_to_before_it(qtbot):
    """← to before the first measurement leaves the saturation card with no points: its curves empty, no error
    (it handed the plot a (0, 2) array for each curve's (0,) values)."""
    session, panel = make(qtbot, SessionConfig(dataset="digits", sizes=(64, 16, 10), seed=0))
    panel.resize(450, 700)
    panel.show()
    qtbot.waitExposed(panel)
    card = panel.saturation_card
    card.forget_from(-1.0)  # what ← to before every measurement does
    for curve in card.curves:
        assert curve.item.xData is None or len(curve.item.xData) == 0
