"""Test setup: Qt draws offscreen (no display on CI), and the core stays deterministic."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
