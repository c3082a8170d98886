"""The misclassified validation rows and the confusion matrix, against a direct per-row computation."""

import numpy as np

from visualbp.core.datasets import load
from visualbp.core.mistakes import mistakes
from visualbp.core.network import Network


def test_mistakes_match_row_by_row_feedforward():
    data = load("digits", seed=0)
    net = Network([64, 10, 10], seed=3)
    found = mistakes(net, data.X_val, data.y_val, limit=1000)
    expected = []
    for i, (x, y) in enumerate(zip(data.X_val, data.y_val)):
        a = net.feedforward(x.reshape(-1, 1)).ravel()
        if int(np.argmax(a)) != y:
            expected.append((i, int(y), int(np.argmax(a))))
    assert sorted((m.index, m.true, m.predicted) for m in found.wrong) == expected
    assert found.n_wrong == len(expected) and found.n_rows == data.n_val
    assert found.confusion.sum() == data.n_val and np.trace(found.confusion) == data.n_val - len(expected)
    assert np.isclose(found.accuracy, net.accuracy_arrays(data.X_val, data.y_val))
    margins = [m.a_predicted - m.a_true for m in found.wrong]
    assert margins == sorted(margins, reverse=True) and all(d >= 0 for d in margins)


def test_the_limit_keeps_the_surest_and_counts_all():
    data = load("digits", seed=0)
    net = Network([64, 10, 10], seed=3)
    everything = mistakes(net, data.X_val, data.y_val, limit=1000)
    top = mistakes(net, data.X_val, data.y_val, limit=5)
    assert top.wrong == everything.wrong[:5] and top.n_wrong == everything.n_wrong
