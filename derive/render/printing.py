"""The LaTeX printer: sympy's printer taught our notation.

Quantities print by notation (w^{(2)} or θ^{(1)} or W^1), subscripts vanish
where a layer has one unit, Partial prints as a fraction of ∂s, and the
ordered containers print in the order the derivation built them.  This is
the only place LaTeX is produced in Python.
"""
import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from derive.model import functions as F
from derive.render import linebreak
from derive.model.symbols import AsWritten, Factors, IndexSum, Terms, label

_GENERIC = re.compile(r"([A-Za-z]+)\s*([+-]\s*[0-9]+)?")


class DeriveLatexPrinter(LatexPrinter):
    printmethod = "_derive_latex"

    # line_width (ems): break a top-level product or sum wider than this into
    # aligned lines joined by line_break (for align rows only; None = never)
    _default_settings = {**LatexPrinter._default_settings, "slash_partials": False,
                         "line_width": None, "line_break": r" \\ &\qquad "}

    def __init__(self, notation, widths=None, settings=None):
        # full_prec: a rounded number keeps its trailing zeros (-5.000, not -5.0, which
        # reads as if nothing had changed); exact short numbers are made short upstream
        super().__init__({"mul_symbol": None, "ln_notation": True, "full_prec": True,
                          **(settings or {})})
        self.notation = notation
        self.widths = tuple(widths) if widths else None

    def _print_Float(self, expr):
        from derive.numbers.worked_lines import EXACT_PRECISION
        from mpmath.libmp import prec_to_dps

        if prec_to_dps(expr._prec) >= EXACT_PRECISION:  # exact: as short as it is
            saved, self._settings["full_prec"] = self._settings["full_prec"], False
            try:
                return super()._print_Float(expr)
            finally:
                self._settings["full_prec"] = saved
        return super()._print_Float(expr)

    def _print(self, expr, **kwargs):
        # an expression a graph file wrote prints as written: its sums and products in
        # the author's order (w1 x + b1, not b1 + w1 x), wherever it appears
        written = self.notation.written
        if written and isinstance(expr, sp.Basic) and not expr.is_Atom:
            shown = written.get(expr)
            if shown is not None:
                return self._print_AsWritten(AsWritten(shown), **kwargs)
        return super()._print(expr, **kwargs)

    def _print_AsWritten(self, expr, **kwargs):
        # the unevaluated form keeps the order; order="none" prints it as it stands
        saved, self._settings["order"] = self._settings["order"], "none"
        try:
            return super()._print(expr.args[0], **kwargs)
        finally:
            self._settings["order"] = saved

    _LEVELS = {"Terms": "Add", "IndexSum": "Add", "Factors": "Mul", "Hadamard": "Mul",
               "MatrixProduct": "Mul"}

    def parenthesize(self, item, level, is_neg=False, strict=False):
        name = self._LEVELS.get(type(item).__name__)
        if name is None:
            return super().parenthesize(item, level, is_neg=is_neg, strict=strict)
        prec = PRECEDENCE[name]
        if prec < level or (not strict and prec <= level):
            return self._add_parens(self._print(item))
        return self._print(item)

    def _print_Add(self, expr, order=None):
        # sympy's canonical order can start with a negative term (-t + y);
        # a derivation reads better with the positive terms first (y - t)
        terms = list(self._as_ordered_terms(expr, order=order))
        if terms and terms[0].could_extract_minus_sign():
            terms = ([t for t in terms if not t.could_extract_minus_sign()]
                     + [t for t in terms if t.could_extract_minus_sign()])
        return super()._print_Add(sp.Add(*terms, evaluate=False), order="none")

    # -- quantities --------------------------------------------------------

    def _name(self, word):
        return super()._print_Symbol(sp.Symbol(word))

    def _layer(self, kind, layer):
        n = self.notation
        if layer.lstrip("-").isdigit():
            shown = str(n.display_layer(kind, int(layer)))
        else:
            m = _GENERIC.fullmatch(layer)
            name, off = (m.group(1), int(m.group(2).replace(" ", ""))) if m and m.group(2) else (layer, 0)
            off += n.offsets.get(kind, 0) - n.offsets.get("z", 0)
            shown = name + (f"+{off}" if off > 0 else f"{off}" if off < 0 else "")
        if n.parens:
            return f"({shown})"
        return f"[{shown}]" if getattr(n, "brackets", False) else shown

    def _width(self, layer):
        if self.widths is None or not layer.isdigit():
            return None
        return self.widths[int(layer)]

    def _index(self, i):
        return str(int(i) + 1) if isinstance(i, sp.Integer) else self._print(i)

    def _quantity(self, kind, layer, idx):
        n = self.notation
        output = self.widths is not None and layer == str(len(self.widths) - 1)
        if kind == "y":
            head, sup, width = self._name(n.names["y"]), None, self._width(str(len(self.widths) - 1)) if self.widths else None
        elif kind == "x" and not n.input_as_activation:
            head, sup, width = self._name(n.names["x"]), None, self._width("0")
        elif kind == "x":
            head, sup, width = self._name(n.names["a"]), self._layer("x", "0"), self._width("0")
        elif kind == "a" and output and n.output_alias:
            head, sup, width = self._name(n.output_alias), None, self._width(layer)
        else:
            head, sup, width = self._name(n.names.get(kind, kind)), self._layer(kind, layer), self._width(layer)
        if kind == "w" and idx:
            into_one = bool(self.widths and layer.isdigit() and self.widths[int(layer)] == 1)
            wide = not (into_one and self.widths[int(layer) - 1] == 1)
            if (into_one and wide and not isinstance(idx[0], sp.Integer)
                    and idx[0] not in getattr(self, "_bound", ())):
                # z and b of a one-unit layer carry no index, so the unit a weight
                # leads into is that one unit: w_{1m}, never a j bound nowhere
                idx = (sp.Integer(0),) + tuple(idx[1:])
        else:
            wide = width is None or width > 1
        out = head
        if sup is not None:
            out += "^{%s}" % sup
        if kind == "w" and getattr(n, "weights_from_first", False):
            idx = tuple(reversed(idx))  # the document's w_{ij}, from i into j
        if idx and wide:
            out += "_{%s}" % "".join(self._index(i) for i in idx)
        return out

    def _print_Indexed(self, expr):
        kind, layer, idx = label(expr)
        return self._quantity(kind, layer, idx)

    def _print_IndexedBase(self, expr):
        return self._quantity(*label(expr))

    def _print_Symbol(self, expr, style="plain"):
        if expr.name == "C":
            return self._name(self.notation.cost_name)
        if expr.name.startswith("delta_") and len(expr.name) > 6:
            # δ of a quantity of a --graph file: δ_{h_2}, its subscript printed like h2 itself
            return r"%s_{%s}" % (self._name(self.notation.names.get("delta", "delta")),
                                 self._print(sp.Symbol(expr.name[6:])))
        return super()._print_Symbol(expr, style=style)

    # -- derivation containers -----------------------------------------------

    def _print_Partial(self, expr):
        if self._settings.get("slash_partials"):
            return r"\partial %s / \partial %s" % (self._print(expr.num), self._print(expr.den))
        return r"\frac{\partial %s}{\partial %s}" % (self._print(expr.num), self._print(expr.den))

    def _print_DirectPartial(self, expr):
        # the derivative along one edge with the other routes held fixed: (∂h2/∂h1)_{r}
        held = ", ".join(self._print(h) for h in expr.held)
        return r"\left(%s\right)_{%s}" % (self._print_Partial(expr), held)

    # -- sums inside products ------------------------------------------------
    # A Σ runs to the end of the product it stands in, so a sum that is the last
    # factor needs no brackets (½ Σ_j (a_j − t_j)², −Σ_j y_j ln a_j, a_j Σ_i y_i);
    # one with factors after it keeps them, (Σ_i δ_i w_ij) σ'(z_j), or the factors
    # after it would read as part of its term.  A product that ends in a bare sum
    # is bracketed in turn wherever more factors follow it.

    def _ends_in_sum(self, expr):
        if isinstance(expr, IndexSum):
            return True
        if isinstance(expr, Factors):
            return self._ends_in_sum(expr.args[-1])
        if isinstance(expr, sp.Mul):  # sympy orders the factors as it prints them: any sum counts
            return any(self._ends_in_sum(a) for a in expr.args)
        return False

    def _leads_with_minus(self, expr):
        """Whether ``expr`` (an IndexSum or a Factors) prints with a leading minus."""
        if isinstance(expr, IndexSum):
            return self._negated(expr.term) is not None
        head = expr.args[0]
        if isinstance(head, (IndexSum, Factors)):
            return self._leads_with_minus(head)
        return isinstance(head, (sp.Mul, sp.Number)) and head.could_extract_minus_sign()

    def _bare_last(self, expr, first):
        """Whether ``expr``, the last factor of a product, prints without brackets
        (not a sign after another factor: a (-Σ ...) keeps them)."""
        if not self._ends_in_sum(expr) or isinstance(expr, sp.Mul):
            return False
        return first or not self._leads_with_minus(expr)

    def _needs_mul_brackets(self, expr, first=False, last=False):
        if self._ends_in_sum(expr):
            return not (last and self._bare_last(expr, first))
        return super()._needs_mul_brackets(expr, first=first, last=last)

    def _factor_pieces(self, expr):
        args = list(expr.args)
        sign = ""
        if args[0] == -1 and len(args) > 1:
            sign, args = "-", args[1:]
        last = len(args) - 1

        def part(i, f):
            if isinstance(f, sp.Mul) and i == last:  # sympy brackets the sums inside it itself
                return self.parenthesize(f, PRECEDENCE["Mul"], strict=True)
            if self._ends_in_sum(f):
                bare = i == last and self._bare_last(f, i == 0 and not sign)
                return self._print(f) if bare else self._add_parens(self._print(f))
            return self.parenthesize(f, PRECEDENCE["Mul"], strict=True)

        parts = [part(i, f) for i, f in enumerate(args)]
        pieces = [sign + parts[0]]
        for f, s in zip(args[1:], parts[1:]):
            # a number or a sign after another factor needs an explicit dot
            pieces.append((r" \cdot " if f.is_number or s.startswith("-") else " ") + s)
        return pieces

    def _print_Factors(self, expr):
        return "".join(self._factor_pieces(expr))

    def _term_pieces(self, expr, limit):
        pieces = []
        for i, t in enumerate(expr.args):
            own = self._factor_pieces(t) if isinstance(t, Factors) else [self._print(t)]
            if limit is None or linebreak.width("".join(own)) <= limit:
                own = ["".join(own)]
            if i and not own[0].startswith("-"):
                own[0] = " + " + own[0]
            elif i:
                own[0] = " - " + own[0][1:].lstrip()
            pieces += own
        return pieces

    def doprint(self, expr):
        limit = self._settings["line_width"]
        if limit and isinstance(expr, (Factors, Terms)):
            pieces = (self._factor_pieces(expr) if isinstance(expr, Factors)
                      else self._term_pieces(expr, limit))
            widths = [linebreak.width(p) for p in pieces]
            if sum(widths) > limit:
                lines, start = [], 0
                for size in linebreak.fill(widths, limit):
                    lines.append("".join(pieces[start:start + size]).lstrip())
                    start += size
                return self._settings["line_break"].join(lines)
        return super().doprint(expr)

    def _print_Terms(self, expr):
        return "".join(self._term_pieces(expr, None))

    @staticmethod
    def _negated(term):
        """``-term`` where every instance of ``term`` carries a minus sign, else None."""
        if isinstance(term, Factors):
            first = term.args[0]
            if not (isinstance(first, (sp.Mul, sp.Number)) and first.could_extract_minus_sign()):
                return None
            rest = term.args[1:] if first == -1 else (-first,) + term.args[1:]
            return rest[0] if len(rest) == 1 else Factors(*rest)
        if isinstance(term, (sp.Mul, sp.Number)) and term.could_extract_minus_sign():
            return -term
        return None

    def _print_IndexSum(self, expr):
        # a sum whose every term is negated prints with the minus outside: -Σ_i y_i/a_i,
        # never Σ_i - y_i/a_i
        term, sign = expr.term, ""
        negated = self._negated(term)
        if negated is not None:
            term, sign = negated, "-"
        self._bound = getattr(self, "_bound", ()) + (expr.index,)
        try:
            body = self.parenthesize(term, PRECEDENCE["Mul"], strict=True)
        finally:
            self._bound = self._bound[:-1]
        index = self._print(expr.index)
        if isinstance(expr.count, sp.Integer):
            return r"%s\sum_{%s=1}^{%s} %s" % (sign, index, expr.count, body)
        return r"%s\sum_{%s} %s" % (sign, index, body)

    def _print_Iverson(self, expr):
        i, j = expr.args
        return r"\mathbf{1}_{[%s = %s]}" % (self._print(i), self._print(j))

    def _print_Transposed(self, expr):
        arg = expr.args[0]
        inner = self._print(arg)
        if isinstance(arg, (sp.Symbol, sp.IndexedBase, sp.Indexed)) and "^" not in inner:
            return inner + "^{T}"  # x^T, not (x)^T; a^{(2)} keeps its brackets: (a^{(2)})^T
        return r"\left(%s\right)^{T}" % inner

    def _print_Hadamard(self, expr):
        # a product inside ⊙ is bracketed: (Wᵀδ) ⊙ σ'(z) must not read as Wᵀ(δ ⊙ σ'(z))
        return r" \odot ".join(self.parenthesize(a, PRECEDENCE["Mul"] + 1, strict=True)
                                for a in expr.args)

    def _print_MatrixProduct(self, expr):
        return " ".join(self.parenthesize(a, PRECEDENCE["Mul"], strict=True) for a in expr.args)

    def _print_Shaped(self, expr):
        arg, r, c = expr.args
        return r"\left[%s\right]_{%s \times %s}" % (self._print(arg), r, c)

    def _print_Pow(self, expr):
        # a quantity already carries a superscript (a^{(2)}); a power of it must
        # brace it, or LaTeX sees a double superscript (a^{(2)}^{2}).
        b, e = expr.args
        if isinstance(b, (sp.Indexed, sp.IndexedBase)) and e.is_Integer and e > 0:
            return "{%s}^{%s}" % (self._print(b), self._print(e))
        return super()._print_Pow(expr)

    def _print_Derivative(self, expr):
        (var, count), = expr.variable_count
        body = self._print(expr.expr)
        sym = r"\partial" if isinstance(var, sp.Indexed) else "d"
        if isinstance(expr.expr, (sp.Indexed, sp.Symbol, sp.Function)) \
                and not isinstance(expr.expr, sp.Piecewise):
            return r"\frac{%s %s}{%s %s}" % (sym, body, sym, self._print(var))
        if isinstance(expr.expr, (sp.Add, sp.Mul, sp.Pow)) or len(body) > 12:
            body = r"\left(%s\right)" % body
        return r"\frac{%s}{%s %s} %s" % (sym, sym, self._print(var), body)

    # -- activation functions --------------------------------------------------

    def _fn(self, name, expr, prime=False, exp=None):
        out = r"%s%s\left(%s\right)" % (name, "'" if prime else "", self._print(expr.args[0]))
        # sympy's Pow printer hands a function its exponent: σ(z)² prints as (σ(z))²
        return r"\left(%s\right)^{%s}" % (out, exp) if exp is not None else out

    def _print_sigmoid(self, expr, exp=None):
        return self._fn(r"\sigma", expr, exp=exp)

    def _print_sigmoid_prime(self, expr, exp=None):
        return self._fn(r"\sigma", expr, prime=True, exp=exp)

    def _print_relu(self, expr, exp=None):
        return self._fn(r"\operatorname{ReLU}", expr, exp=exp)

    def _print_relu_prime(self, expr, exp=None):
        return self._fn(r"\operatorname{ReLU}", expr, prime=True, exp=exp)

    def _print_tanh_prime(self, expr, exp=None):
        return self._fn(r"\tanh", expr, prime=True, exp=exp)

    def _print_activation_prime(self, expr, exp=None):
        return self._fn("f", expr, prime=True, exp=exp)

    def _print_linear(self, expr, exp=None):
        return self._fn("g", expr, exp=exp)

    def _print_softmax(self, expr, exp=None):
        i, z0 = expr.args[0], expr.args[1]
        if isinstance(z0, sp.Indexed):
            vec = self._print(z0.base)
        else:  # the quantities of a --graph file, listed
            vec = ", ".join(self._print(z) for z in expr.args[1:])
        out = r"\operatorname{softmax}\left(%s\right)_{%s}" % (vec, self._index(i))
        # like _fn: a power of softmax(z)_k is bracketed, (softmax(z)_k)^2, not softmax(z)_k^2
        return r"\left(%s\right)^{%s}" % (out, exp) if exp is not None else out


def tex(expr, notation, widths=None):
    """LaTeX for ``expr`` in ``notation``; ``widths`` lets subscripts drop for one-unit layers."""
    return DeriveLatexPrinter(notation, widths).doprint(expr)


__all__ = ["DeriveLatexPrinter", "tex", "F"]
