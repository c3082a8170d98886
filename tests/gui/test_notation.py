"""The one notation: markup (braced and short forms), superscripts and subscripts, numbers."""

import pytest

from visualbp.gui.notation import (
    equation_number,
    indices,
    notation_html,
    number,
    subscript,
    superscript,
    sym,
    to_html,
    to_plain,
)


def test_one_markup_language_in_both_forms():
    assert to_plain("δ^{2}_{3} = σ'(z^{2}_{3})") == "δ²₃ = σ'(z²₃)"
    assert to_plain("w^3_24") == "w³₂₄" == to_plain("w^{3}_{24}")
    assert to_plain("a^(l−1)_k") == "aˡ⁻¹ₖ"
    assert to_plain("w^{3}_{12,3}") == "w³₁₂,₃" == to_plain("w^3_12,3")
    assert to_plain("*{0.5} ~{note}\nnext") == "0.5 note ; next"
    assert notation_html("w^2_31 < 1") == "w<sup>2</sup><sub>31</sub> &lt; 1"
    assert notation_html("a^(l−1)_k") == "a<sup>l−1</sup><sub>k</sub>"
    html = to_html("δ^{2} b_{j} = *{−0.5}")
    assert "<sup>2</sup>" in html and "<sub><i>j</i></sub>" in html and "<b style='color:rgb" in html


def test_symbols_and_indices_count_from_one():
    assert sym("w", 3, 1, 3) == "w^3_24" and sym("δ", 3, 0) == "δ^3_1"
    assert sym("w", 2, 11, 405) == "w^2_12,406" and sym("w", 3, 1, "k") == "w^3_2k"
    assert sym("a", "l−1") == "a^(l−1)" and indices(9, "k") == "10,k"
    assert superscript(-12) == "⁻¹²" and subscript("24") == "₂₄" and superscript("é") is None


@pytest.mark.parametrize("value,digits,text", [
    (-0.3712, 3, "−0.371"), (None, 3, "—"), (2.0, 3, "2"), (0.0, 3, "0"),
    (12345.678, 3, "12346"), (12345.678, 4, "12346"), (99999.4, 3, "99999"), (1234.5, 3, "1234"),
    (123456.0, 3, "1.23×10⁵"), (-2.5e-5, 3, "−2.50×10⁻⁵"), (0.00099, 3, "9.90×10⁻⁴"),
    (0.9999999, 3, "1.00"), (float("nan"), 3, "NaN"), (float("-inf"), 3, "−∞"), (0.25, 2, "0.25"),
])
def test_numbers_print_with_times_ten_to_the_n_as_promised(value, digits, text):
    assert number(value, digits) == text
    assert "e+" not in number(value, digits) and "e-" not in number(value, digits)


def test_the_equation_panel_keeps_four_digits_from_one_up():
    assert equation_number(1.23456) == "1.235" and equation_number(-0.06123) == "−0.0612"
    assert equation_number(17.99999) == "18.00" and equation_number(3.0) == "3"
    assert equation_number(12345.6) == "12346"  # used to print 1.235e+04
