"""What the data-set tests share: IDX bytes of an array, a file written (gzipped or not), an error checked
for the file's name and words, a Dataset checked whole."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from visualbp.core.datasets import (
    Dataset,
)

IDX_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C,
             np.float32: 0x0D, np.float64: 0x0E}


def idx_bytes(arr: np.ndarray) -> bytes:
    """Encode ``arr`` as an IDX file (big-endian)."""
    code = IDX_CODES[arr.dtype.type]
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def write(path: Path, data: bytes, gz: bool = False) -> Path:
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def check_error(excinfo: pytest.ExceptionInfo, path: Path, *words: str) -> None:
    msg = str(excinfo.value)
    assert path.name in msg, msg
    assert any(w.lower() in msg.lower() for w in words), msg


def check_dataset(ds: Dataset) -> None:
    """Invariants every Dataset must satisfy."""
    for X in (ds.X_train, ds.X_val):
        assert X.dtype == np.float64 and X.ndim == 2 and X.shape[1] == ds.n_inputs
        assert X.flags.c_contiguous and not X.flags.writeable
        assert np.isfinite(X).all()
    for y, X in ((ds.y_train, ds.X_train), (ds.y_val, ds.X_val)):
        assert y.dtype == np.int64 and y.shape == (X.shape[0],) and not y.flags.writeable
        if y.size:
            assert 0 <= y.min() and y.max() < ds.n_classes
    assert ds.n_train >= 1
    assert ds.n_outputs == ds.n_classes
    assert ds.Y_train.shape == (ds.n_train, ds.n_classes)
    assert ds.Y_val.shape == (ds.n_val, ds.n_classes)
    if ds.image_shape is not None:
        assert ds.image_shape[0] * ds.image_shape[1] == ds.n_inputs
