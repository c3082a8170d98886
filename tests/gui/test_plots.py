"""The live plots: curves that match the session's numbers, the boundary (the store: test_series.py)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PyQt6.QtCore import QPointF
from PyQt6.QtWidgets import QTabWidget

from visualbp.core.config import SessionConfig
from visualbp.core.diagnostics import layer_saturation
from visualbp.core.epoch_history import MAX_EPOCH_POINTS
from visualbp.core.steps import BatchStats, EpochStats
from visualbp.gui import theme
from visualbp.gui.plots import PlotsPanel
from visualbp.gui.session import Session


@pytest.fixture(autouse=True)
def _theme():
    theme.apply()


def make(qtbot, config: SessionConfig | None = None, show: bool = False):
    session = Session(config or SessionConfig(dataset="moons", seed=3))
    panel = PlotsPanel(session)
    qtbot.addWidget(panel)
    if show:
        panel.resize(450, 700)
        panel.show()
        qtbot.waitExposed(panel)
    return session, panel


def train_now(session: Session, epochs: int) -> None:
    """Train on the GUI thread and hand the results to the views as the session's timer would."""
    session.engine.run_epochs(epochs)
    session._deliver()


# ---------------------------------------------------------------------------- the panel on a real session
def test_training_in_the_background_draws_one_point_per_epoch(qtbot):
    session, panel = make(qtbot)
    session.train(3)
    qtbot.waitUntil(lambda: not session.running, timeout=10000)
    history = session.epoch_history
    assert [e.epoch for e in history] == [-1, 0, 1, 2]  # the starting point, then three epochs
    for which, name in (("train", "train_cost"), ("validation", "val_cost")):
        x, y = panel.cost_curve_data(which)
        np.testing.assert_array_equal(x, [0.0, 1.0, 2.0, 3.0])
        np.testing.assert_allclose(y, [getattr(e, name) for e in history])
    x, acc = panel.accuracy_curve_data("validation")
    np.testing.assert_allclose(acc, [100 * e.val_accuracy for e in history])
    assert np.all((acc >= 0) & (acc <= 100))
    # the per-minibatch line runs in epochs and ends where the third epoch ends
    xb, yb = panel.cost_curve_data("minibatch")
    assert len(xb) == 3 * session.engine.batches_per_epoch
    assert xb[0] == pytest.approx(1 / session.engine.batches_per_epoch) and xb[-1] == pytest.approx(3.0)
    assert np.all(np.diff(xb) > 0) and np.all(np.isfinite(yb))


def test_one_delta_curve_per_layer_matching_the_batch_stats(qtbot):
    session, panel = make(qtbot, SessionConfig(dataset="moons", sizes=(2, 5, 4, 3, 2), seed=2))
    got: list[BatchStats] = []
    session.batchesDone.connect(got.extend)
    train_now(session, 1)
    assert panel.delta_curve_count() == 4  # l = 2, 3, 4, 5
    assert panel.delta_curve_names() == ["‖δ^2‖", "‖δ^3‖", "‖δ^4‖", "‖δ^5‖"]
    for l in range(2, 6):
        x, y = panel.delta_curve_data(l)
        assert len(x) == len(got)
        assert y[0] == pytest.approx(got[0].delta_norms[l - 2])  # the EMA starts at the first value
        raw = np.array([b.delta_norms[l - 2] for b in got])
        assert raw.min() <= y.min() and y.max() <= raw.max()  # an average, never outside the data


def test_log_toggle_survives_zero_and_negative_values(qtbot):
    session, panel = make(qtbot, show=True)
    assert panel.log_scale() and panel.delta_plot.getPlotItem().getAxis("left").logMode
    stats = [BatchStats(0, b, b, 0.5, (0.0, 1e-3 * (b + 1), 0.2), (0.0, 0.1, 0.2)) for b in range(10)]
    session.batchesDone.emit(stats)
    qtbot.wait(20)
    x, y = panel.delta_curve_data(2)
    assert len(x) == 0  # ‖δ^2‖ = 0 throughout: nothing to draw on a log axis, and no −∞
    assert len(panel.delta_curve_data(3)[0]) == 10
    panel.log_box.setChecked(False)
    assert not panel.log_scale() and not panel.delta_plot.getPlotItem().getAxis("left").logMode
    x, y = panel.delta_curve_data(2)
    assert len(x) == 10 and np.all(y == 0)
    panel.set_log_scale(True)
    assert panel.log_box.isChecked() and len(panel.delta_curve_data(2)[0]) == 0
    panel.grab()  # paints without warnings


def test_network_changed_clears_and_rebuilds_the_layer_curves(qtbot):
    session, panel = make(qtbot)
    train_now(session, 2)
    assert len(panel.cost_curve_data("train")[0]) == 3 and len(panel.cost_curve_data("minibatch")[0]) > 0
    session.reset()
    for which in ("train", "validation"):  # only the starting point of the fresh run is left
        np.testing.assert_array_equal(panel.cost_curve_data(which)[0], [0.0])
    assert len(panel.cost_curve_data("minibatch")[0]) == 0
    assert len(panel.delta_curve_data(2)[0]) == 0 and len(panel.accuracy_curve_data()[0]) == 1
    assert panel.delta_curve_count() == 3  # (2, 4, 3, 2): l = 2, 3, 4
    session.apply_config(SessionConfig(dataset="moons", sizes=(2, 3, 2), seed=3))
    assert panel.delta_curve_count() == 2
    train_now(session, 1)
    assert len(panel.cost_curve_data("train")[0]) == 2


def test_stepping_back_and_redoing_replaces_the_undone_minibatch(qtbot):
    session, panel = make(qtbot)
    for _ in range(3):
        session.finish_batch()
    session.back()
    session.finish_batch()
    x, _ = panel.cost_curve_data("minibatch")
    per = session.engine.batches_per_epoch
    np.testing.assert_allclose(x, [1 / per, 2 / per, 3 / per])


def test_reference_run_is_drawn_dashed_and_survives_clear(qtbot):
    session, panel = make(qtbot)
    train_now(session, 2)
    old = list(session.epoch_history)
    session.reset(new_seed=True)
    panel.add_reference_run("seed 3", old)
    assert panel.reference_labels() == ["seed 3"]
    ref = [c for c in panel.cost_plot.curves if c.name == "seed 3: train cost"][0]
    np.testing.assert_allclose(ref.y, [e.train_cost for e in old])
    assert "seed 3" in panel.cost_card.legend.text()
    panel.clear_reference_runs()
    assert panel.reference_labels() == [] and all("seed 3" not in c.name for c in panel.cost_plot.curves)


def test_hover_labels_the_nearest_point(qtbot):
    session, panel = make(qtbot, show=True)
    train_now(session, 3)
    qtbot.wait(20)
    x, y = panel.cost_curve_data("validation")
    plot = panel.cost_plot
    vb = plot.getViewBox()
    text = plot.hover_at(vb.mapViewToScene(QPointF(2.0, y[2])))  # on the validation point of epoch 2
    assert text == f"epoch 2 · validation cost {y[2]:.4g}" and plot.hover_text() == text
    xa, ya = panel.accuracy_curve_data("train")
    text = panel.accuracy_plot.hover_at(panel.accuracy_plot.getViewBox().mapViewToScene(QPointF(3.0, ya[3])))
    assert text == f"epoch 3 · train accuracy {ya[3]:.1f} %"
    assert plot.hover_at(QPointF(-50, -50)) == "" and plot.hover_text() == ""
    xd, yd = panel.delta_curve_data(3)
    text = panel.delta_plot.hover_at(panel.delta_plot.getViewBox().mapViewToScene(QPointF(xd[5], np.log10(yd[5]))))
    assert "‖δ^" in text and f"{xd[5]:.2f}" in text
    # on the boundary the label names the input and the output there, through the same rate-limited path
    bp = panel.boundary_plot
    bp._mouse_moved((bp.getViewBox().mapViewToScene(QPointF(0.5, -0.25)),))
    res = panel.BOUNDARY_RESOLUTION
    (x0, x1), (y0, y1) = panel.boundary.drawn_limits
    v = panel.boundary_values()[round((-0.25 - y0) / (y1 - y0) * (res - 1)), round((0.5 - x0) / (x1 - x0) * (res - 1))]
    assert bp.hover_text() == f"x = (0.50, -0.25) · a^L_1 − a^L_0 {v:+.3f}"


# ---------------------------------------------------------------------------- the decision boundary
def test_boundary_visible_for_2d_data_and_hidden_for_digits(qtbot):
    session, panel = make(qtbot)
    assert panel.boundary_visible() and panel.boundary_image() is not None
    session.apply_config(SessionConfig(dataset="digits", sizes=(64, 10, 10)))
    assert not panel.boundary_visible() and panel.boundary_image() is None
    session.apply_config(SessionConfig(dataset="circles", sizes=(2, 4, 2)))
    assert panel.boundary_visible()
    # the heatmap covers the whole view (the square around it) and the data lie inside it
    (x0, x1), (y0, y1) = panel.boundary.drawn_limits
    (v0, v1), (w0, w1) = panel.boundary_plot.getViewBox().viewRange()
    assert x0 <= v0 + 1e-9 and v1 <= x1 + 1e-9 and y0 <= w0 + 1e-9 and w1 <= y1 + 1e-9
    assert x1 - x0 == pytest.approx(y1 - y0)
    X = session.dataset.X_train
    assert x0 < X[:, 0].min() and X[:, 0].max() < x1 and y0 < X[:, 1].min() and X[:, 1].max() < y1
    _, digits = make(qtbot, SessionConfig(dataset="digits", sizes=(64, 10, 10)))
    assert not digits.boundary_visible()


def test_boundary_colours_follow_the_output_and_change_after_training(qtbot):
    session, panel = make(qtbot, show=True)
    before = panel.boundary_image()
    values = panel.boundary_values()
    res = panel.BOUNDARY_RESOLUTION
    assert before.shape == (res, res, 3) and values.shape == (res, res)
    session.train(5)
    qtbot.waitUntil(lambda: not session.running, timeout=10000)
    qtbot.waitUntil(lambda: not np.array_equal(panel.boundary_image(), before), timeout=2000)
    # after training the boundary separates the training points: class 1 on the blue side mostly
    after = panel.boundary_values()
    (x0, x1), (y0, y1) = panel.boundary.drawn_limits
    X, y = session.dataset.X_train, session.dataset.y_train
    cols = np.clip(np.round((X[:, 0] - x0) / (x1 - x0) * (res - 1)).astype(int), 0, res - 1)
    rows = np.clip(np.round((X[:, 1] - y0) / (y1 - y0) * (res - 1)).astype(int), 0, res - 1)
    agree = np.mean((after[rows, cols] > 0) == (y == 1))
    assert agree >= session.epoch_history[-1].train_accuracy - 0.1
    # the diverging scale: most negative a^L_1 − a^L_0 orange-ish, most positive blue-ish, 0 near grey
    image = panel.boundary_image()
    assert after.min() < -0.3 and after.max() > 0.3
    lo = image[np.unravel_index(np.argmin(after), after.shape)].astype(int)
    hi = image[np.unravel_index(np.argmax(after), after.shape)].astype(int)
    assert lo[0] > lo[1] > lo[2]  # like orange (245, 147, 34)
    assert hi[2] > hi[1] > hi[0]  # like blue (8, 119, 189)


def test_boundary_redraws_are_throttled(qtbot):
    """Redraws are coalesced to one per INTERVAL_MS, never more often; bounds measured against the time the test
    really took, so a loaded machine (a late timer, a slow grid) cannot decide it."""
    session, panel = make(qtbot, show=True)
    calls = []
    boundary = panel.boundary
    original = boundary.update_now

    def counting():
        calls.append(time.perf_counter())
        original()

    boundary._timer.timeout.disconnect()
    boundary._timer.timeout.connect(counting)
    boundary.update_now = counting
    interval = boundary.INTERVAL_MS / 1000.0
    qtbot.wait(300)
    qtbot.waitUntil(lambda: not boundary._timer.isActive() and not boundary.dirty, timeout=10_000)
    calls.clear()
    t0 = time.perf_counter()
    for _ in range(50):
        session.weightsChanged.emit()
    burst = time.perf_counter() - t0
    assert len(calls) <= 1 + burst / interval  # fifty requests in a burst: at most one redraw now …
    qtbot.waitUntil(lambda: not boundary._timer.isActive() and not boundary.dirty and bool(calls), timeout=10_000)
    qtbot.wait(50)
    assert 1 <= len(calls) <= 2 + (time.perf_counter() - t0) / interval  # … and the rest coalesced into one
    # a steady stream (as while training, ~60 Hz) still redraws, never more often than once an interval
    calls.clear()
    t0 = time.perf_counter()
    for _ in range(30):
        session.weightsChanged.emit()
        qtbot.wait(16)
    qtbot.waitUntil(lambda: not boundary._timer.isActive() and not boundary.dirty, timeout=10_000)
    elapsed = time.perf_counter() - t0
    assert 2 <= len(calls) <= 2 + elapsed / interval
    gaps = np.diff(calls)
    assert gaps.min() >= 0.9 * interval  # never two redraws closer than the interval


def test_minibatch_history_stays_bounded_under_bulk_deliveries(qtbot):
    session, panel = make(qtbot, show=True)  # a hidden panel draws when it shows (test_hidden_panel_draws_...)
    per = session.engine.batches_per_epoch
    first = [BatchStats(0, b, b, 0.5, (0.1, 0.01, 0.001), (0.1, 0.1, 0.1)) for b in range(5)]
    second = [BatchStats(0, b, b, 0.5, (0.1, 0.01, 0.001), (0.1, 0.1, 0.1)) for b in range(5, 9)]
    session.batchesDone.emit(first)
    session.batchesDone.emit(second)  # within 50 ms of the first: coalesced into the next redraw
    drawn = next(c for c in panel.cost_plot.curves if c.name == "minibatch cost (EMA)").item  # what is painted
    assert len(drawn.xData) == 5
    qtbot.waitUntil(lambda: len(drawn.xData) == 9, timeout=1000)
    session.batchesDone.emit([BatchStats(0, 9, 9, 0.5, (0.1, 0.01, 0.001), (0.1, 0.1, 0.1))])
    assert len(panel.cost_curve_data("minibatch")[0]) == 10  # accessors flush what is pending
    session.reset()
    for start in range(0, 12000, 600):  # a long run, delivered in big bunches
        batch = [BatchStats(i // per, i % per, i, 1.0 / (1 + i), (0.1, 0.01, 0.001), (0.1, 0.1, 0.1))
                 for i in range(start, start + 600)]
        session.batchesDone.emit(batch)
    assert panel.batch_series_length() <= panel.CAPACITY
    x, y = panel.cost_curve_data("minibatch")
    assert x[-1] == pytest.approx(12000 / per) and len(panel.delta_curve_data(4)[0]) <= panel.CAPACITY


def test_epoch_history_and_learning_curves_stay_bounded_over_a_long_run(qtbot):
    """Hours of epochs (one point each) keep at most MAX_EPOCH_POINTS in the session and on the curves."""
    session, panel = make(qtbot)
    start = session.epoch_history[0]
    total = 3 * MAX_EPOCH_POINTS
    for first in range(0, total, 1000):  # as the live timer delivers them, in bunches
        session._epochs.extend(EpochStats(e, 10 * e, 1.0 / (e + 2), 0.5, 1.0 / (e + 2), 0.5)
                               for e in range(first, first + 1000))
        session._deliver()
    history = session.epoch_history
    assert len(history) <= MAX_EPOCH_POINTS
    assert history[0] is start and history[-1].epoch == total - 1  # the start and the newest survive
    x, y = panel.cost_curve_data("train")
    assert len(x) <= MAX_EPOCH_POINTS and x[0] == 0.0 and x[-1] == total
    assert np.all(np.diff(x) > 0)
    np.testing.assert_allclose(y[1:], 1.0 / (x[1:] + 1))  # each kept point is the right epoch's value


# ---------------------------------------------------------------------------- the saturated fraction
def test_saturated_fraction_gets_a_point_at_the_start_and_at_epoch_ends(qtbot):
    session, panel = make(qtbot, SessionConfig(dataset="moons", sizes=(2, 5, 4, 2), seed=2))
    assert panel.saturation_curve_count() == 3  # l = 2, 3, 4
    x, y = panel.saturation_curve_data(2)
    assert list(x) == [0.0]  # measured on the fresh network
    train_now(session, 2)
    X = session.engine.X[:200]
    for l in range(2, 5):
        x, y = panel.saturation_curve_data(l)
        assert x[0] == 0.0 and x[-1] == pytest.approx(2.0) and np.all(np.diff(x) > 0)
        assert np.all((0 <= y) & (y <= 100))
        assert y[-1] == pytest.approx(100 * layer_saturation(session.net, X)[l - 2])  # the weights at the end
    session.apply_config(SessionConfig(dataset="moons", sizes=(2, 3, 2), seed=3))
    assert panel.saturation_curve_count() == 2 and len(panel.saturation_curve_data(2)[0]) == 1


def test_saturated_fraction_follows_large_weights_and_is_throttled_while_training(qtbot):
    session, panel = make(qtbot, SessionConfig(dataset="digits", sizes=(64, 30, 10), seed=0))
    session.net.weights = [w * 8 for w in session.net.weights]
    session.networkChanged.emit()
    x, y = panel.saturation_curve_data(2)
    assert y[0] > 80  # weights ×8: most (neuron, example) pairs of layer 2 saturate
    session.train(3)
    qtbot.waitUntil(lambda: not session.running, timeout=10000)
    x, y = panel.saturation_curve_data(2)
    assert len(x) >= 2 and x[-1] == pytest.approx(3.0)
    # a burst of minibatches delivered within a few milliseconds is measured once, not once per delivery
    session.reset()
    panel.saturation_card.hold_off()
    for _ in range(10):
        session.finish_batch()
    assert len(panel.saturation_curve_data(2)[0]) == 1
    # … and where the burst stopped is measured once the interval has passed (the weights a run pauses at)
    qtbot.waitUntil(lambda: len(panel.saturation_curve_data(2)[0]) == 2, timeout=2000)
    x, y = panel.saturation_curve_data(2)
    assert x[-1] == pytest.approx(10 * session.engine.mini_batch_size / session.engine.n_train)  # examples done / n
    assert y[-1] == pytest.approx(100 * layer_saturation(session.net, session.engine.X[:200])[0])
    assert panel.saturation_card.title.text() == "Saturated fraction"


def test_reference_run_is_overlaid_on_accuracy_too(qtbot):
    session, panel = make(qtbot)
    train_now(session, 2)
    old = list(session.epoch_history)
    panel.add_reference_run("quadratic", old)
    acc = [c for c in panel.accuracy_plot.curves if c.name == "quadratic: validation accuracy"][0]
    np.testing.assert_allclose(acc.y, [100 * e.val_accuracy for e in old])
    assert panel.reference_runs() == [("quadratic", panel.reference_runs()[0][1])]
    assert "quadratic" in panel.accuracy_card.legend.text()
    panel.clear_reference_runs()
    assert all("quadratic" not in c.name for c in panel.accuracy_plot.curves + panel.cost_plot.curves)


# ---------------------------------------------------------------------------- from the first step
def _view(plot):
    return plot.getViewBox().viewRange()


def test_before_the_first_step_the_axes_read_and_empty_plots_say_press_to_start(qtbot):
    session, panel = make(qtbot, show=True)
    panel.grab()
    per = session.engine.batches_per_epoch
    (x0, x1), (y0, y1) = _view(panel.cost_plot)
    assert -0.1 / per < x0 <= 0 and 1 / per <= x1 < 1.2 / per  # one minibatch from 0, never −0.4 … 0.4
    start = session.epoch_history[0]
    assert y0 <= 0 < start.train_cost <= y1 < 1.2 * max(start.train_cost, start.val_cost)  # the cost from 0
    assert panel.cost_plot.hint() == ""  # the untrained network's cost at epoch 0 is something to show
    assert panel.delta_plot.hint().startswith("press → to start")
    (d0, d1) = _view(panel.delta_plot)[1]
    assert d0 <= -3 + 0.2 and d1 >= -0.2  # an empty log axis over 10⁻³ … 1, not 1 … 10
    assert panel.accuracy_text() == f"val {100 * start.val_accuracy:.1f} %"
    assert "before training" in panel.accuracy_card.value.toolTip()


def test_stepping_record_by_record_draws_each_examples_cost_and_delta_at_once(qtbot):
    session, panel = make(qtbot, show=True)
    records = [session.step() for _ in range(5)]  # input, feedforward ×3 (C_x), BP1 (δ^4)
    c = panel.cost_plot.curves[3].y  # the example dots
    assert panel.cost_plot.curves[3].name == "example cost C_x"
    assert list(c) == [float(records[3]["cost"])]
    names = [curve.name for curve in panel.delta_plot.curves]
    dots = panel.delta_plot.curves[names.index("example ‖δ^4‖")]
    assert dots.y == pytest.approx([np.linalg.norm(records[4]["delta"])])
    assert panel.delta_plot.hint() == ""
    panel.grab()
    (y0, y1) = _view(panel.delta_plot)[1]  # whole decades around the value
    v = np.log10(dots.y[0])
    assert np.floor(v) - 0.1 <= y0 <= v <= y1 <= np.ceil(v) + 0.3
    session.back()  # BP1 undone: its dot goes
    assert dots.y is None or len(dots.y) == 0
    assert panel.delta_plot.hint().startswith("press → to start")


def test_log_ticks_read_as_powers_of_ten():
    from visualbp.gui.plot_widgets import decade_label, log_tick_label
    assert [decade_label(n) for n in (-5, -3, -2, -1, 0, 1, 2, 3)] == ["10⁻⁵", "10⁻³", "10⁻²", "0.1", "1", "10",
                                                                      "100", "10³"]
    assert log_tick_label(-3.0, 3) == "10⁻³"
    assert log_tick_label(np.log10(0.002), 3) == ""  # between decades: unlabelled when decades are in view
    assert log_tick_label(np.log10(0.002), 1) == "0.002"
    assert log_tick_label(np.log10(5e-6), 1) == "5·10⁻⁶"


def test_axis_titles_are_clear_of_their_tick_labels(qtbot):
    session, panel = make(qtbot, show=True)
    train_now(session, 2)
    panel.grab()
    for plot in (panel.cost_plot, panel.accuracy_plot, panel.delta_plot, panel.saturation_plot):
        axis = plot.getPlotItem().getAxis("left")
        needed = axis.textWidth + axis.style["tickTextOffset"][0] + max(0, axis.style["tickLength"])
        if axis.label.isVisible():
            needed += axis.label.boundingRect().height() * 0.8
        assert needed <= axis.width(), plot
    widths = {plot.getPlotItem().getAxis("left").width() for plot in panel.plots()[:4]}
    assert len(widths) == 1  # one width: the x-linked epochs line up


def test_accuracy_is_a_number_on_screen_after_every_epoch(qtbot):
    session, panel = make(qtbot)
    train_now(session, 2)
    last = session.epoch_history[-1]
    assert panel.accuracy_text() == f"val {100 * last.val_accuracy:.1f} %"
    assert "epoch 2" in panel.accuracy_card.value.toolTip() and f"train {100 * last.train_accuracy:.1f} %" in \
        panel.accuracy_card.value.toolTip()


# ---------------------------------------------------------------------------- the boundary's plane
@pytest.mark.parametrize("name", ["moons", "spiral"])
def test_boundary_shows_the_data_plane_at_equal_aspect(qtbot, name):
    from visualbp.core.config import defaults_for
    from visualbp.core.probe import input_plane
    session, panel = make(qtbot, defaults_for(name), show=True)
    panel.resize(360, 770)
    qtbot.wait(20)
    panel.settle()
    vb = panel.boundary_plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    rect = vb.sceneBoundingRect()
    assert rect.width() / (x1 - x0) == pytest.approx(rect.height() / (y1 - y0), rel=1e-3)  # equal aspect
    assert 0.9 < rect.width() / rect.height() < 1.1 and rect.width() >= 150  # a square, not a strip
    (p0, p1), (q0, q1) = input_plane(session.dataset.X_train)
    assert x0 <= p0 + 1e-9 and p1 <= x1 + 1e-9 and y0 <= q0 + 1e-9 and q1 <= y1 + 1e-9
    assert (x1 - x0) < 1.15 * (p1 - p0) and (y1 - y0) < 1.15 * (q1 - q0)  # fitted: not −5 … 5 for ±1


def test_boundary_markers_shrink_with_more_points(qtbot):
    from visualbp.gui.boundary import marker_size
    assert marker_size(100, 250) > marker_size(400, 250) > marker_size(2500, 250) >= 2.5
    assert marker_size(20, 250) == 9.0 and marker_size(400, 500) > marker_size(400, 250)
    session, panel = make(qtbot, SessionConfig(dataset="spiral", sizes=(2, 8, 2), n=400), show=True)
    side = panel.boundary.box.side()
    assert panel.boundary.marker_px() == pytest.approx(marker_size(400, side), abs=0.25)
    assert panel.boundary.marker_px() < 7  # the spiral's arms stay apart


def test_a_short_laptop_dock_folds_the_layer_plots_into_tabs_and_keeps_the_boundary_square(qtbot):
    from visualbp.core.config import defaults_for
    session, panel = make(qtbot, defaults_for("spiral"), show=True)
    panel.resize(360, 540)  # the plots dock of a 1366×768 window
    qtbot.wait(20)
    tabs = panel.findChild(QTabWidget)
    assert tabs.isVisible() and tabs.count() == 2 and tabs.widget(0) is panel.delta_card
    assert panel.cost_card.isVisible() and panel.accuracy_card.isVisible() and panel.boundary_card.isVisible()
    rect = panel.boundary_plot.getViewBox().sceneBoundingRect()
    assert rect.width() >= 120 and abs(rect.width() - rect.height()) <= 2
    assert panel.minimumSizeHint().height() <= 540  # it fits the laptop's dock
    panel.resize(360, 800)  # a taller dock: one column, every card on its own
    qtbot.wait(20)
    assert not tabs.isVisible() and tabs.count() == 0
    assert panel.delta_card.isVisible() and panel.saturation_card.isVisible()
    assert panel.boundary_plot.getViewBox().sceneBoundingRect().width() > rect.width()
    assert panel.minimumSizeHint().height() < 2 * 360  # shrinking the dock reaches the compact layout
    panel.resize(900, 600)  # wide: two columns
    qtbot.wait(20)
    assert not tabs.isVisible() and panel.delta_card.isVisible() and panel.saturation_card.isVisible()


def test_a_boundary_taken_apart_ignores_a_last_resize_of_its_plot(qtbot):
    """A closed window's plot can still be resized while Qt takes it apart, after its scatter items are gone:
    sizing the markers then raised on the deleted items, and Qt crashed on (one full run, SIGSEGV)."""
    from PyQt6 import sip

    from visualbp.gui.boundary import BoundaryCard

    session = Session(SessionConfig(dataset="moons", seed=1))
    card = BoundaryCard(session)
    qtbot.addWidget(card)
    card.setup()
    assert card.marker_px() > 0
    sip.delete(card._train_points)
    card._marker = 0.0
    card._resize_markers()  # no RuntimeError: nothing to size
    session.shutdown()

