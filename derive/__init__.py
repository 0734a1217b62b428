"""derive: backpropagation derived step by step, with sympy underneath.

The public API is ``Network``, ``derive(...)`` and the ``Derivation`` it
returns.  Names are imported on first use so that ``import derive`` stays cheap
(start-up time is measured).
"""
__all__ = ["Network", "Derivation", "derive", "DeriveError"]

_HOME = {
    "Network": "derive.model.network",
    "Derivation": "derive.documents.derivation",
    "derive": "derive.documents.api",
    "DeriveError": "derive.errors",
}


def __getattr__(name):
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(name)
