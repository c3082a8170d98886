"""Fitting the network graph into its view with room for its text: the drawing as large as it fits once the
titles above it, the x_k and class labels beside it and the error ratios under it have their pixels (measured,
at the labels' fixed size, by ``label_plan``), and its columns spread to the shape of the room."""

from __future__ import annotations

import math
import weakref

from visualbp.gui.network.label_plan import PAD_PX, Frame, fit_frame, overflow, span
from visualbp.gui.network.layout import MAX_ASPECT, MIN_ASPECT, content_rect

#: per view, the size and the spread it last spread the columns from
_spread_from: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def current_frame(vb) -> Frame:
    """The frame the view box shows now (after a person zoomed or panned, say)."""
    (x0, x1), (y0, _y1) = vb.viewRange()
    width, height = max(vb.width(), 1.0), max(vb.height(), 1.0)
    return Frame(x0, y0, width / max(x1 - x0, 1e-12), width, height)


def first_margins(view) -> tuple[float, float, float, float]:
    """A first guess of the pixels the text takes left, above, right and under the drawing."""
    labels, cols = view.labels, view.scene.cols
    px = labels.px
    line = labels.measure(((span("l = 1", "text", True),),), px)[1]
    left = right = PAD_PX
    texts = labels.texts_to_place({}, False)
    if texts.inputs:
        left += max(labels.measure(lines, px)[0] for lines in texts.inputs) + PAD_PX
    if labels.outputs:
        right += labels.output_room() + PAD_PX
    bottom = line + 2 * PAD_PX if len(cols) > 1 else PAD_PX
    return (left, 2 * line + 2 * PAD_PX, right, bottom)


def fit(view, spread: bool = True) -> None:
    """Fit the whole network, its text included, into ``view``'s view box (the view's ``fit``); when the room
    left for the drawing has another shape than its columns, they are spread to it first (``view.relayout``,
    unless not ``spread``: a text that changed keeps the columns where they are)."""
    cols = view.scene.cols
    if not cols:
        return
    vw, vh = max(view.vb.width(), 100.0), max(view.vb.height(), 100.0)
    frame, boxes, margins = _settle(view, first_margins(view), vw, vh)
    room = (vw - margins[0] - margins[2]) / max(vh - margins[1] - margins[3], 1.0)
    want = min(MAX_ASPECT, max(MIN_ASPECT, room))
    if spread and abs(math.log(want / view.scene.aspect)) > math.log(1.1):
        size, back = (round(vw), round(vh)), _spread_from.get(view)
        # the text's room depends on the spread (wider: shorter titles, so a taller room): straight back to the
        # spread it came from at the same size only if the drawing was larger there
        if back is None or back[0] != size or abs(math.log(want / back[1])) > math.log(1.1) or \
                frame.scale < 0.95 * back[2]:
            _spread_from[view] = (size, view.scene.aspect, frame.scale)
            if view.relayout(want):
                return  # the columns spread to the room, and fitted again
    view.vb.setRange(xRange=(frame.x0, frame.x0 + vw / frame.scale), yRange=(frame.y0, frame.y0 + vh / frame.scale),
                     padding=0)
    view.ratios.paint(boxes, frame)


def _settle(view, margins: tuple[float, float, float, float], vw: float, vh: float):
    """(frame, boxes, margins): the text planned, and the margins grown by what it took beyond them, a few
    rounds (a smaller drawing may say its titles shorter, its ratios lower)."""
    cols = view.scene.cols
    frame = fit_frame(content_rect(cols), vw, vh, margins)
    boxes = view.labels.place(frame, view.ratios.forms(), view.ratios.shown())
    for _ in range(4):
        grow = overflow(boxes, frame)
        if max(grow) <= 0.5:
            break
        margins = (margins[0] + max(grow[0], 0.0) + 1.0, margins[1] + max(grow[1], 0.0) + 1.0,
                   margins[2] + max(grow[2], 0.0) + 1.0, margins[3] + max(grow[3], 0.0) + 1.0)
        frame = fit_frame(content_rect(cols), vw, vh, margins)
        boxes = view.labels.place(frame, view.ratios.forms(), view.ratios.shown())
    return frame, boxes, margins


def place_text(view) -> None:
    """The text changed (a saturation count, an output's number, the ratios): placed again where the drawing is,
    or the drawing fitted again when it no longer has the room (only while the view follows the network)."""
    if not view.scene.cols or view.labels.frame is None:
        return
    frame = view.labels.frame if view.auto_fit else current_frame(view.vb)
    boxes = view.labels.place(frame, view.ratios.forms(), view.ratios.shown())
    if view.auto_fit and max(overflow(boxes, frame)) > 0.5:
        fit(view, spread=False)
        return
    view.ratios.paint(boxes, frame)
