"""Test setup: Qt draws offscreen (no display on CI), and the core stays deterministic."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app runs (visualbp/core/blas.py)

from visualbp.core.blas import limit_blas_threads  # noqa: E402

limit_blas_threads()
