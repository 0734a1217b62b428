"""LaTeX formulas of a forward pass, rewritten token by token into the graph file's language.

``graph_formula`` turns ``\\frac{1}{1+e^{-net_{h1}}}`` into ``( ( 1 ) / ( 1 + exp ( - net_h1 ) ) )``
and ``name_of`` turns ``\\mathrm{net}_{h1}`` into ``net_h1``: the spelling ``--graph`` files use,
which their own lark grammar then reads (``derive.model.graphspec``).  Nothing is evaluated
here; anything that is not a name, a number, an operator or a known function raises
``NotAFormula``, and the text is left to the checker.  ``substitutions`` reads the numbers of
a substitution line that has a definition's shape (``= 0.15 \\cdot 0.05 + …``).
"""
import re

import sympy as sp

FONTS = r"\\(?:mathrm|mathit|text|textrm|textit|operatorname\*?|mathbf|boldsymbol|bm|mathsf)"
_SPACING = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])|\\[,;:! ]|\\quad|\\qquad"
                      r"|\\displaystyle|\\nonumber|\\notag|&")
_FUNCTIONS = {r"\sigma": "sigmoid", r"\exp": "exp", r"\log": "log", r"\ln": "log",
              r"\tanh": "tanh", r"\sqrt": "sqrt"}
_WORD_FUNCTIONS = {"sigmoid": "sigmoid", "Sigmoid": "sigmoid", "exp": "exp", "log": "log",
                   "ln": "log", "tanh": "tanh", "Tanh": "tanh", "relu": "relu", "ReLU": "relu",
                   "Relu": "relu", "sqrt": "sqrt"}
_REJECT = re.compile(r"\\partial|\\nabla|\\sum|\\prod|\\int|\\begin|\\delta|\\hat|\\bar"
                     r"|\\tilde|\\vec|'|\\prime|\\odot|\\circ|\\cases|\\lim|\\max"
                     r"|\\min|\\approx|\\frac\s*\{\s*d|\bd[A-Za-z]")
_NAME = re.compile(r"(?P<stem>[A-Za-z][A-Za-z]*)(?P<digits>[0-9]*)"
                   r"(?:_(?:\{(?P<braced>[A-Za-z0-9, _{}]+?)\}(?![}])|(?P<bare>[A-Za-z][0-9]+(?![A-Za-z0-9])"
                   r"|[A-Za-z0-9])))?")
# E_y1 unbraced is E_{y1} as its author meant it (TeX would print E_y·1), a letter and digits
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


class NotAFormula(Exception):
    """This text is not a formula the forward pass can be written in."""

# -- names ------------------------------------------------------------------------------

_HAT = re.compile(r"\\(?:hat|widehat)\s*\{\s*([A-Za-z]+)\s*([0-9]*)\s*\}|\\hat\s+([A-Za-z])")


# {y}' or y' in a forward pass: a name (the prediction), since a pass has no derivatives;
# f'(z), a derivative, has its argument after the prime
_PRIMED = re.compile(r"\{\s*([A-Za-z])\s*\}\s*'|(?<![\\A-Za-z])([A-Za-z])'(?!\s*\()")


_SUBSCRIPT_DIGITS = re.compile("[\u2080-\u2089]+")


def unfont(s):
    """``\\text{net}_{h1}`` → ``net_{h1}``; ``\\mathrm{E_{total}}`` → ``E_{total}``;
    ``\\hat{y1}`` → ``yhat1`` (a name of its own, as ``graphnames`` finds it)."""
    s = _SUBSCRIPT_DIGITS.sub(lambda m: "_{%s}" % "".join(
        str(ord(c) - 0x2080) for c in m.group(0)), s)  # x₁ typed in LaTeX: x_{1}
    s = _HAT.sub(lambda m: (m.group(1) or m.group(3)) + "hat" + (m.group(2) or ""), s)
    s = _PRIMED.sub(lambda m: (m.group(1) or m.group(2)) + "prime", s)
    s = re.sub(r"\\mathcal\s*\{\s*([A-Z])\s*\}", r"\1", s)
    for _ in range(4):
        s2 = re.sub(FONTS + r"\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}", r"\1", s)
        if s2 == s:
            break
        s = s2
    return s


def canonical(m):
    """The graph file's spelling of a name token: ``net_{h1}`` → ``net_h1``,
    ``w_1`` → ``w1``, ``E_{total}`` → ``E_total``."""
    stem, digits = m.group("stem"), m.group("digits")
    sub = re.sub(r"[ ,_{}]", "", m.group("braced") or m.group("bare") or "")
    if not sub:
        return stem + digits
    if digits:
        return f"{stem}{digits}_{sub}"
    if len(stem) == 1 and sub.isdigit():
        return stem + sub
    return f"{stem}_{sub}"


def name_of(lhs):
    s = _SPACING.sub(" ", unfont(lhs)).strip()
    m = _NAME.fullmatch(s)
    if m is None or m.group("stem") in _WORD_FUNCTIONS or m.group("stem") in ("e", "d"):
        raise NotAFormula(lhs)
    return canonical(m)


def tokens_names(formula):
    return {t for t in re.findall(r"[A-Za-z][A-Za-z0-9_]*", formula)
            if t not in _WORD_FUNCTIONS}


def names_used(defined):
    """The names the formulas of ``defined`` (name -> formula) use."""
    used = set()
    for formula in defined.values():
        used |= tokens_names(formula)
    return used


def ends(defined):
    """The defined names no other formula uses: where the forward pass ends."""
    used = names_used(defined)
    return [n for n in defined if n not in used]


def has_name(formula):
    return bool(tokens_names(formula))


# -- formulas ---------------------------------------------------------------------------

def _group(s, i):
    """(content, end) of the brace group starting at s[i] == '{'."""
    if i >= len(s) or s[i] != "{":
        raise NotAFormula(s)
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0:
                return s[i + 1:j], j + 1
    raise NotAFormula(s)


def _argument(s, i):
    """(content, end) of a macro's argument at s[i]: a brace group, or, as TeX reads
    ``\\frac12``, one character."""
    while i < len(s) and s[i].isspace():
        i += 1
    if i < len(s) and s[i] not in "{}\\":
        return s[i], i + 1
    return _group(s, i)


def _tokens(s):
    """Tokens of a LaTeX formula in the graph language: names, numbers, operators,
    parentheses and function names; NotAFormula for anything else."""
    out = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        if s.startswith(r"\frac", i) or s.startswith(r"\dfrac", i) or s.startswith(r"\tfrac", i):
            i = s.index("c", i) + 1
            num, i = _argument(s, i)
            den, i = _argument(s, i)
            out += ["(", "("] + _tokens(num) + [")", "/", "("] + _tokens(den) + [")", ")"]
            continue
        if c == "\\":
            m = re.match(r"\\[A-Za-z]+|\\.", s[i:])
            if m is None:
                raise NotAFormula(c)
            word = m.group(0)
            i += len(word)
            if word in (r"\cdot", r"\times", r"\ast"):
                out.append("*")
            elif word in _FUNCTIONS:
                out.append(_FUNCTIONS[word])
                if word == r"\sqrt":
                    arg, i = _group(s, i)
                    out += ["("] + _tokens(arg) + [")"]
            elif word == r"\|":
                out.append("|")
            elif word in (r"\{", r"\}"):
                out.append("(" if word == r"\{" else ")")
            else:
                raise NotAFormula(word)
            continue
        if c == "{":
            inner, i = _group(s, i)
            out += ["("] + _tokens(inner) + [")"]
            continue
        if c == "^":
            i += 1
            while i < n and s[i].isspace():
                i += 1
            if i < n and s[i] == "{":
                inner, i = _group(s, i)
                out += ["^", "("] + _tokens(inner) + [")"]
            elif i < n:
                out += ["^"] + _tokens(s[i])
                i += 1
            continue
        if c in "+-*/()[]|":
            out.append({"[": "(", "]": ")"}.get(c, c))
            i += 1
            continue
        if c in "·⋅×":
            out.append("*")
            i += 1
            continue
        if c == "−":
            out.append("-")
            i += 1
            continue
        if c == "σ":
            out.append("sigmoid")
            i += 1
            continue
        m = _NUMBER.match(s, i)
        if m:
            out.append(m.group(0))
            i = m.end()
            continue
        m = _NAME.match(s, i)
        if m:
            word = m.group("stem")
            if word == "e" and not m.group("digits") and not m.group("braced") \
                    and not m.group("bare"):
                out.append("e")
            elif word in _WORD_FUNCTIONS and not m.group("braced") and not m.group("bare"):
                out.append(_WORD_FUNCTIONS[word])
            elif re.fullmatch(r"[IXxh]w", word) and not m.group("digits") and (
                    m.group("braced") or m.group("bare")):
                m2 = _NAME.match(s, i + 1)  # Iw_1, xw_{1}: the input times the weight w_1
                out += [word[0], "*", canonical(m2)]
            else:
                out.append(canonical(m))
            i = m.end()
            continue
        raise NotAFormula(c)
    return out


def _bars(tokens):
    """``|x|^2`` → ``(x)^2``: bars around a real difference squared (a norm of a number)."""
    out, open_ = [], False
    for t in tokens:
        if t == "|":
            out.append(")" if open_ else "(")
            open_ = not open_
        else:
            out.append(t)
    if open_:
        raise NotAFormula("|")
    return out


def _operand_end(t):
    return t == ")" or _NUMBER.fullmatch(t) is not None or (
        re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", t) is not None and t not in _WORD_FUNCTIONS
        and t != "e")


def _operand_start(t):
    return t == "(" or _NUMBER.fullmatch(t) is not None or re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", t)


def _with_products(tokens):
    """Explicit ``*`` where LaTeX multiplies by juxtaposition; ``e^(…)`` as ``exp(…)``."""
    out = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "e" and i + 1 < len(tokens) and tokens[i + 1] == "^":
            t, i = "exp", i + 1  # e ^ ( … ) → exp ( … )
            if i + 1 >= len(tokens) or tokens[i + 1] != "(":
                raise NotAFormula("e^")
        elif t == "e":
            raise NotAFormula("e")
        if out and _operand_end(out[-1]) and _operand_start(t):
            if out[-1] == ")" or t != "(" or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", out[-1]):
                out.append("*")
            else:
                raise NotAFormula(out[-1])  # f(x) with an unknown function f
        out.append(t)
        i += 1
    return out


_MAX = re.compile(r"\\?max\s*(?:\\left\s*)?\(")


def _relu_of_max(s):
    """``\\max(0, w_1 x)`` (either order) as ``relu(w_1 x)``: the graph language's ReLU."""
    for _ in range(20):  # each pass rewrites one; a bound, as the input is anyone's
        m = next((m for m in _MAX.finditer(s) if not s[max(0, m.start() - 1):m.start()].isalpha()),
                 None)
        if m is None:
            return s
        depth, comma, end = 0, None, None
        for i in range(m.end() - 1, len(s)):
            if s[i] == "(":
                depth += 1
            elif s[i] == ")":
                depth -= 1
                if depth == 0:
                    end = i
                    break
            elif s[i] == "," and depth == 1 and comma is None:
                comma = i
        if end is None or comma is None:
            return s
        a, b = s[m.end():comma].strip(), re.sub(r"\\right\s*$", "", s[comma + 1:end]).strip()
        arg = b if a == "0" else a if b == "0" else None
        if arg is None:
            return s
        s = s[:m.start()] + "relu(" + arg + ")" + s[end + 1:]
    return s


def graph_formula(rhs):
    s = _SPACING.sub(" ", unfont(rhs)).strip().rstrip(",.;")
    if "max" in s:
        s = _relu_of_max(s)
    if not re.search(r"_\s*\{?\s*[ijk]\b", s):
        # ½Σ(y - y')² with no index anywhere: a sum over the one output there is
        s = re.sub(r"\\sum\s*(?=\()", "", s)
    if not s or _REJECT.search(s) or "=" in s:
        raise NotAFormula(rhs)
    tokens = _with_products(_bars(_tokens(s)))
    if not tokens:
        raise NotAFormula(rhs)
    return " ".join(tokens)


_RUN = re.compile(r"[a-z]{2,4}")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_LONE_LETTER = re.compile(r"(?<![A-Za-z0-9])[a-zA-Z](?![A-Za-z])")


def lone_letters(texts):
    """The single letters that stand alone as names in ``texts`` (the ``z`` of
    ``\\partial z``, the ``q`` of ``q = x + y``); never ``e`` or ``d``."""
    found = set()
    for text in texts:
        found.update(_LONE_LETTER.findall(_COMMAND.sub(" ", unfont(text))))
    return found - {"e", "d"}


def split_letter_runs(defined, letters):
    """``f = qz`` where q and z are names of their own: the product q·z, not one name
    ``qz`` (cs231n's toy circuits write their products so).  A run is split only when it
    names nothing itself and every letter of it is a lone name in the document."""
    letters = set(letters) - {"e", "d"}  # Euler's e and a differential are no names
    stems = {re.match(r"[A-Za-z]+", n).group(0) for f in defined.values()
             for n in tokens_names(f) if not _RUN.fullmatch(n)} | set(defined)

    def split(token):
        if not _RUN.fullmatch(token) or token in stems or token in _WORD_FUNCTIONS \
                or not set(token) <= letters:
            return token
        return "( " + " * ".join(token) + " )"

    return {name: " ".join(split(t) for t in formula.split())
            for name, formula in defined.items()}


# -- numbers from substitution lines -----------------------------------------------------

def substitutions(links, formula, givens, text=False):
    """``= 0.15 * 0.05 + …`` after the definition: the names' numbers, where the
    substitution has the definition's shape token for token (as printed, if ``text``)."""
    shape = [t for t in formula.split() if t not in "()"]  # (0.4 * 0.58 + …) + 0.6 too
    for link in links[:2]:
        if link.relation != "=":
            return
        try:
            numbers = formula_numbers(link.rhs.s)
        except NotAFormula:
            continue
        numbers = [t for t in _signed(numbers) if t not in "()"]
        if len(numbers) != len(shape):
            continue
        pairs = {}
        ok = True
        for a, b in zip(shape, numbers):
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", a) and a not in _WORD_FUNCTIONS:
                if _NUMBER.fullmatch(b.removeprefix("-")) is None or pairs.get(a, b) != b:
                    ok = False
                    break
                pairs[a] = b
            elif a != b:
                ok = False
                break
        if ok:
            for a, b in pairs.items():
                givens.setdefault(a, b if text else sp.Rational(b))
            return


def _signed(tokens):
    """``( 1 * - 0.005 )`` as ``( 1 * -0.005 )``: a minus right before a number, after an
    operator or an opening parenthesis, is the number's sign, as in the name's place of
    the definition (``- ( 0.05 - 0.71 )`` keeps its minus: it negates the group)."""
    out = []
    for t in tokens:
        if len(out) > 1 and out[-1] == "-" and _NUMBER.fullmatch(t) and out[-2] in (
                "*", "/", "+", "-", "^", "("):
            out[-1] = "-" + t
            continue
        out.append(t)
    return out


def printed_number(rhs):
    """(Rational, decimals) of a right-hand side that is one printed number, else None."""
    s = _SPACING.sub(" ", rhs).strip().rstrip(",.;").strip()
    m = re.fullmatch(r"(-?)\s*([0-9]+(?:\.([0-9]+))?)", s)
    if m is None:
        return None
    return sp.Rational(m.group(1) + m.group(2)), len(m.group(3) or "")


def formula_numbers(rhs):
    s = _SPACING.sub(" ", unfont(rhs)).strip().rstrip(",.;")
    if _REJECT.search(s):
        raise NotAFormula(rhs)
    return _with_products(_bars(_tokens(s)))
