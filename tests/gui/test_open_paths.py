"""visualbp PATH and --data: sessions, networks from elsewhere and data files, told by content."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from visualbp.app import build_parser, main, open_lesson, settings_from_args
from visualbp.core.network import Network
from visualbp.core.openpath import kind_of
from visualbp.gui import theme
from visualbp.gui.session import Session

IRIS = "sepal length,sepal width,petal length,species\n" + "\n".join(
    f"{5 + 0.1 * i},{3 + 0.05 * (i % 7)},{1 + 0.2 * (i % 3)},{('setosa', 'versicolor', 'virginica')[i % 3]}"
    for i in range(30)) + "\n"


def opened(qtbot, tmp_path, *argv: str):
    """The window and session ``visualbp ARGV`` opens (built as for --screenshot)."""
    theme.apply()
    args = build_parser().parse_args([*argv, "--screenshot", str(tmp_path / "unused.png")])
    config, demo = settings_from_args(args)
    window, session = open_lesson(args, config, demo)
    qtbot.addWidget(window)
    return window, session


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("visualbp: ") and "Traceback" not in err, err
    return lines[0]


def idx_pair(folder: Path) -> tuple[Path, Path]:
    images, labels = folder / "imgs", folder / "labs"
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(20, 4, 4), dtype=np.uint8)
    images.write_bytes(b"\0\0\x08\x03" + struct.pack(">3I", 20, 4, 4) + pixels.tobytes())
    labels.write_bytes(b"\0\0\x08\x01" + struct.pack(">I", 20) + (np.arange(20) % 3).astype(np.uint8).tobytes())
    return images, labels


def test_a_csv_with_text_labels_opens_from_the_command_line(qtbot, tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text(IRIS)
    for argv in ([str(path)], ["--data", str(path)]):
        _window, session = opened(qtbot, tmp_path, *argv)
        assert session.dataset.class_names == ("setosa", "versicolor", "virginica")
        assert session.config.sizes[0] == 3 and session.config.sizes[-1] == 3
        assert "standardised" in session.dataset.description
        session.shutdown()


def test_an_idx_pair_opens_in_either_order(qtbot, tmp_path):
    images, labels = idx_pair(tmp_path)
    assert (kind_of(images), kind_of(labels)) == ("idx", "idx")
    _window, session = opened(qtbot, tmp_path, str(labels), str(images))
    assert session.dataset.image_shape == (4, 4) and session.config.sizes[-1] == 3
    session.shutdown()


def test_a_saved_session_reopens_where_it_was(qtbot, tmp_path):
    first = Session()
    for _ in range(25):
        first.step()
    path = tmp_path / "lesson.vbp"
    first.save(str(path))
    weights = [w.copy() for w in first.engine.batch_start_parameters()[0]]
    first.shutdown()
    assert kind_of(path) == "session"
    window, session = opened(qtbot, tmp_path, str(path))
    assert window.files.path == str(path)
    for a, b in zip(session.net.weights, weights):
        assert np.array_equal(a, b)
    session.shutdown()


def test_network2_json_opens_on_mnist_with_its_weights(qtbot, tmp_path):
    net = Network([784, 20, 10], seed=4)
    path = tmp_path / "trained.json"
    path.write_text(json.dumps({"sizes": net.sizes, "weights": [w.tolist() for w in net.weights],
                                "biases": [b.tolist() for b in net.biases], "cost": "CrossEntropyCost"}))
    _window, session = opened(qtbot, tmp_path, str(path), "--steps", "3")
    assert session.config.dataset == "mnist" and session.config.cost == "cross-entropy"
    assert session.engine.step_index == 3
    session.reset()  # Reset returns to the imported weights
    for a, b in zip(session.net.weights + session.net.biases, net.weights + net.biases):
        assert np.array_equal(a, b)
    session.shutdown()


def test_an_npz_model_opens_on_the_data_given(qtbot, tmp_path):
    data = tmp_path / "iris.csv"
    data.write_text(IRIS)
    model = tmp_path / "model.npz"
    rng = np.random.default_rng(1)
    np.savez(model, weights_0=rng.normal(size=(5, 3)), biases_0=rng.normal(size=5),
             weights_1=rng.normal(size=(3, 5)), biases_1=rng.normal(size=3))
    _window, session = opened(qtbot, tmp_path, str(model), "--data", str(data))
    assert session.config.sizes == (3, 5, 3) and session.dataset.name == "iris"
    assert np.array_equal(session.net.weights[1], np.load(model)["weights_1"])
    session.shutdown()


@pytest.mark.parametrize("make, argv, words", [
    (lambda p: None, ["missing.vbp"], "missing.vbp: no such file"),
    (lambda p: (p / "bad.vbp").write_text("1,2\n"), ["bad.vbp"], "bad.vbp: not a visualbp session"),
    (lambda p: np.savez(p / "m.npz", w2=np.ones((2, 5)), b2=np.ones(2)), ["m.npz"],
     "m.npz: a model with 5 inputs and 2 outputs fits no built-in dataset; open it with its data (--data PATH"),
    (lambda p: (p / "n.json").write_text('{"sizes": [2, 2], "weights": [[[1]]], "biases": [[[0], [0]]]}'),
     ["n.json"], "n.json: weights[0] has shape (1, 1), expected (2, 2)"),
    (lambda p: (p / "a.csv").write_text("1,2,0\n3,4,1\n"), ["a.csv", "a.csv", "a.csv"], "data is one CSV file"),
    (lambda p: (p / "a.csv").write_text("1,2,cat\n3,4,7\n"), ["--data", "a.csv"], "a.csv: line 2, column 3"),
])
def test_a_bad_path_is_one_line_naming_the_file(tmp_path, capsys, monkeypatch, make, argv, words):
    monkeypatch.chdir(tmp_path)
    make(tmp_path)
    assert main(argv) == 2
    assert words in one_error_line(capsys)


def test_a_pytorch_state_dict_opens_with_the_activation_the_command_line_names(qtbot, tmp_path, capsys):
    model = Path(__file__).parents[1] / "core" / "torch_models" / "sigmoid_2_3_2.pt"
    window, session = opened(qtbot, tmp_path, str(model), "--activation", "tanh")
    try:
        state = json.loads(model.with_suffix(".json").read_text())["state_dict"]
        assert session.config.dataset == "moons" and session.config.sizes == (2, 3, 2)
        assert session.net.activation.name == "tanh" and session.net.output_activation.name == "sigmoid"
        assert np.array_equal(session.net.weights[0], np.array(state["0.weight"]))
    finally:
        session.shutdown()
    assert main([str(model.with_name("torchscript.pt")), "--screenshot", str(tmp_path / "x.png")]) == 2
    assert "torchscript.pt: a TorchScript archive" in one_error_line(capsys)
    assert main([str(model), "--screenshot", str(tmp_path / "y.png")]) == 0  # no --activation: sigmoid, said so
    assert "hidden activation sigmoid (assumed: a state_dict does not record it)" in capsys.readouterr().err
