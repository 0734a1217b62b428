"""The grammar of --graph files and the translation of its expressions to sympy.

A lark LALR grammar reads the file into statements; ``Expressions.build``
turns a right-hand side into a sympy expression directly, node by node, so
no user text ever reaches ``sympify`` or ``eval``.  Sums and products are
parsed flat (``a + b + c`` is one tree node), so only parentheses, unary
signs, powers and calls nest, and nesting is bounded before anything
recursive runs.  Every error names the line and column it was found at.
"""
import functools
from fractions import Fraction

import sympy as sp
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from derive.model import functions as F
from derive.model.mpeval import constant_problem
from derive.errors import GraphSizeError, GraphSyntaxError, UnknownFunctionError

MAX_DEPTH = 40  # nested parentheses, signs, powers and calls in one right-hand side
MAX_EXPONENT = 100  # |n| of a numeric exponent; x^1000000 would make every step enormous
MAX_NUMBER_CHARS = 30
MAX_DECIMAL_EXPONENT = 30  # the 12 in 1e12

GRAMMAR = r"""
start: (_statement? _NL)*
_statement: declaration | assignment
declaration: NAME ":" NAME ("," NAME)*
assignment: NAME "=" sum

?sum: product ((ADD | SUB) product)*
?product: unary ((MUL | DIV) unary)*
?unary: power
      | SUB unary -> neg
      | ADD unary -> pos
?power: atom
      | atom POW unary -> pow
?atom: NUMBER -> number
     | NAME -> name
     | call
     | "(" sum ")"
call: NAME "(" _arguments? ")" index?
_arguments: sum ("," sum)*
index: "[" NUMBER "]"

ADD: "+"
SUB: "-"
MUL: "*"
DIV: "/"
POW.2: "^" | "**"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
NUMBER: /(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/
COMMENT: /#[^\n]*/
_NL: /\n/
%ignore /[ \t\f\r]+/
%ignore COMMENT
"""

# sigmoid and relu stay symbolic (σ, ReLU, derivatives σ', ReLU'); the rest are sympy's own.
FUNCTIONS = {
    "sigmoid": F.sigmoid,
    "relu": F.relu,
    "tanh": sp.tanh,
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
}
FUNCTION_NAMES = tuple(FUNCTIONS) + ("softmax",)

_SHOWN = {
    "ADD": "'+'", "SUB": "'-'", "MUL": "'*'", "DIV": "'/'", "POW": "'^'", "LPAR": "'('",
    "RPAR": "')'", "COMMA": "','", "EQUAL": "'='", "COLON": "':'", "LSQB": "'['", "RSQB": "']'",
    "NAME": "a name", "NUMBER": "a number", "_NL": "end of line", "$END": "end of file",
}
_ORDER = list(_SHOWN)


@functools.lru_cache(maxsize=1)
def parser():
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _expected(names):
    shown = [_SHOWN[n] for n in sorted(names, key=lambda n: _ORDER.index(n) if n in _ORDER else 99)
             if n in _SHOWN]
    shown = list(dict.fromkeys(shown))
    if not shown:
        return ""
    if len(shown) == 1:
        return f"; expected {shown[0]}"
    return "; expected " + ", ".join(shown[:-1]) + " or " + shown[-1]


def _describe(token):
    if token.type == "_NL":
        return "end of line"
    if token.type == "$END":
        return "end of file"
    kind = {"NAME": "name ", "NUMBER": "number "}.get(token.type, "")
    return f"{kind}'{token}'"


def parse_statements(text, source):
    """The lark tree of ``text`` (which must end with a newline), or a GraphSyntaxError."""
    try:
        return parser().parse(text)
    except UnexpectedToken as e:
        expected = set(e.expected)
        line = text.split("\n")[e.line - 1][:e.column - 1]
        if line.count("(") <= line.count(")"):  # LALR offers these wherever a call might close
            expected -= {"RPAR", "COMMA"}
        if line.count("[") <= line.count("]"):
            expected -= {"RSQB"}
        message = f"syntax error: unexpected {_describe(e.token)}{_expected(expected)}"
        if e.token.type in ("NAME", "NUMBER", "LPAR") and "MUL" in expected:
            message += " (write * for multiplication)"
        raise GraphSyntaxError(message, source, e.line, e.column) from None
    except UnexpectedCharacters as e:
        char = text[e.pos_in_stream] if e.pos_in_stream < len(text) else "?"
        hint = "" if char.isascii() else " (names are ASCII letters, digits and _; write sigmoid, not σ)"
        raise GraphSyntaxError(f"syntax error: unexpected character {char!r}"
                               f"{_expected(e.allowed or ())}{hint}",
                               source, e.line, e.column) from None
    except UnexpectedEOF as e:
        raise GraphSyntaxError(f"syntax error: unexpected end of file{_expected(e.expected)}",
                               source, *_end(text)) from None
    except UnexpectedInput as e:  # any other lark complaint still gets a position
        raise GraphSyntaxError(f"syntax error: {type(e).__name__}", source,
                               getattr(e, "line", 1), getattr(e, "column", 1)) from None


def _end(text):
    lines = text.split("\n")
    return max(1, len(lines) - 1), 1


def depth(tree):
    """Nesting depth of a parse tree, without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in node.children if isinstance(c, Tree))
    return deepest


def position(item):
    """(line, column) of a token or tree."""
    if isinstance(item, Token):
        return item.line, item.column
    return item.meta.line, item.meta.column


class Expressions:
    """Builds sympy expressions from right-hand sides, recording the names each one uses.

    Beside each expression it keeps the author's form: the same tree built
    unevaluated, so its sums and products hold their terms and factors in the
    order written (``w1*x + b1``, ``w2*h1``), which sympy's canonical order would
    lose (b1 + w1 x, h1 w2).  ``written`` maps each canonical sub-expression to
    that form; only printing uses it (``Notation.written``), never the engine."""

    def __init__(self, source):
        self.source = source
        self.written = {}

    def build(self, tree):
        """(sympy expression, [NAME tokens referenced, in order])."""
        if depth(tree) > MAX_DEPTH:
            raise GraphSizeError(f"the expression nests more than {MAX_DEPTH} levels deep",
                                 self.source, *position(tree))
        refs = []
        return self._build(tree, refs)[0], refs

    def _remember(self, out, shown):
        """(out, shown), noting ``shown`` as the written form of ``out``."""
        if not out.is_Atom and out.free_symbols and out not in self.written:
            self.written[out] = shown
        return out, shown

    def _build(self, t, refs):
        """(the expression, the same as written); see the class docstring."""
        if isinstance(t, Token):  # a lone NUMBER or NAME can reach here through inlining
            out = self._leaf(t, refs)
            return out, out
        rule = t.data
        if rule == "number":
            out = self._number(t.children[0])
            return out, out
        if rule == "name":
            out = self._leaf(t.children[0], refs)
            return out, out
        if rule == "sum":
            out, first = self._build(t.children[0], refs)
            shown = [first]
            for op, operand in zip(t.children[1::2], t.children[2::2]):
                value, written = self._build(operand, refs)
                out = out + value if op.type == "ADD" else out - value
                shown.append(written if op.type == "ADD" else _negated(written))
            return self._remember(out, sp.Add(*shown, evaluate=False))
        if rule == "product":
            out, first = self._build(t.children[0], refs)
            shown = [first]
            for op, operand in zip(t.children[1::2], t.children[2::2]):
                value, written = self._build(operand, refs)
                if op.type == "DIV" and value == 0:
                    raise GraphSyntaxError("division by zero", self.source, *position(op))
                out = out * value if op.type == "MUL" else out / value
                shown.append(written if op.type == "MUL" else sp.Pow(written, -1, evaluate=False))
            return self._remember(out, sp.Mul(*shown, evaluate=False))
        if rule == "neg":
            value, written = self._build(t.children[1], refs)
            return self._remember(-value, _negated(written))
        if rule == "pos":
            return self._build(t.children[1], refs)
        if rule == "pow":
            return self._power(t, refs)
        if rule == "call":
            return self._call(t, refs)
        raise GraphSyntaxError(f"syntax error: unexpected {rule}", self.source, *position(t))

    def _leaf(self, token, refs):
        if token.type == "NUMBER":
            return self._number(token)
        refs.append(token)
        return sp.Symbol(str(token))

    def _number(self, token):
        text = str(token)
        mantissa, _, exponent = text.lower().partition("e")
        if len(text) > MAX_NUMBER_CHARS or (exponent and abs(int(exponent)) > MAX_DECIMAL_EXPONENT):
            raise GraphSizeError(f"the number {text[:MAX_NUMBER_CHARS]}… is too long; numbers have at "
                                 f"most {MAX_NUMBER_CHARS} characters and exponents up to "
                                 f"e±{MAX_DECIMAL_EXPONENT}", self.source, *position(token))
        # The lexer has already checked the shape, so Fraction only sees digits,
        # a point and an exponent; decimals stay exact (0.5 is 1/2).
        value = Fraction(text)
        return sp.Rational(value.numerator, value.denominator)

    def _power(self, t, refs):
        base_tree, op, exp_tree = t.children
        base, base_shown = self._build(base_tree, refs)
        exponent, exponent_shown = self._build(exp_tree, refs)
        if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
            raise GraphSizeError(f"the exponent {exponent} is too large; numeric exponents are "
                                 f"limited to ±{MAX_EXPONENT}", self.source, *position(exp_tree))
        if base == 0 and exponent.is_Number and exponent < 0:
            raise GraphSyntaxError("division by zero (0 to a negative power)", self.source,
                                   *position(op))
        out = base ** exponent
        # (x^50)^50 folds into x^2500, so the bound is checked on the result as well.
        if isinstance(out, sp.Pow) and out.exp.is_Number and abs(out.exp) > MAX_EXPONENT:
            raise GraphSizeError(f"the power has exponent {out.exp}; numeric exponents are "
                                 f"limited to ±{MAX_EXPONENT}", self.source, *position(op))
        if out.is_Number and abs(out) > sp.Integer(10) ** 300:
            raise GraphSizeError("the number is too large", self.source, *position(op))
        out = self._constant(out, position(op))
        return self._remember(out, sp.Pow(base_shown, exponent_shown, evaluate=False))

    def _call(self, t, refs):
        name, *rest = t.children
        index = rest.pop() if rest and isinstance(rest[-1], Tree) and rest[-1].data == "index" else None
        built = [self._build(a, refs) for a in rest]
        args, shown = [a for a, _ in built], [w for _, w in built]
        where = position(name)
        if str(name) == "softmax":
            out = self._softmax(args, index, where)
            if not isinstance(out, F.softmax):
                return out, out
            return self._remember(out, F.softmax(out.args[0], *shown, evaluate=False))
        if str(name) not in FUNCTIONS:
            near = [f for f in FUNCTION_NAMES if f == str(name).lower()]
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise UnknownFunctionError(
                f"unknown function {name!s}{hint}; the functions are {', '.join(FUNCTION_NAMES)}; "
                f"write any other activation as a formula, e.g. log(1 + exp(z)) for softplus",
                self.source, *where)
        if index is not None:
            raise GraphSyntaxError(f"only softmax(...) takes an index [k]; {name} gives one value",
                                   self.source, *position(index))
        if len(args) != 1:
            raise GraphSyntaxError(f"{name} takes one argument, not {len(args)}", self.source, *where)
        if str(name) == "log" and args[0] == 0 or str(name) == "sqrt" and args[0].is_negative:
            raise GraphSyntaxError(f"{name}({args[0]}) is undefined", self.source, *where)
        out = self._constant(FUNCTIONS[str(name)](args[0]), where)
        return self._remember(out, FUNCTIONS[str(name)](shown[0], evaluate=False))

    def _constant(self, out, where):
        """``out``, unless it is a constant that is not a real number of a size we
        can work with (log(-2), exp(exp(1e30))): refused here, where it is written,
        because sympy's own constructors would overflow or recurse on it later."""
        if not out.free_symbols and not out.is_Number:
            problem = constant_problem(out)
            if problem is not None:
                raise GraphSizeError(f"the constant {str(out)[:40]} cannot be used: {problem}",
                                     self.source, *where)
        return out

    def _softmax(self, args, index, where):
        if index is None:
            raise GraphSyntaxError("softmax needs the output it gives: softmax(z1, z2, z3)[2] is "
                                   "e^z2 / (e^z1 + e^z2 + e^z3)", self.source, *where)
        if not args:
            raise GraphSyntaxError("softmax needs at least one argument", self.source, *where)
        token = index.children[0]
        k = Fraction(str(token))
        if k.denominator != 1 or not 1 <= k <= len(args):
            raise GraphSyntaxError(f"softmax index must be a whole number from 1 to {len(args)}",
                                   self.source, *position(token))
        return self._constant(F.softmax(int(k) - 1, *args), where)


def _negated(shown):
    """−shown as written: a number is negated, anything else gets a factor −1."""
    return -shown if shown.is_Number else sp.Mul(sp.S.NegativeOne, shown, evaluate=False)
