"""Damaged and hostile session files through File ▸ Open, in the whole window: refused in a message naming
the problem, and nothing the user had changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fuzz_helpers import freeze, unchanged
from PyQt6.QtWidgets import QMessageBox

from visualbp.core import checks
from visualbp.core.config import SessionConfig
from visualbp.core.sessionio import load_session, save_session
from visualbp.gui.session import Session

MAIN_WINDOW_CONFIG = SessionConfig(seed=4)  # moons: every field is shown
MAIN_WINDOW_SIZE = (1400, 900)


@pytest.fixture
def window(main_window):
    """The module's main window (tests/gui/conftest.py), back at MAIN_WINDOW_CONFIG: one window for the ~27
    tests that use it instead of one each."""
    assert main_window.session.config == MAIN_WINDOW_CONFIG and not main_window.setup_panel.error_text("dataset")
    return main_window


def _saved(tmp: Path, session: Session, **config_changes) -> Path:
    """A session file written by the real save, with its settings changed as a damaged or hostile file might."""
    path = tmp / "base.vbp"
    session.save(str(path))
    saved = load_session(path)
    out = tmp / f"{'-'.join(config_changes) or 'copy'}.vbp"
    save_session(out, replace(saved, config=replace(saved.config, **config_changes)))
    return out


def _with_nan_weights(path: Path, out: Path) -> Path:
    """A copy of the session file ``path`` whose w^2 is all NaN (a damaged file)."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i) for i in z.infolist()}
    w = np.load(io.BytesIO(items["w0.npy"]))
    buffer = io.BytesIO()
    np.save(buffer, np.full_like(w, np.nan))
    items["w0.npy"] = buffer.getvalue()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    return out


def test_bad_session_files_are_refused_in_a_message_and_change_nothing(window, monkeypatch, tmp_path):
    s = window.session
    s.set_granularity("minibatch")
    s.step()
    csv = tmp_path / "gone.csv"
    csv.write_text("".join(f"{i},{i % 3},{i % 2}\n" for i in range(20)))
    from visualbp.core.config import load_data_file

    on_file = Session(SessionConfig(dataset="file", data_path=str(csv), sizes=(2, 3, 2), seed=1))
    vanished = tmp_path / "vanished.vbp"
    on_file.save(str(vanished))
    assert load_data_file(str(csv)).n_inputs == 2
    csv.unlink()  # the data file moved away since the session was saved
    nan_weights = _with_nan_weights(_saved(tmp_path, s), tmp_path / "nan.vbp")  # save_session refuses to write one
    (tmp_path / "folder.vbp").mkdir()
    (tmp_path / "empty.vbp").write_bytes(b"")
    (tmp_path / "junk.vbp").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "truncated.vbp").write_bytes(_saved(tmp_path, s).read_bytes()[:300])
    cases = {
        "directory": (tmp_path / "folder.vbp", "folder"),
        "0 bytes": (tmp_path / "empty.vbp", "empty"),
        "junk": (tmp_path / "junk.vbp", "not a visualbp file"),
        "truncated": (tmp_path / "truncated.vbp", "truncated.vbp"),
        "over the limit": (_saved(tmp_path, s, sizes=(2, 100_000, 100_000, 2)), f"{checks.MAX_PARAMETERS:,}"),
        "unknown dataset": (_saved(tmp_path, s, dataset="imagenet"), "unknown dataset"),
        "η = NaN": (_saved(tmp_path, s, eta=float("nan")), "η"),
        "NaN weights": (nan_weights, "NaN or infinite"),
        "data file gone": (vanished, "gone.csv"),
        "missing": (tmp_path / "nothere.vbp", "no such file"),
    }
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    before = freeze(s)
    record, position = s.engine.last_record, s.engine.position
    for name, (path, word) in cases.items():
        assert not window.files.open(str(path)), name
        assert len(warnings) == 1 and word in warnings[0] and "unchanged" in warnings[0], (name, warnings)
        warnings.clear()
        assert unchanged(s, before) and s.engine.last_record is record and s.engine.position == position, name
    assert window.files.path is None
    s.step()  # and the session goes on as before
    assert s.engine.last_record is not record


def test_a_session_file_with_absurd_noise_is_refused(window, monkeypatch, tmp_path):
    s = window.session
    hostile = _saved(tmp_path, s, noise=4e307)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    before = freeze(s)
    assert not window.files.open(str(hostile))
    assert warnings and unchanged(s, before)
