"""A short soak (the CI version of ``python -m visualbp.bench.soak``): [784, 30, 10] trains on MNIST with the
whole window attached for about 30 s. Asserted: only facts that do not depend on the machine's speed —
memory stays flat, training makes progress, every history stays within its capacity, Qt says nothing.
The latency figures are printed (run with -s to see them), never asserted."""

import os

import pytest

from visualbp.bench import soak

#: warm-up + measured seconds; VISUALBP_SOAK_SECONDS overrides the total (e.g. 600 for a longer local run)
TOTAL = float(os.environ.get("VISUALBP_SOAK_SECONDS", "30"))
WARMUP = min(10.0, TOTAL / 3)


@pytest.mark.slow
def test_a_short_soak_stays_flat(qtbot, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VISUALBP_DATA_DIR", str(tmp_path / "data"))  # the window's autosave goes here
    result = soak.run(TOTAL - WARMUP, WARMUP)
    with capsys.disabled():
        print(f"\nsoak {result.warmup_s:.0f} s + {result.measured_s:.0f} s: RSS {result.rss_start_mb:.1f} → "
              f"{result.rss_end_mb:.1f} MB ({result.growth_mb:+.1f} MB), {result.epochs_trained} epochs, "
              f"{result.minibatches_per_s:,.0f} minibatches/s; event-loop latency median "
              f"{result.latency_median_ms:.1f} ms, p99 {result.latency_p99_ms:.1f} ms, worst "
              f"{result.latency_worst_ms:.1f} ms ({result.latency_samples} samples)")
    assert result.growth_mb < soak.MEMORY_GROWTH_TARGET_MB, result.table()
    assert result.epochs_trained >= 1 and result.minibatches > 0
    assert not result.diverged
    assert result.plot_points["minibatch cost"] <= result.plot_capacity
    assert result.plot_points["‖δ^l‖"] <= result.plot_capacity
    assert result.plot_points["epoch curves"] == result.epochs_total + 1  # one point per epoch, and epoch 0
    assert result.history_steps <= result.history_limit_steps and result.history_mb <= result.history_limit_mb
    assert result.latency_samples > 0
    assert result.qt_warnings == [] and result.errors == []


def test_the_soak_restarts_training_that_finishes(qtbot, tmp_path, monkeypatch):
    from visualbp.core.config import SessionConfig

    monkeypatch.setenv("VISUALBP_DATA_DIR", str(tmp_path / "data"))
    result = soak.run(1.5, 0.5, SessionConfig(seed=1), epochs_per_run=1, wait_for_history=False)
    assert result.restarts >= 2 and result.epochs_total >= result.restarts  # one epoch per run, run after run
    assert result.qt_warnings == [] and result.errors == []
