"""Command line and start-up: ``visualbp`` / ``python -m visualbp``.

The one place that wires things together: parses the options, builds the
Session, opens the MainWindow (or renders it to a PNG with ``--screenshot``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

import visualbp
from visualbp.core.config import GENERATED, SessionConfig, fit_sizes
from visualbp.core.datasets import BUILTIN, DatasetError, load

GRANULARITIES = ("layer", "example", "minibatch", "epoch")


def parse_layers(text: str) -> list[int]:
    """'784, 30, 10' → [784, 30, 10]; a ValueError that names the problem otherwise."""
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        raise ValueError("layers must be whole numbers separated by commas, e.g. '2, 4, 3, 2'")
    sizes = []
    for p in parts:
        try:
            sizes.append(int(p))
        except ValueError:
            raise ValueError(f"layer size {p!r} is not a whole number") from None
    return sizes


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="visualbp",
        description="Watch backpropagation happen: Nielsen's chapter 2, one layer at a time.",
    )
    p.add_argument("--version", action="version", version=f"visualbp {visualbp.__version__}")
    p.add_argument("--dataset", choices=BUILTIN, help="built-in dataset (default: moons)")
    p.add_argument("--layers", help="layer sizes, e.g. '784,30,10' (input and output must match the data)")
    p.add_argument("--activation", choices=("sigmoid", "tanh", "relu"))
    p.add_argument("--cost", choices=("quadratic", "cross-entropy"))
    p.add_argument("--init", choices=("standard", "scaled"))
    p.add_argument("--eta", type=float, help="learning rate η")
    p.add_argument("--batch", type=int, help="minibatch size m")
    p.add_argument("--epochs", type=int, help="epochs for 'Train'")
    p.add_argument("--lmbda", type=float, help="L2 regularisation λ")
    p.add_argument("--seed", type=int)
    p.add_argument("--screenshot", metavar="PNG", help="render the window offscreen to PNG and exit")
    p.add_argument("--steps", type=int, default=0, help="with --screenshot: steps to take first")
    p.add_argument("--granularity", choices=GRANULARITIES, default="layer",
                   help="what one step is (with --steps)")
    p.add_argument("--size", default="1600x1000", help="window size for --screenshot, e.g. 1600x1000")
    p.add_argument("--quit-when-shown", action="store_true", help=argparse.SUPPRESS)  # start-up benchmark
    return p


def config_from_args(args: argparse.Namespace) -> SessionConfig:
    """A validated SessionConfig from the options (defaults fill the rest); ValueError otherwise."""
    config = SessionConfig()
    changes = {}
    if args.dataset:
        changes["dataset"] = args.dataset
    for name, field in (("activation", "activation"), ("cost", "cost"), ("init", "init"), ("eta", "eta"),
                        ("batch", "mini_batch_size"), ("epochs", "epochs"), ("lmbda", "lmbda"),
                        ("seed", "seed")):
        value = getattr(args, name)
        if value is not None:
            changes[field] = value
    config = replace(config, **changes)
    if args.layers:
        config = replace(config, sizes=tuple(parse_layers(args.layers)))
    elif args.dataset and args.dataset not in GENERATED:
        data = load(args.dataset, seed=config.seed)
        hidden = (30,) if args.dataset == "mnist" else (16,)
        config = replace(config, sizes=fit_sizes((0, *hidden, 0), data))
    return config.validated()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
    except (ValueError, DatasetError) as exc:
        print(f"visualbp: {exc}", file=sys.stderr)
        return 2
    if args.screenshot and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PyQt6.QtWidgets import QApplication

    from visualbp.gui import theme
    from visualbp.gui.main_window import MainWindow
    from visualbp.gui.session import Session

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("visualbp")
    app.setOrganizationName("visualbp")
    theme.apply()
    try:
        session = Session(config)
    except (ValueError, DatasetError) as exc:
        print(f"visualbp: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(session, remember_layout=not args.screenshot, recovery=not args.screenshot)
    if args.screenshot:
        return screenshot(app, window, session, args)
    window.show()
    if not args.quit_when_shown:
        from visualbp.gui.recovery import offer_restore

        offer_restore(window, window.files.open)
        window.recovery.install_excepthook()
    if args.quit_when_shown:
        from PyQt6.QtCore import QTimer

        def shown() -> None:
            print(f"shown at {time.perf_counter()}", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, shown)
    return app.exec()


def screenshot(app, window, session, args: argparse.Namespace) -> int:
    """Take ``--steps`` steps, lay the window out at ``--size`` and save it as PNG."""
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"visualbp: --size must look like 1600x1000, got {args.size!r}", file=sys.stderr)
        return 2
    session.set_granularity(args.granularity)
    for _ in range(max(0, args.steps)):
        session.step()
    window.resize(width, height)
    window.show()
    for _ in range(5):
        app.processEvents()
    window.network_view.fit()
    app.processEvents()
    ok = window.grab().save(args.screenshot)
    session.shutdown()
    window.close()
    if not ok:
        print(f"visualbp: could not write {args.screenshot}", file=sys.stderr)
        return 1
    print(f"wrote {args.screenshot} ({width}×{height}) after {args.steps} steps: {session.status()}")
    return 0
