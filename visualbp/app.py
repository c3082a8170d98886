"""Command line and start-up: ``visualbp`` / ``python -m visualbp``.

The one place that wires things together: parses the options, builds the
Session (from a scripted lesson with ``--demo NAME``), opens the MainWindow
(or renders it to a PNG with ``--screenshot``). A bad option ends with exit
code 2 and one line ``visualbp: <what is wrong>`` on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from typing import NoReturn

import visualbp
from visualbp.core import checks, limits
from visualbp.core.activations import ACTIVATIONS
from visualbp.core.blas import limit_blas_threads
from visualbp.core.config import GENERATED, SessionConfig, defaults_for, fit_sizes
from visualbp.core.datasets import BUILTIN, DatasetError, load
from visualbp.core.demos import Demo, UnknownDemoError, get_demo, list_demos
from visualbp.core.labels import SCALINGS
from visualbp.core.network import INITS
from visualbp.gui.screenshot import presses_taken, screenshot  # noqa: F401 (presses_taken: part of the CLI's API)

GRANULARITIES = ("layer", "example", "minibatch", "epoch")


class UsageError(ValueError):
    """A command-line mistake: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line ``visualbp: …`` (no usage block) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def parse_layers(text: str) -> list[int]:
    """'784, 30, 10' → [784, 30, 10]; a ValueError that names the problem otherwise."""
    return limits.parse_layers(text)


def _typed(parse, metavar: str | None = None):
    """An argparse ``type`` from a parser of ``visualbp.core.limits``: its ValueError becomes the one line
    ``visualbp: argument --x: <message>``."""
    def convert(text: str):
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = metavar or parse.__name__
    return convert


def _named(text: str) -> str:
    if not text.strip():
        raise ValueError("the name is empty ('--demo list' lists the lessons)")
    return text.strip()


def _output(*endings: str):
    """A parser for an output file path that must end in one of ``endings`` and lie in an existing folder."""
    def parse(text: str) -> str:
        text = _named(text)
        if not text.lower().endswith(endings):
            raise ValueError(f"{text!r} must end in {' or '.join(endings)}")
        folder = os.path.dirname(os.path.abspath(text))
        if not os.path.isdir(folder):
            raise ValueError(f"{text!r}: the folder {folder} does not exist")
        return text
    parse.__name__ = endings[0].lstrip(".")
    return parse


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="visualbp",
        description="Watch backpropagation happen: Nielsen's chapter 2, one layer at a time.",
        epilog="Lessons: 'visualbp --demo list' shows the scripted demos; 'visualbp --demo vanishing --lecture' "
               "opens one ready to present.",
    )
    p.add_argument("--version", action="version", version=f"visualbp {visualbp.__version__}")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="a session (.vbp) to open; a network (visualbp's .npz, network2.py JSON, an .npz of "
                        "w2, b2, w3, b3, … or weights_0, biases_0, …, or a PyTorch state_dict of an nn.Sequential "
                        "of Linear layers saved with torch.save(model.state_dict(), PATH)) to open on its data; "
                        "or a data file "
                        "(CSV, or an IDX images file and its labels file); the kind is found from the content")
    p.add_argument("--data", metavar="PATH", nargs="+", type=_typed(_named),
                   help="train on your own data: a CSV file (one example per row: the features, then the "
                        "class label, a number or a word; a header row is allowed; features scaled as --scale "
                        "says) or an IDX images file and its labels file")
    p.add_argument("--scale", choices=tuple(SCALINGS),
                   help="how a CSV's features are scaled: auto (the default: standardise each column, or scale "
                        "image pixels together to 0…1), standard, minmax (each column to 0…1) or none")
    p.add_argument("--demo", metavar="NAME", type=_typed(_named),
                   help="open a scripted lesson with its network, data, seed and settings fixed "
                        "('--demo list' lists them); other options override the lesson's")
    p.add_argument("--list-demos", action="store_true", help="list the scripted lessons and exit")
    p.add_argument("--lecture", action="store_true", help="open in presentation mode (large type, for a projector)")
    p.add_argument("--dataset", choices=BUILTIN, help="built-in dataset (default: moons)")
    p.add_argument("--layers", type=_typed(limits.parse_layers),
                   help="layer sizes, e.g. '784,30,10' (input and output must match the data)")
    p.add_argument("--activation", choices=tuple(ACTIVATIONS),
                   help="the hidden layers' activation (a single neuron's: right-click it in the graph); for a "
                        "PyTorch state_dict opened, the one its model used between the Linear layers (the file does "
                        "not record it; default sigmoid)")
    p.add_argument("--cost", choices=("quadratic", "cross-entropy"))
    p.add_argument("--init", choices=INITS,
                   help="initial weights: N(0, 1), N(0, 1/n_in), or blank (all 0: type each by hand, double-click it)")
    p.add_argument("--eta", type=_typed(limits.parse_eta), help="learning rate η")
    p.add_argument("--batch", type=_typed(limits.parse_mini_batch_size),
                   help=f"minibatch size m (1 … {limits.MAX_MINI_BATCH:,})")
    p.add_argument("--epochs", type=_typed(limits.parse_epochs),
                   help=f"epochs for 'Train' (1 … {limits.MAX_EPOCHS:,})")
    p.add_argument("--lmbda", type=_typed(limits.parse_lmbda), help="L2 regularisation λ")
    p.add_argument("--seed", type=_typed(limits.parse_seed),
                   help=f"seed of the initial weights (0 … {limits.MAX_SEED:,})")
    p.add_argument("--screenshot", metavar="PNG", type=_typed(limits.parse_png_output),
                   help="render the window offscreen to PNG and exit (no display needed)")
    p.add_argument("--steps", type=_typed(limits.parse_steps), default=0,
                   help=f"steps to take first, after a demo's own (0 … {limits.MAX_STEPS:,})")
    p.add_argument("--granularity", choices=GRANULARITIES,
                   help="what one step is (default: layer, or the demo's)")
    p.add_argument("--size", default="1600x1000", help="window size for --screenshot, e.g. 1600x1000")
    p.add_argument("--gif", metavar="FILE", type=_typed(_output(".gif", ".png", ".apng", ".mp4")),
                   help="record --steps steps (at least 1) as an animated GIF of the network, or as an animated "
                        "PNG in full colour when FILE ends in .png or .apng, or an MP4 video for .mp4 (needs "
                        "the video extra), and exit")
    p.add_argument("--handout", metavar="PDF", type=_typed(_output(".pdf")),
                   help="after --steps steps, write a printable handout (network, equation with its numbers, "
                        "BP1–BP4, hyperparameters) as PDF and exit")
    p.add_argument("--handout-steps", metavar="N", type=_typed(limits.parse_handout_steps), default=1,
                   help=f"the handout's steps, one page each: the step after --steps and the next N-1 "
                        f"(1 … {limits.MAX_HANDOUT_STEPS}; default 1)")
    p.add_argument("--install-desktop", action="store_true",
                   help="add visualbp to your desktop's launcher and open .vbp sessions with it (per user, "
                        "under $XDG_DATA_HOME or ~/.local/share), then exit")
    p.add_argument("--uninstall-desktop", action="store_true",
                   help="remove exactly what --install-desktop wrote, then exit")
    p.add_argument("--quit-when-shown", action="store_true", help=argparse.SUPPRESS)  # start-up benchmark
    return p


#: option → (SessionConfig field, check that raises ValueError naming the problem)
_OPTIONS = (
    ("activation", "activation", None),
    ("cost", "cost", None),
    ("init", "init", None),
    ("eta", "eta", checks.check_eta),
    ("batch", "mini_batch_size", checks.check_mini_batch_size),
    ("epochs", "epochs", checks.check_epochs),
    ("lmbda", "lmbda", checks.check_lmbda),
    ("seed", "seed", checks.check_seed),
    ("scale", "scaling", None),
)


def config_from_args(args: argparse.Namespace, base: SessionConfig | None = None) -> SessionConfig:
    """A validated SessionConfig from the options over ``base`` (a demo's config, or the defaults).

    Raises UsageError (a ValueError) naming the option and the problem, or DatasetError."""
    config = base or defaults_for(args.dataset or SessionConfig().dataset)  # a 2-D set's own settings
    changes = {}
    if args.dataset:
        changes["dataset"] = args.dataset
    for name, field, check in _OPTIONS:
        value = getattr(args, name)
        if value is None:
            continue
        if check is not None:
            try:
                value = check(value)
            except ValueError as exc:
                raise UsageError(f"--{name}: {exc}") from None
        changes[field] = value
    config = replace(config, **changes)
    if args.layers:
        config = replace(config, sizes=tuple(args.layers))  # checked by limits.parse_layers
    elif args.dataset and (base is None or args.dataset != base.dataset):
        if base is None and args.dataset in GENERATED:
            pass  # its own defaults (DATASET_DEFAULTS) fit it
        else:
            data = load(args.dataset, seed=config.data_seed)
            hidden = config.sizes[1:-1] if base is not None else ((30,) if args.dataset == "mnist" else (16,))
            config = replace(config, sizes=fit_sizes((0, *hidden, 0), data))
    return config.validated()


def demo_listing() -> str:
    """``--demo list``: one line per lesson."""
    return "\n".join(d.summary() for d in list_demos())


def resolve_demo(name: str | None) -> Demo | None:
    """The demo called ``name`` (None for none); UsageError listing the names otherwise."""
    if name is None:
        return None
    try:
        return get_demo(name)
    except UnknownDemoError as exc:
        raise UsageError(str(exc)) from None


def _fail(message: object) -> int:
    print(f"visualbp: {message}", file=sys.stderr)
    return 2


def settings_from_args(args: argparse.Namespace) -> tuple[SessionConfig, Demo | None]:
    """The config to build and the demo it comes from (None without ``--demo``); the files named on the
    command line checked and recorded in ``args.open_plan``. Needs no Qt.

    Raises UsageError, ValueError or DatasetError naming the problem."""
    from visualbp.core.openpath import config_for, plan

    demo = resolve_demo(args.demo)
    config = config_from_args(args, demo.config() if demo else None)
    if len(getattr(args, "data", None) or []) > 2:
        raise UsageError("--data takes one CSV file, or an IDX images file and its labels file")
    args.open_plan = plan(list(getattr(args, "paths", None) or []), getattr(args, "data", None),
                          getattr(args, "activation", None))
    if not args.open_plan.empty:
        config = config_for(args.open_plan, config, dataset_chosen=bool(args.dataset))
    return config, demo


def main(argv: list[str] | None = None) -> int:
    """Run visualbp; the exit code: 0, 2 for a bad option, 1 when Qt cannot start, 128 + N after signal N."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl+C before the event loop runs: loading data, --steps, --screenshot
        print("visualbp: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    limit_blas_threads()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a one-line usage error (already printed)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if args.install_desktop or args.uninstall_desktop:
        from visualbp.desktop import install, uninstall

        try:
            print("\n".join(install() if args.install_desktop else uninstall()))
        except OSError as exc:
            return _fail(exc)
        return 0
    from visualbp.display_check import display_problem

    if args.gif:  # the steps are the GIF's frames, taken while it records
        from visualbp.gui.exports_gif import MAX_GIF_FRAMES

        if not 1 <= args.steps < MAX_GIF_FRAMES:
            return _fail(f"--gif records --steps 1 … {MAX_GIF_FRAMES - 1} steps, got {args.steps}")
        args.gif_steps, args.steps = args.steps, 0
    if args.handout_steps != 1 and not args.handout:
        return _fail("--handout-steps needs --handout PDF")
    if (args.gif or args.handout) and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # files, not a window: no display needed
    if args.screenshot and ("QT_QPA_PLATFORM" not in os.environ or display_problem()):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a picture needs no display
    # before any work, and before Qt starts: Qt itself would abort (SIGABRT) with a misleading message
    problem = None if args.list_demos or args.demo == "list" else display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        if args.list_demos or args.demo == "list":
            print(demo_listing())
            return 0
        config, demo = settings_from_args(args)
        size = parse_size(args.size) if args.screenshot else None
    except (ValueError, DatasetError) as exc:
        return _fail(exc)
    model = args.open_plan.model
    if model is not None and model.activation_assumed:  # a PyTorch state_dict: say what was assumed
        print(f"visualbp: {model.source}: {model.note}; --activation tanh or relu says otherwise", file=sys.stderr)

    from visualbp.interrupts import deferred_interrupt

    with deferred_interrupt():  # Ctrl+C during the steps: acted on between them, never lost inside a slot
        from PyQt6.QtWidgets import QApplication

        from visualbp.gui import theme

        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)  # the windows need one: never a bare QCoreApplication here
        app.setApplicationName("visualbp")
        app.setOrganizationName("visualbp")
        app.setDesktopFileName("visualbp")  # Wayland and the launcher match the window to visualbp.desktop
        from visualbp.desktop import window_icon

        app.setWindowIcon(window_icon())
        theme.apply()
        if size is not None or args.gif or args.handout:
            from visualbp.gui.screenshot import quiet_platform_notes

            quiet_platform_notes()
        try:
            window, session = open_lesson(args, config, demo)
        except (ValueError, DatasetError) as exc:
            return _fail(exc)
        if args.gif or args.handout:
            from visualbp.gui.exports_cli import export_from_cli

            return export_from_cli(app, window, session, args)
        if size is not None:  # --screenshot: its --size was read with the other options
            return screenshot(app, window, session, args, size)
    window.show()
    if not args.quit_when_shown and demo is None and args.open_plan.empty:  # a lesson or a file opens as asked
        from visualbp.gui.recovery import offer_restore

        offer_restore(window, window.files.open)
    if not args.quit_when_shown and window.recovery is not None:
        window.recovery.install_excepthook()
    if args.quit_when_shown:
        from PyQt6.QtCore import QTimer

        def shown() -> None:
            print(f"shown at {time.perf_counter()}", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, shown)
        return app.exec()
    from visualbp.gui.signals import quit_on_signals

    with quit_on_signals(app, window):  # Ctrl+C and SIGTERM close the window, the autosave kept
        return app.exec()


def open_lesson(args: argparse.Namespace, config: SessionConfig, demo: Demo | None):
    """Build the Session and the MainWindow (not shown yet) and start the lesson: the demo's weights,
    breakpoints and steps, ``--granularity``, ``--steps`` and ``--lecture``. Returns (window, session);
    raises ValueError/DatasetError (e.g. layers that do not fit the data) before any window exists."""
    from visualbp.gui.main_window import MainWindow
    from visualbp.gui.session import Session

    session = Session(config)
    if demo is not None:
        prepare_demo(session, demo)
    opened = getattr(args, "open_plan", None)
    if opened is not None and opened.session is not None:
        session.open(opened.session)  # checked before: settings, weights, position, history
    elif opened is not None and opened.model is not None:
        from visualbp.core.openpath import apply_model

        apply_model(session, opened.model)
    session.set_granularity(args.granularity or (demo.granularity if demo else "layer"))
    headless = bool(args.screenshot or getattr(args, "gif", None) or getattr(args, "handout", None))
    window = MainWindow(session, remember_layout=not headless, recovery=not headless)
    if opened is not None and opened.session is not None:
        window.files.path = opened.session  # Ctrl+S saves back to the file that was opened
    from visualbp.gui.mistakes_panel import install as install_mistakes

    install_mistakes(window)  # View ▸ Mistakes: the validation examples the network gets wrong
    if args.lecture:
        # Presentation mode is the window's own; duck-typed so the flag works before it exists.
        set_presentation = getattr(window, "set_presentation", None)
        if callable(set_presentation):
            set_presentation(True)
    try:
        start_lesson(window, session, demo, args)
    except KeyboardInterrupt:  # Ctrl+C during the steps: the window goes now, not whenever it is collected
        session.shutdown()
        window.close()
        window.deleteLater()
        raise
    return window, session


def prepare_demo(session, demo: Demo) -> None:
    """Before the window exists: the demo's neurons' own activations, scaled initial weights (what Reset returns
    to), selected neuron and breakpoints."""
    demo.apply(session.net, session.engine)
    if demo.select is not None:
        session.select(demo.select)
    if demo.weight_scale != 1.0:
        session.reset()  # to the scaled weights, and the learning curves' "epoch 0" measured on them
        scale = f"{demo.weight_scale:g}"
        session.init_note = f"× {scale}: this lesson multiplies the initial weights by {scale}"
    demo.configure_breakpoints(session.breakpoints)


def start_lesson(window, session, demo: Demo | None, args: argparse.Namespace) -> None:
    """Take the demo's steps (at its granularity), then ``--steps`` more; title and status name the lesson.
    Ctrl+C (inside ``deferred_interrupt``) stops them between two steps with KeyboardInterrupt."""
    from visualbp.interrupts import raise_if_interrupted

    if demo is not None and demo.steps:
        chosen = session.granularity
        session.set_granularity(demo.granularity)
        for _ in range(demo.steps):
            session.step()
            raise_if_interrupted()
        session.set_granularity(chosen)
    for _ in range(args.steps):
        session.step()
        raise_if_interrupted()
    if demo is not None:
        if demo.panel is not None:  # the Teach panel the lesson is about, beside the graph
            window.teach.show(demo.panel)
        else:  # the lesson's story is in the plots (the fit, the cost, ‖δ‖): in front of the setup where tabbed
            window.front_dock = window.plots_dock
            window.plots_dock.raise_()
        window.setWindowTitle(f"{demo.title} — visualbp {visualbp.__version__}")
        window.equations.set_lesson(demo.title, demo.description, demo.granularity)  # the narration area
        # the paragraph is the narration area's; in the status line only where that panel was closed, and
        # never over what stopped the steps
        if window.equation_dock.isHidden() and not session.status().startswith(("Breakpoint", "Diverged")):
            show_description(window, session, f"{demo.title}. {demo.description}")


def show_description(window, session, text: str) -> None:
    """The lesson's paragraph in the status line, wrapped onto as many lines as the window's width
    needs, until the session reports its first new status (the first step); one line again after."""
    from PyQt6.QtCore import QEvent, QObject, QRect, Qt
    from PyQt6.QtGui import QFontMetrics, QResizeEvent

    from visualbp.gui.notation import to_plain

    label = window.status_label

    def fit_height(width: int) -> None:
        margins = label.contentsMargins()
        inner = max(100, width - margins.left() - margins.right() - 2 * label.margin())
        box = QFontMetrics(label.font()).boundingRect(QRect(0, 0, inner, 100_000), Qt.TextFlag.TextWordWrap, text)
        label.setFixedHeight(box.height() + margins.top() + margins.bottom() + 2 * label.margin() + 2)

    class _FitHeight(QObject):
        def eventFilter(self, obj: QObject | None, event: QEvent | None) -> bool:
            if isinstance(event, QResizeEvent) and event.size().width() != event.oldSize().width():
                fit_height(event.size().width())
            return False

    fit = _FitHeight(label)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(to_plain(text))  # the lesson's w^l as wˡ
    label.installEventFilter(fit)
    fit_height(max(label.width(), window.width() - 30))

    def unwrap(_status: str) -> None:
        session.statusChanged.disconnect(unwrap)
        label.removeEventFilter(fit)
        fit.deleteLater()
        label.setWordWrap(False)
        label.setMinimumHeight(0)
        label.setMaximumHeight(16777215)  # QWIDGETSIZE_MAX

    session.statusChanged.connect(unwrap)


def parse_size(text: str) -> tuple[int, int]:
    """'1600x1000' → (1600, 1000); UsageError naming the option otherwise, or when it is smaller than the
    window's minimum (visualbp.gui.window_fit: the size at which graph, controls and equation all show)."""
    from visualbp.gui.window_fit import MIN_HEIGHT, MIN_WIDTH

    try:
        width, height = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise UsageError(f"--size must look like 1600x1000, got {text!r}") from None
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise UsageError(f"--size {text} is smaller than the window's minimum {MIN_WIDTH}x{MIN_HEIGHT}")
    if width > 10000 or height > 10000:
        raise UsageError(f"--size must be at most 10000x10000, got {text!r}")
    return width, height
