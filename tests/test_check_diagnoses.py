"""Diagnoses name the real error (issue 10): a sign flip, a missing or extra factor by
what it is (∂out/∂net, ∂net/∂out), the derivative of the wrong function, a missing sum
over paths, and a right product of wrong factors.

The fixtures are our own, in the blog style (net/out names, the network declared by
the document) and in Nielsen's notation with a softmax output.  Which error each
planted line has is written here by hand, not taken from derive."""
from pathlib import Path

from derive.check.checker import check_text, declared_network
from derive.model.network import Network

FIXTURES = Path(__file__).parent / "fixtures" / "check"
NETOUT = FIXTURES / "diagnoses_netout.md"
SOFTMAX = FIXTURES / "softmax_factors.md"


def _line_of(path, fragment, nth=0):
    return [n for n, t in enumerate(path.read_text().splitlines(), 1) if fragment in t][nth]


def _steps(report):
    out = {}
    for v, msg in zip(report.verdicts, report.messages()):
        out.setdefault(v.line, []).append((v.status, v.diagnosis or v.code, msg))
    return out


def _netout():
    return _steps(check_text(NETOUT.read_text(), declared_network(NETOUT), "nielsen", kind="md",
                             name=str(NETOUT)))


def test_correct_lines_stay_correct():
    steps = _netout()
    for fragment in ("= -(target_{o1} - out_{o1})", "= out_{o1}(1 - out_{o1})",
                     "out_{o1}(1 - out_{o1}) \\, out_{h1}", "+ \\frac{\\partial E_{total}}{\\partial net_{o2}}"):
        line = _line_of(NETOUT, fragment)
        assert [s for s, _, _ in steps[line]] == ["correct"], (fragment, steps[line])


def test_a_sign_flip_is_named_with_its_cause():
    steps = _netout()
    status, code, msg = steps[_line_of(NETOUT, "= target_{o1} - out_{o1}")][0]
    assert (status, code) == ("wrong", "inner_derivative")
    assert "the sign is flipped" in msg and "= -1" in msg
    # |t − o| is o − t where t < o and t − o elsewhere: a flip at some points only
    status, code, msg = steps[_line_of(NETOUT, "\\left|target_{o1}")][0]
    assert (status, code) == ("wrong", "absolute_value")
    assert "the sign is flipped wherever" in msg


def test_a_missing_factor_is_named_by_what_it_is():
    steps = _netout()
    status, code, msg = steps[_line_of(NETOUT, "(out_{o1} - target_{o1}) \\, out_{h1}")][0]
    assert (status, code) == ("wrong", "missing_factor")
    assert ("a factor $out_{o1} \\left(1 - out_{o1}\\right)$ is missing: the chain rule's factor "
            "$\\frac{\\partial out_{o1}}{\\partial net_{o1}}$") in msg


def test_an_extra_factor_is_named_by_what_it_is():
    steps = _netout()
    status, code, msg = steps[_line_of(NETOUT, "\\, w_5 \\, out_{h1}")][0]
    assert (status, code) == ("wrong", "extra_factor")
    assert "an extra factor $w_{5}$: $\\frac{\\partial net_{o1}}{\\partial out_{h1}}$, a step" in msg


def test_the_derivative_of_the_wrong_function_in_the_documents_own_network():
    steps = _netout()
    status, code, msg = steps[_line_of(NETOUT, "out_{o1}(1 + out_{o1})")][0]
    assert (status, code) == ("wrong", "activation_derivative")
    assert "which is $out_{o1} \\left(1 - out_{o1}\\right)$" in msg


def test_a_missing_path_of_the_chain_rule_is_named():
    steps = _netout()
    lines = [n for n, t in enumerate(NETOUT.read_text().splitlines(), 1)
             if t.strip().endswith("\\frac{\\partial net_{o1}}{\\partial out_{h1}}")]
    status, code, msg = steps[lines[-1]][0]
    assert (status, code) == ("wrong", "missing_sum")
    assert "$net_{o1}$, $net_{o2}$" in msg and "the sum over units is missing" in msg


def _softmax():
    net = Network([2, 3], activation="softmax", cost="log-likelihood")
    return _steps(check_text(SOFTMAX.read_text(), net, "nielsen", kind="md", name=str(SOFTMAX)))


def test_softmax_the_sum_over_outputs():
    steps = _softmax()
    right = steps[_line_of(SOFTMAX, "\\sum_k \\frac{\\partial C}")]
    assert [s for s, _, _ in right] == ["correct", "correct"]
    status, code, msg = steps[_line_of(SOFTMAX, "\\left(-\\frac{y_j}")][0]
    assert (status, code) == ("wrong", "missing_sum")


def test_a_right_product_of_wrong_factors_is_wrong():
    # (−y/a + (1−y)/(1−a)) · a(1−a) = a − y, the right value for softmax with −Σ y ln a,
    # but −y/a + (1−y)/(1−a) is the binary cross-entropy's ∂C/∂a, not this cost's −y/a
    steps = _softmax()
    status, code, msg = steps[_line_of(SOFTMAX, "\\left(-\\frac{y_j}")][1]
    assert (status, code) == ("wrong", "wrong_factors")
    assert "the product is right, but not its factors" in msg
    assert "(which is $- \\frac{y_{1}}{a^{(2)}_{1}}$)" in msg


def test_a_right_product_of_right_factors_stays_correct():
    text = SOFTMAX.read_text()
    net = Network([1, 1], activation="sigmoid", cost="cross-entropy")
    one = text.replace("_j", "").replace("_k", "").replace("\\sum ", "")
    steps = _steps(check_text(one, net, "nielsen", kind="md"))
    line = _line_of(SOFTMAX, "\\left(-\\frac{y_j}")
    assert [s for s, _, _ in steps[line]] == ["correct", "correct"], steps[line]


def test_the_forgotten_half_of_the_documents_own_cost_is_named():
    steps = _netout()
    status, code, msg = steps[_line_of(NETOUT, "= 2(out_{o1} - target_{o1})")][0]
    assert (status, code) == ("wrong", "constant_factor")
    assert "is the $\\frac{1}{2}$ of the cost forgotten?" in msg


def test_a_derivative_that_is_one_needs_no_written_factor():
    # ∂z/∂b = 1 is not written: (a − y) a(1 − a) is still ∂C/∂a · ∂a/∂z · ∂z/∂b
    text = (r"$$\frac{\partial C}{\partial b^{(2)}} = \frac{\partial C}{\partial a^{(2)}} "
            r"\frac{\partial a^{(2)}}{\partial z^{(2)}} \frac{\partial z^{(2)}}{\partial b^{(2)}} "
            r"= (a^{(2)} - y) a^{(2)} (1 - a^{(2)})$$")
    report = check_text(text, Network([1, 1]), "nielsen", kind="md")
    assert [v.status for v in report.verdicts] == ["correct", "correct"]
    # the same product as (a² − y a)(1 − a): neither factor is ∂C/∂a or ∂a/∂z
    bad = text.replace("= (a^{(2)} - y) a^{(2)} (1 - a^{(2)})",
                       r"= ((a^{(2)})^2 - y a^{(2)}) (1 - a^{(2)})")
    report = check_text(bad, Network([1, 1]), "nielsen", kind="md")
    assert [v.status for v in report.verdicts] == ["correct", "wrong"]
    assert report.verdicts[1].code == "wrong_factors"
