"""Checking a hand derivation line by line against the engine.

``check_file(path_or_dash, network_or_graph, notation, strict=False, seed=0)``
reads a ``.tex``, ``.md`` or ``.txt`` derivation (or stdin for ``-``), finds
every claimed equality, and returns a ``Report`` whose steps are *correct*,
*wrong* (with the expected expression, a witness point and a diagnosis),
*unknown* (with the reason) or *unparsed* (with line, column and what was
expected).  ``network_or_graph`` is a layered ``Network`` or the ``Graph`` of a
--graph file.  Modules: ``extract`` (finding the math), ``parse``/``build``/
``names``/``funcnames``/``graphnames`` (our own lark grammars → sympy, names
for a network or a graph file), ``readings`` (how a chain is read; givens and
definitions), ``shapes`` (general l, j, k and vector shapes), ``semantics``
(independent values), ``verify`` (verdicts), ``examples`` (worked-example
numbers), ``diagnose`` (what went wrong), ``report`` (JSON, text, marked LaTeX).
"""
__all__ = ["CheckInputError", "Report", "check_file", "check_text"]


def __getattr__(name):
    import importlib

    home = {"check_file": "checker", "check_text": "checker", "Report": "report",
            "CheckInputError": "limits"}
    if name in home:
        return getattr(importlib.import_module(f"derive.check.{home[name]}"), name)
    raise AttributeError(name)
