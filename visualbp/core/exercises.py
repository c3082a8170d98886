"""Exercise mode: predict the quantity the next step computes, then reveal it.

``next_question(engine, selected)`` takes the next record on a *shadow* engine — a copy replayed to the
real engine's position — so the answer is known before the window shows anything, and the real engine
and its listeners are untouched. The question asks for the quantity the step's equation produces for the
neuron or weight the readout picks (``visualbp.core.readout``): z or a (feedforward), δ (BP1, BP2),
∂C/∂b (BP3), ∂C/∂w (BP4), the new w (update). ``judge`` accepts a prediction within 1 % of the answer or
1e-3 of it, whichever is looser; ``parse_number`` reads decimals and fractions such as 1/2 or −3/4.
Lessons (``resources/exercises.json``) fix a network, how far to step before, which neuron, and how many
questions; ``Scorebook`` counts right answers per lesson.
"""

from __future__ import annotations

import importlib.resources
import json
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

from visualbp.core.config import SessionConfig
from visualbp.core.engine import Engine
from visualbp.core.readout import Readout, readout
from visualbp.core.steps import Kind

#: A prediction is right within REL_TOL of the answer's size or ABS_TOL, whichever is larger.
REL_TOL, ABS_TOL = 0.01, 1e-3
RESOURCE = "exercises.json"

#: What each kind of step can ask for (readout value names); the first is the default.
ASKABLE: dict[Kind, tuple[str, ...]] = {
    Kind.FEEDFORWARD: ("z", "a"),
    Kind.OUTPUT_ERROR: ("delta",),
    Kind.BACKPROP_ERROR: ("delta",),
    Kind.GRADIENT_B: ("nabla_b",),
    Kind.GRADIENT_W: ("nabla_w",),
    Kind.UPDATE: ("w_new",),
}
_KIND_NAMES = {k.value: k for k in ASKABLE}


# --------------------------------------------------------------------------- numbers typed by a person

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float:
    """A typed number: '0.25', '-1.5e-3', '1/2', '−3/4' (a real minus sign too), '2 1/2' is refused.

    ValueError with a one-line message saying what is accepted.
    """
    s = str(text).strip().replace("−", "-").replace("–", "-").replace("×10^", "e").replace(" ", "")
    if not s:
        raise ValueError("type a number, such as 0.25, −1.5e-3 or 3/4")
    if s.count("/") == 1:
        top, bottom = s.split("/")
        if _NUMBER.match(top) and _NUMBER.match(bottom.lstrip("+")):
            b = Fraction(bottom)
            if b == 0:
                raise ValueError(f"{text.strip()!r} divides by zero")
            return float(Fraction(top) / b)
    elif _NUMBER.match(s):
        return float(s)
    raise ValueError(f"{text.strip()!r} is not a number: type a decimal such as 0.25 or −1.5e-3, or a fraction "
                     "such as 3/4")


@dataclass(frozen=True)
class Verdict:
    """A prediction judged against the answer: ``right`` when |prediction − answer| ≤ ``tolerance``."""

    prediction: float
    answer: float
    tolerance: float

    @property
    def error(self) -> float:
        return abs(self.prediction - self.answer)

    @property
    def right(self) -> bool:
        return self.error <= self.tolerance


def tolerance(answer: float) -> float:
    """max(1 % of |answer|, 0.001)."""
    return max(REL_TOL * abs(answer), ABS_TOL)


def judge(prediction: float, answer: float) -> Verdict:
    """Right within ``tolerance(answer)``."""
    return Verdict(float(prediction), float(answer), tolerance(answer))


# --------------------------------------------------------------------------- the next step, computed ahead

def shadow_engine(engine: Engine) -> Engine:
    """A copy of ``engine`` at the same position (the same minibatch, the same records taken in it), with
    its own network and no listeners: stepping it changes nothing the window shows."""
    weights, biases = engine.batch_start_parameters()
    net = engine.net.copy()
    net.weights = [w.copy() for w in weights]
    net.biases = [b.copy() for b in biases]
    epoch, batch, offset, step = engine.position
    taken = engine.step_index - step
    m = engine.last_record.batch_size if taken and engine.last_record is not None else engine.mini_batch_size
    shadow = Engine(net, engine.X, engine.Y, mini_batch_size=m, eta=engine.eta, seed=engine.seed,
                    history_bytes=0, history_steps=0)
    shadow.restore(epoch, batch, offset, step)
    for _ in range(taken):
        shadow.step()
    shadow.mini_batch_size = engine.mini_batch_size
    return shadow


@dataclass(frozen=True)
class Question:
    """Predict ``quantity`` (a readout value name) of the next step; ``symbol`` names it in the notation's
    markup (δ^3_1, ∂C/∂w^2_12); ``readout`` holds the step's every operand — the working — and the answer."""

    kind: Kind
    l: int
    quantity: str
    symbol: str
    answer: float
    readout: Readout
    step_index: int  # the engine's step_index when asked: the question is for the step taken from there

    def judge(self, prediction: float) -> Verdict:
        return judge(prediction, self.answer)


def _sub(*idx: int | None) -> str:
    parts = [str(i + 1) for i in idx if i is not None]
    return ("" if all(len(p) == 1 for p in parts) else ",").join(parts)


def symbol(kind: Kind, quantity: str, l: int, j: int, k: int | None) -> str:
    """The asked quantity in markup: z^2_1, a^2_1, δ^3_2, ∂C/∂b^3_2, ∂C/∂w^2_12, w^2_12 (new)."""
    if quantity in ("z", "a"):
        return f"{quantity}^{l}_{_sub(j)}"
    if quantity == "delta":
        return f"δ^{l}_{_sub(j)}"
    if quantity == "nabla_b":
        return f"∂C/∂b^{l}_{_sub(j)}"
    if quantity == "nabla_w":
        return f"∂C/∂w^{l}_{_sub(j, k)}"
    if quantity == "w_new":
        return f"w^{l}_{_sub(j, k)} after the update"
    raise ValueError(f"cannot ask for {quantity!r} at a {kind.value} step")


def next_question(engine: Engine, selected: tuple[int, int] | None = None,
                  ask: Mapping[Kind, str] | None = None) -> Question | None:
    """The question for the step the engine would take next, or None when that step computes nothing to
    predict (a^1 = x). ``ask`` overrides the quantity per kind (e.g. a rather than z)."""
    shadow = shadow_engine(engine)
    record = shadow.step()
    if record.kind not in ASKABLE:
        return None
    quantity = (ask or {}).get(record.kind, ASKABLE[record.kind][0])
    if quantity not in ASKABLE[record.kind]:
        raise ValueError(f"a {record.kind.value} step gives {', '.join(ASKABLE[record.kind])}, not {quantity!r}")
    r = readout(shadow, record, selected)
    c = r.choice
    if c is None:  # every askable step chooses a neuron or a weight
        return None
    return Question(record.kind, record.l, quantity, symbol(record.kind, quantity, record.l, c.j, c.k),
                    float(r.values[quantity]), r, engine.step_index)


# --------------------------------------------------------------------------- scores

@dataclass
class Scorebook:
    """Right answers and questions answered, per lesson name."""

    scores: dict[str, tuple[int, int]] = field(default_factory=dict)

    def record(self, lesson: str, right: bool) -> tuple[int, int]:
        got, asked = self.scores.get(lesson, (0, 0))
        self.scores[lesson] = (got + int(right), asked + 1)
        return self.scores[lesson]

    def score(self, lesson: str) -> tuple[int, int]:
        """(right, answered) for ``lesson``."""
        return self.scores.get(lesson, (0, 0))


# --------------------------------------------------------------------------- lessons

@dataclass(frozen=True)
class Lesson:
    """An exercise lesson: a network (SessionConfig fields), records to step first, the neuron to select
    ((l, j), the book's layer and a 0-based j), how many steps to predict, and quantity overrides."""

    name: str
    title: str
    description: str
    settings: Mapping[str, Any]
    steps: int = 0
    select: tuple[int, int] | None = None
    questions: int = 1
    ask: Mapping[Kind, str] = field(default_factory=dict)

    def config(self) -> SessionConfig:
        fields: dict[str, Any] = {k: (tuple(v) if k == "sizes" else v) for k, v in self.settings.items()}
        return SessionConfig(**fields).validated()


_KEYS = {"name", "title", "description", "config", "steps", "select", "questions", "ask"}
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _fail(source: str, lesson: str, key: str, message: str) -> ValueError:
    return ValueError(f"{source}: lesson {lesson!r}, key {key!r}: {message}")


def _whole(source: str, name: str, key: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise _fail(source, name, key, f"must be a whole number ≥ {low}, got {value!r}")
    return int(value)


def parse_lesson(entry: Any, index: int = 0, source: str = RESOURCE) -> Lesson:
    """One lesson entry → Lesson; ValueError naming the file, the lesson and the key otherwise."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"{source}: lesson #{index + 1} must be an object, got {type(entry).__name__}")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(source, name if isinstance(name, str) else f"#{index + 1}", "name",
                    f"must be lowercase words joined by '-', got {name!r}")
    for key in ("title", "description", "config"):
        if key not in entry:
            raise _fail(source, name, key, "is missing")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise _fail(source, name, unknown[0], f"unknown key; a lesson has {', '.join(sorted(_KEYS))}")
    for key in ("title", "description"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise _fail(source, name, key, f"must be non-empty text, got {entry[key]!r}")
    settings = entry["config"]
    if not isinstance(settings, Mapping):
        raise _fail(source, name, "config", f"must be an object of SessionConfig fields, got {settings!r}")
    settings = {k: (tuple(v) if k == "sizes" and isinstance(v, list) else v) for k, v in settings.items()}
    try:
        config = SessionConfig(**settings).validated()
    except (ValueError, TypeError) as exc:
        raise _fail(source, name, "config", str(exc)) from None
    steps = _whole(source, name, "steps", entry.get("steps", 0), 0)
    questions = _whole(source, name, "questions", entry.get("questions", 1), 1)
    select = entry.get("select")
    if select is not None:
        if (not isinstance(select, list) or len(select) != 2
                or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in select)):
            raise _fail(source, name, "select", f"must be [l, j] (the book's layer and neuron, from 1), got {select!r}")
        l, j = select
        sizes = config.sizes
        if not (1 <= l <= len(sizes) and 1 <= j <= sizes[l - 1]):
            raise _fail(source, name, "select", f"[{l}, {j}] is not a neuron of {list(sizes)}")
        select = (int(l), int(j) - 1)
    ask_raw = entry.get("ask", {})
    if not isinstance(ask_raw, Mapping):
        raise _fail(source, name, "ask", f"must map a step kind to a quantity, got {ask_raw!r}")
    ask = {}
    for kind_name, quantity in ask_raw.items():
        kind = _KIND_NAMES.get(kind_name)
        if kind is None:
            raise _fail(source, name, f"ask.{kind_name}", f"not a step kind; choose from {', '.join(_KIND_NAMES)}")
        if quantity not in ASKABLE[kind]:
            choices = ", ".join(ASKABLE[kind])
            raise _fail(source, name, f"ask.{kind_name}", f"must be one of {choices}, got {quantity!r}")
        ask[kind] = quantity
    return Lesson(name, entry["title"].strip(), " ".join(entry["description"].split()),
                  MappingProxyType(dict(settings)), steps, select, questions, MappingProxyType(ask))


def parse_lessons(data: Any, source: str = RESOURCE) -> list[Lesson]:
    """The whole document → Lessons in file order; names must be unique."""
    entries = data.get("lessons") if isinstance(data, Mapping) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{source}: key 'lessons' must be a non-empty list")
    lessons, seen = [], set()
    for i, entry in enumerate(entries):
        lesson = parse_lesson(entry, i, source)
        if lesson.name in seen:
            raise _fail(source, lesson.name, "name", "is used by two lessons")
        seen.add(lesson.name)
        lessons.append(lesson)
    return lessons


def load_lessons(path: str | Path | None = None) -> list[Lesson]:
    """The lessons of ``path``, or the shipped ``resources/exercises.json``."""
    if path is None:
        try:
            text = (importlib.resources.files("visualbp.resources") / RESOURCE).read_text("utf-8")
        except (ModuleNotFoundError, FileNotFoundError, OSError, TypeError):
            text = (Path(__file__).resolve().parents[2] / "resources" / RESOURCE).read_text("utf-8")
        source = RESOURCE
    else:
        source = Path(path).name
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise ValueError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON: {exc}") from None
    return parse_lessons(data, source)
