"""Saving and opening sessions and networks: atomic writes, bitwise round-trips, clear refusals.

A file is a NumPy ``.npz`` archive (no pickles) holding a JSON header and the
arrays. Writing goes to a temporary file beside the target, then ``os.replace``:
a crash mid-save never destroys the previous file. Opening checks the format,
version and every shape before anything is built, and raises ``SessionFileError``
naming the file and the problem.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from visualbp.core.config import SessionConfig
from visualbp.core.network import Network
from visualbp.core.steps import EpochStats

SESSION_FORMAT = "visualbp-session"
NETWORK_FORMAT = "visualbp-network"
VERSION = 1
#: Largest session or network file read, on disk and unpacked: the largest network the core builds
#: (checks.MAX_PARAMETERS, 2e7 float64) saved with its initial weights is 320 MB.
MAX_FILE_BYTES = 1024**3


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


def atomic_write(path: str | os.PathLike, write) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, fsync, then rename over ``path``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_npz(path: str | os.PathLike, header: dict, arrays: dict[str, np.ndarray]) -> None:
    meta = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    atomic_write(path, lambda f: np.savez_compressed(f, __header__=meta, **arrays))


def _read_npz(path: str | os.PathLike, expected_format: str) -> tuple[dict, dict[str, np.ndarray]]:
    name = str(path)
    p = Path(path)
    if p.is_dir():
        raise SessionFileError(f"{name}: is a folder, not a file")
    if not p.exists():
        raise SessionFileError(f"{name}: no such file")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SessionFileError(f"{name}: {size:,} bytes is more than the limit of {MAX_FILE_BYTES:,} bytes")
        raw = p.read_bytes()
    except OSError as exc:
        raise SessionFileError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if not raw:
        raise SessionFileError(f"{name}: the file is empty")
    try:  # what the archive unpacks to, from its directory, before anything is unpacked
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise SessionFileError(f"{name}: not a visualbp file, or truncated/corrupt ({type(exc).__name__})") from None
    if unpacked > MAX_FILE_BYTES:
        raise SessionFileError(f"{name}: unpacks to {unpacked:,} bytes, more than the limit of {MAX_FILE_BYTES:,} bytes")
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as exc:
        raise SessionFileError(f"{name}: not a visualbp file, or truncated/corrupt ({type(exc).__name__})") from None
    except Exception as exc:  # zlib.error and friends from a damaged archive
        raise SessionFileError(f"{name}: corrupt archive ({type(exc).__name__}: {exc})") from None
    meta = arrays.pop("__header__", None)
    if meta is None or meta.dtype != np.uint8 or meta.ndim != 1:
        raise SessionFileError(f"{name}: not a visualbp file (no header)")
    try:
        header = json.loads(meta.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SessionFileError(f"{name}: the header is corrupt") from None
    if not isinstance(header, dict) or header.get("format") != expected_format:
        got = header.get("format") if isinstance(header, dict) else None
        raise SessionFileError(f"{name}: expected a {expected_format} file, found {got or 'something else'}")
    version = header.get("version")
    if not isinstance(version, int) or version > VERSION or version < 1:
        raise SessionFileError(f"{name}: format version {version!r} is not supported (this visualbp reads {VERSION})")
    return header, arrays


def _layer_arrays(name: str, arrays: dict, prefix: str, sizes: list[int]) -> tuple[list, list]:
    weights, biases = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        for kind, shape, out in (("w", (n_out, n_in), weights), ("b", (n_out, 1), biases)):
            key = f"{prefix}{kind}{i}"
            a = arrays.get(key)
            if a is None:
                raise SessionFileError(f"{name}: missing array {key}")
            if a.shape != shape or a.dtype != np.float64:
                raise SessionFileError(
                    f"{name}: {key} has shape {a.shape} ({a.dtype}), expected {shape} float64 for sizes {sizes}"
                )
            if not np.isfinite(a).all():
                raise SessionFileError(f"{name}: {key} contains NaN or infinite values")
            out.append(np.array(a))
    return weights, biases


def _net_header(net_sizes: list[int]) -> list[int]:
    return [int(s) for s in net_sizes]


# ----------------------------------------------------------------- networks
def save_network(path: str | os.PathLike, net: Network) -> None:
    """Write ``net``'s settings, weights and biases (bitwise) for ``load_network``."""
    header = {
        "format": NETWORK_FORMAT, "version": VERSION, "sizes": _net_header(net.sizes),
        "activation": net.activation.name, "output_activation": net.output_activation.name,
        "cost": net.cost.name, "init": net.init, "seed": net.seed, "lmbda": net.lmbda,
    }
    arrays = {f"w{i}": w for i, w in enumerate(net.weights)}
    arrays.update({f"b{i}": b for i, b in enumerate(net.biases)})
    _write_npz(path, header, arrays)


def load_network(path: str | os.PathLike) -> Network:
    """A Network exactly as ``save_network`` wrote it."""
    name = str(path)
    header, arrays = _read_npz(path, NETWORK_FORMAT)
    try:
        net = Network(header["sizes"], header["activation"], header["cost"], header["init"], header["seed"],
                      output_activation=header["output_activation"], lmbda=header["lmbda"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SessionFileError(f"{name}: invalid network settings ({exc})") from None
    net.weights, net.biases = _layer_arrays(name, arrays, "", net.sizes)
    return net


# ----------------------------------------------------------------- sessions
def save_session(path: str | os.PathLike, saved: SavedSession) -> None:
    """Write a session atomically (temporary file, then rename)."""
    header = {
        "format": SESSION_FORMAT, "version": VERSION, "config": saved.config.to_dict(),
        "epoch": saved.epoch, "batch": saved.batch, "offset": saved.offset, "step": saved.step,
        "epoch_history": [asdict(e) for e in saved.epoch_history], "extra": saved.extra,
    }
    arrays = {}
    for prefix, ws, bs in (("", saved.weights, saved.biases), ("init_", saved.initial_weights, saved.initial_biases)):
        arrays.update({f"{prefix}w{i}": w for i, w in enumerate(ws)})
        arrays.update({f"{prefix}b{i}": b for i, b in enumerate(bs)})
    _write_npz(path, header, arrays)


def load_session(path: str | os.PathLike) -> SavedSession:
    """Read and check a session file completely; raises SessionFileError before building anything."""
    name = str(path)
    header, arrays = _read_npz(path, SESSION_FORMAT)
    try:
        raw = dict(header["config"])
        known = {f.name for f in fields(SessionConfig)}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        raw["sizes"] = tuple(raw["sizes"])
        config = SessionConfig(**raw).validated()
        position = {k: header[k] for k in ("epoch", "batch", "offset", "step")}
        for k, v in position.items():
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError(f"{k} must be a whole number ≥ 0, got {v!r}")
        history = [EpochStats(**e) for e in header.get("epoch_history", [])]
        for e in history:
            if not all(isinstance(getattr(e, f.name), (int, float)) for f in fields(EpochStats)):
                raise ValueError("epoch history has non-numeric values")
        extra = header.get("extra", {})
        if not isinstance(extra, dict):
            raise ValueError("extra must be a mapping")
    except (KeyError, TypeError, ValueError) as exc:
        raise SessionFileError(f"{name}: invalid session settings ({exc})") from None
    sizes = list(config.sizes)
    weights, biases = _layer_arrays(name, arrays, "", sizes)
    initial_weights, initial_biases = _layer_arrays(name, arrays, "init_", sizes)
    return SavedSession(config, weights, biases, initial_weights, initial_biases, extra=extra,
                        epoch_history=history, **position)


def finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None
