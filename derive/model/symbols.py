"""The vocabulary of a derivation: named quantities and unevaluated pieces.

Quantities of a layered network are sympy ``Indexed`` objects whose base label
is ``"<kind>:<layer>"`` (``a:2``, ``w:1``, ``delta:2``); the layer is the
internal 0-based layer (input = 0), or a generic display index such as ``l+1``.
Notation decides only how these print (see ``printing``), never what they mean.

``Partial``, ``Factors`` and ``Terms`` are unevaluated containers: a chain-rule
line is kept as an ordered product of factors so it prints in chain order, and
``plain`` turns any of them into an ordinary sympy expression.
"""
import sympy as sp

COST = sp.Symbol("C")
ETA = sp.Symbol("eta", positive=True)


def base(kind, layer):
    return sp.IndexedBase(f"{kind}:{layer}")


def quantity(kind, layer, *idx):
    """The quantity ``kind`` of ``layer`` at unit indices ``idx`` (0-based ints or symbols)."""
    return base(kind, layer)[idx]


def label(expr):
    """(kind, layer, indices) of a quantity (an IndexedBase has no indices), or None."""
    if isinstance(expr, sp.IndexedBase):
        kind, _, layer = str(expr.label).partition(":")
        return kind, layer, ()
    if not isinstance(expr, sp.Indexed):
        return None
    kind, _, layer = str(expr.base.label).partition(":")
    return kind, layer, expr.indices


def relabel(expr, kind):
    """The same layer and indices as ``expr``, another kind (z → delta)."""
    _, layer, idx = label(expr)
    return quantity(kind, layer, *idx)


def _sym(x):
    return sp.Integer(x) if isinstance(x, int) else x


class Partial(sp.Expr):
    """∂num/∂den, left unevaluated."""

    is_commutative = True

    def __new__(cls, num, den):
        return sp.Expr.__new__(cls, num, den)

    @property
    def num(self):
        return self.args[0]

    @property
    def den(self):
        return self.args[1]


class DirectPartial(Partial):
    """∂num/∂den through num's own definition only, the inputs ``held`` fixed.

    In a graph with a skip connection den reaches num directly and through
    other quantities (``held``); the multivariate chain rule multiplies the
    direct derivative along that edge, which then differs from the total one.
    Where the two agree the engine writes a plain ``Partial``.
    """

    def __new__(cls, num, den, held=()):
        return sp.Expr.__new__(cls, num, den, sp.Tuple(*held))

    @property
    def held(self):
        return tuple(self.args[2])


class Factors(sp.Expr):
    """An ordered product, printed in the order given (chain order)."""

    is_commutative = True

    def __new__(cls, *factors):
        return sp.Expr.__new__(cls, *map(_sym, factors))


class Terms(sp.Expr):
    """An ordered sum, printed in the order given (one term per path)."""

    is_commutative = True

    def __new__(cls, *terms):
        return sp.Expr.__new__(cls, *map(_sym, terms))


class AsWritten(sp.Expr):
    """An unevaluated expression printed in the order its sums and products hold
    their arguments: a --graph file's definition as its author wrote it."""

    is_commutative = True

    def __new__(cls, expr):
        return sp.Expr.__new__(cls, expr)


class Transposed(sp.Expr):
    """(X)^T for the vectorised forms; shape-free on purpose."""

    is_commutative = False

    def __new__(cls, arg):
        return sp.Expr.__new__(cls, arg)


class Hadamard(sp.Expr):
    """X ⊙ Y, element-wise product of the vectorised forms."""

    is_commutative = False

    def __new__(cls, *args):
        return sp.Expr.__new__(cls, *args)


class MatrixProduct(sp.Expr):
    """X Y as a matrix product of the vectorised forms, in the order given."""

    is_commutative = False

    def __new__(cls, *args):
        return sp.Expr.__new__(cls, *args)


class Shaped(sp.Expr):
    """[X]_{r×c}: an expression annotated with its dimensions."""

    is_commutative = False

    def __new__(cls, arg, rows, cols):
        return sp.Expr.__new__(cls, arg, sp.Integer(rows), sp.Integer(cols))


def plain(expr):
    """An ordinary sympy expression from one that may hold Factors/Terms."""
    if isinstance(expr, Factors):
        return sp.Mul(*[plain(f) for f in expr.args])
    if isinstance(expr, Terms):
        return sp.Add(*[plain(t) for t in expr.args])
    if expr.args and expr.has(Factors, Terms):
        return expr.func(*[plain(a) for a in expr.args])
    return expr


def factors_of(expr):
    """The factor list of a Factors product, or [expr]."""
    return list(expr.args) if isinstance(expr, Factors) else [expr]


def product(*factors):
    """Factors(...) without trivial 1s, flattening nested products."""
    flat = []
    for f in factors:
        flat.extend(factors_of(f))
    flat = [f for f in flat if f != 1]
    if not flat:
        return sp.S.One
    if len(flat) == 1:
        return flat[0]
    return Factors(*flat)


def total(*terms):
    terms = [t for t in terms if t != 0]
    if not terms:
        return sp.S.Zero
    if len(terms) == 1:
        return terms[0]
    return Terms(*terms)


class IndexSum(sp.Expr):
    """Σ_{index=1}^{count} term over a unit index (0-based inside, 1-based in print)."""

    is_commutative = True

    def __new__(cls, term, index, count):
        return sp.Expr.__new__(cls, term, index, sp.Integer(count) if isinstance(count, int) else count)

    @property
    def term(self):
        return self.args[0]

    @property
    def index(self):
        return self.args[1]

    @property
    def count(self):
        return self.args[2]

    def expand_sum(self, count=None):
        n = int(count if count is not None else self.count)
        return sp.Add(*[self.term.xreplace({self.index: sp.Integer(m)}) for m in range(n)])


class Iverson(sp.Expr):
    """1[i = j]: one when the two unit indices agree, else zero."""

    is_commutative = True

    def __new__(cls, i, j):
        if isinstance(i, sp.Integer) and isinstance(j, sp.Integer):
            return sp.S.One if i == j else sp.S.Zero
        return sp.Expr.__new__(cls, i, j)


def instantiate(expr, values, counts=None):
    """Put concrete unit indices into a generic (index-form) expression and
    write out its sums.  ``counts`` maps a symbolic sum bound to an int."""
    expr = expr.xreplace({k: sp.Integer(v) for k, v in values.items()})

    def expand(e):
        if isinstance(e, IndexSum):
            n = e.count
            if counts and n in counts:
                n = counts[n]
            return expand(e.expand_sum(n))
        if isinstance(e, Iverson):
            return Iverson(*e.args)
        if e.args:
            return e.func(*[expand(a) for a in e.args])
        return e

    return expand(expr)
