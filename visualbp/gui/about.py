"""Help ▸ About visualbp: the version, what it is, its licence (with the full text), the data's credits (the
notices shipped in resources/NOTICE.md) and the versions of what it runs on, for a bug report.

One dialog per window, not modal: the menu action shows it, or brings the open one forward.
"""

from __future__ import annotations

import html
import importlib.metadata
import platform
from pathlib import Path

from PyQt6.QtCore import PYQT_VERSION_STR, Qt, qVersion
from PyQt6.QtGui import QFontDatabase, QGuiApplication
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import visualbp
from visualbp.desktop import resource, window_icon

#: The one-line description (the same as pyproject.toml's; a test keeps them equal).
DESCRIPTION = "Watch backpropagation happen: Nielsen's chapter 2, one layer at a time, forwards and backwards."
LICENCE = "GPL-3.0-or-later"
LICENCE_URL = "https://www.gnu.org/licenses/gpl-3.0.html"
NOTICE = "NOTICE.md"


def versions() -> list[tuple[str, str]]:
    """(name, version) of Python and each library the window runs on; Pillow is optional (GIF export)."""
    import numpy
    import pyqtgraph

    try:
        import PIL
        pillow = PIL.__version__
    except ImportError:
        pillow = "not installed (GIF export needs it)"
    return [("visualbp", visualbp.__version__), ("Python", platform.python_version()), ("PyQt6", PYQT_VERSION_STR),
            ("Qt", qVersion()), ("pyqtgraph", pyqtgraph.__version__), ("NumPy", numpy.__version__),
            ("Pillow", pillow), ("system", platform.platform(terse=True))]


def _is_gpl3(text: str) -> bool:
    return "GNU GENERAL PUBLIC LICENSE" in text and "Version 3" in text


def licence_text() -> str:
    """The full GPL v3 text: the source checkout's LICENSE, else the installed package's copy (its metadata),
    else a line saying where to read it."""
    checkout = Path(visualbp.__file__).resolve().parents[1]
    if (checkout / "pyproject.toml").is_file() and (checkout / "LICENSE").is_file():
        text = (checkout / "LICENSE").read_text(encoding="utf-8", errors="replace")
        if _is_gpl3(text):
            return text
    try:
        files = importlib.metadata.distribution("visualbp").files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name in ("LICENSE", "COPYING"):
            try:
                text = file.read_text(encoding="utf-8")
            except OSError:
                continue
            if text and _is_gpl3(text):
                return text
    return (f"visualbp is free software under the GNU General Public License, version 3 or (at your option) any "
            f"later version ({LICENCE}). This copy was installed without the licence's text; read it at "
            f"{LICENCE_URL}")


def notice_markdown() -> str:
    """The data credits shipped beside the data (resources/NOTICE.md)."""
    try:
        return resource(NOTICE).read_text(encoding="utf-8")
    except OSError as exc:
        return f"The data notices ({NOTICE}) could not be read: {exc.strerror or exc}"


def versions_text() -> str:
    """The versions as plain lines, as the Copy button puts them on the clipboard."""
    return "\n".join(f"{name} {value}" for name, value in versions())


def _about_html() -> str:
    rows = "".join(f"<tr><td>{html.escape(n)}&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>" for n, v in versions())
    return (
        f"<h2>visualbp {html.escape(visualbp.__version__)}</h2>"
        f"<p>{html.escape(DESCRIPTION)}</p>"
        "<p>In the notation of Michael Nielsen's <i>Neural Networks and Deep Learning</i>, chapter 2.</p>"
        f"<p><b>Licence:</b> free software under the GNU General Public License, version 3 or any later "
        f"version ({LICENCE}): you may share and change it. It comes with no warranty. "
        "The full text is in the <i>Licence</i> tab.</p>"
        "<p><b>Data:</b> MNIST by Yann LeCun, Corinna Cortes and Christopher J. C. Burges (CC BY-SA 3.0); "
        "8×8 digits by E. Alpaydin and C. Kaynak, UCI Machine Learning Repository (CC BY 4.0). "
        "Sources and terms are in the <i>Data credits</i> tab.</p>"
        f"<p><b>Running on</b></p><table cellpadding='1'>{rows}</table>"
    )


class AboutDialog(QDialog):
    """Three tabs: About (icon, version, description, licence and data in short, versions), the licence's full
    text, and the data credits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About visualbp")
        self.setObjectName("about-visualbp")
        self.tabs = QTabWidget()

        page = QWidget()
        row = QHBoxLayout(page)
        self.icon_label = QLabel()
        self.icon_label.setPixmap(window_icon().pixmap(96, 96))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.summary = QLabel(_about_html())
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self.icon_label)
        row.addWidget(self.summary, 1)
        scroll = QScrollArea()  # large type (presentation mode) or a short screen: it scrolls, nothing is cut
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs.addTab(scroll, "About")

        self.licence = QPlainTextEdit(licence_text())
        self.licence.setReadOnly(True)
        self.licence.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.tabs.addTab(self.licence, "Licence")

        self.credits = QTextBrowser()
        self.credits.setOpenExternalLinks(True)
        self.credits.setMarkdown(notice_markdown())
        self.tabs.addTab(self.credits, "Data credits")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy versions")
        self.copy_button.setToolTip("Put visualbp's, Python's and the libraries' versions on the clipboard, "
                                    "for a bug report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_versions)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._fit(parent)

    def _fit(self, parent: QWidget | None) -> None:
        """Wide enough for the licence's 80 columns, never larger than the screen it opens on."""
        width = self.licence.fontMetrics().horizontalAdvance("x" * 84) + 60
        height = 560
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(max(width, 420), max(height, 320))

    def copy_versions(self) -> None:
        QGuiApplication.clipboard().setText(versions_text())


def show_about(parent: QWidget) -> AboutDialog:
    """Show the About dialog of ``parent`` (the one already open, brought forward, or a new one)."""
    dialog = parent.findChild(AboutDialog, "about-visualbp", Qt.FindChildOption.FindDirectChildrenOnly)
    if dialog is None:
        dialog = AboutDialog(parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    if QGuiApplication.platformName() != "offscreen":  # headless platforms cannot raise windows
        dialog.raise_()
    dialog.activateWindow()
    return dialog
