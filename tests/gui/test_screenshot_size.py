"""``--screenshot --size WxH``: the picture has exactly that size, or the size is refused in one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PyQt6.QtGui import QImage

from visualbp.app import main
from visualbp.gui import window_fit

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("size", ["1000x700", "1280x720", "900x500", "1920x1080"])  # the last: a large screen's plan
def test_the_size_is_honoured_exactly(qapp, tmp_path, capsys, size):
    out = tmp_path / "shot.png"
    assert main(["--steps", "2", "--screenshot", str(out), "--size", size]) == 0
    width, height = (int(v) for v in size.split("x"))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (width, height)
    assert f"({width}×{height})" in capsys.readouterr().out


@pytest.mark.parametrize("size", ["800x600", "1366x480", "899x768"])
def test_a_size_below_the_minimum_is_refused_in_one_line(tmp_path, capsys, size):
    out = tmp_path / "shot.png"
    assert main(["--screenshot", str(out), "--size", size]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--size {size}" in err
    assert f"{window_fit.MIN_WIDTH}x{window_fit.MIN_HEIGHT}" in err
    assert not out.exists()


def test_the_real_command_prints_no_qt_warnings(tmp_path):  # (with a Teach panel: tests/gui/test_lecture_type.py)
    out = tmp_path / "lecture.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VISUALBP_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-m", "visualbp", "--lecture", "--steps", "3", "--screenshot", str(out),
                           "--size", "1024x768"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "wrote" in done.stdout and "(1024×768)" in done.stdout
