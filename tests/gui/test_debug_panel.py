"""The debug panel: breakpoint widgets ↔ session.breakpoints, a breakpoint that fires, the speed of backprop,
and kept runs that overlay the plots, survive a new network and are saved with the session."""

import json
import re
import sys
from dataclasses import replace

import numpy as np
import pytest

from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.debug_panel import DebugPanel, format_seconds, parameter_count, run_label
from visualbp.gui.plots import PlotsPanel
from visualbp.gui.session import Session


@pytest.fixture(autouse=True)
def _theme():
    theme.apply()


def make(qtbot, config: SessionConfig | None = None, plots: bool = True):
    session = Session(config or SessionConfig(dataset="moons", seed=1))
    panel_plots = PlotsPanel(session) if plots else None
    panel = DebugPanel(session)
    qtbot.addWidget(panel)
    if panel_plots is not None:
        qtbot.addWidget(panel_plots)
    panel.resize(330, 760)
    panel.show()
    qtbot.waitExposed(panel)
    return session, panel, panel_plots


def train_now(session: Session, epochs: int) -> None:
    session.engine.run_epochs(epochs)
    session._deliver()


# ----------------------------------------------------------------- breakpoints
def test_breakpoint_widgets_write_the_model_and_show_it(qtbot):
    session, panel, _ = make(qtbot, SessionConfig(dataset="moons", sizes=(2, 5, 4, 2), seed=1))
    bp = session.breakpoints
    panel.cost_box.setChecked(True)
    panel.sat_box.setChecked(True)
    panel.sat_layer.setValue(3)
    panel.sat_neuron.setValue(2)  # shown j = 2: the second neuron, array index 1
    panel.delta_box.setChecked(True)
    panel.delta_layer.setValue(4)
    for field, text in ((panel.sat_fraction, "75"), (panel.sat_threshold, "5"), (panel.delta_value, "2.5e-3")):
        field.setText(text)
        field.textEdited.emit(text)
    assert (bp.cost_rises, bp.saturation_on, bp.saturation_layer, bp.saturation_neuron) == (True, True, 3, 1)
    assert (bp.saturation_fraction, bp.saturation_threshold) == (0.75, 0.05)
    assert (bp.delta_on, bp.delta_layer, bp.delta_below) == (True, 4, 2.5e-3)
    assert panel.sat_neuron.text() == "j = 2"
    panel.sat_neuron.setValue(0)
    assert bp.saturation_neuron is None and panel.sat_neuron.text() == "whole layer"
    assert "(neuron, example) pairs of layer 3" in panel.sat_of.text()
    # model → widgets
    bp.cost_rises, bp.delta_layer, bp.delta_below, bp.saturation_neuron = False, 2, 1e-5, 3
    panel.sync_from_session()
    assert not panel.cost_box.isChecked() and panel.delta_layer.value() == 2
    assert panel.delta_value.text() == "1e-05" and panel.sat_neuron.value() == 4
    # always on and not switchable
    assert panel.nan_box.isChecked() and not panel.nan_box.isEnabled()
    session.shutdown()


def test_invalid_values_are_marked_at_the_field_and_change_nothing(qtbot):
    session, panel, _ = make(qtbot)
    bp = session.breakpoints
    for field, text, attr, keep in ((panel.sat_fraction, "150", "saturation_fraction", 0.5),
                                    (panel.sat_threshold, "0", "saturation_threshold", 0.1),
                                    (panel.delta_value, "-1", "delta_below", 1e-4),
                                    (panel.delta_value, "tiny", "delta_below", 1e-4)):
        field.setText(text)
        field.textEdited.emit(text)
        assert field.is_invalid() and field.error.isVisibleTo(panel) and field.error.text()
        assert getattr(bp, attr) == keep
    assert panel.delta_value.error.text() == "a number, like 1e-4 (still 0.0001)"
    assert panel.sat_fraction.error.text() == "above 0 and at most 100 % (still 50 %)"
    panel.sat_fraction.setText("40")
    panel.sat_fraction.textEdited.emit("40")
    assert not panel.sat_fraction.is_invalid() and not panel.sat_fraction.error.isVisibleTo(panel)
    assert bp.saturation_fraction == 0.4
    session.shutdown()


def test_layer_and_neuron_ranges_follow_the_network(qtbot):
    session, panel, _ = make(qtbot, SessionConfig(dataset="moons", sizes=(2, 6, 5, 4, 2), seed=1))
    assert (panel.sat_layer.minimum(), panel.sat_layer.maximum()) == (2, 5)
    panel.sat_layer.setValue(2)
    assert panel.sat_neuron.maximum() == 6
    panel.sat_neuron.setValue(6)
    panel.sat_layer.setValue(4)  # 4 neurons: j = 6 is out of range and is brought inside
    assert panel.sat_neuron.maximum() == 4 and session.breakpoints.saturation_neuron == 3
    panel.delta_layer.setValue(5)
    session.apply_config(SessionConfig(dataset="moons", sizes=(2, 3, 2), seed=1))
    assert panel.sat_layer.maximum() == 3 and panel.delta_layer.maximum() == 3
    assert session.breakpoints.delta_layer == 3 and panel.delta_layer.value() == 3
    assert session.breakpoints.saturation_layer == 3 and session.breakpoints.saturation_neuron is None
    session.shutdown()


def test_a_vanishing_delta_breakpoint_set_in_the_panel_fires_and_is_shown(qtbot):
    session, panel, _ = make(qtbot, SessionConfig(dataset="digits", sizes=(64, 30, 30, 30, 30, 10), seed=0),
                             plots=False)
    panel.delta_box.setChecked(True)
    panel.delta_layer.setValue(2)
    panel.delta_value.setText("3e-3")
    panel.delta_value.textEdited.emit("3e-3")
    hits = []
    session.breakpointHit.connect(hits.append)
    assert panel.breakpoint_message() == ""
    session.train(20)
    qtbot.waitUntil(lambda: not session.running, timeout=30_000)
    assert len(hits) == 1 and session.engine.epoch < 20
    assert panel.breakpoint_message() == hits[0] and "‖δ^2‖" in hits[0]
    assert panel.hit_label.isVisibleTo(panel)
    session.train(1)  # a new run clears the old sentence
    assert panel.breakpoint_message() == ""
    session.shutdown()


# ----------------------------------------------------------------- speed of backprop
def test_speed_measurement_shows_three_numbers_and_the_finite_difference_count(qtbot):
    session, panel, _ = make(qtbot, SessionConfig(dataset="digits", sizes=(64, 30, 10), seed=0), plots=False)
    assert panel.speed_text() == "" and panel.pass_costs() is None
    costs = panel.measure()
    assert costs is panel.pass_costs() and costs.forward > 0 and costs.backward >= 0
    text = panel.speed_text()
    m = re.search(r"forward ([\d.]+) (µs|ms) · backward ([\d.]+) (µs|ms) · backward/forward = ([\d.]+)×", text)
    assert m, text
    assert float(m.group(5)) == pytest.approx(costs.ratio, rel=0.06, abs=0.06)
    params = 30 * 65 + 10 * 31
    assert parameter_count((64, 30, 10)) == params
    assert f"Finite differences would need {params + 1:,} forward passes" in text
    assert parameter_count((784, 30, 10)) + 1 == 23_861  # the book's MNIST network
    session.apply_config(SessionConfig(dataset="digits", sizes=(64, 20, 10), seed=0))  # another network
    assert panel.speed_text() == "" and panel.pass_costs() is None
    session.shutdown()


def test_speed_measurement_stays_short_on_a_big_network(qtbot):
    # 9 million weights: one backward pass takes milliseconds, so the 0.4 s budget allows fewer than 100 runs
    session, panel, _ = make(qtbot, SessionConfig(dataset="digits", sizes=(64, 3000, 3000, 10), seed=0), plots=False)
    panel.measure()
    repeats = int(re.search(r"median of (\d+) runs", panel.speed_hint.text()).group(1))
    assert 3 <= repeats < 100  # fewer repeats on a big network
    assert format_seconds(41e-6) == "41 µs" and format_seconds(0.0012) == "1.2 ms"
    session.shutdown()


# ----------------------------------------------------------------- compare runs
def test_kept_runs_overlay_the_plots_survive_a_new_cost_and_are_saved(qtbot, tmp_path):
    session, panel, plots = make(qtbot)
    assert not panel.keep_button.isEnabled()  # nothing trained yet
    train_now(session, 3)
    assert panel.keep_button.isEnabled()
    label = panel.keep_run()
    assert label == "quadratic η=3 [2,4,3,2] seed 1" == run_label(session.config)
    assert plots.reference_labels() == [label]
    ref = [c for c in plots.cost_plot.curves if c.name == f"{label}: train cost"][0]
    np.testing.assert_allclose(ref.y, [e.train_cost for e in session.epoch_history])
    assert panel.keep_run() is None and len(panel.kept_runs()) == 1  # the same run twice: kept once
    # a new cost: the kept run stays, on the plot and in the list
    session.apply_config(replace(session.config, cost="cross-entropy"))
    assert plots.reference_labels() == [label] and panel.runs_list.count() == 1
    assert any(c.name == f"{label}: train cost" for c in plots.cost_plot.curves)
    train_now(session, 2)
    second = panel.keep_run()
    assert second == "cross-entropy η=3 [2,4,3,2] seed 1" and plots.reference_labels() == [label, second]
    # saved with the session, as JSON
    stored = session.extra_state["kept_runs"]
    assert [r["label"] for r in stored] == [label, second]
    json.dumps(stored, allow_nan=False)
    first_rows = stored[0]["epochs"]
    assert [r[0] for r in first_rows] == [-1, 0, 1, 2] and len(first_rows[0]) == 5
    path = str(tmp_path / "run.vbp")
    session.save(path)
    other, panel2, plots2 = make(qtbot)
    other.open(path)
    assert [label for label, _ in panel2.kept_runs()] == [label, second]
    assert plots2.reference_labels() == [label, second] and panel2.runs_list.count() == 2
    np.testing.assert_allclose(np.array(panel2.kept_runs()[0][1], dtype=float), np.array(first_rows, dtype=float))
    # Clear forgets them everywhere
    panel.clear_runs()
    assert panel.kept_runs() == [] and plots.reference_labels() == [] and session.extra_state["kept_runs"] == []
    session.shutdown()
    other.shutdown()


def test_editing_breakpoints_while_the_worker_trains_never_shows_it_half_an_edit(qtbot, monkeypatch):
    """The worker checks every minibatch against one settings value the panel published whole: a layer change
    that brings the neuron inside the smaller layer is one edit, never a layer of 2 neurons with neuron j = 6."""
    session, panel, _ = make(qtbot, SessionConfig(dataset="moons", sizes=(2, 6, 2, 2), seed=1, epochs=10_000),
                             plots=False)
    bp = session.breakpoints
    # checked every minibatch, never fires: ‖δ²‖ of one minibatch can fall below the default 1e-4 in a long run
    bp.update(saturation_fraction=1.0, saturation_threshold=1e-9, every=1, delta_below=1e-300)
    published, seen = [bp.settings], []
    bp.changed.connect(published.append)
    check = bp.after_batch

    def recording(engine, stats):
        settings = bp.settings  # read once, as the check does
        seen.append(settings)
        return check(engine, stats, settings)

    monkeypatch.setattr(bp, "after_batch", recording)
    errors = []
    session.errorOccurred.connect(errors.append)
    panel.sat_box.setChecked(True)
    session.train()
    qtbot.waitUntil(lambda: len(seen) > 0, timeout=10_000)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the GIL to the worker as often as possible: a torn read would show
    try:
        for i in range(3000):
            panel.sat_layer.setValue(2)
            panel.sat_neuron.setValue(6)  # j = 6 of layer 2's six neurons
            panel.sat_layer.setValue(3)  # two neurons: j is brought inside in the same edit
            panel.delta_box.setChecked(i % 2 == 0)
            if i % 100 == 0:
                qtbot.wait(1)
    finally:
        sys.setswitchinterval(old)
    assert session.running, (session.status(), errors)  # still training: nothing fired, nothing failed
    session.pause()
    assert errors == [] and len(seen) > 20
    assert len({id(s) for s in seen}) > 2  # the worker saw several of the edits
    ids = {id(s) for s in published}
    assert all(id(s) in ids for s in seen)  # every value it checked against was published whole
    sizes = session.net.sizes
    assert all(s.saturation_neuron is None or s.saturation_neuron < sizes[s.saturation_layer - 1] for s in seen)
    assert (bp.saturation_layer, bp.saturation_neuron) == (3, 1) and panel.sat_neuron.value() == 2
    session.shutdown()


def test_breakpoints_set_elsewhere_show_in_the_panel(qtbot):
    session, panel, _ = make(qtbot, plots=False)
    session.breakpoints.update(cost_rises=True, delta_on=True, delta_below=2e-3)  # a lesson, a script
    assert panel.cost_box.isChecked() and panel.delta_box.isChecked() and panel.delta_value.text() == "0.002"
    session.shutdown()


def test_the_plots_draw_the_kept_runs_from_the_model_not_from_the_panel(qtbot):
    session = Session(SessionConfig(dataset="moons", seed=1))
    plots = PlotsPanel(session)  # no debug panel at all
    qtbot.addWidget(plots)
    train_now(session, 2)
    run = session.debug_state.keep_run()
    assert plots.reference_labels() == [run.label] == [label for label, _ in plots.reference_runs()]
    with pytest.raises(ValueError, match="already kept"):
        session.debug_state.keep_run()
    session.debug_state.clear_runs()
    assert plots.reference_labels() == []
    session.shutdown()
