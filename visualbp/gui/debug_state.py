"""The session's kept runs and breakpoints, observed by the views (Qt signals over the Qt-free core).

``DebugState(session)`` (the session's ``debug_state``) owns the kept runs (``visualbp.core.kept_runs``) and
keeps them in ``session.extra_state`` so they are saved with the session; it relays the changes of
``session.breakpoints`` (``visualbp.core.breakpoints``, safe across threads) as a Qt signal. The Debug tab edits
both through here; the plots draw the kept runs from ``keptRunsChanged``: no view drives another.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from visualbp.core import kept_runs
from visualbp.core.breakpoints import BreakpointSettings
from visualbp.core.kept_runs import KeptRun


class DebugState(QObject):
    """Kept runs (an immutable tuple, swapped whole) and the breakpoints' change signal."""

    keptRunsChanged = pyqtSignal(object)  # tuple[KeptRun, ...], oldest first
    breakpointsChanged = pyqtSignal(object)  # BreakpointSettings, after every edit (queued to the GUI thread)

    def __init__(self, session) -> None:
        super().__init__(session)
        self._session = session
        self._runs: tuple[KeptRun, ...] = ()
        session.networkChanged.connect(self._restore)  # connected before any view: views see the runs restored
        session.breakpoints.changed.connect(self._relay_breakpoints)

    # ----------------------------------------------------------------- kept runs
    def kept_runs(self) -> tuple[KeptRun, ...]:
        """Every kept run, oldest first."""
        return self._runs

    def keep_run(self) -> KeptRun:
        """Keep the session's run (its epochs so far, labelled from its settings); the run kept. Raises
        ValueError with the sentence to show when there is nothing (new) to keep."""
        s = self._session
        self._set(kept_runs.keep(self._runs, s.config, s.epoch_history))
        return self._runs[-1]

    def clear_runs(self) -> None:
        """Forget every kept run."""
        self._set(())

    def _set(self, runs: tuple[KeptRun, ...]) -> None:
        self._runs = runs
        self._store()
        self.keptRunsChanged.emit(runs)

    def _store(self) -> None:
        self._session.extra_state[kept_runs.KEY] = kept_runs.to_json(self._runs)

    def _restore(self) -> None:
        """After networkChanged: take the kept runs of an opened session, or put ours into its view state."""
        saved = kept_runs.from_json(self._session.extra_state.get(kept_runs.KEY))
        if saved is None:
            if self._runs:
                self._store()
            return
        if saved != self._runs:
            self._runs = saved
            self.keptRunsChanged.emit(saved)

    # ----------------------------------------------------------------- breakpoints
    def _relay_breakpoints(self, settings: BreakpointSettings) -> None:
        self.breakpointsChanged.emit(settings)
