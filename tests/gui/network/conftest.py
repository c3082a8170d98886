"""The network view's tests: a session and a view of it, shown at 1000×700."""



import pytest

from visualbp.gui import theme
from visualbp.gui.network import NetworkView
from visualbp.gui.session import Session


@pytest.fixture
def session():
    theme.apply()
    s = Session()
    yield s
    s.shutdown()


@pytest.fixture
def view(qtbot, session):
    v = NetworkView(session)
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    qtbot.waitExposed(v)
    return v
