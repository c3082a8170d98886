"""Bad input never crashes or loses work: every field, file and session path, fuzzed through the real widgets.

Each input is either refused, with a message at its field (or in the panel / a message box for files),
leaving ``session.net`` and ``session.config`` exactly as they were, or accepted and then shown back in
the field. Nothing raises. The loaders' own fuzz tests live in tests/core (test_datasets.py,
test_sessionio.py); here are the paths through the GUI and the files those do not build.
"""

from __future__ import annotations

import gzip
import math
import re
import struct
import time
from pathlib import Path

import numpy as np
import pytest
from fuzz_helpers import freeze, same_arrays, unchanged
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PyQt6.QtCore import QEvent, Qt
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import QApplication, QFileDialog

from visualbp.core import checks
from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.session import Session
from visualbp.gui.setup_panel import MAX_NOISE, SetupPanel, parse_sizes


def fuzz(max_examples: int = 100) -> settings:
    return settings(max_examples=max_examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

#: field key → (the config attribute it sets, a word its message must contain)
NUMERIC = {
    "eta": ("eta", "η"),
    "mini_batch_size": ("mini_batch_size", "minibatch"),
    "epochs": ("epochs", "epochs"),
    "lmbda": ("lmbda", "λ"),
    "seed": ("seed", "seed"),
    "noise": ("noise", "noise"),
    "points": ("n", "points"),
    "val_fraction": ("val_fraction", "validation"),
}

TRICKY = ["", " ", "0", "-0", "-3", "1e9", "1e300", "1e-320", "5e-324", "1e309", "nan", "NaN", "inf", "-inf",
          "Infinity", "a,b", "0x10", "½", "²", "٣", "١.٥", "４２", "𝟓", "😀", "∞", "1_000", "1,000", "+5", "−2",
          "4294967295", "4294967296", "1000000", "1000001", "9" * 40, "1" * 400, "3.0", "0.9", "0.95", "1e",
          "--1", "1/2", "\u00a01\u00a0", "1\u200b"]

NUMBERISH = st.one_of(
    st.sampled_from(TRICKY),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=False).map(lambda f: f"{f:g}"),
    st.integers(-10**40, 10**40).map(str),
    st.integers(0, 2 * 10**6).map(lambda i: f"{i:,}"),
    st.integers(0, 10**4).map(str),
    st.text(max_size=12),
)

ARCH_TOKEN = st.one_of(
    st.integers(-10**25, 10**25).map(str),
    st.integers(1, 40).map(str),
    st.sampled_from(["0", "-3", "1e9", "a", "", "😀", "٣", "４", "𝟓", "½", "²", "none", "1.5", "0x10", "+4", "−2",
                     "∞", "nan", "100000", "100001", "784", "30", "10"]),
    st.text(max_size=4),
)
ARCH = st.one_of(
    st.builds(lambda tokens, sep, tail: sep.join(tokens) + tail, st.lists(ARCH_TOKEN, max_size=80),
              st.sampled_from([",", ", ", ";", " ", "，", "、", ",,", "\t"]), st.sampled_from(["", ",", " ", ",,"])),
    st.text(max_size=40),
)

ARCH_EXAMPLES = ["784, 30, 10", "0", "-3", "1e9", "a,b", "", ",", " , ", "٣, ٤", "４２", "𝟓", "😀", "😀, 3",
                 "2," * 10_000, "9" * 40, "1" * 13, "100000, 100000", "100001", "3 " * (checks.MAX_LAYERS + 1),
                 "4,,3", "none", "2, 4, 3, 2", "½", "∞", "nan", "1\u200b"]


@pytest.fixture
def panel(qtbot):
    theme.apply()
    session = Session(SessionConfig(seed=4))  # moons: every field is shown
    widget = SetupPanel(session)
    qtbot.addWidget(widget)
    return session, widget


MAIN_WINDOW_CONFIG = SessionConfig(seed=4)  # moons: every field is shown
MAIN_WINDOW_SIZE = (1400, 900)


@pytest.fixture
def window(main_window):
    """The module's main window (tests/gui/conftest.py), back at MAIN_WINDOW_CONFIG: one window for the ~27
    tests that use it instead of one each."""
    assert main_window.session.config == MAIN_WINDOW_CONFIG and not main_window.setup_panel.error_text("dataset")
    return main_window


def type_text(qtbot, widget, text: str) -> None:
    """Type ``text`` key by key. QTest only knows keys for printable ASCII; other characters (Arabic-Indic
    digits, emoji, control characters) arrive as a key event carrying the text, as an input method sends them."""
    for ch in text:
        if " " <= ch <= "~":
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def marked(w: SetupPanel, key: str) -> bool:
    field = w.fields[key]
    return bool(field.error.text()) and not field.error.isHidden() and field.widget.property("invalid") is True


# ----------------------------------------------------------------- the architecture field


@fuzz(200)
@given(text=ARCH, n_in=st.sampled_from([1, 2, 64, 784, checks.MAX_LAYER_SIZE]), n_out=st.integers(1, 300))
def test_parse_sizes_returns_a_buildable_network_or_a_message(text, n_in, n_out):
    try:
        sizes = parse_sizes(text, n_in, n_out)
    except ValueError as exc:
        assert str(exc).strip()
        return
    assert sizes[0] == n_in and sizes[-1] == n_out
    assert tuple(checks.check_sizes(sizes)) == sizes  # within every limit
    assert any(c.isdigit() for c in text) or text.strip().lower().startswith(("none", "no hidden"))


@pytest.mark.parametrize("text", ARCH_EXAMPLES, ids=lambda t: repr(t[:16]) + (f"…{len(t)}" if len(t) > 16 else ""))
def test_typing_into_the_architecture_field_then_apply(panel, qtbot, text):
    session, w = panel
    before = freeze(session)
    w.sizes_edit.clear()
    if len(text) <= 40:
        type_text(qtbot, w.sizes_edit, text)  # typed, key by key, like a person
    else:
        w.sizes_edit.setText(text)  # a paste
    assert w.sizes_edit.text() == text or len(text) > w.sizes_edit.maxLength()
    typed = w.sizes_edit.text()
    try:
        expected = parse_sizes(typed, 2, 2)
    except ValueError as exc:
        expected = None
        assert marked(w, "sizes") and w.error_text("sizes") == str(exc)
    qtbot.keyClick(w.sizes_edit, Qt.Key.Key_Return)  # Enter = Apply
    if expected is None:
        assert unchanged(session, before)
        assert w.message_text() == "Fix the marked fields first."
    else:
        assert not marked(w, "sizes")
        assert tuple(session.net.sizes) == expected == session.config.sizes
        assert w.sizes_edit.text() == ", ".join(map(str, expected))  # model → field


@fuzz(120)
@given(text=ARCH)
def test_fuzz_the_real_architecture_field(panel, text):
    session, w = panel
    w.sync_from_session()
    before = freeze(session)
    w.sizes_edit.setText(text)
    ok = w.apply()
    if marked(w, "sizes"):
        assert not ok and unchanged(session, before)
    else:
        assert ok and tuple(session.net.sizes) == parse_sizes(text, 2, 2)


def test_limits_are_stated_at_the_field_and_nothing_is_allocated(panel):
    session, w = panel
    before = freeze(session)
    w.sizes_edit.setText("100000, 100000")  # the data has 2 inputs: 10,000,600,002 parameters
    assert not w.apply()
    assert marked(w, "sizes") and f"limit of {checks.MAX_PARAMETERS:,}" in w.error_text("sizes")
    w.sizes_edit.setText(", ".join(["3"] * checks.MAX_LAYERS))
    assert not w.apply()
    assert f"limit of {checks.MAX_LAYERS}" in w.error_text("sizes")
    w.sizes_edit.setText(str(checks.MAX_LAYER_SIZE + 1))
    assert not w.apply()
    assert f"limit of {checks.MAX_LAYER_SIZE:,}" in w.error_text("sizes")
    assert unchanged(session, before)


# ----------------------------------------------------------------- every numeric field


def _check_numeric(session: Session, w: SetupPanel, key: str, text: str) -> None:
    attr, word = NUMERIC[key]
    w.sync_from_session()
    before = freeze(session)
    edit = w.fields[key].widget
    edit.setText(text)
    edit.editingFinished.emit()  # leaving the field (η and m apply live when valid)
    ok = w.apply()
    if marked(w, key):
        assert word in w.error_text(key), (key, text, w.error_text(key))
        assert not ok and unchanged(session, before), (key, text)
        assert w.message_text() == "Fix the marked fields first."
        return
    assert ok, (key, text, w.message_text())
    value = getattr(session.config, attr)
    assert isinstance(value, (int, float)) and math.isfinite(value)
    if key == "eta":
        assert session.engine.eta == value
    if key == "mini_batch_size":
        assert session.engine.mini_batch_size == value
    # model → field → model: the value shown is accepted again and changes nothing
    w.sync_from_session()
    config = session.config
    assert w.error_text(key) == "" and w.apply() and session.config == config


@pytest.mark.parametrize("key", sorted(NUMERIC))
def test_tricky_text_in_every_numeric_field(panel, key):
    session, w = panel
    for text in TRICKY:
        _check_numeric(session, w, key, text)


@fuzz(150)
@given(key=st.sampled_from(sorted(NUMERIC)), text=NUMBERISH)
def test_fuzz_every_numeric_field(panel, key, text):
    session, w = panel
    _check_numeric(session, w, key, text)


@pytest.mark.parametrize("key, text", [
    ("noise", f"{MAX_NOISE:g}"), ("eta", "1e300"), ("eta", "5e-324"), ("lmbda", "1e300"), ("points", "1,000,000"),
    ("val_fraction", "0"), ("val_fraction", "0.9"), ("mini_batch_size", "1000000"), ("seed", "4294967295"),
])
def test_extreme_accepted_values_run_in_the_whole_window(window, key, text):
    """The largest and smallest values a field accepts: rebuild, step minibatches, draw. No warnings, no errors."""
    s = window.session
    field = window.setup_panel.fields[key]
    field.widget.setText(text)
    assert window.setup_panel.apply() and not field.error.text()
    s.set_granularity("minibatch")
    for _ in range(3):
        s.step()
    window.plots.flush()
    window.grab()
    status = window.status_label.text()
    assert s.engine.step_index == 3 or status.startswith("Diverged"), status
    assert status.startswith(("minibatch (feedforward, BP1–BP4, update)", "Diverged")), status


def test_noise_near_the_float_limit_is_refused_at_the_field(panel):
    # it used to be accepted, and the plot ranges (max − min of ±4e307) overflowed to inf and raised
    session, w = panel
    before = freeze(session)
    for text in ("4e307", "1e300", f"{MAX_NOISE * 1.01:g}"):
        w.noise_edit.setText(text)
        assert not w.apply() and marked(w, "noise") and f"0 to {MAX_NOISE:g}" in w.error_text("noise")
    assert unchanged(session, before)


@fuzz(40)
@given(text=st.one_of(st.sampled_from(TRICKY), st.text(max_size=10)))
def test_fuzz_the_controls_seed_and_epochs(window, qtbot, text):
    """The controls bar's spin boxes: Qt's validator takes only what is in range; Enter rebuilds with a valid seed."""
    s, controls = window.session, window.controls
    for spin in (controls.seed_spin, controls.epochs_spin):
        spin.lineEdit().selectAll()
        type_text(qtbot, spin, text)
        qtbot.keyClick(spin, Qt.Key.Key_Return)
        assert spin.minimum() <= spin.value() <= spin.maximum()
    assert s.config.seed == controls.seed_spin.value()  # rebuilt with the spin's seed, or unchanged
    assert 1 <= controls.epochs_spin.value() <= 100_000


# ----------------------------------------------------------------- data files through the setup panel


def _idx(path: Path, array: np.ndarray) -> Path:
    code = {np.dtype(np.uint8): 0x08, np.dtype(np.float64): 0x0E}[array.dtype]
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    path.write_bytes(header + array.astype(array.dtype.newbyteorder(">")).tobytes())
    return path


def _bad_files(tmp: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """name → (the file to pick, words the message at the Dataset field must contain)."""
    (tmp / "folder.csv").mkdir()
    (tmp / "empty.csv").write_bytes(b"")
    (tmp / "nan.csv").write_text("1,2,0\n3,nan,1\n")
    (tmp / "inf.csv").write_text("1,2,0\n-inf,4,1\n")
    (tmp / "huge.csv").write_text("".join(f"{(-1) ** i * 1e308},{i},{i % 2}\n" for i in range(20)))
    (tmp / "ragged.csv").write_text("1,2,0\n3,4\n")
    (tmp / "junk.csv.gz").write_bytes(b"\x1f\x8b\x08\x00not gzip at all")
    (tmp / "text.csv").write_bytes(gzip.compress(b"x,y,label\n"))
    _idx(tmp / "count-images-idx3-ubyte", np.zeros((10, 4, 4), np.uint8))
    _idx(tmp / "count-labels-idx1-ubyte", np.zeros(9, np.uint8))  # one label short
    (tmp / "zero-images-idx3-ubyte").write_bytes(b"")
    _idx(tmp / "zero-labels-idx1-ubyte", np.zeros(9, np.uint8))
    _idx(tmp / "nanimg-images-idx3-ubyte", np.full((4, 2, 2), np.nan))
    _idx(tmp / "nanimg-labels-idx1-ubyte", np.zeros(4, np.uint8))
    import os

    os.mkfifo(tmp / "pipe.csv")
    (tmp / "zero.csv").symlink_to("/dev/zero")
    (tmp / "dims-images-idx3-ubyte").write_bytes(bytes([0, 0, 8, 255]) + struct.pack(">255I", *[1] * 255))
    _idx(tmp / "dims-labels-idx1-ubyte", np.zeros(1, np.uint8))
    (tmp / "wide.csv").write_bytes(b"0," * 100_010 + b"1\n")
    return {
        "FIFO": (tmp / "pipe.csv", ("pipe.csv", "named pipe")),
        "/dev/zero": (tmp / "zero.csv", ("zero.csv", "character device")),
        "IDX 255 dims": (tmp / "dims-images-idx3-ubyte", ("dims-images-idx3-ubyte", "255 dimensions")),
        "a line wider than any layer": (tmp / "wide.csv", ("wide.csv", "line 1", "more than")),
        "directory": (tmp / "folder.csv", ("folder.csv", "directory")),
        "0 bytes": (tmp / "empty.csv", ("empty.csv", "0 bytes")),
        "NaN": (tmp / "nan.csv", ("nan.csv", "line 2", "finite")),
        "-inf": (tmp / "inf.csv", ("inf.csv", "line 2", "finite")),
        "±1e308": (tmp / "huge.csv", ("huge.csv", "1e+100")),
        "ragged": (tmp / "ragged.csv", ("ragged.csv", "ragged")),
        "bad gzip": (tmp / "junk.csv.gz", ("junk.csv.gz", "gzip")),
        "header only": (tmp / "text.csv", ("text.csv", "no data rows")),
        "IDX counts differ": (tmp / "count-images-idx3-ubyte", ("10 images, 9 labels",)),
        "IDX 0 bytes": (tmp / "zero-labels-idx1-ubyte", ("zero-images-idx3-ubyte", "0 bytes")),
        "IDX NaN images": (tmp / "nanimg-images-idx3-ubyte", ("NaN",)),
    }


def test_bad_files_are_refused_at_the_dataset_field(panel, monkeypatch, tmp_path):
    session, w = panel
    before = freeze(session)
    shown = w.dataset_combo.currentText()
    for name, (path, words) in _bad_files(tmp_path).items():
        monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, p=path, **k: (str(p), "")))
        w.dataset_combo.setCurrentIndex(w.dataset_combo.findData("open"))
        w.dataset_combo.activated.emit(w.dataset_combo.currentIndex())  # "Open file…", as a person picks it
        message = w.error_text("dataset")
        assert all(word in message for word in words), (name, message)
        assert w.dataset_combo.currentText() == shown and w.dataset_combo.findData("file") < 0, name
        assert w.apply() and unchanged(session, before), name  # nothing pending: Apply changes nothing
    assert w.message_text() == "Nothing to change."


def test_a_cancelled_file_dialog_changes_nothing(panel, monkeypatch):
    session, w = panel
    before = freeze(session)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    assert not w.open_file()
    assert w.error_text("dataset") == "" and unchanged(session, before)


@pytest.mark.parametrize("name, text, sizes", [
    ("one class", "".join(f"{i},{2 * i},7\n" for i in range(20)), (2, 4, 3, 1)),
    ("one row", "1,2,0\n", (2, 4, 3, 1)),
    ("two rows", "1,2,0\n3,4,1\n", (2, 4, 3, 2)),
    ("300 classes", "".join(f"{i},{i},{i}\n" for i in range(300)), (2, 4, 3, 300)),
    ("1,001 features", "\n".join(",".join(["1"] * 1001) + f",{i % 2}" for i in range(4)), (1001, 4, 3, 2)),
    ("subnormal values", "".join(f"{5e-324 * i},{i},{i % 2}\n" for i in range(20)), (2, 4, 3, 2)),
    ("largest values allowed", "".join(f"{(-1) ** i * 1e100},{i},{i % 2}\n" for i in range(20)), (2, 4, 3, 2)),
])
@pytest.mark.parametrize("filename", ["odd.csv", "a:b;c.csv"])  # any legal name: never split as an IDX pair
def test_odd_but_valid_files_train_in_the_whole_window(window, monkeypatch, tmp_path, name, text, sizes, filename):
    path = tmp_path / filename
    path.write_text(text)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    s, w = window.session, window.setup_panel
    assert w.open_file() and w.error_text("dataset") == ""
    assert w.apply(), w.message_text()
    assert tuple(s.net.sizes) == sizes
    s.set_granularity("minibatch")
    for _ in range(3):
        s.step()
    window.plots.flush()
    window.grab()
    assert window.status_label.text()


# ----------------------------------------------------------------- a big network is drawn with its level of detail


def test_a_large_network_is_drawn_with_its_level_of_detail(qtbot):
    theme.apply()
    session = Session(SessionConfig(dataset="mnist", sizes=(784, 2000, 10), seed=0))  # ~1.6 M weights
    from visualbp.gui.network import NetworkView

    t0 = time.perf_counter()
    view = NetworkView(session)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    built = time.perf_counter() - t0
    assert view.scene.lod[2 - 2] and view.scene.lod[3 - 2]
    assert view.scene.drawn_edge_count(2) == view.scene.max_edges == view.scene.drawn_edge_count(3)
    session.set_granularity("minibatch")
    t0 = time.perf_counter()
    session.step()
    view.grab()
    step = time.perf_counter() - t0
    print(f"\nNetworkView [784, 2000, 10]: built and drawn in {built:.2f} s, one minibatch + redraw {step:.2f} s")


# ----------------------------------------------------------------- divergence, through the real setup panel


def test_a_huge_eta_on_a_relu_net_pauses_at_the_first_non_finite_weight_and_steps_back(window, qtbot):
    """η = 1e300 on moons with ReLU hidden layers: the first update makes weights ~1e300, the second overflows."""
    s, w = window.session, window.setup_panel
    w.activation_combo.setCurrentIndex(w.activation_combo.findData("relu"))
    w.eta_edit.setText("1e300")
    assert w.apply() and s.config.activation == "relu" and s.engine.eta == 1e300
    s.set_granularity("minibatch")
    s.step()
    finite = [x.copy() for x in s.net.weights + s.net.biases]
    assert all(np.isfinite(x).all() for x in finite)
    window.controls.epochs_spin.setValue(5)
    qtbot.mouseClick(window.controls.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not s.running, timeout=5000)
    status = window.status_label.text()
    # which layer overflows first depends on the order of the arithmetic (the kernel scales δ^L by η/m)
    assert re.match(r"Diverged: the weights or biases of layer l=[234] became non-finite", status), status
    assert "epoch 1, minibatch 2" in status and "step back" in status
    assert s.engine.epoch == 0 and s.engine.batch == 2  # paused right there, not at the end of 5 epochs
    assert s.step() is None  # refuses to go on
    assert not all(np.isfinite(x).all() for x in s.net.weights + s.net.biases)
    qtbot.keyClick(window, Qt.Key.Key_Left)  # ← : back to the last finite state, bit for bit
    assert s.engine.divergence is None
    assert same_arrays(s.net.weights + s.net.biases, finite)
    assert not window.status_label.text().startswith("Diverged")
