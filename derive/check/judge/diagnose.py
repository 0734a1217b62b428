"""Why a wrong step is wrong.

Each hypothesis is tested the same way the verdict was reached: numerically,
at the same random points, against the independent semantics.  In order:

* the inner derivative of the chain rule is missing (−1 of ∂(t − o)/∂o, which
  flips the sign; inside |t − o| it flips it where t > o only);
* the sign is flipped;
* off by a constant factor (a missing 2 or ½ is named);
* a factor missing or extra, from the factors of the expected expression, the
  student's own factors, every activation derivative (σ'(z), ReLU'(z)) and
  every quantity of the network;
* the exponent kept after differentiating: ``n u^n`` written for ``n u^{n-1}``
  (lowering one power of the line by one makes it right);
* the derivative of the wrong function: replacing one sub-expression of the
  student's line that depends on a single z by that unit's activation
  derivative makes it right (1 − σ written for σ(1 − σ));
* a wrong layer index, swapped unit indices, a missing or extra transpose, a
  Kronecker δ written as 1 (the softmax Jacobian's diagonal term for every pair):
  changing one quantity of the written line makes it right;
* the sum of the multivariate chain rule is missing: ∂C/∂a_j ∂a_j/∂z_j for
  Σ_k ∂C/∂a_k ∂a_k/∂z_j (z_j reaches the cost through every softmax output);
* the value for another activation or cost (the binary cross-entropy
  derivative used with softmax): the same left side computed on a network
  that differs only there equals what was written;
* a derivative with respect to the wrong variable, a function evaluated at the
  wrong quantity (``wrongvar``).

The first hypothesis that explains every point is reported.  A missing or extra
factor is named by what it is, the edge of the graph it is the local derivative
of (∂net/∂w, ∂out/∂net, ∂a/∂z); a sign flip that a missing inner derivative −1
explains (the −1 of ∂(t − o)/∂o) says so.
"""
from fractions import Fraction

import mpmath
import sympy as sp

from derive.model import functions as F
from derive.model.activations import ACTIVATIONS
from derive.model.costs import COSTS
from derive.model.network import Network
from derive.model.symbols import COST, Iverson, Partial, Transposed, base, label, plain, quantity
from derive.check.limits import StepTimeout, Unsupported
from derive.check.judge import otherside
from derive.check.judge.chainrule import (inner_derivative, local_derivatives, missing_sum,
                                          missing_term_factors, named)
from derive.check.judge.chainrule import shown as written_form
from derive.check.judge.wrongvar import wrong_argument, wrong_variable
from derive.check.read.graphnames import reaches
from derive.check.judge.semantics import DPS, Points, Undefined, compare
from derive.check.judge.shapes import Missing, ShapeMismatch, shape

_SKIP = (Unsupported, Missing, ShapeMismatch, Undefined, ZeroDivisionError, ValueError, TypeError,
         OverflowError, KeyError, IndexError)
MAX_CANDIDATES = 60


def diagnose(checker, ref, rhs, assign, witness, deadline, structural=None, kind=None,
             assigns=None):
    """(code, params) for the first hypothesis that explains the error, or None."""
    tests = []
    if witness is not None:
        a, b = witness[5], witness[6]
        if kind == "update":
            tests.append(lambda: _update(checker, a, b))
        tests += [lambda: _zero_factor(checker, a, b),
                  lambda: inner_derivative(checker, a, b),
                  lambda: _sign_or_constant(checker, a, b),
                  lambda: _activation_derivative(checker, b, a),
                  lambda: wrong_variable(checker, a, b),
                  lambda: _kept_exponent(checker, a, b),
                  lambda: _factor(checker, a, b, assign),
                  lambda: missing_sum(checker, a, b),
                  lambda: missing_term_factors(checker, a, b),
                  lambda: _term(checker, a, b)]
    tests += [lambda: _mutations(checker, ref, rhs, assign, assigns)]
    if witness is not None:
        tests.append(lambda: _other_model(checker, witness[5], witness[6]))
        tests.append(lambda: wrong_argument(checker, witness[5], witness[6]))
        tests.append(lambda: otherside.symbolic(checker, witness[6]))
        tests.append(lambda: _own_term(checker, witness[5], witness[6]))
    for test in tests:
        try:
            deadline.check()
            with mpmath.workdps(DPS):  # products and ratios of the point values keep their precision
                found = test()
        except StepTimeout:
            raise
        except Exception:  # noqa: BLE001 - a hypothesis that cannot be tested explains nothing
            found = None
        if found:
            return found
    return None


# -- values -------------------------------------------------------------------

def _vals(checker, expr):
    return checker.points.values(expr)


def _same(xs, ys):
    return compare(xs, ys)[0] == "equal"


def _scaled(xs, fs):
    return [None if x is None or f is None else x * f for x, f in zip(xs, fs)]


# -- sign, constants, factors -----------------------------------------------------

def _update(checker, a, b):
    """w + η ∂C/∂w written for w − η ∂C/∂w: the step goes up the gradient."""
    params = [q for q in a.atoms(sp.Indexed) if not q.has(COST) and q in b.atoms(sp.Indexed)
              and label(q)[0] in ("w", "b")]
    params += [q for q in a.atoms(sp.Symbol) if q in b.atoms(sp.Symbol) and q in checker.graph.by_symbol
               and checker.graph.by_symbol[q].role == "param"]  # a --graph file's parameter
    for p in params:
        step_true = a - p
        step_said = b - p
        found = _sign_or_constant(checker, step_true, step_said)
        if found and found[0] == "sign":
            return "update_sign", {}
        if found:
            return found
    return None


def _sign_or_constant(checker, a, b):
    truth = checker.points.values(a)
    said = checker.points.values(b)
    if _same(said, [None if t is None else -t for t in truth]):
        return "sign", {}
    ratios = [s / t for s, t in zip(said, truth) if s is not None and t is not None and t != 0]
    if len(ratios) < 3:
        return None
    r0 = ratios[0]
    if all(abs(r - r0) <= mpmath.mpf(10) ** -25 * max(1, abs(r0)) for r in ratios):
        frac = Fraction(float(r0)).limit_denominator(64)
        if abs(mpmath.mpf(frac.numerator) / frac.denominator - r0) > mpmath.mpf(10) ** -20:
            return None
        c = sp.Rational(frac.numerator, frac.denominator)
        if c in (1, -1, 0):
            return None
        hint = None
        if c == 2 and _halved_cost(checker):
            hint = "missing_half"
        elif c == sp.Rational(1, 2):
            hint = "missing_two"
        return "constant_factor", {"factor": c, "hint": hint, "half": sp.Rational(1, 2)}
    return None


def _halved_cost(checker):
    """Whether the cost is ½ times a sum of squares (the quadratic cost, or a document's
    own ``E = ½(t − o)²``), whose ½ a derivative twice too large has forgotten."""
    if checker.network.cost_name == "quadratic":
        return True
    expr = getattr(checker.graph.cost, "expr", None)
    if expr is None:
        return False
    terms = expr.args if isinstance(expr, sp.Add) else (expr,)
    return all(sp.Rational(1, 2) in sp.Mul.make_args(t) and any(
        isinstance(f, sp.Pow) and f.exp == 2 for f in sp.Mul.make_args(t)) for t in terms)


def _factors_of(e):
    e = plain(e)
    return list(e.args) if isinstance(e, sp.Mul) else [e]


def _candidates(checker, a, b, assign):
    """Factors that might be missing or extra."""
    out = []
    form = checker.expected(a, {}, b, "lhs", None) if not isinstance(a, sp.MatrixBase) else None
    for src in (form, b):
        if src is not None:
            factors = _factors_of(src)
            out += [f for f in factors if not f.is_number]
            # 2(a - y) of the cost's derivative, with the number that belongs to it
            c = sp.Mul(*[f for f in factors if f.is_number])
            if c not in (1, -1):
                out += [sp.Mul(c, f, evaluate=False) for f in factors if not f.is_number]
    g = checker.graph
    for n in g.nodes:
        if n.role == "a" and n.activation is not None and len(n.parents) == 1:
            out.append(n.activation.derivative(n.parents[0].symbol))
    for n in g.nodes:
        if n.role in ("a", "param", "input"):
            out.append(n.symbol)
    out += list(local_derivatives(checker))
    seen, uniq = set(), []
    for f in out:
        if f not in seen and f != 1:
            seen.add(f)
            uniq.append(f)
    return uniq[:MAX_CANDIDATES]


def _zero_factor(checker, a, b):
    """``∂E/∂w_5 = ∂E/∂out_{h1} · ∂out_{h1}/∂net_{h1} · ∂net_{h1}/∂w_5`` (the chain copied
    from w_1's): a factor of the written product is 0, its quantity not depending on the
    variable, so the chain goes through a part of the network the variable never reaches."""
    said, truth = _vals(checker, b), _vals(checker, a)
    if any(v is None or abs(v) > ZERO for v in said) or all(
            v is None or abs(v) <= ZERO for v in truth):
        return None
    g = checker.graph
    for f in _factors_of(b):
        if isinstance(f, Partial):
            num, den = g.by_symbol.get(f.num), g.by_symbol.get(f.den)
            if num is not None and den is not None and not reaches(den, num):
                return "zero_factor", {"factor": written_form(checker, f), "num": f.num,
                                       "den": f.den}
    return None


ZERO = mpmath.mpf(10) ** -50


def _factor(checker, a, b, assign):
    truth = checker.points.values(a)
    said = checker.points.values(b)
    for f in _candidates(checker, a, b, assign):
        fv = _vals(checker, f)
        if any(v is None for v in fv) or all(v == 1 for v in fv):
            continue
        if _same(_scaled(said, fv), truth):
            return "missing_factor", {"factor": written_form(checker, f), "what": named(checker, f)}
        if _same(said, _scaled(truth, fv)):
            return "extra_factor", {"factor": written_form(checker, f), "what": named(checker, f)}
    return None


def _term(checker, a, b):
    """A term of the expected sum left out, or one too many (z = w a without + b)."""
    truth = checker.points.values(a)
    said = checker.points.values(b)
    form = checker.expected(a, {}, b, "lhs", None) if not isinstance(a, sp.MatrixBase) else None
    terms = []
    for src in (form, a):
        if src is not None and not src.has(Partial):
            e = plain(src)
            terms += list(e.args) if isinstance(e, sp.Add) else []
    terms += [n.symbol for n in checker.graph.nodes if n.role == "param" and n.key and n.key[0] == "b"]
    for t in list(dict.fromkeys(terms))[:MAX_CANDIDATES]:
        tv = _vals(checker, t)
        if any(v is None for v in tv):
            continue
        if _same([None if s is None or v is None else s + v for s, v in zip(said, tv)], truth):
            return "missing_term", {"term": t}
        if _same([None if s is None or v is None else s - v for s, v in zip(said, tv)], truth):
            return "extra_term", {"term": t}
    return None


def _own_term(checker, a, b):
    """One of the line's own terms too many: dE1/da_o1 + dE2/da_o2 for dET/da_o1 (tried
    after the other hypotheses, which name a cause where there is one)."""
    truth = checker.points.values(a)
    said = checker.points.values(b)
    for t in (b.args if isinstance(b, sp.Add) else ())[:MAX_CANDIDATES]:
        tv = _vals(checker, t)
        if not any(v is None for v in tv) and _same(
                [None if s is None else s - v for s, v in zip(said, tv)], truth):
            return "extra_term", {"term": t}
    return None


# -- the derivative of the wrong function ------------------------------------------------

class _Written:
    """The function of a node a document defines by a formula (out = 1/(1 + e^{-net})),
    with the interface of an activation: its value and its derivative in the parent."""

    def __init__(self, node):
        self.node = node

    def apply(self, z):
        return self.node.expr

    def derivative(self, z):
        return sp.diff(self.node.expr, z)


def _unit_functions(checker):
    """(z symbol, activation, a symbol) for every unit with an element-wise activation,
    or with a formula of its one parent (a document's own forward pass)."""
    out = []
    for n in checker.graph.nodes:
        if n.role == "a" and n.activation is not None and len(n.parents) == 1 \
                and n.activation.prime is not None:
            out.append((n.parents[0].symbol, n.activation, n.symbol))
        elif n.role == "var" and len(n.parents) == 1 and getattr(n, "expr", None) is not None \
                and n.expr.has(sp.exp, sp.tanh, sp.log, sp.Pow):
            out.append((n.parents[0].symbol, _Written(n), n.symbol))
    return out


def _activation_derivative(checker, b, a):
    ref_calls = list(sp.preorder_traversal(a))
    truth = checker.points.values(a)
    units = _unit_functions(checker)
    named = {F.sigmoid_prime: "sigmoid", F.tanh_prime: "tanh", F.relu_prime: "relu"}
    for call in ref_calls:
        name = named.get(type(call))
        if name:  # σ'(u) = … for any u: u is the variable
            units.insert(0, (call.args[0], ACTIVATIONS[name], None))
    free_z = [s for s in b.free_symbols if isinstance(s, sp.Symbol) and s.name in ("z", "x", "u")]
    for s in free_z:  # σ'(z) = … written for a free variable
        for name in ("sigmoid", "tanh", "relu"):
            act = ACTIVATIONS[name]
            units.append((s, act, None))
    subterms = [t for t in sp.preorder_traversal(b) if not t.is_Atom and not isinstance(t, sp.Indexed)]
    for t in subterms[:MAX_CANDIDATES]:
        syms = _symbols(t)
        for z, act, out in units:
            own = {z} | ({out} if out is not None else set())
            if not syms or not syms <= own:
                continue
            should = act.derivative(z)
            if t == should:
                continue
            fixed = b.xreplace({t: should})
            if _same(_vals(checker, fixed), truth):
                from derive.check.judge.known import engine_form

                shown = engine_form(checker, should, False) if should != 1 else None
                if isinstance(act, _Written):
                    shown = written_form(checker, should)
                return "activation_derivative", {"written": t, "should": shown or should,
                                                 "function": act.apply(z)}
    return None


def _kept_exponent(checker, a, b):
    """``2 \\cdot \\frac12 (t - o)^2`` for the derivative of ``\\frac12 (t - o)^2``: the
    exponent came down as a factor but was not lowered (the power rule gives ``u^{n-1}``).
    Lowering one integer power of the written line by one makes it right."""
    truth = checker.points.values(a)
    powers = [t for t in sp.preorder_traversal(b) if isinstance(t, sp.Pow)
              and t.exp.is_Integer and t.exp >= 2 and not t.base.is_Number]
    for t in powers[:MAX_CANDIDATES]:
        should = t.base ** (t.exp - 1)
        if _same(_vals(checker, b.xreplace({t: should})), truth):
            return "kept_exponent", {"written": t, "should": should}
    return None


def _symbols(t):
    """Network quantities and free symbols in ``t`` (not the labels of indexed bases)."""
    indexed = t.atoms(sp.Indexed)
    labels = {q.base.label for q in indexed}
    return indexed | {s for s in t.atoms(sp.Symbol) if s not in labels}


# -- one quantity changed ------------------------------------------------------------------

def _shift(q, d):
    kind, layer, idx = _parts(q)
    if kind in ("x", "y"):
        return None
    if isinstance(layer, str) and not layer.lstrip("-").isdigit():
        name, _, off = layer.partition("+") if "+" in layer else layer.partition("-")
        k = int(off or 0) * (1 if "+" in layer else -1)
        k += d
        new = name + (f"+{k}" if k > 0 else f"{k}" if k < 0 else "")
    else:
        new = int(layer) + d
        if kind == "a" and new == 0:
            return quantity("x", 0, *idx) if idx else base("x", 0)
    return quantity(kind, new, *idx) if idx else base(kind, new)


def _parts(q):
    kind, layer, idx = label(q)
    if kind == "x":
        kind, layer = "a", "0"
    return kind, layer, idx


def _occurrences(expr, path=()):
    """(path, node) for every quantity in ``expr``; a path is a tuple of arg positions."""
    if isinstance(expr, (sp.Indexed, sp.IndexedBase)):
        return [(path, expr)]
    out = []
    for i, a in enumerate(expr.args):
        out.extend(_occurrences(a, path + (i,)))
    return out


def _replace_at(expr, path, new):
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = _replace_at(args[path[0]], path[1:], new)
    return expr.func(*args)


def _relabel(q, name_from, name_to):
    kind, layer, idx = _parts(q)
    if not isinstance(layer, str) or not layer.startswith(name_from):
        return None
    new = name_to + layer[len(name_from):]
    return quantity(kind, new, *idx) if idx else base(kind, new)


def _mutations(checker, ref, rhs, assign, assigns=None):
    inst = checker.inst
    assigns = assigns or [assign]
    refs = [(a, inst.value(ref, a)) for a in assigns]

    def fits(candidate):
        for a, lv in refs:
            try:
                rv = inst.value(candidate, a)
            except _SKIP:
                return False
            if shape(rv) != shape(lv):
                return False
            pairs = zip(lv, rv) if isinstance(lv, sp.MatrixBase) else [(lv, rv)]
            for x, y in pairs:
                if x != y and not _same(_vals(checker, y), _vals(checker, x)):
                    return False
        return True

    spots = [(p, q) for p, q in _occurrences(rhs)]
    for path, q in spots:
        for new in (_shift(q, -1), _shift(q, 1), _relabel(q, "L", "l"), _relabel(q, "l", "L")):
            if new is not None and fits(_replace_at(rhs, path, new)):
                return "layer_index", {"written": q, "should": new}
    from derive.check.read.forms import is_index_symbol

    letters = sorted({s for s in rhs.free_symbols if is_index_symbol(s)}, key=str)
    for i, j in [(i, j) for i in letters for j in letters if str(i) < str(j)]:
        if fits(rhs.xreplace({i: j, j: i})):
            return "unit_index", {"written": rhs, "should": rhs.xreplace({i: j, j: i})}
    for path, q in spots:
        if isinstance(q, sp.Indexed) and len(q.indices) == 2:
            swapped = q.base[q.indices[1], q.indices[0]]
            if fits(_replace_at(rhs, path, swapped)):
                return "unit_index", {"written": q, "should": swapped}
    for t in [t for t in sp.preorder_traversal(rhs) if isinstance(t, Transposed)]:
        if fits(rhs.xreplace({t: t.args[0]})):
            return "transpose", {"written": t, "should": t.args[0], "missing": False}
    for path, q in spots:
        if isinstance(q, sp.IndexedBase) and fits(_replace_at(rhs, path, Transposed(q))):
            return "transpose", {"written": q, "should": Transposed(q), "missing": True}
    # p_k(1 - p_m) for p_k(δ_km - p_m): the 1 of the diagonal written for every pair
    for add in [t for t in sp.preorder_traversal(rhs) if isinstance(t, sp.Add) and sp.S.One in t.args]:
        for i, j in [(i, j) for i in letters for j in letters if str(i) < str(j)]:
            if fits(rhs.xreplace({add: add - 1 + Iverson(i, j)})):
                return "missing_delta", {"written": add, "should": add - 1 + Iverson(i, j),
                                         "a": str(i), "b": str(j)}
    return None


# -- another activation or cost ----------------------------------------------------------------

def _variants(network):
    acts = list(network.activations)
    out = []
    for cost in COSTS:
        if cost != network.cost_name:
            out.append(("cost", cost, network.cost_name, None, acts))
    last = acts[-1]
    for other in ("sigmoid", "softmax", "linear"):
        if other != last and not (other == "softmax" and network.widths[-1] < 2):
            out.append(("activation", other, last, network.L, acts[:-1] + [other]))
    for layer in range(1, network.L):
        for other in ("sigmoid", "relu", "tanh"):
            if other != acts[layer - 1]:
                changed = acts[:layer - 1] + [other] + acts[layer:]
                out.append(("activation", other, acts[layer - 1], layer, changed))
    return out


def _other_model(checker, a, b):
    if not (a.has(COST) or any(label(q)[0] == "delta" for q in a.atoms(sp.Indexed))):
        return None
    net = checker.network
    for changed, other, actual, layer, acts in _variants(net)[:12]:
        alt = checker._alt_models.get((changed, other, layer)) if hasattr(checker, "_alt_models") else None
        if alt is None:
            try:
                alt_net = Network(net.widths, activation=acts, cost=(other if changed == "cost"
                                                                     else net.cost_name), bias=net.bias)
                alt = Points(alt_net, alt_net.graph, seed=checker.seed, envs=checker.points.envs,
                             free_symbols=True)
            except Exception:  # noqa: BLE001, S112 - an invalid combination (softmax rules)
                continue
            checker.__dict__.setdefault("_alt_models", {})[(changed, other, layer)] = alt
        # the student's formula holds in the other network: it is that network's formula
        if _same(alt.values(b), alt.values(a)):
            shown = checker.notation.display_layer("a", layer) if layer is not None else None
            return "wrong_model", {"changed": changed, "other": other, "actual": actual,
                                   "layer": shown, "output": layer == net.L}
    return None


__all__ = ["Points", "diagnose"]
