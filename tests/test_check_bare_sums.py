"""``\\sum e^{z}``: a sum with no index over a whole layer's quantity is the sum over its
units, and a name nothing defines (``o_b`` where o_j is defined with another index letter the
document also uses for a bias) is never compared as a random number.  Our fixtures; the
softmax derivative is checked with sympy."""
from pathlib import Path

import sympy as sp

from derive.check import check_document

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def test_the_quotient_rule_steps_by_sympy():
    zp, zq, zr = sp.symbols("z_p z_q z_r")
    s = sp.exp(zp) + sp.exp(zq) + sp.exp(zr)
    oq = sp.exp(zq) / s
    assert sp.simplify(sp.diff(oq, zq) - (sp.exp(zq) / s - sp.exp(zq) ** 2 / s ** 2)) == 0
    assert sp.simplify(sp.diff(oq, zq) - (sp.exp(zq) / s + sp.exp(zq) ** 2 / s ** 2)) != 0


def test_a_bare_sum_runs_over_the_layers_units():
    report = check_document(str(FIXTURES / "softmax_bare_sums.md"))
    got = [(v.line, v.status) for v in report.verdicts]
    assert got == [(1, "correct"), (3, "correct"), (7, "correct"), (7, "correct"),
                   (9, "correct"), (9, "correct"), (11, "wrong")]
    assert "read as the sum over its units" in report.messages()[2]


def test_a_name_nothing_defines_is_not_compared(tmp_path):
    path = tmp_path / "free.md"
    path.write_text("$$z_j=\\sum_i w_{ij}o_i+b$$\n\n$$o_j=\\frac{e^{z_j}}{\\sum_k e^{z_k}}$$\n\n"
                    "$$o_b=\\frac{e^{z_b}}{\\sum e^{z}}=\\frac{e^{z_b}}{e^{z_a}+e^{z_b}+e^{z_c}}$$\n")
    report = check_document(str(path))
    last = [(v.status, v.code) for v in report.verdicts if v.line == 5]
    assert last[0] == ("unknown", "free_name")
    assert all(status != "wrong" for status, _ in last)
