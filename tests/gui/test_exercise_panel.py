"""Exercise mode through the real widgets: type a prediction, check it, the step is revealed and scored."""

import pytest
from PyQt6.QtCore import Qt

from visualbp.core.config import SessionConfig
from visualbp.core.readout import readout
from visualbp.core.steps import Kind
from visualbp.gui.exercise_panel import ExercisePanel
from visualbp.gui.notation import equation_number, number
from visualbp.gui.session import Session


@pytest.fixture
def panel(qtbot):
    session = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    p = ExercisePanel(session)
    qtbot.addWidget(p)
    p.show()
    yield p
    session.shutdown()


def type_and_check(qtbot, panel, text):
    panel.entry.clear()
    if text.isascii():
        qtbot.keyClicks(panel.entry, text)
    else:  # Qt's test keyboard has ASCII keys only: a typed − arrives as inserted text
        panel.entry.insert(text)
    qtbot.keyClick(panel.entry, Qt.Key.Key_Return)


def test_a_right_prediction_is_scored_and_the_step_revealed(panel, qtbot):
    panel.start_lesson("output-error")
    s = panel.session
    q = panel.question
    assert q.kind is Kind.OUTPUT_ERROR and q.symbol == "δ^3_1"
    before = s.engine.step_index
    with qtbot.waitSignal(panel.answered) as got:
        type_and_check(qtbot, panel, repr(q.answer * 1.005))  # within 1 %
    assert got.args[0].right
    assert s.engine.step_index == before + 1 and s.engine.last_record.kind is Kind.OUTPUT_ERROR
    r = readout(s.engine, s.engine.last_record, s.selected)
    assert r.values["delta"] == q.answer  # the window now shows the number that was asked for
    assert "✓ Right" in panel.verdict.text() and number(q.answer, 4) in panel.verdict.text()
    working = panel.working.text()  # the working: BP1's operands as the equation panel writes them
    assert "Working" in working and equation_number(q.readout["fp"]) in working
    assert equation_number(q.readout["a"]) in working
    assert panel.scores.score("output-error") == (1, 1)
    assert "Lesson done: 1 of 1 right" in panel.prompt.text()
    assert not panel.entry.isEnabled()


def test_wrong_answers_fractions_and_unreadable_input(panel, qtbot):
    panel.start_lesson("gradient-descent-step")  # two questions: the new w of layers 2 and 3
    q = panel.question
    assert q.kind is Kind.UPDATE
    type_and_check(qtbot, panel, "3/4 of it")
    assert "is not a number" in panel.message.text()
    assert panel.entry.text() == "3/4 of it"  # nothing typed is lost
    assert panel.scores.score("gradient-descent-step") == (0, 0) and panel.question is q
    wrong = "−3/4" if abs(q.answer + 0.75) > 0.01 else "1/2"
    with qtbot.waitSignal(panel.answered) as got:
        type_and_check(qtbot, panel, wrong)
    assert not got.args[0].right and panel.message.text() == ""
    assert "✗ Not quite" in panel.verdict.text()
    assert panel.question.kind is Kind.UPDATE and panel.question.l == 3  # the second question
    assert "question 2 of 2" in panel.prompt.text()
    type_and_check(qtbot, panel, repr(panel.question.answer))
    assert panel.scores.score("gradient-descent-step") == (1, 2)


def test_practice_follows_the_arrow_key_and_reveal_does_not_score(panel, qtbot):
    s = panel.session
    assert panel.question is None and "nothing to predict" in panel.prompt.text()  # next is a¹ = x
    panel.reveal()
    assert s.engine.last_record.kind is Kind.INPUT
    assert panel.question.kind is Kind.FEEDFORWARD and panel.question.l == 2
    s.step()  # → pressed in the window: the question moves on to the next step
    assert panel.question.l == 3
    panel.reveal()
    assert s.engine.last_record.kind is Kind.FEEDFORWARD and s.engine.last_record.l == 3
    assert "Revealed" in panel.verdict.text()
    assert panel.scores.score("practice") == (0, 0)
    s.back()
    assert panel.question.l == 3 and panel.question.kind is Kind.FEEDFORWARD


def test_scores_are_kept_per_lesson(panel, qtbot):
    panel.start_lesson("output-error")
    type_and_check(qtbot, panel, repr(panel.question.answer))
    panel.start_lesson("backprop-error-tanh")
    assert panel.question.kind is Kind.BACKPROP_ERROR and "tanh" in panel.session.net.describe()
    type_and_check(qtbot, panel, "12")
    assert panel.scores.score("output-error") == (1, 1)
    assert panel.scores.score("backprop-error-tanh") == (0, 1)
    assert "0 of 1 right" in panel.score.text() and "output-error: 1/1" in panel.score.text()
    panel.lesson_box.setCurrentIndex(0)
    panel.start_button.click()  # practice on the lesson's network
    assert panel.lesson is None and panel.question is not None


def test_the_question_takes_the_dark_themes_colours_when_it_changes(panel, qtbot):
    from visualbp.gui import theme

    session = panel.session
    session.step()  # feedforward into layer 2 taken: the next step asks for a number
    assert panel.question is not None
    light = panel.prompt.text()
    try:
        theme.apply(theme.DARK)
        dark = panel.prompt.text()
        assert "rgb(63, 156, 197)" in dark  # DARK.positive, darkened as results are: readable on its background
        assert "rgb(24, 80, 160)" not in dark and dark != light  # not the light default's dark blue
        assert theme.DARK.muted in panel.rule.styleSheet()
    finally:
        theme.apply(theme.LIGHT)
    assert panel.prompt.text() == light
