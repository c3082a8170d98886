"""Which validation examples the network gets wrong: the predicted class is argmax_j a^L_j, as in
``Network.evaluate`` of the book, compared with the true label.

``mistakes(net, X, labels)`` gives the misclassified rows (index, true class, predicted class, the
output a^L of both) in the order of how sure the network is of its wrong answer, and a confusion
matrix (rows: true class, columns: predicted) over all rows. Computed in chunks of rows, so 10,000
MNIST images need no more memory than one chunk's activations.

It leaves out: ties (argmax takes the first), and training rows (they change every minibatch).
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Mistakes:
    """The wrong rows (at most ``limit`` of them, surest first), how many there are, and the confusion matrix."""

    wrong: tuple[Mistake, ...]
    n_wrong: int
    n_rows: int
    confusion: np.ndarray  # (n_classes, n_classes) int64: [true, predicted]

    @property
    def accuracy(self) -> float:
        return (self.n_rows - self.n_wrong) / self.n_rows if self.n_rows else float("nan")


def mistakes(net: Network, X: np.ndarray, labels: np.ndarray, limit: int = 200) -> Mistakes:
    """The rows of ``X`` whose argmax a^L differs from ``labels``; the ``limit`` surest of them listed."""
    n_classes = net.sizes[-1]
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    index, true, predicted, a_true, a_pred = [], [], [], [], []
    for k in range(0, len(X), _CHUNK):
        out = net.feedforward(np.asarray(X[k:k + _CHUNK], dtype=np.float64).T)  # (n_classes, rows)
        y = np.asarray(labels[k:k + _CHUNK], dtype=np.int64)
        p = np.argmax(out, axis=0)
        np.add.at(confusion, (y, p), 1)
        rows = np.nonzero(p != y)[0]
        index.append(rows + k)
        true.append(y[rows])
        predicted.append(p[rows])
        a_true.append(out[y[rows], rows])
        a_pred.append(out[p[rows], rows])
    if not index:
        return Mistakes((), 0, 0, confusion)
    rows_, true_, predicted_, a_true_, a_pred_ = (np.concatenate(v) for v in (index, true, predicted, a_true, a_pred))
    order = np.argsort(-(a_pred_ - a_true_), kind="stable")[:max(0, limit)]
    wrong = tuple(Mistake(int(rows_[i]), int(true_[i]), int(predicted_[i]), float(a_true_[i]), float(a_pred_[i]))
                  for i in order)
    return Mistakes(wrong, int(len(rows_)), int(len(X)), confusion)
