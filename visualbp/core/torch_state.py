"""A PyTorch ``nn.Sequential`` of ``Linear`` layers saved as a state_dict, read without torch and without
running anything the file holds.

``torch.save(model.state_dict(), path)`` (torch 1.6 and later) writes a zip archive with one folder:
``data.pkl``, a pickle (protocol 2) of an OrderedDict from names ('0.weight', '0.bias', '2.weight', …) to
tensors; ``data/<key>``, the raw numbers of each tensor's storage; ``byteorder`` ('little' or 'big') and
small version files. In ``data.pkl`` a tensor is ``torch._utils._rebuild_tensor_v2(storage, offset, size,
stride, requires_grad, hooks)`` and its storage the persistent id ``('storage', torch.FloatStorage, key,
location, numel)``.

``data.pkl`` is read by an Unpickler that knows exactly the names a state_dict uses (``_NAMES``): each is
mapped to a small function of this module, never to torch's, sealed against the pickle's BUILD opcode (which
could otherwise change a checked tensor, or the function, afterwards), and any other name is refused before
anything is built — so a whole pickled model (``torch.save(model)``: its class is code), a TorchScript archive, or a
pickle made to run a command is refused with a message saying what to save instead. Then only the storage
files the tensors name are read, each checked against the size its tensor needs before it is inflated, and
the tensors are rebuilt as NumPy arrays (offset, size and stride checked against the storage).

The layers are the tensors grouped by the name before the last dot ('0', '2', 'fc1'), in the file's order;
each must be a Linear layer: ``weight`` (out × in) and ``bias`` (out), or ``weight`` alone (``bias=False``:
the biases are 0, the same function). A state_dict holds no activations: the caller says which one the
hidden layers use (``activation``); the output layer is σ as in every visualbp network (a model trained on
logits with CrossEntropyLoss picks the same class: σ is increasing). A checkpoint dict holding the
state_dict under ``state_dict``, ``model_state_dict`` or ``model`` is read too.

It leaves out: the legacy format of torch before 1.6, big-endian files, and every layer but Linear.
"""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
from collections.abc import Callable

import numpy as np

from visualbp.core import checks

__all__ = ["SUPPORTED", "TorchFileError", "check_directory", "is_torch_zip", "linear_layers", "read_state_dict"]

#: What a refused layer's message says visualbp opens.
LINEAR_ONLY = "visualbp opens a PyTorch nn.Sequential of Linear layers (with sigmoid, tanh or ReLU between them)"
SUPPORTED = ("a PyTorch state_dict of an nn.Sequential of Linear layers "
             "(torch.save(model.state_dict(), path)), network2.py JSON, or an .npz of w2, b2, … "
             "or weights_0, biases_0, …")
#: Largest ``data.pkl`` read: a state_dict's pickle is about 70 bytes a tensor plus its names.
MAX_PICKLE_BYTES = 16 * 2**20
#: Most members an archive may list, and most tensors a state_dict may hold (64 layers have 128).
MAX_MEMBERS = 10_000
#: Element types of storages: numpy's little-endian dtype (bfloat16 is widened by hand).
_STORAGES = {"FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2", "BFloat16Storage": "bf16",
             "LongStorage": "<i8", "IntStorage": "<i4", "ShortStorage": "<i2", "CharStorage": "i1",
             "ByteStorage": "u1", "BoolStorage": "?"}
#: Whole pickled models and TorchScript name classes of these modules: said so in the message.
_CODE_HINT = ("torch.nn", "__main__", "__torch__", "torch.jit")
_STATE_DICT_KEYS = ("state_dict", "model_state_dict", "model")


class TorchFileError(ValueError):
    """A PyTorch file that cannot be used; the message (without the file's name) says why."""


class _StateDict(dict):
    """What ``collections.OrderedDict`` builds: a dict (the order is kept) that ignores torch's ``_metadata``."""

    __slots__ = ()

    def __setstate__(self, state: object) -> None:  # BUILD: the per-module version numbers; not needed
        pass


class _Sealed:
    """What the pickle may not change once made: its BUILD opcode (``__setstate__``) is refused, and so is
    setting an attribute — a validated tensor's offset, a storage type's dtype, a function's defaults."""

    __slots__ = ()

    def __setstate__(self, _state: object) -> None:
        raise TorchFileError("the pickle tries to change an object after making it (a state_dict never does)")

    def __setattr__(self, _name: str, _value: object) -> None:
        raise TorchFileError("the pickle tries to change an object after making it (a state_dict never does)")

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)


class _Call(_Sealed):
    """One of the functions the pickle may call (``_NAMES``), sealed: a pickle's BUILD cannot reach the
    function itself (its ``__defaults__``, its class's methods)."""

    __slots__ = ("fn",)
    fn: Callable[..., object]

    def __init__(self, fn: Callable[..., object]) -> None:
        self._set(fn=fn)

    def __call__(self, *args: object) -> object:
        return self.fn(*args)


class _StorageType(_Sealed):
    __slots__ = ("name", "dtype")
    name: str
    dtype: str

    def __init__(self, name: str, dtype: str) -> None:
        self._set(name=name, dtype=dtype)


class _Storage(_Sealed):
    """A storage's archive key, element type and length (numbers read later, only if a tensor is used)."""

    __slots__ = ("key", "kind", "numel")
    key: str
    kind: _StorageType
    numel: int

    def __init__(self, key: str, kind: _StorageType, numel: int) -> None:
        self._set(key=key, kind=kind, numel=numel)


class _Tensor(_Sealed):
    """A tensor as ``_rebuild_tensor_v2`` describes it: a view (offset, size, stride) of a storage."""

    __slots__ = ("storage", "offset", "size", "stride")
    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]

    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple) -> None:
        self._set(storage=storage, offset=offset, size=size, stride=stride)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2**62


def _rebuild_tensor_v2(storage: object, offset: object, size: object, stride: object, *_rest: object) -> _Tensor:
    """torch._utils._rebuild_tensor_v2's arguments, checked: a view of a storage of this archive."""
    if not isinstance(storage, _Storage) or not isinstance(offset, int) or not _whole(offset):
        raise TorchFileError("a tensor that is not a view of one of the archive's storages")
    if not (isinstance(size, tuple) and isinstance(stride, tuple) and len(size) == len(stride) <= 8
            and all(_whole(v) for v in (*size, *stride))):
        raise TorchFileError(f"a tensor with size {str(size)[:40]} and stride {str(stride)[:40]}")
    if all(size) and offset + sum((n - 1) * s for n, s in zip(size, stride)) >= storage.numel:
        raise TorchFileError(f"a tensor of size {size} reaches past the end of its storage ({storage.numel} numbers)")
    return _Tensor(storage, offset, size, stride)


def _rebuild_parameter(data: object, *_rest: object) -> object:
    """An nn.Parameter (a state_dict saved with keep_vars=True): its tensor."""
    if not isinstance(data, _Tensor):
        raise TorchFileError("a parameter that is not a tensor")
    return data


_NAMES: dict[tuple[str, str], object] = {
    ("collections", "OrderedDict"): _Call(_StateDict),
    ("torch._utils", "_rebuild_tensor_v2"): _Call(_rebuild_tensor_v2),
    ("torch._utils", "_rebuild_parameter"): _Call(_rebuild_parameter),
    **{("torch", name): _StorageType(name, dtype) for name, dtype in _STORAGES.items()},
}


class _Unpickler(pickle.Unpickler):
    """Finds only ``_NAMES``; storages become ``_Storage`` records."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.storages: dict[str, _Storage] = {}

    def find_class(self, module: str, name: str) -> object:
        found = _NAMES.get((module, name))
        if found is None:
            what = f"{module}.{name}"
            if module.startswith(_CODE_HINT):
                raise TorchFileError(f"data.pkl asks for {what}: a whole pickled model (code, which "
                                     "visualbp never runs); save the weights alone: "
                                     "torch.save(model.state_dict(), path)")
            raise TorchFileError(f"data.pkl asks for {what}, which a state_dict of tensors never needs (refused: "
                                 "visualbp never runs what a file holds)")
        return found

    def persistent_load(self, pid: object) -> _Storage:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise TorchFileError(f"an unknown persistent id {str(pid)[:60]}")
        kind, key, numel = pid[1], pid[2], pid[4]
        if not (isinstance(kind, _StorageType) and isinstance(key, str) and 0 < len(key) <= 64 and _whole(numel)):
            raise TorchFileError(f"an unknown persistent id {str(pid)[:60]}")
        storage = self.storages.get(key)
        if storage is None:
            if len(self.storages) >= MAX_MEMBERS:
                raise TorchFileError(f"more than {MAX_MEMBERS:,} storages")
            storage = self.storages[key] = _Storage(key, kind, numel)
        elif storage.kind is not kind or storage.numel != numel:
            raise TorchFileError(f"storage {key} is declared twice, differently")
        return storage


def check_directory(raw: bytes) -> None:
    """Refuse a zip archive whose directory lists more than MAX_MEMBERS members, from its end record, before
    the directory is read (10 million members would be minutes of parsing)."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 22 - 65535))
    if end < 0 or len(raw) < end + 22:
        return  # zipfile says what is wrong
    entries, dir_size = struct.unpack("<HI", raw[end + 10:end + 16])
    if entries > MAX_MEMBERS or dir_size > MAX_MEMBERS * 1024:
        shown = f"{entries:,} members" if entries < 0xFFFF else "more members than it can count"
        raise TorchFileError(f"the archive lists {shown}, more than {MAX_MEMBERS:,}")


def is_torch_zip(names: list[str]) -> bool:
    """Whether a zip archive's member names are torch.save's (a ``data.pkl`` in one folder)."""
    return any(n == "data.pkl" or (n.endswith("/data.pkl") and n.count("/") == 1) for n in names)


def _torchscript(names) -> bool:
    """torch.jit.save's archives hold the model's code as ``code/…`` files."""
    return any(n.startswith("code/") or "/code/" in n for n in names)


def read_state_dict(archive: zipfile.ZipFile) -> dict[str, np.ndarray]:
    """The state_dict in a torch.save archive: name → float64 array, in the file's order. TorchFileError
    says what is wrong (without the file's name)."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TorchFileError(f"the archive lists {len(infos):,} members, more than {MAX_MEMBERS:,}")
    by_name = {i.filename: i for i in infos}
    if _torchscript(by_name):
        raise TorchFileError("a TorchScript archive (torch.jit.save: it holds code, which visualbp never runs); "
                             "save the weights alone: torch.save(model.state_dict(), path)")
    pkl = next(n for n in by_name if n == "data.pkl" or (n.endswith("/data.pkl") and n.count("/") == 1))
    folder = pkl[: -len("data.pkl")]
    order = _member(archive, by_name, folder + "byteorder", 16)
    if order is not None and order.strip() not in (b"little", b""):
        raise TorchFileError(f"the numbers are stored {order.strip().decode('ascii', 'replace')}-endian; "
                             "visualbp reads little-endian files (as torch writes on x86 and ARM)")
    data = _member(archive, by_name, pkl, MAX_PICKLE_BYTES) or b""
    unpickler = _Unpickler(data)
    try:
        top = unpickler.load()
    except TorchFileError:
        raise
    except Exception as exc:  # a damaged pickle: UnpicklingError, EOFError, TypeError from a bad REDUCE …
        raise TorchFileError(f"data.pkl is not a readable pickle ({type(exc).__name__})") from None
    state = _the_state_dict(top)
    stored = {t.storage.key: t.storage.numel for t in state.values()}
    total = max(sum(int(np.prod(t.size)) for t in state.values()), sum(stored.values()))
    if total > checks.MAX_PARAMETERS:
        raise TorchFileError(f"its tensors hold {total:,} numbers, more than visualbp's largest network "
                             f"({checks.MAX_PARAMETERS:,} parameters)")
    flats: dict[str, np.ndarray] = {}  # each storage read once, however many tensors view it
    return {name: _array(archive, by_name, folder, name, t, flats) for name, t in state.items()}


def _member(archive: zipfile.ZipFile, by_name: dict, name: str, limit: int) -> bytes | None:
    """Member ``name`` of at most ``limit`` bytes (checked before it is inflated); None if absent."""
    info = by_name.get(name)
    if info is None:
        return None
    if info.file_size > limit:
        raise TorchFileError(f"{name} is {info.file_size:,} bytes, more than the {limit:,} it may be")
    try:
        with archive.open(info) as f:
            return f.read(limit + 1)
    except Exception as exc:  # BadZipFile (a wrong CRC), zlib.error, an unsupported compression …
        raise TorchFileError(f"{name} cannot be read from the archive ({type(exc).__name__})") from None


def _what(value: object) -> str:
    """A value of the pickle as a person would call it."""
    return {_Tensor: "a tensor", _Storage: "a bare storage", _StateDict: "an OrderedDict"}.get(
        type(value), f"a Python {type(value).__name__}")


def _the_state_dict(top: object) -> dict[str, _Tensor]:
    """The name → tensor dict: the pickle's top object, or a checkpoint's ``state_dict``/``model_state_dict``."""
    if isinstance(top, dict) and top and not any(isinstance(v, _Tensor) for v in top.values()):
        for key in _STATE_DICT_KEYS:
            if isinstance(top.get(key), dict):
                top = top[key]
                break
    if not isinstance(top, dict):
        raise TorchFileError(f"the file holds {_what(top)}, not a state_dict (a dict of tensors)")
    if not top:
        raise TorchFileError("the state_dict is empty")
    if len(top) > MAX_MEMBERS:
        raise TorchFileError(f"the state_dict holds {len(top):,} entries, more than {MAX_MEMBERS:,}")
    for name, value in top.items():
        if not isinstance(name, str):
            raise TorchFileError(f"a state_dict's names are text, found {str(name)[:40]}")
        if not isinstance(value, _Tensor):
            raise TorchFileError(f"{name[:60]} holds {_what(value)}, not a tensor: not a state_dict "
                                 f"(a checkpoint's weights are read from {' or '.join(_STATE_DICT_KEYS)})")
    return top


def _array(archive: zipfile.ZipFile, by_name: dict, folder: str, name: str, t: _Tensor,
           flats: dict[str, np.ndarray]) -> np.ndarray:
    """The tensor's numbers as a float64 array of its size (integers too: a BatchNorm's count is refused by
    its layer, ``linear_layers``)."""
    flat = flats.get(t.storage.key)
    if flat is None:
        flat = flats[t.storage.key] = _storage(archive, by_name, folder, name, t.storage)
    if not all(t.size):
        return np.zeros(t.size)
    view = np.lib.stride_tricks.as_strided(flat[t.offset:], shape=t.size,
                                           strides=tuple(s * flat.itemsize for s in t.stride), writeable=False)
    return np.array(view, dtype=np.float64)


def _storage(archive: zipfile.ZipFile, by_name: dict, folder: str, name: str, storage: _Storage) -> np.ndarray:
    """The numbers of ``storage`` (its member checked to be exactly numel numbers long before it is read)."""
    kind = storage.kind
    itemsize = 2 if kind.dtype == "bf16" else np.dtype(kind.dtype).itemsize
    nbytes = storage.numel * itemsize
    raw = _member(archive, by_name, f"{folder}data/{storage.key}", nbytes)
    if raw is None or len(raw) != nbytes:
        got = "missing" if raw is None else f"{len(raw):,} bytes"
        raise TorchFileError(f"{name}: its storage data/{storage.key} should be {nbytes:,} bytes, it is {got}")
    if kind.dtype == "bf16":  # the top 16 bits of a float32
        return (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    return np.frombuffer(raw, dtype=kind.dtype)


_NOT_LINEAR: tuple[tuple[Callable[[dict], bool], str], ...] = (
    (lambda g: "running_mean" in g or "num_batches_tracked" in g, "a BatchNorm layer"),
    (lambda g: any(k.startswith(("weight_ih", "weight_hh")) for k in g), "a recurrent layer (RNN, LSTM, GRU)"),
    (lambda g: any(k.startswith("in_proj") for k in g), "an attention layer"),
    (lambda g: "weight" in g and g["weight"].ndim >= 3, "a convolution"),
    (lambda g: "weight" in g and g["weight"].ndim == 1, "a normalisation layer (LayerNorm, BatchNorm)"),
)


def linear_layers(state: dict[str, np.ndarray]) -> tuple[list[str], list[np.ndarray], list[np.ndarray]]:
    """(layer names, weights w^l (out × in), biases b^l (out,)) of a state_dict of Linear layers; a layer with
    no bias (``bias=False``) gets zeros. TorchFileError names the first entry that is not a Linear layer's."""
    groups: dict[str, dict[str, np.ndarray]] = {}
    for key, value in state.items():
        prefix, _, param = key.rpartition(".")
        groups.setdefault(prefix, {})[param] = value
    names, weights, biases = [], [], []
    for prefix, group in groups.items():
        label = f"layer '{prefix}'" if prefix else "the top-level module"
        for test, what in _NOT_LINEAR:
            if test(group):
                raise TorchFileError(f"{label} ({', '.join(group)}) is {what}, not a Linear layer: {LINEAR_ONLY}")
        if "weight" not in group or not set(group) <= {"weight", "bias"}:
            raise TorchFileError(f"{label} has {', '.join(group)}: not a Linear layer (weight and bias): "
                                 f"{LINEAR_ONLY}")
        w = group["weight"]
        if w.ndim != 2:
            raise TorchFileError(f"{prefix}.weight has shape {w.shape}, not (out, in) as a Linear layer's: "
                                 f"{LINEAR_ONLY}")
        b = group.get("bias", np.zeros(w.shape[0]))
        if b.shape != (w.shape[0],):
            raise TorchFileError(f"{prefix}.bias has shape {b.shape}, expected ({w.shape[0]},) for "
                                 f"{prefix}.weight of shape {w.shape}")
        names.append(prefix)
        weights.append(w)
        biases.append(b)
    return names, weights, biases

