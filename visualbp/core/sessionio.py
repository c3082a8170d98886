"""Saving and opening sessions and networks: atomic writes, bitwise round-trips, clear refusals.

A file is a NumPy ``.npz`` archive (no pickles) holding a JSON header and the
arrays. Writing goes through ``atomicfile.atomic_write`` (a temporary file beside
the target, then ``os.replace``): a crash mid-save never destroys the previous file.
Opening reads only a regular file of at most ``MAX_FILE_BYTES``; checks the zip
directory (member count, names, sizes) before anything is inflated; checks the header
completely (``sessioncheck``) and each array's .npy header before its data is
inflated; and raises ``SessionFileError`` naming the file and the problem.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from visualbp.core.atomicfile import atomic_write
from visualbp.core.checks import MAX_LAYERS
from visualbp.core.config import SessionConfig
from visualbp.core.datafiles import IDX_PAIR_SEPARATOR, idx_pair_path
from visualbp.core.network import Network
from visualbp.core.neuron_activations import KEY as NEURONS_KEY
from visualbp.core.neuron_activations import apply_saved
from visualbp.core.neuron_activations import saved as saved_neurons
from visualbp.core.safefile import UnreadableFile, read_regular_file
from visualbp.core.sessioncheck import (
    check_config,
    check_extra,
    check_history,
    check_network_header,
    check_neuron_activations,
    check_position,
    history_to_json,
    parse_json,
)
from visualbp.core.steps import EpochStats

SESSION_FORMAT = "visualbp-session"
NETWORK_FORMAT = "visualbp-network"
VERSION = 1
#: Largest session or network file read, on disk and unpacked: the largest network the core builds
#: (checks.MAX_PARAMETERS, 2e7 float64) saved with its initial weights is 320 MB.
MAX_FILE_BYTES = 1024**3
#: Largest JSON header (settings, a 4,000-point history of ~0.6 MB, the kept runs: ~0.3 MB each). Parsed, 16 MiB
#: of JSON numbers is at most ~130 MB of Python objects.
MAX_HEADER_BYTES = 16 * 1024**2
#: Members of a visualbp file: the header, and w, b, initial w, initial b of each of up to 63 layer pairs.
MAX_MEMBERS = 1 + 4 * (MAX_LAYERS - 1)
_MAX_DIRECTORY_ENTRY = 1024  # bytes one member takes in the zip directory, generously (name, zip64 fields)
_MEMBER = re.compile(r"(__header__|(init_)?[wb](0|[1-9][0-9]{0,2}))\.npy")


class SessionFileError(ValueError):
    """A session or network file that cannot be opened; the message names the file and the problem."""


@dataclass
class SavedSession:
    """Everything needed to reopen a session exactly where it was (at its minibatch boundary)."""

    config: SessionConfig
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    initial_weights: list[np.ndarray]
    initial_biases: list[np.ndarray]
    epoch: int = 0
    batch: int = 0
    offset: int = 0
    step: int = 0
    epoch_history: list[EpochStats] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # plot history and other view state (JSON-able)


def _write_npz(path: str | os.PathLike, header: dict, arrays: dict[str, np.ndarray]) -> None:
    text = json.dumps(header).encode("utf-8")
    if len(text) > MAX_HEADER_BYTES:  # what opening would refuse is not written (nor the old file replaced)
        raise SessionFileError(f"{path}: the settings and history take {len(text):,} bytes, more than the "
                               f"{MAX_HEADER_BYTES:,} a file holds: clear some kept runs, then save")
    meta = np.frombuffer(text, dtype=np.uint8)
    members: dict[str, Any] = {"__header__": meta, **arrays}  # npz members by name (not savez's own keywords)
    atomic_write(path, lambda f: np.savez_compressed(f, **members))


def _zip_directory_size(raw: bytes, name: str) -> None:
    """Refuse an archive whose directory lists more members than a visualbp file has, from its
    end-of-directory record, before the directory itself is read."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 22 - 65535))
    if end < 0 or len(raw) < end + 22:
        raise SessionFileError(f"{name}: not a visualbp file, or truncated/corrupt (no zip directory)")
    entries, dir_size = struct.unpack("<HI", raw[end + 10:end + 16])
    if entries > MAX_MEMBERS or dir_size > MAX_MEMBERS * _MAX_DIRECTORY_ENTRY:
        shown = f"{entries:,} members" if entries < 0xFFFF else "more members than it can count"
        raise SessionFileError(f"{name}: the archive lists {shown} (a {dir_size:,}-byte directory); a visualbp "
                               f"file has at most {MAX_MEMBERS}")


def _member(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, dtype: np.dtype, shape: tuple | None,
            limit: int) -> np.ndarray:
    """One .npy member, its header checked (dtype, shape, size) before its data is inflated."""
    key = info.filename[:-4]
    with z.open(info) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            got_shape, fortran, got_dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            got_shape, fortran, got_dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"unsupported .npy version {version}")
        if got_dtype != dtype or got_dtype.hasobject:
            raise SessionFileError(f"{name}: {key} holds {got_dtype}, expected {dtype}")
        if shape is not None and tuple(got_shape) != shape:
            raise SessionFileError(f"{name}: {key} has shape {tuple(got_shape)}, expected {shape}")
        count = math.prod(got_shape)
        nbytes = count * dtype.itemsize
        if len(got_shape) > 2 or nbytes > limit:
            raise SessionFileError(f"{name}: {key} has shape {tuple(got_shape)}, larger than a visualbp file holds")
        data = f.read(nbytes + 1)
    if len(data) != nbytes:
        raise SessionFileError(f"{name}: {key} holds {len(data):,} bytes of data, its header says {nbytes:,}")
    a = np.frombuffer(data, dtype=dtype, count=count).reshape(got_shape, order="F" if fortran else "C")
    return np.array(a, order="C")


def _read_npz(path: str | os.PathLike, expected_format: str,
              members: Callable[[dict], dict[str, tuple[int, ...]]]) -> tuple[dict, dict[str, np.ndarray]]:
    """The checked header and arrays of a visualbp file. ``members(header)`` names every array the header
    implies and its shape; any other member, a missing one or a wrong shape is refused."""
    name = str(path)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES, "session or network file")
    except UnreadableFile as exc:
        raise SessionFileError(str(exc)) from None
    if not raw:
        raise SessionFileError(f"{name}: the file is empty")
    _zip_directory_size(raw, name)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
            names = [i.filename for i in infos]
            odd = [n for n in names if not _MEMBER.fullmatch(n)]
            if odd or len(set(names)) != len(names) or len(names) > MAX_MEMBERS:
                what = f"an unexpected member {odd[0]!r}" if odd else "duplicate or too many members"
                raise SessionFileError(f"{name}: not a visualbp file ({what})")
            if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or i.flag_bits & 0x1
                   for i in infos):
                raise SessionFileError(f"{name}: not a visualbp file (unsupported compression or encryption)")
            # what the archive unpacks to, from its directory, before anything is unpacked
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_FILE_BYTES:
                raise SessionFileError(f"{name}: unpacks to {unpacked:,} bytes, more than the limit of "
                                       f"{MAX_FILE_BYTES:,} bytes")
            by_name = {i.filename[:-4]: i for i in infos}
            if "__header__" not in by_name:
                raise SessionFileError(f"{name}: not a visualbp file (no header)")
            meta = _member(z, by_name.pop("__header__"), name, np.dtype(np.uint8), None, MAX_HEADER_BYTES)
            if meta.ndim != 1:
                raise SessionFileError(f"{name}: not a visualbp file (no header)")
            try:
                header = parse_json(meta.tobytes())
            except ValueError as exc:
                raise SessionFileError(f"{name}: {exc}") from None
            if not isinstance(header, dict) or header.get("format") != expected_format:
                got = header.get("format") if isinstance(header, dict) else None
                got = got if isinstance(got, str) and len(got) < 100 else None
                raise SessionFileError(f"{name}: expected a {expected_format} file, found {got or 'something else'}")
            version = header.get("version")
            if not isinstance(version, int) or isinstance(version, bool) or version > VERSION or version < 1:
                raise SessionFileError(
                    f"{name}: format version {version!r:.40} is not supported (this visualbp reads {VERSION})")
            try:
                expected = members(header)
            except (KeyError, TypeError, ValueError) as exc:
                raise SessionFileError(f"{name}: invalid settings ({_message(exc)})") from None
            extra = sorted(set(by_name) - set(expected))
            if extra:
                sizes = header.get("sizes") or ""
                raise SessionFileError(f"{name}: unexpected array {extra[0]} for sizes {sizes}".rstrip())
            arrays = {}
            for key, shape in expected.items():
                if key not in by_name:
                    raise SessionFileError(f"{name}: missing array {key}")
                arrays[key] = _member(z, by_name[key], name, np.dtype(np.float64), shape, MAX_FILE_BYTES)
    except SessionFileError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as exc:
        raise SessionFileError(f"{name}: not a visualbp file, or truncated/corrupt ({type(exc).__name__})") from None
    except MemoryError:
        raise SessionFileError(f"{name}: not enough memory to open it") from None
    except Exception as exc:  # zlib.error and friends from a damaged archive
        raise SessionFileError(f"{name}: corrupt archive ({type(exc).__name__})") from None
    return header, arrays


def _message(exc: BaseException) -> str:
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)


def _shapes(sizes: list[int], prefixes: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    for prefix in prefixes:
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            shapes[f"{prefix}w{i}"] = (n_out, n_in)
            shapes[f"{prefix}b{i}"] = (n_out, 1)
    return shapes


def _layer_arrays(name: str, arrays: dict, prefix: str, sizes: list[int]) -> tuple[list, list]:
    """The checked arrays w^l, b^l of one set (current or initial), finite, in layer order."""
    weights: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    for i in range(len(sizes) - 1):
        for kind, out in (("w", weights), ("b", biases)):
            key = f"{prefix}{kind}{i}"
            a = arrays[key]
            if not np.isfinite(a).all():
                raise SessionFileError(f"{name}: {key} contains NaN or infinite values")
            out.append(a)
    return weights, biases


# ----------------------------------------------------------------- networks
def save_network(path: str | os.PathLike, net: Network) -> None:
    """Write ``net``'s settings, weights and biases (bitwise) for ``load_network``."""
    header = {
        "format": NETWORK_FORMAT, "version": VERSION, "sizes": [int(s) for s in net.sizes],
        "activation": net.activation.name, "output_activation": net.output_activation.name,
        "cost": net.cost.name, "init": net.init, "seed": net.seed, "lmbda": net.lmbda,
    }
    if net.neuron_activations:
        header[NEURONS_KEY] = saved_neurons(net)
    arrays = {f"w{i}": w for i, w in enumerate(net.weights)}
    arrays.update({f"b{i}": b for i, b in enumerate(net.biases)})
    _write_npz(path, header, arrays)


def load_network(path: str | os.PathLike) -> Network:
    """A Network exactly as ``save_network`` wrote it."""
    name = str(path)
    header, arrays = _read_npz(path, NETWORK_FORMAT,
                               lambda h: _shapes(check_network_header(h)["sizes"], ("",)))
    try:
        h = check_network_header(header)
        net = Network(h["sizes"], h["activation"], h["cost"], h["init"], h["seed"],
                      output_activation=h["output_activation"], lmbda=h["lmbda"])
        apply_saved(net, h[NEURONS_KEY])
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise SessionFileError(f"{name}: invalid network settings ({_message(exc)})") from None
    net.weights, net.biases = _layer_arrays(name, arrays, "", net.sizes)
    return net


# ----------------------------------------------------------------- sessions
def save_session(path: str | os.PathLike, saved: SavedSession) -> None:
    """Write a session atomically (temporary file, then rename)."""
    header = {
        "format": SESSION_FORMAT, "version": VERSION, "config": saved.config.to_dict(),
        "epoch": saved.epoch, "batch": saved.batch, "offset": saved.offset, "step": saved.step,
        "epoch_history": history_to_json(saved.epoch_history), "extra": saved.extra,
    }
    arrays = {}
    for prefix, ws, bs in (("", saved.weights, saved.biases), ("init_", saved.initial_weights, saved.initial_biases)):
        arrays.update({f"{prefix}w{i}": w for i, w in enumerate(ws)})
        arrays.update({f"{prefix}b{i}": b for i, b in enumerate(bs)})
    for key, a in arrays.items():  # what load_session would refuse is not written (nor the old file replaced)
        if not np.isfinite(a).all():
            m = _MEMBER.fullmatch(f"{key}.npy")
            assert m is not None  # every key was made above as a member name: w{i}, b{i}, init_w{i}, init_b{i}
            kind, layer = ("weights w" if "w" in key else "biases b"), int(m[3]) + 2  # key index i is layer i + 2
            when = "initial " if m[2] else ""
            raise SessionFileError(f"{path}: the {when}{kind}^{layer} are not finite numbers (the run diverged): "
                                   f"step back (←) to the last finite state, then save")
    _write_npz(path, header, arrays)


def _session_members(header: dict) -> dict[str, tuple[int, ...]]:
    config = header.get("config")
    if not isinstance(config, dict):
        raise ValueError("config must be an object")
    return _shapes(list(check_config(config).sizes), ("", "init_"))


def load_session(path: str | os.PathLike) -> SavedSession:
    """Read and check a session file completely (every header value's type and range, every array's
    shape, dtype and finiteness); raises SessionFileError naming the file before building anything."""
    name = str(path)
    header, arrays = _read_npz(path, SESSION_FORMAT, _session_members)
    try:
        config = check_config(header.get("config"))
        config = _migrate_data_path(config)
        position = check_position(header)
        history = check_history(header.get("epoch_history"))
        extra = check_extra(header.get("extra"))
        check_neuron_activations(extra, config)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise SessionFileError(f"{name}: invalid session settings ({_message(exc)})") from None
    sizes = list(config.sizes)
    weights, biases = _layer_arrays(name, arrays, "", sizes)
    initial_weights, initial_biases = _layer_arrays(name, arrays, "init_", sizes)
    return SavedSession(config, weights, biases, initial_weights, initial_biases, extra=extra,
                        epoch_history=history, **position)


def _migrate_data_path(config: SessionConfig) -> SessionConfig:
    """Files written before IDX pairs were joined by a NUL joined them by ``os.pathsep``: read such a
    path as a pair only when it is not itself a file and both halves are."""
    path = config.data_path
    if not path or IDX_PAIR_SEPARATOR in path or os.pathsep not in path or os.path.isfile(path):
        return config
    images, labels = path.split(os.pathsep, 1)
    if os.path.isfile(images) and os.path.isfile(labels):
        return replace(config, data_path=idx_pair_path(images, labels))
    return config


def finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None
