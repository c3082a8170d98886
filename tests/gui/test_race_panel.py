"""The race panel: runs in slices, can be stopped, and shows core.race's counts, times and agreement."""

import pytest

from visualbp.core.config import SessionConfig
from visualbp.core.race import counts
from visualbp.gui.notation import number
from visualbp.gui.race_panel import RacePanel, seconds
from visualbp.gui.session import Session


@pytest.fixture
def panel(qtbot):
    session = Session(SessionConfig(dataset="digits", sizes=(64, 30, 10), seed=1))
    p = RacePanel(session)
    qtbot.addWidget(p)
    p.show()
    yield p
    session.shutdown()


def test_counts_are_shown_before_any_race(panel):
    c = counts([64, 30, 10])
    assert panel.cells["fd", "passes"].text() == f"{c.fd_passes:,}"
    assert panel.cells["fd", "madds"].text() == f"{c.finite_differences:,}"
    assert panel.cells["bp", "madds"].text() == f"{c.backprop:,}"
    assert panel.cells["ratio", "madds"].text() == f"× {number(c.ratio)}"
    assert f"{c.parameters:,}" in panel.network.text()


def test_race_runs_in_slices_stops_and_finishes(panel, qtbot):
    panel.start()
    assert panel.running and not panel.run_button.isEnabled()  # the first slice returned: the window is live
    first = panel.result.done
    assert first < panel.race.total
    with qtbot.waitSignal(panel.finished, timeout=60_000) as stopped:
        panel.stop()
    partial = stopped.args[0]
    assert not partial.finished and not panel.running and panel.run_button.isEnabled()
    assert "Stopped" in panel.progress_note.text()
    assert panel.cells["fd", "time"].text() == f"≈ {seconds(partial.projected_fd_seconds)}"
    with qtbot.waitSignal(panel.finished, timeout=60_000) as done:
        panel.start()
    r = done.args[0]
    assert r.finished and r.done == r.total == 64 * 30 + 30 + 30 * 10 + 10
    assert r.max_difference < 1e-5 and max(r.layer_errors) < 1e-5
    assert panel.progress.value() == r.total
    assert panel.cells["fd", "time"].text() == seconds(r.fd_seconds)
    assert panel.cells["ratio", "time"].text() == f"× {number(r.time_ratio)}"
    assert "Relative difference per layer: l = 2" in panel.agreement.text()


def test_a_new_network_stops_the_race_and_recounts(panel):
    panel.start()
    s = panel.session
    s.apply_config(SessionConfig(dataset="digits", sizes=(64, 12, 10), seed=1))
    assert not panel.running
    assert panel.cells["fd", "passes"].text() == f"{counts([64, 12, 10]).fd_passes:,}"
    assert panel.cells["fd", "time"].text() == "—"
