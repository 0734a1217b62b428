"""A derivative taken with respect to the wrong variable, and a function evaluated at
the wrong quantity, are named as such (wrongvar.py).

The fixture is our own, in the blog style (net/out names, the network declared by the
document).  Which line is right and which is wrong is decided here with sympy on the
forward pass written out, not taken from derive."""
from pathlib import Path

import sympy as sp

from derive.check.checker import check_text, declared_network

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "wrong_variable.md"


def _line_of(fragment, nth=0):
    return [n for n, t in enumerate(FIXTURE.read_text().splitlines(), 1)
            if t.strip() == fragment][nth]


def _steps():
    report = check_text(FIXTURE.read_text(), declared_network(FIXTURE), "nielsen", kind="md",
                        name=str(FIXTURE))
    return {v.line: (v.status, v.diagnosis, msg) for v, msg in zip(report.verdicts, report.messages())}


def _truth():
    i1, i2, w1, w2, w3, b1, b2 = sp.symbols("i1 i2 w1 w2 w3 b1 b2")
    sig = lambda s: 1 / (1 + sp.exp(-s))  # noqa: E731
    h = sp.Symbol("h")  # out_h as a variable, for ∂out_o/∂out_h
    net_h = w1 * i1 + w2 * i2 + b1
    out_h = sig(net_h)
    net_o = w3 * h + b2
    out_o = sig(net_o)
    d_out_h = sp.diff(out_o, h)
    d_net_h = sp.diff(out_o.subs(h, out_h), b1)  # b1 moves net_h one for one

    def same(a, b):
        return sp.simplify(a - b) == 0

    return {
        "d_out_h": same(d_out_h, out_o * (1 - out_o) * w3),
        "d_net_h": same(d_net_h, (out_o * (1 - out_o) * w3).subs(h, out_h) * out_h * (1 - out_h)),
        "wrong_argument": same(out_o, sig(h)),
        "wrong_variable": same(d_out_h, out_o * (1 - out_o)),
    }


def test_right_lines_and_planted_slips():
    truth = _truth()
    assert truth["d_out_h"] and truth["d_net_h"]
    assert not truth["wrong_argument"] and not truth["wrong_variable"]
    steps = _steps()
    for text in (r"$$\frac{\partial out_{o}}{\partial out_{h}} = out_{o}(1 - out_{o}) w_3$$",
                 r"$$\frac{\partial out_{o}}{\partial net_{h}} = out_{o}(1 - out_{o}) w_3 out_{h}(1 - out_{h})$$"):
        assert steps[_line_of(text)][0] == "correct", steps[_line_of(text)]


def test_the_wrong_quantity_is_named():
    steps = _steps()
    status, code, msg = steps[_line_of(r"$$out_{o} = \frac{1}{1+e^{-out_{h}}}$$")]
    assert (status, code) == ("wrong", "wrong_argument")
    assert "$out_{h}$ is written where $net_{o}$ was meant" in msg


def test_the_wrong_variable_is_named():
    steps = _steps()
    status, code, msg = steps[_line_of(r"$$\frac{\partial out_{o}}{\partial out_{h}} = out_{o}(1 - out_{o})$$")]
    assert (status, code) == ("wrong", "wrong_variable")
    assert "with respect to $net_{o}$, not $out_{h}$" in msg
    assert r"factor $\frac{\partial net_{o}}{\partial out_{h}}$ is missing" in msg
