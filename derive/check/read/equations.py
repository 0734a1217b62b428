"""A document's equations, whatever its kind: LaTeX and Markdown through ``extract``,
a plain-text file without LaTeX line by line through ``asciilines``.
"""
import re
from functools import lru_cache

from derive.check.read.asciilines import extract_ascii
from derive.check.read.extract import extract_latex
from derive.check.read.parse import is_math_word
from derive.check.read.text import Source


def looks_like_latex(text):
    return bool(re.search(r"\$|\\(?:frac|begin|partial|sigma|delta|\[|\()", text))


def extract(source, kind, is_math_word):
    """(chains, macros-with-arguments) for a Source of kind 'tex', 'md', 'txt' or 'nb'
    (a notebook's joined text, see ``inputs.notebook_text``)."""
    if kind == "txt" and not looks_like_latex(source.text):
        return extract_ascii(source, is_math_word), set()
    return extract_latex(source, markdown="notebook" if kind == "nb" else kind != "tex")


@lru_cache(maxsize=4)  # one document is read by several readers: its cost, its softmax
def document_chains(text, kind, name):  # letters, its matrices, its layers' names, …
    """(Source, chains) of a document for a reader of its definitions (``softmaxnames``,
    ``layernames``); chains is None where the text cannot be read (the checker reports it).
    The readers only read the chains: one extraction serves them all."""
    source = Source(text, name)
    try:
        return source, extract(source, kind, is_math_word)[0]
    except Exception:  # noqa: BLE001 - an unreadable file is the checker's to report
        return source, None


__all__ = ["document_chains", "extract", "looks_like_latex"]
