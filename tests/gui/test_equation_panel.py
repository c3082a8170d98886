"""The equation panel: the active equation, one neuron's numbers from the record, narration from JSON."""

import json
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtWidgets import QScrollArea

from visualbp.core.config import SessionConfig
from visualbp.core.steps import Kind
from visualbp.gui import theme
from visualbp.gui.equation_panel import EquationPanel, to_html
from visualbp.gui.narration import BUILT_IN, load_texts, narration_for, read_texts
from visualbp.gui.notation import equation_number as format_number
from visualbp.gui.notation import to_plain
from visualbp.gui.session import Session

REPO_NARRATION = Path(__file__).resolve().parents[2] / "resources" / "narration.json"


@pytest.fixture(autouse=True)
def repo_narration(monkeypatch):
    """The narration file of this checkout (``visualbp.resources`` may resolve to another one)."""
    from visualbp.gui import narration
    monkeypatch.setattr(narration, "_resource_path", lambda: REPO_NARRATION)
    narration._loaded.cache_clear()
    yield
    narration._loaded.cache_clear()


@pytest.fixture
def panel(qtbot):
    theme.apply()
    session = Session(SessionConfig(seed=3))
    widget = EquationPanel(session)
    qtbot.addWidget(widget)
    widget.resize(960, 230)
    return session, widget


def shown(w):
    """Every text the panel shows now."""
    return (w.title_label.text(), w.equation_text(), w.numbers_text(), w.which_label.text(), w.narration_text())


def step_to(session, kind, l=None, limit=500):
    for _ in range(limit):
        record = session.step()
        if record.kind is kind and (l is None or record.l == l):
            return record
    raise AssertionError(f"no {kind} record within {limit} steps")


def test_markup_renders_to_plain_unicode_and_html():
    assert to_plain("δ^{2}_{3} = σ'(z^{2}_{3})") == "δ²₃ = σ'(z²₃)"
    assert to_plain("w^{3}_{12,3}") == "w³₁₂,₃"
    assert "<sup>2</sup>" in to_html("δ^{2}") and "<sub><i>j</i></sub>" in to_html("b_{j}")
    assert format_number(-0.06123) == "−0.0612"
    assert format_number(1.23456) == "1.235"
    assert format_number(0.0) == "0" and format_number(1.0) == "1" and format_number(3.0) == "3"
    assert format_number(0.9999999) == "1.00" and format_number(17.99999) == "18.00"
    assert format_number(2.5e-5) == "2.50×10⁻⁵"
    assert format_number(float("nan")) == "NaN"


def test_before_the_first_step_the_feedforward_equation_is_dimmed_with_a_hint(panel):
    session, w = panel
    assert w.active_equation() == ""
    assert w.numbers_text() == ""
    assert "Press → to take the first step" in w.numbers_label.text()
    assert w.equation_text().startswith("a² = σ(")
    assert theme.current().muted in w.equation_label.styleSheet()
    assert not any(row.active for row in w.rows.values())


def test_bp2_is_active_and_its_numbers_come_from_the_record(panel):
    session, w = panel
    record = step_to(session, Kind.BACKPROP_ERROR)
    l = record.l
    assert w.active_equation() == "BP2"
    assert w.rows["BP2"].active and not w.rows["BP1"].active
    assert w.equation_text() == f"δ{to_plain(f'^{{{l}}}')} = ((w{to_plain(f'^{{{l + 1}}}')})ᵀδ" \
                                f"{to_plain(f'^{{{l + 1}}}')}) ⊙ σ'(z{to_plain(f'^{{{l}}}')})"
    delta = record["delta"].ravel()
    j = int(np.argmax(np.abs(delta)))  # no neuron selected: the largest |δ|
    text = w.numbers_text()
    J = j + 1  # the book counts neurons from 1
    assert text.startswith(to_plain(f"δ^{{{l}}}_{{{J}}} = (Σ_{{k}} w^{{{l + 1}}}_{{k{J}}}"))
    assert f"({format_number(record['wtd'][j, 0])}) · {format_number(record['sp'][j, 0])}" in text
    assert text.endswith(f"= {format_number(delta[j])}")
    assert "largest |δ|" in w.which_label.text() and f"neuron j={J} of layer l={l}" in w.which_label.text()

    # a selected neuron in that layer wins over the largest |δ|
    other = (j + 1) % len(delta)
    session.select((l, other))
    assert w.numbers_text().endswith(f"= {format_number(delta[other])}")
    assert "selected" in w.which_label.text()


def test_feedforward_bp1_bp3_bp4_and_update_numbers(panel):
    session, w = panel
    net = session.net
    ff = step_to(session, Kind.FEEDFORWARD, 2)
    j = int(np.argmax(np.abs(ff["z"].ravel())))
    assert w.active_equation() == "feedforward"
    assert f"σ({format_number(ff['z'][j, 0])}) = {format_number(ff['a'][j, 0])}" in w.numbers_text()
    assert format_number(net.weights[0][j, 0]) in w.numbers_text()  # the weights, term by term

    out = step_to(session, Kind.OUTPUT_ERROR)
    j = int(np.argmax(np.abs(out["delta"].ravel())))
    assert w.active_equation() == "BP1"
    y = session.engine.Y[session.engine.current_example_index(), j]
    assert f"− {format_number(y)}) · {format_number(out['sp'][j, 0])} = {format_number(out['delta'][j, 0])}" \
        in w.numbers_text()

    gb = step_to(session, Kind.GRADIENT_B)
    assert w.active_equation() == "BP3"
    j = int(np.argmax(np.abs(gb["nabla_b"].ravel())))
    assert f"= {format_number(gb['nabla_b'][j, 0])}" in w.numbers_text()

    gw = step_to(session, Kind.GRADIENT_W)
    assert w.active_equation() == "BP4"
    j, k = np.unravel_index(int(np.argmax(np.abs(gw["nabla_w"]))), gw["nabla_w"].shape)
    a_prev = session.engine.current("a", gw.l - 1)
    delta = session.engine.current("delta", gw.l)
    assert (f"({format_number(a_prev[k, 0])})({format_number(delta[j, 0])}) = "
            f"{format_number(gw['nabla_w'][j, k])}") in w.numbers_text()

    up = step_to(session, Kind.UPDATE)
    assert w.active_equation() == "update"
    j, k = np.unravel_index(int(np.argmax(np.abs(up["dw"]))), up["dw"].shape)
    old = up["w"][j, k] - up["dw"][j, k]
    text = w.numbers_text()
    assert text.startswith(to_plain(f"w^{{{up.l}}}_{{{j + 1}{k + 1}}} → "))
    assert f"{format_number(old)} − ({format_number(session.engine.eta)}/{up.batch_size})" in text
    assert text.endswith(format_number(up["w"][j, k]))


def test_cross_entropy_bp1_is_a_minus_y(qtbot):
    theme.apply()
    session = Session(SessionConfig(cost="cross-entropy", seed=2))
    w = EquationPanel(session)
    qtbot.addWidget(w)
    record = step_to(session, Kind.OUTPUT_ERROR)
    assert w.equation_text().endswith("− y")
    j = int(np.argmax(np.abs(record["delta"].ravel())))
    assert w.numbers_text().endswith(f"= {format_number(record['delta'][j, 0])}    (σ' cancels)")
    assert "cross-entropy" in w.narration_text()


def test_narration_follows_the_kind_and_the_shipped_file_is_the_built_in_text(panel):
    session, w = panel
    texts, problems = read_texts(REPO_NARRATION)
    assert problems == [] and texts == BUILT_IN  # the shipped file says what the built-in text says
    assert {k.value for k in Kind} <= set(texts["narration"])
    data = load_texts()
    L = session.net.num_layers
    seen = {}
    for _ in range(60):
        record = session.step()
        f = session.net.layer_activation(record.l - 2).symbol if record.l >= 2 else "σ"
        expected = data["narration"][record.kind.value].format(
            l=record.l, L=L, next=record.l + 1, prev=record.l - 1, m=record.batch_size, f=f)
        assert w.narration_text() == expected
        assert w.narration_label.text() == expected
        seen[record.kind] = w.narration_text()
    assert len(set(seen.values())) == len(seen) >= 6
    assert "layer 3 weighted" in narration_for(Kind.BACKPROP_ERROR, 2, 4, 10)


def test_a_whole_minibatch_lights_every_equation_and_back_follows(panel):
    session, w = panel
    session.set_granularity("minibatch")
    record = session.step()
    assert record.kind is Kind.BATCH
    assert w.active_equation() == "minibatch"
    assert all(row.active for row in w.rows.values())
    assert w.numbers_text().startswith(f"C = 1/m Σₓ Cₓ = {format_number(float(record['cost']))}")
    assert "moved by" in w.numbers_text()  # the engine's mean gradient of this very minibatch
    first = shown(w)
    session.step()
    assert shown(w) != first
    session.back()  # the first minibatch again, its own gradient restored by the engine
    assert shown(w) == first
    session.back()
    assert w.active_equation() == ""


def test_clicking_an_equation_explains_it(panel, qtbot):
    from PyQt6.QtCore import Qt

    session, w = panel
    w.show()
    qtbot.waitExposed(w)
    qtbot.mouseClick(w.rows["BP4"], Qt.MouseButton.LeftButton)
    assert w.explain_label.text() == load_texts()["explain"]["BP4"]
    assert w.rows["BP3"].toolTip() == load_texts()["explain"]["BP3"]
    assert not w.rows["BP4"].active  # reading about an equation does not make it the active one


def test_renders_for_every_kind_without_qt_warnings(panel, qtbot, tmp_path):
    session, w = panel
    w.show()
    qtbot.waitExposed(w)
    for _ in range(3 * 13 + 3):
        session.step()
        assert w.grab().width() == w.width()
    session.set_granularity("epoch")
    session.step()
    w.grab().save(str(tmp_path / "eq.png"))


def test_a_selected_neuron_is_numbered_from_one_like_the_book(panel):
    """session.selected = (l, 2) is array index 2: the book's third neuron, δ^l_3."""
    session, w = panel
    record = step_to(session, Kind.BACKPROP_ERROR)
    l = record.l
    session.select((l, 2))
    sub = to_plain(f"^{{{l}}}_{{3}}")
    assert w.numbers_text().startswith(f"δ{sub} = (Σₖ w{to_plain(f'^{{{l + 1}}}')}ₖ₃ δ")
    assert f"σ'(z{sub})" in w.numbers_text()
    assert w.numbers_text().endswith(f"= {format_number(record['delta'][2, 0])}")
    assert w.which_label.text().startswith(f"neuron j=3 of layer l={l}")
    gw = step_to(session, Kind.GRADIENT_W, l)
    k = int(np.argmax(np.abs(session.net.weights[l - 2][2])))
    text = w.numbers_text()
    assert text.startswith(to_plain(f"∂C/∂w^{{{l}}}_{{3{k + 1}}} = a^{{{l - 1}}}_{{{k + 1}}} δ^{{{l}}}_{{3}}"))
    assert text.endswith(format_number(gw["nabla_w"][2, k]))
    assert f"neuron j=3's strongest incoming weight, from k={k + 1}" in w.which_label.text()


def test_two_digit_indices_are_separated_by_a_comma(qtbot):
    """digits: 64 inputs, so k reaches two digits: w^2_{11,k} is written with a comma, w^3_{jk} without."""
    theme.apply()
    session = Session(SessionConfig(dataset="digits", sizes=(64, 12, 10), seed=1))
    w = EquationPanel(session)
    qtbot.addWidget(w)
    session.select((2, 10))  # the book's neuron j = 11 of layer 2
    step_to(session, Kind.FEEDFORWARD, 2)
    assert w.numbers_text().startswith("z²₁₁ = Σₖ w²₁₁,ₖ a¹ₖ + b²₁₁ = ")
    step_to(session, Kind.GRADIENT_W, 2)
    k = int(np.argmax(np.abs(session.net.weights[0][10])))
    assert w.numbers_text().startswith(to_plain(f"∂C/∂w^{{2}}_{{11,{k + 1}}} = a^{{1}}_{{{k + 1}}} δ^{{2}}_{{11}}"))
    session.select((3, 2))
    assert "largest |∂C/∂w|" in w.which_label.text()  # the selection is not next to this layer now
    session.select((2, 2))
    k = int(np.argmax(np.abs(session.net.weights[0][2])))
    want = f"{3}{k + 1}" if k + 1 < 10 else f"3,{k + 1}"
    assert w.numbers_text().startswith(to_plain(f"∂C/∂w^{{2}}_{{{want}}} = "))
    session.shutdown()


def test_without_a_selection_the_gradient_shown_is_the_largest_one(qtbot):
    """BP4 for one example is δ a^T: the weight shown is where |∂C/∂w| is largest (found from δ and a, the
    matrix unread), and the update step shows the weight that moved most."""
    theme.apply()
    session = Session(SessionConfig(dataset="digits", sizes=(64, 12, 10), seed=2))
    w = EquationPanel(session)
    qtbot.addWidget(w)
    for l in (3, 2):
        gw = step_to(session, Kind.GRADIENT_W, l)
        nw = np.abs(gw["nabla_w"])
        j, k = np.unravel_index(int(np.argmax(nw)), nw.shape)
        assert f"weight from neuron k={k + 1} of layer {l - 1} to neuron j={j + 1} of layer {l}" in w.which_label.text()
        assert w.numbers_text().endswith(format_number(gw["nabla_w"][j, k]))
    up = step_to(session, Kind.UPDATE, 3)
    dw = np.abs(up["dw"])
    j, k = np.unravel_index(int(np.argmax(dw)), dw.shape)
    assert f"to neuron j={j + 1} of layer 3" in w.which_label.text() and "moved most" in w.which_label.text()
    session.shutdown()


def test_after_back_the_panel_shows_every_number_it_showed(panel):
    """← after → gives back the very texts, across the update that ends a minibatch (the panel once hid
    the engine's stale gradient behind flags and fell back to 'w + Δw')."""
    session, w = panel
    history = []
    for _ in range(140):  # past the first minibatch's updates, into the second
        session.step()
        history.append(shown(w))
    assert any("η/m Σₓ ∂Cₓ/∂w" in text[2] for text in history)
    for expected in reversed(history[:-1]):
        session.back()
        assert shown(w) == expected
    session.set_granularity("minibatch")  # ← undoes one whole-minibatch pass
    session.step()
    first = shown(w)
    session.step()
    session.back()
    assert shown(w) == first


def test_a_tanh_network_is_written_with_tanh_everywhere(qtbot):
    theme.apply()
    session = Session(SessionConfig(seed=3, activation="tanh"))
    w = EquationPanel(session)
    qtbot.addWidget(w)
    record = step_to(session, Kind.BACKPROP_ERROR)
    assert "tanh'(z" in w.equation_text() and "tanh'(z" in w.numbers_text() and "tanh'(z)" in w.narration_text()
    session.set_granularity("minibatch")
    while not session.engine.at_batch_start:
        session.back()
    session.step()
    eq = w.equation_text()
    assert "tanh(wˡAˡ⁻¹ + bˡ) (σ at l = 4)" in eq and "tanh'(Zˡ)" in eq and "σ'(Z⁴)" in eq
    assert record.l >= 2
    session.shutdown()


def test_the_narration_says_what_one_press_does_at_each_granularity(panel):
    session, w = panel
    texts = load_texts()
    assert w.narration_text().startswith("Nothing has happened yet. Each → is one line")
    session.set_granularity("epoch")  # no step yet: the narration follows at once
    assert "Each → is one epoch" in w.narration_text() and "one training example x" not in w.narration_text()
    session.step()
    assert w.narration_text() == texts["narration"]["epoch"].format(epoch=1, batches=session.engine.batches_per_epoch)
    session.set_granularity("minibatch")
    session.step()
    assert w.narration_text().startswith("A whole minibatch of 10 examples")


def test_a_lesson_is_told_in_the_narration_area_true_to_the_granularity(qtbot):
    from visualbp.core.demos import get_demo
    theme.apply()
    demo = get_demo("slow-quadratic")
    session = Session(demo.config())
    w = EquationPanel(session)
    qtbot.addWidget(w)
    session.set_granularity(demo.granularity)
    w.set_lesson(demo.title, demo.description, demo.granularity)
    assert w.lesson_shown() and w.narration_text() == f"{demo.title}. {demo.description}"
    session.set_granularity("layer")  # the paragraph said each → is one epoch: no longer
    text = w.narration_text()
    assert "each → is one epoch" not in text and "σ'(z) ≈ 0" in text
    assert "Now: Each → is one line of the book's pseudocode" in text and "one epoch per →" in text
    session.step()
    assert not w.lesson_shown() and w.narration_text().startswith("Put one training example x")
    session.back()  # back where the lesson opened: its paragraph again
    assert w.lesson_shown() and w.narration_text() == text
    session.shutdown()


@pytest.mark.parametrize("content,key", [
    ("{not json", "not valid JSON"),
    ('["a list"]', "must hold a JSON object"),
    (None, "key 'narration.update' is missing"),
    ({"narration": {"update": 3}}, "key 'narration.update' must be text, got int"),
    ({"narration": {"update": "a { brace"}}, "key 'narration.update' has a broken {placeholder}"),
    ({"explain": "text"}, "key 'explain' must be an object"),
    ({"start_hint": ["x"]}, "key 'start_hint' must be text"),
])
def test_a_broken_narration_file_names_the_file_and_the_key_and_the_built_in_text_is_used(
        qtbot, tmp_path, monkeypatch, content, key):
    from visualbp.gui import narration
    data = json.loads(json.dumps(BUILT_IN))
    if content is None:
        del data["narration"]["update"]
    elif isinstance(content, dict):
        for section, value in content.items():
            if isinstance(value, dict):
                data[section].update(value)
            else:
                data[section] = value
    path = tmp_path / "narration.json"
    path.write_text(content if isinstance(content, str) else json.dumps(data), "utf-8")
    texts, problems = read_texts(path)
    assert len(problems) == 1 and str(path) in problems[0] and key in problems[0], problems
    assert texts == BUILT_IN  # every broken text replaced by the built-in one
    # the window: the message in the panel, and every kind of step narrated (no KeyError at the first)
    monkeypatch.setattr(narration, "_resource_path", lambda: path)
    narration._loaded.cache_clear()
    try:
        theme.apply()
        session = Session(SessionConfig(seed=3))
        w = EquationPanel(session)
        qtbot.addWidget(w)
        assert key in w.explain_label.text() and "narration.json" in w.explain_label.text()
        for _ in range(40):
            session.step()
            assert w.narration_text() and "{" not in w.narration_text()
        session.shutdown()
    finally:
        narration._loaded.cache_clear()


def test_a_narration_path_that_is_not_a_regular_file_is_refused_unread(tmp_path):
    import os
    fifo = tmp_path / "narration.json"
    os.mkfifo(fifo)
    texts, problems = read_texts(fifo)  # would block forever if opened
    assert texts == BUILT_IN and "not a regular file" in problems[0] and str(fifo) in problems[0]
    texts, problems = read_texts(tmp_path / "missing.json")
    assert texts == BUILT_IN and "not found" in problems[0]


def test_a_whole_minibatch_in_a_short_laptop_panel_is_never_drawn_over_itself(qtbot):
    """The matrix-form step is five word-wrapped texts; in a panel too short for them they were squeezed over
    each other at 1366×768. Now the type shrinks a little and the rest scrolls: each text keeps its height."""
    from visualbp.core.config import SessionConfig
    from visualbp.gui.equation_panel import EquationPanel
    from visualbp.gui.session import Session

    theme.apply()
    session = Session(SessionConfig(dataset="digits", sizes=(64, 30, 10), seed=1))
    w = EquationPanel(session)
    qtbot.addWidget(w)
    w.resize(720, 230)
    w.show()
    qtbot.waitExposed(w)
    session.finish_batch()
    qtbot.wait(20)
    labels = [w.title_label, w.equation_label, w.numbers_label, w.which_label, w.narration_label]
    for upper, lower in zip(labels, labels[1:]):
        assert upper.geometry().bottom() < lower.geometry().top(), (upper.text()[:30], lower.text()[:30])
    for label in labels:
        if label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width()) - 1
    session.shutdown()


def test_in_a_narrow_panel_no_line_is_wider_than_what_shows(panel, qtbot):
    """At 1280×720 the equation panel is ~640 px wide and its step column ~340: a one-line title or 'which
    neuron' line wider than that made the whole column wider than its viewport, and every line, the wrapped
    narration included, was cut at the right edge."""
    session, widget = panel
    widget.resize(640, 230)
    widget.show()
    qtbot.waitExposed(widget)
    scroll = widget.findChild(QScrollArea)
    body, viewport = scroll.widget(), scroll.viewport()
    for _ in range(40):  # an example's feedforward and backward pass, each kind of line
        session.step()
        qtbot.wait(1)
        assert body.width() <= viewport.width(), (session.engine.last_record.describe(), body.width())
