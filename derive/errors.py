"""Typed errors: every problem a user can cause is one of these, and the CLI
turns each into a one-line message with exit status 2."""


class DeriveError(Exception):
    """Base class for errors caused by the user's input."""

    exit_code = 2


class SpecError(DeriveError):
    """The network specification (--layers, --activation, --cost, ...) is invalid."""


class OutputError(DeriveError):
    """The output file cannot be written as asked (exists, bad suffix, ...)."""


class SizeLimitError(DeriveError):
    """The request is too large to write out (e.g. --expand on a wide network)."""
