"""The step engine: the book's order of records, exact back-stepping, equality with update_mini_batch."""

import numpy as np
import pytest

from visualbp.core import Network
from visualbp.core.engine import Engine, epoch_permutation
from visualbp.core.steps import Equation, Kind


def data(n=25, n_in=4, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, n_in)), np.eye(n_out)[rng.integers(0, n_out, n)]


def make(sizes=(4, 5, 5, 3), m=10, eta=0.5, n=25, **net_kw):
    X, Y = data(n, sizes[0], sizes[-1])
    net = Network(list(sizes), seed=3, **net_kw)
    return Engine(net, X, Y, mini_batch_size=m, eta=eta, X_val=X[:5], Y_val=Y[:5]), X, Y


def snapshot(engine):
    return [w.copy() for w in engine.net.weights] + [b.copy() for b in engine.net.biases]


def same(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))


def test_records_follow_the_books_pseudocode():
    engine, _, _ = make(m=2)
    ops = [(r.kind, r.l, r.example) for r in (engine.step() for _ in range(2 * 13 + 3))]
    one = [(Kind.INPUT, 1), (Kind.FEEDFORWARD, 2), (Kind.FEEDFORWARD, 3), (Kind.FEEDFORWARD, 4),
           (Kind.OUTPUT_ERROR, 4), (Kind.BACKPROP_ERROR, 3), (Kind.BACKPROP_ERROR, 2),
           (Kind.GRADIENT_B, 4), (Kind.GRADIENT_W, 4), (Kind.GRADIENT_B, 3), (Kind.GRADIENT_W, 3),
           (Kind.GRADIENT_B, 2), (Kind.GRADIENT_W, 2)]
    expected = [(k, l, x) for x in (0, 1) for k, l in one] + [(Kind.UPDATE, l, None) for l in (2, 3, 4)]
    assert ops == expected[:len(ops)]
    assert engine.at_batch_start and engine.batch == 1


def test_each_record_names_its_equation_and_is_read_only():
    engine, _, _ = make(m=1)
    records = [engine.step() for _ in range(16)]
    eqs = {r.kind: r.equation for r in records}
    assert eqs[Kind.OUTPUT_ERROR] is Equation.BP1 and eqs[Kind.BACKPROP_ERROR] is Equation.BP2
    assert eqs[Kind.GRADIENT_B] is Equation.BP3 and eqs[Kind.GRADIENT_W] is Equation.BP4
    assert eqs[Kind.UPDATE] is Equation.UPDATE and eqs[Kind.FEEDFORWARD] is Equation.FEEDFORWARD
    for r in records:
        for a in r.arrays.values():
            with pytest.raises(ValueError):
                a[...] = 0
        with pytest.raises(TypeError):
            r.arrays["x"] = np.zeros(1)


def test_record_numbers_are_the_books_equations():
    engine, X, Y = make(m=3)
    records = {}
    while not (records and engine.at_batch_start):
        r = engine.step()
        if r.example in (0, None):
            records.setdefault((r.kind, r.l), r)
    x, y = records[(Kind.INPUT, 1)]["a"], records[(Kind.INPUT, 1)]["y"]
    row = epoch_permutation(engine.seed, 0, len(X))[0]
    assert np.array_equal(x[:, 0], X[row]) and np.array_equal(y[:, 0], Y[row])
    nabla_b, nabla_w = Network.backprop(_initial(engine), x, y)
    for l in (2, 3, 4):
        np.testing.assert_allclose(records[(Kind.GRADIENT_B, l)]["nabla_b"], nabla_b[l - 2], atol=1e-14)
        np.testing.assert_allclose(records[(Kind.GRADIENT_W, l)]["nabla_w"], nabla_w[l - 2], atol=1e-14)
    bp2 = records[(Kind.BACKPROP_ERROR, 2)]
    np.testing.assert_array_equal(bp2["delta"], bp2["wtd"] * bp2["sp"])


def _initial(engine):
    net = engine.net.copy()
    net.weights, net.biases = engine.initial_parameters
    return net


@pytest.mark.parametrize("lmbda", [0.0, 3.0])
@pytest.mark.parametrize("cost,activation",
                         [("quadratic", "sigmoid"), ("cross-entropy", "tanh"), ("quadratic", "relu")])
def test_stepping_a_minibatch_equals_update_mini_batch(lmbda, cost, activation):
    engine, X, Y = make(m=7, lmbda=lmbda, cost=cost, activation=activation)
    reference = engine.net.copy()
    rows = epoch_permutation(engine.seed, 0, len(X))[:7]
    batch = [(X[r].reshape(-1, 1), Y[r].reshape(-1, 1)) for r in rows]
    reference.update_mini_batch(batch, 0.5, n=len(X))
    engine.step()
    while not engine.at_batch_start:
        engine.step()
    assert same(engine.net.weights, reference.weights) is False or True  # may be bitwise, must be close:
    for a, b in zip(engine.net.weights + engine.net.biases, reference.weights + reference.biases):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert not np.allclose(engine.net.weights[0], engine.initial_parameters[0][0])


def test_fast_batch_equals_stepped_batch():
    stepped, _, _ = make(m=10)
    fast, _, _ = make(m=10)
    for _ in range(3):  # three minibatches: the last epoch's remainder is size 5
        stepped.step()
        while not stepped.at_batch_start:
            stepped.step()
        fast.finish_batch()
    assert fast.epoch == stepped.epoch == 1
    for a, b in zip(fast.net.weights, stepped.net.weights):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_back_after_every_kind_of_record_restores_the_exact_state():
    engine, _, _ = make(m=2)
    engine.finish_batch()  # a BATCH record too
    states = [(snapshot(engine), engine._state)]
    kinds = set()
    for _ in range(30):
        r = engine.step()
        kinds.add(r.kind)
        states.append((snapshot(engine), engine._state))
    assert kinds == set(Kind) - {Kind.BATCH, Kind.EDIT}  # edits by hand: tests/core/test_edits.py
    for _ in range(30):
        states.pop()
        engine.back()
        weights, state = states[-1]
        assert same(snapshot(engine), weights)
        assert engine._state == state or engine._state is state
    engine.back()  # undo the BATCH record
    assert same(engine.net.weights, engine.initial_parameters[0]) and engine.step_index == 0
    assert engine.back() is None


def test_step_after_back_gives_the_same_record_bit_for_bit():
    engine, _, _ = make(m=3)
    first = [engine.step() for _ in range(20)]
    for _ in range(20):
        engine.back()
    again = [engine.step() for _ in range(20)]
    for a, b in zip(first, again):
        assert (a.kind, a.l, a.example) == (b.kind, b.l, b.example)
        assert all(np.array_equal(a[k], b[k]) for k in a.arrays)


def test_history_is_bounded_by_steps_and_bytes():
    engine, _, _ = make(m=5)
    engine.history_steps = 10
    for _ in range(40):
        engine.step()
    assert engine.history_length == 10
    engine2, _, _ = make(m=5, sizes=(4, 50, 3))
    engine2.history_bytes = 20_000
    for _ in range(200):
        engine2.step()
    assert engine2._history_nbytes <= 20_000 and 0 < engine2.history_length < 200


def test_coarse_moves():
    engine, _, _ = make(m=10, n=25)
    r = engine.finish_example()
    assert r.kind is Kind.GRADIENT_W and r.l == 2 and r.example == 0
    r = engine.finish_batch()
    assert r.kind is Kind.UPDATE and engine.at_batch_start and engine.batch == 1
    assert engine.run_batches(2) == 2 and engine.epoch == 1
    engine.run_epochs(2)
    assert engine.epoch == 3 and engine.batch == 0


def test_events_report_batches_and_epochs():
    engine, _, _ = make(m=10, n=25)
    steps, batches, epochs = [], [], []
    engine.step_taken.connect(steps.append)
    engine.batch_done.connect(batches.extend)  # a BatchBlock per block: here one per epoch
    engine.epoch_done.connect(epochs.append)
    engine.run_epochs(2)
    # every minibatch reported; a block's step record is its last minibatch's
    assert len(batches) == 6 and len(epochs) == 2 and [s.index for s in steps] == [2, 5]
    assert [(s.epoch, s.batch, s.step) for s in batches] == [(e, b, 3 * e + b) for e in (0, 1) for b in range(3)]
    assert [s.end for s in batches] == [e + min(25, 10 * (b + 1)) / 25 for e in (0, 1) for b in range(3)]
    b = batches[0]
    assert len(b.delta_norms) == 3 and all(v > 0 for v in b.delta_norms) and b.cost > 0
    e = epochs[-1]
    assert e.epoch == 1 and 0 <= e.train_accuracy <= 1 and np.isfinite(e.val_cost)
    # stepping a minibatch record by record reports the same norms as taking it at once
    stepped, _, _ = make(m=10, n=25)
    got = []
    stepped.batch_done.connect(got.extend)
    stepped.step()
    while not stepped.at_batch_start:
        stepped.step()
    np.testing.assert_allclose(got[0].delta_norms, b.delta_norms, rtol=1e-12)
    np.testing.assert_allclose(got[0].cost, b.cost, rtol=1e-12)


def test_training_is_deterministic_for_a_seed():
    a, _, _ = make()
    b, _, _ = make()
    a.run_epochs(3)
    b.run_epochs(3)
    assert same(a.net.weights, b.net.weights)


def test_divergence_pauses_and_back_returns_to_the_last_finite_state():
    engine, _, _ = make(m=5, eta=3.0)
    engine.run_batches(2)
    good = snapshot(engine)
    w = np.array(engine.net.weights[0])
    w[:, 0], w[:, 1] = np.inf, -np.inf  # z^2 = inf − inf = NaN from here on
    engine.net.weights[0] = w
    found = []
    engine.diverged.connect(found.append)
    engine.run_epochs(5)
    assert engine.divergence is not None and found and "non-finite" in str(found[0])
    stopped_at = engine.step_index
    assert engine.run_batches(3) == 0 and engine.step_index == stopped_at
    engine.back()
    assert same(snapshot(engine)[1:], good[1:]) and np.array_equal(engine.net.weights[0], w)
    assert engine.divergence is None


def test_reset_restores_the_initial_weights():
    engine, _, _ = make()
    initial = snapshot(engine)
    engine.run_epochs(2)
    engine.reset()
    assert same(snapshot(engine), initial) and engine.epoch == 0 and not engine.can_step_back


def test_engine_refuses_mismatched_data_and_bad_settings():
    X, Y = data(10, 4, 3)
    with pytest.raises(ValueError, match="expects 5"):
        Engine(Network([5, 3], seed=0), X, Y)
    engine = Engine(Network([4, 3], seed=0), X, Y)
    with pytest.raises(ValueError, match="η"):
        engine.eta = float("nan")
    with pytest.raises(ValueError, match="minibatch size"):
        engine.mini_batch_size = 0


def test_back_stays_exact_after_the_history_forgot_the_start_of_its_chain():
    engine, _, _ = make(m=5, n=25)
    engine.history_steps = 4  # forces the history to forget the passes its checkpoint started with
    seen = []
    for _ in range(12):
        seen.append(snapshot(engine))
        engine.finish_batch()
    for expected in reversed(seen[-4:]):
        engine.back()
        assert same(snapshot(engine), expected)
    assert engine.back() is None
    # stepping records after fast batches never changes what the history holds
    engine.finish_batch()
    kept = snapshot(engine)
    engine.step()
    engine.back()
    assert same(snapshot(engine), kept)


def test_a_fast_batch_never_writes_into_arrays_a_record_holds():
    engine, _, _ = make(m=3)
    while True:
        r = engine.step()
        if engine.at_batch_start:
            break
    update = r  # the last UPDATE record holds the new weights of its layer
    held = np.array(update["w"])
    engine.run_batches(5)
    assert np.array_equal(update["w"], held)


def _gradient(engine):
    g = engine.last_gradient
    return None if g is None else [a.copy() for a in g[0] + g[1]]


@pytest.mark.parametrize("fast", [False, True])
def test_back_restores_the_last_minibatch_gradient(fast):
    """After ← past the update that finished a minibatch, last_gradient is the previous minibatch's again
    (exact for a stepped minibatch, to rounding for a whole-minibatch pass), and None before the first."""
    engine, _, _ = make(m=5)
    seen = [_gradient(engine)]
    for _ in range(3):
        if fast:
            engine.finish_batch()
        else:
            engine.step()
            while not engine.at_batch_start:
                engine.step()
        seen.append(_gradient(engine))
    assert all(g is not None for g in seen[1:]) and not same(seen[1], seen[2])
    engine.step()  # into the next minibatch: the gradient is still the last finished one's
    assert same(_gradient(engine), seen[-1])
    engine.back()
    assert same(_gradient(engine), seen[-1])
    for expected in reversed(seen[:-1]):
        engine.back()
        while not engine.at_batch_start:  # a stepped minibatch: undo its records one by one
            got = _gradient(engine)
            assert got is expected is None or same(got, expected)
            engine.back()
        got = _gradient(engine)
        if expected is None:
            assert got is None
        elif fast:
            for a, b in zip(got, expected):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
        else:
            assert same(got, expected)
