"""Parsing one side of an equation into sympy, never through eval or sympify.

LaTeX is normalised first (``\\left``/``\\right`` dropped, unicode Greek and
operators turned into commands, ``ReLU``/``\\operatorname{ReLU}`` into
``\\relu``, font wrappers such as ``\\mathbf{W}`` removed), keeping every
character's source offset.  Then one of two LALR grammars (``grammar.lark``
for LaTeX, ``ascii.lark`` for plain text) parses it and ``build.Builder``
turns the tree into sympy objects.  Size and nesting are bounded before
parsing; a syntax error becomes ``ParseFailure`` with the source offset and
what was expected there.
"""
import re
from functools import cache
from importlib import resources
from pathlib import Path

from lark import Lark
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    VisitError,
)

from derive.check.read import dlai
from derive.check.read.build import ASCII_WORDS, Builder
from derive.check.limits import LIMITS, ParseLimit, Unsupported
from derive.check.read.text import brace_table


class ParseFailure(Exception):
    """Syntax error at source ``offset``; ``expected`` lists what could come there."""

    def __init__(self, offset, expected, found=None):
        super().__init__(f"at {offset}: expected {', '.join(expected)}")
        self.offset = offset
        self.expected = expected
        self.found = found


def _grammar_text(name):
    try:
        return resources.files("derive.check.read").joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, TypeError):
        return (Path(__file__).parent / name).read_text(encoding="utf-8")


@cache
def parser(language):
    name = "grammar.lark" if language == "latex" else "ascii.lark"
    return Lark(_grammar_text(name), parser="lalr", lexer="contextual", propagate_positions=False,
                maybe_placeholders=False)


# -- LaTeX normalisation ------------------------------------------------------------

UNICODE_LATEX = _UNICODE = {"σ": r"\sigma ", "δ": r"\delta ", "θ": r"\theta ", "η": r"\eta ", "α": r"\alpha ",
            "∂": r"\partial ", "∇": r"\nabla ", "⊙": r"\odot ", "∘": r"\circ ", "·": r"\cdot ",
            "×": r"\times ", "−": "-", "’": "'", "′": "'", "Σ": r"\sum ", "∑": r"\sum ",
            "Δ": r"\Delta ", "⊤": r"\top ", "λ": r"\lambda ", "ŷ": r"\hat{y}", "–": "-"}
# {\color{red}{-p_i}}, \textcolor{blue}{…}: the colour is emphasis, its group the math
_COLOR = re.compile(r"\\(?:text)?color\s*\{\s*[A-Za-z][A-Za-z0-9!]*\s*\}")
_SIZERS = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)"
                     r"(?![A-Za-z])")
_FONTS = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathit|mathrm|mathsf|operatorname\*?|text|textrm|"
                    r"mathnormal|vec|mathbfit|mathcal|mathscr|textbf|textit)\s*(?=\{)")
# TeX's old font switches: {\cal C}, {\rm d}, {\bf W} are the letter itself, and so is
# \bm z, a font command on one letter without braces (TeX takes the next token)
_OLD_FONTS = re.compile(r"\{\s*\\(?:cal|rm|bf|it|sf|tt|bm|mit)\s+(\\?[A-Za-z]+)\s*\}"
                        r"|\\(?:cal|mit)\s+(?=[A-Za-z])"
                        r"|\\(?:bm|boldsymbol|mathbf|mathrm|mathit|mathsf)\s+(?=[A-Za-z]|\\[A-Za-z])")
# a decorated letter (\bar{y}, \tilde{z}) is a name of its own, not the letter
_DECORATED = re.compile(r"\\(bar|overline|tilde|widetilde|check|breve|dot|ddot)\s*"
                        r"(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")
_WORDS = re.compile(r"(?<![\\A-Za-z])(ReLU|Relu|relu|softmax|sigmoid)(?![A-Za-z])|\\(ReLU|Relu|sigmoid)"
                    r"(?![A-Za-z])")
# the indicator 1[i = j]: \mathbf{1}_{[i = j]}, 1_{i=j}, or an Iverson bracket [i = j]
_INDICATOR = re.compile(r"(?:\\(?:mathbf|mathbb|mathds|mathbbm|boldsymbol|bm)\s*\{\s*1\s*\}|(?<![0-9.])1)\s*"
                        r"_\s*\{\s*\[?\s*([A-Za-z0-9])\s*=\s*([A-Za-z0-9])\s*\]?\s*\}"
                        r"|(?<![_^])\[\s*([ijkmn])\s*=\s*([ijkmn])\s*\]")
# exp(-h1) typed in math without the backslash: the function, never e·x·p(-h1)
_BARE_FUNCTIONS = re.compile(r"(?<![\\A-Za-z])(exp|log|ln|tanh)(?=\s*\()")
_FRAC_DIGITS = re.compile(r"\\([dtc]?frac)\s*([0-9])\s*([0-9])")
_SPACES = re.compile(r"\\\\|\\[,;:! ]|\\(?:quad|qquad|displaystyle|textstyle|scriptstyle|limits|nolimits|"
                     r"tiny|scriptsize|footnotesize|small|normalsize|large|Large|LARGE|huge|Huge)"
                     r"(?![A-Za-z])|~|\\(?:left|right)\.")


_UNICODE_SUBSCRIPT = re.compile("[\u2080-\u2089]+")  # x₁₂, typed in LaTeX as in text


def normalise_latex(t):
    """``t`` (a Text) made ready for the LaTeX grammar, offsets kept."""
    spans = [(i, i + 1, r) for i, c in enumerate(t.s) if (r := _UNICODE.get(c)) is not None]
    spans += [(m.start(), m.end(), "_{%s}" % "".join(SUBSCRIPT_DIGITS[c] for c in m.group(0)))
              for m in _UNICODE_SUBSCRIPT.finditer(t.s)]
    t = t.replace_spans(spans)
    t = t.replace_spans([(m.start(), m.end(), " ") for m in _SPACES.finditer(t.s)
                         if m.group(0) != "\\\\"])  # a row of cases or a matrix stays
    t = t.replace_spans([(m.start(), m.end(), " ") for m in _SIZERS.finditer(t.s)])
    t = t.replace_spans([(m.start(), m.end(), " ") for m in _COLOR.finditer(t.s)])
    t = t.replace_spans([(m.start(), m.end(), " %s " % (m.group(1) or ""))
                         for m in _OLD_FONTS.finditer(t.s)])
    t = t.replace_spans([(m.start(), m.end(), "\\decorated{%s%s}" % (m.group(2) or m.group(3),
                                                                    m.group(1)))
                         for m in _DECORATED.finditer(t.s)])
    t = t.replace_spans([(m.start(), m.end(), "\\iverson{%s}{%s} " % ((m.group(1), m.group(2))
                                                                     if m.group(1) else m.group(3, 4)))
                         for m in _INDICATOR.finditer(t.s)])
    spans = []
    braces = brace_table(t.s) if "{" in t.s else {}
    for m in _FONTS.finditer(t.s):
        end = braces.get(m.end(), -1)
        if end < 0:
            continue
        inner = t.s[m.end() + 1:end - 1].strip()
        if inner.lower() in ("relu", "softmax", "sigmoid", "tanh", "exp", "max", "ln", "log"):
            spans.append((m.start(), end, "\\" + inner.lower() + " "))
        elif inner == "T":
            spans.append((m.start(), end, r"\top "))
        elif re.fullmatch(r"[A-Za-z]|\\[A-Za-z]+", inner) or re.fullmatch(r"[A-Za-z]{2,}", inner) \
                and not re.match(r"\s*[_^]", t.s[end:end + 3]):
            # \mathrm{x}, and a word alone (\partial \mathrm{Loss}): the name as written
            # plain, which a graph's names or the cost's word read; \mathrm{net}_{h1} stays
            spans.append((m.start(), m.end() + 1, " "))
            spans.append((end - 1, end, " "))
    t = t.replace_spans(spans)
    t = t.replace_spans([(m.start(), m.end(), "\\" + (m.group(1) or m.group(2)).lower() + " ")
                         for m in _WORDS.finditer(t.s)])
    t = t.replace_spans([(m.start(), m.end(), "\\" + m.group(1) + " ")
                         for m in _BARE_FUNCTIONS.finditer(t.s)])
    t = t.replace_spans([(m.start(), m.end(), "\\%s{%s}{%s}" % m.groups())
                         for m in _FRAC_DIGITS.finditer(t.s)])
    return _pair_bars(t)


_BARS = re.compile(r"\\lVert|\\rVert|\\lvert|\\rvert|\\Vert(?![A-Za-z])|\\vert(?![A-Za-z])|\\\||\|\||\|")


def _pair_bars(t):
    """Symmetric bars (|x|, ||x||, \\|x\\|) as explicit left/right delimiters, so
    the grammar never has to guess whether a bar opens or closes."""
    spans, stack = [], []
    depth = 0
    marks = {m.start(): m for m in _BARS.finditer(t.s)}
    i = 0
    while i < len(t.s):
        m = marks.get(i)
        if m is None:
            c = t.s[i]
            if c == "\\":
                i += 2
                continue
            depth += c in "([{"
            depth -= c in ")]}"
            i += 1
            continue
        tok = m.group(0)
        kind = "V" if tok in ("\\lVert", "\\rVert", "\\Vert", "\\|", "||") else "v"
        if tok in ("\\lVert", "\\lvert"):
            side = "l"
        elif tok in ("\\rVert", "\\rvert"):
            side = "r"
        else:
            side = "r" if stack and stack[-1] == (kind, depth) else "l"
        if side == "l":
            stack.append((kind, depth))
        elif stack and stack[-1][0] == kind:
            stack.pop()
        spans.append((m.start(), m.end(), "\\%s%s " % (side, "Vert" if kind == "V" else "vert")))
        i = m.end()
    return t.replace_spans(spans)


SUBSCRIPT_DIGITS = {chr(0x2080 + d): str(d) for d in range(10)}  # z₁ is z1, as w1 is
_ASCII_UNICODE = {"⋅": "*", "·": "*", "∙": "*", "×": "*", "−": "-", "–": "-", "σ": "sigma",
                  "∂": "partial", "ŷ": "yhat", "δ": "delta", "η": "eta", "θ": "theta",
                  "α": "alpha", "Σ": "sum", "∑": "sum", "²": "^2", "’": "'", "′": "'",
                  **SUBSCRIPT_DIGITS}


def normalise_ascii(t):
    """Unicode math in a plain-text file (``∂L / ∂ŷ = ŷ⋅(1 - ŷ)``) as the ASCII
    words the grammar reads (``partialL / partialyhat = yhat*(1 - yhat)``); and a
    fraction of two numbers before a factor, ``1/2(y - a)^2``, as ½ times it, the
    way a reader (and graders such as WeBWorK) take it, not 1/(2(y - a)²)."""
    t = t.replace_spans([(m.start(), m.end(), "(%s/%s)" % m.groups())
                         for m in _NUMBER_FRACTION.finditer(t.s)])
    spans = [(i, i + 1, r) for i, c in enumerate(t.s) if (r := _ASCII_UNICODE.get(c)) is not None]
    if not spans:
        return t
    t = t.replace_spans(spans)
    return _join_partial(t)


_NUMBER_FRACTION = re.compile(r"(?<![\w.)\]}^/])(\d+)\s*/\s*(\d+)(?=\s*[(A-Za-z])")


def _join_partial(t):
    return t.replace_spans([(m.start(), m.end(), "partial")
                            for m in re.finditer(r"partial\s+(?=[A-Za-z])", t.s)])


def _check_size(t):
    if len(t.s) > LIMITS.max_expr_chars:
        raise ParseLimit(f"an expression longer than {LIMITS.max_expr_chars} characters")
    depth = peak = 0
    for c in t.s:
        if c in "([{":
            depth += 1
            peak = max(peak, depth)
        elif c in ")]}":
            depth -= 1
    if peak > LIMITS.max_depth:
        raise ParseLimit(f"brackets nested deeper than {LIMITS.max_depth}")


_NAMES = {"RPAR": ")", "LPAR": "(", "RSQB": "]", "LSQB": "[", "RBRACE": "}", "LBRACE": "{",
          "PLUS": "+", "MINUS": "-", "COMMA": ",", "CIRCUMFLEX": "^", "CARET": "^", "UNDERSCORE": "_",
          "SLASH": "/", "EQ": "=", "NUMBER": "a number", "LETTER": "a letter", "NAME": "a name",
          "GREEK": "a Greek letter", "FUNC": "a function", "MULOP": "a product sign",
          "HADAMARD": "⊙", "FRAC": "\\frac", "PRIME": "'", "ABS_L": "|", "ABS_R": "|",
          "NORM_L": "‖", "NORM_R": "‖", "SUM": "\\sum", "PARTIAL": "\\partial", "NABLA": "\\nabla", "HAT": "\\hat",
          "TOP": "\\top", "OVER": "\\over", "POW": "**", "$END": "the end", "ROWSEP": "\\\\",
          "COLSEP": "&", "RELOP": "a comparison", "CASES_END": "\\end{cases}",
          "MAT_END": "\\end{matrix}", "CASES_BEGIN": "\\begin{cases}",
          "MAT_BEGIN": "\\begin{matrix}", "IVERSON": "1[i = j]", "DECORATED": "a letter",
          "DOTS": "\\cdots", "NEQ": "\\neq"}


def _expected(names):
    shown = []
    for n in sorted(names):
        label = _NAMES.get(n)
        if label is None:
            if n.startswith("__ANON"):
                continue
            label = n.lower()
        if label not in shown:
            shown.append(label)
    core = [s for s in shown if s in ("a number", "a letter", "a name", "(", ")", "}", "the end")]
    rest = [s for s in shown if s not in core]
    return (core + rest)[:6] or ["something else"]


def parse_side(t, language, ctx):
    """The sympy meaning of one side (a Text) of an equation."""
    if language == "latex":
        t = dlai.normalise(normalise_latex(t))
    else:
        t = normalise_ascii(t)
    t = ctx.prepare(t, language).strip()
    _check_size(t)
    if not t.s:
        raise ParseFailure(t.origin(0), ["an expression"])
    try:
        tree = parser(language).parse(t.s)
    except UnexpectedInput as e:
        pos = getattr(e, "pos_in_stream", None)
        token = getattr(e, "token", None)
        if isinstance(e, UnexpectedEOF) or pos is None or getattr(token, "type", "") == "$END":
            pos = len(t.s)
        if isinstance(e, UnexpectedCharacters):
            found = t.s[pos:pos + 1]
            expected = _expected(e.allowed or [])
        else:
            found = None if getattr(token, "type", "") == "$END" else (str(token or "") or None)
            expected = _expected(getattr(e, "expected", None) or getattr(e, "accepts", None) or [])
        raise ParseFailure(t.origin(pos), expected, found) from None
    try:
        return Builder(ctx).transform(tree)
    except VisitError as e:
        raise e.orig_exc from None


def is_math_word(word):
    """Whether an ASCII word can be part of math (for telling prose from formulas)."""
    if len(word) == 1 or word in ASCII_WORDS or re.fullmatch(r"(w|W|theta|b|a|z|delta)_?[0-9]{1,3}", word):
        return True
    for prefix in ("partial", "d"):
        if word.startswith(prefix) and is_math_word(word[len(prefix):]) or word in ("dC", "dJ"):
            return True
    return False


__all__ = ["ParseFailure", "ParseLimit", "SUBSCRIPT_DIGITS", "UNICODE_LATEX", "Unsupported",
           "is_math_word", "normalise_latex", "parse_side"]
