"""What the `derive` command does, as a library function.

``derive.command.cli`` only declares typed options and passes them here; this module
decides which job runs (derivation, worked example, check, handout) and
where the result goes.  Every user error is a DeriveError.
"""
from derive.documents.api import build_from_options, graph_time_limit
from derive.errors import OutputError

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
    from derive.render.fileio import write_atomic

    if output is None or output == "-":
        echo(text)
    else:
        write_atomic(output, text, force=force)


def run_derivation(*, fmt, output, force, echo, warn=None, progress=None, **options):
    """The main job: derive, render, write.  Returns the exit status."""
    from derive.render.formats import render
    from derive.render.progress import silent_progress

    fmt = output_format(fmt, output)
    with (progress or silent_progress)(2, "deriving") as bar:  # a 1000-layer chain takes seconds
        with graph_time_limit(options.get("graph")):
            derivation = build_from_options(**options)
            bar.update(1, "rendering")
            text = render(derivation, fmt, template_dir=_template_dir(options.get("template_dir")))
        bar.update(1)
    for line in derivation.warnings:
        if warn is not None:
            warn(line if "warning:" in line else f"warning: {line}")
    emit(text, output, force, echo)
    return 0


def _template_dir(path):
    from derive.documents.handout import check_template_dir

    return check_template_dir(path)


CHECK_SUFFIXES = {".tex": "marked", ".pdf": "marked-pdf", ".json": "json", ".txt": "text"}


def run_check(*, check_path, strict, fmt, output, force, echo, layers, activation, cost,
              no_bias, notation, graph=None, warn=None, time_limit=None, progress=None,
              notation_given=True, defaulted=(), **_):
    """--check: the report on stdout (text, or JSON with --format json); with -o, the
    marked-up derivation (.tex, .pdf) or the report (.json, .txt).  The exit status
    is the verdict: 0 all decided steps correct, 1 a step wrong, 2 unreadable input.
    The derivation is checked against a --layers network or a --graph file."""
    from derive.check.document import check_document

    if fmt not in (None, "json", "latex"):
        raise OutputError(f"--check writes a text or JSON report, not {fmt}")
    # options left at their defaults are not given: the document may say them
    report = check_document(
        check_path, layers=layers, graph=graph, strict=strict, seconds=time_limit,
        progress=progress, warn=warn,
        activation=None if "activation" in defaulted else activation,
        cost=None if "cost" in defaulted else cost,
        bias=None if "no_bias" in defaulted else not no_bias,
        notation=notation if notation_given else None)
    text = report.to_json() if fmt == "json" else report.render_text()
    if output is None or output == "-":
        echo(text if text.endswith("\n") else text + "\n")
    else:
        suffix = "." + output.rsplit(".", 1)[-1].lower() if "." in output else ""
        kind = CHECK_SUFFIXES.get(suffix)
        if kind is None:
            raise OutputError(f"--check -o takes a .tex or .pdf (the marked derivation) or a "
                              f".json or .txt (the report), not {output!r}")
        if kind == "marked-pdf":
            from derive.render.pdf import build_pdf

            build_pdf(report.render_marked_tex(), output, force=force)
        else:
            body = {"marked": report.render_marked_tex, "json": report.to_json,
                    "text": report.render_text}[kind]()
            emit(body, output, force, echo)
        echo(report.render_text() if kind != "text" else "")
    return report.exit_code(strict)


def _complete_file(options):
    output = options.get("output") or "-"
    return output != "-" and output.lower().endswith((".tex", ".md")) \
        and options.get("fmt") in (None, "latex", "markdown")


def _check_inputs(options):
    """Input files must be regular files: a FIFO would block derive for ever."""
    from derive.render.fileio import check_regular

    if options.get("graph"):
        check_regular(options["graph"], "--graph")
    values = (options.get("values_text") or "").strip()
    if values.lower().endswith(".json") and not values.startswith("{"):
        check_regular(values, "--values")
    if options.get("check_path") not in (None, "-"):
        check_regular(options["check_path"], "--check")


def run(**options):
    """Dispatch on the options given; returns the exit status."""
    from derive.documents.jobs import run_document, user_template_errors, wants_document

    _check_inputs(options)
    time_limit = options.pop("time_limit", None)  # --check's budget; nothing else takes it
    with user_template_errors(options.get("template_dir")):
        if options.get("check_path") is not None:
            return run_check(time_limit=time_limit, **options)
        if _complete_file(options):
            # -o FILE.tex / FILE.md writes a document that compiles (renders) on its own;
            # the bare derivation, to \input into another document, stays on stdout.
            options = {**options, "standalone": True}
        if wants_document(options):  # handouts, exercise sheets, PDFs
            return run_document(**options)
        return run_derivation(**options)
