"""The network view's diagnostics: saturated neurons wear a red dashed ring (the threshold, the current
example, the probe's pace while training), and the ‖δ^l‖ ratio labels warn of vanishing and exploding error."""


import time

import numpy as np
import pytest
from PyQt6.QtCore import QRectF
from view_helpers import make_view, red_pixels_near, step_until

from visualbp.core.config import SessionConfig
from visualbp.core.diagnostics import error_ratios, saturation
from visualbp.core.steps import BatchStats, Kind
from visualbp.gui import colors as C
from visualbp.gui import theme
from visualbp.gui.diagnostic_marks import WARNING_COLOR
from visualbp.gui.network.saturation import SATURATED_ON, SATURATION_INTERVAL


def test_saturated_neurons_wear_a_red_dashed_ring_and_calm_ones_do_not(qtbot):
    theme.apply()
    s, v = make_view(qtbot, SessionConfig(dataset="digits", sizes=(64, 30, 10), seed=0), scale=8)
    fractions = saturation(s.net, s.engine.X[:200])
    np.testing.assert_allclose(v.saturation.fractions[0], fractions[0])
    marked = v.saturation.marked()
    # marked: saturated on nearly every example (a neuron saturated half the time still learns)
    assert marked[2] == [int(j) for j in np.flatnonzero(fractions[0] >= SATURATED_ON)]
    assert len(marked[2]) >= 10  # weights ×8: much of layer 2 is saturated nearly always
    assert len(marked[2]) < np.count_nonzero(fractions[0] >= 0.5)  # fewer than on half the examples
    assert f"30 neurons · {len(marked[2])} saturated" in v.labels.texts()[1]  # the count under the title
    assert v.saturation.source.get(2) == "probe" and v.saturation_box.text() == "saturated: σ'(z) < 10% of max"
    j_hot = marked[2][0]
    assert red_pixels_near(v, 2, j_hot) > 8
    # the hover card says how often
    assert f"saturated on {fractions[0][j_hot]:.0%} of examples" in v.hover_text_at(v.neuron_pos(2, j_hot))
    # the toggle: off removes the rings, the checkbox follows, and back on
    v.set_show_saturation(False)
    assert not v.saturation_box.isChecked() and v.saturation.marked() == {} and red_pixels_near(v, 2, j_hot) == 0
    v.saturation_box.setChecked(True)
    assert v.saturation.shown and v.saturation.marked()[2] == marked[2]
    s.shutdown()

    calm, cv = make_view(qtbot, SessionConfig(dataset="digits", sizes=(64, 12, 10), seed=0, init="scaled"))
    assert cv.saturation.marked() == {}
    assert all(red_pixels_near(cv, 2, j) == 0 for j in range(12))
    assert "saturated on 0% of examples" in cv.hover_text_at(cv.neuron_pos(2, 0))
    calm.shutdown()


def test_saturation_threshold_and_current_example(qtbot):
    theme.apply()
    s, v = make_view(qtbot, SessionConfig(dataset="digits", sizes=(64, 30, 10), seed=0), scale=3)
    before = sum(len(js) for js in v.saturation.marked().values())
    v.set_saturation_threshold(0.5)
    assert v.saturation.threshold == 0.5 and "50% of max" in v.saturation_box.text()
    assert sum(len(js) for js in v.saturation.marked().values()) > before
    with pytest.raises(ValueError):
        v.set_saturation_threshold(1.5)
    v.set_saturation_threshold(0.1)
    # while an example is stepped, a layer whose σ'(z) is known shows that example's saturation
    step_until(s, lambda r: r.kind is Kind.FEEDFORWARD and r.l == 2)
    assert v.saturation.source.get(2) == "example" and v.saturation.source.get(3) == "probe"
    sp = s.engine.current("sp", 2).ravel()
    assert v.saturation.marked().get(2, []) == [int(j) for j in np.flatnonzero(sp < 0.1 * 0.25)]
    # weights changing during training refresh the probe, at most once per SATURATION_INTERVAL (~5 times a
    # second): 20 changes measure it as often as the time they took allows, however loaded the machine is
    s.engine.load_parameters([w * 1.01 for w in s.net.weights], s.net.biases)
    s.weightsChanged.emit()
    v.settle()
    measured = [v.saturation.fractions]
    start = time.monotonic()
    for _ in range(20):
        s.engine.load_parameters([w * 1.01 for w in s.net.weights], s.net.biases)
        s.weightsChanged.emit()
        if v.saturation.fractions is not measured[-1]:
            measured.append(v.saturation.fractions)
    took = time.monotonic() - start
    assert len(measured) - 1 <= 1 + took / SATURATION_INTERVAL
    qtbot.waitUntil(lambda: not v.saturation.pending(), timeout=3000)  # and the last change is measured
    assert v.saturation.fractions is not measured[0]
    s.shutdown()


def test_error_ratio_labels_appear_after_a_minibatch_with_the_right_values(qtbot):
    theme.apply()
    s, v = make_view(qtbot, SessionConfig(dataset="digits", sizes=(64, 30, 30, 30, 30, 10), seed=0))
    assert v.ratios.texts() == {} and v.ratios.ratios is None
    got = []
    s.batchesDone.connect(got.extend)
    s.finish_batch()
    norms = got[-1].delta_norms
    texts = v.ratios.texts()
    sup = "⁰¹²³⁴⁵⁶⁷⁸⁹"
    for l in range(2, 6):
        r = norms[l - 2] / norms[-1]
        assert texts[l] == f"‖δ{sup[l]}‖/‖δ⁶‖ = {C.format_number(r, 2)}"
    assert texts[6] == f"‖δ⁶‖ = {C.format_number(norms[-1], 2)}"
    np.testing.assert_allclose(v.ratios.ratios, error_ratios(norms))
    # under their columns, below every neuron, inside the fitted view
    bottom = max(float(v.neuron_pos(6, j).y()) for j in range(10))
    (x0, x1), (y0, y1) = v.vb.viewRange()
    visible = QRectF(x0, y0, x1 - x0, y1 - y0)
    for l in range(2, 7):
        rect = v.ratios.rect(l)
        assert rect.center().x() == pytest.approx(v.scene.cols[l - 1].x)  # the column's centre
        assert rect.top() > bottom and visible.contains(rect)
    # the hover explains the number
    assert v.hover_text_at(v.ratios.rect(2).center()).startswith("‖δ^2‖/‖δ^6‖ =")
    # a new network hides them until its first minibatch
    s.reset()
    assert v.ratios.texts() == {}
    s.shutdown()


def test_error_ratio_colours_warn_when_vanishing_or_exploding(view, session):
    session.batchesDone.emit([BatchStats(0, 0, 0, 0.5, (0.001, 0.05, 0.1), (0.1, 0.1, 0.1))])
    assert view.ratios.texts() == {2: "‖δ²‖/‖δ⁴‖ = 0.01", 3: "‖δ³‖/‖δ⁴‖ = 0.5", 4: "‖δ⁴‖ = 0.1"}
    assert view.ratios.color(2) == WARNING_COLOR
    assert view.ratios.color(3) == theme.current().muted
    assert "the error vanishes on its way back" in view.hover_text_at(view.ratios.rect(2).center())
    session.batchesDone.emit([BatchStats(0, 1, 1, 0.5, (5.0, 0.3, 0.1), (0.1, 0.1, 0.1))])
    assert view.ratios.pending()  # a second minibatch within 0.2 s waits: readable while training
    assert view.ratios.texts()[2] == "‖δ²‖/‖δ⁴‖ = 0.01"
    view.ratios.update_labels()  # its turn comes
    assert view.ratios.texts()[2] == "‖δ²‖/‖δ⁴‖ = 50" and view.ratios.color(2) == WARNING_COLOR
    session.batchesDone.emit([BatchStats(0, 2, 2, 0.5, (0.000123, 0.3, 0.1), (0.1, 0.1, 0.1))])
    view.ratios.update_labels()
    assert view.ratios.texts()[2] == "‖δ²‖/‖δ⁴‖ = 0.0012"
    for item in view.ratios.items.values():  # a longer number than before still fits on its line
        doc = item.textItem.document()
        free = doc.clone()
        free.setTextWidth(-1)
        assert doc.size().height() == pytest.approx(free.size().height())
    assert view.ratios.color(3) == theme.current().text  # 3: neither ~1 nor extreme
    session.batchesDone.emit([BatchStats(0, 3, 3, 0.5, (0.1, 0.1), (0.1, 0.1))])  # another network's: ignored
    assert view.ratios.texts()[2] == "‖δ²‖/‖δ⁴‖ = 0.0012"
