"""A session file that opens can always be stepped, stepped back, trained, plotted and saved again; one
that cannot is refused with the session unchanged.

Hypothesis generates session headers — a real saved header with one to four of its values replaced by
hostile ones (huge and negative integers, NaN and ±inf, wrong types, nested lists, positions past the
data, histories and kept runs with absurd numbers) — writes them into a real archive, opens them in a
real ``Session`` and drives it; a few go through the main window offscreen (every view painted).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from PyQt6.QtWidgets import QFileDialog, QMessageBox

from visualbp.core import checks
from visualbp.core.config import SessionConfig
from visualbp.core.datasets import DatasetError
from visualbp.core.sessionio import SessionFileError, load_session
from visualbp.core.steps import EpochStats
from visualbp.gui.session import Session

HOSTILE = st.one_of(
    st.none(), st.booleans(),
    st.integers(-2**70, 2**70),
    st.sampled_from([0, 1, -1, 2, 3, 7, 10, 319, 320, 321, 400, 2**31 - 1, 2**31, 2**32, 2**53, 2**53 + 1,
                     2**62, 2**63, 10**9, 10**12, 10**15, 10**15 + 1, 10**30, 10**300]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, 0.9, 0.95, 1.0, 1e-320, 1e100, 1e300, 1e308, -0.0, 3.0]),
    st.text(max_size=8),
    st.sampled_from(["moons", "mnist", "digits", "file", "relu", "tanh", "cross-entropy", "xavier", "", "\0"]),
    st.lists(st.integers(-3, 5), max_size=4),
    st.sampled_from([[2, 3, 2], [2, 2], [2, 100_000, 2], [784, 30, 10], [[2]], [2.0, 3.0, 2.0]]),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
CONFIG_KEYS = [f.name for f in fields(SessionConfig)]
HISTORY_KEYS = [f.name for f in fields(EpochStats)]
PATHS = st.one_of(
    st.sampled_from([("epoch",), ("batch",), ("offset",), ("step",), ("version",), ("format",), ("config",),
                     ("epoch_history",), ("extra",), ("extra", "kept_runs"), ("extra", "kept_runs", 0, "label"),
                     ("extra", "kept_runs", 0, "epochs"), ("extra", "neuron_activations"),
                     ("extra", "neuron_activations", 0), ("extra", "neuron_activations", 0, 0),
                     ("extra", "neuron_activations", 0, 1), ("extra", "neuron_activations", 0, 2)]),
    st.sampled_from(CONFIG_KEYS).map(lambda k: ("config", k)),
    st.tuples(st.just("epoch_history"), st.integers(0, 2), st.sampled_from(HISTORY_KEYS)),
    st.tuples(st.just("extra"), st.just("kept_runs"), st.just(0), st.just("epochs"), st.just(0),
              st.integers(0, 4)),
)
# positions that are consistent more often than chance would make them, up to the edge of the data
POSITION = st.integers(0, 330).flatmap(
    lambda offset: st.tuples(st.integers(0, min(offset, 35)).map(lambda b: b if offset else 0), st.just(offset)))
# values a valid file may hold, at and near the edges of each range
FAIR = st.one_of(
    st.tuples(st.just(("epoch",)), st.sampled_from([0, 1, 10**9, checks.MAX_EPOCH_REACHED - 10**6])),
    st.tuples(st.just(("step",)), st.sampled_from([0, 1, 2**53, checks.MAX_STEP_REACHED - 10**9])),
    st.tuples(st.sampled_from([("config", "eta"), ("config", "lmbda")]),
              st.sampled_from([5e-324, 1e-300, 0.5, 1e100, 1e300])),
    st.tuples(st.just(("config", "epochs")), st.sampled_from([1, 100_000])),
    st.tuples(st.just(("config", "noise")), st.sampled_from([0.0, 5e-324, 100.0])),
    st.tuples(st.just(("config", "seed")), st.sampled_from([None, 0, 2**32 - 1])),
    st.tuples(st.just(("config", "activation")), st.sampled_from(["relu", "tanh", "sigmoid"])),
    st.tuples(st.just(("config", "cost")), st.sampled_from(["quadratic", "cross-entropy"])),
    st.tuples(st.tuples(st.just("epoch_history"), st.integers(0, 2), st.sampled_from(HISTORY_KEYS[2:])),
              st.sampled_from([None, 0.0, 1.0, 1e300, float("nan")])),
    st.tuples(st.tuples(st.just("extra"), st.just("kept_runs"), st.just(0), st.just("epochs"), st.just(0),
                        st.integers(1, 4)), st.sampled_from([None, 0.0, 1.0])),
    st.tuples(st.just(("extra", "note")), HOSTILE.filter(lambda v: not isinstance(v, float) or v == v)),
    st.tuples(st.just(("extra", "neuron_activations", 0, 2)),  # a neuron's own f (core/neuron_edits.py)
              st.sampled_from(["tanh", "linear", "softplus", "leaky-relu", "sigmoid"])),
    st.tuples(st.just(("extra", "neuron_activations", 0)), st.sampled_from([[3, 0, "linear"], [3, 1, "relu"],
                                                                            [2, 2, "relu"], [2, 0, "linear"]])),
)
MUTATIONS = st.lists(st.one_of(st.tuples(PATHS, HOSTILE), FAIR, POSITION.map(lambda p: (("position",), p))),
                     min_size=1, max_size=4)
# Each kind of outcome the generated headers had, run every time besides them: refused by the file check, refused
# by the engine (a position past the data; a dataset whose shape the network does not fit), opened and diverging
# (λ so large the weights overflow: the save goes back to what can be saved), opened with a neuron of its own
# activation.
REFUSED_BY_THE_FILE_CHECK = [(("epoch",), None)]
REFUSED_BY_THE_ENGINE = [(("position",), (9, 325))]
NOT_THE_DATASETS_SHAPE = [(("config", "dataset"), "mnist")]
DIVERGES = [(("config", "lmbda"), 1e300)]
OWN_ACTIVATION = [(("extra", "neuron_activations", 0, 2), "softplus"), (("config", "seed"), None)]


def fuzz(n: int) -> settings:
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _base(tmp: Path) -> tuple[Path, dict]:
    """A real session (moons, [2, 3, 2]) two epochs in, mid-epoch, with a kept run in its view state and a hidden
    neuron with its own activation."""
    session = Session(SessionConfig(sizes=(2, 3, 2), seed=2, n=400))
    session.set_neuron_activation(2, 1, "tanh")  # saved as extra.neuron_activations
    session.set_granularity("epoch")
    session.step()
    session.step()
    session.set_granularity("minibatch")
    session.step()
    session.extra_state["kept_runs"] = [{"label": "run", "epochs": [[0, 0.2, 0.3, 0.5, 0.5], [1, 0.1, 0.2, 0.8, 0.7]]}]
    path = tmp / "base.vbp"
    session.save(str(path))
    session.shutdown()
    with zipfile.ZipFile(path) as z:
        header = json.loads(np.load(io.BytesIO(z.read("__header__.npy"))).tobytes())
    return path, header


def _mutated(base: Path, header: dict, mutations, out: Path) -> Path:
    header = json.loads(json.dumps(header))
    for where, value in mutations:
        if where == ("position",):
            header["batch"], header["offset"] = value
            continue
        node = header
        try:
            for key in where[:-1]:
                node = node[key]
            node[where[-1]] = value
        except (KeyError, IndexError, TypeError):
            pass  # the path no longer exists (an earlier mutation replaced a parent): skip it
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8))
    with zipfile.ZipFile(base) as z:
        items = {i.filename: z.read(i) for i in z.infolist()}
    items["__header__.npy"] = buffer.getvalue()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    return out


def _state(session: Session):
    return (session.net, session.config, session.dataset, session.engine, session.engine.position,
            [w.copy() for w in session.net.weights])


def _same(session: Session, before) -> bool:
    net, config, dataset, engine, position, weights = before
    return (session.net is net and session.config == config and session.dataset is dataset
            and session.engine is engine and session.engine.position == position
            and all(np.array_equal(a, b) for a, b in zip(session.net.weights, weights)))


REFUSALS = (SessionFileError, DatasetError, ValueError)


def _use(session: Session, qtbot, tmp: Path) -> None:
    """Step, step back, train, save, and reopen what was saved."""
    for granularity in ("layer", "example", "minibatch"):
        session.set_granularity(granularity)
        for _ in range(3):
            session.step()
        assert session.back() is not None
    session.train(1)
    qtbot.wait(30)
    session.pause()
    assert not session.running
    again = tmp / "again.vbp"
    if session.engine.divergence is not None:  # η or λ so large the weights overflowed
        for _ in range(20):
            try:
                session.save(str(again))  # what a save records (the minibatch's start) may still be finite
                break
            except SessionFileError as exc:  # if not, the save says so and ← goes back to what can be saved
                assert "diverged" in str(exc)
                assert session.back() is not None
    session.save(str(again))
    load_session(again)  # what a session that opened saves, opens
    session.open(str(again))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return _base(tmp_path_factory.mktemp("headers"))


@given(mutations=MUTATIONS)
@example(mutations=REFUSED_BY_THE_FILE_CHECK)
@example(mutations=REFUSED_BY_THE_ENGINE)
@example(mutations=NOT_THE_DATASETS_SHAPE)
@example(mutations=DIVERGES)
@example(mutations=OWN_ACTIVATION)
@fuzz(80)
def test_a_generated_header_is_refused_unchanged_or_opens_and_works(qtbot, tmp_path, base, mutations):
    errors: list[str] = []
    session = Session(SessionConfig(sizes=(2, 3, 2), seed=5))
    session.errorOccurred.connect(errors.append)
    try:
        path = _mutated(*base, mutations, tmp_path / "generated.vbp")
        before = _state(session)
        try:
            session.open(str(path))
        except REFUSALS as exc:
            assert _same(session, before)
            event(f"refused: {type(exc).__name__}")
            return
        event("opened, then stepped, stepped back, trained, saved and reopened")
        _use(session, qtbot, tmp_path)
        assert errors == []
    finally:
        session.shutdown()


MAIN_WINDOW_CONFIG = SessionConfig(sizes=(2, 3, 2), seed=4)


@pytest.fixture
def window(main_window):
    """The module's main window (tests/gui/conftest.py), back at MAIN_WINDOW_CONFIG whatever the last test opened."""
    assert main_window.session.config == MAIN_WINDOW_CONFIG
    return main_window


EDGE = [
    [(("epoch",), checks.MAX_EPOCH_REACHED - 10**6), (("step",), checks.MAX_STEP_REACHED - 10**9)],
    [(("position",), (31, 310))],  # the last minibatch of the epoch (m = 10, 320 training examples)
    [(("epoch_history", 0, "train_cost"), None), (("epoch_history", 1, "val_accuracy"), float("nan"))],
    [(("epoch_history", 1, "train_cost"), 1e300), (("epoch_history", 2, "epoch"), checks.MAX_EPOCH_REACHED)],
    [(("extra", "kept_runs", 0, "epochs", 0, 1), 1e300),
     (("extra", "kept_runs", 0, "epochs", 0, 0), checks.MAX_EPOCH_REACHED)],
    [(("config", "epochs"), 100_000), (("config", "mini_batch_size"), 1_000_000), (("position",), (0, 0))],
    [(("config", "eta"), 1e300)],
    [(("config", "lmbda"), 1e300)],
]


@pytest.mark.parametrize("mutations", EDGE, ids=range(len(EDGE)))
def test_headers_at_the_edge_of_the_limits_open_and_work_in_the_whole_window(window, qtbot, tmp_path, base,
                                                                                monkeypatch, mutations):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    errors: list[str] = []
    session = window.session
    session.errorOccurred.connect(errors.append)
    path = _mutated(*base, mutations, tmp_path / "edge.vbp")
    load_session(path)  # these are valid
    assert window.files.open(str(path)), warnings
    window.grab()
    _use(session, qtbot, tmp_path)
    qtbot.wait(50)
    window.grab()  # every view painted with what was opened, stepped and trained
    saved = str(tmp_path / "saved.vbp")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (saved, "")))
    assert window.files.save_as(), warnings  # File ▸ Save As…
    assert errors == [] and warnings == []


@given(mutations=MUTATIONS)
@example(mutations=REFUSED_BY_THE_ENGINE)
@example(mutations=OWN_ACTIVATION)
@fuzz(6)
def test_generated_headers_through_the_main_window(window, qtbot, tmp_path, base, monkeypatch, mutations):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    session = window.session
    path = _mutated(*base, mutations, tmp_path / "generated.vbp")
    before = _state(session)
    if not window.files.open(str(path)):
        assert len(warnings) == 1 and "generated.vbp" in warnings[0] and "unchanged" in warnings[0], warnings
        assert _same(session, before)
        return
    window.grab()
    _use(session, qtbot, tmp_path)
    window.grab()
    assert warnings == []


# (319, 319) and (32, 319) are not here: m may change mid-epoch (m = 1 for 319 minibatches, then 10), so an
# epoch can hold more than n/m minibatches and those positions are ones the app itself saves.
@pytest.mark.parametrize("position", [(5, 320), (320, 320), (3, 2), (0, 5), (1, 0)])
def test_a_position_outside_the_data_is_refused_naming_the_file(window, tmp_path, base, monkeypatch, position):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    before = _state(window.session)
    path = _mutated(*base, [(("position",), position)], tmp_path / "outside.vbp")
    assert not window.files.open(str(path))
    assert len(warnings) == 1 and "outside.vbp" in warnings[0] and "unchanged" in warnings[0], warnings
    assert _same(window.session, before)
