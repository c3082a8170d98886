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


def test_a_cell_of_the_confusion_matrix_lists_its_rows():
    data = load("digits", seed=0)
    net = Network([64, 10, 10], seed=3)
    found = mistakes(net, data.X_val, data.y_val)
    out = net.feedforward(data.X_val.T)
    predicted = out.argmax(axis=0)
    true, said = np.unravel_index(np.argmax(found.confusion - np.diag(np.diag(found.confusion))), (10, 10))
    cell = found.cell(int(true), int(said), limit=1000)
    assert len(cell) == found.confusion[true, said] > 0
    assert sorted(m.index for m in cell) == [i for i in range(data.n_val) if data.y_val[i] == true
                                             and predicted[i] == said]
    margins = [m.a_predicted - m.a_true for m in cell]
    assert margins == sorted(margins, reverse=True)  # surest mistakes first
    c = int(np.argmax(np.diag(found.confusion)))
    right = found.cell(c, c, limit=1000)
    assert len(right) == found.confusion[c, c] and all(m.true == m.predicted == c for m in right)
    close = [np.diff(np.sort(out[:, m.index])[-2:])[0] for m in right]
    assert close == sorted(close)  # on the diagonal, the closest calls first
    assert found.cell(int(true), int(said), limit=2) == cell[:2]
