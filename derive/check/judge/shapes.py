"""Putting a written statement onto the network: layers, units and shapes.

A parsed side may hold generic layers (labels ``'l'``, ``'l+1'``, ``'L'``),
unit index symbols (j, k), sums over units and whole-layer quantities.
``Instantiator`` lists the index values for which a statement makes sense
and, for one assignment, turns a side into a concrete value: a scalar sympy
expression over network quantities, or a sympy ``Matrix`` of them (vectors
are columns, ``w`` is rows × columns, ``∂C/∂w`` has w's shape).  A quantity
the network does not have raises ``Missing``; incompatible shapes raise
``ShapeMismatch``; both make a step wrong without needing a witness point.
"""
import itertools
import random
import re

import sympy as sp

from derive.model import functions as F
from derive.model.symbols import (
    COST,
    DirectPartial,
    Hadamard,
    IndexSum,
    MatrixProduct,
    Partial,
    Shaped,
    Transposed,
    base,
    label,
    quantity,
)
from derive.check.read.forms import AUTO, Increment, LayerActivation, MatrixLiteral, Star, is_index_symbol
from derive.check.limits import LIMITS, Unsupported

_LABEL = re.compile(r"^([A-Za-z]+)([+-][0-9]+)?$")
_ELEMENTWISE = (F.sigmoid, F.sigmoid_prime, F.relu, F.relu_prime, F.tanh_prime, F.linear, sp.exp,
                sp.log, sp.tanh, sp.sinh, sp.cosh)


class Missing(Exception):
    """A quantity the network does not have (``reason``: 'layer' or 'unit')."""

    def __init__(self, q, reason):
        super().__init__(str(q))
        self.q, self.reason = q, reason


class ShapeMismatch(Exception):
    """An operation on values of incompatible shapes."""

    def __init__(self, op, left, right, exprs=()):
        super().__init__(f"{op}: {left} vs {right}")
        self.op, self.left, self.right, self.exprs = op, left, right, exprs


def shape(v):
    return v.shape if isinstance(v, sp.MatrixBase) else (1, 1)


def as_scalar(v):
    if isinstance(v, sp.MatrixBase) and v.shape == (1, 1):
        return v[0, 0]
    return v


class Instantiator:
    """Index values and concrete values of statements on one network."""

    def __init__(self, network, notation):
        self.network = network
        self.widths = network.widths
        self.L = network.L
        self.zoff = notation.offsets.get("z", 0)
        self.total = 0  # index assignments of the last statement, before any sampling
        # vectors as rows and w as (inputs × outputs), cs231n's h = xW + b: a document
        # written that way is judged in it (checker._widened), never in columns
        self.rows = getattr(network, "rows", False)
        # ... but b a column, added as b^T (a notebook's z_1 = a_0 W_1 + b_1^T)
        self.bias_column = getattr(network, "bias_column", False)

    # -- layers -----------------------------------------------------------

    def internal(self, kind, layer, assign):
        """Internal layer of a label under ``assign`` (generic names → values)."""
        if kind == "y":
            return "out"
        if isinstance(layer, int) or layer.lstrip("-").isdigit():
            return int(layer)
        m = _LABEL.match(layer)
        if not m:
            raise Unsupported("layer_index", text=layer)
        name, off = m.group(1), int(m.group(2) or 0)
        if name == "L":
            return self.L + off
        if name not in assign:
            raise Unsupported("layer_index", text=layer)
        return assign[name] + off - self.zoff

    def exists(self, kind, layer):
        if kind == "y":
            return True
        if kind == "x":
            return layer == 0
        if kind == "a":
            return 0 <= layer <= self.L
        if kind == "b" and not self.network.bias:
            return False
        return 1 <= layer <= self.L

    def dims(self, kind, layer):
        """Shape of the whole layer of ``kind``."""
        if kind == "y":
            return (self.widths[-1], 1)
        if kind == "x":
            return (self.widths[0], 1)
        if kind == "w":
            return (self.widths[layer], self.widths[layer - 1])
        return (self.widths[layer], 1)

    # -- what a statement ranges over -------------------------------------------

    @staticmethod
    def quantities(expr):
        out = []
        for e in sp.preorder_traversal(expr):
            if isinstance(e, (sp.Indexed, sp.IndexedBase)):
                out.append(e)
        return out

    @staticmethod
    def _parts(q):
        return label(q)

    def generic_layers(self, exprs):
        names = set()
        for e in exprs:
            for q in self.quantities(e):
                _, layer, _ = self._parts(q)
                m = _LABEL.match(layer)
                if m and m.group(1) not in ("L", "out"):
                    names.add(m.group(1))
        return names

    def layer_values(self, name, exprs):
        """Values of generic layer ``name`` at which every quantity in ``exprs`` exists."""
        good = []
        for v in range(self.zoff - 3, self.L + self.zoff + 4):
            try:
                ok = all(self.exists(k, self.internal(k, lay, {name: v}))
                         for k, lay, _ in map(self._parts, self._with(name, exprs)))
            except Unsupported:
                ok = False
            if ok:
                good.append(v)
        return good

    def _with(self, name, exprs):
        for e in exprs:
            for q in self.quantities(e):
                _, layer, _ = self._parts(q)
                m = _LABEL.match(layer)
                if m and m.group(1) == name:
                    yield q

    def missing_concrete(self, exprs):
        """A ``Missing`` for the first quantity with a fixed layer (a number or L)
        that the network lacks, or None."""
        for e in exprs:
            for q in self.quantities(e):
                kind, layer, _ = self._parts(q)
                m = _LABEL.match(str(layer))
                if m and m.group(1) not in ("L", "out"):
                    continue
                try:
                    self._q(kind, layer, (), {})
                except Missing as err:
                    return err
                except Unsupported:
                    continue
        return None

    def free_indices(self, expr):
        bound = {s.index for s in expr.atoms(IndexSum)}
        return {s for s in expr.free_symbols if is_index_symbol(s)} - bound

    def index_range(self, sym, exprs, assign):
        """Unit values of index ``sym``: the smallest width it indexes in ``exprs``."""
        bound = None
        for e in exprs:
            for q in self.quantities(e):
                kind, layer, idx = self._parts(q)
                for pos, i in enumerate(idx):
                    if i != sym:
                        continue
                    try:
                        lay = self.internal(kind, layer, assign)
                    except Unsupported:
                        continue
                    if not self.exists(kind, lay):
                        continue
                    n = self.dims(kind, lay)[pos] if kind == "w" else self.dims(kind, lay)[0]
                    bound = n if bound is None else min(bound, n)
        return list(range(bound)) if bound else []

    def assignments(self, lhs, rhs, seed=0):
        """[(assign, note)] for a statement: every valid layer and unit value
        (capped, sampled deterministically beyond the cap).  ``note`` says how
        generic layers were read: 'all' (for every l) or 'some' (l only on
        the right: one particular layer)."""
        sides = [e for e in (lhs, rhs) if e is not None]
        lnames = sorted(self.generic_layers(sides))
        combos = [{}]
        for name in lnames:
            vals = self.layer_values(name, sides)
            combos = [dict(c, **{name: v}) for c in combos for v in vals]
        out = []
        for c in combos:
            idx_syms = sorted(set().union(*[self.free_indices(e) for e in sides]), key=str)
            ranges = []
            for s in idx_syms:
                in_lhs = lhs is not None and s in lhs.free_symbols
                ranges.append(self.index_range(s, [lhs] if in_lhs else sides, c))
            for values in itertools.product(*ranges):
                a = dict(c)
                a.update({s: v for s, v in zip(idx_syms, values)})
                out.append(a)
        self.total = len(out)
        if len(out) > LIMITS.max_instances:
            rng = random.Random(seed)
            keep = [out[0], out[-1]] + rng.sample(out[1:-1], LIMITS.max_instances - 2)
            out = keep
        return out, lnames

    # -- values ---------------------------------------------------------------

    def value(self, expr, assign):
        """The concrete value of ``expr`` under ``assign``: scalar or Matrix."""
        return self._v(expr, assign)

    def _q(self, kind, layer, idx, assign):
        lay = self.internal(kind, layer, assign)
        if kind == "a" and lay == 0:
            kind = "x"
        if kind == "x" and lay != 0:
            lay = 0
        if not self.exists(kind, lay):
            vals = [_val(i, assign) for i in idx]
            raise Missing(quantity(kind, lay, *vals) if vals else base(kind, lay), "layer")
        if not idx:
            rows, cols = self.dims(kind, lay)
            if kind == "w" and self.rows:
                return _scalar_or(sp.Matrix(cols, rows, lambda r, c: quantity(kind, lay, c, r)))
            if kind == "w":
                return _scalar_or(sp.Matrix(rows, cols, lambda r, c: quantity(kind, lay, r, c)))
            if self.rows and not (kind == "b" and self.bias_column):
                return _scalar_or(sp.Matrix(1, rows, lambda r, c: quantity(kind, lay, c)))
            return _scalar_or(sp.Matrix(rows, 1, lambda r, c: quantity(kind, lay, r)))
        vals = [_val(i, assign) for i in idx]
        dims = self.dims(kind, lay)
        for pos, v in enumerate(vals):
            if not isinstance(v, (int, sp.Integer)):
                raise Unsupported("unbound_index", name=str(v))
            limit = dims[pos] if kind == "w" else dims[0]
            if not 0 <= int(v) < limit:
                raise Missing(quantity(kind, lay, *vals), "unit")
        return quantity(kind, lay, *vals)

    def _v(self, e, assign):
        if isinstance(e, sp.Indexed):
            kind, layer, idx = label(e)
            return self._q(kind, layer, idx, assign)
        if isinstance(e, sp.IndexedBase):
            kind, _, layer = str(e.label).partition(":")
            return self._q(kind, layer, (), assign)
        if isinstance(e, sp.Symbol):
            return sp.Integer(assign[e]) if e in assign else e
        if e.is_Atom or e == COST:
            return e
        if isinstance(e, IndexSum):
            return self._sum(e, assign)
        if isinstance(e, DirectPartial):
            return e  # an edge of a --graph file: numbers only
        if isinstance(e, Partial):
            return self._partial(self._v(e.num, assign), self._v(e.den, assign))
        if isinstance(e, Transposed):
            v = self._v(e.args[0], assign)
            return v.T if isinstance(v, sp.MatrixBase) else v
        if isinstance(e, LayerActivation):
            from derive.check.read.funcnames import activation_value

            v, primes = self._v(e.args[0], assign), int(e.args[1])

            def own(q):
                lab = label(q)
                if lab is None or lab[0] != "z" or not str(lab[1]).isdigit():
                    raise Unsupported("activation_varies")
                return activation_value(self.network.activation(int(lab[1])), q, primes,
                                        self.network)

            return v.applyfunc(own) if isinstance(v, sp.MatrixBase) else own(v)
        if isinstance(e, MatrixLiteral):
            rows, cols = e.dims
            items = [as_scalar(self._v(x, assign)) for x in e.entries]
            if any(isinstance(x, sp.MatrixBase) for x in items):
                raise Unsupported("nested_matrix")
            return _scalar_or(sp.Matrix(rows, cols, items))
        if isinstance(e, Shaped):
            v = self._v(e.args[0], assign)
            want = (int(e.args[1]), int(e.args[2]))
            if not isinstance(v, sp.MatrixBase) and v.is_number:
                v = _scalar_or(sp.Matrix(*want, lambda r, c: v))  # [1]_{2×1}: a vector of ones
            if shape(v) != want:
                raise ShapeMismatch("annotation", shape(v), want, (e.args[0],))
            return v
        if isinstance(e, Hadamard):
            return self._hadamard([self._v(a, assign) for a in e.args], e.args)
        if isinstance(e, MatrixProduct):
            return self._matmul([self._v(a, assign) for a in e.args], e.args)
        if isinstance(e, Star):
            return self._star([self._v(a, assign) for a in e.args], e.args)
        args = [self._v(a, assign) for a in e.args]
        mats = [a for a in args if isinstance(a, sp.MatrixBase)]
        if not mats:
            return e.func(*args)
        if isinstance(e, sp.Add):
            return self._add(args, e.args)
        if isinstance(e, sp.Mul):
            if len(mats) > 1:
                raise Unsupported("ambiguous_product")
            scal = sp.Mul(*[a for a in args if not isinstance(a, sp.MatrixBase)])
            return mats[0] * scal
        if isinstance(e, sp.Pow) and isinstance(args[0], sp.MatrixBase) and not isinstance(
                args[1], sp.MatrixBase):
            return args[0].applyfunc(lambda u: u ** args[1])
        if isinstance(e, sp.Abs) and isinstance(args[0], sp.MatrixBase):
            return sp.sqrt(sum(u ** 2 for u in args[0]))
        if isinstance(e, _ELEMENTWISE) or e.func is Increment:
            return args[0].applyfunc(e.func)
        raise Unsupported("matrix_function")

    def _sum(self, e, assign):
        """Σ over unit index k: k runs over the widest range it indexes, so an
        index that does not fit one of its quantities shows up as missing."""
        k = e.index
        n = 0
        for q in self.quantities(e.term):
            kind, layer, idx = self._parts(q)
            if k not in idx:
                continue
            lay = self.internal(kind, layer, assign)
            if kind == "a" and lay == 0:
                kind = "x"
            if not self.exists(kind, lay):
                continue
            dims = self.dims(kind, lay)
            for pos, i in enumerate(idx):
                if i == k:
                    n = max(n, dims[pos] if kind == "w" else dims[0])
        if e.count != AUTO and isinstance(e.count, sp.Integer):
            n = int(e.count)
        if n == 0:
            raise Unsupported("sum_without_index")
        total = None
        for m in range(n):
            v = self._v(e.term, {**assign, k: m})
            total = v if total is None else self._add([total, v], (e.term, e.term))
        return total

    @staticmethod
    def _partial(num, den):
        if not isinstance(num, sp.MatrixBase) and not isinstance(den, sp.MatrixBase):
            return Partial(num, den)
        if not isinstance(num, sp.MatrixBase):
            return den.applyfunc(lambda q: Partial(num, q))
        if not isinstance(den, sp.MatrixBase):
            return num.applyfunc(lambda q: Partial(q, den))
        if num.shape[1] == 1 and den.shape[1] == 1:
            return sp.Matrix(num.shape[0], den.shape[0], lambda i, j: Partial(num[i], den[j]))
        raise Unsupported("tensor_derivative")

    @staticmethod
    def _add(args, exprs):
        mats = [a for a in args if isinstance(a, sp.MatrixBase)]
        if not mats:
            return sp.Add(*args)
        if 1 in mats[0].shape and all(m.shape == mats[0].shape for m in mats) and all(
                isinstance(a, sp.MatrixBase) or a.is_number for a in args):
            # 1 − a for a vector a: the number is added to every entry (as derive writes it)
            dims = mats[0].shape
            args = [a if isinstance(a, sp.MatrixBase) else sp.Matrix(*dims, lambda i, j, a=a: a)
                    for a in args]
            mats = args
        if len(mats) < len(args) or any(m.shape != mats[0].shape for m in mats):
            shapes = [shape(a) for a in args]
            odd = next(s for s in shapes if s != shapes[0])
            raise ShapeMismatch("sum", shapes[0], odd, exprs)
        total = mats[0]
        for m in mats[1:]:
            total = total + m
        return total

    @staticmethod
    def _hadamard(vals, exprs):
        out = vals[0]
        for v, ex in zip(vals[1:], exprs[1:]):
            if not isinstance(out, sp.MatrixBase) or not isinstance(v, sp.MatrixBase):
                out = out * v  # a number ⊙ anything scales it
                continue
            if out.shape != v.shape:
                raise ShapeMismatch("hadamard", out.shape, v.shape, exprs)
            out = out.multiply_elementwise(v)
        return _scalar_or(out) if isinstance(out, sp.MatrixBase) else out

    def _star(self, vals, exprs):
        a, b = vals
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase) and a.shape == b.shape:
            if a.shape[0] == a.shape[1]:
                raise Unsupported("ambiguous_star", rows=a.shape[0])
            return self._hadamard(vals, exprs)
        return self._matmul(vals, exprs)

    @staticmethod
    def _matmul(vals, exprs):
        out = vals[0]
        for v, ex in zip(vals[1:], exprs[1:]):
            if not isinstance(out, sp.MatrixBase) or not isinstance(v, sp.MatrixBase):
                out = out * v
                continue
            if out.shape[1] != v.shape[0]:
                if out.shape == v.shape and out.shape[1] == 1:
                    raise Unsupported("ambiguous_vector_product", rows=out.shape[0])
                raise ShapeMismatch("product", out.shape, v.shape, exprs)
            out = _scalar_or(out * v)
        return out


_MATRIX_OPS = (Transposed, MatrixProduct, Hadamard, Star)
_LAYER_KINDS = ("a", "z", "w", "y", "x", "b", "delta")


def matrix_form(exprs, whole_layers=False):
    """Whether a statement is written with matrices: a transpose, a matrix or
    element-wise product, or (``whole_layers``: the document writes layers as
    matrices, deeplearning.ai's A, Z, W) a product of two layer quantities.  On one
    unit per layer every such statement reduces to numbers, where W and W^T, A dZ and
    dZ A are the same: agreement there proves nothing about the order or the transposes."""
    for e in exprs:
        if not isinstance(e, sp.Basic):
            continue
        if e.has(*_MATRIX_OPS):
            return True
        if whole_layers and any(sum(1 for f in m.args if _layered(f)) >= 2
                                for m in e.atoms(sp.Mul) | ({e} if e.is_Mul else set())):
            return True
    return False


def _layered(e):
    for q in sp.preorder_traversal(e):
        if isinstance(q, (sp.Indexed, sp.IndexedBase)) and (label(q) or ("",))[0] in _LAYER_KINDS:
            return True
    return False


def _val(i, assign):
    if isinstance(i, sp.Symbol):
        if i not in assign:
            raise Unsupported("unbound_index", name=str(i))
        return sp.Integer(assign[i])
    return i


def _scalar_or(m):
    return m[0, 0] if m.shape == (1, 1) else m
