"""Checking a whole file: read it, find the claims, decide every step.

``check_file(path_or_dash, network_or_graph, notation)`` is what the CLI calls.  A file
that cannot be read at all (missing, larger than 1 MB, not UTF-8 text, no
equations) raises ``CheckInputError`` (exit status 2); otherwise a ``Report``
comes back, whatever the steps say.
"""
import re

from derive.check.read.siblings import note_steps

from derive.model.graph import Graph
from derive.model.symbols import COST
from derive.model.notation import Notation, get_notation
from derive.check.read.equations import extract
from derive.check.read.inputs import (cell_line, name_fonts, read_document,  # noqa: F401
                                      read_input, readable)
from derive.check.read.funcnames import chosen_functions
from derive.check.read.matrixpass import names_the_input
from derive.check.own_network import declared_network, document_network, notation_for  # noqa: F401
from derive.check.read.batch import mean_steps, missing_mean
from derive.check.read.cases import cases, output_cases
from derive.check.read.correctclass import correct_class, incorrect_cases
from derive.check.read.plain import plain_dlai
from derive.check.read.prose import forward_definition, stated_rate
from derive.check.read.graphnames import GraphModel
from derive.check.read.adjoint import adjoint_names
from derive.check.limits import LIMITS, CheckInputError, Deadline, StepTimeout, time_limit
from derive.check.read.parse import is_math_word, parser
from derive.check.report import Report
from derive.check.read.text import Source
from derive.check.judge.examples import RATES
from derive.check.judge.verify import Checker
from derive.check.read.extract import index_range
from derive.check.judge.widen import ROWS, WIDENED, by_unit, unit_checker, wide_checker, widened
from derive.check.judge.unsaid import cost_open, gives_a_given, other_cost_checker, words_as_letters
from derive.render.progress import silent_progress

def check_text(text, network, notation, kind="md", name="<input>", strict=False, seed=0,
               step_seconds=None, seconds=None, progress=None, assumed=False):
    """A Report for derivation ``text`` of kind 'tex', 'md' or 'txt'; ``network`` is a
    layered ``Network`` or a ``Graph``.  ``seconds`` bounds the whole file (reading
    included; default ``LIMITS.file_seconds``): steps not reached in time are unknown.
    ``assumed``: the network is the default, not one the user or the document chose,
    so the document's own forward-pass definitions (``y = σ(z)``) define, not claim."""
    seconds = LIMITS.file_seconds if seconds is None else seconds
    deadline = Deadline(seconds)
    if not isinstance(notation, Notation):
        notation = get_notation(notation or "nielsen")
    declared = getattr(network, "declared", None)
    if isinstance(network, Graph):
        network = GraphModel(network)
        network.adjoints = adjoint_names(text, network.names)  # \bar{z} for ∂L/∂z
    text, kind, places = readable(text, name, kind)
    source = Source(text, name)
    def words(w):  # which words of a plain-text file are math, not prose
        return is_math_word(w) or isinstance(network, GraphModel) and network.is_word(w)

    try:
        with time_limit(seconds):
            chains, macro_args = extract(source, kind, words)
    except StepTimeout:
        raise CheckInputError(f"finding the equations in {name} took longer than {seconds:g} s; "
                              "split it into smaller files") from None
    if not chains and kind in ("md", "markdown") or kind == "txt":
        chains = _with_plain(chains, plain_dlai(source), source)  # dZ[2] = A[2] - Y (read.plain)
    if not chains:
        raise CheckInputError(f"no equations found in {name}; write each step as lhs = rhs")
    for language in {c.language for c in chains}:
        parser(language)  # built once, before any step's clock starts (it takes a second)
    if getattr(network, "assumed", False):
        network = _assumed_for(network, text)
    checker = Checker(network, notation, seed=seed, step_seconds=step_seconds)
    checker.macros_with_arguments = macro_args
    checker.chosen_functions = chosen_functions(text)  # g = tanh, g = σ, …: which is not said
    checker.aliases, alias_lines = _softmax_aliases(network, text, kind, name)
    if not checker.aliases:
        checker.aliases, alias_lines = _layer_aliases(network, text, kind, name)
    if not checker.aliases and not isinstance(network, GraphModel):
        checker.aliases, alias_lines = _cost_word(checker, text, kind, name)
    given = None
    if declared is None and isinstance(network, GraphModel):
        # a --graph file: the document's own forward pass still gives the example's
        # numbers, and its definitions are compared with the file's
        from derive.check.read.declared import read_declared

        given = read_declared(text, kind, name)
    for doc in (declared, given):
        if doc is not None:  # numbers the document's own substitution lines give
            checker.givens.update({checker.graph.by_symbol[s].symbol: v
                                   for s, v in _symbols(doc.givens, checker.graph)})
            # a given fixed by a rounded printed value: known to a width (read.pinned)
            checker.given_units.update({checker.graph.by_symbol[s].symbol: u
                                        for s, u in _symbols(doc.units, checker.graph)})
    rate = stated_rate(text)  # "with a learning rate of 0.1": the example's rate, in words
    if rate is not None:
        checker.givens.setdefault(next(r for r in RATES if r.name == rate[0]), rate[1])
    wide = wide_checker(network, notation, seed, step_seconds,
                        rows=bool(ROWS.search(text)) or getattr(network, "rows", False))
    matrices = getattr(network, "matrix_pass", None)
    numbered = _numbered_weights(text, network)
    means = mean_steps(chains)  # dW = (1/m) dZ A^T: judged on one example (read.batch)
    unmeaned = missing_mean(chains, means)
    other = other_cost_checker(network, notation, seed, step_seconds)
    units = unit_checker(network, notation, seed, step_seconds)  # a_l read as units again
    verdicts, taken = [], []
    # "… = v a (1 - a) where v = a - y": what the prose defines holds from the start
    early = {id(c) for c in chains[:LIMITS.max_steps]
             if c.role == "definition" and _abbreviation(checker, c, deadline)}
    in_case = cases(chains, source)  # "If $i = j$": what follows holds in that case only
    premise = correct_class(text) if _softmax_output(network) else None
    if premise is not None:  # "the correct class is k": the target is one-hot at k
        in_case = {**incorrect_cases(chains, source, premise[0]), **in_case}
    at_output = output_cases(chains, source)  # "if $j$ is an output neuron": at l = L
    steps = 0
    read_lines = set(getattr(getattr(network, "read_from", None), "lines", ()) or ())
    with (progress or silent_progress)(len(chains), f"checking {name}") as bar:
        for chain in chains:
            if steps >= LIMITS.max_steps:
                break
            # the bound counts steps, not chains: one chain of 50 000 '=' is 50 000 steps
            chain.links = chain.links[:LIMITS.max_steps - steps]
            steps += max(len(chain.links), 1)
            if assumed and chain.role is None and forward_definition(chain):
                chain.role = "definition"  # of the document's network, which is not this one
            names_defined = chain.role in (None, "definition") and _defines_alias(
                chain, source, alias_lines)
            if matrices is not None and chain.role is None and names_the_input(chain):
                names_defined = True  # z_0 = a_0 = x: its names for the input layer
            if names_defined:  # p_j = e^{a_j}/Σ_k e^{a_k}: what p and a mean, not a claim
                chain.role = "definition"
            # "u = e^{z_k}", "K = n_y": a name of no meaning yet is defined, not claimed
            defines = id(chain) in early or chain.role != "condition" and _abbreviation(
                checker, chain, deadline) or _gives_implied_loss(declared, chain, source)
            _next_example(checker, declared, _line(chain, source))
            checker.case = in_case.get(id(chain))
            checker.correct_class = premise[0] if premise and _line(chain, source) >= premise[1] \
                else None
            found = checker.check_chain(chain, source, deadline)
            if id(chain) in at_output:
                _at_output_layer(found)
            if wide is not None and any(v.code in WIDENED for v in found):
                wide.case = checker.case
                found = widened(found, wide, checker, chain, source, deadline)
                wide.case = None
            if units is not None and any(v.code == "tensor_derivative" for v in found):
                found = by_unit(found, units, checker, chain, source, deadline)
            if other is not None and any(v.status == "wrong" for v in found):
                found = cost_open(found, other, checker, chain, source, deadline)
            if getattr(network, "by_default", False):
                words_as_letters(found)
            checker.case = None
            _note_case(found, in_case.get(id(chain)))
            _note_batch(found, id(chain) in means, id(chain) in unmeaned)
            for v in found if numbered else ():
                if v.status == "wrong" and v.code == "missing" and v.params.get("reason") == "layer":
                    # w_1 … w_5 in a 1-1-1 network: the document numbers its weights one
                    # by one; read as layers, the missing layer is derive's, not the writer's
                    v.status, v.code, v.diagnosis = "unknown", "numbered_weights", None
                    v.params = {"names": numbered}
            if not found and chain.lhs is not None and chain.links and (
                    chain.role or index_range(chain)):
                # "for $i = j$", "m = 5": skipped, and said so
                link = chain.links[0]
                rel = {"neq": "≠", "<-": "←", "equiv": "≡", "approx": "≈"}.get(link.relation,
                                                                           link.relation)
                # L = ½(ŷ - y)² where the document's own forward pass ends at L: its loss
                own = declared is not None and chain.lhs.s.strip() in declared.defined
                taken.append((source.line_col(link.rhs.first_origin())[0],
                              f"{chain.lhs.s.strip()} {rel} {link.rhs.s.strip()}",
                              chain.role or ("definition" if own else "index or size")))
            if defines and found:
                taken.append((found[0].line, found[0].source, "definition"))
                found = found[1:]  # what follows it (u = e^{z} = 2.7) is claimed of it
            elif found and chain.role is None and gives_a_given(network, found[0]):
                # "x = 2z" on a network nobody chose: its input (or target) is a given,
                # never derived, so the document defines a letter of its own (a toy
                # example), which the assumed network cannot judge
                taken.append((found[0].line, found[0].source, "definition"))
                found = found[1:]  # what follows it is claimed of it
            if chain.role is not None and not (chain.role == "definition" and not assumed
                                               and not names_defined
                                               and _of_network(checker, chain, deadline)):
                # "let a = …", "for i = j": never a claim; kept only where the network agrees
                # (a network the user chose is checked against the document's definitions)
                # the first '=' defines; what follows it (= 0.3775) is claimed of the
                # definition, and shown unless it is 'wrong' of a name read another way
                drop = [n for n, v in enumerate(found) if v.status == "wrong"
                        or (n == 0 or chain.role == "condition") and v.status != "correct"]
                taken.extend((found[n].line, found[n].source, chain.role) for n in drop)
                found = [v for n, v in enumerate(found) if n not in drop]
            if found and found[0].line in read_lines and found[0].status != "wrong" \
                    and chain.lhs is not None and not chain.lhs.s.lstrip().startswith("\\frac"):
                # the line the network's cost or bias was read from: it defines the
                # network (even where it does not parse, an open parenthesis, say), and
                # checked against that network it would only agree with itself
                taken.append((found[0].line, found[0].source, "definition"))
                found = found[1:]
            verdicts.extend(found)
            bar.update(1)
    if declared is not None:
        _explain_repairs(verdicts, declared.repairs, checker.graph)
        note_steps(verdicts, declared.inferred, checker.graph)  # formulas read by their numbers
        for v in verdicts:  # a definition that is the network cannot be checked against it
            if v.line in declared.suspect and v.status == "correct" and v.code != "numeric_ok":
                twice, unused = declared.suspect[v.line]
                v.status, v.code = "unknown", "definition_suspect"
                v.params.update(twice=twice, unused=unused)
    elif given is not None:  # --graph: the document's definitions against that network
        from derive.check.read.meaning import against

        _explain_repairs(verdicts, given.repairs + against(given, checker.graph), checker.graph)
    if wide is not None and any(n[0] in ("assumed_wide", "assumed_wide_matrix")
                                for v in verdicts for n in v.notes):
        network = wide.network  # its witnesses name units: print them with its widths
    taken = [(n, text, why, None) for n, text, why in taken]
    if places is not None:
        _to_cells(verdicts, places)
        taken = [(cell_line(places, n)[1], text, why, cell_line(places, n)[0])
                 for n, text, why, _ in taken]
    report = Report(verdicts, network, notation, name=name, givens=dict(checker.givens),
                    strict=strict)
    report.not_claims = [dict(zip(("line", "source", "reason", "cell"), t)) for t in taken]
    if matrices is not None:  # the header says what the network's sizes were read from
        report.matrices = [{"what": what, "size": size, "line": line, "cell": cell}
                           for what, size, n in matrices.read_lines()
                           for cell, line in [cell_line(places, n)]]
    report.names = sorted(({"written": w, "meaning": m, "line": n}
                           for w, (m, n, _) in checker.aliases.items()), key=lambda d: d["line"])
    return report


def _with_plain(chains, plain, source):
    """``chains`` with the lines that ``plain`` reads as the course's equations taken
    from ``plain`` instead (a text file's ASCII reading cannot read ``W[2]T``)."""
    if not plain:
        return chains
    where = lambda c: c.lhs.first_origin()  # noqa: E731
    lines = {source.line_col(where(c))[0] for c in plain}
    kept = [c for c in chains if c.lhs is None or source.line_col(where(c))[0] not in lines]
    return sorted(kept + plain, key=lambda c: where(c) if c.lhs is not None else
                  c.links[0].rhs.first_origin())


def _at_output_layer(found):
    """Under "if $j$ is an output neuron", a line of a general layer l shown to hold at
    the output layer alone is right: that is the case it is written for."""
    for v in found:
        if v.status == "unknown" and v.code == "only_output_layer":
            v.status, v.code = "correct", "correct"
            v.params.pop("layers", None)  # not "for every value of l": at L
            v.notes = list(v.notes) + [("output_case", ())]


def _note_case(found, case):
    """A step judged only in its case ("If $i = j$") says so."""
    if case is None:
        return
    from derive.check.read.cases import applies

    a, b, equal = case
    for v in found:
        named = set()
        for side in (v.lhs, v.rhs):
            named |= getattr(side, "free_symbols", set())
        if v.status in ("correct", "wrong") and (applies(case, named) or not named):
            v.notes = list(v.notes) + [("in_case", (("a", a), ("b", b), ("equal", equal)))]


_WEIGHT_NUMBER = re.compile(r"(?<![A-Za-z\\])w_\{?([0-9]{1,2})\}?")


def _numbered_weights(text, network):
    """``$w_1$, …, $w_5$`` when a document numbers more weights than the assumed
    network has layers (each is one weight of its own network, not a layer), else None."""
    if not getattr(network, "assumed", False) or not hasattr(network, "L"):
        return None
    found = sorted({int(n) for n in _WEIGHT_NUMBER.findall(text)})
    if not found or found[-1] <= network.L:
        return None
    return f"$w_{{{found[0]}}}$, …, $w_{{{found[-1]}}}$"


def _note_batch(found, mean, unmeaned):
    """A dW of the batch judged on one example says so; one without the 1/m that the
    document's other lines take is m times the gradient of the mean cost."""
    for v in found:
        if mean and v.status in ("correct", "wrong"):
            v.notes = list(v.notes) + [("batch_mean", ())]
        if unmeaned and v.status == "correct":
            v.status, v.code, v.diagnosis = "wrong", "batch_missing_mean", None


def _gives_implied_loss(declared, chain, source):
    """Whether ``chain`` is the line a loss no line defines was read from (``∂L/∂ŷ =
    ∂(½(ŷ - y)²)/∂ŷ``, ``read.implied``): it defines L there, so its first step is no
    claim; what follows it (``= ŷ - y``) is."""
    if declared is None or chain.lhs is None or not chain.links:
        return False
    line = source.line_col(chain.links[0].rhs.first_origin())[0]
    return any(i.kind == "loss_by_slope" and i.line == line for i in declared.implied)


def _abbreviation(checker, chain, deadline):
    """``checker.record_abbreviation`` within the time bound of one step and the file's."""
    seconds = min(checker.step_seconds, deadline.remaining)
    if seconds <= 0:
        return False
    try:
        with time_limit(seconds):
            return checker.record_abbreviation(chain)
    except (StepTimeout, RecursionError, MemoryError):
        return False




def _of_network(checker, chain, deadline):
    """Whether the left side of ``chain`` names a quantity of the network (C, a^{(3)})."""
    seconds = min(checker.step_seconds, deadline.remaining)
    if seconds <= 0 or chain.lhs is None:
        return False
    try:
        with time_limit(seconds):
            lhs = checker.parse(chain.lhs, chain.language)
    except (StepTimeout, RecursionError, MemoryError):
        return False
    return lhs.error is None and bool(lhs.seen or lhs.expr == COST)


def _to_cells(verdicts, places):
    """Lines of a notebook's joined text as (cell, line in the cell)."""
    for v in verdicts:
        v.cell, v.line = cell_line(places, v.line)
        if "at_line" in v.params:
            cell, line = cell_line(places, v.params["at_line"])
            v.params["at_line"] = line if cell is None else f"{line} of cell {cell}"


def _explain_repairs(verdicts, repairs, graph):
    """A definition read by its printed number (``read.meaning``) is wrong as written:
    its first wrong step says so, once, with what the number meant."""
    from derive.check.read.meaning import _node

    for repair in repairs:
        node = _node(graph, repair.name)
        for v in verdicts:
            if v.line == repair.line and v.status == "wrong" and node is not None:
                v.diagnosis = "definition_meant"
                v.params.update(printed=repair.printed, meant=node.expr, what=repair.what)
                break


_SOFTMAX = re.compile(r"softmax|\\frac\s*\{\s*(?:e\^|\\exp)[^=]{0,200}\}\s*\{\s*\\sum", re.I)


_DLAI = re.compile(r"(?<![A-Za-z\\])d[ZW](?:\^\s*\{\s*\[|[0-9]|\[\s*[0-9lL]\s*\])")


def _assumed_for(network, text):
    """The assumed network for a document that names its conventions: softmax, or the
    deeplearning.ai course's dZ^{[L]} = A^{[L]} − Y (a sigmoid output with the binary
    cross-entropy, that course's L(ŷ, y))."""
    from derive.model.network import Network

    if _SOFTMAX.search(text):
        return _nobody_chose(_softmax_network(network), network)
    if _DLAI.search(text) and network.cost_name == "quadratic":
        out = Network(network.widths, network.activations, "cross-entropy", network.bias)
        out.assumed = True
        return _nobody_chose(out, network)
    return network


def _nobody_chose(out, network):
    """``out``, which stands in for the assumed ``network``, marked as nobody's choice as
    that one is: its shapes and layers are derive's guess (``ruling._guess_failed``)."""
    for flag in ("by_default", "cost_unsaid"):
        if getattr(network, flag, False):
            setattr(out, flag, True)
    return out


def _softmax_network(network):
    """The assumed network of a document that uses softmax: two units per layer and
    three outputs, a softmax output with the log-likelihood cost (its natural pair).  On the 1-1-1
    sigmoid default a softmax chain rule that forgets the sum over the outputs would
    hold, and softmax's δ = a − y would be called wrong."""
    from derive.model.network import Network

    acts = list(network.activations)
    acts[-1] = "softmax"
    # three outputs, not two: with two, p_1 + p_2 = 1 makes -p_i(1 - p_i) equal -p_i p_j
    # for i ≠ j, and a slip that holds only for two classes would get a ✓
    wide = Network([2] * (len(network.widths) - 1) + [3], acts, "log-likelihood", network.bias)
    wide.assumed = True
    return wide


def _softmax_output(network):
    acts = getattr(network, "activations", None)
    return not isinstance(network, GraphModel) and bool(acts) and acts[-1] == "softmax"


def _line(chain, source):
    try:
        return source.line_col(chain.links[0].rhs.first_origin() if chain.links
                               else chain.lhs.first_origin())[0]
    except (AttributeError, IndexError, TypeError):
        return 0


def _softmax_aliases(network, text, kind, name):
    """The document's own letters for the softmax network's output, input, target and
    cost (``p_j = e^{a_j} / Σ_k e^{a_k}``, ``L = -Σ_j y_j log p_j``), where the network
    checked has a softmax output (``read.softmaxnames``); else none."""
    from derive.check.read.softmaxnames import read_softmax_names

    if not _softmax_output(network):
        return {}, set()
    found = read_softmax_names(text, kind if kind in ("md", "tex", "nb") else "md", name)
    return ({}, set()) if found is None else (found.aliases(), found.lines())


def _layer_aliases(network, text, kind, name):
    """The document's own names for a unit of any layer (``net_j = Σ_k w_{kj} o_k``,
    ``E = ½ Σ_j (t_j - o_j)²``: ``read.layernames``), where the network checked is a
    layered one with no softmax output; else none."""
    from derive.check.read.layernames import read_layer_names

    acts = getattr(network, "activations", None)
    if isinstance(network, GraphModel) or not acts or acts[-1] == "softmax":
        return {}, set()
    found = read_layer_names(text, kind if kind in ("md", "tex", "nb") else "md", name)
    return ({}, set()) if found is None else (found.aliases(), found.lines())


def _cost_word(checker, text, kind, name):
    """A loss the document names with a word (``Co = (a_L - y)^2``, ``\\frac{Co}{dw_L}``),
    read as the cost C (``read.convention.read_cost_word``); else none.  A loss of one
    letter (``L = -(y \\ln a + …)``, where ``a^{[L]}`` is also a layer) is read as the cost
    where it stands as a quantity, not in a layer index (``checker.defined_cost_letter``)."""
    from derive.check.read.convention import read_cost_word

    found = read_cost_word(text, kind if kind in ("md", "tex", "nb") else "md", name)
    if found is not None and len(found[0]) == 1:
        checker.defined_cost_letter = found
        return {}, set()
    return ({}, set()) if found is None else ({found[0]: ("cost", found[1], None)}, set())


def _defines_alias(chain, source, lines):
    """Whether ``chain`` is the softmax or loss definition its names were read from."""
    if not lines or chain.lhs is None or not chain.links:
        return False
    try:
        return source.line_col(chain.links[0].rhs.first_origin())[0] in lines
    except (AttributeError, IndexError, TypeError):
        return False


def _next_example(checker, declared, line):
    """From the line where the document works another example (a second sample's
    ``z = (2000 \\cdot -0.001265) + …``), its numbers are the example's: those it gives,
    the parameters' it does not give again, and the learning rate; the inputs and targets
    of the example before are not this one's, nor are the results printed for it."""
    left = checker.__dict__.setdefault("examples_left",
                                       list(getattr(declared, "examples", None) or ()))
    if not left or line < left[0][0]:
        return
    _start, numbers, params = left.pop(0)
    kept = {k: v for k, v in checker.givens.items() if k in RATES or str(k) in params}
    checker.givens.clear()
    checker.givens.update(kept)
    checker.givens.update({checker.graph.by_symbol[s].symbol: v
                           for s, v in _symbols(numbers, checker.graph)})
    checker.given_units.clear()
    checker.printed.clear()
    checker.new_values.clear()
    checker.__dict__.pop("wrong_printed", None)


def _symbols(givens, graph):
    import sympy as sp

    for name, value in givens.items():
        s = sp.Symbol(name)
        if s in graph.by_symbol and graph.by_symbol[s].is_leaf:
            yield s, value


def check_file(path_or_dash, network, notation, strict=False, seed=0, seconds=None,
               progress=None, assumed=False):
    """Check the derivation in ``path_or_dash`` ('-' for stdin) on ``network``: a
    layered ``Network`` or the ``Graph`` of a --graph file (graphspec.load_graph);
    ``seconds`` is the budget for the whole file (--time-limit, default 30 s)."""
    text, name, kind = read_input(path_or_dash)
    return check_text(text, network, notation, kind=kind, name=name, strict=strict, seed=seed,
                      seconds=seconds, progress=progress, assumed=assumed)
