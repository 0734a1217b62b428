"""Bounds and typed failures of the checker.

Hand derivations are untrusted input (think of a grading server): the file
size, the length and nesting of an expression, the size of exponents and
numbers, and the time spent on each step are all bounded here.  A bound that
is hit never raises out of the checker; it turns the step into *unparsed*
(input limits) or *unknown* (time).
"""
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from derive.errors import DeriveError


@dataclass
class Limits:
    max_bytes: int = 1_000_000
    max_expr_chars: int = 4_000
    max_depth: int = 40
    max_exponent: int = 64
    max_digits: int = 30
    max_factors: int = 200
    max_steps: int = 2_000
    step_seconds: float = 2.0
    file_seconds: float = 30.0  # a grading server's budget for a whole file (--time-limit)
    max_expansion: int = 2_000_000  # characters macros may expand a file to
    max_instances: int = 40  # index values tried per statement; beyond, a reproducible sample
    max_ops: int = 4_000  # sympy operations in a composed expression before giving up


LIMITS = Limits()


class CheckInputError(DeriveError):
    """The file to check cannot be read at all (missing, too large, not text, no math)."""


class ParseLimit(Exception):
    """An expression exceeds a size bound; the step is reported as unparsed."""


class Unsupported(Exception):
    """Understood as far as the grammar goes, but not given a meaning.

    ``code`` names the message (templates/check_messages.j2), ``params`` fill it.
    """

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


class StepTimeout(BaseException):
    """The time budget of one step ran out.  A BaseException, so that no
    ``except Exception`` inside sympy or lark swallows it."""


class Deadline:
    """A point in time after which work on the current step stops."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def check(self):
        if time.monotonic() > self.end:
            raise StepTimeout()

    @property
    def remaining(self):
        return self.end - time.monotonic()


@contextmanager
def time_limit(seconds):
    """Interrupt long sympy calls after ``seconds`` (main thread on POSIX only;
    elsewhere the cooperative ``Deadline`` checks are the only bound).  Nested
    limits keep the outer one: the inner one is never longer, and the outer timer
    runs on afterwards with what is left of it."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and seconds > 0)
    if not usable:
        yield Deadline(seconds)
        return

    def _raise(signum, frame):
        # again soon, in case this one lands where it is swallowed (a gc callback)
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        raise StepTimeout()

    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer > 0:
        seconds = min(seconds, outer)
    start = time.monotonic()
    old = signal.signal(signal.SIGALRM, _raise)
    try:  # armed inside the try: a timer that fires at once must still be disarmed
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield Deadline(seconds)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-4))
