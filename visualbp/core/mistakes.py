"""Which validation examples the network gets wrong: the predicted class is argmax_j a^L_j, as in
``Network.evaluate`` of the book, compared with the true label.

``mistakes(net, X, labels)`` gives the misclassified rows (index, true class, predicted class, the
output a^L of both) in the order of how sure the network is of its wrong answer, and a confusion
matrix (rows: true class, columns: predicted) over all rows; ``Mistakes.cell(true, predicted)`` lists
the rows of one cell of it — a kind of mistake, surest first, or on the diagonal the rows it gets
right, closest calls first. Computed in chunks of rows, so 10,000 MNIST images need no more memory
than one chunk's activations.

It leaves out: ties (argmax takes the first), and training rows (they change every minibatch).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from visualbp.core.network import Network

__all__ = ["Mistake", "Mistakes", "mistakes"]

_CHUNK = 2048  # rows fed forward at once


@dataclass(frozen=True)
class Mistake:
    """Validation row ``index``: label ``true`` but argmax a^L is ``predicted``."""

    index: int
    true: int
    predicted: int
    a_true: float  # a^L of the true class
    a_predicted: float  # a^L of the predicted class

    def __repr__(self) -> str:
        return f"Mistake(#{self.index}: true {self.true}, predicted {self.predicted}, a^L {self.a_predicted:.3f})"


@dataclass(frozen=True, eq=False)
class Mistakes:
    """The wrong rows (at most ``limit`` of them, surest first), how many there are, and the confusion matrix;
    per row, its label, predicted class, a^L of both and its margin (``cell`` reads them)."""

    wrong: tuple[Mistake, ...]
    n_wrong: int
    n_rows: int
    confusion: np.ndarray  # (n_classes, n_classes) int64: [true, predicted]
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    predicted: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    a_true: np.ndarray = field(default_factory=lambda: np.zeros(0))
    a_predicted: np.ndarray = field(default_factory=lambda: np.zeros(0))
    margin: np.ndarray = field(default_factory=lambda: np.zeros(0))  # wrong: a_pred − a_true; right: over the next

    @property
    def accuracy(self) -> float:
        return (self.n_rows - self.n_wrong) / self.n_rows if self.n_rows else float("nan")

    def cell(self, true: int, predicted: int, limit: int = 200) -> tuple[Mistake, ...]:
        """The rows of confusion cell [true, predicted] (at most ``limit``): off the diagonal the surest
        mistakes first; on it the rows classified right, the closest calls (smallest margin) first."""
        rows = np.nonzero((self.labels == true) & (self.predicted == predicted))[0]
        key = self.margin[rows] if true == predicted else -self.margin[rows]
        rows = rows[np.argsort(key, kind="stable")][:max(0, limit)]
        return tuple(Mistake(int(i), true, predicted, float(self.a_true[i]), float(self.a_predicted[i]))
                     for i in rows)


def mistakes(net: Network, X: np.ndarray, labels: np.ndarray, limit: int = 200) -> Mistakes:
    """The rows of ``X`` whose argmax a^L differs from ``labels``; the ``limit`` surest of them listed."""
    n_classes = net.sizes[-1]
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    y_all = np.asarray(labels, dtype=np.int64).ravel()
    p_all = np.zeros(len(X), dtype=np.int64)
    a_true, a_pred, margin = np.zeros(len(X)), np.zeros(len(X)), np.zeros(len(X))
    for k in range(0, len(X), _CHUNK):
        out = net.feedforward(np.asarray(X[k:k + _CHUNK], dtype=np.float64).T)  # (n_classes, rows)
        y = y_all[k:k + _CHUNK]
        cols = np.arange(len(y))
        p = np.argmax(out, axis=0)
        np.add.at(confusion, (y, p), 1)
        p_all[k:k + len(y)] = p
        a_true[k:k + len(y)] = out[y, cols]
        a_pred[k:k + len(y)] = out[p, cols]
        runner_up = np.sort(out, axis=0)[-2] if n_classes > 1 else out[0] * 0
        margin[k:k + len(y)] = np.where(p == y, out[p, cols] - runner_up, out[p, cols] - out[y, cols])
    wrong_rows = np.nonzero(p_all != y_all)[0]
    order = wrong_rows[np.argsort(-margin[wrong_rows], kind="stable")][:max(0, limit)]
    wrong = tuple(Mistake(int(i), int(y_all[i]), int(p_all[i]), float(a_true[i]), float(a_pred[i])) for i in order)
    return Mistakes(wrong, int(len(wrong_rows)), int(len(X)), confusion, y_all, p_all, a_true, a_pred, margin)
