"""The scripted lessons: each loads, validates, and shows (with the core Engine) what it claims."""

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from visualbp.core import demos as demos_module
from visualbp.core.config import build, load_dataset
from visualbp.core.demos import Demo, UnknownDemoError, get_demo, list_demos, parse_demo, parse_demos
from visualbp.core.diagnostics import error_ratios, layer_saturation
from visualbp.core.steps import Kind

RESOURCE = Path(__file__).resolve().parents[2] / "resources" / "demos.json"


def built(name: str):
    """The demo's network and engine, exactly as the app builds them (weight_scale applied)."""
    demo = get_demo(name)
    config = demo.config()
    net, engine = build(config, load_dataset(config))
    demo.apply(net, engine)
    return demo, net, engine


def collect_batches(engine) -> list:
    stats = []
    engine.batch_done.connect(stats.extend)  # one BatchBlock per block of minibatches
    return stats


# ----------------------------------------------------------------- loading and validation
def test_the_shipped_demos_load_and_each_builds_its_network():
    names = [d.name for d in list_demos()]
    for required in ("one-example", "minibatch", "slow-quadratic", "fast-cross-entropy", "vanishing", "mnist",
                     "saturation"):
        assert required in names
    assert len(names) == len(set(names))
    for demo in list_demos():
        config = demo.config()
        data = load_dataset(config)
        net, engine = build(config, data)  # raises if the sizes do not fit the data
        assert tuple(net.sizes) == config.sizes
        assert demo.granularity in ("layer", "example", "minibatch", "epoch")
        assert demo.title and len(demo.description) > 80
        assert demo.name in demo.summary() and demo.title in demo.summary()


def test_get_demo_names_the_choices_for_an_unknown_name():
    assert get_demo("mnist").config().sizes == (784, 30, 10)
    with pytest.raises(UnknownDemoError) as info:
        get_demo("nope")
    message = str(info.value)
    assert "'nope'" in message and "one-example" in message and "vanishing" in message


def test_a_demo_always_builds_the_same_numbers():
    _, net1, engine1 = built("one-example")
    _, net2, engine2 = built("one-example")
    for w1, w2 in zip(net1.weights, net2.weights):
        assert np.array_equal(w1, w2)
    for _ in range(11):
        r1, r2 = engine1.step(), engine2.step()
        assert r1.kind == r2.kind and all(np.array_equal(r1.arrays[k], r2.arrays[k]) for k in r1.arrays)


def _entry(**changes) -> dict:
    raw = json.loads(RESOURCE.read_text("utf-8"))
    entry = copy.deepcopy(next(e for e in raw["demos"] if e["name"] == "saturation"))
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return entry


@pytest.mark.parametrize("changes, field", [
    ({"title": None}, "title"),
    ({"title": "  "}, "title"),
    ({"granularity": "record"}, "granularity"),
    ({"steps": -1}, "steps"),
    ({"steps": 2.5}, "steps"),
    ({"weight_scale": 0}, "weight_scale"),
    ({"weight_scale": float("nan")}, "weight_scale"),
    ({"colour": "red"}, "colour"),
    ({"config": {"dataset": "digits", "sizes": [64, 30, 10], "etta": 3}}, "config.etta"),
    ({"config": {"dataset": "digits", "sizes": [64, 0, 10]}}, "config"),
    ({"config": {"dataset": "digits", "sizes": [64, 30, 10], "eta": -1}}, "config"),
    ({"breakpoints": {"saturation_on": "yes"}}, "breakpoints.saturation_on"),
    ({"breakpoints": {"saturation_layer": 4}}, "breakpoints.saturation_layer"),
    ({"breakpoints": {"stop_when_bored": True}}, "breakpoints.stop_when_bored"),
    ({"breakpoints": [1, 2]}, "breakpoints"),
])
def test_a_broken_entry_names_the_demo_and_the_field(changes, field):
    with pytest.raises(ValueError) as info:
        parse_demo(_entry(**changes))
    message = str(info.value)
    assert "'saturation'" in message and f"'{field}'" in message


def test_bad_names_and_duplicates_are_refused():
    with pytest.raises(ValueError, match="'name'"):
        parse_demo(_entry(name="Bad Name"))
    with pytest.raises(ValueError, match="used by two demos"):
        parse_demos({"demos": [_entry(), _entry()]})
    with pytest.raises(ValueError, match="non-empty list"):
        parse_demos({"demos": []})


def test_loading_falls_back_to_the_source_checkout(monkeypatch):
    def missing(package):
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(demos_module.importlib.resources, "files", missing)
    demos_module._load.cache_clear()
    try:
        assert [d.name for d in list_demos()][:2] == ["one-example", "minibatch"]
    finally:
        demos_module._load.cache_clear()


def test_weight_scale_is_what_reset_returns_to():
    demo = get_demo("saturation")
    config = demo.config()
    net, engine = build(config, load_dataset(config))
    plain = [w.copy() for w in net.weights]
    demo.apply(net, engine)
    for w, p in zip(net.weights, plain):
        np.testing.assert_allclose(w, 3.0 * p)
    engine.run_batches(3)
    engine.reset()
    for w, p in zip(net.weights, plain):
        np.testing.assert_allclose(w, 3.0 * p)
    assert engine.step_index == 0


# ----------------------------------------------------------------- each lesson shows what it claims
def test_one_example_is_the_books_pseudocode_then_the_update():
    demo, net, engine = built("one-example")
    assert demo.config().mini_batch_size == 1 and demo.granularity == "layer" and net.sizes == [2, 3, 2]
    w_before, b_before = list(net.weights), list(net.biases)
    records = [engine.step() for _ in range(11)]
    assert [(r.kind, r.l) for r in records] == [
        (Kind.INPUT, 1), (Kind.FEEDFORWARD, 2), (Kind.FEEDFORWARD, 3), (Kind.OUTPUT_ERROR, 3),
        (Kind.BACKPROP_ERROR, 2), (Kind.GRADIENT_B, 3), (Kind.GRADIENT_W, 3), (Kind.GRADIENT_B, 2),
        (Kind.GRADIENT_W, 2), (Kind.UPDATE, 2), (Kind.UPDATE, 3)]
    assert engine.at_batch_start and engine.batch == 1
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    a1 = records[0].arrays["a"]
    a2 = sigmoid(w_before[0] @ a1 + b_before[0])
    np.testing.assert_allclose(records[1].arrays["a"], a2)
    np.testing.assert_allclose(records[2].arrays["a"], sigmoid(w_before[1] @ a2 + b_before[1]))
    # m = 1: the update is exactly −η times this one example's BP4 gradient
    eta = demo.config().eta
    np.testing.assert_allclose(records[9].arrays["dw"], -eta * records[8].arrays["nabla_w"])
    np.testing.assert_allclose(records[10].arrays["dw"], -eta * records[6].arrays["nabla_w"])
    np.testing.assert_allclose(records[10].arrays["db"], -eta * records[5].arrays["nabla_b"])


def test_minibatch_is_four_example_passes_then_one_update():
    demo, net, engine = built("minibatch")
    assert demo.config().mini_batch_size == 4 and demo.granularity == "example"
    w_before = list(net.weights)
    grads = []
    for x in range(4):  # one → at "example" granularity = one example's whole pass
        record = engine.finish_example()
        assert (record.kind, record.l, record.example) == (Kind.GRADIENT_W, 2, x)
        grads.append([engine.current("nabla_w", l) for l in (2, 3, 4)])
        assert not engine.at_batch_start
    record = engine.finish_example()  # the fifth → is the update of l = 2, 3, 4
    assert record.kind is Kind.UPDATE and engine.at_batch_start
    eta = demo.config().eta
    for i in range(3):
        expected = w_before[i] - eta / 4 * sum(g[i] for g in grads)
        np.testing.assert_allclose(net.weights[i], expected, rtol=1e-12, atol=1e-14)


def _epochs(name: str, count: int):
    _, net, engine = built(name)
    out = [engine.evaluate()]
    for _ in range(count):
        engine.run_epochs(1)
        out.append(engine.evaluate())
    return net, engine, out


def test_quadratic_learns_slowly_where_cross_entropy_learns_fast():
    q_demo, ce_demo = get_demo("slow-quadratic"), get_demo("fast-cross-entropy")
    q_config, ce_config = q_demo.config(), ce_demo.config()
    assert q_config.cost == "quadratic" and ce_config.cost == "cross-entropy"
    assert {f: getattr(q_config, f) for f in ("sizes", "seed", "eta", "mini_batch_size", "dataset")} == \
           {f: getattr(ce_config, f) for f in ("sizes", "seed", "eta", "mini_batch_size", "dataset")}
    assert q_demo.weight_scale == ce_demo.weight_scale == 8.0

    q_net, q_engine, q = _epochs("slow-quadratic", 20)
    _, ce_engine, ce = _epochs("fast-cross-entropy", 2)
    # the same start: output neurons saturated (σ' < 0.025 on 62% of pairs) and badly wrong (14%)
    _, start_net, start_engine = built("slow-quadratic")
    assert layer_saturation(start_net, start_engine.X)[-1] > 0.6
    assert q[0].train_accuracy == ce[0].train_accuracy < 0.15
    q_drop = (q[0].train_cost - q[2].train_cost) / q[0].train_cost  # 0.491 → 0.466: 5%
    ce_drop = (ce[0].train_cost - ce[2].train_cost) / ce[0].train_cost  # 6.15 → 0.53: 91%
    assert q_drop < 0.1 and ce_drop > 0.8 and ce_drop > 10 * q_drop
    assert q[1].train_accuracy < 0.2 and ce[1].train_accuracy > 0.8  # after one epoch: 13% vs 84%
    # the quadratic cost does learn, late: 80% first in epoch 19 (as the description says)
    first = next(e for e, s in enumerate(q) if s.train_accuracy >= 0.8)
    assert first == 19 and q[20].train_accuracy > 0.85


def test_vanishing_error_shrinks_layer_by_layer():
    demo, net, engine = built("vanishing")
    assert net.sizes == [64, 30, 30, 30, 30, 10] and demo.config().activation == "sigmoid"
    assert demo.config().init == "standard" and demo.granularity == "minibatch" and demo.steps == 20
    stats = collect_batches(engine)
    engine.run_batches(demo.steps)
    norms = np.array([s.delta_norms for s in stats])  # ‖δ^l‖ for l = 2..6, one row per minibatch
    assert norms.shape == (20, 5)
    assert (np.diff(norms, axis=1) > 0).all()  # every minibatch: ‖δ²‖ < ‖δ³‖ < … < ‖δ⁶‖
    ratios = np.array([error_ratios(row) for row in norms])
    assert np.median(ratios[:, 0]) < 0.12  # ‖δ²‖ ≈ 0.08 ‖δ⁶‖
    assert (norms[:, 0] / norms[:, 3]).max() < 0.25  # ‖δ²‖ < ‖δ⁵‖ / 4 in every early minibatch


def test_the_books_mnist_network_learns_in_one_epoch():
    demo, net, engine = built("mnist")
    config = demo.config()
    assert (net.sizes, config.eta, config.mini_batch_size, config.epochs) == ([784, 30, 10], 3.0, 10, 30)
    assert engine.evaluate().val_accuracy < 0.2
    engine.run_epochs(1)
    assert engine.evaluate().val_accuracy > 0.78  # 0.80 after one epoch on 8,000 images


def test_saturation_starts_saturated_fires_the_breakpoint_and_learns_badly():
    demo, net, engine = built("saturation")
    assert demo.weight_scale == 3.0 and demo.breakpoints["saturation_on"] is True
    assert layer_saturation(net, engine.X)[0] > 0.75  # 78% of layer 2's pairs have σ' < 0.025
    config = demo.config()
    plain_net, plain_engine = build(config, load_dataset(config))
    assert layer_saturation(plain_net, plain_engine.X)[0] < 0.5  # 38% without the factor 3

    breakpoints = demo.make_breakpoints()
    stats = collect_batches(engine)
    reasons = []
    for _ in range(breakpoints.every):
        engine.finish_batch()
        reasons.append(breakpoints.after_batch(engine, stats[-1]))
    assert reasons[:-1] == [None] * (breakpoints.every - 1)
    assert reasons[-1] is not None and "layer 2" in reasons[-1]
    plain_breakpoints = demo.make_breakpoints()
    plain_stats = collect_batches(plain_engine)
    for _ in range(plain_breakpoints.every):
        plain_engine.finish_batch()
        assert plain_breakpoints.after_batch(plain_engine, plain_stats[-1]) is None

    engine.run_epochs(10)
    plain_engine.run_epochs(10)
    assert engine.evaluate().val_accuracy < 0.5  # about 0.3: stuck
    assert plain_engine.evaluate().val_accuracy > 0.9  # about 0.97


def test_demo_dataclass_round_trip():
    demo = Demo(name="x", title="t", description="d", settings={"dataset": "xor", "sizes": [2, 2]})
    assert demo.config().sizes == (2, 2)
    assert demo.make_breakpoints().any_on is False


# ----------------------------------------------------------------- an edited lesson file
def _shipped() -> dict:
    return json.loads(RESOURCE.read_text("utf-8"))


def _edited(change) -> str:
    data = _shipped()
    change(data)
    return json.dumps(data)


EDITS = {
    "not JSON": ("{\"demos\": [", "not valid JSON"),
    "not UTF-8": (b"\xff\xfe{}", "UTF-8"),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, "JSON"),
    "no demos list": ('{"lessons": []}', "'demos'"),
    "demos not a list": ('{"demos": {"a": 1}}', "'demos'"),
    "an entry not an object": ('{"demos": [3]}', "demo #1"),
    "a required key missing": (lambda d: d["demos"][0].pop("config"), "field 'config'"),
    "config a list": (lambda d: d["demos"][1].__setitem__("config", [1, 2]), "field 'config'"),
    "sizes not fitting the data": (lambda d: d["demos"][0]["config"].__setitem__("sizes", [3, 3, 2]),
                                   "field 'config.sizes'"),
    "sizes as text": (lambda d: d["demos"][0]["config"].__setitem__("sizes", "2, 3, 2"), "field 'config'"),
    "epochs absurd": (lambda d: d["demos"][2]["config"].__setitem__("epochs", 3_000_000_000), "field 'config'"),
    "noise absurd": (lambda d: d["demos"][1]["config"].__setitem__("noise", 1e308), "field 'config'"),
    "points absurd": (lambda d: d["demos"][1]["config"].__setitem__("n", 10**12), "field 'config'"),
    "a user's file": (lambda d: d["demos"][1]["config"].update(dataset="file", data_path="/x.csv"),
                      "field 'config.dataset'"),
    "steps absurd": (lambda d: d["demos"][4].__setitem__("steps", 10**12), "field 'steps'"),
    "granularity unknown": (lambda d: d["demos"][0].__setitem__("granularity", "batch"), "field 'granularity'"),
    "unknown breakpoint": (lambda d: d["demos"][6].__setitem__("breakpoints", {"nope": True}),
                           "field 'breakpoints.nope'"),
    "breakpoint layer past L": (lambda d: d["demos"][6].__setitem__("breakpoints", {"saturation_layer": 9}),
                                "field 'breakpoints.saturation_layer'"),
    "weight scale NaN": (lambda d: d["demos"][6].__setitem__("weight_scale", float("nan")), "field 'weight_scale'"),
    "title a number": (lambda d: d["demos"][3].__setitem__("title", 5), "field 'title'"),
    "duplicate names": (lambda d: d["demos"][1].__setitem__("name", "one-example"), "field 'name'"),
}


@pytest.fixture
def lesson_file(tmp_path, monkeypatch):
    """Point the app at a lesson file of the test's own (the cache cleared before and after)."""
    path = tmp_path / "demos.json"
    monkeypatch.setattr(demos_module, "lesson_file", lambda: path)
    demos_module._load.cache_clear()
    yield path
    demos_module._load.cache_clear()


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_an_edited_lesson_file_is_named_with_its_key_and_the_built_in_lessons_run(lesson_file, edit, capsys):
    content, key = EDITS[edit]
    if callable(content):
        content = _edited(content)
    lesson_file.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    names = [d["name"] for d in _shipped()["demos"]]
    assert [d.name for d in list_demos()] == names  # the built-in lessons, every one of them
    problem = demos_module.lesson_file_problem()
    assert problem is not None and str(lesson_file) in problem and key in problem, problem
    assert "built-in lessons" in problem
    assert str(lesson_file) in capsys.readouterr().err  # said once, on stderr, when the lessons are loaded
    demo, net, engine = built("vanishing")  # a lesson from the fallback builds and steps
    for _ in range(3):
        engine.step()
    assert engine.back() is not None


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "missing", "too large"])
def test_a_lesson_file_that_is_not_a_readable_regular_file_falls_back(lesson_file, kind, monkeypatch):
    import os

    if kind == "fifo":
        os.mkfifo(lesson_file)
    elif kind == "device":
        lesson_file.symlink_to("/dev/zero")
    elif kind == "folder":
        lesson_file.mkdir()
    elif kind == "too large":
        monkeypatch.setattr(demos_module, "MAX_LESSON_FILE_BYTES", 1000)
        lesson_file.write_text(RESOURCE.read_text("utf-8"))
    assert [d.name for d in list_demos()] == [d["name"] for d in _shipped()["demos"]]
    assert str(lesson_file) in demos_module.lesson_file_problem()


def test_the_built_in_lessons_are_the_shipped_file(lesson_file):
    from visualbp.core.demo_lessons import BUILTIN_LESSONS

    assert BUILTIN_LESSONS == _shipped()
    lesson_file.write_text(RESOURCE.read_text("utf-8"))
    assert demos_module.lesson_file_problem() is None
