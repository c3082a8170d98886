"""A printable handout (PDF through Qt's own QPdfWriter), one step a page: the network, the step's equation
with its numbers and narration, the four equations of backpropagation, and the settings that produced it.
``steps`` pages: this step, then each of the next ``steps`` − 1 (a long step's text may run onto a second page).

The PDF is made in memory and written whole or not at all (``core.atomicfile``); ``ExportError`` names the
file and the reason, and a ``progress`` callback that answers False ends it with ``ExportCancelled``.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF
from PyQt6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

import visualbp
from visualbp.core.atomicfile import write_bytes_atomically
from visualbp.core.limits import MAX_HANDOUT_STEPS
from visualbp.gui.equation_text import SIDE_EQUATIONS
from visualbp.gui.exports_gif import ExportError, Progress, grab, report
from visualbp.gui.notation import to_html
from visualbp.interrupts import raise_if_interrupted


def settings_rows(session) -> list[tuple[str, str]]:
    """The hyperparameters and data of ``session``, as (name, value) rows."""
    c = session.config
    return [
        ("data", session.dataset.description),
        ("layer sizes", " – ".join(str(s) for s in c.sizes)),
        ("activation σ", c.activation),
        ("cost C", c.cost),
        ("initial weights", f"{c.init}, seed {c.seed}"),
        ("learning rate η", f"{c.eta:g}"),
        ("minibatch size m", str(c.mini_batch_size)),
        ("L2 regularisation λ", f"{c.lmbda:g}"),
        ("step", f"{session.engine.step_index} (one step = one {session.granularity.value})"),
    ]


def handout_html(session, equations) -> str:
    """The handout's text below the network picture, as Qt rich text."""
    now = equations.equation_text() or "(no step taken yet)"
    numbers = equations.numbers_text()
    narration = equations.narration_text()
    parts = [f"<h3>This step</h3><p style='font-size:13pt'>{html.escape(now)}</p>"]
    if numbers:
        parts.append(f"<p>{html.escape(numbers)}</p>")
    if narration:
        parts.append(f"<p><i>{html.escape(narration)}</i></p>")
    parts.append("<h3>The equations of backpropagation</h3><table cellpadding='3'>")
    for _key, title, markup in SIDE_EQUATIONS:
        parts.append(f"<tr><td><b>{html.escape(title)}</b>&nbsp;&nbsp;</td><td>{to_html(markup)}</td></tr>")
    parts.append("</table><h3>Settings</h3><table cellpadding='2'>")
    for name, value in settings_rows(session):
        parts.append(f"<tr><td>{html.escape(name)}&nbsp;&nbsp;</td><td>{html.escape(value)}</td></tr>")
    parts.append(f"</table><p style='color:#78909c; font-size:8pt'>visualbp {visualbp.__version__} · the notation "
                 "of M. Nielsen, <i>Neural Networks and Deep Learning</i>, chapter 2</p>")
    return "\n".join(parts)


def tightened(image: QImage, keep: int = 16) -> QImage:
    """``image`` with every run of blank rows (all one colour) longer than ``keep`` pixels cut to ``keep``:
    the graph pane's empty space is not worth paper."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = rgb.width(), rgb.height()
    pixels = np.frombuffer(rgb.constBits().asarray(rgb.sizeInBytes()), dtype=np.uint32)
    pixels = pixels.reshape(height, rgb.bytesPerLine() // 4)[:, :width]
    blank = (pixels == pixels[:, :1]).all(axis=1)
    rows, run = [], 0
    for y in range(height):
        run = run + 1 if blank[y] else 0
        if run <= keep:
            rows.append(y)
    if len(rows) == height:
        return image
    kept = np.ascontiguousarray(pixels[rows])
    return QImage(kept.tobytes(), width, len(rows), 4 * width, QImage.Format.Format_RGB32).copy()


def _document(markup: str, device, width: float) -> QTextDocument:
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)  # points measured at the PDF's resolution
    doc.setDefaultFont(QFont("Sans Serif", 9))
    doc.setHtml(markup)
    doc.setTextWidth(width)
    return doc


def _paint_step(writer: QPdfWriter, painter: QPainter, session, picture: QImage, equations) -> int:
    """One step from the top of a page: title, picture (30–45 % of the page high, smaller to keep one page),
    then the text, on as many pages as it needs (one, unless the step's text is long). Returns the pages."""
    area = writer.pageLayout().paintRectPixels(writer.resolution())
    width, height = float(area.width()), float(area.height())
    title = _document(f"<h2>visualbp — {html.escape(session.status())}</h2>", writer, width)
    title.drawContents(painter)
    y = title.size().height()
    text = _document(handout_html(session, equations), writer, width)
    gap = 0.015 * height
    room = height - y - gap - text.size().height()  # the picture shrinks (to 30 % at least) to fit one page
    scale = min(width / picture.width(), max(0.3 * height, min(room, 0.45 * height)) / picture.height())
    target = QRectF((width - picture.width() * scale) / 2, y, picture.width() * scale, picture.height() * scale)
    painter.drawImage(target, picture)
    y = target.bottom() + gap
    pages, offset, total = 1, 0.0, text.size().height()
    if total > height - y and total <= height:
        writer.newPage()
        pages, y = pages + 1, 0.0
    while True:
        room = height - y
        painter.save()
        painter.translate(0, y - offset)
        text.drawContents(painter, QRectF(0, offset, width, room))
        painter.restore()
        offset += room
        if offset >= total:
            return pages
        writer.newPage()
        pages, y = pages + 1, 0.0


def render_handout(session, network_widget, equations, steps: int = 1, progress: Progress | None = None,
                   path: str | os.PathLike = "handout.pdf") -> tuple[bytes, int]:
    """The handout as PDF bytes and its page count: this step, then ``steps`` − 1 more, a page each."""
    if not 1 <= steps <= MAX_HANDOUT_STEPS:
        raise ExportError(f"{path}: a handout has 1 … {MAX_HANDOUT_STEPS} steps, not {steps}")
    session.pause()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(f"visualbp handout — {session.status()}")
    writer.setCreator(f"visualbp {visualbp.__version__}")
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(f"{path}: Qt could not start a PDF")
    pages, total = 0, steps + 1
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for done in range(steps):
            report(progress, done, total, f"Page {done + 1} of {steps}…", path)
            if done:
                if session.step() is None:  # the run diverged: the pages so far
                    break
                raise_if_interrupted()
                writer.newPage()
            pages += _paint_step(writer, painter, session, tightened(grab(network_widget)), equations)
    finally:
        painter.end()  # finishes the PDF
    data = bytes(buffer.data())
    del writer
    if not data:
        raise ExportError(f"{path}: Qt wrote an empty PDF")
    report(progress, steps, total, f"Writing {Path(path).name} ({pages} pages)…", path)
    return data, pages


def write_handout(session, network_widget, equations, path: str | os.PathLike, steps: int = 1,
                  progress: Progress | None = None) -> int:
    """Write the handout (A4 portrait) of this step and the next ``steps`` − 1 to ``path``; its page count."""
    if not Path(path).parent.is_dir():  # said before any page is made
        raise ExportError(f"{path}: cannot be written (no folder {Path(path).parent})")
    data, pages = render_handout(session, network_widget, equations, steps, progress, path)
    raise_if_interrupted()
    try:
        write_bytes_atomically(path, data)
    except OSError as exc:
        raise ExportError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    return pages
