"""One autosave per running instance, and the autosaves that dead instances left behind.

Each running visualbp claims a folder ``<data>/instances/<pid>-<n>/`` holding ``autosave.vbp`` and a file
``lock`` that carries the owner's PID and host, and holds an exclusive ``flock`` on that file for as long as it
runs. The kernel drops the lock when the process ends, however it ends (kill -9 included), so:

- a folder whose lock another process holds belongs to a live instance: never offered, never touched;
- a folder whose lock can be taken belongs to a dead one: the instance that takes the lock offers its autosave
  once (holding the lock while it asks, so two starting instances never offer the same one), then removes it.

Where ``flock`` is not available, the PID and host written in the lock decide whether the owner lives.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import threading
import time
import types
from dataclasses import dataclass
from pathlib import Path

fcntl: types.ModuleType | None
try:
    import fcntl
except ImportError:  # not POSIX: the PID in the lock decides
    fcntl = None

INSTANCES = "instances"
AUTOSAVE = "autosave.vbp"
LOCK = "lock"
#: Written beside a kept autosave when the app ended by a signal (SIGINT, SIGTERM): what the offer says.
REASON = "reason"
#: The autosave of visualbp 0.x, before instances: offered like a dead instance's.
LEGACY = "autosave.vbp"

_counter = itertools.count()
_claimed: dict[Path, Instance] = {}  # this process's live instances, by folder
_claimed_lock = threading.Lock()


def _host() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return ""


@dataclass
class Instance:
    """A claimed instance folder: ``autosave`` is this instance's file; the lock is held until ``release``."""

    folder: Path
    fd: int | None

    @property
    def autosave(self) -> Path:
        return self.folder / AUTOSAVE

    def release(self, keep: bool, reason: str | None = None) -> None:
        """Let the folder go: removed with its autosave (a clean exit), or kept for the next start to offer,
        with ``reason`` saying why the app ended."""
        with _claimed_lock:
            _claimed.pop(self.folder, None)
        if keep and reason:
            try:
                (self.folder / REASON).write_text(reason, encoding="utf-8")
            except OSError:
                pass
        if not keep:
            shutil.rmtree(self.folder, ignore_errors=True)
        if self.fd is not None:
            os.close(self.fd)  # the lock goes with the descriptor
            self.fd = None


def _try_lock(lock_path: Path, create: bool) -> int | None:
    """An open descriptor on ``lock_path`` holding its exclusive lock, or None when a live owner holds it.
    Raises OSError when the file cannot be opened (or, with ``create``, made)."""
    flags = os.O_RDWR | (os.O_CREAT if create else 0)
    fd = os.open(lock_path, flags, 0o644)
    if fcntl is None:
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError:  # a file system without flock: judge by the PID
        if _owner_alive(lock_path):
            os.close(fd)
            return None
    return fd


def _owner_alive(lock_path: Path) -> bool:
    """Without flock: is the PID written in the lock a live process on this host?"""
    try:
        pid_text, host = (lock_path.read_text(encoding="utf-8").splitlines() + ["", ""])[:2]
        pid = int(pid_text)
    except (OSError, ValueError):
        return False
    if host and host != _host():
        return True  # another machine's: not ours to judge
    if pid == os.getpid():
        return False  # our own folders are skipped before: this one is a dead process's that had our PID
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def claim(data: Path) -> Instance:
    """Make and lock a new instance folder under ``data``; OSError (naming the folder) when it cannot be."""
    root = data / INSTANCES
    root.mkdir(parents=True, exist_ok=True)
    while True:
        folder = root / f"{os.getpid()}-{next(_counter)}"
        try:
            folder.mkdir()  # atomic: a stale folder of a dead process with our PID is never reused
            break
        except FileExistsError:
            continue
    deadline = time.monotonic() + 2.0
    while True:  # a starting instance may hold our new lock for a moment while it looks for dead ones
        fd = _try_lock(folder / LOCK, create=True)
        if fd is not None or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if fd is None:
        raise OSError(f"cannot lock {folder / LOCK}")
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n{_host()}\n".encode())
    instance = Instance(folder, fd)
    with _claimed_lock:
        _claimed[folder] = instance
    return instance


@dataclass
class DeadAutosave:
    """An autosave a dead instance left, locked by us while it is offered. ``reason``: why it ended, if
    it said (a signal); None means it crashed or was killed."""

    path: Path
    reason: str | None
    instance: Instance

    def forget(self) -> None:
        """Offered: remove it (restored, or declined)."""
        self.instance.release(keep=False)

    def set_aside(self) -> Path:
        """Offered but could not be restored: moved to ``<data>/unrestored-<name>.vbp`` so it is not offered
        again and not lost. Returns where it went."""
        target = self.instance.folder.parent.parent / f"unrestored-{self.instance.folder.name}.vbp"
        try:
            os.replace(self.path, target)
        except OSError:
            target = self.path
        self.instance.release(keep=target == self.path)
        return target

    def let_go(self) -> None:
        """Not offered this time (another was restored first): left for the next start."""
        self.instance.release(keep=True)


def dead_autosaves(data: Path) -> list[DeadAutosave]:
    """The autosaves of instances that no longer run, newest first, each locked by this process."""
    root = data / INSTANCES
    _adopt_legacy(data, root)
    found = []
    try:
        folders = [p for p in root.iterdir() if p.is_dir()]
    except OSError:
        return []
    for folder in folders:
        with _claimed_lock:
            if folder in _claimed:
                continue  # our own
        autosave = folder / AUTOSAVE
        try:
            fd = _try_lock(folder / LOCK, create=True)
        except OSError:
            continue
        if fd is None:
            continue  # a live instance's
        instance = Instance(folder, fd)
        if not autosave.is_file():
            instance.release(keep=not _stale(folder))  # an empty folder left by a crash: tidy it
            continue
        try:
            reason = (folder / REASON).read_text(encoding="utf-8").strip() or None
        except OSError:
            reason = None
        found.append(DeadAutosave(autosave, reason, instance))
    found.sort(key=lambda d: _mtime(d.path), reverse=True)
    return found


def _adopt_legacy(data: Path, root: Path) -> None:
    """The single ``<data>/autosave.vbp`` of earlier versions becomes a dead instance's, offered once."""
    legacy = data / LEGACY
    if not legacy.is_file():
        return
    try:
        instance = claim(data)
        os.replace(legacy, instance.autosave)  # atomic: only one starting instance adopts it
    except OSError:
        return
    instance.release(keep=True)


def _stale(folder: Path) -> bool:
    """Made more than a minute ago: not a starting instance that has not written its first autosave."""
    return time.time() - _mtime(folder) > 60


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
