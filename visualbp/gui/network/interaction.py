"""Hover and click on the graph: what is under the mouse (from the one layout the painters use), the hover
card that names it with its numbers, and the click that pins a neuron (or opens the weight matrix of a
column drawn in part). Every index shown is the book's, counted from 1."""

from __future__ import annotations

import pyqtgraph as pg
from PyQt6.QtCore import QEvent, QObject, QPointF, Qt
from PyQt6.QtGui import QBrush, QColor, QPen

from visualbp.gui import theme as T
from visualbp.gui.cards import edge_text, neuron_text
from visualbp.gui.network.items import EdgeItem
from visualbp.gui.network.labels import Labels
from visualbp.gui.network.layout import (
    PICK_PX,
    hit_neuron,
    more_rect,
    near_segments,
    rect_contains,
)
from visualbp.gui.network.ratios import RatioLabels
from visualbp.gui.network.saturation import Saturation
from visualbp.gui.network.scene import Scene
from visualbp.gui.notation import notation_html, number, shown, sym


class Interaction(QObject):
    """Hit-testing, the hover card and clicks on the graph in ``vb``."""

    def __init__(self, vb: pg.ViewBox, session, scene: Scene, edges: EdgeItem, labels: Labels,
                 ratios: RatioLabels, saturation: Saturation) -> None:
        super().__init__(vb)
        self.vb, self.session, self.scene, self.edges = vb, session, scene, edges
        self.labels, self.ratios, self.saturation = labels, ratios, saturation
        self.card = pg.TextItem(anchor=(0, 1))
        self.card.setZValue(100)
        self.card.textItem.document().setDocumentMargin(6)
        self.card.setVisible(False)
        vb.addItem(self.card, ignoreBounds=True)
        self._hover: tuple[tuple, QPointF] | None = None
        self._plain = ""

    def restyle(self) -> None:
        t = T.current()
        fill = QColor(t.background)
        fill.setAlpha(240)
        self.card.fill = QBrush(fill)
        self.card.border = pg.mkPen(t.muted, width=t.line_scale)

    # ------------------------------------------------------------- what is where
    def hit(self, pos: QPointF):
        """What is at ``pos`` (view coordinates): ('ratio', l), ('title', l), ('more', l), ('neuron', l, j),
        ('pixel', 1, k), ('rf', l, j, k), ('edge', l, j, k) or None. Edges are hit-tested vectorised over the
        drawn segments."""
        x, y = pos.x(), pos.y()
        ratio = self.ratios.at(x, y)
        if ratio is not None:
            return ("ratio", ratio)
        text = self.labels.at(x, y)  # a title, or the note under a column drawn in part
        if text is not None:
            return text
        for l in self.labels.more:
            if rect_contains(more_rect(self.scene.cols[l - 1]), x, y):
                return ("more", l)
        sx, sy = self.vb.viewPixelSize()
        px = max(abs(sx), abs(sy), 1e-12)
        neuron = hit_neuron(self.scene.cols, x, y, px)
        if neuron is not None:
            return neuron
        near = near_segments(self.scene.coords, x, y, (PICK_PX + 1.0) * px)
        if not len(near):
            return None
        return ("edge", *self.scene.edge_of(self.scene.strongest(near) if len(near) > 1 else int(near[0])))

    def text(self, hit) -> str:
        s = self.session
        kind = hit[0]
        if kind == "ratio":
            return self.ratios.text(hit[1])
        if kind == "more":
            return self.labels.more_text(hit[1])
        if kind == "title":
            return self.labels.title_text(hit[1])
        if kind == "neuron":
            extra = self.saturation.hover_text(hit[1], hit[2])
            return neuron_text(s, hit[1], hit[2]) + (f"\n{extra}" if extra else "")
        if kind == "pixel":
            c = self.scene.cols[0]
            k = hit[2]
            h, w = c.image_shape
            a1 = s.engine.current("a", 1)
            where = f"pixel (row {k // w + 1}, column {k % w + 1})"
            if a1 is not None:
                return f"{sym('a', 1, k)} = {number(float(a1[k, 0]))}   (input {where})"
            example = self.scene.example
            if example is not None and example.row is not None:
                return f"{sym('a', 1, k)} = {number(float(example.a1[k]))}   (input {where} of training example " \
                       f"{example.row + 1}, the last one processed)"
            mean = self.scene.mean_input[k] if self.scene.mean_input is not None else None
            return f"{sym('a', 1, k)}: {where}; mean over the training data {number(mean)}"
        l, j, k = hit[1], hit[2], hit[3]
        dw = self.scene.last_dw[l - 2]
        text = edge_text(s, l, j, k, None if dw is None else float(dw[j, k]))
        if kind == "rf":
            w_img = self.scene.cols[l - 1].image_shape[1]
            text = (f"receptive field of neuron j={shown(j)} of layer {l}: pixel k={shown(k)} "
                    f"(row {k // w_img + 1}, column {k % w_img + 1})\n" + text)
        return text

    def text_at(self, pos: QPointF) -> str:
        hit = self.hit(pos)
        return self.text(hit) if hit is not None else ""

    def card_text(self) -> str:
        """The hover card's current text ('' when hidden)."""
        return self._plain if self.card.isVisible() else ""

    # ------------------------------------------------------------- the hover card
    def on_mouse_moved(self, scene_pos: QPointF) -> None:
        if not self.scene.cols or not self.vb.sceneBoundingRect().contains(scene_pos):
            self.hide()
            return
        pos = self.vb.mapSceneToView(scene_pos)
        hit = self.hit(pos)
        if hit is None:
            self.hide()
            return
        self._hover = (hit, pos)
        self._show(hit, pos)

    def _show(self, hit, pos: QPointF) -> None:
        text = self.text(hit)
        if hit[0] == "edge":
            self.mark_edge(hit[1], hit[2], hit[3])
        else:
            self.edges.set_hover(None, None)
        self._plain = text
        t = T.current()
        lines = notation_html(text).split("<br>")
        body = f"<b>{lines[0]}</b>" + "".join(f"<br>{x}" for x in lines[1:])
        self.card.setHtml(f"<div style='color:{t.text};font-size:{t.font_pt}pt'>{body}</div>")
        # keep the card inside the view: open towards the side with more room
        (x0, x1), (y0, y1) = self.vb.viewRange()
        ax = 1.0 if pos.x() > (x0 + x1) / 2 else 0.0
        ay = 0.0 if pos.y() < y0 + 0.3 * (y1 - y0) else 1.0
        self.card.setAnchor((ax, ay))
        sx, sy = self.vb.viewPixelSize()
        off = 12
        self.card.setPos(pos.x() + (off if ax == 0 else -off) * sx, pos.y() + (off if ay == 0 else -off) * sy)
        self.card.setVisible(True)

    def mark_edge(self, l: int, j: int, k: int) -> None:
        """Outline the edge of w^l_jk (the one hovered, or the one being typed by hand)."""
        width = self.scene.edge_width(l, j, k)
        outline = QPen(QColor(T.current().text), width + 3.0)
        outline.setCosmetic(True)
        inner = QPen(QColor(*self.scene.edge_rgba(l, j, k)[:3]), width + 0.5)
        inner.setCosmetic(True)
        self.edges.set_hover([outline, inner], self.scene.edge_segment(l, j, k))

    def refresh(self, only_ratio: bool = False) -> None:
        """Rewrite the visible card with the numbers now (after a step, new weights, new labels)."""
        if not self.card.isVisible() or self._hover is None:
            return
        hit, pos = self._hover
        if only_ratio and hit[0] != "ratio":
            return
        try:
            self._show(hit, pos)
        except (IndexError, TypeError):
            self.hide()

    def hide(self) -> None:
        self.card.setVisible(False)
        self.edges.set_hover(None, None)
        self._hover = None
        self._plain = ""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.hide()
        return False

    # ------------------------------------------------------------- clicks
    def click_at(self, pos: QPointF, open_heatmap) -> tuple[int, int] | None:
        """Select the neuron at ``pos`` (view coordinates), or clear; on a column's note, ``open_heatmap(l)``."""
        hit = self.hit(pos)
        if hit is not None and hit[0] == "more":  # the note under a column drawn in part: every weight
            open_heatmap(max(2, hit[1]))
            return None
        neuron = (hit[1], hit[2]) if hit is not None and hit[0] in ("neuron", "pixel", "rf") else None
        if hit is None or neuron is not None:
            self.session.select(neuron)
        return neuron

    def on_mouse_clicked(self, event, open_heatmap) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        if not self.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        self.click_at(self.vb.mapSceneToView(event.scenePos()), open_heatmap)

