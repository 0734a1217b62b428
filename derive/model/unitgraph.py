"""A graph with generic units: one node per quantity of a layer, not per unit.

The scalar ``Graph`` has a node for every z, a, w and b, so it grows with the
layer widths.  A ``UnitGraph`` has one node per kind and layer (z^l, a^l,
w^l, b^l, the cost) standing for "unit j of layer l"; ``node.at(j)`` is the
quantity at a unit index, and ``node.definition(j)`` its definition with the
sum over the layer below written as an ``IndexSum``.

Each edge says how the child's units depend on the parent's unit:

- ``own``: only the same unit (w_jk and b_j feed z_j; z_j feeds a_j in a
  hidden layer, where softmax is not allowed);
- ``all``: every unit i of the child's layer, so the multivariate chain rule
  has one term per unit i: a^l_j feeds every z^{l+1}_i, and z^L_j feeds every
  output a^L_i (the output layer's activation may couple its units; where it
  acts unit by unit the sum collapses to i = j, see ``rules.OnlyOwnUnit``);
- ``one``: the child has no unit index (the cost).

The engine (``engine.chain.UnitEngine``) walks these edges; nothing here is
differentiated except the small per-unit definitions.
"""
from dataclasses import dataclass, field

import sympy as sp

from derive.model.symbols import COST, Factors, IndexSum, Iverson, Terms, quantity

J, K, I, M = sp.symbols("j k i m", integer=True)
# summation indices for the units of the layers above, nearest first (m is the
# bound index of every definition's own Σ_m, so it is never used here)
SUM_INDICES = (I,) + sp.symbols("p q r s t u v", integer=True)


def sum_index(depth):
    if depth < len(SUM_INDICES):
        return SUM_INDICES[depth]
    return sp.Symbol(f"i_{depth}", integer=True)


@dataclass(eq=False)
class UnitNode:
    kind: str  # z | a | w | b | x | y | C
    layer: object
    count: int = 1  # units in this node's layer (the range of its first index)
    role: str = None  # input | target | param | z | a | cost
    activation: object = None
    cost_spec: object = None
    define: object = None  # unit indices -> definition
    edges: list = field(default_factory=list)  # Edge to each child

    def at(self, *idx):
        return COST if self.kind == "C" else quantity(self.kind, self.layer, *idx)

    def definition(self, *idx):
        return self.define(*idx) if self.define is not None else None

    @property
    def delta(self):
        """The name of ∂C/∂z at a unit index, for z nodes."""
        return (lambda *idx: quantity("delta", self.layer, *idx)) if self.kind == "z" else None

    def __repr__(self):
        return f"UnitNode({self.kind}{self.layer})"


@dataclass(eq=False)
class Edge:
    parent: UnitNode
    child: UnitNode
    fan: str  # own | all | one
    local: object = None  # (child index, parent indices) -> ∂child/∂parent, where not from the definition


class UnitGraph:
    """The generic-unit graph of a layered network."""

    def __init__(self, network):
        self.network = network
        self.nodes = {}
        widths, L = network.widths, network.L
        self._add("x", 0, widths[0], "input")
        for layer in range(1, L + 1):
            prev = self.nodes[("x", 0) if layer == 1 else ("a", layer - 1)]
            w = self._add("w", layer, widths[layer], "param")
            z = self._add("z", layer, widths[layer], "z",
                          define=lambda j, layer=layer: weighted_input(network, layer, j))
            self._link(w, z, "own")
            self._link(prev, z, "all")
            if network.bias:
                b = self._add("b", layer, widths[layer], "param")
                self._link(b, z, "own", local=lambda i, idx: sp.S.One)
            act = network.activation(layer)
            a = self._add("a", layer, widths[layer], "a", activation=act)
            self._link(z, a, "all" if layer == L else "own", local=_activation_local(act, layer))
        self._add("y", "out", widths[-1], "target")
        cost = network.cost
        c = self._add("C", None, 1, "cost", cost_spec=cost)
        self._link(self.nodes[("a", L)], c, "one",
                   local=lambda i, idx: cost.derivative(quantity("a", L, *idx),
                                                        quantity("y", "out", *idx)))

    def _add(self, kind, layer, count, role, **kw):
        node = UnitNode(kind, layer, count, role, **kw)
        self.nodes[(kind, layer)] = node
        return node

    def _link(self, parent, child, fan, local=None):
        parent.edges.append(Edge(parent, child, fan, local))

    def node(self, kind, layer):
        return self.nodes[(kind, layer)]

    def of(self, symbol):
        """The node and unit indices of a quantity (or of the cost)."""
        if symbol == COST:
            return self.nodes[("C", None)], ()
        kind, _, layer = str(symbol.base.label).partition(":")
        layer = layer if layer == "out" else int(layer)
        return self.nodes[(kind, layer)], tuple(symbol.indices)


def _prev(layer, index):
    return quantity("x", 0, index) if layer == 1 else quantity("a", layer - 1, index)


def weighted_input(network, layer, j=J, m=M):
    """Σ_m w_jm a_m (+ b_j), the definition of z^l_j with the sum written out."""
    s = IndexSum(Factors(quantity("w", layer, j, m), _prev(layer, m)), m, network.widths[layer - 1])
    return Terms(s, quantity("b", layer, j)) if network.bias else s


def _activation_local(act, layer):
    """∂a_i/∂z_j for unit i of the activation's layer and unit j of z."""
    def local(i, idx):
        (j,) = idx
        if act.name == "softmax":
            a = lambda u: quantity("a", layer, u)
            return Factors(a(i), Terms(Iverson(i, j), -a(j)))
        if i != j:  # the engine collapses the sum first (OnlyOwnUnit); never guess here
            raise ValueError(f"∂a_{i}/∂z_{j} of a unit-by-unit activation asked before i = j")
        return act.derivative(quantity("z", layer, j))
    return local
