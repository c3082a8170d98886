"""Presentation mode on the lecture hall's screens, every lesson: the smallest text is at least 1/50 of the screen's
height, nothing is squeezed, cut or drawn over, and the network stays the biggest thing on screen.

One window per screen size; the lessons are opened in it one after another (as Setup ▸ Apply would), half of them
in the light theme and half in the dark one (the other way round at the next size), each measured where it opens,
and a few of them after a step at each granularity (a different few per size, so that across the sizes every
lesson steps at every granularity).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lecture_helpers import open_lesson, presenting, settle
from PyQt6.QtCore import QRect, QRectF, Qt
from PyQt6.QtGui import QColor, QFontInfo, QImage, QTextCharFormat, QTextDocument
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QLabel,
    QPlainTextEdit,
    QTabBar,
    QTableView,
    QTextEdit,
    QToolTip,
    QWidget,
)

from visualbp.core.demos import list_demos
from visualbp.gui import theme
from visualbp.gui.main_window import MainWindow
from visualbp.gui.notation import to_plain

#: (width, height) in logical pixels: the projectors of the lecture halls, and 1920×1080 at 200 % (960×540).
SIZES = [(1024, 768), (1280, 720), (1366, 768), (1920, 1080), (960, 540)]
GRANULARITIES = ("layer", "example", "minibatch", "epoch")
LESSONS = list_demos()
_SCRIPT = (QTextCharFormat.VerticalAlignment.AlignSuperScript, QTextCharFormat.VerticalAlignment.AlignSubScript)


def _rich_px(label: QLabel) -> int | None:
    """The smallest pixel size of a rich-text label's words, sub- and superscripts aside (a ~{…} note counts)."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setHtml(label.text())
    sizes = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.text().strip() and fragment.charFormat().verticalAlignment() not in _SCRIPT:
                sizes.append(QFontInfo(fragment.charFormat().font()).pixelSize())
            it += 1
        block = block.next()
    return min(sizes, default=None)


def _text(widget: QWidget) -> str:
    """The words a widget shows ('' for none)."""
    if isinstance(widget, QLabel):
        return widget.text()
    if isinstance(widget, QAbstractButton):
        return widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QTabBar):
        return " ".join(widget.tabText(i) for i in range(widget.count()))
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return widget.toPlainText()
    if isinstance(widget, QAbstractItemView):
        model = widget.model()
        return "items" if model is not None and model.rowCount() else ""
    if isinstance(widget, QDockWidget) and widget.titleBarWidget() is None and not widget.isFloating():
        return widget.windowTitle()
    return ""


def _texts(window: MainWindow) -> list[tuple[int, str, QWidget]]:
    """(pixel size, words, widget) of every text the window shows."""
    out = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.visibleRegion().isEmpty():
            continue
        words = _text(widget).strip()
        if not words:
            continue
        px = QFontInfo(widget.font()).pixelSize()
        if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText and "<" in words:
            rich = _rich_px(widget)
            px = min(px, rich) if rich is not None else px
        out.append((px, words[:60], widget))
    return out


def _problems(window: MainWindow, where: str) -> list[str]:
    """What breaks the lecture hall's rules on the window as it is now."""
    floor = theme.floor_px(window.height())
    found = [f"{where}: {px} px < {floor} px: {words!r}" for px, words, _w in _texts(window) if px < floor]
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text() and \
                label.height() < label.heightForWidth(label.width()) - 1:
            found.append(f"{where}: squeezed: {label.text()[:50]!r}")
    panel = window.equations
    step = [lb for lb in (panel.title_label, panel.equation_label, panel.numbers_label, panel.which_label,
                          panel.narration_label) if lb.isVisible()]
    for i, a in enumerate(step):  # one under the other, the narration below them or in a column beside them
        for b in step[i + 1:]:
            if a.geometry().intersects(b.geometry()):
                found.append(f"{where}: overlaps: {a.text()[:30]!r} / {b.text()[:30]!r}")
    for label in step:
        if label.visibleRegion().boundingRect().size() != label.size():
            found.append(f"{where}: cut off: {label.text()[:50]!r}")
    narration = panel.narration_label
    whole = to_plain(panel.narration_text())
    if narration.isVisible() and narration.text().endswith("…") and narration.toolTip() != whole:
        found.append(f"{where}: a cut narration without its whole paragraph in the tooltip")
    graph = window.network_view
    area = graph.width() * graph.height()
    if area < 0.5 * window.width() * window.height():
        found.append(f"{where}: the graph has {area / (window.width() * window.height()):.0%} of the window")
    for dock in window.findChildren(QDockWidget):
        if dock.isVisible() and dock.width() * dock.height() >= area:
            found.append(f"{where}: {dock.windowTitle()} is bigger than the graph")
    return found + _cut_in_the_strip(window, where) + _status_cut(window, where)


def _view_lines(view) -> list[tuple[QRect, str]]:
    """(rectangle in the viewport, words) of each line a listing or a table shows."""
    out = []
    if isinstance(view, QPlainTextEdit):
        block = view.document().begin()
        while block.isValid():
            box = view.blockBoundingGeometry(block).translated(view.contentOffset())
            for i in range(block.layout().lineCount() if block.isVisible() else 0):
                line = block.layout().lineAt(i)
                rect = QRectF(line.rect()).translated(box.topLeft())
                rect.setWidth(line.naturalTextWidth())
                out.append((rect.toAlignedRect().adjusted(0, 0, -1, -1), block.text()[line.textStart():][:40]))
            block = block.next()
    elif isinstance(view, QTableView) and view.model() is not None:
        model = view.model()
        for row in range(model.rowCount()):
            for col in range(model.columnCount()):
                index = model.index(row, col)
                if index.data() and not view.isColumnHidden(col) and not view.isRowHidden(row):
                    out.append((view.visualRect(index), str(index.data())))
    return out


def _cut_in_the_strip(window: MainWindow, where: str) -> list[str]:
    """Lines a Teach panel in the bottom strip shows in part (cut at its edge, or at a pane's inside it): a
    lecturer cannot scroll them into view in front of the class."""
    found = []
    for name, dock in window.teach.docks.items():
        if not dock.isVisible() or dock.isFloating() or \
                window.dockWidgetArea(dock) != Qt.DockWidgetArea.BottomDockWidgetArea:
            continue
        for w in dock.widget().findChildren(QWidget):
            words = _text(w).strip()
            if not w.isVisible() or not words or w.visibleRegion().isEmpty():
                continue
            if w.visibleRegion().boundingRect() != w.rect():
                found.append(f"{where}: {name} shows in part: {words[:40]!r}")
            elif isinstance(w, QLabel) and not w.wordWrap() and w.width() < w.minimumSizeHint().width():
                found.append(f"{where}: {name} cuts at the right: {words[:40]!r}")
            if isinstance(w, (QPlainTextEdit, QTableView)):
                port = w.viewport().rect()
                found += [f"{where}: {name} shows a line in part: {text!r}" for rect, text in _view_lines(w)
                          if rect.intersects(port) and not port.contains(rect)]
    return found


def _status_cut(window: MainWindow, where: str) -> list[str]:
    """The status line's words wider than the line."""
    label = window.status_label
    if not label.isVisible() or label.wordWrap():
        return []
    shown = label.shown_text() if hasattr(label, "shown_text") else label.text()
    if label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width():
        return []
    return [f"{where}: the status line is cut: {shown!r}"]


#: the plain run walks the smallest projector (and the graph's text there: tests/gui/network/test_graph_text.py);
#: 1280×720, the laptop, full HD and 200 % run with the soak (`pytest -m slow`, which .ci/run runs too): about
#: 4 s a size, and the plain run's budget is 90 s
PLAIN_SIZES = [(1024, 768)]


@pytest.mark.parametrize("size", [s if s in PLAIN_SIZES else pytest.param(s, marks=pytest.mark.slow) for s in SIZES],
                         ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_lesson_is_readable_from_the_back_of_the_hall(qtbot, size):
    index = SIZES.index(size)
    window, session = presenting(qtbot, LESSONS[0], size)
    try:
        problems: list[str] = []
        for i, demo in enumerate(LESSONS):
            dark = (i >= len(LESSONS) // 2) != (index % 2 == 1)  # half of them dark, the other half at the next size
            if window.is_dark() != dark:
                window.set_presentation(True, dark=dark)
            open_lesson(window, demo)
            problems += _problems(window, f"{demo.name} ({'dark' if dark else 'light'}), where it opens")
            if i % len(SIZES) == index:
                for granularity in GRANULARITIES:
                    session.set_granularity(granularity)
                    session.step()
                    settle()
                    problems += _problems(window, f"{demo.name} after a step by {granularity}")
        assert problems == [], "\n".join(problems)
        assert theme.current().name in ("projector", "dark")
    finally:
        window.set_presentation(False)
        session.shutdown()


def test_the_lecturers_paragraph_gives_way_not_the_math(qtbot):
    """1024×768, the MNIST lesson where it opens: its paragraph does not fit under the math. The math keeps its full
    size; the paragraph is cut after a whole word, at a line's end, with an ellipsis, and is whole in its tooltip
    and in what the presenter view reads (narration_text)."""
    demo = next(d for d in LESSONS if d.name == "mnist")
    window, session = presenting(qtbot, demo, (1024, 768))
    try:
        open_lesson(window, demo)
        panel = window.equations
        narration = panel.narration_label
        whole = to_plain(panel.narration_text())
        shown = to_plain(narration.text())
        assert panel.text_scale() == 1.0  # the math at full size
        assert narration.isVisible() and shown.endswith(" …") and len(shown) < len(whole)
        assert whole.startswith(shown[:-2]) and whole[len(shown) - 2] in " ,;:—–-"  # cut between two words
        assert narration.toolTip() == whole
        assert narration.height() == narration.heightForWidth(narration.width())  # whole lines only
        assert narration.geometry().bottom() < panel.height()
        window.set_presentation(False)
        assert to_plain(narration.text()) == whole and not narration.toolTip()  # the laptop's panel scrolls
    finally:
        window.set_presentation(False)
        session.shutdown()


def _words(html: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()


def _ran(window: MainWindow) -> QRect:
    """Where the code panel's first highlighted line is, in its listing's viewport."""
    listing = window.teach.panels["code"].listing
    ran = listing.document().findBlockByNumber(window.teach.panels["code"].highlighted_lines()[0])
    return listing.blockBoundingGeometry(ran).translated(listing.contentOffset()).toAlignedRect()


def _whole(window: MainWindow, panel_name: str, words: str) -> bool:
    """True when ``words`` are in the strip panel ``panel_name`` on screen, or in its "more" tooltip."""
    area = window.teach.docks[panel_name].widget()
    shown = " ".join(_words(_text(w)) for w in area.findChildren(QLabel) if w.isVisible())
    return words in shown or words in area.more.toolTip()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the tooltip's window, offscreen
def test_the_strip_panels_keep_whole_lines_as_they_change(qtbot):
    """1024×768: the race run to its end, an exercise answered, the code stepped on — every strip panel still
    shows whole lines, nothing to scroll, and what it gave up is in its "more" tooltip."""
    demo = next(d for d in LESSONS if d.name == "why-fast")
    window, session = presenting(qtbot, demo, (1024, 768))
    try:
        open_lesson(window, demo)
        race = window.teach.panels["race"]
        area = window.teach.docks["race"].widget()
        assert area.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        assert _words(race.intro.text())[:40] in area.more.toolTip()  # the introduction is given up, one hover away
        assert area.more.isVisible() and not race.intro.isVisible()
        qtbot.mouseClick(area.more, Qt.MouseButton.LeftButton)  # or a click away
        qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == area.more.toolTip())
        QToolTip.hideText()
        race.start()
        race.settle()
        qtbot.waitUntil(lambda: race.agreement.text() != "" and _whole(window, "race", "largest |∂C/∂p"))
        settle()
        assert _cut_in_the_strip(window, "race run") == []
        assert race.cells["fd", "time"].isVisible() and race.cells["ratio", "time"].text() != "—"
        window.teach.docks["race"].setFloating(True)  # a floating panel is a window of its own: it scrolls
        qtbot.waitUntil(lambda: area.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        assert race.intro.isVisibleTo(area) and not area.more.isVisibleTo(area)
        window.teach.docks["race"].setFloating(False)
        qtbot.waitUntil(lambda: area.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        exercise = next(d for d in LESSONS if d.name == "exercise")
        open_lesson(window, exercise)
        panel = window.teach.panels["exercise"]
        panel.reveal()  # a¹ = x: nothing to predict; then z²₁
        assert panel.question is not None
        panel.entry.setText("0.5")
        panel.check()
        qtbot.waitUntil(lambda: panel.verdict.isVisible() and _whole(window, "exercise", "Working"))
        settle()
        assert _cut_in_the_strip(window, "exercise answered") == []

        code = next(d for d in LESSONS if d.name == "code")
        open_lesson(window, code)
        listing = window.teach.panels["code"].listing
        for _ in range(16):
            session.step()
            settle()
            assert _cut_in_the_strip(window, f"code at step {session.engine.step_index}") == []
            assert listing.viewport().rect().intersects(_ran(window))  # the line that ran in view (whole, as all)
            assert _status_cut(window, "code") == []
        for size in ((1280, 720), (1024, 768)):  # another projector: the strip sized anew, the lines that ran in view
            window.resize(*size)
            qtbot.waitUntil(lambda: (window.width(), window.height()) == size)  # noqa: B023 (waited for here)
            settle()
            assert _cut_in_the_strip(window, f"code at {size}") == []
            assert listing.viewport().rect().intersects(_ran(window))
        window.set_presentation(False)  # on the laptop the panels scroll again, every part shown
        assert listing.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
        assert race.intro.isVisibleTo(window.teach.docks["race"]) and not area.more.isVisibleTo(area)
    finally:
        window.set_presentation(False)
        session.shutdown()


def test_the_status_line_gives_way_from_its_end(qtbot):
    """1024×768, the MNIST lesson after an epoch: "… — done. Next: epoch 3, minibatch 1 of 800, example 1" does
    not fit. The aside in parentheses goes first, then the "Next" part is cut in its middle; the line ends
    inside the window and its tooltip has it whole."""
    demo = next(d for d in LESSONS if d.name == "mnist")
    window, session = presenting(qtbot, demo, (1024, 768))
    try:
        open_lesson(window, demo)
        session.set_granularity("epoch")
        session.step()
        settle()
        label = window.status_label
        whole = session.status()
        assert "Next:" in whole and label.toolTip() == whole and label.text() == whole
        assert _status_cut(window, "mnist") == [] and label.shown_text() != whole
        assert label.shown_text().startswith("minibatch · all layers")  # the most important part first, whole
        window.resize(600, 768)
        settle()
        assert _status_cut(window, "narrow") == [] and label.shown_text().startswith("minibatch")
    finally:
        window.set_presentation(False)
        session.shutdown()


def test_the_code_lessons_picture_shows_the_line_that_ran(tmp_path):
    """``visualbp --demo code --lecture --steps 3 --screenshot`` on a 1024×768 projector (the window fills the
    screen): the strip's listing, sized once the lesson is open, shows the highlighted line (it had been centred
    at the height before, and was cut off with the lines below it)."""
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1024, "height": 768,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    out = tmp_path / "code.png"
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", VISUALBP_DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run([sys.executable, "-m", "visualbp", "--demo", "code", "--lecture", "--steps", "3", "--size",
                           "1024x768", "--screenshot", str(out)], env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # not even the offscreen platform's note, printed as the Teach panel is placed
    image = QImage(str(out))
    mark = QColor(theme.PROJECTOR.highlight).rgb()
    strip = [(x, y) for y in range(image.height() * 6 // 10, image.height(), 2)
             for x in range(image.width() * 6 // 10, image.width(), 4) if image.pixel(x, y) == mark]
    assert len(strip) > 50  # a highlighted line across the listing, below the graph, right of the equation
