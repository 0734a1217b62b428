"""Names of a document's own forward pass as people type them: ``a_n1`` (one letter, a
subscript of two characters), ``dLT/da_p1`` (d-notation in $$…$$), ``exp(-n1)`` without
the backslash, and ``δ_3`` for the error term of the weighted input ``z_3``.  Fixtures are
ours; the claims they make are checked here with sympy on the composed loss."""
from pathlib import Path

import sympy as sp

from derive.check import check_document

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def _report(name):
    report = check_document(str(FIXTURES / name))
    return report, list(zip(report.verdicts, report.messages()))


def test_the_fixtures_claims_hold_or_fail_as_labelled():
    x1, x2, y1, y2 = sp.symbols("x1 x2 y1 y2")
    v1, v2, v3, v4, u1, u2, u3, u4 = sp.symbols("v1:5 u1:5")

    def s(t):
        return 1 / (1 + sp.exp(-t))
    an1, an2 = s(v1 * x1 + v2 * x2), s(v3 * x1 + v4 * x2)
    ap1, ap2 = s(u1 * an1 + u2 * an2), s(u3 * an1 + u4 * an2)
    lt = (y1 - ap1) ** 2 / 2 + (y2 - ap2) ** 2 / 2
    at = dict(zip((x1, x2, y1, y2, v1, v2, v3, v4, u1, u2, u3, u4),
                  (0.3, -0.7, 0.2, 0.9, 0.5, -0.4, 0.1, 0.8, -0.6, 0.7, 0.3, -0.2)))
    grad_u1 = sp.diff(lt, u1).subs(at)
    assert abs(grad_u1 - ((ap1 - y1) * ap1 * (1 - ap1) * an1).subs(at)) < 1e-12
    # dLT/dv1 through L1 alone misses L2's path: the two differ
    only_l1 = sp.diff((y1 - ap1) ** 2 / 2, v1).subs(at)
    assert abs(sp.diff(lt, v1).subs(at) - only_l1) > 1e-3


def test_d_notation_and_names_with_a_one_letter_stem_are_read():
    report, steps = _report("graph_d_notation.md")
    assert report.counts() == {"correct": 18, "wrong": 2, "unknown": 0, "unparsed": 0}
    ticked = {v.source for v, _ in steps if v.status == "correct"}
    assert "dLT/da_p1 = dL1/da_p1 + dL2/da_p1" in ticked and "= 1/(1+exp(-n1))" in ticked


def test_an_extra_term_of_the_line_itself_is_named():
    _, steps = _report("graph_d_notation.md")
    wrong = {v.source: m for v, m in steps if v.status == "wrong"}
    assert wrong["dLT/da_p2 = dL1/da_p1 + dL2/da_p2"].endswith(
        r"there is an extra term $\frac{\partial L_{1}}{\partial a_{p1}}$")
    assert "is missing" in wrong["dLT/dv1 = (dL1/da_n1)*(da_n1/dn1)*(dn1/dv1)"]


def test_a_delta_numbered_like_its_weighted_input():
    x1, x2, y = sp.symbols("x1 x2 y")
    w11, w12, w13, w21, w22, w23, b1, b2, b3 = sp.symbols("w11 w12 w13 w21 w22 w23 b1 b2 b3")
    z3 = sp.Symbol("z3")
    yhat = 1 / (1 + sp.exp(-z3))
    loss = -(y * sp.log(yhat) + (1 - y) * sp.log(1 - yhat))
    assert sp.simplify(sp.diff(loss, z3) - (yhat - y)) == 0  # δ_3 = ŷ − y
    report, steps = _report("graph_numbered_deltas.md")
    got = {v.source: (v.status, m) for v, m in steps}
    assert got[r"\delta_3 = \hat{y} - y"][0] == "correct"
    assert "read as the error term of $z_{3}$" in got[r"\delta_3 = \hat{y} - y"][1]
    assert got[r"\delta_1 = w_{13}\delta_3 \cdot \sigma'(z_1)"][0] == "correct"
    status, message = got[r"\delta_2 = w_{13}\delta_3 \cdot \sigma'(z_2)"]
    assert status == "wrong" and "$w_{13}$ is written where $w_{23}$ was meant" in message


def test_a_primed_prediction_a_product_with_the_input_and_a_sum_over_one_output():
    """{y}' = σ(s_2) names the prediction y' (a forward pass has no derivatives),
    xw_{1} is x times w_1, and ½Σ(y − y')² with no index sums over the one output."""
    report, steps = _report("graph_primed_output.md")
    header = report.render_text().splitlines()[0]
    assert "cost L, parameters c, w1, w2" in header and "lines 3, 5" in header
    got = {v.source: (v.status, m) for v, m in steps}
    assert got[r"\frac{\partial L }{\partial {y}'} = ({y}'-y)"][0] == "correct"
    assert got[r"\frac{\partial L}{\partial w_{2}} = h\times {y}'(1-{y}')\times ({y}'-y)"][0] == "correct"
    assert got[r"\frac{\partial {y}' }{\partial s_2} = {y}'(1+{y}')"][0] == "wrong"
    status, message = got[r"\frac{\partial L}{\partial w_{1}} = x\times h(1-h)\times {y}'(1-{y}')\times ({y}'-y)"]
    assert status == "wrong" and "a factor $w_{2}$ is missing" in message
    # the same derivatives by sympy on the composed loss
    x, c, w1, w2, y = sp.symbols("x c w1 w2 y")
    h = 1 / (1 + sp.exp(-(x * w1 + c)))
    yp = 1 / (1 + sp.exp(-(h * w2 + c)))
    loss = (y - yp) ** 2 / 2
    at = {x: 0.7, c: 0.1, w1: -0.4, w2: 0.9, y: 0.3}
    claimed = (x * h * (1 - h) * yp * (1 - yp) * (yp - y)).subs(at)
    assert abs(sp.diff(loss, w1).subs(at) - claimed * w2.subs(at)) < 1e-12
    assert abs(sp.diff(loss, w1).subs(at) - claimed) > 1e-3
