"""How a field says its value is wrong: a red frame, and a message in red under it, in the theme's colours.

Shared by the setup panel and the debugging panel so every field in the app fails the same way.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QLabel, QWidget

from visualbp.gui import theme

ERROR_COLOR = "#c62828"
ERROR_COLOR_DARK = "#ff6e6e"  # the same on a dark theme


def error_color() -> str:
    """The colour of what is wrong: a deep red on a light theme, a light red on a dark one."""
    return ERROR_COLOR_DARK if theme.is_dark() else ERROR_COLOR


def invalid_frame_css(*widget_types: str) -> str:
    """A style sheet rule framing every widget of these types whose ``invalid`` property is true."""
    selectors = ", ".join(f'{t}[invalid="true"]' for t in (widget_types or ("QLineEdit",)))
    return f"{selectors} {{ border: 2px solid {error_color()}; border-radius: 3px; padding: 1px 3px; }}"


def error_label() -> QLabel:
    """A hidden, word-wrapped label for a field's message."""
    label = QLabel()
    label.setWordWrap(True)
    style_error_label(label)
    label.hide()
    return label


def style_error_label(label: QLabel) -> None:
    """Small type in the error colour (call again when the theme changes)."""
    label.setStyleSheet(f"color: {error_color()}; font-size: {theme.pt(8):g}pt;")


def mark(widget: QWidget, label: QLabel, message: str | None) -> None:
    """Show ``message`` under ``widget`` and frame it, or clear both when ``message`` is empty."""
    invalid = bool(message)
    label.setText(message or "")
    label.setVisible(invalid)
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
