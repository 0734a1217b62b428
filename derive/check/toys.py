"""A worked toy example inside a derivation: its own small graph, for the lines about it.

Answers that explain the chain rule often stop for "a simple example" written on one
line, ``C = x^2 + xy, \\quad x = 2z, \\quad y = z^2``, and then differentiate it
(``\\frac{dC}{dz} = \\frac{\\partial C}{\\partial x}\\frac{dx}{dz} + … = 8z + 6z^2``), or
work cs231n's circuit ``q = x + y`` and ``f = qz``; a sheet of formulas defines
``s = sigmoid(z)`` and then gives ``\\frac{ds}{dz} = s(1-s)``.  The rest of the document is
about its network; these few lines are about the toy.  Read on that network, x, y and z
are the network's input, target and weighted input, and nothing about them can be
decided.

``read_toys`` finds such a line (definitions of one-letter names, alone or side by side,
that the document's own forward pass does not take, read with
``read_declared(toy=True)``) and the lines after it that name only the toy's
quantities; ``check_toys`` checks those lines on the toy's graph and the rest of the
document on the network it would have been checked on anyway, in one report in line
order.
"""
import re
from dataclasses import dataclass

from derive.check.checker import name_fonts, read_input
from derive.check.limits import CheckInputError
from derive.check.read.declared import is_loss, read_declared
from derive.check.read.equations import extract
from derive.check.read.extract import is_equation
from derive.check.read.latexformula import NotAFormula, graph_formula, has_name, name_of, unfont
from derive.check.read.parse import is_math_word
from derive.check.read.text import Source
from derive.check.report import SectionsReport
from derive.check.sections import Part, check_parts, masked

MAX_TOYS = 5
MAX_ATTEMPTS = 20  # lines of definitions tried as a toy's
MAX_CHARS = 200_000  # each toy and the rest are read on their own: a bound on that work
_SHORT = re.compile(r"[A-Za-z][0-9]?")  # C, x, q, x1: a toy's names, not net_{h1}
_FUNCTION_WORDS = {"exp", "log", "ln", "sin", "cos", "tanh", "sigmoid", "max", "min"}
_COMMAND = re.compile(r"\\[A-Za-z]+")
_TOKEN = re.compile(r"[A-Za-z]+(?:_\{[^{}]*\}|_[A-Za-z0-9])?")


class Toy(Part):
    """A ``Part`` with no heading: lines ``first``–``last``, about the toy ``declared``."""

    def describe(self):
        return {**super().describe(), "kind": "example", "line": self.first, "network": None,
                "givens": {}}


@dataclass
class Rest:
    """The lines of the document outside its toys, on the network they were checked on."""

    first: int
    last: int
    network: object = None  # as checked (a softmax document's own kind): set from its report

    def describe(self):
        network = self.network
        declared = getattr(network, "declared", None)
        out = {"kind": "rest", "section": None, "lines": [self.first, self.last],
               "network": declared.describe() if declared is not None else None,
               "cost": network.cost_name, "givens": {}}
        if declared is not None:
            return {**out, "params": [str(n.symbol) for n in network.params]}
        return {**out, "widths": "-".join(map(str, network.widths)),
                "assumed": getattr(network, "by_default", False),
                "params": ["w", "b"] if network.bias else ["w"]}


def _line(source, chain):
    text = chain.lhs if chain.lhs is not None else chain.links[0].rhs
    return source.line_col(text.first_origin())[0]


def _definition(chain):
    """The name ``chain`` defines with a formula of other names, or None."""
    if not is_equation(chain) or chain.prefix:
        return None
    try:
        target, formula = name_of(chain.lhs.s), graph_formula(chain.links[0].rhs.s)
    except NotAFormula:
        return None
    return target if has_name(formula) and _SHORT.fullmatch(target) else None


def _foreign(chain, names, letters):
    """Whether ``chain`` names something that is not one of the toy's quantities."""
    texts = ([chain.lhs.s] if chain.lhs is not None else []) + [l.rhs.s for l in chain.links]
    for text in texts:
        for token in _TOKEN.findall(_COMMAND.sub(" ", unfont(text))):
            if "_" in token:
                try:
                    token = name_of(token)
                except NotAFormula:
                    return True
            bare = token[1:] if token[0] == "d" and len(token) > 1 else token
            if token in names or bare in names or token in _FUNCTION_WORDS or token == "d":
                continue
            if not (set(token) <= letters or set(bare) <= letters):
                return True
    return False


def _one_variable(graph):
    """Whether a lone definition is a function of one variable (``s = sigmoid(z)``), as a
    sheet of formulas gives one, not a loss of the network's output and target
    (``L = -(y \\log \\hat y + …)``), which the network derive assumes reads itself."""
    leaves = [n for n in graph.nodes if n.is_leaf]
    return len(leaves) == 1 and not is_loss(graph.cost_name)


def read_toys(text, kind="md", name="<input>"):
    """[Toy] of the document: each toy example and the lines about it; [] when it has
    none, or when its own forward pass is the toy (then it is simply its network)."""
    if kind not in ("md", "tex") or len(text) > MAX_CHARS:
        return []
    source = Source(text, name)
    try:
        chains, _ = extract(source, kind, is_math_word)
    except Exception:  # noqa: BLE001 - an unreadable file is the checker's to report
        return []
    whole = read_declared(text, kind, name)
    taken = set(whole.lines) if whole is not None else set()
    by_line = {}
    for chain in chains:
        by_line.setdefault(_line(source, chain), []).append(chain)
    lines = text.split("\n")
    toys, attempts = [], 0
    for line, on_line in sorted(by_line.items()):
        if toys and line <= toys[-1].last or line in taken:
            continue
        defining = len([c for c in on_line if _definition(c)])
        if not defining:
            continue
        attempts += 1
        if attempts > MAX_ATTEMPTS:
            break  # each attempt reads the document's forward pass again: a bound on that
        declared = read_declared(masked(lines, (line, line)), kind, name, toy=True)
        if declared is None or defining == 1 and not _one_variable(declared.graph):
            continue
        names = {str(n.symbol) for n in declared.graph.nodes} | {declared.graph.cost_name}
        letters = {n for n in names if len(n) == 1}
        last = line
        for later, chains_there in sorted(by_line.items()):
            if later <= line:
                continue
            if any(_foreign(c, names, letters) for c in chains_there):
                break
            last = later
        if last > line:
            toys.append(Toy(None, line, last, declared))
        if len(toys) >= MAX_TOYS:
            break
    return toys


def document_toys(path):
    """``read_toys`` of the file at ``path``; [] when it cannot be read (the checker
    reports that)."""
    try:
        text, name, kind = read_input(path)
    except CheckInputError:
        return []
    return read_toys(name_fonts(text), kind, name)


def check_toys(path_or_dash, toys, network_of, strict=False, seed=0, seconds=None,
               progress=None):
    """One report for the file at ``path_or_dash``: each toy's lines on its graph, the
    rest on ``network_of(text, name, kind)`` → (network, notation, assumed), the network
    the document outside its toys declares or derive assumes."""
    text, name, kind = read_input(path_or_dash)
    lines = text.split("\n")
    rest_text = masked(lines, *_gaps([(t.first, t.last) for t in toys], len(lines)))
    network, notation, assumed = network_of(name_fonts(rest_text), name, kind)
    jobs = [(Rest(1, len(lines)), rest_text, network, notation, assumed)]
    jobs += [(toy, masked(lines, (toy.first, toy.last)), toy.declared.graph, notation, False)
             for toy in toys]
    done = check_parts(jobs, name, kind, strict, seed, seconds, progress)
    for part, report in done:
        if isinstance(part, Rest):
            part.network = report.network
    return SectionsReport(done, name=name, strict=strict, in_line_order=True)


def _gaps(spans, n_lines):
    """The line ranges of 1…``n_lines`` outside ``spans`` (sorted, disjoint)."""
    out, at = [], 1
    for a, b in spans:
        if a > at:
            out.append((at, a - 1))
        at = b + 1
    if at <= n_lines:
        out.append((at, n_lines))
    return out


__all__ = ["Toy", "check_toys", "document_toys", "read_toys"]
