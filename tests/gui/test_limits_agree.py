"""One set of limits and parsers (``visualbp.core.limits``): the command line, the setup panel, the controls bar
and the core accept the same bounds and refuse the same values in the same words."""

from dataclasses import replace

import pytest

from visualbp.app import build_parser, config_from_args, main
from visualbp.core import limits
from visualbp.core.config import SessionConfig
from visualbp.gui import theme
from visualbp.gui.controls import ControlsBar
from visualbp.gui.session import Session
from visualbp.gui.setup_panel import SetupPanel, parse_sizes

#: (command-line option, setup field, SessionConfig field, limit)
TYPED = [
    ("--epochs", "epochs", "epochs", limits.EPOCHS),
    ("--batch", "mini_batch_size", "mini_batch_size", limits.MINI_BATCH),
    ("--seed", "seed", "seed", limits.SEED),
    ("--eta", "eta", "eta", limits.ETA),
    ("--lmbda", "lmbda", "lmbda", limits.LMBDA),
]


@pytest.fixture
def panel(qtbot):
    theme.apply()
    session = Session(SessionConfig(dataset="moons", seed=1))
    widget = SetupPanel(session)
    qtbot.addWidget(widget)
    yield session, widget
    session.shutdown()


def cli_message(capsys, option: str, text: str) -> str:
    """The sentence ``visualbp OPTION TEXT`` ends with (after 'visualbp: argument OPTION: ')."""
    assert main([option, text]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    prefix = f"visualbp: argument {option}: "
    assert lines[0].startswith(prefix), lines[0]
    return lines[0][len(prefix):]


def field_message(panel, key: str, text: str) -> str:
    _, w = panel
    w.fields[key].widget.setText(text)
    return w.error_text(key)


def core_message(field: str, value) -> str:
    with pytest.raises(ValueError) as info:
        replace(SessionConfig(), **{field: value}).validated()
    return str(info.value)


def bad_values(limit):
    """Typed text the limit refuses, with the number it stands for (None: not a number)."""
    if isinstance(limit, limits.WholeLimit):
        return [(f"{limit.low - 1}", limit.low - 1), (f"{limit.high + 1}", limit.high + 1), ("1e3", None),
                ("3.5", None), ("", None)]
    return [("-1", -1.0), ("nan", float("nan")), ("inf", float("inf")), ("fast", None), ("", None)]


@pytest.mark.parametrize("option, key, field, limit", TYPED, ids=[t[0] for t in TYPED])
def test_the_same_values_are_refused_in_the_same_words(panel, capsys, qapp, option, key, field, limit):
    for text, value in bad_values(limit):
        if text == "" and getattr(limit, "empty", None) is not None:
            continue  # an empty λ is 0 everywhere
        cli, gui = cli_message(capsys, option, text), field_message(panel, key, text)
        assert cli == gui, (text, cli, gui)
        assert cli.startswith(limit.what), cli  # the sentence names the quantity
        if value is not None:
            assert core_message(field, value) == cli, text  # the core says it in the same words


@pytest.mark.parametrize("option, key, field, limit", TYPED, ids=[t[0] for t in TYPED])
def test_the_same_bounds_are_accepted(panel, option, key, field, limit):
    _, w = panel
    edges = ([limit.low, limit.high] if isinstance(limit, limits.WholeLimit)
             else [5e-324 if limit.low_open else limit.low, 1e300])
    for value in edges:
        text = str(value)
        assert getattr(config_from_args(build_parser().parse_args([option, text])), field) == value
        assert getattr(replace(SessionConfig(), **{field: value}).validated(), field) == value
        assert field_message(panel, key, text) == ""
        assert getattr(w.collect()[0], field) == value


@pytest.mark.parametrize("text", ["2, 0, 2", "2, x, 2", "2, 4,, 2", "2, 100001, 2", ",".join(["2"] * 65),
                                  "2, " + "9" * 30 + ", 2", "2, 100000, 300, 2"])
def test_the_command_line_and_the_setup_panel_read_layer_sizes_alike(text, capsys, qapp):
    with pytest.raises(ValueError) as setup:
        parse_sizes(text, 2, 2)  # the whole list, from the 2 inputs of moons to its 2 outputs
    assert cli_message(capsys, "--layers", text) == str(setup.value)


def test_the_controls_use_the_same_bounds_and_show_every_seed(qtbot):
    theme.apply()
    seed = 4_000_000_000  # above 2³¹−1: a network drawn without a seed may get one this large
    session = Session(SessionConfig(dataset="moons", seed=seed))
    bar = ControlsBar(session)
    qtbot.addWidget(bar)
    assert (bar.seed_spin.minimum(), bar.seed_spin.maximum()) == (limits.MIN_SEED, limits.MAX_SEED)
    assert (bar.epochs_spin.minimum(), bar.epochs_spin.maximum()) == (limits.MIN_EPOCHS, limits.MAX_EPOCHS)
    assert bar.seed_spin.value() == seed  # shown as it is, not clamped to 2³¹−1
    session.shutdown()
