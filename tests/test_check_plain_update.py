"""A plain-text note's update step, the way notes write it: ``w ← 0.5 - 0.1 × (-0.3549)``
with the rate given in a sentence ("gradient descent (α = 0.1)"), and the gradient a
line before printed wrong.  Our fixture (tests/fixtures/check/plain_update_numbers.txt);
its numbers are recomputed here with sympy."""
from pathlib import Path

import sympy as sp

from derive.check import check_document

NOTE = Path(__file__).parent / "fixtures" / "check" / "plain_update_numbers.txt"


def _truth():
    w, b, x, y = sp.symbols("w b x y")
    loss = (1 / (1 + sp.exp(-(w * x + b))) - y) ** 2
    at = {x: 2, y: 1, w: sp.Rational(1, 2), b: sp.Rational(-1, 2)}
    return {p: float(sp.diff(loss, p).subs(at)) for p in (w, b)}, at


def _steps(line):
    report = check_document(str(NOTE))
    return [(v, m) for v, m in zip(report.verdicts, report.messages()) if v.line == line]


def test_the_notes_numbers():
    grads, at = _truth()
    gw, gb = grads.values()
    assert abs(gw + 0.3549) < 5e-5 and abs(gb + 0.1874) > 0.005  # -0.1874 is the slip
    assert abs(0.5 - 0.1 * gw - 0.5355) < 5e-5
    assert abs(-0.5 - 0.1 * gb - (-0.5 - 0.1 * -0.1874)) > 5e-4  # the slip moves b's update


def test_an_arrow_update_with_the_rate_from_a_sentence_is_checked():
    steps = _steps(22)
    assert [v.source for v, _ in steps] == ["w <- 0.5 - 0.1 × (-0.3549)", "= 0.5 + 0.03549", "= 0.5355"]
    assert [v.status for v, _ in steps] == ["correct"] * 3


def test_an_update_that_uses_a_wrong_gradient_is_wrong_and_says_where_it_came_from():
    """-0.5 and 0.5 are the example's own numbers (and z = 0.5 exactly), not numbers
    rounded to one decimal: read as ±0.05 they once let this line pass."""
    steps = _steps(23)
    assert [v.status for v, _ in steps] == ["wrong"] * 3
    first = steps[0][1]
    assert "it uses -0.1874, the result line 18 printed, which is wrong there" in first
    assert steps[0][0].diagnosis == "wrong_value_used"
    assert all("carried forward" in m for _, m in steps[1:])


def test_the_rate_in_a_sentence_is_a_given_not_a_claim():
    report = check_document(str(NOTE))
    assert any(str(k) == "alpha" and v == sp.Rational(1, 10) for k, v in report.givens.items())


def test_numbers_given_in_a_sentence_are_the_examples(tmp_path):
    """"Using our example where ŷ = 0.6225, y = 1.0:" gives y and claims ŷ; a line of the
    gradient's numbers after it is decided at them (before, it had no y to be decided at)."""
    grads, _ = _truth()
    text = NOTE.read_text().split("Example:")[0] + (
        "Using our example where x = 2.0, w = 0.5, b = -0.5, ŷ = 0.6225, y = 1.0:\n\n"
        "∂L/∂w = 2(0.6225 - 1.0) × 0.6225 × 0.3775 × 2.0 ≈ -0.3549\n"
        "∂L/∂b = 2(0.6225 - 1.0) × 0.6225 × 0.3775 ≈ -0.1874\n")
    path = tmp_path / "sentence.txt"
    path.write_text(text)
    assert abs(grads[sp.Symbol("w")] + 0.3549) < 5e-5
    report = check_document(str(path))
    by_line = {}
    for v in report.verdicts:
        by_line.setdefault(v.line, []).append(v.status)
    assert by_line[7] == ["correct"]  # ŷ = 0.6225, claimed in the sentence
    assert by_line[9] == ["correct", "correct"] and by_line[10] == ["correct", "wrong"]
