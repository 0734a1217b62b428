"""What a scalar expression over network quantities is worth, independently.

``Semantics.concrete`` writes an expression in the network's leaves (inputs,
targets, weights, biases) and free symbols: node quantities become their
composed definitions, ``Partial`` becomes ``sympy.diff`` of the composed
graph (``Graph.true_partial`` and the same idea for written numerators),
named δ become ∂C/∂z, activations their closed forms.  The engine is never
consulted here, so checking a step against the engine's answer is a test of
two independent things.

``Points`` evaluates concrete expressions at random points in high precision
(mpmath), by walking the sympy tree (no eval, no lambdify).  The points put
every ReLU unit on both sides of its kink, because a missing ReLU derivative
only shows where z < 0.
"""
import random

import mpmath
import sympy as sp

from .. import functions as F
from ..functions import concrete as close_form
from ..symbols import COST, Factors, Partial, Terms, label, plain
from .limits import LIMITS, Unsupported

DPS = 50
EQUAL_TOL = mpmath.mpf(10) ** -30
DIFFERENT_TOL = mpmath.mpf(10) ** -12


class Undefined(Exception):
    """The expression has no real value at this point (log of a negative, 1/0)."""


class Semantics:
    """Concrete meaning of expressions on one network graph."""

    def __init__(self, graph):
        self.graph = graph
        self.deltas = {n.delta: n for n in graph.nodes if n.delta is not None}
        self._cache = {}
        self._partials = {}
        self._values = None

    @property
    def values(self):
        if self._values is None:
            comp = self.graph.composed()
            self._values = {k: close_form(v) for k, v in comp.items()}
        return self._values

    def concrete(self, expr):
        """``expr`` as a sympy expression in leaves and free symbols."""
        if expr in self._cache:
            return self._cache[expr]
        out = self._c(plain(expr))
        if sp.count_ops(out, visual=False) > 40 * LIMITS.max_ops:
            raise Unsupported("too_complex")
        self._cache[expr] = out
        return out

    def _c(self, e):
        if isinstance(e, Partial):
            return self.partial(e.num, e.den)
        if isinstance(e, sp.Indexed):
            if e in self.deltas:
                return self.partial(COST, self.deltas[e].symbol)
            if e in self.values:
                return self.values[e]
            raise Unsupported("not_in_graph", name=str(e))
        if e == COST:
            return self.values[COST]
        if isinstance(e, (Factors, Terms)):
            return self._c(plain(e))
        if e.is_Atom:
            return e
        if isinstance(e, sp.Function) and type(e) in F.CONCRETE:
            return close_form(type(e)(*[self._c(a) for a in e.args]))
        if isinstance(e, sp.Function) and type(e).__name__ == "Delta":
            raise Unsupported("increment_value")
        return e.func(*[self._c(a) for a in e.args])

    def partial(self, num, den):
        key = (num, den)
        if key not in self._partials:
            self._partials[key] = self._partial(num, den)
        return self._partials[key]

    def _partial(self, num, den):
        g = self.graph
        if isinstance(den, sp.Indexed) and den in g.by_symbol:
            if num == COST or num in g.by_symbol:
                return close_form(g.true_partial(num, den))
            if num.has(Partial) or any(d in self.deltas for d in num.atoms(sp.Indexed)):
                raise Unsupported("nested_derivative")
            held = g.composed(g.by_symbol[den])
            body = plain(num).xreplace({s: held[s] for s in num.atoms(sp.Indexed, sp.Symbol)
                                        if s in held and s != den})
            d = sp.diff(close_form(body), den)
            return close_form(d.xreplace({den: self.values[den]}))
        if isinstance(den, sp.Symbol) and den != COST:
            return sp.diff(self._c(num), den)
        if isinstance(den, (sp.Add, sp.Mul)):
            u = sp.Dummy("u")
            swapped = plain(num).xreplace({den: u})
            if not swapped.has(u):
                swapped = plain(num).xreplace({-den: -u})
            if not swapped.has(u):
                raise Unsupported("derivative_wrt_expression")
            return self._c(sp.diff(swapped, u).xreplace({u: den}))
        raise Unsupported("derivative_wrt_expression")


class Points:
    """Random evaluation points for one network (leaf values), reproducible by seed."""

    def __init__(self, network, graph, semantics, seed=0, count=6, given=None):
        self.network = network
        self.graph = graph
        self.rng = random.Random(seed)
        self.seed = seed
        self.given = given
        if given is not None:
            self.envs = [dict(given)]
        else:
            self.envs = self._make(count, semantics)
        self._free = [{} for _ in self.envs]

    def _leaf_value(self, node):
        r = self.rng
        if node.role == "target":
            cost = self.network.cost_name
            if cost in ("cross-entropy", "log-likelihood"):
                return r.uniform(0.05, 0.95)
            return r.uniform(-1.0, 2.0)
        if node.role == "input":
            return r.uniform(-2.0, 2.0)
        return r.uniform(-1.5, 1.5)

    def _candidate(self):
        env = {}
        for n in self.graph.nodes:
            if n.is_leaf:
                env[n.symbol] = mpmath.mpf(self._leaf_value(n))
        if self.network.cost_name == "log-likelihood":
            # a probability vector (the engine uses Σ y = 1), exact to the working precision
            ys = [n.symbol for n in self.graph.nodes if n.role == "target"]
            with mpmath.workdps(DPS):
                total = mpmath.fsum(env[y] for y in ys)
                for y in ys:
                    env[y] = env[y] / total
        return env

    def _make(self, count, semantics):
        relu_zs = [n.parents[0].symbol for n in self.graph.nodes
                   if n.role == "a" and n.activation is not None and n.activation.name == "relu"]
        envs = [self._candidate() for _ in range(count)]
        if not relu_zs:
            return envs
        zvals = {z: semantics.values[z] for z in relu_zs}
        need = {(z, s) for z in relu_zs for s in (1, -1)}

        def signs(env):
            out = set()
            for z, val in zvals.items():
                v = evaluate(val, env, {})
                out.add((z, 1 if v > 0 else -1))
            return out

        for env in envs:
            need -= signs(env)
        tries = 0
        while need and tries < 60:
            tries += 1
            env = self._candidate()
            got = signs(env) & need
            if got:
                envs.append(env)
                need -= got
        return envs

    def free_value(self, i, sym):
        """A value for a free symbol at point i: alternating signs so both
        sides of 0 (ReLU's kink) are seen; learning rates stay positive."""
        if sym not in self._free[i]:
            r = random.Random(f"{self.seed}:{i}:{sym}")
            v = r.uniform(0.1, 2.0)
            if not (sym.is_positive or i % 2 == 0):
                v = -v
            self._free[i][sym] = mpmath.mpf(v)
        return self._free[i][sym]

    def values(self, expr, deadline=None):
        """The value of a concrete expression at every point (None where undefined)."""
        out = []
        with mpmath.workdps(DPS):
            for i, env in enumerate(self.envs):
                if deadline is not None:
                    deadline.check()
                try:
                    out.append(evaluate(expr, env, {}, lambda s, i=i: self.free_value(i, s)))
                except (Undefined, ZeroDivisionError, OverflowError, ValueError):
                    out.append(None)
        return out


def compare(xs, ys):
    """('equal' | 'different' | 'undecided', index of a witness point or None)."""
    with mpmath.workdps(DPS):
        return _compare(xs, ys)


def _compare(xs, ys):
    usable = 0
    close_call = False
    for i, (x, y) in enumerate(zip(xs, ys)):
        if x is None or y is None:
            continue
        usable += 1
        scale = max(mpmath.mpf(1), abs(x), abs(y))
        diff = abs(x - y)
        if diff > DIFFERENT_TOL * scale:
            return "different", i
        if diff > EQUAL_TOL * scale:
            close_call = True
    if usable < min(3, len(xs)) or close_call:
        return "undecided", None
    return "equal", None


_REL = {sp.StrictGreaterThan: lambda a, b: a > b, sp.GreaterThan: lambda a, b: a >= b,
        sp.StrictLessThan: lambda a, b: a < b, sp.LessThan: lambda a, b: a <= b}


def evaluate(e, env, memo, free=None):
    """mpmath value of a sympy expression; leaves from ``env``, free symbols from ``free``."""
    if e in memo:
        return memo[e]
    if e.is_Integer:
        v = mpmath.mpf(int(e))
    elif e.is_Rational:
        v = mpmath.mpf(int(e.p)) / int(e.q)
    elif e.is_Float:
        v = mpmath.mpf(str(e))
    elif e is sp.E:
        v = mpmath.e
    elif e is sp.pi:
        v = mpmath.pi
    elif isinstance(e, (sp.Indexed, sp.Symbol)):
        if e in env:
            v = env[e]
        elif free is not None and isinstance(e, sp.Symbol):
            v = free(e)
        else:
            raise Undefined(str(e))
    elif isinstance(e, sp.Add):
        v = mpmath.fsum(evaluate(a, env, memo, free) for a in e.args)
    elif isinstance(e, sp.Mul):
        v = mpmath.mpf(1)
        for a in e.args:
            v *= evaluate(a, env, memo, free)
    elif isinstance(e, sp.Pow):
        b = evaluate(e.base, env, memo, free)
        x = evaluate(e.exp, env, memo, free)
        if b == 0 and x < 0:
            raise Undefined("division by zero")
        if b < 0 and x != int(x):
            raise Undefined("root of a negative")
        if abs(x) > 10 ** 6:
            raise Undefined("huge power")
        v = mpmath.power(b, x)
    elif isinstance(e, sp.exp):
        x = evaluate(e.args[0], env, memo, free)
        if x > 10 ** 6:
            raise Undefined("overflow")
        v = mpmath.exp(x)
    elif isinstance(e, sp.log):
        x = evaluate(e.args[0], env, memo, free)
        if x <= 0:
            raise Undefined("log of a non-positive number")
        v = mpmath.log(x)
    elif isinstance(e, sp.tanh):
        v = mpmath.tanh(evaluate(e.args[0], env, memo, free))
    elif isinstance(e, sp.Abs):
        v = abs(evaluate(e.args[0], env, memo, free))
    elif isinstance(e, sp.Piecewise):
        v = None
        for val, cond in e.args:
            if _truth(cond, env, memo, free):
                v = evaluate(val, env, memo, free)
                break
        if v is None:
            raise Undefined("no piece applies")
    elif isinstance(e, sp.Function) and type(e) in F.CONCRETE:
        v = evaluate(close_form(e), env, memo, free)
    else:
        raise Unsupported("cannot_evaluate", what=type(e).__name__)
    if not mpmath.isfinite(v):
        raise Undefined("not finite")
    memo[e] = v
    return v


def _truth(cond, env, memo, free):
    if cond is sp.true or cond == True:
        return True
    if cond is sp.false:
        return False
    if isinstance(cond, sp.And):
        return all(_truth(c, env, memo, free) for c in cond.args)
    if isinstance(cond, sp.Or):
        return any(_truth(c, env, memo, free) for c in cond.args)
    if isinstance(cond, sp.Not):
        return not _truth(cond.args[0], env, memo, free)
    if isinstance(cond, sp.ITE):  # nested ReLUs: (if c then p else q)
        c, p, q = cond.args
        return _truth(p if _truth(c, env, memo, free) else q, env, memo, free)
    if isinstance(cond, (sp.Eq, sp.Ne)):
        same = evaluate(cond.lhs, env, memo, free) == evaluate(cond.rhs, env, memo, free)
        return same if isinstance(cond, sp.Eq) else not same
    op = _REL.get(type(cond))
    if op is None:
        raise Unsupported("cannot_evaluate", what=type(cond).__name__)
    return op(evaluate(cond.lhs, env, memo, free), evaluate(cond.rhs, env, memo, free))


def is_quantity(e, kinds=None):
    lab = label(e)
    return lab is not None and (kinds is None or lab[0] in kinds)
