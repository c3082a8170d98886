"""A plot's note ('press → to start') sits inside its axes and gives up its second line where it is short."""

from PyQt6.QtCore import QRect

from visualbp.gui.plot_widgets import _Plot

NOTE = "press → to start<br><small>‖δ<sup>l</sup>‖ appears at the first BP1 step</small>"


def _shown(qtbot, width: int, height: int) -> tuple[_Plot, QRect, QRect]:
    plot = _Plot("epoch", "norm")
    qtbot.addWidget(plot)
    plot.resize(width, height)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_hint(NOTE)
    qtbot.wait(20)  # the layout places the axes, then the note
    area = plot.mapFromScene(plot.getPlotItem().vb.sceneBoundingRect()).boundingRect()
    label = plot.findChildren(type(plot._hint))[0]
    return plot, area, label.geometry()


def test_a_tall_plot_shows_the_whole_note_inside_its_axes(qtbot):
    plot, area, note = _shown(qtbot, 320, 240)
    assert "appears at the first BP1" in plot.hint()
    assert area.contains(note)


def test_a_short_plot_shows_the_first_line_only_and_never_over_the_axes(qtbot):
    plot, area, note = _shown(qtbot, 180, 74)  # the whole note wraps to four lines in 36 px
    assert plot.hint() == "press → to start"
    assert area.contains(note)
    plot.resize(180, 260)  # made taller: the whole note comes back
    qtbot.wait(20)
    assert "appears at the first BP1" in plot.hint()
