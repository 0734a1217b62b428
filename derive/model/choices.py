"""Names a person types for a choice: any case, ``_`` for ``-``, common aliases,
and a "did you mean" for a near miss.  Used for activations, costs, notations
(and, in ``render.formats``, output formats) by the command line and the Python
API alike."""
import difflib

from derive.errors import SpecError

COST_ALIASES = {"mse": "squared-error", "sse": "squared-error", "squared": "squared-error",
                "bce": "cross-entropy", "binary-cross-entropy": "cross-entropy",
                "nll": "log-likelihood", "ce": "log-likelihood",
                "negative-log-likelihood": "log-likelihood", "categorical-cross-entropy":
                "log-likelihood"}
ACTIVATION_ALIASES = {"logistic": "sigmoid", "identity": "linear", "none": "linear"}
NOTATION_ALIASES = {}


def canonical(kind, value, names, aliases=None, error=SpecError):
    """The name in ``names`` that ``value`` means; ``error`` with a suggestion otherwise."""
    aliases = aliases or {}
    if not isinstance(value, str):
        raise error(f"{kind} must be a name such as {names[0]!r}, not {value!r}")
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    for name in names:
        if key == name.lower():
            return name
    if key in aliases:
        return aliases[key]
    near = difflib.get_close_matches(key, [n.lower() for n in names] + list(aliases), n=1,
                                     cutoff=0.6)
    hint = ""
    if near:
        match = aliases.get(near[0]) or next(n for n in names if n.lower() == near[0])
        hint = f" (did you mean {match}?)"
    return _raise(error, f"unknown {kind} {value!r}{hint}; choose from {', '.join(names)}")


def _raise(error, message):
    raise error(message)
