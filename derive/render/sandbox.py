"""The sandbox for templates from ``--template-dir``: data only, bounded time and memory.

Jinja's ``SandboxedEnvironment`` stops attribute tricks (``__class__``,
``__globals__``) but lets a template call any public method it can reach, and
sympy's methods turn string arguments into code (``expr.subs('x', "…")``,
``expr.diff("…")``, ``Matrix ** "…"``, ``IndexedBase["…"]``).  ``DataSandbox``
therefore lets a template *read* attributes and items of plain data and call
only an allow-list: macros, Jinja's loop helpers, the methods of ``str`` and
the read-only methods of ``dict``, a few of our own objects' methods that
take no code, and the globals defined here, which check their arguments.
Arithmetic runs only on plain numbers and strings, with bounded results.

``run_bounded`` renders under a wall-clock budget, an address-space budget and
an output-size budget, and turns every failure inside a user's template
(a loop that does not end, a 3 GB string, runaway recursion, a TypeError)
into one ``TemplateError`` line.
"""
import os
import resource
import signal
import threading
import traceback
from contextlib import contextmanager
from decimal import Decimal

import jinja2
from jinja2 import runtime, utils
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from derive.errors import TemplateError

RENDER_SECONDS = 5.0  # a user template's whole render (built-in ones take well under 1 s)
RENDER_MEMORY = 512 * 2**20  # extra address space a render may take
MAX_OUTPUT = 64 * 2**20  # characters a render may produce
MAX_TEMPLATE = 2**20  # bytes of one template file
MAX_STRING = 2**24  # characters an operator may build
MAX_INT_BITS = 4096  # bits of an integer an operator may build
MAX_RANGE = 100_000
MAX_DIGITS = 50

PLAIN = (str, int, float, bool, Decimal, type(None))
CONTAINERS = (list, tuple, dict, str, range)
# methods of plain values a template may call (str: all but format, handled by Jinja)
SAFE_METHODS = {
    dict: {"get", "items", "keys", "values"},
    list: {"index", "count"},
    tuple: {"index", "count"},
}
# methods of our own objects that read data and take no code (by class name)
SAFE_OWN_METHODS = {
    "Derivation.describe", "Derivation.graph_roles", "Network.describe", "Graph.describe",
    "Notation.display_layer", "Notation.key",
}
SAFE_RUNTIME = (runtime.Macro, runtime.BlockReference, runtime.LoopContext, utils.Cycler,
                utils.Joiner)


def _is_sympy(value):
    """A sympy expression or matrix (ours included: Factors, Terms, …) or an mpmath number."""
    import sympy

    return isinstance(value, (sympy.Basic, sympy.MatrixBase)) or type(value).__module__.startswith(
        "mpmath.")


def _plain_number(value):
    return isinstance(value, (int, float, Decimal)) and not _is_sympy(value)


class _Timeout(BaseException):
    """Raised by the alarm inside a render (a BaseException, so no template catches it)."""


def _safe_range(*args):
    if not all(isinstance(a, int) for a in args):
        raise SecurityError("range() takes whole numbers")
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range() longer than {MAX_RANGE}")
    return rng


def quantity(kind, layer, *idx):
    """``q(kind, layer, *idx)``: a network quantity, from names and whole numbers only."""
    from derive.model.symbols import quantity as build

    if not isinstance(kind, str) or not kind.isidentifier() or len(kind) > 16:
        raise SecurityError("q() takes a quantity name such as 'z'")
    if not (isinstance(layer, int) or (isinstance(layer, str) and len(layer) <= 8
                                       and layer.replace("+", "").replace("-", "").isalnum())):
        raise SecurityError("q() takes a layer number or a layer name such as 'l+1'")
    for i in idx:
        if not (isinstance(i, int) or (_is_sympy(i) and getattr(i, "is_Symbol", False))):
            raise SecurityError("q() takes unit indices as whole numbers or index symbols")
    return build(kind, layer, *idx)


def fprime(activation, arg):
    """``fprime(name, expr)``: f'(expr) of a named activation, for sympy expressions only."""
    from derive.model.activations import ACTIVATIONS

    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise SecurityError("fprime() takes an activation name")
    if not _is_sympy(arg):
        raise SecurityError("fprime() takes an expression, not text")
    return ACTIVATIONS[activation].derivative(arg)


def guard_math(filter_function):
    """A math filter (tex, tex_inline) that refuses anything but an expression or a number."""

    @jinja2.pass_context
    def guarded(ctx, value, *args, **kwargs):
        if not (_is_sympy(value) or _plain_number(value)) or isinstance(value, bool):
            raise SecurityError(f"the math filters take an expression, not {type(value).__name__}")
        if any(not isinstance(a, (bool, int)) for a in list(args) + list(kwargs.values())):
            raise SecurityError("the math filters take only flags")
        return filter_function(ctx, value, *args, **kwargs)

    return guarded


def guard_number(filter_function):
    """The ``num`` filter for numbers only, with at most MAX_DIGITS digits."""

    def guarded(value, digits=4):
        if isinstance(value, bool) or not (_plain_number(value) or _is_sympy(value)):
            raise SecurityError("num takes a number")
        if _is_sympy(value) and not getattr(value, "is_Number", True):
            raise SecurityError("num takes a number")
        if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
            raise SecurityError(f"num(digits) takes 1 to {MAX_DIGITS} digits")
        return filter_function(value, digits)

    return guarded


def _bounded_op(op, left, right):
    """An arithmetic operator on plain values, refused where the result would be huge."""
    for v in (left, right):
        if isinstance(v, jinja2.Undefined):
            v._fail_with_undefined_error()
        if not isinstance(v, PLAIN + (list, tuple)) or _is_sympy(v):
            raise SecurityError(f"arithmetic on {type(v).__name__} is not allowed in templates")
    if op == "*":
        seq, times = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            if len(seq) * max(times, 0) > MAX_STRING:
                raise SecurityError("a string or list longer than the template limit")
        elif isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError("a number larger than the template limit")
    elif op == "**" and isinstance(left, int) and isinstance(right, int):
        if abs(left) > 1 and right > 0 and left.bit_length() * right > MAX_INT_BITS:
            raise SecurityError("a number larger than the template limit")
    elif op == "%" and isinstance(left, str):
        raise SecurityError("%-formatting is not allowed in templates; use the format filter")
    elif op == "+" and isinstance(left, (str, list, tuple)) and hasattr(right, "__len__"):
        if len(left) + len(right) > MAX_STRING:
            raise SecurityError("a string or list longer than the template limit")
    return SandboxedEnvironment.default_binop_table[op](left, right)


class DataSandbox(SandboxedEnvironment):
    """A sandbox in which templates read data and call only the allow-listed callables."""

    intercepted_binops = frozenset(SandboxedEnvironment.default_binop_table)
    intercepted_unops = frozenset(SandboxedEnvironment.default_unop_table)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals.clear()
        self.globals.update(range=_safe_range, dict=dict, namespace=utils.Namespace,
                            cycler=utils.Cycler, joiner=utils.Joiner,
                            q=quantity, fprime=fprime)
        self._safe_globals = {id(v) for v in self.globals.values()}

    def is_safe_attribute(self, obj, attr, value):
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(value, type(os)) or isinstance(value, jinja2.Environment):
            return False
        return True

    def is_safe_callable(self, obj):
        if getattr(obj, "_derive_sandbox_safe", False) or id(obj) in self._safe_globals:
            return True
        if isinstance(obj, SAFE_RUNTIME):
            return True
        owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
        if owner is None or name.startswith("_"):
            return False
        if type(owner) is str:
            return name not in ("format", "format_map")
        if type(owner) in SAFE_METHODS:
            return name in SAFE_METHODS[type(owner)]
        if isinstance(owner, SAFE_RUNTIME):
            return name in ("cycle", "changed", "next", "reset")
        cls = type(owner)
        return cls.__module__.startswith("derive.") and f"{cls.__name__}.{name}" in SAFE_OWN_METHODS

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"templates may not call {_describe(__obj)}")
        return __context.call(__obj, *args, **kwargs)

    def call_binop(self, context, operator_name, left, right):
        return _bounded_op(operator_name, left, right)

    def call_unop(self, context, operator_name, arg):
        if isinstance(arg, jinja2.Undefined):
            arg._fail_with_undefined_error()
        if not _plain_number(arg):
            raise SecurityError(f"arithmetic on {type(arg).__name__} is not allowed in templates")
        return self.unop_table[operator_name](arg)

    def getitem(self, obj, argument):
        """Items of plain containers; other objects only by attribute (sympy's
        ``__getitem__`` turns a string key into an expression)."""
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()
        if isinstance(obj, CONTAINERS) or isinstance(obj, utils.Namespace):
            try:
                return obj[argument]
            except (TypeError, LookupError):
                pass
        elif isinstance(argument, int) and isinstance(obj, (list, tuple)):
            return obj[argument]
        if isinstance(argument, str):
            return self.getattr(obj, argument)
        return self.undefined(obj=obj, name=argument)

    def getattr(self, obj, attribute):
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            if isinstance(obj, CONTAINERS) or isinstance(obj, utils.Namespace):
                try:
                    return obj[attribute]
                except (TypeError, LookupError):
                    pass
            return self.undefined(obj=obj, name=attribute)
        fmt = self.wrap_str_format(value)
        if fmt is not None:
            fmt._derive_sandbox_safe = True
            return fmt
        if self.is_safe_attribute(obj, attribute, value):
            return value
        return self.unsafe_undefined(obj, attribute)


def _describe(obj):
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", type(obj).__name__)
    if owner is not None:
        return f"the method {name} of {type(owner).__name__}"
    return f"{name}"


class BoundedLoader(jinja2.FileSystemLoader):
    """A user's template directory: files up to MAX_TEMPLATE bytes, regular files only."""

    def get_source(self, environment, template):
        import stat

        for base in self.searchpath:
            candidate = os.path.join(base, *jinja2.loaders.split_template_path(template))
            try:
                mode = os.stat(candidate).st_mode
            except OSError:
                continue
            if not stat.S_ISREG(mode):  # a FIFO would block the render
                raise TemplateError(f"template {template} is not a regular file")
            break
        source, filename, uptodate = super().get_source(environment, template)
        if len(source) > MAX_TEMPLATE:
            raise TemplateError(f"template {template} is larger than {MAX_TEMPLATE} bytes")
        return source, filename, uptodate


def _address_space():
    """Bytes of address space this process uses now (Linux), or None."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def _memory_budget(extra):
    """Cap the address space at its current size plus ``extra`` bytes (restored after)."""
    used = _address_space()
    try:
        old = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        old = None
    if used is None or old is None:
        yield
        return
    soft, hard = old
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old)


@contextmanager
def _time_budget(seconds):
    """Raise _Timeout in this thread once ``seconds`` have passed (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    state = {"armed": True}

    def ring(signum, frame):
        if state["armed"]:
            state["armed"] = False
            raise _Timeout()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        state["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc):
    """``name.j2:LINE: `` of the innermost template frame of a traceback, or ''."""
    where = ""
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{os.path.basename(filename)}:{line}: "
    return where


def _collect(chunks):
    out, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise TemplateError(f"template from --template-dir failed: its output is larger "
                                f"than {MAX_OUTPUT // 2**20} MB")
        out.append(chunk)
    return "".join(out)


def run_bounded(env, name, context, seconds=RENDER_SECONDS, memory=RENDER_MEMORY):
    """Render template ``name`` of a sandboxed ``env`` within the budgets, or raise TemplateError."""
    prefix = "template from --template-dir failed: "
    try:
        with _time_budget(seconds), _memory_budget(memory):
            return _collect(env.get_template(name).generate(**context))
    except _Timeout:
        raise TemplateError(f"{prefix}rendering took longer than {seconds:g} s") from None
    except MemoryError:
        raise TemplateError(f"{prefix}rendering needed more than {memory // 2**20} MB") from None
    except RecursionError as exc:
        raise TemplateError(f"{prefix}{_where(exc)}recursion too deep (a macro or an include "
                            f"that calls itself?)") from None
    except TemplateError:
        raise
    except jinja2.TemplateError as exc:
        lineno = getattr(exc, "lineno", None)
        where = f"{exc.name}:{lineno}: " if lineno and getattr(exc, "name", None) else _where(exc)
        raise TemplateError(f"{prefix}{where}{' '.join(str(exc).split()) or type(exc).__name__}"
                            ) from None
    except Exception as exc:  # noqa: BLE001 - whatever a user's template breaks is its error
        message = " ".join(str(exc).split())[:300]
        raise TemplateError(f"{prefix}{_where(exc)}{type(exc).__name__}"
                            + (f": {message}" if message else "")) from None
