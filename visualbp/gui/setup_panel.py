"""The setup panel: data, architecture and hyperparameters, checked at the field.

Nothing here changes the network until **Apply** (or Enter in a field), and only when every
field is valid; a bad entry gets a red border and a short message under the field naming the
problem. Two exceptions, both explicit: η and the minibatch size apply live (through
``session.set_eta`` / ``set_mini_batch_size``, no rebuild) as soon as their field is left or
Enter is pressed, and **Regenerate** redraws the 2-D points from a new data seed at once.

Architecture: the input and output layers are fixed by the data and shown under the field.
Type either the hidden layers only (``4, 3``; ``none`` for no hidden layer) or the whole list
from input to output (``2, 4, 3, 2``). A list that starts with the data's input size and ends
with its output size is read as the whole list; anything else as the hidden layers. The line
under the field always shows the network that will be built. See ``parse_sizes``.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QFrame, QGroupBox, QHBoxLayout,
                             QLabel, QLineEdit, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout,
                             QWidget)

from visualbp.core import checks
from visualbp.core.config import (DATASET_DEFAULTS, GENERATED, SessionConfig, idx_pair_path, load_data_file,
                                  load_dataset)
from visualbp.core.datasets import Dataset, DatasetError
from visualbp.gui import theme
from visualbp.gui.field_marks import error_color, error_label, invalid_frame_css, mark, style_error_label
from visualbp.gui.session import Session


#: The dataset combo: key (SessionConfig.dataset), label.
DATASETS: tuple[tuple[str, str], ...] = (
    ("moons", "moons"),
    ("circles", "circles"),
    ("xor", "XOR"),
    ("spiral", "spiral"),
    ("digits", "digits 8×8"),
    ("mnist", "MNIST 28×28"),
)
OPEN_FILE = "open"  # the combo's "Open file…" entry
ACTIVATIONS = (("sigmoid", "sigmoid σ"), ("tanh", "tanh"), ("relu", "ReLU"))
COSTS = (("quadratic", "quadratic"), ("cross-entropy", "cross-entropy"))
INITS = (("standard", "standard N(0, 1)"), ("scaled", "scaled N(0, 1/n_in)"),
         ("blank", "blank: all 0, type them"))  # edits by hand: double-click a weight, a bias or an input

MAX_ARCH_CHARS = 2000
#: The 2-D sets lie in [−1, 1]; beyond this the points are pure noise, and near the float limit
#: the plot ranges overflow.
MAX_NOISE = 100.0
#: Largest |feature| accepted from a user's file: differences of ±1e308 overflow to inf in every range.
MAX_FEATURE = 1e100
_SEP = re.compile(r"\s*[,;，、]\s*|\s+")
_INT = re.compile(r"[+\-−]?\d+")


# --------------------------------------------------------------------------- pure parsers


def _token_value(token: str) -> int | None:
    """A layer size token as an int, or None if it is not a whole number."""
    if not _INT.fullmatch(token):
        return None
    digits = token.lstrip("+-−")
    if len(digits) > 12:  # far beyond any limit; int() of a huge string is slow
        return None
    value = int(digits)  # \d and int() agree on Unicode decimal digits
    return -value if token[0] in "-−" else value


def parse_sizes(text: str, n_in: int, n_out: int) -> tuple[int, ...]:
    """'4, 3' (hidden layers) or '2, 4, 3, 2' (whole list) → the full sizes (n_in, …, n_out).

    A list that starts with ``n_in`` and ends with ``n_out`` (at least 2 entries) is the whole
    list; otherwise the entries are the hidden layers. ``none`` means no hidden layer. Commas,
    semicolons or spaces separate; a trailing comma is ignored. Raises ValueError with a message
    naming the book's layer number (the input is layer 1) and the problem; the limits are those
    of ``visualbp.core.checks`` (MAX_LAYERS, MAX_LAYER_SIZE, MAX_PARAMETERS).
    """
    if not isinstance(text, str):
        raise ValueError(f"the layers must be text such as '4, 3', not {type(text).__name__}")
    if len(text) > MAX_ARCH_CHARS:
        raise ValueError(f"too long ({len(text):,} characters): a network has at most {checks.MAX_LAYERS} layers")
    s = text.strip()
    if s.lower() in ("none", "no hidden layers", "no hidden layer"):
        return tuple(checks.check_sizes([n_in, n_out]))
    if not s:
        raise ValueError("type the hidden layer sizes, e.g. 4, 3 (or 'none' for no hidden layer)")
    tokens = _SEP.split(s)
    while tokens and tokens[-1] == "":
        tokens.pop()  # trailing commas
    if not tokens:  # only separators, e.g. ","
        raise ValueError("type the hidden layer sizes, e.g. 4, 3 (or 'none' for no hidden layer)")
    if len(tokens) > checks.MAX_LAYERS:
        raise ValueError(f"{len(tokens):,} layers is more than the limit of {checks.MAX_LAYERS}")
    values = [_token_value(t) for t in tokens]
    whole = len(values) >= 2 and values[0] == n_in and values[-1] == n_out
    first_layer = 1 if whole else 2
    for i, (token, value) in enumerate(zip(tokens, values)):
        layer = first_layer + i
        if token == "":
            raise ValueError(f"layer {layer} is empty: two commas in a row")
        if value is None:
            if _INT.fullmatch(token):
                raise ValueError(f"layer {layer} has {token} neurons, more than the limit of "
                                 f"{checks.MAX_LAYER_SIZE:,}")
            raise ValueError(f"layer {layer} size must be a whole number, got {token!r}")
        if value < 1:
            raise ValueError(f"layer {layer} must have at least 1 neuron, got {value}")
    sizes = values if whole else [n_in, *values, n_out]
    return tuple(checks.check_sizes(sizes))


def _parse_float(text: str) -> float | None:
    try:
        return float(text.strip().replace("−", "-"))
    except ValueError:
        return None


def _parse_int(text: str) -> int | None:
    t = text.strip().replace("_", "").replace(",", "")
    value = _token_value(t) if t else None
    return value


def parse_eta(text: str) -> float:
    """η: a finite number > 0."""
    v = _parse_float(text)
    if v is None or not math.isfinite(v) or v <= 0:
        raise ValueError("η must be a finite number > 0")
    return v


def parse_lmbda(text: str) -> float:
    """λ (L2 regularisation): a finite number ≥ 0."""
    v = _parse_float(text) if text.strip() else 0.0
    if v is None or not math.isfinite(v) or v < 0:
        raise ValueError("λ must be a finite number ≥ 0 (0 for none)")
    return v


def parse_count(text: str, what: str, low: int, high: int) -> int:
    """A whole number in low … high."""
    v = _parse_int(text)
    if v is None or not low <= v <= high:
        raise ValueError(f"{what} must be a whole number from {low:,} to {high:,}")
    return v


def parse_fraction(text: str, what: str, low: float, high: float) -> float:
    v = _parse_float(text)
    if v is None or not math.isfinite(v) or not low <= v <= high:
        raise ValueError(f"{what} must be a number from {low:g} to {high:g}")
    return v


def _fmt(v: float) -> str:
    """The shortest text that reads back as exactly ``v`` ('3', '0.1', '1e+300'): Apply never rounds a value."""
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


# --------------------------------------------------------------------------- the panel


class _Field(QWidget):
    """An input widget with a message label under it for what is wrong with it."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        self.error = error_label()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(widget)
        lay.addWidget(self.error)

    def apply_theme(self) -> None:
        style_error_label(self.error)

    def set_error(self, message: str | None) -> None:
        mark(self.widget, self.error, message)


class SetupPanel(QWidget):
    """Data, network and training settings; Apply rebuilds through ``session.apply_config``."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._file: tuple[str, Dataset] | None = None  # a user's file: path and the data loaded from it
        self._data_seed: int | None = None  # a new data seed drawn by Regenerate, until applied
        self._combo_index = 0
        self._io: tuple[int, int] | None = None  # (inputs, outputs) of the data the combo shows
        self._message_error = False
        self.fields: dict[str, _Field] = {}

        # ------------------------------------------------------------- Data
        self.dataset_combo = QComboBox()
        for key, label in DATASETS:
            self.dataset_combo.addItem(label, key)
        self.dataset_combo.addItem("Open file…", OPEN_FILE)
        self.dataset_combo.setItemData(self.dataset_combo.count() - 1,
                                       "Your own data: a CSV file (label in the last column) or an IDX images/labels pair",
                                       Qt.ItemDataRole.ToolTipRole)
        self.dataset_combo.activated.connect(self._on_dataset_chosen)
        self.data_info = QLabel()
        self.data_info.setWordWrap(True)
        self.points_edit = self._line("points", "How many 2-D points to generate (4 … 1,000,000)")
        self.noise_edit = self._line("noise", "Standard deviation of the noise added to each point (0 … 100)")
        self.val_edit = self._line("val_fraction", "Share of the examples held out for validation (0 … 0.9)")
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("Draw new points from a new data seed and rebuild")
        self.regenerate_button.clicked.connect(self.regenerate)

        data_box = QGroupBox("Data")
        self.data_form = data_form = self._form(data_box)
        data_form.addRow(self._label("Dataset"), self._field("dataset", self.dataset_combo))
        data_form.addRow(self._label(""), self.data_info)
        data_form.addRow(self._label("Points"), self.fields["points"])
        data_form.addRow(self._label("Noise"), self.fields["noise"])
        data_form.addRow(self._label("Validation"), self.fields["val_fraction"])
        data_form.addRow(self._label(""), self.regenerate_button)

        # ------------------------------------------------------------- Network
        self.sizes_edit = self._line("sizes", "The hidden layers, e.g. 4, 3 (or 'none'), or the whole list "
                                              "from input to output, e.g. 2, 4, 3, 2. The input and output "
                                              "sizes are fixed by the data.")
        self.sizes_edit.textChanged.connect(self._on_sizes_edited)
        self.sizes_info = QLabel()
        self.sizes_info.setWordWrap(True)
        self.activation_combo = self._combo(ACTIVATIONS, "The activation σ of the hidden layers "
                                                         "(the output layer is always sigmoid)")
        self.cost_combo = self._combo(COSTS, "The cost C: quadratic (chapters 1–2) or cross-entropy (chapter 3)")
        self.init_combo = self._combo(INITS, "Initial weights: N(0, 1) as in chapter 1, or N(0, 1/n_in) "
                                             "as in chapter 3 (less saturation)")
        net_box = QGroupBox("Network")
        net_form = self._form(net_box)
        net_form.addRow(self._label("Layers"), self.fields["sizes"])
        net_form.addRow(self._label(""), self.sizes_info)
        net_form.addRow(self._label("Activation"), self.activation_combo)
        net_form.addRow(self._label("Cost"), self.cost_combo)
        net_form.addRow(self._label("Init"), self.init_combo)
        self.init_note = QLabel()  # a lesson's scaling of the initial weights (the saturation lessons: × 3)
        self.init_note.setWordWrap(True)
        net_form.addRow(self._label(""), self.init_note)
        self._net_form = net_form

        # ------------------------------------------------------------- Training
        self.eta_edit = self._line("eta", "The learning rate η (> 0); applies from the next update, no rebuild")
        self.batch_edit = self._line("mini_batch_size", "The minibatch size m; applies from the next "
                                                        "minibatch, no rebuild")
        self.epochs_edit = self._line("epochs", "How many epochs Train runs")
        self.lmbda_edit = self._line("lmbda", "L2 regularisation λ (chapter 3); 0 for none")
        self.seed_edit = self._line("seed", "The seed of the initial weights and of the data (0 … 4,294,967,295)")
        for edit in (self.eta_edit, self.batch_edit):
            edit.editingFinished.connect(self._apply_live)
        train_box = QGroupBox("Training")
        train_form = self._form(train_box)
        train_form.addRow(self._label("η"), self.fields["eta"])
        train_form.addRow(self._label("Minibatch m"), self.fields["mini_batch_size"])
        train_form.addRow(self._label("Epochs"), self.fields["epochs"])
        train_form.addRow(self._label("L2 λ"), self.fields["lmbda"])
        train_form.addRow(self._label("Seed"), self.fields["seed"])

        # ------------------------------------------------------------- Apply
        self.apply_button = QPushButton("Apply")
        self.apply_button.setDefault(True)
        self.apply_button.setMinimumHeight(30)
        self.apply_button.setToolTip("Rebuild the network with these settings (Enter in any field)")
        self.apply_button.clicked.connect(self.apply)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        inner = QWidget()
        inner_lay = QVBoxLayout(inner)
        inner_lay.setContentsMargins(6, 6, 6, 6)
        inner_lay.setSpacing(8)
        inner_lay.addWidget(data_box)
        inner_lay.addWidget(net_box)
        inner_lay.addWidget(train_box)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.apply_button)
        inner_lay.addLayout(row)
        inner_lay.addWidget(self.message)
        inner_lay.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(inner)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay = QVBoxLayout(self)
        lay.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.scroll)

        for key, edit in (("points", self.points_edit), ("noise", self.noise_edit),
                          ("val_fraction", self.val_edit), ("eta", self.eta_edit),
                          ("mini_batch_size", self.batch_edit), ("epochs", self.epochs_edit),
                          ("lmbda", self.lmbda_edit), ("seed", self.seed_edit)):
            edit.setProperty("field", key)
            edit.textChanged.connect(self._on_field_edited)

        session.networkChanged.connect(self.sync_from_session)
        self.apply_theme()
        theme.notifier().changed.connect(self.apply_theme)
        self.sync_from_session()

    def apply_theme(self, _theme: object = None) -> None:
        """The panel's style sheets in ``theme.current()``'s colours, the small print scaled with its type."""
        th = theme.current()
        self.setStyleSheet(
            invalid_frame_css("QLineEdit", "QComboBox") + "QGroupBox { font-weight: bold; }"
        )
        for label in (self.data_info, self.sizes_info):
            label.setStyleSheet(f"color: {th.muted}; font-size: {theme.pt(8):g}pt;")
        self.init_note.setStyleSheet(f"color: {th.negative}; font-size: {theme.pt(8):g}pt;")
        for field in self.fields.values():
            field.apply_theme()
        if self.message.styleSheet():
            self.message.setStyleSheet(f"color: {error_color() if self._message_error else th.muted};")

    # ----------------------------------------------------------------- building helpers
    def _form(self, box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setContentsMargins(8, 6, 8, 6)
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(5)
        return form

    def _label(self, text: str) -> QLabel:
        label = QLabel(text)
        # one label column width in all three groups: the widest label's
        label.setMinimumWidth(label.fontMetrics().horizontalAdvance("Minibatch m") + 6)
        return label

    def _field(self, key: str, widget: QWidget) -> _Field:
        field = _Field(widget)
        field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.fields[key] = field
        return field

    def _line(self, key: str, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setToolTip(tip)
        edit.setMinimumWidth(60)
        edit.returnPressed.connect(self.apply)
        self._field(key, edit)
        return edit

    def _combo(self, items: tuple[tuple[str, str], ...], tip: str) -> QComboBox:
        combo = QComboBox()
        for key, label in items:
            combo.addItem(label, key)
        combo.setToolTip(tip)
        return combo

    # ----------------------------------------------------------------- public
    def error_text(self, key: str) -> str:
        """The message under field ``key`` ('sizes', 'eta', 'dataset', …), '' when it is valid."""
        return self.fields[key].error.text()

    def message_text(self) -> str:
        """The panel's message line (an apply_config error, or what Apply did)."""
        return self.message.text()

    def dataset_key(self) -> str:
        """The dataset the fields describe: a SessionConfig.dataset name or 'file'."""
        return self.dataset_combo.currentData()

    # ----------------------------------------------------------------- model → fields
    def sync_from_session(self) -> None:
        """Show ``session.config`` in every field and clear the marks (widget signals blocked)."""
        s = self.session
        c = s.config
        self._data_seed = None
        if c.dataset == "file":
            self._file = (c.data_path or s.dataset.name, s.dataset)
        self._set_file_item()
        index = self.dataset_combo.findData(c.dataset)
        self._set_combo(self.dataset_combo, index)
        self._combo_index = index
        self._io = self._io_sizes()
        self._set_combo(self.activation_combo, self.activation_combo.findData(c.activation))
        self._set_combo(self.cost_combo, self.cost_combo.findData(c.cost))
        self._set_combo(self.init_combo, self.init_combo.findData(c.init))
        note = getattr(s, "init_note", None)
        self.init_note.setText(note or "")
        self._net_form.setRowVisible(self.init_note, bool(note))
        texts = {
            "sizes": ", ".join(str(n) for n in s.net.sizes),
            "points": str(c.n), "noise": _fmt(c.noise), "val_fraction": _fmt(c.val_fraction),
            "eta": _fmt(c.eta), "mini_batch_size": str(c.mini_batch_size), "epochs": str(c.epochs),
            "lmbda": _fmt(c.lmbda), "seed": str(c.seed if c.seed is not None else s.net.seed),
        }
        for key, text in texts.items():
            edit = self.fields[key].widget
            edit.blockSignals(True)
            edit.setText(text)
            edit.blockSignals(False)
        for field in self.fields.values():
            field.set_error(None)
        self._update_data_rows()
        self._check_sizes()

    def _set_combo(self, combo: QComboBox, index: int) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _set_file_item(self) -> None:
        """Show the user's file as an entry just before "Open file…" (or no such entry)."""
        combo = self.dataset_combo
        index = combo.findData("file")
        combo.blockSignals(True)
        if self._file is None:
            if index >= 0:
                combo.removeItem(index)
        else:
            label = f"file: {Path(self._file[0]).name}"
            if index < 0:
                combo.insertItem(combo.count() - 1, label, "file")
                index = combo.count() - 2
            combo.setItemText(index, label)
            combo.setItemData(index, self._file[0], Qt.ItemDataRole.ToolTipRole)
        combo.blockSignals(False)

    # ----------------------------------------------------------------- the data
    def _io_sizes(self) -> tuple[int, int] | None:
        """(inputs, outputs) of the dataset the combo shows."""
        key = self.dataset_key()
        if key == "file":
            return (self._file[1].n_inputs, self._file[1].n_outputs) if self._file else None
        if key == self.session.config.dataset and key != "file":
            return self.session.dataset.n_inputs, self.session.dataset.n_outputs
        try:
            ds = load_dataset(replace(self.session.config, dataset=key, data_path=None))
        except ValueError:
            return None
        return ds.n_inputs, ds.n_outputs

    def _update_data_rows(self) -> None:
        key = self.dataset_key()
        generated = key in GENERATED
        for row, visible in ((self.fields["points"], generated), (self.fields["noise"], generated),
                             (self.fields["val_fraction"], generated or key == "digits"),
                             (self.regenerate_button, generated)):
            self.data_form.setRowVisible(row, visible)
        s = self.session
        if key == s.config.dataset and (key != "file" or (self._file and self._file[1] is s.dataset)):
            self.data_info.setText(s.dataset.description)
        elif key == "file" and self._file is not None:
            self.data_info.setText(f"{self._file[1].description} — press Apply to use it")
        else:
            self.data_info.setText("Press Apply to use this data set")

    def _on_dataset_chosen(self, index: int) -> None:
        """The combo: a built-in set (pending until Apply) or "Open file…"."""
        if self.dataset_combo.itemData(index) == OPEN_FILE:
            self._set_combo(self.dataset_combo, self._combo_index)
            self.open_file()
            return
        self._dataset_changed(index)

    def _dataset_changed(self, index: int) -> None:
        previous = self._io
        self._combo_index = index
        self.fields["dataset"].set_error(None)
        self._io = io = self._io_sizes()
        key = self.dataset_key()
        if key in DATASET_DEFAULTS and key != self.session.config.dataset:
            self._show_defaults(DATASET_DEFAULTS[key])  # a set that learns with its own layers, η, …
        elif io is not None:
            hidden = self._hidden_layers(previous)
            self.sizes_edit.setText(", ".join(str(n) for n in (io[0], *hidden, io[1])))
        self._update_data_rows()
        self._check_sizes()

    def _show_defaults(self, defaults: dict) -> None:
        """Fill the fields with a built-in set's defaults (core.config.DATASET_DEFAULTS); pending until Apply."""
        texts = {"sizes": ", ".join(str(n) for n in defaults["sizes"]), "noise": _fmt(defaults["noise"]),
                 "eta": _fmt(defaults["eta"]), "mini_batch_size": str(defaults["mini_batch_size"]),
                 "epochs": str(defaults["epochs"])}
        for key, text in texts.items():
            self.fields[key].widget.setText(text)
        self.activation_combo.setCurrentIndex(max(0, self.activation_combo.findData(defaults["activation"])))
        self.cost_combo.setCurrentIndex(max(0, self.cost_combo.findData(defaults["cost"])))

    def _hidden_layers(self, io: tuple[int, int] | None) -> tuple[int, ...]:
        """The hidden layers the architecture field holds (read against ``io``), else the network's."""
        if io is not None:
            try:
                return parse_sizes(self.sizes_edit.text(), *io)[1:-1]
            except ValueError:
                pass
        return tuple(self.session.net.sizes[1:-1])

    def open_file(self) -> bool:
        """Ask for a CSV file or an IDX images/labels pair and load it (pending until Apply).

        A file that cannot be read is reported under the Dataset field; nothing else changes.
        """
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a data set", "",
            "Data sets (*.csv *.csv.gz *ubyte *ubyte.gz *.idx *.idx.gz);;CSV files (*.csv *.csv.gz);;"
            "IDX files (*ubyte *ubyte.gz *.idx *.idx.gz);;All files (*)")
        if not path:
            return False
        try:
            loaded = self._load_file(path)
        except (DatasetError, ValueError, OSError) as exc:
            self.fields["dataset"].set_error(str(exc))
            return False
        if loaded is None:
            return False
        spec, dataset = loaded
        largest = max(float(np.abs(X).max(initial=0.0)) for X in (dataset.X_train, dataset.X_val))
        if largest > MAX_FEATURE:
            self.fields["dataset"].set_error(f"{Path(path).name}: values as large as {largest:.3g}; "
                                             f"features must lie within ±{MAX_FEATURE:g} (rescale the data)")
            return False
        previous = self._io
        self.fields["dataset"].set_error(None)
        self._file = (spec, dataset)
        self._set_file_item()
        index = self.dataset_combo.findData("file")
        self._set_combo(self.dataset_combo, index)
        self._combo_index = index
        self._io = (dataset.n_inputs, dataset.n_outputs)
        hidden = self._hidden_layers(previous)
        self.sizes_edit.setText(", ".join(str(n) for n in (dataset.n_inputs, *hidden, dataset.n_outputs)))
        self._update_data_rows()
        self._check_sizes()
        return True

    def _load_file(self, path: str) -> tuple[str, Dataset] | None:
        """CSV (label in the last column) or an IDX pair (the partner file is found by name, or asked for)."""
        name = Path(path).name.lower()
        seed = self.session.config.data_seed
        val = self.session.config.val_fraction
        if not ("ubyte" in name or name.endswith((".idx", ".idx.gz"))):
            return path, load_data_file(path, seed=seed, val_fraction=val)
        p = Path(path)
        is_labels = "labels" in name or "idx1" in name
        swaps = (("labels", "images"), ("idx1", "idx3")) if is_labels else (("images", "labels"), ("idx3", "idx1"))
        partner_name = p.name
        for a, b in swaps:
            partner_name = partner_name.replace(a, b)
        partner = p.with_name(partner_name)
        if partner_name == p.name or not partner.exists():
            what = "images" if is_labels else "labels"
            other, _ = QFileDialog.getOpenFileName(self, f"Open the IDX {what} file that goes with {p.name}",
                                                   str(p.parent), "IDX files (*ubyte *ubyte.gz *.idx *.idx.gz);;"
                                                                  "All files (*)")
            if not other:
                return None
            partner = Path(other)
        images, labels = (partner, p) if is_labels else (p, partner)
        spec = idx_pair_path(str(images), str(labels))
        return spec, load_data_file(spec, seed=seed, val_fraction=val)

    # ----------------------------------------------------------------- checking
    # Slots are bound methods, not lambdas over self: PyQt holds those weakly, so no reference cycle keeps a
    # closed panel for the garbage collector to delete later, perhaps in the middle of a paint.
    def _on_sizes_edited(self, _text: str) -> None:
        self._check_sizes()

    def _on_field_edited(self, _text: str) -> None:
        self._check(self.sender().property("field"))

    def _check_sizes(self) -> tuple[int, ...] | None:
        io = self._io
        field = self.fields["sizes"]
        if io is None:
            field.set_error(None)
            self.sizes_info.setText("")
            return None
        try:
            sizes = parse_sizes(self.sizes_edit.text(), *io)
        except ValueError as exc:
            field.set_error(str(exc))
            self.sizes_info.setText(f"{io[0]} inputs and {io[1]} outputs are fixed by the data")
            return None
        field.set_error(None)
        self.sizes_info.setText(f"{' → '.join(str(n) for n in sizes)}   "
                                f"({io[0]} inputs, {io[1]} outputs: fixed by the data)")
        return sizes

    def _value(self, key: str):
        """Parse field ``key``; raises ValueError with the field's message."""
        text = self.fields[key].widget.text()
        if key == "eta":
            return parse_eta(text)
        if key == "mini_batch_size":
            return parse_count(text, "the minibatch size", 1, 1_000_000)
        if key == "epochs":
            return parse_count(text, "epochs", 1, 100_000)
        if key == "lmbda":
            return parse_lmbda(text)
        if key == "seed":
            return parse_count(text, "the seed", 0, 2**32 - 1)
        if key == "points":
            return parse_count(text, "points", 4, 1_000_000)
        if key == "noise":
            v = _parse_float(text)
            if v is None or not math.isfinite(v) or not 0 <= v <= MAX_NOISE:
                raise ValueError(f"noise must be a number from 0 to {MAX_NOISE:g}")
            return v
        if key == "val_fraction":
            return parse_fraction(text, "the validation fraction", 0.0, 0.9)
        raise KeyError(key)

    def _check(self, key: str):
        """Mark field ``key``; its value, or None when it is invalid."""
        try:
            value = self._value(key)
        except ValueError as exc:
            self.fields[key].set_error(str(exc))
            return None
        self.fields[key].set_error(None)
        return value

    def collect(self) -> tuple[SessionConfig, Dataset | None] | None:
        """The config the fields describe (and a dataset to pass along), or None if a field is invalid."""
        key = self.dataset_key()
        generated = key in GENERATED
        needed = ["eta", "mini_batch_size", "epochs", "lmbda", "seed"]
        if generated:
            needed += ["points", "noise", "val_fraction"]
        elif key == "digits":
            needed.append("val_fraction")
        values = {k: self._check(k) for k in needed}
        sizes = self._check_sizes()
        if key == "file" and self._file is None:
            self.fields["dataset"].set_error("open a file first")
            return None
        if sizes is None or any(v is None for v in values.values()):
            return None
        c = self.session.config
        config = replace(
            c, dataset=key, sizes=sizes,
            activation=self.activation_combo.currentData(), cost=self.cost_combo.currentData(),
            init=self.init_combo.currentData(), eta=values["eta"],
            mini_batch_size=values["mini_batch_size"], epochs=values["epochs"], lmbda=values["lmbda"],
            seed=values["seed"], n=values.get("points", c.n), noise=values.get("noise", c.noise),
            val_fraction=values.get("val_fraction", c.val_fraction),
            data_path=self._file[0] if key == "file" else None,
            data_seed=self._data_seed if self._data_seed is not None else c.data_seed,
        )
        dataset = None
        if key == "file" and self._file[1] is not self.session.dataset:
            dataset = self._file[1]
        return config, dataset

    # ----------------------------------------------------------------- fields → model
    def apply(self) -> bool:
        """Rebuild with the fields' settings if they are all valid (η and m alone apply live)."""
        try:
            collected = self.collect()
        except DatasetError as exc:
            self._say(str(exc), error=True)
            return False
        if collected is None:
            self._say("Fix the marked fields first.", error=True)
            self._focus_first_error()
            return False
        config, dataset = collected
        old = self.session.config
        if dataset is None and replace(config, eta=old.eta, mini_batch_size=old.mini_batch_size) == old:
            changed = self._set_live(config.eta, config.mini_batch_size)
            self._say(changed or "Nothing to change.")
            return True
        try:
            self.session.apply_config(config, dataset)
        except ValueError as exc:
            self._say(str(exc), error=True)
            return False
        self._say(f"Rebuilt: {self.session.net.describe()}")
        return True

    def _apply_live(self) -> None:
        """η and minibatch size: no rebuild; they take effect at the next update / minibatch."""
        eta, m = self._check("eta"), self._check("mini_batch_size")
        changed = self._set_live(eta, m)
        if changed:
            self._say(changed)

    def _set_live(self, eta: float | None, m: int | None) -> str:
        s = self.session
        done = []
        try:
            if eta is not None and eta != s.config.eta:
                s.set_eta(eta)
                done.append(f"η = {eta:g} from the next update")
            if m is not None and m != s.config.mini_batch_size:
                s.set_mini_batch_size(m)
                done.append(f"minibatch size m = {m} from the next minibatch")
        except ValueError as exc:
            self._say(str(exc), error=True)
            return ""
        return ("Now " + " and ".join(done) + ".") if done else ""

    def regenerate(self) -> bool:
        """New points from a new data seed (generated 2-D sets), rebuilt at once with the fields' settings."""
        if self.dataset_key() not in GENERATED:
            return False
        self._data_seed = random.randrange(2**31)
        return self.apply()

    def _say(self, text: str, error: bool = False) -> None:
        self._message_error = error
        color = error_color() if error else theme.current().muted
        self.message.setStyleSheet(f"color: {color};")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _focus_first_error(self) -> None:
        for field in self.fields.values():
            if field.error.text() and field.isVisibleTo(self):
                field.widget.setFocus()
                return
