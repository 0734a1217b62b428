"""The layout of a network diagram, as data.

Columns are layers, circles are units, lines are weights.  Wide layers show
their first units, a vertical ellipsis and their last unit; deep networks
show their first and last layers with a horizontal ellipsis between.  Small
networks get a label on every weight.  Coordinates are in centimetres; the
templates (``diagram.tex.j2`` for TikZ, ``diagram.md.j2`` for Mermaid) draw
them.  Labels are sympy quantities, printed by the notation-aware printer.
"""
from dataclasses import dataclass, field

from derive.model.symbols import COST, quantity

MAX_UNITS = 5  # a layer wider than this shows HEAD_UNITS, ⋮ and its last unit
HEAD_UNITS = 3
MAX_COLUMNS = 7  # a deeper network shows HEAD_COLUMNS, ⋯ and TAIL_COLUMNS
HEAD_COLUMNS = 3
TAIL_COLUMNS = 3
MAX_LABELLED_PAIR = 4  # label every weight between two layers with at most this many weights
UNIT_GAP = 1.4  # cm between unit centres in a column
COLUMN_GAP = 2.6  # cm between columns
LABELLED_COLUMN_GAP = 3.2  # wider, so weight labels have room
MAX_SPAN = 15.0  # cm from the first column to the cost, inside a 17 cm text width


@dataclass
class Unit:
    name: str  # node name for the drawing: u<layer>x<unit>, or u<layer>dots
    y: float
    label: object = None  # quantity shown in the circle; None for the ellipsis
    ellipsis: bool = False
    index: int = None  # 0-based unit index


@dataclass
class Column:
    layer: int  # internal layer (input = 0)
    shown_layer: int  # layer number in the notation
    role: str  # input | hidden | output
    activation: str  # activation name, None for the input
    width: int  # units in the layer
    x: float = 0.0
    units: list = field(default_factory=list)

    @property
    def elided(self):
        return any(u.ellipsis for u in self.units)


@dataclass
class Edge:
    source: str
    target: str
    label: object = None  # weight quantity when labelled
    above: bool = True  # label above or below the line (keeps crossing labels apart)
    layer: int = None  # internal layer the weight feeds
    j: int = None  # 0-based unit it feeds
    k: int = None  # 0-based unit it comes from


@dataclass
class Gap:
    """A pair of neighbouring columns: the weights between them, or the elided layers."""

    x: float
    layer: int = None  # internal layer the weights feed
    weights: object = None  # the weight group's quantity (w^{(l)}), for unlabelled gaps
    elided: int = 0  # how many layers the ⋯ stands for
    before: int = None  # internal layers of the columns either side of an elided gap
    after: int = None


@dataclass
class Diagram:
    columns: list
    edges: list
    gaps: list
    labelled: bool  # every weight carries its label
    cost: object  # the cost symbol, drawn to the right of the output
    cost_x: float
    top: float  # y of the highest unit centre
    bottom: float
    bias: bool

    @property
    def head_y(self):  # layer names above the columns
        return round(self.top + 1.15, 2)

    @property
    def weights_y(self):  # weight names above unlabelled gaps
        return round(self.top + 0.6, 2)

    @property
    def foot_y(self):  # activation names below the columns
        return round(self.bottom - 1.0, 2)

    @property
    def elided_layers(self):
        return sum(g.elided for g in self.gaps)

    @property
    def elided(self):
        """Whether any units or layers are left out of the drawing."""
        return bool(self.elided_layers) or any(c.elided for c in self.columns)


def _shown_units(width):
    if width <= MAX_UNITS:
        return list(range(width))
    return list(range(HEAD_UNITS)) + [None, width - 1]


def _shown_layers(n_layers):
    if n_layers <= MAX_COLUMNS:
        return list(range(n_layers))
    return list(range(HEAD_COLUMNS)) + [None] + list(range(n_layers - TAIL_COLUMNS, n_layers))


def _unit_label(layer, unit):
    return quantity("x", 0, unit) if layer == 0 else quantity("a", layer, unit)


def layout(network, notation):
    """The diagram of ``network`` in ``notation``."""
    widths, L = network.widths, network.L
    layers = _shown_layers(len(widths))
    pairs = [(a, b) for a, b in zip(layers, layers[1:]) if a is not None and b is not None]
    labelled = all(widths[a] * widths[b] <= MAX_LABELLED_PAIR for a, b in pairs)
    gap = min(LABELLED_COLUMN_GAP if labelled else COLUMN_GAP, MAX_SPAN / (len(layers) - 0.2))
    columns, gaps, x = [], [], 0.0
    tallest = max(len(_shown_units(widths[l])) for l in layers if l is not None)
    for i, layer in enumerate(layers):
        if layer is None:
            gaps.append(Gap(x=round(x, 2), elided=len(widths) - HEAD_COLUMNS - TAIL_COLUMNS,
                            before=layers[i - 1], after=layers[i + 1]))
            x += gap
            continue
        role = "input" if layer == 0 else "output" if layer == L else "hidden"
        col = Column(layer=layer, shown_layer=notation.display_layer("a", layer), role=role,
                     activation=None if layer == 0 else network.activations[layer - 1],
                     width=widths[layer], x=round(x, 2))
        shown = _shown_units(widths[layer])
        top = (len(shown) - 1) * UNIT_GAP / 2
        for k, unit in enumerate(shown):
            y = round(top - k * UNIT_GAP, 2)
            if unit is None:
                col.units.append(Unit(name=f"u{layer}dots", y=y, ellipsis=True))
            else:
                col.units.append(Unit(name=f"u{layer}x{unit}", y=y, label=_unit_label(layer, unit),
                                      index=unit))
        if i and layers[i - 1] is not None:
            gaps.append(Gap(x=round(x - gap / 2, 2), layer=layer,
                            weights=quantity("w", layer, 0, 0) if network.is_chain
                            else _weight_group(layer)))
        columns.append(col)
        x += gap
    edges = []
    by_layer = {c.layer: c for c in columns}
    for a, b in pairs:
        for target in by_layer[b].units:
            for n, source in enumerate(by_layer[a].units):
                if source.ellipsis or target.ellipsis:
                    continue
                label = quantity("w", b, target.index, source.index) if labelled else None
                edges.append(Edge(source.name, target.name, label, above=n % 2 == 0, layer=b,
                                  j=target.index, k=source.index))
    half = (tallest - 1) * UNIT_GAP / 2
    return Diagram(columns=columns, edges=edges, gaps=gaps, labelled=labelled, cost=COST,
                   cost_x=round(columns[-1].x + gap * 0.8, 2), top=round(half, 2),
                   bottom=round(-half, 2), bias=network.bias)


def _weight_group(layer):
    from derive.model.symbols import base

    return base("w", layer)
