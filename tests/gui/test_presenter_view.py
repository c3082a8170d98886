"""The presenter view shows the lecturer what the projector shows: a picture of the window after each change."""

import numpy as np
from PyQt6.QtGui import QImage

from visualbp.gui.presenter_view import PresenterView


def _grey_levels(label) -> np.ndarray:
    image = label.pixmap().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    return np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width()]


def test_the_projectors_picture_follows_the_steps_and_the_blank_screen(main_window, qtbot):
    window = main_window
    presenter = PresenterView(window)
    qtbot.addWidget(presenter)
    presenter.resize(1200, 700)
    presenter.show()
    qtbot.waitExposed(presenter)
    try:
        window.session.step()
        qtbot.waitUntil(lambda: not presenter.projector_label.pixmap().isNull(), timeout=3000)
        shown = presenter.projector_label.pixmap()
        assert abs(shown.width() / shown.height() - window.width() / window.height()) < 0.02  # the whole window
        room = presenter.projector_label.size()
        assert shown.width() <= room.width() and shown.height() <= room.height()
        assert _grey_levels(presenter.projector_label).std() > 10  # a picture with something in it
        first = shown.toImage()
        window.presentation.blank_black()  # B: the class sees black, and so does the lecturer
        presenter.refresh()
        qtbot.waitUntil(lambda: presenter.projector_label.pixmap().toImage() != first, timeout=3000)
        assert np.median(_grey_levels(presenter.projector_label)) < 10
    finally:
        window.presentation.blank.leave()
        presenter.stop()
