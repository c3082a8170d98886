"""Edits by hand (core/edits.py): typed values, each a step of the history that ← undoes bit for bit, and a
textbook example typed into a blank network reproducing its hand-worked numbers."""

import math

import numpy as np
import pytest

from visualbp.core import edits, limits
from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.engine import Engine
from visualbp.core.network import Network
from visualbp.core.sessionio import SavedSession, load_session, save_session
from visualbp.core.steps import Kind


def _engine(sizes=(2, 3, 2), m=4, init="standard") -> Engine:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((10, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 10)]
    return Engine(Network(list(sizes), init=init, seed=3), X, Y, mini_batch_size=m, eta=0.7)


def _state(engine: Engine) -> tuple:
    """Everything a view reads: parameters, data, position and the current example's numbers."""
    L = engine.net.num_layers
    current = [engine.current(name, l) for name in ("z", "a", "delta", "sum_w") for l in range(1, L + 1)]
    return ([w.copy() for w in engine.net.weights], [b.copy() for b in engine.net.biases], engine.X.copy(),
            engine.step_index, engine.position, engine.next_op,
            [None if c is None else c.copy() for c in current], engine.last_record)


def _same(s1: tuple, s2: tuple) -> bool:
    def eq(a, b):
        if isinstance(a, np.ndarray):
            return isinstance(b, np.ndarray) and a.shape == b.shape and a.tobytes() == b.tobytes()
        if isinstance(a, list):
            return len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b))
        return a is b if a is None or hasattr(a, "arrays") else a == b
    return all(eq(a, b) for a, b in zip(s1, s2))


@pytest.mark.parametrize("text, value", [("1/2", 0.5), ("−3/4", -0.75), ("-0.25", -0.25), (".5", 0.5),
                                         ("3e-2", 0.03), ("1/3", 1 / 3), (" 1 / 8 ", 0.125), ("-1.5/2", -0.75)])
def test_typed_values_are_parsed_exactly(text, value):
    assert limits.parse_typed_value(text) == value


@pytest.mark.parametrize("text, message", [("abc", "is not a number"), ("1/0", "divides by zero"),
                                           ("2e7", "outside"), ("inf", "is not a number"),
                                           ("nan", "is not a number"), ("1/-2", "sign in front"), ("", "empty"),
                                           ("1/2/3", "is not a number"), ("0x10", "is not a number")])
def test_bad_values_are_refused_with_one_message_and_nothing_changes(text, message):
    engine = _engine()
    before = _state(engine)
    with pytest.raises(ValueError, match=message):
        edits.edit(engine, "w", 2, 0, 1, text)
    assert _same(_state(engine), before) and engine.history_length == 0


def test_an_edit_that_does_not_exist_is_named():
    engine = _engine()
    with pytest.raises(ValueError, match=r"w\^2_41 does not exist: layer 2 has 3 neurons"):
        edits.edit(engine, "w", 2, 3, 0, "1")
    with pytest.raises(ValueError, match="layer 1 has no biases"):
        edits.edit(engine, "b", 1, 0, 0, "1")
    with pytest.raises(ValueError, match="x_3 does not exist"):
        edits.edit(engine, "x", 1, 0, 2, "1")


@pytest.mark.parametrize("target, l, j, k", [("w", 3, 1, 2), ("b", 2, 2, 0), ("x", 1, 0, 1)])
def test_an_edit_mid_minibatch_then_back_restores_everything_bit_for_bit(target, l, j, k):
    engine = _engine()
    for _ in range(13):  # into the second example of the minibatch
        engine.step()
    before, before_row = _state(engine), engine.current_example_index()
    record = edits.edit(engine, target, l, j, k, "1/2")
    assert record.kind is Kind.EDIT and record.index == before[3] and engine.step_index == before[3] + 1
    if target == "x":  # the example that was being stepped, which the restarted minibatch takes again
        assert record.row == before_row and engine.X[before_row, k] == 0.5
    else:
        assert edits.current_value(engine, target, l, j, k) == 0.5
    assert engine.at_batch_start and engine.current("a", 1) is None  # the minibatch starts again
    assert engine.last_record is record
    assert engine.back() is record
    assert _same(_state(engine), before)
    # and stepping on gives what it gave before the edit
    again = engine.step()
    assert again.kind is before[5][0] and again.l == before[5][1]


def test_a_minibatch_after_an_edit_is_computed_from_the_edited_network():
    engine = _engine(m=3)
    engine.step()
    engine.step()
    edits.edit(engine, "w", 2, 1, 0, "-1/4")
    weights = [w.copy() for w in engine.net.weights]
    biases = [b.copy() for b in engine.net.biases]
    engine.finish_batch()  # a whole minibatch in one matrix pass, from the edited weights
    reference = Network([2, 3, 2], seed=3)
    reference.weights, reference.biases = weights, biases
    rows = edits.epoch_permutation(engine.seed, 0, 10)[:3]
    _, nw = reference.backprop_batch(engine.X[rows].T, engine.Y[rows].T)
    np.testing.assert_allclose(engine.net.weights[0], weights[0] - 0.7 * nw[0], rtol=0, atol=1e-12)
    assert engine.back().kind is Kind.BATCH
    assert engine.back().kind is Kind.EDIT
    assert engine.net.weights[0][1, 0] != -0.25


def test_edits_at_a_minibatch_start_keep_the_position_and_count_as_steps():
    engine = _engine()
    edits.edit(engine, "b", 3, 0, 0, "2")
    edits.edit(engine, "w", 3, 0, 0, "3")
    assert engine.position == (0, 0, 0, 2) and engine.history_length == 2
    assert "edit: w^3_11 ← 3 (was" in engine.last_record.describe()
    engine.back()
    engine.back()
    assert engine.step_index == 0 and not engine.can_step_back


def test_an_input_edit_changes_the_example_being_stepped_or_else_the_next_one():
    engine = _engine()
    row = edits.input_row(engine)
    assert row == int(edits.epoch_permutation(engine.seed, 0, 10)[0])  # between minibatches: the next one
    record = edits.edit(engine, "x", 1, 0, 1, "0.25")
    assert record.row == row and engine.X[row, 1] == 0.25
    engine.step()  # a^1 = x shows the typed value
    assert engine.current("a", 1)[1, 0] == 0.25
    assert edits.input_edits(engine) == [[row, 1, 0.25]]
    engine.back()
    engine.back()
    assert edits.input_edits(engine) == []


def test_the_loaded_data_is_never_written():
    config = SessionConfig(dataset="xor", sizes=(2, 2, 2))
    dataset = load_dataset(config)
    _, engine = build(config, dataset)
    original = dataset.X_train.copy()
    edits.edit(engine, "x", 1, 0, 0, "7")
    assert dataset.X_train.tobytes() == original.tobytes() and engine.X is not dataset.X_train


def test_input_edits_round_trip_through_a_session_file(tmp_path):
    config = SessionConfig(dataset="xor", sizes=(2, 2, 2), init="blank")
    dataset = load_dataset(config)
    net, engine = build(config, dataset)
    assert all(not w.any() for w in net.weights + net.biases)
    edits.edit(engine, "w", 3, 1, 0, "1/2")
    edits.edit(engine, "x", 1, 0, 0, "-3/4")
    path = tmp_path / "s.vbp"
    w0, b0 = engine.initial_parameters
    save_session(path, SavedSession(config, *engine.batch_start_parameters(), w0, b0,
                                    extra={"input_edits": edits.input_edits(engine)}))
    saved = load_session(path)
    _, engine2 = build(saved.config, load_dataset(saved.config))
    edits.apply_input_edits(engine2, saved.extra["input_edits"])
    assert saved.weights[1][1, 0] == 0.5
    assert engine2.X.tobytes() == engine.X.tobytes()
    with pytest.raises(ValueError, match=r"input_edits\[0\].*does not exist"):
        edits.apply_input_edits(engine2, [[10_000, 0, 1.0]])


def _sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_a_textbook_example_typed_into_a_blank_network_gives_the_hand_worked_numbers():
    """The classic 2-2-2 example worked by hand (M. Mazur, "A step by step backpropagation example", 2015):
    x = (0.05, 0.10), y = (0.01, 0.99), w^2 = [[.15, .20], [.25, .30]], b^2 = .35, w^3 = [[.40, .45], [.50, .55]],
    b^3 = .60, quadratic cost, η = 0.5, every value typed (fractions where they are natural)."""
    net = Network([2, 2, 2], init="blank", seed=0)
    engine = Engine(net, np.array([[0.3, 0.7]]), np.array([[0.01, 0.99]]), mini_batch_size=1, eta=0.5)
    typed = {(2, 0, 0): "3/20", (2, 0, 1): "1/5", (2, 1, 0): "1/4", (2, 1, 1): "0.30",
             (3, 0, 0): "2/5", (3, 0, 1): "0.45", (3, 1, 0): "1/2", (3, 1, 1): "0.55"}
    for (l, j, k), text in typed.items():
        edits.edit(engine, "w", l, j, k, text)
    for j in range(2):
        edits.edit(engine, "b", 2, j, 0, "0.35")
        edits.edit(engine, "b", 3, j, 0, "3/5")
    edits.edit(engine, "x", 1, 0, 0, "1/20")
    edits.edit(engine, "x", 1, 0, 1, "0.10")
    costs = []
    engine.step_taken.connect(lambda r: costs.extend([float(r["cost"])] if "cost" in r.arrays else []))
    engine.finish_example()  # feedforward, BP1, BP2, BP3, BP4

    # by hand, in scalars
    x1, x2, y1, y2 = 0.05, 0.10, 0.01, 0.99
    zh = [0.15 * x1 + 0.20 * x2 + 0.35, 0.25 * x1 + 0.30 * x2 + 0.35]
    ah = [_sigma(z) for z in zh]
    zo = [0.40 * ah[0] + 0.45 * ah[1] + 0.60, 0.50 * ah[0] + 0.55 * ah[1] + 0.60]
    ao = [_sigma(z) for z in zo]
    do = [(ao[0] - y1) * ao[0] * (1 - ao[0]), (ao[1] - y2) * ao[1] * (1 - ao[1])]  # BP1
    dh = [(0.40 * do[0] + 0.50 * do[1]) * ah[0] * (1 - ah[0]),  # BP2
          (0.45 * do[0] + 0.55 * do[1]) * ah[1] * (1 - ah[1])]
    for name, l, want in (("z", 2, zh), ("a", 2, ah), ("z", 3, zo), ("a", 3, ao), ("delta", 3, do),
                          ("delta", 2, dh)):
        np.testing.assert_allclose(engine.current(name, l).ravel(), want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(engine.current("nabla_w", 3), np.outer(do, ah), rtol=0, atol=1e-12)
    # the published (rounded) numbers: out_h1, out_o1, out_o2, E_total
    assert abs(ah[0] - 0.593269992) < 1e-9 and abs(ao[0] - 0.75136507) < 1e-8 and abs(ao[1] - 0.772928465) < 1e-9
    cost = 0.5 * ((ao[0] - y1) ** 2 + (ao[1] - y2) ** 2)
    assert abs(costs[0] - cost) < 1e-12 and abs(cost - 0.298371109) < 1e-9
    engine.finish_batch()  # the update; the published w5 … w8 and w1 … w4 after it
    np.testing.assert_allclose(engine.net.weights[1], [[0.35891648, 0.408666186], [0.511301270, 0.561370121]],
                               atol=1e-9)
    np.testing.assert_allclose(engine.net.weights[0], [[0.149780716, 0.19956143], [0.24975114, 0.29950229]],
                               atol=1e-8)


def test_before_the_first_update_a_typed_weight_is_part_of_the_network_reset_returns_to():
    engine = _engine(init="blank")
    edits.edit(engine, "w", 2, 0, 1, "1/2")
    engine.step()
    edits.edit(engine, "b", 3, 1, 0, "-2")  # mid-minibatch, still before the first update
    assert engine.initial_parameters[0][0][0, 1] == 0.5 and engine.initial_parameters[1][1][1, 0] == -2
    engine.finish_batch()
    edits.edit(engine, "w", 2, 0, 0, "3")  # after an update: the start stays as it was
    assert engine.initial_parameters[0][0][0, 0] == 0
    engine.reset()
    assert engine.net.weights[0][0, 1] == 0.5 and engine.net.biases[1][1, 0] == -2
    assert engine.net.weights[0][0, 0] == 0
    fresh = _engine(init="blank")
    edits.edit(fresh, "w", 2, 0, 1, "1/2")
    fresh.back()  # ← takes it out of the start too
    fresh.reset()
    assert not fresh.net.weights[0].any() and not fresh.initial_parameters[0][0].any()


def test_a_blank_network_from_the_command_line():
    from visualbp.app import build_parser, config_from_args

    config = config_from_args(build_parser().parse_args(["--dataset", "xor", "--layers", "2,2,2", "--init", "blank"]))
    net, _ = build(config, load_dataset(config))
    assert config.init == "blank" and not any(a.any() for a in net.weights + net.biases)


@pytest.mark.parametrize("stepped", [0, 3], ids=["at-a-minibatch-start", "mid-minibatch"])
def test_edits_between_whole_minibatches_step_back_exactly_across_the_replay(stepped):
    """Whole minibatches update [w|b] in place and ← redoes them from a checkpoint: an edit between them (of a
    weight, or of an input the redone minibatches read) must neither be lost nor leak into a redo."""
    engine = _engine(sizes=(2, 4, 3), m=2)
    X0 = engine.X.copy()
    states = [_state(engine)]

    def moved(action) -> None:
        action()
        states.append(_state(engine))

    for _ in range(2):
        moved(engine.finish_batch)  # whole minibatches, in place
    for _ in range(stepped):
        moved(engine.step)  # records that keep the in-place arrays; the edit then restarts the minibatch
    moved(lambda: edits.edit(engine, "x", 1, 0, 1, "7/2"))  # x_2 of the next example
    for _ in range(3):
        moved(engine.finish_batch)  # the same chain would redo these from before the edit
    moved(lambda: edits.edit(engine, "w", 2, 1, 0, "-1/4"))
    for _ in range(2):
        moved(engine.finish_batch)
    assert engine.X[:, 1].max() == 3.5 and not np.array_equal(engine.X, X0)
    while len(states) > 1:
        states.pop()
        assert engine.back() is not None
        assert _same(_state(engine)[:3], states[-1][:3]), f"{len(states) - 1} moves from the start"
    assert np.array_equal(engine.X, X0)  # every typed input put back
    for _ in range(7):  # and forwards again
        engine.finish_batch()


@pytest.mark.parametrize("stepped", [0, 5], ids=["at-a-minibatch-start", "mid-minibatch"])
def test_a_drawn_input_is_the_next_examples_x_and_back_undoes_it(stepped):
    engine = _engine(sizes=(4, 3, 2), m=3)
    X0 = engine.X.copy()
    for _ in range(stepped):
        engine.step()
    drawing = np.array([0.0, 0.25, 1.0, 0.5])
    record = edits.draw_input(engine, drawing)
    assert record.kind is Kind.EDIT and record.describe().startswith("edit: x of training example")
    first = engine.step()  # the minibatch starts again at its first example: the drawing
    assert first.kind is Kind.INPUT and np.array_equal(first["a"].ravel(), drawing)
    assert np.array_equal(engine.X[record.row], drawing) and edits.input_edits(engine)
    engine.back()
    engine.back()
    assert np.array_equal(engine.X, X0) and edits.input_edits(engine) == []
    with pytest.raises(ValueError, match="must have 4 values"):
        edits.draw_input(engine, np.zeros(5))
    with pytest.raises(ValueError, match="finite"):
        edits.draw_input(engine, [0.0, np.nan, 0.0, 0.0])
