"""The real main window on simulated screens of every size and scale (Qt's offscreen platform, one process
per screen set: tests/gui/screens/driver.py): it fits, and graph, controls, equation and status line show;
presentation mode gives the graph half of the screen and type readable from the back of the hall.

One driver measures every screen set, each in a process forked from it after the imports (a process apiece
cost 13 Python start-ups), once per run: under pytest-xdist the workers share its outcome (whichever asks first
runs it, the other waits for it). Each test reads its own set's measures, exit status and Qt warnings."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: (width, height, scale): the projectors and laptops of the issue, at the scales people use on them.
SCREENS = [
    (1024, 768, 1), (1280, 720, 1), (1366, 768, 1), (1920, 1080, 1), (2560, 1440, 1), (3840, 2160, 1),
    (1366, 768, 1.25), (1920, 1080, 1.25), (1920, 1080, 1.5), (1920, 1080, 2), (2560, 1440, 1.5),
    (3840, 2160, 2),
]


#: The first test waits for every set's measures (13 windows, one after the other): about 15 s of CPU.
pytestmark = pytest.mark.timeout(300)

SETS = {f"{w}x{h}@{s}": {"screens": [[w, h, s]]} for w, h, s in SCREENS}
SETS["laptop+projector"] = {"screens": [[1366, 768, 1], [1280, 720, 1]], "steps": 5}


def run_every_set() -> list[dict]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "tests.gui.screens.driver", json.dumps(list(SETS.values()))],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict[str, dict]:
    """The driver's outcome for every screen set, by name; one run shared by the xdist workers (their base
    folders' parent is the run's own)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    outcome = shared / "screen-sets.json"
    with open(shared / "screen-sets.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # let go when the file closes, also if the driver failed
        if not outcome.exists():
            outcome.write_text(json.dumps(run_every_set()))
        return dict(zip(SETS, json.loads(outcome.read_text())))


def run_driver(measured: dict[str, dict], name: str) -> dict:
    """What the driver measured on screen set ``name``, which opened without an error or a Qt warning."""
    outcome = measured[name]
    assert outcome["returncode"] == 0, (name, outcome["stderr"][-2000:])
    assert "Warning" not in outcome["stderr"] and "QWidget" not in outcome["stderr"], (name, outcome["stderr"][-2000:])
    return outcome["result"]


def inside(rect: list[int], area: list[int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.parametrize("width,height,scale", SCREENS, ids=[f"{w}x{h}@{s}" for w, h, s in SCREENS])
def test_the_window_fits_and_presentation_puts_the_network_first(measured, width, height, scale):
    result = run_driver(measured, f"{width}x{height}@{scale}")
    normal, shown = result["normal"], result["presentation"]
    available = normal["available"]
    logical_w, logical_h = available[2], available[3]
    assert (logical_w, logical_h) == (round(width / scale), round(height / scale))

    assert inside(normal["window"], available), normal["window"]
    assert normal["minimum"][0] <= 1000 and normal["minimum"][1] <= 700
    for part in ("graph", "controls", "equation", "status"):
        assert normal[part]["visible"], part
        assert inside(normal[part]["rect"], available), (part, normal[part]["rect"])
    graph_w, graph_h = normal["graph"]["rect"][2:]
    assert graph_w >= 400 and graph_h >= 200
    if logical_h >= 700:
        assert graph_w >= 600 and graph_h >= 300
        assert normal["clipped"] == []  # no line of the equation panel cut off
        assert normal["equation"]["rect"][3] >= 190

    assert inside(shown["window"], available)
    assert shown["window"][2:] == available[2:]  # fills the screen where it cannot go full screen (offscreen)
    for part in ("graph", "controls", "equation"):
        assert shown[part]["visible"] and inside(shown[part]["rect"], available), part
    gw, gh = shown["graph"]["rect"][2:]
    assert gw * gh >= 0.5 * logical_w * logical_h, (gw, gh)
    assert min(shown["text_px"].values()) >= logical_h / 50, shown["text_px"]
    assert set(shown["text_px"]) >= {"title", "equation", "numbers", "narration"}
    assert shown["clipped"] == []
    assert result["after"] == {"window": normal["window"], "presenting": False, "presenter_open": False}


def test_a_second_screen_gets_the_presenter_view_and_the_projector_the_graph(measured):
    result = run_driver(measured, "laptop+projector")
    shown = result["presentation"]
    presenter = shown["presenter"]
    assert presenter["window_screen"] == "screen1" and presenter["screen"] == "screen0"
    assert shown["available"] == [1366, 0, 1280, 720] and shown["window"] == shown["available"]
    assert inside(presenter["rect"], [0, 0, 1366, 768])
    assert "BP1" in presenter["script"] or "output" in presenter["script"]  # the narration of the 5th step
    assert presenter["next"].startswith("BP") and "l=" in presenter["next"]
    # the clock counts from the start of the presentation, a moment ago (a second or more on a loaded machine)
    assert re.fullmatch(r"0:0[0-4]", presenter["clock"]), presenter["clock"]
    gw, gh = shown["graph"]["rect"][2:]
    assert gw * gh >= 0.5 * 1280 * 720
    assert result["after"]["presenter_open"] is False and result["after"]["window"][0] == 0  # back on the laptop
