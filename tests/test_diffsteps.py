"""Formulas differentiated rule by rule: every line equals sympy.diff of the formula."""
import pytest
import sympy as sp

from derive.engine.diffsteps import differentiate, formula_nodes
from derive.model.functions import concrete, relu, sigmoid
from derive.model.graphspec import parse_graph
from derive.engine import rules as R

Z = sp.Symbol("z")
FORMULAS = [
    sp.log(1 + sp.exp(Z)),  # softplus
    Z * sigmoid(Z),  # swish
    relu(Z) - sp.Rational(1, 100) * relu(-Z),  # leaky ReLU
    sp.sqrt(1 + Z**2) - 1,
    sp.tanh(2 * Z) ** 2,
    sp.exp(-Z**2 / 2),
    Z / (1 + Z**2),
]


@pytest.mark.parametrize("formula", FORMULAS, ids=str)
def test_every_line_equals_sympy_diff(formula):
    der = differentiate(formula, Z)
    truth = sp.diff(concrete(formula), Z)
    assert der.steps and der.complete
    for step in der.steps:
        got = concrete(step.expr).doit()
        for t in (-1.7, -0.2, 0.6, 2.3):
            point = sp.Rational(str(t))  # exact, so the comparison is not float64 rounding
            assert abs(complex((got - truth).subs(Z, point).evalf(30))) < 1e-20, (step.rule.kind, got)


def test_unknown_function_is_a_dont_know_step():
    der = differentiate(sp.gamma(Z), Z)
    assert isinstance(der.steps[-1].rule, R.DontKnow) and not der.complete


def test_graph_formula_activations_get_their_own_derivation():
    g, _ = parse_graph("params: w\ninput: x\ntarget: t\nz = w*x\nh = log(1 + exp(z))\n"
                       "C = (h - t)^2/2\n")
    names = [str(n.symbol) for n in formula_nodes(g)]
    assert names == ["h"]
    from derive import derive

    d = derive(graph=g)
    (q, der), = d.formula_derivatives
    assert str(q) == "h" and [s.rule.kind for s in der.steps][0] == "outer_chain_rule"
    assert "rule by rule" in d.render("markdown")
