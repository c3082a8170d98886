"""Before Qt starts: is there a display, and can Qt's X11 platform plugin load its libraries?

Without either, Qt aborts the process (SIGABRT, exit 134) with "xcb-cursor0 or libxcb-cursor0 is needed …
Reinstalling the application may fix this problem", which names the wrong package and the wrong remedy. This
module finds out first, without starting Qt, and says in one or two lines what is missing and which command
installs it. Imports nothing from Qt (it locates the plugin file by path).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

#: Platforms that need no display.
HEADLESS = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs", "vkkhrdisplay", "minimalegl"}
#: Sonames whose Debian/Ubuntu package is not simply the soname's stem and number ('libxcb-cursor.so.0' →
#: 'libxcb-cursor0', 'libxkbcommon-x11.so.0' → 'libxkbcommon-x11-0').
PACKAGES = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libstdc++.so.6": "libstdc++6",
}
FIX_HINT = "or run without a window: visualbp --screenshot out.png (or QT_QPA_PLATFORM=offscreen)"


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships ``soname`` (Debian's library package naming)."""
    if soname in PACKAGES:
        return PACKAGES[soname]
    match = re.fullmatch(r"(.+?)\.so\.(\d+)(?:\..*)?", soname)
    if not match:
        return soname
    stem, number = match.groups()
    stem = stem.lower()
    return f"{stem}-{number}" if stem[-1].isdigit() else f"{stem}{number}"


def xcb_plugin() -> Path | None:
    """PyQt6's X11 platform plugin (``Qt6/plugins/platforms/libqxcb.so``), found without importing Qt."""
    spec = importlib.util.find_spec("PyQt6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        for qt in ("Qt6", "Qt"):
            plugin = Path(base) / qt / "plugins" / "platforms" / "libqxcb.so"
            if plugin.is_file():
                return plugin
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """Sonames ``ldd`` reports as 'not found' for ``plugin`` (its own and its dependencies'), in order."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    missing = []
    for line in out.splitlines():
        name, _, where = line.strip().partition("=>")
        if "not found" in where and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def _x_display_reachable(display: str) -> bool:
    """Can a client connect to the X server ``display`` (':0', 'unix:1', 'host:0')? Unknown forms: yes."""
    match = re.fullmatch(r"(?P<host>[^:]*):(?P<n>\d+)(?:\.\d+)?", display)
    if not match:
        return True
    host, n = match["host"], int(match["n"])
    if host in ("", "unix"):
        for address in (f"\0/tmp/.X11-unix/X{n}", f"/tmp/.X11-unix/X{n}"):  # abstract socket, then the file
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                try:
                    s.connect(address)
                    return True
                except OSError:
                    continue
        return False
    if host.startswith("/"):  # launchd's socket path on macOS
        return True
    try:
        with socket.create_connection((host, 6000 + n), timeout=2):
            return True
    except OSError:
        return False


def display_problem(environ: dict | None = None) -> str | None:
    """None when Qt can start a window here; otherwise one or two lines: what is missing and how to fix it."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].split(";", 1)[0].strip().lower()
    if platform in HEADLESS:
        return None
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if platform == "wayland" or (not platform and wayland):
        return None  # Qt tries Wayland first and falls back to X11 by itself
    if not display:
        return ("visualbp: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set); start it "
                f"from a desktop session, {FIX_HINT}")
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin is not None else []
    if missing:
        packages = " ".join(dict.fromkeys(debian_package(name) for name in missing))
        return (f"visualbp: Qt's X11 plugin cannot load {', '.join(missing)}.\n"
                f"Install them (Debian/Ubuntu): sudo apt-get install {packages}")
    if not _x_display_reachable(display):
        return f"visualbp: cannot connect to the X display {display!r} (is the X server running?); {FIX_HINT}"
    return None
