"""The graph's text: column titles, the x_k and class labels beside the neurons, the note under a column drawn
in part. Titles say l (the book's layer, 1 = input) and how many neurons; labels shrink (never grow) when the
view is too small for them, and a column too dense for its labels labels every 2nd (3rd, …) neuron."""

from __future__ import annotations

import html
import math

import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont, QFontMetricsF, QTextOption

from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import alarm_color
from visualbp.gui.network.layout import Column, neuron_label_anchor, title_y
from visualbp.gui.notation import number, shown

SUPERSCRIPT = {2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹"}


def sup(l: int) -> str:
    return SUPERSCRIPT.get(l, "^" + str(l))


def class_name(dataset, j: int) -> str:
    """A class label is data (digit 0, class 0, or the word a user's file names it by), not a neuron number."""
    if getattr(dataset, "is_regression", False):  # a real number to fit: the output is a^L, not a class
        return "a<sup>L</sup>"
    names = getattr(dataset, "class_names", None)
    if names and j < len(names):
        return html.escape(str(names[j]))
    return str(j) if dataset.n_classes > 2 or dataset.image_shape else f"class {j}"


class Labels:
    """The text items of the graph in ``vb``, rebuilt with the network or the theme."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self.vb = vb
        self.items: list[pg.TextItem] = []
        self.titles: list[tuple[pg.TextItem, Column, float]] = []  # (item, column, its full point size)
        self.neuron_labels: list[tuple[pg.TextItem, Column, float]] = []
        self.more: dict[int, pg.TextItem] = {}  # l → the note under a column drawn in part
        self.cols: list[Column] = []
        self.outputs: dict[int, tuple[pg.TextItem, str]] = {}  # j → (label, class name) of the output neurons
        self._title_parts: list[tuple[str, str]] = []  # per column: (first line, second line)
        self._notes: dict[int, str] = {}  # l → what the title's second line adds (the saturation count)
        self._output_html: dict[int, str] = {}
        self._scale = 0.0  # pixels per unit of the last fit
        self.output_room_px = 0.0  # how wide the output labels may get, in pixels

    def build(self, cols: list[Column], dataset) -> None:
        for item in self.items:
            self.vb.removeItem(item)
        self.items, self.titles, self.neuron_labels, self.more = [], [], [], {}
        self.outputs, self._title_parts, self._notes, self._output_html = {}, [], {}, {}
        self.output_room_px = 0.0
        self.cols = cols
        t = T.current()
        L = len(cols)
        y = title_y(cols)
        for c in cols:
            role = " (input)" if c.l == 1 else (" (output)" if c.l == L else "")
            size = f"{c.n:,} = {c.image_shape[0]}×{c.image_shape[1]}" if c.kind == "image" else f"{c.total:,}"
            unit = "pixels" if c.kind == "image" else ("neuron" if c.total == 1 else "neurons")
            self._title_parts.append((f"l = {c.l}{role}", f"{size} {unit}"))
            item = self._centred(self._title_html(len(self._title_parts) - 1), (0.5, 1.0), c.x, y)
            self.titles.append((item, c, item.textItem.font().pointSizeF()))
            if c.hidden:
                self._build_more(c)
            if c.kind in ("compact", "image") or 1 < c.l < L:
                continue
            for j in range(c.n):
                label = f"x<sub>{shown(j)}</sub>" if c.l == 1 else class_name(dataset, j)
                x, yj, anchor = neuron_label_anchor(c, j, L)
                item = pg.TextItem(html=f"<span style='color:{t.muted}'>{label}</span>", anchor=anchor)
                _label_font(item)
                item.setPos(x, yj)
                item.setZValue(20)
                self.vb.addItem(item, ignoreBounds=True)
                self.items.append(item)
                self.neuron_labels.append((item, c, item.textItem.font().pointSizeF()))
                if c.l == L and c.l > 1:
                    self.outputs[j] = (item, label)
        if self.outputs:  # the widest an output label gets: class, a^L_j, "← target"
            item, name = max(self.outputs.values(), key=lambda o: len(o[1]))
            metrics = QFontMetricsF(item.textItem.font())
            self.output_room_px = metrics.horizontalAdvance(f"{name}  0.000  ✗ predicted") + 8.0

    def _title_html(self, i: int) -> str:
        t = T.current()
        first, second = self._title_parts[i]
        note = self._notes.get(i + 1, "")
        extra = f"<span style='color:{alarm_color()}'> · {note}</span>" if note else ""
        return (f"<span style='color:{t.text};font-weight:600'>{first}</span><br>"
                f"<span style='color:{t.muted}'>{second}</span>{extra}")

    def set_notes(self, notes: dict[int, str]) -> None:
        """What the titles add after the neuron count, e.g. {2: '3 saturated'} (a changed one is rewritten)."""
        notes = {l: text for l, text in notes.items() if text}
        changed = [i for i in range(len(self.titles)) if notes.get(i + 1, "") != self._notes.get(i + 1, "")]
        self._notes = notes
        for i in changed:
            item = self.titles[i][0]
            item.textItem.setTextWidth(-1)
            item.setHtml(self._title_html(i))
            item.textItem.setTextWidth(item.textItem.document().idealWidth())
            item.updateTextPos()
        if changed and self._scale:
            self._fit_titles(self._scale)

    def set_outputs(self, rows: list[tuple[float | None, str]]) -> None:
        """The output neurons' labels: class, a^L_j of the example the last step processed, and whether it is
        the target and the network got it right (✓) or predicted another class (✗); for regression (role
        'y=<target>') a^L and the target y."""
        t = T.current()
        for j, (value, role) in enumerate(rows):
            if j not in self.outputs:
                continue
            item, name = self.outputs[j]
            parts = [(f"<span style='color:{t.text if role else t.muted};"
                      f"font-weight:{600 if role in ('right', 'target') else 400}'>{name}</span>")]
            if value is not None:
                parts.append(f"<span style='color:{t.muted}'>{number(value, 2)}</span>")
            if role == "right":
                parts.append(f"<span style='color:{t.text};font-weight:600'>✓</span>")
            elif role == "target":
                parts.append(f"<span style='color:{t.text}'>← target</span>")
            elif role == "wrong":
                parts.append(f"<span style='color:{alarm_color()};font-weight:600'>✗ predicted</span>")
            elif role.startswith("y="):  # regression: the target y beside a^L
                parts.append(f"<span style='color:{t.text}'>target y {number(float(role[2:]), 2)}</span>")
            html = "&nbsp;&nbsp;".join(parts)
            if self._output_html.get(j) != html:
                self._output_html[j] = html
                item.setHtml(html)

    def output_texts(self) -> list[str]:
        """The output neurons' labels in plain text, j = 0, 1, …"""
        return [self.outputs[j][0].textItem.toPlainText().replace("\xa0", " ") for j in sorted(self.outputs)]

    def _build_more(self, c: Column) -> None:
        """Under a column drawn in part: how many of its neurons are not drawn, and where to see them."""
        t = T.current()
        text = (f"<span style='color:{t.muted}'>⋮</span><br>"
                f"<span style='color:{t.text};font-weight:600'>{c.hidden:,} more</span>"
                f"<span style='color:{t.muted}'> not drawn</span>")
        self.more[c.l] = self._centred(text, (0.5, 0.0), c.x, c.more_y)

    def _centred(self, html: str, anchor: tuple[float, float], x: float, y: float) -> pg.TextItem:
        """A label of centred lines at (x, y) in view coordinates, above the graph."""
        item = pg.TextItem(html=html, anchor=anchor)
        _label_font(item)
        doc = item.textItem.document()
        doc.setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
        item.textItem.setTextWidth(doc.idealWidth())
        item.updateTextPos()
        item.setPos(x, y)
        item.setZValue(20)
        self.vb.addItem(item, ignoreBounds=True)
        self.items.append(item)
        return item

    def texts(self) -> list[str]:
        """Every label's plain text (titles, x_k and class labels, notes)."""
        return [item.textItem.toPlainText() for item in self.items]

    def more_text_of(self, l: int) -> str:
        """The note under column l about its neurons not drawn ('' when every neuron is drawn)."""
        item = self.more.get(l)
        return item.textItem.toPlainText() if item is not None else ""

    def more_text(self, l: int) -> str:
        """The hover text of the note under a column drawn in part."""
        c = self.cols[l - 1]
        w = l if l >= 2 else 2
        return (f"layer {l} has {c.total:,} neurons: j = 1 … {c.n} are drawn, "
                f"j = {c.n + 1:,} … {c.total:,} ({c.hidden:,} more) are not\n"
                f"every weight is in the weight matrix w^{w} (the heatmap button w{sup(w)} below, or click here)")

    def fit_sizes(self, scale: float) -> None:
        """Shrink (never grow) the labels that would overlap at ``scale`` pixels per unit: column titles wider
        than the gap to their neighbours', neuron labels (x_k, classes) taller than the neurons' spacing. A big
        network in the large type of presentation mode stays legible."""
        self._scale = scale
        self._fit_titles(scale)
        index: dict[int, int] = {}
        for item, c, base in self.neuron_labels:
            height = max(QFontMetricsF(_with_pt(item.textItem.font(), base)).height(), _line_height(item, base))
            # a column of one neuron has no neighbour to overlap: its label keeps its size (regression's x and a^L)
            room = max(c.s * scale, 1e-6) if c.n > 1 else math.inf
            size = min(1.0, max(room / max(height, 1.0), 0.5))
            _set_label_pt(item, base * size)
            # still taller than the spacing at half size: label every 2nd (3rd, …) neuron only
            every = max(1, math.ceil(height * size / room - 0.05))
            j = index[c.l] = index.get(c.l, -1) + 1
            item.setVisible(j % every == 0)

    def _fit_titles(self, scale: float) -> None:
        titles = self.titles
        factor = 1.0
        for (a, ca, pa), (b, cb, pb) in zip(titles, titles[1:]):
            need = (_label_width(a, pa) + _label_width(b, pb)) / 2 + 10.0
            gap = (cb.x - ca.x) * scale
            if need > gap:
                factor = min(factor, gap / need)
        for item, _c, base in titles:
            _set_label_pt(item, base * max(factor, 0.6), centred=True)


def _with_pt(font: QFont, size: float) -> QFont:
    out = QFont(font)
    out.setPointSizeF(size)
    return out


def _line_height(item: pg.TextItem, size: float) -> float:
    """The label's laid-out line height in pixels at point size ``size`` (the text document's line, a little
    taller than the font's metrics: measured on it, neighbouring labels overlapped by half a pixel)."""
    current = item.textItem.font().pointSizeF()
    margin = item.textItem.document().documentMargin()
    return (item.textItem.boundingRect().height() - 2 * margin) * size / max(current, 1.0)


def _label_width(item: pg.TextItem, size: float) -> float:
    """The label's width in pixels at point size ``size`` (text width grows with the type)."""
    current = item.textItem.font().pointSizeF()
    return item.textItem.boundingRect().width() * size / max(current, 1.0)


def _set_label_pt(item: pg.TextItem, size: float, centred: bool = False) -> None:
    """Give a label point size ``size`` (a no-op when it has it): a centred label keeps its width fitted."""
    size = round(size, 1)
    if abs(item.textItem.font().pointSizeF() - size) < 0.05:
        return
    if centred:
        item.textItem.setTextWidth(-1)
    item.setFont(_with_pt(item.textItem.font(), size))
    if centred:
        item.textItem.setTextWidth(item.textItem.document().idealWidth())
    item.updateTextPos()


def _label_font(item: pg.TextItem) -> None:
    """The column titles and neuron labels: the default type on the light theme, scaled with the theme's
    font_pt otherwise (presentation mode reads from the back of the room)."""
    if T.scale() != 1.0:
        font = QFont(item.textItem.font())
        font.setPointSizeF(T.pt(9))
        item.setFont(font)
