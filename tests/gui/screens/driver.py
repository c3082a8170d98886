"""Open the real main window on simulated screens and print what lies where, as JSON.

    python -m tests.gui.screens.driver '{"screens": [[1366, 768, 1]], "shots": "/tmp/out"}'

``screens``: [width, height, scale] per screen in physical pixels (the first is the laptop's, the primary);
Qt's offscreen platform reads them from a config file, in logical pixels (width / scale) with the scale as
the device-pixel ratio. The platform is chosen per process, so each screen set needs its own process.
Measures the window as it opens (normal mode) and in presentation mode; ``shots`` saves both as PNG.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile


def _configure(screens: list[list[float]]) -> None:
    entries, x = [], 0
    for i, (width, height, scale) in enumerate(screens):
        w, h = round(width / scale), round(height / scale)
        entries.append({"name": f"screen{i}", "x": x, "y": 0, "width": w, "height": h,
                        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": scale})
        x += w
    folder = tempfile.mkdtemp(prefix="visualbp-screens-")
    path = os.path.join(folder, "screens.json")
    with open(path, "w") as f:
        json.dump({"screens": entries}, f)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


def _rect(r) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def _on_screen(widget) -> dict:
    """The widget's rectangle in global (logical) coordinates and whether it is shown."""
    from PyQt6.QtCore import QRect

    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return {"rect": _rect(QRect(top_left, widget.size())), "visible": widget.isVisible()}


def _text_px(widget) -> float:
    """The pixel height of a widget's font (its em size) on its screen."""
    from PyQt6.QtGui import QFontInfo

    return float(QFontInfo(widget.font()).pixelSize())


def measure(window, app) -> dict:
    eq = window.equations
    labels = {"title": eq.title_label, "equation": eq.equation_label, "numbers": eq.numbers_label,
              "which": eq.which_label, "narration": eq.narration_label}
    screen = window.screen()
    out = {
        "screen": _rect(screen.geometry()),
        "available": _rect(screen.availableGeometry()),
        "window": _rect(window.frameGeometry()),
        "minimum": [window.minimumWidth(), window.minimumHeight()],
        "graph": _on_screen(window.network_view),
        "controls": _on_screen(window.controls),
        "equation": _on_screen(window.equations),
        "status": _on_screen(window.statusBar()),
        "text_px": {k: _text_px(v) for k, v in labels.items() if v.isVisible() and v.text()},
        "clipped": [k for k, v in labels.items()
                    if v.isVisible() and v.wordWrap() and v.height() < v.heightForWidth(v.width()) - 1],
    }
    presenter = getattr(window.presentation, "presenter", None)
    if presenter is not None:
        out["presenter"] = {"screen": presenter.screen().name(), "window_screen": window.screen().name(),
                            "rect": _rect(presenter.frameGeometry()), "script": presenter.script_label.text(),
                            "next": presenter.next_label.text(), "clock": presenter.clock.text()}
    return out


def main(spec: dict) -> dict:
    _configure(spec["screens"])
    from PyQt6.QtWidgets import QApplication

    from visualbp.core.config import SessionConfig
    from visualbp.gui import theme
    from visualbp.gui.main_window import MainWindow
    from visualbp.gui.session import Session

    app = QApplication(sys.argv[:1])
    theme.apply()
    session = Session(SessionConfig(dataset="moons", sizes=(2, 4, 3, 2), seed=1))
    window = MainWindow(session, remember_layout=False, recovery=False)
    window.show()
    for _ in range(3):
        app.processEvents()
    for _ in range(spec.get("steps", 3)):
        session.step()
    app.processEvents()
    result = {"normal": measure(window, app)}
    shots = spec.get("shots")
    if shots:
        window.grab().save(os.path.join(shots, "normal.png"))
    window.set_presentation(True)
    for _ in range(3):
        app.processEvents()
    result["presentation"] = measure(window, app)
    if shots:
        window.grab().save(os.path.join(shots, "presentation.png"))
        if window.presentation.presenter is not None:
            window.presentation.presenter.grab().save(os.path.join(shots, "presenter.png"))
    window.set_presentation(False)
    app.processEvents()
    result["after"] = {"window": _rect(window.frameGeometry()), "presenting": window.is_presenting(),
                       "presenter_open": window.presentation.presenter is not None}
    session.shutdown()
    window.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
