"""What the checker says of one step (``Verdict``), how two sides compared over every
index value (``Outcome``), and the verdicts of steps that could not be compared: a
parse failure, a bound reached, a quantity the network lacks, incompatible shapes."""
import re
from dataclasses import dataclass, field

from derive.check.judge.shapes import Missing
from derive.check.limits import ParseLimit
from derive.check.read.parse import ParseFailure


@dataclass
class Verdict:
    line: int
    column: int
    source: str
    status: str  # correct | wrong | unknown | unparsed
    code: str  # message code (templates/check_messages.j2)
    params: dict = field(default_factory=dict)
    expected: object = None  # sympy expression or Matrix, shown as LaTeX
    lhs: object = None
    rhs: object = None
    relation: str = "="
    notes: list = field(default_factory=list)
    diagnosis: str = None
    cell: int = None  # the cell of a notebook, where ``line`` counts within it


class Outcome:
    """The comparison of two generic expressions over all index values."""

    def __init__(self):
        self.by_layer = {}  # layer assignment (tuple) -> 'equal' | 'different' | 'undecided'
        self.witness = None  # (assign, point index, element, student value, reference value, lv, rv)
        self.structural = None  # Missing | ShapeMismatch
        self.exact = True
        self.assigns = []
        self.sampled = None  # (checked, all) when there were too many index values to try all
        self.points = None  # the points of the witness (soundness.cover may add some)
        self.reason = None  # (code, params) why agreement at the points is not a proof
        self.constant = None  # the right side is the reference plus this nonzero constant

    @property
    def states(self):
        return set(self.by_layer.values())


def _instance(assign):
    return [(str(k), v if isinstance(k, str) else v + 1) for k, v in sorted(
        assign.items(), key=lambda kv: (not isinstance(kv[0], str), str(kv[0])))]


def _structural(err):
    if isinstance(err, Missing):
        return "missing", {"quantity": err.q, "reason": err.reason}
    return "shape", {"op": err.op, "left": err.left, "right": err.right}


def _failed(err, source, notes, macros=()):
    if isinstance(err, ParseFailure):
        line, col = source.line_col(err.offset)
        params = {"at_line": line, "at_column": col, "expected": err.expected, "found": err.found}
        m = re.match(r"\\([A-Za-z]+)", source.text[err.offset:err.offset + 40])
        if m and m.group(1) in macros:
            params["macro"] = m.group(1)
            return Verdict(line, col, "", "unparsed", "macro_with_arguments", params, notes=notes)
        return Verdict(line, col, "", "unparsed", "syntax", params, notes=notes)
    if isinstance(err, ParseLimit):
        return Verdict(0, 0, "", "unparsed", "limit", {"what": str(err)}, notes=notes)
    return Verdict(0, 0, "", "unknown", err.code, dict(err.params), notes=notes)


def _source_text(chain, link, first):
    rel = {"=": "=", ":=": ":=", "<-": "<-", "equiv": "≡", "approx": "≈", "neq": "≠"}[link.relation]
    rhs = " ".join((getattr(link, "shown", None) or link.rhs.s).split())
    if first and chain.lhs is not None:
        lhs = " ".join((getattr(chain, "shown", None) or chain.lhs.s).split())
        return f"{chain.prefix + ' ' if chain.prefix else ''}{lhs} {rel} {rhs}"
    return f"{rel} {rhs}"
