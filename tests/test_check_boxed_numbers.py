"""A worked single-neuron example as blog posts print it (issue 10, held-out round 10):
``x₁w₁`` with Unicode subscripts inside LaTeX, results framed in ``\\boxed{…}``,
``\\text{Loss} = …`` as the loss's name, a substitution with a signed number
(``4 \\cdot -0.25``), "η (learning rate) = 0.1" in prose, and updates written with the
example's numbers only (``w₁ = 0.5 - 0.1 \\cdot -0.4162``).

The fixture is ours (tests/fixtures/check/boxed_single_neuron.md); every value is
recomputed here with mpmath, not by derive."""
from pathlib import Path

import mpmath as mp
import sympy as sp

from derive.check import check_document
from derive.check.read.latexformula import graph_formula, substitutions
from derive.check.read.prose import stated_rate
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "boxed_single_neuron.md"


def _loss(w1, w2, b, x1=2, x2=4, y=1):
    return (y - 1 / (1 + mp.e ** -(x1 * w1 + x2 * w2 + b))) ** 2


def test_the_fixtures_numbers():
    mp.mp.dps = 30
    w1, w2, b = mp.mpf("0.5"), mp.mpf("-0.25"), mp.mpf("0.3")
    assert mp.almosteq(1 / (1 + mp.e ** mp.mpf("-0.3")), mp.mpf("0.5744"), 1e-4)
    g1 = mp.diff(lambda t: _loss(t, w2, b), w1)
    g2 = mp.diff(lambda t: _loss(w1, t, b), w2)
    gb = mp.diff(lambda t: _loss(w1, w2, t), b)
    # the lines multiply rounded factors: -0.8512 · 0.2445 · 2 = -0.41624 is -0.4162
    assert abs(g1 - mp.mpf("-0.4162")) < 1e-3 and abs(gb - mp.mpf("-0.2081")) < 1e-4
    assert abs(mp.mpf("-0.8512") * mp.mpf("0.2445") * 4 - mp.mpf("-0.8352")) > 1e-3  # line 42
    assert abs(g2 - mp.mpf("-0.8352")) > 1e-3
    assert abs(w1 - mp.mpf("0.1") * g1 - mp.mpf("0.5416")) < 1e-4  # line 54
    assert abs(w2 - mp.mpf("0.1") * g2 - mp.mpf("-0.1665")) > 2e-4  # line 58 carries 42's slip


def test_the_example_is_read_from_its_own_lines():
    report = check_document(str(FIXTURE))
    givens = report.network.graph.declared.givens
    assert {str(k): v for k, v in givens.items()} == {
        "x1": 2, "x2": 4, "w1": sp.Rational(1, 2), "w2": sp.Rational(-1, 4),
        "b": sp.Rational(3, 10), "y": 1}


def test_verdicts():
    lines = statuses_by_line(check_document(str(FIXTURE)))
    for line in (6, 10, 14, 18, 24, 30, 34, 38, 46, 54):  # 18: ≈ 0.5744 to its digits
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    assert lines[42] == ["correct", "wrong"], lines[42]
    assert lines[58] == ["wrong", "wrong"], lines[58]


def test_the_slip_carried_into_the_update_is_named():
    report = check_document(str(FIXTURE))
    said = [m for v, m in zip(report.verdicts, report.messages()) if v.line == 58]
    assert "it uses -0.8352, the result line 42 printed" in said[0]


def test_pieces():
    assert graph_formula("x₁w₁ + x₂w₂ + b") == "x1 * w1 + x2 * w2 + b"
    givens = {}

    class Link:
        relation = "="

        class rhs:
            s = r"(2 \cdot 0.5) + (4 \cdot -0.25) + 0.3"
    substitutions([Link], "x1 * w1 + x2 * w2 + b", givens)
    assert givens["w2"] == sp.Rational(-1, 4) and givens["x2"] == 4
    assert stated_rate("η (Learning Rate) = 0.00001") == ("eta", sp.Rational(1, 100000))
