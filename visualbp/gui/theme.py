"""The look: one calm light theme (TensorFlow Playground's palette), fonts and pyqtgraph defaults.

Views take their colours from here so presentation mode can switch them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    panel: str
    text: str
    muted: str
    grid: str
    highlight: str  # the layer the current step works on
    negative: tuple[int, int, int]  # w < 0
    neutral: tuple[int, int, int]  # w ≈ 0
    positive: tuple[int, int, int]  # w > 0
    node_outline: str
    font_pt: int
    line_scale: float  # multiply pen widths (presentation mode draws thicker)


LIGHT = Theme(
    name="light",
    background="#ffffff",
    panel="#f7f8f9",
    text="#263238",
    muted="#78909c",
    grid="#e0e4e7",
    highlight="#fff3c4",
    negative=(245, 147, 34),
    neutral=(232, 234, 235),
    positive=(8, 119, 189),
    node_outline="#455a64",
    font_pt=10,
    line_scale=1.0,
)

_current = LIGHT


def current() -> Theme:
    return _current


def apply(theme: Theme = LIGHT) -> Theme:
    """Make ``theme`` current and set pyqtgraph's defaults (no antialiasing: dense edges stay fast)."""
    global _current
    _current = theme
    pg.setConfigOptions(antialias=False, background=theme.background, foreground=theme.text,
                        imageAxisOrder="row-major")
    return theme
