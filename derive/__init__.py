"""derive: backpropagation derived step by step, with sympy underneath.

    >>> from derive import derive
    >>> d = derive(layers="3-4-2", notation="matrix")
    >>> d.render("markdown")          # or "latex", "json"; d.to_dict() for the data

``derive(...)`` returns a ``Derivation``; ``help(derive.derive)`` lists every
argument.  A network is a ``Network`` (layers, activations, cost), a graph
file, or forward equations written with sympy (``equations=[sp.Eq(z, w*x), ...]``
using derive's ``sigmoid`` and ``relu``).  ``Derivation.check(text)`` checks a
hand derivation and returns a ``Report``; ``check_document(path)`` checks a file
as ``derive --check`` does, on the network the document itself declares.  Errors are ``DeriveError``s.

Names are imported on first use so that ``import derive`` stays cheap
(start-up time is measured).
"""
__version__ = "0.1.0"

__all__ = ["Network", "Derivation", "Report", "derive", "check_document", "graph_from_equations",
           "sigmoid", "relu", "DeriveError", "SpecError", "GraphSpecError", "ValuesError",
           "OutputError", "__version__"]

_HOME = {
    "Network": "derive.model.network",
    "Derivation": "derive.documents.derivation",
    "Report": "derive.check.report",
    "derive": "derive.documents.api",
    "check_document": "derive.check.document",
    "graph_from_equations": "derive.model.sympygraph",
    "sigmoid": "derive.model.functions",
    "relu": "derive.model.functions",
    "DeriveError": "derive.errors",
    "SpecError": "derive.errors",
    "GraphSpecError": "derive.errors",
    "ValuesError": "derive.errors",
    "OutputError": "derive.errors",
}


def __getattr__(name):
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
