"""The setup panel's Data group: the data set (built in, or a user's file), its points, noise and split.

``DataBox(session)`` shows what data the fields describe; nothing changes until the panel applies. Choosing
another set, or opening a file, emits ``datasetChosen`` with the (inputs, outputs) shown before, so the panel
can refit the layers (or fill in a built-in set's defaults). A file that cannot be read is reported under the
Dataset field and changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QFileDialog, QGroupBox, QLabel, QPushButton

from visualbp.core import limits
from visualbp.core.config import GENERATED, idx_pair_path, load_data_file, load_dataset
from visualbp.core.datafiles import idx_pair
from visualbp.core.datarecord import MAX_FEATURE
from visualbp.core.datasets import Dataset, DatasetError, example_csv
from visualbp.gui.setup_fields import (
    DATASETS,
    OPEN_FILE,
    Field,
    combo,
    fmt,
    form,
    line_edit,
    range_tip,
    row_label,
)

SCALING_ITEMS = (("auto", "auto"), ("standard", "standardise"), ("minmax", "min–max 0…1"), ("none", "none"))


class DataBox(QGroupBox):
    """The dataset combo (with "Open file…"), a line about the data, points, noise, validation, Regenerate."""

    datasetChosen = pyqtSignal(object)  # the (inputs, outputs) shown before, or None

    def __init__(self, session) -> None:
        super().__init__("Data")
        self.session = session
        self.file: tuple[str, Dataset] | None = None  # a user's file: path and the data loaded from it
        self.io: tuple[int, int] | None = None  # (inputs, outputs) of the data the combo shows
        self._combo_index = 0
        self.dataset_combo = QComboBox()
        for key, label in DATASETS:
            self.dataset_combo.addItem(label, key)
        self.dataset_combo.addItem("Open file…", OPEN_FILE)
        self.dataset_combo.setItemData(
            self.dataset_combo.count() - 1,
            "Your own data: a CSV file (label in the last column) or an IDX images/labels pair",
            Qt.ItemDataRole.ToolTipRole)
        self.dataset_combo.activated.connect(self._on_dataset_chosen)
        self.data_info = QLabel()
        self.data_info.setWordWrap(True)
        self.points_edit = line_edit(f"How many 2-D points to generate {range_tip(limits.POINTS)}")
        self.noise_edit = line_edit(f"Standard deviation of the noise added to each point {range_tip(limits.NOISE)}")
        self.val_edit = line_edit(f"Share of the examples held out for validation {range_tip(limits.VAL_FRACTION)}")
        self.scaling_combo = combo(SCALING_ITEMS, "How the CSV's features are scaled: auto (standardise "
                                   "each column, or image pixels together to 0…1), standardise, "
                                   "min–max (each column to 0…1) or none (the file's numbers)")
        self.scaling_combo.activated.connect(self._on_scaling_chosen)
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("Draw new points from a new data seed and rebuild")
        self.fields = {"points": Field(self.points_edit), "noise": Field(self.noise_edit),
                       "val_fraction": Field(self.val_edit), "dataset": Field(self.dataset_combo)}
        self.form = data_form = form(self)
        data_form.addRow(row_label("Dataset"), self.fields["dataset"])
        data_form.addRow(row_label(""), self.data_info)
        data_form.addRow(row_label("Scaling"), self.scaling_combo)
        data_form.addRow(row_label("Points"), self.fields["points"])
        data_form.addRow(row_label("Noise"), self.fields["noise"])
        data_form.addRow(row_label("Validation"), self.fields["val_fraction"])
        data_form.addRow(row_label(""), self.regenerate_button)

    def dataset_key(self) -> str:
        """The dataset the fields describe: a SessionConfig.dataset name or 'file'."""
        return self.dataset_combo.currentData()

    # ----------------------------------------------------------------- model → widgets
    def sync_from_session(self) -> None:
        """Show the session's data set, points, noise and split (widget signals blocked)."""
        s = self.session
        c = s.config
        if c.dataset == "file":
            self.file = (c.data_path or s.dataset.name, s.dataset)
        self._set_file_item()
        index = self.dataset_combo.findData(c.dataset)
        set_quietly(self.dataset_combo, index)
        self._combo_index = index
        set_quietly(self.scaling_combo, self.scaling_combo.findData(c.scaling))
        self.io = self._io_sizes()
        for edit, text in ((self.points_edit, str(c.n)), (self.noise_edit, fmt(c.noise)),
                           (self.val_edit, fmt(c.val_fraction))):
            edit.blockSignals(True)
            edit.setText(text)
            edit.blockSignals(False)

    def _set_file_item(self) -> None:
        """Show the user's file as an entry just before "Open file…" (or no such entry)."""
        combo = self.dataset_combo
        index = combo.findData("file")
        combo.blockSignals(True)
        if self.file is None:
            if index >= 0:
                combo.removeItem(index)
        else:
            label = f"file: {Path(self.file[0]).name}"
            if index < 0:
                combo.insertItem(combo.count() - 1, label, "file")
                index = combo.count() - 2
            combo.setItemText(index, label)
            combo.setItemData(index, self.file[0], Qt.ItemDataRole.ToolTipRole)
        combo.blockSignals(False)

    def _io_sizes(self) -> tuple[int, int] | None:
        """(inputs, outputs) of the dataset the combo shows."""
        key = self.dataset_key()
        if key == "file":
            return (self.file[1].n_inputs, self.file[1].n_outputs) if self.file else None
        if key == self.session.config.dataset:
            return self.session.dataset.n_inputs, self.session.dataset.n_outputs
        try:
            ds = load_dataset(replace(self.session.config, dataset=key, data_path=None))
        except ValueError:
            return None
        return ds.n_inputs, ds.n_outputs

    def update_rows(self) -> None:
        """Points and noise for the generated sets, the split for those and the digits; the line about the data."""
        key = self.dataset_key()
        generated = key in GENERATED
        for row, visible in ((self.fields["points"], generated), (self.fields["noise"], generated),
                             (self.fields["val_fraction"], generated or key == "digits"),
                             (self.regenerate_button, generated),
                             (self.scaling_combo, key == "file" and self.file is not None
                              and idx_pair(self.file[0]) is None)):
            self.form.setRowVisible(row, visible)
        s = self.session
        if key == s.config.dataset and (key != "file" or (self.file and self.file[1] is s.dataset)):
            self.data_info.setText(s.dataset.description)
        elif key == "file" and self.file is not None:
            self.data_info.setText(f"{self.file[1].description} — press Apply to use it")
        else:
            self.data_info.setText("Press Apply to use this data set")

    # ----------------------------------------------------------------- choosing
    def _on_dataset_chosen(self, index: int) -> None:
        """The combo: a built-in set (pending until Apply) or "Open file…"."""
        if self.dataset_combo.itemData(index) == OPEN_FILE:
            set_quietly(self.dataset_combo, self._combo_index)
            self.open_file()
            return
        previous = self.io
        self._combo_index = index
        self.fields["dataset"].set_error(None)
        self.io = self._io_sizes()
        self.datasetChosen.emit(previous)

    def _on_scaling_chosen(self, _index: int) -> None:
        """Another scaling for the user's CSV: loaded again at once (the Dataset line says how), pending until
        Apply."""
        if self.file is None or idx_pair(self.file[0]) is not None:
            return
        c = self.session.config
        try:
            dataset = load_data_file(self.file[0], seed=c.data_seed, val_fraction=c.val_fraction,
                                     scaling=self.scaling_combo.currentData())
        except (DatasetError, ValueError, OSError) as exc:
            self.fields["dataset"].set_error(str(exc))
            return
        self.fields["dataset"].set_error(None)
        self.file = (self.file[0], dataset)
        self.update_rows()

    def scaling(self) -> str:
        """The scaling chosen for a user's CSV."""
        return self.scaling_combo.currentData()

    def open_file(self) -> bool:
        """Ask for a CSV file or an IDX images/labels pair and load it (pending until Apply).

        A file that cannot be read is reported under the Dataset field; nothing else changes.
        """
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a data set", self._data_folder(),
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
        previous = self.io
        self.fields["dataset"].set_error(None)
        self.file = (spec, dataset)
        self._set_file_item()
        index = self.dataset_combo.findData("file")
        set_quietly(self.dataset_combo, index)
        self._combo_index = index
        self.io = (dataset.n_inputs, dataset.n_outputs)
        self.datasetChosen.emit(previous)
        return True

    def _data_folder(self) -> str:
        """Where "Open file…" starts: the folder of the data file last opened, else the one holding the shipped
        example of the format (weather.csv, beside the MNIST and 8×8 digits files)."""
        if self.file is not None:
            first = idx_pair(self.file[0])
            folder = Path(first[0] if first else self.file[0]).parent
            if folder.is_dir() and str(folder) != ".":
                return str(folder)
        return str(example_csv().parent)

    def _load_file(self, path: str) -> tuple[str, Dataset] | None:
        """CSV (label in the last column) or an IDX pair (the partner file is found by name, or asked for)."""
        name = Path(path).name.lower()
        seed = self.session.config.data_seed
        val = self.session.config.val_fraction
        if not ("ubyte" in name or name.endswith((".idx", ".idx.gz"))):
            return path, load_data_file(path, seed=seed, val_fraction=val, scaling=self.scaling_combo.currentData())
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


def set_quietly(combo: QComboBox, index: int) -> None:
    """Select ``index`` (at least the first entry) without emitting the combo's signals."""
    combo.blockSignals(True)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
