"""The Derivation: everything a document shows, as data.

It gathers, for one network and one notation, the forward pass, the
activation derivatives, the chain-rule expansion of every gradient, the δ
terms, the gradients restated with δ, the four backpropagation equations and
the vectorised forms.  It holds sympy objects only; ``render`` turns it into
LaTeX, Markdown or JSON through the templates.
"""
from dataclasses import dataclass, field

import sympy as sp

from derive.engine import equations as EQ
from derive.engine.activation_steps import derivative_derivation
from derive.engine.chain import MAX_EXPANSION_CELLS, Engine, UnitEngine
from derive.errors import option, speaks_python, SizeLimitError
from derive.engine.equations import Equation
from derive.model.unitgraph import J, K, UnitGraph, weighted_input
from derive.model.symbols import (COST, Factors, Hadamard, IndexSum, MatrixProduct, Partial, Terms, Transposed,
                      base, quantity)

FULL_EXPANSION_LAYERS = 4  # deeper networks expand each gradient down from the δ above it
EXPAND_LIMIT = 64  # scalar parameters --expand will write out one by one


@dataclass
class Entry:
    """One derived quantity: its key (ASCII), what it is, and its derivation."""

    key: str
    derived: object
    name: sp.Expr = None  # the δ symbol, for δ entries
    layer: int = None


@dataclass
class Derivation:
    network: object
    notation: object
    mode: str  # 'chain' (every layer one unit) or 'index' (some layer wider)
    forward: list = field(default_factory=list)
    cost: Equation = None
    activation_derivatives: list = field(default_factory=list)  # (name, Derived)
    formula_derivatives: list = field(default_factory=list)  # (quantity, Derived), --graph only
    gradients: list = field(default_factory=list)  # Entry per key, full chain rule
    deltas: list = field(default_factory=list)  # Entry per δ, output first
    restated: list = field(default_factory=list)  # Entry per key, with δ
    expanded: list = field(default_factory=list)  # Entry per scalar weight (--expand)
    # index form only: Entry per weight layer, ∂C/∂w_jk by the chain rule up to the cost with one
    # Σ per layer above (one term per unit), every factor resolved, before any δ is named
    index_chain: list = field(default_factory=list)
    # gradients written out from the cost, with no δ, where `gradients` already use δ
    # (index form, deep chains, large graphs): a handout shows them first, to earn δ
    motivation: list = field(default_factory=list)
    bp_general: list = field(default_factory=list)
    bp_network: list = field(default_factory=list)
    vectorised: list = field(default_factory=list)
    full_expansion: bool = True
    graph: object = None
    worked: object = None  # filled by the worked-example feature
    warnings: list = field(default_factory=list)

    @property
    def widths(self):
        return self.network.widths if self.network is not None else None

    @property
    def parameters(self):
        if self.mode == "graph":
            return [p.key for p in self.graph.params]
        n = self.notation
        return [n.key(g.kind, g.layer) for g in self.network.param_groups]

    @property
    def generic_activation(self):
        """True where the general equations write f' (not every layer is a sigmoid)."""
        return self.network is not None and any(a != "sigmoid" for a in self.network.activations)

    @property
    def first_layer(self):
        """How the notation numbers the first layer after the input."""
        return self.notation.display_layer("z", 1)

    def describe(self):
        """What was derived: the network's spec, or the graph's declarations."""
        if self.mode == "graph":
            g = self.graph
            names = lambda role: [str(n.symbol) for n in g.nodes if n.role == role]
            # No file name: a graph written in Python or as a file gives one document.
            return {"inputs": names("input"),
                    "params": names("param"), "targets": names("target"),
                    "cost": getattr(g, "cost_name", "C"), "notation": self.notation.name}
        return {**self.network.describe(), "notation": self.notation.name}

    def graph_roles(self):
        """role -> the graph's quantities of that role, as symbols (printed in math type)."""
        out = {}
        for n in self.graph.nodes if self.mode == "graph" else ():
            out.setdefault(n.role, []).append(n.symbol)
        return out

    @speaks_python
    def render(self, fmt="latex", standalone=False):
        """``fmt`` "latex" (or "tex"), "markdown" (or "md") or "json"; ``standalone``
        gives the complete handout."""
        from derive.render.formats import format_name

        fmt = format_name(fmt)
        if standalone and fmt != "json":
            from derive.documents.handout import render_handout

            return render_handout(self, fmt)
        from derive.render.formats import render

        return render(self, fmt)

    def to_dict(self):
        from derive.render.formats import to_dict

        return to_dict(self)

    @speaks_python
    def check(self, text, kind="md", strict=False):
        """A check ``Report`` on the hand derivation ``text`` ('md', 'tex' or 'txt'),
        against this derivation's network or graph; in Jupyter it displays itself."""
        from derive.check import check_text

        target = self.graph if self.mode == "graph" else self.network
        return check_text(text, target, self.notation, kind=kind, strict=strict)

    def __repr__(self):
        # The dataclass repr would print every sympy object; this says what it is.
        spec = ", ".join(f"{k}={v!r}" for k, v in self.describe().items())
        return f"<Derivation {self.mode}: {spec}>"

    def _repr_latex_(self):
        return self.render("latex")

    def _repr_markdown_(self):
        return self.render("markdown")


def _activation_derivations(names):
    """(name, derivation of its derivative) for each activation used, once, in order of use."""
    return [(name, derivative_derivation(name)) for name in dict.fromkeys(names)]


def _prev(layer):
    return quantity("x", 0, 0) if layer == 1 else quantity("a", layer - 1, 0)


def _chain_forward(network):
    eqs = []
    for layer in range(1, network.L + 1):
        w, z, a = quantity("w", layer, 0, 0), quantity("z", layer, 0), quantity("a", layer, 0)
        rhs = Factors(w, _prev(layer))
        if network.bias:
            rhs = Terms(rhs, quantity("b", layer, 0))
        eqs.append(Equation("z", z, rhs, layer))
        eqs.append(Equation("a", a, network.activation(layer).apply(z), layer))
    return eqs


def _index_forward(network):
    eqs = []
    j = J
    for layer in range(1, network.L + 1):
        z, a = quantity("z", layer, j), quantity("a", layer, j)
        eqs.append(Equation("z", z, weighted_input(network, layer), layer))
        act = network.activation(layer)
        if act.name == "softmax":
            k = K
            rhs = sp.exp(z) / IndexSum(sp.exp(quantity("z", layer, k)), k, network.widths[layer])
        else:
            rhs = act.apply(z)
        eqs.append(Equation("a", a, rhs, layer))
    return eqs


def _cost_equation(network):
    cost, L, n = network.cost, network.L, network.widths[-1]
    j = J if n > 1 else sp.Integer(0)
    inner = cost.inner(quantity("a", L, j), quantity("y", "out", j))
    body = IndexSum(inner, j, n) if n > 1 else inner
    return Equation("C", COST, Factors(cost.coefficient, body) if cost.coefficient != 1 else body)


def _output_delta(network):
    """δ^L in closed form: vectors for wide networks, scalars for chains."""
    L = network.L
    if network.is_chain:
        a, y, z = quantity("a", L, 0), quantity("y", "out", 0), quantity("z", L, 0)
    else:
        a, y, z = base("a", L), base("y", "out"), base("z", L)
    act, cost = network.activation(L), network.cost
    if cost.simplifies_with == act.name:
        return Terms(a, -y)
    if act.name == "softmax":
        return MatrixProduct(Transposed(Partial(a, z)), cost.derivative(a, y))
    if network.is_chain:
        return Factors(cost.derivative(a, y), act.derivative(z))
    return Hadamard(cost.derivative(a, y), act.derivative(z))


def build(network, notation, expand=False):
    """Derive everything for ``network`` in ``notation``."""
    chain = network.is_chain
    d = Derivation(network=network, notation=notation, mode="chain" if chain else "index")
    d.forward = _chain_forward(network) if chain else _index_forward(network)
    if not notation.input_as_activation:
        j = sp.Integer(0) if network.widths[0] == 1 else J
        d.forward.insert(0, Equation("input", quantity("a", 0, j), quantity("x", 0, j), 0))
    d.cost = _cost_equation(network)
    d.activation_derivatives = _activation_derivations(network.activations)

    if chain or expand:
        if not chain and network.n_params > EXPAND_LIMIT:
            raise SizeLimitError(
                f"{option('expand')} writes out every scalar weight; this network has {network.n_params} "
                f"parameters, above the limit of {EXPAND_LIMIT}. Use the index form (omit {option('expand')}) "
                f"or a smaller network")
        g = network.graph
        d.graph = g
        engine = Engine(g)
        d.full_expansion = network.L <= FULL_EXPANSION_LAYERS
        depth = None if d.full_expansion else 1
        params = sorted(g.params, key=lambda p: -p.layer)
        entries = [Entry(_scalar_key(network, notation, p), engine.gradient(p, depth=depth), layer=p.layer)
                   for p in params]
        if chain:
            d.gradients = entries
            if not d.full_expansion:
                d.motivation = [Entry(_scalar_key(network, notation, p), engine.gradient(p), layer=p.layer)
                                for p in params if p.key[0] == "w"][:2]
            zs = [n for n in reversed(g.nodes) if n.delta is not None]
            d.deltas = [Entry(_delta_key(notation, z.layer), engine.delta(z), name=z.delta,
                              layer=z.layer) for z in zs]
            d.restated = [Entry(_scalar_key(network, notation, p), engine.restated(p), layer=p.layer)
                          for p in params]
        else:
            d.expanded = entries
    if not chain:
        engine = UnitEngine(UnitGraph(network))
        for layer in range(network.L, 0, -1):
            key = notation.key("w", layer)
            w, b = quantity("w", layer, J, K), quantity("b", layer, J)
            d.gradients.append(Entry(key, engine.gradient(w), layer=layer))
            d.index_chain.append(Entry(key, engine.index_chain(w), layer=layer))
            if network.bias:
                d.gradients.append(Entry(notation.key("b", layer), engine.gradient(b), layer=layer))
        for layer in range(network.L, 0, -1):
            z = quantity("z", layer, J)
            d.deltas.append(Entry(_delta_key(notation, layer), engine.delta(z),
                                  name=quantity("delta", layer, J), layer=layer))
        d.restated = d.gradients
        top = network.L - 1 if network.L > 1 else network.L
        # the handout earns δ on the layer below the output: its chain holds a sum over units
        # (the index chain of that layer, derived once above)
        d.motivation = [e for e in d.index_chain if e.layer == top]
        d.vectorised = EQ.vectorised(network, _output_delta(network))
    d.bp_general = EQ.general(network)
    d.bp_network = EQ.for_network(network, _output_delta(network))
    return d


GRAPH_FULL_EXPANSION_NODES = 40  # larger graphs expand each gradient from the δ above it


def build_graph(graph, notation):
    """Derive everything for a user-written graph (``--graph``)."""
    import dataclasses

    cost_name = getattr(graph, "cost_name", "C")
    notation = dataclasses.replace(notation, names={**notation.names, "C": cost_name},
                                   written=getattr(graph, "written", None) or None)
    d = Derivation(network=None, notation=notation, mode="graph", graph=graph)
    d.forward = [Equation("def", n.symbol, n.expr) for n in graph.nodes
                 if not n.is_leaf and n.role != "cost"]
    d.cost = Equation("C", COST, graph.cost.expr)
    d.activation_derivatives = _activation_derivations(_graph_activations(graph))
    from derive.engine.diffsteps import differentiate, formula_nodes

    d.formula_derivatives = [(n.symbol, differentiate(n.expr, n.parents[0].symbol))
                             for n in formula_nodes(graph)]
    engine = Engine(graph)
    params = graph.params
    d.full_expansion = len(graph.nodes) <= GRAPH_FULL_EXPANSION_NODES
    if d.full_expansion:
        # many paths (2^18 in a 500-byte file) would make megabytes of chain rule:
        # write each gradient from the δ above instead, and say so once
        sizes = {p: engine.expansion_size(p) for p in params}
        big = [p for p in params if sizes[p][1] > MAX_EXPANSION_CELLS]
        if big:
            d.full_expansion = False
            p = max(big, key=lambda p: sizes[p][0])
            d.warnings.append(
                f"warning: {p.symbol} reaches the cost along {sizes[p][0]} paths, too many to "
                f"write out one by one; every gradient is written from the δ above it instead")
    d.gradients = [Entry(p.key, engine.gradient(p) if d.full_expansion else engine.restated(p))
                   for p in params]
    d.deltas = [Entry(f"delta_{n.symbol}", engine.delta(n), name=n.delta)
                for n in reversed(graph.nodes) if n.delta is not None]
    d.restated = [Entry(p.key, engine.restated(p)) for p in params]
    if not d.full_expansion and params:
        d.motivation = [Entry(params[-1].key, engine.gradient(params[-1]))]
    return d


def _graph_activations(graph):
    """The activations a graph uses, in order: its activation nodes, and also an
    activation applied inside a longer line (h1 = tanh(w1*x + b1)), whose derivative
    the chain rule needs just the same."""
    from derive.model import functions as F

    # every activation the graph grammar accepts (graphgrammar.FUNCTIONS and softmax)
    known = {sp.tanh: "tanh", F.sigmoid: "sigmoid", F.relu: "relu", F.softmax: "softmax"}
    names = []
    for n in graph.nodes:
        if n.activation is not None:
            names.append(n.activation.name)
        elif n.expr is not None and not n.is_leaf:
            names += [known[f.func] for f in sorted(n.expr.atoms(sp.Function), key=str)
                      if f.func in known]
    return names


def _scalar_key(network, notation, param):
    """w3 for a layer's only weight; w3[2,1] (1-based) inside a wider group."""
    kind, layer = param.key
    key = notation.key(kind, layer)
    size = network.widths[layer] * (network.widths[layer - 1] if kind == "w" else 1)
    if size == 1:
        return key
    return key + "[" + ",".join(str(int(i) + 1) for i in param.symbol.indices) + "]"


def _delta_key(notation, layer):
    return f"delta{notation.display_layer('delta', layer)}"
