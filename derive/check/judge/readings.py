"""How each chain of a hand derivation is read, before any step is decided.

A chain is parsed side by side (``Side``).  Some chains are read again another
way: one that names no quantity of the network but a bare x (σ'(x) = …) is an
identity in a free variable x; one of bare function names (tanh = sinh/cosh)
an identity between functions; in a --graph file, one that names nothing of
the graph has free letters.  Lines that claim nothing are kept instead of
checked: given numbers (``x = 3``) and function definitions (``g(x) = x``).
A mixin of ``verify.Checker``.
"""
import re
from dataclasses import dataclass, field

import sympy as sp

from derive.model.symbols import COST, ETA, Partial
from derive.check.judge.examples import is_leaf, record_givens
from derive.check.limits import ParseLimit, Unsupported
from derive.check.read.names import X, Z, _network_valued
from derive.check.read.parse import ParseFailure, parse_side


@dataclass
class Side:
    expr: object = None
    error: object = None  # ParseFailure | ParseLimit | Unsupported
    notes: list = field(default_factory=list)
    seen: set = field(default_factory=set)  # kinds of quantity named (names.Context.seen)
    literals: dict = None  # rounded numbers read as symbols (examples.py)


# a side that is the identity matrix alone: I, \mathbb{I}, \mathbf{1}, \mathbb{1}
_IDENTITY = re.compile(r"\s*(?:I|\\(?:mathbb|mathbf|boldsymbol|mathrm)\s*\{\s*(?:I|1)\s*\})\s*")


_LOSS_NAMES = {"L", "E", "J", "Loss", "loss", "Cost", "cost", "Err", "err", "Error", "error"}


class Readings:
    """Parsing and reading chains for ``verify.Checker`` (needs ``network``, ``notation``,
    ``context_class``, ``functions``, ``graph_mode``, ``givens``)."""

    # -- parsing ----------------------------------------------------------------

    def parse(self, text, language, free=()):
        # a file that repeats a line thousands of times is read once (only successful
        # readings are kept: an error names the place where it was found)
        letter = self.__dict__.get("cost_letter")
        defined = self.__dict__.get("defined_cost_letter")  # L = -(y ln a + …): its own loss
        if not letter and defined:
            letter = defined[0]
        if letter:  # anycost.py: the undefined loss letter read as the network's cost
            free = tuple(free) + ("cost:" + letter,)
        cache = self.__dict__.setdefault("_parsed", {})
        abbreviations = self.__dict__.setdefault("abbreviations", {})
        key = (text.s, language, tuple(free), tuple(sorted(
            (k, str(v)) for k, v in self.functions.items())),
            tuple(sorted((str(k), str(v)) for k, v in abbreviations.items())))
        if key in cache:
            return cache[key]
        if _IDENTITY.fullmatch(text.s) and not self.graph_mode:
            # ∂ỹ/∂a_2 = I: the identity, which a layer of one unit writes as 1
            return Side(sp.Integer(1), notes=[("identity", ())])
        ctx = self.context_class(self.network, self.notation, free=free, functions=self.functions)
        ctx.chosen = self.__dict__.get("chosen_functions", {})  # g = tanh, g = σ, … (funcnames)
        if not {"x", "functions"} & set(free):  # an identity in a free x keeps x free
            ctx.aliases = self.__dict__.get("aliases", {})
        try:
            expr = parse_side(text, language, ctx)
            if abbreviations and expr is not None and hasattr(expr, "xreplace"):
                try:
                    expr = expr.xreplace(abbreviations)  # "let u = e^{z}": u stands for e^{z}
                except TypeError:  # a vector put into a case's condition (s > 0, s = Wx)
                    raise Unsupported("cases") from None
            if letter and hasattr(expr, "xreplace"):
                named = {f: COST for f in expr.free_symbols
                         if isinstance(f, sp.Symbol) and f.name == letter}
                expr = expr.xreplace(named)
                if named and defined and letter == defined[0]:
                    ctx.note("document_name", written=letter, meaning="cost", line=defined[1])
                # ∂L/∂z read as ∂C/∂z: the z beside the cost is a layer's, as names.partial
                # reads it beside any network quantity (L was no quantity while parsing)
                expr = expr.replace(lambda e: type(e) is Partial and e.args == (COST, Z),
                                    lambda e: Partial(COST, ctx.layerless("z")))
            if not self.graph_mode:  # a graph's names are plain symbols, each one defined
                _no_unknown_derivative(expr)
                if "definition" not in free:
                    _no_undefined_decorated(expr)
            side = Side(expr, notes=list(ctx.notes), seen=ctx.seen, literals=ctx.literals)
            if len(cache) < 10_000:
                cache[key] = side
            return side
        except (ParseFailure, ParseLimit, Unsupported) as e:
            return Side(error=e, notes=list(ctx.notes), seen=ctx.seen)
        except (RecursionError, MemoryError):
            return Side(error=ParseLimit("an expression too deeply nested"))
        except Exception as e:  # noqa: BLE001 - a bug, reported on the step, not as a traceback
            return Side(error=Unsupported("internal_error", error=type(e).__name__))

    def parse_chain(self, chain):
        """(lhs Side or None, [rhs Side]).  A chain that names no quantity of the
        network but a bare x (σ'(x) = d/dx (1/(1 + e^{-x})) = …) is an identity in
        a free scalar variable x, whatever the network calls its input."""
        def all_sides(free):
            lhs = self.parse(chain.lhs, chain.language, free) if chain.lhs is not None else None
            return lhs, [self.parse(link.rhs, chain.language, free) for link in chain.links]

        lhs, sides = all_sides(())
        try:
            return self._reread(lhs, sides, all_sides)
        except Exception:  # noqa: BLE001 - a bug in choosing a reading keeps the first one
            return lhs, sides

    def _reread(self, lhs, sides, all_sides):
        parsed = ([lhs] if lhs is not None else []) + sides
        seen = set().union(*(s.seen for s in parsed))
        x_given = any(str(k).startswith("x") for k in self.givens)
        if seen == {"x_bare"} and not x_given and not self._is_given(lhs, sides):
            lhs, sides = all_sides(("x",))
        elif not seen and any(getattr(s.error, "code", None) == "function_without_argument"
                              for s in parsed):
            # σ' = σ(1 − σ), tanh = sinh/cosh: an identity between functions, read at x
            lhs, sides = all_sides(("x", "functions"))
        elif self.graph_mode and "graph" not in seen and any(
                getattr(s.error, "code", None) == "unknown_name" for s in parsed):
            # a line that names nothing of the graph: σ'(x) = … where the graph has no x
            lhs, sides = all_sides(("letters",))
        return lhs, sides

    def _is_given(self, lhs, sides):
        """``x = 3``: x names the input there."""
        e = lhs.expr if lhs is not None else None
        return lhs is None or e is not None and (
            is_leaf(self, e) or isinstance(e, sp.IndexedBase) and str(e.label).startswith("x:"))

    def _record_function(self, chain, lhs, sides):
        """``g(x) = x``: the definition of a function name the network does not fix
        (its activations differ), used for g wherever it comes later."""
        err = lhs.error if lhs is not None else None
        m = _DEFINITION.fullmatch(chain.lhs.s) if chain.lhs is not None else None
        name = m and {"\\varphi": "phi", "\\phi": "phi", "\\psi": "psi"}.get(m.group(1), m.group(1))
        # d(x) = …: read as the product d·x, since d is also the differential
        product = m is not None and err is None and lhs.expr == sp.Symbol(name) * {
            "x": X, "z": Z}.get(m.group(2), sp.Symbol(m.group(2))) and not lhs.seen - {"x_bare"}
        if not ((isinstance(err, Unsupported) and err.code == "unknown_function" or product)
                and len(sides) == 1 and sides[0].error is None):
            return False
        body = sides[0].expr
        if not m or not product and name != err.params.get("name") or _network_valued(body):
            return False
        var = {"x": X, "z": Z}.get(m.group(2), sp.Symbol(m.group(2)))
        if body.free_symbols - {var}:
            return False
        self.functions[name] = (var, body)
        return True

    def record_abbreviation(self, chain):
        """``u = e^{z_k}``, ``K = n_y``: a name the network does not know is being
        defined (it cannot be claimed equal to anything); it stands for its formula
        in every later line.  True when ``chain`` is such a definition, now recorded."""
        if chain.lhs is None or not chain.links or chain.links[0].relation not in ("=", ":="):
            return False
        lhs = self.parse(chain.lhs, chain.language, ("definition",))
        rhs = self.parse(chain.links[0].rhs, chain.language)
        e = lhs.expr
        # a name with a subscript (p_j) is a family, and C, η are the network's own
        if (lhs.error is not None or rhs.error is not None or lhs.seen
                or not isinstance(e, sp.Symbol) or "_" in e.name or e in (COST, ETA)
                or e.name == "alpha"  # the learning rate, a given (examples.RATES)
                or re.search(r"[_^(]", chain.lhs.s) or not hasattr(rhs.expr, "free_symbols")
                or e in rhs.expr.free_symbols or isinstance(rhs.expr, sp.MatrixBase)
                # L = -log(0.245): the example's value of the loss, never a constant it is
                or not rhs.expr.free_symbols and e.name in _LOSS_NAMES):
            return False
        self.__dict__.setdefault("abbreviations", {})[e] = rhs.expr
        return True

    def _record_givens(self, lhs, sides):
        return record_givens(self, lhs, sides)


def _no_unknown_derivative(expr):
    """∂L/∂ŷ where L is a letter nothing defines: not 0 (as for a constant) but unknown."""
    if not hasattr(expr, "atoms"):
        return
    for d in sorted(expr.atoms(Partial), key=str):  # one name, the same on every run
        f = d.args[0]
        if isinstance(f, sp.Symbol) and f not in (COST, ETA, X, Z) and not f.name.startswith(
                ("x", "z")):
            raise Unsupported("derivative_of_unknown", name=f.name)


_DECORATED = re.compile(r"[A-Za-z](?:bar|overline|tilde|widetilde|check|breve|dot|ddot)")


def _no_undefined_decorated(expr):
    """\\bar{z} that no line defined: a name of the author's, not a free variable (with
    one, any claim would be 'wrong' at some point)."""
    for f in getattr(expr, "free_symbols", ()):
        if isinstance(f, sp.Symbol) and _DECORATED.fullmatch(f.name):
            raise Unsupported("undefined_name", name=f.name)


_DEFINITION = re.compile(r"\s*([A-Za-z]|\\varphi|\\phi|\\psi)\s*(?:\\left)?\s*\(\s*([a-z])\s*(?:\\right)?\s*\)\s*")
