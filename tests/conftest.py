"""Test setup: Qt draws offscreen (no display on CI), and the core stays deterministic."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app runs (visualbp/core/blas.py)

from visualbp.core.blas import limit_blas_threads  # noqa: E402

limit_blas_threads()

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _widgets_live_until_qtbot_closes_them(monkeypatch):
    """pytest-qt holds the widgets given to ``qtbot.addWidget`` weakly and closes, at teardown, those still
    alive. The views are freed the moment their last reference goes (no reference cycles: see
    tests/gui/test_no_reference_cycles.py), so a test that drops its window would have it deleted without
    ever being closed (no closeEvent: presentation mode, say, never ended). Keep them until then."""
    from pytestqt.qtbot import QtBot

    kept = []
    add_widget = QtBot.addWidget

    def keep_and_add(self, widget, *args, **kwargs):
        kept.append(widget)
        return add_widget(self, widget, *args, **kwargs)

    monkeypatch.setattr(QtBot, "addWidget", keep_and_add)
    yield  # pytest-qt closes the widgets before fixtures are torn down; then they may go
    kept.clear()
