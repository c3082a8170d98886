"""Kept runs (Qt-free): labelled from their settings, never kept twice, and read back from a session's view
state exactly as written — a malformed entry is ignored as a whole."""

import json
import math

import pytest

from visualbp.core import kept_runs
from visualbp.core.config import SessionConfig
from visualbp.core.steps import EpochStats


def history(*costs):
    return [EpochStats(epoch=e - 1, step=10 * e, train_cost=c, train_accuracy=0.5 + e / 10, val_cost=c * 1.1,
                       val_accuracy=0.5 + e / 20) for e, c in enumerate(costs)]


def test_keep_labels_runs_and_refuses_what_is_not_new():
    config = SessionConfig(seed=1)
    with pytest.raises(ValueError, match="Train at least one epoch first"):
        kept_runs.keep((), config, history(0.5))  # epoch 0 only: nothing trained
    runs = kept_runs.keep((), config, history(0.5, 0.3))
    assert [r.label for r in runs] == ["quadratic η=3 [2,4,3,2] seed 1"]
    with pytest.raises(ValueError, match="already kept"):
        kept_runs.keep(runs, config, history(0.5, 0.3))
    runs = kept_runs.keep(runs, config, history(0.5, 0.2))  # same settings, another run
    assert runs[1].label == "quadratic η=3 [2,4,3,2] seed 1 (2)"
    assert runs[0].summary() == "1 epochs · validation accuracy 55.0 %"


def test_the_saved_form_reads_back_and_non_finite_values_are_null():
    runs = kept_runs.keep((), SessionConfig(seed=1), history(0.5, float("nan"), 0.2))
    saved = json.loads(json.dumps(kept_runs.to_json(runs), allow_nan=False))
    assert saved[0]["epochs"][1][1] is None
    back = kept_runs.from_json(saved)
    assert back == runs
    epochs = back[0].epochs()
    assert [e.epoch for e in epochs] == [-1, 0, 1] and math.isnan(epochs[1].train_cost)


@pytest.mark.parametrize("value", [None, {}, [{"label": 3, "epochs": []}], [{"label": "x"}],
                                   [{"label": "x", "epochs": [[0, 1, 2]]}], [{"label": "x", "epochs": [[None] * 5]}],
                                   [{"label": "x", "epochs": [[0, "a", 1, 1, 1]]}]])
def test_malformed_view_state_is_no_kept_runs(value):
    assert kept_runs.from_json(value) is None
