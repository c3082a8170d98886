"""Other runs drawn over this one: another run's cost and accuracy per epoch, dashed (train) and dotted
(validation), in colours of their own — how a person compares quadratic with cross-entropy, or two seeds."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PyQt6.QtCore import Qt

from visualbp.core.steps import EpochStats
from visualbp.gui.plot_widgets import REFERENCE_COLOURS, _Curve, _pen, _Plot, _swatch


def reference_colour(index: int) -> str:
    """The colour of the ``index``-th reference run (oldest first), as the plots draw it and the Debug tab's
    list shows it."""
    return REFERENCE_COLOURS[index % len(REFERENCE_COLOURS)]


class ReferenceRuns:
    """The reference runs overlaid on a cost plot and an accuracy plot, oldest first."""

    def __init__(self, cost_plot: _Plot, accuracy_plot: _Plot) -> None:
        self._plots = ((cost_plot, "cost", 1.0, ""), (accuracy_plot, "accuracy", 100.0, " %"))
        self._runs: list[tuple[str, str, list[tuple[_Plot, _Curve]]]] = []

    def add(self, label: str, epochs: Sequence[EpochStats]) -> None:
        """Overlay a run's training (dashed) and validation (dotted) cost and accuracy per epoch."""
        colour = reference_colour(len(self._runs))
        rows = sorted(epochs, key=lambda s: s.epoch)
        x = np.array([s.epoch + 1.0 for s in rows])
        curves = []
        for plot, what, scale, unit in self._plots:
            train = plot.add_curve(f"{label}: train {what}", _pen(colour, 1.5, Qt.PenStyle.DashLine), unit=unit)
            val = plot.add_curve(f"{label}: validation {what}", _pen(colour, 1.3, Qt.PenStyle.DotLine), unit=unit)
            plot.set_curve(train, x, scale * np.array([getattr(s, f"train_{what}") for s in rows], dtype=float))
            plot.set_curve(val, x, scale * np.array([getattr(s, f"val_{what}") for s in rows], dtype=float))
            curves += [(plot, train), (plot, val)]
        self._runs.append((label, colour, curves))

    def clear(self) -> None:
        for _, _, curves in self._runs:
            for plot, curve in curves:
                plot.remove_curve(curve)
        self._runs.clear()

    def labels(self) -> list[str]:
        return [label for label, _, _ in self._runs]

    def runs(self) -> list[tuple[str, str]]:
        """(label, colour) of every run, oldest first."""
        return [(label, colour) for label, colour, _ in self._runs]

    def legend(self) -> list[str]:
        """A legend entry per run."""
        return [_swatch(colour, "- -", label) for label, colour, _ in self._runs]
