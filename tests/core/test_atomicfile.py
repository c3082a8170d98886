"""Files written: through symlinks, with their modes kept, temp files of killed saves found and removed,
and a full disk leaving the old file and no partial one."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from visualbp.core import atomicfile
from visualbp.core.atomicfile import atomic_write, remove_stale_temp_files, stale_temp_files, write_bytes_atomically


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((atomicfile.TEMP_SUFFIX, ".tmp")))


def test_a_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real" / "run.vbp"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.vbp"
    link.symlink_to(real)
    chain = tmp_path / "chain.vbp"
    chain.symlink_to(link)
    write_bytes_atomically(chain, b"new")
    assert chain.is_symlink() and link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new" and not real.is_symlink()
    assert _temps(tmp_path) == [] and _temps(real.parent) == []


def test_a_dangling_symlink_is_written_through_to_its_target(tmp_path):
    link = tmp_path / "link.vbp"
    link.symlink_to(tmp_path / "later.vbp")
    write_bytes_atomically(link, b"data")
    assert link.is_symlink() and (tmp_path / "later.vbp").read_bytes() == b"data"


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664, 0o444, 0o755])
def test_a_resaved_file_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "run.vbp"
    path.write_bytes(b"old")
    path.chmod(mode)
    write_bytes_atomically(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_bytes() == b"new"


def test_a_new_file_gets_the_umask_mode_not_0600(tmp_path):
    old = os.umask(0o027)
    try:
        write_bytes_atomically(tmp_path / "new.vbp", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.vbp").stat().st_mode) == 0o640


_SLOW_SAVE = """
import sys, time
from visualbp.core.atomicfile import atomic_write
def write(f):
    f.write(b"partial")
    f.flush()
    print("writing", flush=True)
    time.sleep(60)
atomic_write(sys.argv[1], write)
"""


def test_a_save_killed_midway_leaves_a_temp_file_the_next_save_removes(tmp_path):
    target = tmp_path / "run.vbp"
    target.write_bytes(b"the old session")
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_SAVE, str(target)], stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(Path(atomicfile.__file__).parents[2])})
    try:
        assert proc.stdout.readline().strip() == b"writing"
        left = _temps(tmp_path)
        assert len(left) == 1 and left[0].startswith(".run.vbp.") and str(proc.pid) in left[0]
        assert stale_temp_files(tmp_path) == []  # its writer is alive: not stale, not touched
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert target.read_bytes() == b"the old session"
    assert [p.name for p in stale_temp_files(tmp_path)] == left  # found, by its name and its dead writer
    write_bytes_atomically(target, b"the new session")
    assert _temps(tmp_path) == [] and target.read_bytes() == b"the new session"


def test_old_style_and_other_files_temp_files(tmp_path):
    """The pre-PID names (``.name.XXXXXXXX.tmp``) are removed once an hour old; other files never."""
    old_style = tmp_path / ".run.vbp.ab12cd_9.tmp"
    old_style.write_bytes(b"x")
    os.utime(old_style, (time.time() - 7200, time.time() - 7200))
    recent_old_style = tmp_path / ".run.vbp.zz12cd_9.tmp"
    recent_old_style.write_bytes(b"x")
    mine = tmp_path / ".notes.txt"
    mine.write_bytes(b"keep")
    other_file_temp = tmp_path / f".other.vbp.999999999.abc{atomicfile.TEMP_SUFFIX}"
    other_file_temp.write_bytes(b"x")
    write_bytes_atomically(tmp_path / "run.vbp", b"data")
    assert not old_style.exists() and recent_old_style.exists() and mine.exists()
    assert other_file_temp.exists()  # another file's: left for its own next save, or a start-up sweep
    assert remove_stale_temp_files(tmp_path) == [other_file_temp]


def test_a_write_that_fails_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "run.vbp"
    path.write_bytes(b"old")

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)  # the OS refusing to make the data durable: a full disk
    with pytest.raises(OSError, match="No space left"):
        write_bytes_atomically(path, b"new" * 1000)
    assert path.read_bytes() == b"old" and _temps(tmp_path) == []


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "64k"):
    """A real, nearly full file system: a small tmpfs (needs root; the test is skipped otherwise)."""
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_on_a_full_disk_a_write_fails_and_leaves_the_old_file_whole(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "run.vbp"
        path.write_bytes(b"old" * 1000)
        with pytest.raises(OSError) as info:
            atomic_write(path, lambda f: f.write(os.urandom(200_000)))
        assert info.value.errno == errno.ENOSPC
        assert path.read_bytes() == b"old" * 1000 and _temps(disk) == []


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_a_save_onto_a_device_a_fifo_or_a_folder_is_refused_and_replaces_nothing(tmp_path, kind):
    """A symlink to /dev/null must not replace /dev/null with a regular file (the app may run as root)."""
    path = tmp_path / "out.vbp"
    if kind == "device":
        path.symlink_to("/dev/null")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    with pytest.raises(OSError):
        write_bytes_atomically(path, b"data")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(atomicfile.TEMP_SUFFIX)]
    assert not list(Path("/dev").glob(f"*{atomicfile.TEMP_SUFFIX}"))
