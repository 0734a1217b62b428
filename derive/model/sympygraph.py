"""A computation graph declared in Python with sympy objects.

    import sympy as sp
    from derive import derive, sigmoid, relu

    x, t, w1, w2, b, z1, a1, z2, y, C = sp.symbols("x t w1 w2 b z1 a1 z2 y C")
    d = derive(equations=[sp.Eq(z1, w1*x), sp.Eq(a1, relu(z1)), sp.Eq(z2, w2*a1 + b),
                          sp.Eq(y, sigmoid(z2)), sp.Eq(C, (y - t)**2/2)],
               params=[w1, w2, b], inputs=[x], targets=[t])

is the graph of the --graph file with the lines ``params: w1, w2, b``,
``input: x``, ``target: t``, ``z1 = w1*x``, …, ``C = (y - t)^2/2``: the
equations go through the same builder (``graphspec._Builder``), so the two
give the same Graph and the same document.  The equations may also be a dict
``{z1: w1*x, ...}`` or (symbol, expression) pairs.

The expressions are sympy objects the caller built; they are walked node by
node and rebuilt from the pieces a graph file can write (numbers, symbols,
``+ * ^``, ``sigmoid relu tanh exp log sqrt`` and softmax), so anything else
is refused with a typed error instead of reaching the engine.  Floats become
exact rationals, as decimals in a file do (0.5 is 1/2).
"""
import re
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from derive.errors import (GraphSizeError, GraphSpecError, GraphSyntaxError, UnknownFunctionError,
                           speaks_python)
from derive.model import functions as F
from derive.model.graphgrammar import FUNCTION_NAMES, FUNCTIONS, MAX_DEPTH, MAX_EXPONENT
from derive.model.graphspec import MAX_STATEMENTS, Assigned, Declared, _Builder

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_KNOWN = {f: name for name, f in FUNCTIONS.items() if name != "sqrt"}  # sqrt is a power
SOURCE = "<equations>"


@dataclass(frozen=True)
class Place:
    """Where a name was given in Python: ``label`` says it in a message, ``line``
    orders the equations as the caller listed them."""

    name: str
    line: int
    label: str
    column: int = 1

    def __str__(self):
        return self.name


@speaks_python
def graph_from_equations(equations, *, params, inputs, targets=()):
    """The Graph of forward ``equations`` (``sp.Eq(z1, w1*x + b1)``, …, ending with the
    cost; or a dict ``{z1: w1*x + b1, ...}``), with the sympy symbols (or names)
    ``params`` to differentiate by, ``inputs`` and ``targets``.  The cost is the
    quantity named C, else J, else L, else the last one nothing else uses.  Its
    ``warnings`` list says what is allowed but probably unintended (a parameter the
    cost does not use).  Invalid equations raise a GraphSpecError subclass."""
    graph, warnings = _EquationsReader().read(equations, params, inputs, targets)
    graph.warnings = warnings
    return graph


class _EquationsReader(_Builder):
    DECLARE = "params=, inputs=, targets="

    def __init__(self):
        super().__init__(SOURCE)

    def error(self, cls, message, where):
        # "equation 2 (y = 2*w*x): y is defined here but was already defined in equation 1 (…)"
        raise cls(message, where.label if isinstance(where, Place) else self.source)

    def warn(self, message, where):
        self.warnings.append(f"warning: {message}")

    def earlier(self, where):
        return f"in {where.label}"

    def read(self, equations, params, inputs, targets):
        pairs = _pairs(equations)
        if not pairs:
            raise GraphSpecError("there are no equations; give the forward pass, e.g. "
                                 "[sp.Eq(z, w*x), ..., sp.Eq(C, ...)], ending with the cost",
                                 self.source)
        if len(pairs) > MAX_STATEMENTS:
            raise GraphSizeError(f"there are more than {MAX_STATEMENTS} equations", self.source)
        declared, assigned = {}, {}
        claim = self.claimer()
        for word, role, symbols in (("inputs", "input", inputs), ("params", "param", params),
                                    ("targets", "target", targets)):
            for i, s in enumerate(_symbols(symbols, word)):
                token = Place(s, 0, word, i + 1)
                claim(token, "declared")
                if s == "C":
                    self.error(GraphSyntaxError, f"C names the cost; it cannot be one of the {word}",
                               token)
                declared[s] = Declared(s, role, token)
        if not any(d.role == "param" for d in declared.values()):
            raise GraphSpecError("no parameters are declared; pass params=[w, b, ...]", self.source)
        for n, (lhs, rhs) in enumerate(pairs, 1):
            name = _name(lhs, f"the left side of equation {n}")
            token = Place(name, n, f"equation {n} ({name} = {rhs})")
            claim(token, "defined")
            refs = []
            expr = self._expr(rhs, refs, token, 0)
            if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                self.error(GraphSyntaxError, f"the definition of {name} is undefined "
                           "(it divides by zero)", token)
            assigned[name] = Assigned(name, token, None, expr, refs)
        return self.assemble(declared, assigned)

    def _expr(self, e, refs, where, depth):
        """``e`` rebuilt from what a graph file can write; refs collects the names used."""
        if depth > MAX_DEPTH:
            self.error(GraphSizeError, f"the expression nests more than {MAX_DEPTH} levels deep",
                       where)
        if isinstance(e, (int, float, Fraction)):
            e = sp.Integer(e) if isinstance(e, int) else sp.Rational(str(e))
        if not isinstance(e, sp.Basic):
            self.error(GraphSyntaxError, f"{e!r} is not a sympy expression", where)
        if isinstance(e, sp.Symbol):
            name = _name(e, "a symbol")
            refs.append(Place(name, where.line, where.label, where.column))
            return sp.Symbol(name)
        if isinstance(e, sp.Float):
            return sp.Rational(str(e))  # exact, as a decimal in a graph file
        if isinstance(e, sp.Rational) or e is sp.E:
            return e
        args = [self._expr(a, refs, where, depth + 1) for a in e.args]
        if isinstance(e, (sp.Add, sp.Mul)):
            return e.func(*args)
        if isinstance(e, sp.Pow):
            out = args[0] ** args[1]
            if isinstance(out, sp.Pow) and out.exp.is_Number and abs(out.exp) > MAX_EXPONENT:
                self.error(GraphSizeError, f"the power has exponent {out.exp}; numeric exponents "
                           f"are limited to ±{MAX_EXPONENT}", where)
            return out
        if isinstance(e, F.softmax):
            return F.softmax(*args)
        if e.func in _KNOWN and len(args) == 1:
            return e.func(args[0])
        what = getattr(e.func, "__name__", type(e).__name__)
        self.error(UnknownFunctionError,
                   f"{what} is not a function derive knows; the functions are "
                   f"{', '.join(FUNCTION_NAMES)} (sympy's tanh, exp, log and sqrt, derive's "
                   "sigmoid and relu); write any other activation as a formula, e.g. "
                   "sp.log(1 + sp.exp(z)) for softplus", where)


def _pairs(equations):
    if isinstance(equations, dict):
        return list(equations.items())
    if isinstance(equations, (sp.Eq, sp.Basic)):
        equations = [equations]
    out = []
    for i, eq in enumerate(equations, 1):
        if isinstance(eq, sp.Equality):
            out.append((eq.lhs, eq.rhs))
        elif isinstance(eq, (tuple, list)) and len(eq) == 2:
            out.append(tuple(eq))
        elif eq in (sp.true, sp.false) or isinstance(eq, bool):
            raise GraphSpecError(f"equation {i} is {eq}: sympy evaluated sp.Eq(...) to a truth "
                                 "value, so its left side is not a new symbol", SOURCE)
        else:
            raise GraphSpecError(f"equation {i} must be sp.Eq(symbol, expression) or a "
                                 f"(symbol, expression) pair, not {type(eq).__name__}", SOURCE)
    return out


def _symbols(symbols, word):
    if symbols is None:
        return []
    if isinstance(symbols, (str, sp.Symbol)):
        symbols = [symbols]
    return [_name(s, f"an entry of {word}") for s in symbols]


def _name(s, what):
    """The name of a sympy Symbol (or a string), which must be a graph file's NAME."""
    if isinstance(s, str):
        name = s
    elif isinstance(s, sp.Symbol):
        name = s.name
    else:
        raise GraphSpecError(f"{what} must be a sympy Symbol, not {s!r}", SOURCE)
    if not _NAME.match(name):
        raise GraphSpecError(f"{what} is named {name!r}; names are letters, digits and _ "
                             "(starting with a letter or _), as in a graph file", SOURCE)
    return name
