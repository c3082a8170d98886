"""A Teach panel that fits presentation mode's bottom strip: whole lines only, nothing to scroll.

On the laptop a Teach panel scrolls (``StripArea`` is a scroll area). In presentation mode's bottom strip a
lecturer cannot scroll in front of a class, and a line cut at the strip's edge is read by nobody, so there
(``set_strip(True)``) the area never scrolls: the panel gives up its parts in its own order, least important
first (``strip_parts``: an introduction, a hint, the working), until what is left fits at the hall's type size;
its line-by-line views (the code's listing, the paths table: ``strip_views``) take the height that is left,
cut to whole lines. What is left out is one hover away: "more ▾" under the panel has it in its tooltip (a click
shows it too).
"""

from __future__ import annotations

import re

from PyQt6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PyQt6.QtGui import QTextDocument
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

#: Qt's "no maximum" for a widget's size.
UNBOUNDED = 16777215
#: How often (ms) the strip looks for words that changed in a part it gave up.
POLL_MS = 250
#: The fewest lines a line-by-line view keeps before a part above it is given up.
MIN_VIEW_LINES = 3


def plain(text: str) -> str:
    """A label's words without its markup (a table's row on one line, its cells two spaces apart)."""
    if "<" not in text:
        return text
    text = re.sub(r"</t[dh]>\s*<t[dh][^>]*>", "&nbsp;&nbsp;", text)
    text = re.sub(r"</tr>", "<br>", text)
    text = re.sub(r"<table[^>]*>", "<p>", re.sub(r"</?(tr|td|th)[^>]*>|</table>", "", text))
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText().strip()


def words(widget: QWidget) -> str:
    """What a part says, for the "more" tooltip: its labels' and buttons' words, line by line."""
    out = []
    for w in [widget, *widget.findChildren(QWidget)]:
        if isinstance(w, QLabel) and w.text().strip():
            out.append(plain(w.text()).strip())
        elif isinstance(w, QAbstractButton) and w.text().strip():
            out.append(f"[{w.text()}]")
    return "\n".join(out)


def view_lines(view: QAbstractScrollArea) -> list[QRect]:
    """The rectangles of a line-by-line view's lines (text lines, table cells) in its viewport's coordinates."""
    out: list[QRect] = []
    if isinstance(view, QPlainTextEdit):
        offset = view.contentOffset()
        block = view.firstVisibleBlock()
        while block.isValid():
            box = view.blockBoundingGeometry(block).translated(offset)
            if box.top() > view.viewport().height():
                break
            layout = block.layout()
            for i in range(layout.lineCount() if block.isVisible() else 0):
                line = layout.lineAt(i).rect().translated(box.topLeft())
                out.append(line.toAlignedRect().adjusted(0, 0, -1, -1))
            block = block.next()
    elif isinstance(view, QTableView):
        model = view.model()
        for row in range(model.rowCount() if model is not None else 0):
            for col in range(model.columnCount()):
                if not view.isColumnHidden(col) and not view.isRowHidden(row) and model.index(row, col).data():
                    out.append(view.visualRect(model.index(row, col)))
    return out


def unseen_lines(view: QAbstractScrollArea) -> bool:
    """True when some of a view's lines lie outside its viewport."""
    area = view.viewport().rect()
    if isinstance(view, QPlainTextEdit):
        doc = view.document()
        lines = 0
        for n in range(doc.blockCount()):
            lines += doc.findBlockByNumber(n).layout().lineCount()
        return len([r for r in view_lines(view) if area.contains(r)]) < lines
    return any(not area.contains(r) for r in view_lines(view))


class StripArea(QScrollArea):
    """A Teach panel in a scroll area, or — in presentation mode's strip — fitted to it (see the module)."""

    def __init__(self, panel: QWidget) -> None:
        super().__init__()
        self.panel = panel
        self.strip = False
        self.dropped: list[QWidget] = []  # the parts given up to fit the strip
        self.silent: list[QWidget] = []  # the parts hidden for saying nothing (an empty label)
        self._key: tuple | None = None
        self._fitting = False
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(panel, 1)
        self.more = QToolButton()
        self.more.setText("more ▾")
        self.more.setAutoRaise(True)
        self.more.clicked.connect(self._show_more)
        self.more.hide()
        row = QHBoxLayout()
        row.setContentsMargins(6, 0, 6, 0)
        row.addStretch(1)
        row.addWidget(self.more)
        lay.addLayout(row)
        self.setWidget(box)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self.fit)
        box.installEventFilter(self)
        panel.installEventFilter(self)
        self._poll = QTimer(self)  # a hidden part's new words post no layout request: looked for a few times a second
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.fit)

    def can_fit(self) -> bool:
        """True for a panel that says what it can give up in the strip."""
        return callable(getattr(self.panel, "strip_parts", None))

    def set_strip(self, on: bool) -> None:
        """Fitted to the strip (no scrolling) or back to a scrolling panel with every part shown."""
        on = on and self.can_fit()
        if on == self.strip:
            return
        self.strip = on
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.setVerticalScrollBarPolicy(policy)
        self.setHorizontalScrollBarPolicy(policy)
        hook = getattr(self.panel, "set_strip", None)
        if callable(hook):
            hook(on)
        self._key = None
        for view in self._views():  # a listing scrolled to the next step's lines: cut to whole lines again
            bar = view.verticalScrollBar()
            if on:
                bar.valueChanged.connect(self._soon)
            else:
                bar.valueChanged.disconnect(self._soon)
        if on:
            self._poll.start()
            self.fit()
        else:
            self._poll.stop()
            self._restore()

    def _restore(self) -> None:
        for w in self.dropped + self.silent:
            w.show()
        self.dropped, self.silent = [], []
        for view in self._views():
            view.setMaximumHeight(UNBOUNDED)
        self.widget().setMaximumHeight(UNBOUNDED)
        self.more.hide()
        self.more.setToolTip("")

    def _views(self) -> list[QAbstractScrollArea]:
        views = getattr(self.panel, "strip_views", None)
        return list(views()) if callable(views) else []

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.strip:
            self.fit()

    def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:  # noqa: N802 (Qt name)
        if self.strip and not self._fitting and event is not None and event.type() == QEvent.Type.LayoutRequest:
            self._soon()  # a text changed: fitted again once the panel has laid it out
        return False

    def _soon(self, *_args) -> None:
        """Fitted again once the panel has laid out what changed."""
        self._later.start(0)

    def _state(self) -> tuple:
        """What the fit depends on: the strip's size and every word the panel shows."""
        texts = tuple(w.text() for w in self.panel.findChildren(QLabel))
        views = tuple((v.model().rowCount() if isinstance(v, QAbstractItemView) and v.model() else
                       v.document().characterCount() if isinstance(v, QPlainTextEdit) else 0,
                       v.verticalScrollBar().value()) for v in self._views())
        return self.viewport().size(), texts, views, self.panel.isVisible()

    def fit(self) -> None:
        """Give up parts, least important first, until the rest fits the strip; views cut to whole lines."""
        if not self.strip or self._fitting or not self.isVisible():
            return
        key = self._state()
        if key == self._key:
            return
        self._fitting = True
        try:
            self._fit()
        finally:
            self._fitting = False
        self._key = self._state()

    def _fit(self) -> None:
        box = self.widget()
        height = self.viewport().height()
        self._restore()
        box.setMaximumHeight(height)
        prepare = getattr(self.panel, "strip_prepare", None)
        if callable(prepare):
            prepare(self.viewport().width())
        views = self._views()
        for view in views:
            view.setMinimumHeight(self._lines_height(view, MIN_VIEW_LINES))
        given_up = getattr(self.panel, "strip_parts", None)
        parts = [p for p in (given_up() if callable(given_up) else []) if not p.isHidden()]
        empty = [w for w in self.panel.findChildren(QLabel) if w.parentWidget() is self.panel and not w.isHidden()
                 and not w.text().strip() and w not in parts]
        for part in [p for p in parts if not words(p).strip()] + empty:  # an empty line says nothing: its room
            part.hide()  # goes to the rest
            self.silent.append(part)
            if part in parts:
                parts.remove(part)
        while True:
            self._layout()
            if self._overflows() and parts:
                part = parts.pop(0)
                part.hide()
                self.dropped.append(part)
                continue
            for view in views:
                self._whole_lines(view)
            if self.more.isHidden() and (self.dropped or any(unseen_lines(v) for v in views)):
                self.more.show()  # its line taken from the panel: fitted again
                for view in views:
                    view.setMaximumHeight(UNBOUNDED)
                continue
            break
        for part in reversed(self.dropped[:-1]):  # a smaller, less important part may fit where the last did not
            part.show()
            self._layout()
            if self._overflows():
                part.hide()
            else:
                self.dropped.remove(part)
        for view in views:
            view.setMinimumHeight(0)
        self._layout()
        settled = getattr(self.panel, "strip_settled", None)
        if callable(settled):
            settled()  # the views at their height: the panel scrolls them to what matters (the code's lines)
        for view in views:  # last: the parts above them are settled
            self._whole_lines(view)
        self._sync_more(views)

    def _layout(self) -> None:
        box = self.widget()
        box.resize(self.viewport().width(), self.viewport().height())
        for lay in [box.layout(), *(w.layout() for w in box.findChildren(QWidget))]:
            if lay is not None:
                lay.invalidate()
                lay.activate()
        for split in box.findChildren(QSplitter):  # a splitter sizes its panes on an event of its own: now
            split.refresh()

    def _overflows(self) -> bool:
        """True while a shown part is squeezed (a label shorter than its lines) or pushed past the strip."""
        area = QRect(QPoint(0, 0), self.viewport().size())
        box = self.widget()
        for w in self.panel.findChildren(QWidget):
            if not w.isVisibleTo(self.panel) or isinstance(w.parentWidget(), QAbstractScrollArea) and \
                    w is w.parentWidget().viewport():
                continue
            rect = QRect(w.mapTo(box, QPoint(0, 0)), w.size())
            parent = w.parentWidget()
            if rect.bottom() > area.bottom() or parent is not None and w.geometry().bottom() > parent.rect().bottom():
                return True  # past the strip's foot, or past the part it is in (a splitter's pane)
            if isinstance(w, QScrollArea) and w.widget() is not None and w.widget().isVisibleTo(w) and \
                    w.widget().height() > w.viewport().height():
                return True  # a pane inside that would have to scroll
            if isinstance(w, QLabel) and w.text():
                if w.wordWrap() and w.height() < w.heightForWidth(w.width()) - 1:
                    return True
                if not w.wordWrap() and w.height() < w.minimumSizeHint().height():
                    return True  # (a line too wide is the panel's to lay out: giving parts up does not widen it)
        return False

    @staticmethod
    def _lines_height(view: QAbstractScrollArea, lines: int) -> int:
        """A height of ``view`` with room for about ``lines`` lines (its least, while parts are given up)."""
        line = view.verticalHeader().defaultSectionSize() if isinstance(view, QTableView) else \
            view.fontMetrics().lineSpacing()
        chrome = 2 * view.frameWidth()
        if isinstance(view, QTableView):
            chrome += view.horizontalHeader().height()
        elif isinstance(view, QPlainTextEdit):
            chrome += 2 * round(view.document().documentMargin())
        return chrome + lines * max(1, line)

    def _whole_lines(self, view: QAbstractScrollArea) -> None:
        """``view`` cut (from below) to the lines it shows whole: none shows in part at its bottom."""
        for _ in range(8):  # each pass cuts at the first line shown in part; the view then lays out again
            area = view.viewport().rect()
            partial = [r for r in view_lines(view) if r.intersects(area) and not area.contains(r)
                       and r.top() > area.top()]
            if not partial:
                return
            cut = min(r.top() for r in partial)
            view.setMaximumHeight(max(0, view.height() - area.height() + cut))
            self._layout()

    def _sync_more(self, views: list[QAbstractScrollArea]) -> None:
        said = getattr(self.panel, "strip_words", None)  # a part of controls says what stands in for them
        hidden = [said(p) if callable(said) and said(p) is not None else words(p) for p in self.dropped]
        hook = getattr(self.panel, "strip_more", None)
        extra = hook() if callable(hook) and any(unseen_lines(v) for v in views) else ""
        text = "\n\n".join(t for t in (*hidden, extra) if t)
        self.more.setToolTip(text)
        if not text and not self.more.isHidden():
            self.more.hide()
            self._layout()

    def _show_more(self) -> None:
        QToolTip.showText(self.more.mapToGlobal(QPoint(0, 0)), self.more.toolTip(), self.more)
