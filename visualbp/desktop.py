"""Desktop integration: the icon, the launcher entry and the session file type, installed per user.

``install()`` copies ``visualbp.desktop`` (its Exec line naming this Python, so a virtual environment's
visualbp starts from the launcher), the icon (SVG, and PNGs from 16 to 512 px into the hicolor theme's
``NxN/apps`` folders) and the MIME type of ``.vbp`` sessions under ``$XDG_DATA_HOME`` (``~/.local/share`` when
unset), then runs ``update-desktop-database`` and ``update-mime-database`` when they exist (and
``gtk-update-icon-cache`` where the user's hicolor folder already has a cache, which would hide new icons).
``uninstall()`` removes exactly those files. Both return one line per thing done. ``window_icon()`` is the icon
for the window (Qt is imported only there).
"""

from __future__ import annotations

import importlib.resources
import os
import shlex
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import BinaryIO

from visualbp.core.sessionio import atomic_write
from visualbp.icons import ICON_SIZES, ICON_SVG, png_name

DESKTOP_FILE = "visualbp.desktop"
MIME_FILE = "visualbp-mime.xml"
#: The PNG icons shipped in resources/, one per size (made from the SVGs by ``python -m visualbp.icons``).
ICON_PNGS = {size: png_name(size) for size in ICON_SIZES}


def _write_all(f: BinaryIO, data: bytes) -> None:
    f.write(data)


def resource(name: str) -> Path:
    """A file shipped in resources/: from the source checkout beside the package, else the installed one."""
    here = Path(__file__).resolve().parents[1] / "resources" / name
    if here.is_file():
        return here
    return Path(str(importlib.resources.files("visualbp.resources") / name))


def data_home() -> Path:
    """$XDG_DATA_HOME if set to an absolute path (as the spec says), else ~/.local/share."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def targets(base: Path | None = None) -> dict[str, Path]:
    """Where each shipped file goes under ``base`` (the user's data folder)."""
    base = base or data_home()
    hicolor = base / "icons" / "hicolor"
    return {
        DESKTOP_FILE: base / "applications" / "visualbp.desktop",
        ICON_SVG: hicolor / "scalable" / "apps" / "visualbp.svg",
        **{name: hicolor / f"{size}x{size}" / "apps" / "visualbp.png" for size, name in ICON_PNGS.items()},
        MIME_FILE: base / "mime" / "packages" / "visualbp.xml",
    }


def _exec_command() -> str:
    """The Exec command: this Python running visualbp, quoted as the Desktop Entry spec asks."""
    def quote(arg: str) -> str:
        if all(c.isalnum() or c in "/._-+" for c in arg):
            return arg
        return '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
    return " ".join(quote(a) for a in (sys.executable, "-m", "visualbp"))


def desktop_entry() -> str:
    """The shipped visualbp.desktop with Exec and TryExec naming the Python that runs now."""
    lines = []
    for line in resource(DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = f"Exec={_exec_command()} %f"
        elif line.startswith("TryExec="):
            line = f"TryExec={sys.executable}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _refresh(base: Path) -> list[str]:
    done = []
    hicolor = base / "icons" / "hicolor"
    tools = [("update-desktop-database", base / "applications"), ("update-mime-database", base / "mime")]
    if (hicolor / "icon-theme.cache").is_file():  # a stale cache hides the icons; none is made where there was none
        tools.append(("gtk-update-icon-cache", hicolor))
    for tool, folder in tools:
        exe = shutil.which(tool)
        if exe is None or not folder.is_dir():
            continue
        flags = ["-f", "-t", "-q"] if tool == "gtk-update-icon-cache" else []  # -t: the user's hicolor has no index
        result = subprocess.run([exe, *flags, str(folder)], capture_output=True, text=True, timeout=60)
        if result.returncode == 0:
            done.append(f"ran {tool} {shlex.quote(str(folder))}")
        else:
            first = (result.stderr or result.stdout).strip().splitlines()[:1]
            done.append(f"{tool} {folder} failed: {first[0] if first else f'exit {result.returncode}'}")
    return done


def install(base: Path | None = None) -> list[str]:
    """Write the launcher entry, icons and MIME type under ``base``; one line per file and tool run.
    OSError (naming the file) if one cannot be written — each file is written whole or not at all."""
    base = base or data_home()
    lines = []
    for name, target in targets(base).items():
        data = desktop_entry().encode("utf-8") if name == DESKTOP_FILE else resource(name).read_bytes()
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            atomic_write(target, partial(_write_all, data=data))
            os.chmod(target, 0o644)
        except OSError as exc:
            raise OSError(f"{target}: could not be written ({exc.strerror or exc})") from None
        lines.append(f"wrote {target}")
    return lines + _refresh(base)


def uninstall(base: Path | None = None) -> list[str]:
    """Remove exactly the files ``install`` writes (folders stay); one line per file removed."""
    base = base or data_home()
    lines = []
    for target in targets(base).values():
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise OSError(f"{target}: could not be removed ({exc.strerror or exc})") from None
        lines.append(f"removed {target}")
    if not lines:
        return [f"nothing to remove: visualbp's desktop files are not under {base}"]
    return lines + _refresh(base)


def window_icon():
    """visualbp's icon as a QIcon holding every PNG size (Qt picks the nearest for a title bar, a task bar, a
    switcher; 16 and 24 px are the simplified drawing)."""
    from PyQt6.QtCore import QSize
    from PyQt6.QtGui import QIcon

    icon = QIcon()
    for size, name in ICON_PNGS.items():
        path = resource(name)
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon
