"""What the fuzz tests share: what must not change when an input is refused, and the check that it did not."""

from __future__ import annotations

import numpy as np

from visualbp.gui.session import Session


def same_arrays(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def freeze(session: Session):
    """What must not change when an input is refused."""
    return (session.net, session.config, session.dataset, session.engine, session.engine.eta,
            session.engine.mini_batch_size, [w.copy() for w in session.net.weights])


def unchanged(session: Session, before) -> bool:
    net, config, dataset, engine, eta, m, weights = before
    return (session.net is net and session.config == config and session.dataset is dataset
            and session.engine is engine and session.engine.eta == eta and session.engine.mini_batch_size == m
            and same_arrays(session.net.weights, weights))
