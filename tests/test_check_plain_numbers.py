"""A plain-text note with a worked example (tests/fixtures/check/plain_tanh_numbers.txt):
its bullets, labels and remarks are not math, z₁ is z1, two statements on a line are two,
≈ and a line of numbers alone are judged to their printed digits, and arithmetic after a
wrong number is carried, never ✓.  Each expectation is computed here with mpmath/sympy."""
from pathlib import Path

import mpmath as mp
import sympy as sp

from derive.check import check_document

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "plain_tanh_numbers.txt"
mp.mp.dps = 30
X, A1, C1, A2, C2, Y = (mp.mpf(v) for v in ("1.5", "0.4", "-0.1", "2.0", "0.5", "1.0"))
H = mp.tanh(A1 * X + C1)
YHAT = A2 * H + C2
G = 2 * (YHAT - Y)


def _printed(said, value):
    """A printed result may be off by one unit of its last digit (derive's rule)."""
    digits = len(said.split(".")[1])
    return "correct" if abs(mp.mpf(said) - value) <= mp.mpf(10) ** -digits else "wrong"


def _verdicts():
    report = check_document(str(FIXTURE))
    out = {}
    for v in report.verdicts:
        out.setdefault(v.line, []).append(v.status)
    return report, out


def test_the_notes_forward_pass_is_read_through_its_bullets_and_labels():
    report, got = _verdicts()
    assert "own forward pass (lines 5, 6, 7)" in report.render_text().splitlines()[0]
    assert got[5] == ["correct", "correct"]  # "Hidden: z₁ = a₁·x + c₁, h₁ = tanh(z₁)"
    assert got[6] == ["correct"]  # "ŷ = a₂·h₁ + c₂ (linear)": the remark is no factor


def test_approximate_and_constant_lines_are_judged_to_their_digits():
    _, got = _verdicts()
    assert got[17][1] == _printed("0.4621", H) == "correct"
    assert got[22][1] == _printed("0.3921", G * H) == "correct"
    assert got[26][1] == _printed("2.0018", G * A2 * (1 - H ** 2) * X) == "correct"
    assert got[27][1] == _printed("1.3546", G * A2 * (1 - H ** 2)) == "wrong"
    # 1 - tanh(0.5)² = 1 - 0.4621²: no example needed; 0.4621 is rounded, so is the result
    assert got[25] == ["correct", _printed("0.7865", 1 - mp.tanh(mp.mpf("0.5")) ** 2)]


def test_a_formula_and_carried_arithmetic():
    _, got = _verdicts()
    h, yh, y, a2 = sp.symbols("h yhat y a2")
    # ∂L/∂c₁ = 2(ŷ - y) a₂ (1 - h₁) for 2(ŷ - y) a₂ (1 - h₁²): not the same function
    assert sp.simplify(2 * (yh - y) * a2 * (1 - h) - 2 * (yh - y) * a2 * (1 - h ** 2)) != 0
    assert got[28] == ["wrong"]
    # δ₃ names no quantity of this network; 1.4224 - 1.0 is not ŷ - y; = 0.4224 carries it
    assert abs(mp.mpf("1.4224") - YHAT) > mp.mpf("0.0001")
    assert got[29] == ["unknown", "wrong", "wrong"]


def test_capitalised_function_words_define_like_lower_case_ones():
    from derive.check import check_text
    from derive.check.read.declared import read_declared

    text = ("$$z_1 = x \\cdot w_1$$\n\n$$a_1 = \\text{Tanh}(z_1)$$\n\n$$z_2 = a_1 \\cdot w_2$$\n\n"
            "$$a_2 = \\text{Sigmoid}(z_2)$$\n\n$$L = -\\log(1 - a_2)$$\n\n"
            "$$\\frac{dL}{dw_2} = a_2 a_1$$\n")
    declared = read_declared(text, "md", "caps.md")
    assert "a1 = tanh ( z1 )" in declared.statements
    assert "a2 = sigmoid ( z2 )" in declared.statements
    x, w1, w2 = sp.symbols("x w1 w2")
    a1 = sp.tanh(x * w1)
    a2 = 1 / (1 + sp.exp(-a1 * w2))
    assert sp.simplify(sp.diff(-sp.log(1 - a2), w2) - a2 * a1) == 0  # ∂/∂w₂ of −log(1 − σ)
    report = check_text(text, declared.graph, "nielsen", name="caps.md")
    assert [(v.line, v.status) for v in report.verdicts][-1] == (11, "correct")
