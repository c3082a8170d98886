"""--install-desktop / --uninstall-desktop into a temporary data folder; the icon used by the window."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from visualbp import desktop
from visualbp.app import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_install_writes_the_entry_icons_and_mime_type_and_says_so(data_home, capsys):
    assert main(["--install-desktop"]) == 0
    out = capsys.readouterr().out
    written = {Path(line.split(" ", 1)[1]) for line in out.splitlines() if line.startswith("wrote ")}
    assert written == set(desktop.targets(data_home).values())
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(data_home / "applications" / "visualbp.desktop")
    section = entry["Desktop Entry"]
    assert section["Exec"].startswith(sys.executable) and section["Exec"].endswith("-m visualbp %f")
    assert section["Icon"] == "visualbp" and "application/x-visualbp-session" in section["MimeType"]
    assert (data_home / "icons/hicolor/256x256/apps/visualbp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (data_home / "icons/hicolor/scalable/apps/visualbp.svg").read_bytes()
    assert b'glob pattern="*.vbp"' in (data_home / "mime/packages/visualbp.xml").read_bytes()
    if shutil.which("update-mime-database"):
        assert "ran update-mime-database" in out
        assert "application/x-visualbp-session:*.vbp" in (data_home / "mime" / "globs2").read_text()


def test_uninstall_removes_exactly_what_install_wrote(data_home, capsys):
    mine = data_home / "applications" / "other.desktop"
    mine.parent.mkdir(parents=True)
    mine.write_text("[Desktop Entry]\n")
    assert main(["--install-desktop"]) == 0
    assert main(["--uninstall-desktop"]) == 0
    out = capsys.readouterr().out
    assert all(not p.exists() for p in desktop.targets(data_home).values())
    assert mine.exists() and out.count("removed ") == 4
    assert main(["--uninstall-desktop"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_an_unwritable_folder_is_one_line(data_home, capsys):
    data_home.mkdir()
    (data_home / "applications").write_text("a file where a folder should be")
    assert main(["--install-desktop"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("visualbp: ") and "applications" in err and "\n" not in err


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-validate is not installed")
def test_the_desktop_entry_is_valid(data_home):
    desktop.install(data_home)
    result = subprocess.run(["desktop-file-validate", str(data_home / "applications" / "visualbp.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_window_has_the_icon(qapp):
    icon = desktop.window_icon()
    assert not icon.isNull()
    assert icon.pixmap(64, 64).toImage().pixelColor(32, 8).alpha() > 0  # the drawing, not an empty pixmap


def test_the_icon_and_entry_ship_as_package_data():
    text = (ROOT / "pyproject.toml").read_text()
    for pattern in ('"*.svg"', '"*.png"', '"*.desktop"', '"*.xml"'):
        assert pattern in text
    for name in (desktop.ICON_SVG, desktop.ICON_PNG, desktop.DESKTOP_FILE, desktop.MIME_FILE):
        assert (ROOT / "resources" / name).is_file()
    assert os.path.getsize(ROOT / "resources" / desktop.ICON_PNG) > 1000
