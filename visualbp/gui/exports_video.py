"""A step sequence as an MP4 video (H.264), for slides and lecture recordings that do not take GIFs.

Optional: it needs the ffmpeg binary of ``imageio-ffmpeg`` (``pip install 'visualbp[video]'``); without it
``video_missing()`` says so in one line and nothing is asked or written.
Each frame shows as long as in the GIF (``FRAME_MS``, the last ``LAST_FRAME_MS``). The video is made in a
temporary folder and then written whole through ``core.atomicfile`` (or not at all).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from visualbp.core.atomicfile import atomic_write

#: Frames a second of the video: each step's picture is repeated to last as long as a GIF frame.
FPS = 10
#: Video endings written as MP4.
VIDEO_ENDINGS = (".mp4",)


class VideoError(RuntimeError):
    """The video could not be made; the message names the file and the reason."""


def video_missing() -> str | None:
    """None when an MP4 can be written, else one line saying what to install."""
    try:
        import imageio_ffmpeg

        imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):  # not installed, or its ffmpeg binary missing
        python = shlex.quote(sys.executable) if sys.executable else "python3"
        return f"an MP4 video needs imageio-ffmpeg, which is not installed: {python} -m pip install imageio-ffmpeg"
    return None


def _even(frame: np.ndarray) -> np.ndarray:
    """The frame padded with white to even sides (H.264's 4:2:0 colour needs them)."""
    h, w = frame.shape[:2]
    if h % 2 == 0 and w % 2 == 0:
        return frame
    out = np.full((h + h % 2, w + w % 2, 3), 255, dtype=np.uint8)
    out[:h, :w] = frame
    return out


def write_mp4(frames: list, path: str | os.PathLike, frame_ms: int, last_ms: int) -> None:
    """Write Pillow RGB ``frames`` as an H.264 MP4 at ``path``: each ``frame_ms`` long, the last ``last_ms``.
    ffmpeg (imageio-ffmpeg's binary) reads the raw frames from a pipe; its error, if any, names the problem."""
    missing = video_missing()
    if missing:
        raise VideoError(f"{path}: {missing}")
    import imageio_ffmpeg

    path = Path(path)
    pictures = [_even(np.asarray(frame.convert("RGB"), dtype=np.uint8)) for frame in frames]
    h, w = pictures[0].shape[:2]
    with tempfile.TemporaryDirectory(prefix="visualbp-video-") as folder:
        tmp, log = Path(folder) / "video.mp4", Path(folder) / "ffmpeg.log"
        cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{w}x{h}", "-r", str(FPS), "-i", "-", "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p",
               "-crf", "18", str(tmp)]
        try:
            with open(log, "wb") as errors, subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                                             stderr=errors) as ffmpeg:
                try:
                    for i, picture in enumerate(pictures):
                        repeats = max(1, round((last_ms if i == len(pictures) - 1 else frame_ms) * FPS / 1000))
                        data = picture.tobytes()
                        for _ in range(repeats):
                            ffmpeg.stdin.write(data)
                finally:
                    ffmpeg.stdin.close()
                code = ffmpeg.wait(timeout=120)
        except (OSError, subprocess.SubprocessError) as exc:
            raise VideoError(f"{path}: the video could not be made ({exc})") from None
        if code != 0 or not tmp.exists():
            said = log.read_text(errors="replace").strip().splitlines()
            raise VideoError(f"{path}: ffmpeg could not make the video ({said[-1] if said else f'exit {code}'})")
        data = tmp.read_bytes()
    try:
        atomic_write(path, lambda f: f.write(data))
    except OSError as exc:
        raise VideoError(f"{path}: cannot be written ({exc.strerror or exc})") from None
