"""The progress protocol long work reports to: ``progress(length, label)`` is a context
manager whose ``update(n, label)`` is told each step.  The command passes a click progress
bar on a terminal (``derive.command.cli.progress_bar``); everywhere else it is silent."""
from contextlib import contextmanager


class _Quiet:
    def update(self, n, label=None):
        pass


@contextmanager
def silent_progress(length, label):
    """The default progress display: none."""
    yield _Quiet()
