"""The live plots' building blocks: their colours and pens, a themed plot with a hover label, a titled card.

``_Plot`` is a pyqtgraph PlotWidget in ``theme.current()``'s look whose hover label names the nearest
point of the nearest curve; ``_Card`` puts a title, a legend and optional controls above a plot.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QTextDocument
from PyQt6.QtWidgets import QGraphicsItem, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from visualbp.gui import colors, theme
from visualbp.gui.notation import superscript
from visualbp.gui.plot_hint import PlotHint

# ---------------------------------------------------------------------------- colours

# Layer curves (l = 2, 3, …): Dark2, readable on white and told apart by colour-blind readers
# better than a rainbow; from the 9th layer on the colours repeat with a dashed line.
LAYER_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
TRAIN_COLOUR = "#37474f"
VALIDATION_COLOUR = "#c2185b"
REFERENCE_COLOURS = ("#78909c", "#8d6e63", "#26a69a", "#9575cd")
EXTRA_CLASS_COLOURS = ((67, 160, 71), (142, 36, 170), (229, 57, 53), (0, 151, 167), (121, 85, 72),
                       (253, 216, 53), (96, 125, 139), (236, 64, 122))


def class_colours(n_classes: int) -> list[tuple[int, int, int]]:
    """Class 0 orange and class 1 blue (the diverging scale's ends), then distinct colours."""
    t = theme.current()
    base = [t.negative, t.positive, *EXTRA_CLASS_COLOURS]
    return [base[i % len(base)] for i in range(n_classes)]


def diverging_rgb(v: np.ndarray, wash: float = 0.0) -> np.ndarray:
    """v in [−1, 1] (2-D) → RGB uint8 on the shared scale (orange −1, grey 0, blue +1), ``wash`` mixed with the
    theme's background (white on the light theme)."""
    t = theme.current()
    rgb = colors.image_rgba(v, vmax=1.0, colors=(t.negative, t.neutral, t.positive))[..., :3].astype(float)
    return np.clip(rgb * (1.0 - wash) + _background_rgb() * wash + 0.5, 0, 255).astype(np.uint8)


def _background_rgb() -> np.ndarray:
    bg = QColor(theme.current().background)
    return np.array([bg.red(), bg.green(), bg.blue()], dtype=float)


def themed(colour: str | tuple) -> QColor:
    """A curve colour as drawn on the current theme: as is on a light background; lighter on a dark one
    (the dark grey of the training curve becomes a light grey) so every curve keeps its contrast."""
    c = QColor(colour) if isinstance(colour, str) else QColor(*colour)
    if theme.is_dark():
        if c.lightnessF() < 0.35 and c.hslSaturationF() < 0.3:
            return QColor(theme.current().text)
        return c.lighter(135)
    return c


def type_scale() -> float:
    """The plots' type grows 3/4 as much as the theme's: a narrow dock beside the graph (1.525 for a
    presentation theme's font_pt 17, 1 on the light theme)."""
    return round(1.0 + 0.75 * (theme.scale() - 1.0), 4)


def _pen(colour: str | tuple, width: float = 1.5, style: Qt.PenStyle = Qt.PenStyle.SolidLine,
         alpha: int = 255) -> pg.QtGui.QPen:
    """A cosmetic pen ``width`` × the theme's line_scale wide; ``pen.spec`` keeps the arguments so
    ``apply_theme`` can draw the curve again in another theme."""
    c = themed(colour)
    c.setAlpha(alpha)
    pen = pg.mkPen(c, width=width * theme.current().line_scale, style=style)
    pen.setCosmetic(True)
    pen.spec = (colour, width, style, alpha)
    return pen


# ---------------------------------------------------------------------------- plot widgets


@dataclass
class _Curve:
    """A drawn curve and the raw numbers it shows (y before any log mapping)."""

    item: pg.PlotDataItem
    name: str  # what the hover calls it: "train cost", "‖δ^2‖"
    unit: str = ""
    x: np.ndarray | None = None
    y: np.ndarray | None = None
    spec: tuple | None = None  # the _pen arguments (colour, width, style, alpha): redrawn by apply_theme
    symbol_size: float | None = None  # the marker size on the light theme

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) as drawn (copies; empty before any)."""
        if self.x is None or self.y is None:
            return np.empty(0), np.empty(0)
        return self.x.copy(), self.y.copy()


def decade_label(exponent: int) -> str:
    """10^n as a tick reads: 0.1, 1, 10, 100 near 1, else 10⁻³, 10⁴ (never 1e-05)."""
    if -1 <= exponent <= 2:
        return f"{10.0 ** exponent:g}"
    return "10" + (superscript(exponent) or str(exponent))


def log_tick_label(v: float, decades_shown: int) -> str:
    """The label of a log-axis tick at log10(value) = v: a decade as ``decade_label``; a 2 or 5 between decades
    only when fewer than two decades are in view (then as a plain number), else no label."""
    n = round(v)
    if abs(v - n) < 1e-6:
        return decade_label(int(n))
    if decades_shown >= 2:
        return ""
    value = float(f"{10.0 ** v:.1g}")
    exponent = math.floor(math.log10(value))
    if -3 <= exponent <= 3:
        return f"{value:g}"
    return f"{value / 10.0 ** exponent:g}·" + decade_label(exponent)


class _Axis(pg.AxisItem):
    """An axis whose log-mode ticks stay readable in a short plot: decades (10⁻³, 10⁻², …), plus 2 and 5
    when there is room.

    Painted from a pixmap cache: with the grid on, an axis's bounding rect spans the whole plot, so every
    new point of a live curve repainted both axes' ticks, labels and grid lines (replaying their QPicture,
    ~2 ms each: 13 of a live tick's 17 axis paints at 1366×768). Cached, an axis paints again only when its
    range or style changes (pyqtgraph calls ``update()`` then, which drops the cache)."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def resizeEvent(self, ev=None) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(ev)  # drops the picture without update(): the cached pixmap goes too
        self.update()

    def logTickValues(self, minVal: float, maxVal: float, size: float, stdTicks: list) -> list:  # noqa: N802
        span = maxVal - minVal
        if span > 6:  # many decades: the standard whole-decade spacing
            return [(spacing, t) for spacing, t in stdTicks if spacing >= 1.0]
        first, last = int(math.floor(minVal)), int(math.ceil(maxVal))
        decades = [float(v) for v in range(first, last + 1) if minVal <= v <= maxVal]
        levels: list[tuple[float | None, list[float]]] = [(1.0, decades)]
        if size / max(span, 1e-9) >= 50 or len(decades) < 2:  # room for 3 labels a decade
            inner = [v + math.log10(m) for v in range(first, last) for m in (2, 5)]
            levels.append((None, [v for v in inner if minVal <= v <= maxVal]))
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        lo, hi = self.range
        decades = sum(1 for k in range(math.ceil(min(lo, hi) - 1e-6), math.floor(max(lo, hi) + 1e-6) + 1))
        return [log_tick_label(v, decades) for v in values]


class _Plot(pg.PlotWidget):
    """A PlotWidget with the panel's look and a hover label that follows the mouse."""

    _custom_hover: weakref.WeakMethod | None

    @property
    def custom_hover(self):
        """A bound method(scene_pos) that labels this plot instead of hover_at; held weakly (no cycle with its
        owner)."""
        return self._custom_hover() if self._custom_hover is not None else None

    @custom_hover.setter
    def custom_hover(self, method) -> None:
        self._custom_hover = None if method is None else weakref.WeakMethod(method)

    def __init__(self, xlabel: str, ylabel: str, parent: QWidget | None = None) -> None:
        t = theme.current()
        super().__init__(parent=parent, background=t.background,
                         axisItems={"left": _Axis("left"), "bottom": _Axis("bottom")})
        self.curves: list[_Curve] = []
        self.keep_axis_labels = False  # in presentation mode too (the decision boundary's x1, x2)
        self.x_label_shown = True  # the x axis's title ("epoch"): once under a column of x-linked plots is enough
        self.log_y = False
        self._custom_hover = None
        self.value_format = "{:.4g}"
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.18)
        for side, text in (("bottom", xlabel), ("left", ylabel)):
            axis = item.getAxis(side)
            axis.enableAutoSIPrefix(False)
            axis.setLabel(text)
        item.layout.setContentsMargins(2, 4, 10, 2)
        self.setMinimumHeight(74)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.hover = pg.TextItem("", anchor=(0, 1))
        self.hover.setZValue(1000)
        self.hover_dot = pg.ScatterPlotItem(size=9)
        self.hover_dot.setZValue(999)
        item.addItem(self.hover, ignoreBounds=True)
        item.addItem(self.hover_dot, ignoreBounds=True)
        self.hide_hover()
        # an invisible curve that the auto-range includes: the span the axes must show (see set_frame)
        self._frame = pg.PlotCurveItem(pen=pg.mkPen(None))
        item.addItem(self._frame)
        self._hint = PlotHint(self)  # "press → to start" while there is nothing to plot
        self._style()
        self._proxy = pg.SignalProxy(self.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)

    def _style(self) -> None:
        """Background, axes (pens, tick and label type) and the hover label in ``theme.current()``."""
        t = theme.current()
        k = type_scale()
        presenting = theme.scale() > 1.0
        self.setBackground(t.background)
        item = self.getPlotItem()
        tick_font = QFont()
        tick_font.setPointSizeF(round(max(7.0, t.font_pt - 2) * k / theme.scale(), 2))
        # presentation mode: no axis titles (the card's title names the quantity, and x is the epoch
        # everywhere): the room goes to the curves
        labels = not presenting or self.keep_axis_labels
        for side in ("bottom", "left"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(t.muted, width=t.line_scale))
            axis.setTextPen(pg.mkPen(t.text))
            axis.setStyle(tickFont=tick_font, tickTextOffset=3)
            size = round(max(7, t.font_pt - 1) * k / theme.scale(), 2)
            axis.setLabel(axis.labelText, **{"font-size": f"{size:g}pt", "color": t.text})
            axis.showLabel(labels and (side == "left" or self.x_label_shown))
        # the left axis: room for its title and the widest tick label these plots show ("0.005", "10⁻³", "100")
        # beside each other, never over each other; one width for every plot, so x-linked epochs line up
        label_font = QFont()
        label_font.setPointSizeF(size)
        room = QFontMetrics(tick_font).horizontalAdvance("0.005") + 3 + 5 + 4
        if labels:
            room += QFontMetrics(label_font).height()
        item.getAxis("left").setWidth(room)
        x_label = labels and self.x_label_shown
        item.getAxis("bottom").setHeight(round(34 * k) - (0 if x_label else round(12 * k)))
        fill = QColor(t.background)
        fill.setAlpha(230)
        self.hover.fill = pg.mkBrush(fill)
        self.hover.border = pg.mkPen(t.muted)
        self.hover.setColor(t.text)
        font = QFont()
        font.setPointSizeF(theme.pt(9))
        self.hover.setFont(font)
        self.hover_dot.setSize(9 * t.line_scale)
        self.hover_dot.setPen(pg.mkPen(t.text, width=1.5 * t.line_scale))
        self.hover_dot.setBrush(pg.mkBrush(t.background))
        self._hint.setStyleSheet(f"color: {t.muted}; font-size: {round(10 * k, 2):g}pt; background: transparent;")

    def apply_theme(self) -> None:
        """Re-style the plot and redraw every curve in the current theme's colours and line widths."""
        self._style()
        for curve in self.curves:
            if curve.spec is not None:
                curve.item.setPen(_pen(*curve.spec))
                if curve.item.opts.get("symbolBrush") is not None:
                    curve.item.setSymbolBrush(pg.mkBrush(themed(curve.spec[0])))
            if curve.symbol_size is not None:
                curve.item.setSymbolSize(curve.symbol_size * theme.current().line_scale)

    def show_x_label(self, on: bool) -> None:
        """Show the x axis's title or not (the ticks stay)."""
        if on != self.x_label_shown:
            self.x_label_shown = on
            self._style()

    def set_frame(self, x: tuple[float, float], y: tuple[float, float]) -> None:
        """Make the auto-range include x[0]..x[1] and y[0]..y[1] (view coordinates: log10 on a log axis) besides
        the curves: the cost from 0, a fresh run over at least one minibatch."""
        self._frame.setData([float(x[0]), float(x[1])], [float(y[0]), float(y[1])])

    def set_hint(self, text: str) -> None:
        """A short note in the middle of the plot ('' hides it): what to do when there is nothing to show. Its
        lines after the first (after '<br>') are left out where the plot is too short for them."""
        self._hint.set_note(text)

    def hint(self) -> str:
        """The note shown in the plot, '' when none."""
        return self._hint.note()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if "_hint" in self.__dict__:  # resizeEvent comes once before __init__ made it
            self._hint.place()

    def set_log_y(self, on: bool) -> None:
        self.log_y = on
        self.setLogMode(y=on)

    # hover
    def hide_hover(self) -> None:
        self.hover.setVisible(False)
        self.hover_dot.setVisible(False)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.hide_hover()
        super().leaveEvent(event)

    def _mouse_moved(self, args: tuple) -> None:
        custom = self._custom_hover() if self._custom_hover is not None else None
        (custom or self.hover_at)(args[0])

    def show_label(self, text: str, x: float, y: float, dot: bool = True) -> None:
        """Put the hover label at view point (x, y), on the side that keeps it inside the plot."""
        (x0, x1), (y0, y1) = self.getViewBox().viewRange()
        self.hover.setText(text)
        self.hover.setAnchor((1 if x > (x0 + x1) / 2 else 0, 0 if y > (y0 + y1) / 2 else 1))
        self.hover.setPos(x, y)
        self.hover.setVisible(True)
        if dot:
            self.hover_dot.setData([x], [y])
        self.hover_dot.setVisible(dot)

    def hover_at(self, scene_pos: QPointF) -> str:
        """Label the nearest point (in pixels) of the nearest curve to ``scene_pos``; returns the text ('' if none)."""
        vb = self.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.hide_hover()
            return ""
        p = vb.mapSceneToView(scene_pos)
        pw, ph = vb.viewPixelSize()
        best: tuple[float, _Curve, int] | None = None
        for curve in self.curves:
            if curve.x is None or curve.y is None or not len(curve.x) or not curve.item.isVisible():
                continue
            vy = np.log10(curve.y) if self.log_y else curve.y
            d2 = ((curve.x - p.x()) / pw) ** 2 + ((vy - p.y()) / ph) ** 2
            i = int(np.argmin(d2))
            if best is None or d2[i] < best[0]:
                best = (float(d2[i]), curve, i)
        if best is None:
            self.hide_hover()
            return ""
        _, curve, i = best
        assert curve.x is not None and curve.y is not None  # a best curve has points (the loop above)
        x, y = float(curve.x[i]), float(curve.y[i])
        where = f"epoch {x:.0f}" if abs(x - round(x)) < 1e-9 else f"epoch {x:.2f}"
        text = f"{where} · {curve.name} {self.value_format.format(y)}{curve.unit}"
        self.show_label(text, x, math.log10(y) if self.log_y else y)
        return text

    def hover_text(self) -> str:
        """The hover label's text, '' while hidden."""
        return self.hover.toPlainText() if self.hover.isVisible() else ""

    # curves
    def add_curve(self, name: str, pen: pg.QtGui.QPen | None, unit: str = "", **opts) -> _Curve:
        size = opts.get("symbolSize")
        if size is not None:
            opts["symbolSize"] = size * theme.current().line_scale
        if opts.get("symbolBrush") is not None and isinstance(opts["symbolBrush"], (str, tuple)):
            opts["symbolBrush"] = pg.mkBrush(themed(opts["symbolBrush"]))
        item = pg.PlotDataItem(pen=pen, **opts)
        self.getPlotItem().addItem(item)
        curve = _Curve(item, name, unit, spec=getattr(pen, "spec", None), symbol_size=size)
        self.curves.append(curve)
        return curve

    def remove_curve(self, curve: _Curve) -> None:
        self.getPlotItem().removeItem(curve.item)
        self.curves.remove(curve)

    def set_curve(self, curve: _Curve, x: ArrayLike, y: ArrayLike, positive: bool = False) -> None:
        """Show (x, y) without non-finite points (and, on a log axis, without y ≤ 0)."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        keep = np.isfinite(x) & np.isfinite(y)
        if positive:
            keep &= y > 0
        curve.x, curve.y = x[keep], y[keep]
        curve.item.setData(curve.x, curve.y)


def _swatch(colour: str | tuple, glyph: str, label: str) -> str:
    """A legend entry in rich text: a coloured glyph and its label."""
    if theme.is_dark():
        colour = themed(colour).name()
    css = colour if isinstance(colour, str) else f"rgb({colour[0]}, {colour[1]}, {colour[2]})"
    return f"<span style='color: {css}; font-weight: 700'>{glyph}</span>&nbsp;{label}"


class _Card(QWidget):
    """A header (title, legend, optional controls) above a plot.

    The legend sits in the header rather than over the data, so nothing covers a curve in a narrow dock;
    where it does not fit on the title's line it takes a line of its own below (not three wrapped lines).
    """

    def __init__(self, title: str, plot: _Plot, *controls: QWidget, body: QWidget | None = None) -> None:
        """``body``: what the card shows under its header, ``plot`` or a widget holding it."""
        super().__init__()
        self.plot = plot
        self.title = QLabel(title)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.legend = QLabel("")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.apply_theme()
        self.legend.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._controls = controls
        self._header = QGridLayout()
        self._header.setContentsMargins(6, 2, 6, 0)
        self._header.setHorizontalSpacing(10)
        self._header.setVerticalSpacing(0)
        self._legend_below: bool | None = None
        self._place_legend(False)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(self._header)
        box.addWidget(plot if body is None else body, 1)

    def _place_legend(self, below: bool) -> None:
        """The legend beside the title, or on a line of its own under title and controls."""
        if below == self._legend_below:
            return
        self._legend_below = below
        for w in (self.title, self.legend, *self._controls):
            self._header.removeWidget(w)
        self._header.addWidget(self.title, 0, 0)
        for i, c in enumerate(self._controls):
            self._header.addWidget(c, 0, 2 + i)
        if below:
            self._header.addWidget(self.legend, 1, 0, 1, 2 + len(self._controls))
        else:
            self._header.addWidget(self.legend, 0, 1)
        self._header.setColumnStretch(1, 1)

    def _legend_doc(self) -> QTextDocument:
        """The legend laid out in the type size its style sheet sets (known before Qt re-polishes the label)."""
        font = QFont(self.legend.font())
        font.setPointSizeF(self._legend_pt)
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(font)
        doc.setHtml(self.legend.text())
        return doc

    def _fit_legend(self) -> None:
        room = self.width() - 12 - 10 * (1 + len(self._controls)) - self.title.sizeHint().width()
        room -= sum(c.sizeHint().width() for c in self._controls)
        doc = self._legend_doc()
        below = bool(self.legend.text()) and doc.idealWidth() > room
        self._place_legend(below)
        # the lines a wrapped legend needs (the card reports no height-for-width: see hasHeightForWidth)
        doc.setTextWidth(max(40, self.width() - 12 if below else room))
        self.legend.setMinimumHeight(math.ceil(doc.size().height()) if self.legend.text() else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_legend()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        """No: a wrapped legend would make the panel's grid reserve every plot's full size hint (480 px) and
        overflow a short dock; the card takes the height the grid's stretch gives it."""
        return False

    def set_legend(self, entries: Sequence[str]) -> None:
        self.legend.setText("&nbsp;&nbsp; ".join(entries))
        self._fit_legend()

    def apply_theme(self) -> None:
        """Title and legend in the current theme's text colour and type size."""
        t = theme.current()
        k = type_scale()
        self.title.setStyleSheet(f"color: {t.text}; font-weight: 600; font-size: {round(10 * k, 2):g}pt;")
        legend = 9 if k == 1.0 else 8  # a little smaller in presentation mode, so it stays on one line
        self._legend_pt = round(legend * k, 2)
        self.legend.setStyleSheet(f"color: {t.text}; font-size: {self._legend_pt:g}pt;")
        if getattr(self, "_controls", None) is not None:
            self._fit_legend()
