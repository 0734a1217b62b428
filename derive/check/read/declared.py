"""The network a derivation declares itself: its own forward pass, in its own names.

Real derivations say what their symbols mean before they differentiate::

    net_{h1} = w_1 \\cdot i_1 + w_2 \\cdot i_2 + b_1 \\cdot 1 = 0.15 \\cdot 0.05 + … = 0.3775
    out_{h1} = \\frac{1}{1+e^{-net_{h1}}}
    E_{o1} = \\frac{1}{2}(target_{o1} - out_{o1})^2
    E_{total} = E_{o1} + E_{o2}

``read_declared`` finds such definitions (a name, ``=``, a formula in other names
and the functions it knows), writes them as the statements of a ``--graph`` file
(``net_h1 = w1*i1 + w2*i2 + b1*1``) and reads that with the ``--graph`` reader, so
the document's network is the same ``Graph`` a ``--graph`` file builds, in the
author's names.  It never evaluates anything: the LaTeX is rewritten token by token
into the graph file's small language, whose own lark grammar builds the sympy
expressions (``derive.model.graphspec``).

A substitution line right after a definition (``= 0.15 \\cdot 0.05 + …``) that has
the definition's shape with numbers in place of names gives those names' numbers
(w1 = 0.15, i1 = 0.05, …): the worked example's givens, read from the document.

A name defined twice keeps its first definition; the later one is a claim the
checker judges.  Definitions that are not of this form (a schematic
``E = \\sum \\frac12 (target - output)^2``, an unknown function ``g(…)``) are left
to the checker, which reports them as it always has.
"""
import re
from dataclasses import dataclass, field

import sympy as sp

from derive.errors import GraphSpecError
from derive.model.graphspec import parse_graph
from derive.check.read.composed import differentiated, own_sigmoids
from derive.check.read.convention import has_unit_indices
from derive.check.read.equations import extract, looks_like_latex
from derive.check.read.extract import is_equation
from derive.check.read.implied import loss_by_slope, only_unit_output
from derive.check.read.meaning import reconcile
from derive.check.read.pinned import claimed, determine
from derive.check.read.plainlatex import as_latex
from derive.check.read.parse import is_math_word
from derive.check.read.ownweights import mark as mark_own, own_weights
from derive.check.read.siblings import infer as infer_siblings
from derive.check.read.text import Source
from derive.check.read.latexformula import (FONTS, NotAFormula, ends, graph_formula, has_name,
                                            name_of, names_used, printed_number, substitutions,
                                            lone_letters, split_letter_runs,
                                            tokens_names)

MAX_DEFINITIONS = 200

_INPUT_STEMS = ("i", "x", "input", "in", "I", "X", "inp")
_TARGET_STEMS = ("t", "target", "ideal", "y", "T", "Y", "tgt", "expected", "label")




@dataclass
class DeclaredNetwork:
    """The document's own forward pass: the graph, where it was read, the numbers."""

    graph: object
    statements: list  # the graph file's statements, in the author's names
    lines: list  # line numbers of the definitions in the document
    givens: dict = field(default_factory=dict)  # name -> sympy Rational
    warnings: list = field(default_factory=list)
    opaque: list = field(default_factory=list)  # leaves standing in for undefined quantities
    own: dict = field(default_factory=dict)  # stand-in -> (what it does not depend on, why)
    repairs: list = field(default_factory=list)  # meaning.Repair: definitions read by their numbers
    defined: dict = field(default_factory=dict)  # name -> formula, in the graph language
    line_of: dict = field(default_factory=dict)  # name -> line of its definition
    head: int = 0  # how many of ``statements`` declare the leaves
    suspect: dict = field(default_factory=dict)  # line -> (name used twice, sibling unused)
    inferred: list = field(default_factory=list)  # siblings.Inference: formulas read by number
    units: dict = field(default_factory=dict)  # given fixed by a printed value -> its width
    loss_undefined: str = None  # the loss the lines differentiate but no line defines
    examples: list = field(default_factory=list)  # (line, givens) of each later example
    implied: list = field(default_factory=list)  # implied.Implied: definitions read, not written

    def describe(self):
        return (f"its own forward pass (lines {', '.join(map(str, self.lines))})")


def read_declared(text, kind="md", name="<input>", redefined_from=None, toy=False):
    """The ``DeclaredNetwork`` of derivation ``text``, or None when it defines no
    forward pass derive can read (then the caller falls back to its defaults).
    Reading the forward pass is a best effort and never fails the check.  From line
    ``redefined_from`` on, a definition replaces an earlier one of the same name (a
    section that swaps one layer of the network before it: ``sections``).  With ``toy``,
    a small function of the chain rule written on one line (C = x^2 + xy, x = 2z,
    y = z^2) is a network too: ``toys`` reads one so, for the lines about it."""
    try:
        return _read(text, kind, name, redefined_from, toy)
    except (NotAFormula, GraphSpecError, ValueError, KeyError, IndexError, AttributeError,
            TypeError, RecursionError):
        return None


_INDEX_NAMED = re.compile(r"(?:^|_)[ijkmn]$")  # net_j, o_k: a unit index, not a unit's name
_WEIGHED = re.compile(r"(?<![\w.])([A-Za-z]\w*)\s*\*\s*(?=([A-Za-z]\w*|\())")


def _read(text, kind, name, redefined_from=None, toy=False):
    if kind == "txt" and not looks_like_latex(text):
        # ŷ = σ(z) in a docstring: the same definitions, spelled in LaTeX, line for line
        text, kind = as_latex(text, is_math_word), "md"
    text = own_sigmoids(text)
    source = Source(text, name)
    try:
        chains, _ = extract(source, kind, is_math_word)
    except Exception:  # noqa: BLE001 - an unreadable file is the checker's to report
        return None
    defined, lines, givens = {}, {}, {}
    printed, numbers = {}, {}  # a definition's printed value; a quantity given as a number
    alone = {}  # a quantity given only by numbers: name -> (value, decimals, line, links)
    substituted = {}  # name -> the numbers claims' substitution lines put for it
    index_named = False  # o_j = softmax(z_j): a definition of unit j, in any formula
    later = []  # (line, its numbers): the examples after the first, in order
    for chain in chains:
        if not is_equation(chain):
            continue
        if chain.prefix:
            continue
        try:
            target = name_of(chain.lhs.s)
        except NotAFormula:  # a claim (∂E/∂out = −(t − out) = −(0.01 − 0.7514)): its numbers
            claimed(chain.links, substituted, graph_formula, substitutions)
            continue
        index_named = index_named or (target is not None and bool(_INDEX_NAMED.search(target)))
        last = printed_number(chain.links[-1].rhs.s)
        formula, at = None, 0
        for at, link in enumerate(chain.links[:3]):
            if link.relation != "=":
                break
            try:
                formula = graph_formula(link.rhs.s)
                break
            except NotAFormula:
                continue
        if formula is None:
            continue
        if target is not None and last is not None and len(chain.links) == 1:
            numbers.setdefault(target, last[0])  # out_{h2} = 0.5969: a stand-in's number
        if target is not None and last is not None and target not in defined \
                and not has_name(formula):
            alone.setdefault(target, (last[0], last[1], source.line_col(
                chain.links[-1].rhs.first_origin())[0], chain.links))
        if target in defined and at == 0 and not has_name(formula):
            # z1 = 0.15 * 0.05 + … on a line of its own after z1 = w1 * x1 + …
            fresh = {}
            substitutions(chain.links, defined[target], fresh)
            line = source.line_col(chain.links[0].rhs.first_origin())[0]
            if any(k in givens and givens[k] != v and _role(k) != "param"
                   for k, v in fresh.items()):
                # another input or target for the same names: the document's next example
                # (other numbers for parameters only are the same example after an
                # update, which ``examples.after_update`` reads)
                later.append((line, fresh))
            elif later and fresh:
                later[-1][1].update({k: v for k, v in fresh.items() if k not in later[-1][1]})
            else:
                for k, v in fresh.items():
                    givens.setdefault(k, v)
        if redefined_from and target in defined and has_name(formula) and lines[target] < \
                redefined_from <= source.line_col(chain.links[at].rhs.first_origin())[0]:
            del defined[target]  # the later section's own definition of it
        if target is None or target in defined or not has_name(formula):
            continue
        if last is not None and at < len(chain.links) - 1:
            printed[target] = last
        if target in tokens_names(formula):
            continue  # x = x + 1 is an update, not a definition
        defined[target] = formula
        lines[target] = source.line_col(chain.links[at].rhs.first_origin())[0]
        substitutions(chain.links[at + 1:], formula, givens)
        if len(defined) >= MAX_DEFINITIONS:
            break
    letters = lone_letters([t for c in chains for t in [c.lhs.s if c.lhs else ""]
                            + [link.rhs.s for link in c.links]])
    defined = split_letter_runs(defined, letters)
    implied = [] if index_named else _implied(text, chains, defined, lines, source)
    if not defined or index_named and has_unit_indices(text):
        # o_j = σ(net_j) beside w_{kj}: unit j of any layer, the index form that
        # ``read.convention`` reads, not a network of one-unit names; an instance of it
        # written out for three units (o_b = e^{z_b}/(e^{z_a} + e^{z_b} + e^{z_c})) is an
        # illustration of that layer, not the document's network
        return None
    # E_{o2} = 0.0236 beside E_{o1} = ½(target_{o1} − out_{o1})²: the formula of E_{o1}
    # for o2, where it gives the printed number (``siblings``)
    defined, givens, inferred = infer_siblings(defined, alone, givens, substitutions, name)
    for inference in inferred:
        lines[inference.name] = inference.line
    used = names_used(defined)
    leaves = sorted(used - set(defined))
    roles = {"param": [], "input": [], "target": []}
    for leaf in leaves:
        roles[_role(leaf)].append(leaf)
    if not roles["param"]:
        return None
    statements = [f"{word}: {', '.join(names)}" for word, names in
                  (("params", roles["param"]), ("input", roles["input"]),
                   ("target", roles["target"])) if names]
    # where a definition and its own printed number disagree, the number says what was
    # meant (a lost minus): that meaning is used for the later lines
    defined, repairs = reconcile(defined, statements, lines, printed,
                                 {**numbers, **givens}, name)
    head = len(statements)
    statements += [f"{n} = {f}" for n, f in defined.items()]
    try:
        graph, warnings = parse_graph("\n".join(statements) + "\n", source=name, role_names=True)
    except GraphSpecError:
        return None
    except Exception:  # noqa: BLE001 - a forward pass we cannot build is no forward pass
        return None
    missing = None
    if not toy and not is_loss(graph.cost_name) and not differentiated(text, graph.cost_name):
        # the last quantity is not a loss (nor an output the document differentiates,
        # O = s(s(I w_1 + 1) …)): a forward pass whose loss the document never
        # defines (its lines differentiate an E it does not write), or no network at all
        missing = _undefined_loss(text, defined)
        if missing is None:
            return None
        graph, statements = _with_undefined_loss(statements, defined, missing, name)
        if graph is None:
            return None
    live = {str(n.symbol) for n in graph.nodes} | {graph.cost_name}
    by_number = {i.name for i in inferred}
    used_lines = sorted({lines[n] for n in defined if n in live and n not in by_number})
    # a forward pass on one line weighs a given quantity by another (w*x); a toy function
    # of the chain rule (C = x^2 + xy, x = 3z, y = z^2) weighs nothing given, and is no
    # network (``toys`` reads it for the lines about it)
    one_line = len([n for n in defined if n in live and n not in by_number]) >= 3 and any(
        m.group(1) in leaves or m.group(2) in leaves
        for f in defined.values() for m in _WEIGHED.finditer(str(f)))
    if len(used_lines) < 2 and not (one_line or toy) and (
            is_loss(graph.cost_name) or not differentiated(text, graph.cost_name)):
        # one definition alone is a claim to check, not a network; but an output
        # O = s(s(I w_1 + 1) …) that the document differentiates is its whole network,
        # and so is a forward pass written on one line (\(z=wx+b\) \(y=σ(z)\) \(L=…\))
        return None
    # a target or a computed value printed only inside a claim's substitution
    exact, units = determine(graph, substituted, givens, numbers)
    givens = {**givens, **exact, **{k: v for k, (v, _) in units.items()}}
    declared = DeclaredNetwork(graph, statements, used_lines,
                               {k: v for k, v in givens.items() if k in leaves}, warnings,
                               repairs=repairs, defined=dict(defined), line_of=dict(lines),
                               head=head, inferred=inferred, loss_undefined=missing,
                               units={k: u for k, (_, u) in units.items()}, implied=implied,
                               examples=_later_examples(later, roles))
    stems = {}
    for n in defined:
        stems.setdefault(_stem(n), n)
    for leaf in leaves:
        node = graph.by_symbol.get(sp.Symbol(leaf))
        if _given_first(leaf, alone, stems.get(_stem(leaf)), lines):
            continue  # h0 = 0.5 above h1 = tanh(…): the example's input, as given
        if node is not None and _stem(leaf) in stems:
            sib = stems[_stem(leaf)]
            node.sibling = graph.cost if sib == graph.cost_name else graph.by_symbol.get(
                sp.Symbol(sib))
            # out_h2 beside a defined out_h1: the document computed it ("the same for
            # h2") without writing its formula, so nothing is known of what it depends on
            node.opaque = True
            declared.opaque.append(leaf)
    # unless the document names the weights of their own units (w_7^+ = …)
    declared.own = own_weights(graph, defined, text)
    mark_own(graph, declared.own)
    graph.source = f"{name}: {declared.describe()}"
    declared.suspect = _suspect(defined, lines, numbers, used)
    graph.declared = declared
    return declared


def _later_examples(later, roles):
    """[(line, numbers, parameters)] of the examples after the first, each from the
    substitution line that gives an input or a target another number (a second sample)."""
    return [(line, dict(numbers), tuple(roles["param"])) for line, numbers in later]


def _given_first(leaf, alone, sibling, lines):
    """Whether ``leaf`` is given a number above the definition of its sibling (``h0 = 0.5``
    above ``h1 = tanh(h1_raw)``): a given of the example, not a sibling the document
    computed the same way after it and printed only as a number (``out_{h2} = 0.5969``
    below ``out_{h1} = …``)."""
    return leaf in alone and sibling in lines and alone[leaf][2] < lines[sibling]


def _implied(text, chains, defined, lines, source):
    """The definitions the document implies (``read.implied``), added to ``defined``."""
    if not defined:
        return []
    found = []
    output = only_unit_output(text, defined, lambda at: source.line_col(at)[0])
    if output is not None:
        found.append(output)
        defined[output.name], lines[output.name] = output.formula, output.line
    missing = _undefined_loss(text, defined)  # asked after ŷ, which the loss may use
    loss = missing and loss_by_slope(chains, missing, defined, lambda chain: source.line_col(
        chain.links[0].rhs.first_origin())[0])
    if loss:
        found.append(loss)
        defined[loss.name], lines[loss.name] = loss.formula, loss.line
    return found


_LOSS_WRITTEN = re.compile(r"\\partial\s*\{?\s*(?:" + FONTS + r"\s*\{\s*)?"
                           r"(?P<name>E|L|C|J|Loss|loss|Cost|cost|Error|error)"
                           r"(?:_\{?(?P<sub>[A-Za-z0-9]+)\}?)?(?![A-Za-z])")


def _undefined_loss(text, defined):
    """The graph-file name of the loss the document differentiates (``\\partial E_{total}``)
    but never defines, or None when it differentiates none."""
    for m in _LOSS_WRITTEN.finditer(text):
        name = m.group("name") + (f"_{m.group('sub')}" if m.group("sub") else "")
        if name not in defined and not any(n.startswith(name) for n in defined):
            return name
    return None


def _with_undefined_loss(statements, defined, missing, name):
    """The forward pass with ``missing`` as its cost, a stand-in over the quantities that
    nothing else uses (the outputs).  Its formula is no claim of the document: every
    derivative of it is undecided (``GraphModel``), never judged."""
    outputs = ends(defined)
    if not outputs:
        return None, statements
    statements = statements + [f"{missing} = {' + '.join(outputs)}"]
    try:
        graph, _ = parse_graph("\n".join(statements) + "\n", source=name, role_names=True)
    except Exception:  # noqa: BLE001 - a forward pass we cannot build is no forward pass
        return None, statements
    graph.loss_undefined = missing
    return graph, statements


def _suspect(defined, lines, numbers, used):
    """Definitions that use a name twice while its sibling, which the document computes
    (``h2 = 0.5969``), is used nowhere: ``y1 = w5 h1 + w6 h1 + b2`` most likely meant
    h2 once.  Such a definition is the network, so nothing can refute it; it must not
    get a ✓ either.  {line: (twice, unused)}."""
    unused = [n for n in numbers if n not in used and n not in defined]
    out = {}
    for name, formula in defined.items():
        tokens = formula.split()
        for twice in {t for t in tokens if tokens.count(t) > 1 and t in used}:
            for other in unused:
                if _stem(other) == _stem(twice) and other != twice:
                    out[lines[name]] = (twice, other)
    return out


_LOSS_STEMS = ("E", "C", "J", "L", "Loss", "loss", "cost", "Cost", "err", "error", "Error",
               "l", "ell", "Etotal", "E_total", "MSE", "mse", "CE", "ET", "Etot", "LT")


def _stem(name):
    return re.match(r"[A-Za-z]+", name).group(0)


def is_loss(name):
    """Whether ``name`` names a loss (E, L, Loss, E_total, J, cost, …)."""
    return name in _LOSS_STEMS or re.match(r"[A-Za-z]+", name).group(0) in _LOSS_STEMS




def _role(name):
    stem = re.match(r"[A-Za-z]+", name).group(0)
    if stem in _INPUT_STEMS:
        return "input"
    if stem in _TARGET_STEMS:
        return "target"
    return "param"
