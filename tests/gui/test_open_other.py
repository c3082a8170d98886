"""File ▸ Open network or data…: the command line's opening, from the window; a bad file changes nothing."""

import json

import numpy as np
import pytest

from visualbp.core.network import Network
from visualbp.gui import open_other
from visualbp.gui.main_window import MainWindow
from visualbp.gui.session import Session


@pytest.fixture
def window(qtbot):
    session = Session()
    w = MainWindow(session, remember_layout=False, recovery=False)
    qtbot.addWidget(w)
    yield w
    session.shutdown()


def test_a_network2_model_that_fits_opens_on_the_data_open_now(window, tmp_path):
    net = Network([2, 7, 2], seed=9)
    path = tmp_path / "net.json"
    path.write_text(json.dumps({"sizes": net.sizes, "weights": [w.tolist() for w in net.weights],
                                "biases": [b.tolist() for b in net.biases], "cost": "QuadraticCost"}))
    data = window.session.dataset
    assert open_other.open_paths(window.files, [str(path)])
    assert window.session.dataset is data and window.session.config.sizes == (2, 7, 2)
    assert np.array_equal(window.session.net.weights[0], net.weights[0])
    assert "Opened the network" in window.status_label.text()


def test_a_csv_opens_as_the_data(window, tmp_path):
    path = tmp_path / "pets.csv"
    path.write_text("w,h,kind\n" + "\n".join(f"{i},{i % 5},{'cat' if i % 2 else 'dog'}" for i in range(20)))
    assert open_other.open_paths(window.files, [str(path)])
    assert window.session.dataset.class_names == ("dog", "cat") and window.session.config.dataset == "file"


def test_a_bad_file_is_a_message_and_the_session_is_unchanged(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(open_other.QMessageBox, "warning", lambda *args: shown.append(args[2]))
    path = tmp_path / "w.npz"
    np.savez(path, w2=np.ones((3, 9)), b2=np.ones(3))
    config = window.session.config
    assert not open_other.open_paths(window.files, [str(path)])
    assert window.session.config == config
    assert len(shown) == 1 and "w.npz: a model with 9 inputs and 3 outputs fits no built-in dataset" in shown[0]
