"""A layer of 20,000 neurons: the graph draws a bounded number of them with a note for the rest, hover and
click still name the right neuron (1-based j, like the book), the probe's memory stays bounded, and the small
default network is drawn whole, as before."""

import tracemalloc

import numpy as np
import pytest

from visualbp.core.config import SessionConfig
from visualbp.core.probe import GridProbe, activations_on_grid, output_on_grid
from visualbp.gui import theme
from visualbp.gui.diagnostic_marks import saturation_bounded
from visualbp.gui.network import NetworkView
from visualbp.gui.session import Session
from visualbp.gui.view_limits import DRAWN_NEURONS, DRAWN_TILES, VIEW_MEMORY, check_drawable, robust_range

WIDE = 20_000


def make_view(qtbot, config: SessionConfig):
    theme.apply()
    s = Session(config)
    v = NetworkView(s)
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    qtbot.waitExposed(v)
    return s, v


@pytest.fixture(scope="module")
def wide_net():
    """The (2, 20000, 2) moons network, without a view (for the probe's measurements)."""
    s = Session(SessionConfig(dataset="moons", sizes=(2, WIDE, 2), seed=3))
    yield s
    s.shutdown()


def test_a_wide_layer_draws_a_bounded_number_of_neurons_and_says_how_many_are_not(qtbot):
    s, v = make_view(qtbot, SessionConfig(dataset="moons", sizes=(2, WIDE, 2), seed=3))
    assert v.scene.cols[1 - 1].n == 2 and v.scene.cols[3 - 1].n == 2
    assert v.scene.cols[2 - 1].n == DRAWN_TILES < WIDE
    # edges only among drawn neurons, at most the level of detail's count
    assert v.scene.lod[2 - 2] and v.scene.lod[3 - 2]
    assert v.scene.drawn_edge_count(2) <= 2 * DRAWN_TILES and v.scene.drawn_edge_count(3) <= 2 * DRAWN_TILES
    assert v.scene.edge_flat.max() < 2 * DRAWN_TILES and len(v.scene.coords) <= 4 * DRAWN_TILES
    # the note under the column, and the title still counts every neuron
    note = v.labels.more_text_of(2)
    assert f"{WIDE - DRAWN_TILES:,} more" in note and "not drawn" in note
    assert v.labels.more_text_of(1) == "" and v.labels.more_text_of(3) == ""
    titles = " ".join(v.labels.texts())
    assert f"{WIDE:,} neurons" in titles
    # hovering the note says which neurons are left out and where to see them
    c = v.scene.cols[1]
    from PyQt6.QtCore import QPointF
    text = v.hover_text_at(QPointF(c.x, (c.more_y + c.bottom) / 2))
    assert f"j = {DRAWN_TILES + 1:,} … {WIDE:,}" in text and "w^2" in text
    # per-neuron work is bounded: heatmaps, fills and biases exist for the drawn neurons only
    v.settle()
    assert v.heatmaps.grid(2).shape[0] == DRAWN_TILES
    assert len(v.scene.biases[2]) == DRAWN_TILES
    assert len(v.saturation.fractions[0]) == WIDE  # measured on every neuron (a^l of the probe, in blocks)
    s.shutdown()


def test_hover_and_click_name_the_right_neuron_of_a_wide_layer(qtbot):
    s, v = make_view(qtbot, SessionConfig(dataset="moons", sizes=(2, WIDE, 2), seed=3))
    j = 41  # array index: the book's j = 42
    pos = v.neuron_pos(2, j)
    assert v.click_at(pos) == (2, j) and s.selected == (2, j)
    from visualbp.gui.notation import number as fmt
    from visualbp.gui.notation import sym
    text = v.hover_text_at(pos)
    assert text.startswith("neuron j=42 of layer l=2")
    assert f"b^2_42 = {fmt(float(s.net.biases[0][j, 0]))}" in text
    last = DRAWN_TILES - 1  # the last drawn neuron, on its heatmap tile
    assert v.click_at(v.neuron_pos(2, last)) == (2, last)
    assert v.hover_text_at(v.neuron_pos(2, last)).startswith(f"neuron j={last + 1} of layer l=2")
    # an edge among drawn neurons reads its own weight
    l, flat = int(v.scene.edge_l[0]), int(v.scene.edge_flat[0])
    jj, kk = divmod(flat, v.scene.cols[l - 1 - 1].n)
    edge = v.hover_text_at(v.edge_point(l, jj, kk, 0.5))
    w = float(s.net.weights[l - 2][jj, kk])
    assert f"{sym('w', l, jj, kk)} = {fmt(w)}" in edge
    # a neuron past the drawn ones can be selected elsewhere without breaking the graph
    s.select((2, WIDE - 1))
    v.grab()
    s.shutdown()


def test_the_heatmap_grid_keeps_only_the_drawn_rows_in_bounded_memory(wide_net):
    net = wide_net.net
    xlim, ylim = (-1.5, 2.5), (-1.0, 1.5)
    tracemalloc.start()
    try:
        grids = activations_on_grid(net, xlim, ylim, 28, rows=[2, DRAWN_NEURONS, 2])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out = output_on_grid(net, xlim, ylim, 96)
        _, peak_out = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [g.shape for g in grids] == [(2, 28, 28), (DRAWN_NEURONS, 28, 28), (2, 28, 28)]
    assert out.shape == (2, 96, 96)
    whole = WIDE * 28 * 28 * 8  # what every neuron's grid would take: 125 MB
    assert peak < 40 * 2**20 < whole and peak_out < 40 * 2**20
    # the same numbers as feeding the whole grid through at once
    a = activations_on_grid(net, xlim, ylim, 8)
    b = activations_on_grid(net, xlim, ylim, 8, rows=[2, 5, 2])
    assert np.allclose(a[1][:5], b[1]) and np.allclose(a[2], b[2])
    # in steps: a caller can repaint between blocks
    probe = GridProbe(net, xlim, ylim, 28, rows=[0, 0, 2])
    assert probe.block < probe.points and not probe.step()
    assert probe.run() and np.allclose(probe.result()[2], grids[2])


def test_saturation_in_blocks_matches_the_core(wide_net):
    from visualbp.core.diagnostics import saturation
    X = np.asarray(wide_net.engine.X[:60])
    got = saturation_bounded(wide_net.net, X, 0.1, max_floats=200_000)
    want = saturation(wide_net.net, X, 0.1)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w)


def test_the_small_default_is_drawn_whole_as_before(qtbot):
    s, v = make_view(qtbot, SessionConfig())
    assert s.net.sizes == [2, 4, 3, 2]
    assert [v.scene.cols[l - 1].n for l in (1, 2, 3, 4)] == [2, 4, 3, 2]
    assert [v.scene.drawn_edge_count(l) for l in (2, 3, 4)] == [8, 12, 6]
    assert not any(v.scene.lod[l - 2] for l in (2, 3, 4))
    assert all(v.labels.more_text_of(l) == "" for l in (1, 2, 3, 4)) and not v.labels.more
    assert [v.heatmaps.grid(l).shape[0] for l in (1, 2, 3, 4)] == [2, 4, 3, 2]
    assert v.saturation.fractions is not None  # a small network's grid and probe are done at once
    s.shutdown()


def test_limits_and_ranges():
    class Data:
        image_shape, is_2d = None, True
    check_drawable((2, 100_000, 2), Data())  # every network the core accepts can be drawn
    check_drawable((2,) + (2_000,) * 5 + (2,), Data())
    with pytest.raises(ValueError, match="VIEW_MEMORY"):
        check_drawable((2,) + (DRAWN_NEURONS,) * 2000 + (2,), Data())
    assert VIEW_MEMORY > 0
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3000, 1000))
    assert robust_range([w], sample=50_000) == pytest.approx(robust_range([w], sample=10**7), rel=0.05)


def test_the_equation_panel_says_when_its_neuron_is_not_drawn(qtbot):
    """The equation's example neuron (largest |δ|) may lie past the drawn ones: the panel says so; a drawn
    or a selected one gets no such note."""
    from visualbp.core.steps import Kind
    from visualbp.gui.equation_panel import EquationPanel
    theme.apply()
    s = Session(SessionConfig(dataset="moons", sizes=(2, WIDE, 2), seed=3))
    panel = EquationPanel(s)
    qtbot.addWidget(panel)
    while s.engine.last_record is None or s.engine.last_record.kind is not Kind.BACKPROP_ERROR:
        s.step()
    delta = np.abs(s.engine.current("delta", 2).ravel())
    j = int(np.argmax(delta))
    assert j >= DRAWN_TILES  # 60 of 20,000: the largest is almost surely not among them (seeded)
    which = panel.which_label.text()
    assert f"neuron j={j + 1} of layer l=2" in which
    assert f"not drawn: the graph shows j = 1 … {DRAWN_TILES} of {WIDE:,}" in which
    s.select((2, 5))
    which = panel.which_label.text()
    assert "not drawn" not in which and "neuron j=6 of layer l=2" in which
    s.shutdown()


def test_a_network_past_the_views_bound_is_refused_before_it_is_built(qtbot, monkeypatch):
    """The guard check_drawable sits in front of every build the session makes; with today's core limits it
    never fires, so the bound is lowered here to see it refuse and change nothing."""
    from visualbp.core import view_memory
    theme.apply()
    s = Session(SessionConfig(dataset="moons", sizes=(2, 4, 2), seed=1))
    net, config = s.net, s.config
    monkeypatch.setattr(view_memory, "VIEW_MEMORY", 1000)
    built = []
    monkeypatch.setattr("visualbp.gui.session.build", lambda *a: built.append(a))
    with pytest.raises(ValueError, match="VIEW_MEMORY"):
        s.apply_config(SessionConfig(dataset="moons", sizes=(2, 500, 2), seed=1))
    assert not built and s.net is net and s.config == config
    s.shutdown()


def test_the_weight_heatmap_of_a_wide_layer_is_downsampled_on_screen_and_exact_on_hover(qtbot):
    """w^3 of (2, 600, 2000, 2): a matrix of more than RANGE_SAMPLE weights is averaged to the screen's pixels
    (and says so), while the hover still reads the exact weight under the mouse."""
    from PyQt6.QtCore import QPointF

    from visualbp.gui.view_limits import RANGE_SAMPLE
    s, v = make_view(qtbot, SessionConfig(dataset="moons", sizes=(2, 600, 2000, 2), seed=3))
    win = v.show_weight_heatmap(3)  # 2,000 × 600 = 1.2 M weights
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    assert s.net.weights[1].size > RANGE_SAMPLE and win.downsampled and win.image.autoDownsample
    assert "averaged" in win.readout.text()
    w = s.net.weights[1]
    win._on_mouse_moved(win.plot.vb.mapViewToScene(QPointF(457 + 1, 1234 + 1)))
    assert "<sub>1235,458</sub>" in win.readout.text()  # the book's 1-based j, k
    from visualbp.gui import colors as C
    assert C.format_number(float(w[1234, 457])) in win.readout.text()
    small = v.show_weight_heatmap(4)  # 2 × 2,000: drawn cell by cell
    qtbot.addWidget(small)
    assert not small.downsampled and "averaged" not in small.readout.text()
    s.shutdown()


def test_settle_finishes_a_wide_networks_decision_boundary(qtbot):
    """The boundary of a big network is computed a slice at a time between repaints; settle() (before a
    screenshot) finishes it, and it equals the network's output on the grid computed in one go."""
    from visualbp.gui.plots import PlotsPanel
    theme.apply()
    s = Session(SessionConfig(dataset="moons", sizes=(2, WIDE, 2), seed=3))
    panel = PlotsPanel(s)
    qtbot.addWidget(panel)
    panel.resize(450, 800)
    panel.show()
    qtbot.waitExposed(panel)
    panel.settle()
    values = panel.boundary_values()
    assert values is not None and np.isfinite(values).all()
    assert not panel.boundary.busy()
    xlim, ylim = panel.boundary.limits
    res = panel.boundary_resolution()
    assert values.shape == (res, res)
    # only a^L kept (as the boundary keeps it): the hidden layer's 20,000 × 96² activations cost 1.5 GB and 2 s
    a_L = activations_on_grid(s.net, xlim, ylim, res, rows=[0, 0, 2])[-1]
    np.testing.assert_allclose(values, a_L[1] - a_L[0], atol=1e-12)
    s.shutdown()


def test_a_huge_network_gets_a_coarser_decision_boundary():
    """The boundary's grid costs at most BOUNDARY_WORK multiply-adds, between 24 and 96 points a side."""
    from visualbp.gui.view_limits import BOUNDARY_WORK, boundary_resolution
    assert boundary_resolution((2, 4, 3, 2)) == 96 and boundary_resolution((2, WIDE, 2)) == 96
    res = boundary_resolution((2, 100_000, 2))  # 400,000 weights
    assert res < 96 and res ** 2 * 400_000 <= BOUNDARY_WORK < (res + 1) ** 2 * 400_000
    assert boundary_resolution((2, 4000, 4000, 2)) == 24  # 16 M weights: the coarsest, not fewer
