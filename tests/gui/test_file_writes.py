"""Files the window writes and reads through the File menu: a full disk or an unwritable folder is reported
and leaves no partial file (never a success message); saves go through symlinks and keep modes; a FIFO
or a device opened as a session is refused at once, naming the file, with the session unchanged."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from pathlib import Path

import pytest
from PyQt6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from visualbp.core.atomicfile import TEMP_SUFFIX
from visualbp.core.config import SessionConfig
from visualbp.gui.main_window import MainWindow
from visualbp.gui.session import Session

MAIN_WINDOW_CONFIG = SessionConfig(sizes=(2, 3, 2), seed=4)


@pytest.fixture
def window(main_window):
    """The module's main window (tests/gui/conftest.py), back at MAIN_WINDOW_CONFIG."""
    assert main_window.session.config == MAIN_WINDOW_CONFIG
    return main_window


@pytest.fixture
def said(window, monkeypatch):
    """What the window tells the user: message boxes and status lines."""
    out = {"warnings": [], "status": []}
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: out["warnings"].append(text)))
    window.session.statusChanged.connect(out["status"].append)
    yield out
    window.session.statusChanged.disconnect(out["status"].append)


@contextlib.contextmanager
def full_disk(folder: Path, size: str = "256k"):
    """A real file system with almost no room left: a small tmpfs, filled (needs root; skipped otherwise)."""
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        _fill(folder / "filler")  # leaves room to create a file (an inode), none to write into it
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(path: Path) -> None:
    with open(path, "ab", buffering=0) as f:
        for chunk in (65536, 4096, 512, 64, 1):
            while True:
                try:
                    f.write(b"\0" * chunk)
                except OSError:
                    break


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler")


@pytest.mark.parametrize("ending", [".svg", ".png"])
def test_an_export_to_a_full_disk_is_reported_and_leaves_no_file(window, said, tmp_path, monkeypatch, ending):
    with full_disk(tmp_path / "disk") as disk:
        target = disk / f"graph{ending}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
        assert window.files.export_image(window.network_view, "network") is False
        assert len(said["warnings"]) == 1 and str(target) in said["warnings"][0], said
        assert not any("Saved" in s for s in said["status"]), said["status"]
        assert _leftovers(disk) == []  # no 0-byte file, no temp file


def save_as(window, monkeypatch, path) -> bool:
    """File ▸ Save As… with ``path`` chosen in the dialog."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))
    return window.files.save_as()


def test_an_export_over_an_old_file_on_a_full_disk_keeps_the_old_file(window, said, tmp_path, monkeypatch):
    with full_disk(tmp_path / "disk", size="512k") as disk:
        target = disk / "plots.svg"
        (disk / "filler").unlink()
        target.write_bytes(b"<svg>old</svg>")
        _fill(disk / "filler")
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
        assert window.files.export_image(window.plots, "plots") is False
        assert target.read_bytes() == b"<svg>old</svg>" and _leftovers(disk) == ["plots.svg"]


def test_an_export_to_a_folder_that_cannot_be_written_is_reported(window, said, tmp_path, monkeypatch):
    target = tmp_path / "no such folder" / "graph.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    assert window.files.export_image(window.network_view, "network") is False
    assert len(said["warnings"]) == 1 and str(target) in said["warnings"][0]
    assert not target.parent.exists() and not any("Saved" in s for s in said["status"])


def test_recording_frames_on_a_full_disk_is_reported_and_leaves_no_partial_frame(window, said, tmp_path,
                                                                                 monkeypatch):
    with full_disk(tmp_path / "disk") as disk:
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(disk)))
        monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (5, True)))
        assert window.files.record() is False
        assert len(said["warnings"]) == 1 and "frame_0000.png" in said["warnings"][0]
        assert _leftovers(disk) == [] and not any("Recorded" in s for s in said["status"])


def test_a_session_saved_to_a_full_disk_keeps_the_old_file(window, said, tmp_path, monkeypatch):
    with full_disk(tmp_path / "disk", size="512k") as disk:
        target = disk / "run.vbp"
        (disk / "filler").unlink()
        target.write_bytes(b"the old session")
        _fill(disk / "filler")
        assert save_as(window, monkeypatch, target) is False
        assert target.read_bytes() == b"the old session" and _leftovers(disk) == ["run.vbp"]
        assert "unchanged" in said["warnings"][0]


def test_saving_through_a_symlink_writes_its_target_and_keeps_the_mode(window, said, tmp_path, monkeypatch):
    real = tmp_path / "sessions" / "run.vbp"
    real.parent.mkdir()
    assert save_as(window, monkeypatch, real)
    real.chmod(0o644)
    link = tmp_path / "latest.vbp"
    link.symlink_to(real)
    window.session.step()
    assert save_as(window, monkeypatch, link)
    assert link.is_symlink() and stat.S_IMODE(real.stat().st_mode) == 0o644
    assert window.files.open(str(link)) and said["warnings"] == []
    assert not [p for p in real.parent.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_temp_files_of_a_killed_save_are_removed_at_the_next_start(window, tmp_path, qtbot, monkeypatch):
    folder = tmp_path / "sessions"
    folder.mkdir()
    assert save_as(window, monkeypatch, folder / "run.vbp")  # now a recent session
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = folder / f".run.vbp.{dead.pid}.x1y2z3{TEMP_SUFFIX}"
    left.write_bytes(b"half a session")
    second = MainWindow(Session(SessionConfig(sizes=(2, 3, 2), seed=4)), remember_layout=False)
    qtbot.addWidget(second)
    try:
        assert not left.exists() and (folder / "run.vbp").exists()
    finally:
        second.session.shutdown()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_special_file_opened_as_a_session_is_refused_at_once(window, said, tmp_path, kind):
    path = tmp_path / "session.vbp"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    net, engine = window.session.net, window.session.engine
    assert window.files.open(str(path)) is False
    assert len(said["warnings"]) == 1 and str(path) in said["warnings"][0] and "unchanged" in said["warnings"][0]
    assert window.session.net is net and window.session.engine is engine
