"""Wide-layer benchmark: the whole main window (offscreen, 1600×1000) on networks with very wide layers.

For each architecture, in a fresh process (so resident memory is its own): seconds to build the session,
seconds to open and show the window, the median and worst of a few record steps (``session.step()`` then
one pass of the event loop, so a slice of background work counts), and the resident memory the window
adds. Run with ``python -m visualbp.bench wide``; ``python -m visualbp.bench.wide DATASET SIZES`` measures one
and prints JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

from visualbp.bench.timing import Row

#: (dataset, sizes): the widest layers the core accepts on 2-D data, two wide layers, a wide layer on
#: image data, the widest MNIST hidden layer the pass-work limit allows, and the book's network.
CASES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("moons", (2, 100_000, 2)),
    ("moons", (2, 4000, 4000, 2)),
    ("digits", (64, 100_000, 10)),
    ("mnist", (784, 2500, 10)),
    ("mnist", (784, 30, 10)),
)
OPEN_TARGET_S = 1.5
STEP_TARGET_S = 0.1
STEPS = 12


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(dataset: str, sizes: tuple[int, ...]) -> dict:
    """Build, open, step; in this process (call it in a fresh one)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from visualbp.core.blas import limit_blas_threads

    limit_blas_threads()
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from visualbp.core.config import SessionConfig
    from visualbp.gui import theme
    from visualbp.gui.main_window import MainWindow
    from visualbp.gui.session import Session

    theme.apply()
    t0 = time.perf_counter()
    session = Session(SessionConfig(dataset=dataset, sizes=sizes, seed=0))
    build_s = time.perf_counter() - t0
    rss_net = _rss_mb()
    t0 = time.perf_counter()
    window = MainWindow(session, remember_layout=False, recovery=False)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    open_s = time.perf_counter() - t0
    rss_open = _rss_mb()
    steps = []
    for _ in range(STEPS):
        t0 = time.perf_counter()
        session.step()
        app.processEvents()
        steps.append(time.perf_counter() - t0)
    session.shutdown()
    return {"dataset": dataset, "sizes": list(sizes), "build_s": build_s, "open_s": open_s,
            "step_median_s": statistics.median(steps), "step_worst_s": max(steps),
            "window_mb": rss_open - rss_net}


def run(repeats: int = 3) -> list[Row]:
    rows = []
    for dataset, sizes in CASES:
        results = []
        for _ in range(repeats):
            out = subprocess.run([sys.executable, "-m", "visualbp.bench.wide", dataset,
                                  ",".join(map(str, sizes))], capture_output=True, text=True, timeout=600)
            if out.returncode != 0:
                raise RuntimeError(out.stderr)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        name = f"{dataset} {list(sizes)}"
        open_s = statistics.median(r["open_s"] for r in results)
        step = statistics.median(r["step_median_s"] for r in results)
        rows += [
            Row(f"{name}: open the window", open_s, "s", f"≤ {OPEN_TARGET_S:g} s", ok=open_s <= OPEN_TARGET_S),
            Row(f"{name}: one step, median", step, "s", f"≤ {STEP_TARGET_S * 1e3:g} ms", ok=step <= STEP_TARGET_S),
            Row(f"{name}: one step, worst", statistics.median(r["step_worst_s"] for r in results), "s"),
            Row(f"{name}: memory the window adds", statistics.median(r["window_mb"] for r in results), "MB"),
        ]
    return rows


if __name__ == "__main__":
    dataset, sizes = sys.argv[1], tuple(int(n) for n in sys.argv[2].split(","))
    print(json.dumps(measure(dataset, sizes)))
