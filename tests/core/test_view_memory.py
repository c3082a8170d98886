"""The view-memory rule lives in the core: the session model and the CLI apply it without the GUI, and the
views use the very same objects."""

import subprocess
import sys

import pytest

from visualbp.core.datasets import load
from visualbp.core.view_memory import DRAWN_NEURONS, VIEW_MEMORY, check_drawable, view_bytes


def test_the_rule_is_applied_without_importing_qt():
    code = ("import sys\nfrom visualbp.core.view_memory import check_drawable\n"
            "class D: image_shape, is_2d = None, True\n"
            "check_drawable((2, 100_000, 2), D())\n"
            "assert not [m for m in sys.modules if m.startswith(('PyQt6', 'pyqtgraph'))]\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_an_image_input_is_counted_whole_and_a_too_deep_network_is_refused():
    data = load("digits")
    small = view_bytes((64, 30, 10), data.image_shape)
    assert view_bytes((64, 30, 10)) < small < VIEW_MEMORY  # the receptive fields of 8×8 images cost memory
    check_drawable((64, 30, 10), data)
    with pytest.raises(ValueError, match=r"drawing \[64, 100, .*VIEW_MEMORY = 300 MB"):
        check_drawable((64,) + (DRAWN_NEURONS,) * 3000 + (10,), data)


def test_the_views_use_the_cores_rule():
    pytest.importorskip("PyQt6")
    from visualbp.gui import view_limits

    assert view_limits.check_drawable is check_drawable
    assert view_limits.neurons_drawn(2, 10_000, False, False) == DRAWN_NEURONS
