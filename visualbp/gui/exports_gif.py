"""A step sequence as an animated GIF (Pillow), for slides: the widget before the first step, then after each.

The file is written whole or not at all (``core.atomicfile.atomic_write``), and only once every frame is
taken: on any failure (Pillow missing, disk full) ``ExportError`` says why in one line, and a ``progress``
callback that answers False (the person pressed Cancel) ends it with ``ExportCancelled``, no file written.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PyQt6.QtWidgets import QApplication, QWidget

from visualbp.core.atomicfile import atomic_write
from visualbp.gui.exports_video import VIDEO_ENDINGS, VideoError, write_mp4
from visualbp.interrupts import raise_if_interrupted

#: Most frames one GIF holds: each is kept as 256 colours (1 byte a pixel) until written, so 300 frames of
#: a 1000 × 700 picture hold ≈ 210 MB.
MAX_GIF_FRAMES = 301
#: Each frame shows this long; the last one longer, so a looping slide pauses on the result.
FRAME_MS = 700
LAST_FRAME_MS = 2500


#: ``progress(done, total, text)`` after each unit of an export's work (a step taken, then the file written);
#: it returns False to cancel.
Progress = Callable[[int, int, str], bool]


class ExportError(RuntimeError):
    """An export that could not be written; the message names the file and the reason."""


class ExportCancelled(ExportError):
    """The export was cancelled before its file was written: there is no file (an old one is untouched)."""


def report(progress: Progress | None, done: int, total: int, text: str, path) -> None:
    """Tell ``progress`` how far the export is; ExportCancelled if it answers False."""
    if progress is not None and not progress(done, total, text):
        raise ExportCancelled(f"{path}: export cancelled ({done} of {total - 1} done); no file written")


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        raise ExportError(pillow_missing()) from None
    return Image


def pillow_missing() -> str | None:
    """None if Pillow can be imported, else one line saying that an animated GIF needs it and how to get it."""
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        python = shlex.quote(sys.executable) if sys.executable else "python3"
        return f"an animated GIF needs Pillow, which is not installed: {python} -m pip install Pillow"
    return None


def to_pil(image: QImage, Image, full_colour: bool = False):
    """A QImage as a Pillow image: 256 colours for a GIF (its own limit; no dithering, so flat colours stay
    flat), every colour for an animated PNG (``full_colour``)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits().asarray(rgb.sizeInBytes()))
    frame = Image.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB", rgb.bytesPerLine(), 1)
    if full_colour:
        return frame.copy()  # its own memory: the QImage's bytes are gone with it
    return frame.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def grab(widget: QWidget) -> QImage:
    """The widget as it is now, with its pending paints and sliced heatmaps done."""
    QApplication.processEvents()
    settle = getattr(widget, "settle", None)
    if callable(settle):
        settle()
    return widget.grab().toImage()


#: Endings written as an animated PNG (APNG: full colour, where a GIF has 256 colours) instead of a GIF.
APNG_ENDINGS = (".png", ".apng")


def write_gif(frames: list, path: str | os.PathLike) -> None:
    """Write Pillow ``frames`` as a looping animation at ``path`` atomically: an animated PNG (APNG) when the
    name ends in .png or .apng, an MP4 video for .mp4 (``exports_video``), else a GIF; ExportError naming
    ``path`` otherwise."""
    if not frames:
        raise ExportError(f"{path}: no frames to write")
    path = Path(path)
    if path.suffix.lower() in VIDEO_ENDINGS:
        try:
            write_mp4(frames, path, FRAME_MS, LAST_FRAME_MS)
        except VideoError as exc:
            raise ExportError(str(exc)) from None
        return
    durations = [FRAME_MS] * (len(frames) - 1) + [LAST_FRAME_MS]
    if path.suffix.lower() in APNG_ENDINGS:
        def save(f) -> None:
            frames[0].save(f, format="PNG", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    else:
        def save(f) -> None:
            frames[0].save(f, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                           optimize=False, disposal=1)
    try:  # the one atomic writer: modes kept, through symlinks, never over a device, no temp file left
        atomic_write(path, save)
    except OSError as exc:
        raise ExportError(f"{path}: cannot be written ({exc.strerror or exc})") from None


def captioned(image: QImage, caption: str) -> QImage:
    """``image`` with a strip above it saying ``caption`` (which step it shows), for a slide without narration."""
    font = QFont(QApplication.font())
    font.setPointSizeF(max(9.0, font.pointSizeF() * 1.15))
    strip = QFontMetrics(font).height() + 12
    out = QImage(image.width(), image.height() + strip, QImage.Format.Format_RGB32)
    out.setDevicePixelRatio(1.0)
    out.fill(QColor("white"))
    painter = QPainter(out)
    try:
        painter.setFont(font)
        painter.setPen(QColor("#263238"))
        painter.drawText(QRectF(8, 0, image.width() - 16, strip), int(Qt.AlignmentFlag.AlignVCenter), caption)
        painter.drawImage(0, strip, image)
    finally:
        painter.end()
    return out


def record_gif(session, widget: QWidget, path: str | os.PathLike, steps: int,
               progress: Progress | None = None) -> int:
    """Take up to ``steps`` steps at the session's granularity, the widget pictured before and after each,
    and save the pictures as an animated GIF at ``path`` (an animated PNG in full colour when it ends in .png or
    .apng, an MP4 video for .mp4). Returns the number of frames written.
    ``progress`` hears of each step (of ``steps`` + 1 units, the last one writing the file)."""
    if not 1 <= steps <= MAX_GIF_FRAMES - 1:
        raise ExportError(f"{path}: a GIF records 1 … {MAX_GIF_FRAMES - 1} steps, not {steps}")
    Image = _pillow()
    full = Path(path).suffix.lower() in APNG_ENDINGS + VIDEO_ENDINGS
    if Path(path).suffix.lower() in VIDEO_ENDINGS:
        from visualbp.gui.exports_video import video_missing

        missing = video_missing()
        if missing:  # said before any step is taken
            raise ExportError(f"{path}: {missing}")
    session.pause()
    total = steps + 1
    frames = [to_pil(captioned(grab(widget), session.status()), Image, full)]
    for done in range(steps):
        report(progress, done, total, f"Step {done + 1} of {steps}…", path)
        if session.step() is None:
            break
        raise_if_interrupted()  # Ctrl+C on the command line: between frames, no GIF written
        frames.append(to_pil(captioned(grab(widget), session.status()), Image, full))
    raise_if_interrupted()
    report(progress, steps, total, f"Writing {Path(path).name} ({len(frames)} frames)…", path)
    write_gif(frames, path)
    return len(frames)
