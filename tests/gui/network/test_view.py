"""The network graph: edges follow the weights, fills follow a and δ, the current layer is highlighted,
large layers use level of detail, hover names w^l_jk with its gradient, a click pins a neuron."""


import numpy as np
import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from view_helpers import all_edges, expected_color, make_view, step_until

from visualbp.core.config import SessionConfig
from visualbp.core.probe import activations_on_grid
from visualbp.core.steps import Kind
from visualbp.gui import colors as C
from visualbp.gui import theme
from visualbp.gui.cards import edge_text, neuron_text
from visualbp.gui.inspector import NeuronInspector
from visualbp.gui.network import NetworkView
from visualbp.gui.network.scene import NBINS
from visualbp.gui.notation import sym
from visualbp.gui.session import Session


def test_edge_colour_follows_sign_and_magnitude_of_its_weight(view, session):
    vmax = view.scene.vmax
    assert vmax > 0
    for l, j, k, w in all_edges(session.net):
        rgba = view.scene.edge_rgba(l, j, k)
        assert rgba == expected_color(w, vmax)
        if w < -0.1 * vmax:
            assert rgba[0] > rgba[2]  # orange
        elif w > 0.1 * vmax:
            assert rgba[2] > rgba[0]  # blue
    # wider for a larger |w|
    l, j, k, w = max(all_edges(session.net), key=lambda e: abs(e[3]))
    l2, j2, k2, w2 = min(all_edges(session.net), key=lambda e: abs(e[3]))
    assert view.scene.edge_width(l, j, k) > view.scene.edge_width(l2, j2, k2)
    assert view.scene.drawn_edge_count(2) == 8 and view.scene.drawn_edge_count(4) == 6
    # and the pixels on screen: the strongest edge (drawn on top) shows its colour at its middle
    img = view.graphics.grab().toImage()
    p = view.graphics.mapFromScene(view.view_to_scene(view.edge_point(l, j, k, 0.5)))
    c = img.pixelColor(p.x(), p.y())
    want = view.scene.edge_rgba(l, j, k)
    assert max(abs(c.red() - want[0]), abs(c.green() - want[1]), abs(c.blue() - want[2])) < 40
    assert "w, b" in view.weight_scale.text() and "…" in view.weight_scale.text()


def test_feedforward_highlights_the_layer_and_fills_with_a(view, session):
    assert view.scene.highlight is None and view.scene.fill_q == "a"
    record = step_until(session, lambda r: r.kind is Kind.FEEDFORWARD and r.l == 2)
    assert record.l == 2
    assert view.scene.highlight == 2
    assert view.scene.fill_q == "a"
    assert view.band.isVisible()
    assert "a" in view.fill_scale.text() and "activation" in view.fill_scale.text()
    # the fills of layer 2 are a^2 on the sigmoid's own scale (0 … 0.5 … 1); layer 3 is not known yet
    a2 = session.engine.current("a", 2).ravel()
    want = C.colors_for(a2 - 0.5, 0.5)
    assert np.array_equal(view.scene.fills[2], want)
    assert 3 not in view.scene.fills


def test_backprop_fills_with_delta(view, session):
    step_until(session, lambda r: r.kind is Kind.BACKPROP_ERROR)
    assert view.scene.fill_q == "delta"
    assert view.scene.highlight == session.engine.last_record.l
    assert "δ" in view.fill_scale.text() and "error" in view.fill_scale.text()
    L = session.net.num_layers
    d = session.engine.current("delta", L).ravel()
    got = view.scene.fills[L]
    for dj, c in zip(d, got):
        if abs(dj) > 0.05 * view.scene.delta_vmax:
            assert (c[2] > c[0]) == (dj > 0)
    step_until(session, lambda r: r.kind is Kind.GRADIENT_W)
    assert view.scene.fill_q == "delta"


def test_minibatch_update_recolours_edges_and_marks_the_change(view, session):
    before = [view.scene.edge_rgba(l, j, k) for l, j, k, _ in all_edges(session.net)]
    record = step_until(session, lambda r: r.kind is Kind.UPDATE)
    assert view.scene.highlight == record.l
    assert view.edges.glowing(), "the updated layer's edges glow"
    session.finish_batch()  # the rest of the updates
    session.finish_batch()  # a whole minibatch in one pass: a BATCH record
    assert session.engine.last_record.kind is Kind.BATCH
    assert view.scene.highlight is None
    vmax = view.scene.vmax
    after = []
    for l, j, k, w in all_edges(session.net):
        after.append(view.scene.edge_rgba(l, j, k))
        assert after[-1] == expected_color(w, vmax)
    assert after != before
    # what is painted: the edge item's bins hold exactly the weights' bins
    bins = C.bin_of(np.concatenate([w.ravel() for w in session.net.weights]), vmax, NBINS)
    assert view.edges.drawn_per_bin() == np.bincount(bins, minlength=NBINS).tolist()
    # Δw mode colours edges by the last change instead
    view.set_show_dw(True)
    assert "Δw" in view.weight_scale.text()
    dw = view.scene.last_dw[0]
    j, k = np.unravel_index(np.argmax(np.abs(dw)), dw.shape)
    assert view.scene.edge_rgba(2, j, k) == expected_color(dw[j, k], view.scene.dw_vmax())


def test_fixed_scale_is_stable_and_auto_refits(view, session):
    vmax = view.scene.vmax
    session.finish_batch()
    assert view.scene.vmax >= vmax  # fixed: never shrinks by itself
    view.set_range_mode("auto")
    assert view.scene.vmax == pytest.approx(C.symmetric_range(session.net.weights))
    with pytest.raises(ValueError):
        view.set_range_mode("sometimes")


def test_click_on_a_neuron_selects_it_and_selection_shows_a_ring(qtbot, view, session):
    scene = view.view_to_scene(view.neuron_pos(3, 1))
    widget_pos = view.graphics.mapFromScene(scene)
    with qtbot.waitSignal(session.selectionChanged):
        qtbot.mouseClick(view.graphics.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(widget_pos.x(), widget_pos.y()))
    assert session.selected == (3, 1)
    assert view.neurons.selected == (3, 1)
    session.select((2, 0))
    assert view.neurons.selected == (2, 0)
    # a click on empty space clears the pin
    view.click_at(view.neuron_pos(1, 0) + type(view.neuron_pos(1, 0))(0, 50))
    assert session.selected is None


def test_hover_on_an_edge_names_the_weight_and_its_gradient(view, session):
    l, j, k, w = max(all_edges(session.net), key=lambda e: abs(e[3]))
    pos = view.edge_point(l, j, k, 0.5)
    text = view.hover_text_at(pos)
    J, K = j + 1, k + 1  # the book counts neurons from 1
    assert f"w^{l}_{J}{K} = {C.format_number(w)}" in text
    assert "not known yet" in text
    # through the scene's mouse signal, as a real hover
    view.graphics.scene().sigMouseMoved.emit(view.view_to_scene(pos))
    assert view.interaction.card.isVisible() and f"w^{l}_{J}{K}" in view.interaction.card_text()
    # once δ^l is known: BP4 with the numbers plugged in
    step_until(session, lambda r: r.kind is Kind.GRADIENT_W and r.l == l)
    text = view.interaction.card_text()  # the card refreshes on every step
    a_k = float(session.engine.current("a", l - 1)[k, 0])
    d_j = float(session.engine.current("delta", l)[j, 0])
    assert f"∂C/∂w^{l}_{J}{K} = a^{l - 1}_{K} δ^{l}_{J} = ({C.format_number(a_k)})({C.format_number(d_j)})" in text
    assert C.format_number(float(session.engine.current("nabla_w", l)[j, k])) in text


def test_hover_on_a_neuron_lists_what_is_known(view, session):
    step_until(session, lambda r: r.kind is Kind.FEEDFORWARD and r.l == 3)
    text = view.hover_text_at(view.neuron_pos(3, 2))  # array index 2: the book's 3rd neuron
    z = float(session.engine.current("z", 3)[2, 0])
    b = float(session.net.biases[1][2, 0])
    assert text.startswith("neuron j=3 of layer l=3 (hidden)")
    assert f"z^3_3 = {C.format_number(z)}" in text
    assert f"b^3_3 = {C.format_number(b)}" in text
    assert "δ^3_3 = —" in text  # not computed yet
    assert "a^1_2" in view.hover_text_at(view.neuron_pos(1, 1)) and "x_2" in neuron_text(session, 1, 1)


def test_inspector_shows_the_pinned_neuron(qtbot, session):
    theme.apply()
    inspector = NeuronInspector(session)
    qtbot.addWidget(inspector)
    assert inspector.facts() == {}
    session.select((3, 1))
    step_until(session, lambda r: r.kind is Kind.FEEDFORWARD and r.l == 3)
    facts = inspector.facts()  # array index 1 is the book's neuron j = 2
    assert facts["z^3_2"] == C.format_number(float(session.engine.current("z", 3)[1, 0]))
    assert facts["δ^3_2"] == "—"
    assert "Neuron j = 2 of layer l = 3" in inspector.title.text()
    step_until(session, lambda r: r.kind is Kind.GRADIENT_B and r.l == 3)
    assert inspector.facts()["∂C/∂b^3_2"] == C.format_number(float(session.engine.current("delta", 3)[1, 0]))
    assert inspector._bars is not None  # the incoming weights w^3_2k as bars, at k = 1 … 4
    assert list(inspector._bars.opts["x"]) == [1, 2, 3, 4]
    assert "k = 1 … 4" in inspector.caption.text() and "<sub>2k</sub>" in inspector.caption.text()


def test_network_change_rebuilds(view, session):
    session.apply_config(SessionConfig(sizes=(2, 5, 2)))
    assert len(view.scene.cols) == 3
    assert view.scene.drawn_edge_count(2) == 10 and view.scene.drawn_edge_count(3) == 10
    assert view.heatmaps.grid(2).shape[0] == 5


def test_2d_heatmaps_show_each_neuron_over_the_input_plane(qtbot, view, session):
    net = session.net
    for l, n in enumerate(net.sizes, start=1):
        grid = view.heatmaps.grid(l)
        assert grid is not None and grid.shape[0] == n and grid.shape[1] == grid.shape[2]
    xlim, ylim = view.scene.grid_lim
    res = view.heatmaps.grid(4).shape[1]
    out = activations_on_grid(net, xlim, ylim, res)[-1][:, ::-1, :]
    assert np.allclose(view.heatmaps.grid(4), out)
    old = view.heatmaps.grid(4).copy()
    session.finish_batch()
    session.finish_batch()
    qtbot.waitUntil(lambda: not np.allclose(view.heatmaps.grid(4), old), timeout=2000)


def test_weight_heatmap_opens_in_one_call(qtbot, view, session):
    win = view.show_weight_heatmap(3)
    qtbot.addWidget(win)
    assert np.array_equal(win.image.image, session.net.weights[1])
    assert win.value_at(2, 1) == f"w^3_32 = {C.format_number(float(session.net.weights[1][2, 1]))}"
    # the axes read the book's j and k: cell (j, k) = (2, 1) sits at x = k + 1 = 2, y = j + 1 = 3
    win.show()
    qtbot.waitExposed(win)
    from PyQt6.QtCore import QPointF
    win._on_mouse_moved(win.plot.vb.mapViewToScene(QPointF(2, 3)))
    assert "<sub>32</sub>" in win.readout.text()
    assert C.format_number(float(session.net.weights[1][2, 1])) in win.readout.text()
    session.finish_batch()
    assert np.array_equal(win.image.image, session.net.weights[1])
    with pytest.raises(ValueError):
        view.show_weight_heatmap(1)


def test_mnist_uses_level_of_detail(qtbot):
    theme.apply()
    s = Session(SessionConfig(dataset="mnist", sizes=(784, 30, 10)))
    v = NetworkView(s)
    qtbot.addWidget(v)
    v.resize(1100, 800)
    v.show()
    assert v.scene.lod[2 - 2] and not v.scene.lod[3 - 2]
    # a picture's receptive fields show every weight of w^2: its strongest 100 only hint at them as lines
    assert v.scene.drawn_edge_count(2) == v.scene.max_edges == 100
    assert v.scene.drawn_edge_count(3) == 300
    rf = v.scene.receptive_fields()
    assert rf.shape == (30, 28, 28) and np.array_equal(rf[3].ravel(), s.net.weights[0][3])
    # the drawn edges are the strongest
    drawn = v.scene.edge_flat[v.scene.edge_l == 2]
    mag = np.abs(s.net.weights[0]).ravel()
    assert mag[drawn].min() >= np.sort(mag)[-100]
    # hover on a receptive-field pixel reads that weight
    left, top, width, height = v.scene.cols[1].tile_rect(4)  # the layout the painter draws it at
    k = 14 * 28 + 14
    from PyQt6.QtCore import QPointF
    pos = QPointF(left + (14.5 / 28) * width, top + (14.5 / 28) * height)
    text = v.hover_text_at(pos)  # array indices (4, k): the book's w^2_(5,k+1), comma-separated
    assert f"w^2_5,{k + 1} = {C.format_number(float(s.net.weights[0][4, k]))}" in text
    assert f"pixel k={k + 1} (row 15, column 15)" in text and "neuron j=5 of layer 2" in text
    v.set_max_edges(None)
    assert v.scene.drawn_edge_count(2) == 23_520
    # painted: one segment per distinct line (a picture row's 28 pixels share the line to a row of the hidden
    # mosaic; the one painted last covers the rest, see visualbp.gui.network.overdraw)
    assert sum(v.edges.drawn_per_bin()) == len(np.unique(v.scene.coords, axis=0)) < 23_520 + 300
    j, k = np.unravel_index(np.argmax(mag), (30, 784))
    assert v.scene.edge_rgba(2, j, k) == expected_color(s.net.weights[0][j, k], v.scene.vmax)
    v.set_max_edges(50)
    assert v.scene.drawn_edge_count(2) == 50
    s.shutdown()


def test_text_counts_neurons_from_one_like_the_book():
    assert sym("w", 3, 1, 3) == "w^3_24"  # from the 4th neuron of layer 2 to the 2nd of layer 3
    assert sym("δ", 3, 0) == "δ^3_1"
    assert sym("w", 2, 0, 8) == "w^2_19"  # single digits stay together
    assert sym("w", 2, 0, 9) == "w^2_1,10"  # a two-digit index: comma-separated
    assert sym("w", 2, 11, 405) == "w^2_12,406"
    assert sym("w", 2, 9, "k") == "w^2_10,k" and sym("w", 3, 1, "k") == "w^3_2k"


def test_hover_on_edge_3_0_1_reads_w3_12(view, session):
    """The edge with array indices (l=3, j=0, k=1) is the book's w^3_12."""
    w = float(session.net.weights[1][0, 1])
    text = view.hover_text_at(view.edge_point(3, 0, 1, 0.5))
    assert f"w^3_12 = {C.format_number(w)}" in text
    assert "from neuron k=2 of layer 2 to neuron j=1 of layer 3" in text
    assert text == edge_text(session, 3, 0, 1)


def test_input_labels_are_x1_x2_and_output_labels_are_class_labels(view, session):
    inputs = [b for b in view.labels.boxes if b.kind == "input"]
    assert [b.text for b in inputs] == ["x1", "x2"]
    assert all(b.lines[0][1][3] == "sub" for b in inputs)  # x with a subscript k
    texts = view.labels.texts()
    assert "class 0" in texts and "class 1" in texts  # a class label is data, not a neuron number


def test_heatmaps_and_dw_follow_consecutive_in_place_minibatches(qtbot, view, session):
    """The fast path writes each minibatch into the same arrays: the graph follows the engine's weights
    version, so the 2-D heatmaps and the Δw colours show every minibatch, not the first one."""
    from visualbp.gui.view_limits import robust_range

    session.finish_batch()  # the first pass copies the arrays it was handed once
    view.set_show_dw(True)
    xlim, ylim = view.scene.grid_lim
    for _ in range(3):
        before = [w.copy() for w in session.net.weights]
        arrays = list(session.net.weights)
        session.finish_batch()
        assert all(a is b for a, b in zip(session.net.weights, arrays))  # written in place
        out = activations_on_grid(session.net, xlim, ylim, view.heatmaps.grid(4).shape[1])[-1][:, ::-1, :]
        qtbot.waitUntil(lambda out=out: np.allclose(view.heatmaps.grid(4), out), timeout=2000)
        dws = [w - b for w, b in zip(session.net.weights, before)]
        vmax = robust_range(dws)
        for l, dw in enumerate(dws, start=2):
            j, k = np.unravel_index(np.argmax(np.abs(dw)), dw.shape)
            assert view.scene.edge_rgba(l, j, k) == expected_color(dw[j, k], vmax)


def test_mnist_by_minibatch_shows_the_last_example_and_labels_the_outputs(qtbot):
    """Stepping by minibatch, the input tile is the example the pass took last (not a pale average), and each
    output neuron reads its class, a^L_j of that example, the target and whether the network got it right."""
    theme.apply()
    s, v = make_view(qtbot, SessionConfig(dataset="mnist", sizes=(784, 30, 10)))
    assert v.scene.example is None  # nothing processed yet: the mean input, faded
    for _ in range(3):
        s.finish_batch()
        record = s.engine.last_record
        row = int(record["rows"][-1])
        assert v.scene.example.row == row
        np.testing.assert_array_equal(v.scene.example.a1, s.engine.X[row])
        want = C.image_rgba(s.engine.X[row].reshape(28, 28), v.scene.input_half, v.scene.style.colors)
        assert np.array_equal(v.heatmaps.images["input"].image, want)
        a = record["a_last"].ravel()
        target, predicted = int(s.engine.labels[row]), int(np.argmax(a))
        texts = v.labels.output_texts()
        for j, text in enumerate(texts):
            assert text.startswith(f"{j}  {C.format_number(a[j], 2)}")
        if predicted == target:
            assert texts[target].endswith("✓") and "✗" not in " ".join(texts)
        else:
            assert texts[target].endswith("← target") and texts[predicted].endswith("✗ predicted")
    s.shutdown()


def test_mnist_receptive_fields_are_at_least_32_px_in_the_room_a_1366x768_window_gives_the_graph(qtbot):
    theme.apply()
    s, v = make_view(qtbot, SessionConfig(dataset="mnist", sizes=(784, 30, 10)))
    v.resize(570, 404)  # the 1366×768 window's graph: about 570 × 342 px between its toolbars
    qtbot.waitUntil(lambda: v.graphics.height() <= 345)
    v.fit()
    c = v.scene.cols[1]
    px = abs(v.vb.viewPixelSize()[1])
    assert c.grid == (5, 6) and c.tile_h / px >= 32 and c.tile_w / px >= 32
    assert v.scene.drawn_edge_count(2) <= 100  # not a hairball over them
    s.shutdown()


def test_the_columns_spread_to_the_shape_of_the_room_and_hit_testing_follows(view, session, qtbot):
    """A projector's wide, short graph: the columns spread across it (the titles no longer crowd each other),
    and the neurons are found where they are now drawn."""
    from visualbp.gui.network.layout import content_rect

    def spread() -> float:
        left, _top, width, height = content_rect(view.scene.cols)
        return width / height

    square = spread()
    view.resize(1400, 420)
    qtbot.waitUntil(lambda: spread() > 1.3 * square, timeout=3000)
    cols = view.scene.cols
    gaps = [b.x - a.x for a, b in zip(cols[:-1], cols[1:])]
    assert min(gaps) > 0
    l = len(cols)
    for j in range(session.net.sizes[-1]):
        x, y = cols[-1].center(j)
        assert view.neuron_pos(l, j) == QPointF(x, y)
        assert view.click_at(QPointF(x, y)) == (l, j)


def test_output_neurons_are_labelled_with_the_class_names_a_users_file_gives(qtbot):
    from visualbp.core.datasets import example_csv

    theme.apply()
    s, v = make_view(qtbot, SessionConfig(dataset="file", data_path=str(example_csv()), sizes=(2, 8, 3)))
    names = [name for _, name in v.labels.outputs.values()]
    assert sorted(names) == sorted(s.dataset.class_names) == ["cloudy", "rainy", "sunny"]
    s.shutdown()
