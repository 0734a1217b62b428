"""Activation functions as sympy functions that stay symbolic.

``sigmoid(z)`` prints as σ(z) and differentiates to ``sigmoid_prime(z)``, so a
derivation can show σ'(z) as a factor and rewrite it to σ(1−σ) as a separate,
visible step.  ``concrete`` replaces every such function by its closed form
(σ as 1/(1+e^{-z}), ReLU as a piecewise function), which is what independent
checks differentiate.
"""
import sympy as sp


def _real_if_argument_is(self):
    # sympy asks this before splitting f(c)^100 into real and imaginary parts; unanswered,
    # it expands (re + i im)^100 as a polynomial, which took minutes for relu(c)^100
    return self.args[0].is_extended_real


class sigmoid(sp.Function):
    nargs = 1
    _eval_is_extended_real = _real_if_argument_is

    def fdiff(self, argindex=1):
        return sigmoid_prime(self.args[0])


class sigmoid_prime(sp.Function):
    nargs = 1
    _eval_is_extended_real = _real_if_argument_is

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s) * (1 - 2 * s)


class relu(sp.Function):
    nargs = 1
    _eval_is_extended_real = _real_if_argument_is

    def fdiff(self, argindex=1):
        return relu_prime(self.args[0])


class relu_prime(sp.Function):
    nargs = 1
    _eval_is_extended_real = _real_if_argument_is

    def fdiff(self, argindex=1):
        return sp.S.Zero


class tanh_prime(sp.Function):
    """tanh'(z), kept symbolic so the identity 1 − tanh² is its own step."""

    nargs = 1
    _eval_is_extended_real = _real_if_argument_is

    def fdiff(self, argindex=1):
        t = sp.tanh(self.args[0])
        return -2 * t * (1 - t**2)


class activation_prime(sp.Function):
    """f'(z): the derivative of whatever activation a layer has, for equations
    stated for every layer at once (printed f')."""

    nargs = 1


class linear(sp.Function):
    """The identity activation g(z) = z, kept as g so the document can name it."""

    nargs = 1

    def fdiff(self, argindex=1):
        return sp.S.One


class softmax(sp.Function):
    """softmax(i, z_1, …, z_n): the i-th output (0-based) of the softmax of the z's."""

    def fdiff(self, argindex=1):
        if argindex == 1:
            return sp.S.Zero
        i = int(self.args[0])
        k = argindex - 2
        zs = self.args[1:]
        own = softmax(i, *zs)
        if i == k:
            return own * (1 - own)
        return -own * softmax(k, *zs)


def _softmax_concrete(i, *zs):
    return sp.exp(zs[int(i)]) / sp.Add(*[sp.exp(z) for z in zs])


def _relu_concrete(z):
    return sp.Piecewise((z, z > 0), (0, True))


def _relu_prime_concrete(z):
    return sp.Piecewise((1, z > 0), (0, True))


CONCRETE = {
    sigmoid: lambda z: 1 / (1 + sp.exp(-z)),
    sigmoid_prime: lambda z: sp.exp(-z) / (1 + sp.exp(-z)) ** 2,
    relu: _relu_concrete,
    relu_prime: _relu_prime_concrete,
    tanh_prime: lambda z: 1 - sp.tanh(z) ** 2,
    linear: lambda z: z,
    softmax: _softmax_concrete,
}


def concrete(expr):
    """Replace every symbolic activation in ``expr`` by its closed form."""
    for func, form in CONCRETE.items():
        if expr.has(func):
            expr = expr.replace(func, form)
    return expr
