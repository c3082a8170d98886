"""The lessons modified-neuron and linear-neurons through the command line and the window: each opens at its BP2
step, writes its neuron's f' in the equation panel, marks the modified neurons on the graph, and renders with
``--steps N --screenshot FILE``."""

import pytest
from PyQt6.QtGui import QImage

from visualbp.app import build_parser, main, open_lesson, settings_from_args
from visualbp.gui import theme


def lesson(qtbot, tmp_path, *argv: str):
    theme.apply()
    args = build_parser().parse_args([*argv, "--screenshot", str(tmp_path / "unused.png")])
    config, demo = settings_from_args(args)
    window, session = open_lesson(args, config, demo)
    qtbot.addWidget(window)
    return window, session, demo


def _panel(window) -> str:
    eq = window.equations
    return eq.equation_text() + "\n" + eq.numbers_text() + "\n" + eq.narration_text()


def test_modified_neuron_opens_at_its_bp2_with_tanh_prime_and_the_mark(qtbot, tmp_path):
    window, session, demo = lesson(qtbot, tmp_path, "--demo", "modified-neuron")
    try:
        assert session.selected == (2, 1)
        text = _panel(window)
        assert "δ²₂ = (Σₖ w³ₖ₂ δ³ₖ) · tanh'(z²₂)" in text and "f per neuron: σ; tanh at j = 2" in text
        assert window.network_view.neuron_menu.mark_text(2, 1) == "tanh"
        assert demo.title in window.windowTitle() and "single modified neuron" in text
    finally:
        session.shutdown()


def test_linear_neurons_opens_at_bp2_multiplying_by_one(qtbot, tmp_path):
    window, session, _ = lesson(qtbot, tmp_path, "--demo", "linear-neurons")
    try:
        text = _panel(window)
        assert "δ² = ((w³)ᵀδ³) ⊙ id'(z²)" in text and "· 1 = " in text
    finally:
        session.shutdown()


@pytest.mark.parametrize("name", ["modified-neuron", "linear-neurons"])
def test_the_lessons_render_with_steps_and_screenshot(qapp, tmp_path, capsys, name):
    out = tmp_path / f"{name}.png"
    assert main(["--demo", name, "--steps", "3", "--screenshot", str(out), "--size", "1366x768"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    printed = capsys.readouterr().out
    assert "the lesson's 5 steps (layer) and 3 steps (layer): BP3 (gradients) · layer l=2" in printed
