"""The File menu's teaching exports: ask where (and how many steps), write, report in the status line
or in a message box naming the file and the reason (a failed export leaves no file behind)."""

from __future__ import annotations

from PyQt6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from visualbp.gui.exports_gif import MAX_GIF_FRAMES, ExportError, record_gif
from visualbp.gui.exports_handout import write_handout


def export_gif(files) -> bool:
    """Ask for a .gif and a number of steps, record them as an animated GIF of the graph."""
    window, session = files.window, files.session
    path, _ = QFileDialog.getSaveFileName(window, "Export the steps as an animated GIF",
                                          files._folder("steps.gif"), "Animated GIF (*.gif)")
    if not path:
        return False
    if not path.lower().endswith(".gif"):
        path += ".gif"
    count, ok = QInputDialog.getInt(window, "Animated GIF",
                                    f"Steps to record (one step = one {session.granularity.value}):",
                                    20, 1, MAX_GIF_FRAMES - 1)
    if not ok:
        return False
    try:
        frames = record_gif(session, window.network_view, path, count)
    except ExportError as exc:
        QMessageBox.warning(window, "Could not export", str(exc))
        return False
    session.statusChanged.emit(f"Saved {frames} frames as {path}")
    return True


def export_handout(files) -> bool:
    """Ask for a .pdf and write the handout of the current step."""
    window, session = files.window, files.session
    path, _ = QFileDialog.getSaveFileName(window, "Export a handout of this step",
                                          files._folder("handout.pdf"), "PDF (*.pdf)")
    if not path:
        return False
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    try:
        pages = write_handout(session, window.network_view, window.equations, path)
    except ExportError as exc:
        QMessageBox.warning(window, "Could not export", str(exc))
        return False
    session.statusChanged.emit(f"Saved the handout ({pages} page{'s' if pages != 1 else ''}) as {path}")
    return True
