"""The library entry point: ``derive(...)`` returns a ``Derivation``."""
from derive.documents.derivation import build
from derive.model.network import Network
from derive.model.notation import get_notation


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
        from derive.documents.derivation import build_graph
        from derive.model.graphspec import load_graph

        from derive.model.graph import Graph

        g, warnings = (graph, []) if isinstance(graph, Graph) else load_graph(graph)
        d = build_graph(g, get_notation(notation))
        d.warnings = list(warnings) + d.warnings  # the file's, then the derivation's
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
    from derive.errors import ValuesError

    wants_numbers = gradcheck or lr is not None or steps is not None
    if values_text is None and not random_values:
        if wants_numbers:
            raise ValuesError("--gradcheck, --lr and --steps need numbers: add --values or "
                              "--random-values")
        return
    if values_text is not None and not str(values_text).strip():
        # an empty --values (often an unset shell variable) is a mistake, not "no values"
        raise ValuesError("--values is empty; give key=value pairs such as 'x=3, y=1', "
                          "or use --random-values")
    if derivation.mode == "graph":
        from derive.numbers.worked_graph import worked_graph

        derivation.worked = worked_graph(derivation, values_text, random_values, seed, digits,
                                         gradcheck, lr, steps)
    else:
        from derive.numbers.draw import random_values as draw
        from derive.numbers.values import parse_number, parse_values
        from derive.numbers.worked import worked_example

        from derive.numbers.numeric import check_network_size

        net, nt = derivation.network, derivation.notation
        check_network_size(net)
        given = (parse_values(values_text, net, nt, require_all=not random_values)
                 if values_text is not None else None)
        values = draw(net, nt, seed, given) if random_values else given
        rate = parse_number(lr, "--lr") if lr is not None else None
        derivation.worked = worked_example(net, values, digits, gradcheck, rate, steps)
    derivation.warnings.extend(derivation.worked.warnings)


def build_from_options(*, layers, activation, cost, no_bias, notation, expand, graph=None, values_text=None,
          random_values=False, seed=0, digits=4, gradcheck=False, lr=None, steps=None, **_):
    """The Derivation the options describe: a layered network or a --graph file,
    with a worked example when values are asked for."""
    from derive.errors import SpecError

    numbers = dict(values=values_text, random_values=random_values, seed=seed, digits=digits,
                   gradcheck=gradcheck, lr=lr, steps=steps)
    if graph is not None:
        if layers is not None:
            raise SpecError("--graph and --layers describe the network twice; give one of them")
        return derive(graph=graph, notation=notation, **numbers)
    return derive(layers=layers or "1-1-1", activation=activation, cost=cost, bias=not no_bias,
                  notation=notation, expand=expand, **numbers)
