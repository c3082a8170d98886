"""Step records' status line: every record kind named once, with where it is."""

import numpy as np

from visualbp.core import Network, edits
from visualbp.core.engine import Engine
from visualbp.core.steps import Kind


def test_describe_never_repeats_the_phase_and_names_a_whole_minibatch():
    rng = np.random.default_rng(0)
    X, Y = rng.random((6, 2)), np.eye(2)[rng.integers(0, 2, 6)]
    engine = Engine(Network([2, 3, 2], seed=1), X, Y, mini_batch_size=3, eta=1.0)
    lines = {}
    while len(lines) < len(Kind) - 2:  # all but a whole minibatch and an edit by hand
        record = engine.step()
        lines.setdefault(record.kind, record.describe())
    while not engine.at_batch_start:
        engine.step()
    lines[Kind.EDIT] = edits.edit(engine, "w", 3, 1, 0, "1/2").describe()
    lines[Kind.BATCH] = engine.finish_batch().describe()
    for line in lines.values():
        name = line.split(" · ")[0]
        words = name.replace("(", " ").replace(")", " ").split()
        assert len(words) == len(set(words)), line  # no 'feedforward (feedforward)', 'update (update)'
        assert "epoch 1" in line and "minibatch" in line, line
    assert lines[Kind.FEEDFORWARD].startswith("feedforward · layer l=2 · example 1/3 · minibatch 1")
    assert lines[Kind.UPDATE].startswith("update · layer l=")
    assert lines[Kind.BACKPROP_ERROR].startswith("BP2 (backpropagation) · layer l=2 · example 1/3")
    edit = lines[Kind.EDIT]
    assert edit.startswith("edit: w^3_21 ← 1/2 (was ") and edit.endswith("minibatch 2 · epoch 1")
    assert lines[Kind.BATCH] == "minibatch (feedforward, BP1–BP4, update) · all layers · minibatch 2 · epoch 1"
