"""The engine: backpropagation written out as steps.

``expand(graph, node, stop)`` derives ∂C/∂node.  It lists the paths from the
node up to the cost (or up to the first node at which ``stop`` says a named δ
is already known), writes the chain rule as one product per path, and then
resolves one factor per step, each with the rule that justifies it.  Only the
small local definitions are differentiated (``Node.local``); the composed cost
never is, and every δ is derived once and then reused by name.
"""
import sympy as sp

from derive.model import functions as F
from derive.engine import rules as R
from derive.model.symbols import (COST, DirectPartial, Factors, IndexSum, Partial, Terms, factors_of, plain,
                                  product, relabel, total)

MAX_PATHS = 4096


# A gradient written out path by path prints every factor of every path once
# per step, and there is about one step per edge: beyond this many
# (factor, step) cells the document would run to megabytes, so callers write
# the gradient from the δ above instead (``Engine.expansion_size``).
MAX_EXPANSION_CELLS = 50_000


class TooManyPaths(Exception):
    pass


def path_counts(graph):
    """{node: (paths to the cost, factors on them in total)} without listing any
    path: counted backwards over the topological order, so 2^18 paths cost
    one pass.  A path of k edges contributes k factors."""
    counts = {}
    for n in reversed(graph.nodes):
        if n.role == "cost":
            counts[n] = (1, 0)
            continue
        paths = factors = 0
        for c in n.children:
            p, f = counts.get(c, (0, 0))
            paths += p
            factors += f + p
        counts[n] = (paths, factors)
    return counts


def paths_up(node, stop):
    """All paths node → … → anchor, listed anchor first, where an anchor is the
    cost or a node for which ``stop(node)`` holds."""
    out = []

    def walk(n, trail):
        if n.role == "cost" or (n is not node and stop(n)):
            out.append([n] + trail)
            if len(out) > MAX_PATHS:
                raise TooManyPaths(node)
            return
        for c in n.children:
            walk(c, [n] + trail)

    walk(node, [])
    return out


def edge_rule(child, parent, value):
    factor = Partial(child.symbol, parent.symbol)
    if child.role == "cost":
        return R.CostDerivative(factor=factor, value=value, cost=child.cost_spec.name if child.cost_spec else None)
    if child.role == "a" and parent.role == "z":
        if child.activation is not None and child.activation.name == "softmax":
            return R.SoftmaxJacobian(factor=factor, value=value)
        return R.ActivationDerivative(factor=factor, value=value,
                                      activation=child.activation.name if child.activation else None)
    if child.role == "z" and parent.role in ("a", "input"):
        return R.WeightedInputByActivation(factor=factor, value=value)
    if child.role == "z" and parent.role == "param" and parent.key and parent.key[0] == "w":
        return R.WeightedInputByWeight(factor=factor, value=value)
    if child.role == "z" and parent.role == "param":
        return R.WeightedInputByBias(factor=factor, value=value)
    if child.role == "var" and child.activation is not None:
        # a user-written graph node whose whole definition is f(parent) for a known f
        if child.activation.name == "softmax":
            return R.SoftmaxJacobian(factor=factor, value=value)
        return R.ActivationDerivative(factor=factor, value=value, activation=child.activation.name)
    return R.LocalDerivative(factor=factor, value=value, definition=child.expr)


def _tidy(expr):
    """Flatten products of products and drop factors of one."""
    if isinstance(expr, Terms):
        return total(*[_tidy(t) for t in expr.args])
    if isinstance(expr, Factors):
        fs = [_tidy(f) for f in expr.args]
        if any(f == 0 for f in fs):
            return sp.S.Zero
        return product(*fs)
    return expr


def _in_order(expr, cls):
    """Atoms of type ``cls`` in the order they are printed."""
    seen = []

    def walk(e):
        if isinstance(e, cls):
            if e not in seen:
                seen.append(e)
            return
        for a in e.args:
            walk(a)

    walk(expr)
    return seen


def _sums(expr):
    """Every IndexSum in ``expr``, outermost first, nested ones included."""
    out = []

    def walk(e):
        if isinstance(e, IndexSum):
            out.append(e)
        for a in e.args:
            walk(a)

    walk(expr)
    return out


class Engine:
    """Derivations over one graph; each δ and each local derivative once."""

    def __init__(self, graph):
        self.graph = graph
        self.cost = graph.cost
        self._activation_of = {}
        self._reach = {}
        self._counts = None
        for n in graph.nodes:
            if n.role in ("a", "var") and n.activation is not None and len(n.parents) == 1:
                self._activation_of[n.parents[0].symbol] = n

    def expansion_size(self, node):
        """(paths, cells) of writing ∂C/∂node out path by path from the cost:
        cells = factors on all paths × the edges they use (about one step each)."""
        if self._counts is None:
            self._counts = path_counts(self.graph)
        paths, factors = self._counts[node]
        edges, seen, stack = 0, {node}, [node]
        while stack:  # the edges on some path from node to the cost
            n = stack.pop()
            for c in n.children:
                if self._counts.get(c, (0, 0))[0]:
                    edges += 1
                    if c not in seen:
                        seen.add(c)
                        stack.append(c)
        return paths, factors * max(1, edges)

    def expand(self, node, stop=lambda n: False):
        """∂C/∂node as a chain of steps, anchored at the cost or at named δ."""
        g = self.graph
        lhs = Partial(COST, node.symbol)
        try:
            paths = paths_up(node, stop)
        except TooManyPaths:
            return R.Derived(lhs, [R.Step(lhs, R.DontKnow(
                reason=f"more than {MAX_PATHS} paths lead from this quantity to the cost"))])
        if not paths:
            return R.Derived(lhs, [R.Step(sp.S.Zero, R.ChainRule(paths=0))])
        terms = []
        for path in paths:
            head = [] if path[0].role == "cost" else [Partial(COST, path[0].symbol)]
            chain = [self._edge(path[i], path[i + 1]) for i in range(len(path) - 1)]
            terms.append(product(*(head + chain)) if head + chain else sp.S.One)
        expr = total(*terms)
        steps = [R.Step(expr, R.ChainRule(paths=len(paths)))]

        named = [(Partial(COST, p[0].symbol), p[0].delta) for p in paths if p[0].role != "cost"]
        named = list(dict.fromkeys(named))
        if named:
            expr = _tidy(expr.xreplace(dict(named)))
            steps.append(R.Step(expr, R.NamedDelta(pairs=named)))

        for factor in _in_order(expr, Partial):
            child, parent = g.node(factor.num), g.node(factor.den)
            value = child.local(parent)
            expr = _tidy(expr.xreplace({factor: value}))
            rule = edge_rule(child, parent, value)
            rule.factor = factor
            steps.append(R.Step(expr, rule))

        for call in _in_order(expr, sp.Function):
            if not isinstance(call, (F.sigmoid_prime, F.tanh_prime)):
                continue
            a_node = self._activation_of.get(call.args[0])
            act = a_node.activation if a_node is not None else None
            if act is None or act.identity is None:
                continue
            value = act.identity(call.args[0], a_node.symbol)
            expr = _tidy(expr.xreplace({call: value}))
            steps.append(R.Step(expr, R.ActivationIdentity(factor=call, value=value,
                                                           activation=act.name)))

        if node.role == "z" and any(p[0].role == "cost" for p in paths):
            steps += self._pairing_steps(node, expr)
        return R.Derived(lhs, steps)

    def _edge(self, child, parent):
        """The factor for one edge: ∂child/∂parent, or, where parent also reaches
        child through other quantities (a skip connection), the direct
        derivative with those quantities held fixed."""
        if len(parent.children) == 1:  # the common case: nothing else to go through
            return Partial(child.symbol, parent.symbol)
        held = [q for q in child.parents if q is not parent and self._reaches(parent, q)]
        if not held:
            return Partial(child.symbol, parent.symbol)
        return DirectPartial(child.symbol, parent.symbol, [q.symbol for q in held])

    def _reaches(self, a, b):
        """Whether a path leads from node a up to node b."""
        key = (a, b)
        if key not in self._reach:
            pos = self.graph._pos
            seen, stack, found = set(), [a], False
            while stack and not found:
                n = stack.pop()
                for c in n.children:
                    if c is b:
                        found = True
                        break
                    if c not in seen and pos[c] < pos[b]:  # nodes are in topological order
                        seen.add(c)
                        stack.append(c)
            self._reach[key] = found
        return self._reach[key]

    def _pairing_steps(self, node, expr):
        """Where cost and output activation are made for each other, show δ^L
        collapsing to a − y step by step: multiply out, collect, and (softmax)
        use Σ y = 1."""
        cost = self.cost.cost_spec
        # the unit's own output: the 'a' node with the same unit index as z
        own = next((c for c in node.children if c.role == "a"
                    and c.symbol.indices == node.symbol.indices), None)
        if cost is None or own is None or own.activation is None:
            return []
        if cost.simplifies_with != own.activation.name:
            return []
        parts = []
        for t in (expr.args if isinstance(expr, Terms) else [expr]):
            fs = factors_of(t)
            sums = [f for f in fs if isinstance(f, Terms)]
            if not sums:
                parts.append(sp.factor(sp.cancel(plain(t))))
                continue
            rest = sp.Mul(*[plain(f) for f in fs if f is not sums[0]])
            parts += [sp.factor(sp.cancel(plain(u) * rest)) for u in sums[0].args]
        expr = total(*parts)
        steps = [R.Step(expr, R.Distribute())]
        collected = sp.collect(sp.expand(plain(expr)), own.symbol)
        steps.append(R.Step(collected, R.CollectTerms()))
        targets = [n.symbol for n in self.graph.nodes if n.role == "target"]
        target_sum = sp.Add(*targets)
        if len(targets) > 1 and collected.has(target_sum):
            steps.append(R.Step(collected.xreplace({target_sum: sp.S.One}), R.TargetSumsToOne()))
        return steps

    # -- the three families of derivations a document shows ---------------

    def delta(self, node):
        """δ of ``node``, anchored at the next named δ (the recurrence)."""
        return self.expand(node, stop=lambda n: n.delta is not None)

    def gradient(self, param, depth=None):
        """∂C/∂param expanded from the cost down, or, with ``depth``, from the
        named δ at most ``depth`` layers above."""
        if depth is None:
            return self.expand(param)
        return self.expand(param, stop=lambda n: n.delta is not None
                           and n.layer is not None and param.layer is not None
                           and param.layer < n.layer <= param.layer + depth)

    def restated(self, param):
        """∂C/∂param with the δ of its own unit."""
        return self.expand(param, stop=lambda n: n.delta is not None)


class UnitEngine:
    """The same walk over a ``UnitGraph``: one generic unit j (and input k) per
    layer, so a derivation's size does not grow with the layer widths.

    ``expand(quantity, stop)`` writes ∂C/∂quantity by the multivariate chain
    rule, anchor first: an ``own`` edge contributes one factor, an ``all``
    edge a Σ over the units i of the child's layer with one term per unit
    (``IndexSum``).  Then, one step each: named δ, the sums that collapse to
    one unit (``OnlyOwnUnit``), every local factor from its unit's definition
    (a factor whose parameter sits inside a definition's Σ_m through
    ``SubstituteDefinition`` and ``OnlyOneTerm``), and the activation
    identities.
    """

    def __init__(self, graph):
        self.graph = graph
        self.network = graph.network

    # -- the chain ------------------------------------------------------

    def _up(self, node, idx, stop, depth, start=False):
        """∂C/∂(node at idx) as a chain product, and its number of scalar terms."""
        from derive.model.unitgraph import sum_index

        if node.role == "cost":
            return sp.S.One, 1
        if not start and stop(node):
            return Partial(COST, node.at(*idx)), 1
        terms, count = [], 0
        for e in node.edges:
            child = e.child
            if e.fan == "all":
                i = sum_index(depth)
                cidx, deeper = (i,), depth + 1
            else:
                cidx, deeper = (() if e.fan == "one" else idx[:1]), depth
            up, n = self._up(child, cidx, stop, deeper)
            term = product(up, Partial(child.at(*cidx), node.at(*idx)))
            if e.fan == "all":
                term, n = IndexSum(term, i, child.count), n * child.count
            terms.append(term)
            count += n
        return total(*terms), count

    def _edge(self, factor):
        child, cidx = self.graph.of(factor.num)
        parent, pidx = self.graph.of(factor.den)
        return next(e for e in parent.edges if e.child is child), cidx, pidx

    def expand(self, quantity, stop=lambda node: False):
        node, idx = self.graph.of(quantity)
        lhs = Partial(COST, quantity)
        expr, paths = self._up(node, idx, stop, 0, start=True)
        steps = [R.Step(expr, R.ChainRule(paths=paths))]

        # ∂C/∂z appears only where the walk stopped at a named δ (the cost's own edges are ∂C/∂a)
        named = [(p, relabel(p.den, "delta")) for p in _in_order(expr, Partial)
                 if p.num == COST and self.graph.of(p.den)[0].role == "z"]
        if named:
            expr = _tidy(expr.xreplace(dict(named)))
            steps.append(R.Step(expr, R.NamedDelta(pairs=named)))

        for s in _sums(expr):  # sums over a layer whose activation acts unit by unit
            own = [p for p in _in_order(s.term, Partial) if self._collapses(p, s.index)]
            if own:
                rule = R.OnlyOwnUnit(index=s.index, unit=self.graph.of(own[0].den)[1][0], factor=own[0])
                expr = _tidy(rule.apply(expr))
                steps.append(R.Step(expr, rule))

        for factor in _in_order(expr, Partial):
            steps += self._resolve(factor, expr)
            expr = steps[-1].expr

        for call in _in_order(expr, sp.Function):
            z = call.args[0] if call.args else None
            if not isinstance(z, sp.Indexed) or not str(z.base.label).startswith("z:"):
                continue
            zn, zidx = self.graph.of(z)
            act = next(e.child.activation for e in zn.edges)
            if act.identity is None or call != act.derivative(z):
                continue
            value = act.identity(z, relabel(z, "a"))
            expr = _tidy(expr.xreplace({call: value}))
            steps.append(R.Step(expr, R.ActivationIdentity(factor=call, value=value,
                                                           activation=act.name)))

        if node.role == "z" and node.layer == self.network.L and not named:
            steps += self._pairing_steps(expr)
        return R.Derived(lhs, steps)

    def _collapses(self, factor, index):
        """∂a_index/∂z_j where the activation acts unit by unit: zero unless index = j."""
        if factor.num == COST or not isinstance(factor.num, sp.Indexed):
            return False
        child, cidx = self.graph.of(factor.num)
        return (child.role == "a" and child.activation.name != "softmax"
                and cidx == (index,) and self.graph.of(factor.den)[1] != (index,))

    def _resolve(self, factor, expr):
        """The steps that replace one ∂child/∂parent by its value (DontKnow where
        the factor is not an edge of the graph)."""
        try:
            e, cidx, pidx = self._edge(factor)
        except (KeyError, StopIteration):
            return [R.Step(expr, R.DontKnow(reason=f"{factor.num} is not computed from {factor.den}"))]
        child, parent = e.child, e.parent
        if e.local is not None:
            value = e.local(cidx[0] if cidx else None, pidx)
            if child.role == "cost":
                rule = R.CostDerivative(factor=factor, value=value, cost=child.cost_spec.name)
            elif child.activation is not None and child.activation.name == "softmax":
                rule = R.SoftmaxJacobian(factor=factor, value=value)
            elif child.role == "a":
                rule = R.ActivationDerivative(factor=factor, value=value,
                                              activation=child.activation.name)
            else:
                rule = R.WeightedInputByBias(factor=factor, value=value)
            return [R.Step(_tidy(expr.xreplace({factor: value})), rule)]
        definition = child.definition(*cidx)
        value, index, unit = R.KroneckerCollapse.derivative(definition, factor.den)
        if parent.role == "param":  # the weight sits inside z's Σ_m: show the sum, then its one term
            written = expr.xreplace({factor: sp.Derivative(definition, factor.den)})
            return [R.Step(written, R.SubstituteDefinition(quantity=factor.num, value=definition)),
                    R.Step(_tidy(expr.xreplace({factor: value})),
                           R.OnlyOneTerm(factor=factor, value=value, index=index, unit=unit))]
        return [R.Step(_tidy(expr.xreplace({factor: value})),
                       R.WeightedInputByActivation(factor=factor, value=value))]

    def _pairing_steps(self, expr):
        """Where cost and output activation are made for each other, δ^L_j
        collapsing to a_j − y_j: multiply out, collect, and (softmax) Σ y = 1."""
        from derive.model.symbols import Iverson, quantity
        from derive.model.unitgraph import I, J

        L, n = self.network.L, self.network.widths[-1]
        act, cost = self.network.activation(L), self.network.cost
        if cost.simplifies_with != act.name:
            return []
        a = lambda u: quantity("a", L, u)
        y = lambda u: quantity("y", "out", u)
        if act.name == "softmax":
            return [R.Step(IndexSum(Factors(-y(I), Terms(Iverson(I, J), -a(J))), I, n), R.Distribute()),
                    R.Step(Terms(-y(J), Factors(a(J), IndexSum(y(I), I, n))), R.CollectTerms()),
                    R.Step(a(J) - y(J), R.TargetSumsToOne())]
        sums = next(f for f in expr.args if isinstance(f, Terms))
        rest = sp.Mul(*[f for f in expr.args if not isinstance(f, Terms)])
        parts = [sp.factor(sp.cancel(term * rest)) for term in sums.args]
        return [R.Step(total(*parts), R.Distribute()),
                R.Step(sp.expand(sp.Add(*parts)), R.CollectTerms())]

    # -- the three families, as for ``Engine`` ----------------------------

    def delta(self, z):
        """δ_j of a z quantity, anchored at the δ_i of the layer above."""
        return self.expand(z, stop=lambda n: n.role == "z")

    def gradient(self, param):
        """∂C/∂param with the δ of its own unit (the index form's only form)."""
        return self.expand(param, stop=lambda n: n.role == "z")

    def index_chain(self, param):
        """∂C/∂param expanded all the way to the cost, before any δ is named:
        a nested Σ over the units of every layer above."""
        return self.expand(param)

