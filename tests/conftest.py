"""Test setup: Qt draws offscreen (no display on CI), and the core stays deterministic."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The suite never touches the user's own settings, autosave or data: Qt's QSettings and QStandardPaths follow
# the XDG folders, the autosave VISUALBP_DATA_DIR. All of them point into one scratch folder, removed at exit
# (subprocesses the tests start inherit them).
_PRIVATE_HOME = tempfile.mkdtemp(prefix="visualbp-tests-")
atexit.register(shutil.rmtree, _PRIVATE_HOME, ignore_errors=True)
for _name, _sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                    ("XDG_STATE_HOME", "state"), ("VISUALBP_DATA_DIR", "visualbp-data")):
    os.environ[_name] = os.path.join(_PRIVATE_HOME, _sub)
    os.makedirs(os.environ[_name], exist_ok=True)
# With PYTHONDONTWRITEBYTECODE set (as on the shared build machine), each of the dozens of Python processes a
# run starts (the app, the screen driver, live_app.py) compiled visualbp's ~130 modules again: 0.1-0.2 s of CPU
# apiece. They share their compiled code in the scratch folder instead (the xdist workers too, which inherit
# it from the main process); nothing is written beside the sources and nothing outlives the run.
if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX"):
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(_PRIVATE_HOME, "pycache")
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


#: The modules with the longest single tests (subprocesses that train or start the app, fuzzing through the
#: window, the boundary of a 20,000-neuron layer), run first: pytest-xdist hands out the rest as workers free up,
#: so the two workers finish together instead of one waiting for the other's last long test.
LONGEST_FIRST = ("tests/gui/test_screens.py", "tests/gui/test_recovery.py", "tests/gui/test_lecture_type.py",
                 "tests/gui/network/test_graph_text.py", "tests/gui/test_display_check.py",
                 "tests/gui/test_session_headers.py", "tests/gui/test_soak_short.py", "tests/gui/test_wide_layers.py")


def pytest_collection_modifyitems(config, items):
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: the rest keep their order
