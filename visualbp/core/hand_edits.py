"""The step engine's edits by hand (``core.edits`` makes and checks them): a mixin of ``Engine``.

An edit is one step of the history, like a record: ``take_edit`` pushes it, ← undoes it. Weights and biases
get new arrays; a typed input goes into the engine's own copy of the training rows (``set_input``), a target
y_j (a dataset example made the one to step) into its own copy of the targets (``set_target``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from visualbp.core import fastpath
from visualbp.core.pseudocode import State, between
from visualbp.core.steps import StepRecord

R = TypeVar("R", bound=StepRecord)

if TYPE_CHECKING:
    from visualbp.core.events import Event
    from visualbp.core.network import Network


class HandEdits:
    """``take_edit``, ``set_input`` and ``set_target``; the engine provides the state, the history and the rows."""

    if TYPE_CHECKING:  # what the engine (visualbp.core.engine.Engine) provides
        net: Network
        X: np.ndarray
        Y: np.ndarray
        labels: np.ndarray
        _X1: fastpath.Rows
        _own_rows: bool
        _own_targets: bool
        _owned_ids: tuple
        _chunk: tuple | None
        _state: State
        last_record: StepRecord | None
        step_taken: Event

        def _batch_size_at(self, offset: int) -> int: ...
        def _bump_version(self) -> None: ...
        def _push(self, record: StepRecord, before: State, weights: list, biases: list, nbytes: int) -> None: ...

    def take_edit(self, make_record: Callable[[int, int, int, int], R], apply: Callable[[], None]) -> R:
        """One edit by hand (``core.edits``) as a step of the history: ``apply()`` binds new weight or bias
        arrays or writes a training input, ``make_record(index, epoch, batch, m)`` names it. A minibatch under
        way starts again at its first example, its sums having been taken at the old values; ← puts back the
        state, the weights and biases, and (``record.revert``) the input."""
        before = self._state
        m = before.m if before.program else self._batch_size_at(before.offset)
        record = make_record(before.step, before.epoch, before.batch, m)
        weights, biases = list(self.net.weights), list(self.net.biases)
        apply()
        # The history holds the arrays of before (views of the ones whole minibatches update in place, after
        # those): the next whole minibatch copies the network's into arrays of its own instead of writing
        # these, and (a new version) starts a new replay chain, so ← never redoes a minibatch across the edit.
        self._owned_ids = ()
        self._state = between(before.step + 1, before.epoch, before.batch, before.offset)
        self.last_record = record
        self._push(record, before, weights, biases, record.nbytes)
        self._bump_version()
        self.step_taken.emit(record)
        return record

    def set_input(self, row: int, k: int, value: float) -> None:
        """Write x_k of training row ``row`` (an input typed by hand, ``core.edits``). The first write makes
        the engine a copy of the rows of its own: the data set's rows, and another engine's that shares them,
        are never written. The rows gathered ahead for whole minibatches are gathered again."""
        if not self._own_rows:
            self._X1 = fastpath.Rows(np.array(self.X))
            self.X = self._X1.X
            self._own_rows = True
        target = self._X1.ones if self._X1.ones is not None else self._X1.X
        writeable = target.flags.writeable
        target.flags.writeable = True
        try:
            target[row, k] = value
        finally:
            target.flags.writeable = writeable
        self._chunk = None

    def set_target(self, row: int, j: int, value: float) -> None:
        """Write y_j of training row ``row`` (and its label, argmax y). Like ``set_input``, the first write makes
        the engine a copy of the targets of its own; the rows gathered ahead are gathered again."""
        if not self._own_targets:
            self.Y, self.labels = np.array(self.Y), np.array(self.labels)
            self._own_targets = True
        self.Y[row, j] = value
        self.labels[row] = int(np.argmax(self.Y[row]))
        self._chunk = None
