"""Weights trained outside visualbp: the book's ``network2.py`` JSON and a NumPy ``.npz`` of arrays.

* ``network2.py``'s ``Network.save(filename)`` writes JSON ``{"sizes": [...], "weights": [...],
  "biases": [...], "cost": "CrossEntropyCost" | "QuadraticCost"}``: ``weights[i]`` is w^{i+2}, a
  (sizes[i+1] × sizes[i]) nested list, ``biases[i]`` is b^{i+2}, a (sizes[i+1] × 1) nested list.
  Its neurons are all sigmoid.
* An ``.npz`` (NumPy's ``savez``, no pickles) holding either the book's names ``w2, b2, w3, b3, …``
  (w^l of shape (n_l × n_{l−1}), b^l of shape (n_l,) or (n_l × 1)) or ``weights_0, biases_0,
  weights_1, …`` (layer i+2). Sigmoid neurons and the quadratic cost are assumed unless the file has a
  ``cost`` array holding ``"quadratic"`` or ``"cross-entropy"``.
* A PyTorch state_dict of an ``nn.Sequential`` of ``Linear`` layers (``torch.save(model.state_dict(),
  path)``), read without torch and without unpickling code (``core.torch_state``). It records no activation:
  the hidden layers' is the ``activation`` given (the command line's ``--activation``, the Open dialog's
  question), sigmoid when none is; the output layer is σ; the cost quadratic.

Everything is checked before a Network exists — a regular file of at most ``MAX_MODEL_BYTES``, the
shapes chained (each w^l's columns are the previous layer's rows), the sizes within the core's limits,
every number finite — and a problem raises ``ModelFileError`` naming the file.

It leaves out: other activations in network2.py JSON and .npz files, whole pickled PyTorch models and
TorchScript (code), Keras files, and biases absent from an .npz or JSON file.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from visualbp.core import checks
from visualbp.core.costs import COSTS
from visualbp.core.network import Network
from visualbp.core.torch_state import (
    SUPPORTED,
    TorchFileError,
    check_directory,
    is_torch_zip,
    linear_layers,
    read_state_dict,
)

__all__ = ["MAX_MODEL_BYTES", "ImportedModel", "ModelFileError", "load_model", "matching_dataset"]

#: Largest model file read (and, for an .npz, unpacked): the core's largest network
#: (checks.MAX_PARAMETERS float64 numbers) is 160 MB in binary, a few times that as JSON text.
MAX_MODEL_BYTES = 1024**3

_NETWORK2_COSTS = {"CrossEntropyCost": "cross-entropy", "QuadraticCost": "quadratic"}

#: (inputs, outputs) → the built-in dataset a model of that shape was most likely trained on.
_BUILTIN_FOR = {(784, 10): "mnist", (64, 10): "digits", (2, 2): "moons"}


class ModelFileError(ValueError):
    """A model file that cannot be opened; the message names the file and the problem."""


@dataclass(frozen=True)
class ImportedModel:
    """Checked weights w^l and biases b^l (l = 2 … L, as (n_l × n_{l−1}) and (n_l × 1) float64 arrays)."""

    source: str
    sizes: tuple[int, ...]
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    cost: str = "quadratic"
    activation: str = "sigmoid"
    torch_layers: tuple[str, ...] = ()  # a PyTorch state_dict's Linear layers by name ('0', '2'); () otherwise
    activation_assumed: bool = False  # a state_dict's activation, not recorded in it, was not given: sigmoid

    @property
    def note(self) -> str:
        """What a PyTorch state_dict was read as, and what was assumed ('' for the other formats)."""
        if not self.torch_layers:
            return ""
        assumed = " (assumed: a state_dict does not record it)" if self.activation_assumed else ""
        return (f"PyTorch state_dict, Linear layers {', '.join(repr(p) for p in self.torch_layers)}; "
                f"hidden activation {self.activation}{assumed}, output σ")

    def with_activation(self, activation: str) -> ImportedModel:
        """The same weights with ``activation`` in the hidden layers, as chosen (not assumed)."""
        return replace(self, activation=activation, activation_assumed=False)

    def network(self) -> Network:
        """A Network with these sizes, cost, activation, weights and biases."""
        net = Network(list(self.sizes), self.activation, self.cost)
        net.weights = [np.array(w) for w in self.weights]
        net.biases = [np.array(b) for b in self.biases]
        return net

    def __repr__(self) -> str:
        return f"ImportedModel({Path(self.source).name!r}, sizes={list(self.sizes)}, cost={self.cost!r})"


def _read(path: str | os.PathLike) -> tuple[bytes, str]:
    name = str(path)
    p = Path(path)
    try:
        if not p.exists():
            raise ModelFileError(f"{name}: no such file")
        if not p.is_file():
            raise ModelFileError(f"{name}: not a regular file")
        size = p.stat().st_size
        if size > MAX_MODEL_BYTES:
            raise ModelFileError(f"{name}: {size:,} bytes is more than the limit of {MAX_MODEL_BYTES:,} bytes")
        raw = p.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if not raw:
        raise ModelFileError(f"{name}: the file is empty")
    return raw, name


def load_model(path: str | os.PathLike, activation: str | None = None) -> ImportedModel:
    """The model in ``path``: network2.py JSON (text starting with ``{``), a PyTorch state_dict or an ``.npz``
    (zip archives). ``activation`` is a PyTorch state_dict's hidden layers' (default sigmoid); the other
    formats say their own."""
    if activation is not None and activation not in ("sigmoid", "tanh", "relu"):
        raise ModelFileError(f"{path}: a PyTorch model's hidden activation is sigmoid, tanh or relu, "
                             f"not {activation!r}")
    raw, name = _read(path)
    if raw[:2] == b"PK":
        return _from_zip(raw, name, activation)
    if raw.lstrip()[:1] in (b"{", b"["):
        return _from_network2(raw, name)
    if raw[:1] == b"\x80" and raw[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise ModelFileError(f"{name}: a Python pickle (a PyTorch file in the format of torch before 1.6, or "
                             "a pickled object), which visualbp never unpickles; with torch 1.6 or later save "
                             "the weights alone: torch.save(model.state_dict(), path)")
    raise ModelFileError(f"{name}: not a model visualbp reads ({SUPPORTED})")


def _from_network2(raw: bytes, name: str) -> ImportedModel:
    """network2.py's ``save()`` output: sizes, weights, biases, cost."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ModelFileError(f"{name}: expected a JSON object with sizes, weights, biases and cost")
    missing = [k for k in ("sizes", "weights", "biases") if k not in data]
    if missing:
        raise ModelFileError(f"{name}: not a network2.py file: no {', '.join(missing)}")
    cost_name = data.get("cost", "QuadraticCost")
    if cost_name not in _NETWORK2_COSTS:
        raise ModelFileError(f"{name}: unknown cost {cost_name!r} (network2.py writes "
                             f"{' or '.join(_NETWORK2_COSTS)})")
    sizes = _sizes(data["sizes"], name)
    weights, biases = data["weights"], data["biases"]
    if not isinstance(weights, list) or not isinstance(biases, list):
        raise ModelFileError(f"{name}: weights and biases must be lists of matrices")
    if len(weights) != len(sizes) - 1 or len(biases) != len(sizes) - 1:
        raise ModelFileError(f"{name}: sizes {sizes} need {len(sizes) - 1} weight matrices and bias vectors, "
                             f"found {len(weights)} and {len(biases)}")
    ws = [_array(w, f"weights[{i}]", name) for i, w in enumerate(weights)]
    bs = [_array(b, f"biases[{i}]", name) for i, b in enumerate(biases)]
    return _checked(name, sizes, ws, bs, _NETWORK2_COSTS[cost_name])


def _sizes(value: object, name: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in value):
        raise ModelFileError(f"{name}: sizes must be a list of whole numbers, got {str(value)[:60]}")
    try:
        return checks.check_sizes(value)
    except ValueError as exc:
        raise ModelFileError(f"{name}: {exc}") from None


def _array(value: object, label: str, name: str) -> np.ndarray:
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ModelFileError(f"{name}: {label} is not a matrix of numbers") from None
    return a


def _from_zip(raw: bytes, name: str, activation: str | None) -> ImportedModel:
    """A torch.save archive (it has a ``data.pkl``) or an .npz."""
    try:
        check_directory(raw)
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            if not is_torch_zip(z.namelist()):
                return _from_npz(raw, name)
            state = read_state_dict(z)
        layers, ws, bs = linear_layers(state)
    except TorchFileError as exc:
        raise ModelFileError(f"{name}: {exc}") from None
    except zipfile.BadZipFile:
        raise ModelFileError(f"{name}: not a readable zip archive (a damaged .npz or PyTorch file)") from None
    sizes = _sizes([int(ws[0].shape[1])] + [int(w.shape[0]) for w in ws], name)
    labels = [(f"{p}.weight" if p else "weight", f"{p}.bias" if p else "bias") for p in layers]
    model = _checked(name, sizes, ws, bs, "quadratic", labels=labels)
    return replace(model, activation=activation or "sigmoid", torch_layers=tuple(layers),
                   activation_assumed=activation is None)


def _from_npz(raw: bytes, name: str) -> ImportedModel:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
        if unpacked > MAX_MODEL_BYTES:
            raise ModelFileError(f"{name}: unpacks to {unpacked:,} bytes, more than the limit of "
                                 f"{MAX_MODEL_BYTES:,} bytes")
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except ModelFileError:
        raise
    except Exception as exc:  # BadZipFile, a pickled object array, zlib.error from a damaged archive …
        raise ModelFileError(f"{name}: not a readable .npz archive ({type(exc).__name__})") from None
    if "__header__" in arrays:
        raise ModelFileError(f"{name}: a visualbp file — open it as a session or network, not as a model")
    cost = "quadratic"
    if "cost" in arrays:
        cost = str(arrays.pop("cost"))
        if cost not in COSTS:
            raise ModelFileError(f"{name}: unknown cost {cost!r} (use {' or '.join(COSTS)})")
    if "w2" in arrays:
        keys = [(f"w{l}", f"b{l}") for l in range(2, 2 + len(arrays))]
    elif "weights_0" in arrays:
        keys = [(f"weights_{i}", f"biases_{i}") for i in range(len(arrays))]
    else:
        raise ModelFileError(f"{name}: no w2 or weights_0 array (found {', '.join(sorted(arrays)[:6]) or 'none'}); "
                             "name the layers w2, b2, w3, b3, … or weights_0, biases_0, …")
    ws, bs = [], []
    for wk, bk in keys:
        if wk not in arrays:
            break
        if bk not in arrays:
            raise ModelFileError(f"{name}: {wk} has no bias array {bk}")
        ws.append(arrays.pop(wk))
        bs.append(arrays.pop(bk))
    if arrays:
        raise ModelFileError(f"{name}: arrays not part of a chain of layers: {', '.join(sorted(arrays)[:6])}")
    for label, a in [*zip((k[0] for k in keys), ws), *zip((k[1] for k in keys), bs)]:
        if a.dtype.kind not in "fiu":
            raise ModelFileError(f"{name}: {label} holds {a.dtype}, not numbers")
    ws = [np.asarray(w, dtype=np.float64) for w in ws]
    bs = [np.asarray(b, dtype=np.float64) for b in bs]
    if any(w.ndim != 2 for w in ws):
        i = next(i for i, w in enumerate(ws) if w.ndim != 2)
        raise ModelFileError(f"{name}: {keys[i][0]} must be a matrix (2-D), it has shape {ws[i].shape}")
    sizes = _sizes([int(ws[0].shape[1])] + [int(w.shape[0]) for w in ws], name)
    return _checked(name, sizes, ws, bs, cost, labels=keys)


def _checked(name: str, sizes: list[int], ws: list[np.ndarray], bs: list[np.ndarray], cost: str,
             labels: list[tuple[str, str]] | None = None) -> ImportedModel:
    """Shapes chained (w^l is n_l × n_{l−1}, b^l has n_l entries), every number finite."""
    labels = labels or [(f"weights[{i}]", f"biases[{i}]") for i in range(len(ws))]
    weights, biases = [], []
    for i, (w, b) in enumerate(zip(ws, bs)):
        n_in, n_out = sizes[i], sizes[i + 1]
        wk, bk = labels[i]
        if w.shape != (n_out, n_in):
            raise ModelFileError(f"{name}: {wk} has shape {w.shape}, expected ({n_out}, {n_in}) "
                                 f"(layer {i + 2} of sizes {sizes}: rows are this layer's neurons)")
        if b.shape not in ((n_out,), (n_out, 1)):
            raise ModelFileError(f"{name}: {bk} has shape {b.shape}, expected ({n_out}, 1) or ({n_out},)")
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise ModelFileError(f"{name}: {wk} or {bk} contains NaN or infinite values")
        weights.append(np.ascontiguousarray(w))
        biases.append(np.ascontiguousarray(b.reshape(n_out, 1)))
    for a in (*weights, *biases):
        a.flags.writeable = False
    return ImportedModel(name, tuple(sizes), tuple(weights), tuple(biases), cost)


def matching_dataset(model: ImportedModel) -> str | None:
    """The built-in dataset whose inputs and classes fit the model (mnist, digits, moons), or None."""
    return _BUILTIN_FOR.get((model.sizes[0], model.sizes[-1]))
