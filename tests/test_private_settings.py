"""The suite keeps to its own scratch folders: the user's settings, autosave and data are never touched."""

import os
import tempfile
from pathlib import Path


def test_settings_and_autosave_live_in_the_suites_scratch_folder(qapp):
    from PyQt6.QtCore import QSettings, QStandardPaths

    from visualbp.gui.recovery import autosave_path

    scratch = Path(tempfile.gettempdir()).resolve()
    settings = Path(QSettings("visualbp", "visualbp").fileName()).resolve()
    data = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)).resolve()
    for path in (settings, data, autosave_path().resolve()):
        assert scratch in path.parents, path
        assert Path(os.environ["XDG_CONFIG_HOME"]).parent in path.parents
