"""The plots' per-minibatch store (no Qt): bounded, downsampled keeping the mean and the ends, exact until
full; the EMA across delivered blocks."""

from __future__ import annotations

import numpy as np

from visualbp.gui.series import DownsamplingSeries, ema


def test_downsampling_series_is_bounded_and_keeps_mean_and_ends():
    rng = np.random.default_rng(0)
    s = DownsamplingSeries(capacity=100, width=2)
    xs, ys = [], []
    x0 = 0.0
    for k in rng.integers(1, 300, size=80):  # deliveries of uneven size
        x = x0 + np.arange(k) * 0.01
        y = rng.normal(size=(k, 2)) + [1.0, -3.0]
        x0 = x[-1] + 0.01
        s.append(x, y)
        xs.append(x)
        ys.append(y)
        assert len(s) <= 100
    x_all, y_all = np.concatenate(xs), np.concatenate(ys)
    x, y = s.data()
    assert s.total == len(x_all) and s.stride > 1 and s.stride & (s.stride - 1) == 0
    assert len(x) == len(y) == len(s.counts()) and s.counts().sum() == len(x_all)
    assert x[0] == x_all[0] and x[-1] == x_all[-1]
    assert np.all(np.diff(x) > 0)
    np.testing.assert_allclose(np.average(y, axis=0, weights=s.counts()), y_all.mean(axis=0), atol=1e-12)
    np.testing.assert_allclose(s.mean(), y_all.mean(axis=0), atol=1e-12)


def test_downsampling_series_exact_until_full_and_drop_from():
    s = DownsamplingSeries(capacity=8)
    s.append([0, 1, 2], [10, 11, 12])
    x, y = s.data()
    assert list(x) == [0, 1, 2] and list(y[:, 0]) == [10, 11, 12] and s.stride == 1
    s.append(np.arange(3, 8), np.arange(13, 18))  # reaches capacity: pairs averaged
    x, y = s.data()
    assert s.stride == 2 and len(s) == 4
    assert list(y[:, 0]) == [10.5, 12.5, 14.5, 16.5]
    s.drop_from(5.0)
    x, y = s.data()
    assert x.max() < 5.0 and s.last_x < 5.0
    s.drop_from(-1.0)
    assert len(s) == 0 and s.last_x is None


def test_ema_matches_the_recurrence_across_blocks():
    rng = np.random.default_rng(1)
    v = rng.normal(size=(300, 2))
    out, last = ema(v, 0.1, None)
    ref = np.empty_like(v)
    s = v[0]
    for i, row in enumerate(v):
        s = 0.9 * s + 0.1 * row
        ref[i] = s
    np.testing.assert_allclose(out, ref, rtol=1e-10)
    more, _ = ema(v[:5, 0], 0.1, last[0])  # continues from the previous state
    np.testing.assert_allclose(more[0], 0.9 * last[0] + 0.1 * v[0, 0])
