"""The step engine's history: what ← undoes, bounded by a step count and a byte budget.

A mixin of ``Engine``. An entry is either one record taken record by record or by hand, kept as
(record, state before, weights before, biases before, bytes, None), or a ``visualbp.core.blocks.Block``
of whole minibatches, whose weights come back redone from its replay chain. ``history_length`` counts
records: a block counts its minibatches.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import numpy as np

from visualbp.core.blocks import Block
from visualbp.core.pseudocode import State, finishes_batch, quiet_fp
from visualbp.core.steps import Kind, StepRecord

if TYPE_CHECKING:
    from visualbp.core.events import Event
    from visualbp.core.fastpath import Rows
    from visualbp.core.network import Network
    from visualbp.core.replay import Chain
    from visualbp.core.steps import Divergence


class StepHistory:
    """``back()`` and the history it reads; the engine provides the state, the network and the redo."""

    if TYPE_CHECKING:  # what the engine (visualbp.core.engine.Engine) provides
        net: Network
        Y: np.ndarray
        _X1: Rows
        _state: State
        _weights_version: int
        _chain_version: int
        history_steps: int
        history_bytes: int
        last_record: StepRecord | None
        divergence: Divergence | None
        last_gradient: tuple[list[np.ndarray], list[np.ndarray]] | None
        stepped_back: Event

        def _redo_to(self, chain: Chain, index: int) -> tuple | None: ...
        def _retire(self, chain: Chain) -> None: ...

    def _init_history(self) -> None:
        self._history: deque = deque()
        self._history_nbytes = 0
        self._history_count = 0  # records: a block counts its minibatches

    @property
    def can_step_back(self) -> bool:
        return bool(self._history)

    @property
    def history_length(self) -> int:
        return self._history_count

    def _push(self, record: StepRecord, before: State, weights: list, biases: list, nbytes: int) -> None:
        self._history.append((record, before, weights, biases, nbytes, None))
        self._history_nbytes += nbytes
        self._history_count += 1
        self._trim()

    def _push_block(self, block: Block) -> None:
        self._history.append(block)
        self._history_nbytes += block.nbytes
        self._history_count += len(block)
        self._trim()

    def _trim(self) -> None:
        """Forget the oldest records (a block's first minibatches) while the history is over its bounds."""
        history = self._history
        while history and (self._history_count > self.history_steps or self._history_nbytes > self.history_bytes):
            first = history[0]
            if isinstance(first, Block):
                over = max(1, self._history_count - self.history_steps,
                           -(-(self._history_nbytes - self.history_bytes) // first.per))
                if over < len(first):
                    self._history_nbytes -= first.drop_first(over)
                    self._history_count -= over
                    continue
                self._history_count -= len(first)
                self._history_nbytes -= first.nbytes
                history.popleft()
                # the last block of its chain gone (a chain's blocks follow each other): nothing redoes it
                if not (history and isinstance(history[0], Block) and history[0].chain is first.chain):
                    self._retire(first.chain)
                continue
            self._history_count -= 1
            self._history_nbytes -= first[4]
            history.popleft()

    def clear_history(self) -> None:
        self._history.clear()
        self._history_nbytes = 0
        self._history_count = 0

    @staticmethod
    def _record_of(entry) -> StepRecord | None:
        return entry.last if isinstance(entry, Block) else entry[0]

    def back(self) -> StepRecord | None:
        """Undo the last record: state, accumulators and weights return bit for bit.

        Returns the undone record, or None when there is no history left.
        """
        history = self._history
        if not history:
            return None
        entry = history[-1]
        redone = None
        record: Any
        if isinstance(entry, Block):  # the weights before its last minibatch: its chain's checkpoint, redone
            i = entry.hi - 1
            record, before = entry.last, entry.before(i)
            redone = self._redo_to(entry.chain, entry.index0 + i)
            entry.pop(redone[4] if redone is not None and i > entry.lo else None)
            self._history_count -= 1
            self._history_nbytes -= entry.per
            if not len(entry):
                history.pop()
                self._history_nbytes -= entry.nbytes
        else:
            history.pop()
            record, before, weights, biases, nbytes, _ = entry
            self._history_count -= 1
            self._history_nbytes -= nbytes
            self.net.weights, self.net.biases = list(weights), list(biases)
        self._state = before
        if record.kind is Kind.EDIT:  # a typed input goes back too (core/edits.py's EditRecord)
            record.revert(self)
        self.last_record = self._record_of(history[-1]) if history else None
        self.divergence = None
        if finishes_batch(record, before):  # the minibatch finished before it is the last one again
            self.last_gradient = self._gradient_at_history_end(redone)
        self.stepped_back.emit(record, self.last_record)
        if isinstance(entry, Block):
            self._chain_version = self._weights_version  # the chain goes on from the weights it redid
        return record

    def _gradient_at_history_end(self, redone: tuple | None = None) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
        """The mean gradient of the last minibatch the history finished, from what the history keeps:
        a stepped minibatch's sums Σ_x ∂C_x/∂b, Σ_x ∂C_x/∂w, or a block's last minibatch redone from its
        chain (both exact; ``redone`` is (chain, index, scaled gradient, η, a^L) of one just redone). None
        when no minibatch in the history was finished (the start, or a history trimmed since)."""
        L = self.net.num_layers
        for entry in reversed(self._history):
            if isinstance(entry, Block):
                index = entry.index0 + entry.hi - 1
                if redone is not None and redone[0] is entry.chain and redone[1] == index:
                    grads, eta = redone[2], redone[3]
                else:
                    with quiet_fp():
                        _, grads, eta, _ = entry.chain.redo(self._X1, self.Y, index + 1)
                return [g[:, -1:] / eta for g in grads], [g[:, :-1] / eta for g in grads]
            record, before = entry[0], entry[1]
            if finishes_batch(record, before):
                inv = 1.0 / before.m
                return ([before.sum_b[l] * inv for l in range(2, L + 1)],
                        [before.sum_w[l] * inv for l in range(2, L + 1)])
        return None

    def batch_start_parameters(self) -> tuple[list, list]:
        """The weights and biases at the start of the current minibatch (what a save records)."""
        if not self._state.program:
            return list(self.net.weights), list(self.net.biases)
        for entry in reversed(self._history):
            if not isinstance(entry, Block) and not entry[1].program:
                return list(entry[2]), list(entry[3])
        return list(self.net.weights), list(self.net.biases)  # history trimmed: no update yet this batch
