"""The core must never import Qt: importing it loads no PyQt6/pyqtgraph module."""

import subprocess
import sys
from pathlib import Path

import visualbp.core

CORE = Path(visualbp.core.__file__).parent


def test_importing_the_core_loads_no_qt():
    modules = ["visualbp", "visualbp.core"] + [
        f"visualbp.core.{p.stem}" for p in sorted(CORE.glob("*.py")) if p.stem != "__init__"
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('PyQt6', 'pyqtgraph', 'PySide6')]\n"
        + "print(len(sys.modules)); assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(modules) >= 9


def test_core_sources_do_not_mention_qt_imports():
    for path in CORE.glob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "PyQt" not in stripped and "pyqtgraph" not in stripped, (path, line)
