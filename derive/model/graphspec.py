"""--graph files: forward equations written by the user, read into a ``Graph``.

The format, one statement per line, ``#`` starts a comment::

    params: w1, w2, b        # the quantities to differentiate by
    input: x                 # one or more inputs
    target: t                # optional, one or more
    z1 = w1*x
    a1 = relu(z1)
    z2 = w2*a1 + b
    y = sigmoid(z2)
    C = (y - t)^2/2

Right-hand sides use ``+ - * / ^`` (``**`` also works), parentheses,
numbers (decimals are kept exact: 0.5 is 1/2), names and the functions
``sigmoid relu tanh exp log sqrt``; ``softmax(z1, z2, z3)[k]`` is the k-th
output (1-based) of the softmax of its arguments.  Any other activation is
written as its formula, e.g. ``log(1 + exp(z))``.  Statements may come in
any order.  The cost is the assignment named ``C``, else ``J``, else ``L``,
else the last assignment that no other assignment uses; nothing may use
the cost.

This module owns the checks that need the whole file (names defined once,
no cycles, what the cost depends on) and the building of the graph; the
grammar and expressions are in ``graphgrammar``.
"""
import heapq
from dataclasses import dataclass, field

import sympy as sp

from derive.model import functions as F
from derive.model.activations import ACTIVATIONS
from derive.errors import (CycleError, DuplicateNameError, GraphSizeError, GraphSpecError,
                     GraphSyntaxError, UndefinedNameError)
from derive.model.graph import Graph
from derive.model.graphgrammar import FUNCTION_NAMES, Expressions, parse_statements, position
from derive.model.symbols import COST

MAX_BYTES = 64 * 1024
MAX_STATEMENTS = 500  # also keeps every chain-rule path well inside Python's recursion limit
MAX_LINE = 2000  # characters in one line

ROLES = {"params": "param", "param": "param", "input": "input", "inputs": "input",
         "target": "target", "targets": "target"}
ROLE_WORDS = {"param": "a parameter", "input": "an input", "target": "a target"}
COST_NAMES = ("C", "J", "L")
# Which sympy functions are a known activation applied to one quantity.
_ACTIVATION_OF = {F.sigmoid: "sigmoid", F.relu: "relu", sp.tanh: "tanh"}


@dataclass
class Declared:
    name: str
    role: str
    token: object


@dataclass
class Assigned:
    name: str
    token: object
    tree: object
    expr: sp.Expr = None
    refs: list = field(default_factory=list)  # NAME tokens on the right-hand side


def load_graph(path):
    """(Graph, warnings) from the --graph file at ``path`` ('-' reads stdin); GraphSpecError
    if it is invalid."""
    source = str(path)
    try:
        if source == "-":  # as --check - does
            import sys

            source = "<stdin>"
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
    except OSError as e:
        raise GraphSpecError(f"cannot read the graph file: {e.strerror or e}", source) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if len(data) > MAX_BYTES and e.start >= MAX_BYTES - 4:  # cut inside a character
            text = data[:e.start].decode("utf-8")
        else:
            line = data[:e.start].count(b"\n") + 1
            column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
            raise GraphSyntaxError("the file is not UTF-8 text", source, line, column) from None
    return parse_graph(text, source=source)


def parse_graph(text, source="<graph>", role_names=False):
    """(Graph, warnings) from the text of a --graph file.

    ``role_names``: a quantity may be called ``target`` or ``input`` (a document's own
    forward pass says ``E = ½(target - out)²``; a --graph file keeps them reserved).

    ``warnings`` is a list of one-line strings ("file:line:col: warning: …")
    for things that are allowed but probably unintended, such as a parameter
    the cost does not depend on.  Invalid input raises a GraphSpecError
    subclass whose message starts with ``file:line:col``.
    """
    reader = _Reader(text, source)
    reader.role_names = role_names
    return reader.read()


class _Builder:
    """Forward equations → Graph: the checks that need every equation (names defined
    once, no cycles, what the cost depends on) and the graph itself.  A --graph file
    (``_Reader``) and sympy equations from Python (``_EquationsReader``) both come
    here, so one graph gives one document whichever way it was written.

    ``Declared.token`` / ``Assigned.token`` and the ``refs`` are where each name
    was written: a lark Token in a file, a ``Place`` in Python."""

    # How a message names the declarations and an earlier place.
    DECLARE = "params:, input:, target:"

    def __init__(self, source):
        self.source = source
        self.warnings = []

    def error(self, cls, message, where):
        raise cls(message, self.source, *position(where))

    def warn(self, message, where):
        line, column = position(where)
        self.warnings.append(f"{self.source}:{line}:{column}: warning: {message}")

    def earlier(self, where):
        return f"on line {where.line}"

    def assemble(self, declared, assigned):
        """(Graph, warnings) from checked names and built expressions."""
        self._check_names(declared, assigned)
        cost = self._cost(assigned)
        order = self._topological(assigned)
        live = self._live(cost, assigned, declared)
        graph = self._graph(declared, [assigned[n] for n in order if n in live], cost)
        return graph, self.warnings

    def claimer(self):
        """claim(token, what): register a name, refusing duplicates and reserved words."""
        first = {}

        def claim(token, what):
            name = str(token)
            if name in first:
                where_before, what_before = first[name]
                self.error(DuplicateNameError, f"{name} is {what} here but was already "
                           f"{what_before} {self.earlier(where_before)}", token)
            if name in FUNCTION_NAMES or name in ROLES and not getattr(self, "role_names", False):
                self.error(GraphSyntaxError, f"{name} is a reserved word and cannot name "
                           "a quantity", token)
            if name.startswith("delta_"):
                self.error(GraphSyntaxError, f"{name}: names starting with delta_ are kept for "
                           "the error terms derive names itself", token)
            first[name] = (token, what)

        return claim

    # -- checks that need every equation ---------------------------------------

    def _check_names(self, declared, assigned):
        for a in sorted(assigned.values(), key=lambda a: a.token.line):
            for ref in a.refs:
                name = str(ref)
                if name in declared or name in assigned:
                    continue
                hint = ""
                if name == "e":
                    hint = "; write exp(x) for e^x"
                elif name in FUNCTION_NAMES:
                    hint = f"; {name} is a function, write {name}(…)"
                self.error(UndefinedNameError, f"undefined name {name}: it is neither declared "
                           f"({self.DECLARE}) nor assigned{hint}", ref)

    def _cost(self, assigned):
        named = [n for n in COST_NAMES if n in assigned]
        if named:
            cost = assigned[named[0]]
        else:
            used = {str(r) for a in assigned.values() for r in a.refs}
            sinks = [a for a in assigned.values() if a.name not in used]
            cost = max(sinks or assigned.values(), key=lambda a: a.token.line)
        for a in sorted(assigned.values(), key=lambda a: a.token.line):
            for ref in a.refs:
                if str(ref) == cost.name:
                    self.error(GraphSyntaxError, f"{cost.name} is the cost and cannot be used by "
                               f"{a.name}; the cost must be the last quantity computed", ref)
        return cost

    def _topological(self, assigned):
        """Names of the assignments, each after the ones it uses; ties in file order."""
        deps = {a.name: {str(r) for r in a.refs if str(r) in assigned} for a in assigned.values()}
        users = {n: [] for n in assigned}
        for n, ds in deps.items():
            for d in ds:
                users[d].append(n)
        waiting = {n: len(ds) for n, ds in deps.items()}
        ready = [(assigned[n].token.line, n) for n, k in waiting.items() if k == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            _, n = heapq.heappop(ready)
            order.append(n)
            for u in users[n]:
                waiting[u] -= 1
                if waiting[u] == 0:
                    heapq.heappush(ready, (assigned[u].token.line, u))
        if len(order) < len(assigned):
            self._report_cycle(assigned, deps, set(assigned) - set(order))
        return order

    def _report_cycle(self, assigned, deps, stuck):
        # Every stuck node uses another stuck node, so walking "uses" links from
        # the first one in the file must come back to a node already on the walk.
        start = min(stuck, key=lambda n: assigned[n].token.line)
        walk, seen = [start], {start: 0}
        while True:
            nxt = min((d for d in deps[walk[-1]] if d in stuck), key=lambda n: assigned[n].token.line)
            if nxt in seen:
                loop = walk[seen[nxt]:] + [nxt]
                break
            seen[nxt] = len(walk)
            walk.append(nxt)
        first, second = assigned[loop[0]], loop[1]
        ref = next(r for r in first.refs if str(r) == second)
        if len(loop) == 2:
            self.error(CycleError, f"cycle: {loop[0]} is defined in terms of itself", ref)
        chain = " → ".join(loop)
        self.error(CycleError, f"cycle: {chain} (each uses the next, so none can be computed "
                   "first)", ref)

    def _live(self, cost, assigned, declared):
        """Names the cost depends on (through the simplified expressions); warns about the rest."""
        live, stack = {cost.name}, [cost.name]
        while stack:
            a = assigned.get(stack.pop())
            for s in a.expr.free_symbols if a is not None else ():
                if s.name not in live and (s.name in assigned or s.name in declared):
                    live.add(s.name)
                    stack.append(s.name)
        for d in declared.values():
            if d.name not in live:
                self.warn(f"the cost {cost.name} does not depend on {ROLE_WORDS[d.role]} "
                          f"{d.name}" + ("; its gradient is 0" if d.role == "param" else ""),
                          d.token)
        for a in sorted(assigned.values(), key=lambda a: a.token.line):
            if a.name not in live:
                self.warn(f"the cost {cost.name} does not depend on {a.name}; it is left out",
                          a.token)
        return live

    # -- the graph --------------------------------------------------------------

    def _graph(self, declared, assignments, cost):
        g = Graph()
        g.cost_name = cost.name  # the cost node's symbol is always COST; this is what to print
        g.source = self.source
        g.written = getattr(self, "written", {})
        for role in ("input", "param", "target"):
            for d in declared.values():
                if d.role == role:
                    g.add(sp.Symbol(d.name), role, layer=0,
                          key=d.name if role == "param" else None)
        for a in assignments:
            if a is cost:
                g.add(COST, "cost", expr=a.expr)
            else:
                node = g.add(sp.Symbol(a.name), "var", expr=a.expr,
                             delta=sp.Symbol("delta_" + a.name))
                _recognise_activation(node)
        _softmax_locals(g)
        _layers(g)
        return g


class _Reader(_Builder):
    """The text form: a --graph file read into the same declarations and equations."""

    def __init__(self, text, source):
        super().__init__(source)
        self.text = text

    def read(self):
        self._check_size()
        tree = parse_statements(self.text if self.text.endswith("\n") else self.text + "\n",
                                self.source)
        declared, assigned = self._collect(tree)
        if not assigned:
            raise GraphSpecError("there are no assignments; write the forward pass, e.g. "
                                 "'z = w*x', ending with the cost 'C = …'", self.source, 1, 1)
        if not any(d.role == "param" for d in declared.values()):
            raise GraphSpecError("no parameters are declared; add a line such as 'params: w, b'",
                                 self.source, 1, 1)
        builder = Expressions(self.source)
        self.written = builder.written
        for a in assigned.values():
            a.expr, a.refs = builder.build(a.tree)
            if a.expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                self.error(GraphSyntaxError, f"the definition of {a.name} is undefined "
                           "(it divides by zero)", a.token)
        return self.assemble(declared, assigned)

    # -- whole-file checks ------------------------------------------------------

    def _check_size(self):
        if len(self.text) > MAX_BYTES:
            head = self.text[:MAX_BYTES]
            line = head.count("\n") + 1
            column = MAX_BYTES - head.rfind("\n")
            raise GraphSizeError(f"the file is longer than {MAX_BYTES // 1024} KiB, the limit "
                                 "for graph files", self.source, line, column)
        for number, line in enumerate(self.text.split("\n"), 1):
            if len(line) > MAX_LINE:
                raise GraphSizeError(f"the line is longer than {MAX_LINE} characters",
                                     self.source, number, MAX_LINE + 1)

    def _collect(self, tree):
        declared, assigned = {}, {}
        claim = self.claimer()

        statements = tree.children
        if len(statements) > MAX_STATEMENTS:
            self.error(GraphSizeError, f"the file has more than {MAX_STATEMENTS} statements",
                       statements[MAX_STATEMENTS])
        for st in statements:
            if st.data == "declaration":
                word, *names = st.children
                role = ROLES.get(str(word))
                if role is None:
                    self.error(GraphSyntaxError, f"unknown declaration '{word}:'; expected "
                               "params:, input: or target:", word)
                for token in names:
                    claim(token, f"declared as {ROLE_WORDS[role]}")
                    if str(token) == "C":
                        self.error(GraphSyntaxError, "C names the cost; it cannot be "
                                   f"{ROLE_WORDS[role]}", token)
                    declared[str(token)] = Declared(str(token), role, token)
            else:
                token, rhs = st.children
                claim(token, "assigned")
                assigned[str(token)] = Assigned(str(token), token, rhs)
        return declared, assigned


def _recognise_activation(node):
    """Mark ``node`` as applying a known activation when its whole definition is
    f(parent), so the engine can name the rule and write f' through the node."""
    expr = node.expr
    name = _ACTIVATION_OF.get(expr.func)
    if name is not None and len(node.parents) == 1 and expr.args[0] == node.parents[0].symbol:
        act = ACTIVATIONS[name]
        node.activation = act
        node.locals[node.parents[0]] = act.derivative(node.parents[0].symbol)
    elif (isinstance(expr, F.softmax) and len(node.parents) == len(expr.args) - 1
          and set(expr.args[1:]) == {p.symbol for p in node.parents}):
        node.activation = ACTIVATIONS["softmax"]


def _softmax_locals(g):
    """∂y_i/∂z_j of a softmax output written with the outputs the file names:
    y_i(1 − y_i) and −y_i y_j, as the layered networks do."""
    outputs = {n.expr: n.symbol for n in g.nodes
               if n.activation is not None and n.activation.name == "softmax"}
    for n in g.nodes:
        if n.activation is not None and n.activation.name == "softmax":
            for p in n.parents:
                n.locals[p] = sp.diff(n.expr, p.symbol).xreplace(outputs)


def _layers(g):
    """A column for drawing: leaves 0, an assignment one more than its deepest parent,
    a parameter the column of the first quantity that uses it."""
    for n in g.nodes:
        if not n.is_leaf:
            n.layer = 1 + max((p.layer for p in n.parents), default=0)
    for n in g.nodes:
        if n.role == "param" and n.children:
            n.layer = min(c.layer for c in n.children)
