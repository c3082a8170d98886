"""Simulated screens: the real main window on Qt's offscreen platform, one process per screen set."""
