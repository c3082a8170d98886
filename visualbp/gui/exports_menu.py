"""The File menu's teaching exports: ask where (and how many steps), write with a progress dialog that can
cancel, report in the status line or in a message box naming the file and the reason. A cancelled or failed
export leaves no file behind (an old file of that name is untouched)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QProgressDialog, QWidget

from visualbp.gui.exports_gif import (
    APNG_ENDINGS,
    MAX_GIF_FRAMES,
    ExportCancelled,
    ExportError,
    pillow_missing,
    record_gif,
)
from visualbp.gui.exports_handout import MAX_HANDOUT_STEPS, write_handout
from visualbp.gui.exports_video import VIDEO_ENDINGS, video_missing


class ProgressDialog(QProgressDialog):
    """A window-modal progress dialog with Cancel, shown at once; called as an export's ``progress``."""

    def __init__(self, parent: QWidget, title: str, steps: int) -> None:
        super().__init__(f"{title}…", "Cancel", 0, steps + 1, parent)
        self.title = title
        self.setWindowTitle(title)
        self.setMinimumWidth(360)
        self.setObjectName("export-progress")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setValue(0)

    def __call__(self, done: int, total: int, text: str) -> bool:
        """Show ``done`` of ``total`` and ``text``; False once Cancel was pressed."""
        self.setMaximum(total)
        self.setLabelText(f"{self.title}\n{text}")
        self.setValue(done)  # a modal dialog processes events here: Cancel is heard
        return not self.wasCanceled()


def _run(window, session, title: str, steps: int, export) -> int | None:
    """``export(progress)`` under a progress dialog; its result, or None after a message (failure) or a
    status line (cancelled)."""
    dialog = ProgressDialog(window, title, steps)
    try:
        return export(dialog)
    except ExportCancelled as exc:
        session.statusChanged.emit(f"Cancelled: {exc}")
    except ExportError as exc:
        QMessageBox.warning(window, "Could not export", str(exc))
    finally:
        dialog.close()
        dialog.deleteLater()
    return None


def export_gif(files) -> bool:
    """Ask for a .gif and a number of steps, record them as an animated GIF of the graph."""
    window, session = files.window, files.session
    missing = pillow_missing()  # said before anything is asked
    if missing:
        QMessageBox.warning(window, "Animated GIF needs Pillow", missing[0].upper() + missing[1:] + ".")
        return False
    gif, png, mp4 = "Animated GIF (*.gif)", "Animated PNG, full colour (*.png *.apng)", "MP4 video (*.mp4)"
    path, chosen = QFileDialog.getSaveFileName(window, "Export the steps as an animation",
                                               files._folder("steps.gif"), f"{gif};;{png};;{mp4}")
    if not path:
        return False
    if not path.lower().endswith((".gif", *APNG_ENDINGS, *VIDEO_ENDINGS)):
        path += {png: ".png", mp4: ".mp4"}.get(chosen, ".gif")
    video = video_missing() if path.lower().endswith(VIDEO_ENDINGS) else None
    if video:
        QMessageBox.warning(window, "MP4 needs imageio-ffmpeg", video[0].upper() + video[1:] + ".")
        return False
    count, ok = QInputDialog.getInt(window, "Animated GIF",
                                    f"Steps to record (one step = one {session.granularity.value}):",
                                    20, 1, MAX_GIF_FRAMES - 1)
    if not ok:
        return False
    frames = _run(window, session, "Recording the animated GIF", count,
                  lambda progress: record_gif(session, window.network_view, path, count, progress))
    if frames is None:
        return False
    session.statusChanged.emit(f"Saved {frames} frames as {path}")
    return True


def export_handout(files) -> bool:
    """Ask for a .pdf and how many steps (a page each, from this one on), and write the handout."""
    window, session = files.window, files.session
    path, _ = QFileDialog.getSaveFileName(window, "Export a handout of this step",
                                          files._folder("handout.pdf"), "PDF (*.pdf)")
    if not path:
        return False
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    steps, ok = QInputDialog.getInt(window, "Handout",
                                    "Steps, one page each: 1 = this step; more = this step and the next ones\n"
                                    f"(one step = one {session.granularity.value}):", 1, 1, MAX_HANDOUT_STEPS)
    if not ok:
        return False
    pages = _run(window, session, "Writing the handout", steps,
                 lambda progress: write_handout(session, window.network_view, window.equations, path, steps,
                                                progress))
    if pages is None:
        return False
    session.statusChanged.emit(f"Saved the handout ({pages} page{'s' if pages != 1 else ''}) as {path}")
    return True
