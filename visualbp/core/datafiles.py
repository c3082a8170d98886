"""A user's own data files: CSV and IDX (gzipped or not), read with bounds on bytes, memory and shape.

* ``load_csv(path)``: one example per row, the label in one column (the last by default).
* ``load_idx(path)``, ``load_idx_pair(images, labels)``: the IDX format MNIST is shipped in.
* ``idx_pair_path(images, labels)`` / ``load_data_file(data_path)``: the one string a session records
  for its data. The two names of an IDX pair are joined by a NUL character, the one character no path
  can hold, so a CSV whose name contains ':' or ';' is read as the CSV it is.

A file is read only if it is a regular file (``safefile``), up to ``MAX_DATA_FILE_BYTES`` on disk and
after gzip. What it will take in memory once parsed is estimated from the header (IDX) or from a scan
of the bytes (CSV: the number of values, from its commas and line ends) and refused past
``MAX_DATA_MEMORY`` before the arrays are allocated. Every problem, a ``MemoryError`` included, is a
``DatasetError`` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import struct
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from visualbp.core import labels
from visualbp.core.checks import MAX_LAYER_SIZE
from visualbp.core.datarecord import Dataset, DatasetError, check_range, check_seed, check_val_fraction, n_val, split
from visualbp.core.safefile import UnreadableFile, read_regular_file, size_text

PathLike = str | os.PathLike[str]

#: Largest data file read, before and after gzip decompression: 512 MiB holds the whole MNIST
#: training set as CSV (≈ 110 MB) several times over.
MAX_DATA_FILE_BYTES = 512 * 1024**2
#: Largest memory the parsed arrays of one data file may take (the float64 table, its train/validation
#: copy and the one-hot labels): the whole MNIST training set as CSV needs about 0.8 GB.
MAX_DATA_MEMORY = 3 * 1024**3 // 2
#: Most examples in a data file (the Points field's bound for the generated sets).
MAX_EXAMPLES = 1_000_000
#: Most values in a CSV row: an input layer is at most ``checks.MAX_LAYER_SIZE`` wide, plus the label.
MAX_COLUMNS = MAX_LAYER_SIZE + 1
#: Longest CSV line read: MAX_COLUMNS values written at full precision fit several times over.
MAX_LINE_CHARS = 16 * 1024**2
#: Most dimensions of an IDX array visualbp reads: (n,), (n, d), (n, h, w), and a little room.
MAX_IDX_DIMENSIONS = 4
#: Most classes in a data file.
MAX_CLASSES = 1000
#: Joins the two names of an IDX pair in a ``data_path``: the one character no path may contain.
IDX_PAIR_SEPARATOR = "\0"

_GZIP_MAGIC = b"\x1f\x8b"
# IDX data-type byte -> big-endian NumPy dtype.
_IDX_TYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

T = TypeVar("T")


#### Bytes
def read_data_bytes(path: PathLike) -> tuple[bytes, str]:
    """The raw (still compressed, if gzipped) bytes of the regular file ``path`` and its name for
    messages; DatasetError for anything that is not a readable regular file within the size limit."""
    try:
        where = str(Path(path))
    except TypeError:
        raise DatasetError(f"{path!r}: not a file path") from None
    try:
        raw = read_regular_file(path, MAX_DATA_FILE_BYTES, "data file")
    except UnreadableFile as exc:
        raise DatasetError(str(exc)) from None
    if not raw:
        raise DatasetError(f"{where}: empty file (0 bytes)")
    return raw, where


def gunzip(raw: bytes, where: str) -> bytes:
    """``raw`` itself, or its gzip members inflated one after another, stopped at MAX_DATA_FILE_BYTES."""
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:  # a decompressor with a ceiling: a small file can inflate to many gigabytes
        parts, total, rest = [], 0, raw
        while rest[:2] == _GZIP_MAGIC:  # one member after another, as gzip.decompress reads them
            inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            part = inflate.decompress(rest, MAX_DATA_FILE_BYTES + 1 - total)
            total += len(part)
            if total > MAX_DATA_FILE_BYTES or inflate.unconsumed_tail:
                raise DatasetError(f"{where}: decompresses to more than the limit of "
                                   f"{size_text(MAX_DATA_FILE_BYTES)} for a data file")
            if not inflate.eof:
                raise DatasetError(f"{where}: bad gzip stream (corrupt or truncated): "
                                   f"the compressed data ends early")
            parts.append(part)
            rest = inflate.unused_data
        data = b"".join(parts)
    except zlib.error as exc:
        raise DatasetError(f"{where}: bad gzip stream (corrupt or truncated): {exc}") from None
    if not data:
        raise DatasetError(f"{where}: empty file (0 bytes after gzip decompression)")
    return data


def check_memory(nbytes: int, where: str, what: str) -> None:
    """Refuse, before allocating, arrays that would take more than MAX_DATA_MEMORY."""
    if nbytes > MAX_DATA_MEMORY:
        raise DatasetError(f"{where}: {what} would take about {nbytes / 1024**3:,.1f} GiB of memory once read, "
                           f"more than the limit of {MAX_DATA_MEMORY / 1024**3:g} GiB for a data set")


def _named_memory_errors(where: str, load: Callable[[], T]) -> T:
    try:
        return load()
    except MemoryError:
        raise DatasetError(f"{where}: not enough memory to load this data file") from None


#### IDX files
def load_idx(path: PathLike) -> np.ndarray:
    """Read an IDX file (gzipped or not) and return its array, with the shape from its header, in
    native byte order. Data-type bytes 0x08 (uint8), 0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D
    (float32) and 0x0E (float64) are supported, with 1 to MAX_IDX_DIMENSIONS dimensions."""
    raw, where = read_data_bytes(path)
    return _named_memory_errors(where, lambda: parse_idx(raw, where))


def parse_idx(raw: bytes, where: str) -> np.ndarray:
    """IDX bytes (gzipped or not) → array; the header is checked against the bytes before any copy."""
    data = gunzip(raw, where)
    if len(data) < 4:
        raise DatasetError(f"{where}: truncated header: {len(data)} bytes, "
                           f"an IDX header needs at least 4")
    if data[0] != 0 or data[1] != 0:
        raise DatasetError(f"{where}: not an IDX file: bad magic number 0x{data[:4].hex()} "
                           f"(the first two bytes must be zero)")
    type_byte, ndim = data[2], data[3]
    if type_byte not in _IDX_TYPES:
        known = ", ".join(f"0x{t:02X}" for t in _IDX_TYPES)
        raise DatasetError(f"{where}: not an IDX file: bad magic number 0x{data[:4].hex()}, "
                           f"unknown data-type byte 0x{type_byte:02X} (expected one of {known})")
    if ndim == 0:
        raise DatasetError(f"{where}: IDX header declares 0 dimensions")
    if ndim > MAX_IDX_DIMENSIONS:
        raise DatasetError(f"{where}: IDX header declares {ndim} dimensions; visualbp reads at most "
                           f"{MAX_IDX_DIMENSIONS}: (n,) labels and (n, d) or (n, h, w) images")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DatasetError(f"{where}: truncated header: {ndim} dimensions need {header} "
                           f"header bytes, found {len(data)}")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    dtype = _IDX_TYPES[type_byte]
    count = math.prod(dims)  # a Python int: no overflow, however absurd the dimensions
    expected = count * dtype.itemsize
    found = len(data) - header
    shape = " x ".join(map(str, dims))
    if found < expected:
        raise DatasetError(f"{where}: truncated: expected {expected:,} bytes of data, "
                           f"found {found:,} (dimensions {shape})")
    if found > expected:
        raise DatasetError(f"{where}: too long: expected {expected:,} bytes of data, "
                           f"found {found:,} ({found - expected:,} extra bytes after the data)")
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=header)
    return arr.astype(dtype.newbyteorder("=")).reshape(dims)


def load_idx_pair(images_path: PathLike, labels_path: PathLike, *, name: str | None = None,
                  seed: int = 0, val_fraction: float = 0.2) -> Dataset:
    """Load an IDX images file ``(n, h, w)`` or ``(n, d)`` and an IDX labels file ``(n,)`` as a
    ``Dataset`` split by ``val_fraction`` (seeded).

    uint8 images are divided by 255; other types are used as float64. The labels must be
    non-negative integers; they are used as class indices, so ``n_classes`` is the largest label + 1."""
    seed = check_seed(seed)
    val_fraction = check_val_fraction(val_fraction)
    images = load_idx(images_path)
    labels = load_idx(labels_path)
    iw, lw = str(Path(images_path)), str(Path(labels_path))
    return _named_memory_errors(iw, lambda: _idx_dataset(images, labels, iw, lw, name or _stem(images_path),
                                                         seed, val_fraction))


def _idx_dataset(images: np.ndarray, labels: np.ndarray, iw: str, lw: str, name: str, seed: int,
                 val_fraction: float) -> Dataset:
    if images.ndim not in (2, 3):
        raise DatasetError(f"{iw}: images must have 2 or 3 dimensions (n, d) or (n, h, w), "
                           f"found shape {images.shape}")
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise DatasetError(f"{lw}: labels must have 1 dimension, found shape {labels.shape}")
    if labels.shape[0] != images.shape[0]:
        raise DatasetError(f"{lw}: labels do not match the images: {images.shape[0]} images, "
                           f"{labels.shape[0]} labels")
    n = images.shape[0]
    if n == 0:
        raise DatasetError(f"{iw}: no examples (0 images)")
    if n > MAX_EXAMPLES:
        raise DatasetError(f"{iw}: {n:,} examples, more than the {MAX_EXAMPLES:,} a data file may hold")
    n_inputs = math.prod(images.shape[1:])
    if n_inputs == 0:
        raise DatasetError(f"{iw}: the images are empty (shape {images.shape})")
    if n_inputs > MAX_LAYER_SIZE:
        raise DatasetError(f"{iw}: {n_inputs:,} inputs per example, more than the limit of "
                           f"{MAX_LAYER_SIZE:,} neurons in a layer")
    if labels.dtype.kind == "f":
        if not np.isfinite(labels).all():
            raise DatasetError(f"{lw}: labels contain NaN or infinite values")
        if not (labels == np.round(labels)).all():
            raise DatasetError(f"{lw}: labels are not integers")
    if labels.min() < 0:
        raise DatasetError(f"{lw}: labels must not be negative (found {labels.min()})")
    if labels.max() >= MAX_CLASSES:
        raise DatasetError(f"{lw}: label {labels.max()} is too large (at most {MAX_CLASSES} classes)")
    n_classes = int(labels.max()) + 1
    # float64 inputs and their train/validation copy, and the one-hot labels
    check_memory(n * n_inputs * 16 + n * n_classes * 8, iw, f"{n:,} examples of {n_inputs:,} inputs")
    y = labels.astype(np.int64)
    X = images.reshape(n, n_inputs).astype(np.float64)
    if images.dtype == np.uint8:
        X /= 255.0
    else:
        if not np.isfinite(X).all():
            raise DatasetError(f"{iw}: images contain NaN or infinite values")
        check_range(X, iw)
    image_shape = (int(images.shape[1]), int(images.shape[2])) if images.ndim == 3 else None
    del images
    (X_tr, y_tr), (X_va, y_va) = split(X, y, n_val(n, val_fraction), np.random.default_rng(seed))
    shape = f"{image_shape[0]}×{image_shape[1]}" if image_shape else f"{n_inputs} inputs"
    return Dataset(
        name=name, X_train=X_tr, y_train=y_tr, X_val=X_va, y_val=y_va,
        n_classes=n_classes, image_shape=image_shape,
        description=f"{name}: {len(y_tr):,} train / {len(y_va):,} validation, {shape}")


def _stem(path: PathLike) -> str:
    name = Path(path).name
    for suffix in (".gz", ".csv", ".idx"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


#### CSV files
def load_csv(path: PathLike, *, label_column: int = -1, seed: int = 0,
             val_fraction: float = 0.2, name: str | None = None, scaling: str = "auto") -> Dataset:
    """Load a comma-separated file (gzipped or not) with one example per row: one label column
    (``label_column``, negative counts from the end) and the feature columns, as a ``Dataset`` split
    by ``val_fraction``.

    A first row that is not all numbers is taken as a header and skipped; blank lines are skipped.
    Features are scaled by ``labels.scale_features`` as ``scaling`` says (said in the description). Labels are integers
    (renumbered 0..k-1 in sorted order) or words (numbered in order of first appearance); the originals
    are kept in ``class_names``. If the number of features is a perfect square of at least 16 (64, 784,
    ...), ``image_shape`` is set to (s, s)."""
    seed = check_seed(seed)
    val_fraction = check_val_fraction(val_fraction)
    if scaling not in labels.SCALINGS:
        raise DatasetError(f"unknown scaling {scaling!r}: choose one of {', '.join(labels.SCALINGS)}")
    if isinstance(label_column, bool) or not isinstance(label_column, (int, np.integer)):
        raise DatasetError(f"label_column must be an integer, not {label_column!r}")
    raw, where = read_data_bytes(path)
    return _named_memory_errors(where, lambda: _csv_dataset(raw, where, int(label_column), seed, val_fraction,
                                                            name or _stem(path), scaling))


def _csv_dataset(raw: bytes, where: str, label_column: int, seed: int, val_fraction: float,
                 name: str, scaling: str = "auto") -> Dataset:
    text_names = None
    data = gunzip(raw, where)
    if labels.has_text_labels(data, label_column):  # words as labels: numbered first, by a careful parse
        check_memory(16 * len(data), where, "a CSV with text labels")  # Python's csv module: ~16 B a byte
        data, text_names = labels.number_text_labels(data, where, label_column, DatasetError)
    del raw
    table, lines = parse_csv(data, where)
    del data
    n, n_cols = table.shape
    if n_cols < 2:
        raise DatasetError(f"{where}: needs at least 2 columns (features and a label), found {n_cols}")
    if not -n_cols <= label_column < n_cols:
        raise DatasetError(f"{where}: label_column {label_column} is out of range for {n_cols} columns")
    col = label_column % n_cols
    raw_labels = table[:, col].copy()
    not_int = np.nonzero(raw_labels != np.round(raw_labels))[0]
    if not_int.size:
        i = int(not_int[0])
        raise DatasetError(f"{where}: line {lines[i]}: label {raw_labels[i]:g} in column "
                           f"{col + 1} is not an integer (labels must be integers)")
    values, y = np.unique(raw_labels, return_inverse=True)
    if len(values) > MAX_CLASSES:
        raise DatasetError(f"{where}: too many classes: {len(values):,} distinct labels in "
                           f"column {col + 1} (at most {MAX_CLASSES}); is it the label column?")
    check_memory(n * len(values) * 8 + table.nbytes * 2, where, f"{n:,} rows in {len(values)} classes")
    # the features without a copy when the label is the last column (the split copies them once)
    X = table[:, :col] if col == n_cols - 1 else np.delete(table, col, axis=1)
    del table
    check_range(X, where)
    n_inputs = X.shape[1]
    s = math.isqrt(n_inputs)
    image_shape = (s, s) if s * s == n_inputs and n_inputs >= 16 else None
    X, scaled = labels.scale_features(X, image=image_shape is not None, scaling=scaling)
    class_names = text_names or tuple(str(int(v)) for v in values)
    (X_tr, y_tr), (X_va, y_va) = split(X, y.astype(np.int64), n_val(n, val_fraction),
                                       np.random.default_rng(seed))
    shape = f"{s}×{s}" if image_shape else f"{n_inputs} inputs"
    return Dataset(
        name=name, X_train=X_tr, y_train=y_tr, X_val=X_va, y_val=y_va,
        n_classes=len(values), image_shape=image_shape, class_names=class_names,
        description=(f"{name}: {len(y_tr):,} train / {len(y_va):,} validation, {shape}, "
                     f"{len(values)} classes; {scaled}"))


def _check_utf8(data: bytes, where: str) -> None:
    """Refuse bytes that are not UTF-8, decoding 1 MiB at a time (no copy of the whole text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1024**2
    for start in range(0, len(data), step):
        try:
            decoder.decode(data[start:start + step], final=start + step >= len(data))
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{where}: not a UTF-8 text file (undecodable byte at offset "
                               f"{start + exc.start})") from None


def parse_csv(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse CSV bytes (gzipped or not) into a 2-D float64 table, one row per data line, and the line
    number of each row. The table's size is bounded before it is allocated, from a count of the
    commas and line ends; a line is read only up to MAX_LINE_CHARS and MAX_COLUMNS values."""
    data = gunzip(raw, where)
    line_ends = data.count(b"\n")
    rows_bound = line_ends + data.count(b"\r") + 1
    n_lines = line_ends + 1 if line_ends else rows_bound  # \r\n and \n files by \n, old Mac files by \r
    if n_lines > MAX_EXAMPLES + 1000:  # room for a header and some blank lines
        raise DatasetError(f"{where}: {n_lines:,} lines, more than the {MAX_EXAMPLES:,} examples a data file "
                           f"may hold")
    cells_bound = data.count(b",") + rows_bound
    # the float64 table (and later its train/validation copy), and one line number per row
    check_memory(cells_bound * 16 + rows_bound * 8, where, f"up to {cells_bound:,} values")
    _check_utf8(data, where)
    fast = _fast_table(data)
    if fast is not None:
        return fast
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    line_no = 0

    def physical_lines():
        nonlocal line_no
        while True:
            line = text.readline(MAX_LINE_CHARS + 1)
            if not line:
                return
            line_no += 1
            if len(line) > MAX_LINE_CHARS:
                raise DatasetError(f"{where}: line {line_no} is longer than {MAX_LINE_CHARS:,} characters")
            if line.count(",") >= MAX_COLUMNS:
                raise DatasetError(f"{where}: line {line_no} has more than {MAX_COLUMNS:,} values "
                                   f"(an input layer has at most {MAX_LAYER_SIZE:,} neurons)")
            yield line

    reader = csv.reader(physical_lines())
    table: np.ndarray | None = None
    lines = np.empty(0, dtype=np.int64)
    n = 0
    n_cols = -1
    header_checked = False
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DatasetError(f"{where}: line {reader.line_num}: malformed CSV: {exc}") from None
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells):
            continue  # blank line
        try:
            values = [float(c) for c in cells]
        except ValueError:
            values = None
        if not header_checked:
            header_checked = True
            if values is None:  # a header row: remember its width, skip it
                n_cols = len(cells)
                continue
        if n_cols < 0:
            n_cols = len(cells)
        if len(cells) != n_cols:
            raise DatasetError(f"{where}: ragged rows: line {line} has {len(cells)} values, "
                               f"expected {n_cols}")
        if values is None:
            for j, c in enumerate(cells):
                try:
                    float(c)
                except ValueError:
                    raise DatasetError(f"{where}: line {line}, column {j + 1}: {c!r} is not "
                                       f"a number") from None
        if table is None:  # every data row has n_cols values, each counted by a comma or a line end
            capacity = max(1, min(rows_bound, cells_bound // n_cols))
            table = np.empty((capacity, n_cols), dtype=np.float64)  # pages are touched only as rows fill
            lines = np.empty(capacity, dtype=np.int64)
        table[n] = values
        if not np.isfinite(table[n]).all():
            j = int(np.nonzero(~np.isfinite(table[n]))[0][0])
            raise DatasetError(f"{where}: line {line}, column {j + 1}: {cells[j]!r} is not a "
                               f"finite number (NaN and infinity are not allowed)")
        lines[n] = line
        n += 1
        if n > MAX_EXAMPLES:
            raise DatasetError(f"{where}: more than {MAX_EXAMPLES:,} rows; a data file holds at most "
                               f"{MAX_EXAMPLES:,} examples")
    if table is None or n == 0:
        raise DatasetError(f"{where}: no data rows")
    return table[:n], lines[:n]


def _fast_table(data: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """The table by NumPy's C parser, for the plain case (numbers, commas, no quotes, no blank lines, every
    value finite); None otherwise, and the careful parser reads the file and says what is wrong."""
    if b'"' in data or b"\n\n" in data or b"\r\n\r\n" in data or b"\r\r" in data or data[:1] in (b"\n", b"\r"):
        return None
    first = data[:min(len(data), MAX_LINE_CHARS)].split(b"\n", 1)[0].split(b"\r", 1)[0]
    try:
        cells = first.decode("utf-8-sig").split(",")
    except UnicodeDecodeError:
        return None
    if len(cells) >= MAX_COLUMNS:
        return None
    try:
        [float(c) for c in cells]
        skip = 0
    except ValueError:
        skip = 1  # a header row
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "input contained no data" and friends: the careful parser's case
            table = np.loadtxt(text, delimiter=",", comments=None, skiprows=skip, dtype=np.float64, ndmin=2,
                               max_rows=MAX_EXAMPLES + 1)
    except (ValueError, TypeError, IndexError, UserWarning):
        return None
    if (table.shape[0] == 0 or table.shape[0] > MAX_EXAMPLES or (skip and table.shape[1] != len(cells))
            or not np.isfinite(table).all()):
        return None
    return table, np.arange(1 + skip, 1 + skip + table.shape[0], dtype=np.int64)


#### The data a session records
def idx_pair_path(images: PathLike, labels: PathLike) -> str:
    """The ``data_path`` that names an IDX images file and its labels file (joined by a NUL)."""
    return f"{os.fspath(images)}{IDX_PAIR_SEPARATOR}{os.fspath(labels)}"


def idx_pair(data_path: str) -> tuple[str, str] | None:
    """The (images, labels) an ``idx_pair_path`` names, or None for a single file's path."""
    if IDX_PAIR_SEPARATOR not in data_path:
        return None
    images, labels = data_path.split(IDX_PAIR_SEPARATOR, 1)
    return images, labels


def load_data_file(data_path: str | os.PathLike[str], *, seed: int = 0, val_fraction: float = 0.2,
                   scaling: str = "auto") -> Dataset:
    """A user's data: a CSV file (any name), its features scaled as ``scaling`` says, or an IDX pair written
    by ``idx_pair_path`` (its bytes as pixels 0…1, whatever ``scaling``)."""
    if isinstance(data_path, os.PathLike):
        data_path = os.fspath(data_path)
    if not isinstance(data_path, str) or not data_path.strip(IDX_PAIR_SEPARATOR):
        raise DatasetError(f"no data file named ({data_path!r})")
    pair = idx_pair(data_path)
    if pair is not None:
        return load_idx_pair(*pair, seed=seed, val_fraction=val_fraction)
    return load_csv(data_path, seed=seed, val_fraction=val_fraction, scaling=scaling)
