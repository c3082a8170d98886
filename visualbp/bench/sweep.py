"""How the cost of an epoch grows with network width and minibatch size.

Times ``Network.SGD`` (the book's API) for [784, h, 10] with h in 30/100/300 and
m in 1/10/100 on the 8,000 MNIST training images, reports seconds per epoch and
the ratio to [784, 30, 10] at m = 10 from the same run, and draws the figure
``docs/performance_sweep.png`` with pyqtgraph (offscreen).
"""

from __future__ import annotations

import os
from functools import partial

import numpy as np

from visualbp.bench.timing import Row, median_time
from visualbp.core.datasets import load
from visualbp.core.network import Network

HIDDEN = (30, 100, 300)
BATCHES = (1, 10, 100)


def measure(repeats: int = 3, n: int = 8000) -> dict[tuple[int, int], float]:
    """Median seconds per epoch for each (hidden, batch), on the first ``n`` training images."""
    mnist = load("mnist", seed=0)
    pairs = mnist.training_data()[:n]
    out = {}
    for h in HIDDEN:
        for m in BATCHES:
            net = Network([784, h, 10], seed=0)
            epochs = 1 if m == 1 else 3
            out[(h, m)] = median_time(partial(net.SGD, pairs, epochs, m, 3.0, verbose=False),
                                      repeats=repeats, warmup=0) / epochs * (8000 / n)
    return out


def rows(times: dict[tuple[int, int], float]) -> list[Row]:
    base = times[(30, 10)]
    return [Row(f"SGD epoch, [784, {h}, 10], batch {m}", t, "s", "vs [784,30,10] m=10", t / base)
            for (h, m), t in times.items()]


def figure(times: dict[tuple[int, int], float], path: str) -> None:
    """Seconds per epoch against minibatch size, one line per hidden width (log–log)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=True, background="w", foreground="#263238")
    w = pg.PlotWidget()
    w.resize(720, 440)
    p = w.getPlotItem()
    p.setLogMode(x=True, y=True)
    p.showGrid(x=True, y=True, alpha=0.25)
    p.setLabel("bottom", "minibatch size m")
    p.setLabel("left", "seconds per epoch (8,000 images)")
    p.setTitle("Network.SGD on MNIST, float64, one BLAS thread — [784, h, 10]")
    p.getAxis("bottom").setTicks([[(np.log10(m), str(m)) for m in BATCHES]])
    y_ticks = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]
    p.getAxis("left").setTicks([[(np.log10(v), f"{v:g}") for v in y_ticks]])
    legend = p.addLegend(offset=(-10, 10))
    colors = {30: (8, 119, 189), 100: (245, 147, 34), 300: (96, 125, 139)}
    for h in HIDDEN:
        xs = np.array(BATCHES, float)
        ys = np.array([times[(h, m)] for m in BATCHES])
        p.plot(xs, ys, pen=pg.mkPen(colors[h], width=2.5), symbol="o", symbolSize=8,
               symbolBrush=colors[h], symbolPen="w", name=f"h = {h}")
    legend.setLabelTextSize("10pt")
    w.show()
    app.processEvents()
    w.grab().save(path)
    w.close()


def run(repeats: int = 3, figure_path: str | None = "docs/performance_sweep.png") -> list[Row]:
    times = measure(repeats)
    if figure_path:
        figure(times, figure_path)
    return rows(times)
