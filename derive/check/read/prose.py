"""What the prose around a formula says it is: a claim, a definition or a condition.

"Let $u = e^{z_k}$", "where $u = …$", "we denote $K = n_y$" introduce a name;
"for $i = j$", "if $i \\neq j$", "save for $u = k$" state when something else
holds.  Neither is a claim to be judged: ``role`` reads the words between the
previous formula and this one (within the sentence) and says which, or None
for a claim.  A definition may still be shown ✓ when the network agrees with it
(checker.check_text), but it is never called wrong.
"""
import re

import sympy as sp

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n[ \t]*\n|^\s*[#>|-]|\n\s*[-*+]\s", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z]+")
# a word (or two) anywhere in the clause before the formula that makes it a definition
DEFINING = {"let", "denote", "denotes", "denoting", "define", "defines", "defining",
            "abbreviate", "shorthand", "notation", "call"}
DEFINING_PAIRS = {("defined", "as"), ("defined", "by"), ("is", "called"), ("stand", "for"),
                  ("stands", "for"), ("short", "for")}
# the word right before the formula
JUST_BEFORE = {"where": "definition", "with": "definition", "write": "definition",
               "writing": "definition", "set": "definition", "setting": "definition",
               # "Take $x = 1, w_1 = 0.5$": the example's numbers, chosen, not claimed
               "take": "definition", "suppose": "definition", "assume": "definition",
               "assuming": "definition", "given": "definition", "choose": "definition",
               "for": "condition", "if": "condition", "when": "condition",
               "whenever": "condition", "unless": "condition", "iff": "condition",
               "and": None, "or": None}
PAIRS_BEFORE = {("save", "for"): "condition", ("except", "for"): "condition",
                ("except", "when"): "condition", ("only", "if"): "condition",
                ("such", "that"): "condition", ("case", "of"): "condition",
                ("in", "case"): "condition", ("assuming", "that"): "condition",
                ("assume", "that"): "condition", ("we", "write"): "definition",
                # "away from $s = 0$", "except at $z = 0$": where a line does not hold
                ("away", "from"): "condition", ("except", "at"): "condition",
                ("apart", "from"): "condition", ("except", "where"): "condition"}


def clause_before(prose):
    """The words of ``prose`` after its last sentence end, lower case."""
    cut = 0
    for m in _SENTENCE_END.finditer(prose):
        cut = m.end()
    return [w.lower() for w in _WORD.findall(prose[cut:])]


def role(prose, previous=None):
    """'definition', 'condition' or None (a claim) for a formula after ``prose``;
    ``previous`` is the role of the formula before it in the same clause ("where
    $u = …$ and $v = …$": both are definitions)."""
    words = clause_before(prose)
    if not words:
        return None
    if len(words) >= 2 and tuple(words[-2:]) in PAIRS_BEFORE:
        return PAIRS_BEFORE[tuple(words[-2:])]
    last = words[-1]
    if last in JUST_BEFORE:
        found = JUST_BEFORE[last]
        if found is None:  # "and", "or": the same as the formula before, in this clause
            return previous or _defining(words)
        return found
    if len(words) <= 2 and previous and last in ("respectively", "resp"):
        return previous
    return _defining(words)


_SIMPLE = re.compile(r"\s*(?:[A-Za-z]|\\ell|[0-9]+|[A-Za-z]\s*[+-]\s*1)\s*")


def is_condition(chain):
    """A condition is about letters and whole numbers (``i = j``, ``u = k``, ``l = L``,
    ``x = 0``); "the same for $h_2 = 0.5969$" is a claim after all."""
    sides = [chain.lhs] + [link.rhs for link in chain.links]
    return all(s is not None and _SIMPLE.fullmatch(s.s) for s in sides)


# the left side of a forward-pass definition: a name, maybe with scripts and arguments
# (y, a_1, A^{[i]}, C(a), z^l(w^l), \mathcal{L}(\hat{y}, y)), never a derivative, an error
# δ or a parameter being updated
_FORWARD_LHS = re.compile(r"\s*(?:\\(?:mathcal|mathrm|mathbf|hat|bar|boldsymbol)\s*\{?\s*)?"
                          r"[A-VX-Za-ac-uxyz]\}?(?:\s*[_^]\s*(?:\{[^{}]*\}|[A-Za-z0-9]))*"
                          r"\s*(?:\((?:[^()]|\([^()]*\))*\))?\s*")
_NUMBER = re.compile(r"\s*-?[0-9.]+\s*")


def forward_definition(chain):
    r"""Whether ``chain`` defines a quantity of the forward pass by a formula
    (``y = \sigma(z)``, ``C(a) = (a - y)^2``): no derivative on its left, a
    formula (not a number) on its right."""
    if chain.lhs is None or not chain.links or chain.prefix:
        return False
    lhs = chain.lhs.s
    if not _FORWARD_LHS.fullmatch(lhs) or re.search(r"\\(?:partial|delta|nabla|Delta)|'|\+", lhs):
        return False
    first = chain.links[0]
    return first.relation in ("=", ":=") and not _NUMBER.fullmatch(first.rhs.s)


_WORDS_RHS = re.compile(r"\s*(?:\\(?:text|mathrm|textrm|mathit)\s*\{\s*)?([A-Za-z]{4,})\s*\}?\s*[.,;]?\s*")


def described_in_words(chain, is_math_word):
    """Whether ``chain`` says in words what a symbol is (``L_h = input``,
    ``L_k = output``): one '=' and, on its right, one word of prose, no formula."""
    if chain.lhs is None or len(chain.links) != 1 or chain.links[0].relation != "=":
        return False
    m = _WORDS_RHS.fullmatch(chain.links[0].rhs.s)
    return m is not None and not is_math_word(m.group(1))


def _defining(words):
    if any(w in DEFINING for w in words):
        return "definition"
    if any(p in DEFINING_PAIRS for p in zip(words, words[1:])):
        return "definition"
    return None


# "with a learning rate of `0.1`", "learning rate η = 0.5", "a learning rate of $\alpha = 0.01$",
# "η (Learning Rate) = 0.00001"
_RATE_SENTENCE = re.compile(
    r"(?:(?P<before>\\eta|\\alpha|η|α)\s*\(\s*)?"
    r"learning[ -]rate\s*(?:\(?\s*\$?\s*(?P<symbol>\\eta|\\alpha|η|α)\s*\$?\s*\)?)?\s*\)?\s*"
    r"(?:of|is|=|:|equal to|set to)?\s*[`$]?\s*(?:(?P<named>\\eta|\\alpha|η|α)\s*=\s*)?"
    r"(?P<value>\d*\.\d+|\d+)(?![\d.]*[A-Za-z])", re.IGNORECASE)


_SPACES = re.compile(r"\s+")


def stated_rate(text):
    """(``'eta'`` or ``'alpha'``, the printed number) of the one learning rate the prose
    states in words ("with a learning rate of 0.1"), or None when it states none or two."""
    # one space for every run of them: the pattern's optional pieces between its \s* then
    # meet at most one space each, so a long run cannot make its search blow up
    text = _SPACES.sub(" ", text)
    found = {("alpha" if (m.group("symbol") or m.group("named") or m.group("before") or "")
              in ("\\alpha", "α") else "eta",
              m.group("value")) for m in _RATE_SENTENCE.finditer(text)}
    if len(found) != 1:
        return None
    name, value = found.pop()
    return name, sp.Rational(value)


__all__ = ["clause_before", "described_in_words", "forward_definition", "is_condition", "role",
           "stated_rate"]
