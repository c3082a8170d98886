"""The network graph's legend: the colour scale bar with its numbers, and the saturated-neuron swatch."""

from __future__ import annotations

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QIcon, QLinearGradient, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QWidget

from visualbp.gui import colors as C
from visualbp.gui import theme as T
from visualbp.gui.diagnostic_marks import alarm_color
from visualbp.gui.notation import notation_html, number


class ScaleBar(QWidget):
    """A colour bar with its title and numbers, e.g. 'w, b: −2.5 … 0 … +2.5'."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = QLabel(self)
        self._title.setTextFormat(Qt.TextFormat.RichText)
        self._bar = _GradientBar(self)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        lay.addWidget(self._title)
        lay.addWidget(self._bar)
        self._plain = ""
        self._shown: tuple = ()  # what set_scale last showed

    def set_scale(self, title: str, lo: float, mid: float, hi: float, colors: C.Triple) -> None:
        """``title`` in plain book notation ('fill: δ^l_j (error)')."""
        labels = (number(lo, 2), number(mid, 2), ("+" if hi > 0 and lo < 0 else "") + number(hi, 2))
        shown = (title, labels, colors, T.current())
        if shown == self._shown:  # the same scale (every update of the weights asks): nothing to repaint
            return
        self._shown = shown
        self._title.setText(notation_html(title) + ":")
        self._bar.set(labels, colors)
        self._plain = f"{title}: {labels[0]} … {labels[1]} … {labels[2]}"
        self.setToolTip(self._plain)

    def text(self) -> str:
        return self._plain


class _GradientBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels = ("", "", "")
        self._colors: C.Triple = C.DEFAULT_COLORS
        self._look: tuple | None = None  # (labels, colours, theme) as painted
        self.setFixedSize(150, 30)

    def set(self, labels: tuple[str, str, str], colors: C.Triple) -> None:
        k = T.scale()  # the numbers grow with the theme's type
        look = (labels, colors, T.current())
        if look == self._look:  # every live tick sets the scale again, mostly to the same numbers: no repaint
            return
        self._look = look
        self._labels, self._colors = labels, colors
        self.setFixedSize(round(150 * k), round(30 * k))
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        t = T.current()
        w = self.width()
        k = self.height() / 30.0
        bar = QRectF(6, 2, w - 12, 11 * k)
        grad = QLinearGradient(bar.topLeft(), bar.topRight())
        for pos, rgb in zip((0.0, 0.5, 1.0), self._colors):
            grad.setColorAt(pos, QColor(*rgb))
        p.fillRect(bar, QBrush(grad))
        p.setPen(QPen(QColor(t.muted)))
        p.drawRect(bar)
        font = p.font()
        font.setPointSizeF(max(7.0, t.font_pt - 1.5))
        p.setFont(font)
        p.setPen(QColor(t.text))
        y = round(28 * k)
        fm = p.fontMetrics()
        lo, mid, hi = self._labels
        p.drawText(QPointF(0, y), lo)
        p.drawText(QPointF((w - fm.horizontalAdvance(mid)) / 2, y), mid)
        p.drawText(QPointF(w - fm.horizontalAdvance(hi), y), hi)
        p.end()


def _saturation_icon() -> QIcon:
    """The legend's swatch: a neuron in a red dashed ring, as drawn on the graph."""
    pix = QPixmap(32, 32)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    t = T.current()
    p.setPen(QPen(QColor(t.node_outline), 2.0))
    p.setBrush(QBrush(QColor(*t.neutral)))
    p.drawEllipse(QPointF(16, 16), 8.5, 8.5)
    ring = QPen(QColor(alarm_color()), 3.2)
    ring.setDashPattern([2.0, 1.3])
    p.setPen(ring)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(16, 16), 13.5, 13.5)
    p.end()
    return QIcon(pix)
