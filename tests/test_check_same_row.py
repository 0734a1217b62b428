"""A case written on its claim's own row (`… = p_i(1 - p_i), \\quad i = j`) and one
example's cost written C_0: both as a reader takes them.  Truth from sympy."""
import sympy as sp

from derive.check import check_document

SOFTMAX = r"""$$p_j = \frac{e^{o_j}}{\sum_k e^{o_k}}$$

$$L = -\sum_j y_j \log p_j$$

$$\frac{\partial p_j}{\partial o_i} = p_i(1 - p_i),\quad i = j$$

$$\frac{\partial p_j}{\partial o_i} = -p_i p_j,\quad i \neq j$$

$$\frac{\partial p_j}{\partial o_i} = p_i(1 + p_i),\quad i = j$$
"""


def _softmax_truth():
    o = sp.symbols("o1:4")
    p = [sp.exp(x) / sum(sp.exp(v) for v in o) for x in o]
    same = sp.simplify(sp.diff(p[0], o[0]) - p[0] * (1 - p[0])) == 0
    other = sp.simplify(sp.diff(p[1], o[0]) + p[0] * p[1]) == 0
    plus = sp.simplify(sp.diff(p[0], o[0]) - p[0] * (1 + p[0])) == 0
    return ["correct" if t else "wrong" for t in (same, other, plus)]


def test_a_case_on_the_claims_own_row(tmp_path):
    path = tmp_path / "softmax.md"
    path.write_text(SOFTMAX)
    report = check_document(str(path))
    got = [v.status for v in report.verdicts if v.line in (5, 7, 9)]
    assert got == _softmax_truth() == ["correct", "correct", "wrong"]
    assert "judged only where" in report.render_text()


def test_one_examples_cost_with_a_subscript_is_the_cost(tmp_path):
    path = tmp_path / "c0.md"
    path.write_text("$C_0 = (a^{(L)} - y)^2$\n\n$z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}$\n\n"
                    "$a^{(L)} = \\sigma(z^{(L)})$\n\n"
                    "$\\frac{\\partial C_0}{\\partial a^{(L)}} = 2(a^{(L)} - y)$\n\n"
                    "$\\frac{\\partial C_0}{\\partial a^{(L)}} = a^{(L)} - y$\n")
    a, y = sp.symbols("a y")
    slope = sp.diff((a - y) ** 2, a)
    truth = ["correct" if sp.simplify(slope - c) == 0 else "wrong" for c in (2 * (a - y), a - y)]
    report = check_document(str(path))
    assert [v.status for v in report.verdicts if v.line in (7, 9)] == truth == ["correct", "wrong"]
    assert "squared-error cost" in report.render_text().splitlines()[0]
