"""What a quantity computed "the same way" for another unit does not depend on.

A step-by-step post writes the forward pass for one unit of each layer and only the
number for the next: ``out_{h2} = 0.5969`` "by the same process", ``E_{o2} = 0.0236``
"repeating this for o2".  derive takes such a stand-in to depend on whatever its sibling
depends on (``graphnames``), so ``∂E_total/∂w_5`` stays undecided: E_o2 might depend
on w_5.  A reader knows better, and the document says why: ``w_5`` multiplies
``out_{h1}`` in ``net_{o1}`` alone, a weight of o1's own; and the document names weights
no formula uses (``w_7^+ = …``, ``w_8^+ = …``): the run of numbers beside o1's own
weights, as many as o1 has, each run one unit's (h2's are w_3, w_4 beside h1's w_1, w_2).  Then the stand-in of o2 depends on neither o1's own weights nor o1's own
quantities (``net_{o1}``, ``out_{o1}``), only on what o1 and o2 share (``out_{h1}``, the
layer's bias ``b_2``, which the document may share between its units).

``own_weights`` gives, for each stand-in, the quantities it does not depend on by this
reading, only where the document names those unused weights; otherwise nothing changes
and the derivative stays undecided, as before.  The reading is kept on the document's
network (``DeclaredNetwork.own``) and said in the note of each step it decides.
"""
import re

from derive.model.graph import upstream

MAX_SCANNED = 400_000  # characters of the document searched for weight names

_UNIT = re.compile(r"(?:_(?P<sub>[A-Za-z0-9]+)|(?<=[A-Za-z])(?P<digits>[0-9]+))$")
_WEIGHT = re.compile(r"^(?P<stem>[A-Za-z]+)(?P<index>[0-9]+)$")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def unit(name):
    """The unit a name is of: ``net_o1`` → ``o1``, ``E_o1`` → ``o1``, ``z1`` → ``1``."""
    m = _UNIT.search(name)
    if m is None:
        return None
    return m.group("sub") or m.group("digits")


def _private(defined, params):
    """weight -> the one definition it weighs a quantity in (``w5 * out_h1`` in net_o1)."""
    where = {}
    for target, formula in defined.items():
        tokens = formula.split()
        for t in tokens:
            if t in params:
                where.setdefault(t, set()).add(target)
    out = {}
    for weight, targets in where.items():
        if len(targets) != 1 or _WEIGHT.fullmatch(weight) is None:
            continue
        target = next(iter(targets))
        tokens = defined[target].split()
        if _weighs(tokens, weight, params):
            out[weight] = target
    return out


def _weighs(tokens, weight, params):
    """Whether ``weight`` multiplies a quantity that is not a parameter (or a number)."""
    def quantity(j):
        return 0 <= j < len(tokens) and _NAME.fullmatch(tokens[j]) is not None \
            and tokens[j] not in params

    for i, t in enumerate(tokens):
        if t != weight:
            continue
        before = i >= 2 and tokens[i - 1] == "*" and quantity(i - 2)
        after = i + 2 < len(tokens) and tokens[i + 1] == "*" and quantity(i + 2)
        if before or after:
            return True
    return False


def _mentioned(text, stem):
    """The indices ``k`` of ``stem_k`` the document writes (``w_7``, ``w_{7}``, ``w7``)."""
    pattern = re.compile(r"(?<![A-Za-z\\])%s\s*(?:_\s*\{?\s*([0-9]+)\s*\}?|([0-9]+))"
                         % re.escape(stem))
    return {m.group(1) or m.group(2) for m in pattern.finditer(text[:MAX_SCANNED])}


def own_weights(graph, defined, text):
    """stand-in name -> (names it does not depend on, the unused weights that show it).

    ``graph`` is the document's graph with its stand-ins marked (``opaque``, ``sibling``),
    ``defined`` its formulas (name -> formula in the graph language)."""
    # a stand-in (out_h2) is a quantity, not a parameter: w6 weighs it in net_o1
    params = {str(n.symbol) for n in graph.params if not getattr(n, "opaque", False)}
    private = _private(defined, params)
    if not private:
        return {}
    in_graph = {str(n.symbol) for n in graph.nodes}
    stems = {_WEIGHT.fullmatch(w).group("stem") for w in private}
    unused = sorted({s + k for s in stems for k in _mentioned(text, s)} - in_graph,
                    key=lambda w: (len(w), w))
    wants = {}  # stand-in -> (what it does not depend on, the blocks its weights may be)
    for node in graph.nodes:
        sibling = getattr(node, "sibling", None)
        if not getattr(node, "opaque", False) or sibling is None:
            continue
        own = unit(str(sibling.symbol)) if sibling is not graph.cost else None
        if own is None or own == unit(str(node.symbol)):
            continue
        units = {str(n.symbol) for n in upstream(sibling) if unit(str(n.symbol)) == own}
        weights = {w for w, d in private.items() if d in units}
        blocks = _blocks(weights, set(unused))
        if weights and blocks:
            wants[str(node.symbol)] = (units | weights, blocks)
    found, taken = {}, set()
    # a block of names is one unit's: h2 can only have w_3, w_4 (after h1's w_1, w_2),
    # so o2 (after o1's w_5, w_6) has w_7, w_8 or nothing
    while True:
        free = {name: [b for b in blocks if not b & taken]
                for name, (_, blocks) in wants.items() if name not in found}
        sure = [(name, bs[0]) for name, bs in sorted(free.items()) if len(bs) == 1]
        claims = {}
        for name, block in sure:
            claims.setdefault(block, []).append(name)
        if not claims:
            break
        for block, names in claims.items():
            if len(names) == 1:
                found[names[0]] = block
            else:  # two units, one run of names: whose it is, nothing says
                for name in names:
                    wants.pop(name)
            taken |= block
    return {name: (frozenset(wants[name][0]), tuple(sorted(block, key=lambda w: (len(w), w))))
            for name, block in found.items()}


def _blocks(weights, unused):
    """The runs of named, unused weights a sibling's weights ``w_5, w_6`` make room for
    beside them (``w_7, w_8`` or ``w_3, w_4``): the other unit's own, as such posts number
    them.  Weights not numbered in one run give none."""
    parsed = [_WEIGHT.fullmatch(w) for w in weights]
    stems = {m.group("stem") for m in parsed}
    numbers = sorted(int(m.group("index")) for m in parsed)
    if len(stems) != 1 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return []
    stem, n = stems.pop(), len(numbers)
    out = []
    for first in (numbers[-1] + 1, numbers[0] - n):
        block = frozenset(f"{stem}{k}" for k in range(first, first + n))
        if first >= 0 and block <= unused:
            out.append(block)
    return out


def mark(graph, readings):
    """Put each stand-in's reading on its node (``not_on``: the symbols it does not
    depend on), where ``graphnames`` and ``judge.opaque`` look for it."""
    graph.own_readings = readings
    for node in graph.nodes:
        reading = readings.get(str(node.symbol))
        if reading is not None:
            names, _ = reading
            node.not_on = frozenset(n.symbol for n in graph.nodes if str(n.symbol) in names)


def own_note(graph, hidden, wrt):
    """The params of this reading's note for a step it decides: which stand-in does not
    depend on which quantity (the report gathers one stand-in's notes into one)."""
    sibling = getattr(hidden, "sibling", None)
    name = str(hidden.symbol)
    unused = getattr(graph, "own_readings", {}).get(name, ((), ()))[1]
    return {"name": name, "own": str(wrt.symbol),
            "unit": unit(str(sibling.symbol)) if sibling is not None else "",
            "unused": ", ".join(unused)}
