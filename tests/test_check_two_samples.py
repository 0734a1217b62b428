"""A tutorial that works a second sample with new numbers, a loss named ``Loss`` and
differentiated as ``l``, and a sheet of formulas (issue 10, held-out round 10).

From the line where the document substitutes other numbers into the same definition
(``z = (2 \\cdot 0.6) + 0.1``), those are the example's numbers: its lines were judged at
the first sample's numbers and called wrong.  ``\\frac{\\partial l}{\\partial \\hat y}`` is
the loss ``Loss``, its initial.  ``s = sigmoid(z)`` followed by ``ds/dz = s(1-s)`` is a
function of one variable and its derivative, not lines about a network.

The fixture is ours (tests/fixtures/check/two_samples.md); every value is recomputed
here with mpmath or sympy, not by derive."""
from pathlib import Path

import mpmath as mp
import sympy as sp

from derive.check import check_document
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "two_samples.md"


def _sigmoid(z):
    return 1 / (1 + mp.e ** -z)


def test_the_fixtures_numbers():
    mp.mp.dps = 30
    assert abs(_sigmoid(mp.mpf("0.5")) - mp.mpf("0.6225")) < 5e-5
    assert abs((1 - mp.mpf("0.6225")) ** 2 - mp.mpf("0.1425")) < 5e-5
    z2 = 2 * mp.mpf("0.6") + mp.mpf("0.1")
    assert mp.almosteq(z2, mp.mpf("1.3")) and abs(_sigmoid(z2) - mp.mpf("0.7858")) < 5e-5
    assert abs(mp.mpf("0.7858") * mp.mpf("0.2142") - mp.mpf("0.1638")) > 1e-3  # line 27


def test_the_second_sample_is_judged_at_its_own_numbers():
    lines = statuses_by_line(check_document(str(FIXTURE)))
    for line in (7, 9, 11, 13, 15, 21, 23, 25):
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    assert lines[27] == ["correct", "correct", "wrong"], lines[27]


def test_the_loss_initial_is_said():
    report = check_document(str(FIXTURE))
    said = [m for v, m in zip(report.verdicts, report.messages()) if v.line == 13]
    assert "l read as the loss Loss" in said[0]


def test_a_sheet_of_formulas(tmp_path):
    z = sp.Symbol("z")
    s, t = 1 / (1 + sp.exp(-z)), sp.tanh(z)
    assert sp.simplify(sp.diff(s, z) - s * (1 - s)) == 0
    assert sp.simplify(sp.diff(t, z) - (1 - t ** 2)) == 0
    assert sp.simplify(sp.diff(t, z) - (1 - t)) != 0
    path = tmp_path / "sheet.md"
    path.write_text("## sigmoid\n$$ s = sigmoid(z) = \\frac{1}{1+\\exp(-z)} $$\n"
                    "$$ \\frac{ds}{dz} = s(1-s) $$\n\n"
                    "## tanh\n$$ t = tanh(z) $$\n$$ \\frac{dt}{dz} = 1-t $$\n\n"
                    "## loss\n$$ L = -(y \\log \\hat{y} + (1 - y)\\log(1 - \\hat{y})) $$\n"
                    "$$ \\frac{\\partial L}{\\partial \\hat{y}} = -\\frac{y}{\\hat{y}} "
                    "+ \\frac{1-y}{1-\\hat{y}} $$\n")
    report = check_document(str(path))
    lines = statuses_by_line(report)
    assert lines[3] == ["correct"] and lines[7] == ["wrong"], lines
    assert lines[11] == ["correct"], lines  # the loss, on the network derive assumes
    head = report.render_text().splitlines()[:4]
    assert any("the example of line 2" in h for h in head), head


def test_a_slip_in_a_weight_starts_no_other_example(tmp_path):
    """``z = 1 \\cdot 0.6`` after ``z = 1 \\cdot 0.5`` gives the weight another number (a
    slip, or the pass after an update), not another sample: the example's numbers read
    after it (v's) stay the example's."""
    path = tmp_path / "slip.md"
    path.write_text("$$z = x w$$\n\n$$z = 1 \\cdot 0.5 = 0.5$$\n\n$$z = 1 \\cdot 0.6 = 0.6$$\n\n"
                    "$$\\hat{y} = v z$$\n\n$$\\hat{y} = 2 \\cdot 0.5 = 1$$\n\n"
                    "$$L = (\\hat{y} - y)^2$$\n")
    report = check_document(str(path))
    givens = {str(k): v for k, v in report.network.graph.declared.givens.items()}
    assert givens == {"x": 1, "w": sp.Rational(1, 2), "v": 2}, givens
    assert report.network.graph.declared.examples == []
