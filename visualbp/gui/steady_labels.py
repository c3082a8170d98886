"""Labels that keep their size while training redraws them live, so a new text repaints only the label.

A QLabel given a new text asks its layout to lay the panel out again, and the panel is repainted under it: in the
equation panel ~3.5 ms of every live tick for the title, the numbers and which neuron, whose texts change but
hardly ever the room they take. A label whose minimum and maximum sizes are equal does not ask (Qt's
``QWidget::updateGeometry`` skips a fixed-size widget): ~0.8 ms. So while training runs, the labels are held at the
size the layout gave them; a text that needs other room releases them all and the layout runs as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtWidgets import QLabel

_FREE = 16777215  # QWIDGETSIZE_MAX


class SteadyLabels:
    """Holds ``labels`` at their present sizes (``hold``) until a text needs other room or ``release``."""

    def __init__(self, labels: Sequence[QLabel]) -> None:
        self.labels = tuple(labels)
        self.held = False
        self._texts: list[str] = []  # the texts they fitted at the last look

    def hold(self) -> None:
        """Keep every label at the size it has now (laid out and shown); none is held while one is hidden."""
        if self.held or not all(label.isVisible() for label in self.labels):
            return
        for label in self.labels:
            label.setFixedSize(label.size())
        self._texts = [label.text() for label in self.labels]
        self.held = True

    def release(self) -> None:
        """The labels' sizes are the layout's again."""
        if not self.held:
            return
        self.held = False
        for label in self.labels:
            label.setMinimumSize(0, 0)
            label.setMaximumSize(_FREE, _FREE)

    def settle(self) -> None:
        """After new texts: release the labels if one of them needs other room than it is held at (a text seen
        fitting at the last look is not measured again)."""
        if not self.held:
            return
        texts = [label.text() for label in self.labels]
        if all(text == seen or _fits(label) for label, text, seen in zip(self.labels, texts, self._texts)):
            self._texts = texts
        else:
            self.release()


def _fits(label: QLabel) -> bool:
    """Whether ``label``'s text takes exactly its present height, and at most its width."""
    if label.hasHeightForWidth():  # word-wrapped: the height its text needs at its width
        return label.heightForWidth(label.width()) == label.height()
    hint = label.sizeHint()
    return hint.height() == label.height() and hint.width() <= label.width()
