"""The graph's text: column titles, the x_k and class labels beside the neurons, the note under a column drawn
in part. Titles say l (the book's layer, 1 = input) and how many neurons. What each says and where it goes is
``label_plan``'s (no Qt); this paints its boxes, every one at ``label_px()`` pixels — in presentation mode at least
1/50 of the screen's height, the application's small type otherwise — and measures them for it."""

from __future__ import annotations

import html
import math

import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont, QGuiApplication, QTextDocument, QTextOption

from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import alarm_color
from visualbp.gui.network.label_plan import (
    Box,
    Forms,
    Frame,
    Lines,
    Texts,
    plain,
    plan,
    span,
    title_forms,
)
from visualbp.gui.network.layout import Column
from visualbp.gui.notation import number, shown

SUPERSCRIPT = {2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹"}
LABEL_PT = 9.0  # the labels' type in light-theme points (scaled with the theme, never below its smallest)
_ALIGN = {"center": Qt.AlignmentFlag.AlignHCenter, "left": Qt.AlignmentFlag.AlignLeft,
          "right": Qt.AlignmentFlag.AlignRight}


def sup(l: int) -> str:
    return SUPERSCRIPT.get(l, "^" + str(l))


def class_name(dataset, j: int) -> tuple:
    """A class label is data (digit 0, class 0, or the word a user's file names it by), not a neuron number:
    its spans."""
    if getattr(dataset, "is_regression", False):  # a real number to fit: the output is a^L, not a class
        return (span("a", "muted"), span("L", "muted", False, "sup"))
    names = getattr(dataset, "class_names", None)
    if names and j < len(names):
        return (span(str(names[j]), "muted"),)
    return (span(str(j) if dataset.n_classes > 2 or dataset.image_shape else f"class {j}", "muted"),)


def label_px() -> int:
    """The pixel size of the graph's text: LABEL_PT in the theme's type, at least its smallest (presentation
    mode fits that to 1/50 of the screen's height)."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
    return math.ceil(max(T.pt(LABEL_PT), T.smallest_pt()) * dpi / 72.0 - 0.05)


def html_of(lines: Lines) -> str:
    """The lines as the painter's rich text: each span in its colour, weight and script."""
    t = T.current()
    colours = {"text": t.text, "muted": t.muted, "alarm": alarm_color()}
    out = []
    for line in lines:
        parts = []
        for text, colour, bold, script in line:
            words = html.escape(text).replace("  ", "&nbsp;&nbsp;")
            if script:
                words = f"<{script}>{words}</{script}>"
            parts.append(f"<span style='color:{colours.get(colour, colour)};font-weight:{600 if bold else 400}'>"
                         f"{words}</span>")
        out.append("".join(parts))
    return "<br>".join(out)


def paint_box(item: pg.TextItem, box: Box, frame: Frame) -> None:
    """Put ``box`` on screen in ``item``: its words at its pixel size, its top-left corner at its rectangle's."""
    text = item.textItem
    if text.font().pixelSize() != box.px:
        font = QFont(text.font())
        font.setPixelSize(box.px)
        item.setFont(font)
    doc = text.document()
    doc.setDocumentMargin(0)
    markup = html_of(box.lines)
    if item.property("markup") != markup:
        item.setProperty("markup", markup)
        item.setHtml(markup)
    doc.setDefaultTextOption(QTextOption(_ALIGN[box.align]))
    text.setTextWidth(box.rect[2])
    item.updateTextPos()
    item.setPos(*frame.view(box.rect[0], box.rect[1]))
    item.setVisible(box.shown)


def new_item(vb: pg.ViewBox) -> pg.TextItem:
    item = pg.TextItem(anchor=(0.0, 0.0))
    item.setZValue(20)
    vb.addItem(item, ignoreBounds=True)
    return item


class Labels:
    """The text items of the graph in ``vb``, rebuilt with the network or the theme, placed by ``place``."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self.vb = vb
        self.cols: list[Column] = []
        self.boxes: list[Box] = []  # the plan last painted (titles, x_k and class labels, notes, ratios)
        self.frame: Frame | None = None
        self.px = label_px()
        self.outputs: dict[int, tuple[Lines, str]] = {}  # j → (label, class name) of the output neurons
        self._items: dict[tuple[str, int, int], pg.TextItem] = {}
        self._names: list[tuple] = []
        self._inputs: list[Lines] = []
        self._notes: dict[int, str] = {}  # l → what the title adds (the saturation count)
        self._units: list[tuple[str, str, str]] = []  # per column: head, role, size
        self._sizes: dict[tuple[Lines, int], tuple[float, float]] = {}
        self._painted: dict[tuple[str, int, int], tuple[Box, Frame]] = {}  # what each item shows, and where

    # ------------------------------------------------------------- what the text says
    def build(self, cols: list[Column], dataset) -> None:
        for item in self._items.values():
            self.vb.removeItem(item)
        self._items, self.boxes, self._sizes, self._notes, self._painted = {}, [], {}, {}, {}
        self.cols, self.px = cols, label_px()
        L = len(cols)
        self._units = []
        for c in cols:
            role = " (input)" if c.l == 1 else (" (output)" if c.l == L else "")
            size = f"{c.n:,} = {c.image_shape[0]}×{c.image_shape[1]}" if c.kind == "image" else f"{c.total:,}"
            unit = "pixels" if c.kind == "image" else ("neuron" if c.total == 1 else "neurons")
            self._units.append((f"l = {c.l}", role, f"{size} {unit}"))
        first, last = cols[0], cols[-1]
        self._inputs = [((span("x", "muted"), span(str(shown(j)), "muted", False, "sub")),)
                        for j in range(first.n)] if first.kind not in ("compact", "image") else []
        labelled = L > 1 and last.kind not in ("compact", "image")
        self._names = [class_name(dataset, j) for j in range(last.n)] if labelled else []
        self.outputs = {j: ((name,), plain((name,))) for j, name in enumerate(self._names)}

    def set_notes(self, notes: dict[int, str]) -> bool:
        """What the titles add after the neuron count, e.g. {2: '3 saturated'}; True when one changed."""
        notes = {l: text for l, text in notes.items() if text}
        changed = notes != self._notes
        self._notes = notes
        return changed

    def set_outputs(self, rows: list[tuple[float | None, str]]) -> bool:
        """The output neurons' labels: class, a^L_j of the example the last step processed, and whether it is
        the target and the network got it right (✓) or predicted another class (✗); for regression (role
        'y=<target>') a^L and the target y. True when one changed."""
        changed = False
        for j, (value, role) in enumerate(rows):
            if j >= len(self._names):
                continue
            name = tuple((text, "text" if role else "muted", role in ("right", "target"), script)
                         for text, _c, _b, script in self._names[j])
            parts = [*name]
            if value is not None:
                parts += [span("  "), span(number(value, 2), "muted")]
            tail = {"right": span("✓", "text", True), "target": span("← target"),
                    "wrong": span("✗ predicted", "alarm", True)}.get(role)
            if role.startswith("y="):  # regression: the target y beside a^L
                tail = span(f"target y {number(float(role[2:]), 2)}")
            if tail is not None:
                parts += [span("  "), tail]
            lines = (tuple(parts),)
            if self.outputs[j][0] != lines:
                self.outputs[j] = (lines, self.outputs[j][1])
                changed = True
        return changed

    def output_room(self) -> float:
        """The widest an output label gets, in pixels: its class, a^L_j and '✗ predicted' (a target y)."""
        regression = any(script == "sup" for name in self._names for _t, _c, _b, script in name)
        tails = [span("target y −0.00")] if regression else [span("✗ predicted", "alarm", True), span("← target")]
        return max((self.measure(((*name, span("  −0.000  "), tail),), self.px)[0]
                    for name in self._names for tail in tails), default=0.0)

    def texts(self) -> list[str]:
        """Every label's plain text (titles, x_k and class labels, notes), as last placed."""
        return [b.text for b in self.boxes if b.kind != "ratio"]

    def output_texts(self) -> list[str]:
        """The output neurons' labels in plain text, j = 0, 1, …"""
        return [plain(self.outputs[j][0]) for j in sorted(self.outputs)]

    def title_text(self, l: int) -> str:
        """The hover text of column l's title: every word of it, those a short title leaves out too."""
        head, role, size = self._units[l - 1]
        note = self._notes.get(l, "")
        return f"layer {head}{role}: {size}" + (f" · {note}" if note else "")

    def more_text_of(self, l: int) -> str:
        """The note under column l about its neurons not drawn ('' when every neuron is drawn)."""
        return next((b.text for b in self.boxes if b.kind == "more" and b.l == l), "")

    @property
    def more(self) -> list[int]:
        """The columns drawn in part (a note under each)."""
        return [c.l for c in self.cols if c.hidden]

    def more_text(self, l: int) -> str:
        """The hover text of the note under a column drawn in part."""
        c = self.cols[l - 1]
        w = l if l >= 2 else 2
        return (f"layer {l} has {c.total:,} neurons: j = 1 … {c.n} are drawn, "
                f"j = {c.n + 1:,} … {c.total:,} ({c.hidden:,} more) are not\n"
                f"every weight is in the weight matrix w^{w} (the heatmap button w{sup(w)} below, or click here)")

    # ------------------------------------------------------------- where it goes
    def texts_to_place(self, ratios: dict[int, Forms], ratios_shown: bool) -> Texts:
        titles: list[Forms] = []
        for c, (head, role, size) in zip(self.cols, self._units):
            note = self._notes.get(c.l, "")
            titles.append(title_forms(head, role, size, note, note.replace("saturated", "sat.")))
        more: dict[int, Forms] = {}
        for c in self.cols:
            if c.hidden:
                dots, count, rest = span("⋮", "muted"), span(f"{c.hidden:,} more", "text", True), \
                    span(" not drawn", "muted")
                more[c.l] = [(((dots,), (count, rest)), ""), (((dots,), (count,), (span("not drawn", "muted"),)), "")]
        must = [any(s[0] in ("✓", "← target", "✗ predicted") or s[0].startswith("target y") for s in lines[0])
                for lines, _n in (self.outputs[j] for j in sorted(self.outputs))]
        outputs = [(self.outputs[j][0], m) for j, m in zip(sorted(self.outputs), must)]
        return Texts(titles, self._inputs, outputs, more, ratios, ratios_shown)

    def measure(self, lines: Lines, px: int) -> tuple[float, float]:
        """(width, height) in pixels of ``lines`` at ``px`` pixels, laid out as ``paint_box`` paints them."""
        key = (lines, px)
        size = self._sizes.get(key)
        if size is None:
            doc = QTextDocument()
            font = QFont()
            font.setPixelSize(px)
            doc.setDefaultFont(font)
            doc.setDocumentMargin(0)
            doc.setHtml(html_of(lines))
            size = self._sizes[key] = (math.ceil(doc.idealWidth()) + 1.0, math.ceil(doc.size().height()))
        return size

    def place(self, frame: Frame, ratios: dict[int, Forms], ratios_shown: bool) -> list[Box]:
        """Plan every text in ``frame`` and paint the titles, neuron labels and notes (the ratios' boxes are
        the caller's to paint): the plan."""
        self.frame = frame
        self.boxes = plan(self.cols, frame, self.px, self.measure, self.texts_to_place(ratios, ratios_shown))
        painted = {}
        for box in self.boxes:
            if box.kind == "ratio":
                continue
            key = (box.kind, box.l, box.j)
            item = self._items.get(key)
            if item is None:
                item = self._items[key] = new_item(self.vb)
            if self._painted.get(key) != (box, frame):  # most of a step's plan is the last one's
                paint_box(item, box, frame)
            painted[key] = (box, frame)
        self._painted = painted
        return self.boxes

    def item(self, box: Box) -> pg.TextItem | None:
        """The item that paints ``box`` (a title, neuron label or note; the ratios' are ``RatioLabels``')."""
        return self._items.get((box.kind, box.l, box.j))

    def at(self, x: float, y: float) -> tuple[str, int] | None:
        """('title', l) or ('more', l) of the text at view point (x, y), or None."""
        if self.frame is None:
            return None
        px, py = self.frame.px(x, y)
        for b in self.boxes:
            left, top, w, h = b.rect
            if b.shown and b.kind in ("title", "more") and left <= px <= left + w and top <= py <= top + h:
                return (b.kind, b.l)
        return None


def _label_font(item: pg.TextItem) -> None:
    """A mark beside a neuron in the labels' type (presentation mode reads from the back of the room)."""
    font = QFont(item.textItem.font())
    font.setPixelSize(label_px())
    item.setFont(font)
