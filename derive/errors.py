"""Typed errors: every problem a user can cause is one of these, and the CLI
turns each into a one-line message with exit status 2.

A message that names a setting names it the way the caller gave it:
``option("force")`` is ``force=True`` inside the public Python API (``speaks_python``)
and ``--force`` everywhere else, in particular on the command line (``speaking_cli``)."""
import contextlib
import contextvars
import functools

_SPEAKS = contextvars.ContextVar("derive_speaks", default=None)  # None, "cli" or "python"

# How Python spells a setting where it is not just the option's name.
_PYTHON = {"force": "force=True", "random-values": "random_values=True",
           "gradcheck": "gradcheck=True", "expand": "expand=True"}


def option(name):
    """The setting ``name`` (a command-line option without its dashes) as the caller writes it."""
    if _SPEAKS.get() == "python":
        return _PYTHON.get(name, name.replace("-", "_"))
    return f"--{name}"


@contextlib.contextmanager
def _speaking(who):
    token = _SPEAKS.set(_SPEAKS.get() or who)  # the outermost caller decides
    try:
        yield
    finally:
        _SPEAKS.reset(token)


def speaking_cli():
    """Within this block, messages name settings as command-line options."""
    return _speaking("cli")


def speaks_python(func):
    """Decorate a public API function: its errors name settings as Python arguments,
    unless the command line called it."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _speaking("python"):
            return func(*args, **kwargs)

    return wrapper


class DeriveError(Exception):
    """Base class for errors caused by the user's input."""

    exit_code = 2


class SpecError(DeriveError):
    """The network specification (--layers, --activation, --cost, ...) is invalid."""


class OutputError(DeriveError):
    """The output file cannot be written as asked (exists, bad suffix, ...)."""


class SizeLimitError(DeriveError):
    """The request is too large to write out (e.g. --expand on a wide network)."""


class GraphSpecError(SpecError):
    """A --graph file is invalid; the message starts with ``file:line:column``."""

    def __init__(self, message, source="<graph>", line=None, column=None):
        self.source, self.line, self.column, self.reason = source, line, column, message
        where = source if line is None else f"{source}:{line}:{column}"
        super().__init__(f"{where}: {message}")


class GraphSyntaxError(GraphSpecError):
    """A --graph file does not follow the grammar."""


class UndefinedNameError(GraphSpecError):
    """A --graph file uses a name that is neither declared nor assigned."""


class DuplicateNameError(GraphSpecError):
    """A --graph file declares or assigns one name twice."""


class CycleError(GraphSpecError):
    """The assignments of a --graph file depend on each other in a circle."""


class UnknownFunctionError(GraphSpecError):
    """A --graph file calls a function derive does not know."""


class GraphSizeError(GraphSpecError, SizeLimitError):
    """A --graph file exceeds a size bound (bytes, statements, nesting, exponent)."""


class ValuesError(DeriveError):
    """Numbers for a worked example (--values, --lr, --steps, ...) cannot be used."""


class MissingValuesError(ValuesError):
    """Some inputs, targets or parameters were given no value."""


class UnknownKeyError(ValuesError):
    """--values names something the network does not have."""


class DuplicateKeyError(ValuesError):
    """--values gives the same quantity twice."""


class ShapeError(ValuesError):
    """A value has the wrong shape for its key (e.g. a 2×3 matrix given as 3×2)."""


class NumberError(ValuesError):
    """A value is not a number, not finite, too long or out of range."""


class DomainError(ValuesError):
    """The numbers are outside what the cost accepts (e.g. cross-entropy with y = 2)."""


class LatexError(DeriveError):
    """LaTeX could not build the PDF; the message carries the relevant lines of the log."""


class LatexMissingError(DeriveError):
    """latexmk or pdflatex is not installed, so no PDF can be built."""


class TemplateError(DeriveError):
    """A template from --template-dir cannot be rendered (syntax, unsafe access, missing name)."""
