"""Help ▸ About visualbp, opened through the real menu action: version, description, licence with its full
text, data credits from resources/NOTICE.md, the libraries' versions, the icon."""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

import numpy
import pyqtgraph
import pytest
import tomllib
from PyQt6.QtCore import PYQT_VERSION_STR, qVersion
from PyQt6.QtWidgets import QApplication

import visualbp
from visualbp.gui import about
from visualbp.gui.about import AboutDialog

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(main_window):
    """The default window at 1280×800, shared by this module's tests (tests/gui/conftest.py)."""
    return main_window


def about_action(window):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in help_menu.actions() if a.text() == "&About visualbp")


def open_about(window, qtbot) -> AboutDialog:
    about_action(window).trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_the_menu_opens_the_version_description_licence_and_versions(window, qtbot):
    dialog = open_about(window, qtbot)
    text = dialog.summary.text()
    for words in (f"visualbp {visualbp.__version__}", about.DESCRIPTION.replace("'", "&#x27;"), "GPL-3.0-or-later",
                  "CC BY-SA 3.0", "CC BY 4.0", platform.python_version(), PYQT_VERSION_STR, qVersion(),
                  pyqtgraph.__version__, numpy.__version__):
        assert words in text, words
    assert not dialog.icon_label.pixmap().isNull()
    assert dialog.icon_label.pixmap().toImage().pixelColor(48, 48).alpha() > 0  # the drawing itself
    assert dialog.tabs.count() == 3


def test_the_full_licence_and_the_data_notices_are_one_tab_away(window, qtbot):
    dialog = open_about(window, qtbot)
    licence = dialog.licence.toPlainText()
    assert licence == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "How to Apply These Terms to Your New Programs" in licence and len(licence) > 30000
    credits = dialog.credits.toPlainText()
    for words in ("LeCun", "Creative Commons Attribution-Share Alike 3.0", "Alpaydin",
                  "Creative Commons Attribution 4.0"):
        assert words in credits, words


def test_the_menu_again_brings_the_same_dialog_and_close_frees_it(window, qtbot):
    first = open_about(window, qtbot)
    assert open_about(window, qtbot) is first
    assert len(window.findChildren(AboutDialog)) == 1
    first.close()
    qtbot.waitUntil(lambda: window.findChild(AboutDialog) is None)


def test_copy_versions_puts_them_on_the_clipboard(window, qtbot):
    dialog = open_about(window, qtbot)
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert f"visualbp {visualbp.__version__}" in copied and f"Qt {qVersion()}" in copied


def test_the_dialog_fits_a_small_screen(window, qtbot):
    dialog = open_about(window, qtbot)
    room = dialog.screen().availableGeometry()
    assert dialog.width() <= room.width() and dialog.height() <= room.height()


def test_an_installed_copy_reads_the_licence_from_its_metadata(monkeypatch, tmp_path):
    """Without a source checkout beside the package, the text comes from the wheel's dist-info."""
    try:
        importlib.metadata.distribution("visualbp")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("visualbp is not installed, so it has no metadata to read")
    monkeypatch.setattr(visualbp, "__file__", str(tmp_path / "site-packages" / "visualbp" / "__init__.py"))
    text = about.licence_text()
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3" in text and len(text) > 30000


def test_without_any_copy_the_licence_tab_says_where_to_read_it(monkeypatch, tmp_path):
    monkeypatch.setattr(visualbp, "__file__", str(tmp_path / "visualbp" / "__init__.py"))

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    text = about.licence_text()
    assert about.LICENCE in text and about.LICENCE_URL in text


def test_the_description_is_pyprojects():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert about.DESCRIPTION == project["description"]


def test_in_large_type_the_about_text_scrolls_instead_of_being_cut(window, qtbot):
    window.set_presentation(True, dark=True)  # presentation mode's larger type
    try:
        dialog = open_about(window, qtbot)
        qtbot.wait(10)
        label = dialog.summary
        assert label.height() >= label.heightForWidth(label.width())  # every line laid out, the last one too
        scroll = dialog.tabs.widget(0)
        assert scroll.verticalScrollBar().maximum() > 0  # reached by scrolling
    finally:
        window.set_presentation(False)
