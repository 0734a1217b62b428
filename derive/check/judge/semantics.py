"""What an expression over network quantities is worth, independently of the engine.

``Points`` holds random values for the network's leaves (inputs, targets,
weights, biases) and evaluates any expression a student may write at each of
them, in high precision (mpmath), by walking the sympy tree (no eval, no
lambdify):

* a node quantity (a, z, C) is its value in a forward pass through the
  graph's own definitions;
* ``Partial(num, den)`` and a named δ (= ∂C/∂z) are central finite
  differences: ``den`` is moved by ±h, everything downstream of it is
  recomputed, ``num`` is evaluated again.  With 120 digits and h = 10⁻⁴⁰ the
  error (about 10⁻⁸⁰) is far below the relative 10⁻⁶⁰ at which two values
  count as equal, which is far below any constant a student can write
  (``soundness`` refuses the smaller ones and the terms that hide below it);
* ∂ of an expression with respect to a sub-expression (∂(y − f)²/∂(y − f)) is
  differentiated by sympy after substituting a fresh symbol;
* free symbols (the z of σ'(z) = …, η) get their own values, of both signs.

The engine is never consulted, so checking a step against the engine's answer
compares two independent things.  The points put every ReLU unit on both sides
of its kink, because a missing ReLU derivative only shows where z < 0.
"""
import random

import mpmath
import sympy as sp

from derive.model import functions as F
from derive.model.symbols import COST, DirectPartial, Factors, Partial, Terms, plain
from derive.check.limits import Unsupported
from derive.check.judge.letters import no_free_letters

DPS = 120
STEP = mpmath.mpf(10) ** -40
EQUAL_TOL = mpmath.mpf(10) ** -60
DIFFERENT_TOL = mpmath.mpf(10) ** -12


class Undefined(Exception):
    """The expression has no real value at this point (log of a negative, 1/0)."""


class Points:
    """Evaluation points for one network graph, reproducible by seed."""

    def __init__(self, network, graph, seed=0, count=6, envs=None, free_symbols=None):
        self.network = network
        self.graph = graph
        self.seed = seed
        self.rng = random.Random(seed)
        self.deltas = {n.delta: n.symbol for n in graph.nodes if n.delta is not None}
        self.leaves = [n.symbol for n in graph.nodes if n.is_leaf]
        self._order = [n for n in graph.nodes if not n.is_leaf]
        self._forward = {}
        self.side = 0  # 0: central differences; -1/+1: from the left/right (examples.py)
        self.slopes = None  # judge.opaque.Slopes: what a stand-in's unknown dependence adds
        # random values for free symbols (η, the x of σ'(x)), but not in a worked example
        self.free_symbols = envs is None if free_symbols is None else free_symbols
        self._syms = [n.symbol for n in graph.nodes]
        self._position = {n.symbol: k for k, n in enumerate(graph.nodes)}
        self._delta_keys = {d: d for d in self.deltas}
        self._own = {}
        # for each node: id of each parent object in its definition -> the parent's symbol
        self._parent_ids = {}
        for n in self._order:
            mine = {p.symbol: p.symbol for p in n.parents}
            self._parent_ids[n.symbol] = {id(q): mine[q] for q in n.expr.atoms(sp.Indexed, sp.Symbol)
                                          if q in mine}
        if envs is not None:  # given numbers: keyed by the graph's own objects
            envs = [{self.graph.by_symbol[k].symbol if k in self.graph.by_symbol else k: v
                     for k, v in env.items()} for env in envs]
        self.envs = envs if envs is not None else self._make(count)
        self._free = [{} for _ in self.envs]

    # -- choosing points ----------------------------------------------------------

    def _leaf_value(self, node):
        r = self.rng
        if node.role == "target":
            if self.network.cost_name in ("cross-entropy", "log-likelihood", "graph"):
                return r.uniform(0.05, 0.95)  # a probability wherever a log cost may need one
            return r.uniform(-1.0, 2.0)
        if node.role == "input":
            return r.uniform(-2.0, 2.0)
        return r.uniform(-1.5, 1.5)

    def _candidate(self):
        env = {n.symbol: mpmath.mpf(self._leaf_value(n)) for n in self.graph.nodes if n.is_leaf}
        if self.network.cost_name == "log-likelihood":
            # a probability vector (the engine uses Σ y = 1), exact to the working precision
            ys = [n.symbol for n in self.graph.nodes if n.role == "target"]
            with mpmath.workdps(DPS):
                total = mpmath.fsum(env[y] for y in ys)
                for y in ys:
                    env[y] = env[y] / total
        return env

    def _defined(self, env):
        """Whether the cost has a value at ``env`` (a ReLU output fed to a log may not)."""
        with mpmath.workdps(DPS):
            return self._pass(env, ()).get(self.graph.cost.symbol) is not None

    def _fresh(self):
        """A candidate point at which the cost is defined, if one is found soon."""
        env = self._candidate()
        for _ in range(40):
            if self._defined(env):
                break
            env = self._candidate()
        return env

    def _kinks(self):
        """(node, argument) of every ReLU in the graph's definitions."""
        return [(n, r.args[0]) for n in self._order for r in n.expr.atoms(F.relu)]

    def _make(self, count):
        envs = [self._fresh() for _ in range(count)]
        kinks = self._kinks()
        if not kinks:
            return envs
        need = {(k, s) for k in range(len(kinks)) for s in (1, -1)}

        def signs(env):
            with mpmath.workdps(DPS):
                values = self._pass(env, ())
            out = set()
            for k, (n, arg) in enumerate(kinks):
                try:
                    v = _eval(arg, values.get, {})
                except (Undefined, ZeroDivisionError, OverflowError, ValueError, TypeError):
                    continue
                out.add((k, 1 if v > 0 else -1))
            return out

        for env in envs:
            need -= signs(env)
        tries = 0
        while need and tries < 60:
            tries += 1
            env = self._candidate()
            got = signs(env) & need
            if got and self._defined(env):
                envs.append(env)
                need -= got
        return envs

    def free_value(self, i, sym):
        """A value for a free symbol at point i: alternating signs so both sides
        of 0 (ReLU's kink) are seen; learning rates stay positive."""
        if sym not in self._free[i]:
            r = random.Random(f"{self.seed}:{i}:{sym}")
            v = r.uniform(0.1, 2.0)
            if not (sym.is_positive or i % 2 == 0):
                v = -v
            self._free[i][sym] = mpmath.mpf(v)
        return self._free[i][sym]

    # -- forward passes -------------------------------------------------------------

    def _pass(self, env, moved):
        """Every node's value, with the nodes in ``moved`` (pairs of a node's position
        in the graph and an amount) shifted by their amounts."""
        shift = {self._syms[k]: amount for k, amount in moved}
        values = {}
        for s in self.leaves:
            values[s] = env[s] + shift.get(s, 0) if s in env else None
        if self.slopes is not None and moved:
            self.slopes.shift(values, env, moved, self)
        for n in self._order:
            parents = {k: values[p] for k, p in self._parent_ids[n.symbol].items()}
            if any(v is None for v in parents.values()):
                values[n.symbol] = None
                continue
            try:
                v = _eval(n.expr, lambda q, parents=parents: parents.get(id(q)), {})
            except (Undefined, ZeroDivisionError, OverflowError, ValueError):
                values[n.symbol] = None  # log of a ReLU output that is 0: no value here
                continue
            values[n.symbol] = v + shift.get(n.symbol, 0)
        return values

    def node_values(self, i, moved=()):
        key = (i, moved)
        if key not in self._forward:
            self._forward[key] = self._pass(self.envs[i], moved)
        return self._forward[key]

    # -- values of anything a student writes --------------------------------------------

    def values(self, expr, deadline=None):
        """The value of ``expr`` at every point (None where it is undefined)."""
        return self._at_points(expr, deadline, lambda e, i: self.value(e, i, (), {}))

    def _at_points(self, expr, deadline, evaluate, undefined=lambda: None):
        """``evaluate(expr, i)`` at every point i, with the expression's quantities looked
        up by identity; ``undefined()`` stands in where it has no value."""
        expr = plain(expr)
        self._own = self._owners(expr)
        out = []
        try:
            with mpmath.workdps(DPS):
                for i in range(len(self.envs)):
                    if deadline is not None:
                        deadline.check()
                    try:
                        out.append(evaluate(expr, i))
                    except (Undefined, ZeroDivisionError, OverflowError, ValueError):
                        out.append(undefined())
        finally:
            self._own = {}  # ids are only the expression's own while it is alive
        return out

    def _owners(self, expr):
        """id of each quantity object in ``expr`` -> the graph's own equal object.
        The many look-ups at every point then find quantities by identity: comparing
        two equal sympy objects field by field is what made evaluation slow (and
        sympy's cache hands back the old objects, so they cannot just be replaced)."""
        own = {}
        for q in expr.atoms(sp.Indexed):
            node = self.graph.by_symbol.get(q)
            mine = node.symbol if node is not None else self._delta_keys.get(q)
            if mine is not None:
                own[id(q)] = mine
        return own

    def subvalues(self, expr, deadline=None):
        """For each point, {sub-expression: value} of every part of ``expr`` that was
        evaluated there (one walk per point; ``soundness.hidden`` looks at them all).
        What was evaluated before an undefined part is kept."""
        memos = []

        def walk(e, i):
            memos.append({})
            memos[-1][None] = self.value(e, i, (), {}, memos[-1])  # None: the whole
            return memos[-1]

        self._at_points(expr, deadline, walk, undefined=lambda: memos[-1])
        return memos

    def value(self, expr, i, moved, free_moved, memo=None):
        nodes = self.node_values(i, moved)

        def leaf(s):
            s = self._own.get(id(s), s)  # the expression is alive, so its ids are its own
            if s in nodes:
                v = nodes[s]
                if v is None:
                    raise Undefined(f"no value for {s}")
                return v
            if s in self.deltas:
                return self.derivative(COST, self.deltas[s], i, moved, free_moved)
            if isinstance(s, sp.Symbol) and s != COST:
                if s in self.envs[i]:  # a number the example gives outside the graph: η
                    return self.envs[i][s] + free_moved.get(s, 0)
                if not self.free_symbols:
                    raise Undefined(f"no number is given for {s}")
                return self.free_value(i, s) + free_moved.get(s, 0)
            raise Unsupported("not_in_graph", name=str(s))

        def partial(p):
            if isinstance(p, DirectPartial):
                return self.direct(p, i, moved)
            return self.derivative(p.num, p.den, i, moved, free_moved)

        return _eval(expr, leaf, {} if memo is None else memo, partial)

    def direct(self, p, i, moved):
        """∂num/∂den through num's own definition, its other inputs held fixed."""
        node = self.graph.by_symbol.get(p.num)
        den = self.graph.by_symbol.get(p.den)
        if node is None or node.is_leaf or den is None:
            raise Unsupported("derivative_wrt_expression")
        values = self.node_values(i, moved)
        ids = self._parent_ids[node.symbol]

        def at(step):
            parents = {k: values[q] + (step if q is den.symbol else 0) for k, q in ids.items()}
            if any(v is None for v in parents.values()):
                raise Undefined("no value for an input")
            return _eval(node.expr, lambda q: parents.get(id(q)), {})

        return (at(STEP) - at(-STEP)) / (2 * STEP)

    def derivative(self, num, den, i, moved, free_moved):
        """∂num/∂den by a central difference, everything downstream recomputed."""
        den = self._own.get(id(den), den)
        if den in self.graph.by_symbol or isinstance(den, (sp.Symbol, sp.Indexed)) and den != COST:
            no_free_letters(num, den, self.graph)
        if den in self.graph.by_symbol:
            k = self._position[den]
            if self.side:  # one-sided: the derivative from one side of a ReLU's kink
                here = self.value(num, i, moved, free_moved)
                there = self.value(num, i, _move(moved, k, self.side * STEP), free_moved)
                return (there - here) / (self.side * STEP)
            up = self.value(num, i, _move(moved, k, STEP), free_moved)
            down = self.value(num, i, _move(moved, k, -STEP), free_moved)
            return (up - down) / (2 * STEP)
        if isinstance(den, sp.Symbol) and den != COST:
            up = self.value(num, i, moved, {**free_moved, den: free_moved.get(den, 0) + STEP})
            down = self.value(num, i, moved, {**free_moved, den: free_moved.get(den, 0) - STEP})
            return (up - down) / (2 * STEP)
        if isinstance(den, (sp.Add, sp.Mul, sp.Pow)):
            u = sp.Dummy("u")
            body = plain(num)
            swapped = body.xreplace({den: u})
            if not swapped.has(u):
                swapped = body.xreplace({-den: -u})
            if not swapped.has(u):
                raise Unsupported("derivative_wrt_expression")
            return self.value(plain(sp.diff(swapped, u).xreplace({u: den})), i, moved, free_moved)
        raise Unsupported("derivative_wrt_expression")

    def support(self, *exprs):
        """The leaves (and free symbols) these expressions depend on, for a witness."""
        want = set()
        for e in exprs:
            e = plain(e)
            quantities = e.atoms(sp.Indexed, sp.Symbol)
            free = {s for s in _free(e) if s not in self.graph.by_symbol and s not in self.deltas}
            if e.has(Partial, COST) or any(q in self.deltas for q in quantities):
                return list(self.leaves) + sorted(free, key=str)
            for q in quantities:
                if q in self.graph.by_symbol:
                    want |= _ancestors(self.graph.by_symbol[q])
            want |= free
        return [s for s in self.leaves if s in want] + sorted(want - set(self.leaves), key=str)


def _move(moved, k, amount):
    shift = dict(moved)
    shift[k] = shift.get(k, 0) + amount
    return tuple(sorted(shift.items()))


def _free(e):
    labels = {q.base.label for q in e.atoms(sp.Indexed)}
    return {s for s in e.atoms(sp.Symbol) if s not in labels and s != COST}


def _ancestors(node):
    out, stack = set(), [node]
    while stack:
        n = stack.pop()
        if n.is_leaf:
            out.add(n.symbol)
        stack.extend(n.parents)
    return out


def compare(xs, ys):
    """('equal' | 'different' | 'undecided', index of a witness point or None)."""
    with mpmath.workdps(DPS):
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


def evaluate(expr, env):
    """The value of an expression in leaves and numbers only (a worked example)."""
    def leaf(s):
        if s in env:
            return env[s]
        raise Undefined(str(s))

    with mpmath.workdps(DPS):
        return _eval(plain(expr), leaf, {})


# -- the tree walk ------------------------------------------------------------------------

def _sigmoid(x):
    if x < -10 ** 6:
        return mpmath.exp(x)  # tiny but not 0: σ(−10⁷) added to a line must not vanish
    return 1 / (1 + mpmath.exp(-x))


_FUNCTIONS = {
    F.sigmoid: _sigmoid,
    F.sigmoid_prime: lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
    F.relu: lambda x: x if x > 0 else mpmath.mpf(0),
    F.relu_prime: lambda x: mpmath.mpf(1) if x > 0 else mpmath.mpf(0),
    F.tanh_prime: lambda x: 1 - mpmath.tanh(x) ** 2,
    F.linear: lambda x: x,
    sp.tanh: mpmath.tanh,
    sp.sinh: mpmath.sinh,
    sp.cosh: mpmath.cosh,
    sp.Abs: abs,
}
_REL = {sp.StrictGreaterThan: lambda a, b: a > b, sp.GreaterThan: lambda a, b: a >= b,
        sp.StrictLessThan: lambda a, b: a < b, sp.LessThan: lambda a, b: a <= b}


def _eval(e, leaf, memo, partial=None):
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
        v = leaf(e)
        if v is None:
            raise Undefined(str(e))
    elif isinstance(e, Partial):
        if partial is None:
            raise Unsupported("nested_derivative")
        v = partial(e)
    elif isinstance(e, sp.Add):
        v = mpmath.fsum(_eval(a, leaf, memo, partial) for a in e.args)
    elif isinstance(e, sp.Mul):
        v = mpmath.mpf(1)
        for a in e.args:
            v *= _eval(a, leaf, memo, partial)
    elif isinstance(e, sp.Pow):
        v = _power(_eval(e.base, leaf, memo, partial), _eval(e.exp, leaf, memo, partial))
    elif isinstance(e, sp.exp):
        x = _eval(e.args[0], leaf, memo, partial)
        if x > 10 ** 6:
            raise Undefined("overflow")
        v = mpmath.exp(x)
    elif isinstance(e, sp.log):
        x = _eval(e.args[0], leaf, memo, partial)
        if x <= 0:
            raise Undefined("log of a non-positive number")
        v = mpmath.log(x)
    elif type(e) in _FUNCTIONS:
        v = _FUNCTIONS[type(e)](_eval(e.args[0], leaf, memo, partial))
    elif isinstance(e, F.softmax):
        i = int(e.args[0])
        zs = [_eval(a, leaf, memo, partial) for a in e.args[1:]]
        top = max(zs)
        exps = [mpmath.exp(z - top) for z in zs]
        v = exps[i] / mpmath.fsum(exps)
    elif isinstance(e, sp.Piecewise):
        v = None
        for val, cond in e.args:
            if _truth(cond, leaf, memo, partial):
                v = _eval(val, leaf, memo, partial)
                break
        if v is None:
            raise Undefined("no piece applies")
    elif isinstance(e, (Factors, Terms)):
        v = _eval(plain(e), leaf, memo, partial)
    elif e is sp.nan:  # cases with no "otherwise" (read.build), "= 1 if x > 0" in prose
        raise Unsupported("value_only_under_condition")
    else:
        raise Unsupported("cannot_evaluate", what=type(e).__name__)
    if not mpmath.isfinite(v):
        raise Undefined("not finite")
    memo[e] = v
    return v


def _power(b, x):
    if b == 0 and x < 0:
        raise Undefined("division by zero")
    if b < 0 and x != int(x):
        raise Undefined("root of a negative")
    if abs(x) > 10 ** 6:
        raise Undefined("huge power")
    return mpmath.power(b, x)


def _truth(cond, leaf, memo, partial):
    if cond is sp.true or cond == True:
        return True
    if cond is sp.false:
        return False
    if isinstance(cond, sp.And):
        return all(_truth(c, leaf, memo, partial) for c in cond.args)
    if isinstance(cond, sp.Or):
        return any(_truth(c, leaf, memo, partial) for c in cond.args)
    if isinstance(cond, sp.Not):
        return not _truth(cond.args[0], leaf, memo, partial)
    if isinstance(cond, sp.ITE):  # nested ReLUs: (if c then p else q)
        c, p, q = cond.args
        return _truth(p if _truth(c, leaf, memo, partial) else q, leaf, memo, partial)
    if isinstance(cond, (sp.Eq, sp.Ne)):
        same = _eval(cond.lhs, leaf, memo, partial) == _eval(cond.rhs, leaf, memo, partial)
        return same if isinstance(cond, sp.Eq) else not same
    op = _REL.get(type(cond))
    if op is None:
        raise Unsupported("cannot_evaluate", what=type(cond).__name__)
    return op(_eval(cond.lhs, leaf, memo, partial), _eval(cond.rhs, leaf, memo, partial))
