"""The diverging colour scale: sign is hue, |value| is saturation and width, symmetric about 0."""

import numpy as np
import pytest

from visualbp.gui import colors as C

NEG, NEU, POS = C.DEFAULT_COLORS


def test_sign_gives_hue_and_zero_is_neutral():
    rgba = C.colors_for(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]), vmax=2.0)
    assert rgba.dtype == np.uint8 and rgba.shape == (5, 4)
    assert tuple(rgba[0, :3]) == NEG  # −vmax: the full negative colour (orange)
    assert tuple(rgba[4, :3]) == POS  # +vmax: the full positive colour (blue)
    assert tuple(rgba[2, :3]) == NEU
    for row in rgba[:2]:
        assert row[0] > row[2]  # orange-ish: more red than blue
    for row in rgba[3:]:
        assert row[2] > row[0]  # blue-ish
    assert (rgba[:, 3] == 255).all()
    # halfway is halfway between neutral and the end colour, in RGB
    assert np.allclose(rgba[3, :3], (np.array(NEU) + np.array(POS)) / 2, atol=1)


def test_values_beyond_vmax_and_nan_are_clipped_and_neutral():
    rgba = C.colors_for(np.array([-50.0, 50.0, np.nan]), vmax=1.0)
    assert tuple(rgba[0, :3]) == NEG and tuple(rgba[1, :3]) == POS and tuple(rgba[2, :3]) == NEU


def test_lut_and_bins_are_symmetric_about_zero():
    nbins = 33
    table = C.lut(nbins)
    assert table.shape == (nbins, 4) and table.dtype == np.uint8
    mid = nbins // 2
    assert tuple(table[mid, :3]) == NEU and tuple(table[0, :3]) == NEG and tuple(table[-1, :3]) == POS
    v = np.linspace(-3, 3, 601)
    b = C.bin_of(v, 2.0, nbins)
    assert b.min() == 0 and b.max() == nbins - 1
    assert np.array_equal(b, nbins - 1 - C.bin_of(-v, 2.0, nbins))  # mirror image
    assert C.bin_of(np.array([0.0]), 2.0, nbins)[0] == mid
    assert (np.diff(b) >= 0).all()  # monotone in the value
    assert (b[v <= -2.0] == 0).all() and (b[v >= 2.0] == nbins - 1).all()
    # a bin's lut colour is the continuous colour of its centre value
    centres = C.bin_centers(nbins) * 2.0
    assert np.array_equal(C.colors_for(centres, 2.0), table)


def test_bins_reject_even_counts():
    with pytest.raises(ValueError):
        C.lut(32)


def test_widths_grow_with_magnitude_and_ignore_sign():
    v = np.linspace(0, 3, 50)
    w = C.widths_for(v, vmax=2.0, min_px=0.5, max_px=4.0)
    assert (np.diff(w) >= 0).all() and w[0] == pytest.approx(0.5) and w[-1] == pytest.approx(4.0)
    assert np.array_equal(w, C.widths_for(-v, vmax=2.0, min_px=0.5, max_px=4.0))
    assert w[10] < w[20]


def test_symmetric_range_is_robust_and_never_zero():
    assert C.symmetric_range([np.zeros((3, 3))]) == 1.0
    assert C.symmetric_range([]) == 1.0
    assert C.symmetric_range([np.array([np.nan, np.inf])]) == 1.0
    assert C.symmetric_range([np.array([0.5, -2.0])]) == 2.0  # few values: the max
    rng = np.random.default_rng(0)
    big = rng.standard_normal(10_000)
    big[0] = 1000.0  # one outlier does not set the scale
    r = C.symmetric_range([big, -big[:10]])
    assert 2.0 < r < 3.0
    assert C.symmetric_range(np.array([1e-30, 0.0])) > 0


def test_nice_ceil_rounds_up_to_a_calm_number():
    assert C.nice_ceil(2.58) == 3.0
    assert C.nice_ceil(2.0) == 2.0
    assert C.nice_ceil(0.0123) == pytest.approx(0.015)
    assert C.nice_ceil(0.0) == 1.0


def test_image_rgba_uses_the_same_scale_and_a_custom_triple():
    a = np.array([[-1.0, 0.0], [0.5, 1.0]])
    img = C.image_rgba(a, vmax=1.0)
    assert img.shape == (2, 2, 4)
    assert np.array_equal(img.reshape(-1, 4), C.colors_for(a.ravel(), 1.0))
    triple = ((255, 0, 0), (255, 255, 255), (0, 0, 255))
    img = C.image_rgba(a, vmax=1.0, colors=triple)
    assert tuple(img[0, 0, :3]) == (255, 0, 0) and tuple(img[1, 1, :3]) == (0, 0, 255)
    assert tuple(img[0, 1, :3]) == (255, 255, 255)
    # centre shifts the neutral point (a sigmoid's 0.5)
    img = C.image_rgba(np.array([[0.5, 1.0]]), vmax=0.5, center=0.5)
    assert tuple(img[0, 0, :3]) == NEU and tuple(img[0, 1, :3]) == POS
    with pytest.raises(ValueError):
        C.image_rgba(np.zeros(3))


def test_format_number_uses_a_real_minus_sign():
    assert C.format_number(-0.3712) == "−0.371"
    assert C.format_number(None) == "—"
    assert C.format_number(2.0) == "2"


def _broadcast_rgba(t, colors):
    """The scale's formula written on (..., 3) broadcasts: neutral + min(|t|, 1) · (end − neutral), rounded."""
    c = np.asarray(colors, dtype=np.float64)
    t = np.clip(np.nan_to_num(np.asarray(t, dtype=np.float64), nan=0.0), -1.0, 1.0)
    end = np.where(t[..., None] < 0.0, c[0], c[2])
    return np.rint(c[1] + np.abs(t)[..., None] * (end - c[1])).astype(np.uint8)


@pytest.mark.parametrize("colors", [C.DEFAULT_COLORS, ((200, 40, 0), (31, 30, 33), (0, 255, 121))])
def test_colours_are_the_formula_to_the_last_bit(colors):
    rng = np.random.default_rng(5)
    for t in (rng.uniform(-1.3, 1.3, (7, 40, 30)), np.arange(-4096, 4097) / 4096, np.float64(-0.3),
              np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-300, -1e-300, 0.5, -0.5])):
        rgba = C._rgba(t, colors)
        assert rgba.shape == np.shape(t) + (4,) and (rgba[..., 3] == 255).all()
        assert np.array_equal(rgba[..., :3], _broadcast_rgba(t, colors))


def test_range_at_most_is_sure_only_when_the_percentile_is_within_the_limit():
    rng = np.random.default_rng(7)
    sure = 0
    for trial in range(3000):
        n = int(rng.integers(1, 300))
        v = [rng.standard_normal(n), rng.integers(-3, 4, n).astype(float),
             np.where(rng.random(n) < 0.995, 0.0, 1.0) * rng.standard_normal(n), rng.standard_cauchy(n)][trial % 4]
        parts = [v[: n // 3], v[n // 3:]]
        r = C.symmetric_range(parts)
        for limit in (r, np.nextafter(r, 0), r * 0.999, r * 1.0001, r * 2, 0.5):
            if C.range_at_most(parts, limit):
                sure += 1
                assert r <= limit
    assert sure > 2000  # often sure (never wrongly)
    w = rng.standard_normal(1000)
    assert C.range_at_most([w], 3.0)  # N(0, 1) on the scale ±3: 0.3 % beyond it
    assert not C.range_at_most([np.r_[w, np.nan]], 100.0) and not C.range_at_most([w[:50]], 100.0)
