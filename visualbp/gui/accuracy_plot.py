"""Accuracy per epoch, 0–100 %, and the latest as a number in the card's header.

``AccuracyCard`` draws the share of training and validation examples the network classifies right after
every epoch (``EpochStats``, from the untrained network at epoch 0 on) and shows the newest — validation,
or training without validation data — as a number a lecture hall can read before any curve has a shape.
For regression (``set_regression``) there are no classes to get right: the card shows the fit's RMS error
√(1/n Σ_x (a^L − y)²) instead, on an axis from 0.
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
        plot.setMinimumHeight(60)
        self.regression = True
        self.set_regression(False)
        self.set_references([])

    def set_regression(self, on: bool) -> None:
        """Accuracy in % on a fixed 0–100 axis, or (``on``) the RMS error of a fit on an axis from 0."""
        if on == self.regression:
            return
        self.regression = on
        item = self.plot.getPlotItem()
        self.title.setText("Fit error (RMS)" if on else "Accuracy")
        self.title.setToolTip("√(1/n Σ<sub>x</sub> (a<sup>L</sup> − y)²) after each epoch: how far the curve is "
                              "from the data, in the units of y" if on else "")
        item.getAxis("left").setLabel("RMS" if on else "%")
        self.plot.apply_theme()
        self.plot.value_format = "{:.3g}" if on else "{:.1f}"
        for curve, what in ((self.train, "train"), (self.validation, "validation")):
            curve.name, curve.unit = (f"{what} RMS error", "") if on else (f"{what} accuracy", " %")
        if on:
            item.setLimits(yMin=None, yMax=None)
            item.enableAutoRange(axis="y", enable=True)
        else:
            self.plot.setYRange(-7, 107, padding=0)  # room for the 0 and 100 labels
            item.enableAutoRange(axis="y", enable=False)
            item.setLimits(yMin=-10, yMax=110)

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
        if self.regression:
            self.plot.set_curve(self.train, x, [_rms(s.train_rms) for s in rows])
            self.plot.set_curve(self.validation, x, [_rms(s.val_rms) for s in rows])
        else:
            self.plot.set_curve(self.train, x, [100.0 * s.train_accuracy for s in rows])
            self.plot.set_curve(self.validation, x, [100.0 * s.val_accuracy for s in rows])
        self.show_value(rows[-1] if rows else None)

    def show_value(self, stats: EpochStats | None) -> None:
        """The accuracy after ``stats``' epoch as a number: validation (train when there is none)."""
        if stats is None:
            self.value.setText("")
            self.value.setToolTip("")
            return
        when = "before training" if stats.epoch < 0 else f"epoch {stats.epoch + 1}"
        if self.regression:
            val, train = _rms(stats.val_rms), _rms(stats.train_rms)
            which, shown = ("val", val) if math.isfinite(val) else ("train", train)
            self.value.setText(f"{which} <b>{shown:.3g}</b>")
            detail = f"validation RMS error {val:.4g}, " if math.isfinite(val) else ""
            self.value.setToolTip(f"{when}: {detail}train RMS error {train:.4g}")
            return
        val, train = 100.0 * stats.val_accuracy, 100.0 * stats.train_accuracy
        which, shown = ("val", val) if math.isfinite(val) else ("train", train)  # short: it never wraps
        self.value.setText(f"{which} <b>{shown:.1f} %</b>")
        detail = f"validation {val:.1f} %, " if math.isfinite(val) else ""
        self.value.setToolTip(f"{when}: {detail}train {train:.1f} %")

    def text(self) -> str:
        """The number shown, as plain text ('' before any)."""
        return self.value.text().replace("<b>", "").replace("</b>", "")


def _rms(v: float | None) -> float:
    """An RMS error as a number to draw (NaN where a run has none: a classifier's, or no validation data)."""
    return math.nan if v is None else float(v)
