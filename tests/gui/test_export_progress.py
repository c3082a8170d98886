"""Exports from the File menu under a progress dialog with Cancel (cancelled: no file, an old one untouched),
a clear word when Pillow is missing, and the handout's one page per step; files read back."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QPushButton

from visualbp.app import main
from visualbp.gui.exports_gif import ExportCancelled, record_gif
from visualbp.gui.exports_handout import MAX_HANDOUT_STEPS, write_handout
from visualbp.gui.exports_menu import ProgressDialog

GIF_ACTION, HANDOUT_ACTION = "Export step &animation (GIF)…", "Export &handout (PDF)…"


@pytest.fixture
def window(main_window):
    """The default window at 1280×800, shared by this module's tests (tests/gui/conftest.py)."""
    return main_window


def pdf_texts(path: Path) -> list[str]:
    QtPdf = pytest.importorskip("PyQt6.QtPdf", reason="this PyQt6 has no QtPdf to read the PDF back")
    doc = QtPdf.QPdfDocument(None)
    assert doc.load(str(path)) == QtPdf.QPdfDocument.Error.None_
    return [doc.getAllText(i).text() for i in range(doc.pageCount())]


def file_action(window, text):
    return next(a for a in window.menuBar().actions()[0].menu().actions() if a.text() == text)


def answer_dialogs(monkeypatch, path: Path, count: int):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (count, True)))


class Watcher:
    """Looks at the progress dialog while the export runs (the export's event processing runs the timer);
    presses its Cancel button once ``cancel_at`` units are done."""

    def __init__(self, window, cancel_at: int | None = None, picture: Path | None = None) -> None:
        self.window, self.cancel_at, self.picture = window, cancel_at, picture
        self.seen: list[tuple[int, int, str]] = []
        self.timer = QTimer()
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.look)
        self.timer.start()

    def look(self) -> None:
        dialog = self.window.findChild(ProgressDialog)
        if dialog is None or not dialog.isVisible():
            return
        state = (dialog.value(), dialog.maximum(), dialog.labelText())
        if not self.seen or self.seen[-1] != state:
            self.seen.append(state)
            if self.picture is not None and state[0] == 2:
                dialog.grab().save(str(self.picture))
        if self.cancel_at is not None and dialog.value() >= self.cancel_at:
            dialog.findChild(QPushButton).click()


def test_the_gif_menu_shows_progress_and_writes_every_frame(window, monkeypatch, tmp_path):
    path = tmp_path / "steps.gif"
    answer_dialogs(monkeypatch, path, 4)
    watcher = Watcher(window, picture=tmp_path / "progress.png")
    file_action(window, GIF_ACTION).trigger()
    watcher.timer.stop()
    with Image.open(path) as gif:
        assert gif.n_frames == 5
    values = [v for v, _, _ in watcher.seen]
    assert values == sorted(values) and values[-1] == 4 and {m for _, m, _ in watcher.seen} == {5}
    assert any("Writing steps.gif" in text for _, _, text in watcher.seen)
    assert window.findChild(ProgressDialog) is None or not window.findChild(ProgressDialog).isVisible()
    assert f"Saved 5 frames as {path}" in window.status_label.text()


def test_the_menu_writes_an_animated_png_when_that_type_is_chosen(window, monkeypatch, tmp_path):
    chosen = "Animated PNG, full colour (*.png *.apng)"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "steps"), chosen)))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (2, True)))
    file_action(window, GIF_ACTION).trigger()
    with Image.open(tmp_path / "steps.png") as png:
        assert png.format == "PNG" and png.n_frames == 3


def test_cancel_on_the_gif_leaves_the_old_file_and_no_other(window, monkeypatch, tmp_path):
    path = tmp_path / "steps.gif"
    path.write_bytes(b"last week's animation")
    answer_dialogs(monkeypatch, path, 30)
    watcher = Watcher(window, cancel_at=2)
    file_action(window, GIF_ACTION).trigger()
    watcher.timer.stop()
    assert path.read_bytes() == b"last week's animation" and [p.name for p in tmp_path.iterdir()] == ["steps.gif"]
    assert window.session.engine.step_index < 30  # it stopped taking steps
    assert "Cancelled" in window.status_label.text() and "no file written" in window.status_label.text()


def test_without_pillow_the_menu_says_so_before_asking_anything(window, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    said = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: said.append((title, text))))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: pytest.fail("asked for a file")))
    file_action(window, GIF_ACTION).trigger()
    assert said and said[0][0] == "Animated GIF needs Pillow"
    assert "-m pip install Pillow" in said[0][1] and said[0][1].startswith("An animated GIF needs Pillow")


def test_the_handout_has_one_page_per_step(window, tmp_path):
    path = tmp_path / "handout.pdf"
    start = window.session.engine.step_index
    assert write_handout(window.session, window.network_view, window.equations, path, steps=4) == 4
    assert window.session.engine.step_index == start + 3
    pages = pdf_texts(path)
    assert len(pages) == 4
    for text in pages:  # each page: its picture's step, the equation with its numbers, the equations, settings
        assert "This step" in text and "BP4" in text and "learning rate" in text
    assert len({text.split("This step")[1].split("The equations")[0] for text in pages}) == 4  # four steps


def test_the_handout_menu_asks_for_steps_and_writes_that_many_pages(window, monkeypatch, tmp_path):
    path = tmp_path / "three.pdf"
    answer_dialogs(monkeypatch, path, 3)
    watcher = Watcher(window)
    file_action(window, HANDOUT_ACTION).trigger()
    watcher.timer.stop()
    assert len(pdf_texts(path)) == 3
    assert watcher.seen and watcher.seen[-1][0] == 3 and "Writing three.pdf" in watcher.seen[-1][2]
    assert f"Saved the handout (3 pages) as {path}" in window.status_label.text()


def test_cancel_on_the_handout_leaves_no_file(window, monkeypatch, tmp_path):
    path = tmp_path / "many.pdf"
    answer_dialogs(monkeypatch, path, 20)
    watcher = Watcher(window, cancel_at=2)
    file_action(window, HANDOUT_ACTION).trigger()
    watcher.timer.stop()
    assert not list(tmp_path.iterdir())
    assert "Cancelled" in window.status_label.text()


def test_a_progress_that_answers_false_cancels_either_export(window, tmp_path):
    gif, pdf = tmp_path / "a.gif", tmp_path / "a.pdf"
    with pytest.raises(ExportCancelled, match="a.gif: export cancelled \\(3 of 10 done\\); no file written"):
        record_gif(window.session, window.network_view, gif, 10, lambda done, total, text: done < 3)
    with pytest.raises(ExportCancelled, match="a.pdf: export cancelled"):
        write_handout(window.session, window.network_view, window.equations, pdf, 5,
                      lambda done, total, text: done < 5)  # every page made, cancelled before the write
    assert not list(tmp_path.iterdir())


def test_the_command_line_writes_a_handout_of_several_steps(tmp_path, capsys, qapp):
    pdf = tmp_path / "h.pdf"
    assert main(["--handout", str(pdf), "--steps", "2", "--handout-steps", "3"]) == 0
    assert f"wrote {pdf}: 3 pages, steps 2 … 4" in capsys.readouterr().out
    assert len(pdf_texts(pdf)) == 3


@pytest.mark.parametrize("value", ["0", str(MAX_HANDOUT_STEPS + 1), "x"])
def test_a_bad_handout_steps_is_one_line(value, capsys, tmp_path):
    assert main(["--handout", str(tmp_path / "h.pdf"), "--handout-steps", value]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("visualbp: ") and "--handout-steps" in err and "\n" not in err
    assert not list(tmp_path.iterdir())


def test_handout_steps_without_a_handout_is_refused(capsys):
    assert main(["--handout-steps", "3"]) == 2
    assert capsys.readouterr().err.strip() == "visualbp: --handout-steps needs --handout PDF"
