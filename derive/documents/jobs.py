"""The document jobs of the `derive` command: handouts, exercise sheets and PDFs.

``derive.command.run`` hands over when the options ask for a document
(``--standalone``, ``--sections``, ``--title``, ``--exercise``, ``--pdf`` or
``-o FILE.pdf``).  Everything is rendered, and every PDF compiled, before the
first file is written, so a LaTeX error or an existing file leaves nothing
behind.
"""
from contextlib import contextmanager
from pathlib import Path

from derive.render.progress import silent_progress
from derive.errors import OutputError, SpecError

DOCUMENT_SUFFIXES = {".tex": "latex", ".md": "markdown", ".pdf": "pdf"}


@contextmanager
def user_template_errors(template_dir):
    """Errors raised while rendering a user's templates become one-line TemplateErrors."""
    if not template_dir:
        yield
        return
    import jinja2

    from derive.errors import TemplateError

    try:
        yield
    except jinja2.TemplateError as exc:
        where = f"{exc.name}:{exc.lineno}: " if getattr(exc, "lineno", None) and getattr(exc, "name", None) else ""
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise TemplateError(f"template from --template-dir failed: {where}{message}") from None
    except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError,
            RecursionError) as exc:
        # A runtime error inside a user's template (e.g. a TypeError) is the user's input
        # too: one line naming the template and line, not a traceback.
        where = _user_frame(exc, template_dir)
        if where is None:
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise TemplateError(f"template from --template-dir failed: {where}: "
                            f"{type(exc).__name__}: {message}") from None


def _user_frame(exc, template_dir):
    """'name:line' of the innermost traceback frame in a file under ``template_dir``, or None."""
    import traceback

    root = Path(template_dir).resolve()
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            path = Path(frame.filename).resolve()
        except (OSError, ValueError):
            continue
        if path == root or root in path.parents:
            found = f"{path.relative_to(root).as_posix()}:{frame.lineno}"
    return found


def wants_document(options):
    output = options.get("output") or ""
    return bool(options.get("exercise") or options.get("pdf") or options.get("sections")
                or options.get("title") or options.get("standalone")
                or options.get("solutions") or options.get("variants") is not None
                or output.lower().endswith(".pdf"))


def _target(path, fmt, what):
    """(format, is_pdf) of an output path: the suffix decides, --format must agree."""
    if path is None or path == "-":
        fmt = fmt or "latex"
        if fmt == "json":
            raise SpecError(f"{what} is LaTeX, PDF or Markdown, not JSON")
        return fmt, False
    suffix = Path(path).suffix.lower()
    kind = DOCUMENT_SUFFIXES.get(suffix)
    if kind is None:
        raise OutputError(f"cannot tell the format of {what} from {path!r}; use a .tex, .md or "
                          f".pdf suffix")
    if kind == "pdf":
        if fmt not in (None, "latex"):
            raise OutputError(f"--format {fmt} does not match the suffix of {path!r}")
        return "latex", True
    if fmt is not None and fmt != kind:
        raise OutputError(f"--format {fmt} does not match the suffix of {path!r}")
    return kind, False


def _check_combination(o):
    if o.get("exercise"):
        for name in ("sections", "graph", "gradcheck", "steps", "expand"):
            if o.get(name):
                raise SpecError(f"--{name} does not apply to exercise sheets")
        if o.get("random_values"):
            raise SpecError("exercise sheets always draw their numbers (from --seed); "
                            "drop --random-values")
    else:
        if o.get("solutions"):
            raise SpecError("--solutions FILE goes with --exercise")
        if o.get("variants") is not None:
            raise SpecError("--variants K goes with --exercise")


def _network(o):
    from derive.model.network import Network

    return Network(o.get("layers") or "1-1-1", o.get("activation") or "sigmoid",
                   o.get("cost") or "quadratic", not o.get("no_bias"))


def plan(**o):
    """[(path or None, text, is_pdf)] of everything the options ask to write."""
    from derive.documents.handout import parse_sections

    _check_combination(o)
    output, fmt = o.get("output"), o.get("fmt")
    what = "an exercise sheet" if o.get("exercise") else "a handout"
    doc_fmt, is_pdf = _target(output, fmt, what)
    if o.get("pdf"):
        if is_pdf or output is None or output == "-" or doc_fmt != "latex":
            raise SpecError("--pdf builds FILE.pdf next to -o FILE.tex; give -o FILE.tex "
                            "(or simply -o FILE.pdf)")
    title, template_dir = o.get("title"), o.get("template_dir")
    jobs = []
    if o.get("exercise"):
        from derive.documents.exercise import build_sheet, render_sheet
        from derive.model.notation import get_notation

        sheet = build_sheet(_network(o), get_notation(o.get("notation") or "nielsen"),
                            seed=o.get("seed") or 0,
                            variants=1 if o.get("variants") is None else o["variants"],
                            values_text=o.get("values_text"), lr=o.get("lr"),
                            digits=o.get("digits") or 4)
        apart = o.get("solutions")
        part = "problems" if apart else "both"
        jobs.append((output, render_sheet(sheet, doc_fmt, part, title, template_dir), is_pdf))
        if apart:
            sol_fmt, sol_pdf = _target(apart, None, "the solutions")
            if apart == "-":
                raise SpecError("--solutions needs a file name")
            jobs.append((apart, render_sheet(sheet, sol_fmt, "solutions", title, template_dir),
                         sol_pdf))
    else:
        from derive.documents.api import build_from_options
        from derive.documents.handout import render_handout

        d = build_from_options(**o)
        for line in d.warnings:
            if o.get("warn") is not None:
                o["warn"](line if "warning:" in line else f"warning: {line}")
        jobs.append((output, render_handout(d, doc_fmt, parse_sections(o.get("sections")), title,
                                            template_dir), is_pdf))
    if o.get("pdf"):
        jobs.append((str(Path(output).with_suffix(".pdf")), jobs[0][1], True))
    return jobs


def run_document(*, output=None, force=False, echo=print, progress=None, **options):
    """Render (and compile) everything, then write it; returns the exit status.
    ``progress(length, label)`` is a context manager whose ``update(n, label)`` is told
    each step (the command shows a progress bar on a terminal); silent by default."""
    from derive.render.fileio import write_atomic
    from derive.render.pdf import compile_pdf, jobname

    from derive.documents.api import graph_time_limit

    with (progress or silent_progress)(1, "deriving and rendering") as bar:
        with graph_time_limit(options.get("graph")):
            jobs = plan(output=output, **options)
        bar.update(1, None)
    latex_runs = [path for path, _, is_pdf in jobs if is_pdf]
    paths = [p for p, _, _ in jobs if p not in (None, "-")]
    if len(set(map(lambda p: str(Path(p).resolve()), paths))) != len(paths):
        raise OutputError("two outputs would go to the same file")
    for p in paths:
        if Path(p).exists() and not force:
            raise OutputError(f"{p} already exists; pass --force to replace it")
    for path, _, is_pdf in jobs:
        if is_pdf and path in (None, "-"):
            raise OutputError("a PDF cannot go to standard output; give -o FILE.pdf")
    untrusted = bool(options.get("template_dir"))  # TeX from a user's templates may loop
    ready = []
    with (progress or silent_progress)(len(latex_runs), "LaTeX") as bar:
        for path, text, is_pdf in jobs:
            if is_pdf:
                bar.update(0, f"LaTeX: {path}")
            ready.append((path, compile_pdf(text, jobname(Path(path)), untrusted,
                                            options.get("started")) if is_pdf else text))
            if is_pdf:
                bar.update(1, f"LaTeX: {path}")
    for path, data in ready:
        if path in (None, "-"):
            echo(data)
        else:
            write_atomic(path, data, force=force)
    return 0
