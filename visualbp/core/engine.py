"""The step engine: minibatch SGD as an ordered sequence of immutable step records.

For each example of a minibatch it follows the book's pseudocode (chapter 2):
input ``a^1 = x``; feedforward ``z^l, a^l`` for l = 2..L; BP1 ``δ^L``; BP2 ``δ^l``
for l = L−1..2; BP3 and BP4 for l = L..2, summed over the minibatch; after the
last example, the update of each layer l = 2..L. ``step()`` takes one record,
``back()`` undoes one and restores the exact previous state, weights included.

Coarse moves (``finish_example``, ``finish_batch``, ``run_batches``,
``run_epochs``) share the same state. A minibatch started from its beginning is
taken in one matrix-based pass (one BATCH record), which gives the same weights
to rounding (1e-12) as stepping it record by record; the coarse moves take such
passes a block at a time (``visualbp.core.wholebatch``), reporting each block's
minibatches to ``batch_done`` as one ``BatchBlock``.

State is immutable (``visualbp.core.pseudocode``): each record makes a new state
and never writes into an array, so history keeps earlier states by reference;
whole minibatches update the weights in place and history redoes them from a
checkpoint (``visualbp.core.replay``), so ``back()`` is exact either way. History
is bounded by a byte budget and a step count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from visualbp.core import checks, fastpath
from visualbp.core.batch_block import BatchBlock
from visualbp.core.events import Event
from visualbp.core.functions import fit_error
from visualbp.core.hand_edits import HandEdits
from visualbp.core.network import Network
from visualbp.core.pseudocode import (
    Op,
    State,
    apply,
    between,
    epoch_permutation,
    program,
    quiet_fp,
)
from visualbp.core.step_history import StepHistory
from visualbp.core.steps import (
    BatchStats,
    Divergence,
    EpochStats,
    Kind,
    StepRecord,
    freeze,
)
from visualbp.core.wholebatch import WholeMinibatches

#: Records kept for stepping back (←), at most; ``history_bytes`` bounds them too. Every record is a few
#: objects Python's cyclic garbage collector walks in each full collection, which holds the GIL: at 100,000
#: records (a small network trained live for half a minute) a collection took 150 ms and froze the window
#: that long; at 10,000, about 30 ms. Ten thousand presses of ← is still more than anyone makes.
HISTORY_STEPS = 10_000


class Engine(WholeMinibatches, StepHistory, HandEdits):
    """Steps ``net`` through minibatch SGD on rows ``X`` (n, n_in) with one-hot rows ``Y`` (n, n_out)."""

    def __init__(
        self,
        net: Network,
        X: np.ndarray,
        Y: np.ndarray,
        *,
        mini_batch_size: int = 10,
        eta: float = 3.0,
        X_val: np.ndarray | None = None,
        Y_val: np.ndarray | None = None,
        seed: int | None = None,
        history_bytes: int = 256 * 2**20,
        history_steps: int = HISTORY_STEPS,
        regression: bool = False,
    ) -> None:
        X = np.asarray(X, dtype=np.float64)
        Y = np.ascontiguousarray(Y, dtype=np.float64)
        if X.ndim != 2 or Y.ndim != 2 or len(X) != len(Y) or len(X) == 0:
            raise ValueError(f"training data must be rows X (n, n_in) and Y (n, n_out), got {X.shape} and {Y.shape}")
        if X.shape[1] != net.sizes[0] or Y.shape[1] != net.sizes[-1]:
            raise ValueError(
                f"the data has {X.shape[1]} inputs and {Y.shape[1]} outputs, but the network "
                f"{net.sizes} expects {net.sizes[0]} and {net.sizes[-1]}"
            )
        self.net = net
        # the rows with a column of ones, [x^T 1], as the minibatch kernel takes them (X is a view of them)
        self._X1 = fastpath.Rows(X)
        self.X, self.Y = self._X1.X, Y
        self._own_rows = False  # set_input copies the rows before it writes one
        self._own_targets = False  # set_target copies Y and the labels before it writes one
        self.labels = np.argmax(Y, axis=1)
        self.X_val: np.ndarray | None
        self.Y_val: np.ndarray | None
        self.labels_val: np.ndarray | None
        if X_val is not None and len(X_val):
            self.X_val = np.ascontiguousarray(X_val, dtype=np.float64)
            self.Y_val = np.ascontiguousarray(Y_val, dtype=np.float64)
            self.labels_val = np.argmax(self.Y_val, axis=1)
        else:
            self.X_val = self.Y_val = self.labels_val = None
        #: Y holds real targets to fit (``visualbp.core.functions``): ``evaluate`` reports the RMS error
        #: instead of the accuracy
        self.regression = bool(regression)
        self.mini_batch_size = mini_batch_size
        self.eta = eta
        self.seed = net.seed if seed is None else checks.check_seed(seed)
        self.history_bytes = checks.check_count("history bytes", history_bytes, minimum=0)
        self.history_steps = checks.check_count("history steps", history_steps, minimum=0)

        self.step_taken = Event("step_taken")  # (record)
        self.stepped_back = Event("stepped_back")  # (undone record, now-current record or None)
        self.batch_done = Event("batch_done")  # (BatchBlock): the minibatches just finished
        self.epoch_done = Event("epoch_done")  # (EpochStats)
        self.diverged = Event("diverged")  # (Divergence)

        self._initial = (list(net.weights), list(net.biases))
        self._state = State()
        self._perm_cache: tuple[int, np.ndarray] | None = None
        self._init_history()
        self.last_record: StepRecord | None = None
        self.divergence: Divergence | None = None
        self._last_gradient: tuple[list[np.ndarray], list[np.ndarray]] | None = None
        self._last_scaled: tuple | None = None
        self._weights_version = 0
        self._init_whole_minibatches()
        # ← over an update or a whole minibatch puts earlier weights back: a new version too
        self.stepped_back.connect(self._on_stepped_back)

    # ----------------------------------------------------------------- settings
    @property
    def eta(self) -> float:
        return self._eta

    @eta.setter
    def eta(self, value: float) -> None:
        self._eta = checks.check_eta(value)

    @property
    def mini_batch_size(self) -> int:
        """Takes effect at the next minibatch."""
        return self._m

    @mini_batch_size.setter
    def mini_batch_size(self, value: int) -> None:
        self._m = checks.check_count("minibatch size", value)

    # ----------------------------------------------------------------- weights version
    @property
    def weights_version(self) -> int:
        """A number that grows with every change of the weights or biases: an update (record or whole
        minibatch), ← over one, reset, restore and ``load_parameters``. Views compare versions, never
        array identities: the fast path updates the weight arrays in place."""
        return self._weights_version

    def _bump_version(self) -> None:
        self._weights_version += 1

    def _on_stepped_back(self, undone: StepRecord, _current: StepRecord | None) -> None:
        if undone.kind in (Kind.UPDATE, Kind.BATCH, Kind.EDIT):
            self._bump_version()

    def load_parameters(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Replace the network's weights and biases (shapes unchanged) and publish a new version."""
        if [np.shape(w) for w in weights] != [w.shape for w in self.net.weights] or \
                [np.shape(b) for b in biases] != [b.shape for b in self.net.biases]:
            raise ValueError(f"the weights and biases must have the shapes of the network {self.net.sizes}")
        self.net.weights, self.net.biases = list(weights), list(biases)
        self._bump_version()

    # ----------------------------------------------------------------- position
    @property
    def epoch(self) -> int:
        return self._state.epoch

    @property
    def batch(self) -> int:
        return self._state.batch

    @property
    def step_index(self) -> int:
        """Records taken since the start; inside a block of whole minibatches, counted as each one ends."""
        live = self._live_step
        return self._state.step if live is None else live

    @property
    def n_train(self) -> int:
        return len(self.X)

    @property
    def batches_per_epoch(self) -> int:
        return -(-self.n_train // self._m)

    @property
    def at_batch_start(self) -> bool:
        return not self._state.program

    @property
    def next_op(self) -> Op:
        """What ``step()`` will do next: (kind, l, example)."""
        s = self._state
        return s.program[s.pos] if s.program else (Kind.INPUT, 1, 0)

    def _batch_size_at(self, offset: int) -> int:
        return min(self._m, self.n_train - offset)

    def current(self, name: str, l: int) -> np.ndarray | None:
        """The current example's ``z``, ``a``, ``sp`` (σ'(z)), ``delta``, ``nabla_b``, ``nabla_w``,
        or the minibatch's ``sum_b``/``sum_w``, at the book's layer ``l``; None before it is computed."""
        t = getattr(self._state, name)
        return t[l] if l < len(t) else None

    def current_example_index(self) -> int | None:
        """Index into the training rows of the example being stepped, or None between minibatches."""
        s = self._state
        if not s.program:
            return None
        op = s.program[min(s.pos, len(s.program) - 1)]
        if op[2] is None:
            return None
        return int(self._perm(s.epoch)[s.offset + op[2]])

    def _example_at(self, s: State) -> Callable[[int], tuple[np.ndarray, np.ndarray]]:
        """The x-th example of the minibatch ``s`` steps through, as new columns (x, y)."""
        def example(x: int) -> tuple[np.ndarray, np.ndarray]:
            row = self._perm(s.epoch)[s.offset + x]
            return self.X[row].reshape(-1, 1).copy(), self.Y[row].reshape(-1, 1).copy()

        return example

    def _perm(self, epoch: int) -> np.ndarray:
        """The epoch's order of the training rows (read-only: records and the history hold slices of it)."""
        if self._perm_cache is None or self._perm_cache[0] != epoch:
            perm = epoch_permutation(self.seed, epoch, self.n_train)
            perm.flags.writeable = False
            self._perm_cache = (epoch, perm)
        return self._perm_cache[1]

    def reset(self) -> None:
        """Back to epoch 0 with the initial weights (the same seed gives the same numbers)."""
        self.net.weights, self.net.biases = list(self._initial[0]), list(self._initial[1])
        self._bump_version()
        self._state = State()
        self.clear_history()
        self.last_record = None
        self.divergence = None
        self.last_gradient = None

    def restore(self, epoch: int, batch: int, offset: int, step: int,
                initial: tuple[list, list] | None = None) -> None:
        """Continue from a saved position (the start of minibatch ``batch`` of ``epoch``) with the
        network's current weights; ``initial`` replaces what Reset returns to. History starts empty."""
        if not 0 <= offset < self.n_train:
            raise ValueError(f"offset {offset} is outside the {self.n_train} training examples")
        if not checks.minibatch_can_start(batch, offset):
            raise ValueError(f"minibatch {batch + 1} cannot start at example {offset + 1} (each holds at least one)")
        self._state = State(step=step, epoch=epoch, batch=batch, offset=offset)
        if initial is not None:
            self._initial = (list(initial[0]), list(initial[1]))
        self._bump_version()  # the network's weights were just loaded
        self.clear_history()
        self.last_record = None
        self.divergence = None
        self.last_gradient = None

    @property
    def position(self) -> tuple[int, int, int, int]:
        """(epoch, batch, offset, step) of the current minibatch's start, for saving."""
        s = self._state
        return s.epoch, s.batch, s.offset, s.step - s.pos

    @property
    def initial_parameters(self) -> tuple[list, list]:
        """The weights and biases Reset returns to (set by an edit by hand before the first update)."""
        return list(self._initial[0]), list(self._initial[1])

    @initial_parameters.setter
    def initial_parameters(self, value: tuple[list, list]) -> None:
        self._initial = (list(value[0]), list(value[1]))

    # ----------------------------------------------------------------- one record
    def step(self) -> StepRecord:
        """Take the next record of the book's algorithm (and, after the last example, the update)."""
        with quiet_fp():
            return self._step()

    def _step(self) -> StepRecord:
        before = self._state
        weights, biases = list(self.net.weights), list(self.net.biases)
        s = before if before.program else self._start_batch(before)
        kind, l, x = s.program[s.pos]
        s, arrays = apply(self.net, s, kind, l, x, self._eta, len(self.X), self._example_at(s))
        if kind is Kind.UPDATE:
            self._bump_version()
        record = StepRecord(s.step, kind, l, s.epoch, s.batch, x, s.m, freeze(arrays), s.offset)
        s = replace(s, pos=s.pos + 1, step=s.step + 1)
        finished = s.pos == len(s.program)
        stats = self._batch_stats(s, s.sum_b, s.sum_w, s.cost_sum / s.m) if finished else None
        if finished:
            inv = 1.0 / s.m
            L = self.net.num_layers
            self.last_gradient = ([s.sum_b[l] * inv for l in range(2, L + 1)],
                                  [s.sum_w[l] * inv for l in range(2, L + 1)])
            s, epoch_ended = self._end_batch(s)
        self._state = s
        self.last_record = record
        self._push(record, before, weights, biases, record.nbytes)
        self.step_taken.emit(record)
        if kind is Kind.UPDATE:
            self._check_finite(record, [l - 2], None)
        if finished:
            self._after_batch(stats, epoch_ended)
        return record

    def _start_batch(self, s: State) -> State:
        m = self._batch_size_at(s.offset)
        empty = (None,) * (self.net.num_layers + 1)
        return replace(s, program=program(self.net.num_layers, m), pos=0, m=m, sum_b=empty, sum_w=empty, cost_sum=0.0)

    def _end_batch(self, s: State) -> tuple[State, bool]:
        return self._after(s.step, s.epoch, s.batch, s.offset + s.m)

    def _after(self, step: int, epoch: int, batch: int, offset: int) -> tuple[State, bool]:
        """The state between minibatches once one ended at ``offset`` (and whether the epoch ended with it)."""
        ended = offset >= len(self.X)
        return between(step, epoch + 1, 0, 0) if ended else between(step, epoch, batch + 1, offset), ended

    def _batch_stats(self, s: State, nabla_b, nabla_w, cost: float, mean: bool = False) -> BatchStats:
        """‖∂C/∂b^l‖ and ‖∂C/∂w^l‖ of the mean gradient. By l (sums) or by index (means)."""
        if not mean:
            inv = 1.0 / s.m
            nabla_b = [nabla_b[l] * inv for l in range(2, self.net.num_layers + 1)]
            nabla_w = [nabla_w[l] * inv for l in range(2, self.net.num_layers + 1)]
        return BatchStats(
            epoch=s.epoch, batch=s.batch, step=s.step, cost=float(cost),
            delta_norms=tuple(float(np.sqrt(fastpath.sum_of_squares(v))) for v in nabla_b),
            grad_w_norms=tuple(float(np.sqrt(fastpath.sum_of_squares(v))) for v in nabla_w),
            end=s.epoch + (s.offset + s.m) / len(self.X),
        )

    def _after_batch(self, stats: BatchStats | None, epoch_ended: bool) -> None:
        if stats is not None and (self.batch_done or self.block_check is not None):
            block = BatchBlock.of([stats])
            if self.block_check is not None:
                self.block_check(block)  # a stepped minibatch is finished already: it stops after it
            self.batch_done.emit(block)
        if epoch_ended and self.epoch_done:
            self.epoch_done.emit(self.evaluate())

    # ----------------------------------------------------------------- coarse moves
    def finish_example(self) -> StepRecord | None:
        """Step to the end of the current example's pass (or through the update)."""
        record = None
        while self.divergence is None:
            record = self.step()
            if (record.kind is Kind.GRADIENT_W and record.l == 2) or self.at_batch_start:
                break
        return record

    def finish_batch(self) -> StepRecord | None:
        """Finish this minibatch record by record, or take a fresh one in one matrix-based pass."""
        if self.divergence is not None:
            return None
        if self.at_batch_start:
            with quiet_fp():
                return self._fast_batch()
        return self._finish_stepped_batch()

    def _finish_stepped_batch(self) -> StepRecord | None:
        record = None
        while not self.at_batch_start and self.divergence is None:
            record = self.step()
        return record

    def run_batches(self, count: int, should_stop: Callable[[], bool] | None = None) -> int:
        """Take ``count`` minibatches, whole ones in blocks (``run_block``); stops early on divergence or when
        ``should_stop()`` (asked between blocks). Returns how many."""
        done = 0
        with quiet_fp():
            while done < count and self.divergence is None and not (should_stop and should_stop()):
                if self.at_batch_start:
                    done += self._run_block(min(count - done, self.batches_per_block))
                else:
                    self._finish_stepped_batch()
                    done += 1
        return done

    def run_epochs(self, count: int, should_stop: Callable[[], bool] | None = None) -> int:
        """Train to the end of ``count`` epochs from here (the current one counts if it is under way)."""
        target = self.epoch + count
        done = 0
        with quiet_fp():
            while self.epoch < target and self.divergence is None and not (should_stop and should_stop()):
                if self.at_batch_start:
                    done += self._run_block(self.batches_per_block)  # a block ends with its epoch
                else:
                    self._finish_stepped_batch()
                    done += 1
        return done

    # ----------------------------------------------------------------- measures
    def evaluate(self) -> EpochStats:
        """Mean cost and accuracy (regression: the RMS error) on the training and validation rows, now."""
        net = self.net
        nan = float("nan")
        val_cost = val_acc = val_rms = train_acc = train_rms = nan
        with quiet_fp():  # weights huge but finite (η = 1e300) overflow to an infinite cost, as in a step
            if self.X_val is not None and self.Y_val is not None and self.labels_val is not None:
                val_cost = net.cost_arrays(self.X_val, self.Y_val)
                if self.regression:
                    val_rms = fit_error(net, self.X_val, self.Y_val)
                else:
                    val_acc = net.accuracy_arrays(self.X_val, self.labels_val)
            if self.regression:
                train_rms = fit_error(net, self.X, self.Y)
            else:
                train_acc = net.accuracy_arrays(self.X, self.labels)
            return EpochStats(
                epoch=self._state.epoch - 1 if self.at_batch_start else self._state.epoch,
                step=self._state.step,
                train_cost=net.cost_arrays(self.X, self.Y),
                train_accuracy=train_acc,
                val_cost=val_cost,
                val_accuracy=val_acc,
                train_rms=train_rms if self.regression else None,
                val_rms=val_rms if self.regression else None,
            )

    def __repr__(self) -> str:
        return (
            f"Engine({self.net.sizes}, n={self.n_train}, m={self._m}, η={self._eta:g}, "
            f"epoch={self.epoch}, batch={self.batch}, step={self.step_index})"
        )
