"""Several networks in one document, one per section.

Tutorial sheets and course notes work more than one example: "Exercise 1" declares a
network with one hidden sigmoid neuron, "Exercise 2" another with a tanh neuron and
other names.  Read as one forward pass, the second section's definitions would be
mixed into the first's (a name defined twice keeps its first definition), and the
first section's lines would be judged on a network that is not theirs.

``read_sections`` splits the document at its headings (Markdown ``#``, LaTeX
``\\section``) and reads each section's own forward pass (``read.declared``) from
that section alone.  A section that declares none continues the one before it (the
"Backward" section after "Forward pass"), and so does one whose forward pass builds
on names an earlier section defined, or only repeats its definitions; but one that
redefines a quantity of the section before it ("Using ReLU instead": ``h = \\max(0, w_1
x)``) declares that network with the new definition in place.  Only when two
or more sections declare networks of their own is the document checked section by
section: ``check_sections`` checks every part's lines (the others blanked, so line
numbers stay) on that part's network, and one report says which network was read
for which section, from which lines.
"""
import re
from dataclasses import dataclass

from derive.check.checker import check_text, name_fonts, read_input
from derive.check.limits import LIMITS, CheckInputError, Deadline
from derive.check.read.declared import read_declared
from derive.check.report import SectionsReport

MAX_SECTIONS = 30  # more headings than this: read as one document, as before
MAX_CHARS = 200_000  # each section is read on its own: a bound on the work that takes

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
_TEX_HEADING = re.compile(r"^\s*\\(?:sub)*section\*?\s*\{(?P<title>[^{}]*)\}")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass
class Part:
    """Lines ``first``–``last`` of the document (from 1), checked on ``declared``."""

    title: str
    first: int
    last: int
    declared: object  # read.declared.DeclaredNetwork

    def describe(self):
        graph = self.declared.graph
        return {"section": self.title, "lines": [self.first, self.last],
                "network": self.declared.describe(), "cost": graph.cost_name,
                "params": [str(n.symbol) for n in graph.params],
                "givens": {k: str(v) for k, v in sorted(self.declared.givens.items())}}


def headings(text, kind):
    """[(line, title)] of the document's section headings, outside code blocks."""
    out, fenced = [], False
    for n, line in enumerate(text.split("\n"), start=1):
        if kind == "md" and _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        m = (_MD_HEADING if kind == "md" else _TEX_HEADING if kind == "tex" else None)
        m = m.match(line) if m is not None else None
        if m:
            out.append((n, m.group("title").strip() or f"line {n}"))
    return out


def masked(lines, *keep):
    """The document with every line outside the ranges ``keep`` ((first, last), from 1)
    blank: line numbers stay."""
    return "\n".join(line if any(a <= n <= b for a, b in keep) else ""
                     for n, line in enumerate(lines, start=1))


def read_sections(text, kind="md", name="<input>"):
    """The ``Part`` of each network the document declares section by section, or None
    when fewer than two sections declare networks of their own (the document is then
    read as one, as before)."""
    if kind not in ("md", "tex") or len(text) > MAX_CHARS:
        return None
    found = headings(text, kind)
    if len(found) < 2 or len(found) > MAX_SECTIONS:
        return None
    lines = text.split("\n")
    bounds = [(1 if i == 0 else start, (found[i + 1][0] - 1) if i + 1 < len(found)
               else len(lines), title) for i, (start, title) in enumerate(found)]
    parts = []
    for first, last, title in bounds:
        declared = read_declared(masked(lines, (first, last)), kind, name)
        if parts and (declared is None or _continues(declared, parts)):
            declared = _redefining(lines, parts[-1], first, last, kind, name) or declared
        if declared is not None and not _continues(declared, parts):
            parts.append(Part(title, first, last, declared))
        elif parts:
            parts[-1].last = last  # no network of its own: the section before goes on
        # before any network: the first part takes these lines when it starts
    if len(parts) < 2:
        return None
    parts[0].first = 1
    return parts


def _redefining(lines, before, first, last, kind, name):
    """The network of a section that changes one definition of the section before it
    ("Using ReLU instead": h = max(0, w_1 x) for h = σ(w_1 x)): that network with the
    new definition in place of the old; None when the section redefines nothing."""
    from derive.check.read.equations import extract
    from derive.check.read.latexformula import NotAFormula, graph_formula, has_name, name_of
    from derive.check.read.parse import is_math_word
    from derive.check.read.text import Source

    try:
        chains, _ = extract(Source(masked(lines, (first, last)), name), kind, is_math_word)
    except Exception:  # noqa: BLE001 - an unreadable section is the checker's to report
        return None
    changed = set()
    for chain in chains:
        if chain.lhs is None or not chain.links or chain.links[0].relation != "=":
            continue
        try:
            target, formula = name_of(chain.lhs.s), graph_formula(chain.links[0].rhs.s)
        except NotAFormula:
            continue
        if target in before.declared.defined and has_name(formula) \
                and before.declared.defined[target] != formula:
            changed.add(target)  # a formula, not the example's number for it
    if not changed:
        return None
    text = masked(lines, (before.first, before.last), (first, last))
    declared = read_declared(text, kind, name, redefined_from=first)
    if declared is None or any(declared.defined.get(n) == before.declared.defined[n]
                               for n in changed):
        return None
    return declared


def _continues(declared, parts):
    """Whether a section's forward pass is the earlier sections' network going on: it
    uses a name they define (out_{h1} in the output layer's section) or only repeats
    their definitions."""
    earlier = {}
    for part in parts:
        earlier.update(part.declared.defined)
    if not earlier:
        return False
    leaves = {str(n.symbol) for n in declared.graph.nodes if n.is_leaf}
    repeats = all(earlier.get(n) == f for n, f in declared.defined.items())
    return repeats or bool(leaves & set(earlier))


def document_sections(path):
    """``read_sections`` of the file at ``path``; None when it cannot be read (the
    checker reports that) or declares at most one network."""
    try:
        text, name, kind = read_input(path)
    except CheckInputError:
        return None
    return read_sections(name_fonts(text), kind, name)


def check_sections(path_or_dash, parts, notation, strict=False, seed=0, seconds=None,
                   progress=None):
    """One report for the file at ``path_or_dash``: each part's lines checked on the
    network that part declares.  The file's time budget is shared by the parts."""
    text, name, kind = read_input(path_or_dash)
    lines = text.split("\n")
    jobs = [(part, masked(lines, (part.first, part.last)), part.declared.graph, notation, False)
            for part in parts]
    return SectionsReport(check_parts(jobs, name, kind, strict, seed, seconds, progress),
                          name=name, strict=strict)


def check_parts(jobs, name, kind, strict=False, seed=0, seconds=None, progress=None):
    """[(part, report)]: each job's (part, text, network, notation, assumed) text checked
    on its network, the file's time budget shared by them; a part with no equations of
    its own (its network's lines only) has no report."""
    seconds = LIMITS.file_seconds if seconds is None else seconds
    deadline = Deadline(seconds)
    done = []
    for part, text, network, notation, assumed in jobs:
        remaining = deadline.remaining
        if remaining <= 0:
            break
        try:
            report = check_text(text, network, notation, kind=kind, name=name, strict=strict,
                                seed=seed, seconds=remaining, progress=progress,
                                assumed=assumed)
        except CheckInputError:
            continue
        done.append((part, report))
    if not done:
        raise CheckInputError(f"no equations found in {name}; write each step as lhs = rhs")
    return done
