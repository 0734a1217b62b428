"""The `derive` command: typed options passed straight to the library.

Every user error is a DeriveError (or a click usage error); both become one
line on stderr and exit status 2.  So do an option that is not valid UTF-8
and a standard output that cannot be written (a full disk, a closed pipe).
SIGTERM raises, like SIGINT, so that the atomic writes and the PDF build
clean up their temporary files on the way out.
"""
import contextlib
import os
import signal
import sys

import click

from derive import __version__
from derive.errors import DeriveError

ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear", "softmax")
COSTS = ("quadratic", "squared-error", "cross-entropy", "log-likelihood")
NOTATIONS = ("nielsen", "ng", "matrix")
FORMATS = ("latex", "markdown", "json")


def _named(resolve):
    """A callback that turns what a person typed (ReLU, MSE, md) into the canonical name,
    or a usage error with a "did you mean"."""
    def callback(ctx, param, value):
        if value is None:
            return None
        try:
            return resolve(value)
        except DeriveError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None

    return callback


def _cost(value):
    from derive.model.choices import COST_ALIASES, canonical

    return canonical("cost", value, list(COSTS), COST_ALIASES)


def _notation(value):
    from derive.model.choices import canonical

    return canonical("notation", value, list(NOTATIONS))


def _format(value):
    from derive.render.formats import format_name

    return format_name(value)


class Terminated(BaseException):
    """SIGTERM arrived; raised so that every ``finally`` (temporary files) runs."""


def _terminate(signum, frame):
    raise Terminated()


def _stdout_gone():
    """Point standard output at /dev/null, so the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def write_stdout(text):
    """``text`` on standard output; failing to write it is a one-line OutputError."""
    try:
        click.echo(text, nl=False)
    except UnicodeEncodeError:
        raise DeriveError("the output holds bytes that are not valid UTF-8 (from a file name "
                          "or an option)") from None
    except OSError as exc:
        _stdout_gone()
        raise DeriveError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _check_utf8(options):
    for name, value in options.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                option = "--" + {"fmt": "format", "values_text": "values", "check_path": "check",
                                 "output": "output"}.get(name, name).replace("_", "-")
                raise DeriveError(f"{option} is not valid UTF-8") from None


class OneLineErrors(click.Command):
    """Turn usage and input errors into one line and exit status 2."""

    def main(self, args=None, prog_name=None, **extra):
        extra.pop("standalone_mode", None)
        try:
            previous = signal.signal(signal.SIGTERM, _terminate)
        except (ValueError, OSError):  # not the main thread
            previous = None
        try:
            rv = self._main(args, prog_name, extra)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        sys.exit(rv)

    def _main(self, args, prog_name, extra):
        try:
            rv = super().main(args, prog_name, standalone_mode=False, **extra)
        except Terminated:
            click.echo("derive: terminated", err=True)
            return 128 + signal.SIGTERM
        except click.UsageError as exc:
            click.echo(f"derive: error: {exc.format_message()}", err=True)
            sys.exit(2)
        except DeriveError as exc:
            click.echo(f"derive: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("derive: aborted", err=True)
            sys.exit(1)
        try:
            sys.stdout.flush()
        except OSError as exc:
            _stdout_gone()
            click.echo(f"derive: error: cannot write to standard output: {exc.strerror or exc}",
                       err=True)
            return 2
        return rv if isinstance(rv, int) else 0


@click.command(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="derive", message="%(prog)s %(version)s")
@click.option("--layers", default=None, metavar="N0-N1-...-NL",
              help="Layer sizes from input to output, e.g. 3-4-2  [default: 1-1-1].")
@click.option("--graph", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Derive a computation graph written as forward equations in FILE "
                   "(- for stdin; instead of --layers); see the README for the format.")
@click.option("--activation", default="sigmoid", show_default=True, metavar="NAME[,NAME...]",
              help=f"One of {', '.join(ACTIVATIONS)} for every layer, or one per non-input "
                   "layer separated by commas (softmax: output layer only).")
@click.option("--cost", default="quadratic", show_default=True, callback=_named(_cost),
              metavar="[" + "|".join(COSTS) + "]",
              help="quadratic = ½Σ(a−y)², squared-error = Σ(a−y)², cross-entropy (binary, "
                   "per output unit), log-likelihood = −Σ y ln a.")
@click.option("--no-bias", is_flag=True, help="The network has no biases.")
@click.option("--notation", default="nielsen", show_default=True, callback=_named(_notation),
              metavar="[" + "|".join(NOTATIONS) + "]",
              help="How symbols are written and what the parameter keys are called.")
@click.option("--format", "fmt", default=None, callback=_named(_format),
              metavar="[" + "|".join(FORMATS) + "]",
              help="Output format, also tex or md [default: from the -o suffix, else latex].")
@click.option("--standalone", is_flag=True,
              help="A complete handout (LaTeX or Markdown): title, diagram, derivation, boxed "
                   "equations.")
@click.option("--expand", is_flag=True,
              help="For networks wider than one unit, also write out every scalar weight's chain.")
@click.option("--values", "values_text", default=None, metavar="VALUES",
              help="Numbers for a worked example: inline 'x=3, y=1, w2=0.01, ...' (brackets for "
                   "vectors and matrices), JSON text starting with '{', or a .json file.")
@click.option("--random-values", is_flag=True,
              help="Fill every value not given with reproducible, hand-friendly numbers.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for --random-values (and exercise sheets).")
@click.option("--digits", type=click.IntRange(1, 30), default=4, show_default=True,
              help="Significant digits shown in the worked example (computed at 50).")
@click.option("--gradcheck", is_flag=True,
              help="Compare every gradient with high-precision central differences.")
@click.option("--lr", default=None, metavar="ETA", help="Add the SGD update w ← w − η ∂C/∂w.")
@click.option("--steps", type=click.IntRange(1, 10_000), default=None,
              help="Repeat the SGD update N times on the same example and tabulate the loss.")
@click.option("--sections", default=None, metavar="LIST",
              help="Handout sections in order, from network, diagram, forward, activations, "
                   "gradients, deltas, equations, vectorised, update, worked [default: all that "
                   "apply].")
@click.option("--title", default=None, metavar="TEXT", help="Title of the handout or exercise sheet.")
@click.option("--template-dir", type=click.Path(file_okay=False), default=None,
              help="Use templates in DIR in place of the built-in ones of the same name "
                   "(rendered in a sandbox).")
@click.option("--pdf", is_flag=True, help="Also build FILE.pdf from -o FILE.tex (needs TeX Live).")
@click.option("--exercise", is_flag=True,
              help="Write an exercise sheet with solutions on separate pages (numbers from --seed).")
@click.option("--solutions", default=None, metavar="FILE",
              help="With --exercise: write the solutions to FILE (.tex, .md or .pdf) instead.")
@click.option("--variants", type=int, default=None, metavar="K",
              help="With --exercise: K versions from seeds N, N+1, ... (1 to 26).")
@click.option("--check", "check_path", type=click.Path(dir_okay=False, allow_dash=True),
              default=None, metavar="FILE",
              help="Check the hand derivation in FILE (.tex, .md, .txt, or - for stdin) line by "
                   "line against this network; exit 1 if any step is wrong.")
@click.option("--strict", is_flag=True,
              help="With --check, unknown or unparsed steps also make the exit status 1.")
@click.option("--time-limit", type=click.FloatRange(min=0.1, max=3600), default=None,
              metavar="SECONDS", help="With --check, the time budget for the whole file "
                                      "(default 30); steps not reached are unknown.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write to FILE (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def cli(**options):
    """Derive backpropagation for a layered network, step by step."""
    from derive.command.run import run
    from derive.errors import speaking_cli

    _check_utf8(options)
    if options.get("check_path") is not None:
        # --check reads the document's own index notation unless --notation names one
        ctx = click.get_current_context()
        options["defaulted"] = {name for name in ("notation", "cost", "no_bias", "activation")
                                if ctx.get_parameter_source(name)
                                is click.core.ParameterSource.DEFAULT}
        options["notation_given"] = "notation" not in options["defaulted"]
    with speaking_cli():  # messages name settings as --options
        return run(echo=write_stdout, warn=lambda line: click.echo(line, err=True),
                   progress=progress_bar, started=_started[0] if _started else None, **options)


class _Bar:
    """A labelled click progress bar: ``update(n, label)``."""

    def __init__(self, bar):
        self.bar = bar

    def update(self, n, label=None):
        if label:
            self.bar.label = label
        self.bar.update(n)


@contextlib.contextmanager
def progress_bar(length, label):
    """click's progress bar on stderr for long work (PDF builds), only when stderr is a
    terminal: nothing is shown in pipes, files and tests."""
    if not sys.stderr.isatty() or length < 1:
        from derive.render.progress import silent_progress

        with silent_progress(length, label) as quiet:
            yield quiet
        return
    with click.progressbar(length=length, label=label, file=sys.stderr, show_eta=False) as bar:
        yield _Bar(bar)


_started = []  # time.monotonic() when this process started, once main() ran


def _process_age():
    """Seconds since this process started (Linux /proc), or 0 if unknown."""
    try:
        with open("/proc/self/stat") as fh:
            started = int(fh.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime") as fh:
            return max(0.0, float(fh.read().split()[0]) - started)
    except (OSError, ValueError, IndexError):
        return 0.0


def main(argv=None):
    import time

    # deadlines (a PDF from a user's templates) count from the process start
    _started[:] = [time.monotonic() - min(_process_age(), 5.0)]
    cli.main(args=argv, prog_name="derive")


if __name__ == "__main__":
    main()
