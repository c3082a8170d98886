"""Whole minibatches in blocks: the same weights, records, gradients and stops as one minibatch at a time."""

import numpy as np
import pytest

from visualbp.core import Network, wholebatch
from visualbp.core.batch_block import BatchBlock
from visualbp.core.engine import Engine
from visualbp.core.steps import BatchStats


def data(n=60, n_in=4, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, n_in)), np.eye(n_out)[rng.integers(0, n_out, n)]


def make(m=5, eta=0.7, block=wholebatch.BLOCK_BATCHES, **net_kw):
    X, Y = data()
    engine = Engine(Network([4, 6, 5, 3], seed=3, **net_kw), X, Y, mini_batch_size=m, eta=eta)
    engine.batches_per_block = block
    return engine


def params(engine):
    return [a.copy() for a in engine.net.weights + engine.net.biases]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b))


def gradient(engine):
    g = engine.last_gradient
    return None if g is None else [a.copy() for a in g[0] + g[1]]


@pytest.mark.parametrize("replay_work", [None, 3.0])  # the default, or a checkpoint for every block
def test_a_block_and_back_through_it_match_one_minibatch_at_a_time(replay_work, monkeypatch):
    if replay_work is not None:
        monkeypatch.setattr(wholebatch, "REPLAY_WORK", replay_work)
    one = make(block=1, lmbda=0.5)
    seen, grads, records = [params(one)], [None], [None]
    for _ in range(30):  # 12 minibatches an epoch: over two epoch boundaries
        one.finish_batch()
        seen.append(params(one))
        grads.append(gradient(one))
        records.append(one.last_record)
    blocks = make(lmbda=0.5)
    stats: list[BatchStats] = []
    blocks.batch_done.connect(stats.extend)
    assert blocks.run_batches(30) == 30
    assert same(params(blocks), seen[30]) and same(gradient(blocks), grads[30])
    assert [(s.epoch, s.batch, s.step) for s in stats] == [(r.epoch, r.batch, r.index) for r in records[1:]]
    for i in range(30, 0, -1):  # ← one minibatch at a time: weights, gradient and record of the one before
        record = blocks.last_record
        want = records[i]
        assert (record.index, record.epoch, record.batch, record.offset) == \
            (want.index, want.epoch, want.batch, want.offset)
        for name in ("cost", "rows", "a_last"):
            assert np.array_equal(record[name], want[name]) and not record[name].flags.writeable
        assert blocks.back() is record
        assert same(params(blocks), seen[i - 1])
        assert (gradient(blocks) is None) == (grads[i - 1] is None)
        assert grads[i - 1] is None or same(gradient(blocks), grads[i - 1])
        assert blocks.step_index == i - 1 and blocks.history_length == i - 1
    assert blocks.back() is None and blocks.last_record is None
    blocks.run_batches(30)  # and on again from the start, the same way
    assert same(params(blocks), seen[30])


def test_the_history_bounds_forget_the_first_minibatches_of_a_block():
    reference = make(block=1)
    seen = [params(reference)]
    for _ in range(24):
        reference.finish_batch()
        seen.append(params(reference))
    engine = make()
    engine.history_steps = 7
    engine.run_batches(24)
    assert engine.history_length == 7
    for i in range(24, 17, -1):
        engine.back()
        assert same(params(engine), seen[i - 1])
    assert engine.history_length == 0 and engine.back() is None


def test_checkpoints_the_history_forgot_are_reused_and_back_stays_exact(monkeypatch):
    """Blocks of 3 minibatches, a checkpoint each; the history keeps 7 minibatches, so the chains it forgets
    lend their checkpoint arrays to new ones: what ← redoes from them must still be exact."""
    monkeypatch.setattr(wholebatch, "REPLAY_WORK", 3.0)
    reference = make(block=1)
    seen = [params(reference)]
    for _ in range(40):
        reference.finish_batch()
        seen.append(params(reference))
    engine = make(block=3)
    engine.history_steps = 7
    checkpoints = []
    for _ in range(10):
        engine.run_batches(4)  # blocks of 3 and 1
        checkpoints.append(engine._chain.params[0])  # held: a new array cannot take an old one's id
    assert len({id(a) for a in checkpoints}) < 10  # some were reused
    for i in range(40, 33, -1):
        engine.back()
        assert same(params(engine), seen[i - 1])


def test_a_block_that_makes_the_weights_non_finite_stops_at_that_minibatch():
    """1 − ηλ/n = −2 doubles a weight of 1e305 each minibatch: it overflows in the 11th, while the sigmoid
    outputs (saturated) keep the cost finite; the block is taken again one by one to stop there."""
    found = {}
    for block in (1, wholebatch.BLOCK_BATCHES):
        engine = make(eta=3.0, block=block, lmbda=60.0)
        w = engine.net.weights[1].copy()
        w[0, 0] = 1e305
        engine.net.weights[1] = w
        reported, stats = [], []
        engine.diverged.connect(reported.append)
        engine.batch_done.connect(stats.extend)
        engine.run_epochs(3)
        found[block] = (str(engine.divergence), engine.step_index, engine.history_length, len(stats),
                        [str(d) for d in reported], params(engine))
    (text, step, length, count, reported, weights), other = found[1], found[wholebatch.BLOCK_BATCHES]
    assert "layer l=3 became non-finite" in text and "minibatch 11 " in text and step == length == count == 11
    assert reported == [text] and other[:5] == found[1][:5] and same(other[5], weights)


def test_a_block_check_stops_right_after_the_minibatch_it_names():
    reference = make(block=1)
    for _ in range(5):
        reference.finish_batch()
    engine = make()
    checked, stats = [], []
    engine.block_check = lambda block: checked.append(len(block)) or (5 if len(block) > 5 else None)
    engine.batch_done.connect(stats.extend)
    assert engine.run_block(6) == 5
    assert checked == [6] and [s.step for s in stats] == [0, 1, 2, 3, 4] and engine.step_index == 5
    assert same(params(engine), params(reference)) and same(gradient(engine), gradient(reference))
    assert np.array_equal(engine.last_record["a_last"], reference.last_record["a_last"])
    engine.block_check = None
    engine.run_batches(17)  # the chain goes on from the minibatch the check stopped after
    for _ in range(17):
        reference.finish_batch()
    assert same(params(engine), params(reference))


def test_inside_a_block_the_step_count_grows_and_an_m_change_ends_it():
    engine = make(m=5)
    steps = []

    def yield_now() -> bool:
        steps.append(engine.step_index)
        if len(steps) == 3:
            engine.mini_batch_size = 4  # takes effect at the next minibatch: this block ends here
        return False

    stats: list[BatchStats] = []
    engine.batch_done.connect(stats.extend)
    assert engine.run_block(10, yield_now) == 3 and steps == [1, 2, 3]
    engine.run_block(10)
    n = engine.n_train
    assert [s.end for s in stats] == [5 / n, 10 / n, 15 / n] + [(15 + 4 * (k + 1)) / n for k in range(10)]


def test_a_batch_block_is_a_sequence_of_batch_stats():
    made = [BatchStats(0, b, b, 0.5 / (b + 1), (0.1 * b, 0.2), (0.3, 0.4), (b + 1) / 4) for b in range(4)]
    block = BatchBlock.of(made)
    assert len(block) == 4 and list(block) == made and block[-1] == made[-1]
    assert list(block[1:3]) == made[1:3] and list(BatchBlock.join([block[:1], block[1:]])) == made
    np.testing.assert_array_equal(block.cost, [s.cost for s in made])
    assert block.delta_norms.shape == (4, 2) and not BatchBlock.of([])
