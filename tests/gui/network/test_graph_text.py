"""The text the graph paints, read from the back of a lecture hall: every lesson at the projectors' sizes in
presentation mode, each where it opens and after a minibatch (the error ratios show), has every painted text at
least 1/50 of the screen's height, no two texts over each other and none outside the view — asserted on the
labels' plan (``view.labels.boxes``, Qt-free data), which is what is painted (checked against the items)."""

from __future__ import annotations

import pytest
from lecture_helpers import open_lesson, presenting, settle
from PyQt6.QtCore import QPointF

from visualbp.core.config import SessionConfig
from visualbp.core.demos import list_demos
from visualbp.gui import theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.network import NetworkView
from visualbp.gui.network.label_plan import Box, Frame, Texts, plan, title_forms
from visualbp.gui.network.layout import build_layout
from visualbp.gui.session import Session

#: the lecture halls' projectors and 1920×1080 at 200 % (960×540 logical)
SIZES = [(1024, 768), (1280, 720), (960, 540)]


def _meet(a: tuple, b: tuple) -> bool:
    """Two rectangles (left, top, width, height) share more than a hairline of pixels."""
    return a[0] < b[0] + b[2] - 0.5 and b[0] < a[0] + a[2] - 0.5 and a[1] < b[1] + b[3] - 0.5 and \
        b[1] < a[1] + a[3] - 0.5


def _problems(boxes: list[Box], frame: Frame, floor: int, where: str) -> list[str]:
    shown = [b for b in boxes if b.shown]
    found = [f"{where}: {b.px} px < {floor} px: {b.text!r}" for b in shown if b.px < floor]
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            if _meet(a.rect, b.rect):
                found.append(f"{where}: {a.text!r} over {b.text!r}")
    for b in shown:
        left, top, w, h = b.rect
        if left < 0 or top < 0 or left + w > frame.width or top + h > frame.height:
            found.append(f"{where}: outside the view: {b.text!r} at {b.rect}")
    return found


def _painted_as_planned(view) -> list[str]:
    """The labels' items are where their boxes say (the plan is what is painted)."""
    found = []
    view.graphics.grab()  # painted: a text item follows the view's range as it paints
    for b in view.labels.boxes:
        item = view.labels.item(b)
        if not b.shown or item is None or not item.isVisible():
            continue
        got = view.vb.mapRectFromScene(item.mapRectToScene(item.boundingRect()))
        if max(abs(got.left() - b.rect[0]), abs(got.top() - b.rect[1]), abs(got.height() - b.rect[3])) > 1.5:
            found.append(f"{b.text!r} painted at {got.getRect()}, planned {b.rect}")
    return found


#: the plain run walks the smallest projector; the others run with the soak (`pytest -m slow`, which .ci/run runs
#: too): about 3.5 s a size, and the plain run's budget is 90 s
PLAIN_SIZES = [(1024, 768)]


@pytest.mark.parametrize("size", [s if s in PLAIN_SIZES else pytest.param(s, marks=pytest.mark.slow) for s in SIZES],
                         ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_lessons_graph_text_is_readable_from_the_back_and_never_overlaps(qtbot, size):
    lessons = list_demos()
    window, session = presenting(qtbot, lessons[0], size)
    problems: list[str] = []
    try:
        view = window.network_view
        floor = theme.floor_px(window.height())
        for demo in lessons:
            open_lesson(window, demo)
            view.fit()
            problems += _problems(view.labels.boxes, view.labels.frame, floor, f"{demo.name}, where it opens")
            problems += _painted_as_planned(view)
            session.set_granularity("minibatch")
            session.step()
            view.settle()
            settle()
            where = f"{demo.name} after a minibatch"
            problems += _problems(view.labels.boxes, view.labels.frame, floor, where)
            assert view.ratios.texts(), where  # the error ratios show, and were checked with the rest
    finally:
        window.set_presentation(False)
        session.shutdown()
    assert problems == []


def test_the_laptops_graph_text_is_at_least_the_applications_small_type(qtbot):
    """Outside presentation mode (a 1366×768 laptop's graph, about 700 × 300 px) the labels do not shrink below
    the theme's smallest type to fit a deep network's titles: they say less."""
    theme.apply()
    session = Session(SessionConfig(dataset="digits", sizes=(64, 30, 30, 30, 30, 10), seed=20))
    window = MainWindow(session, remember_layout=False, recovery=False)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitExposed(window)
        view = window.network_view
        view.resize(700, 380)
        settle()
        view.fit()
        session.finish_batch()
        view.settle()
        settle()
        smallest = theme.smallest_pt() * view.logicalDpiY() / 72.0
        assert view.labels.px >= smallest
        assert _problems(view.labels.boxes, view.labels.frame, int(smallest), "digits") == []
        titles = {b.l: b for b in view.labels.boxes if b.kind == "title"}
        assert all(view.labels.title_text(l).startswith(f"layer l = {l}") for l in titles)
        frame = view.labels.frame
        for b in titles.values():  # hovering a title says all of it, what a short one leaves out too
            left, top, w, h = b.rect
            hover = view.hover_text_at(QPointF(*frame.view(left + w / 2, top + h / 2)))
            assert hover == view.labels.title_text(b.l)
            assert all(part in hover for part in b.detail.split(", ") if part)
    finally:
        session.shutdown()


def _fake_measure(lines, px):
    return max(len("".join(s[0] for s in line)) for line in lines) * 0.6 * px + 1, len(lines) * 1.2 * px


def test_titles_say_less_where_columns_are_close_and_never_overlap():
    """The plan alone (no Qt): a deep network squeezed into 400 px says its titles shorter, never smaller."""
    cols = build_layout([64, 30, 30, 30, 30, 10], (8, 8), False, 3.0)
    left = min(c.left for c in cols)
    width = max(c.right for c in cols) - left
    frame = Frame(left - 2.0, min(c.top for c in cols) - 10.0, 400.0 / width, 420.0, 300.0)
    titles = [title_forms(f"l = {c.l}", "", f"{c.total} neurons", "5 saturated", "5 sat.") for c in cols]
    texts = Texts(titles, [], [], {}, {})
    boxes = plan(cols, frame, 16, _fake_measure, texts)
    assert [b.px for b in boxes] == [16] * len(cols)
    assert all(not _meet(a.rect, b.rect) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert any(b.detail for b in boxes)  # some said less …
    wide = Frame(frame.x0, frame.y0, frame.scale * 4, 1700.0, 300.0)
    assert all(not b.detail for b in plan(cols, wide, 16, _fake_measure, texts))  # … only where they must


def test_the_error_ratios_stay_when_the_columns_spread_to_a_new_room(qtbot, view, session):
    """A wide, short room spreads the columns (a new layout of the same network): the last minibatch's error
    ratios stay under them (they were dropped until the next minibatch)."""
    session.finish_batch()
    view.settle()
    shown = view.ratios.texts()
    assert shown
    aspect = view.scene.aspect
    view.resize(1500, 330)
    qtbot.waitUntil(lambda: view.scene.aspect != aspect, timeout=2000)
    assert view.ratios.texts() == shown
    assert all(b.shown for b in view.labels.boxes if b.kind == "ratio")


def test_titles_that_cannot_fit_even_staggered_are_not_drawn_over_each_other():
    """Columns a few pixels apart (a view far too small for the network): no title is written over another."""
    cols = build_layout([64, 30, 30, 30, 30, 30, 30, 10], (8, 8), False, 1.2)
    frame = Frame(-2.0, -40.0, 2.0, 200.0, 150.0)
    titles = [title_forms(f"l = {c.l}", "", f"{c.total} neurons", "", "") for c in cols]
    boxes = plan(cols, frame, 16, _fake_measure, Texts(titles, [], [], {}, {}))
    shown = [b for b in boxes if b.shown]
    assert shown and all(not _meet(a.rect, b.rect) for i, a in enumerate(shown) for b in shown[i + 1:])


def test_a_wide_layer_leaves_room_for_every_input_and_output_label_on_a_projector(qtbot):
    """[2, 1000, 2]: the drawn part of the wide layer is tall; the two inputs and outputs beside it spread so that
    x₁, x₂, class 0 and class 1 are all written in the projector's type (x₂ and class 1 were left out)."""
    theme.apply(theme.fitted(theme.PROJECTOR, 720))
    session = Session(SessionConfig(dataset="moons", sizes=(2, 1000, 2), seed=3))
    try:
        view = NetworkView(session)
        qtbot.addWidget(view)
        view.resize(1268, 330)
        view.show()
        qtbot.waitExposed(view)
        view.fit()
        labels = [b for b in view.labels.boxes if b.kind in ("input", "output")]
        assert [b.text for b in labels] == ["x1", "x2", "class 0", "class 1"] and all(b.shown for b in labels)
        assert view.labels.px >= theme.floor_px(720)
        assert _problems(view.labels.boxes, view.labels.frame, theme.floor_px(720), "[2, 1000, 2]") == []
    finally:
        theme.apply()
        session.shutdown()


def test_a_network_changed_while_the_view_is_hidden_is_fitted_whole_when_it_shows(qtbot):
    session = Session(SessionConfig())
    view = NetworkView(session)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    view.vb.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)  # a person zoomed into a corner
    view.auto_fit = False
    view.hide()
    session.apply_config(SessionConfig(sizes=(2, 8, 8, 8, 2)))
    view.show()
    settle()
    (x0, x1), (y0, y1) = view.vb.viewRange()
    for col in view.scene.cols:  # every neuron of the new network inside the view
        assert x0 <= col.x <= x1 and y0 <= float(col.ys.min()) and float(col.ys.max()) <= y1
    session.shutdown()
