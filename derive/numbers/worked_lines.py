"""One line of a worked example — lhs = formula = substituted = result, the
way handcalcs lays out a calculation — and the unit-by-unit (scalar) lines.

Formulas are sympy expressions in the graph's own quantities (``quantity``
objects, so the printer shows them in the user's notation); the substituted
forms are the same expressions with numbers in place of the quantities, kept
unevaluated with the ordered containers ``Terms``/``Factors`` so they print in
the order written.  Numbers are sympy Floats rounded to ``digits`` significant
digits for display only (the arithmetic is ``numeric``'s, at 50 digits); given
inputs and parameters are shown exactly as given.  No prose lives here:
``Line.kind`` and ``Line.rule`` tell the templates what a line is.
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sympy as sp

from derive.model import functions as F
from derive.numbers import numeric
from derive.model.symbols import COST, ETA, Factors, Partial, Terms, base, quantity

EXACT_DIGITS = 15  # given numbers with at most this many digits are shown as given
# an exact number is a Float of this many digits, which the printer shows without
# trailing zeros; a rounded one keeps its `digits` and is shown with them (-5.000)
EXACT_PRECISION = 30


@dataclass
class Line:
    """lhs = formula = substituted = result (any of the middle two may be None).

    kind: input | z | a | fprime | loss | delta | gradient | update.
    rule: None, or a tag for a special case the template may explain:
      'output_delta_simplified' (δ = a − y: the cost cancels f'),
      'saturated' (an f' line of a saturated unit; its 1 − a is computed
      directly, not as 1 minus the rounded a)."""

    lhs: object
    formula: object
    substituted: object
    result: object
    kind: str
    layer: int = None  # internal layer (input 0), None for the loss
    unit: int = None  # 0-based unit in scalar mode
    key: str = None  # parameter key (gradient, update, input lines)
    rule: str = None


def param_keys_of(network, notation):
    """[(key, ParamGroup)] in the network's order."""
    return [(notation.key(g.kind, g.layer), g) for g in network.param_groups]


def param_keys(w):
    return param_keys_of(w.net, w.notation)


# -- numbers for display -------------------------------------------------------------

def shown(value, digits=4):
    """A sympy number for display: given decimals exactly (when short),
    integers as integers, everything else rounded to ``digits`` significant digits."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10**EXACT_DIGITS:
            return integer(int(value))
        sig = len(value.normalize().as_tuple().digits)
        return sp.Float(str(value), EXACT_PRECISION) if sig <= EXACT_DIGITS else sp.Float(str(value), digits)
    v = numeric.num(value)
    numeric.check_size(v, "a number in the worked example")
    # size first: int() of 1e(10^49) would try to write out every digit
    if abs(v) < 10**EXACT_DIGITS and v == int(v):
        return integer(int(v))
    try:
        exact = Decimal(str(v)).normalize()
    except InvalidOperation:  # an exponent beyond Decimal's range (1e-10^100 after saturation)
        return sp.Float(v, digits)
    sig = len(exact.as_tuple().digits)
    if sig < digits:  # exact in fewer digits (0.01 · 3 = 0.03): no zeros that claim rounding
        return sp.Float(str(exact), EXACT_PRECISION)
    return sp.Float(v, digits)  # rounds from all 50 digits; printed with its trailing zeros


def integer(n):
    # A leading -1 in Factors prints as a bare minus sign (−1·0.8 as "−0.8"),
    # which would hide a substituted weight of −1.  A one-term Terms prints as
    # "-1" and is parenthesised like any negative number inside a product.
    return Terms(-1) if n == -1 else sp.Integer(n)


def matrix_of(rows, digits):
    return sp.ImmutableMatrix([[shown(v, digits) for v in row] for row in rows])


def column_of(vals, digits):
    return sp.ImmutableMatrix([[shown(v, digits)] for v in vals])


def total_of(terms):
    return terms[0] if len(terms) == 1 else Terms(*terms)


def frac(num, den):
    """num/den printed as one fraction: 1·(1/d) would print as "1 \frac{1}{d}",
    and the printer would move a numerator e^{-0.1} into the denominator."""
    if num == 1:
        return sp.Pow(den, -1)
    if isinstance(num, (sp.exp, sp.Pow)):
        num = Factors(num)
    return sp.Mul(num, sp.Pow(den, -1))


def neg(e):
    """−e, kept literal: a − (−1) stays as written instead of becoming a + 1."""
    return Factors(-1, e)


def rounds_to(value, target, digits):
    """Whether ``value`` shows as ``target`` with ``digits`` significant digits."""
    mp = numeric.MP
    return mp.mpf(mp.nstr(numeric.num(value), digits)) == target


# -- the pieces a line is built from ----------------------------------------------

class Work:
    """One example's numbers (given and computed) and the formula pieces
    both modes build their lines from."""

    def __init__(self, network, values, result, digits):
        self.net, self.values, self.r, self.d = network, values, result, digits
        self.notation = values.notation
        self.data = values.data
        self.L = network.L

    # quantities
    def A(self, l, j):
        return quantity("x", 0, j) if l == 0 else quantity("a", l, j)

    def Avec(self, l):
        return base("x", 0) if l == 0 else base("a", l)

    def act(self, l):
        return self.net.activations[l - 1]

    # numbers
    def n(self, v):
        return shown(v, self.d)

    def a_num(self, l, j):
        """An activation as a number; the input as given."""
        return self.n(self.data["x"][j] if l == 0 else self.r.a[l][j])

    def w_num(self, l, j, k):
        return self.n(self.values.weights(l)[j][k])

    def b_num(self, l, j):
        return self.n(self.values.bias(l)[j])

    def y_num(self, j):
        return self.n(self.data["y"][j])

    # pieces shared by both modes
    def z_formula(self, l, j, numbers):
        k_range = range(self.net.widths[l - 1])
        if numbers:
            terms = [Factors(self.w_num(l, j, k), self.a_num(l - 1, k)) for k in k_range]
            if self.net.bias:
                terms.append(self.b_num(l, j))
        else:
            terms = [Factors(quantity("w", l, j, k), self.A(l - 1, k)) for k in k_range]
            if self.net.bias:
                terms.append(quantity("b", l, j))
        return total_of(terms)

    def a_formula(self, l, j, z):
        """a = f(z) with z a symbol or a number (softmax needs the layer)."""
        name = self.act(l)
        if name == "softmax":
            zs = ([quantity("z", l, k) for k in range(self.net.widths[l])] if z is None
                  else [self.n(v) for v in self.r.z[l]])
            return frac(sp.exp(zs[j]), total_of([sp.exp(v) for v in zs]))
        func = {"sigmoid": F.sigmoid, "relu": F.relu, "tanh": sp.tanh, "linear": F.linear}[name]
        return func(quantity("z", l, j) if z is None else z)

    def a_shown(self, l, j):
        """a as the forward line shows it: a saturated sigmoid as 1 − (its tiny
        complement), since a rounded 1.000 hides why σ′ is small (seed 000's z = 50)."""
        a = self.r.a[l][j]
        if self.act(l) == "sigmoid" and rounds_to(a, 1, self.d):
            return Terms(1, neg(self.n(numeric._sigmoid(-self.r.z[l][j]))))
        return self.n(a)

    def fprime_line(self, l, j):
        """(lhs, formula, substituted, rule) for f'(z), or None (linear, softmax)."""
        name = self.act(l)
        Z, A = quantity("z", l, j), quantity("a", l, j)
        a, comp = self.r.a[l][j], None
        if name == "sigmoid":
            comp = numeric._sigmoid(-self.r.z[l][j])
            formula = Factors(A, Terms(1, neg(A)))
            if rounds_to(a, 1, self.d):  # 1 − (rounded a) would read as 0
                return (F.sigmoid_prime(Z), formula, Factors(self.a_shown(l, j), self.n(comp)),
                        "saturated")
            return F.sigmoid_prime(Z), formula, Factors(self.n(a), Terms(1, neg(self.n(a)))), None
        if name == "tanh":
            if rounds_to(abs(a), 1, self.d):
                z = self.r.z[l][j]
                lo, hi = 2 * numeric._sigmoid(-2 * z), 2 * numeric._sigmoid(2 * z)
                return (F.tanh_prime(Z), Factors(Terms(1, neg(A)), Terms(1, A)),
                        Factors(self.n(lo), self.n(hi)), "saturated")
            return (F.tanh_prime(Z), Terms(1, neg(sp.Pow(A, 2))),
                    Terms(1, neg(sp.Pow(self.n(a), 2))), None)
        if name == "relu":
            return F.relu_prime(Z), None, F.relu_prime(self.n(self.r.z[l][j])), None
        return None

    def dC_da(self, a, y):
        """∂C/∂a for one output unit, with a and y symbols or numbers."""
        cost = self.net.cost_name
        if cost == "quadratic":
            return Terms(a, neg(y))
        if cost == "squared-error":
            return Factors(2, Terms(a, neg(y)))
        if cost == "cross-entropy":
            return Terms(neg(frac(y, a)), frac(Terms(1, neg(y)), Terms(1, neg(a))))
        return neg(frac(y, a))

    def loss_formula(self, pairs):
        cost = self.net.cost_name
        if cost in ("quadratic", "squared-error"):
            body = total_of([sp.Pow(Terms(a, neg(y)), 2) for a, y in pairs])
            return Factors(sp.Rational(1, 2), body) if cost == "quadratic" else body
        if cost == "cross-entropy":
            body = total_of([Terms(Factors(y, sp.log(a)),
                                 Factors(Terms(1, neg(y)), sp.log(Terms(1, neg(a)))))
                           for a, y in pairs])
        else:
            body = total_of([Factors(y, sp.log(a)) for a, y in pairs])
        return neg(body)

    def simplified_output(self):
        """δ^L = a − y where the cost cancels f' (and, for softmax, Σy = 1)."""
        act, cost = self.act(self.L), self.net.cost
        if cost.simplifies_with != act:
            return False
        return act != "softmax" or sum(self.data["y"]) == 1  # exact: targets are Decimals


# -- scalar mode -------------------------------------------------------------------

def inputs_scalar(w):
    net, lines = w.net, []
    for k in range(net.widths[0]):
        lines.append(Line(quantity("x", 0, k), None, None, w.a_num(0, k), "input", 0, k, "x"))
    for key, g in param_keys(w):
        l = g.layer
        for j in range(g.shape[0]):
            if g.kind == "w":
                for k in range(g.shape[1]):
                    lines.append(Line(quantity("w", l, j, k), None, None, w.w_num(l, j, k),
                                      "input", l, j, key))
            else:
                lines.append(Line(quantity("b", l, j), None, None, w.b_num(l, j), "input", l, j, key))
    for j in range(net.widths[-1]):
        lines.append(Line(quantity("y", "out", j), None, None, w.y_num(j), "input", None, j,
                          w.values.target_key))
    return lines


def forward_scalar(w):
    lines = []
    for l in range(1, w.L + 1):
        for j in range(w.net.widths[l]):
            lines.append(Line(quantity("z", l, j), w.z_formula(l, j, False), w.z_formula(l, j, True),
                              w.n(w.r.z[l][j]), "z", l, j))
        for j in range(w.net.widths[l]):
            lines.append(Line(quantity("a", l, j), w.a_formula(l, j, None),
                              w.a_formula(l, j, w.n(w.r.z[l][j])), w.a_shown(l, j), "a", l, j))
        for j in range(w.net.widths[l]):
            fp = w.fprime_line(l, j)
            if fp is not None:
                lhs, formula, subst, rule = fp
                lines.append(Line(lhs, formula, subst, w.n(w.r.fprime[l][j]), "fprime", l, j, rule=rule))
    return lines


def loss_line(w):
    outs = range(w.net.widths[-1])
    formula = w.loss_formula([(quantity("a", w.L, j), quantity("y", "out", j)) for j in outs])
    subst = w.loss_formula([(w.n(w.r.a[w.L][j]), w.y_num(j)) for j in outs])
    return Line(COST, formula, subst, w.n(w.r.loss), "loss")


def _output_delta_scalar(w, j):
    L, act = w.L, w.act(w.L)
    A, Y, Z = quantity("a", L, j), quantity("y", "out", j), quantity("z", L, j)
    result = w.n(w.r.delta[L][j])
    lhs = quantity("delta", L, j)
    if w.simplified_output():
        return Line(lhs, Terms(A, neg(Y)), Terms(w.a_num(L, j), neg(w.y_num(j))), result, "delta", L, j,
                    rule="output_delta_simplified")
    if act == "softmax":
        n = w.net.widths[L]
        g = [Partial(COST, quantity("a", L, i)) for i in range(n)]
        gn = [w.n(v) for v in w.r.dC_da]
        an = [w.a_num(L, i) for i in range(n)]
        formula = total_of([Factors(g[i], quantity("a", L, i), Terms(1, neg(A))) if i == j
                          else neg(Factors(g[i], quantity("a", L, i), A)) for i in range(n)])
        subst = total_of([Factors(gn[i], an[i], Terms(1, neg(an[j]))) if i == j
                        else neg(Factors(gn[i], an[i], an[j])) for i in range(n)])
        return Line(lhs, formula, subst, result, "delta", L, j)
    formula = w.dC_da(A, Y)
    subst = w.dC_da(w.a_num(L, j), w.y_num(j))
    if act != "linear":
        fp = {"sigmoid": F.sigmoid_prime, "tanh": F.tanh_prime, "relu": F.relu_prime}[act]
        formula = Factors(formula, fp(Z))
        subst = Factors(subst, w.n(w.r.fprime[L][j]))
    return Line(lhs, formula, subst, result, "delta", L, j)


def _hidden_delta_scalar(w, l, j):
    nxt = range(w.net.widths[l + 1])
    formula = total_of([Factors(quantity("w", l + 1, k, j), quantity("delta", l + 1, k)) for k in nxt])
    subst = total_of([Factors(w.w_num(l + 1, k, j), w.n(w.r.delta[l + 1][k])) for k in nxt])
    act = w.act(l)
    if act != "linear":
        fp = {"sigmoid": F.sigmoid_prime, "tanh": F.tanh_prime, "relu": F.relu_prime}[act]
        formula = Factors(formula, fp(quantity("z", l, j)))
        subst = Factors(subst, w.n(w.r.fprime[l][j]))
    return Line(quantity("delta", l, j), formula, subst, w.n(w.r.delta[l][j]), "delta", l, j)


def deltas_scalar(w):
    lines = [_output_delta_scalar(w, j) for j in range(w.net.widths[w.L])]
    for l in range(w.L - 1, 0, -1):
        lines += [_hidden_delta_scalar(w, l, j) for j in range(w.net.widths[l])]
    return lines


def gradients_scalar(w):
    lines = []
    for key, g in param_keys(w):
        l, grads = g.layer, w.r.gradients[key]
        for j in range(g.shape[0]):
            D = quantity("delta", l, j)
            if g.kind == "w":
                for k in range(g.shape[1]):
                    lines.append(Line(Partial(COST, quantity("w", l, j, k)), Factors(D, w.A(l - 1, k)),
                                      Factors(w.n(w.r.delta[l][j]), w.a_num(l - 1, k)),
                                      w.n(grads[j][k]), "gradient", l, j, key))
            else:
                lines.append(Line(Partial(COST, quantity("b", l, j)), D, None, w.n(grads[j]),
                                  "gradient", l, j, key))
    return lines


def updates_scalar(w, run, eta):
    lines, step = [], run.steps[0]
    for key, g in param_keys(w):
        l, old, grads, new = g.layer, w.values.data[key], step.gradients[key], step.parameters[key]
        for j in range(g.shape[0]):
            cells = range(g.shape[1]) if g.kind == "w" else [None]
            for k in cells:
                sym = quantity("w", l, j, k) if k is not None else quantity("b", l, j)
                pick = (lambda m: m[j][k]) if k is not None else (lambda m: m[j])
                lines.append(Line(sym, Terms(sym, Factors(-1, ETA, Partial(COST, sym))),
                                  Terms(w.n(pick(old)), Factors(-1, w.n(eta), w.n(pick(grads)))),
                                  w.n(pick(new)), "update", l, j, key))
    return lines
