"""The engine's weights version (views compare it, never array identities) and the in-place fast path."""

import numpy as np
import pytest

from visualbp.core import Network
from visualbp.core.engine import Engine
from visualbp.core.steps import Kind


def make(sizes=(4, 5, 3), m=5, n=25, eta=0.5):
    rng = np.random.default_rng(0)
    X, Y = rng.random((n, sizes[0])), np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    return Engine(Network(list(sizes), seed=3), X, Y, mini_batch_size=m, eta=eta)


def params(engine):
    return engine.net.weights + engine.net.biases


def test_the_fast_path_updates_its_own_arrays_in_place():
    engine = make()
    engine.finish_batch()  # the first pass copies the arrays it was handed once
    owned = params(engine)
    before = [a.copy() for a in owned]
    for _ in range(3):
        engine.finish_batch()
        now = params(engine)
        assert all(a is b for a, b in zip(now, owned))  # the same arrays, written in place
    assert all(not np.array_equal(a, b) for a, b in zip(owned, before))  # and they did change
    # a record step puts new arrays in the network: the next pass copies them once, then reuses again
    while not engine.at_batch_start or engine.last_record.kind is Kind.BATCH:
        engine.step()
    engine.finish_batch()
    owned = params(engine)
    engine.finish_batch()
    assert all(a is b for a, b in zip(params(engine), owned))


def test_the_fast_path_never_writes_into_the_initial_weights_and_back_restores_after_it():
    engine = make()
    initial = [a.copy() for a in params(engine)]
    engine.run_batches(4)
    w0, b0 = engine.initial_parameters
    assert all(np.array_equal(a, b) for a, b in zip(w0 + b0, initial))
    engine.back()
    restored = [a.copy() for a in params(engine)]
    engine.finish_batch()
    engine.back()  # what back restored is redone from the history, never read from arrays the pass wrote
    assert all(np.array_equal(a, b) for a, b in zip(params(engine), restored))


def test_in_place_batches_equal_stepped_batches():
    fast, stepped = make(), make()
    for _ in range(4):
        fast.finish_batch()
        while True:
            stepped.step()
            if stepped.at_batch_start:
                break
    for a, b in zip(params(fast), params(stepped)):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_the_version_grows_with_every_change_of_the_weights_and_only_then():
    engine = make(m=2)
    seen = [engine.weights_version]

    def changed() -> bool:
        seen.append(engine.weights_version)
        return seen[-1] > seen[-2]

    engine.step()  # a^1 = x: no weight changes
    assert not changed()
    while engine.next_op[0] is not Kind.UPDATE:
        engine.step()
    assert not changed()
    engine.step()  # the update of layer 2
    assert changed()
    engine.back()  # ← over an update
    assert changed()
    engine.back()  # ← over a record that changed no weight
    assert not changed()
    engine.reset()
    assert changed()
    engine.finish_batch()  # a whole minibatch in place
    assert changed()
    engine.finish_batch()
    assert changed()
    engine.back()
    assert changed()
    engine.restore(0, 0, 0, 0)  # after a load
    assert changed()
    engine.load_parameters([w * 2 for w in engine.net.weights], list(engine.net.biases))
    assert changed()
    with pytest.raises(ValueError, match="shapes"):
        engine.load_parameters(engine.net.weights[:1], engine.net.biases)
    assert not changed()


def test_a_whole_minibatch_record_names_its_rows_and_the_last_examples_output():
    engine = make()
    before = [w.copy() for w in engine.net.weights], [b.copy() for b in engine.net.biases]
    record = engine.finish_batch()
    rows = record["rows"]
    assert len(rows) == record.batch_size == 5 and len(set(rows.tolist())) == 5
    net = Network([4, 5, 3], seed=3)
    net.weights, net.biases = before
    np.testing.assert_allclose(record["a_last"], net.feedforward(engine.X[rows[-1]].reshape(-1, 1)), atol=1e-12)
