"""What the plots panel shows, read back as numbers: the curves as drawn, the boundary's image and values, the
reference runs. A mixin of ``PlotsPanel`` (the panel builds the curves and cards these read)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np


class PlotsReadout:
    """Read-outs of ``PlotsPanel``: every curve as drawn, the boundary, the reference runs."""

    _train_cost: Any
    _val_cost: Any
    _mb_cost: Any
    _delta_curves: list
    _references: Any
    _history: Any
    accuracy_card: Any
    saturation_card: Any
    boundary_card: Any
    boundary: Any
    log_box: Any

    if TYPE_CHECKING:  # what the panel provides
        def flush(self) -> None: ...  # draw what is pending

    def cost_curve_data(self, which: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, cost C) of 'train', 'validation' or 'minibatch' (EMA-smoothed), as drawn."""
        curve = {"train": self._train_cost, "validation": self._val_cost, "minibatch": self._mb_cost}[which]
        self.flush()
        return curve.data()

    def accuracy_curve_data(self, which: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, accuracy in %) of 'train' or 'validation'."""
        self.flush()
        return {"train": self.accuracy_card.train, "validation": self.accuracy_card.validation}[which].data()

    def delta_curve_count(self) -> int:
        """One ‖δ^l‖ curve per layer l = 2..L."""
        return len(self._delta_curves)

    def delta_curve_data(self, l: int) -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, smoothed ‖δ^l‖) for book layer l ≥ 2, as drawn (≤ 0 left out on a log axis)."""
        self.flush()
        return self._delta_curves[l - 2].data()

    def delta_curve_names(self) -> list[str]:
        return [c.name for c in self._delta_curves]

    def log_scale(self) -> bool:
        return self.log_box.isChecked()

    def saturation_curve_count(self) -> int:
        """One saturated-fraction curve per layer l = 2..L."""
        return len(self.saturation_card.curves)

    def saturation_curve_data(self, l: int) -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, % of layer l's (neuron, example) pairs saturated) for book layer l ≥ 2, as drawn."""
        self.flush()
        return self.saturation_card.curves[l - 2].data()

    def reference_runs(self) -> list[tuple[str, str]]:
        """(label, colour) of every reference run on the cost plot, oldest first."""
        return self._references.runs()

    def boundary_visible(self) -> bool:
        """Shown for 2-D data, hidden otherwise (independent of whether the panel itself is on screen)."""
        return not self.boundary_card.isHidden()

    def boundary_image(self) -> np.ndarray | None:
        """The boundary's RGB image (res, res, 3), row = x2, column = x1, or None."""
        return self.boundary.image()

    def boundary_values(self) -> np.ndarray | None:
        """a^L_1 − a^L_0 over the grid (2 classes) or the winning margin (more classes)."""
        return self.boundary.values()

    def batch_series_length(self) -> int:
        """Points kept for the per-minibatch cost (bounded by CAPACITY)."""
        return len(self._history)

