"""What the names in a hand derivation mean for one network and notation.

``Context`` turns a name with its scripts and arguments into a sympy object:
a layer superscript (``^{(l)}``, ``^l``, ``^{[l]}``) into an internal layer by
the notation's offset, unit subscripts into 0-based indices, ``f(x)`` /
``\\hat{y}`` / ``h(x)`` into the network output, ``f(z^{(2)})`` into the
activation of layer 2, ``C(x, f)`` into the cost.  Every reading that is not
literal is recorded as a note (code + parameters), so the report can say
which reading was taken.
"""
import math
import re

import sympy as sp

from derive.model.symbols import COST, ETA, IndexSum, Iverson, Partial, Shaped, Transposed, base, quantity
from derive.check.read.forms import (AUTO, UNWRITTEN, Bracketed, Increment, index_symbol,
                                     layer_of_subscript, product, sum_over_units)
from derive.check.read.funcnames import FunctionNames, _network_valued
from derive.check.read.aliases import L_SYM, DocumentNames
from derive.check.limits import LIMITS, ParseLimit, Unsupported

LAYERED = ("a", "z", "w", "b", "delta")
_SHOWN = {"out": "ŷ"}  # how a name the student wrote is quoted back in a reading
_KEY = re.compile(r"^(w|W|theta|b|a|z|delta)_?([0-9]{1,3})$")
_KEY_KIND = {"w": "w", "W": "w", "theta": "w", "b": "b", "a": "a", "z": "z", "delta": "delta"}
X = sp.Symbol("x")  # the variable of an activation's own derivation (σ'(x) = …)
Z = sp.Symbol("z")  # z without a layer, as in σ'(z) = σ(z)(1 − σ(z))



class Context(FunctionNames, DocumentNames):
    """Resolves names for ``network`` written in ``notation``."""

    def __init__(self, network, notation, free=(), functions=None):
        self.network = network
        self.notation = notation
        self.zoff = notation.offsets.get("z", 0)
        self.notes = []
        self.free = set(free)  # letters read as free scalar variables (the x of σ'(x))
        self.functions = functions or {}  # g -> (variable, body): g(x) = x defined in the file
        self.seen = set()  # what kinds of quantity were named (to decide the reading of x)
        self.literals = {} if "literals" in self.free else None  # symbol -> (value, last digit)
        # the document's own letters for network quantities (read.softmaxnames): p -> output
        self.aliases = {}

    # -- hooks for other kinds of model (graphnames.GraphContext) -------------

    def head(self, written, default):
        """The head for a letter, Greek letter or ASCII word as the grammar read it."""
        alias = self.aliases.get(written)
        if alias is not None and default is not None and (
                default.kind in ("q", "sym") or default.kind == "func" and written == "h"):
            from derive.check.read.build import Head

            if alias[0] == "cost":  # E(t, o), L: the cost, with C's own readings
                self.note("document_name", written=written, meaning="cost", line=alias[1])
                # (the cost has no unit index, so the letter reads the same everywhere)
                return Head("q", "C")
            return Head("alias", (alias, written, default))
        return default

    # -- bookkeeping ----------------------------------------------------------

    def note(self, code, **params):
        item = (code, tuple(sorted(params.items())))
        if item not in self.notes:
            self.notes.append(item)

    def off(self, kind):
        return self.notation.offsets.get(kind, 0)

    def output_unit(self, idx):
        return quantity("a", self.network.L, *idx)

    def layers_of(self, kind):
        """Internal layers at which ``kind`` exists."""
        if kind == "b" and not self.network.bias:
            return []
        if kind == "a":
            return list(range(self.network.L + 1))
        return list(range(1, self.network.L + 1))

    # -- layers ---------------------------------------------------------------

    def layer_label(self, kind, shown):
        """The label of the layer written ``shown`` on a ``kind``: an internal
        int, or a generic string counted in the layers of z ('l', 'l+1', 'L')."""
        off, bracket = self.off(kind), isinstance(shown, Bracketed)
        if bracket:  # a^{[l]}: the input is layer 0, the output L
            shown, off = shown.args[0], 0
            self.note("bracket_layers")
        shown = sp.expand(shown)
        if isinstance(shown, sp.Integer):
            return int(shown) - off
        free = shown.free_symbols
        if len(free) == 1:
            s = next(iter(free))
            rest = sp.expand(shown - s)
            if bracket and re.fullmatch(r"[a-kn-z]", s.name):
                s = L_SYM  # W^{[i]}: whatever its letter, a bracket holds a layer
            if s.name in ("l", "L") and isinstance(rest, sp.Integer):
                k = int(rest) - off + self.zoff
                if bracket and s.name == "L":
                    k = int(rest)  # L is the output layer in every numbering
                return s.name + (f"+{k}" if k > 0 else f"{k}" if k < 0 else "")
            if not bracket and s.name in ("i", "n") and rest == 0 and any(
                    n[0] == "sample_index" for n in self.notes):
                # y^i the i-th example, then z^i: each example's own quantity in a sum
                # over the batch, not a layer
                raise Unsupported("example_superscript", kind=kind, letter=s.name)
        raise Unsupported("layer_index", text=str(shown))

    def key_head(self, word):
        """Head for an ASCII key such as w2, theta1, W1, b2, z1, a1."""
        from derive.check.read.build import Head

        m = _KEY.match(word)
        if not m:
            return None
        kind = _KEY_KIND[m.group(1)]
        return Head("key", kind, int(m.group(2)) - self.off(kind))

    def _make(self, kind, layer, idx):
        if kind == "a" and layer == 0:
            kind = "x"
        if kind == "x":
            layer = 0
        if not idx and self._is_scalar(kind, layer):
            idx = (0, 0) if kind == "w" else (0,)
        if kind == "w" and not idx and self.notation.weights_from_first:
            # the matrix of the document's w_{ij} (from i into j) is the transpose of the
            # internal one (into × from): z = W^T a is what such a document writes
            return Transposed(base(kind, layer))
        return quantity(kind, layer, *idx) if idx else base(kind, layer)

    def _is_scalar(self, kind, layer):
        """Whether a whole layer of ``kind`` is a single number (one-unit layers)."""
        widths = self.network.widths
        if kind == "y" or layer == "out":
            return widths[-1] == 1
        if not isinstance(layer, int):
            return all(w == 1 for w in widths)
        if kind in ("x",):
            return widths[0] == 1
        if not 0 <= layer <= self.network.L:
            return False
        if kind == "w":
            return layer >= 1 and widths[layer] == 1 and widths[layer - 1] == 1
        return widths[layer] == 1

    @property
    def output(self):
        return self._make("a", self.network.L, ())

    # -- names with scripts -----------------------------------------------------

    def resolve(self, head, scripts, builder):
        kind = head.kind
        sups = [s[1] for s in scripts if s[0] == "sup"]
        subs = [s[1] for s in scripts if s[0] == "sub"]
        tops = sum(1 for s in scripts if s[0] == "top")
        primes = sum(1 for s in scripts if s[0] == "prime")
        if primes and kind not in ("func",):
            raise Unsupported("prime_of_expression")
        if kind == "alias" and (any(not isinstance(s, sp.Integer) for s in sups)
                                or not self._alias_meaning(head.name, subs)):
            head = head.name[2]  # p^{(2)}, or o_k where o_j and o_i mean two layers
            kind = head.kind
        if kind == "alias":
            out = self._alias(head.name, sups, subs)
        elif kind == "q":
            out = self._quantity(head.name, sups, subs)
        elif kind == "key":
            if sups:
                raise Unsupported("layer_twice")
            out = self._make(head.name, head.key_layer, self._indices(head.name, subs))
        elif kind == "rate":
            out = ETA if head.name in ("eta", "lr") else sp.Symbol(head.name, positive=True)
            out = self._powers(out, sups)
        elif kind == "e":
            if len(sups) > 1:
                raise Unsupported("double_superscript")
            out = sp.exp(sups[0]) if sups else sp.E
            sups = []
        elif kind == "sym":
            name = head.name + ("_" + "".join(subs[0]) if subs else "")
            if not re.fullmatch(r"[A-Za-z]+(_[A-Za-z0-9]+)?", name):
                raise Unsupported("odd_subscript")
            out = self._powers(sp.Symbol(name), sups)
        elif kind == "summark":
            from derive.check.read.build import Marker

            return Marker("summark", subs[0] if subs else None)
        elif kind == "func":
            from derive.check.read.build import Marker

            if "functions" in self.free and head.name not in ("max", "softmax"):
                return self.apply_call(head, scripts, (X,), builder)
            if scripts and all(s[0] in ("sup", "prime") for s in scripts):
                return Marker("funcpow", (head, scripts))  # \tanh^{2}{(x)}: waits for its argument
            raise Unsupported("function_without_argument", name=head.name)
        else:
            raise Unsupported("stray_operator")
        for _ in range(tops):
            out = Transposed(out)
        return out

    def _powers(self, out, sups):
        for s in sups:
            out = power(out, s)
        return out

    def _quantity(self, name, sups, subs):
        if name == "C":
            pw = [s for s in sups if isinstance(s, sp.Integer)]
            if subs or len(pw) < len(sups):
                self.note("cost_decorated")
            return self._powers(COST, pw)
        if name == "x" and not subs:
            self.seen.add("x_bare")
            if "x" in self.free:
                if not all(isinstance(p, sp.Integer) for p in sups):
                    raise Unsupported("superscript_on", name=name)
                return self._powers(X, sups)
        else:
            self.seen.add("x_indexed" if name == "x" else name)
        if name in ("x", "y", "t", "out"):
            powers = []
            for s in sups:
                if isinstance(s, sp.Symbol) and s.name in ("i", "n", "m"):
                    self.note("sample_index", name=_SHOWN.get(name, name))
                elif isinstance(s, sp.Integer):
                    powers.append(s)
                else:
                    raise Unsupported("superscript_on", name=name)
            idx = self._indices("x", subs)
            if name == "out" or (name == "y" and self.notation.target_name == "t"):
                self.note("output_alias", written=_SHOWN.get(name, name))
                q = self.output_unit(idx) if idx else self.output
            elif name in ("y", "t"):
                if name != self.notation.target_name:
                    self.note("target_alias", written=name)
                q = self._make("y", "out", idx)
            else:
                q = self._make("x", 0, idx)
            return self._powers(q, powers)
        if name == "delta" and not sups and len(subs) == 1:
            letters = [t for t in subs[0] if t not in (",", "{", "}")]
            if len(letters) == 2 and all(re.fullmatch(r"[i-n]", t) for t in letters) and (
                    letters[0] != letters[1]):
                self.note("kronecker")
                return Iverson(*(index_symbol(t) for t in letters))  # δ_{ij}, Kronecker's
        # a layered quantity: a, z, w, b, delta
        shape = None
        if subs and any(t in ("\\times", "x") for t in subs[-1]) and len(subs[-1]) == 3:
            shape = subs.pop()  # W^2_{2\times 4}: dimensions, not units
        q = self._layered(name, sups, subs)
        return self._shaped(q, shape) if shape else q

    def _layered(self, name, sups, subs):
        if len(sups) > 1:
            raise Unsupported("double_superscript")
        if sups:
            layer = self.layer_label(name, sups[0])
            idx = self._indices(name, subs)
        elif subs and len(subs[0]) == 1 and subs[0][0].isdigit() and len(subs) == 1:
            layer = int(subs[0][0]) - self.off(name)
            idx = ()
        elif subs and len(subs) == 2 and subs[0][0].isdigit():
            layer = int(subs[0][0]) - self.off(name)
            idx = self._indices(name, subs[1:])
        elif self.notation.subscript_layers and len(subs) == 1 and layer_of_subscript(subs[0]) is not None:
            layer = self.layer_label(name, layer_of_subscript(subs[0]))  # W_{l+1}: a whole layer
            idx = ()
        else:
            if name == "z" and not subs:
                return Z
            return self.layerless(name, self._indices(name, subs))
        return self._make(name, layer, idx)

    def layerless(self, kind, idx=()):
        """A quantity written without its layer: the only such layer, or else a
        general layer l (a reading that can confirm a step but never refute it)."""
        layers = self.layers_of(kind)
        if kind == "a":
            layers = layers[1:]
        if len(layers) == 1:
            self.note("only_layer", kind=kind, layer=layers[0])
            return self._make(kind, layers[0], idx)
        if not layers:
            raise Unsupported("no_layer", kind=kind)
        self.note("general_layer", kind=kind)
        return self._make(kind, self.layer_label(kind, L_SYM), idx)

    def partial(self, num, den):
        """∂num/∂den; a bare z next to network quantities (∂C/∂z) is the weighted
        input of a layer, not the free variable of σ'(z)."""
        if den == Z and _network_valued(num):
            den = self.layerless("z")
        elif num == Z and _network_valued(den):
            num = self.layerless("z")
        return Partial(num, den)

    def _indices(self, kind, subs):
        """0-based unit indices from subscript token lists."""
        if not subs:
            return ()
        if len(subs) > 1:
            raise Unsupported("double_subscript")
        toks = [t for t in subs[0] if t not in ("(", ")")]
        if any(t in ("\\times", "=", "+", "-") for t in toks):
            raise Unsupported("odd_subscript")
        parts = [t for t in toks if t != ","]
        if "," not in toks:
            split = []
            for t in parts:
                if t.isdigit() and (kind == "w" or len(parts) > 1) or t.isalpha() and not t.startswith("\\"):
                    split.extend(t)
                else:
                    split.append(t)
            parts = split
        want = 2 if kind == "w" else 1
        if len(parts) != want:
            raise Unsupported("index_count", kind=kind, count=len(parts), want=want)
        out = []
        for t in parts:
            if t.isdigit():
                if len(t) > 6:
                    raise ParseLimit("a unit index that is too large")
                out.append(sp.Integer(int(t) - 1))
            elif re.fullmatch(r"[a-zA-Z]", t):
                out.append(index_symbol(t))
            else:
                raise Unsupported("odd_subscript")
        if kind == "w" and self.notation.weights_from_first:
            out.reverse()  # w_{ij} from i into j: internally (into, from)
        return tuple(out)

    # -- calls ------------------------------------------------------------------

    def apply_call(self, atom, scripts, args, builder, post=()):
        from derive.check.read.build import Diff, Head, Marker, POp

        if isinstance(atom, Head) and atom.kind == "alias" and atom.name[2].kind == "func":
            atom = atom.name[2]  # h(x): a call, not the document's h_i
        if not (isinstance(atom, Head) and atom.kind == "q" and atom.name == "C"):
            args = tuple(builder.ex(a) for a in args)
        if isinstance(atom, Marker) and atom.kind == "dmark" and not scripts and len(args) == 1:
            return Diff(self.apply_post(args[0], post, builder))
        if isinstance(atom, Head) and atom.kind == "func":
            primes = sum(1 for s in scripts if s[0] == "prime")
            sups = [s[1] for s in scripts if s[0] == "sup"]
            if atom.name in ("f", "g", "h") and len(sups) == 1 and isinstance(sups[0], Bracketed):
                sups = []  # g^{[l]}(z^{[l]}): the layer's activation, its layer in the argument
            if sups and (atom.name in ("f", "g", "h") or len(sups) > 1 or not (
                    isinstance(sups[0], sp.Integer) and sups[0] > 0)):
                raise Unsupported("power_of_function")  # f^2 may be f∘f, σ^{-1} the inverse
            if "functions" in self.free and args != (X,):
                # σ(1 − σ) among bare function names: a product or σ∘(1 − σ)?
                raise Unsupported("function_or_product", name=atom.name)
            out = self._function(atom.name, primes, args)
            out = self._powers(out, sups)
        elif isinstance(atom, Head) and atom.kind == "q" and atom.name == "C":
            self.note("cost_arguments")
            out = self.resolve(atom, scripts, builder)
        elif isinstance(atom, Head) and atom.kind == "summark":
            subs = [s[1] for s in scripts if s[0] == "sub"]
            if len(args) != 1:
                raise Unsupported("tuple")
            out = self.index_sum(args[0], [("sub", subs[0])] if subs else [])
        elif isinstance(atom, Marker) and atom.kind in ("nabla", "inc") and len(args) == 1:
            out = self.nabla(atom.data, args[0]) if atom.kind == "nabla" else Increment(args[0])
        elif isinstance(atom, Head) and atom.kind == "sym" and atom.name in self.functions:
            primes = sum(1 for s in scripts if s[0] == "prime")  # s(x) = … defined before
            out = self._function(atom.name, primes, args)
        elif isinstance(atom, Head) and atom.kind == "sym" and atom.name not in ("d",):
            raise Unsupported("unknown_function", name=atom.name)
        elif isinstance(atom, POp) and not scripts and len(args) == 1:
            return self.partial(self.apply_post(args[0], post, builder), atom.den)
        else:
            # not a function: a product, and scripts after the bracket belong to it
            if len(args) != 1:
                raise Unsupported("tuple")
            head = builder.ex(atom) if not scripts else self.apply_scripts(atom, scripts, builder)
            if isinstance(atom, Head) and atom.kind in ("q", "key") and isinstance(
                    args[0], (sp.Indexed, sp.IndexedBase, sp.Symbol)) and not post:
                return Marker("funcnote", (head, args))
            return product([head, self.apply_post(args[0], post, builder)])
        return self.apply_post(out, post, builder)

    def apply_post(self, out, post, builder):
        if post:
            return self.apply_scripts(out, list(post), builder)
        return out

    # -- scripts on groups, sums, gradients ---------------------------------------------

    def apply_scripts(self, atom, scripts, builder):
        from derive.check.read.build import Head, Marker

        if isinstance(atom, Head) and atom.kind == "diff":
            from derive.check.read.build import Diff

            return Diff(self.apply_scripts(atom.name, scripts, builder))
        if isinstance(atom, Head):
            return self.resolve(atom, scripts, builder)
        if isinstance(atom, Marker):
            if atom.kind == "dmark":
                raise Unsupported("higher_derivative")
            raise Unsupported("stray_operator")
        out = builder.ex(atom)
        for s in scripts:
            if s[0] == "sup":
                out = power(out, s[1])
            elif s[0] == "top":
                out = Transposed(out)
            elif s[0] == "sub":
                out = self._shaped(out, s[1])
            else:
                raise Unsupported("prime_of_expression")
        return out

    def _shaped(self, expr, toks):
        toks = [t for t in toks if t not in ("{", "}")]
        if len(toks) == 3 and toks[1] in ("\\times", "x") and toks[0].isdigit() and toks[2].isdigit():
            return Shaped(expr, int(toks[0]), int(toks[2]))
        raise Unsupported("subscript_on_group")

    def index_sum(self, body, scripts):
        subs = [s[1] for s in scripts if s[0] == "sub"]
        spread = sum_over_units(body, subs, scripts)
        if spread is not None:  # \sum e^{z}: the sum of e^{z_k} over the units of z
            self.note("sum_over_units")
            return spread
        if (not subs or not subs[0]) and self.aliases and not any(s[0] == "sup" for s in scripts):
            # \sum e^{x_d} in a document that declares its softmax in index form: the
            # sum over the index of its body that the left side does not have
            self.note("unwritten_sum_index")
            return IndexSum(body, UNWRITTEN, AUTO)
        if not subs or not subs[0]:
            raise Unsupported("sum_without_index")
        toks = [t for t in subs[0] if t not in ("{", "}")]
        if not re.fullmatch(r"[a-zA-Z]", toks[0]):
            raise Unsupported("sum_without_index")
        if len(toks) == 3 and toks[1] in ("\\neq", "\\ne") and re.fullmatch(r"[a-zA-Z]", toks[2]):
            # \sum_{i \neq k}: every unit but k, the terms where i = k taken out
            i, k = index_symbol(toks[0]), index_symbol(toks[2])
            return IndexSum(body * (1 - Iverson(i, k)), i, AUTO)
        count = AUTO
        sups = [s[1] for s in scripts if s[0] == "sup"]
        if toks[1:] == ["=", "1"] and sups and isinstance(sups[0], sp.Integer) and sups[0] > 0:
            count = sups[0]  # \sum_{i=1}^{3}: the bound written, even where the body has no i
        return IndexSum(body, index_symbol(toks[0]), count)

    def nabla(self, sub, operand):
        toks = [t for t in sub or () if t not in "{}"]
        if operand != COST or not toks:
            raise Unsupported("nabla")
        if toks == ["a"]:
            self.note("nabla")
            return Partial(COST, self.output)
        # Nielsen's \nabla_{w^l} C, \nabla_{b^{(2)}} C: the gradient for a whole layer
        m = re.fullmatch(r"([wWbaz])\^\(?([0-9]+|[lL])([+-][0-9]+)?\)?", "".join(toks))
        if not m:
            raise Unsupported("nabla")
        layer = sp.Integer(m.group(2)) if m.group(2).isdigit() else sp.Symbol(m.group(2))
        kind = m.group(1).lower()
        return Partial(COST, self._make(kind, self.layer_label(kind, layer + int(m.group(3) or 0)),
                                        ()))


def power(base_, exponent):
    """base^exponent with the exponent (and any number it makes) bounded."""
    if isinstance(base_, Transposed):
        raise Unsupported("power_of_matrix")
    if exponent.is_number:
        if not exponent.is_real or abs(exponent) > LIMITS.max_exponent:
            raise ParseLimit(f"an exponent larger than {LIMITS.max_exponent}")
        if base_.is_number and base_ != 0:
            try:
                magnitude = abs(complex(sp.N(base_, 15)))
            except (TypeError, ValueError):
                magnitude = 1.0
            size = abs(float(exponent)) * (abs(math.log10(magnitude or 1.0)) + 1)
            if size > 20 * LIMITS.max_exponent:
                raise ParseLimit("a number too large to write out")
    return sp.Pow(base_, exponent)
