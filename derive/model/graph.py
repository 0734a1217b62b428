"""A small, obvious computation graph over sympy expressions.

Every node has a sympy ``symbol`` and, unless it is a leaf, a definition
``expr`` written in its parents' symbols.  Local derivatives ∂node/∂parent are
``sympy.diff`` of that small definition; they are stored on the node (not hidden
in closures) so they can be inspected, tested and replaced by an equal but
nicer form.  Layered networks (``network``) and user-written graphs build the
same structure, and one engine (``engine``) walks it backwards.

``Graph.evaluate`` is the slow, independent semantics used by tests: it
composes the whole graph and differentiates with sympy, which the engine
itself never does.
"""
from dataclasses import dataclass, field

import sympy as sp

from derive.model.functions import concrete
from derive.model.symbols import COST, DirectPartial, Partial, plain


def upstream(node):
    """``node`` and every node it depends on, each once (depth first, parents last)."""
    stack, seen = [node], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        stack.extend(n.parents)


@dataclass(eq=False)
class Node:
    symbol: sp.Expr
    role: str  # input | target | param | z | a | cost | var
    expr: sp.Expr = None
    parents: list = field(default_factory=list)
    children: list = field(default_factory=list)
    layer: int = None
    key: str = None  # the parameter group a param belongs to
    delta: sp.Expr = None  # the name of ∂C/∂node, where the graph names one
    activation: object = None  # the Activation applied by an 'a' node
    cost_spec: object = None  # the Cost a cost node computes, where it is a known one
    locals: dict = field(default_factory=dict)

    @property
    def is_leaf(self):
        return self.expr is None

    def local(self, parent):
        """∂self/∂parent from this node's own definition."""
        if parent not in self.locals:
            self.locals[parent] = sp.diff(self.expr, parent.symbol)
        return self.locals[parent]

    def __repr__(self):
        return f"Node({self.symbol})"


class Graph:
    """Nodes in topological order (definitions before uses)."""

    def __init__(self):
        self.nodes = []
        self.by_symbol = {}
        self.cost = None
        self._composed = {}
        self._partials = {}
        self._pos = {}
        # canonical sub-expression -> the same as the graph file wrote it (graphgrammar);
        # for printing only: empty for graphs built from sympy, which keep no order
        self.written = {}

    def add(self, symbol, role, expr=None, parents=None, **meta):
        if symbol in self.by_symbol:
            raise ValueError(f"{symbol} is defined twice")
        node = Node(symbol=symbol, role=role, expr=expr, **meta)
        if expr is not None:
            if parents is None:
                atoms = expr.atoms(sp.Indexed, sp.Symbol)
                parents = [self.by_symbol[a] for a in atoms if a in self.by_symbol]
                parents.sort(key=lambda n: self._pos[n])
            node.parents = list(parents)
            for p in node.parents:
                p.children.append(node)
        self._pos[node] = len(self.nodes)
        self.nodes.append(node)
        self.by_symbol[symbol] = node
        if role == "cost":
            self.cost = node
        return node

    def node(self, symbol):
        return self.by_symbol[symbol]

    @property
    def params(self):
        return [n for n in self.nodes if n.role == "param"]

    def named_deltas(self):
        return [n for n in self.nodes if n.delta is not None]

    # -- independent semantics (tests and checks only) ----------------------

    def composed(self, free=None):
        """Every node's value in terms of the leaves, with ``free`` held as a leaf."""
        if free not in self._composed:
            values = {}
            for n in self.nodes:
                if n.is_leaf or n is free:
                    values[n.symbol] = n.symbol
                else:
                    values[n.symbol] = n.expr.xreplace(
                        {p.symbol: values[p.symbol] for p in n.parents})
            self._composed[free] = values
        return self._composed[free]

    def true_partial(self, num, den):
        """∂num/∂den by sympy.diff of the composed graph (den perturbed, all
        downstream recomputed), written in the leaves."""
        key = (num, den)
        if key not in self._partials:
            self._partials[key] = self._true_partial(num, den)
        return self._partials[key]

    def _true_partial(self, num, den):
        den_node = self.by_symbol[den]
        values = self.composed(den_node)
        d = sp.diff(concrete(values[num]), den)
        return d.xreplace({den: concrete(self.composed()[den])})

    def evaluate(self, expr):
        """A concrete sympy expression in the leaves equal to ``expr``:
        Partial atoms become true derivatives, named δ become ∂C/∂node,
        node symbols their composed values, activations their closed forms."""
        expr = plain(expr)
        deltas = {n.delta: n.symbol for n in self.nodes if n.delta is not None}
        repl = {}
        for p in expr.atoms(Partial):
            if isinstance(p, DirectPartial):  # the edge alone: diff of num's definition
                num = self.by_symbol[p.num]
                repl[p] = concrete(sp.diff(concrete(num.expr), p.den))
            else:
                repl[p] = self.true_partial(p.num, p.den)
        for d in expr.atoms(sp.Indexed, sp.Symbol):  # user graphs name δ with plain Symbols
            if d in deltas:
                repl[d] = self.true_partial(COST, deltas[d])
        expr = expr.xreplace(repl)
        values = self.composed()
        if expr.has(sp.Derivative):
            # index-form steps hold d/dw of a written-out sum; differentiate before composing
            expr = concrete(expr).doit()
        expr = expr.xreplace({s: values[s] for s in expr.atoms(sp.Indexed, sp.Symbol)
                              if s in values})
        return concrete(expr)
