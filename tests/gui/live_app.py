"""A driver for the tests that kill a real visualbp: ``python tests/gui/live_app.py [visualbp options]`` runs
``visualbp.app.main`` as ``visualbp`` would (offscreen), starts training live once the window shows, and
prints ``<unix time> <epoch> <running>`` every 50 ms on stdout."""

import sys
import time

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from visualbp.app import main
from visualbp.gui.main_window import MainWindow


def start() -> None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not windows:
        QTimer.singleShot(50, start)
        return
    session = windows[0].session
    if "--idle" not in sys.argv:
        session.train(100_000)
    report = QTimer(windows[0])
    report.timeout.connect(lambda: print(f"{time.time():.3f} {session.engine.epoch} {int(session.running)}",
                                         flush=True))
    report.start(50)


if __name__ == "__main__":
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QTimer.singleShot(0, start)
    sys.exit(main([a for a in sys.argv[1:] if a != "--idle"]))
