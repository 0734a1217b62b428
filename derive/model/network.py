"""Layered networks: parsing the user's spec and building the sympy graph.

A ``Network`` is a plain description (widths, activations, cost, bias).  Its
``graph()`` is one scalar sympy expression graph, built on demand, in which
``z``, ``a`` and ``C`` are expressions over the parameters; the same engine
that derives user-written graphs walks it.
"""
import re
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from derive.model.activations import ACTIVATIONS
from derive.model.choices import ACTIVATION_ALIASES, COST_ALIASES, canonical
from derive.model.costs import COSTS
from derive.errors import option, speaks_python, SizeLimitError, SpecError
from derive.model.graph import Graph
from derive.model.symbols import COST, quantity, relabel

MAX_WIDTH = 100_000
MAX_LAYERS = 5_000
# Building the scalar graph costs one sympy node per weight; beyond this a
# network is derived in index form only.
SCALAR_GRAPH_LIMIT = 20_000

_LAYERS_RE = re.compile(r"[0-9]+(-[0-9]+)+")


@dataclass(frozen=True)
class ParamGroup:
    """All weights (or all biases) into one layer: the unit a key names."""

    kind: str  # 'w' or 'b'
    layer: int  # internal layer fed (1..L)
    shape: tuple


def parse_layers(text):
    text = str(text).strip()
    if text.isdigit():
        raise SpecError(f"{option('layers')} needs at least two sizes, input and output (got {text!r})")
    if not _LAYERS_RE.fullmatch(text):
        raise SpecError(
            f"{option('layers')} must be sizes joined by '-', from input to output, like 1-1-1 (got {text!r})")
    parts = text.split("-")
    if len(parts) > MAX_LAYERS:
        raise SpecError(f"{option('layers')} has {len(parts)} entries; at most {MAX_LAYERS} are supported")
    widths = []
    for p in parts:
        if len(p) > 6 or int(p) > MAX_WIDTH:
            raise SpecError(f"{option('layers')}: layer size {p} is too large (at most {MAX_WIDTH})")
        if int(p) < 1:
            raise SpecError(f"{option('layers')}: every layer needs at least one unit (got {p})")
        widths.append(int(p))
    return tuple(widths)


def parse_activations(text, n_layers):
    names = [canonical("activation", t.strip(), list(ACTIVATIONS), ACTIVATION_ALIASES)
             for t in str(text).split(",")]
    if len(names) == 1:
        names = names * n_layers
    elif len(names) != n_layers:
        raise SpecError(
            f"{option('activation')} lists {len(names)} activations but the network has "
            f"{n_layers} non-input layers; give one name, or one per non-input layer")
    return tuple(names)


class Network:
    """A fully connected layered network."""

    @speaks_python
    def __init__(self, layers, activation="sigmoid", cost="quadratic", bias=True, *,
                 notation=None):
        """``notation`` (a name or Notation, default nielsen) only numbers the layers in
        error messages the way the document will."""
        self.widths = parse_layers(layers) if isinstance(layers, str) else tuple(layers)
        if len(self.widths) < 2:
            raise SpecError(f"{option('layers')} needs at least two sizes (input and output)")
        if any(w < 1 for w in self.widths):
            raise SpecError(f"{option('layers')}: every layer needs at least one unit")
        if isinstance(activation, str):
            activation = parse_activations(activation, self.L)
        self.activations = tuple(activation)
        if len(self.activations) != self.L:
            raise SpecError(f"need {self.L} activations, got {len(self.activations)}")
        self.activations = tuple(canonical("activation", a, list(ACTIVATIONS), ACTIVATION_ALIASES)
                                 for a in self.activations)
        for i, name in enumerate(self.activations, start=1):
            if ACTIVATIONS[name].output_only and i != self.L:
                from derive.model.notation import get_notation

                shown = (notation if hasattr(notation, "display_layer")
                         else get_notation(notation or "nielsen"))
                raise SpecError(f"{name} is only allowed on the output layer (layer "
                                f"{shown.display_layer('a', self.L)}), not on the hidden layer "
                                f"{shown.display_layer('a', i)}")
        if self.activations[-1] == "softmax" and self.widths[-1] < 2:
            raise SpecError("softmax needs at least two output units")
        cost = canonical("cost", cost, list(COSTS), COST_ALIASES)
        self.cost_name = cost
        self.bias = bool(bias)

    @property
    def L(self):
        """Index of the output layer (internal numbering, input = 0)."""
        return len(self.widths) - 1

    @property
    def cost(self):
        return COSTS[self.cost_name]

    def activation(self, layer):
        return ACTIVATIONS[self.activations[layer - 1]]

    @property
    def is_chain(self):
        return all(w == 1 for w in self.widths)

    @property
    def param_groups(self):
        groups = []
        for i in range(1, self.L + 1):
            groups.append(ParamGroup("w", i, (self.widths[i], self.widths[i - 1])))
            if self.bias:
                groups.append(ParamGroup("b", i, (self.widths[i],)))
        return groups

    @property
    def n_params(self):
        total = 0
        for g in self.param_groups:
            size = 1
            for s in g.shape:
                size *= s
            total += size
        return total

    def describe(self):
        return {
            "layers": list(self.widths),
            "activations": list(self.activations),
            "cost": self.cost_name,
            "bias": self.bias,
        }

    @cached_property
    def graph(self):
        """The scalar expression graph, one node per weight, bias, z and a."""
        if self.n_params + 2 * sum(self.widths) > SCALAR_GRAPH_LIMIT:
            raise SizeLimitError(
                f"the network has {self.n_params} parameters; writing it out unit by unit "
                f"is limited to about {SCALAR_GRAPH_LIMIT} nodes")
        g = Graph()
        prev = [g.add(quantity("x", 0, k), "input", layer=0) for k in range(self.widths[0])]
        for i in range(1, self.L + 1):
            act = self.activation(i)
            zs = []
            for j in range(self.widths[i]):
                terms, parents = [], []
                for k, a in enumerate(prev):
                    w = g.add(quantity("w", i, j, k), "param", layer=i, key=("w", i))
                    terms.append(w.symbol * a.symbol)
                    parents += [w, a]
                if self.bias:
                    b = g.add(quantity("b", i, j), "param", layer=i, key=("b", i))
                    terms.append(b.symbol)
                    parents.append(b)
                z_sym = quantity("z", i, j)
                zs.append(g.add(z_sym, "z", expr=sp.Add(*terms), parents=parents,
                                layer=i, delta=relabel(z_sym, "delta")))
            outs = []
            for j, z in enumerate(zs):
                if act.name == "softmax":
                    expr = act.func(j, *[zz.symbol for zz in zs])
                    parents = zs
                else:
                    expr, parents = act.apply(z.symbol), [z]
                outs.append(g.add(quantity("a", i, j), "a", expr=expr, parents=parents,
                                  layer=i, activation=act))
            if act.name == "softmax":
                for i_out, a in enumerate(outs):
                    for j_in, z in enumerate(zs):
                        own = outs[i_out].symbol
                        a.locals[z] = (own * (1 - own) if i_out == j_in
                                       else -own * outs[j_in].symbol)
            else:
                for a, z in zip(outs, zs):
                    a.locals[z] = act.derivative(z.symbol)
            prev = outs
        targets = [g.add(quantity("y", "out", j), "target") for j in range(self.widths[-1])]
        cost = self.cost
        c = g.add(COST, "cost", expr=cost.total([a.symbol for a in prev],
                                                 [t.symbol for t in targets]),
                  parents=prev + targets, cost_spec=cost)
        for a, t in zip(prev, targets):
            c.locals[a] = cost.derivative(a.symbol, t.symbol)
        return g
