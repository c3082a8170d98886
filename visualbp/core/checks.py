"""Validation of architectures and hyperparameters, with messages a person can act on.

Every check raises ``ValueError`` naming the field and what is wrong, and returns
the cleaned value, so the GUI's setup panel and the core share one set of rules.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import overload

from visualbp.core import limits

#: The network's bounds, from ``visualbp.core.limits`` (kept here by name, as the checks use them).
MAX_PARAMETERS = limits.MAX_PARAMETERS
MAX_LAYERS = limits.MAX_LAYERS
MAX_LAYER_SIZE = limits.MAX_LAYER_SIZE
#: Multiply-adds in one feedforward pass over all the data (examples × weights). [784, 30, 10] on
#: MNIST is 2.3e8; the limit is about a minute of evaluation on a 2-core laptop.
MAX_PASS_WORK = 2 * 10**10
#: Activations one minibatch holds at once (m × widest layer): 50 million floats is 400 MB.
MAX_BATCH_ACTIVATIONS = 50_000_000
#: Epochs one Train runs and the minibatch size m: the bounds of ``visualbp.core.limits`` (kept here by name).
MAX_EPOCHS = limits.MAX_EPOCHS
MAX_MINI_BATCH = limits.MAX_MINI_BATCH
#: Epochs a session may have reached (a saved position): 10¹⁵ epochs is 30,000 years at a millisecond an
#: epoch, so a session that opens can train on and still be saved and opened again.
MAX_EPOCH_REACHED = 10**15
#: Steps a session may have taken (a step is one record of one example: many per epoch).
MAX_STEP_REACHED = 2**62


_is_int = limits.is_whole


#: Layer sizes such as ``[784, 30, 10]``: ``visualbp.core.limits.check_sizes``.
check_sizes = limits.check_sizes


def check_positive_finite(name: str, value: object) -> float:
    """A real number > 0 that is not NaN or infinite (η, thresholds)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value:g}")
    return value


def check_eta(eta: object) -> float:
    """The learning rate η: finite and > 0 (``limits.ETA``)."""
    return limits.ETA.check(eta)


def check_lmbda(lmbda: object) -> float:
    """The L2 regularisation parameter λ: finite and ≥ 0 (``limits.LMBDA``)."""
    return limits.LMBDA.check(lmbda)


def check_count(name: str, value: object, minimum: int = 1) -> int:
    """A whole number ≥ ``minimum`` (minibatch size, epochs)."""
    if not _is_int(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    whole = int(value)
    if whole < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {whole}")
    return whole


def check_bounded(name: str, value: object, low: int, high: int) -> int:
    """A whole number in ``low`` … ``high``."""
    if not _is_int(value) or not low <= int(value) <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}")
    return int(value)


def check_mini_batch_size(m: object) -> int:
    """The minibatch size m: ``limits.MINI_BATCH``."""
    return limits.MINI_BATCH.check(m)


def check_epochs(epochs: object) -> int:
    """Epochs one Train runs: ``limits.EPOCHS``."""
    return limits.EPOCHS.check(epochs)


@overload
def check_seed(seed: None) -> None: ...
@overload
def check_seed(seed: int) -> int: ...
@overload
def check_seed(seed: object) -> int | None: ...
def check_seed(seed: object) -> int | None:
    """A seed: None (fresh randomness) or a whole number in ``limits.SEED``."""
    return None if seed is None else limits.SEED.check(seed)


def check_workload(sizes: Sequence[int], n_examples: int, mini_batch_size: int) -> None:
    """Refuse, before anything is allocated, data × network combinations too big to train live."""
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    work = n_examples * weights
    if work > MAX_PASS_WORK:
        raise ValueError(
            f"{n_examples:,} examples through {list(sizes)} is {work:.2g} multiply-adds per pass over the data, "
            f"more than the limit of {MAX_PASS_WORK:.0g}: use fewer examples or a smaller network"
        )
    held = min(mini_batch_size, n_examples) * max(sizes)
    if held > MAX_BATCH_ACTIVATIONS:
        raise ValueError(
            f"a minibatch of {mini_batch_size:,} through a layer of {max(sizes):,} neurons holds {held:,} "
            f"activations, more than the limit of {MAX_BATCH_ACTIVATIONS:,}: use a smaller minibatch"
        )


def minibatch_can_start(batch: int, offset: int) -> bool:
    """Minibatch ``batch`` (from 0) can start at example ``offset`` of its epoch: every minibatch before it
    holds at least one example, so batch ≤ offset, and only minibatch 0 starts at 0. An epoch may hold more
    than n/m minibatches: m can change mid-epoch (Session.set_mini_batch_size)."""
    return 0 <= batch <= offset and (batch == 0) == (offset == 0)
