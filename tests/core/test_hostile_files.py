"""Hostile files: special files, memory bombs, absurd headers, odd names, many-member archives.

Each class of bad file is refused with a message naming the file, quickly and without allocating what
the file claims; a valid file with an odd name is read as what it is.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import struct
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from visualbp.core import datafiles, demos
from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.datafiles import idx_pair_path, load_csv, load_data_file, load_idx, load_idx_pair
from visualbp.core.datasets import DatasetError
from visualbp.core.safefile import UnreadableFile, read_regular_file
from visualbp.core.sessionio import (
    MAX_MEMBERS,
    SavedSession,
    SessionFileError,
    load_network,
    load_session,
    save_session,
)


def _session_file(path: Path, **config) -> Path:
    cfg = SessionConfig(dataset="moons", sizes=(2, 3, 2), seed=1, **config)
    net, engine = build(cfg, load_dataset(cfg))
    w, b = engine.batch_start_parameters()
    save_session(path, SavedSession(cfg, w, b, *engine.initial_parameters, epoch_history=[engine.evaluate()]))
    return path


def _refused_within(seconds: float, load, path, error=Exception):
    """``load(path)`` raises ``error`` naming ``path`` within ``seconds`` (run on a thread: a hang fails)."""
    result: dict = {}

    def run():
        try:
            load(path)
            result["ok"] = True
        except BaseException as exc:  # noqa: BLE001 - reported below
            result["exc"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{load.__name__}({path}) still running after {seconds} s"
    assert "exc" in result, f"{load.__name__}({path}) accepted a special file"
    assert isinstance(result["exc"], error), repr(result["exc"])
    assert str(path) in str(result["exc"]), str(result["exc"])
    return str(result["exc"])


# ----------------------------------------------------------------- only regular files
LOADERS = [load_session, load_network, load_csv, load_idx, load_data_file, demos.read_lessons]


@pytest.mark.parametrize("load", LOADERS, ids=lambda f: f.__name__)
def test_a_fifo_is_refused_at_once_by_every_reader(tmp_path, load):
    fifo = tmp_path / "pipe.vbp"
    os.mkfifo(fifo)
    message = _refused_within(5, load, fifo, ValueError)
    assert "named pipe" in message


@pytest.mark.parametrize("load", LOADERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_and_a_link_to_it_are_refused_by_every_reader(tmp_path, load, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    link = tmp_path / "innocent.csv"
    link.symlink_to(device)
    for path in (Path(device), link):
        assert "character device" in _refused_within(5, load, path, ValueError)


def test_a_file_swapped_for_a_fifo_after_the_check_does_not_hang(tmp_path, monkeypatch):
    """The check is repeated on the opened descriptor, and the open does not block."""
    from visualbp.core import safefile

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    monkeypatch.setattr(safefile, "check_regular", lambda path, what="file": 0)  # the stat said "regular"
    with pytest.raises(UnreadableFile, match="named pipe"):
        _refused_within(5, lambda p: read_regular_file(p, 1000), fifo, UnreadableFile)
        raise UnreadableFile("named pipe")


def test_reads_stop_at_the_byte_limit_and_the_deadline(tmp_path, monkeypatch):
    from visualbp.core import safefile

    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 10_000)
    with pytest.raises(UnreadableFile, match="larger than the limit"):
        read_regular_file(big, 9_999)
    assert read_regular_file(big, 10_000) == b"x" * 10_000
    monkeypatch.setattr(safefile, "_CHUNK", 1000)
    with pytest.raises(UnreadableFile, match="reading took too long"):  # the reader's own deadline
        safefile._read(big, str(big), 10_000, "file", time.monotonic() - 1)


def test_a_drive_that_stops_answering_costs_the_caller_the_deadline_not_forever(tmp_path, monkeypatch):
    from visualbp.core import safefile

    path = tmp_path / "on-a-stalled-share.vbp"
    path.write_bytes(b"x" * 100)
    release = threading.Event()

    def stalled(fd, n):  # a read blocked in the kernel, as on a dead network share
        release.wait(30)
        return b""

    monkeypatch.setattr(safefile, "_read_chunk", stalled)
    start = time.perf_counter()
    try:
        with pytest.raises(UnreadableFile, match="on-a-stalled-share.vbp: no answer after 0.5 s"):
            read_regular_file(path, 1000, seconds=0.5)
        assert time.perf_counter() - start < 5
    finally:
        release.set()


# ----------------------------------------------------------------- memory bounded by what is parsed
def test_a_small_gzip_that_parses_to_gigabytes_is_refused_before_it_is_parsed(tmp_path):
    """65 kB of gzip holding 64 MB of "0,": 32 million values would be 512 MB of float64 (and gigabytes of
    Python objects on the way); refused from a count of the commas, before a value is parsed."""
    row = b"0," * 4095 + b"0\n"
    data = row * (64 * 1024**2 // len(row))
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(data, 9))
    assert path.stat().st_size < 200_000
    old = datafiles.MAX_DATA_MEMORY
    datafiles.MAX_DATA_MEMORY = 256 * 1024**2
    try:
        tracemalloc.start()
        start = time.perf_counter()
        with pytest.raises(DatasetError, match="bomb.csv.gz.*memory"):
            load_csv(path)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        datafiles.MAX_DATA_MEMORY = old
    assert peak < 3 * len(data), f"{peak:,} bytes allocated for {len(data):,} inflated bytes"
    assert elapsed < 30


def test_a_line_with_more_values_than_a_layer_can_take_is_refused_before_it_is_split(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(b"0," * (datafiles.MAX_COLUMNS + 5) + b"1\n")
    with pytest.raises(DatasetError, match=r"wide.csv: line 1 has more than"):
        load_csv(path)


def test_the_memory_estimate_refuses_an_idx_pair_past_the_budget(tmp_path, monkeypatch):
    images = tmp_path / "images-idx3-ubyte"
    labels = tmp_path / "labels-idx1-ubyte"
    images.write_bytes(struct.pack(">BBBBIII", 0, 0, 8, 3, 100, 28, 28) + bytes(100 * 784))
    labels.write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 100) + bytes(100))
    assert load_idx_pair(images, labels).n_train == 80
    monkeypatch.setattr(datafiles, "MAX_DATA_MEMORY", 100 * 784 * 16 - 1)
    with pytest.raises(DatasetError, match="images-idx3-ubyte.*GiB of memory"):
        load_idx_pair(images, labels)


def test_a_memory_error_anywhere_in_a_load_is_a_message_naming_the_file(tmp_path, monkeypatch):
    path = tmp_path / "fine.csv"
    path.write_text("1,2,0\n3,4,1\n")

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(datafiles, "parse_csv", out_of_memory)
    with pytest.raises(DatasetError, match="fine.csv: not enough memory"):
        load_csv(path)


# ----------------------------------------------------------------- absurd IDX headers
@pytest.mark.parametrize("dims", [
    [1] * 255,                     # 255 dimensions
    [2**32 - 1] * 4,               # a product far past any file
    [0, 2**32 - 1, 2**32 - 1],     # a product of 0 with absurd sizes
    [2**31, 2**31],                # overflows int64
], ids=["255 dims", "huge product", "zero product", "int64 overflow"])
def test_absurd_idx_headers_are_refused_with_the_files_name(tmp_path, dims):
    path = tmp_path / "absurd-idx3-ubyte"
    path.write_bytes(struct.pack(f">BBBB{len(dims)}I", 0, 0, 8, len(dims), *dims) + bytes(16))
    with pytest.raises(DatasetError) as info:
        load_idx(path)
    assert "absurd-idx3-ubyte" in str(info.value)


# ----------------------------------------------------------------- any legal character in a path
@pytest.mark.parametrize("name", ["a:b.csv", "x;y.csv", "c:\\odd.csv", ":.csv", "da ta,1.csv", "ünï🙂.csv",
                                  "line\nbreak.csv"])
def test_a_csv_with_any_legal_character_in_its_name_is_read_as_csv(tmp_path, name):
    path = tmp_path / name
    path.write_text("".join(f"{i},{i % 3},{i % 2}\n" for i in range(20)))
    assert load_data_file(str(path)).n_inputs == 2


def test_an_idx_pair_with_separators_in_its_names_is_chosen_without_parsing_them(tmp_path):
    images = tmp_path / "my:images;1-idx3-ubyte"
    labels = tmp_path / "my:labels;1-idx1-ubyte"
    images.write_bytes(struct.pack(">BBBBIII", 0, 0, 8, 3, 10, 2, 2) + bytes(range(40)))
    labels.write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 10) + bytes([0, 1] * 5))
    ds = load_data_file(idx_pair_path(images, labels))
    assert ds.n_inputs == 4 and ds.image_shape == (2, 2)


def test_a_session_saved_with_the_old_pair_separator_still_opens(tmp_path):
    images = tmp_path / "im-idx3-ubyte"
    labels = tmp_path / "lb-idx1-ubyte"
    images.write_bytes(struct.pack(">BBBBIII", 0, 0, 8, 3, 10, 2, 2) + bytes(range(40)))
    labels.write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 10) + bytes([0, 1] * 5))
    cfg = SessionConfig(dataset="file", data_path=idx_pair_path(images, labels), sizes=(4, 3, 2), seed=1)
    net, engine = build(cfg, load_dataset(cfg))
    old = SessionConfig(**{**cfg.to_dict(), "sizes": (4, 3, 2), "data_path": f"{images}{os.pathsep}{labels}"})
    save_session(tmp_path / "old.vbp", SavedSession(old, net.weights, net.biases, *engine.initial_parameters))
    back = load_session(tmp_path / "old.vbp")
    assert back.config.data_path == cfg.data_path
    assert load_dataset(back.config).n_train == 8


# ----------------------------------------------------------------- archives
def _zip_with(base: Path, out: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(base) as z:
        items = {i.filename: z.read(i) for i in z.infolist()}
    items.update(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return out


def test_an_archive_with_many_members_is_refused_from_its_end_record(tmp_path):
    base = _session_file(tmp_path / "base.vbp")
    many = _zip_with(base, tmp_path / "many.vbp", {f"x{i}.npy": b"" for i in range(20_000)})
    tracemalloc.start()
    try:
        with pytest.raises(SessionFileError,
                           match=f"many.vbp: the archive lists 20,00[0-9] members.*at most {MAX_MEMBERS}"):
            load_session(many)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * many.stat().st_size  # the file's bytes, not 20,000 ZipInfo records (~15 MB)


@pytest.mark.parametrize("member", ["evil.npy", "w0.npy.bak", "../w9.npy", "w999.npy", "init_w0"])
def test_an_archive_with_an_unexpected_member_is_refused(tmp_path, member):
    base = _session_file(tmp_path / "base.vbp")
    odd = _zip_with(base, tmp_path / "odd.vbp", {member: b"\x93NUMPY"})
    with pytest.raises(SessionFileError, match="odd.vbp: (not a visualbp file|unexpected array)"):
        load_session(odd)


def test_a_member_claiming_a_huge_shape_is_refused_before_it_is_inflated(tmp_path):
    base = _session_file(tmp_path / "base.vbp")
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 100000000), }"
    npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) + header.ljust(117).encode() + b"\n"
    bad = _zip_with(base, tmp_path / "huge.vbp", {"w0.npy": npy})
    tracemalloc.start()
    try:
        with pytest.raises(SessionFileError, match=r"huge.vbp: w0 has shape \(3, 100000000\), expected \(3, 2\)"):
            load_session(bad)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024**2


# ----------------------------------------------------------------- session headers
def _with_header(tmp_path: Path, name: str, text: str) -> Path:
    base = _session_file(tmp_path / "base.vbp")
    meta = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.save(buffer, meta)
    return _zip_with(base, tmp_path / name, {"__header__.npy": buffer.getvalue()})


def _base_header(tmp_path: Path) -> dict:
    base = _session_file(tmp_path / "base.vbp")
    with zipfile.ZipFile(base) as z:
        return json.loads(np.load(io.BytesIO(z.read("__header__.npy"))).tobytes())


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    '{"format": "visualbp-session", "version": 1, "extra": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001,
    '{"format": "visualbp-session", "version": 1, "epoch": ' + "9" * 5000 + "}",
    '{"format": "visualbp-session", "version": ' + "9" * 400 + "}",
    '{"format": ["visualbp-session"], "version": 1}',
], ids=["deep list", "deep extra", "5000-digit epoch", "huge version", "format a list"])
def test_hostile_json_is_refused_with_the_files_name(tmp_path, text):
    path = _with_header(tmp_path, "hostile.vbp", text)
    with pytest.raises(SessionFileError, match="hostile.vbp"):
        load_session(path)


@pytest.mark.parametrize("where, value, word", [
    (("epoch",), 10**30, "epoch"),
    (("epoch",), 1.5, "epoch"),
    (("step",), -1, "step"),
    (("batch",), 5, "minibatch 5"),
    (("offset",), 3, "minibatch 0"),
    (("config", "epochs"), 3_000_000_000, "epochs"),
    (("config", "mini_batch_size"), 10**20, "mini_batch_size"),
    (("config", "sizes"), [2, "3", 2], "sizes"),
    (("config", "sizes"), [2, 3.5, 2], "sizes"),
    (("config", "noise"), 1e308, "noise"),
    (("config", "n"), 10**12, "n (points)"),
    (("config", "val_fraction"), "0.2", "val_fraction"),
    (("config", "seed"), 2**64, "seed"),
    (("config", "data_path"), 7, "data_path"),
    (("config",), [], "config"),
    (("epoch_history",), [{"epoch": 0}], "epoch_history[0]"),
    (("epoch_history",), "abc", "epoch_history"),
    (("extra",), [1, 2], "extra"),
    (("extra", "kept_runs"), [{"label": "x", "epochs": [[10**40, 1, 1, 0.5, 0.5]]}], "kept_runs[0]"),
    (("extra", "kept_runs"), [{"label": "x", "epochs": [[1, 1, 1, 5.0, 0.5]]}], "kept_runs[0]"),
])
def test_every_header_value_is_checked_for_type_range_and_consistency(tmp_path, where, value, word):
    header = _base_header(tmp_path)
    node = header
    for key in where[:-1]:
        node = node.setdefault(key, {})
    node[where[-1]] = value
    path = _with_header(tmp_path, "bad.vbp", json.dumps(header))
    with pytest.raises(SessionFileError) as info:
        load_session(path)
    assert "bad.vbp" in str(info.value) and word in str(info.value), str(info.value)


def test_non_finite_history_is_written_as_null_and_read_back_as_nan(tmp_path):
    from dataclasses import replace as dc_replace

    path = _session_file(tmp_path / "s.vbp")
    saved = load_session(path)
    e = saved.epoch_history[0]
    saved.epoch_history = [dc_replace(e, train_cost=float("inf"), val_accuracy=float("nan"))]
    save_session(path, saved)
    back = load_session(path).epoch_history[0]
    assert np.isnan(back.train_cost) and np.isnan(back.val_accuracy) and back.train_accuracy == e.train_accuracy


def test_a_file_with_more_rows_than_a_data_set_may_hold_is_refused_from_a_count_of_its_lines(tmp_path):
    """62 kB of gzip holding 16 million rows: refused in a fraction of a second (it took 144 s and 1.2 GB)."""
    path = tmp_path / "rows.csv.gz"
    path.write_bytes(gzip.compress(b"0,1\n" * 16_000_000, 9))
    start = time.perf_counter()
    with pytest.raises(DatasetError, match=r"rows.csv.gz: 16,000,001 lines, more than the 1,000,000 examples"):
        load_csv(path)
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize("text", [
    "1,2,0\n3,4,1\n", "x,y,label\r\n1,2,0\r\n3,4,1\r\n", "\ufeffa,b\n1.5e3, -2\n7,  8\n", "1,2,0\r3,4,1\r",
    "1,2,0\n\n3,4,1\n", '"1","2","0"\n3,4,1\n', "1_000,2,0\n3,4,1\n", "1,2,0\n3,4\n", "1,2,nan\n3,4,1\n",
    "a,b,c\n1,2\n3,4\n", "a,b\n", ",\n1,2\n", "1,2,0\n3,4,1", " 1 , 2 , 0 \n3,4,1\n",
])
def test_the_fast_parser_reads_exactly_what_the_careful_one_reads(tmp_path, monkeypatch, text):
    """NumPy's C parser reads plain files; anything else falls to the careful parser, which names the problem."""
    raw = text.encode("utf-8")
    try:
        fast = datafiles.parse_csv(raw, "f.csv")
    except DatasetError as exc:
        fast = str(exc)
    monkeypatch.setattr(datafiles, "_fast_table", lambda data: None)
    try:
        careful = datafiles.parse_csv(raw, "f.csv")
    except DatasetError as exc:
        careful = str(exc)
    if isinstance(careful, str):
        assert fast == careful
    else:
        assert np.array_equal(fast[0], careful[0]) and np.array_equal(fast[1], careful[1])


# ----------------------------------------------------------------- network files
@pytest.mark.parametrize("key, value", [
    ("sizes", "2,3,2"), ("sizes", [2, 3.5, 2]), ("sizes", [2, 10**30, 2]), ("sizes", [[2], 3, 2]),
    ("activation", ["sigmoid"]), ("activation", "swish"), ("cost", 7), ("init", None),
    ("seed", 2**64), ("seed", -1), ("seed", "1"), ("lmbda", float("nan")), ("lmbda", -1.0), ("lmbda", "0"),
    ("neuron_activations", "tanh"), ("neuron_activations", [[2, 0, "swish"]]), ("neuron_activations", [[9, 0, "tanh"]]),
    ("neuron_activations", [[2, 0, "tanh"], [2, 0, "relu"]]), ("neuron_activations", [[2, 0]]),
])
def test_a_network_file_with_a_bad_setting_is_refused_naming_the_file(tmp_path, key, value):
    from visualbp.core import Network

    path = tmp_path / "net.npz"
    Network([2, 3, 2], seed=1).save(str(path))
    with zipfile.ZipFile(path) as z:
        header = json.loads(np.load(io.BytesIO(z.read("__header__.npy"))).tobytes())
    header[key] = value
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8))
    bad = _zip_with(path, tmp_path / "bad.npz", {"__header__.npy": buffer.getvalue()})
    with pytest.raises(SessionFileError, match="bad.npz"):
        load_network(bad)
