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


def build(*, layers, activation, cost, no_bias, notation, expand, graph=None, values_text=None,
          random_values=False, seed=0, digits=4, gradcheck=False, lr=None, steps=None, **_):
    """The Derivation the options describe: a layered network or a --graph file,
    with a worked example when values are asked for."""
    from .api import derive
    from .errors import SpecError

    numbers = dict(values=values_text, random_values=random_values, seed=seed, digits=digits,
                   gradcheck=gradcheck, lr=lr, steps=steps)
    if graph is not None:
        if layers is not None:
            raise SpecError("--graph and --layers describe the network twice; give one of them")
        return derive(graph=graph, notation=notation, **numbers)
    return derive(layers=layers or "1-1-1", activation=activation, cost=cost, bias=not no_bias,
                  notation=notation, expand=expand, **numbers)


def run_derivation(*, fmt, output, force, echo, warn=None, **options):
    """The main job: derive, render, write.  Returns the exit status."""
    fmt = output_format(fmt, output)
    derivation = build(**options)
    for line in derivation.warnings:
        if warn is not None:
            warn(line if "warning:" in line else f"warning: {line}")
    from .render import render

    emit(render(derivation, fmt, template_dir=_template_dir(options.get("template_dir"))),
         output, force, echo)
    return 0


def _template_dir(path):
    from .handout import check_template_dir

    return check_template_dir(path)


def run(**options):
    """Dispatch on the options given; returns the exit status."""
    from .documents import run_document, user_template_errors, wants_document

    with user_template_errors(options.get("template_dir")):
        if wants_document(options):  # handouts, exercise sheets, PDFs
            return run_document(**options)
        return run_derivation(**options)
