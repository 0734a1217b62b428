"""The derivation of each activation's derivative as steps (σ' by the quotient
rule, tanh' from sinh/cosh, ReLU' piecewise, the softmax Jacobian)."""
import sympy as sp

from derive.engine import rules as R
from derive.model import functions as F
from derive.model.symbols import Factors, IndexSum, Iverson, Terms, quantity

X = sp.Symbol("x")


def _sigmoid_steps():
    e = sp.exp(-X)
    g = 1 + e
    return R.Derived(F.sigmoid_prime(X), [
        R.Step(sp.Derivative(1 / g, X), R.Definition(quantity=F.sigmoid(X))),
        R.Step(-sp.Derivative(g, X, evaluate=False) / g**2, R.ReciprocalRule()),
        R.Step(-(-e) / g**2, R.ExpChainRule()),
        R.Step(Factors(1 / g, e / g), R.Factorise()),
        R.Step(Factors(1 / g, Terms(g, -1) / g), R.AddZero()),
        R.Step(Factors(1 / g, Terms(1, -1 / g)), R.SplitFraction()),
        R.Step(Factors(F.sigmoid(X), 1 - F.sigmoid(X)), R.Recognise(quantity=F.sigmoid(X))),
    ])


def _tanh_steps():
    s, c = sp.sinh(X), sp.cosh(X)
    return R.Derived(F.tanh_prime(X), [
        R.Step(sp.Derivative(s / c, X), R.Definition(quantity=sp.tanh(X))),
        R.Step(Terms(Factors(c, c), -Factors(s, s)) / c**2, R.QuotientRule()),
        R.Step(Terms(c**2 / c**2, -s**2 / c**2), R.SplitFraction()),
        R.Step(1 - sp.tanh(X) ** 2, R.Recognise(quantity=sp.tanh(X))),
    ])


def _relu_steps():
    return R.Derived(F.relu_prime(X), [
        R.Step(sp.Derivative(sp.Piecewise((X, X > 0), (0, True)), X),
               R.Definition(quantity=F.relu(X))),
        R.Step(sp.Piecewise((1, X > 0), (0, True)), R.PiecewiseDerivative()),
    ])


def _linear_steps():
    return R.Derived(sp.Derivative(F.linear(X), X), [
        R.Step(sp.Derivative(X, X, evaluate=False), R.Definition(quantity=F.linear(X))),
        R.Step(sp.S.One, R.Simplify()),
    ])


def softmax_steps():
    """∂a_i/∂z_j for softmax, with n outputs, in index form."""
    i, j, k = sp.symbols("i j k", integer=True)
    n = sp.Symbol("n", integer=True, positive=True)
    z = lambda m: quantity("z", "L", m)
    a = lambda m: quantity("a", "L", m)
    ez = lambda m: sp.exp(z(m))
    total = IndexSum(ez(k), k, n)
    return R.Derived(sp.Derivative(a(i), z(j), evaluate=False), [
        R.Step(sp.Derivative(ez(i) / total, z(j), evaluate=False),
               R.Definition(quantity=a(i))),
        R.Step(Terms(Factors(Iverson(i, j), ez(i), total), -Factors(ez(i), ez(j))) / total**2,
               R.QuotientRule()),
        R.Step(Factors(ez(i) / total, Terms(Iverson(i, j), -ez(j) / total)), R.Factorise()),
        R.Step(Factors(a(i), Terms(Iverson(i, j), -a(j))), R.Recognise(quantity=a(i))),
    ])


DERIVATIONS = {
    "sigmoid": _sigmoid_steps,
    "tanh": _tanh_steps,
    "relu": _relu_steps,
    "linear": _linear_steps,
    "softmax": softmax_steps,
}


def derivative_derivation(name):
    """The derivation of activation ``name``'s derivative, as steps."""
    return DERIVATIONS[name]()
