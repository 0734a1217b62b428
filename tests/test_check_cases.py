"""Case splits ("If $j = k$", "If $j \\ne k$"): the lines after a case sentence are
judged only at index values in that case (read.cases), and a line that holds in one
case only says so.  Expected verdicts come from sympy on a softmax of 3 units (so
that j ≠ k exists), never from derive."""
import itertools
from pathlib import Path

import pytest
import sympy as sp

from derive.check.checker import check_text
from derive.model.network import Network

FIX = Path(__file__).parent / "fixtures" / "check"
N = 3
Z = sp.symbols("z1:4")
A = [sp.exp(z) / sum(sp.exp(w) for w in Z) for z in Z]

# each claim of the fixtures as a function of (j, k), 0-based, in sympy
JACOBIAN = {
    "diag": lambda j, k: A[j] * (1 - A[j]),
    "off": lambda j, k: -A[j] * A[k],
    "off_sign": lambda j, k: A[j] * A[k],
    "mixed": lambda j, k: A[j] * (1 - A[k]),
    "delta": lambda j, k: A[j] * ((1 if j == k else 0) - A[k]),
}


def holds(claim, case):
    """sympy: whether ∂a_j/∂z_k equals the claim at every (j, k) of ``case``."""
    for j, k in itertools.product(range(N), repeat=2):
        if case == "eq" and j != k or case == "ne" and j == k:
            continue
        if sp.simplify(sp.diff(A[j], Z[k]) - JACOBIAN[claim](j, k)) != 0:
            return False
    return True


def _report(name):
    net = Network("2-3", "softmax", "log-likelihood", True)
    return check_text((FIX / name).read_text(), net, "nielsen", kind="md", name=name)


def _status(report):
    return {v.line: v.status for v in report.verdicts}


def test_the_sympy_oracle_can_tell_the_cases_apart():
    assert holds("diag", "eq") and not holds("diag", None)
    assert holds("off", "ne") and not holds("off", None)
    assert not holds("off_sign", "ne") and not holds("mixed", None)
    assert holds("delta", None)


BLOG = {7: ("diag", "eq"), 11: ("off", "ne"), 13: ("off_sign", "ne"), 17: ("mixed", None),
        21: ("diag", None)}


@pytest.mark.parametrize("line", sorted(BLOG))
def test_blog_lines_are_judged_in_their_case(line):
    claim, case = BLOG[line]
    expected = "correct" if holds(claim, case) else "wrong"
    assert _status(_report("softmax_cases_blog.md"))[line] == expected


def test_a_line_judged_in_its_case_says_so():
    report = _report("softmax_cases_blog.md")
    text = report.render_text()
    by_line = {v.line: v for v in report.verdicts}
    assert ("in_case" in {c for c, _ in by_line[7].notes}
            and dict(dict(by_line[7].notes)["in_case"])["equal"] is True)
    assert dict(dict(by_line[11].notes)["in_case"])["equal"] is False
    assert "in_case" not in {c for c, _ in by_line[17].notes}  # "In both cases" ends it
    assert "judged only where $j = k$" in text and "judged only where $j \\ne k$" in text


def test_a_line_true_in_one_case_only_is_wrong_and_names_its_case():
    report = _report("softmax_cases_blog.md")
    v = {v.line: v for v in report.verdicts}[21]
    assert v.status == "wrong"
    assert dict(dict(v.notes)["only_in_case"]) == {"a": "j", "b": "k", "equal": True}
    # a_j(1 - a_k) is the diagonal a_j(1 - a_j) too: wrong, and true where j = k only
    assert holds("mixed", "eq") and not holds("mixed", "ne")
    mixed = {v.line: v for v in report.verdicts}[17]
    assert dict(dict(mixed.notes)["only_in_case"])["equal"] is True
    sign = {v.line: v for v in report.verdicts}[13]  # judged in its case: no such note
    assert not holds("off_sign", "eq") and "only_in_case" not in {c for c, _ in sign.notes}


QA = {4: "cases", 8: "delta", 12: "mixed"}


def test_qa_cases_environment_and_kronecker_delta():
    got = _status(_report("softmax_cases_qa.md"))
    assert holds("diag", "eq") and holds("off", "ne")
    assert got[4] == "correct"
    assert got[8] == ("correct" if holds("delta", None) else "wrong")
    assert got[12] == ("correct" if holds("mixed", None) else "wrong")


def test_qa_chain_rule_needs_its_sum_over_the_outputs():
    # C = -Σ y_j log a_j: ∂C/∂z_k = a_k - y_k by sympy; the chain rule without Σ_j is not
    y = sp.symbols("y1:4")
    C = -sum(yj * sp.log(aj) for yj, aj in zip(y, A))
    one = {y[2]: 1 - y[0] - y[1]}  # targets that sum to one (a distribution)
    for k in range(N):
        assert sp.simplify((sp.diff(C, Z[k]) - (A[k] - y[k])).subs(one)) == 0
    dCda = [sp.diff(-sum(yj * sp.log(sp.Symbol(f"a{j}")) for j, yj in enumerate(y)),
                    sp.Symbol(f"a{k}")).subs({sp.Symbol(f"a{i}"): A[i] for i in range(N)})
            for k in range(N)]
    no_sum = dCda[0] * sp.diff(A[0], Z[0])
    assert sp.simplify((no_sum - sp.diff(C, Z[0])).subs(one)) != 0
    got = _status(_report("softmax_cases_qa.md"))
    assert got[16] == "correct" and got[18] == "wrong" and got[20] == "correct"
