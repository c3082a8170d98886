"""The thread continuous training runs on: minibatch after minibatch on the engine, handing the GIL to the GUI
thread while it repaints a live tick (``Session`` starts and stops it)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PyQt6.QtCore import QThread

from visualbp.core.engine import Engine
from visualbp.gui.live_snapshot import SnapshotRequests

#: The worker waits (without the GIL) while the GUI thread delivers and repaints a live tick, but never
#: longer than this many seconds, whatever the GUI does.
GUI_TURN_MAX_S = 0.5


class TrainingWorker(QThread):
    """Takes minibatches on the engine until told to stop, a target epoch, or divergence."""

    def __init__(self, engine: Engine, target_epoch: int | None, delay: Callable[[], float], per_epoch: bool,
                 gui_turn: threading.Event) -> None:
        super().__init__()
        self.engine = engine
        self.target_epoch = target_epoch
        self.delay = delay
        self.per_epoch = per_epoch
        self.stop_event = threading.Event()
        self.gui_turn = gui_turn  # set: the worker may train; cleared while the GUI thread repaints a tick
        self.error: BaseException | None = None
        self.snapshots = SnapshotRequests()

    def run(self) -> None:
        engine, stop, gui_turn = self.engine, self.stop_event, self.gui_turn

        def yield_now() -> bool:
            return stop.is_set() or not gui_turn.is_set()

        try:
            while not stop.is_set() and engine.divergence is None:
                if self.target_epoch is not None and engine.epoch >= self.target_epoch:
                    break
                if not gui_turn.is_set():
                    gui_turn.wait(GUI_TURN_MAX_S)  # the GIL is free: the tick's repaint runs at full speed
                epoch = engine.epoch
                # paced minibatch by minibatch: one at a time; else a block of them (``Engine.run_block``), which
                # ends as soon as the GUI thread asks for its turn or Pause is pressed
                wait = self.delay()
                engine.run_block(1 if wait and not self.per_epoch else None, yield_now)
                self.snapshots.serve()  # a live autosave's numbers, between two minibatches
                if wait and (not self.per_epoch or engine.epoch != epoch):
                    stop.wait(wait)
        except BaseException as exc:  # reported on the GUI thread, never lost
            self.error = exc
        self.snapshots.serve(final=True)
