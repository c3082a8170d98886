"""File ▸ Open network or data…: what ``visualbp PATH`` opens, from a dialog — a session, weights trained
elsewhere (network2.py JSON, an .npz of arrays, a visualbp network) on the data they fit (the data open now
if it fits, else the built-in set), or a data file (CSV, or an IDX images file and its labels file chosen
together). A PyTorch state_dict records no activation: the dialog asks which one its model used between the
Linear layers (``ask_activation``). A problem is one message naming the file; the session open now is then
unchanged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PyQt6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from visualbp.core.openpath import apply_model, config_for, plan

FILTER = ("Networks and data (*.json *.npz *.pt *.pth *.vbp *.csv *.csv.gz *.txt *-ubyte *-ubyte.gz *.idx *.gz);;"
          "All files (*)")
#: The activations a PyTorch model may have between its Linear layers: shown → visualbp's name.
TORCH_ACTIVATIONS = {"sigmoid σ (nn.Sigmoid)": "sigmoid", "tanh (nn.Tanh)": "tanh", "ReLU (nn.ReLU)": "relu"}


def ask_activation(window, path: str) -> str | None:
    """Which activation the PyTorch model in ``path`` used between its Linear layers; None if cancelled."""
    text, ok = QInputDialog.getItem(
        window, "Open a PyTorch model",
        f"{Path(path).name} holds the weights and biases of its Linear layers, not the activation between "
        "them.\nWhich one did the model use? (The output layer is σ in visualbp; a model trained on logits "
        "picks the same class.)", list(TORCH_ACTIVATIONS), 0, False)
    return TORCH_ACTIVATIONS.get(text) if ok else None


def open_paths(files, paths: list[str], activation: str | None = None) -> bool:
    """Open ``paths`` into ``files.session`` as the command line would; False (after a message) on a problem.
    A PyTorch state_dict's hidden activation is ``activation``, or asked for once the file has been read
    (cancel: nothing opens)."""
    session = files.session
    try:
        opened = plan(paths, activation=activation)
        if opened.model is not None and opened.model.activation_assumed:
            chosen = ask_activation(files.window, opened.model.source)
            if chosen is None:
                return False
            opened = replace(opened, model=opened.model.with_activation(chosen))
        if opened.session is not None:
            return files.open(opened.session)
        model, data = opened.model, session.dataset
        fits_now = model is not None and (data.n_inputs, data.n_outputs) == (model.sizes[0], model.sizes[-1])
        config = config_for(opened, session.config, dataset_chosen=fits_now)
        session.apply_config(config, data if fits_now and opened.data_path is None else None)
        if model is not None:
            apply_model(session, model)
    except (ValueError, OSError) as exc:
        QMessageBox.warning(files.window, "Could not open", f"{exc}\n\nThe current session is unchanged.")
        return False
    model = opened.model
    what = f"the network {model.source}" if model is not None else f"the data {', '.join(paths)}"
    if model is not None and model.note:
        what += f" ({model.note})"
    session.statusChanged.emit(f"Opened {what}: {session.status()}")
    return True


def open_dialog(files) -> bool:
    """Ask for the file(s), then ``open_paths``."""
    paths, _ = QFileDialog.getOpenFileNames(files.window, "Open a network or data (an IDX pair: select both)",
                                            files._folder(), FILTER)
    return open_paths(files, paths) if paths else False
