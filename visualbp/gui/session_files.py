"""Saving and opening a Session: what a save records, the live autosave's snapshot, and opening a file with
nothing changed unless all of it can be used. A mixin of ``Session`` (the engine, the settings, the signals).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from visualbp.core.config import build, load_dataset
from visualbp.core.edits import saved_extra, take_saved_inputs
from visualbp.core.epoch_history import thinned
from visualbp.core.sessionio import SavedSession, load_session, save_session
from visualbp.core.view_memory import check_drawable
from visualbp.gui.live_snapshot import live_snapshot

if TYPE_CHECKING:
    from PyQt6.QtCore import pyqtBoundSignal

    from visualbp.core.config import SessionConfig
    from visualbp.core.datasets import Dataset
    from visualbp.core.engine import Engine
    from visualbp.core.network import Network
    from visualbp.core.steps import EpochStats
    from visualbp.gui.training_worker import TrainingWorker


class SessionFiles:
    """``snapshot``, ``request_snapshot``, ``save`` and ``open`` of a Session."""

    if TYPE_CHECKING:  # what the Session (visualbp.gui.session) provides
        engine: Engine
        config: SessionConfig
        dataset: Dataset
        epoch_history: list[EpochStats]
        extra_state: dict
        _worker: TrainingWorker | None
        _last_step: int
        statusChanged: pyqtBoundSignal
        networkChanged: pyqtBoundSignal
        epochsDone: pyqtBoundSignal
        stepTaken: pyqtBoundSignal
        weightsChanged: pyqtBoundSignal

        def pause(self) -> None: ...
        def status(self) -> str: ...
        def _install(self, net: Network, engine: Engine) -> None: ...

    def snapshot(self) -> SavedSession:
        """What a save records: settings, weights at this minibatch's start, initial weights, history."""
        engine = self.engine
        weights, biases = engine.batch_start_parameters()
        initial_w, initial_b = engine.initial_parameters
        epoch, batch, offset, step = engine.position
        return SavedSession(self.config, weights, biases, initial_w, initial_b, epoch=epoch, batch=batch,
                            offset=offset, step=step, epoch_history=list(self.epoch_history),
                            extra=saved_extra(self.extra_state, engine))

    def request_snapshot(self, deliver) -> None:
        """Hand ``deliver`` a SavedSession of now without pausing (live autosave): while the worker trains, it
        is taken between two minibatches and delivered on the worker's thread; otherwise here, at once."""
        take = partial(live_snapshot, self.engine, self.config, list(self.epoch_history),
                       saved_extra(self.extra_state, self.engine), deliver)
        if self._worker is None or not self._worker.snapshots.ask(take):
            take()

    def save(self, path: str) -> None:
        """Save atomically to ``path`` (training pauses first so the numbers are consistent)."""
        self.pause()
        save_session(path, self.snapshot())
        self.statusChanged.emit(f"Saved to {path}")

    def open(self, path: str) -> None:
        """Open a saved session; on any problem raise (SessionFileError/DatasetError) and change nothing."""
        saved = load_session(path)
        config = saved.config
        dataset = load_dataset(config)
        check_drawable(config.sizes, dataset)
        net, engine = build(config, dataset)
        net.weights, net.biases = list(saved.weights), list(saved.biases)
        engine.restore(saved.epoch, saved.batch, saved.offset, saved.step,
                       (saved.initial_weights, saved.initial_biases))
        take_saved_inputs(engine, saved.extra, path)  # inputs typed by hand (core/edits.py)
        self.pause()
        self.config, self.dataset = config, dataset
        self._install(net, engine)
        self.epoch_history = thinned(saved.epoch_history)
        self.extra_state = dict(saved.extra)
        self.networkChanged.emit()
        if self.epoch_history:
            self.epochsDone.emit(list(self.epoch_history))
        self.stepTaken.emit(None)
        self.weightsChanged.emit()
        self._last_step = engine.step_index
        self.statusChanged.emit(f"Opened {path}: {self.status()}")
