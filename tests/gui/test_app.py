"""The command line: demos, --lecture, and one-line errors for bad values (exit code 2, no traceback)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from visualbp.app import build_parser, config_from_args, main, open_lesson, settings_from_args
from visualbp.core.config import build, defaults_for, load_dataset
from visualbp.core.demos import get_demo, list_demos
from visualbp.gui import theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.session import Granularity

ROOT = Path(__file__).resolve().parents[2]


def args_of(*argv: str):
    return build_parser().parse_args(list(argv))


def lesson(qtbot, tmp_path, *argv: str):
    """The window and session ``visualbp ARGV`` opens (built as for --screenshot: no layout memory, no autosave)."""
    theme.apply()
    args = args_of(*argv, "--screenshot", str(tmp_path / "unused.png"))
    config, demo = settings_from_args(args)
    window, session = open_lesson(args, config, demo)
    qtbot.addWidget(window)
    return window, session, demo


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("visualbp: ") and "Traceback" not in captured.err
    return lines[0]


# ----------------------------------------------------------------- listing and choosing demos
@pytest.mark.parametrize("argv", [["--demo", "list"], ["--list-demos"]])
def test_listing_the_demos_prints_one_line_each(argv, capsys):
    assert main(argv) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in out] == [d.name for d in list_demos()]
    assert any("Vanishing error in a deep sigmoid net" in line for line in out)


def test_an_unknown_demo_exits_2_listing_the_names(capsys):
    assert main(["--demo", "backprop-for-cats"]) == 2
    line = one_error_line(capsys)
    assert "'backprop-for-cats'" in line
    for demo in list_demos():
        assert demo.name in line


# ----------------------------------------------------------------- bad values
@pytest.mark.parametrize("argv, words", [
    (["--layers", "a,b"], ["--layers", "'a'", "whole number"]),
    (["--layers", "0"], ["--layers", "at least 1"]),
    (["--layers", "2,-3,2"], ["--layers", "layer 2", "at least 1"]),
    (["--eta", "nan"], ["--eta", "finite"]),
    (["--eta", "-1"], ["--eta", "greater than 0"]),
    (["--eta", "fast"], ["--eta", "must be a number, got 'fast'"]),
    (["--batch", "0"], ["--batch", "from 1 to 1,000,000"]),
    (["--epochs", "0"], ["--epochs", "from 1 to 100,000"]),
    (["--epochs", "3000000000"], ["--epochs", "from 1 to 100,000", "3,000,000,000"]),
    (["--seed", "-5"], ["--seed", "-5"]),
    (["--seed", "4294967296"], ["--seed", "4,294,967,295"]),
    (["--lmbda", "-0.5"], ["--lmbda", "≥ 0"]),
    (["--lmbda", "inf"], ["--lmbda", "finite"]),
    (["--steps", "-1"], ["--steps", "from 0 to 10,000"]),
    (["--steps", "1000000000"], ["--steps", "from 0 to 10,000"]),
    (["--steps", "1e3"], ["--steps", "whole number from 0 to 10,000, got '1e3'"]),
    (["--layers", ""], ["--layers", "separated by commas"]),
    (["--layers", " , "], ["--layers", "separated by commas"]),
    (["--layers", "2," * 100 + "2"], ["--layers", "limit of 64"]),
    (["--layers", "9" * 400], ["--layers", "more than the limit of 100,000"]),
    (["--demo", ""], ["--demo", "empty"]),
    (["--screenshot", ""], ["--screenshot", "empty"]),
    (["--screenshot", "/no/such/folder/x.png"], ["--screenshot", "'/no/such/folder' does not exist"]),
    (["--screenshot", "picture.jpg"], ["--screenshot", "must end in .png"]),
    (["--dataset", "cifar"], ["--dataset", "invalid choice"]),
    (["--granularity", "layers"], ["--granularity", "invalid choice"]),
    (["--size", "big", "--screenshot", "x.png"], ["--size", "1600x1000"]),
    (["--demo", "mnist", "--layers", "784,30,3"], ["mnist", "last 10", "784, 30, 3"]),
])
def test_bad_values_exit_2_with_one_line_naming_the_problem(argv, words, capsys, qapp):
    assert main(argv) == 2
    line = one_error_line(capsys)
    for word in words:
        assert word in line, line


def test_layers_that_do_not_fit_the_data_exit_2(capsys, qapp):
    assert main(["--layers", "3,4,2", "--screenshot", "unused.png"]) == 2
    line = one_error_line(capsys)
    assert "first layer must be 2" in line and "[3, 4, 2]" in line


def test_help_and_version_exit_0(capsys):
    assert main(["--version"]) == 0
    assert "visualbp" in capsys.readouterr().out
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--demo" in out and "--lecture" in out


# ----------------------------------------------------------------- options, with and without a demo
def test_the_plain_options_still_build_the_configs_they_did():
    assert config_from_args(args_of()) == defaults_for("moons").validated()  # the 2-D sets' own settings
    assert config_from_args(args_of("--dataset", "xor")) == defaults_for("xor").validated()
    assert config_from_args(args_of("--dataset", "spiral", "--eta", "0.5")).eta == 0.5  # an option still wins
    assert config_from_args(args_of("--dataset", "spiral", "--eta", "0.5")).sizes == (2, 16, 16, 2)
    assert config_from_args(args_of("--dataset", "digits")).sizes == (64, 16, 10)
    assert config_from_args(args_of("--dataset", "mnist")).sizes == (784, 30, 10)
    config = config_from_args(args_of("--layers", "2; 8, 2", "--eta", "0.5", "--batch", "4", "--seed", "7",
                                      "--cost", "cross-entropy", "--lmbda", "0.1", "--epochs", "3"))
    assert (config.sizes, config.eta, config.mini_batch_size, config.seed, config.cost, config.lmbda,
            config.epochs) == ((2, 8, 2), 0.5, 4, 7, "cross-entropy", 0.1, 3)


def test_options_override_a_demo_and_keep_the_rest():
    config, demo = settings_from_args(args_of("--demo", "mnist", "--eta", "0.5"))
    assert demo.name == "mnist" and config.eta == 0.5 and config.sizes == (784, 30, 10)
    assert config.mini_batch_size == 10 and config.seed == get_demo("mnist").config().seed
    config, _ = settings_from_args(args_of("--demo", "vanishing", "--dataset", "moons"))
    assert config.sizes == (2, 30, 30, 30, 30, 2)  # the lesson's hidden layers, fitted to the new data


# ----------------------------------------------------------------- a demo opened in the window
def test_the_saturation_demo_opens_as_scripted(qtbot, tmp_path):
    window, session, demo = lesson(qtbot, tmp_path, "--demo", "saturation")
    config = demo.config()
    plain, _ = build(config, load_dataset(config))
    for w, p in zip(session.net.weights, plain.weights):
        np.testing.assert_allclose(w, 3.0 * p)
    # the learning curves start from the scaled network, not the one Session first built
    assert session.epoch_history[0].train_cost == pytest.approx(session.engine.evaluate().train_cost)
    assert session.granularity is Granularity.MINIBATCH
    bp = session.breakpoints
    assert bp.saturation_on and bp.saturation_layer == 2 and bp.saturation_fraction == 0.7
    assert not bp.delta_on and not bp.cost_rises
    assert demo.title in window.windowTitle()
    # the paragraph is in the narration area, not written twice: the status line says where the steps are
    assert window.equations.narration_text() == f"{demo.title}. {demo.description}"
    assert demo.description not in window.status_label.text() and not window.status_label.wordWrap()

    for _ in range(5):  # the fifth minibatch checks saturation: layer 2 is ~78% saturated
        session.step()
    assert "Breakpoint" in window.status_label.text() and "layer 2" in window.status_label.text()
    session.reset()  # Reset returns to the scaled weights
    for w, p in zip(session.net.weights, plain.weights):
        np.testing.assert_allclose(w, 3.0 * p)
    assert session.engine.step_index == 0
    session.shutdown()


def test_a_lessons_paragraph_goes_to_the_status_line_where_the_equation_panel_was_closed(qtbot, tmp_path):
    from visualbp.app import start_lesson

    window, session, demo = lesson(qtbot, tmp_path, "--demo", "minibatch")
    window.equation_dock.close()
    start_lesson(window, session, None, args_of("--steps", "0"))  # no lesson: nothing to say
    assert demo.description not in window.status_label.text()
    start_lesson(window, session, demo, args_of("--steps", "0"))
    shown = window.status_label.text()
    assert shown.startswith(demo.title) and window.status_label.wordWrap()
    assert "wˡ → wˡ − η/m" in shown  # the markup w^l written as wˡ
    session.step()
    assert not window.status_label.wordWrap()  # the paragraph gave way to the one-line status
    session.shutdown()


def test_the_vanishing_demo_pre_takes_its_minibatches(qtbot, tmp_path):
    batches = []
    window, session, demo = lesson(qtbot, tmp_path, "--demo", "vanishing", "--granularity", "layer",
                                   "--steps", "2")
    assert session.engine.batch == 20 and session.engine.step_index == 22  # 20 minibatches, then 2 records
    assert session.granularity is Granularity.RECORD  # --granularity wins after the demo's own steps
    assert session.net.sizes == [64, 30, 30, 30, 30, 10]
    session.batchesDone.connect(batches.extend)
    session.set_granularity("minibatch")
    session.step()  # finishes the minibatch under way, record by record
    norms = batches[-1].delta_norms
    assert norms[0] < norms[3] / 3  # ‖δ²‖ well below ‖δ⁵‖, as the lesson says
    session.shutdown()


def test_a_demo_starts_where_the_book_does(qtbot, tmp_path):
    window, session, demo = lesson(qtbot, tmp_path, "--demo", "one-example")
    assert session.granularity is Granularity.RECORD and session.engine.step_index == 0
    assert session.engine.mini_batch_size == 1 and session.net.sizes == [2, 3, 2]
    for _ in range(11):
        session.step()
    assert session.engine.at_batch_start and session.engine.batch == 1
    session.shutdown()


def test_lecture_calls_set_presentation_when_the_window_has_it(qtbot, tmp_path, monkeypatch):
    calls = []
    if not hasattr(MainWindow, "set_presentation"):
        monkeypatch.setattr(MainWindow, "set_presentation", lambda self, on: calls.append(on), raising=False)
    else:
        original = MainWindow.set_presentation
        monkeypatch.setattr(MainWindow, "set_presentation",
                            lambda self, on: (calls.append(on), original(self, on))[1])
    window, session, _ = lesson(qtbot, tmp_path, "--demo", "minibatch", "--lecture")
    assert calls == [True]
    session.shutdown()
    assert args_of().lecture is False and args_of("--lecture").lecture is True


def test_lecture_without_presentation_mode_is_ignored(qtbot, tmp_path, monkeypatch):
    if hasattr(MainWindow, "set_presentation"):
        monkeypatch.delattr(MainWindow, "set_presentation")
    window, session, _ = lesson(qtbot, tmp_path, "--lecture")
    assert window.session is session
    session.shutdown()


def test_main_renders_a_demo_screenshot_in_process(qapp, tmp_path, capsys):
    out = tmp_path / "one.png"
    assert main(["--demo", "fast-cross-entropy", "--steps", "1", "--screenshot", str(out), "--size", "900x600"]) == 0
    assert out.stat().st_size > 20_000
    assert "epoch 2" in capsys.readouterr().out  # one step of one epoch was taken


# ----------------------------------------------------------------- the real command
@pytest.mark.parametrize("argv", [["--steps", "5"], ["--demo", "vanishing"]])
def test_python_m_visualbp_writes_a_screenshot(argv, tmp_path):
    out = tmp_path / "out.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VISUALBP_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "visualbp", *argv, "--screenshot", str(out)],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert out.exists() and out.stat().st_size > 20_000


# ----------------------------------------------------------------- bounds shared with the core
@pytest.mark.parametrize("option, field, low, high", [
    ("--epochs", "epochs", "MIN_EPOCHS", "MAX_EPOCHS"),
    ("--batch", "mini_batch_size", "MIN_MINI_BATCH", "MAX_MINI_BATCH"),
    ("--seed", "seed", "MIN_SEED", "MAX_SEED"),
])
def test_the_command_line_and_the_core_config_share_one_set_of_bounds(option, field, low, high, capsys):
    from dataclasses import replace

    from visualbp.core import limits
    from visualbp.core.config import SessionConfig

    low, high = getattr(limits, low), getattr(limits, high)
    for value in (low, high):  # accepted by both, and the same number arrives in the config
        assert getattr(config_from_args(args_of(option, str(value))), field) == value
        assert getattr(replace(SessionConfig(), **{field: value}).validated(), field) == value
    for value in (low - 1, high + 1):  # refused by both
        assert main([option, str(value)]) == 2
        assert f"{high:,}" in one_error_line(capsys)
        with pytest.raises(ValueError, match=f"{high:,}"):
            replace(SessionConfig(), **{field: value}).validated()


def test_the_screenshot_path_is_checked_before_any_step_is_taken(tmp_path, capsys):
    """A wrong output path is refused at once, not after the steps: 10,000 MNIST epochs would take an hour."""
    t0 = time.perf_counter()
    assert main(["--dataset", "mnist", "--granularity", "epoch", "--steps", "10000",
                 "--screenshot", str(tmp_path / "missing" / "out.png")]) == 2
    assert time.perf_counter() - t0 < 10  # the limit is for a loaded machine; a step is ~0.3 s, 10,000 are an hour
    assert "missing" in one_error_line(capsys)
    (tmp_path / "folder.png").mkdir()
    assert main(["--screenshot", str(tmp_path / "folder.png")]) == 2
    assert "is a folder" in one_error_line(capsys)


def test_a_lesson_opened_from_the_command_line_explains_itself_in_the_narration_area(qtbot, tmp_path):
    from visualbp.app import start_lesson

    window, session, demo = lesson(qtbot, tmp_path, "--demo", "slow-quadratic")
    start_lesson(window, session, demo, args_of("--demo", "slow-quadratic"))
    assert window.equations.lesson_shown()
    assert window.equations.narration_text().startswith(demo.title)
    session.step()  # the first → moves on to the step's own narration
    assert not window.equations.lesson_shown()
    session.shutdown()


def test_the_screenshot_line_counts_presses_not_records(qapp, tmp_path, capsys):
    """`--demo minibatch --steps 5` made 55 records at example granularity; it was reported as 'after 55 steps'."""
    out = tmp_path / "m.png"
    assert main(["--demo", "minibatch", "--steps", "5", "--granularity", "example", "--screenshot", str(out),
                 "--size", "1280x800"]) == 0
    line = capsys.readouterr().out
    demo = get_demo("minibatch")
    expected = f"after the lesson's {demo.steps} steps ({demo.granularity}) and 5 steps (example)"
    if not demo.steps:
        expected = "after 5 steps (example)"
    head = line.split(":")[0].replace(str(out), "FILE")  # the temporary path may hold "55" (pytest-550)
    assert expected in line and "55" not in head


def test_the_saturation_lessons_scaled_weights_are_shown_in_setup_until_a_new_network(qtbot, tmp_path):
    window, session, demo = lesson(qtbot, tmp_path, "--demo", "saturation")
    note = window.setup_panel.init_note
    assert not note.isHidden() and f"× {demo.weight_scale:g}" in note.text()
    window.setup_panel.fields["seed"].widget.setText("2")
    assert window.setup_panel.apply()  # a new network: plain N(0, 1) weights again
    assert session.init_note is None and note.isHidden()
    session.shutdown()


@pytest.mark.parametrize("name, panel", [("big-picture", "big-picture"), ("why-fast", "race"),
                                         ("exercise", "exercise"), ("code", "code")])
def test_a_teaching_lesson_opens_its_panel_beside_the_graph(qtbot, tmp_path, name, panel):
    window, session, demo = lesson(qtbot, tmp_path, "--demo", name)
    try:
        window.show()
        qtbot.waitExposed(window)
        assert demo.panel == panel and window.teach.docks[panel].isVisible()
        assert set(window.teach.panels) >= {demo.panel}
        if name == "code":  # its two steps taken: feedforward into layer 2, highlighted in the code
            code = window.teach.panels["code"]
            line = code.listing.toPlainText().splitlines()[code.highlighted_lines()[0]]
            assert "z[l] = w[l] @ a[l - 1] + b[l]" in line
    finally:
        session.shutdown()


def test_every_lesson_panel_name_is_a_teach_panel():
    from visualbp.core.demos import PANELS as LESSON_PANELS
    from visualbp.gui.teach import PANELS

    assert set(LESSON_PANELS) == {name for name, *_ in PANELS}


@pytest.mark.parametrize("name, front", [("regression", "plots"), ("vanishing", "plots"), ("big-picture", "teach")])
def test_a_lesson_puts_what_it_is_about_in_front_on_a_small_screen(qapp, tmp_path, monkeypatch, name, front):
    """At 1024×768 Setup and Plots share one column as tabs; a lesson's story is in its plots (the fit, the
    cost, ‖δ‖) or in its Teach panel, so that is in front, not the setup the lesson has already chosen."""
    import visualbp.app as app_module

    seen = {}
    render = app_module.screenshot

    def checked(app, window, session, args, size=None):
        shutdown = session.shutdown

        def look_then_shut_down():  # the picture is taken, the window not yet closed
            seen["plots"] = not window.plots_dock.visibleRegion().isEmpty()  # tabbed behind another: empty
            seen["setup"] = not window.setup_dock.visibleRegion().isEmpty()
            shutdown()

        session.shutdown = look_then_shut_down
        return render(app, window, session, args, size)

    monkeypatch.setattr(app_module, "screenshot", checked)
    assert main(["--demo", name, "--steps", "2", "--screenshot", str(tmp_path / "l.png"), "--size", "1024x768"]) == 0
    assert not seen["setup"]
    assert seen["plots"] == (front == "plots")
