"""Function names in a hand derivation: what σ(z), ReLU'(z), tanh, exp, ln and the
generic f, g, h stand for on a network.

``f(z^{(2)})`` is layer 2's activation, ``f'(z^{(l)})`` each layer's own (taken
per layer once l has a value, ``forms.LayerActivation``), ``g(x)`` the only
activation of a network that has one, or the definition ``g(x) = x`` written
earlier in the file; softmax has no element-wise derivative.  A mixin of
``names.Context``.
"""
import re

import sympy as sp

from derive.model import functions as F
from derive.model.activations import ACTIVATIONS
from derive.model.symbols import COST, quantity
from derive.check.read.forms import LayerActivation
from derive.check.limits import Unsupported


def _network_valued(expr):
    return expr.has(COST) or bool(expr.atoms(sp.Indexed, sp.IndexedBase))


# g(x) = …, g_i(x) = …: a function letter defined by a formula in x
_FUNCTION_DEFINED = re.compile(r"^[ \t]*(?:\$+[ \t]*)?(?P<name>[fgh]|\\varphi|\\phi)[ \t]*"
                               r"(?:_[ \t]*(?:\{[^{}\n]*\}|\w)[ \t]*)?\([ \t]*(?P<var>[a-z])[ \t]*\)"
                               r"[ \t]*=(?P<body>[^=$\n]+)(?:=|\$|$)", re.M)


def chosen_functions(text):
    """{letter: lines} for a function letter the document defines more than once with
    different formulas (``g_i(x) = \\tanh(x)``, ``g_i(x) = \\sigma(x)``, …): a list of
    choices, so a line about g alone does not say which it means."""
    seen = {}
    for m in _FUNCTION_DEFINED.finditer(text[:200_000]):
        name = {"\\varphi": "phi", "\\phi": "phi"}.get(m.group("name"), m.group("name"))
        body = " ".join(m.group("body").split("<br>")[0].split())
        line = text.count("\n", 0, m.start("name")) + 1
        seen.setdefault(name, {}).setdefault(body, line)
    return {n: sorted(bodies.values()) for n, bodies in seen.items() if len(bodies) > 1}


class FunctionNames:
    """Function application for ``names.Context`` (needs ``network``, ``functions``,
    ``note`` and ``_powers``)."""

    def _function(self, name, primes, args):
        if name == "max":
            if len(args) == 2 and 0 in args:
                name, args = "relu", tuple(a for a in args if a != 0) or (sp.S.Zero,)
            else:
                raise Unsupported("tuple")
        if len(args) != 1:
            raise Unsupported("tuple")
        arg = args[0]
        if primes > 1:
            raise Unsupported("second_derivative")
        if name in ("f", "g", "h") or name in self.functions:  # or s(x) = … defined before
            return self._generic_function(name, primes, arg)
        table = {"sigma": (F.sigmoid, F.sigmoid_prime), "sigmoid": (F.sigmoid, F.sigmoid_prime),
                 "relu": (F.relu, F.relu_prime), "tanh": (sp.tanh, F.tanh_prime),
                 "exp": (sp.exp, sp.exp), "ln": (sp.log, lambda u: 1 / u),
                 "sinh": (sp.sinh, sp.cosh), "cosh": (sp.cosh, sp.sinh),
                 "log": (sp.log, lambda u: 1 / u)}
        if name not in table:
            raise Unsupported("unknown_function", name=name)
        return table[name][primes](arg)

    def _generic_function(self, name, primes, arg):
        chosen = getattr(self, "chosen", {}).get(name)
        if chosen:  # g_i(x) = tanh(x), g_i(x) = σ(x), …: the writer's choices, not one g
            raise Unsupported("function_of_choice", name=name, lines=", ".join(map(str, chosen)))
        if name in self.functions and name not in ("f", "g", "h"):
            var, body = self.functions[name]  # s(x) = 1/(1 + e^{-x}): the document's own
            return (sp.diff(body, var) if primes else body).xreplace({var: arg})
        if isinstance(arg, (sp.Indexed, sp.IndexedBase)):
            label = str(arg.base.label if isinstance(arg, sp.Indexed) else arg.label)
            kind, _, layer = label.partition(":")
            if kind == "z":
                act = self._activation_at(layer)
                if act is None:  # a general layer whose activation varies: per layer, later
                    self.note("activation_function", name=name, activation="each layer's")
                    return LayerActivation(arg, sp.Integer(primes))
                self.note("activation_function", name=name, activation=act.name)
                return activation_value(act, arg, primes, self.network)
            if kind == "x" and name in ("f", "h") and not primes:
                self.note("output_alias", written=name + "(x)")
                return self.output
        if name in self.functions and not isinstance(arg, (sp.Indexed, sp.IndexedBase)):
            var, body = self.functions[name]  # g(x) = x, defined earlier in the file
            out = sp.diff(body, var) if primes else body
            return out.xreplace({var: arg})
        z = self._weighted_input(arg)
        if z is not None:
            return self._generic_function(name, primes, z)
        if name in ("f", "g") and not _network_valued(arg):
            names = set(self.network.activations)
            if len(names) == 1:
                act = ACTIVATIONS[names.pop()]
                self.note("activation_function", name=name, activation=act.name)
                return activation_value(act, arg, primes, self.network)
        raise Unsupported("unknown_function", name=name)

    def _weighted_input(self, expr):
        """The z whose definition ``expr`` is (g(θ a) in a graph without biases), or None."""
        if isinstance(expr, (sp.Indexed, sp.IndexedBase, sp.Symbol)) or self.network.n_params > 400:
            return None
        graph = self.network.graph
        target = sp.expand(expr)
        for n in graph.nodes:
            if n.role == "z" and sp.expand(n.expr) == target:
                return n.symbol
        if sp.count_ops(expr) > 60:
            return None
        values = graph.composed()  # the same composition written out (g(θ σ(θ a)))
        composed = sp.expand(expr.xreplace({s: values[s] for s in expr.atoms(sp.Indexed)
                                            if s in values}))
        for n in graph.nodes:
            if n.role == "z" and sp.expand(values[n.symbol]) == composed:
                return n.symbol
        return None

    def _activation_at(self, layer):
        """The activation of a layer label, or None for a general layer l where the
        activation varies (it is then taken layer by layer when l is given values)."""
        m = re.fullmatch(r"L([+-][0-9]+)?", layer)
        if m:
            layer = str(self.network.L + int(m.group(1) or 0))
        if layer.lstrip("-").isdigit():
            i = int(layer)
            if 1 <= i <= self.network.L:
                return self.network.activation(i)
            raise Unsupported("no_such_layer_activation")
        names = set(self.network.activations)
        if len(names) == 1:
            return ACTIVATIONS[names.pop()]
        return None


def activation_value(act, z, primes, network):
    """f(z) or f'(z) for activation ``act``; softmax has no element-wise derivative
    (its Jacobian is not diagonal), and its value needs the whole layer."""
    if act.name != "softmax":
        return act.derivative(z) if primes else act.apply(z)
    if primes:
        raise Unsupported("softmax_prime")
    if isinstance(z, sp.Indexed) and isinstance(z.indices[0], sp.Integer):
        layer = str(z.base.label).partition(":")[2]
        if layer.isdigit():
            n = network.widths[int(layer)]
            return F.softmax(z.indices[0], *[quantity("z", int(layer), k) for k in range(n)])
    raise Unsupported("softmax_value")
