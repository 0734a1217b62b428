"""The data of a worked example: every step as formula → numbers substituted →
result, the way handcalcs lays out a calculation, plus the JSON ``values``.

Formulas are sympy expressions in the graph's own quantities (``quantity``
objects, so the printer shows them in the user's notation); the substituted
forms are the same expressions with numbers in place of the quantities, kept
unevaluated with the ordered containers ``Terms``/``Factors`` so they print in
the order written.  Numbers are sympy Floats rounded to ``digits`` significant
digits for display only; the arithmetic is done in ``numeric`` at 50 digits.
Given inputs and parameters are shown exactly as given.

Small networks are worked unit by unit (mode ``scalar``); larger ones layer by
layer with vectors and matrices (mode ``vector``), where matrices too large to
print are left out (``substituted``/``result`` None; JSON still has them).
No prose lives here: ``Line.kind`` and ``Line.rule`` tell the templates what
a line is, and they write the words.
"""
from dataclasses import dataclass, field
from decimal import Decimal

import sympy as sp

from . import functions as F
from . import numeric
from .symbols import (COST, ETA, Factors, Hadamard, MatMul, Partial, Terms, Transpose, base,
                      quantity)

SCALAR_PARAMS = 20  # up to this many parameters the example is worked unit by unit
MAX_SHOWN = 64  # entries of the largest vector or matrix printed in vector mode
EXACT_DIGITS = 15  # given numbers with at most this many digits are shown as given


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


@dataclass
class WorkedExample:
    mode: str  # 'scalar' or 'vector'
    digits: int
    inputs: list  # Line(kind='input'): given or drawn numbers
    forward: list  # z, a and f' lines, layer by layer
    loss: Line
    deltas: list  # output layer first, as backpropagation computes them
    gradients: list  # in parameter order
    warnings: list  # plain strings (also in values['warnings'])
    saturation: list  # numeric.Saturation records, for the document's remarks
    gradcheck: object = None  # numeric.GradCheck
    updates: list = field(default_factory=list)  # Line(kind='update') of the first SGD step
    losses: list = field(default_factory=list)  # [(step, loss)]: 0 = before any update
    lr: object = None  # η as shown
    values: dict = field(default_factory=dict)  # JSON-ready numbers


# -- numbers for display -------------------------------------------------------------

def shown(value, digits=4):
    """A sympy number for display: given decimals exactly (when short),
    integers as integers, everything else rounded to ``digits`` significant digits."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10**EXACT_DIGITS:
            return _integer(int(value))
        sig = len(value.normalize().as_tuple().digits)
        return sp.Float(str(value), max(sig, digits) if sig <= EXACT_DIGITS else digits)
    v = numeric.num(value)
    if v == int(v) and abs(v) < 10**EXACT_DIGITS:
        return _integer(int(v))
    return sp.Float(v, digits)  # rounds from all 50 digits


def _integer(n):
    # A leading -1 in Factors prints as a bare minus sign (−1·0.8 as "−0.8"),
    # which would hide a substituted weight of −1.  A one-term Terms prints as
    # "-1" and is parenthesised like any negative number inside a product.
    return Terms(-1) if n == -1 else sp.Integer(n)


def _matrix(rows, digits):
    return sp.ImmutableMatrix([[shown(v, digits) for v in row] for row in rows])


def _column(vals, digits):
    return sp.ImmutableMatrix([[shown(v, digits)] for v in vals])


def _total(terms):
    return terms[0] if len(terms) == 1 else Terms(*terms)


def _prod(*factors):
    return factors[0] if len(factors) == 1 else Factors(*factors)


def _frac(num, den):
    """num/den printed as one fraction: 1·(1/d) would print as "1 \frac{1}{d}",
    and the printer would move a numerator e^{-0.1} into the denominator."""
    if num == 1:
        return sp.Pow(den, -1)
    if isinstance(num, (sp.exp, sp.Pow)):
        num = Factors(num)
    return sp.Mul(num, sp.Pow(den, -1))


def _neg(e):
    """−e, kept literal: a − (−1) stays as written instead of becoming a + 1."""
    return Factors(-1, e)


def _rounds_to(value, target, digits):
    """Whether ``value`` shows as ``target`` with ``digits`` significant digits."""
    mp = numeric.MP
    return mp.mpf(mp.nstr(numeric.num(value), digits)) == target


# -- the pieces a line is built from ----------------------------------------------

class _Work:
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
        return _total(terms)

    def a_formula(self, l, j, z):
        """a = f(z) with z a symbol or a number (softmax needs the layer)."""
        name = self.act(l)
        if name == "softmax":
            zs = ([quantity("z", l, k) for k in range(self.net.widths[l])] if z is None
                  else [self.n(v) for v in self.r.z[l]])
            return _frac(sp.exp(zs[j]), _total([sp.exp(v) for v in zs]))
        func = {"sigmoid": F.sigmoid, "relu": F.relu, "tanh": sp.tanh, "linear": F.linear}[name]
        return func(quantity("z", l, j) if z is None else z)

    def fprime_line(self, l, j):
        """(lhs, formula, substituted, rule) for f'(z), or None (linear, softmax)."""
        name = self.act(l)
        Z, A = quantity("z", l, j), quantity("a", l, j)
        a, comp = self.r.a[l][j], None
        if name == "sigmoid":
            comp = numeric._sigmoid(-self.r.z[l][j])
            formula = Factors(A, Terms(1, _neg(A)))
            if _rounds_to(a, 1, self.d):  # 1 − (rounded a) would read as 0
                return F.sigmoid_prime(Z), formula, Factors(self.n(a), self.n(comp)), "saturated"
            return F.sigmoid_prime(Z), formula, Factors(self.n(a), Terms(1, _neg(self.n(a)))), None
        if name == "tanh":
            if _rounds_to(abs(a), 1, self.d):
                z = self.r.z[l][j]
                lo, hi = 2 * numeric._sigmoid(-2 * z), 2 * numeric._sigmoid(2 * z)
                return (F.tanh_prime(Z), Factors(Terms(1, _neg(A)), Terms(1, A)),
                        Factors(self.n(lo), self.n(hi)), "saturated")
            return (F.tanh_prime(Z), Terms(1, _neg(sp.Pow(A, 2))),
                    Terms(1, _neg(sp.Pow(self.n(a), 2))), None)
        if name == "relu":
            return F.relu_prime(Z), None, F.relu_prime(self.n(self.r.z[l][j])), None
        return None

    def dC_da(self, a, y):
        """∂C/∂a for one output unit, with a and y symbols or numbers."""
        cost = self.net.cost_name
        if cost == "quadratic":
            return Terms(a, _neg(y))
        if cost == "squared-error":
            return Factors(2, Terms(a, _neg(y)))
        if cost == "cross-entropy":
            return Terms(_neg(_frac(y, a)), _frac(Terms(1, _neg(y)), Terms(1, _neg(a))))
        return _neg(_frac(y, a))

    def loss_formula(self, pairs):
        cost = self.net.cost_name
        if cost in ("quadratic", "squared-error"):
            body = _total([sp.Pow(Terms(a, _neg(y)), 2) for a, y in pairs])
            return Factors(sp.Rational(1, 2), body) if cost == "quadratic" else body
        if cost == "cross-entropy":
            body = _total([Terms(Factors(y, sp.log(a)),
                                 Factors(Terms(1, _neg(y)), sp.log(Terms(1, _neg(a)))))
                           for a, y in pairs])
        else:
            body = _total([Factors(y, sp.log(a)) for a, y in pairs])
        return _neg(body)

    def simplified_output(self):
        """δ^L = a − y where the cost cancels f' (and, for softmax, Σy = 1)."""
        act, cost = self.act(self.L), self.net.cost
        if cost.simplifies_with != act:
            return False
        return act != "softmax" or sum(numeric.num(v) for v in self.data["y"]) == 1


# -- scalar mode -------------------------------------------------------------------

def _inputs_scalar(w):
    net, lines = w.net, []
    for k in range(net.widths[0]):
        lines.append(Line(quantity("x", 0, k), None, None, w.a_num(0, k), "input", 0, k, "x"))
    for key, g in _param_keys(w):
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


def _forward_scalar(w):
    lines = []
    for l in range(1, w.L + 1):
        for j in range(w.net.widths[l]):
            lines.append(Line(quantity("z", l, j), w.z_formula(l, j, False), w.z_formula(l, j, True),
                              w.n(w.r.z[l][j]), "z", l, j))
        for j in range(w.net.widths[l]):
            lines.append(Line(quantity("a", l, j), w.a_formula(l, j, None),
                              w.a_formula(l, j, w.n(w.r.z[l][j])), w.n(w.r.a[l][j]), "a", l, j))
        for j in range(w.net.widths[l]):
            fp = w.fprime_line(l, j)
            if fp is not None:
                lhs, formula, subst, rule = fp
                lines.append(Line(lhs, formula, subst, w.n(w.r.fprime[l][j]), "fprime", l, j, rule=rule))
    return lines


def _loss_line(w):
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
        return Line(lhs, Terms(A, _neg(Y)), Terms(w.a_num(L, j), _neg(w.y_num(j))), result, "delta", L, j,
                    rule="output_delta_simplified")
    if act == "softmax":
        n = w.net.widths[L]
        g = [Partial(COST, quantity("a", L, i)) for i in range(n)]
        gn = [w.n(v) for v in w.r.dC_da]
        an = [w.a_num(L, i) for i in range(n)]
        formula = _total([Factors(g[i], quantity("a", L, i), Terms(1, _neg(A))) if i == j
                          else _neg(Factors(g[i], quantity("a", L, i), A)) for i in range(n)])
        subst = _total([Factors(gn[i], an[i], Terms(1, _neg(an[j]))) if i == j
                        else _neg(Factors(gn[i], an[i], an[j])) for i in range(n)])
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
    formula = _total([Factors(quantity("w", l + 1, k, j), quantity("delta", l + 1, k)) for k in nxt])
    subst = _total([Factors(w.w_num(l + 1, k, j), w.n(w.r.delta[l + 1][k])) for k in nxt])
    act = w.act(l)
    if act != "linear":
        fp = {"sigmoid": F.sigmoid_prime, "tanh": F.tanh_prime, "relu": F.relu_prime}[act]
        formula = Factors(formula, fp(quantity("z", l, j)))
        subst = Factors(subst, w.n(w.r.fprime[l][j]))
    return Line(quantity("delta", l, j), formula, subst, w.n(w.r.delta[l][j]), "delta", l, j)


def _deltas_scalar(w):
    lines = [_output_delta_scalar(w, j) for j in range(w.net.widths[w.L])]
    for l in range(w.L - 1, 0, -1):
        lines += [_hidden_delta_scalar(w, l, j) for j in range(w.net.widths[l])]
    return lines


def _gradients_scalar(w):
    lines = []
    for key, g in _param_keys(w):
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


def _updates_scalar(w, run, eta):
    lines, step = [], run.steps[0]
    for key, g in _param_keys(w):
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


# -- vector mode -------------------------------------------------------------------

def _small(*shapes):
    return all(r * c <= MAX_SHOWN for r, c in shapes)


def _vec_or_none(w, vals):
    return _column(vals, w.d) if len(vals) <= MAX_SHOWN else None


def _inputs_vector(w):
    net = w.net
    lines = [Line(base("x", 0), None, None, _vec_or_none(w, w.data["x"]), "input", 0, key="x")]
    for key, g in _param_keys(w):
        val = w.data[key]
        big = g.shape[0] * (g.shape[1] if g.kind == "w" else 1) > MAX_SHOWN
        shown_val = None if big else (_matrix(val, w.d) if g.kind == "w" else _column(val, w.d))
        lines.append(Line(base(g.kind, g.layer), None, None, shown_val, "input", g.layer, key=key))
    lines.append(Line(base("y", "out"), None, None, _vec_or_none(w, w.data["y"]), "input", None,
                      key=w.values.target_key))
    return lines


def _forward_vector(w):
    lines, net = [], w.net
    for l in range(1, w.L + 1):
        rows, cols = net.widths[l], net.widths[l - 1]
        formula = MatMul(base("w", l), w.Avec(l - 1))
        if net.bias:
            formula = Terms(formula, base("b", l))
        subst = None
        if _small((rows, cols), (cols, 1)):
            prev = w.data["x"] if l == 1 else w.r.a[l - 1]
            subst = MatMul(_matrix(w.values.weights(l), w.d), _column(prev, w.d))
            if net.bias:
                subst = Terms(subst, _column(w.values.bias(l), w.d))
        lines.append(Line(base("z", l), formula, subst, _vec_or_none(w, w.r.z[l]), "z", l))
        small = rows <= MAX_SHOWN
        a_sub = (sp.ImmutableMatrix([[w.a_formula(l, j, w.n(w.r.z[l][j]))] for j in range(rows)])
                 if small and w.act(l) != "softmax" else None)
        a_formula = (w.a_formula(l, 0, None).func(base("z", l)) if w.act(l) not in ("softmax",)
                     else None)
        lines.append(Line(base("a", l), a_formula, a_sub, _vec_or_none(w, w.r.a[l]), "a", l))
        fp = _fprime_vector(w, l, small)
        if fp is not None:
            lines.append(fp)
    return lines


def _fprime_vector(w, l, small):
    act = w.act(l)
    Zv, Av = base("z", l), base("a", l)
    subst, rule = None, None
    if act == "sigmoid":
        lhs, formula = F.sigmoid_prime(Zv), Hadamard(Av, Terms(1, _neg(Av)))
        if small:
            comp = [numeric._sigmoid(-z) for z in w.r.z[l]]
            subst = Hadamard(_column(w.r.a[l], w.d), _column(comp, w.d))
    elif act == "tanh":
        lhs, formula = F.tanh_prime(Zv), Terms(1, _neg(Hadamard(Av, Av)))
        if small:
            subst = sp.ImmutableMatrix([[Terms(1, _neg(sp.Pow(w.n(a), 2)))] for a in w.r.a[l]])
    elif act == "relu":
        lhs, formula = F.relu_prime(Zv), None
        if small:
            subst = sp.ImmutableMatrix([[F.relu_prime(w.n(z))] for z in w.r.z[l]])
    else:
        return None
    return Line(lhs, formula, subst, _vec_or_none(w, w.r.fprime[l]), "fprime", l, rule=rule)


def _loss_vector(w):
    if w.net.widths[-1] <= 8:
        return _loss_line(w)
    return Line(COST, None, None, w.n(w.r.loss), "loss")


def _deltas_vector(w):
    net, L = w.net, w.L
    small_out = net.widths[L] <= MAX_SHOWN
    Av, Yv, Zv = base("a", L), base("y", "out"), base("z", L)
    result = _vec_or_none(w, w.r.delta[L])
    if w.simplified_output():
        subst = (sp.ImmutableMatrix([[Terms(w.a_num(L, j), _neg(w.y_num(j)))] for j in range(net.widths[L])])
                 if small_out else None)
        lines = [Line(base("delta", L), Terms(Av, _neg(Yv)), subst, result, "delta", L,
                      rule="output_delta_simplified")]
    else:
        grad = _column(w.r.dC_da, w.d) if small_out else None
        act = w.act(L)
        if act == "softmax":
            formula = MatMul(Transpose(Partial(Av, Zv)), Partial(COST, Av))
            subst = None
        elif act == "linear":
            formula, subst = Partial(COST, Av), grad
        else:
            fp = {"sigmoid": F.sigmoid_prime, "tanh": F.tanh_prime, "relu": F.relu_prime}[act]
            formula = Hadamard(Partial(COST, Av), fp(Zv))
            subst = Hadamard(grad, _column(w.r.fprime[L], w.d)) if small_out else None
        lines = [Line(base("delta", L), formula, subst, result, "delta", L)]
    for l in range(L - 1, 0, -1):
        act = w.act(l)
        formula = MatMul(Transpose(base("w", l + 1)), base("delta", l + 1))
        subst = None
        if _small((net.widths[l], net.widths[l + 1])):
            Wt = [list(col) for col in zip(*w.values.weights(l + 1))]
            subst = MatMul(_matrix(Wt, w.d), _column(w.r.delta[l + 1], w.d))
        if act != "linear":
            fp = {"sigmoid": F.sigmoid_prime, "tanh": F.tanh_prime, "relu": F.relu_prime}[act]
            formula = Hadamard(formula, fp(base("z", l)))
            if subst is not None:
                subst = Hadamard(subst, _column(w.r.fprime[l], w.d))
        lines.append(Line(base("delta", l), formula, subst, _vec_or_none(w, w.r.delta[l]), "delta", l))
    return lines


def _gradients_vector(w):
    lines = []
    for key, g in _param_keys(w):
        l, val = g.layer, w.r.gradients[key]
        D = base("delta", l)
        if g.kind == "w":
            rows, cols = g.shape
            small = _small((rows, cols))
            prev = w.data["x"] if l == 1 else w.r.a[l - 1]
            subst = (MatMul(_column(w.r.delta[l], w.d), _matrix([prev], w.d)) if small else None)
            lines.append(Line(Partial(COST, base("w", l)), MatMul(D, Transpose(w.Avec(l - 1))), subst,
                              _matrix(val, w.d) if small else None, "gradient", l, key=key))
        else:
            lines.append(Line(Partial(COST, base("b", l)), D, None, _vec_or_none(w, val),
                              "gradient", l, key=key))
    return lines


def _updates_vector(w, run, eta):
    lines, step = [], run.steps[0]
    for key, g in _param_keys(w):
        sym = base(g.kind, g.layer)
        old, grads, new = w.data[key], step.gradients[key], step.parameters[key]
        if g.kind == "w":
            small = _small(g.shape)
            mk = lambda m: _matrix(m, w.d)
        else:
            small = g.shape[0] <= MAX_SHOWN
            mk = lambda m: _column(m, w.d)
        subst = Terms(mk(old), Factors(-1, w.n(eta), mk(grads))) if small else None
        lines.append(Line(sym, Terms(sym, Factors(-1, ETA, Partial(COST, sym))), subst,
                          mk(new) if small else None, "update", g.layer, key=key))
    return lines


# -- JSON ---------------------------------------------------------------------------

def _floats(x):
    if isinstance(x, (list, tuple)):
        return [_floats(v) for v in x]
    return float(numeric.num(x))


def _layer_key(notation, kind, l):
    return f"{notation.names[kind] if kind != 'delta' else 'delta'}{notation.display_layer(kind, l)}"


def json_values(network, values, result, warnings, check=None, run=None):
    """The ``values`` block of the JSON output (plain floats, rounded from 50 digits)."""
    nt = values.notation
    layers = range(1, network.L + 1)
    inputs = {"x": _floats(values.data["x"])}
    for key, _ in _param_keys_of(network, nt):
        inputs[key] = _floats(values.data[key])
    inputs[values.target_key] = _floats(values.data["y"])
    out = {
        "inputs": inputs,
        "preactivations": {_layer_key(nt, "z", l): _floats(result.z[l]) for l in layers},
        "activations": {_layer_key(nt, "a", l): _floats(result.a[l]) for l in layers},
        "loss": _floats(result.loss),
        "deltas": {_layer_key(nt, "delta", l): _floats(result.delta[l]) for l in layers},
        "gradients": {k: _floats(v) for k, v in result.gradients.items()},
        "warnings": list(warnings),
        "precision_digits": numeric.DPS,
    }
    if check is not None:
        out["gradcheck"] = {
            "max_relative_error": _floats(check.max_relative_error),
            "worst": {"key": check.worst_key, "index": list(check.worst_index)},
            "checked": check.checked,
            "total": check.total,
            "step": _floats(check.step),
            "relu_kinks": [_unit(nt, network, l, j) for l, j in check.kinks],
        }
    if run is not None:
        out["sgd"] = {
            "lr": _floats(run.lr),
            "losses": [_floats(s.loss) for s in run.steps] + [_floats(run.final_loss)],
            "steps": [{"step": s.step, "loss": _floats(s.loss),
                       "parameters": {k: _floats(v) for k, v in s.parameters.items()}}
                      for s in run.steps],
            "final_loss": _floats(run.final_loss),
        }
    return out


def _unit(notation, network, l, j):
    return numeric.unit_name(notation, "a", l, j, network.widths[l])


def _param_keys_of(network, notation):
    return [(notation.key(g.kind, g.layer), g) for g in network.param_groups]


def _param_keys(w):
    return _param_keys_of(w.net, w.notation)


# -- entry point -----------------------------------------------------------------------

def worked_example(network, values, digits=4, gradcheck=False, lr=None, steps=None, mode=None):
    """The worked example for ``values`` (checked ``Values``, all keys present).

    ``digits``: significant digits shown (numbers are computed at 50).
    ``gradcheck``: also compare every gradient with central differences.
    ``lr``/``steps``: also run SGD (``steps`` defaults to 1 when ``lr`` is given).
    ``mode``: 'scalar' or 'vector'; by default scalar up to SCALAR_PARAMS parameters.
    """
    from .errors import ValuesError

    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 30:
        raise ValuesError(f"--digits must be a whole number from 1 to 30 (got {digits!r})")
    if steps is not None and lr is None:
        raise ValuesError("--steps needs a learning rate: add --lr ETA")
    if mode is None:
        mode = "scalar" if network.n_params <= SCALAR_PARAMS else "vector"
    if mode not in ("scalar", "vector"):
        raise ValueError(mode)
    result = numeric.backprop(network, values)
    sat = numeric.saturation(network, values, result)
    warnings = [s.message for s in sat]
    check = numeric.gradcheck(network, values) if gradcheck else None
    run = numeric.sgd(network, values, lr, steps or 1) if lr is not None else None
    w = _Work(network, values, result, digits)
    with sp.evaluate(False):
        if mode == "scalar":
            inputs, fwd, loss = _inputs_scalar(w), _forward_scalar(w), _loss_line(w)
            deltas, grads = _deltas_scalar(w), _gradients_scalar(w)
            updates = _updates_scalar(w, run, run.lr) if run else []
        else:
            inputs, fwd, loss = _inputs_vector(w), _forward_vector(w), _loss_vector(w)
            deltas, grads = _deltas_vector(w), _gradients_vector(w)
            updates = _updates_vector(w, run, run.lr) if run else []
    losses = []
    if run:
        losses = [(s.step - 1, w.n(s.loss)) for s in run.steps] + [(len(run.steps), w.n(run.final_loss))]
    return WorkedExample(
        mode=mode, digits=digits, inputs=inputs, forward=fwd, loss=loss, deltas=deltas,
        gradients=grads, warnings=warnings, saturation=sat, gradcheck=check, updates=updates,
        losses=losses, lr=w.n(run.lr) if run else None,
        values=json_values(network, values, result, warnings, check, run))
