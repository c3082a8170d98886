"""Labels held at their size while training redraws them: a text that fits repaints the label only, one that
does not gets its room from the layout again."""

from PyQt6.QtCore import QEvent
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from visualbp.gui.steady_labels import SteadyLabels


def _panel(qtbot):
    panel = QWidget()
    qtbot.addWidget(panel)
    layout = QVBoxLayout(panel)
    title, numbers = QLabel("minibatch 12 of epoch 3"), QLabel("C = 0.125")
    numbers.setWordWrap(True)
    for label in (title, numbers):
        layout.addWidget(label)
    layout.addStretch(1)
    panel.resize(400, 200)
    panel.show()
    qtbot.waitExposed(panel)
    return panel, title, numbers


class _LayoutRequests(QWidget):
    """Counts the layout requests its watched widget receives."""

    def __init__(self, watched: QWidget) -> None:
        super().__init__()
        self.count = 0
        watched.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_a_held_label_takes_a_text_of_the_same_room_without_laying_the_panel_out(qtbot, qapp):
    panel, title, numbers = _panel(qtbot)
    steady = SteadyLabels((title, numbers))
    steady.hold()
    qapp.processEvents()
    size = numbers.size()
    requests = _LayoutRequests(panel)
    numbers.setText("C = 0.118")  # a live tick's new number: the same line
    title.setText("minibatch 13 of epoch 3")
    steady.settle()
    qapp.processEvents()
    assert steady.held and numbers.size() == size and requests.count == 0
    steady.release()  # as the panel did before: every new text lays it out
    qapp.processEvents()
    requests.count = 0
    numbers.setText("C = 0.117")
    qapp.processEvents()
    assert requests.count > 0


def test_a_text_that_needs_more_room_gets_it(qtbot, qapp):
    panel, title, numbers = _panel(qtbot)
    steady = SteadyLabels((title, numbers))
    steady.hold()
    qapp.processEvents()
    one_line = numbers.height()
    numbers.setText("C = 0.118 " + "and a great deal more to say about it " * 6)  # wraps to several lines
    steady.settle()
    qapp.processEvents()
    assert not steady.held and numbers.height() > one_line
    assert numbers.height() >= numbers.heightForWidth(numbers.width())  # nothing cut off
