"""A chain of one neuron per layer with its layers as subscripts (``z_L = w_L*a_{L-1}``,
3Blue1Brown's chain as Q&A questions write it), a loss named with a word (``Err``) and
fractions that leave out the numerator's d (``\\frac{Err}{dw_L}``).

The fixture is ours (tests/fixtures/check/chain_subscript_layers.md); which of its lines
hold is decided here by sympy.diff of the composed cost, not by derive."""
from pathlib import Path

import sympy as sp

from derive.check import check_document
from check_support import statuses_by_line

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "chain_subscript_layers.md"


def _truth():
    """∂Err/∂w_{L-1} and ∂Err/∂a_{L-1} of Err = (σ(w_L σ(w_{L-1} a_{L-2})) - y)², by sympy."""
    x, w1, w2, y = sp.symbols("x w1 w2 y")
    s = lambda t: 1 / (1 + sp.exp(-t))  # noqa: E731
    a1 = s(w1 * x)
    a2 = s(w2 * a1)
    err = (a2 - y) ** 2
    ds = lambda t: s(t) * (1 - s(t))  # noqa: E731
    pt = {x: sp.Rational(3, 7), w1: sp.Rational(-5, 4), w2: sp.Rational(2, 3), y: sp.Rational(1, 5)}
    right = ds(w1 * x) * x * w2 * ds(w2 * a1) * 2 * (a2 - y)  # line 15 of the fixture
    slip = x * ds(w1 * x) * ds(w2 * a1) * w2  # line 19
    sign = w2 * ds(w2 * a1) * 2 * (y - a2)  # line 21
    dw1 = sp.diff(err, w1)
    a = sp.Symbol("a")
    da1 = sp.diff((s(w2 * a) - y) ** 2, a).subs(a, a1)
    return [sp.N((e - t).subs(pt)) for e, t in ((right, dw1), (slip, dw1), (sign, da1))]


def test_the_fixtures_lines_are_what_its_comments_say():
    right, slip, sign = _truth()
    assert abs(right) < 1e-12 and abs(slip) > 1e-3 and abs(sign) > 1e-3


def test_subscripted_layers_of_one_neuron_each_are_read_as_the_chain_they_are():
    report = check_document(str(FIXTURE))
    head = report.render_text().splitlines()[0]
    assert "1-1-1 network" in head and "squared-error" in head and "no bias" in head
    lines = statuses_by_line(report)
    # the cost's and the weighted input's definitions are what the network was read from
    assert {3, 5} <= {t["line"] for t in report.not_claims}
    for line in (7, 11, 13, 15):
        assert set(lines[line]) == {"correct"}, (line, lines[line])
    assert lines[19] == ["wrong"] and lines[21] == ["wrong"], lines


def test_the_readings_and_the_diagnoses_are_said():
    report = check_document(str(FIXTURE))
    msgs = {v.line: m for v, m in zip(report.verdicts, report.messages())}
    assert "Err the cost" in msgs[11] and "missing $d$" in msgs[11]
    assert "a factor $2 \\left(a^{(3)} - y\\right)$ is missing" in msgs[19]
    assert "sign" in msgs[21]


def test_a_capital_w_stays_a_matrix_layer(tmp_path):
    """W_l a_{l-1} is a layer of vectors: one unit per layer proves nothing there."""
    doc = tmp_path / "matrix.md"
    doc.write_text("$$z_l = W_l a_{l-1} + b_l$$\n\n$$a_l = \\sigma(z_l)$$\n\n"
                   "$$\\frac{\\partial C}{\\partial W_l} = \\delta_l a_{l-1}$$\n")
    lines = statuses_by_line(check_document(str(doc)))
    assert lines[5] != ["correct"], lines
