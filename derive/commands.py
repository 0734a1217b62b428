"""What the `derive` command does, as a library function.

``cli.py`` only declares typed options and passes them here; this module
decides which job runs (derivation, worked example, check, handout) and
where the result goes.  Every user error is a DeriveError.
"""
from .errors import OutputError

SUFFIXES = {".tex": "latex", ".md": "markdown", ".json": "json"}


def output_format(fmt, output):
    """The format: --format if given, else the output file's suffix, else LaTeX."""
    if output is None or output == "-":
        return fmt or "latex"
    suffix = "." + output.rsplit(".", 1)[-1].lower() if "." in output else ""
    from_suffix = SUFFIXES.get(suffix)
    if fmt is None:
        if from_suffix is None:
            raise OutputError(f"cannot tell the format from {output!r}; use a .tex, .md or "
                              f".json suffix, or pass --format")
        return from_suffix
    if from_suffix is not None and from_suffix != fmt:
        raise OutputError(f"--format {fmt} does not match the suffix of {output!r}")
    return fmt


def emit(text, output, force, echo):
    """Send ``text`` to stdout (via ``echo``) or atomically to ``output``."""
    from .fileio import write_atomic

    if output is None or output == "-":
        echo(text)
    else:
        write_atomic(output, text, force=force)


def run_derivation(*, layers, activation, cost, no_bias, notation, fmt, standalone, expand,
                   output, force, echo, **_):
    """The main job: derive, render, write.  Returns the exit status."""
    from .api import derive

    fmt = output_format(fmt, output)
    derivation = derive(layers=layers, activation=activation, cost=cost, bias=not no_bias,
                        notation=notation, expand=expand)
    emit(derivation.render(fmt, standalone=standalone), output, force, echo)
    return 0


def run(**options):
    """Dispatch on the options given; returns the exit status."""
    return run_derivation(**options)
