"""A plot's note while it has nothing to show ("press → to start"), kept inside the plot's axes."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel


class PlotHint(QLabel):
    """The note over a pyqtgraph PlotWidget's plotting area (inside the axes, so never over their numbers), as
    much of it as fits there: the whole note, or only its first line (before '<br>') where the plot is short."""

    def __init__(self, plot) -> None:
        super().__init__("", plot)
        self._plot = plot
        self._note = ""
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()
        plot.getPlotItem().vb.sigResized.connect(self.place)  # the axes took their room: the note goes inside

    def set_note(self, text: str) -> None:
        """Show ``text`` ('' hides the note)."""
        self._note = text
        self.setVisible(bool(text))
        self.place()

    def note(self) -> str:
        """What the note shows now, '' when hidden."""
        return self.text() if not self.isHidden() else ""

    def place(self, *_args) -> None:
        """Over the plotting area, with as many of the note's lines as fit in it."""
        item = self._plot.getPlotItem()  # (None while the widget is taken down)
        if item is None:
            return
        box = self._plot.mapFromScene(item.vb.sceneBoundingRect()).boundingRect()
        if box.width() < 40 or box.height() < 10:  # not laid out yet
            box = self._plot.rect().adjusted(12, 8, -12, -8)
        self.setText(self._note)
        if "<br>" in self._note and self.heightForWidth(box.width()) > box.height():
            self.setText(self._note.split("<br>", 1)[0])
        self.setGeometry(box)
