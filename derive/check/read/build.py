"""From a parse tree to sympy objects in the project's vocabulary.

One lark transformer serves both grammars (LaTeX and ASCII).  Names resolve
against the network and the notation: ``a^{(2)}_1``, ``a^2`` and ``a^{[2]}``
become ``quantity('a', internal_layer, 0)`` with the notation's layer offset;
``w``, ``W`` and ``\\theta`` are weights; ``f(x)``, ``\\hat{y}``, ``h(x)`` (and
``y`` where the target is ``t``) are the network output; ``\\frac{\\partial C}
{\\partial w}`` is ``Partial``.  Generic layers keep a label such as ``"l+1"``
(counted like the printer does, in the layers of z), generic units are integer
symbols, and a quantity without unit index in a wide layer stays an
``IndexedBase``: ``shapes`` turns it into a vector or matrix later.

Products that may involve vectors are kept ordered (``MatrixProduct``); everything
else is ordinary sympy.  What cannot be understood raises ``Unsupported``
(the step becomes *unknown*); limits raise ``ParseLimit`` (*unparsed*).
"""
from fractions import Fraction

import sympy as sp
from lark import Token, Transformer_NonRecursive

from derive.model.symbols import Hadamard, Iverson, MatrixProduct
from derive.check.read.forms import (Bracketed, Increment, MatrixLiteral, Star, index_symbol,
                                    is_vectorish, product)
from derive.check.limits import LIMITS, ParseLimit, Unsupported

GREEK = {"sigma": "sigma", "delta": "delta", "theta": "w", "Theta": "w", "eta": "rate", "alpha": "rate",
         "lambda": "lambda", "mu": "mu", "epsilon": "epsilon", "varepsilon": "epsilon",
         "gamma": "gamma", "beta": "beta", "phi": "phi", "varphi": "phi", "psi": "psi", "omega": "omega",
         "tau": "tau", "xi": "xi", "zeta": "zeta", "rho": "rho", "kappa": "kappa", "nu": "nu",
         "pi": "pi"}
QUANTITY_LETTERS = {"a": "a", "z": "z", "w": "w", "W": "w", "b": "b", "x": "x", "y": "y", "t": "t",
                    "C": "C", "J": "C"}
FUNCTIONS = {"sigma", "sigmoid", "exp", "ln", "log", "relu", "max", "tanh", "sinh", "cosh", "softmax",
             "f", "g", "h"}
ASCII_WORDS = {"delta": ("q", "delta"), "theta": ("q", "w"), "eta": ("rate", "eta"),
               "alpha": ("rate", "alpha"), "lr": ("rate", "eta"), "sigma": ("func", "sigma"),
               "sigmoid": ("func", "sigma"), "exp": ("func", "exp"), "ln": ("func", "ln"),
               "log": ("func", "ln"), "relu": ("func", "relu"), "ReLU": ("func", "relu"),
               "Relu": ("func", "relu"), "max": ("func", "max"), "tanh": ("func", "tanh"),
               "sinh": ("func", "sinh"), "cosh": ("func", "cosh"),
               "softmax": ("func", "softmax"), "yhat": ("q", "out"), "partial": ("dmark", None),
               "sum": ("summark", None), "Delta": ("inc", None)}


class Head:
    """A name whose meaning depends on the scripts and arguments that follow."""

    __slots__ = ("key_layer", "kind", "name")

    def __init__(self, kind, name=None, key_layer=None):
        self.kind, self.name, self.key_layer = kind, name, key_layer

    def __repr__(self):
        return f"Head({self.kind}, {self.name})"


class Diff:
    """∂X or dX, waiting for the fraction it belongs to."""

    def __init__(self, operand):
        self.operand = operand


class POp:
    """∂/∂den, applied to whatever follows it."""

    def __init__(self, den):
        self.den = den


class Juxt(list):
    """Juxtaposed factors, kept as a list until the markers in it are applied."""


class Args(tuple):
    """The arguments of a call, not yet turned into sympy (C(x, f) ignores them)."""


class Marker:
    """An operator waiting for its operand: ∂ (dmark), ∇ (nabla), Δ (inc), Σ (summark),
    a transpose or prime superscript, or q(args) that may be function notation (funcnote)."""

    def __init__(self, kind, data=None):
        self.kind, self.data = kind, data


def _unit_index(e):
    """The unit index a letter of a case condition names (i, j, k, m, n)."""
    if isinstance(e, sp.Integer):
        return e - 1
    name = getattr(e, "name", "")
    if len(name) == 1 and name in "ijkmn":
        return index_symbol(name)
    raise Unsupported("case_condition")


class Builder(Transformer_NonRecursive):
    """Parse tree → sympy; ``ctx`` is the network/notation context (model.Context)."""

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx

    # -- leaves -------------------------------------------------------------

    def number(self, c):
        text = str(c[0])
        if len(text) > LIMITS.max_digits:
            raise ParseLimit(f"a number with more than {LIMITS.max_digits} digits")
        f = Fraction(text)
        value = sp.Rational(f.numerator, f.denominator)
        if self.ctx.literals is not None and value != 0:
            # a rounded number of a worked example: a symbol, so that how far the
            # line may be off through rounding can be worked out (examples.py).
            # One unit of the last decimal written; an integer may be a value
            # rounded to four significant digits (-5 for -5.0004)
            if "." in text:
                unit = sp.Rational(1, 10 ** len(text.split(".")[1]))
            else:
                unit = sp.Rational(10) ** (len(text.lstrip("0")) - 4)
            sym = sp.Dummy("lit", real=True)
            self.ctx.literals[sym] = (value, unit)
            return sym
        return value

    def letter(self, c):
        ch = str(c[0])
        if ch in QUANTITY_LETTERS:
            head = Head("q", QUANTITY_LETTERS[ch])
        elif ch in "fgh":
            head = Head("func", ch)
        elif ch == "e":
            head = Head("e")
        else:
            head = Head("sym", ch)
        return self.ctx.head(ch, head)

    def greek(self, c):
        name = str(c[0]).lstrip("\\")
        name = "phi" if name == "varphi" else name  # one letter, two glyphs
        kind = GREEK.get(name, "sym")
        if kind == "sigma":
            head = Head("func", "sigma")
        elif kind in ("delta", "w"):
            head = Head("q", kind)
        elif kind == "rate":
            head = Head("rate", name)
        else:
            head = Head("sym", name)
        return self.ctx.head(name, head)

    def name(self, c):
        word = str(c[0])
        head = self.ctx.head(word, None)
        if head is not None:
            return head
        if word in ASCII_WORDS:
            kind, name = ASCII_WORDS[word]
            return {"q": lambda: Head("q", name), "rate": lambda: Head("rate", name),
                    "func": lambda: Head("func", name), "dmark": lambda: Marker("dmark"),
                    "summark": lambda: Head("summark"), "inc": lambda: Marker("inc")}[kind]()
        if len(word) == 1:
            return self.letter(c)
        head = self.ctx.key_head(word)
        if head is not None:
            return head
        for prefix in ("partial", "d"):
            if word.startswith(prefix) and len(word) > len(prefix):
                inner = self.name([Token("NAME", word[len(prefix):])])
                if isinstance(inner, Head) and inner.kind in ("q", "key", "sym", "rate", "g"):
                    return Head("diff", inner)
        raise Unsupported("unknown_name", name=word)

    def func(self, c):
        return Head("func", str(c[0]).lstrip("\\"))

    def increment(self, c):
        return Marker("inc")

    def partial(self, c):
        return Marker("dmark")

    def decorated(self, c):
        """\\bar{y}: a name of its own (ybar), which the document must define."""
        name = str(c[0])[len("\\decorated{"):-1]
        return self.ctx.head(name, Head("sym", name))

    def ellipsis(self, c):
        raise Unsupported("ellipsis")  # ⋯ or ⋮ stands for what is not written

    # -- grouping -----------------------------------------------------------

    def paren(self, c):
        x = c[0]
        if isinstance(x, (Diff, Marker)) or (isinstance(x, Head) and x.kind == "diff"):
            return x
        return self.ex(x)

    def over(self, c):
        return self.frac([None, c[0], c[2]])

    def frac(self, c):
        num, den = c[1], c[2]
        var = self._differential(den)
        if var is not None:
            if isinstance(num, Marker) and num.kind == "dmark" or _is_letter(num, "d"):
                return POp(var)
            operand = self._differential(num)
            if operand is None and _is_quantity(num):
                # \frac{Co}{dw_L}: the numerator's d left out, a slip in writing, not a
                # quotient by a differential (said in the reading)
                self.ctx.note("numerator_without_d")
                operand = self.ex(num)
            if operand is None:
                raise Unsupported("odd_derivative")
            return self.ctx.partial(operand, var)
        if _is_quantity(den) and (isinstance(num, Marker) and num.kind == "dmark"
                                  or _partial_marked(num)):
            # \dfrac{\partial}{o_k}(…), \dfrac{\partial C}{w_{jk}^l}: ∂/∂o_k, ∂C/∂w with the
            # ∂ below left out
            self.ctx.note("denominator_without_d")
            if isinstance(num, Marker):
                return POp(self.ex(den))
            return self.ctx.partial(self._differential(num), self.ex(den))
        return _divide(self.ex(num), self.ex(den))

    def _differential(self, x):
        """The operand of ∂X / dX written in a fraction, or None."""
        if isinstance(x, Diff):
            return x.operand
        if isinstance(x, Head) and x.kind == "diff":
            return self.ex(x.name)
        if isinstance(x, Juxt) and len(x) > 1:
            first = x[0]
            if _is_letter(first, "d") or isinstance(first, Marker) and first.kind == "dmark":
                return self.ex(Juxt(x[1:]) if len(x) > 2 else x[1])
        return None

    def hat(self, c):
        x = c[1]
        if isinstance(x, Head) and x.kind == "alias":
            x = x.name[2]  # \hat{y} beside a document's own y: still the output
        if isinstance(x, sp.Indexed) and str(x.base.label).split(":")[0] == "y" and (
                len(x.indices) == 1):
            self.ctx.note("output_alias", written="ŷ")
            return self.ctx.output_unit(x.indices)  # \hat{y_k}: the output's unit k
        if isinstance(x, Head) and x.kind in ("q", "g") and x.name in ("y", "t"):
            return Head("q", "out")
        raise Unsupported("hat")

    def nabla(self, c):
        subs = [s for s in c[1:] if s[0] == "sub"]
        return Marker("nabla", subs[0][1] if subs else None)

    def sumop(self, c):
        scripts = [s for s in c[1:-1]]
        return self.ctx.index_sum(self.ex(c[-1]), scripts)

    def piecewise(self, c):
        return c[1]

    def cases(self, c):
        pieces = [x for x in c if isinstance(x, tuple)]
        if not pieces:
            raise Unsupported("cases")
        if pieces[-1][1] is not sp.true:
            pieces.append((sp.nan, sp.true))  # no piece applies: no value there
        try:
            return sp.Piecewise(*pieces)
        except (TypeError, ValueError):
            raise Unsupported("cases") from None

    def case(self, c):
        parts = [x for x in c if not isinstance(x, Token)]
        value = self.ex(parts[0])
        if is_vectorish(value):
            raise Unsupported("cases")
        return (value, parts[1] if len(parts) > 1 else sp.true)

    def condition(self, c):
        a, op, b = self.ex(c[0]), str(c[1]), self.ex(c[2])
        if is_vectorish(a) or is_vectorish(b):
            raise Unsupported("cases")
        if op in ("=", "\\neq", "\\ne"):  # \text{if } i = j: a condition on unit indices
            a, b = _unit_index(a), _unit_index(b)
            return sp.Eq(a, b) if op == "=" else sp.Ne(a, b)
        rel = {">": sp.Gt, "<": sp.Lt, "\\geq": sp.Ge, "\\ge": sp.Ge, "\\geqslant": sp.Ge,
               "\\leq": sp.Le, "\\le": sp.Le, "\\leqslant": sp.Le}[op]
        try:
            return rel(a, b)
        except TypeError:
            raise Unsupported("cases") from None

    def matrix(self, c):
        rows = [x for x in c if isinstance(x, list)]
        if len({len(r) for r in rows}) != 1:
            raise Unsupported("ragged_matrix")
        if any(is_vectorish(e) for r in rows for e in r):
            raise Unsupported("nested_matrix")
        if len(rows) * len(rows[0]) > LIMITS.max_factors:
            raise ParseLimit("a matrix with too many entries")
        return MatrixLiteral.of(rows)

    def number_list(self, c):
        """``[1, 4, 5]``, a vector written as a list (numpy's, a notebook's): one row."""
        return self.matrix([self.matrow(c)])

    def matrow(self, c):
        return [self.ex(x) for x in c if not isinstance(x, Token)]

    def iverson(self, c):
        """1[i = j] (``\\mathbf{1}_{[i = j]}``): unit indices, written 1-based."""
        out = []
        for x in c[1:]:
            if isinstance(x, Head) and x.kind == "sym" and len(x.name) == 1:
                out.append(index_symbol(x.name))
            elif isinstance(x, sp.Integer) and x >= 1:
                out.append(x - 1)
            else:
                raise Unsupported("odd_subscript")
        return Iverson(*out)

    def abs(self, c):
        return sp.Abs(self.ex(c[1] if len(c) == 3 else c[0]), evaluate=False)

    norm = abs

    # -- arithmetic ---------------------------------------------------------

    def add(self, c):
        a, b = self._undiff(c[0]), c[1]
        if isinstance(a, Diff):
            return Diff(sp.Add(a.operand, self.ex(b)))
        return sp.Add(self.ex(a), self.ex(b))

    def minus(self, c):
        a, b = self._undiff(c[0]), c[1]
        if isinstance(a, Diff):
            return Diff(sp.Add(a.operand, -self.ex(b)))
        return sp.Add(self.ex(a), -self.ex(b))

    def _undiff(self, a):
        """``\\partial X`` at the start of a sum: in a fraction's numerator the ∂
        applies to the whole sum (∂(W a + b)), so keep it pending."""
        if isinstance(a, Juxt) and len(a) > 1 and isinstance(a[0], Marker) and a[0].kind == "dmark":
            return Diff(self.ex(Juxt(a[1:]) if len(a) > 2 else a[1]))
        return a

    def neg(self, c):
        x = self.ex(c[0])
        return MatrixProduct(sp.S.NegativeOne, x) if isinstance(x, (MatrixProduct, Hadamard)) else -x

    def pos(self, c):
        return self.ex(c[0])

    def mul(self, c):
        a, b = c[0], c[2]
        if self._is_differential(b):
            # eta*(partialC)/(partialw_1): the product must wait for the division
            return Juxt([a, b])
        a, b = self.ex(a), self.ex(b)
        if str(c[1]) in ("*", "\\ast") and is_vectorish(a) and is_vectorish(b):
            return Star(a, b)
        return product([a, b])

    def _is_differential(self, x):
        return isinstance(x, Diff) or isinstance(x, Head) and x.kind == "diff"

    def div(self, c):
        a, b = c
        var = self._differential(b)
        if var is not None and self._differential(a) is not None:
            return self.ctx.partial(self._differential(a), var)
        if var is not None and isinstance(a, Juxt) and self._is_differential(a[-1]):
            rest = Juxt(a[:-1]) if len(a) > 2 else a[0]
            return product([self.ex(rest), self.ctx.partial(self._differential(a[-1]), var)])
        return _divide(self.ex(a), self.ex(b))

    def hadamard(self, c):
        return Hadamard(self.ex(c[0]), self.ex(c[2]))

    def juxt(self, c):
        out = Juxt()
        for x in c:
            if isinstance(x, Juxt):
                out.extend(x)
            else:
                out.append(x)
        if len(out) > LIMITS.max_factors:
            raise ParseLimit("too many factors in one product")
        return out

    # -- scripts and calls ----------------------------------------------------

    def sup(self, c):
        x = c[-1]  # ASCII keeps the ** token in front
        if self.ctx.literals and x in self.ctx.literals and self.ctx.literals[x][0].is_Integer:
            x = self.ctx.literals.pop(x)[0]  # a whole-number exponent (a square) is exact
        if isinstance(x, Marker) and x.kind in ("top", "prime"):
            return (x.kind,)
        if isinstance(x, Head) and x.kind == "sym" and x.name == "T":
            return ("top",)
        return ("sup", self.ex(x))

    def sub(self, c):
        return c[0]

    def prime(self, c):
        return ("prime",)

    def top(self, c):
        return Marker("top")

    def bracket_layer(self, c):
        return Bracketed(self.ex(c[-1]))

    def prime_arg(self, c):
        return Marker("prime")

    def subarg(self, c):
        return ("sub", _flat(c))

    def subgroup(self, c):  # _{z_{2}}: braces inside a subscript only group
        return _flat(c)

    def gname(self, c):
        return Head("g", _gname(str(c[0])))

    def subtok(self, c):
        return c[0]

    def args(self, c):
        return Args(c)

    def scripted(self, c):
        return self.ctx.apply_scripts(c[0], list(c[1:]), self)

    def call(self, c):
        at = next(i for i, x in enumerate(c) if isinstance(x, Args))
        atom, scripts, args, post = c[0], list(c[1:at]), c[at], list(c[at + 1:])
        if isinstance(atom, POp) and not scripts and not post and len(args) == 1:
            # d/dŷ (1 - y)(log(1 - ŷ)): the operator acts on the whole product after it,
            # as on d/dŷ y log ŷ, not on the first group alone
            return Juxt([atom, args[0]])
        return self.ctx.apply_call(atom, scripts, args, self, post)

    def start(self, c):
        x = c[0]
        if isinstance(x, Marker) and x.kind == "funcnote":
            return x.data[0]
        return self.ex(x)

    # -- finishing ------------------------------------------------------------

    def ex(self, x):
        """A sympy expression from anything the rules return."""
        if isinstance(x, sp.Basic):
            return x
        if isinstance(x, Juxt):
            return self._juxt_product(list(x))
        if isinstance(x, Head):
            return self.ctx.resolve(x, [], self)
        if isinstance(x, Marker) and x.kind == "funcnote":
            return product([x.data[0], *x.data[1]])
        if isinstance(x, Marker) and x.kind == "funcpow":
            raise Unsupported("function_without_argument", name=x.data[0].name)
        raise Unsupported("stray_operator")

    def _juxt_product(self, items):
        factors = []
        i = 0
        while i < len(items):
            x = items[i]
            rest = items[i + 1:]
            if isinstance(x, POp):
                if not rest:
                    raise Unsupported("stray_operator")
                factors.append(self.ctx.partial(self._juxt_product(rest), x.den))
                break
            if isinstance(x, Marker) and x.kind == "dmark":
                raise Unsupported("stray_operator")
            if isinstance(x, Head) and x.kind == "summark":
                if not rest:
                    raise Unsupported("stray_operator")
                factors.append(self.ctx.index_sum(self._juxt_product(rest), []))
                break
            if isinstance(x, Marker) and x.kind == "summark":
                factors.append(self.ctx.index_sum(self._juxt_product(rest), [("sub", x.data)]))
                break
            if isinstance(x, Marker) and x.kind in ("nabla", "inc", "funcpow") or (
                    isinstance(x, Head) and x.kind == "func"):
                if not rest:
                    raise Unsupported("stray_operator")
                operand = self.ex(rest[0])
                if isinstance(x, Head):
                    factors.append(self.ctx.apply_call(x, [], (operand,), self))
                elif x.kind == "funcpow":
                    factors.append(self.ctx.apply_call(x.data[0], x.data[1], (operand,), self))
                elif x.kind == "nabla":
                    factors.append(self.ctx.nabla(x.data, operand))
                else:
                    factors.append(Increment(operand))
                i += 2
                continue
            factors.append(self.ex(x))
            i += 1
        return product(factors)


def _flat(items):
    out = []
    for t in items:
        if isinstance(t, list):
            out.extend(t)
        elif str(t).startswith("\\gname{"):
            out.append(_gname(str(t)))
        else:
            out.append(str(t))
    return out


def _gname(token):
    return token[len("\\gname{"):-1]


def _partial_marked(x):
    """``\\partial C``: a numerator that starts with ∂ (not the letter d, which may be a
    factor of a quotient)."""
    return isinstance(x, Juxt) and len(x) > 1 and isinstance(x[0], Marker) and x[0].kind == "dmark"


def _is_quantity(x):
    """A name standing alone (``Co``, ``z_L``, ``a_{L-1}``), as the numerator of a
    fraction over a differential whose own d was left out."""
    return isinstance(x, (sp.Symbol, sp.Indexed)) or isinstance(x, Head) and x.kind in ("q", "alias")


def _is_letter(x, ch):
    return isinstance(x, Head) and x.kind == "sym" and x.name == ch


def _divide(num, den):
    if den == 0:
        raise Unsupported("divide_by_zero")
    inv = sp.Pow(den, -1)
    if is_vectorish(den) and is_vectorish(num):
        return Hadamard(num, inv)  # element by element, as σ(z) = 1/(1 + e^{-z}) is read
    if is_vectorish(num) or is_vectorish(den):
        return MatrixProduct(num, inv)
    return sp.Mul(num, inv)


__all__ = ["Builder", "Diff", "Head", "Juxt", "Marker", "POp"]
