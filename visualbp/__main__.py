"""``python -m visualbp`` runs the desktop app."""

from visualbp.app import main

raise SystemExit(main())
