"""Soak test: train [784, 30, 10] on MNIST live, with the whole window attached, for minutes on end.

``python -m visualbp.bench.soak [--minutes 10] [--seconds N] [--warmup 20] [--json]``

The main window (offscreen, 1600×1000) watches a run that never stops: ``session.train`` with a
huge epoch count, started again should it ever finish. Meanwhile a precise 10 ms single-shot
timer is re-armed over and over on the GUI thread; how late it fires is the event loop's latency
(what a click or a key press would wait). After the warm-up — at least ``--warmup`` seconds, and
until the engine's step history (kept for stepping back, bounded at 256 MB) is full — the resident
memory is read from ``/proc/self/status``; at the end again. Reported: memory at start and end and its
growth, epochs and minibatches
trained, minibatches/s, the latency's median, 99th percentile and worst, and how many points
the plots and the step history hold (to show that every history is bounded).

Targets: memory growth < 20 MB over 30 minutes (a shorter soak: its growth rate × 30 min); p99
latency < 100 ms.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from visualbp.bench.soak_measures import LatencyHistogram, load_average, rss_mb
from visualbp.core.epoch_history import MAX_EPOCH_POINTS

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: Memory growth allowed over 30 minutes. A shorter soak is judged by its growth rate (a least-squares
#: line through the RSS sampled every second) carried on to 30 minutes: it assumes no plateau.
MEMORY_GROWTH_TARGET_MB = 20.0
TARGET_MINUTES = 30.0
#: 99th percentile of the event loop's lateness.
LATENCY_P99_TARGET_MS = 100.0
#: The latency probe: a single-shot timer of this many milliseconds, re-armed as soon as it fires.
PROBE_MS = 10
#: Epochs asked of each ``session.train`` (a run that, in practice, never finishes by itself).
EPOCHS = 100_000
#: The warm-up lasts until the step history is full, but no more than this many seconds longer.
MAX_EXTRA_WARMUP = 120.0
#: Qt messages that the offscreen platform emits by design (as in pyproject's qt_log_ignore).
HARMLESS_QT = ("This plugin does not support propagateSizeHints",)

@dataclass
class SoakResult:
    """What one soak measured. Times in seconds, memory in MB, latency in ms."""

    date: str
    machine: str
    cores: int
    network: list[int]
    dataset: str
    warmup_s: float
    measured_s: float
    rss_start_mb: float
    rss_end_mb: float
    rss_peak_mb: float
    growth_mb: float  # end − start of the measured window
    growth_rate_mb_per_min: float  # slope of the RSS samples over the measured window
    epochs_trained: int  # during the measured window
    epochs_total: int  # finished since the start, warm-up included (at the very end)
    minibatches: int  # during the measured window
    minibatches_per_s: float
    latency_samples: int
    latency_median_ms: float
    latency_p99_ms: float
    latency_worst_ms: float
    plot_points: dict[str, int]  # how many points each plot history holds at the end
    plot_capacity: int  # the most a per-minibatch plot history may hold
    epoch_history_points: int  # EpochStats the session keeps (bounded by MAX_EPOCH_POINTS)
    history_steps: int  # records the engine keeps for stepping back
    history_limit_steps: int
    history_mb: float
    history_limit_mb: float
    restarts: int  # times training finished and was started again
    load_mean: float  # 1-minute load average, mean of the samples over the measured window (cores: see ``cores``)
    load_max: float
    diverged: bool
    qt_warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # unhandled exceptions (in slots, timers)

    @property
    def projected_growth_mb(self) -> float:
        """Growth over 30 minutes: measured if the soak lasted that long, else the fitted rate × 30 min."""
        if self.measured_s >= TARGET_MINUTES * 60:
            return self.growth_mb * TARGET_MINUTES * 60 / self.measured_s
        return max(self.growth_mb, self.growth_rate_mb_per_min * TARGET_MINUTES)

    @property
    def memory_ok(self) -> bool:
        return self.projected_growth_mb < MEMORY_GROWTH_TARGET_MB

    @property
    def latency_ok(self) -> bool:
        return self.latency_p99_ms < LATENCY_P99_TARGET_MS

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The table: (figure, value, target, verdict)."""

        def verdict(ok: bool) -> str:
            return "ok" if ok else "MISSED"

        rows = [
            ("resident memory after warm-up", f"{self.rss_start_mb:,.1f} MB", "", ""),
            ("resident memory at the end", f"{self.rss_end_mb:,.1f} MB", "", ""),
            ("resident memory, peak (sampled every 1 s)", f"{self.rss_peak_mb:,.1f} MB", "", ""),
            (f"memory growth over the {self.measured_s / 60:.3g} min measured", f"{self.growth_mb:+,.1f} MB", "", ""),
            ("memory growth rate (line through 1 s samples)", f"{self.growth_rate_mb_per_min:+,.2f} MB/min", "", ""),
            (f"memory growth over {TARGET_MINUTES:g} min" + ("" if self.measured_s >= TARGET_MINUTES * 60
                                                           else " (rate × 30 min)"),
             f"{self.projected_growth_mb:+,.1f} MB", f"< {MEMORY_GROWTH_TARGET_MB:g} MB", verdict(self.memory_ok)),
            ("epochs trained (measured window)", f"{self.epochs_trained:,}", "", ""),
            ("minibatches trained (measured window)", f"{self.minibatches:,}", "", ""),
            ("training with the window attached", f"{self.minibatches_per_s:,.0f} minibatches/s", "", ""),
            ("event-loop latency, median", f"{self.latency_median_ms:,.1f} ms", "", ""),
            ("event-loop latency, 99th percentile", f"{self.latency_p99_ms:,.1f} ms",
             f"< {LATENCY_P99_TARGET_MS:g} ms", verdict(self.latency_ok)),
            ("event-loop latency, worst", f"{self.latency_worst_ms:,.1f} ms", "", ""),
            ("latency samples (10 ms timer)", f"{self.latency_samples:,}", "", ""),
        ]
        for name, n in self.plot_points.items():
            cap = MAX_EPOCH_POINTS if name == "epoch curves" else self.plot_capacity
            rows.append((f"plot points held: {name}", f"{n:,}", f"≤ {cap:,}", verdict(n <= cap)))
        rows.append(("epoch history held (session)", f"{self.epoch_history_points:,}", f"≤ {MAX_EPOCH_POINTS:,}",
                     verdict(self.epoch_history_points <= MAX_EPOCH_POINTS)))
        rows += [
            ("step history held (for ←)", f"{self.history_steps:,} records · {self.history_mb:,.1f} MB",
             f"≤ {self.history_limit_steps:,} · {self.history_limit_mb:g} MB",
             verdict(self.history_steps <= self.history_limit_steps and self.history_mb <= self.history_limit_mb)),
            ("training restarts", f"{self.restarts}", "", ""),
            ("machine load (1-min load average), mean · max", f"{self.load_mean:.2f} · {self.load_max:.2f}",
             f"{self.cores} cores", ""),
            ("Qt warnings", f"{len(self.qt_warnings)}", "0", verdict(not self.qt_warnings)),
            ("unhandled errors", f"{len(self.errors)}", "0", verdict(not self.errors)),
        ]
        return rows

    def table(self) -> str:
        head = ("figure", "value", "target", "")
        rows = self.rows()
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(head, widths)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["projected_growth_30min_mb"] = self.projected_growth_mb
        d["targets"] = {"memory_growth_30min_mb": MEMORY_GROWTH_TARGET_MB, "latency_p99_ms": LATENCY_P99_TARGET_MS}
        d["verdict"] = {"memory": self.memory_ok, "latency": self.latency_ok}
        return d


def _slope_per_min(samples: np.ndarray, marks: dict[str, float]) -> float:
    """MB per minute: a least-squares line through the RSS samples, with the window's first and last readings."""
    points = np.vstack([[0.0, marks["rss0"]], samples, [marks["t1"] - marks["t0"], marks["rss1"]]])
    if points[-1, 0] <= 0:
        return 0.0
    return float(np.polyfit(points[:, 0] / 60.0, points[:, 1], 1)[0])


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores, {system}, Python {platform.python_version()}"


def run(seconds: float, warmup: float = 20.0, config=None, *, progress=None, recovery: bool = True,
        epochs_per_run: int = EPOCHS, wait_for_history: bool = True) -> SoakResult:
    """Soak for ``warmup`` + ``seconds`` seconds and return what was measured.

    ``config`` defaults to MNIST [784, 30, 10] (η = 3, m = 10). Each ``session.train`` asks for
    ``epochs_per_run`` epochs and is started again when it finishes. The measured window starts after
    the warm-up and, with ``wait_for_history``, once the step history is full. ``progress(text)`` is
    called about every 10 s. Needs a QApplication (one is made if there is none); the window is closed
    at the end.
    """
    from PyQt6.QtCore import QEventLoop, QMetaObject, Qt, QTimer, qInstallMessageHandler
    from PyQt6.QtWidgets import QApplication

    from visualbp.core.config import SessionConfig
    from visualbp.gui import theme
    from visualbp.gui.main_window import MainWindow
    from visualbp.gui.session import Session

    app = QApplication.instance() or QApplication([])
    theme.apply()
    config = config or SessionConfig(dataset="mnist", sizes=(784, 30, 10), eta=3.0, mini_batch_size=10, seed=0)

    qt_warnings: list[str] = []
    errors: list[str] = []
    previous_handler = None

    def on_qt_message(kind, context, message) -> None:
        from PyQt6.QtCore import QtMsgType

        if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg and not message.startswith(HARMLESS_QT):
            qt_warnings.append(message)
        if previous_handler is not None:
            previous_handler(kind, context, message)

    previous_handler = qInstallMessageHandler(on_qt_message)
    previous_hook = sys.excepthook

    def on_exception(kind, value, tb) -> None:
        errors.append(f"{kind.__name__}: {value}")
        previous_hook(kind, value, tb)

    sys.excepthook = on_exception

    session = Session(config)
    window = MainWindow(session, remember_layout=False, recovery=recovery)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()

    latency = LatencyHistogram()
    state = {"soaking": True, "restarts": 0, "armed": 0.0, "peak": 0.0}

    probe = QTimer()
    probe.setSingleShot(True)
    probe.setTimerType(Qt.TimerType.PreciseTimer)

    def fire() -> None:
        latency.add((time.perf_counter() - state["armed"]) * 1000.0 - PROBE_MS)
        state["armed"] = time.perf_counter()
        if state["armed"] > deadline:  # the timers that should have ended the soak came too late
            finish()
            return
        probe.start(PROBE_MS)

    probe.timeout.connect(fire)

    def keep_training(running: bool) -> None:
        if not running and time.perf_counter() > deadline:
            finish()
        elif not running and state["soaking"] and session.engine.divergence is None:
            state["restarts"] += 1
            QTimer.singleShot(0, train_again)

    def train_again() -> None:
        if state["soaking"] and not session.running:
            session.train(epochs_per_run)

    session.runningChanged.connect(keep_training)

    t_start = time.perf_counter()
    #: Past this moment the soak ends whatever its timers do: a starved event loop (or a training thread
    #: that never lets go) must not hang a test run. Checked by the probe and the restarts, and by a thread
    #: that posts the loop's quit (posted events are delivered even when timers are not).
    deadline = t_start + warmup + (MAX_EXTRA_WARMUP if wait_for_history else 0.0) + seconds + 30.0
    marks: dict[str, float] = {}

    def history_full() -> bool:
        """The engine's step history (kept for ←) has reached its bound: from here on it stays that size."""
        engine = session.engine
        nbytes = getattr(engine, "_history_nbytes", None)
        if engine.history_length >= engine.history_steps:
            return True
        per_record = nbytes / max(1, engine.history_length) if nbytes else 0.0
        return nbytes is None or nbytes + 2 * per_record > engine.history_bytes

    loads: list[float] = []
    rss_samples = np.zeros((int(seconds) + 16, 2))  # (seconds since the window opened, MB): allocated up front
    n_rss = [0]

    def sample() -> None:
        rss = rss_mb()
        state["peak"] = max(state["peak"], rss)
        if "t0" in marks:
            loads.append(load_average())
            if n_rss[0] < len(rss_samples):
                rss_samples[n_rss[0]] = (time.perf_counter() - marks["t0"], rss)
                n_rss[0] += 1
        if progress is not None and time.perf_counter() - marks.get("said", 0.0) >= 10.0:
            marks["said"] = time.perf_counter()
            elapsed = marks["said"] - t_start
            phase = "measuring" if "t0" in marks else "warm-up"
            progress(f"{elapsed:6.0f} s  {phase:9s}  RSS {rss_mb():7.1f} MB  epoch {session.engine.epoch}  "
                     f"p99 {latency.percentile(99):.1f} ms  worst {latency.worst_ms:.1f} ms")

    sampler = QTimer()
    sampler.setInterval(1000)
    sampler.timeout.connect(sample)

    loop = QEventLoop()

    def begin_measuring() -> None:
        """After the warm-up, once the step history is full (a slow or busy machine takes longer)."""
        if wait_for_history and not history_full() and time.perf_counter() - t_start < warmup + MAX_EXTRA_WARMUP:
            QTimer.singleShot(250, begin_measuring)
            return
        marks["t0"] = time.perf_counter()
        marks["rss0"] = rss_mb()
        marks["step0"] = session.engine.step_index
        marks["epoch0"] = session.engine.epoch
        state["peak"] = marks["rss0"]
        latency.clear()
        QTimer.singleShot(int(seconds * 1000), Qt.TimerType.PreciseTimer, finish)

    def finish() -> None:
        if "t1" in marks:
            return
        state["soaking"] = False
        if "t0" not in marks:  # ended before the warm-up did: measure nothing, say so in the table
            marks.update(t0=time.perf_counter(), rss0=rss_mb(), step0=session.engine.step_index,
                         epoch0=session.engine.epoch)
        marks["t1"] = time.perf_counter()
        marks["rss1"] = rss_mb()
        marks["step1"] = session.engine.step_index
        marks["epoch1"] = session.engine.epoch
        loop.quit()

    session.train(epochs_per_run)
    state["armed"] = time.perf_counter()
    probe.start(PROBE_MS)
    sampler.start()
    QTimer.singleShot(int(warmup * 1000), Qt.TimerType.PreciseTimer, begin_measuring)
    def watchdog() -> None:
        if not stopped.wait(max(0.0, deadline + 5.0 - time.perf_counter())):
            QMetaObject.invokeMethod(loop, "quit", Qt.ConnectionType.QueuedConnection)

    stopped = threading.Event()
    guard = threading.Thread(target=watchdog, name="soak deadline", daemon=True)
    guard.start()
    try:
        loop.exec()
    finally:
        stopped.set()
        if "t1" not in marks:
            finish()
        state["soaking"] = False
        probe.stop()
        sampler.stop()
        session.shutdown()  # joins the worker and delivers what it did last: the views are complete
        window.plots.flush()
        plots = window.plots
        engine = session.engine
        plot_points = {
            "minibatch cost": plots.batch_series_length(),
            "‖δ^l‖": len(plots.delta_curve_data(2)[0]),
            "epoch curves": len(plots.cost_curve_data("train")[0]),
        }
        history = (engine.history_length, engine.history_steps,
                   getattr(engine, "_history_nbytes", 0) / 2**20, engine.history_bytes / 2**20)
        diverged = engine.divergence is not None
        epochs_total = engine.epoch
        window.close()
        window.deleteLater()
        app.processEvents()
        sys.excepthook = previous_hook
        qInstallMessageHandler(previous_handler)

    measured = marks["t1"] - marks["t0"]
    minibatches = int(marks["step1"] - marks["step0"])
    return SoakResult(
        date=datetime.datetime.now().isoformat(timespec="seconds"),
        machine=_machine(),
        cores=os.cpu_count() or 0,
        network=list(session.net.sizes),
        dataset=session.dataset.name,
        warmup_s=marks["t0"] - t_start,
        measured_s=measured,
        rss_start_mb=marks["rss0"],
        rss_end_mb=marks["rss1"],
        rss_peak_mb=max(state["peak"], marks["rss1"]),
        growth_mb=marks["rss1"] - marks["rss0"],
        growth_rate_mb_per_min=_slope_per_min(rss_samples[:n_rss[0]], marks),
        epochs_trained=int(marks["epoch1"] - marks["epoch0"]),
        epochs_total=epochs_total,
        minibatches=minibatches,
        minibatches_per_s=minibatches / measured if measured > 0 else 0.0,
        latency_samples=latency.n,
        latency_median_ms=latency.percentile(50),
        latency_p99_ms=latency.percentile(99),
        latency_worst_ms=latency.worst_ms,
        plot_points=plot_points,
        plot_capacity=plots.CAPACITY,
        epoch_history_points=len(session.epoch_history),
        history_steps=history[0],
        history_limit_steps=history[1],
        history_mb=history[2],
        history_limit_mb=history[3],
        restarts=int(state["restarts"]),
        load_mean=float(np.mean(loads)) if loads else load_average(),
        load_max=max(loads) if loads else load_average(),
        diverged=diverged,
        qt_warnings=qt_warnings,
        errors=errors,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m visualbp.bench.soak", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=10.0, help="how long to measure (default 10)")
    p.add_argument("--seconds", type=float, help="how long to measure, in seconds (overrides --minutes)")
    p.add_argument("--warmup", type=float, default=20.0,
                   help="seconds before the first memory reading (default 20; longer until the step history is full)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of the table")
    args = p.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else args.minutes * 60.0
    if seconds <= 0 or args.warmup < 0:
        p.error("the duration must be > 0 and the warm-up ≥ 0")
    # the autosave of the soak's window goes to a scratch folder, not the user's
    data_dir = tempfile.TemporaryDirectory(prefix="visualbp-soak-")
    os.environ.setdefault("VISUALBP_DATA_DIR", data_dir.name)
    say = None if args.json else (lambda text: print(text, file=sys.stderr, flush=True))
    if say:
        say(f"soak: [784, 30, 10] on MNIST, {args.warmup:g} s warm-up + {seconds:g} s measured")
    result = run(seconds, args.warmup, progress=say)
    data_dir.cleanup()
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(f"{result.date} · {result.machine}")
        print(f"{result.network} on {result.dataset}: {result.warmup_s:.0f} s warm-up, "
              f"{result.measured_s:.0f} s measured\n")
        print(result.table())
        verdict = "ok" if result.memory_ok and result.latency_ok and not result.errors else "MISSED"
        print(f"\nverdict: {verdict} (memory growth < {MEMORY_GROWTH_TARGET_MB:g} MB over {TARGET_MINUTES:g} min, "
              f"p99 latency < {LATENCY_P99_TARGET_MS:g} ms)")
        for message in result.qt_warnings[:10]:
            print(f"Qt warning: {message}")
        for message in result.errors[:10]:
            print(f"error: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
