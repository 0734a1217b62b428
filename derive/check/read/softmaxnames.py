"""The names a softmax derivation gives its own output, scores, target and loss.

Derivations of softmax with cross-entropy rarely write derive's ``a^L_j``, ``z^L_j``
and ``C``.  They declare their own names in index form::

    p_j = \\frac{e^{a_j}}{\\sum_k e^{a_k}}        y_i = \\text{softmax}(x)_i = \\frac{e^{x_i}}{\\sum e^{x_d}}
    L = -\\sum_j y_j \\log p_j                    E(t, o) = -\\sum_j t_j \\log o_j

``read_softmax_names`` finds such a definition of the softmax (a name with one unit
index, equal to an exponential of another name with that index over the sum of the
exponentials) and, when there is one, the cross-entropy written in its output (a loss
name equal to minus the sum of a target times the log of the output).  The result
says which letter is the softmax output (``a^L``), which its input (``z^L``), which
the target (``y``) and which the cost (``C``): ``names.Context`` reads those letters
so, and every later line is checked on the softmax network in the author's names.

Where the softmax's input is itself defined as a weighted sum, ``z_j = \\sum_i w_{ij}
h_i + b_j``, its weight, bias and the layer below are read too (``w^L``, ``b^L``,
``a^{L-1}``).  A letter that stands for two quantities is read by its unit index:
with ``o_j = e^{z_j}/…`` and ``z_j = \\sum_i w_{ij} o_i + b``, ``o_j`` is the softmax
output and ``o_i`` the layer below.  An ``L`` that also stands as a layer (``a^L``) is
not the loss, and a softmax fed by an activation (``z = σ(xW)``) is not the layered
network's, so nothing is read there.  ``\\hat{y}`` is the output already; a loss
named with a word (``Loss``) is written as C before parsing (``names.Context.prepare``).
Only regular expressions over the extracted math are used; nothing is evaluated.
"""
import re
from dataclasses import dataclass, replace

from derive.check.read.equations import document_chains
from derive.check.read.extract import is_equation

_SPACE = re.compile(r"\\(?:left|right|displaystyle|limits|,|;|!|:|quad)(?![A-Za-z])|\s+")
_FONT = re.compile(r"\\(?:text|mathrm|mathbf|textbf|boldsymbol|mathit|mathcal|operatorname)"
                   r"\{([^{}]*)\}")


def _idx(a, b):
    """A one-letter unit subscript, braced (group ``a``) or bare (group ``b``)."""
    return r"(?:\{(?P<" + a + r">[a-z])\}|(?P<" + b + r">[a-z]))"


_LETTER = r"[A-Za-z]"
_OUT_LHS = re.compile(r"(?P<name>\\hat\{?y\}?|" + _LETTER + r")_" + _idx("i", "i2")
                      + r"|(?P<hat>\\hat)\{y_" + _idx("i3", "i4") + r"\}")
# e^{x_i} or \exp(x_i): the exponential of a name with one unit index
_EXP = re.compile(r"(?:e\^\{(?P<s>" + _LETTER + r")_" + _idx("i", "i2") + r"\}"
                  r"|\\exp\((?P<t>" + _LETTER + r")_" + _idx("j", "j2") + r"\))")
_SUM = re.compile(r"\\sum(?:_(?:\{[^{}]*\}|[a-z]))?(?:\^(?:\{[^{}]*\}|\w))?")
_LOSS = re.compile(r"(?P<loss>[LECJ]|Loss|loss|CE)(?:\([^()]*\))?")
_CE = re.compile(r"-\\sum(?:_(?:\{[^{}]*\}|[a-z]))?(?:\^(?:\{[^{}]*\}|\w))?"
                 r"(?P<t>" + _LETTER + r")_(?:\{[a-z]\}|[a-z])(?:\\cdot)?\\(?:log|ln)"
                 r"(?:\((?P<o1>.+)\)|(?P<o2>.+))")


@dataclass(frozen=True)
class SoftmaxNames:
    """Which of the author's letters is which quantity of the softmax network."""

    output: str  # the softmax output (a^L), as the builder names its head: 'p', 'y'
    score: str  # the softmax input (z^L)
    index: str = None  # the output's unit index in the softmax definition (p_j: 'j')
    target: str = None  # the target of the cross-entropy (y)
    loss: str = None  # the cross-entropy (C)
    line: int = None  # the softmax definition's line
    loss_line: int = None
    shared: bool = False  # the output's letter also names the layer below (o_i in w_ij o_i)
    below: tuple = None  # (letter, index, weight, bias, line) of z_j = Σ_i w_ij o_i + b

    def aliases(self):
        """{letter: (meaning, line, by_index)} for ``names.Context``; ``by_index`` (or
        None) reads a letter by its unit index: ``o_j`` the output, ``o_i`` the layer
        below, where the document writes both."""
        out = {}
        if self.below is not None:
            letter, index, weight, bias, line = self.below
            out[weight] = ("weight", line, None)
            if bias is not None:
                out[bias] = ("bias", line, None)
            if letter != self.output:
                out[letter] = ("below", line, None)
        if self.output != "hat" and not self.shared:
            out[self.output] = ("output", self.line, None)
        elif self.output != "hat" and self.below is not None and self.below[0] == self.output \
                and self.below[1] != self.index:
            out[self.output] = ("output", self.line, {self.index: ("output", self.line),
                                                      self.below[1]: ("below", self.below[-1])})
        out[self.score] = ("score", self.line, None)
        if self.target is not None and (self.target != "y" or self.output == "y"):
            out[self.target] = ("target", self.loss_line, None)  # y is the target already
        if self.loss is not None:
            out[self.loss] = ("cost", self.loss_line, None)
        return out

    def lines(self):
        below = self.below[-1] if self.below is not None else None
        return {n for n in (self.line, self.loss_line, below) if n is not None}


def _flat(s):
    s = _FONT.sub(r"\1", s)
    return _SPACE.sub("", s).rstrip(".,;")


def _frac(s):
    """(numerator, denominator) of ``\\frac{…}{…}`` filling all of ``s``, else None."""
    if not s.startswith(r"\frac{"):
        return None
    parts, i = [], len(r"\frac")
    for _ in range(2):
        if i >= len(s) or s[i] != "{":
            return None
        depth, j = 0, i
        for j in range(i, len(s)):
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                break
        if depth:
            return None
        parts.append(s[i + 1:j])
        i = j + 1
    return tuple(parts) if i == len(s) else None


def _exp(s):
    """(letter, index) of ``e^{x_i}`` / ``\\exp(x_i)`` filling all of ``s``, else None."""
    m = _EXP.fullmatch(s)
    if m is None:
        return None
    if m.group("s"):
        return m.group("s"), m.group("i") or m.group("i2")
    return m.group("t"), m.group("j") or m.group("j2")


def _softmax(lhs, rhs):
    """(output, score) when ``lhs = rhs`` defines a softmax in index form, else None."""
    m = _OUT_LHS.fullmatch(lhs)
    parts = _frac(rhs)
    if m is None or parts is None:
        return None
    index = m.group("i") or m.group("i2") or m.group("i3") or m.group("i4")
    top = _exp(parts[0])
    s = _SUM.match(parts[1])
    bottom = _exp(parts[1][s.end():]) if s else None
    if top is None or bottom is None or top[1] != index or top[0] != bottom[0]:
        return None
    name = "hat" if m.group("hat") or m.group("name").startswith("\\hat") else m.group("name")
    if name == top[0] or name in ("e", "d"):
        return None
    return name, top[0], index


def _cross_entropy(lhs, rhs, output):
    """(loss, target) when ``lhs = rhs`` is the cross-entropy of ``output``, else None."""
    m, c = _LOSS.fullmatch(lhs), _CE.fullmatch(rhs)
    if m is None or c is None:
        return None
    arg = c.group("o1") or c.group("o2")
    a = re.fullmatch(r"(?P<n>\\hat\{?y\}?|" + _LETTER + r")_(?:\{[a-z]\}|[a-z])|\\hat\{y_[a-z]\}", arg)
    if a is None or ("hat" if a.group("n") is None or a.group("n").startswith("\\hat")
                     else a.group("n")) != output:
        return None
    if c.group("t") == output:
        return None
    return m.group("loss"), c.group("t")


_WSUM = re.compile(r"\\sum_(?:\{(?P<k>[a-z])[^{}]*\}|(?P<k2>[a-z]))(?:\^(?:\{[^{}]*\}|\w))?"
                   r"(?P<w>[wW])_\{?(?P<p>[a-z])(?P<q>[a-z])\}?(?:\\cdot)?"
                   r"(?P<a>[A-Za-z])_\{?(?P<k3>[a-z])\}?(?:\+(?P<b>b)(?:_\{?[a-z]\}?)?)?")


def _weighted_sum(chain, score):
    """(letter, index, weight, bias) of ``z_j = \\sum_i w_{ij} o_i + b``, the softmax's
    input as a weighted sum of the layer below, else None."""
    if not is_equation(chain):
        return None
    m = re.fullmatch(re.escape(score) + r"_(?:\{(?P<j>[a-z])\}|(?P<j2>[a-z]))", _flat(chain.lhs.s))
    w = _WSUM.fullmatch(_flat(chain.links[0].rhs.s))
    if m is None or w is None:
        return None
    j, k = m.group("j") or m.group("j2"), w.group("k") or w.group("k2")
    if k != w.group("k3") or {w.group("p"), w.group("q")} != {j, k} or j == k:
        return None
    return w.group("a"), k, w.group("w"), w.group("b")


def _used_below(text, letter):
    """Whether ``letter`` with a unit index stands in a weighted sum (``w_{ij} o_i``):
    then it is a layer below the softmax as well, and cannot be read as its output."""
    pat = re.compile(r"w_\{?[a-z]{2}\}?\s*" + re.escape(letter) + r"_")
    return pat.search(text) is not None


_ACTIVATION = re.compile(r"\\sigma|sigmoid|\\tanh|tanh|relu|ReLU|\\max|max\(")


def _activated(chain, score):
    """Whether ``chain`` defines the softmax's input ``score`` as an activation's output."""
    if chain.lhs is None or not chain.links:
        return False
    lhs = _flat(chain.lhs.s)
    return (re.fullmatch(re.escape(score) + r"(?:_(?:\{[a-z]\}|[a-z]))?", lhs) is not None
            and _ACTIVATION.search(chain.links[0].rhs.s) is not None)


def read_softmax_names(text, kind="md", name="<input>"):
    """The ``SoftmaxNames`` the document declares, or None when it defines no softmax
    in index form (or its letters are used for other quantities too)."""
    source, chains = document_chains(text, kind, name)
    if chains is None:
        return None
    found = None
    for chain in chains:
        if not is_equation(chain):
            continue
        lhs = _flat(chain.lhs.s)
        for link in chain.links[:3]:
            got = _softmax(lhs, _flat(link.rhs.s)) if link.relation == "=" else None
            if got is not None:
                found = SoftmaxNames(got[0], got[1], got[2],
                                     line=source.line_col(link.rhs.first_origin())[0])
                break
        if found is not None:
            break
    if found is None or found.output in ("a", "z") and found.score in ("a", "z"):
        return None  # none, or derive's own a = softmax(z), which needs no new names
    if any(_activated(chain, found.score) for chain in chains):
        return None  # z = σ(x W) feeds the softmax: not the layered network's z^L
    if found.output != "hat" and _used_below(_flat(text), found.output):
        found = replace(found, shared=True)
    for chain in chains:
        below = _weighted_sum(chain, found.score)
        if below is not None:
            found = replace(found, below=below + (source.line_col(
                chain.links[0].rhs.first_origin())[0],))
            break
    for chain in chains:
        if not is_equation(chain):
            continue
        got = _cross_entropy(_flat(chain.lhs.s), _flat(chain.links[0].rhs.s), found.output)
        if got is not None:
            loss, target = got
            if loss == "L" and re.search(r"\^\s*\{?\s*[(\[]?\s*L\b", text):
                loss = None  # L is a layer here (a^L), not the loss
            found = replace(found, target=target, loss=loss, loss_line=source.line_col(
                chain.links[0].rhs.first_origin())[0])
            break
    return found
