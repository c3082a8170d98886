"""Exercise mode's core: typed numbers, the tolerance, questions computed ahead on a shadow, lessons."""

import json

import numpy as np
import pytest

from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.exercises import (
    Scorebook,
    judge,
    load_lessons,
    next_question,
    parse_lessons,
    parse_number,
    shadow_engine,
)
from visualbp.core.readout import readout
from visualbp.core.steps import Kind


@pytest.mark.parametrize("text,value", [("0.25", 0.25), ("-1.5e-3", -1.5e-3), ("1/2", 0.5), ("−3/4", -0.75),
                                        (" 3 / 8 ", 0.375), ("-.5", -0.5), ("2", 2.0), ("1/-4", -0.25)])
def test_numbers_and_fractions(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,message", [("", "type a number"), ("abc", "is not a number"), ("1/0", "divides by zero"),
                                          ("1/2/3", "is not a number"), ("0,5", "is not a number")])
def test_bad_numbers_say_what_is_accepted(text, message):
    with pytest.raises(ValueError, match=message):
        parse_number(text)


def test_judged_within_one_percent_or_a_thousandth():
    assert judge(0.504, 0.5).right and not judge(0.506, 0.5).right
    assert judge(-0.0009, 1e-5).right and not judge(0.0012, 1e-5).right  # the 0.001 floor
    assert judge(-101, -100).right and not judge(-98.9, -100).right
    assert judge(0.5, 0.5).tolerance == 0.005


def engine_for(sizes=(2, 4, 3, 2), m=3, **kw):
    cfg = SessionConfig(dataset="moons", sizes=sizes, mini_batch_size=m, seed=3, data_seed=0, **kw)
    return build(cfg, load_dataset(cfg))[1]


@pytest.mark.parametrize("kw", [{}, {"cost": "cross-entropy", "activation": "tanh"}, {"lmbda": 0.5}])
def test_every_question_is_the_step_the_engine_then_takes(kw):
    engine = engine_for(**kw)
    asked = 0
    for _ in range(2 * (3 * 11 + 3) + 5):  # two minibatches and a bit
        weights = list(engine.net.weights)
        index = engine.step_index
        q = next_question(engine, selected=(2, 1))
        assert engine.step_index == index and all(a is b for a, b in zip(weights, engine.net.weights))
        record = engine.step()
        if q is None:
            assert record.kind is Kind.INPUT
            continue
        asked += 1
        r = readout(engine, record, (2, 1))
        assert (q.kind, q.l) == (record.kind, record.l)
        assert q.answer == r.values[q.quantity]
        assert q.readout.values == r.values
    assert asked > 60


def test_shadow_after_a_mid_batch_change_of_m():
    engine = engine_for(m=3)
    for _ in range(5):
        engine.step()
    engine.mini_batch_size = 5  # takes effect at the next minibatch
    shadow = shadow_engine(engine)
    assert shadow.step_index == engine.step_index
    for _ in range(40):
        a, b = shadow.step(), engine.step()
        assert (a.kind, a.l, a.batch_size) == (b.kind, b.l, b.batch_size)
        assert all(np.array_equal(a.arrays[k], b.arrays[k]) for k in b.arrays)


def test_symbols_name_the_neuron_and_weight():
    engine = engine_for(sizes=(2, 3, 2), m=1)
    engine.step()
    q = next_question(engine, selected=(2, 0))
    assert q.symbol == "z^2_1" and q.quantity == "z"
    assert next_question(engine, (2, 0), {Kind.FEEDFORWARD: "a"}).symbol == "a^2_1"
    for _ in range(7):
        engine.step()
    q = next_question(engine, selected=(2, 0))
    assert q.kind is Kind.GRADIENT_W and q.symbol.startswith("∂C/∂w^2_1")
    assert q.answer == pytest.approx(q.readout["a_k"] * q.readout["delta_j"], rel=1e-12)


def test_scorebook_counts_per_lesson():
    book = Scorebook()
    book.record("a", True)
    book.record("a", False)
    book.record("b", True)
    assert book.score("a") == (1, 2) and book.score("b") == (1, 1) and book.score("c") == (0, 0)


def test_shipped_lessons_ask_what_they_say():
    lessons = load_lessons()
    assert len(lessons) >= 8
    for lesson in lessons:
        cfg = lesson.config()
        engine = build(cfg, load_dataset(cfg))[1]
        for _ in range(lesson.steps):
            engine.step()
        for _ in range(lesson.questions):
            q = next_question(engine, lesson.select, lesson.ask)
            assert q is not None, lesson.name
            if lesson.select is not None and q.l == lesson.select[0] and q.kind is not Kind.UPDATE:
                assert q.readout.choice.j == lesson.select[1], lesson.name
            engine.step()
    by = {lesson.name: lesson for lesson in lessons}
    first = by["output-error"]
    engine = build(first.config(), load_dataset(first.config()))[1]
    for _ in range(first.steps):
        engine.step()
    q = next_question(engine, first.select)
    assert q.kind is Kind.OUTPUT_ERROR and q.symbol == "δ^3_1"
    a, y = q.readout["a"], q.readout["y"]
    assert q.answer == pytest.approx((a - y) * a * (1 - a), rel=1e-12)  # BP1 by hand


def test_lesson_errors_name_the_file_and_key(tmp_path):
    good = {"name": "x", "title": "t", "description": "d", "config": {"dataset": "xor", "sizes": [2, 2, 2]}}
    cases = [({**good, "select": [4, 1]}, "key 'select'"), ({**good, "questions": 0}, "key 'questions'"),
             ({**good, "ask": {"feedforward": "delta"}}, "key 'ask.feedforward'"),
             ({**good, "config": {"sizes": [2, -1, 2]}}, "key 'config'"), ({**good, "extra": 1}, "key 'extra'"),
             ({k: v for k, v in good.items() if k != "title"}, "key 'title': is missing")]
    for entry, message in cases:
        path = tmp_path / "mine.json"
        path.write_text(json.dumps({"lessons": [entry]}))
        with pytest.raises(ValueError, match=f"mine.json: lesson .*{message}"):
            load_lessons(path)
    path.write_text("{")
    with pytest.raises(ValueError, match="mine.json: not valid JSON"):
        load_lessons(path)
    with pytest.raises(ValueError, match="key 'lessons'"):
        parse_lessons({"lessons": []})
