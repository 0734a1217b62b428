"""Bar notation for error signals, \\bar{v} = ∂L/∂v (read/adjoint.py), and a forward
pass written on one line.

The fixtures are our own, in the style of flash cards on computation graphs.  Each
line's truth is decided here with sympy on the forward pass, not taken from derive."""
from pathlib import Path

import sympy as sp

from derive.check.checker import check_text, declared_network
from derive.check.read.adjoint import adjoint_names

FIXTURES = Path(__file__).parent / "fixtures" / "check"
SIGNALS = FIXTURES / "bar_signals.md"
MEANS = FIXTURES / "bar_means.md"


def _steps(path):
    network = declared_network(path)
    report = check_text(path.read_text(), network, "nielsen", kind="md", name=str(path))
    return report, {(v.line, v.source): (v.status, v.diagnosis, msg)
                    for v, msg in zip(report.verdicts, report.messages())}


def _truth():
    v, s, c, g = sp.symbols("v s c g")
    u = v * s + c
    r = sp.tanh(u)
    L = (r - g) ** 2 / 2
    U = sp.Symbol("U")  # u as a variable, for ∂L/∂u
    L_of_u = L.subs(u, U) if False else ((sp.tanh(U) - g) ** 2 / 2)
    rbar = r - g
    ubar = sp.diff(L_of_u, U).subs(U, u)

    def same(a, b):
        return sp.simplify(a - b) == 0

    return {
        "ubar": same(ubar, rbar * (1 - r ** 2)),
        "vbar": same(sp.diff(L, v), ubar * s),
        "cbar": same(sp.diff(L, c), ubar),
        "ubar_slip": same(ubar, rbar),
        "vbar_slip": same(sp.diff(L, v), ubar * c),
    }


def test_error_signals_are_checked_as_derivatives():
    truth = _truth()
    assert truth["ubar"] and truth["vbar"] and truth["cbar"]
    assert not truth["ubar_slip"] and not truth["vbar_slip"]
    report, steps = _steps(SIGNALS)
    assert report.network.describe()["cost"] == "L"  # the one-line forward pass is the network
    by_source = {}
    for (line, src), got in steps.items():
        by_source.setdefault(src.replace(" ", ""), []).append((line, got))
    correct = [r"\bar{r}=r-g", r"\bar{u}=\bar{r}(1-r^{2})", r"\bar{v}=\bar{u}s", r"\bar{c}=\bar{u}"]
    for src in correct:
        (line, (status, _, msg)), = [x for x in by_source[src] if x[0] < 12]
        assert status == "correct", (src, msg)
        assert "read as the error signal" in msg
    for src in (r"\bar{u}=\bar{r}", r"\bar{v}=\bar{u}c"):
        (line, (status, code, msg)), = by_source[src]
        assert status == "wrong", (src, msg)
    (_, (_, code, msg)), = by_source[r"\bar{u}=\bar{r}"]
    assert code == "missing_factor", msg


def test_bars_that_are_means_stay_names():
    text = MEANS.read_text()
    assert adjoint_names(text, ["x", "y", "z", "a"]) == set()  # no backward recursion
    report, steps = _steps(MEANS)
    for (line, src), (status, _, msg) in steps.items():
        assert "error signal" not in msg, (src, msg)
        assert status != "wrong", (src, msg)
