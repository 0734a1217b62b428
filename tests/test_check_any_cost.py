"""A loss letter nothing defines, read as any cost of the outputs (anycost.py).

The fixture is our own (Nielsen's notation, a loss ``c`` left open).  Each line's
truth is decided here with sympy on a 2-3-2 sigmoid network whose loss is an
undefined function F(a_1, a_2): a chain-rule line linear in the derivatives of c is
correct exactly when it holds for that F, whatever F is."""
from pathlib import Path

import sympy as sp

from derive.check.checker import check_text
from derive.check.judge.anycost import degree
from derive.model.network import Network
from derive.model.symbols import COST, Partial

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "any_loss.md"


def _line_of(fragment, nth=0):
    lines = FIXTURE.read_text().splitlines()
    return [n for n, t in enumerate(lines, 1) if fragment == t.strip()][nth]


def _verdicts():
    report = check_text(FIXTURE.read_text(), Network([2, 3, 2]), "nielsen", kind="md",
                        name=str(FIXTURE))
    return {v.line: (v.status, msg) for v, msg in zip(report.verdicts, report.messages())}


def _sympy_truth():
    """{name: bool} for each planted or correct line, at j = 1, k = 1 (unit 0 here)."""
    x = sp.symbols("x0:2")
    w2 = sp.Matrix(3, 2, sp.symbols("u0:6"))
    b2 = sp.Matrix(sp.symbols("p0:3"))
    w3 = sp.Matrix(2, 3, sp.symbols("v0:6"))
    b3 = sp.Matrix(sp.symbols("q0:2"))
    sig = lambda s: 1 / (1 + sp.exp(-s))  # noqa: E731
    z2 = w2 * sp.Matrix(x) + b2
    a2 = z2.applyfunc(sig)
    z3 = w3 * a2 + b3
    a3 = z3.applyfunc(sig)
    o = sp.symbols("o0:2")  # the outputs as free variables, F of them
    F = sp.Function("F")(*o)
    dF = [sp.diff(F, oi) for oi in o]
    at = {oi: a3[i] for i, oi in enumerate(o)}

    def loss_d(var):  # ∂c/∂var = Σ_i F_i ∂a3_i/∂var, F_i taken at the outputs
        return sum(dF[i].subs(at) * sp.diff(a3[i], var) for i in range(2))

    sp1 = sig(z3[0]) * (1 - sig(z3[0]))
    dc_da3 = dF[0].subs(at)  # ∂c/∂a^L_1, a3_2 held fixed
    dc_dz3 = [dF[i].subs(at) * sig(z3[i]) * (1 - sig(z3[i])) for i in range(2)]
    # ∂c/∂a^{L-1}_1 with a2 as free variables
    h = sp.symbols("h0:3")
    z3h = w3 * sp.Matrix(h) + b3
    a3h = z3h.applyfunc(sig)
    ath = {oi: a3h[i] for i, oi in enumerate(o)}
    dc_dh0 = sum(dF[i].subs(ath) * sp.diff(a3h[i], h[0]) for i in range(2))
    dc_dz3h = [dF[i].subs(ath) * sig(z3h[i]) * (1 - sig(z3h[i])) for i in range(2)]

    def same(a, b):
        return sp.simplify(sp.expand(a - b)) == 0

    return {
        "dz": same(dF[0].subs(at) * sp1, loss_d(b3[0])),  # ∂c/∂z = ∂c/∂a σ'(z)
        "dw": same(loss_d(w3[0, 0]), dc_dz3[0] * a2[0]),
        "sum": same(dc_dh0, dc_dz3h[0] * w3[0, 0] + dc_dz3h[1] * w3[1, 0]),
        "db_dropped": same(loss_d(b3[0]), dc_da3),
        "dw_dropped": same(loss_d(w3[0, 0]), dc_da3 * a2[0]),
        "sum_swapped": same(dc_dh0, dc_dz3h[0] * w3[0, 0] + dc_dz3h[1] * w3[0, 1]),
    }


def test_lines_linear_in_the_loss_are_decided_for_every_loss():
    truth = _sympy_truth()
    got = _verdicts()
    lines = {
        "dz": r"$$\frac{\partial c}{\partial z^L_j} = \frac{\partial c}{\partial a^L_j} \sigma'(z^L_j)$$",
        "dw": r"$$\frac{\partial c}{\partial w^L_{jk}} = \frac{\partial c}{\partial z^L_j} a^{L-1}_k$$",
        "sum": r"$$\frac{\partial c}{\partial a^{L-1}_k} = \sum_j \frac{\partial c}{\partial z^L_j} w^L_{jk}$$",
        "db_dropped": r"$$\frac{\partial c}{\partial b^L_j} = \frac{\partial c}{\partial a^L_j}$$",
        "dw_dropped": r"$$\frac{\partial c}{\partial w^L_{jk}} = \frac{\partial c}{\partial a^L_j} a^{L-1}_k$$",
        "sum_swapped": r"$$\frac{\partial c}{\partial a^{L-1}_k} = \sum_j \frac{\partial c}{\partial z^L_j} w^L_{kj}$$",
    }
    for key, text in lines.items():
        status, msg = got[_line_of(text)]
        assert status == ("correct" if truth[key] else "wrong"), (key, status, msg)
        assert "read as any cost of the outputs" in msg
    assert not truth["db_dropped"] and truth["dz"]  # the fixture plants both kinds
    # the dropped factor is named, and no expected value of the network's own cost is shown
    status, msg = got[_line_of(lines["db_dropped"])]
    assert "is missing" in msg and "\\sigma'" in msg


def test_lines_that_fix_the_loss_stay_unknown():
    got = _verdicts()
    for text in (r"$$\frac{\partial c}{\partial b^L_j} = 1$$",
                 r"$$\frac{\partial c}{\partial a^L_j} = a^L_j - y_j$$",
                 r"$$\frac{\partial c}{\partial z^L_j} = \left(\frac{\partial c}{\partial a^L_j}\right)^2 \sigma'(z^L_j)$$"):
        status, msg = got[_line_of(text)]
        assert status == "unknown" and "nothing in the document" in msg, (text, msg)


def test_degree():
    a, b = sp.symbols("a b")
    d1, d2 = Partial(COST, a), Partial(COST, b)
    assert degree(d1 * a + d2 * sp.exp(b)) == 1
    assert degree(sp.Integer(1)) == 0
    assert degree(d1 ** 2) is None and degree(d1 * d2) is None
    assert degree(d1 + COST) is None and degree(d1 + 1) is None
    assert degree(d1 ** 2 / d2) is None


def test_plain_text_chain_rule_with_an_open_loss():
    """∂L/∂z beside ∂ŷ/∂z: the z is a layer's weighted input, as on the right side.
    By hand: L depends on z only through ŷ, so ∂L/∂z = ∂L/∂ŷ ∂ŷ/∂z for every L; without
    ∂ŷ/∂z = σ'(z) ≠ 1 it is not."""
    path = FIXTURE.parent / "any_loss_plain.txt"
    report = check_text(path.read_text(), Network([1, 1, 1]), "nielsen", kind="txt", name=str(path))
    got = {v.line: (v.status, msg) for v, msg in zip(report.verdicts, report.messages())}
    assert got[3][0] == "correct" and "read as any cost of the outputs" in got[3][1], got[3]
    assert got[7][0] != "correct", got[7]
