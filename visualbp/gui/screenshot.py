"""``visualbp --screenshot``: the window laid out for exactly ``--size`` and saved as PNG, and the line saying
what it shows. Qt is imported only inside the functions, so the command line can import this before Qt starts.
"""

from __future__ import annotations

import argparse
import sys

from visualbp.core.demos import get_demo


def quiet_platform_notes() -> None:
    """Qt's offscreen platform notes that it cannot pass size hints to a window manager (it has none): not
    a problem of the picture, so not printed. Every other Qt message still is. Installed before the window is
    made: a lesson's Teach panel is placed (and the note printed) while it opens."""
    from PyQt6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(_mode: QtMsgType, _context: QMessageLogContext, message: str | None) -> None:
        if message and "does not support propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def presses_taken(args: argparse.Namespace, session) -> str:
    """The → presses the command line took, as a person counts them (not the records they made): 'the
    lesson's 4 steps (epoch) and 5 steps (layer)', '7 steps (layer)' or 'no steps'."""
    parts = []
    demo = get_demo(args.demo) if getattr(args, "demo", None) else None
    if demo is not None and demo.steps:
        parts.append(f"the lesson's {demo.steps} step{'s' * (demo.steps != 1)} ({demo.granularity})")
    if args.steps:
        parts.append(f"{args.steps} step{'s' * (args.steps != 1)} ({session.granularity.value})")
    return " and ".join(parts) or "no steps"


def screenshot(app, window, session, args: argparse.Namespace, size: tuple[int, int]) -> int:
    """Lay the window out for exactly ``size`` (``--size`` as the command line read it; steps were taken
    already) and save it as PNG."""
    from PyQt6.QtCore import QSize, Qt

    width, height = size
    if not window.is_presenting():
        window.fit_to(QSize(width, height))  # the panels placed as on a screen of that size
    window.setWindowState(Qt.WindowState.WindowNoState)  # exactly --size, whatever the offscreen screen's
    window.resize(width, height)
    window.show()
    for _ in range(5):
        app.processEvents()
    if (window.width(), window.height()) != (width, height):
        window.resize(width, height)
        app.processEvents()
    if not window.is_presenting():
        window.fit_to(QSize(width, height))  # the docks sized again at the window's final size
        app.processEvents()
        if (window.width(), window.height()) != (width, height):  # a large screen's plan leaves desktop around
            window.resize(width, height)  # its window; the picture is --size all the same
            app.processEvents()
    window.network_view.fit()
    window.network_view.settle()  # a big network's heatmaps, computed a block at a time, all of them now
    window.plots.settle()  # no throttled redraw left to chance: the same options give the same picture
    app.processEvents()
    shown = (window.width(), window.height())
    from visualbp.interrupts import raise_if_interrupted

    raise_if_interrupted()  # Ctrl+C while it was laid out: no picture
    ok = window.grab().save(args.screenshot)
    session.shutdown()
    window.close()
    if not ok:
        print(f"visualbp: could not write {args.screenshot}", file=sys.stderr)
        return 1
    print(f"wrote {args.screenshot} ({shown[0]}×{shown[1]}) after {presses_taken(args, session)}: {session.status()}")
    return 0
