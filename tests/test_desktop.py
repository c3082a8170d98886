"""--install-desktop / --uninstall-desktop into a temporary data folder; the icon used by the window."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtGui import QImage

from visualbp import desktop
from visualbp.app import main
from visualbp.icons import ICON_SIZES, ICON_SMALL_SVG, png_name, render, svg_for
from visualbp.icons import main as icons_main

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
    for size in ICON_SIZES:
        png = data_home / f"icons/hicolor/{size}x{size}/apps/visualbp.png"
        assert png.read_bytes() == (ROOT / "resources" / f"visualbp-{size}.png").read_bytes()
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
    assert mine.exists() and out.count("removed ") == 3 + len(ICON_SIZES)
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


def test_the_window_has_the_icon_at_every_size(qapp):
    icon = desktop.window_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == list(ICON_SIZES)
    assert icon.pixmap(64, 64).toImage().pixelColor(32, 8).alpha() > 0  # the drawing, not an empty pixmap


def test_the_icon_and_entry_ship_as_package_data():
    text = (ROOT / "pyproject.toml").read_text()
    for pattern in ('"*.svg"', '"*.png"', '"*.desktop"', '"*.xml"'):
        assert pattern in text
    shipped = (desktop.ICON_SVG, ICON_SMALL_SVG, desktop.DESKTOP_FILE, desktop.MIME_FILE, *desktop.ICON_PNGS.values())
    for name in shipped:
        assert (ROOT / "resources" / name).is_file(), name


@pytest.mark.parametrize("size", ICON_SIZES)
def test_each_png_is_its_size_and_drawn_from_its_svg(qapp, size):
    """The shipped PNGs are what ``python -m visualbp.icons`` makes from the SVGs now (stale ones fail)."""
    shipped = QImage(str(ROOT / "resources" / png_name(size))).convertToFormat(QImage.Format.Format_ARGB32)
    assert (shipped.width(), shipped.height()) == (size, size)
    assert shipped.pixelColor(0, 0).alpha() < 128 and shipped.pixelColor(size // 2, size // 2).alpha() == 255
    fresh = render(ROOT / "resources" / svg_for(size), size)
    a = np.frombuffer(shipped.constBits().asarray(shipped.sizeInBytes()), np.uint8).astype(int)
    b = np.frombuffer(fresh.constBits().asarray(fresh.sizeInBytes()), np.uint8).astype(int)
    assert np.abs(a - b).mean() < 2.0  # antialiasing may differ by a level between Qt versions


def test_16_and_24_px_use_the_simplified_drawing(qapp):
    """Four nodes, each a solid disc of its colour: the big drawing's white rings would be most of the 16 px."""
    small = QImage(str(ROOT / "resources" / png_name(16)))
    blue, orange = small.pixelColor(4, 4), small.pixelColor(4, 11)
    assert blue.blue() > 200 and blue.red() < 60 and orange.red() > 230 and orange.blue() < 60
    assert svg_for(24) == ICON_SMALL_SVG and svg_for(32) == desktop.ICON_SVG


def test_the_regenerating_script_writes_every_size(qapp, tmp_path):
    for name in (desktop.ICON_SVG, ICON_SMALL_SVG):
        (tmp_path / name).write_bytes((ROOT / "resources" / name).read_bytes())
    assert icons_main([str(tmp_path)]) == 0
    for size in ICON_SIZES:
        assert QImage(str(tmp_path / png_name(size))).width() == size


def test_an_existing_icon_cache_is_refreshed(data_home, capsys):
    if shutil.which("gtk-update-icon-cache") is None:
        pytest.skip("gtk-update-icon-cache is not installed")
    cache = data_home / "icons" / "hicolor" / "icon-theme.cache"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"stale")
    assert main(["--install-desktop"]) == 0
    assert "ran gtk-update-icon-cache" in capsys.readouterr().out
    assert cache.read_bytes() != b"stale"
