"""What ``visualbp PATH …`` opens: a session, a saved or imported network, or a data file — told by content.

``kind_of(path)`` looks at a file's first bytes (a zip archive: a visualbp session or network by its header,
otherwise an .npz of weights or a PyTorch state_dict; JSON text: network2.py weights; a pickle or a name ending
.pt or .pth: a PyTorch file, refused with its reason by ``load_model`` unless a state_dict; an IDX header,
gzipped or not: IDX data)
and otherwise at its name (``.csv``, ``.csv.gz``, ``.txt``: CSV data). ``plan(paths, data)`` turns the
command line's paths into an ``OpenPlan``; ``config_for(plan, config)`` gives the session's settings
(the model's sizes and cost, the data file, a built-in dataset the model fits); ``apply_model(session,
model)`` puts the model's weights into a freshly built session as its initial weights (what Reset
returns to). Every problem is a ``ValueError`` naming the file, in one line.
"""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from visualbp.core.config import SessionConfig, fit_sizes, idx_pair_path, load_data_file, load_dataset
from visualbp.core.model_import import ImportedModel, load_model, matching_dataset
from visualbp.core.sessionio import SESSION_FORMAT, load_network, load_session

__all__ = ["KINDS", "OpenPlan", "apply_model", "config_for", "kind_of", "plan"]

KINDS = ("session", "network", "model", "csv", "idx")

_IDX_TYPE_BYTES = {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E}
_TEXT_ENDINGS = (".csv", ".csv.gz", ".txt", ".txt.gz", ".tsv")


class OpenError(ValueError):
    """A path on the command line that cannot be opened; the message names it."""


def _head(path: Path, name: str, n: int = 4096) -> bytes:
    if not path.exists():
        raise OpenError(f"{name}: no such file")
    if not path.is_file():
        raise OpenError(f"{name}: not a regular file")
    try:
        with path.open("rb") as f:
            head = f.read(n)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as f:
                return f.read(n)
    except (OSError, EOFError) as exc:
        raise OpenError(f"{name}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    return head


def _zip_kind(path: Path, name: str) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if "__header__.npy" not in names:
                return "model"
            with z.open("__header__.npy") as f:
                meta = np.lib.format.read_array(f, allow_pickle=False)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise OpenError(f"{name}: a damaged archive ({type(exc).__name__})") from None
    try:
        header = json.loads(meta.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = {}
    return "session" if isinstance(header, dict) and header.get("format") == SESSION_FORMAT else "network"


def kind_of(path: str | os.PathLike) -> str:
    """One of ``KINDS`` for the file at ``path``; OpenError naming it when it is none of them."""
    p, name = Path(path), str(path)
    head = _head(p, name)
    if not head:
        raise OpenError(f"{name}: the file is empty")
    if head[:2] == b"PK":
        return _zip_kind(p, name)
    ending = name.lower().rsplit(".", 1)[-1]
    if ending in ("vbp", "npz"):
        raise OpenError(f"{name}: not a {'visualbp session' if ending == 'vbp' else 'NumPy .npz archive'} "
                        "(damaged, or a different file with this name)")
    if head.lstrip()[:1] in (b"{", b"[") or ending == "json":
        return "model"
    if head[:1] == b"\x80" or ending in ("pt", "pth"):  # a pickle: load_model says why it is refused
        return "model"
    if len(head) >= 4 and head[:2] == b"\0\0" and head[2] in _IDX_TYPE_BYTES and 1 <= head[3] <= 4:
        return "idx"
    if name.lower().endswith(_TEXT_ENDINGS) or b"\0" not in head:
        return "csv"
    raise OpenError(f"{name}: not a file visualbp opens (a .vbp session, a network or model .npz, network2.py "
                    "JSON, a PyTorch state_dict, a CSV or an IDX pair)")


@dataclass(frozen=True)
class OpenPlan:
    """What the command line's paths ask for: a session file, or a model and/or a data file."""

    session: str | None = None
    model: ImportedModel | None = None
    data_path: str | None = None  # a CSV, or an IDX pair as config.idx_pair_path writes it

    @property
    def empty(self) -> bool:
        return self.session is None and self.model is None and self.data_path is None


def _idx_dims(path: str) -> int:
    return _head(Path(path), path, 4)[3]


def _data_path(paths: list[str], kinds: list[str]) -> str:
    if kinds == ["csv"]:
        return paths[0]
    if kinds == ["idx", "idx"]:
        images, labels = paths if _idx_dims(paths[0]) > 1 else paths[::-1]
        if _idx_dims(labels) != 1:
            raise OpenError(f"{labels}: an IDX labels file has 1 dimension; give the images file and the labels file")
        return idx_pair_path(images, labels)
    if kinds == ["idx"]:
        raise OpenError(f"{paths[0]}: an IDX file needs its partner: give the images file and the labels file")
    raise OpenError(f"{', '.join(paths)}: data is one CSV file or an IDX pair (images and labels)")


def _as_model(path: str, kind: str, activation: str | None = None) -> ImportedModel:
    if kind == "model":
        return load_model(path, activation)
    net = load_network(path)
    return ImportedModel(path, tuple(net.sizes), tuple(net.weights), tuple(net.biases), net.cost.name,
                         net.activation.name)


def plan(paths: list[str], data: list[str] | None = None, activation: str | None = None) -> OpenPlan:
    """The OpenPlan for positional ``paths`` and ``--data`` files ``data``; OpenError/ValueError naming a file.
    ``activation``: the hidden layers' of a PyTorch state_dict, which does not record it (default sigmoid)."""
    data = list(data or [])
    if not paths and not data:
        return OpenPlan()
    kinds = [kind_of(p) for p in paths]
    data_kinds = [kind_of(p) for p in data]
    for p, k in zip(data, data_kinds):
        if k not in ("csv", "idx"):
            raise OpenError(f"{p}: --data takes a CSV file or an IDX pair, this is a {k} file")
    if "session" in kinds:
        if len(paths) > 1 or data:
            raise OpenError(f"{paths[kinds.index('session')]}: a session brings its own network and data; "
                            "open it alone")
        load_session(paths[0])  # checked completely now: a bad file is one line, before any window
        return OpenPlan(session=paths[0])
    models = [(p, k) for p, k in zip(paths, kinds) if k in ("model", "network")]
    if len(models) > 1:
        raise OpenError(f"{models[1][0]}: open one network at a time")
    model = _as_model(*models[0], activation) if models else None
    rest = [(p, k) for p, k in zip(paths, kinds) if k in ("csv", "idx")]
    if rest and data:
        raise OpenError(f"{rest[0][0]}: give the data once, either as a path or with --data")
    rest = rest or list(zip(data, data_kinds))
    data_path = _data_path([p for p, _ in rest], [k for _, k in rest]) if rest else None
    return OpenPlan(model=model, data_path=data_path)


def config_for(open_plan: OpenPlan, config: SessionConfig, dataset_chosen: bool = False) -> SessionConfig:
    """The session's settings for ``open_plan`` over ``config``: a session file's own; a data file's
    dataset with the input and output layers fitted; a model's sizes, activation and cost, on the data
    given, the built-in dataset chosen (``dataset_chosen``) or the built-in one it fits."""
    if open_plan.session is not None:
        return load_session(open_plan.session).config
    if open_plan.data_path is not None:
        dataset = load_data_file(open_plan.data_path, seed=config.data_seed, val_fraction=config.val_fraction,
                                 scaling=config.scaling)
        hidden = config.sizes[1:-1] if dataset.image_shape is None else (30,)
        config = replace(config, dataset="file", data_path=open_plan.data_path,
                         sizes=fit_sizes((0, *hidden, 0), dataset))
    model = open_plan.model
    if model is None:
        return config.validated()
    if open_plan.data_path is None and not dataset_chosen:
        builtin = matching_dataset(model)
        if builtin is None:
            raise OpenError(f"{model.source}: a model with {model.sizes[0]} inputs and {model.sizes[-1]} outputs "
                            "fits no built-in dataset; open it with its data (--data PATH, or select both files)")
        config = replace(config, dataset=builtin)
    dataset = load_dataset(config)
    if (dataset.n_inputs, dataset.n_outputs) != (model.sizes[0], model.sizes[-1]):
        raise OpenError(f"{model.source}: the model has {model.sizes[0]} inputs and {model.sizes[-1]} outputs, "
                        f"but the {dataset.name} data has {dataset.n_inputs} inputs and {dataset.n_outputs} classes")
    return replace(config, sizes=model.sizes, activation=model.activation, cost=model.cost).validated()


def apply_model(session, model: ImportedModel) -> None:
    """Make ``model``'s weights and biases the session's current and initial ones (Reset returns to them);
    ``session`` is built from ``config_for``'s settings (same sizes)."""
    weights = [w.copy() for w in model.weights]
    biases = [b.copy() for b in model.biases]
    session.net.weights, session.net.biases = weights, biases
    session.engine.restore(0, 0, 0, 0, initial=([w.copy() for w in weights], [b.copy() for b in biases]))
    session.reset()
