"""Session: the one QObject that owns the dataset, network and engine, and re-emits the engine's events as Qt signals.

Views connect to these signals and read what they need from the records and the
engine; they never compute gradients. Continuous training runs in a worker
thread; its events are queued and delivered on the GUI thread by a timer, at
most 10 times a second and paced so the redraws take at most a few per cent of
the training's time (``visualbp.gui.live_pacing``).
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import replace
from enum import Enum

from PyQt6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, pyqtSignal

from visualbp.core import neuron_edits
from visualbp.core.batch_block import BatchBlock
from visualbp.core.blas import limit_blas_threads
from visualbp.core.breakpoints import Breakpoints, BreakpointSettings
from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.datasets import Dataset
from visualbp.core.edits import draw_input
from visualbp.core.edits import edit as edit_by_hand
from visualbp.core.engine import Engine
from visualbp.core.epoch_history import thinned
from visualbp.core.network import Network
from visualbp.core.neuron_activations import apply_saved
from visualbp.core.steps import Divergence, EpochStats, Kind, StepRecord
from visualbp.core.view_memory import check_drawable
from visualbp.core.wholebatch import BLOCK_BATCHES
from visualbp.gui.debug_state import DebugState
from visualbp.gui.live_pacing import LivePacer
from visualbp.gui.session_files import SessionFiles
from visualbp.gui.training_worker import TrainingWorker

#: A Step of a whole epoch with more multiply-adds than this (examples × weights) runs on the
#: worker thread, so the window stays live and Pause can stop it: [784, 30, 10] on MNIST is 1.9e8,
#: ~0.3 s; the 2-D sets and the 8×8 digits stay well below and step at once.
INLINE_EPOCH_WORK = 20_000_000
#: While the worker trains, the GIL changes hands after this many seconds instead of Python's 5 ms. Every
#: Python method Qt calls from its event loop (a pyqtgraph item's paint, a slot) takes the GIL anew; with the
#: worker holding it, each waited for the switch interval: a repaint of 200 Python items went from 1 ms to
#: 270 ms, and a timer or a key press waited seconds on an idle machine. At 0.2 ms: 18 ms. The worker loses
#: nothing while the GUI is idle (the GIL only changes hands when another thread asks for it).
TRAINING_SWITCH_INTERVAL = 0.0002
#: The event that hands the turn back to the worker once a live tick has been painted.
_TRAIN_TURN = QEvent.Type(QEvent.registerEventType())


class Granularity(str, Enum):
    """How far one Step (→) goes."""

    RECORD = "layer"  # one record: one layer of one equation
    EXAMPLE = "example"
    MINIBATCH = "minibatch"
    EPOCH = "epoch"


class Session(QObject, SessionFiles):
    """Owns config → dataset → network → engine; every action the GUI takes goes through here."""

    networkChanged = pyqtSignal()  # a new network or dataset: views rebuild
    stepTaken = pyqtSignal(object)  # the current StepRecord after a move (None at the very start)
    steppedBack = pyqtSignal(object)  # the record that was undone
    weightsChanged = pyqtSignal()  # weights or biases changed
    batchesDone = pyqtSignal(object)  # a BatchBlock (a sequence of BatchStats): the minibatches since the last delivery
    epochsDone = pyqtSignal(list)  # [EpochStats, ...]
    diverged = pyqtSignal(object)  # Divergence
    runningChanged = pyqtSignal(bool)
    statusChanged = pyqtSignal(str)
    selectionChanged = pyqtSignal(object)  # (l, j) or None
    errorOccurred = pyqtSignal(str)
    breakpointHit = pyqtSignal(str)  # the status sentence: which breakpoint, where

    def __init__(self, config: SessionConfig | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        limit_blas_threads()  # a GUI thread and a training thread share the cores: see core/blas.py
        self.config = (config or SessionConfig()).validated()
        self.granularity = Granularity.RECORD
        self.speed = 60  # 1..100; 100 = as fast as possible
        self.selected: tuple[int, int] | None = None
        self.extra_state: dict = {}  # view state to save with the session (JSON-able)
        #: what a lesson did to the initial weights beyond the config (e.g. "× 3"), for the Setup panel
        self.init_note: str | None = None
        self.breakpoints = Breakpoints()
        self.breakpoints.changed.connect(self._on_breakpoints_changed)
        self._break: str | None = None  # set (possibly on the worker thread) when a breakpoint fires
        self._break_reported: str | None = None
        self.epoch_history: list[EpochStats] = []
        self._batches: deque[BatchBlock] = deque()
        self._epochs: deque[EpochStats] = deque()
        self._worker: TrainingWorker | None = None
        self._train_turn = threading.Event()  # cleared from a live tick's delivery until its repaint is done
        self._train_turn.set()
        self._switch_interval = sys.getswitchinterval()
        self._last_step = -1
        self._reported: Divergence | None = None
        self._rate = (time.perf_counter(), 0)
        self._batches_per_second = 0.0
        self._pacer = LivePacer()  # how often the views redraw while the worker trains
        self._tick = QTimer(self)
        self._tick.setInterval(self._pacer.interval_ms)
        self._tick.timeout.connect(self._on_tick)
        self._play = QTimer(self)
        self._play.timeout.connect(self._play_step)
        self.dataset: Dataset = load_dataset(self.config)
        check_drawable(self.config.sizes, self.dataset)
        self.net: Network
        self.engine: Engine
        self._install(*build(self.config, self.dataset))
        #: kept runs and the breakpoints' change signal, observed by the Debug tab and the plots
        self.debug_state = DebugState(self)

    # ----------------------------------------------------------------- building
    def _install(self, net: Network, engine: Engine) -> None:
        self.net, self.engine = net, engine
        engine.batch_done.connect(self._on_engine_batch)
        engine.block_check = self._check_block
        engine.epoch_done.connect(self._on_engine_epoch)
        self._on_breakpoints_changed(self.breakpoints.settings)
        self.breakpoints.reset()
        self._break = None
        self.epoch_history = [engine.evaluate()]  # "epoch 0": where the learning curves start
        self._batches.clear()
        self._epochs.clear()
        self._last_step = -1
        if self.selected is not None and not self._valid_selection(self.selected):
            self.selected = None

    def apply_config(self, config: SessionConfig, dataset: Dataset | None = None,
                     neurons: Sequence[tuple[int, int, str]] = ()) -> None:
        """Rebuild from ``config`` (validated first: on ValueError nothing changes), with single ``neurons``'
        own activations (l, j, name)."""
        config = config.validated()
        data_changed = dataset is not None or any(
            getattr(config, f) != getattr(self.config, f)
            for f in ("dataset", "n", "noise", "val_fraction", "data_path", "data_seed", "scaling")
        )
        new_data = (dataset if dataset is not None else load_dataset(config)) if data_changed else self.dataset
        check_drawable(config.sizes, new_data)  # the views' bound, before anything is allocated
        net, engine = build(config, new_data)  # raises before anything is replaced
        apply_saved(net, [list(n) for n in neurons])
        self.pause()
        self.config, self.dataset = config, new_data
        self.init_note = None  # a lesson's change to the initial weights ends with its network
        self._install(net, engine)
        self.networkChanged.emit()
        self.epochsDone.emit(list(self.epoch_history))
        self.stepTaken.emit(None)
        self.weightsChanged.emit()
        self._emit_status()

    def set_eta(self, eta: float) -> None:
        """Change η now (takes effect at the next update), without rebuilding."""
        self.engine.eta = eta
        self.config = replace(self.config, eta=self.engine.eta)

    def set_mini_batch_size(self, m: int) -> None:
        """Change m; takes effect at the next minibatch."""
        self.engine.mini_batch_size = m
        self.config = replace(self.config, mini_batch_size=m)

    def reset(self, new_seed: bool = False) -> None:
        """Back to the initial weights of this seed, or draw a new seed and rebuild (neurons keep their own f)."""
        self.pause()
        if new_seed:
            self.apply_config(replace(self.config, seed=random.randrange(2**31)), neurons=self.net.neuron_activations)
            return
        self.engine.reset()
        self.epoch_history = [self.engine.evaluate()]
        self._batches.clear()
        self._epochs.clear()
        self.networkChanged.emit()
        self.epochsDone.emit(list(self.epoch_history))
        self.stepTaken.emit(None)
        self.weightsChanged.emit()
        self._emit_status()

    # ----------------------------------------------------------------- breakpoints
    def _on_engine_batch(self, block: BatchBlock) -> None:
        """Engine callback (worker or GUI thread): queue a block of minibatches' stats."""
        self._batches.append(block)

    def _check_block(self, block: BatchBlock) -> int | None:
        """The engine's ``block_check`` (worker or GUI thread): the breakpoints, minibatch by minibatch; where
        one fires, how many of the block's minibatches to keep (the engine stops right after that one)."""
        if self._break is not None or not self.breakpoints.any_on:
            return None
        for i, stats in enumerate(block):
            self._fire(self.breakpoints.after_batch(self.engine, stats), stats.epoch, stats.batch, stats.step)
            if self._break is not None:
                return i + 1
        return None

    def _on_breakpoints_changed(self, settings: BreakpointSettings) -> None:
        """The saturation breakpoint measures the weights after the minibatches it checks: while it is on, a
        block per minibatch; else up to ``BLOCK_BATCHES`` (the engine reads it at its next block's start)."""
        self.engine.batches_per_block = 1 if settings.saturation_on else BLOCK_BATCHES

    def _on_engine_epoch(self, stats: EpochStats) -> None:
        self._epochs.append(stats)
        if self._break is None:
            self._fire(self.breakpoints.after_epoch(stats), stats.epoch, None, stats.step)

    def _fire(self, reason: str | None, epoch: int, batch: int | None, step: int) -> None:
        if reason is None:
            return
        where = f"epoch {epoch + 1}" + (f", minibatch {batch + 1}" if batch is not None else " (end)")
        self._break = f"Breakpoint: {reason} — at {where}, step {step}. Paused; ← steps back."
        worker = self._worker
        if worker is not None:
            worker.stop_event.set()

    def _should_stop(self) -> bool:
        return self._break is not None

    # ----------------------------------------------------------------- moves
    @property
    def running(self) -> bool:
        return self._worker is not None or self._play.isActive()

    def step(self, background: bool = False) -> StepRecord | None:
        """One move forward at the current granularity. With ``background`` (the GUI's → key), a whole
        epoch heavier than INLINE_EPOCH_WORK runs on the worker thread and this returns None at once;
        scripts leave it off and get the record when the move is done."""
        self.pause()
        if background and self.granularity is Granularity.EPOCH and self.epoch_work() > INLINE_EPOCH_WORK:
            self._start_worker(self.engine.epoch + 1, per_epoch=False, paced=False)
            return None
        return self._move_forward(self.granularity)

    def epoch_work(self) -> int:
        """Multiply-adds of one feedforward over the training set: examples × weights."""
        return self.engine.n_train * sum(int(w.size) for w in self.net.weights)

    def _move_forward(self, granularity: Granularity) -> StepRecord | None:
        engine = self.engine
        self._break = None
        if engine.divergence is not None:
            self._emit_status()
            return None
        if granularity is Granularity.RECORD:
            engine.step()
        elif granularity is Granularity.EXAMPLE:
            engine.finish_example()
        elif granularity is Granularity.MINIBATCH:
            engine.finish_batch()
        else:
            engine.run_epochs(1, should_stop=self._should_stop)
        self._after_move()
        return engine.last_record

    def back(self) -> StepRecord | None:
        """Undo one record (or one whole-minibatch pass); exact, weights included."""
        self.pause()
        self._break = None
        undone = self.engine.back()
        if undone is None:
            self.statusChanged.emit("At the start of the history: nothing to step back to.")
            return None
        self.steppedBack.emit(undone)
        if undone.kind in (Kind.UPDATE, Kind.BATCH, Kind.EDIT):
            self.weightsChanged.emit()
        self._last_step = self.engine.step_index
        self.stepTaken.emit(self.engine.last_record)
        self._emit_status()
        return undone

    def edit(self, target: str, l: int, j: int, k: int, text: str) -> StepRecord:
        """Type w^l_jk ('w'), b^l_j ('b') or x_k ('x') by hand (``core.edits``): one step, which ← undoes.
        A bad value raises ValueError naming it, and nothing changes."""
        self.pause()
        record = edit_by_hand(self.engine, target, l, j, k, text)
        self._after_move()
        return record

    def set_neuron_activation(self, l: int, j: int, name: str) -> StepRecord:
        """Give neuron j of layer l its own activation (``core.neuron_edits``): one step, which ← undoes.
        A refused choice raises ValueError naming why, and nothing changes."""
        self.pause()
        record = neuron_edits.set_activation(self.engine, l, j, name)
        self._after_move()
        return record

    def draw_input(self, values, y=None, text: str = "a drawn digit") -> StepRecord:
        """The whole input x of the example being stepped (or the next) set to ``values`` — a drawn digit — and,
        given ``y``, its target too (a dataset example), as one step, which ← undoes (``core.edits.draw_input``).
        ValueError naming the problem otherwise."""
        self.pause()
        record = draw_input(self.engine, values, text, y)
        self._after_move()
        return record

    def finish_example(self) -> None:
        self.pause()
        self._move_forward(Granularity.EXAMPLE)

    def finish_batch(self) -> None:
        self.pause()
        self._move_forward(Granularity.MINIBATCH)

    def train(self, epochs: int | None = None) -> None:
        """Train for ``epochs`` (default: the config's) in the background."""
        self._start_worker(self.engine.epoch + (epochs or self.config.epochs), per_epoch=False, paced=False)

    def play(self) -> None:
        """Keep stepping at the current granularity and speed until paused."""
        if self.running or self.engine.divergence is not None:
            self._emit_status()
            return
        if self.granularity in (Granularity.RECORD, Granularity.EXAMPLE):
            self._play.setInterval(self._play_interval())
            self._play.start()
            self.runningChanged.emit(True)
        else:
            self._start_worker(None, per_epoch=self.granularity is Granularity.EPOCH, paced=True)

    def toggle_play(self) -> None:
        self.pause() if self.running else self.play()

    def pause(self) -> None:
        """Stop playing or training; the worker is joined before this returns."""
        was = self.running
        self._play.stop()
        worker = self._worker
        if worker is not None:
            worker.stop_event.set()
            self._train_turn.set()
            worker.wait()
            self._worker = None
            self._tick.stop()
            sys.setswitchinterval(self._switch_interval)
            self._deliver()
            if worker.error is not None:
                self.errorOccurred.emit(f"Training stopped: {worker.error!r}")
        if was:
            self.runningChanged.emit(False)
            self._emit_status()

    def set_speed(self, speed: int) -> None:
        self.speed = max(1, min(100, int(speed)))
        if self._play.isActive():
            self._play.setInterval(self._play_interval())

    def set_granularity(self, granularity: Granularity | str) -> None:
        granularity = Granularity(granularity)
        restart = self.running
        if restart:
            self.pause()
        self.granularity = granularity
        if restart:
            self.play()
        self._emit_status()

    def select(self, neuron: tuple[int, int] | None) -> None:
        """Pin a neuron (book layer l, index j) for the inspector and the equation panel."""
        if neuron is not None and not self._valid_selection(neuron):
            return
        self.selected = neuron
        self.selectionChanged.emit(neuron)

    def _valid_selection(self, neuron: tuple[int, int]) -> bool:
        l, j = neuron
        return 1 <= l <= len(self.net.sizes) and 0 <= j < self.net.sizes[l - 1]

    def shutdown(self) -> None:
        """Stop everything; called when the window closes."""
        self.pause()

    # ----------------------------------------------------------------- timing
    def _play_interval(self) -> int:
        """Milliseconds between steps while playing: 2 s at speed 1 down to 16 ms at 100."""
        return max(16, int(2000 / self.speed ** 1.05))

    def _batch_delay(self) -> float:
        """Seconds to wait between minibatches (or epochs) in the worker: 0 at full speed."""
        if self.speed >= 100:
            return 0.0
        return 1.5 * (1.0 - self.speed / 100.0) ** 2

    def _play_step(self) -> None:
        if self._move_forward(self.granularity) is None or self.engine.divergence is not None \
                or self._break is not None:
            self.pause()

    def _start_worker(self, target_epoch: int | None, per_epoch: bool, paced: bool) -> None:
        self.pause()
        if self.engine.divergence is not None:
            self._emit_status()
            return
        self._break = None
        self.breakpoints.reset(self.epoch_history[-1].train_cost if self.epoch_history else None)
        delay = self._batch_delay if paced else (lambda: 0.0)
        self._train_turn.set()
        self._worker = TrainingWorker(self.engine, target_epoch, delay, per_epoch, self._train_turn)
        self._worker.finished.connect(self._on_worker_finished)
        self._rate = (time.perf_counter(), self.engine.step_index)
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, TRAINING_SWITCH_INTERVAL))
        self._worker.start()
        self._pacer.start()
        self._tick.setInterval(self._pacer.interval_ms)
        self._tick.start()
        self.runningChanged.emit(True)
        self._emit_status()

    def _on_worker_finished(self) -> None:
        if self._worker is not None and self._worker.isFinished():
            self.pause()

    # ----------------------------------------------------------------- delivery
    def _after_move(self) -> None:
        self._deliver()

    def _on_tick(self) -> None:
        """A live-training tick: deliver what the worker did since the last one.

        The worker holds back from the delivery until the repaints it asks for are done (an event posted
        behind them, at their low priority, gives the worker its turn back): painting needs the GIL for every
        Python item, and a worker in full swing would make each wait. What that wait cost sets the time to
        the next tick (``visualbp.gui.live_pacing``)."""
        self._train_turn.clear()
        try:
            self._deliver()
        finally:
            QCoreApplication.postEvent(self, QEvent(_TRAIN_TURN), int(Qt.EventPriority.LowEventPriority.value))

    def event(self, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == _TRAIN_TURN:
            self._train_turn.set()
            if self._worker is not None:
                self._tick.setInterval(self._pacer.turn_given())
            return True
        return super().event(event)

    @property
    def live_interval_ms(self) -> int:
        """How often the views redraw while the worker trains (adapted to what a redraw costs)."""
        return self._tick.interval()

    def _deliver(self) -> None:
        """Hand what the engine did since the last delivery to the views (GUI thread)."""
        engine = self.engine
        batches = [self._batches.popleft() for _ in range(len(self._batches))]
        epochs = [self._epochs.popleft() for _ in range(len(self._epochs))]
        if batches:
            self.batchesDone.emit(BatchBlock.join(batches))
        if epochs:
            self.epoch_history = thinned(self.epoch_history + epochs)  # bounded: hours of epochs fit
            self.epochsDone.emit(epochs)
        step = engine.step_index
        if step != self._last_step:
            record = engine.last_record
            self._last_step = step
            self.stepTaken.emit(record)
            if record is None or record.kind in (Kind.UPDATE, Kind.BATCH, Kind.EDIT) or batches:
                self.weightsChanged.emit()
        if self._worker is not None:
            now = time.perf_counter()
            t0, s0 = self._rate
            if now - t0 >= 0.5:
                self._batches_per_second = (step - s0) / (now - t0)
                self._rate = (now, step)
        if engine.divergence is not None and engine.divergence is not self._reported:
            self._reported = engine.divergence
            self.diverged.emit(engine.divergence)
        if self._break is not None and self._break is not self._break_reported:
            self._break_reported = self._break
            self.breakpointHit.emit(self._break)
        self._emit_status()

    def status(self) -> str:
        """One line: phase, example, layer l, minibatch, epoch — or what the run is doing."""
        engine = self.engine
        if engine.divergence is not None:
            return f"Diverged: {engine.divergence}. Paused — step back (←) to the last finite state."
        if self._break is not None and self._worker is None:
            return self._break
        where = f"epoch {engine.epoch + 1}, minibatch {engine.batch + 1} of {engine.batches_per_epoch}"
        if self._worker is not None:
            rate = f" · {self._batches_per_second:,.0f} minibatches/s" if self._batches_per_second else ""
            return f"Training… {where}{rate}"
        record = engine.last_record
        if record is None:
            return f"Ready: {self.net.describe()} on {self.dataset.description}. Press → to step."
        if engine.at_batch_start:
            kind, l, x = engine.next_op
            return f"{record.describe()} — done. Next: {where}, example 1"
        return record.describe()

    def _emit_status(self) -> None:
        self.statusChanged.emit(self.status())
