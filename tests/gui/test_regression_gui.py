"""Regression in the window: choosing the sine in the setup panel, the fit drawn live, the classification-only
views hidden or speaking of the fit, and the `regression` lesson with --steps and --screenshot."""

import time
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import Qt

import visualbp.core.demos as demos_module
from visualbp.app import build_parser, main, open_lesson, settings_from_args
from visualbp.core.functions import fit_curve
from visualbp.core.steps import Kind
from visualbp.gui import theme
from visualbp.gui.mistakes_panel import MistakesPanel

SHIPPED_LESSONS = Path(__file__).resolve().parents[2] / "resources" / "demos.json"


def window_for(qtbot, tmp_path, *argv: str):
    theme.apply()
    args = build_parser().parse_args([*argv, "--screenshot", str(tmp_path / "unused.png"), "--size", "1366x768"])
    config, demo = settings_from_args(args)
    window, session = open_lesson(args, config, demo)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window, session


def choose(combo, key: str) -> None:
    index = combo.findData(key)
    assert index >= 0, key
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a pick by the user emits


def wait_trained(qtbot, session, epochs: int) -> None:
    session.train(epochs)
    qtbot.waitUntil(lambda: not session.running, timeout=60_000)


def test_choosing_the_sine_in_the_setup_panel_trains_a_fit_drawn_live(qtbot, tmp_path):
    window, session = window_for(qtbot, tmp_path, "--dataset", "moons")
    panel, plots = window.setup_panel, window.plots
    assert plots.fit_card.isHidden() and not plots.boundary_card.isHidden()
    choose(panel.dataset_combo, "sine")
    assert panel.sizes_edit.text() == "1, 10, 1"  # the set's own network, pending until Apply
    assert panel.activation_combo.currentData() == "tanh" and panel.cost_combo.currentData() == "quadratic"
    assert "1 input, 1 output" in panel.sizes_info.text()
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    assert session.dataset.is_regression and session.net.output_activation.name == "linear"
    assert not plots.fit_card.isHidden() and plots.boundary_card.isHidden()
    assert plots.accuracy_card.title.text() == "Fit error (RMS)"
    x, a = plots.fit_card.curve_data()
    core_x, core_a = fit_curve(session.net, session.dataset)
    assert np.array_equal(x, core_x) and np.allclose(a, core_a, rtol=0, atol=1e-12)
    before = session.epoch_history[-1].val_rms
    assert plots.accuracy_card.text() == f"val {before:.3g}"

    wait_trained(qtbot, session, 20)
    plots.settle()
    x, a = plots.fit_card.curve_data()
    assert np.allclose(a, fit_curve(session.net, session.dataset)[1], rtol=0, atol=1e-12)  # the trained net's
    inside = (x > -np.pi) & (x < np.pi)
    assert np.sqrt(np.mean((a[inside] - np.sin(x[inside])) ** 2)) < 0.15  # the curve follows the sine now
    last = session.epoch_history[-1]
    assert last.val_rms < before / 10
    assert plots.accuracy_card.text() == f"val {last.val_rms:.3g}"
    epochs, rms = plots.accuracy_curve_data("validation")
    assert len(epochs) == len(session.epoch_history) and rms[-1] == pytest.approx(last.val_rms)

    # a step: the output neuron reads a^L beside its target y, never a class
    session.step()
    session.step()
    texts = window.network_view.labels.output_texts()
    assert len(texts) == 1 and texts[0].startswith("aL") and "target y" in texts[0] and "class" not in texts[0]

    # back to classes: the boundary and the accuracy return, the fit goes
    choose(panel.dataset_combo, "moons")
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    assert not session.dataset.is_regression
    assert plots.fit_card.isHidden() and not plots.boundary_card.isHidden()
    assert plots.accuracy_card.title.text() == "Accuracy" and plots.accuracy_card.text().endswith("%")
    session.shutdown()


def test_cross_entropy_with_the_linear_output_is_refused_and_nothing_changes(qtbot, tmp_path):
    window, session = window_for(qtbot, tmp_path, "--dataset", "sine")
    panel = window.setup_panel
    net = session.net
    choose(panel.cost_combo, "cross-entropy")
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    assert "cross-entropy cost needs outputs in (0, 1)" in panel.message.text()
    assert session.net is net and session.config.cost == "quadratic"
    session.shutdown()


def test_the_classification_only_views_stay_sensible_on_the_sine(qtbot, tmp_path):
    window, session = window_for(qtbot, tmp_path, "--dataset", "sine")
    mistakes = MistakesPanel(session)
    qtbot.addWidget(mistakes)
    mistakes.show()
    mistakes.refresh()
    assert "no classes" in mistakes.summary.text() and mistakes.list.count() == 0
    for name in ("big-picture", "race", "exercise", "code", "draw"):  # every Teach panel opens on it
        window.teach.show(name)
        qtbot.wait(20)
    for _ in range(12):
        session.step()
    session.finish_batch()
    window.plots.settle()
    assert window.plots.fit_card.curve_data()[0].size > 0
    assert window.grab().width() > 0
    session.shutdown()


@pytest.fixture
def shipped_lessons(monkeypatch):
    """The lessons of this checkout (an installed copy may be older)."""
    monkeypatch.setattr(demos_module, "lesson_file", lambda: SHIPPED_LESSONS)
    demos_module._load.cache_clear()
    yield
    demos_module._load.cache_clear()


def test_the_regression_lesson_is_listed_and_renders_after_its_steps(qapp, tmp_path, capsys, shipped_lessons):
    assert main(["--demo", "list"]) == 0
    listing = capsys.readouterr().out
    assert any(line.startswith("regression ") and "sine" in line for line in listing.splitlines())
    out = tmp_path / "regression.png"
    started = time.perf_counter()
    assert main(["--demo", "regression", "--steps", "40", "--screenshot", str(out), "--size", "1024x768"]) == 0
    assert time.perf_counter() - started < 120
    printed = capsys.readouterr().out
    assert "after 40 steps (minibatch)" in printed and "minibatch 8 · epoch 2" in printed
    assert out.stat().st_size > 20_000


def test_the_regression_lesson_narrates_bp1_without_sigma_prime(qtbot, tmp_path, shipped_lessons):
    window, session = window_for(qtbot, tmp_path, "--demo", "regression")
    equations = window.equations
    assert equations.lesson_shown() and "δ³ = a³ − y" in equations.narration_text()
    assert not window.plots.fit_card.isHidden()
    session.set_granularity("layer")
    kinds = [session.step().kind for _ in range(4)]  # input, feedforward into layers 2 and 3, then BP1
    assert kinds[-1] is Kind.OUTPUT_ERROR
    text = equations.narration_text()
    assert "f'(z) = 1" in text and "δ = a − y" in text and "σ'(z) factor" in text
    a_L, y = session.engine.current("a", 3), session.engine.Y[session.engine.current_example_index()]
    assert session.engine.current("delta", 3)[0, 0] == pytest.approx(a_L[0, 0] - y[0], rel=1e-14)
    session.shutdown()


def _with_header(path: Path, out: Path, edit) -> Path:
    """A copy of the session file ``path`` whose JSON header ``edit(header)`` changed."""
    import io
    import json
    import zipfile

    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i) for i in z.infolist()}
    header = json.loads(np.load(io.BytesIO(items["__header__.npy"])).tobytes())
    edit(header)
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8))
    items["__header__.npy"] = buffer.getvalue()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    return out


@pytest.mark.parametrize("where, value, words", [
    (("epoch_history", 1, "val_rms"), -0.5, "val_rms must be a finite number from 0"),
    (("epoch_history", 0, "train_rms"), "0.1", "train_rms must be a number"),
    (("epoch_history", 1, "train_rms"), float("inf"), "train_rms must be a finite number"),
    (("config", "dataset"), "sine2", "unknown dataset 'sine2'"),
    (("config", "cost"), "cross-entropy", "cross-entropy cost needs outputs in"),
    (("config", "sizes"), [1, 10, 2], "w1 has shape"),
])
def test_a_sine_session_reopens_with_its_fit_and_hostile_values_are_refused_unchanged(qtbot, tmp_path, where,
                                                                                       value, words):
    window, session = window_for(qtbot, tmp_path, "--dataset", "sine")
    session.set_granularity("epoch")
    session.step()
    session.step()
    saved = tmp_path / "sine.vbp"
    session.save(str(saved))
    history = list(session.epoch_history)
    session.open(str(saved))
    assert session.dataset.is_regression and session.net.output_activation.name == "linear"
    assert [h.val_rms for h in session.epoch_history] == [h.val_rms for h in history]
    assert not window.plots.fit_card.isHidden() and window.plots.accuracy_card.title.text() == "Fit error (RMS)"
    window.plots.settle()
    assert np.allclose(window.plots.fit_card.curve_data()[1], fit_curve(session.net, session.dataset)[1])

    def edit(header):
        node = header
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = value

    bad = _with_header(saved, tmp_path / "bad.vbp", edit)
    net, engine, weights = session.net, session.engine, [w.copy() for w in session.net.weights]
    with pytest.raises(ValueError, match=words):
        session.open(str(bad))
    assert session.net is net and session.engine is engine
    assert all(np.array_equal(a, b) for a, b in zip(session.net.weights, weights))
    session.shutdown()
