"""The File menu's work: open/save sessions, recent files, export the network, images and step frames.

Every failure is reported in a message box naming the file and the problem; a
failed open leaves the current session as it was, a failed save leaves the old file.
"""

from __future__ import annotations

import os
from pathlib import Path

from PyQt6.QtCore import QBuffer, QIODevice, QObject, QRectF, QSettings, QSize
from PyQt6.QtGui import QAction, QKeySequence, QPainter
from PyQt6.QtSvg import QSvgGenerator
from PyQt6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from visualbp.core.atomicfile import remove_stale_temp_files, write_bytes_atomically
from visualbp.core.datasets import DatasetError
from visualbp.core.sessionio import SessionFileError
from visualbp.gui import exports_menu, open_other
from visualbp.gui.session import Session

SESSION_FILTER = "visualbp sessions (*.vbp);;All files (*)"
NETWORK_FILTER = "visualbp networks (*.npz);;All files (*)"
IMAGE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
MAX_RECENT = 8


def _svg_bytes(widget: QWidget, title: str = "visualbp") -> bytes:
    """``widget`` drawn as an SVG document (vector: lines stay lines), in memory."""
    size = widget.size()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(size.width(), size.height()))
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    painter = QPainter(generator)
    try:
        widget.render(painter)
    finally:
        painter.end()
    return bytes(buffer.data())


def _png_bytes(widget: QWidget) -> bytes:
    """``widget`` as a PNG image, in memory."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise OSError("the image could not be encoded as PNG")
    return bytes(buffer.data())


def _write(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` atomically: a full disk or an unwritable folder leaves no partial file (and the old
    one, if any, as it was); OSError naming the file and the reason."""
    if not data:
        raise OSError(f"{path}: could not be written (nothing to write)")
    try:
        write_bytes_atomically(path, data)
    except OSError as exc:
        raise OSError(f"{path}: could not be written ({exc.strerror or exc})") from None


def render_svg(widget: QWidget, path: str, title: str = "visualbp") -> None:
    """Draw ``widget`` into an SVG file (vector: lines stay lines), written atomically."""
    _write(path, _svg_bytes(widget, title))


def save_image(widget: QWidget, path: str) -> None:
    """PNG or SVG by the file's ending, written atomically; OSError if it cannot be written."""
    _write(path, _svg_bytes(widget) if path.lower().endswith(".svg") else _png_bytes(widget))


def record_frames(session: Session, widget: QWidget, folder: str, count: int) -> list[str]:
    """Take ``count`` steps at the session's granularity, saving the widget after each as frame_0001.png …
    (each frame written atomically: a failure leaves the frames before it whole, and no partial one)."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise OSError(f"{folder}: could not be created ({exc.strerror or exc})") from None
    first = Path(folder) / "frame_0000.png"
    _write(first, _png_bytes(widget))
    paths = [str(first)]
    for i in range(1, count + 1):
        if session.step() is None:
            break
        path = Path(folder) / f"frame_{i:04d}.png"
        _write(path, _png_bytes(widget))
        paths.append(str(path))
    return paths


class FileActions(QObject):
    """Builds the File menu for ``window`` and carries out its actions on ``session``."""

    @property
    def window(self):
        """The main window: this object's Qt parent (not a Python reference, which would make a cycle)."""
        return self.parent()

    def __init__(self, window, session: Session) -> None:
        super().__init__(window)
        self.session = session
        self.path: str | None = None  # the session file in use
        self.settings = QSettings("visualbp", "visualbp")
        self.recent_menu = QMenu("Open &recent")
        for folder in {str(Path(p).parent) for p in self.recent()[:MAX_RECENT]}:  # temps of saves that were killed
            remove_stale_temp_files(folder)

    def populate(self, menu: QMenu) -> None:
        def action(text: str, slot, shortcut=None) -> QAction:
            a = QAction(text, self.window)
            if shortcut is not None:
                a.setShortcut(shortcut)
            a.triggered.connect(slot)
            menu.addAction(a)
            return a

        action("&Open session…", self.open_dialog, QKeySequence.StandardKey.Open)
        action("Open net&work or data…", lambda: open_other.open_dialog(self))
        menu.addMenu(self.recent_menu)
        self._fill_recent()
        action("&Save session", self.save, QKeySequence.StandardKey.Save)
        action("Save session &as…", self.save_as, QKeySequence.StandardKey.SaveAs)
        menu.addSeparator()
        action("Export &network weights…", self.export_network)
        action("Export &graph image (PNG/SVG)…", lambda: self.export_image(self.window.network_view, "network"))
        action("Export &plots image (PNG/SVG)…", lambda: self.export_image(self.window.plots, "plots"))
        action("Record step &frames…", self.record)
        action("Export step &animation (GIF)…", lambda: exports_menu.export_gif(self))
        action("Export &handout (PDF)…", lambda: exports_menu.export_handout(self))
        menu.addSeparator()

    # ----------------------------------------------------------------- sessions
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a session", self._folder(), SESSION_FILTER)
        if path:
            self.open(path)

    def open(self, path: str) -> bool:
        try:
            self.session.open(path)
        except (SessionFileError, DatasetError, ValueError, OSError, ArithmeticError, RecursionError) as exc:
            text = str(exc) if str(path) in str(exc) else f"{path}: {exc}"
            QMessageBox.warning(self.window, "Could not open the session",
                                f"{text}\n\nThe current session is unchanged.")
            return False
        except MemoryError:
            QMessageBox.warning(self.window, "Could not open the session",
                                f"{path}: not enough memory to open it.\n\nThe current session is unchanged.")
            return False
        self.path = path
        self._remember(path)
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._save_to(self.path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the session", self._folder("session.vbp"),
                                              SESSION_FILTER)
        if not path:
            return False
        if not path.lower().endswith(".vbp"):
            path += ".vbp"
        return self._save_to(path)

    def _save_to(self, path: str) -> bool:
        try:
            self.session.save(path)
        except SessionFileError as exc:  # nothing a reopen would refuse is written
            QMessageBox.warning(self.window, "Could not save", f"{exc}\n\nAny earlier file there is unchanged.")
            return False
        except (OSError, MemoryError) as exc:
            QMessageBox.warning(self.window, "Could not save",
                                f"{path}: {getattr(exc, 'strerror', None) or exc or 'not enough memory'}"
                                "\n\nAny earlier file there is unchanged.")
            return False
        self.path = path
        self._remember(path)
        return True

    # ----------------------------------------------------------------- exports
    def export_network(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export the network", self._folder("network.npz"),
                                              NETWORK_FILTER)
        if not path:
            return False
        try:
            self.session.net.save(path)
        except (OSError, MemoryError) as exc:
            QMessageBox.warning(self.window, "Could not export",
                                f"{path}: {getattr(exc, 'strerror', None) or exc or 'not enough memory'}")
            return False
        self.session.statusChanged.emit(f"Exported the network to {path} — load it with Network.load(path)")
        return True

    def export_image(self, widget: QWidget, name: str) -> bool:
        path, chosen = QFileDialog.getSaveFileName(self.window, f"Export the {name}", self._folder(f"{name}.png"),
                                                   IMAGE_FILTER)
        if not path:
            return False
        if not path.lower().endswith((".png", ".svg")):
            path += ".svg" if "SVG" in chosen else ".png"
        try:
            save_image(widget, path)
        except OSError as exc:
            QMessageBox.warning(self.window, "Could not export", str(exc))
            return False
        self.session.statusChanged.emit(f"Saved the {name} as {path}")
        return True

    def record(self) -> bool:
        folder = QFileDialog.getExistingDirectory(self.window, "Folder for the frames", self._folder())
        if not folder:
            return False
        count, ok = QInputDialog.getInt(self.window, "Record step frames",
                                        f"Steps to record (one step = one {self.session.granularity.value}):",
                                        20, 1, 5000)
        if not ok:
            return False
        try:
            paths = record_frames(self.session, self.window.network_view, folder, count)
        except OSError as exc:
            QMessageBox.warning(self.window, "Could not record", str(exc))
            return False
        self.session.statusChanged.emit(f"Recorded {len(paths)} frames in {folder}")
        return True

    # ----------------------------------------------------------------- recent files
    def recent(self) -> list[str]:
        value = self.settings.value("recent/sessions", [])
        if isinstance(value, str):
            value = [value]
        return [p for p in (value or []) if isinstance(p, str)]

    def _remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        items = [path] + [p for p in self.recent() if p != path]
        self.settings.setValue("recent/sessions", items[:MAX_RECENT])
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        items = self.recent()
        for p in items:
            a = self.recent_menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.setData(p)
            a.triggered.connect(self._open_recent)
        self.recent_menu.setEnabled(bool(items))

    def _open_recent(self) -> None:
        self.open(self.sender().data())

    def _folder(self, name: str = "") -> str:
        base = str(Path(self.path).parent) if self.path else str(Path.home())
        return str(Path(base) / name) if name else base
