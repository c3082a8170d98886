"""Open the real main window on simulated screens and print what lies where, as JSON.

    python -m tests.gui.screens.driver '{"screens": [[1366, 768, 1]], "shots": "/tmp/out"}'
    python -m tests.gui.screens.driver '[{"screens": [[1366, 768, 1]]}, {"screens": [[1920, 1080, 2]]}]'

``screens``: [width, height, scale] per screen in physical pixels (the first is the laptop's, the primary);
Qt's offscreen platform reads them from a config file, in logical pixels (width / scale) with the scale as
the device-pixel ratio. The platform is chosen per process, so each screen set needs its own process.
Measures the window as it opens (normal mode) and in presentation mode; ``shots`` saves both as PNG.

Given one set, prints its measures. Given a list, measures each set in a process forked from this one once
the imports are done (the imports cost about as much as a set's measures), and prints one entry per set:
``{"returncode", "stderr", "result"}``, ``result`` being what one set alone prints (None if it failed).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback


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


def _import() -> None:
    """What ``main`` imports, before any QApplication exists (the platform is chosen when one is made)."""
    from PyQt6.QtWidgets import QApplication  # noqa: F401

    from visualbp.core.config import SessionConfig  # noqa: F401
    from visualbp.gui import theme  # noqa: F401
    from visualbp.gui.main_window import MainWindow  # noqa: F401
    from visualbp.gui.session import Session  # noqa: F401


def main_each(specs: list[dict]) -> list[dict]:
    """``main`` for each set, each in a child forked from this process: a platform and QApplication of its own,
    its own stderr (Qt's warnings) and exit status, as if it had been started alone."""
    _import()
    folder = tempfile.mkdtemp(prefix="visualbp-screen-sets-")
    outcomes = []
    for i, spec in enumerate(specs):
        err_path, out_path = os.path.join(folder, f"{i}.err"), os.path.join(folder, f"{i}.json")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            code = 1
            try:
                err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(err, 2)
                result = main(spec)
                with open(out_path, "w") as f:
                    json.dump(result, f)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        with open(err_path, errors="replace") as f:
            stderr = f.read()
        result = None
        if os.path.exists(out_path):
            with open(out_path) as f:
                result = json.load(f)
        outcomes.append({"returncode": os.waitstatus_to_exitcode(status), "stderr": stderr, "result": result})
    return outcomes


if __name__ == "__main__":
    given = json.loads(sys.argv[1])
    print(json.dumps(main_each(given) if isinstance(given, list) else main(given)))
