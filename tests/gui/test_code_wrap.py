"""The code panel's listing in presentation mode's strip: long lines wrapped with a hanging indent."""

from visualbp.core.code_trace import EXAMPLE_CODE, MATRIX_CODE
from visualbp.gui.code_panel import wrap_code


def test_a_long_line_wraps_under_its_own_indent_plus_four():
    code = "def f():\n        delta[l] = (w[l + 1].T @ delta[l + 1]) * sp[l]\n    return 1"
    shown, first = wrap_code(code, 30)
    lines = shown.splitlines()
    assert first == [0, 1, len(lines) - 1]
    wrapped = lines[1:-1]
    assert len(wrapped) >= 2 and all(len(line) <= 30 for line in wrapped)
    assert wrapped[0].startswith(" " * 8 + "delta[l]")
    assert all(line.startswith(" " * 12) and line[12] != " " for line in wrapped[1:])
    assert " ".join(line.strip() for line in wrapped) == code.splitlines()[1].strip()


def test_the_listings_keep_every_character_and_line_at_any_width():
    for code in (EXAMPLE_CODE, MATRIX_CODE):
        for columns in (20, 32, 45, 200):
            shown, first = wrap_code(code, columns)
            lines = shown.splitlines()
            assert len(first) == len(code.splitlines()) and first == sorted(set(first))
            ends = [*first[1:], len(lines)]
            for n, line in enumerate(code.splitlines()):
                assert "".join(lines[first[n]:ends[n]]).replace(" ", "") == line.replace(" ", "")
                part = lines[first[n]:ends[n]]
                assert len(part) == 1 or all(len(shown_line) <= columns for shown_line in part)
            if columns == 200:
                assert shown == "\n".join(code.splitlines())


def test_too_narrow_to_hang_leaves_the_line_whole():
    code = "            x = 1 + 2 + 3 + 4"
    assert wrap_code(code, 14) == (code, [0])


def test_the_panel_wraps_in_the_strip_highlights_every_part_and_unwraps_after(qtbot):
    from visualbp.core.config import SessionConfig
    from visualbp.gui.code_panel import CodePanel
    from visualbp.gui.session import Session

    session = Session(SessionConfig(dataset="xor", sizes=(2, 3, 2), mini_batch_size=2))
    panel = CodePanel(session)
    qtbot.addWidget(panel)
    panel.resize(330, 400)
    panel.show()
    qtbot.waitExposed(panel)
    for _ in range(3):  # feedforward twice, then BP1 at the output: 'delta[L] = …' is long
        session.step()
    ran = panel.trace.code.splitlines()[panel.trace.lines[0]]
    panel.set_strip(True)
    shown = panel.listing.toPlainText().splitlines()
    marked = [shown[n] for n in panel.highlighted_lines()]
    assert len(shown) > len(panel.trace.code.splitlines())  # some lines wrapped at this width
    assert "".join(marked).replace(" ", "") == "".join(
        panel.trace.code.splitlines()[n] for n in panel.trace.lines).replace(" ", "")
    assert marked[0].strip() and ran.replace(" ", "").startswith(marked[0].replace(" ", ""))
    panel.set_strip(False)
    assert panel.listing.toPlainText() == panel.trace.code
    assert [panel.trace.code.splitlines()[n] for n in panel.highlighted_lines()][0] == ran
    session.shutdown()
