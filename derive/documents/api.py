"""The library entry point: ``derive(...)`` returns a ``Derivation``."""
from contextlib import contextmanager

from derive.errors import SizeLimitError, option, speaks_python
from derive.documents.derivation import build
from derive.model.network import Network
from derive.model.notation import get_notation


_LAYERED_DEFAULTS = {"activation": "sigmoid", "cost": "quadratic", "bias": True}


@speaks_python
def derive(network=None, *, layers=None, activation=None, cost=None, bias=None,
           notation="nielsen", expand=False, graph=None, equations=None, params=None,
           inputs=None, targets=None, values=None, random_values=False, seed=0, digits=4,
           gradcheck=False, lr=None, steps=None):
    """Derive backpropagation and return a ``Derivation`` (in Jupyter it displays itself).

    Describe the network in exactly one of three ways:

    network
        a ``Network("3-4-2", activation="sigmoid", cost="quadratic", bias=True)``;
    layers, activation, cost, bias
        the same pieces directly: ``layers`` a string like ``"3-4-2"`` or a list of
        sizes [default ``"1-1-1"``]; ``activation`` one of sigmoid, relu, tanh, linear,
        softmax (output layer only), or one per non-input layer separated by commas
        [default ``"sigmoid"``]; ``cost`` one of quadratic, squared-error,
        cross-entropy, log-likelihood [default ``"quadratic"``]; ``bias`` False for a
        network without biases [default True];
    graph
        a computation graph: the path of a graph file (see the README), or a Graph
        from ``graph_from_equations``;
    equations, params, inputs, targets
        a computation graph declared with sympy: ``equations`` is a list of
        ``sp.Eq(z1, w1*x + b1)`` … ending with the cost (``sp.Eq(C, (a - t)**2/2)``),
        or a dict ``{z1: w1*x + b1, ...}``; ``params`` the symbols to differentiate
        by, ``inputs`` and ``targets`` the others.  Use derive's ``sigmoid`` and
        ``relu`` and sympy's ``tanh``, ``exp``, ``log``, ``sqrt``.  This gives exactly
        the document of the same graph written as a graph file.

    The other arguments:

    notation
        how the symbols are written: ``"nielsen"`` (default), ``"ng"`` or ``"matrix"``;
        the mathematics is the same.  A graph keeps its own names.
    expand
        for layers wider than one unit, also write out every scalar weight's chain.
    values
        numbers for a worked example: text such as ``"x=3, y=1, w2=0.01, b2=0, w3=-5,
        b3=-1"``, JSON text, or the path of a .json file (keys are the notation's
        parameter keys, or the graph's names).
    random_values, seed
        fill every value not given with reproducible numbers drawn from ``seed``.
    digits
        significant digits shown in the worked example (everything is computed with 50).
    gradcheck
        compare every gradient with finite differences (needs numbers).
    lr, steps
        add the SGD update with learning rate ``lr``, repeated ``steps`` times.

    Invalid input raises a ``DeriveError`` subclass (``SpecError``, ``ValuesError``, …).

    >>> d = derive(layers="1-1-1", cost="quadratic")
    >>> print(d.render("latex"))   # doctest: +SKIP
    """
    from derive.errors import SpecError

    layered = {"layers": layers, "activation": activation, "cost": cost, "bias": bias}
    given = [k for k, v in layered.items() if v is not None]
    graph_args = {"params": params, "inputs": inputs, "targets": targets}
    ways = [w for w, on in (("network", network is not None), ("graph", graph is not None),
                            ("equations", equations is not None)) if on]
    if given and ways:
        raise SpecError(f"{ways[0]} and {given[0]} both describe the network; give one of them")
    if len(ways) > 1:
        raise SpecError(f"{ways[0]} and {ways[1]} both describe the network; give one of them")
    stray = [k for k, v in graph_args.items() if v is not None]
    if stray and ways != ["equations"]:
        raise SpecError(f"{stray[0]} goes with equations=[...]; pass both")
    if equations is not None:
        from derive.model.sympygraph import graph_from_equations

        graph = graph_from_equations(equations, params=params, inputs=inputs, targets=targets)
    if graph is not None:
        from derive.documents.derivation import build_graph
        from derive.model.graphspec import load_graph

        from derive.model.graph import Graph

        g, warnings = ((graph, list(getattr(graph, "warnings", ()))) if isinstance(graph, Graph)
                       else load_graph(graph))
        d = build_graph(g, get_notation(notation))
        d.warnings = list(warnings) + d.warnings  # the file's, then the derivation's
    else:
        if network is None:
            spec = {k: (v if v is not None else _LAYERED_DEFAULTS.get(k)) for k, v in layered.items()}
            network = Network(layers if layers is not None else "1-1-1", spec["activation"],
                              spec["cost"], spec["bias"], notation=notation)
        elif not isinstance(network, Network):
            raise SpecError(f"network must be a Network, not {type(network).__name__}; for a "
                            "string such as '3-4-2' pass layers=")
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
            raise ValuesError(f"{option('gradcheck')}, {option('lr')} and {option('steps')} need numbers: add {option('values')} or "
                              f"{option('random-values')}")
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
        rate = parse_number(lr, f"{option('lr')}") if lr is not None else None
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
            raise SpecError(f"{option('graph')} and {option('layers')} describe the network twice; give one of them")
        return derive(graph=graph, notation=notation, **numbers)
    return derive(layers=layers or "1-1-1", activation=activation, cost=cost, bias=not no_bias,
                  notation=notation, expand=expand, **numbers)


GRAPH_SECONDS = 6.0  # a graph file from anywhere must be derived and rendered well within 10 s


@contextmanager
def graph_time_limit(graph):
    """Bound the derivation and rendering of a ``--graph`` file: a formula such as
    ((b·10⁻³⁰)²)¹⁰⁰ or log(1 + exp(tanh(t)⁻¹⁰⁰)) can keep sympy busy for minutes, so
    past ``GRAPH_SECONDS`` it is one SizeLimitError.  Layered networks need no bound."""
    if graph is None:
        yield
        return
    from derive.check.limits import StepTimeout, time_limit

    try:
        with time_limit(GRAPH_SECONDS):
            yield
    except StepTimeout:
        raise SizeLimitError(f"deriving this graph took longer than {GRAPH_SECONDS:g} s; "
                             "simplify its formulas (huge or tiny powers and nested "
                             "exponentials are the usual cause)") from None
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        raise SizeLimitError("a number in this graph has more than 4300 digits; simplify "
                             "its formulas") from None
