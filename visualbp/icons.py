"""visualbp's icon as PNGs at the sizes desktops ask for, rendered from the SVGs in resources/ with Qt's own
QSvgRenderer. The shipped PNGs are made by ``python -m visualbp.icons`` (run it after changing an SVG; a test
fails while they differ). Sizes up to 24 px come from ``visualbp-small.svg``: the full drawing's seven nodes
blur into one at 16 px.
"""

from __future__ import annotations

import sys
from pathlib import Path

ICON_SVG = "visualbp.svg"
ICON_SMALL_SVG = "visualbp-small.svg"
#: The hicolor theme's usual fixed sizes, in pixels.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL_UP_TO = 24


def png_name(size: int) -> str:
    """The file name of the ``size`` px PNG in resources/."""
    return f"visualbp-{size}.png"


def svg_for(size: int) -> str:
    """The SVG the ``size`` px PNG is drawn from."""
    return ICON_SMALL_SVG if size <= SMALL_UP_TO else ICON_SVG


def render(svg: Path, size: int):
    """``svg`` drawn into a transparent ``size`` × ``size`` QImage (a QGuiApplication must exist)."""
    from PyQt6.QtCore import QRectF, Qt
    from PyQt6.QtGui import QImage, QPainter
    from PyQt6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
    finally:
        painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def main(argv: list[str] | None = None) -> int:
    """Write every size's PNG into resources/ of this source checkout (or the folder given)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtGui import QGuiApplication

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "resources"
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (kept alive while drawing)
    for size in ICON_SIZES:
        target = folder / png_name(size)
        if not render(folder / svg_for(size), size).save(str(target), "PNG"):
            print(f"visualbp.icons: {target} could not be written", file=sys.stderr)
            return 1
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
