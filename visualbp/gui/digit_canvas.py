"""Draw your own digit: a canvas of the data's picture size (28×28 for MNIST, 8×8 for the digits) drawn with
the mouse, and "Step it through the network", which makes the drawing the input x of the example being stepped
(one step of the history, ← undoes it; ``Session.draw_input``) and takes the next step, so the graph shows it
going forwards and its error coming back like any example. The network's guess for the drawing is shown as
the drawing changes (a feedforward of the core's ``Network``).
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from visualbp.gui import theme as T
from visualbp.gui.notation import number

#: The brush: its radius in pixels of the picture, and how much ink one pass lays at its centre.
BRUSH_RADIUS, BRUSH_INK = 1.4, 1.0
#: Distance in picture pixels between the brush's dabs along a stroke.
SPACING = 0.3


class Canvas(QWidget):
    """A grid of ``shape`` pixels in [0, 1] painted with a soft round brush (left button) or erased (right)."""

    changed = pyqtSignal()

    def __init__(self, shape: tuple[int, int] = (28, 28), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pixels = np.zeros(shape)
        self._last: QPointF | None = None
        self.setMinimumSize(QSize(140, 140))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def set_shape(self, shape: tuple[int, int]) -> None:
        self.pixels = np.zeros(shape)
        self.update()
        self.changed.emit()

    def clear(self) -> None:
        self.pixels[:] = 0.0
        self.update()
        self.changed.emit()

    def _cell(self) -> tuple[float, float, float]:
        """(side of a pixel on screen, left, top) of the square picture centred in the widget."""
        h, w = self.pixels.shape
        side = min(self.width() / w, self.height() / h)
        return side, (self.width() - side * w) / 2, (self.height() - side * h) / 2

    def to_grid(self, pos: QPointF) -> tuple[float, float]:
        """A widget point as (row, column) of the picture, fractional."""
        side, left, top = self._cell()
        return (pos.y() - top) / side, (pos.x() - left) / side

    def stroke(self, a: tuple[float, float], b: tuple[float, float], ink: float = BRUSH_INK) -> None:
        """Lay ink along the segment from grid point ``a`` to ``b`` (negative ink erases)."""
        h, w = self.pixels.shape
        rows, cols = np.mgrid[0:h, 0:w] + 0.5
        steps = max(1, int(np.hypot(b[0] - a[0], b[1] - a[1]) / SPACING))
        for t in np.linspace(0.0, 1.0, steps + 1):  # the same ink per length, however fast the mouse moved
            r, c = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
            d2 = (rows - r) ** 2 + (cols - c) ** 2
            self.pixels += ink * SPACING * np.exp(-d2 / (2 * (BRUSH_RADIUS / 1.5) ** 2)) * (d2 <= 2 * BRUSH_RADIUS ** 2)
        np.clip(self.pixels, 0.0, 1.0, out=self.pixels)
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        self._last = event.position()
        point = self.to_grid(self._last)
        self.stroke(point, point, self._ink(event))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        if self._last is None:
            return
        pos = event.position()
        self.stroke(self.to_grid(self._last), self.to_grid(pos), self._ink(event))
        self._last = pos

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        self._last = None

    @staticmethod
    def _ink(event: QMouseEvent) -> float:
        return -1.0 if event.buttons() & Qt.MouseButton.RightButton else BRUSH_INK

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        h, w = self.pixels.shape
        grey = np.ascontiguousarray((255 - self.pixels * 255).astype(np.uint8))
        image = QImage(grey.data, w, h, w, QImage.Format.Format_Grayscale8)
        side, left, top = self._cell()
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(T.current().panel))
        p.drawImage(QRectF(left, top, side * w, side * h), image)
        p.setPen(QColor(T.current().grid))
        p.drawRect(QRectF(left, top, side * w, side * h))
        p.end()


class DrawDigitPanel(QWidget):
    """The canvas, the network's guess for it, Clear, and "Step it through the network"."""

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.canvas = Canvas()
        self.guess = QLabel()
        self.guess.setWordWrap(True)
        self.guess.setTextFormat(Qt.TextFormat.RichText)
        self.clear_button = QPushButton("Clear")
        self.use_button = QPushButton("Step it through the network")
        self.use_button.setToolTip("Make the drawing the input x of the example being stepped (one step: ← undoes "
                                   "it) and take the next step")
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.use_button, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.intro)
        lay.addWidget(self.canvas, 1)
        lay.addWidget(self.guess)
        lay.addLayout(buttons)
        lay.addWidget(self.message)
        self.clear_button.clicked.connect(self.canvas.clear)
        self.use_button.clicked.connect(self.step_drawing)
        self.canvas.changed.connect(self._show_guess)
        session.networkChanged.connect(self._on_network_changed)
        session.weightsChanged.connect(self._show_guess)
        self._on_network_changed()

    def _shape(self) -> tuple[int, int] | None:
        shape = self.session.dataset.image_shape
        return tuple(shape) if shape and int(np.prod(shape)) == self.session.net.sizes[0] else None

    def _on_network_changed(self) -> None:
        shape = self._shape()
        usable = shape is not None
        self.canvas.setEnabled(usable)
        self.use_button.setEnabled(usable)
        self.clear_button.setEnabled(usable)
        if shape is not None:
            if self.canvas.pixels.shape != shape:
                self.canvas.set_shape(shape)
            self.intro.setText(f"Draw a digit ({shape[1]}×{shape[0]} pixels, left button draws, right erases), "
                               "then step it through the network like a training example.")
        else:
            self.intro.setText("Drawing needs data made of pictures whose pixels are the inputs: choose MNIST "
                               "28×28 or the digits 8×8 in Setup.")
        self.message.clear()
        self._show_guess()

    def _show_guess(self) -> None:
        """a^L for the drawing and the digit it points to (the core's feedforward)."""
        if self._shape() is None or not self.canvas.pixels.any():
            self.guess.setText("")
            return
        a = self.session.net.feedforward(self.canvas.pixels.reshape(-1, 1)).ravel()
        best = int(np.argmax(a))
        self.guess.setText(f"the network says <b>{self._class(best)}</b> (a<sup>L</sup> = {number(float(a[best]))})")

    def _class(self, j: int) -> str:
        """Class j by the data's name for it (a digit's is the digit)."""
        names = self.session.dataset.class_names
        return str(names[j]) if names and j < len(names) else str(j)

    def step_drawing(self) -> bool:
        """The drawing becomes the input x (one step), then the next step is taken."""
        try:
            record = self.session.draw_input(self.canvas.pixels.ravel())
        except ValueError as exc:
            self.message.setText(str(exc))
            return False
        target = self._class(int(self.session.engine.labels[record.row]))
        self.message.setText(f"The drawing is the input x of training example {record.row + 1} now, its target y "
                             f"still that example's ({target}); ← undoes it, → steps it on through the network.")
        self.session.step()
        return True
