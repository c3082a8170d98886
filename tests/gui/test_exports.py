"""Animated GIF and PDF handout: written whole, read back (frames, pages, text), or no file and one reason."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

from visualbp.app import main
from visualbp.gui.exports_gif import ExportError, record_gif
from visualbp.gui.exports_handout import write_handout

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(main_window):
    """The default window at 1280×800, shared by this module's tests (tests/gui/conftest.py)."""
    return main_window


def pdf_pages(path: Path) -> tuple[int, str]:
    QtPdf = pytest.importorskip("PyQt6.QtPdf", reason="this PyQt6 has no QtPdf to read the PDF back")
    QPdfDocument = QtPdf.QPdfDocument
    doc = QPdfDocument(None)
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    text = " ".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
    return doc.pageCount(), text


def test_a_gif_has_one_frame_per_step_and_the_first_picture(window, tmp_path):
    path = tmp_path / "steps.gif"
    assert record_gif(window.session, window.network_view, path, 4) == 5
    assert window.session.engine.step_index == 4
    with Image.open(path) as gif:
        assert gif.n_frames == 5 and gif.info["loop"] == 0
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(gif.convert("RGB").tobytes())
    assert len(set(frames)) == 5  # each step changed the picture (and its caption)
    assert [p.name for p in tmp_path.iterdir()] == ["steps.gif"]  # no temporary file left


def test_a_png_name_gets_an_animated_png_in_full_colour(window, tmp_path):
    """APNG for slides: every frame, looping, more colours than a GIF's 256 palette can hold."""
    path = tmp_path / "steps.png"
    assert record_gif(window.session, window.network_view, path, 3) == 4
    with Image.open(path) as png:
        assert png.format == "PNG" and png.is_animated and png.n_frames == 4 and png.info.get("loop") == 0
        png.seek(3)
        colours = png.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 256
    assert [p.name for p in tmp_path.iterdir()] == ["steps.png"]


def test_an_mp4_name_gets_a_video_with_each_step_as_long_as_in_the_gif(window, tmp_path):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg", reason="MP4 export is the optional 'video' extra")
    from visualbp.gui.exports_gif import FRAME_MS, LAST_FRAME_MS
    from visualbp.gui.exports_video import FPS

    path = tmp_path / "steps.mp4"
    assert record_gif(window.session, window.network_view, path, 3) == 4
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert frames == 3 * round(FRAME_MS * FPS / 1000) + round(LAST_FRAME_MS * FPS / 1000)
    assert seconds == pytest.approx((3 * FRAME_MS + LAST_FRAME_MS) / 1000, abs=0.15)
    assert [p.name for p in tmp_path.iterdir()] == ["steps.mp4"]


def test_an_mp4_without_its_packages_is_refused_before_any_step(window, tmp_path, monkeypatch):
    from visualbp.gui import exports_video

    monkeypatch.setattr(exports_video, "video_missing", lambda: "an MP4 video needs imageio-ffmpeg (test)")
    before = window.session.engine.step_index
    with pytest.raises(ExportError, match="steps.mp4: an MP4 video needs imageio-ffmpeg"):
        record_gif(window.session, window.network_view, tmp_path / "steps.mp4", 3)
    assert window.session.engine.step_index == before and list(tmp_path.iterdir()) == []


def test_a_failed_gif_leaves_no_file_and_says_why(window, tmp_path, monkeypatch):
    path = tmp_path / "steps.gif"
    path.write_bytes(b"the old file")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", disk_full)
    with pytest.raises(ExportError, match="steps.gif: cannot be written \\(No space left on device\\)"):
        record_gif(window.session, window.network_view, path, 2)
    assert path.read_bytes() == b"the old file" and len(list(tmp_path.iterdir())) == 1


def test_without_pillow_the_message_says_how_to_get_it(window, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ExportError, match="needs Pillow, which is not installed: .*python.* -m pip install Pillow"):
        record_gif(window.session, window.network_view, tmp_path / "x.gif", 1)
    assert not list(tmp_path.iterdir())


def test_the_handout_has_the_step_its_numbers_the_equations_and_settings(window, tmp_path):
    for _ in range(9):
        window.session.step()
    path = tmp_path / "handout.pdf"
    assert write_handout(window.session, window.network_view, window.equations, path) == 1
    pages, text = pdf_pages(path)
    assert pages == 1
    for words in ("This step", "BP1", "BP4", "learning rate", "minibatch size m", "Moons",
                  window.equations.numbers_text().split("=")[-1].strip()):
        assert words in text, words
    assert oct(path.stat().st_mode & 0o777) != oct(0o600)  # a normal file, not mkstemp's private one


def test_a_handout_into_a_missing_folder_is_one_reason_and_no_file(window, tmp_path):
    with pytest.raises(ExportError, match="nowhere/h.pdf: cannot be written"):
        write_handout(window.session, window.network_view, window.equations, tmp_path / "nowhere" / "h.pdf")


def test_the_command_line_writes_both(tmp_path, capsys, qapp):
    gif, pdf = tmp_path / "a.gif", tmp_path / "h.pdf"
    assert main(["--gif", str(gif), "--steps", "3", "--handout", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {gif}: 4 frames" in out and f"wrote {pdf}: 1 page at step 3" in out
    with Image.open(gif) as image:
        assert image.n_frames == 4
    assert pdf_pages(pdf)[0] == 1


@pytest.mark.parametrize("argv, words", [
    (["--gif", "x.jpg"], "must end in .gif or .png or .apng"),
    (["--gif", "a.gif"], "--gif records --steps 1 … 300 steps, got 0"),
    (["--handout", "/no/such/folder/h.pdf"], "does not exist"),
])
def test_bad_export_options_are_one_line(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("visualbp: ") and words in err and "\n" not in err
    assert not list(tmp_path.iterdir())


def test_the_file_menu_offers_both(window):
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Export step &animation (GIF)…" in texts and "Export &handout (PDF)…" in texts
