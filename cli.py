"""The `derive` command: typed options passed straight to the library.

Every user error is a DeriveError (or a click usage error); both become one
line on stderr and exit status 2.
"""
import sys

import click

from derive.errors import DeriveError, OutputError

ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear", "softmax")
COSTS = ("quadratic", "squared-error", "cross-entropy", "log-likelihood")
NOTATIONS = ("nielsen", "ng", "matrix")
FORMATS = ("latex", "markdown", "json")
SUFFIXES = {".tex": "latex", ".md": "markdown", ".json": "json"}


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


@click.command(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--layers", default="1-1-1", show_default=True, metavar="N0-N1-...-NL",
              help="Layer sizes from input to output, e.g. 3-4-2.")
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
@click.option("--standalone", is_flag=True, help="Wrap LaTeX in a complete, compilable article.")
@click.option("--expand", is_flag=True,
              help="For networks wider than one unit, also write out every scalar weight's chain.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write to FILE (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def cli(layers, activation, cost, no_bias, notation, fmt, standalone, expand, output, force):
    """Derive backpropagation for a layered network, step by step."""
    from derive.api import derive
    from derive.fileio import write_atomic

    fmt = output_format(fmt, output)
    derivation = derive(layers=layers, activation=activation, cost=cost, bias=not no_bias,
                        notation=notation, expand=expand)
    text = derivation.render(fmt, standalone=standalone)
    if output is None or output == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(output, text, force=force)
    return 0


def main(argv=None):
    cli.main(args=argv, prog_name="derive")


if __name__ == "__main__":
    main()
