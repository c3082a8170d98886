"""Scripted lessons: a network, its data, seed, hyperparameters and starting granularity, fixed.

A demo is data (``resources/demos.json``), so every lecture shows the same numbers:
``visualbp --demo one-example`` builds the same [2, 3, 2] network with the same
weights on the same XOR points every time. Each entry names

* ``name`` (what ``--demo`` takes), ``title`` and a one-paragraph ``description``
  for the lecturer;
* ``config``: fields of :class:`~visualbp.core.config.SessionConfig`;
* ``granularity``: how far one step (→) goes at the start ("layer", "example",
  "minibatch", "epoch");
* ``steps`` (optional): steps to take, at that granularity, before the lesson opens;
* ``breakpoints`` (optional): fields of :class:`~visualbp.core.breakpoints.Breakpoints`
  to switch on;
* ``weight_scale`` (optional): multiply the initial weights w^l by this (saturation
  lessons); Reset returns to the scaled weights.
* ``neurons`` (optional): activations of single neurons, ``[[l, j, name], …]`` (j from 0),
  as a person would choose them by right-clicking a neuron (chapter 2's modified neuron);
* ``select`` (optional): ``[l, j]``, the neuron (j from 0) the equation panel follows.

NumPy only: the GUI applies a demo through :meth:`Demo.apply`, and the tests check
with the core Engine that each lesson shows what it claims.
"""

from __future__ import annotations

import importlib.resources
import json
import math
import numbers
import re
import sys
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from visualbp.core import checks
from visualbp.core.breakpoints import Breakpoints, BreakpointSettings
from visualbp.core.config import SessionConfig
from visualbp.core.demo_lessons import BUILTIN_LESSONS
from visualbp.core.engine import Engine
from visualbp.core.network import Network
from visualbp.core.neuron_activations import check_triples
from visualbp.core.safefile import UnreadableFile, read_regular_file
from visualbp.core.sessioncheck import check_config

GRANULARITIES: tuple[str, ...] = ("layer", "example", "minibatch", "epoch")
RESOURCE = "demos.json"
#: Largest lesson file read (the shipped one is 8 kB).
MAX_LESSON_FILE_BYTES = 4 * 1024**2
#: Most steps a lesson takes before it opens (each is drawn: 10,000 take seconds already).
MAX_STEPS = 10_000
#: Inputs and classes of the built-in data sets, so a lesson's layers are checked without loading them.
_DATA_SHAPES = {"mnist": (784, 10, 10_000), "digits": (64, 10, 1797)}
_FUNCTION_SETS = ("sine", "cubic")  # 1-D regression (core/functions.py): 1 input, 1 output, n points

_CONFIG_FIELDS = {f.name for f in fields(SessionConfig)}
_BREAKPOINT_DEFAULTS = {
    f.name: f.default for f in fields(BreakpointSettings) if f.init and f.default is not MISSING
}
_KEYS = {"name", "title", "description", "config", "granularity", "steps", "breakpoints", "weight_scale", "panel",
         "neurons", "select"}
#: The Teach panels a lesson can open beside the graph (visualbp.gui.teach has one of each name).
PANELS = ("big-picture", "race", "exercise", "code", "draw")
_REQUIRED = ("name", "title", "description", "config", "granularity")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Demo:
    """One scripted lesson. ``settings`` are SessionConfig fields; ``breakpoints`` Breakpoints fields."""

    name: str
    title: str
    description: str
    settings: Mapping[str, Any]
    granularity: str = "layer"
    steps: int = 0
    breakpoints: Mapping[str, Any] = field(default_factory=dict)
    weight_scale: float = 1.0
    panel: str | None = None  # a Teach panel the lesson opens (one of PANELS)
    neurons: tuple[tuple[int, int, str], ...] = ()  # single neurons' own activations (l, j, name)
    select: tuple[int, int] | None = None  # the neuron (l, j) the equation panel follows

    def config(self) -> SessionConfig:
        """The lesson's validated SessionConfig (fields not named keep their defaults)."""
        fields: dict[str, Any] = {k: (tuple(v) if k == "sizes" else v) for k, v in self.settings.items()}
        return SessionConfig(**fields).validated()

    def make_breakpoints(self) -> Breakpoints:
        """A Breakpoints with the demo's fields set (the rest at their defaults: off)."""
        return Breakpoints(**dict(self.breakpoints))

    def configure_breakpoints(self, breakpoints: Breakpoints) -> None:
        """Set the demo's fields on an existing Breakpoints (e.g. a Session's), leaving the rest."""
        breakpoints.update(**dict(self.breakpoints))  # one swap: a run never sees half a lesson's settings

    def apply(self, net: Network, engine: Engine) -> None:
        """Give the ``neurons`` their own activations, and scale the initial weights w^l by ``weight_scale``
        (biases unchanged) and make them what Reset returns to. Call on a freshly built network, before any
        step."""
        for l, j, name in self.neurons:
            net.set_neuron_activation(l, j, name)
        if self.weight_scale == 1.0:
            return
        net.weights = [w * self.weight_scale for w in net.weights]
        engine.restore(0, 0, 0, 0, initial=(list(net.weights), list(net.biases)))

    def summary(self) -> str:
        """One line for ``--demo list``: name, title and the network."""
        config = self.config()
        return f"{self.name:<20} {self.title}  ({config.dataset}, sizes {list(config.sizes)})"


class UnknownDemoError(KeyError):
    """``get_demo`` was given a name no demo has; the message lists the names."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _fail(name: str, what: str, message: str) -> ValueError:
    return ValueError(f"demo {name!r}, field {what!r}: {message}")


def _check_breakpoints(name: str, value: Any, n_layers: int) -> dict:
    if not isinstance(value, Mapping):
        raise _fail(name, "breakpoints", f"must be an object of Breakpoints fields, got {value!r}")
    clean = {}
    for key, v in value.items():
        where = f"breakpoints.{key}"
        if key not in _BREAKPOINT_DEFAULTS:
            raise _fail(name, where, f"unknown breakpoint setting; choose from {', '.join(_BREAKPOINT_DEFAULTS)}")
        default = _BREAKPOINT_DEFAULTS[key]
        if isinstance(default, bool):
            if not isinstance(v, bool):
                raise _fail(name, where, f"must be true or false, got {v!r}")
        elif isinstance(default, int) or default is None:
            if v is None and default is None:
                pass
            elif isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
                raise _fail(name, where, f"must be a whole number ≥ 0, got {v!r}")
        else:
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) or v < 0:
                raise _fail(name, where, f"must be a finite number ≥ 0, got {v!r}")
            v = float(v)
        if key.endswith("_layer") and not 2 <= v <= n_layers:
            raise _fail(name, where, f"must be a layer l from 2 to L = {n_layers}, got {v!r}")
        clean[key] = v
    return clean


def parse_demo(entry: Any, index: int = 0) -> Demo:
    """One demos.json entry → Demo; ValueError naming the demo and the field otherwise."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"demo #{index + 1}: must be an object, got {type(entry).__name__}")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(name if isinstance(name, str) else f"#{index + 1}", "name",
                    f"must be lowercase words joined by '-', such as 'one-example', got {name!r}")
    for key in _REQUIRED:
        if key not in entry:
            raise _fail(name, key, "is missing")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise _fail(name, unknown[0], f"unknown field; a demo has {', '.join(sorted(_KEYS))}")
    for key in ("title", "description"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise _fail(name, key, f"must be non-empty text, got {entry[key]!r}")

    settings = entry["config"]
    if not isinstance(settings, Mapping):
        raise _fail(name, "config", f"must be an object of SessionConfig fields, got {settings!r}")
    for key in settings:
        if key not in _CONFIG_FIELDS:
            fields = ", ".join(sorted(_CONFIG_FIELDS))
            raise _fail(name, f"config.{key}", f"not a SessionConfig field; choose from {fields}")
    try:  # every field's type and range, as a saved session's are checked
        config = check_config({k: (list(v) if k == "sizes" and isinstance(v, tuple) else v)
                               for k, v in settings.items()})
    except (ValueError, TypeError) as exc:
        raise _fail(name, "config", str(exc)) from None
    settings = {k: (tuple(v) if k == "sizes" and isinstance(v, list) else v) for k, v in settings.items()}
    if config.dataset == "file" or config.data_path is not None:
        raise _fail(name, "config.dataset", "a lesson uses a built-in data set, not a file")
    n_in, n_out, n_examples = _DATA_SHAPES.get(
        config.dataset, (1, 1, config.n) if config.dataset in _FUNCTION_SETS else (2, 2, config.n))
    if config.sizes[0] != n_in or config.sizes[-1] != n_out:
        raise _fail(name, "config.sizes", f"the {config.dataset} data has {n_in} inputs and {n_out} classes, so the "
                                          f"first layer must be {n_in} and the last {n_out}, got {list(config.sizes)}")
    try:
        checks.check_workload(config.sizes, n_examples, config.mini_batch_size)
    except ValueError as exc:
        raise _fail(name, "config", str(exc)) from None

    granularity = entry["granularity"]
    if granularity not in GRANULARITIES:
        raise _fail(name, "granularity", f"must be one of {', '.join(GRANULARITIES)}, got {granularity!r}")
    steps = entry.get("steps", 0)
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or not 0 <= int(steps) <= MAX_STEPS:
        raise _fail(name, "steps", f"must be a whole number from 0 to {MAX_STEPS:,}, got {steps!r:.40}")
    scale = entry.get("weight_scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not math.isfinite(scale) or scale <= 0:
        raise _fail(name, "weight_scale", f"must be a finite number > 0, got {scale!r}")
    breakpoints = _check_breakpoints(name, entry.get("breakpoints", {}), len(config.sizes))
    panel = entry.get("panel")
    if panel is not None and panel not in PANELS:
        raise _fail(name, "panel", f"must be one of {', '.join(PANELS)}, got {panel!r:.40}")
    try:
        neurons = check_triples(entry.get("neurons"), config.sizes, config.cost)
    except ValueError as exc:
        raise _fail(name, "neurons", str(exc)) from None
    select = entry.get("select")
    if select is not None:
        ok = isinstance(select, list) and len(select) == 2 and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in select)
        if not ok or not (1 <= select[0] <= len(config.sizes) and 0 <= select[1] < config.sizes[select[0] - 1]):
            raise _fail(name, "select", f"must be [l, j], a neuron of the network {list(config.sizes)} "
                                        f"(j from 0), got {select!r:.40}")
        select = (int(select[0]), int(select[1]))

    return Demo(
        name=name,
        title=entry["title"].strip(),
        description=" ".join(entry["description"].split()),
        settings=MappingProxyType(dict(settings)),
        granularity=granularity,
        steps=int(steps),
        breakpoints=MappingProxyType(breakpoints),
        weight_scale=float(scale),
        panel=panel,
        neurons=tuple(neurons),
        select=select,
    )


def parse_demos(data: Any) -> list[Demo]:
    """The whole demos.json document → Demos in file order; names must be unique."""
    entries = data.get("demos") if isinstance(data, Mapping) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError("demos.json must be an object with a non-empty list 'demos'")
    demos, seen = [], set()
    for i, entry in enumerate(entries):
        demo = parse_demo(entry, i)
        if demo.name in seen:
            raise _fail(demo.name, "name", "is used by two demos")
        seen.add(demo.name)
        demos.append(demo)
    return demos


def lesson_file() -> Path:
    """Where the lessons are read from: ``resources/demos.json`` (installed, or in a source checkout)."""
    try:
        candidate = importlib.resources.files("visualbp.resources") / RESOURCE
        if isinstance(candidate, Path) and candidate.is_file():
            return candidate
    except (ModuleNotFoundError, TypeError, OSError):
        pass
    return Path(__file__).resolve().parents[2] / "resources" / RESOURCE


def read_lessons(path: str | Path) -> list[Demo]:
    """The lessons in the file ``path``; ValueError naming the file and the key at the first problem."""
    try:
        raw = read_regular_file(path, MAX_LESSON_FILE_BYTES, "lesson file")
        data = json.loads(raw.decode("utf-8"))
    except UnreadableFile as exc:
        raise ValueError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (undecodable byte at offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from None
    except (RecursionError, ValueError) as exc:
        raise ValueError(f"{path}: not valid JSON ({type(exc).__name__})") from None
    try:
        return parse_demos(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[Demo, ...], str | None]:
    """The lessons of the lesson file, or, if it cannot be used, the built-in ones and why."""
    path = lesson_file()
    try:
        return tuple(read_lessons(path)), None
    except ValueError as exc:
        problem = f"{exc} — using the built-in lessons instead"
        print(f"visualbp: {problem}", file=sys.stderr)
        return tuple(parse_demos(BUILTIN_LESSONS)), problem


def lesson_file_problem() -> str | None:
    """Why the lesson file was not used (naming the file and the key), or None when it was."""
    return _load()[1]


def list_demos() -> list[Demo]:
    """Every shipped demo, in the order of demos.json."""
    return list(_load()[0])


def demo_names() -> list[str]:
    return [d.name for d in _load()[0]]


def get_demo(name: str) -> Demo:
    """The demo called ``name``; UnknownDemoError (a KeyError) listing the names otherwise."""
    for demo in _load()[0]:
        if demo.name == name:
            return demo
    raise UnknownDemoError(f"unknown demo {name!r}; choose one of: {', '.join(demo_names())}")
