"""How the main window fits the screen it opens on: its size, where the panels go, what is remembered.

The graph, the step controls, the equation panel and the status line always show; the other panels (setup,
plots, neuron, debug) fold into tabs of one side column when the screen is narrow. All sizes are logical
pixels (Qt's device-independent pixels: a 1920×1080 screen at 200 % is 960×540 of them).
"""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import QRect, QSize

#: The smallest window at which the graph, the step controls, the equation panel and the status line all show
#: (1920×1080 at 200 % is 960×540; 1366×768 at 150 % is 911×512).
MIN_WIDTH, MIN_HEIGHT = 900, 500
#: From this width on the plots have their own column on the right; below it they are a tab beside Setup.
PLOTS_BESIDE_FROM = 1250
#: Below this width the side column starts closed (the View menu or Ctrl+1 opens Setup) so the graph keeps its width.
SIDE_OPEN_FROM = 1000
#: The graph's column keeps at least this width: where the side column beside the plots would leave less
#: (1250–1339 px wide windows, e.g. a 1280×720 projector), the side column starts closed instead.
MIN_CENTRE = 700
#: Below this window height the step controls fold to one row (new weights, speed and seed stay on keys/Setup).
COMPACT_BELOW = 650
#: The size a window opens at where the screen has room for more.
PREFERRED = QSize(1600, 1000)


@dataclass(frozen=True)
class Plan:
    """Where the panels go and how large the window is, for one available screen area."""

    size: QSize  # the window's size (its frame fills the screen when ``maximized``)
    maximized: bool  # the screen is not larger than the preferred size: take all of it
    plots_beside: bool  # plots in their own right column (else a tab in the side column)
    side_open: bool  # the side column (Setup, Neuron, Debug and maybe Plots) shown at the start
    side_width: int
    plots_width: int
    equation_height: int


def plan_for(available: QSize) -> Plan:
    """The layout for a window of at most ``available`` (the screen's available geometry, or a --size)."""
    w, h = available.width(), available.height()
    maximized = w <= PREFERRED.width() + 100 or h <= PREFERRED.height() + 60
    if maximized:
        size = QSize(w, h)
    else:  # a large screen: a generous window that still leaves some desktop around it
        size = QSize(max(PREFERRED.width(), round(0.85 * w)), max(PREFERRED.height(), round(0.85 * h)))
    width = size.width()
    plots_beside = width >= PLOTS_BESIDE_FROM
    side_width = 300 if width < 1500 else 330
    plots_width = (330 if width < 1500 else 440) if plots_beside else 0
    return Plan(
        size=size,
        maximized=maximized,
        plots_beside=plots_beside,
        side_open=width >= SIDE_OPEN_FROM and width - side_width - plots_width >= MIN_CENTRE,
        side_width=side_width,
        plots_width=plots_width,
        equation_height=max(185, min(280, round((0.33 if width < 1500 else 0.28) * size.height()))),
    )


#: Room left for a window manager's frame (title bar, borders) when the screen is smaller than the minimum.
FRAME_ALLOWANCE = QSize(16, 40)


def minimum_for(available: QSize) -> QSize:
    """The window's minimum size: MIN_WIDTH×MIN_HEIGHT, or, where the screen is smaller, the screen less room
    for the window's frame (the minimum is the inside of the window; the frame must fit too)."""
    return QSize(min(MIN_WIDTH, available.width() - FRAME_ALLOWANCE.width()),
                 min(MIN_HEIGHT, available.height() - FRAME_ALLOWANCE.height()))


def fits(frame: QRect, available: QRect) -> bool:
    """True when a window's frame lies wholly inside the screen's available area."""
    return available.contains(frame)


def rect_to_list(rect: QRect) -> list[int]:
    """[x, y, width, height] (how the layout memory stores a screen's area)."""
    return [rect.x(), rect.y(), rect.width(), rect.height()]
