"""File ▸ Open network or data…: the command line's opening, from the window; a bad file changes nothing."""

import json

import numpy as np
import pytest

from visualbp.core.config import SessionConfig
from visualbp.core.network import Network
from visualbp.gui import open_other


@pytest.fixture
def window(main_window):
    """The module's main window (tests/gui/conftest.py), back at the default settings."""
    assert main_window.session.config == SessionConfig()
    return main_window


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


TORCH_MODELS = __import__("pathlib").Path(__file__).parents[1] / "core" / "torch_models"


def test_a_pytorch_state_dict_asks_for_its_activation_and_opens_on_its_data(window, tmp_path, monkeypatch):
    asked = []

    def get_item(parent, title, label, items, current, editable):
        asked.append(label)
        return next(i for i in items if i.startswith("ReLU")), True

    monkeypatch.setattr(open_other.QInputDialog, "getItem", get_item)
    data = tmp_path / "four.csv"
    data.write_text("\n".join(f"{i % 3},{i % 5},{i % 7},{i % 2},{'abc'[i % 3]}" for i in range(30)))
    model = TORCH_MODELS / "relu_4_5_3.pt"
    assert open_other.open_paths(window.files, [str(model), str(data)])
    assert len(asked) == 1 and "relu_4_5_3.pt holds the weights and biases" in asked[0]
    session = window.session
    assert session.config.sizes == (4, 5, 3) and session.config.activation == "relu"
    assert session.net.activation.name == "relu" and session.config.dataset == "file"
    expected = json.loads(model.with_suffix(".json").read_text())["state_dict"]
    assert np.array_equal(session.net.weights[1], np.array(expected["2.weight"]))
    assert "PyTorch state_dict, Linear layers '0', '2'; hidden activation relu" in window.status_label.text()
    session.reset()  # Reset returns to the model's weights
    assert np.array_equal(session.net.biases[0].ravel(), np.array(expected["0.bias"]))


def test_cancelling_the_question_opens_nothing_and_a_pickled_model_is_refused(window, monkeypatch):
    monkeypatch.setattr(open_other.QInputDialog, "getItem", lambda *args: ("", False))
    config, weights = window.session.config, window.session.net.weights[0].copy()
    assert not open_other.open_paths(window.files, [str(TORCH_MODELS / "sigmoid_2_3_2.pt")])
    assert window.session.config == config and np.array_equal(window.session.net.weights[0], weights)
    shown = []
    monkeypatch.setattr(open_other.QMessageBox, "warning", lambda *args: shown.append(args[2]))
    assert not open_other.open_paths(window.files, [str(TORCH_MODELS / "whole_model.pt")])  # not asked: refused
    assert len(shown) == 1 and "a whole pickled model" in shown[0] and "state_dict()" in shown[0]
    assert window.session.config == config
