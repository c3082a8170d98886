"""Reading a user's file safely: only regular files, a bounded number of bytes, in bounded time.

Every file visualbp reads (sessions, networks, data files, the lessons in ``demos.json``) goes through
``read_regular_file``. A FIFO, a socket, a device such as ``/dev/zero`` or a folder is refused from its
``stat`` before it is opened for reading; the file is then opened without blocking (a FIFO swapped in
after the check cannot hang the open), checked again on the open descriptor, and read in chunks up to
a byte limit, on a helper thread the caller waits for at most ``READ_SECONDS``. Every refusal is an
``UnreadableFile`` naming the file and the reason, which the callers turn into their own error
(``DatasetError``, ``SessionFileError``, …).
"""

from __future__ import annotations

import os
import stat
import threading
import time

#: How long one file may take to read (a stalled network drive, a slow disk) before it is given up.
READ_SECONDS = 60.0
_CHUNK = 4 * 1024**2


class UnreadableFile(ValueError):
    """A file that is not a regular file, too large, too slow or unreadable; the message names it."""


def size_text(n: int) -> str:
    """``12,345 bytes`` or ``512 MiB``, for messages."""
    return f"{n / 1024**2:,.0f} MiB" if n >= 1024**2 else f"{n:,} bytes"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder (directory)"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def check_regular(path: str | os.PathLike, what: str = "file") -> int:
    """The size of ``path`` if it is a regular file (symlinks followed); ``UnreadableFile`` otherwise."""
    where = os.fsdecode(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFile(f"{where}: no such file (missing)") from None
    except (OSError, ValueError) as exc:
        raise UnreadableFile(f"{where}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFile(f"{where}: is {_kind(st.st_mode)}, not a regular {what}")
    return st.st_size


def read_regular_file(path: str | os.PathLike, limit: int, what: str = "file",
                      seconds: float = READ_SECONDS) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, read within ``seconds``.

    Raises ``UnreadableFile`` (naming the file) for anything else: missing, a folder, a FIFO or device,
    more than ``limit`` bytes (on disk, or growing while read), an OS error, or no answer in time. The
    read runs on a helper thread, so even a drive that stops answering (a stalled network share, where a
    ``stat`` or a ``read`` blocks in the kernel) costs the caller ``seconds`` at most."""
    where = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else repr(path)
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise UnreadableFile(f"{where}: not a file path")
    result: dict = {}
    done = threading.Event()

    def work() -> None:
        try:
            result["data"] = _read(path, where, limit, what, time.monotonic() + seconds)
        except BaseException as exc:  # handed to the caller below
            result["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="visualbp-read", daemon=True).start()
    if not done.wait(seconds + 1.0):
        raise UnreadableFile(f"{where}: no answer after {seconds:g} s (a stalled drive or share?); given up")
    if "error" in result:
        raise result["error"]
    return result["data"]


def _read(path: str | os.PathLike, where: str, limit: int, what: str, deadline: float) -> bytes:
    size = check_regular(path, what)
    if size > limit:
        raise UnreadableFile(f"{where}: {size_text(size)} is larger than the limit of {size_text(limit)} "
                             f"for a {what}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        raise UnreadableFile(f"{where}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        st = os.fstat(fd)  # what was opened, not what was checked: the path may have been swapped
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(f"{where}: is {_kind(st.st_mode)}, not a regular {what}")
        chunks, total = [], 0
        while True:
            chunk = _read_chunk(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UnreadableFile(f"{where}: more than the limit of {size_text(limit)} for a {what} "
                                     f"(the file grew while it was read)")
            if time.monotonic() > deadline:
                raise UnreadableFile(f"{where}: reading took too long; given up")
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"{where}: cannot be read ({exc.strerror or exc})") from None
    except MemoryError:
        raise UnreadableFile(f"{where}: not enough memory to read {size_text(size)}") from None
    finally:
        os.close(fd)


_read_chunk = os.read
