"""What a path on the command line is, told by its content, and the plan made of several."""

import gzip
import struct

import numpy as np
import pytest

from visualbp.core.network import Network
from visualbp.core.openpath import OpenError, kind_of, plan
from visualbp.core.sessionio import save_network


def test_kinds_by_content(tmp_path):
    net = tmp_path / "saved.npz"
    save_network(net, Network([2, 3, 2], seed=1))
    weights = tmp_path / "weights.bin"  # an .npz of plain arrays, whatever its name
    with open(weights, "wb") as f:
        np.savez(f, w2=np.ones((2, 2)), b2=np.ones(2))
    (tmp_path / "model.txt").write_text('  {"sizes": [2, 2]}')
    (tmp_path / "data.csv").write_text("1,2,0\n")
    idx = tmp_path / "labels.gz"
    idx.write_bytes(gzip.compress(b"\0\0\x08\x01" + struct.pack(">I", 2) + b"\x00\x01"))
    assert [kind_of(tmp_path / n) for n in ("saved.npz", "weights.bin", "model.txt", "data.csv", "labels.gz")] == \
        ["network", "model", "model", "csv", "idx"]


@pytest.mark.parametrize("name, content, words", [
    ("x.vbp", b"not a zip", "x.vbp: not a visualbp session"),
    ("x.npz", b"1,2,3", "x.npz: not a NumPy .npz archive"),
    ("x.bin", b"\x00\x01\x02\xff" * 10, "x.bin: not a file visualbp opens"),
    ("empty.csv", b"", "empty.csv: the file is empty"),
])
def test_unknown_or_damaged_files_are_named(tmp_path, name, content, words):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(OpenError, match=words.replace(".", r"\.")):
        kind_of(tmp_path / name)


def test_a_saved_network_becomes_the_model_to_open(tmp_path):
    path = tmp_path / "n.npz"
    net = Network([2, 5, 2], "tanh", seed=2)
    save_network(path, net)
    opened = plan([str(path)])
    assert opened.model.sizes == (2, 5, 2) and opened.model.activation == "tanh"
    assert np.array_equal(opened.model.weights[0], net.weights[0]) and opened.session is None


def test_a_lone_idx_file_asks_for_its_partner(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(b"\0\0\x08\x01" + struct.pack(">I", 2) + b"\x00\x01")
    with pytest.raises(OpenError, match="needs its partner"):
        plan([str(path)])
