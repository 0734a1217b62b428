"""The `derive` command: typed options passed straight to the library.

Every user error is a DeriveError (or a click usage error); both become one
line on stderr and exit status 2.
"""
import sys

import click

from derive.errors import DeriveError

ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear", "softmax")
COSTS = ("quadratic", "squared-error", "cross-entropy", "log-likelihood")
NOTATIONS = ("nielsen", "ng", "matrix")
FORMATS = ("latex", "markdown", "json")


class OneLineErrors(click.Command):
    """Turn usage and input errors into one line and exit status 2."""

    def main(self, args=None, prog_name=None, **extra):
        extra.pop("standalone_mode", None)
        try:
            rv = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.UsageError as exc:
            click.echo(f"derive: error: {exc.format_message()}", err=True)
            sys.exit(2)
        except DeriveError as exc:
            click.echo(f"derive: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("derive: aborted", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.command(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--layers", default=None, metavar="N0-N1-...-NL",
              help="Layer sizes from input to output, e.g. 3-4-2  [default: 1-1-1].")
@click.option("--graph", type=click.Path(dir_okay=False), default=None,
              help="Derive a computation graph written as forward equations in FILE "
                   "(instead of --layers); see the README for the format.")
@click.option("--activation", default="sigmoid", show_default=True, metavar="NAME[,NAME...]",
              help=f"One of {', '.join(ACTIVATIONS)} for every layer, or one per non-input "
                   "layer separated by commas (softmax: output layer only).")
@click.option("--cost", type=click.Choice(COSTS), default="quadratic", show_default=True,
              help="quadratic = ½Σ(a−y)², squared-error = Σ(a−y)², cross-entropy (binary, "
                   "per output unit), log-likelihood = −Σ y ln a.")
@click.option("--no-bias", is_flag=True, help="The network has no biases.")
@click.option("--notation", type=click.Choice(NOTATIONS), default="nielsen", show_default=True,
              help="How symbols are written and what the parameter keys are called.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format [default: from the -o suffix, else latex].")
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

    return run(echo=lambda text: click.echo(text, nl=False),
               warn=lambda line: click.echo(line, err=True), **options)


def main(argv=None):
    cli.main(args=argv, prog_name="derive")


if __name__ == "__main__":
    main()
