"""Generic activations f, g that a document never fixes are proved symbolically
(judge/generic.py).

The fixture is our own, in the style of course notes that leave the activations open.
Each line's truth is decided here with sympy.diff of the composed error, f and g
undefined functions, independently of derive's reading."""
from pathlib import Path

import sympy as sp

import json

from click.testing import CliRunner

from derive.command.cli import cli

FIXTURE = Path(__file__).parent / "fixtures" / "check" / "generic_functions.md"


def _line_of(fragment):
    return [n for n, t in enumerate(FIXTURE.read_text().splitlines(), 1) if t.strip() == fragment][0]


def _run():
    r = CliRunner().invoke(cli, ["--check", str(FIXTURE), "--format", "json"])
    return json.loads(r.stdout)


def _steps():
    return {s["line"]: (s["status"], s.get("diagnosis"), s["message"]) for s in _run()["steps"]}


def _truth():
    x1, x2, v11, v21, v12, v22, c1, c2, y = sp.symbols("x1 x2 v11 v21 v12 v22 c1 c2 y")
    f, g = sp.Function("f"), sp.Function("g")
    p1, p2 = g(x1 * v11 + x2 * v21), g(x1 * v12 + x2 * v22)
    A = p1 * c1 + p2 * c2
    E = (f(A) - y) ** 2 / 2
    u = sp.Symbol("u")
    fp = sp.diff(f(u), u).subs(u, A)
    gp = sp.diff(g(u), u).subs(u, x1 * v11 + x2 * v21)

    def same(a, b):
        return sp.simplify((a - b).doit()) == 0

    dc1, dv11 = sp.diff(E, c1), sp.diff(E, v11)
    return {
        "c1": same(dc1, (f(A) - y) * fp * p1),
        "v11": same(dv11, (f(A) - y) * fp * c1 * gp * x1),
        "c1_no_fprime": same(dc1, (f(A) - y) * p1),
        "c1_wrong_weight": same(dc1, (f(A) - y) * fp * c1),
        "v11_no_gprime": same(dv11, (f(A) - y) * fp * c1 * x1),
    }


LINES = {
    "c1": r"$$\frac{\partial E}{\partial c_1} = (f(p_1 c_1 + p_2 c_2) - y) f'(p_1 c_1 + p_2 c_2) p_1$$",
    "v11": r"$$\frac{\partial E}{\partial v_{11}} = (f(p_1 c_1 + p_2 c_2) - y) f'(p_1 c_1 + p_2 c_2) c_1 g'(x_1 v_{11} + x_2 v_{21}) x_1$$",
    "c1_no_fprime": r"$$\frac{\partial E}{\partial c_1} = (f(p_1 c_1 + p_2 c_2) - y) p_1$$",
    "c1_wrong_weight": r"$$\frac{\partial E}{\partial c_1} = (f(p_1 c_1 + p_2 c_2) - y) f'(p_1 c_1 + p_2 c_2) c_1$$",
    "v11_no_gprime": r"$$\frac{\partial E}{\partial v_{11}} = (f(p_1 c_1 + p_2 c_2) - y) f'(p_1 c_1 + p_2 c_2) c_1 x_1$$",
}


def test_each_line_as_sympy_decides_it():
    truth = _truth()
    assert truth["c1"] and truth["v11"]
    assert not (truth["c1_no_fprime"] or truth["c1_wrong_weight"] or truth["v11_no_gprime"])
    steps = _steps()
    for key, text in LINES.items():
        status, _, msg = steps[_line_of(text)]
        assert status == ("correct" if truth[key] else "wrong"), (key, msg)
        if truth[key]:
            assert "correct for every function" in msg and "sigmoid" not in msg


def test_a_dropped_derivative_of_f_or_g_is_named():
    steps = _steps()
    _, _, msg = steps[_line_of(LINES["c1_no_fprime"])]
    assert "a factor $\\operatorname{f'}" in msg and "c_{1} p_{1} + c_{2} p_{2}" in msg, msg
    _, _, msg = steps[_line_of(LINES["v11_no_gprime"])]
    assert "a factor $\\operatorname{g'}" in msg and "is missing" in msg, msg
    _, _, msg = steps[_line_of(LINES["c1_wrong_weight"])]
    assert "is missing" not in msg  # c_1 for p_1 is no missing factor


def test_definitions_stay_definitions():
    lines = {s["line"] for s in _run()["steps"]}
    for text in ("$p_1 = g(x_1 v_{11} + x_2 v_{21})$", r"$E = \frac{1}{2}(f(p_1 c_1 + p_2 c_2) - y)^2$"):
        assert _line_of(text) not in lines
