"""PyTorch state_dicts read without torch: real files torch wrote (tests/core/torch_models, made by
make_fixtures.py there), files built by hand in torch's format, and files that must be refused — code, other
names, other layers, wrong shapes, sizes past the limits. With torch installed, a round trip through it too."""

from __future__ import annotations

import json
import struct
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from visualbp.core.activations import sigmoid
from visualbp.core.model_import import ModelFileError, load_model, matching_dataset
from visualbp.core.openpath import kind_of, plan

MODELS = Path(__file__).parent / "torch_models"


# ----------------------------------------------------------------- torch's format, written by hand
def _unicode(text: str) -> bytes:
    data = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(data)) + data


def _int(n: int) -> bytes:
    if 0 <= n < 2**31:
        return b"J" + struct.pack("<i", n)
    data = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
    return b"\x8a" + bytes([len(data)]) + data


def _ints(values) -> bytes:
    return b"(" + b"".join(_int(v) for v in values) + b"t"


def _tensor(key: str, size, stride, offset: int, numel: int, storage: str = "FloatStorage") -> bytes:
    """The opcodes torch.save writes for one tensor: _rebuild_tensor_v2(persistent storage, offset, size, …)."""
    pid = b"(" + _unicode("storage") + f"ctorch\n{storage}\n".encode() + _unicode(key) + _unicode("cpu") \
        + _int(numel) + b"tQ"
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + pid + _int(offset) + _ints(size) + _ints(stride)
            + b"\x89ccollections\nOrderedDict\n)Rt" + b"R")


def state_pickle(tensors: dict[str, bytes]) -> bytes:
    """An OrderedDict of name → tensor opcodes, pickled as torch.save pickles a state_dict."""
    items = b"".join(_unicode(name) + t for name, t in tensors.items())
    return b"\x80\x02ccollections\nOrderedDict\n)R(" + items + b"u."


def torch_zip(path: Path, pkl: bytes, storages: dict[str, bytes], byteorder: bytes = b"little") -> Path:
    """A torch.save archive: folder/data.pkl, folder/data/<key>, byteorder and version, stored uncompressed."""
    folder = path.stem
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{folder}/data.pkl", pkl)
        z.writestr(f"{folder}/byteorder", byteorder)
        for key, data in storages.items():
            z.writestr(f"{folder}/data/{key}", data)
        z.writestr(f"{folder}/version", b"3\n")
    return path


def linear_file(path: Path, ws: list[np.ndarray], bs: list[np.ndarray], names=None) -> Path:
    """A state_dict of Linear layers ('0', '2', …), each tensor its own float32 storage."""
    tensors, storages = {}, {}
    for i, (w, b) in enumerate(zip(ws, bs)):
        prefix = names[i] if names else str(2 * i)
        for suffix, a in (("weight", w), ("bias", b)):
            key = str(len(storages))
            a = np.asarray(a, dtype="<f4")
            tensors[f"{prefix}.{suffix}"] = _tensor(key, a.shape, tuple(s // 4 for s in a.strides), 0, a.size)
            storages[key] = a.tobytes()
    return torch_zip(path, state_pickle(tensors), storages)


# ----------------------------------------------------------------- real files torch wrote
@pytest.mark.parametrize("name, activation", [("sigmoid_2_3_2", "sigmoid"), ("relu_4_5_3", "relu"),
                                              ("checkpoint_tanh_3_4_2", "tanh")])
def test_files_torch_wrote_give_its_weights_and_its_outputs(name, activation):
    expected = json.loads((MODELS / f"{name}.json").read_text())
    model = load_model(MODELS / f"{name}.pt", activation)
    state = expected["state_dict"]
    layers = sorted({k.rsplit(".", 1)[0] for k in state}, key=int)
    assert model.sizes == (len(state[f"{layers[0]}.weight"][0]), *(len(state[f"{p}.bias"]) for p in layers))
    for l, p in enumerate(layers):  # float32 → float64 exactly
        assert np.array_equal(model.weights[l], np.array(state[f"{p}.weight"]))
        assert np.array_equal(model.biases[l].ravel(), np.array(state[f"{p}.bias"]))
    net = model.network()
    assert net.activation.name == activation and net.output_activation.name == "sigmoid"
    out = net.feedforward(np.array(expected["inputs"]).T).T
    torch_out = np.array(expected["outputs"])
    if expected["outputs_are"] == "logits":  # visualbp's output layer is σ: the same class, σ of torch's logits
        torch_out = sigmoid(torch_out)
    assert np.allclose(out, torch_out, atol=1e-6)
    assert np.array_equal(out.argmax(axis=1), np.array(expected["outputs"]).argmax(axis=1))
    assert f"hidden activation {activation}, output σ" in model.note and not model.activation_assumed


def test_without_an_activation_sigmoid_is_assumed_and_said(tmp_path):
    model = load_model(MODELS / "sigmoid_2_3_2.pt")
    assert model.activation == "sigmoid" and model.activation_assumed and matching_dataset(model) == "moons"
    assert "hidden activation sigmoid (assumed: a state_dict does not record it)" in model.note
    assert model.with_activation("tanh").network().activation.name == "tanh"
    assert kind_of(MODELS / "sigmoid_2_3_2.pt") == "model"
    opened = plan([str(MODELS / "relu_4_5_3.pt")], activation="relu")
    assert opened.model.activation == "relu" and opened.model.sizes == (4, 5, 3)
    with pytest.raises(ModelFileError, match="sigmoid, tanh or relu, not 'softmax'"):
        load_model(MODELS / "relu_4_5_3.pt", "softmax")


@pytest.mark.parametrize("name, words", [
    ("whole_model.pt", "data.pkl asks for torch.nn.modules.container.Sequential: a whole pickled model"),
    ("torchscript.pt", "a TorchScript archive"),
    ("conv.pt", "layer '0' (weight, bias) is a convolution, not a Linear layer"),
    ("batchnorm.pt", "layer '1' (weight, bias, running_mean, running_var, num_batches_tracked) is a BatchNorm layer"),
    ("legacy.pt", "a Python pickle (a PyTorch file in the format of torch before 1.6"),
])
def test_files_torch_wrote_that_are_not_a_linear_state_dict_are_refused_with_the_reason(name, words):
    with pytest.raises(ModelFileError) as excinfo:
        plan([str(MODELS / name)])
    message = str(excinfo.value)
    assert message.startswith(str(MODELS / name)) and words in message and "\n" not in message
    assert "state_dict" in message or "Linear" in message  # says what would be read


# ----------------------------------------------------------------- the format's corners, by hand
def test_views_share_storages_with_offsets_and_strides(tmp_path):
    w = np.arange(6, dtype="<f4").reshape(2, 3) / 8  # stored transposed: torch.save(w.t().contiguous().t())
    stored = np.ascontiguousarray(w.T)
    both = np.array([0.5, -0.25, 9.0], dtype="<f4")  # one storage: b = both[1:3] (offset 1)
    pkl = state_pickle({"fc.weight": _tensor("0", (2, 3), (1, 2), 0, 6),
                        "fc.bias": _tensor("1", (2,), (1,), 1, 3)})
    model = load_model(torch_zip(tmp_path / "v.pt", pkl, {"0": stored.tobytes(), "1": both.tobytes()}))
    assert np.array_equal(model.weights[0], w) and np.array_equal(model.biases[0].ravel(), [-0.25, 9.0])
    assert "Linear layers 'fc'" in model.note


def test_double_half_and_bfloat16_storages_and_layers_without_bias(tmp_path):
    w64 = np.array([[0.1, -2.0]], dtype="<f8")
    w16 = np.array([[1.5], [-0.75]], dtype="<f2")
    bf16 = (np.array([0.5, -3.0], dtype="<f4").view("<u4") >> 16).astype("<u2")
    pkl = state_pickle({"a.weight": _tensor("0", (1, 2), (2, 1), 0, 2, "DoubleStorage"),
                        "b.weight": _tensor("1", (2, 1), (1, 1), 0, 2, "HalfStorage"),
                        "b.bias": _tensor("2", (2,), (1,), 0, 2, "BFloat16Storage")})
    model = load_model(torch_zip(tmp_path / "d.pt", pkl, {"0": w64.tobytes(), "1": w16.tobytes(),
                                                          "2": bf16.tobytes()}))
    assert model.sizes == (2, 1, 2)
    assert np.array_equal(model.weights[0], w64) and np.array_equal(model.weights[1], w16.astype(float))
    assert np.array_equal(model.biases[0], [[0.0]]) and np.array_equal(model.biases[1].ravel(), [0.5, -3.0])


def test_a_pickle_that_would_run_a_command_is_refused_and_runs_nothing(tmp_path):
    ran = tmp_path / "ran"
    for module, name in (("posix", "system"), ("os", "system"), ("builtins", "eval")):
        evil = b"\x80\x02" + f"c{module}\n{name}\n".encode() + b"(" + _unicode(f"touch {ran}") + b"tR."
        path = torch_zip(tmp_path / f"{name}.pt", evil, {})
        with pytest.raises(ModelFileError, match=f"asks for {module}.{name}, which a state_dict of tensors never"):
            load_model(path)
        assert not ran.exists()
    custom = torch_zip(tmp_path / "custom.pt", b"\x80\x02c__main__\nNet\n)\x81.", {})
    with pytest.raises(ModelFileError, match="asks for __main__.Net: a whole pickled model"):
        load_model(custom)


def _build(name: str, value: bytes) -> bytes:
    """The BUILD opcode with state (None, {name: value}): setattr on the object on the stack."""
    return b"N}" + _unicode(name) + value + b"s\x86b"


def test_a_pickle_cannot_change_what_was_checked_or_the_reader_itself(tmp_path):
    moved = state_pickle({"0.weight": _tensor("0", (3, 2), (2, 1), 0, 6) + _build("offset", _int(10**6))})
    with pytest.raises(ModelFileError, match="tries to change an object after making it"):
        load_model(torch_zip(tmp_path / "moved.pt", moved, {"0": bytes(24)}))  # read far past the storage
    for target, attribute, value in (("torch\nFloatStorage", "dtype", _unicode("<f2")),
                                     ("torch._utils\n_rebuild_tensor_v2", "__defaults__", b"(J\x00\x00\x00\x00t"),
                                     ("collections\nOrderedDict", "fn", b"N")):
        evil = b"\x80\x02c" + target.encode() + b"\n" + _build(attribute, value) + b"."
        with pytest.raises(ModelFileError, match="tries to change an object after making it"):
            load_model(torch_zip(tmp_path / "evil.pt", evil, {}))
    expected = json.loads((MODELS / "sigmoid_2_3_2.json").read_text())["state_dict"]
    assert np.array_equal(load_model(MODELS / "sigmoid_2_3_2.pt").weights[0], expected["0.weight"])  # unharmed


@pytest.mark.parametrize("tensors, storages, words", [
    ({"0.weight": _tensor("0", (3, 2), (2, 1), 0, 6), "0.bias": _tensor("1", (3,), (1,), 0, 3),
      "2.weight": _tensor("2", (2, 4), (4, 1), 0, 8), "2.bias": _tensor("3", (2,), (1,), 0, 2)},
     {"0": bytes(24), "1": bytes(12), "2": bytes(32), "3": bytes(8)},
     r"2\.weight has shape \(2, 4\), expected \(2, 3\)"),
    ({"0.weight": _tensor("0", (3, 2), (2, 1), 0, 6), "0.bias": _tensor("1", (4,), (1,), 0, 4)},
     {"0": bytes(24), "1": bytes(16)}, r"0\.bias has shape \(4,\), expected \(3,\)"),
    ({"0.weight": _tensor("0", (3, 2), (2, 1), 1, 6)}, {"0": bytes(24)}, "reaches past the end of its storage"),
    ({"0.weight": _tensor("0", (3, 2), (2, 1), 0, 6)}, {"0": bytes(20)}, "should be 24 bytes, it is 20 bytes"),
    ({"0.weight": _tensor("0", (3, 2), (2, 1), 0, 6)}, {}, "should be 24 bytes, it is missing"),
    ({"0.weight": _tensor("0", (3, 2), (2, 1), 0, 6)}, {"0": bytes(4000)}, "4,000 bytes, more than the 24"),
    ({"0.weight": _tensor("0", (3, 2), (2, 1), 0, 6), "0.scale": _tensor("1", (3,), (1,), 0, 3)},
     {"0": bytes(24), "1": bytes(12)}, "layer '0' has weight, scale: not a Linear layer"),
    ({"0.weight": _tensor("0", (3,), (1,), 0, 3)}, {"0": bytes(12)}, "is a normalisation layer"),
    ({"lstm.weight_ih_l0": _tensor("0", (4, 2), (2, 1), 0, 8)}, {"0": bytes(32)}, "is a recurrent layer"),
    ({"0.weight": _tensor("0", (3, 2), (2, 1), 0, 6)}, {"0": np.full(6, np.nan, "<f4").tobytes()},
     "NaN or infinite"),
    ({"0.weight": _tensor("0", (100_000, 300), (300, 1), 0, 30_000_000)}, {},
     "hold 30,000,000 numbers, more than visualbp's largest network"),
    ({"0.weight": _tensor("0", (2, 2), (2, 1), 0, 5 * 10**9)}, {}, "more than visualbp's largest network"),
])
def test_bad_state_dicts_are_refused_naming_the_file_and_the_entry(tmp_path, tensors, storages, words):
    path = torch_zip(tmp_path / "bad.pt", state_pickle(tensors), storages)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=words) as excinfo:
            load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(excinfo.value).startswith(f"{path}: ") and "\n" not in str(excinfo.value)
    assert peak < 16 * 2**20  # nothing the file claims is allocated


@pytest.mark.parametrize("pkl, words", [
    (b"\x80\x02]q\x00.", "holds a Python list, not a state_dict"),
    (b"\x80\x02}q\x00.", "the state_dict is empty"),
    (b"\x80\x02}(X\x01\x00\x00\x00aK\x01u.", "a holds a Python int, not a tensor"),
    (b"\x80\x02ccollections\nOrderedDict\n", "data.pkl is not a readable pickle"),
    (b"\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuJ\x01\x00\x00"
     b"\x00tQ.", "holds a bare storage, not a state_dict"),
    (b"\x80\x02(X\x04\x00\x00\x00filectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x01tQ.",
     "an unknown persistent id"),
])
def test_pickles_that_are_not_a_state_dict_are_named(tmp_path, pkl, words):
    with pytest.raises(ModelFileError, match=words):
        load_model(torch_zip(tmp_path / "odd.pt", pkl, {}))


def test_archive_level_limits(tmp_path, monkeypatch):
    from visualbp.core import torch_state

    w, b = np.ones((3, 2), "<f4"), np.zeros(3, "<f4")
    path = linear_file(tmp_path / "ok.pt", [w], [b])
    monkeypatch.setattr(torch_state, "MAX_PICKLE_BYTES", 50)
    with pytest.raises(ModelFileError, match=r"ok.pt: ok/data.pkl is \d+ bytes, more than the 50 it may be"):
        load_model(path)
    monkeypatch.undo()
    with pytest.raises(ModelFileError, match="be.pt: the numbers are stored big-endian"):
        load_model(torch_zip(tmp_path / "be.pt", state_pickle({}), {}, b"big"))
    many = torch_zip(tmp_path / "many.pt", state_pickle({}), {str(i): b"" for i in range(10_001)})
    with pytest.raises(ModelFileError, match="many.pt: the archive lists 10,00[0-9] members"):
        load_model(many)


def test_an_npz_is_still_an_npz_and_a_pt_name_alone_is_no_model(tmp_path):
    npz = tmp_path / "weights.pt"
    np.savez(npz, w2=np.ones((2, 2)), b2=np.ones(2))
    npz = npz.with_name("weights.pt.npz")
    assert load_model(npz).sizes == (2, 2) and load_model(npz).note == ""
    text = tmp_path / "notes.pt"
    text.write_text("hello")
    assert kind_of(text) == "model"
    with pytest.raises(ModelFileError, match="notes.pt: not a model visualbp reads .a PyTorch state_dict"):
        load_model(text)


# ----------------------------------------------------------------- with torch itself, when it is installed
def test_a_round_trip_through_torch(tmp_path):
    torch = pytest.importorskip("torch", reason="torch is not installed (CI has none; the files torch wrote "
                                                "in tests/core/torch_models are read above without it)")
    from torch import nn

    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3), nn.Sigmoid())
    path = tmp_path / "m.pt"
    torch.save(model.state_dict(), path)
    ours = load_model(path, "tanh")
    theirs = torch.load(path, weights_only=True)
    for l, p in enumerate(("0", "2", "4")):
        assert np.array_equal(ours.weights[l], theirs[f"{p}.weight"].double().numpy())
        assert np.array_equal(ours.biases[l].ravel(), theirs[f"{p}.bias"].double().numpy())
    x = torch.rand(7, 4)
    with torch.no_grad():
        expected = model.double()(x.double()).numpy()
    assert np.allclose(ours.network().feedforward(x.double().numpy().T).T, expected, atol=1e-12)
    # and torch reads the files this test writes by hand as the same numbers
    w, b = np.arange(6, dtype="<f4").reshape(3, 2), np.array([1, 2, 3], "<f4")
    hand = torch.load(linear_file(tmp_path / "hand.pt", [w], [b]), weights_only=True)
    assert np.array_equal(hand["0.weight"].numpy(), w) and np.array_equal(hand["0.bias"].numpy(), b)
