"""The error-ratio labels under the columns: ‖δ^l‖/‖δ^L‖ of the last minibatch, how much of the output error
reaches layer l (‖δ^l‖ = ‖∂C/∂b^l‖, BP3). In the warning colour below 0.1 (vanishing) or above 10 (exploding);
they change at most ~5 times a second, so they stay readable while training."""

from __future__ import annotations

import math
import time

import pyqtgraph as pg
from PyQt6.QtCore import QObject, QRectF, QTimer, pyqtSignal

from visualbp.core.diagnostics import error_ratios
from visualbp.core.steps import BatchStats
from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import (
    RATIO_WARN_HIGH,
    RATIO_WARN_LOW,
    ratio_color,
)
from visualbp.gui.network.label_plan import Box, Forms, Frame, Line, span
from visualbp.gui.network.labels import new_item, paint_box
from visualbp.gui.network.layout import Column
from visualbp.gui.notation import layer_sup, number

RATIO_INTERVAL = 0.2  # seconds between two changes of the labels


class RatioLabels(QObject):
    """One label under each column l = 2..L, hidden until a minibatch has finished."""

    changed = pyqtSignal()

    def __init__(self, vb: pg.ViewBox) -> None:
        super().__init__(vb)
        self.vb = vb
        self.cols: list[Column] = []
        self.items: dict[int, pg.TextItem] = {}
        self.plain: dict[int, str] = {}
        self.ratios: list[float] | None = None  # ‖δ^l‖/‖δ^L‖, l = 2..L, of the last minibatch
        self.norms: list[float] | None = None
        self.boxes: dict[int, Box] = {}  # l → where its label was last planned
        self.frame: Frame | None = None
        self._last = -1.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.update_labels)

    def build(self, cols: list[Column], keep: bool = False) -> None:
        """The labels of ``cols``, hidden (``keep``: with the numbers they had, after a new theme)."""
        for item in self.items.values():
            self.vb.removeItem(item)
        self._timer.stop()
        self.cols = cols
        self.items, self.plain, self.boxes = {}, {}, {}
        if not keep:
            self.ratios = self.norms = None
        if len(cols) < 2:
            return
        for c in cols[1:]:
            item = new_item(self.vb)
            item.setVisible(False)
            self.items[c.l] = item
        if keep:
            self.update_labels()

    def on_batches(self, stats: list[BatchStats]) -> None:
        if not stats:
            return
        norms = list(stats[-1].delta_norms)
        if len(norms) != len(self.cols) - 1:
            return  # stats of another network, still in flight
        self.norms = norms
        self.ratios = error_ratios(norms)
        wait = RATIO_INTERVAL - (time.monotonic() - self._last)
        if wait <= 0:
            self.update_labels()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    def pending(self) -> bool:
        """Newer numbers wait for their turn (the ~5 Hz limit)."""
        return self._timer.isActive()

    def flush(self) -> None:
        """Show the newest numbers now if they are waiting for their turn."""
        if self._timer.isActive():
            self.update_labels()

    def update_labels(self) -> None:
        """'‖δ^l‖/‖δ^L‖ = 0.03' under column l: muted near 1, in the warning colour below 0.1 or above 10. The
        view places them (``forms``, ``paint``)."""
        self._timer.stop()
        ratios, norms = self.ratios, self.norms
        if ratios is None or norms is None or not self.items:
            return
        self._last = time.monotonic()
        L = len(self.cols)
        for l in self.items:
            head, value = (f"‖δ{layer_sup(L)}‖", number(norms[l - 2], 2)) if l == L else \
                (f"‖δ{layer_sup(l)}‖/‖δ{layer_sup(L)}‖", number(ratios[l - 2], 2))
            self.plain[l] = f"{head} = {value}"
        self.changed.emit()

    def forms(self) -> dict[int, Forms]:
        """l → the label's choices, richest first: on one line, on two, the number alone (its name in the hover
        text). Before the first minibatch the room of '= 0.00' (not shown)."""
        t = T.current()
        L = len(self.cols)
        out: dict[int, Forms] = {}
        for l in self.items:
            known = self.ratios is not None and self.norms is not None
            head: Line
            if l == L:
                head = (span("‖δ", "muted"), span(str(L), "muted", False, "sup"), span("‖", "muted"))
                colour = t.muted
            else:
                head = (span("‖δ", "muted"), span(str(l), "muted", False, "sup"), span("‖/‖δ", "muted"),
                        span(str(L), "muted", False, "sup"), span("‖", "muted"))
                colour = ratio_color(self.ratios[l - 2]) if known and self.ratios is not None else t.muted
            value = self.plain[l].split(" = ", 1)[1] if l in self.plain else "0.00"
            number_span = span(f"= {value}", colour, True)
            name = self.plain.get(l, "").split(" = ", 1)[0]
            out[l] = [((head + (span(" "),) + (number_span,),), ""), ((head, (number_span,)), ""),
                      (((number_span,),), name)]
        return out

    def shown(self) -> bool:
        """The numbers of a minibatch are known (the labels show)."""
        return self.ratios is not None and self.norms is not None and bool(self.plain)

    def paint(self, boxes: list[Box], frame: Frame) -> None:
        """Put the planned boxes of the ratio labels on screen."""
        self.frame = frame
        for box in boxes:
            item = self.items.get(box.l)
            if box.kind != "ratio" or item is None:
                continue
            self.boxes[box.l] = box
            paint_box(item, box, frame)

    def texts(self) -> dict[int, str]:
        """{l: the label under column l} in plain text, e.g. {2: '‖δ²‖/‖δ⁴‖ = 0.03', …}; {} while hidden."""
        return {l: text for l, text in self.plain.items() if l in self.items and self.items[l].isVisible()}

    def color(self, l: int) -> str | None:
        """The colour the ratio under column l is written in (None while hidden)."""
        if self.ratios is None or not 2 <= l <= len(self.cols):
            return None
        return ratio_color(self.ratios[l - 2]) if l < len(self.cols) else T.current().muted

    def text(self, l: int) -> str:
        """The hover text of the error ratio under column l."""
        L = len(self.cols)
        norms, ratios = self.norms, self.ratios
        if norms is None or ratios is None:
            return ""
        if l == L:
            return (f"‖δ^{L}‖ = {number(norms[L - 2])}: the output error (BP1) of the last minibatch, "
                    f"‖∂C/∂b^{L}‖ (BP3)\nthe labels under the other layers are measured against it")
        r = ratios[l - 2]
        lines = [f"‖δ^{l}‖/‖δ^{L}‖ = {number(norms[l - 2])} / {number(norms[L - 2])} = {number(r)}",
                 f"how much of the output error reaches layer {l} (last minibatch; ‖δ^l‖ = ‖∂C/∂b^l‖, BP3)"]
        if math.isfinite(r) and r < RATIO_WARN_LOW:
            lines.append(f"below {RATIO_WARN_LOW:g}: the error vanishes on its way back — BP2 multiplies it by "
                         f"σ'(z) ≤ 1/4 at every layer, so layer {l} learns slowly")
        elif math.isfinite(r) and r > RATIO_WARN_HIGH:
            lines.append(f"above {RATIO_WARN_HIGH:g}: the error explodes on its way back (large weights in BP2)")
        return "\n".join(lines)

    def rect(self, l: int) -> QRectF | None:
        """Where the label under column l is, in view coordinates (None while hidden): its planned box."""
        item, box, frame = self.items.get(l), self.boxes.get(l), self.frame
        if item is None or not item.isVisible() or box is None or frame is None:
            return None
        left, top, w, h = box.rect
        x, y = frame.view(left, top)
        return QRectF(x, y, w / frame.scale, h / frame.scale)

    def at(self, x: float, y: float) -> int | None:
        for l in self.items:
            rect = self.rect(l)
            if rect is not None and rect.contains(x, y):
                return l
        return None
