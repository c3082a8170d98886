"""A spin box for a seed over the whole of ``limits.SEED`` (0 … 2³²−1): a QSpinBox stops at 2³¹−1, so a seed
above that (a network drawn without one gets one up to 2³²−1) would show, and be applied back, as 2147483647.
Built on QDoubleSpinBox with no decimals (a double holds every such integer exactly); ``value()`` is an int."""

from __future__ import annotations

from PyQt6.QtWidgets import QDoubleSpinBox, QWidget

from visualbp.core import limits


class SeedSpinBox(QDoubleSpinBox):
    """A whole number in ``limits.SEED``, typed or stepped; ``value()`` and ``setValue`` speak int."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(0)
        self.setRange(limits.MIN_SEED, limits.MAX_SEED)

    def value(self) -> int:
        return round(super().value())

    def setValue(self, value: float) -> None:
        super().setValue(float(value))

    def minimum(self) -> int:
        return int(super().minimum())

    def maximum(self) -> int:
        return int(super().maximum())
