"""The window's plan for a screen: the graph's column never squeezed between the side column and the plots."""

from __future__ import annotations

from PyQt6.QtCore import QSize

from visualbp.gui import window_fit


def test_the_graph_keeps_its_column_at_every_width():
    """At 1280×720 the side column and the plots together left the graph 650 px and the network was smaller than
    the plots; from 1000 px on the graph's column is at least MIN_CENTRE wide whatever opens beside it."""
    for width in range(window_fit.SIDE_OPEN_FROM, 3841, 10):
        plan = window_fit.plan_for(QSize(width, 800))
        centre = plan.size.width() - (plan.side_width if plan.side_open else 0) - plan.plots_width
        assert centre >= window_fit.MIN_CENTRE, (width, plan)
    at_1280 = window_fit.plan_for(QSize(1280, 720))
    assert at_1280.plots_beside and not at_1280.side_open  # the plots stay in view; Setup is one key away
    assert window_fit.plan_for(QSize(1366, 768)).side_open and window_fit.plan_for(QSize(1024, 768)).side_open
