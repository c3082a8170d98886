"""``python -m visualbp.bench [core|gui|wide|sweep|all] [--json] [--save-json PATH] [--repeats N]``."""

from __future__ import annotations

import argparse
import json
import sys

from visualbp.bench.timing import format_table


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m visualbp.bench", description=__doc__)
    p.add_argument("what", nargs="?", choices=("core", "gui", "wide", "sweep", "all"), default="all")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--save-json", metavar="PATH", help="also write the JSON to PATH (the table still prints)")
    args = p.parse_args(argv)
    from visualbp.core.blas import limit_blas_threads

    limit_blas_threads()  # as the app runs; see visualbp/core/blas.py
    rows = []
    if args.what in ("core", "all"):
        from visualbp.bench import core

        rows += core.run(args.repeats)
    if args.what in ("gui", "all"):
        from visualbp.bench import gui

        rows += gui.run(args.repeats)
    if args.what in ("wide", "all"):
        from visualbp.bench import wide

        rows += wide.run(max(1, args.repeats // 2))
    if args.what in ("sweep", "all"):
        from visualbp.bench import sweep

        rows += sweep.run(max(1, args.repeats // 2))
    if args.save_json:
        with open(args.save_json, "w", encoding="utf-8") as f:
            json.dump([r.as_dict() for r in rows], f, indent=2, default=float)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], indent=2, default=float))
    else:
        print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
