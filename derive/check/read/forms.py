"""Small sympy pieces the checker adds to the project's vocabulary.

``Increment(p)`` is Δp on the left of an update rule; ``AUTO`` stands for the
range of a sum over units (``\\sum_k``) until the network fixes it; ``product``
keeps the order of factors wherever one of them may be a vector or matrix;
``sum_over_units`` reads ``\\sum e^{z}`` and ``layer_of_subscript`` ``W_{l+1}``.
"""
import re

import sympy as sp

from derive.model.symbols import Hadamard, IndexSum, MatrixProduct, Partial, Shaped, Transposed

AUTO = sp.Symbol("n_auto", integer=True, positive=True)
Increment = sp.Function("Delta")
_INDEX = {}


class Bracketed(sp.Function):
    """A layer written in square brackets, ``a^{[l]}`` (deeplearning.ai): counted from
    the input as layer 0, whatever the notation's own numbering."""

    nargs = 1


class Star(sp.Expr):
    """``X * Y`` between values that may be vectors: element-wise where both are vectors
    or matrices of one (non-square) shape, as numpy's ``*`` in deeplearning.ai's
    ``W^{[2]T} dZ^{[2]} * g'(Z^{[1]})``; otherwise a product (shapes.py decides)."""

    is_commutative = False


def index_symbol(name):
    """The integer symbol for a unit index written ``name`` (j, k, …)."""
    if name not in _INDEX:
        _INDEX[name] = sp.Symbol(name, integer=True)
    return _INDEX[name]


def is_index_symbol(s):
    return isinstance(s, sp.Symbol) and _INDEX.get(s.name) is s


# the index of ``\sum e^{x_d}``, written without one, until the step's left side says
# which of its body's indices is free (judge.einstein.bind_unwritten)
UNWRITTEN = sp.Symbol("unwritten_sum_index", integer=True)


class MatrixLiteral(sp.Expr):
    """A matrix written out entry by entry (``\\begin{bmatrix} … \\end{bmatrix}``), kept
    as one unevaluated expression so sympy's own matrix algebra never runs on it;
    ``shapes`` turns it into a Matrix of its (instantiated) entries."""

    @classmethod
    def of(cls, rows):
        return cls(sp.Integer(len(rows)), sp.Integer(len(rows[0])), *[e for r in rows for e in r])

    @property
    def dims(self):
        return int(self.args[0]), int(self.args[1])

    @property
    def entries(self):
        return self.args[2:]


class LayerActivation(sp.Function):
    """f(z^{(l)}) (second argument 0) or f'(z^{(l)}) (1) for a general layer l of a
    network whose activations differ: ``shapes`` applies each layer's own."""

    nargs = 2


def bare_bases(expr):
    """IndexedBase objects used on their own (a whole layer), not under an index."""
    out = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, sp.Indexed):
            continue
        if isinstance(e, sp.IndexedBase):
            out.add(e)
            continue
        stack.extend(e.args)
    return out


def is_vectorish(expr):
    """Whether ``expr`` may stand for a vector or matrix (so factor order matters)."""
    if isinstance(expr, (Transposed, Hadamard, MatrixProduct, Shaped, MatrixLiteral, Star)):
        return True
    if expr.has(Transposed, Hadamard, MatrixProduct, Shaped, MatrixLiteral):
        return True
    return bool(bare_bases(expr))


def product(factors):
    """The product of ``factors``: ordered (MatrixProduct) if any may be a vector."""
    factors = [f for f in factors if f != 1] or [sp.S.One]
    if len(factors) == 1:
        return factors[0]
    if any(is_vectorish(f) for f in factors):
        flat = []
        for f in factors:
            flat.extend(f.args if isinstance(f, MatrixProduct) else [f])
        return MatrixProduct(*flat)
    return sp.Mul(*factors)


def sum_over_units(body, subs, scripts):
    """``\\sum e^{z}`` (or ``\\sum_j e^{z}``, whose body has no j): the sum over the units
    of the one whole-layer quantity in the body, as its entries; None for any other sum."""
    if any(s[0] == "sup" for s in scripts) or not isinstance(body, sp.Expr):
        return None
    toks = [t for t in (subs[0] if subs and subs[0] else ()) if t not in ("{", "}")]
    if toks and (len(toks) != 1 or not re.fullmatch(r"[a-zA-Z]", toks[0])):
        return None
    # the body has no index of its own, so a bound k shadows nothing
    index = index_symbol(toks[0] if toks else "k")
    layers = body.atoms(sp.IndexedBase)
    if len(layers) != 1 or index in body.free_symbols or body.atoms(sp.Indexed):
        return None
    layer = next(iter(layers))
    if str(layer.label).partition(":")[0] not in ("z", "a"):
        return None
    return IndexSum(body.xreplace({layer: layer[index]}), index, AUTO)


def layer_of_subscript(toks):
    """l, L, l+1, L-1 written as a subscript: the layer as a sympy expression, else None."""
    toks = [t for t in toks if t not in ("{", "}")]
    if not toks or toks[0] not in ("l", "L"):
        return None
    if len(toks) == 1:
        return sp.Symbol(toks[0])
    if len(toks) == 3 and toks[1] in ("+", "-") and toks[2].isdigit():
        return sp.Symbol(toks[0]) + (1 if toks[1] == "+" else -1) * int(toks[2])
    return None


__all__ = [
    "AUTO",
    "Bracketed",
    "Increment",
    "LayerActivation",
    "MatrixLiteral",
    "Partial",
    "bare_bases",
    "index_symbol",
    "layer_of_subscript",
    "is_index_symbol",
    "is_vectorish",
    "Star",
    "product",
    "sum_over_units",
]
