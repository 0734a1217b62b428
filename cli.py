"""Run derive from a checkout without installing it: ``python cli.py --layers 1-1-1``.

The command itself lives in ``derive.command.cli`` (the installed console
script points there), so that installing derive adds nothing outside the
``derive`` package.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from derive.command.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
