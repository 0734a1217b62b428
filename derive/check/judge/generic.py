"""Generic functions f, g of the author's notation, proved symbolically.

A derivation may never say which activation it means: ``h_1 = g(i_1 w_{11} + …)``,
``o_1 = f(h_1 u_{11} + …)``, ``E = ½((f(…) − t_1)² + …)``, and then
``∂E/∂u_{11} = h_1 (f(…) − t_1) f'(…)``.  Such a line holds for every f and g or for
none in particular, so it is decided with f and g undefined sympy functions: every
name is a plain symbol (read by the lark grammar, like every other line), the
document's own definitions are substituted, each ∂/∂v is ``sympy.diff`` by the
symbol v, and f'(u) is the derivative of the undefined f at u.  The difference
simplifying to 0 is a proof for every f and g.  Otherwise the line is tried with
concrete functions in their place at random points; a difference there is a
counterexample (the line fails for those f and g), so it is wrong.  Anything
else stays unknown with the reason it had.

Used by ``verify`` on the steps the network's reading left unknown, in a document that
defines its own quantities with f or g left open; never in a --graph file, whose
functions are its own.
"""
import random
import re

import sympy as sp

from sympy.core.function import AppliedUndef

from derive.model.graph import Graph
from derive.model.symbols import COST, Partial
from derive.check.limits import ParseLimit, StepTimeout, Unsupported, time_limit
from derive.check.read.parse import ParseFailure, parse_side

LETTERS = ("f", "g")
MAX_NAMES = 200
_NAME = re.compile(r"(?<![\\A-Za-z])([A-Za-z])\s*_\s*(?:\{\s*([A-Za-z0-9]+)\s*\}|([A-Za-z0-9]))")
# the concrete functions a difference is shown with (smooth, no symmetry a slip could hide in)
_CONCRETE = {"f": lambda u: sp.tanh(u) + u ** 3 / 7, "g": lambda u: sp.sin(u) + u / 3}


def _context_class():
    from derive.check.read.graphnames import GraphContext

    class GenericContext(GraphContext):
        """Names are plain symbols; f and g are undefined functions."""

        def _generic_function(self, name, primes, arg):
            if name not in LETTERS:
                raise Unsupported("unknown_function", name=name)
            fn = sp.Function(name)
            if not primes:
                return fn(arg)
            u = sp.Dummy("u")
            return sp.Subs(sp.Derivative(fn(u), u), u, arg)

    return GenericContext


def _names(text):
    return {f"{m.group(1)}_{m.group(2) or m.group(3)}" for m in _NAME.finditer(text)}


def _model(names):
    from derive.check.read.graphnames import GraphModel

    g = Graph()
    for name in sorted(names)[:MAX_NAMES]:
        g.add(sp.Symbol(name), "input")
    return GraphModel(g)


_APPLIED = re.compile(r"(?<![\\A-Za-z])[fg]\s*(?:'|\^\s*\{?\s*\\prime\s*\}?)?\s*(?:\\left)?\s*\(")


class Generic:
    """The document's definitions in generic reading, kept across its chains."""

    def __init__(self, checker):
        self.checker = checker
        self.defs = {}
        self.names = set()
        self._models = {}
        self.active = False  # the document applies f or g somewhere

    def parse(self, text, language):
        names = frozenset(self.names | _names(text.s))
        model = self._models.get(names)
        if model is None:
            model = _model(names)
            if len(self._models) < 50:
                self._models[names] = model
        ctx = _context_class()(model, self.checker.notation, free=("letters",), functions={})
        try:
            return parse_side(text, language, ctx)
        except (ParseFailure, ParseLimit, Unsupported, RecursionError, ValueError, TypeError):
            return None

    def record(self, chain):
        """``h_1 = g(…)``: a definition, substituted in later lines.  True when ``chain`` is
        one (it claims nothing: it stays a definition, never a ✓ of itself)."""
        texts = ([chain.lhs.s] if chain.lhs is not None else []) + [link.rhs.s for link in chain.links]
        if len(self.names) < MAX_NAMES:
            for t in texts[:20]:
                self.names |= _names(t)
        self.active = self.active or any(_APPLIED.search(t) for t in texts[:20])
        if not self.active or chain.lhs is None or len(chain.links) != 1 or chain.links[0].relation != "=":
            return False
        lhs = self.parse(chain.lhs, chain.language)
        rhs = self.parse(chain.links[0].rhs, chain.language)
        if isinstance(lhs, sp.Symbol) and lhs not in self.defs and isinstance(rhs, sp.Expr) \
                and not rhs.has(Partial) and lhs not in rhs.free_symbols:
            self.defs[lhs] = rhs
            return True
        return False

    def value(self, e):
        """``e`` with the definitions substituted and every ∂ taken, or None."""
        for _ in range(20):
            new = e.xreplace(self.defs)
            if new == e:
                break
            e = new
        parts = sorted(e.atoms(Partial), key=lambda p: sp.count_ops(p))
        for p in parts:
            num, den = p.args
            if not isinstance(den, sp.Symbol) or den in self.defs:
                return None  # ∂ by an intermediate quantity: not substituted here
            inner = self.value(num)
            if inner is None:
                return None
            e = e.xreplace({p: sp.diff(inner, den)})
        if e.has(Partial, COST):
            return None
        return e

    def decide(self, ref, rhs):
        """'correct', 'wrong' or None."""
        a, b = self.value(ref), self.value(rhs)
        if a is None or b is None:
            return None
        if not (a.atoms(AppliedUndef) | b.atoms(AppliedUndef)):
            return None  # no generic function in it: the network's own reading decides
        diff = a - b
        self.used = sorted({e.func.__name__ for x in (a, b) for e in x.atoms(AppliedUndef)})
        self.missing = None
        try:
            if sp.simplify(diff.doit()) == 0:
                return "correct"
            ratio = sp.simplify(a / b)
        except Exception:  # noqa: BLE001 - an expression sympy cannot simplify is undecided
            return None
        if ratio.atoms(sp.Subs) and not (ratio / _primes(ratio)).atoms(AppliedUndef, sp.Subs):
            # what is left over is derivatives of f and g: the chain rule's factor f'(…)
            back = {v: k for k, v in self.defs.items() if not v.is_Atom}
            for _ in range(5):  # in the document's own names: f'(p_1 c_1 + …), not f'(g(…) c_1 + …)
                ratio = ratio.xreplace(back)
            self.missing = _shown(ratio)
        if a.free_symbols != b.free_symbols:
            return None  # a name one side has and the other not: nothing to refute with
        concrete = diff.doit().replace(
            lambda e: isinstance(e, AppliedUndef) and e.func.__name__ in _CONCRETE,
            lambda e: _CONCRETE[e.func.__name__](*e.args)).doit()
        if concrete.atoms(AppliedUndef, sp.Subs, sp.Derivative):
            return None
        rng = random.Random(0)
        for _ in range(3):
            point = {s: sp.Rational(rng.randint(-900, 900), 1000) for s in concrete.free_symbols}
            try:
                v = complex(sp.N(concrete.xreplace(point), 30))
            except (TypeError, ValueError, ZeroDivisionError):
                return None
            if abs(v) < 1e-9:
                return None  # equal at a point: not a counterexample
        return "wrong"


def reread(checker, chain, out):
    """``out`` with the steps unknown for a generic function decided in the generic reading."""
    if checker.graph_mode:  # a --graph file's functions are its own
        return out
    generic = checker.__dict__.get("_generic")
    if generic is None:
        generic = checker.__dict__["_generic"] = Generic(checker)
    try:
        with time_limit(generic.checker.step_seconds * max(1, min(len(chain.links), 5))):
            if generic.record(chain):
                return out
            return _decided(generic, chain, out)
    except (Exception, StepTimeout):  # noqa: BLE001 - a bug or the time bound: the verdicts it had
        return out


def _decided(generic, chain, out):
    # only where the document itself defines something with f or g left open, and only
    # steps the network's reading could not decide
    if checker_graph_mode(generic.checker) or not any(
            e.atoms(AppliedUndef) for e in generic.defs.values()) or not any(
            v.status == "unknown" for v in out):
        return out
    if len(out) != len(chain.links):
        return out
    lhs = generic.parse(chain.lhs, chain.language) if chain.lhs is not None else None
    sides = [generic.parse(link.rhs, chain.language) for link in chain.links]
    result = []
    for n, v in enumerate(out):
        ref = lhs if lhs is not None else (sides[n - 1] if n else None)
        if v.status != "unknown" or ref is None or sides[n] is None:
            result.append(v)
            continue
        got = generic.decide(ref, sides[n])
        if got is None:
            result.append(v)
            continue
        v.status, v.code = got, "generic_" + got
        v.params = {"functions": ", ".join(generic.used)}
        v.diagnosis, v.notes, v.expected = None, [], None  # the network's readings do not apply
        if got == "wrong" and generic.missing is not None:
            v.diagnosis = "missing_factor"
            v.params.update(factor=generic.missing, what=None)
        result.append(v)
    return result


def _primes(e):
    """The product of the derivatives f'(u) in ``e`` (a product), 1 if none."""
    return sp.Mul(*[f for f in sp.Mul.make_args(e) if isinstance(f, sp.Subs)])


def _shown(e):
    """f'(u) as the document writes it, not sympy's Subs of a Derivative."""
    def prime(sub):
        d, (var,), (at,) = sub.args
        f = d.args[0]
        if isinstance(f, AppliedUndef) and f.args == (var,) and len(d.variables) == 1:
            return sp.Function(f.func.__name__ + "'")(at)
        return sub
    return e.replace(lambda x: isinstance(x, sp.Subs), prime)


def checker_graph_mode(checker):
    return checker.graph_mode
