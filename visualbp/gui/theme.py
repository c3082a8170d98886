"""The look: one calm light theme (TensorFlow Playground's palette), fonts and pyqtgraph defaults.

Views take their colours from here so presentation mode can switch them in one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

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
    font_pt: float
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

#: Presentation mode for projectors: high-contrast light, large type, thick lines.
PROJECTOR = Theme(
    name="projector",
    background="#ffffff",
    panel="#f2f4f5",
    text="#000000",
    muted="#37474f",
    grid="#cfd8dc",
    highlight="#ffe082",
    negative=(230, 110, 0),
    neutral=(225, 228, 230),
    positive=(0, 90, 170),
    node_outline="#000000",
    font_pt=17,
    line_scale=2.0,
)

#: Presentation mode, dark: for dim rooms and screens that glare.
DARK = Theme(
    name="dark",
    background="#1e2327",
    panel="#263238",
    text="#eceff1",
    muted="#b0bec5",
    grid="#37474f",
    highlight="#4e4a2a",
    negative=(255, 167, 38),
    neutral=(84, 96, 104),
    positive=(79, 195, 247),
    node_outline="#eceff1",
    font_pt=17,
    line_scale=2.0,
)

THEMES = {t.name: t for t in (LIGHT, PROJECTOR, DARK)}

#: The smallest type any view sets, in light-theme points (the equation panel's "which neuron" line).
SMALLEST_PT = 8.5
#: Presentation mode: the smallest text at least this fraction of the screen's height (read from the back).
TEXT_SHARE = 1 / 50


def fitted(base: Theme, height_px: float, dpi: float = 96.0) -> Theme:
    """``base`` (a presentation theme) with its type scaled so the smallest text, SMALLEST_PT light-theme
    points, is at least TEXT_SHARE of ``height_px`` (the screen's height, logical pixels at ``dpi``) —
    with 5 % to spare, and never below 1.1 times the light theme's type."""
    needed = height_px * TEXT_SHARE * 72.0 / dpi / SMALLEST_PT * 1.05
    font_pt = round(LIGHT.font_pt * max(1.1, needed), 1)
    return replace(base, font_pt=font_pt)

_current = LIGHT


_notifier = None


def current() -> Theme:
    return _current


def scale() -> float:
    """How much larger the current theme's type is than the light theme's (1.7 in presentation mode)."""
    return _current.font_pt / LIGHT.font_pt


def pt(size: float) -> float:
    """A light-theme point size in the current theme's type (8.5 → 14.45 in presentation mode)."""
    return round(size * scale(), 2)


def smallest_pt() -> float:
    """The smallest point size a text may take in the current theme: SMALLEST_PT light-theme points in its type
    (in a theme ``fitted`` to a screen, at least TEXT_SHARE of the screen's height)."""
    return pt(SMALLEST_PT)


def floor_px(height_px: float) -> int:
    """Presentation mode's smallest text in pixels for a screen ``height_px`` tall: TEXT_SHARE of it, rounded up."""
    return math.ceil(height_px * TEXT_SHARE - 1e-9)


def is_dark(theme: Theme | None = None) -> bool:
    """True when the theme's background is dark (text must be light)."""
    t = theme or _current
    r, g, b = (int(t.background[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b < 128


def notifier():
    """A QObject whose ``changed(Theme)`` signal fires after ``apply`` switched the theme.

    Views connect a bound method (``notifier().changed.connect(self.apply_theme)``): the connection
    ends with the view, and holds no reference that keeps it alive. Made on first use, so importing
    this module needs no QApplication."""
    global _notifier
    if _notifier is None:
        from PyQt6.QtCore import QObject, pyqtSignal

        class _Notifier(QObject):
            changed = pyqtSignal(object)

        _notifier = _Notifier()
    return _notifier


def apply(theme: Theme = LIGHT) -> Theme:
    """Make ``theme`` current and set pyqtgraph's defaults (no antialiasing: dense edges stay fast).

    When the theme changes, ``notifier().changed`` tells every view to re-style."""
    global _current
    changed = theme is not _current
    _current = theme
    pg.setConfigOptions(antialias=False, background=theme.background, foreground=theme.text,
                        imageAxisOrder="row-major")
    if changed and _notifier is not None:
        _notifier.changed.emit(theme)
    return theme
