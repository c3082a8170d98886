"""What the soak measures as it goes: the load average, this process's resident memory, and the event loop's
lateness in a fixed-size histogram."""

from __future__ import annotations

import os

import numpy as np

_BIN_MS = 0.1  # latency histogram resolution
_BINS = 100_000  # 0 … 10 s in 0.1 ms steps; later samples go to the last bin (the worst is kept exactly)


def load_average() -> float:
    """The 1-minute load average (other processes competing for the cores), or 0 where unknown."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def rss_mb() -> float:
    """Resident memory of this process in MB (VmRSS from /proc/self/status; 0 where there is no /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


class LatencyHistogram:
    """Lateness samples in fixed 0.1 ms bins: constant memory however long the soak runs."""

    def __init__(self) -> None:
        self.counts = np.zeros(_BINS, dtype=np.int64)
        self.n = 0
        self.worst_ms = 0.0

    def add(self, late_ms: float) -> None:
        late_ms = max(0.0, late_ms)
        self.counts[min(_BINS - 1, int(late_ms / _BIN_MS))] += 1
        self.n += 1
        self.worst_ms = max(self.worst_ms, late_ms)

    def clear(self) -> None:
        self.counts[:] = 0
        self.n = 0
        self.worst_ms = 0.0

    def percentile(self, q: float) -> float:
        """The q-th percentile in ms (the upper edge of its bin; the worst sample caps it)."""
        if self.n == 0:
            return float("nan")
        rank = int(np.ceil(q / 100.0 * self.n))
        index = int(np.searchsorted(np.cumsum(self.counts), max(1, rank)))
        return round(min((index + 1) * _BIN_MS, self.worst_ms), 1)
