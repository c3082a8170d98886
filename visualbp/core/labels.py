"""A user's CSV table made ready for a network: text class labels numbered, features scaled.

Two small steps the CSV reader calls:

* ``number_text_labels(text, where, label_column)``: a label column holding words ("setosa",
  "versicolor", …) is rewritten to the class numbers 0, 1, 2, … in the order the words first appear;
  the words are returned as the class names. A column of numbers is left as it is.
* ``scale_features(X, image, scaling)``: by default ("auto") each feature column standardised,
  x' = (x − mean) / sd (a constant column becomes 0), so that no input's scale swamps the others and σ(z) is
  not saturated from the start; a table of image pixels instead maps its whole range linearly onto [0, 1],
  one scale for every pixel, so the picture stays a picture. "standard" standardises even images, "minmax"
  maps each column onto [0, 1], "none" keeps the numbers as they are in the file. The returned sentence
  says which, for the dataset's description.

It leaves out: label columns other than one per row, and regression targets.
"""

from __future__ import annotations

import csv
import io

import numpy as np

__all__ = ["MAX_TEXT_CLASSES", "SCALINGS", "number_text_labels", "scale_features"]

#: The feature scalings a user's CSV can have (``--scale``), the default first.
SCALINGS: dict[str, str] = {
    "auto": "standardise, or images to 0…1",
    "standard": "standardise each column",
    "minmax": "each column to 0…1",
    "none": "as in the file",
}

#: More distinct words than this in the label column is almost surely not a label column.
MAX_TEXT_CLASSES = 1000


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def has_text_labels(data: bytes, label_column: int = -1, lines: int = 3) -> bool:
    """Whether the label cells of the first data lines (after a header, if any) are words: a look at the
    first 64 KiB only, so the careful parse below is run only for files that need it."""
    head = data[:65536].decode("utf-8-sig", errors="replace").splitlines()
    rows = [line.split(",") for line in head[:-1] if line.strip()][:lines + 1] if len(data) > 65536 else \
        [line.split(",") for line in head if line.strip()][:lines + 1]
    cells = []
    for row in rows:
        if -len(row) <= label_column < len(row):
            cells.append(row[label_column].strip().strip('"'))
    others = [c for j, c in enumerate(rows[0]) if j != label_column % max(1, len(rows[0]))] if rows else []
    if len(cells) > 1 and not all(_is_number(c.strip().strip('"')) for c in others if c.strip()):
        cells = cells[1:]  # a header row: names in its other cells too
    return any(c and not _is_number(c) for c in cells)


def number_text_labels(data: bytes, where: str, label_column: int = -1, error: type[ValueError] = ValueError
                       ) -> tuple[bytes, tuple[str, ...] | None]:
    """CSV bytes (already decompressed) with a text label column replaced by class numbers in order of first
    appearance, and those words as class names; ``(data, None)`` unchanged when every label is a number.

    A first row whose label cell is text while the second row's is a number is a header and stays as it is.
    Raises ``error`` (the reader's own ValueError) naming the line when labels mix numbers and words."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data, None  # the reader reports the undecodable byte itself
    rows = list(csv.reader(io.StringIO(text, newline="")))
    numbered = [(i + 1, row) for i, row in enumerate(rows) if any(c.strip() for c in row)]
    if len(numbered) < 1:
        return data, None
    width = len(numbered[0][1])
    if not -width <= label_column < width or any(len(row) != width for _, row in numbered):
        return data, None  # the reader names the bad column or the ragged row
    col = label_column % width
    cells = [(line, row[col].strip() if col < len(row) else "") for line, row in numbered]
    first = 0
    if len(cells) > 1 and not _is_number(cells[0][1]) and not all(
            _is_number(c.strip()) for j, c in enumerate(numbered[0][1]) if j != col):
        first = 1  # a header row: its other cells are names too
    words = [(line, c) for line, c in cells[first:] if not _is_number(c)]
    if not words:
        return data, None
    if len(words) != len(cells) - first:
        line, c = next((line, c) for line, c in cells[first:] if _is_number(c))
        raise error(f"{where}: line {line}, column {col + 1}: label {c!r} is a number but other labels "
                         f"are words (e.g. {words[0][1]!r}); use one kind of label")
    names: dict[str, int] = {}
    for line, c in words:
        if c == "":
            raise error(f"{where}: line {line}, column {col + 1}: the label is empty")
        if c not in names:
            if len(names) >= MAX_TEXT_CLASSES:
                raise error(f"{where}: too many classes: more than {MAX_TEXT_CLASSES} distinct labels in "
                                 f"column {col + 1}; is it the label column?")
            names[c] = len(names)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    header_line = numbered[0][0] if first else None
    for line, row in numbered:
        if line != header_line:
            row = list(row)
            row[col] = str(names[row[col].strip()])
        writer.writerow(row)
    return out.getvalue().encode("utf-8"), tuple(names)


def scale_features(X: np.ndarray, image: bool = False, scaling: str = "auto") -> tuple[np.ndarray, str]:
    """The features scaled as ``scaling`` (one of SCALINGS) says, and a sentence saying how.

    standard: per column x' = (x − mean) / sd (population sd; a constant column → 0);
    minmax: per column x' = (x − min) / (max − min) (a constant column → 0);
    none: unchanged; auto: standard, or for ``image`` pixels (x − min) / (max − min) over the whole table."""
    if scaling not in SCALINGS:
        raise ValueError(f"unknown scaling {scaling!r}: choose one of {', '.join(SCALINGS)}")
    X = np.asarray(X, dtype=np.float64)
    if scaling == "none":
        return X, "features as in the file (not scaled)"
    if scaling == "auto" and image:
        lo, hi = float(X.min()), float(X.max())
        if hi > lo:
            return (X - lo) / (hi - lo), f"pixels scaled from {lo:g}…{hi:g} to 0…1"
        return np.zeros_like(X), "pixels all equal (set to 0)"
    if scaling == "minmax":
        lo = X.min(axis=0)
        span = X.max(axis=0) - lo
        constant = span == 0
        X = (X - lo) / np.where(constant, 1.0, span)
        X[:, constant] = 0.0
        note = "features scaled per column to 0…1, (x − min) / (max − min)"
    else:
        mean = X.mean(axis=0)
        sd = X.std(axis=0)
        constant = sd == 0
        X = (X - mean) / np.where(constant, 1.0, sd)
        note = "features standardised per column (x − mean) / sd"
    if constant.any():
        note += f"; {int(constant.sum())} constant column{'s' if constant.sum() > 1 else ''} set to 0"
    return X, note
