"""Where the graph's text goes, in the view's pixels (no Qt): the column titles, the x_k and class labels, the
notes under a column drawn in part and the error ratios under the columns. The one description of the painted
text: ``labels`` and ``ratios`` paint it, hit-testing reads its rectangles, tests assert on it.

Every text is ``px`` pixels (presentation mode: at least 1/50 of the screen's height; otherwise the application's
smallest type): nothing is shrunk to make room. A text that does not fit beside its neighbours says less — a title
"30 neurons · 5 sat.", then on more lines, then its head only (what it leaves out is in its hover text) and, last,
every other title one line higher; neighbouring neuron labels that would overlap are thinned, the target's and
the predicted class's kept first. ``fit_frame`` and ``overflow`` give the drawing the room its text takes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from visualbp.gui.network.layout import Column, Rect, ratio_y, title_y

#: One run of text: its words, colour ('text', 'muted', 'alarm' or '#rrggbb'), bold, script ('', 'sub', 'sup').
Span = tuple[str, str, bool, str]
Line = tuple[Span, ...]
Lines = tuple[Line, ...]
#: (width, height) in pixels of ``lines`` at ``px`` pixels, as the painter lays them out.
Measure = Callable[[Lines, int], tuple[float, float]]
#: The choices of one text, richest first: (its lines, what it leaves to the hover text).
Forms = Sequence[tuple[Lines, str]]

GAP_PX = 10.0  # at least this between two texts side by side
PAD_PX = 4.0  # between a text and the view's edge, or the neurons it names


def span(text: str, colour: str = "text", bold: bool = False, script: str = "") -> Span:
    return (text, colour, bold, script)


def plain(lines: Lines) -> str:
    """The words of ``lines``, one line each."""
    return "\n".join("".join(s[0] for s in line) for line in lines)


@dataclass(frozen=True)
class Frame:
    """The view's pixels: view point (x, y) is at pixel ((x − x0)·scale, (y − y0)·scale) of a width × height view."""

    x0: float
    y0: float
    scale: float
    width: float
    height: float

    def px(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, (y - self.y0) * self.scale

    def view(self, px: float, py: float) -> tuple[float, float]:
        return self.x0 + px / self.scale, self.y0 + py / self.scale


@dataclass(frozen=True)
class Box:
    """One painted text: what it says and where, in the view's pixels (left, top, width, height)."""

    kind: str  # 'title' | 'input' | 'output' | 'more' | 'ratio'
    l: int
    j: int  # the neuron an x_k or class label names; -1 for a column's text
    lines: Lines
    px: int
    rect: Rect
    align: str = "center"  # 'center' | 'left' | 'right'
    detail: str = ""  # what a shortened text leaves to its hover text
    shown: bool = True

    @property
    def text(self) -> str:
        return plain(self.lines)


@dataclass
class Texts:
    """What the graph's text says, before it is placed."""

    titles: list[Forms]  # per column
    inputs: list[Lines]  # per drawn input neuron, its x_k ([] when the inputs are a picture or compact)
    outputs: list[tuple[Lines, bool]]  # per drawn output neuron: its label, and whether it must show
    more: dict[int, Forms]  # l → the note under a column drawn in part
    ratios: dict[int, Forms]  # l → the error ratio under column l
    ratios_shown: bool = False  # the ratios are known (before, their room is kept, empty)


def title_forms(head: str, role: str, size: str, note: str, note_short: str) -> list[tuple[Lines, str]]:
    """A column title's choices, richest first: 'l = 3 (output)', '10 neurons' and the saturation count
    on one, two or three lines, then in fewer words ('5 sat.', '10' without 'neurons'), then the head alone
    (every word left out is in the hover text)."""
    bold, short = span(head + role, "text", True), span(head, "text", True)
    count, sep = span(size, "muted"), span(" · ", "muted")
    bare = span(size.rsplit(" ", 1)[0], "muted")  # '30 neurons' → '30'
    what = role.strip(" ()")
    words = ", ".join(w for w in (what, size, note) if w)
    if not note:
        forms: list[tuple[Lines, str]] = [(((bold, sep, count),), ""), (((bold,), (count,)), "")]
        forms += [(((short,), (count,)), what), (((short,), (bare,)), words)]
    else:
        full, brief = span(note, "alarm"), span(note_short, "alarm")
        forms = [(((bold, sep, count, sep, full),), ""), (((bold,), (count, sep, full)), ""),
                 (((bold,), (count, sep, brief)), ""), (((bold,), (count,), (full,)), ""),
                 (((short,), (count,), (brief,)), what), (((short,), (bare,), (brief,)), words)]
    forms.append((((short,),), words))
    return forms


def fit_frame(content: Rect, width: float, height: float, margins: tuple[float, float, float, float]) -> Frame:
    """The frame that shows ``content`` (view units) as large as it fits in a width × height view with
    ``margins`` (left, top, right, bottom pixels) free around it for the text, centred in what is left."""
    left, top, w, h = content
    ml, mt, mr, mb = margins
    scale = max(min((width - ml - mr) / max(w, 1e-9), (height - mt - mb) / max(h, 1e-9)), 1e-6)
    cx = left + w / 2 + (mr - ml) / 2 / scale
    extra = (height / scale - (h + (mt + mb) / scale)) / 2
    return Frame(cx - width / 2 / scale, top - mt / scale - extra, scale, width, height)


def overflow(boxes: Sequence[Box], frame: Frame) -> tuple[float, float, float, float]:
    """How many pixels the texts reach beyond the view's left, top, right and bottom edges (0 when inside)."""
    out = [0.0, 0.0, 0.0, 0.0]
    for b in boxes:
        left, top, w, h = b.rect
        out[0] = max(out[0], PAD_PX - left)
        out[1] = max(out[1], PAD_PX - top)
        out[2] = max(out[2], left + w - (frame.width - PAD_PX))
        out[3] = max(out[3], top + h - (frame.height - PAD_PX))
    return (out[0], out[1], out[2], out[3])


def plan(cols: list[Column], frame: Frame, px: int, measure: Measure, texts: Texts) -> list[Box]:
    """Every text of the graph at ``px`` pixels, placed in ``frame``: none overlaps another."""
    boxes = _neuron_labels(cols, frame, px, measure, texts)
    labels_top = min((b.rect[1] for b in boxes if b.shown), default=float("inf"))
    bottom = frame.px(0.0, title_y(cols))[1] - 2.0
    titles = _row([(c.l, c.x, texts.titles[c.l - 1]) for c in cols], "title", min(bottom, labels_top - PAD_PX),
                  True, frame, px, measure)
    more = _row([(c.l, c.x, texts.more[c.l]) for c in cols if c.l in texts.more], "more",
                frame.px(0.0, min((cols[l - 1].more_y for l in texts.more), default=0.0))[1], False, frame, px,
                measure, tops={l: frame.px(0.0, cols[l - 1].more_y)[1] for l in texts.more})
    below = [b.rect[1] + b.rect[3] + PAD_PX for b in boxes + more if b.shown]
    top = max([frame.px(0.0, ratio_y(cols))[1]] + below)
    ratios = _row([(c.l, c.x, texts.ratios[c.l]) for c in cols if c.l in texts.ratios], "ratio", top, False,
                  frame, px, measure)
    if not texts.ratios_shown:
        ratios = [_hidden(b) for b in ratios]
    return titles + boxes + more + ratios


def _hidden(b: Box) -> Box:
    return Box(b.kind, b.l, b.j, b.lines, b.px, b.rect, b.align, b.detail, False)


def _row(items: list[tuple[int, float, Forms]], kind: str, y: float, above: bool, frame: Frame, px: int,
         measure: Measure, tops: dict[int, float] | None = None) -> list[Box]:
    """Texts side by side, centred on their columns at x, with their bottoms (``above``) or tops at ``y`` (per
    column in ``tops``), each the richest of its forms that leaves GAP_PX to its neighbours; staggered if even
    the sparest overlap."""
    level = [0] * len(items)
    lifts = [0.0] * len(items)
    sizes: dict[tuple[int, int], tuple[float, float]] = {}

    def rect(i: int) -> Rect:
        l, x, forms = items[i]
        key = (i, level[i])
        if key not in sizes:
            sizes[key] = measure(forms[level[i]][0], px)
        w, h = sizes[key]
        left = min(max(frame.px(x, 0.0)[0] - w / 2, PAD_PX), frame.width - PAD_PX - w)
        at = (tops.get(l, y) if tops else y) - lifts[i]
        return (left, at - h if above else at, w, h)

    def settle() -> bool:
        """Say less where two meet, the wider first; True when none meet any more."""
        while True:
            rects = [rect(i) for i in range(len(items))]
            clashes = _clashes(rects)
            if not clashes:
                return True
            for a, b in clashes:
                wider, other = (a, b) if rects[a][2] >= rects[b][2] else (b, a)
                pick = next((i for i in (wider, other) if level[i] + 1 < len(items[i][2])), None)
                if pick is not None:
                    level[pick] += 1
                    break
            else:
                return False

    if not settle():  # the sparest forms still meet: every other text one line further out, and again
        line = max(measure(forms[-1][0], px)[1] for _l, _x, forms in items) + 2.0
        level[:] = [0] * len(items)
        lifts[:] = [(line if above else -line) * (i % 2) for i in range(len(items))]
        settle()
    if any(len(forms[level[i]][0]) > 1 for i, (_l, _x, forms) in enumerate(items)):
        before = list(level)
        for i, (_l, _x, forms) in enumerate(items):  # one look: a one-line text on two lines beside taller ones
            if level[i] == 0 and len(forms) > 1 and len(forms[0][0]) == 1:
                level[i] = 1
        if _clashes([rect(i) for i in range(len(items))]):  # … unless, taller, it meets a staggered neighbour
            level[:] = before
    rects = [rect(i) for i in range(len(items))]
    hidden: set[int] = set()
    for a, b in _clashes(rects):  # staggered and at their sparest, two still meet: the later is not shown
        if a not in hidden:
            hidden.add(b)
    return [Box(kind, l, -1, forms[level[i]][0], px, rects[i], "center", forms[level[i]][1], i not in hidden)
            for i, (l, _x, forms) in enumerate(items)]


def _clashes(rects: list[Rect]) -> list[tuple[int, int]]:
    """The pairs of rectangles closer than GAP_PX side by side that share a row of pixels."""
    out = []
    for i, a in enumerate(rects):
        for k in range(i + 1, len(rects)):
            b = rects[k]
            if a[1] < b[1] + b[3] and b[1] < a[1] + a[3] and \
                    a[0] < b[0] + b[2] + GAP_PX and b[0] < a[0] + a[2] + GAP_PX:
                out.append((i, k))
    return out


def _neuron_labels(cols: list[Column], frame: Frame, px: int, measure: Measure, texts: Texts) -> list[Box]:
    """The x_k labels left of the inputs and the class labels right of the outputs, each centred on its neuron's
    row; where two would overlap the later is not shown (the outputs that must show are placed first)."""
    boxes: list[Box] = []
    first, last = cols[0], cols[-1]
    if texts.inputs:
        right = frame.px(first.left, 0.0)[0] - max(0.2 * first.s * frame.scale, PAD_PX)
        boxes += _column_labels(first, [(lines, False) for lines in texts.inputs], "input", right, frame, px,
                                measure)
    if texts.outputs and len(cols) > 1:
        left = frame.px(last.out_x, 0.0)[0] + max(0.12 * last.s * frame.scale, PAD_PX)
        boxes += _column_labels(last, texts.outputs, "output", left, frame, px, measure)
    return boxes


def _column_labels(c: Column, labels: list[tuple[Lines, bool]], kind: str, edge: float, frame: Frame, px: int,
                   measure: Measure) -> list[Box]:
    rects = []
    for j, (lines, _must) in enumerate(labels):
        w, h = measure(lines, px)
        y = frame.px(0.0, float(c.ys[j]))[1] - h / 2
        rects.append((edge - w if kind == "input" else edge, y, w, h))
    order = [j for j, (_l, must) in enumerate(labels) if must] + [j for j, (_l, must) in enumerate(labels)
                                                                  if not must]
    taken: list[Rect] = []
    shown = set()

    def free(top: float, h: float) -> bool:
        return all(top >= t[1] + t[3] + 1.0 or top + h + 1.0 <= t[1] for t in taken)

    for j in order:
        left, top, w, h = rects[j]
        if not free(top, h) and labels[j][1]:  # a label that must show (the target beside the predicted class)
            for t in taken:  # moves off its row by at most half its height, just clear of the other
                for moved in (t[1] + t[3] + 1.0, t[1] - h - 1.0):
                    if abs(moved - top) <= 0.5 * h and free(moved, h):
                        rects[j] = (left, moved, w, h)
            top = rects[j][1]
        if free(top, h):
            taken.append(rects[j])
            shown.add(j)
    align = "right" if kind == "input" else "left"
    return [Box(kind, c.l, j, lines, px, rects[j], align, "", j in shown) for j, (lines, _m) in enumerate(labels)]
