"""Where the plots panel's five cards go: one column in a narrow dock, two when wide.

One column (``columns`` 1): cost, accuracy, ‖δ^l‖, saturated fraction, then the decision boundary's square,
whose row gets about 2/5 of the height (``boundary_stretch``). A short narrow dock (a 1366×768 laptop) puts
‖δ^l‖ and the saturated fraction on two tabs of one slot (``COMPACT``) so the boundary keeps a square worth
reading. Two columns: cost | accuracy above ‖δ^l‖ and the saturated fraction, with the boundary beside those
two (or below, without 2-D data).
"""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtWidgets import QGridLayout, QTabWidget, QWidget

#: Row stretch of cost, accuracy, ‖δ^l‖ and the saturated fraction in one column (the boundary's row follows).
COLUMN_STRETCH = (4, 3, 4, 3)
#: One column whose ‖δ^l‖ and saturated-fraction cards are two tabs of one slot.
COMPACT = 3


def columns_for(width: int, height: int, boundary: bool = True) -> int:
    """2 when the panel is wide (≥ 820 px and wider than tall); else 1, or COMPACT when a boundary must fit in a
    dock less than twice as tall as wide."""
    if width >= 820 and width >= 1.1 * height:
        return 2
    return COMPACT if boundary and height < 2.0 * width else 1


def has_plane(dataset) -> bool:
    """A square card goes last: the decision boundary (2-D data) or the fit (regression, 1-D)."""
    return bool(dataset.is_2d or dataset.is_regression)


def plane_cards(dataset, boundary: QWidget, fit: QWidget) -> tuple[QWidget, QWidget]:
    """(the card for the last slot, the one left out): the fit for regression data, else the boundary."""
    return (fit, boundary) if dataset.is_regression else (boundary, fit)


def boundary_stretch(width: int, height: int, columns: int = 1) -> int:
    """The boundary's row stretch in one column: its square takes up to 4/5 of the width and about 2/5 of the
    height (half in a compact dock) — through the stretch, never a minimum size, so the dock stays free
    to shrink."""
    if height <= 0:
        return 1
    compact = columns == COMPACT
    share = min(0.8 * width, (0.5 if compact else 0.4) * height) / height
    others = sum(COLUMN_STRETCH[:3]) if compact else sum(COLUMN_STRETCH)
    return max(1, round(others * share / (1.0 - share)))


def arrange(grid: QGridLayout, cards: Sequence[QWidget], tabs: QTabWidget, columns: int, boundary: bool,
            width: int, height: int) -> None:
    """Put ``cards`` (cost, accuracy, ‖δ^l‖, saturated fraction, boundary) into ``grid`` in ``columns`` columns
    (``tabs`` holds ‖δ^l‖ and the saturated fraction when COMPACT); ``boundary``: the data are 2-D."""
    cost, accuracy, delta, saturation, plane = cards
    for card in cards:
        grid.removeWidget(card)
    grid.removeWidget(tabs)
    paired = columns == COMPACT
    if not paired and tabs.count():
        current = tabs.currentIndex()
        while tabs.count():
            tabs.removeTab(0)
        tabs.setCurrentIndex(current)
        tabs.hide()
        delta.show()
        saturation.show()
    for r in range(len(cards)):
        grid.setRowStretch(r, 0)
    for c in range(2):
        grid.setColumnStretch(c, 0)
    if paired:
        if not tabs.count():
            tabs.addTab(delta, "Error ‖δ‖")
            tabs.addTab(saturation, "Saturated %")
        for r, card in enumerate((cost, accuracy, tabs, plane)):
            grid.addWidget(card, r, 0)
        tabs.show()
        for r, stretch in enumerate((*COLUMN_STRETCH[:3], boundary_stretch(width, height, columns))):
            grid.setRowStretch(r, stretch)
        grid.setColumnStretch(0, 1)
        return
    if columns == 1:
        stretches = (*COLUMN_STRETCH, boundary_stretch(width, height) if boundary else 0)
        for r, (card, stretch) in enumerate(zip(cards, stretches)):
            grid.addWidget(card, r, 0)
            grid.setRowStretch(r, stretch)
        grid.setColumnStretch(0, 1)
        return
    grid.addWidget(cost, 0, 0)
    grid.addWidget(accuracy, 0, 1)
    if boundary:  # the boundary beside the two plots of the layers, about square
        grid.addWidget(delta, 1, 0)
        grid.addWidget(saturation, 2, 0)
        grid.addWidget(plane, 1, 1, 2, 1)
        grid.setRowStretch(2, 1)
    else:
        grid.addWidget(delta, 1, 0)
        grid.addWidget(saturation, 1, 1)
        grid.addWidget(plane, 2, 0)
    grid.setRowStretch(0, 1)
    grid.setRowStretch(1, 1)
    grid.setColumnStretch(0, 1)
    grid.setColumnStretch(1, 1)
