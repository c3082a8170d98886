"""No display, or Qt's X11 libraries missing: one or two lines naming what is missing and the command that
installs it, exit 1 — never Qt's SIGABRT. The headless paths keep working without a display."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from visualbp.display_check import debian_package, display_problem

ROOT = Path(__file__).resolve().parents[2]
NO_DISPLAY = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def run(*args: str, path_prefix: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in NO_DISPLAY}
    environ.update(PYTHONPATH=str(ROOT), **env)
    if path_prefix is not None:
        environ["PATH"] = f"{path_prefix}{os.pathsep}{environ.get('PATH', '')}"
    return subprocess.run([sys.executable, "-m", "visualbp", *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=120)


def fake_ldd(folder: Path, *missing: str) -> Path:
    """An ``ldd`` that reports ``missing`` as not found (as on a desktop without those packages)."""
    folder.mkdir()
    lines = "\n".join(f"\t{name} => not found" for name in missing)
    script = folder / "ldd"
    script.write_text(f"#!/bin/sh\nprintf '\\tlibc.so.6 => /lib/libc.so.6 (0x0)\\n{lines}\\n'\n")
    script.chmod(0o755)
    return folder


def assert_short_message(done: subprocess.CompletedProcess) -> list[str]:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, (done.returncode, done.stderr)  # not -6 / 134 (SIGABRT)
    assert 1 <= len(lines) <= 2 and lines[0].startswith("visualbp: "), done.stderr
    assert "Traceback" not in done.stderr and "Reinstalling" not in done.stderr
    return lines


def test_no_display_says_so_and_how_to_run_headless():
    lines = assert_short_message(run())
    assert "no display" in lines[0] and "DISPLAY" in lines[0] and "--screenshot" in lines[0]


def test_missing_xcb_libraries_are_named_with_the_packages_that_install_them(tmp_path):
    ldd = fake_ldd(tmp_path / "bin", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-icccm.so.4")
    lines = assert_short_message(run(path_prefix=ldd, DISPLAY=":0"))
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in lines[0]
    assert lines[1].endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")


def test_an_unreachable_x_display_is_named(tmp_path):
    ldd = fake_ldd(tmp_path / "bin")  # every library found
    lines = assert_short_message(run(path_prefix=ldd, DISPLAY=":87"))
    assert "cannot connect to the X display ':87'" in lines[0]


def test_headless_paths_need_no_display(tmp_path):
    out = tmp_path / "shot.png"
    done = run("--screenshot", str(out), "--steps", "3")
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000
    for args in (["--version"], ["--help"], ["--list-demos"]):
        assert run(*args).returncode == 0
    done = run("--screenshot", str(out), QT_QPA_PLATFORM="xcb")  # a desktop's setting, no display here
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("env, expected", [
    ({"QT_QPA_PLATFORM": "offscreen"}, None),
    ({"QT_QPA_PLATFORM": "offscreen:configfile=/tmp/screens.json"}, None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, None),
    ({}, "no display"),
    ({"QT_QPA_PLATFORM": "xcb"}, "no display"),
])
def test_which_environments_need_a_check(env, expected):
    problem = display_problem(env)
    assert (problem is None) if expected is None else (expected in problem)


@pytest.mark.parametrize("soname, package", [
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"), ("libdbus-1.so.3", "libdbus-1-3"),
    ("libEGL.so.1", "libegl1"), ("libGL.so.1", "libgl1"), ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libfontconfig.so.1", "libfontconfig1"), ("libglib-2.0.so.0", "libglib2.0-0"),
])
def test_sonames_map_to_debian_packages(soname, package):
    assert debian_package(soname) == package
