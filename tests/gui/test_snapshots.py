"""Screen snapshots: the window as ``visualbp --screenshot`` renders it, compared with stored pictures.

Each case drives the real app headless (its own ``--screenshot`` path: fixed seed, fixed size, every throttled
redraw settled) and compares the picture, at half size, with tests/snapshots/<name>.png: at most 0.5 % of
the pixels may differ by more than a faint anti-aliasing shade. A failing comparison writes
tests/snapshots/failures/<name>.png (what was drawn) and <name>.diff.png (the differences in red).

Regenerate the stored pictures after an intended change of the screen (and look at them):

    VISUALBP_UPDATE_SNAPSHOTS=1 python -m pytest tests/gui/test_snapshots.py

The pictures assume the fonts CI installs (fonts-dejavu-core) and Qt's offscreen platform.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QImage

import visualbp.app as app_module
from visualbp.gui import theme

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"
FAILURES = SNAPSHOTS / "failures"
UPDATE = os.environ.get("VISUALBP_UPDATE_SNAPSHOTS") == "1"
#: A pixel differs when one of its channels moves by more than this (anti-aliasing moves a few).
SHADE = 48
#: At most this share of the pixels may differ.
TOLERANCE = 0.005

CASES = {
    "default": ["--size", "1366x768"],
    "mid-backprop": ["--size", "1366x768", "--steps", "6"],
    "mnist": ["--size", "1366x768", "--dataset", "mnist", "--layers", "784,30,10", "--granularity", "minibatch",
              "--steps", "1"],
    "lecture-1280x720": ["--size", "1280x720", "--lecture", "--steps", "5"],
}


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8)
    return data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3)


def _half(image: QImage) -> QImage:
    return image.scaled(image.width() // 2, image.height() // 2, Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


def _diff_image(drawn: np.ndarray, stored: np.ndarray, differs: np.ndarray) -> QImage:
    grey = (stored.mean(axis=2, keepdims=True) * 0.35 + 160).astype(np.uint8).repeat(3, axis=2)
    grey[differs] = (230, 0, 0)
    h, w, _ = grey.shape
    buffer = np.ascontiguousarray(grey)
    return QImage(buffer.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def render(name: str, tmp_path: Path) -> QImage:
    theme.apply()
    out = tmp_path / f"{name}.png"
    assert app_module.main(["--seed", "1", *CASES[name], "--screenshot", str(out)]) == 0
    return QImage(str(out))


@pytest.mark.parametrize("name", list(CASES))
def test_the_screen_looks_as_stored(name, qapp, tmp_path):
    full = render(name, tmp_path)
    width, height = (int(v) for v in CASES[name][1].split("x"))
    assert (full.width(), full.height()) == (width, height)  # --size honoured exactly
    drawn = _half(full)
    stored_path = SNAPSHOTS / f"{name}.png"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        assert drawn.save(str(stored_path))
        return
    assert stored_path.exists(), f"no stored picture {stored_path}: make it with VISUALBP_UPDATE_SNAPSHOTS=1"
    stored = QImage(str(stored_path))
    a, b = _pixels(drawn), _pixels(stored)
    assert a.shape == b.shape, (a.shape, b.shape)
    differs = (np.abs(a.astype(np.int16) - b.astype(np.int16)) > SHADE).any(axis=2)
    share = float(differs.mean())
    if share > TOLERANCE:
        FAILURES.mkdir(parents=True, exist_ok=True)
        drawn.save(str(FAILURES / f"{name}.png"))
        _diff_image(a, b, differs).save(str(FAILURES / f"{name}.diff.png"))
    assert share <= TOLERANCE, (f"{share:.2%} of the pixels differ from {stored_path.name}: see "
                                f"{FAILURES / (name + '.diff.png')}")


def test_a_changed_screen_fails_and_writes_the_difference(tmp_path):
    stored = QImage(200, 100, QImage.Format.Format_RGB888)
    stored.fill(QColor("#ffffff"))
    drawn = stored.copy()
    for x in range(20, 60):
        for y in range(10, 30):
            drawn.setPixelColor(x, y, QColor("#0877bd"))
    a, b = _pixels(drawn), _pixels(stored)
    differs = (np.abs(a.astype(np.int16) - b.astype(np.int16)) > SHADE).any(axis=2)
    assert differs.mean() == pytest.approx(40 * 20 / (200 * 100)) and differs.mean() > TOLERANCE
    diff = _diff_image(a, b, differs)
    assert diff.pixelColor(30, 20).name() == "#e60000" and diff.pixelColor(100, 80).name() != "#e60000"
