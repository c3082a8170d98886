"""Command line entry point: ``visualbp`` / ``python -m visualbp``."""

from __future__ import annotations

import argparse
import sys

import visualbp
from visualbp.core.datasets import BUILTIN, load
from visualbp.core.engine import Engine
from visualbp.core.network import Network


def parse_layers(text: str) -> list[int]:
    """'784, 30, 10' → [784, 30, 10]; ValueError with a message otherwise."""
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    try:
        return [int(p) for p in parts]
    except ValueError:
        raise ValueError(f"layers must be whole numbers separated by commas, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="visualbp", description="Watch backpropagation happen.")
    p.add_argument("--version", action="version", version=f"visualbp {visualbp.__version__}")
    p.add_argument("--dataset", choices=BUILTIN, default="digits")
    p.add_argument("--layers", default=None, help="layer sizes, e.g. '64,16,10'")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--eta", type=float, default=3.0)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data = load(args.dataset, seed=args.seed)
    try:
        sizes = parse_layers(args.layers) if args.layers else [data.n_inputs, 16, data.n_outputs]
        net = Network(sizes, seed=args.seed)
        engine = Engine(net, data.X_train, data.Y_train, mini_batch_size=args.batch, eta=args.eta,
                        X_val=data.X_val, Y_val=data.Y_val)
    except ValueError as exc:
        print(f"visualbp: {exc}", file=sys.stderr)
        return 2
    print(f"visualbp {visualbp.__version__}: {net.describe()} on {data.description}")
    engine.epoch_done.connect(
        lambda e: print(f"epoch {e.epoch + 1}: cost {e.train_cost:.4f}, validation accuracy {e.val_accuracy:.1%}")
    )
    engine.run_epochs(args.epochs)
    return 0
