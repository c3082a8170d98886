"""Writing a file so that a crash, a kill or a full disk never leaves a broken or partial one.

``atomic_write(path, write)`` writes into a temporary file beside the file it replaces, fsyncs it and
renames it over the target. A save through a symbolic link writes the file the link points to (the link
stays a link); a re-saved file keeps its permission bits, a new one gets the usual ones (0666 less the
umask), not the 0600 of a temporary file.

A temporary file is named ``.<name>.<pid>.<random>.vbp-tmp``: should the process be killed mid-save, the
file is recognisably ours and names the process that wrote it. ``stale_temp_files(folder)`` finds those
whose process is gone (or that are older than a day), and the next save of the same file removes them;
``remove_stale_temp_files(folder)`` does it for a whole folder (at start-up, for the folders in use).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".vbp-tmp"
#: A temporary file older than this is stale whoever wrote it (no save takes a day).
STALE_SECONDS = 24 * 3600
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[A-Za-z0-9_]+" + re.escape(TEMP_SUFFIX) + r"$", re.DOTALL)
# What tempfile.mkstemp named them before (".<name>.<8 random>.tmp"): removed once an hour old.
_OLD_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$", re.DOTALL)
_OLD_STALE_SECONDS = 3600
_umask_lock = threading.Lock()


def final_target(path: str | os.PathLike) -> Path:
    """The file a write to ``path`` must replace: the target of a symbolic link (of a chain of them)."""
    path = Path(path)
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _umask() -> int:
    try:  # Linux: read it without changing it
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The permission bits the written file gets: the old file's, or 0666 less the umask."""
    try:
        st = os.stat(target)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    return 0o666 & ~_umask()


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError, OSError):
        return True  # someone else's live process (or we cannot tell): leave its file alone
    return True


def _is_stale(entry: os.DirEntry | Path, name: str | None = None) -> bool:
    base = entry.name
    m = _TEMP.match(base)
    if m is not None and (name is None or m["name"] == name):
        try:
            age = time.time() - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            return False
        return age > STALE_SECONDS or not _pid_alive(int(m["pid"]))
    m = _OLD_TEMP.match(base)
    if m is not None and (name is None or m["name"] == name):
        try:
            return time.time() - entry.stat(follow_symlinks=False).st_mtime > _OLD_STALE_SECONDS
        except OSError:
            return False
    return False


def stale_temp_files(folder: str | os.PathLike[str], name: str | None = None) -> list[Path]:
    """Temporary files left in ``folder`` by saves that were killed (of the file ``name`` only, if given)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries
                          if e.name.startswith(".") and e.is_file(follow_symlinks=False) and _is_stale(e, name))
    except OSError:
        return []


def remove_stale_temp_files(folder: str | os.PathLike, name: str | None = None) -> list[Path]:
    """Remove what ``stale_temp_files`` finds; the paths removed."""
    removed = []
    for p in stale_temp_files(folder, name):
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass
    return removed


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(file)`` on a temporary file beside ``path`` (or beside the file a symlink ``path``
    points to), fsync, then rename it over that file; on any failure the temporary file is removed, the
    old file is untouched and the error propagates."""
    target = final_target(path)
    try:
        st = os.stat(target)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):  # never replace a device, a FIFO or a folder
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path)) if stat.S_ISDIR(st.st_mode) \
            else OSError(errno.EINVAL, "not a regular file (a device, FIFO or socket): choose another name", str(path))
    folder = target.parent
    remove_stale_temp_files(folder, target.name)
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def write_bytes_atomically(path: str | os.PathLike, data: bytes) -> None:
    """``atomic_write`` of ``data``; OSError naming nothing but the cause (the caller names the file)."""
    atomic_write(path, lambda f: f.write(data))
