"""A dataset example — its x and its y — made the next one the steps run (core.edits.draw_input with y): one
step of the history that ← undoes bit for bit, the following steps its feedforward and its δ, kept by a
session file; the loaded data set is never written."""

import numpy as np
import pytest

from visualbp.core import edits
from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.mistakes import mistakes
from visualbp.core.sessionio import SavedSession, load_session, save_session
from visualbp.core.steps import Kind


def _digits(stepped: int = 0):
    config = SessionConfig(dataset="digits", sizes=(64, 12, 10), mini_batch_size=5, seed=2)
    data = load_dataset(config)
    net, engine = build(config, data)
    for _ in range(stepped):
        engine.step()
    return config, data, net, engine


@pytest.mark.parametrize("stepped", [0, 7], ids=["at-a-minibatch-start", "mid-minibatch"])
def test_a_validation_mistake_is_stepped_forwards_and_backwards_and_undone(stepped):
    config, data, net, engine = _digits(stepped)
    wrong = mistakes(net, data.X_val, data.y_val).wrong[0]
    x, y = data.X_val[wrong.index], data.Y_val[wrong.index]
    X0, Y0, labels0 = engine.X.copy(), engine.Y.copy(), engine.labels.copy()
    data_Y0 = data.Y_train.copy()
    record = edits.draw_input(engine, x, f"validation example #{wrong.index}", y=y)
    assert record.sets_target and record.describe().startswith(
        f"edit: x, y of training example {record.row + 1} ← validation example #{wrong.index}")
    assert np.array_equal(engine.Y[record.row], y) and engine.labels[record.row] == wrong.true
    assert np.array_equal(data.Y_train, data_Y0)  # the data set's own targets are never written
    first = engine.step()
    assert first.kind is Kind.INPUT and np.array_equal(first["a"].ravel(), x) and np.array_equal(first["y"].ravel(), y)
    engine.finish_example()  # its feedforward, δ^L (BP1) and δ^l (BP2), and its gradients
    nabla_b, nabla_w = net.backprop(x, y)
    for l in (2, 3):  # δ^l of this example is ∂C_x/∂b^l (BP3)
        assert np.allclose(engine.current("delta", l), nabla_b[l - 2], rtol=0, atol=1e-12)
    assert np.argmax(engine.current("a", 3)) == wrong.predicted != wrong.true  # still wrong, before the update
    while engine.last_record is not record:
        engine.back()
    engine.back()  # the edit itself
    assert np.array_equal(engine.X, X0) and np.array_equal(engine.Y, Y0) and np.array_equal(engine.labels, labels0)
    assert edits.input_edits(engine) == [] and edits.target_edits(engine) == []


def test_the_chosen_example_is_kept_by_a_session_file(tmp_path):
    config, data, net, engine = _digits()
    x, y = data.X_val[3], data.Y_val[3]
    record = edits.draw_input(engine, x, "validation example #3", y=y)
    extra = edits.saved_extra({}, engine)
    assert [e[:2] for e in extra["target_edits"]] == [[record.row, j] for j in range(10)
                                                      if y[j] != data.Y_train[record.row, j]]
    path = tmp_path / "s.vbp"
    w, b = engine.batch_start_parameters()
    save_session(path, SavedSession(config, w, b, *engine.initial_parameters, extra=extra))
    _, again = build(config, load_dataset(config))
    edits.take_saved_inputs(again, load_session(path).extra, path)
    assert np.array_equal(again.X[record.row], x) and np.array_equal(again.Y[record.row], y)
    assert again.labels[record.row] == int(np.argmax(y))
    with pytest.raises(ValueError, match=r"target_edits\[0\]: y_11 of training example 1 does not exist"):
        edits.apply_input_edits(again, None, [[0, 10, 1.0]])
    with pytest.raises(ValueError, match=r"a target y must have 10 values"):
        edits.draw_input(engine, x, y=np.ones(3))
