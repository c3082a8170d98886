"""``visualbp --gif OUT.gif --steps N`` and ``--handout OUT.pdf [--handout-steps N]``: the window laid out
offscreen, the exports written, one line each on stdout (or one line naming the problem on stderr, exit code 1)."""

from __future__ import annotations

import sys

from visualbp.gui.exports_gif import ExportError, record_gif
from visualbp.gui.exports_handout import write_handout

#: The window's size for exports (the network picture is its graph pane).
EXPORT_SIZE = (1600, 1000)


def export_from_cli(app, window, session, args) -> int:
    """Write ``args.gif`` (taking ``args.gif_steps`` steps) and then ``args.handout``; the exit code."""
    window.resize(*EXPORT_SIZE)
    window.show()
    for _ in range(5):
        app.processEvents()
    window.network_view.fit()
    try:
        if args.gif:
            frames = record_gif(session, window.network_view, args.gif, max(1, getattr(args, "gif_steps", 0)))
            print(f"wrote {args.gif}: {frames} frames, {session.engine.step_index} steps: {session.status()}")
        if args.handout:
            first, steps = session.engine.step_index, getattr(args, "handout_steps", 1)
            pages = write_handout(session, window.network_view, window.equations, args.handout, steps)
            at = f" at step {first}" if steps == 1 else f", steps {first} … {session.engine.step_index}"
            print(f"wrote {args.handout}: {pages} page{'s' if pages != 1 else ''}{at}: {session.status()}")
    except ExportError as exc:
        print(f"visualbp: {exc}", file=sys.stderr)
        return 1
    finally:
        session.shutdown()
        window.close()
    return 0
