"""The status line fits its width: asides first, then its last part cut in the middle, never the first part."""

from PyQt6.QtGui import QFont, QFontMetrics

from visualbp.gui.status_line import MIN_LETTERS, fitted_status

DONE = ("minibatch (feedforward, BP1–BP4, update) · all layers · minibatch 800 · epoch 2 — done. "
        "Next: epoch 3, minibatch 1 of 800, example 1")


def _metrics(qapp) -> QFontMetrics:
    font = QFont(qapp.font())
    font.setPixelSize(16)  # the hall's floor at 768 px
    return QFontMetrics(font)


def test_a_line_that_fits_is_left_alone(qapp):
    m = _metrics(qapp)
    assert fitted_status(DONE, m, m.horizontalAdvance(DONE)) == DONE


def test_the_asides_go_first_then_the_last_part_is_cut_in_its_middle(qapp):
    m = _metrics(qapp)
    short = DONE.replace(" (feedforward, BP1–BP4, update)", "")
    assert fitted_status(DONE, m, m.horizontalAdvance(short)) == short
    shown = fitted_status(DONE, m, m.horizontalAdvance(short) - 40)  # "example 1", too short to cut, goes
    assert shown == "minibatch · all layers · minibatch 800 · epoch 2 — done. Next: epoch 3, minibatch 1 of 800, …"
    cut = short.replace(", example 1", "")
    shown = [fitted_status(DONE, m, w) for w in range(m.horizontalAdvance(cut) - 60, m.horizontalAdvance(cut))]
    middles = [s.split(", ")[-2] for s in shown if s.count(", ") >= 2]
    assert any("…" in p and p.startswith("mini") and p.endswith("800") for p in middles)  # cut in its middle


def test_every_width_gets_a_line_no_wider_and_the_first_part_whole_while_it_fits(qapp):
    m = _metrics(qapp)
    for width in range(40, m.horizontalAdvance(DONE) + 1, 7):
        shown = fitted_status(DONE, m, width)
        assert m.horizontalAdvance(shown) <= width, (width, shown)
        if width >= m.horizontalAdvance("minibatch · …"):
            assert shown.startswith("minibatch"), (width, shown)
        for piece in shown.split(" · ")[:-1]:  # every part but the last is whole
            assert piece in DONE.replace(" (feedforward, BP1–BP4, update)", ""), (width, shown)


def test_a_short_last_part_is_shown_whole_or_not_at_all(qapp):
    m = _metrics(qapp)
    text = "Ready: [2, 3, 2] sigmoid on XOR: 320 train / 80 validation. Press → to step."
    for width in range(m.horizontalAdvance("Ready: [2, 3, 2] sigmoid …"), m.horizontalAdvance(text), 5):
        shown = fitted_status(text, m, width)
        last = shown.rstrip(" …").rsplit(". ", 1)[-1].rsplit(": ", 1)[-1]
        assert "…" not in last or len(last.replace("…", "")) >= MIN_LETTERS, (width, shown)
