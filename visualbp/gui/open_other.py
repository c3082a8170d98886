"""File ▸ Open network or data…: what ``visualbp PATH`` opens, from a dialog — a session, weights trained
elsewhere (network2.py JSON, an .npz of arrays, a visualbp network) on the data they fit (the data open now
if it fits, else the built-in set), or a data file (CSV, or an IDX images file and its labels file chosen
together). A problem is one message naming the file; the session open now is then unchanged."""

from __future__ import annotations

from PyQt6.QtWidgets import QFileDialog, QMessageBox

from visualbp.core.openpath import apply_model, config_for, plan

FILTER = ("Networks and data (*.json *.npz *.vbp *.csv *.csv.gz *.txt *-ubyte *-ubyte.gz *.idx *.gz);;"
          "All files (*)")


def open_paths(files, paths: list[str]) -> bool:
    """Open ``paths`` into ``files.session`` as the command line would; False (after a message) on a problem."""
    session = files.session
    try:
        opened = plan(paths)
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
    what = f"the network {paths[0]}" if opened.model is not None else f"the data {', '.join(paths)}"
    session.statusChanged.emit(f"Opened {what}: {session.status()}")
    return True


def open_dialog(files) -> bool:
    """Ask for the file(s), then ``open_paths``."""
    paths, _ = QFileDialog.getOpenFileNames(files.window, "Open a network or data (an IDX pair: select both)",
                                            files._folder(), FILTER)
    return open_paths(files, paths) if paths else False
