"""Stage 5, the checker: a hand derivation judged line by line (``read/`` finds and parses the math, ``judge/`` decides).
Imports the model, engine, numbers and render stages, never ``derive.documents`` or ``derive.command``.

``check_document(path)`` is ``derive --check FILE``: it chooses the network (the one the
document declares, or ``layers=`` / ``graph=``) and calls ``check_file(path_or_dash,
network_or_graph, notation, strict=False, seed=0)``, which returns a ``Report`` whose
steps are *correct*, *wrong* (with the expected expression, a witness point and a
diagnosis), *unknown* (with the reason) or *unparsed* (with line, column and what
was expected).  ``checker`` ties the
two halves together, ``limits`` bounds them, ``report`` writes JSON, text and
marked LaTeX.
"""
__all__ = ["CheckInputError", "Report", "check_document", "check_file", "check_text"]


def __getattr__(name):
    import importlib

    home = {"check_document": "document", "check_file": "checker", "check_text": "checker", "Report": "report",
            "CheckInputError": "limits"}
    if name in home:
        return getattr(importlib.import_module(f"derive.check.{home[name]}"), name)
    raise AttributeError(name)
