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
under the field always shows the network that will be built. See ``visualbp.core.limits.parse_sizes``.

Every typed field is read by its rule in ``visualbp.core.limits`` (the command line and the core use the same
bounds and messages); the Data group is ``visualbp.gui.setup_data``, the fields and choices
``visualbp.gui.setup_fields``.
"""

from __future__ import annotations

import random
from dataclasses import replace

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from visualbp.core import limits
from visualbp.core.config import DATASET_DEFAULTS, GENERATED, SessionConfig
from visualbp.core.datasets import Dataset, DatasetError
from visualbp.core.limits import parse_sizes  # the layers field's reader (also re-exported)
from visualbp.core.neuron_activations import kept_on_rebuild
from visualbp.gui import theme
from visualbp.gui.field_marks import error_color, invalid_frame_css
from visualbp.gui.session import Session
from visualbp.gui.setup_data import DataBox, set_quietly
from visualbp.gui.setup_fields import (  # noqa: F401 (re-exported)
    ACTIVATIONS,
    COSTS,
    DATASETS,
    INITS,
    LIMITS,
    MAX_NOISE,
    OPEN_FILE,
    Field,
    combo,
    fmt,
    form,
    line_edit,
    range_tip,
    row_label,
)


class SetupPanel(QWidget):
    """Data, network and training settings; Apply rebuilds through ``session.apply_config``."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._data_seed: int | None = None  # a new data seed drawn by Regenerate, until applied
        self._message_error = False

        # ------------------------------------------------------------- Data
        self.data_box = DataBox(session)
        d = self.data_box
        self.dataset_combo, self.data_info, self.regenerate_button = d.dataset_combo, d.data_info, d.regenerate_button
        self.scaling_combo = d.scaling_combo
        self.points_edit, self.noise_edit, self.val_edit = d.points_edit, d.noise_edit, d.val_edit
        self.data_form = d.form
        self.fields: dict[str, Field] = dict(d.fields)
        d.datasetChosen.connect(self._on_dataset_chosen)
        self.regenerate_button.clicked.connect(self.regenerate)
        for edit in (d.points_edit, d.noise_edit, d.val_edit):
            edit.returnPressed.connect(self.apply)  # Enter in any field applies

        # ------------------------------------------------------------- Network
        self.sizes_edit = self._line("sizes", "The hidden layers, e.g. 4, 3 (or 'none'), or the whole list "
                                              "from input to output, e.g. 2, 4, 3, 2. The input and output "
                                              "sizes are fixed by the data.")
        self.sizes_edit.textChanged.connect(self._on_sizes_edited)
        self.sizes_info = QLabel()
        self.sizes_info.setWordWrap(True)
        self.activation_combo = combo(ACTIVATIONS, "The activation σ of the hidden layers (the output layer is "
                                                   "sigmoid, or linear for regression); right-click a neuron in "
                                                   "the graph to give it its own")
        self.cost_combo = combo(COSTS, "The cost C: quadratic (chapters 1–2) or cross-entropy (chapter 3)")
        self.init_combo = combo(INITS, "Initial weights: N(0, 1) as in chapter 1, N(0, 1/n_in) as in chapter 3 "
                                       "(less saturation), or blank (all 0) to type a textbook example by hand "
                                       "(double-click a weight, a bias or an input)")
        net_box = QGroupBox("Network")
        net_form = form(net_box)
        net_form.addRow(row_label("Layers"), self.fields["sizes"])
        net_form.addRow(row_label(""), self.sizes_info)
        net_form.addRow(row_label("Activation"), self.activation_combo)
        net_form.addRow(row_label("Cost"), self.cost_combo)
        net_form.addRow(row_label("Init"), self.init_combo)
        self.init_note = QLabel()  # a lesson's scaling of the initial weights (the saturation lessons: × 3)
        self.init_note.setWordWrap(True)
        net_form.addRow(row_label(""), self.init_note)
        self._net_form = net_form

        # ------------------------------------------------------------- Training
        self.eta_edit = self._line("eta", "The learning rate η (> 0); applies from the next update, no rebuild")
        self.batch_edit = self._line("mini_batch_size", "The minibatch size m; applies from the next "
                                                        "minibatch, no rebuild")
        self.epochs_edit = self._line("epochs", "How many epochs Train runs")
        self.lmbda_edit = self._line("lmbda", "L2 regularisation λ (chapter 3); 0 for none")
        self.seed_edit = self._line("seed", "The seed of the initial weights and of the data "
                                            f"{range_tip(limits.SEED)}")
        for edit in (self.eta_edit, self.batch_edit):
            edit.editingFinished.connect(self._apply_live)
        train_box = QGroupBox("Training")
        train_form = form(train_box)
        train_form.addRow(row_label("η"), self.fields["eta"])
        train_form.addRow(row_label("Minibatch m"), self.fields["mini_batch_size"])
        train_form.addRow(row_label("Epochs"), self.fields["epochs"])
        train_form.addRow(row_label("L2 λ"), self.fields["lmbda"])
        train_form.addRow(row_label("Seed"), self.fields["seed"])

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
        inner_lay.addWidget(self.data_box)
        inner_lay.addWidget(net_box)
        inner_lay.addWidget(train_box)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.apply_button)
        inner_lay.addLayout(row)
        inner_lay.addWidget(self.message)
        inner_lay.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(inner)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay = QVBoxLayout(self)
        lay.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.scroll_area)

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
    def _line(self, key: str, tip: str):
        """A line edit for field ``key``: Enter applies."""
        edit = line_edit(tip)
        edit.returnPressed.connect(self.apply)
        self.fields[key] = Field(edit)
        return edit

    # ----------------------------------------------------------------- public
    def error_text(self, key: str) -> str:
        """The message under field ``key`` ('sizes', 'eta', 'dataset', …), '' when it is valid."""
        return self.fields[key].error.text()

    def message_text(self) -> str:
        """The panel's message line (an apply_config error, or what Apply did)."""
        return self.message.text()

    def dataset_key(self) -> str:
        """The dataset the fields describe: a SessionConfig.dataset name or 'file'."""
        return self.data_box.dataset_key()

    # ----------------------------------------------------------------- model → fields
    def sync_from_session(self) -> None:
        """Show ``session.config`` in every field and clear the marks (widget signals blocked)."""
        s = self.session
        c = s.config
        self._data_seed = None
        self.data_box.sync_from_session()
        set_quietly(self.activation_combo, self.activation_combo.findData(c.activation))
        set_quietly(self.cost_combo, self.cost_combo.findData(c.cost))
        set_quietly(self.init_combo, self.init_combo.findData(c.init))
        note = getattr(s, "init_note", None)
        self.init_note.setText(note or "")
        self._net_form.setRowVisible(self.init_note, bool(note))
        texts = {
            "sizes": ", ".join(str(n) for n in s.net.sizes),
            "eta": fmt(c.eta), "mini_batch_size": str(c.mini_batch_size), "epochs": str(c.epochs),
            "lmbda": fmt(c.lmbda), "seed": str(c.seed if c.seed is not None else s.net.seed),
        }
        for key, text in texts.items():
            edit = self._line_edit(key)
            edit.blockSignals(True)
            edit.setText(text)
            edit.blockSignals(False)
        for field in self.fields.values():
            field.set_error(None)
        self.data_box.update_rows()
        self._check_sizes()

    # ----------------------------------------------------------------- the data
    def _on_dataset_chosen(self, previous: tuple[int, int] | None) -> None:
        """Another data set in the combo (or a file opened): a built-in set's own defaults, else the same
        hidden layers between the new inputs and outputs; pending until Apply."""
        key, io = self.dataset_key(), self.data_box.io
        if key in DATASET_DEFAULTS and key != self.session.config.dataset:
            self._show_defaults(DATASET_DEFAULTS[key])  # a set that learns with its own layers, η, …
        elif io is not None:
            hidden = self._hidden_layers(previous)
            self.sizes_edit.setText(", ".join(str(n) for n in (io[0], *hidden, io[1])))
        self.data_box.update_rows()
        self._check_sizes()

    def _show_defaults(self, defaults: dict) -> None:
        """Fill the fields with a built-in set's defaults (core.config.DATASET_DEFAULTS); pending until Apply."""
        texts = {"sizes": ", ".join(str(n) for n in defaults["sizes"]), "noise": fmt(defaults["noise"]),
                 "eta": fmt(defaults["eta"]), "mini_batch_size": str(defaults["mini_batch_size"]),
                 "epochs": str(defaults["epochs"])}
        for key, text in texts.items():
            self._line_edit(key).setText(text)
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
        """Ask for a CSV file or an IDX images/labels pair and load it (pending until Apply); see
        ``DataBox.open_file``."""
        return self.data_box.open_file()

    # ----------------------------------------------------------------- checking
    # Slots are bound methods, not lambdas over self: PyQt holds those weakly, so no reference cycle keeps a
    # closed panel for the garbage collector to delete later, perhaps in the middle of a paint.
    def _on_sizes_edited(self, _text: str) -> None:
        self._check_sizes()

    def _on_field_edited(self, _text: str) -> None:
        self._check(self.sender().property("field"))

    def _check_sizes(self) -> tuple[int, ...] | None:
        io = self.data_box.io
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
        ins, outs = (f"{n} {word}{'s' * (n != 1)}" for n, word in zip(io, ("input", "output")))
        self.sizes_info.setText(f"{' → '.join(str(n) for n in sizes)}   ({ins}, {outs}: fixed by the data)")
        return sizes

    def _value(self, key: str):
        """Parse field ``key`` by its rule in ``visualbp.core.limits``; raises ValueError with its message."""
        return LIMITS[key].parse(self._line_edit(key).text())

    def _line_edit(self, key: str) -> QLineEdit:
        """The text box of field ``key`` (every field but the dataset's combo box is one)."""
        widget = self.fields[key].widget
        if not isinstance(widget, QLineEdit):
            raise TypeError(f"the {key} field is a {type(widget).__name__}, not a text box")
        return widget

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
        file = self.data_box.file
        if key == "file" and file is None:
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
            data_path=file[0] if key == "file" and file is not None else None,
            scaling=self.data_box.scaling() if key == "file" else c.scaling,
            data_seed=self._data_seed if self._data_seed is not None else c.data_seed,
        )
        dataset = None
        if key == "file" and file is not None and file[1] is not self.session.dataset:
            dataset = file[1]
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
        before = self.session.net.neuron_activations
        kept, why = kept_on_rebuild(before, old.sizes, config.sizes, config.cost)
        try:
            self.session.apply_config(config, dataset, neurons=kept)
        except ValueError as exc:
            self._say(str(exc), error=True)
            return False
        said = f"Rebuilt: {self.session.net.describe()}"  # which names the neurons that keep their own f
        lost = len(before) - len(kept)
        if lost:
            said += f"; {lost} neuron{'' if lost == 1 else 's'} back to the layer's f ({why})"
        self._say(said)
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
