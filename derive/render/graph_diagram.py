"""The layout of a --graph file's diagram, as data.

Every quantity is a node, every use an arrow, in columns by how far each
quantity is from the inputs.  Parameters stand in the column before the
first quantity that uses them, and targets in the column before the cost, so
arrows are short.  The templates (``diagram_graph.tex.j2``,
``diagram_graph.md.j2``) draw it.
"""
from dataclasses import dataclass, field

MAX_NODES = 40  # beyond this a drawing is no longer legible; the handout says so
ROW_GAP = 1.3  # cm between node centres in a column
MAX_COLUMN_GAP = 2.6
SPAN = 14.0  # cm available from the first column to the last


@dataclass
class GraphNode:
    name: str  # TikZ / Mermaid node name
    label: object  # the sympy symbol, printed by the notation-aware printer
    text: str  # plain text for Mermaid
    kind: str  # input | param | target | var | cost
    x: float = 0.0
    y: float = 0.0


@dataclass
class GraphDiagram:
    nodes: list
    edges: list = field(default_factory=list)  # (source name, target name)

    @property
    def top(self):
        return max(n.y for n in self.nodes)


def _column(node, cost_column):
    if node.role == "param" and node.children:
        return max(0, min(c.layer for c in node.children) - 1)
    if node.role == "target":
        return max(0, cost_column - 1)
    return node.layer or 0


def graph_layout(graph):
    """A GraphDiagram, or None when the graph is too large to draw legibly."""
    if len(graph.nodes) > MAX_NODES:
        return None
    cost_column = graph.cost.layer or 0
    columns = {}
    for n in graph.nodes:
        columns.setdefault(_column(n, cost_column), []).append(n)
    order = sorted(columns)
    gap = min(MAX_COLUMN_GAP, SPAN / max(1, len(order) - 1))
    nodes, names = [], {}
    for ci, col in enumerate(order):
        members = columns[col]
        for ri, n in enumerate(members):
            name = f"n{len(nodes)}"
            names[n] = name
            nodes.append(GraphNode(name, n.symbol, str(n.symbol) if n.role != "cost"
                                   else getattr(graph, "cost_name", "C"),
                                   n.role, round(ci * gap, 2),
                                   round((len(members) - 1) / 2 * ROW_GAP - ri * ROW_GAP, 2)))
    edges = [(names[p], names[n]) for n in graph.nodes for p in n.parents]
    return GraphDiagram(nodes, edges)
