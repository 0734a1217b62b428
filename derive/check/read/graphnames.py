"""Checking a hand derivation against a --graph file instead of a layered network.

``GraphModel`` stands where the checker expects a network: the graph, its
activations and parameters, no layers.  ``GraphContext`` reads names as the
file spells them, written the way a student would: ``z1``, ``z_1``,
``z_{1}``, ``h_{2}``, a longer name such as ``hidden`` or ``\\mathrm{hidden}``,
``\\delta_{z_2}`` (or ASCII ``delta_z2``) for ∂C/∂z2, the cost by the file's
name or as C, J or L, ``\\hat{y}`` for a prediction named y.  A name the file
does not have is *unknown* (never a free variable that would make a correct
line look wrong), except in a line that names nothing of the graph at all
(σ'(x) = σ(x)(1 − σ(x)) where the graph has no x), which is an identity.
"""
import re

import sympy as sp

from derive.model.graph import upstream
from derive.model.symbols import COST, DirectPartial, Partial
from derive.check.limits import Unsupported
from derive.check.read.names import Context
from derive.check.read.ownweights import own_note

COST_LETTERS = ("C", "J", "L")
_FONT = r"\\(?:mathrm|operatorname\*?|mathit|text|textrm|mathsf)\s*\{\s*%s\s*\}"


class GraphModel:
    """A --graph file in the place of a layered network: what the checker asks of one."""

    widths = None  # no layers: messages and the printer say "graph"
    L = 0
    bias = True

    def __init__(self, graph):
        self.graph = graph
        self.activations = sorted({n.activation.name for n in graph.nodes
                                   if n.activation is not None})
        self.cost_name = "graph"
        self.n_params = len(graph.params)
        self.source = getattr(graph, "source", None)
        self.names = {str(n.symbol): n.symbol for n in graph.nodes if n.role != "cost"}
        self.cost_written = getattr(graph, "cost_name", "C")

    def is_word(self, word):
        """Whether an ASCII word is math here: a name of the file, or d/partial of one
        (dloss, partialw1), or delta_ of one."""
        known = set(self.names) | {self.cost_written}
        for prefix in ("", "d", "partial", "delta_"):
            if word.startswith(prefix) and word[len(prefix):] in known:
                return True
        return False

    def describe(self):
        return {"graph": self.source, "cost": self.cost_written,
                "params": [str(n.symbol) for n in self.graph.params]}

    def activation(self, layer):
        raise Unsupported("no_such_layer_activation")


class GraphContext(Context):
    """Names of a hand derivation resolved against a ``GraphModel``."""

    def __init__(self, model, notation, free=(), functions=None):
        super().__init__(model, notation, free=free, functions=functions)
        self.model = model
        names = model.names
        # single letters that begin a name with a subscript: z for z1, h for h_2
        self._stems = {n[0] for n in names if re.fullmatch(r"[A-Za-z]_?[A-Za-z0-9]+", n)}
        every = list(names) + [model.cost_written]
        self._long = sorted({n for n in every if len(n) > 1}, key=len, reverse=True)

    # -- reading the text ---------------------------------------------------------

    def prepare(self, text, language):
        """Names of several characters marked as one token (\\gname{…}) in LaTeX."""
        if language != "latex" or not self._long:
            return text
        spans = []
        taken = [False] * len(text.s)
        for name in self._long:
            pattern = re.compile(_written(name))
            for m in pattern.finditer(text.s):
                if any(taken[m.start():m.end()]):
                    continue
                for k in range(m.start(), m.end()):
                    taken[k] = True
                spans.append((m.start(), m.end(), f"\\gname{{{name}}} "))
        return text.replace_spans(spans)

    def head(self, written, default):
        from derive.check.read.build import Head

        names = self.model.names
        if written in names:
            return Head("g", written)
        if written in COST_LETTERS or written == self.model.cost_written or self._cost_initial(written):
            return Head("g", written)
        if written.endswith("bar") and written[:-3] in getattr(self.model, "adjoints", ()):
            return Head("g", written)  # \bar{r}(1 - r^2): a product, not a function
        if written in ("d", "e") or len(written) > 1:
            return default  # d of dC/dw, Euler's e, ASCII words handled as usual
        if written in self._stems:
            return Head("g", written)
        return default

    def _cost_initial(self, written):
        """Whether ``written`` is the initial of a loss named by a word (l or L for Loss,
        c for Cost) that is no name of the graph itself."""
        cost = self.model.cost_written
        return (len(written) == 1 and len(cost) > 1 and cost.isalpha() and written not in "ed"
                and written.lower() == cost[0].lower() and written not in self.model.names)

    # -- names ----------------------------------------------------------------------

    def resolve(self, head, scripts, builder):
        kind = head.kind
        if kind == "g" or kind in ("q", "sym") and not (kind == "q" and head.name in ("delta", "out")):
            return self._name(head.name, scripts)
        if kind == "q" and head.name == "delta":
            return self._delta(scripts)
        if kind == "q" and head.name == "out":
            y = self.model.names.get("y") or self.model.names.get("yhat")
            node = self.model.graph.by_symbol.get(y) if y is not None else None
            if node is None or node.role == "target":
                raise Unsupported("hat")
            self.note("output_alias", written="ŷ")
            self.seen.add("graph")
            return y
        return super().resolve(head, scripts, builder)

    def _name(self, written, scripts):
        subs = [s[1] for s in scripts if s[0] == "sub"]
        sups = [s[1] for s in scripts if s[0] == "sup"]
        if any(s[0] == "prime" for s in scripts):
            raise Unsupported("prime_of_expression")
        if len(subs) > 1:
            raise Unsupported("double_subscript")
        # every quantity of a graph is a number, so a transpose (^T) changes nothing
        return self._powers(self._lookup(written, subs[0] if subs else []), sups)

    def _lookup(self, written, sub):
        names = self.model.names
        tail = "".join(t for t in sub if t != "_")
        candidates = [written + tail, written + "_" + tail, written + "".join(sub)] if sub else [written]
        for c in candidates:
            if c in names:
                self.seen.add("graph")
                return names[c]
        if not sub and (written in COST_LETTERS or written == self.model.cost_written) or (
                sub and self.model.cost_written in candidates):
            self.seen.add("graph")
            return COST
        if not sub and self._cost_initial(written):  # ∂l/∂ŷ for the loss the file names Loss
            self.seen.add("graph")
            self.note("cost_initial", written=written, cost=self.model.cost_written)
            return COST
        if written.endswith("bar") and not sub and written[:-3] in getattr(self.model, "adjoints", ()):
            self.seen.add("graph")  # \bar{z}: ∂L/∂z, the error signal (read/adjoint.py)
            self.note("adjoint_bar", name=written[:-3], cost=self.model.cost_written)
            return Partial(COST, names[written[:-3]])
        shown = written + ("_" + "".join(sub) if sub else "")
        if "letters" in self.free and len(written) == 1 and (not sub or tail.isalnum()):
            return sp.Symbol(written + ("_" + tail if sub else ""))
        raise Unsupported("unknown_name", name=shown)

    def _delta(self, scripts):
        """δ_{z2}: the error term ∂C/∂z2 of the quantity named in the subscript."""
        subs = [s[1] for s in scripts if s[0] == "sub"]
        sups = [s[1] for s in scripts if s[0] == "sup"]
        if len(subs) != 1:
            raise Unsupported("graph_delta")
        name = "".join(t for t in subs[0] if t not in ("{", "}"))
        # δ_3 beside z_3 = w_13 a_1 + …: the error term of the weighted input numbered 3
        numbered = [p + name for p in ("z", "net")] if name.isdigit() else []
        for c in [name, name.replace("_", "")] + numbered:
            node = self.model.graph.by_symbol.get(self.model.names.get(c))
            if node is not None and node.delta is not None:
                self._decidable(COST, node.symbol)
                self.seen.add("graph")
                if c in numbered:
                    self.note("delta_numbered", number=name, quantity=node.symbol)
                return self._powers(node.delta, sups)
        raise Unsupported("graph_delta", name=name)

    def _shaped(self, expr, toks):
        """(∂h2/∂h1)_r: the derivative along the edge alone, r held fixed, as derive
        writes it for a skip connection."""
        if type(expr) is not Partial:
            raise Unsupported("subscript_on_group")
        g = self.model.graph
        node, den = g.by_symbol.get(expr.num), g.by_symbol.get(expr.den)
        if node is None or den is None or den not in node.parents:
            raise Unsupported("subscript_on_group")
        held = []
        for t in (t for t in "".join(tok for tok in toks if tok not in "{}").split(",") if t):
            found = next((self.model.names[c] for c in (t, t.replace("_", ""))
                          if c in self.model.names), None)
            if found is None or g.by_symbol[found] not in node.parents or found == expr.den:
                raise Unsupported("subscript_on_group")
            held.append(found)
        return DirectPartial(expr.num, expr.den, held)

    # -- what layered networks have and graphs do not ---------------------------------

    def _generic_function(self, name, primes, arg):
        if name in self.functions:
            var, body = self.functions[name]
            out = sp.diff(body, var) if primes else body
            return out.xreplace({var: arg})
        raise Unsupported("unknown_function", name=name)

    def partial(self, num, den):
        self._decidable(num, den)
        return Partial(num, den)

    def _decidable(self, num, den):
        decidable(self.model, num, den, self.note)

    def nabla(self, sub, operand):
        raise Unsupported("nabla")

    def layerless(self, kind, idx=()):
        raise Unsupported("unknown_name", name=kind)


def decidable(model, num, den, note=None):
    """∂num/∂den is not decided where num depends on a quantity the document only
    gave a number for (``out_h2`` "by the same process" as ``out_h1``) and den may
    reach that quantity: it is taken to depend on what its sibling depends on (not
    on the sibling itself: ŷ2 beside ŷ1 is computed from ŷ1's inputs, so ∂E/∂ŷ1 of
    E = ½(t1 - ŷ1)² + ½(t2 - ŷ2)² is decided).  Raises ``Unsupported`` where it is not;
    ``note`` (a ``Context.note``) hears of the readings that decided it."""
    g = model.graph
    slopes = getattr(model, "unknown_slopes", False)  # judge.opaque's reading
    missing = getattr(g, "loss_undefined", None)
    if missing is not None and num == COST:
        # the forward pass ends without a loss: its stand-in is no formula to judge by
        raise Unsupported("loss_undefined", name=missing,
                          outputs=", ".join(str(p.symbol) for p in g.cost.parents))
    node = g.cost if num == COST else g.by_symbol.get(num)
    wrt = g.by_symbol.get(den)
    for hidden in _opaque_above(node):
        if wrt is hidden:
            continue
        if wrt is not None and wrt.symbol in getattr(hidden, "not_on", ()):
            # E_o2 and o1's own weight w5 (``read.ownweights``): the step says so
            if note is not None and wrt is not getattr(hidden, "sibling", None):
                note("own_weights", **own_note(g, hidden, wrt))
            continue
        sibling = getattr(hidden, "sibling", None)
        if wrt is None or sibling is None or not slopes and wrt is not sibling \
                and reaches(wrt, sibling):
            raise Unsupported("undefined_in_document", name=str(hidden.symbol))


def _opaque_above(node):
    """The leaves marked opaque that ``node`` is or depends on."""
    return [n for n in upstream(node) if getattr(n, "opaque", False)] if node is not None else []


def _written(name):
    """A regular expression for graph name ``name`` as a document may write it:
    ``net_h1`` also as ``net_{h1}``, ``\\text{net}_{h1}`` or ``\\mathrm{net_{h1}}``."""
    word = re.escape(name)
    # a name may follow an opening brace (e^{net_{h1}}, \frac{out_{h1}}{…}) but not be
    # the subscript of another name (w_{net}) or the inside of a font (handled above)
    # … and a d of its own (dET/da_o1: the differentials of ET and a_o1)
    free = r"(?<![\\A-Za-z0-9_{])|(?<=[^_]\{)|(?<=^\{)|(?<=(?<![\\A-Za-z0-9_{])d)"
    forms = [_FONT % word, r"(?:%s)" % free + word + r"(?![A-Za-z0-9_])"]
    m = re.fullmatch(r"([A-Za-z]{2,})_([A-Za-z0-9]+)|([A-Za-z])_([A-Za-z0-9]{2,})", name)
    if m:  # a word with a subscript, the subscript braced, the word maybe in a font
        stem, sub = re.escape(m.group(1) or m.group(3)), m.group(2) or m.group(4)
        inner = [re.escape(sub)]
        for k in range(1, len(sub)):  # out_{o_1} and out_{o_{1}} for out_o1
            a, b = re.escape(sub[:k]), re.escape(sub[k:])
            inner += [a + r"_" + b, a + r"_\{" + b + r"\}"]
        stem_forms = r"(?:%s|(?:%s)%s)" % (_FONT % stem, free, stem)
        braced = r"(?:\{\s*(?:%s)\s*\}|%s(?![A-Za-z0-9]))" % ("|".join(inner), re.escape(sub))
        forms.insert(0, _FONT % (stem + r"_\s*" + braced))
        forms.insert(1, stem_forms + r"\s*_\s*" + braced)
    m = re.fullmatch(r"([A-Za-z]+?)hat([0-9]*)(?:_([A-Za-z0-9]+))?", name)
    if m:  # yhat1 as the document writes it: \hat{y1}, \hat{y}_1, \hat{y_1}
        stem, digits, sub = re.escape(m.group(1)), m.group(2), m.group(3)
        hat = r"\\(?:hat|widehat)\s*"
        if sub:
            tail = r"\s*_\s*(?:\{\s*%s\s*\}|%s(?![A-Za-z0-9]))" % (sub, sub)
            forms.insert(0, hat + r"\{\s*" + stem + tail + r"\s*\}")
            forms.insert(0, hat + r"\{\s*" + stem + r"\s*\}" + tail)
        else:
            forms.insert(0, hat + r"\{\s*" + stem + r"\s*" + digits + r"\s*\}")
    m = re.fullmatch(r"([A-Za-z])prime", name)
    if m:  # yprime as the document writes it: {y}' or y', the prediction (never y'(x))
        forms.insert(0, r"\{\s*%s\s*\}\s*'|(?<![\\A-Za-z])%s\s*'(?!\s*\()" % (m.group(1), m.group(1)))
    return "|".join(forms)


def along_edges(graph, expr):
    """``expr`` with each ∂num/∂den whose den also reaches num another way read as
    the derivative along the edge den → num alone (num's other inputs held fixed)."""
    swap = {}
    for p in expr.atoms(Partial):
        if isinstance(p, DirectPartial):
            continue
        node, den = graph.by_symbol.get(p.num), graph.by_symbol.get(p.den)
        if node is None or den is None or den not in node.parents:
            continue
        others = [q for q in node.parents if q is not den]
        if any(reaches(den, q) for q in others):
            swap[p] = DirectPartial(p.num, p.den, [q.symbol for q in others])
    return expr.xreplace(swap) if swap else expr


def reaches(a, b):
    """Whether node ``a`` is ``b`` or an ancestor of it (in any graph, layered too)."""
    return any(n is a for n in upstream(b))

