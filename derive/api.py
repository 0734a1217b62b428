"""The library entry point: ``derive(...)`` returns a ``Derivation``."""
from .derivation import build
from .network import Network
from .notation import get_notation


def derive(network=None, *, layers=None, activation="sigmoid", cost="quadratic", bias=True,
           notation="nielsen", expand=False, graph=None, values=None, random_values=False,
           seed=0, digits=4, gradcheck=False, lr=None, steps=None):
    """Derive backpropagation for ``network`` (or for ``layers``/``activation``/``cost``/``bias``),
    or for ``graph``: a --graph file's path, or a Graph.  ``values`` (text as for --values)
    or ``random_values`` add a worked example; ``gradcheck``, ``lr`` and ``steps`` extend it.

    >>> d = derive(layers="1-1-1", cost="quadratic")
    >>> print(d.render("latex"))   # doctest: +SKIP
    """
    if graph is not None:
        from .derivation import build_graph
        from .graphspec import load_graph

        from .graph import Graph

        g, warnings = (graph, []) if isinstance(graph, Graph) else load_graph(graph)
        d = build_graph(g, get_notation(notation))
        d.warnings = list(warnings)
    else:
        if network is None:
            network = Network(layers if layers is not None else "1-1-1", activation, cost, bias)
        d = build(network, get_notation(notation), expand=expand)
    _attach_worked(d, values_text=values, random_values=random_values, seed=seed, digits=digits,
                   gradcheck=gradcheck, lr=lr, steps=steps)
    return d


def _attach_worked(derivation, *, values_text, random_values, seed, digits, gradcheck, lr,
                   steps):
    """Add the worked example the value options ask for (nothing if none do)."""
    from .errors import ValuesError

    wants_numbers = gradcheck or lr is not None or steps is not None
    if values_text is None and not random_values:
        if wants_numbers:
            raise ValuesError("--gradcheck, --lr and --steps need numbers: add --values or "
                              "--random-values")
        return
    if derivation.mode == "graph":
        from .worked_graph import worked_graph

        derivation.worked = worked_graph(derivation, values_text, random_values, seed, digits,
                                         gradcheck, lr, steps)
    else:
        from .values import parse_number, parse_values, random_values as draw
        from .worked import worked_example

        net, nt = derivation.network, derivation.notation
        given = parse_values(values_text, net, nt, require_all=not random_values) if values_text else None
        values = draw(net, nt, seed, given) if random_values else given
        rate = parse_number(lr, "--lr") if lr is not None else None
        derivation.worked = worked_example(net, values, digits, gradcheck, rate, steps)
    derivation.warnings.extend(derivation.worked.warnings)
