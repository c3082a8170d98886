"""The graph's scene and layout without Qt: what is drawn, and one geometry for painting and hit-testing."""

import subprocess
import sys

import numpy as np
import pytest

from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.steps import Kind
from visualbp.gui import colors as C
from visualbp.gui.network.layout import PICK_PX, hit_neuron, near_segments
from visualbp.gui.network.scene import NBINS, Scene


def make(config: SessionConfig):
    data = load_dataset(config)
    net, engine = build(config, data)
    scene = Scene()
    scene.rebuild(net, data, engine.weights_version)
    return scene, net, engine


def test_scene_and_layout_import_no_qt():
    code = ("import sys, visualbp.gui.network.scene, visualbp.gui.network.layout; "
            "bad = [m for m in sys.modules if m.startswith(('PyQt6', 'pyqtgraph'))]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_edge_is_drawn_in_the_bin_of_its_weight():
    scene, net, _ = make(SessionConfig(sizes=(2, 4, 3, 2), seed=1))
    assert [c.n for c in scene.cols] == [2, 4, 3, 2] and [c.kind for c in scene.cols] == ["tile"] * 4
    assert [scene.drawn_edge_count(l) for l in (2, 3, 4)] == [8, 12, 6]
    for l, w in enumerate(net.weights, start=2):
        for j, k in np.ndindex(w.shape):
            assert scene.edge_bin(l, j, k) == C.bin_of(np.array([w[j, k]]), scene.vmax, NBINS)[0]
    coords, counts = scene.binned()
    assert counts.sum() == len(coords) == 26


def test_mnist_draws_the_strongest_edges_and_a_receptive_field_per_hidden_neuron():
    scene, net, _ = make(SessionConfig(dataset="mnist", sizes=(784, 30, 10)))
    assert [c.kind for c in scene.cols] == ["image", "tile", "circle"] and scene.lod == [True, False]
    assert scene.cols[1].grid == (5, 6) and scene.max_edges == 100  # 30 fields in 5 rows of 6; few lines
    drawn = scene.edge_flat[scene.edge_l == 2]
    mag = np.abs(net.weights[0]).ravel()
    assert len(drawn) == scene.max_edges and mag[drawn].min() >= np.sort(mag)[-scene.max_edges]
    assert scene.receptive_fields().shape == (30, 28, 28)


def test_dw_follows_the_weights_version_not_the_arrays():
    scene, net, engine = make(SessionConfig(sizes=(2, 4, 3, 2), seed=1))
    engine.finish_batch()
    assert scene.weights_changed(engine.weights_version)
    for _ in range(2):  # in place: the same arrays, new numbers
        before = [w.copy() for w in net.weights]
        engine.finish_batch()
        assert scene.weights_changed(engine.weights_version)
        for dw, w, b in zip(scene.last_dw, net.weights, before):
            np.testing.assert_allclose(dw, w - b)
    assert not scene.weights_changed(engine.weights_version)  # the same version: nothing to do


def test_fills_follow_the_example_forwards_and_the_error_backwards():
    scene, net, engine = make(SessionConfig(sizes=(2, 4, 3, 2), seed=1))
    record = engine.step()
    while not (record.kind is Kind.FEEDFORWARD and record.l == 3):
        record = engine.step()
    scene.step(record, engine)
    assert scene.highlight == 3 and scene.fill_q == "a" and sorted(scene.fills) == [1, 2, 3]
    np.testing.assert_array_equal(scene.fills[3], C.colors_for(engine.current("a", 3).ravel() - 0.5, 0.5))
    while record.kind is not Kind.OUTPUT_ERROR:
        record = engine.step()
    scene.step(record, engine)
    assert scene.fill_q == "delta" and list(scene.fills) == [4]


@pytest.mark.parametrize("config", [SessionConfig(sizes=(2, 4, 3, 2)),
                                    SessionConfig(dataset="digits", sizes=(64, 30, 10)),
                                    SessionConfig(dataset="mnist", sizes=(784, 30, 10)),
                                    SessionConfig(dataset="digits", sizes=(64, 150, 10))],
                         ids=["tiles", "circles", "image+rf", "compact"])
def test_hit_testing_finds_every_neuron_where_it_is_painted(config):
    scene, _, _ = make(config)
    px = 0.01 * min(c.s for c in scene.cols if c.kind != "image")
    for c in scene.cols:
        if c.kind == "image":
            for k in (0, c.n - 1, c.n // 2 + 3):
                assert hit_neuron(scene.cols, *c.center(k), px) == ("pixel", 1, k)
            continue
        for j in range(c.n):
            x, y = c.node_center(j)
            assert hit_neuron(scene.cols, x, y, px)[:3] == ("neuron", c.l, j)
            # at the painted circle's edge, and a pick margin beyond it, still the same neuron
            assert hit_neuron(scene.cols, x + c.node_radius + 0.9 * PICK_PX * px, y, px)[:3] == ("neuron", c.l, j)
            if c.mosaic == "rf":
                left, top, w, h = c.tile_rect(j)
                assert hit_neuron(scene.cols, left + w / 2, top + h / 2, px)[:3] == ("rf", c.l, j)


def test_an_edge_is_hit_along_the_segment_it_is_painted_on():
    scene, _, _ = make(SessionConfig(dataset="digits", sizes=(64, 30, 10)))
    for e in (0, len(scene.coords) // 2, len(scene.coords) - 1):
        x0, y0, x1, y1 = scene.coords[e]
        near = near_segments(scene.coords, 0.5 * (x0 + x1), 0.5 * (y0 + y1), 1e-3)
        assert e in near
    assert not len(near_segments(scene.coords, -100.0, -100.0, 1e-3))


@pytest.mark.parametrize("dataset", ["moons", "spiral", "xor", "circles"])
def test_the_tiles_and_the_decision_boundary_show_one_input_plane(dataset):
    """The example dot on each neuron tile is placed on the plane the tile's heatmap and the boundary plot use
    (core.probe.input_plane: square, fitted to the data), not on the data's own unsquared box."""
    from visualbp.core.probe import GridProbe, input_plane

    scene, net, engine = make(SessionConfig(dataset=dataset, seed=0))
    (x0, x1), (y0, y1) = scene.grid_lim
    assert (x1 - x0) == pytest.approx(y1 - y0)  # square: x₁ and x₂ at one scale
    plane = np.ravel(input_plane(engine.X))
    assert np.ravel(scene.grid_lim) == pytest.approx(plane)
    probe = GridProbe(net, *scene.grid_lim, resolution=8)
    assert np.ravel([probe.xlim, probe.ylim]) == pytest.approx(plane)


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_the_update_glow_of_an_overflowed_step_is_drawn_without_a_warning(bad):
    """η and λ near 1e300 (accepted by Setup and by saved sessions) make Δw infinite: the glow under the
    changed edges divided inf by inf and NumPy warned inside Qt's event loop."""
    import warnings

    scene, net, engine = make(SessionConfig(seed=0))
    dw = np.ones_like(net.weights[0])
    dw[0, 0] = bad
    scene.emphasis = (2, dw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        groups = scene.glow()
    assert groups and all(np.isfinite(segments).all() for _width, segments in groups)


def test_the_strongest_edges_treat_nan_as_zero_and_inf_as_largest():
    from visualbp.gui.network.drawn import strongest_edges as strongest

    w = np.array([[0.5, -3.0, np.nan], [np.inf, 0.1, -2.0], [-np.inf, 1.0, 0.0]])
    assert strongest(w, 3).tolist() == [1, 3, 6]  # −3, +inf, −inf: NaN is not a strong edge
    assert strongest(w[:2, :2], 2).tolist() == [1, 2]
    rng = np.random.default_rng(0)
    w = rng.standard_normal((30, 784))
    flat = np.sort(np.argsort(np.abs(w).ravel())[-100:])
    assert strongest(w, 100).tolist() == flat.tolist()


def test_the_segments_of_a_pair_drawn_whole_are_kept_until_a_new_layout():
    scene, net, engine = make(SessionConfig(dataset="digits", sizes=(64, 30, 10), seed=0))
    scene.max_edges = None
    scene.select_drawn()
    coords = scene.coords
    net.weights[0][:] *= -1.0
    scene.weights_changed(engine.weights_version + 1)
    assert scene.coords is coords  # every edge drawn: the same segments, not found again
    scene.max_edges = 50
    scene.select_drawn()
    assert scene.drawn_edge_count(2) == 50 and len(scene.coords) == 50 + 300
    np.testing.assert_array_equal(scene.coords[50:], coords[64 * 30:])  # the whole pair's segments, kept


def test_a_fixed_scale_widens_exactly_when_the_weights_leave_it():
    scene, net, engine = make(SessionConfig(dataset="mnist", sizes=(784, 30, 10), seed=0))
    vmax = scene.vmax
    version = engine.weights_version
    for factor in (1.0001, 0.5, 1.2, 3.0, 0.1):  # in, in, out, out again, in: never shrinks
        for w in net.weights:
            w *= factor
        version += 1
        scene.weights_changed(version)
        r = C.symmetric_range(net.weights)
        vmax = C.nice_ceil(r) if r > vmax * 1.0001 else vmax
        assert scene.vmax == vmax
    net.weights[0][0, 0] = np.nan  # a NaN: decided by the full computation
    scene.weights_changed(version + 1)
    assert scene.vmax == vmax
