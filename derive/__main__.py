"""``python -m derive``: the same command as ``derive``."""
from derive.command.cli import main

main()
