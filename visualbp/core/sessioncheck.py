"""The complete check of a session or network file's JSON header, before anything is built from it.

Every value is checked for its type, its range and its consistency with the rest: the settings as the
setup panel would accept them, the position inside the data (a minibatch starts at an example; batch 0
at example 0), the epoch history (whole epochs and steps no further than a session can go, costs ≥ 0 or
NaN, accuracies in [0, 1] or NaN), the kept runs of the debug panel, and the nesting depth of it all.
A header that passes can be opened, stepped, stepped back, trained, plotted and saved again. Each
refusal is a ``ValueError`` saying which value and why; ``sessionio`` adds the file's name.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields
from typing import Any

from visualbp.core import checks, limits
from visualbp.core.config import SessionConfig
from visualbp.core.datafiles import IDX_PAIR_SEPARATOR
from visualbp.core.datasets import BUILTIN, MAX_NOISE
from visualbp.core.neuron_activations import KEY as NEURONS_KEY
from visualbp.core.neuron_activations import check_triples
from visualbp.core.steps import EpochStats

#: Deepest nesting of lists and objects in a header (the kept runs are 5 deep).
MAX_DEPTH = 12
#: Epoch points in a saved history (it is thinned to MAX_EPOCH_POINTS on opening).
MAX_HISTORY = 100_000
#: Runs kept by the debug panel, and the longest label of one.
MAX_KEPT_RUNS = 10_000
MAX_LABEL_CHARS = 1000
#: Longest data path (two paths for an IDX pair).
MAX_PATH_CHARS = 2 * 4096 + 1
#: Points of a generated data set (the setup panel's bound).
MAX_POINTS = 1_000_000


def parse_json(text: bytes) -> Any:
    """The JSON document in ``text`` (UTF-8); ValueError for bad JSON, too deep or huge numbers."""
    try:
        value = json.loads(text.decode("utf-8"))
    except RecursionError:
        raise ValueError(f"the header is nested more than {MAX_DEPTH} levels deep") from None
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, or an integer of 4,300+ digits
        raise ValueError(f"the header is corrupt ({type(exc).__name__})") from None
    check_depth(value)
    return value


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """ValueError if lists and objects nest deeper than ``limit`` (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, (list, dict)):
            if depth > limit:
                raise ValueError(f"the header is nested more than {limit} levels deep")
            stack.extend((c, depth + 1) for c in (v.values() if isinstance(v, dict) else v))


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_real(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def whole(name: str, v: Any, lo: int, hi: int) -> int:
    """A whole number in lo … hi (not a bool, not a float)."""
    if not _is_int(v):
        raise ValueError(f"{name} must be a whole number, got {_short(v)}")
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be from {lo:,} to {hi:,}, got {_short(v)}")
    return int(v)


def real(name: str, v: Any, lo: float, hi: float, *, nan: bool = False, positive: bool = False) -> float:
    """A number in lo … hi (> lo if ``positive``); NaN (or null, read as NaN) only if ``nan``."""
    if v is None and nan:
        return math.nan
    if not _is_real(v):
        raise ValueError(f"{name} must be a number, got {_short(v)}")
    x = float(v) if not _is_int(v) or abs(v) < 2**1000 else math.inf
    if math.isnan(x) and nan:
        return x
    if not (lo <= x <= hi) or (positive and x <= lo):
        bound = f"greater than {lo:g}" if positive else f"from {lo:g}"
        raise ValueError(f"{name} must be a finite number {bound} to {hi:g}, got {_short(v)}")
    return x


def _short(v: Any) -> str:
    text = repr(v) if not isinstance(v, int) or abs(v) < 10**30 else f"a {len(str(abs(v)))}-digit number"
    return text if len(text) <= 60 else text[:57] + "…"


def _text(name: str, v: Any, limit: int) -> str:
    if not isinstance(v, str):
        raise ValueError(f"{name} must be text, got {_short(v)}")
    if len(v) > limit:
        raise ValueError(f"{name} is longer than {limit:,} characters")
    return v


# ----------------------------------------------------------------- settings
def check_config(raw: Any) -> SessionConfig:
    """The ``config`` object → a validated SessionConfig; every field's type and range checked."""
    if not isinstance(raw, dict):
        raise ValueError(f"config must be an object, got {_short(raw)}")
    known = {f.name for f in fields(SessionConfig)}
    unknown = sorted(str(k) for k in set(raw) - known)
    if unknown:
        raise ValueError(f"unknown settings {unknown[:5]}")
    c = dict(raw)
    clean: dict[str, Any] = {}
    if "dataset" in c:
        dataset = _text("dataset", c["dataset"], 100)
        if dataset not in BUILTIN and dataset != "file":
            raise ValueError(f"unknown dataset {dataset!r}: choose one of {', '.join(BUILTIN)}")
        clean["dataset"] = dataset
    if "sizes" in c:
        sizes = c["sizes"]
        if not isinstance(sizes, list) or not all(_is_int(n) for n in sizes):
            raise ValueError(f"sizes must be a list of whole numbers, got {_short(sizes)}")
        clean["sizes"] = tuple(checks.check_sizes(sizes))
    for key in ("activation", "cost", "init"):
        if key in c:
            clean[key] = _text(key, c[key], 100)
    if "eta" in c:
        clean["eta"] = real("η (eta)", c["eta"], 0.0, 1.7976931348623157e308, positive=True)
    if "mini_batch_size" in c:
        clean["mini_batch_size"] = whole("mini_batch_size", c["mini_batch_size"], 1, checks.MAX_MINI_BATCH)
    if "epochs" in c:
        clean["epochs"] = whole("epochs", c["epochs"], 1, checks.MAX_EPOCHS)
    if "lmbda" in c:
        clean["lmbda"] = real("λ (lmbda)", c["lmbda"], 0.0, 1.7976931348623157e308)
    if "seed" in c:
        clean["seed"] = None if c["seed"] is None else whole("seed", c["seed"], limits.MIN_SEED, limits.MAX_SEED)
    if "data_seed" in c:
        clean["data_seed"] = whole("data_seed", c["data_seed"], limits.MIN_SEED, limits.MAX_SEED)
    if "n" in c:
        clean["n"] = whole("n (points)", c["n"], 4, MAX_POINTS)
    if "noise" in c:
        clean["noise"] = real("noise", c["noise"], 0.0, MAX_NOISE)
    if "val_fraction" in c:
        clean["val_fraction"] = real("val_fraction", c["val_fraction"], 0.0, 0.9)
    if "data_path" in c and c["data_path"] is not None:
        path = _text("data_path", c["data_path"], MAX_PATH_CHARS)
        if not path.strip(IDX_PAIR_SEPARATOR) or path.count(IDX_PAIR_SEPARATOR) > 1:
            raise ValueError(f"data_path {_short(path)} is not a file's path nor an IDX pair")
        clean["data_path"] = path
    if "scaling" in c:
        clean["scaling"] = _text("scaling", c["scaling"], 100)  # its value checked by validated()
    config = SessionConfig(**clean)
    if config.dataset == "file" and not config.data_path:
        raise ValueError("dataset 'file' needs a data_path")
    return config.validated()


# ----------------------------------------------------------------- position and history
def check_position(header: dict) -> dict[str, int]:
    """epoch, batch, offset, step: whole numbers in range; batch k starts at an example ≥ k, batch 0 at 0."""
    position = {}
    for key, hi in (("epoch", checks.MAX_EPOCH_REACHED), ("batch", 10**9), ("offset", 10**9),
                    ("step", checks.MAX_STEP_REACHED)):
        if key not in header:
            raise ValueError(f"{key} is missing")
        position[key] = whole(key, header[key], 0, hi)
    batch, offset = position["batch"], position["offset"]
    if not checks.minibatch_can_start(batch, offset):
        raise ValueError(f"minibatch {batch} cannot start at example {offset} (every minibatch holds at least one)")
    return position


#: The two EpochStats fields only a regression run's history holds (the RMS errors of its fit).
_RMS = ("train_rms", "val_rms")


def check_history(raw: Any) -> list[EpochStats]:
    """The epoch history: at most MAX_HISTORY points, each of the six EpochStats fields in range (and a
    regression run's two RMS errors, ≥ 0 or null)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError(f"epoch_history must be a list, got {_short(raw)}")
    if len(raw) > MAX_HISTORY:
        raise ValueError(f"epoch_history has {len(raw):,} points, more than the limit of {MAX_HISTORY:,}")
    names = [f.name for f in fields(EpochStats) if f.name not in _RMS]
    history = []
    for i, e in enumerate(raw):
        where = f"epoch_history[{i}]"
        if not isinstance(e, dict) or not set(names) <= set(e) <= set(names) | set(_RMS):
            raise ValueError(f"{where} must be an object with exactly {', '.join(names)} "
                             f"(and, for regression, {' and '.join(_RMS)})")
        rms = {k: real(f"{where}.{k}", e[k], 0.0, 1e300, nan=True) for k in _RMS if k in e}
        history.append(EpochStats(**rms,
            epoch=whole(f"{where}.epoch", e["epoch"], -1, checks.MAX_EPOCH_REACHED),
            step=whole(f"{where}.step", e["step"], 0, checks.MAX_STEP_REACHED),
            train_cost=real(f"{where}.train_cost", e["train_cost"], 0.0, 1e300, nan=True),
            train_accuracy=real(f"{where}.train_accuracy", e["train_accuracy"], 0.0, 1.0, nan=True),
            val_cost=real(f"{where}.val_cost", e["val_cost"], 0.0, 1e300, nan=True),
            val_accuracy=real(f"{where}.val_accuracy", e["val_accuracy"], 0.0, 1.0, nan=True)))
    return history


def history_to_json(history: list[EpochStats]) -> list[dict]:
    """The history as the header stores it: a non-finite or out-of-range number is written as null (NaN)."""
    def num(v: float, hi: float) -> float | None:
        v = float(v)
        return v if math.isfinite(v) and 0.0 <= v <= hi else None

    def row(e: EpochStats) -> dict:
        d = {"epoch": int(e.epoch), "step": int(e.step), "train_cost": num(e.train_cost, 1e300),
             "train_accuracy": num(e.train_accuracy, 1.0), "val_cost": num(e.val_cost, 1e300),
             "val_accuracy": num(e.val_accuracy, 1.0)}
        if e.train_rms is not None or e.val_rms is not None:  # a regression run's RMS errors
            d.update(train_rms=num(math.nan if e.train_rms is None else e.train_rms, 1e300),
                     val_rms=num(math.nan if e.val_rms is None else e.val_rms, 1e300))
        return d

    return [row(e) for e in history]


# ----------------------------------------------------------------- view state
def check_extra(raw: Any) -> dict:
    """The view state: an object; its ``kept_runs`` (the debug panel's) checked row by row."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError(f"extra must be an object, got {_short(raw)}")
    _check_json_numbers(raw, "extra")
    kept = raw.get("kept_runs")
    if kept is not None:
        if not isinstance(kept, list) or len(kept) > MAX_KEPT_RUNS:
            raise ValueError(f"extra.kept_runs must be a list of at most {MAX_KEPT_RUNS} runs")
        for i, run in enumerate(kept):
            where = f"extra.kept_runs[{i}]"
            if not isinstance(run, dict) or set(run) != {"label", "epochs"}:
                raise ValueError(f"{where} must be an object with a label and epochs")
            _text(f"{where}.label", run["label"], MAX_LABEL_CHARS)
            rows = run["epochs"]
            if not isinstance(rows, list) or len(rows) > MAX_HISTORY:
                raise ValueError(f"{where}.epochs must be a list of at most {MAX_HISTORY:,} rows")
            for j, r in enumerate(rows):
                w = f"{where}.epochs[{j}]"
                if not isinstance(r, list) or len(r) != 5:
                    raise ValueError(f"{w} must be [epoch, train cost, validation cost, train accuracy, "
                                     f"validation accuracy]")
                whole(f"{w}[0] (epoch)", r[0], -1, checks.MAX_EPOCH_REACHED)
                for k, hi in ((1, 1e300), (2, 1e300), (3, 1.0), (4, 1.0)):
                    if r[k] is not None:
                        real(f"{w}[{k}]", r[k], 0.0, hi)
    return dict(raw)


def _check_json_numbers(value: Any, where: str) -> None:
    """Every number finite and every integer within ±2⁶³ (what the views can turn into floats and ints)."""
    stack = [(value, where)]
    while stack:
        v, at = stack.pop()
        if isinstance(v, dict):
            if not all(isinstance(k, str) for k in v):
                raise ValueError(f"{at} has keys that are not text")
            stack.extend((c, f"{at}.{k}") for k, c in v.items())
        elif isinstance(v, list):
            stack.extend((c, f"{at}[{i}]") for i, c in enumerate(v))
        elif isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"{at} is not a finite number ({v})")
        elif isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2**63:
            raise ValueError(f"{at} is too large ({_short(v)})")
        elif not (v is None or isinstance(v, (bool, int, float, str))):
            raise ValueError(f"{at} holds an unexpected value")


def check_neuron_activations(extra: dict, config: SessionConfig) -> list[tuple[int, int, str]]:
    """``extra.neuron_activations`` (activations chosen per neuron, core/neuron_edits.py) against the config's
    layers and cost: each [l, j, name] with l = 2 … L, j in layer l, a known name, no neuron twice, sigmoid
    outputs under cross-entropy."""
    try:
        return check_triples(extra.get(NEURONS_KEY), config.sizes, config.cost)
    except ValueError as exc:
        raise ValueError(f"extra.{exc}") from None


# ----------------------------------------------------------------- networks
def check_network_header(header: dict) -> dict[str, Any]:
    """The settings of a network file, type-checked (Network() checks the values themselves)."""
    out: dict[str, Any] = {}
    sizes = header.get("sizes")
    if not isinstance(sizes, list) or not all(_is_int(n) for n in sizes):
        raise ValueError(f"sizes must be a list of whole numbers, got {_short(sizes)}")
    out["sizes"] = checks.check_sizes(sizes)
    for key in ("activation", "output_activation", "cost", "init"):
        if key not in header:
            raise ValueError(f"{key} is missing")
        out[key] = _text(key, header[key], 100)
    seed = header.get("seed")
    out["seed"] = None if seed is None else whole("seed", seed, limits.MIN_SEED, limits.MAX_SEED)
    out["lmbda"] = real("λ (lmbda)", header.get("lmbda"), 0.0, 1.7976931348623157e308)
    out[NEURONS_KEY] = check_triples(header.get(NEURONS_KEY), out["sizes"], out["cost"])
    return out
