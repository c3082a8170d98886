"""Accuracy per epoch, 0–100 %, and the latest as a number in the card's header.

``AccuracyCard`` draws the share of training and validation examples the network classifies right after
every epoch (``EpochStats``, from the untrained network at epoch 0 on) and shows the newest — validation,
or training without validation data — as a number a lecture hall can read before any curve has a shape.
"""

from __future__ import annotations

import math

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel

from visualbp.core.steps import EpochStats
from visualbp.gui import theme
from visualbp.gui.plot_widgets import TRAIN_COLOUR, VALIDATION_COLOUR, _Card, _pen, _Plot, _swatch, type_scale


class AccuracyCard(_Card):
    """Training and validation accuracy per epoch, and the newest as a number."""

    def __init__(self) -> None:
        plot = _Plot("epoch", "%")
        plot.value_format = "{:.1f}"
        marker = dict(symbol="o", symbolSize=5, symbolPen=None)
        self.value = QLabel("")  # the latest accuracy, as a number
        self.value.setTextFormat(Qt.TextFormat.RichText)
        super().__init__("Accuracy", plot, self.value)
        self.train = plot.add_curve("train accuracy", _pen(TRAIN_COLOUR, 1.8), unit=" %", symbolBrush=TRAIN_COLOUR,
                                    **marker)
        self.validation = plot.add_curve("validation accuracy", _pen(VALIDATION_COLOUR, 1.8), unit=" %",
                                         symbolBrush=VALIDATION_COLOUR, **marker)
        plot.setYRange(-7, 107, padding=0)  # room for the 0 and 100 labels
        plot.getPlotItem().enableAutoRange(axis="y", enable=False)
        plot.getPlotItem().setLimits(yMin=-10, yMax=110)
        plot.setMinimumHeight(60)
        self.set_references([])

    def set_references(self, entries: list[str]) -> None:
        """The legend: train, validation, then the reference runs' entries."""
        self.set_legend([_swatch(TRAIN_COLOUR, "●", "train"), _swatch(VALIDATION_COLOUR, "●", "validation")]
                        + entries)

    def apply_theme(self) -> None:
        super().apply_theme()
        t = theme.current()
        self.value.setStyleSheet(f"color: {t.text}; font-size: {round(10 * type_scale(), 2):g}pt;")

    def draw(self, rows: list[EpochStats], x: np.ndarray) -> None:
        """Both curves at ``x`` (epochs) and the newest row as the number."""
        self.plot.set_curve(self.train, x, [100.0 * s.train_accuracy for s in rows])
        self.plot.set_curve(self.validation, x, [100.0 * s.val_accuracy for s in rows])
        self.show_value(rows[-1] if rows else None)

    def show_value(self, stats: EpochStats | None) -> None:
        """The accuracy after ``stats``' epoch as a number: validation (train when there is none)."""
        if stats is None:
            self.value.setText("")
            self.value.setToolTip("")
            return
        val, train = 100.0 * stats.val_accuracy, 100.0 * stats.train_accuracy
        which, shown = ("val", val) if math.isfinite(val) else ("train", train)  # short: it never wraps
        when = "before training" if stats.epoch < 0 else f"epoch {stats.epoch + 1}"
        self.value.setText(f"{which} <b>{shown:.1f} %</b>")
        detail = f"validation {val:.1f} %, " if math.isfinite(val) else ""
        self.value.setToolTip(f"{when}: {detail}train {train:.1f} %")

    def text(self) -> str:
        """The number shown, as plain text ('' before any)."""
        return self.value.text().replace("<b>", "").replace("</b>", "")
