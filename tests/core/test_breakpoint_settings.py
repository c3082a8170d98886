"""Breakpoint settings are one immutable value swapped whole: a check on the training thread never sees half of
an edit made on the GUI thread, and observers hear every change."""

import dataclasses
import sys
import threading
from types import SimpleNamespace

import pytest

from visualbp.core.breakpoints import Breakpoints, BreakpointSettings
from visualbp.core.steps import BatchStats

#: a stand-in for the engine: the ‖δ^l‖ check needs only the number of layers
ENGINE = SimpleNamespace(net=SimpleNamespace(num_layers=3))
#: ‖δ^2‖ = 0.5, ‖δ^3‖ = 0.05
STATS = BatchStats(epoch=0, batch=0, step=1, cost=0.3, delta_norms=(0.5, 0.05), grad_w_norms=(0.1, 0.1))
A = {"delta_layer": 2, "delta_below": 1.0}  # fires: ‖δ^2‖ = 0.5 < 1
B = {"delta_layer": 3, "delta_below": 0.01}  # quiet: ‖δ^3‖ = 0.05 ≥ 0.01; half of A with half of B fires on δ^3


def test_settings_are_immutable_and_attribute_edits_swap_them_whole():
    bp = Breakpoints(delta_on=True)
    before = bp.settings
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.delta_layer = 3
    heard = []
    bp.changed.connect(heard.append)
    bp.delta_layer = 3  # the attribute form is one update
    assert bp.settings is not before and before.delta_layer == 2 and bp.delta_layer == 3
    assert heard == [bp.settings]
    bp.update(delta_layer=3)  # no change: nobody is told
    assert len(heard) == 1
    assert Breakpoints(**A).settings == BreakpointSettings(**A)
    with pytest.raises(AttributeError):
        _ = bp.no_such_setting


def test_a_check_on_another_thread_never_sees_half_an_edit():
    bp = Breakpoints(delta_on=True, **A)
    reasons, stop = [], threading.Event()

    def worker():
        while not stop.is_set():
            reasons.append(bp.after_batch(ENGINE, STATS))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the GIL over as often as possible: a torn read would show
    thread = threading.Thread(target=worker)
    thread.start()
    try:
        for i in range(20_000):
            bp.update(**(B if i % 2 == 0 else A))
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(old)
    fired = {r for r in reasons if r is not None}
    assert fired == {"‖δ^2‖ = 0.5 fell below 1"}, fired  # never δ^3 with A's limit
    assert None in reasons  # B was seen too: the edits did interleave with the checks
