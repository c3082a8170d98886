"""Small Qt helpers shared by the network graph, the weight heatmap, the neuron inspector and the window."""

from __future__ import annotations

from typing import TypeVar

import pyqtgraph as pg
from PyQt6.QtGui import QColor

from visualbp.gui import colors as C
from visualbp.gui import theme as T

T_ = TypeVar("T_")


def present(obj: T_ | None, what: str) -> T_:
    """``obj``, a pointer Qt guarantees (a menu bar's new menu, a dock's toggle action), which PyQt6's stubs mark
    Optional like every pointer a Qt method returns. RuntimeError naming ``what`` if Qt gave none after all."""
    if obj is None:
        raise RuntimeError(f"Qt returned no {what}")
    return obj


def _qcolor(rgba) -> QColor:
    return QColor(int(rgba[0]), int(rgba[1]), int(rgba[2]), int(rgba[3]) if len(rgba) > 3 else 255)


def _theme_colors() -> C.Triple:
    t = T.current()
    return (t.negative, t.neutral, t.positive)


def _style_plot(plot: pg.PlotItem, widget) -> None:
    """A small pyqtgraph plot (the inspector's, a weight heatmap's) in ``theme.current()``'s colours."""
    t = T.current()
    widget.setBackground(t.background)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen(t.text))
        axis.setTextPen(pg.mkPen(t.text))
