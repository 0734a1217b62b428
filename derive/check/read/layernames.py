"""The names a derivation gives one unit of any layer, in its own letters and words.

Derivations in the style of encyclopedia articles write a neuron j of some layer,
not derive's ``z^l_j = Σ_k w^l_{jk} a^{l-1}_k + b^l_j``::

    net_j = \\sum_k w_{kj} o_k        o_j = \\sigma(net_j)        E = \\frac{1}{2} \\sum_j (t_j - o_j)^2

``read_layer_names`` finds the weighted sum (a name with one unit index j equal to a
sum over k of a weight with the indices j and k times a letter with the index k; the
sum may stand inside the activation, ``o_j = φ(net_j) = φ(Σ_k w_{kj} o_k)``) and reads
it for a general layer l: the name is the weighted input z^l, the letter written with
j the unit's output a^l, the same letter with any other index the layer below
a^{l-1} (one letter for every layer's outputs, told apart by index, as these
derivations do).  A quadratic error in the output letter names the loss and the target.
The weight letter must be derive's ``w`` and the bias, if any, ``b``: they are read
as any layer's already.  Lines are then judged at every layer l, so a line that holds
only at the output layer (∂E/∂o_j = o_j − t_j) is unknown, with that reason; nothing
is read at a fixed layer.  Only regular expressions over the extracted math are used.
"""
import re
from dataclasses import dataclass, replace

from derive.check.read.equations import document_chains
from derive.check.read.extract import is_equation
from derive.check.read.softmaxnames import _flat as flat

_NAME = r"(?P<s>[A-Za-z]{1,5})_(?:\{(?P<j>[a-z])\}|(?P<j2>[a-z]))"
_WSUM = re.compile(r"\\sum_(?:\{(?P<k>[a-z])[^{}]*\}|(?P<k2>[a-z]))(?:\^(?:\{[^{}]*\}|\w))?"
                   r"(?:\\left)?\(?w_\{?(?P<p>[a-z])(?P<q>[a-z])\}?(?:\\cdot)?"
                   r"(?P<a>[A-Za-z])_\{?(?P<k3>[a-z])\}?(?:\+b(?:_\{?[a-z]\}?)?)?(?:\\right)?\)?")
_APPLIED = re.compile(r"(?P<f>\\varphi|\\phi|\\sigma|\\theta|[fg])(?:\\left)?\((?P<arg>.*)(?:\\right)?\)")
_COST = re.compile(r"(?P<loss>E|L|C|J)(?:_\{?total\}?)?")
_SQUARE = re.compile(r"\\frac\{1\}\{2\}\\sum_(?:\{[a-z][^{}]*\}|[a-z])(?:\^(?:\{[^{}]*\}|\w))?"
                     r"(?:\\left)?\((?P<x>[a-z])_\{?(?P<i>[a-z])\}?-(?P<y>[a-z])_\{?(?P=i)\}?"
                     r"(?:\\right)?\)\^\{?2\}?")
# derive's own letters: read as themselves (a general layer's a, z) or as other things
_RESERVED = {"a", "w", "b", "x", "y", "C", "e", "d", "delta", "sigma"}


@dataclass(frozen=True)
class LayerNames:
    """Which of the author's names is which quantity of a unit of a general layer."""

    score: str  # the weighted input (z^l): 'net'
    output: str  # the unit's output (a^l) when written with ``index``: 'o'
    index: str  # the unit's index in the weighted sum: 'j'
    line: int
    target: str = None
    loss: str = None
    loss_line: int = None
    from_first: bool = False  # w_{kj} is the weight from unit k into unit j
    below: tuple = ()  # the index letters of units of the layer below: k, i

    def aliases(self):
        """{name: (meaning, line, by_index)} for ``names.Context``: ``o_j`` the output of
        unit j of layer l, ``o_k`` a unit of layer l - 1 (``k`` the index of the weighted
        sum, or of any weight into j the document writes: ``w_{ij}``); ``o`` with another
        index (``o_ℓ`` of the layer above) is not read."""
        below = {c: ("unit_below", self.line) for c in self.below}
        out = {self.score: ("unit_score", self.line, None),
               self.output: ("unit_output", self.line,
                             {**below, self.index: ("unit_output", self.line)})}
        if self.target is not None and self.target not in ("y", "t"):
            out[self.target] = ("target", self.loss_line, None)
        if self.loss is not None and self.loss != "C":
            out[self.loss] = ("cost", self.loss_line, None)
        return out

    def lines(self):
        return {n for n in (self.line, self.loss_line) if n is not None}


def _weighted(rhs):
    """(letter, index k, index pair) of ``Σ_k w_{kj} o_k`` filling ``rhs`` (or the
    argument of an activation applied to it), else None."""
    applied = _APPLIED.fullmatch(rhs)
    if applied is not None:
        rhs = applied.group("arg")
    m = _WSUM.fullmatch(rhs)
    if m is None:
        return None
    k = m.group("k") or m.group("k2")
    if k != m.group("k3"):
        return None
    return m.group("a"), k, {m.group("p"), m.group("q")}, m.group("p") == k


def _definition(chain):
    """(score, output letter, j, from_first, k) of a chain that defines the weighted input
    (``from_first``: its weight ``w_{kj}`` names the unit it leaves first), else None:
    ``net_j = Σ_k w_{kj} o_k`` or ``o_j = φ(net_j) = φ(Σ_k w_{kj} o_k)``."""
    lhs = re.fullmatch(_NAME, flat(chain.lhs.s))
    if lhs is None:
        return None
    name, j = lhs.group("s"), lhs.group("j") or lhs.group("j2")
    rhs = [flat(link.rhs.s) for link in chain.links[:3] if link.relation == "="]
    for r in rhs:
        got = _weighted(r)
        if got is None or got[2] != {j, got[1]} or got[1] == j:
            continue
        if r.startswith(("\\", "f(", "g(")) and _APPLIED.fullmatch(r):
            # o_j = φ(net_j) = φ(Σ …): the output is the chain's name, the score φ's
            # argument on another link
            for other in rhs:
                a = _APPLIED.fullmatch(other)
                arg = re.fullmatch(_NAME, a.group("arg")) if a is not None else None
                if arg is not None and (arg.group("j") or arg.group("j2")) == j:
                    return arg.group("s"), name, j, got[3], got[1]
            return None
        return name, got[0], j, got[3], got[1]
    return None


def read_layer_names(text, kind="md", name="<input>"):
    """The ``LayerNames`` the document declares, or None where it writes none (or writes
    derive's own z and a, which need no new names)."""
    source, chains = document_chains(text, kind, name)
    return None if chains is None else layer_names_in(source, chains)


def layer_names_in(source, chains):
    """``read_layer_names`` of a document already read into ``chains`` (``read.convention``
    has them at hand)."""
    text = source.text
    found = None
    for chain in chains:
        if not is_equation(chain):
            continue
        got = _definition(chain)
        if got is not None:
            score, output, j, from_first, k = got
            if score == output or {score, output} & _RESERVED or score == "z" and output == "a":
                return None
            found = LayerNames(score, output, j, source.line_col(
                chain.links[0].rhs.first_origin())[0], from_first=from_first, below=(k,))
            break
    if found is None:
        return None
    j = found.index
    into = re.compile(r"w_\{?(?P<x>[a-z])" + j + r"\}?" if found.from_first
                      else r"w_\{?" + j + r"(?P<x>[a-z])\}?")
    below = {m.group("x") for m in into.finditer(flat(text))} - {j}
    found = replace(found, below=tuple(sorted(below | set(found.below))))
    for chain in chains:
        if not is_equation(chain):
            continue
        loss, m = _COST.fullmatch(flat(chain.lhs.s)), _SQUARE.fullmatch(flat(chain.links[0].rhs.s))
        if loss is None or m is None or found.output not in (m.group("x"), m.group("y")):
            continue
        target = m.group("y") if m.group("x") == found.output else m.group("x")
        if target == found.output:
            continue
        return replace(found, target=target, loss=loss.group("loss"),
                       loss_line=source.line_col(chain.links[0].rhs.first_origin())[0])
    return found
