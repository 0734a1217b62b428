"""Numbers for a worked example: reading ``--values``, checking them against the
network, and drawing reproducible, hand-friendly random values.

``--values`` is either inline (``x=3, y=1, w2=0.01, W1=[[0.1,0.2],[0.3,0.4]]``,
read by a small lark grammar) or JSON (inline text starting with ``{``, or a
path ending in ``.json``, read by the json module).  Neither path evaluates
anything: every number is a digit string turned into an exact ``Decimal``.

Keys are the notation's parameter keys (``notation.key(kind, layer)``), ``x``
for the input, and ``y`` or ``t`` for the target (both, in every notation).
Internally the target is always stored under ``y``.  A weight matrix is a
list of rows (a matrix with one row or one column may also be a flat list, a
1×1 one a bare number); a vector is a list (or a column of one-element lists,
or a bare number when it has one entry).
"""
import difflib
import functools
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from derive.errors import (option, DomainError, DuplicateKeyError, MissingValuesError,
                           NumberError, ShapeError, SizeLimitError, UnknownKeyError, ValuesError)

MAX_TEXT = 2_000_000  # characters of --values (a 784-30-10 network needs about 200 000)
MAX_NUMBER_CHARS = 60
MAX_SIGNIFICANT = 40
MAX_MAGNITUDE = 100  # numbers are 0 or between 1e-100 and 1e100 in absolute value
MAX_DEPTH = 2  # a matrix is a list of lists; nothing deeper

TARGET_KEYS = ("y", "t")

_GRAMMAR = r"""
start: (pair ("," pair)* ","?)?
pair: ATOM "=" value
?value: ATOM -> atom
      | "[" (value ("," value)* ","?)? "]" -> vector
ATOM: /[^\s,\[\]=\{\}]+/
%import common.WS
%ignore WS
"""

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NONFINITE = {"inf", "infinity", "nan", "snan"}
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class _Atom:
    """A number (or something that claims to be one) as written, not yet checked."""

    text: str


@dataclass(frozen=True)
class _Object:
    pairs: tuple


@dataclass
class Values:
    """Checked numbers for one network: ``data`` maps ``x``, ``y`` and every
    parameter key to a list (x, y, biases) or a list of rows (weights) of
    ``Decimal`` (or, after an SGD step, mpmath numbers)."""

    network: object
    notation: object
    data: dict
    given: frozenset = frozenset()  # the keys the user gave (the rest were drawn)
    target_key: str = "y"  # how the target is called when shown

    def keys(self):
        return expected_shapes(self.network, self.notation)

    def missing(self):
        return [k for k in self.keys() if k not in self.data]

    def weights(self, layer):
        return self.data[self.notation.key("w", layer)]

    def bias(self, layer):
        return self.data[self.notation.key("b", layer)] if self.network.bias else None

    def replace(self, params):
        """A copy with the parameters in ``params`` (key -> nested list) replaced."""
        return Values(self.network, self.notation, {**self.data, **params},
                      self.given, self.target_key)


# -- what the network expects ------------------------------------------------

def param_keys(network, notation):
    """[(key, ParamGroup)] in the network's order (w, b per layer)."""
    return [(notation.key(g.kind, g.layer), g) for g in network.param_groups]


def expected_shapes(network, notation):
    """key -> shape for every value the network needs: x first, then the
    parameters, then the target ``y``.  Weights are (rows, columns)."""
    shapes = {"x": (network.widths[0],)}
    for key, g in param_keys(network, notation):
        shapes[key] = g.shape
    shapes["y"] = (network.widths[-1],)
    return shapes


# -- reading -------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _parser():
    from lark import Lark

    return Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


def _check_depth(text):
    """Refuse nesting deeper than a matrix before any parser recurses into it."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH + 1:  # + 1 for the JSON object itself
                raise ShapeError(
                    f"{option('values')} is nested too deeply: a value is a number, a list, "
                    "or a list of rows (a matrix)")
        elif ch in "]}":
            depth -= 1


def _read_inline(text):
    from lark import Transformer, exceptions

    class Build(Transformer):
        def start(self, pairs):
            return list(pairs)

        def pair(self, items):
            key, value = items
            return str(key), value

        def atom(self, items):
            return _Atom(str(items[0]))

        def vector(self, items):
            return list(items)

    try:
        tree = _parser().parse(text)
    except exceptions.UnexpectedCharacters as e:
        raise ValuesError(
            f"{option('values')}: unexpected {text[e.pos_in_stream]!r} at column {e.column}; "
            f"write key=value pairs separated by commas, like 'x=3, y=1, w2=[[0.5]]'") from None
    except exceptions.UnexpectedInput as e:
        where = f"at column {e.column}" if getattr(e, "column", None) not in (None, -1) else "at the end"
        token = getattr(e, "token", None)
        what = f"unexpected {str(token)!r} " if token is not None and str(token) else "unexpected end "
        if token is not None and getattr(token, "type", "") == "$END":
            what = "unexpected end "
        raise ValuesError(
            f"{option('values')}: {what}{where}; write key=value pairs separated by commas, "
            f"like 'x=3, y=1, w2=[[0.5]]'") from None
    return Build().transform(tree)


def _read_json(text, source):
    def pairs_hook(pairs):
        return _Object(tuple(pairs))

    try:
        obj = json.loads(text, object_pairs_hook=pairs_hook,
                         parse_float=_Atom, parse_int=_Atom, parse_constant=_Atom)
    except json.JSONDecodeError as e:
        raise ValuesError(f"{source} is not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise ShapeError(f"{source} is nested too deeply") from None
    if not isinstance(obj, _Object):
        raise ValuesError(f"{source} must be a JSON object mapping keys to values, like "
                          '{"x": 3, "y": 1, "w2": [[0.5]]}')
    return list(obj.pairs)


def _read_file(path):
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(MAX_TEXT + 1)
    except FileNotFoundError:
        raise ValuesError(f"{option('values')}: no such file {path!r}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ValuesError(f"{option('values')}: cannot read {path!r} ({e.__class__.__name__})") from None
    if len(text) > MAX_TEXT:
        raise SizeLimitError(f"{option('values')}: {path!r} is larger than {MAX_TEXT} characters")
    _check_depth(text)
    return _read_json(text, path)


def read_pairs(text):
    """The raw (key, value) pairs of ``text``, in the order written, unchecked."""
    text = str(text)
    if len(text) > MAX_TEXT:
        raise SizeLimitError(f"{option('values')} is longer than {MAX_TEXT} characters; use a JSON file")
    stripped = text.strip()
    if stripped.startswith("{"):
        _check_depth(stripped)
        return _read_json(stripped, f"{option('values')}")
    if stripped.lower().endswith(".json"):
        return _read_file(stripped)
    _check_depth(stripped)
    return _read_inline(stripped)


# -- checking ------------------------------------------------------------------

def parse_number(text, where):
    """An exact ``Decimal`` from a number as written; ``where`` names it in errors."""
    if isinstance(text, _Atom):
        text = text.text
    if isinstance(text, bool) or text is None or isinstance(text, (_Object, list, dict)):
        raise NumberError(f"{where} must be a number, not {_describe(text)}")
    if not isinstance(text, str):
        if isinstance(text, (int, Decimal)):
            text = str(text)
        elif isinstance(text, float):
            text = repr(text)
        else:
            raise NumberError(f"{where} must be a number, not {_describe(text)}")
    raw = text.strip().replace("\u2212", "-")  # the minus sign of typeset text (−5)
    if len(raw) > MAX_NUMBER_CHARS:
        raise NumberError(f"{where}: the number {raw[:20]}... is too long "
                          f"(at most {MAX_NUMBER_CHARS} characters)")
    if raw.lower().lstrip("+-") in _NONFINITE:
        raise NumberError(f"{where} = {raw} is not a finite number")
    if not _NUMBER.fullmatch(raw):
        raise NumberError(f"{where} = {raw!r} is not a number (write decimals like 0.5, -2 or 1e-3)")
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid literals
        raise NumberError(f"{where} = {raw!r} is not a number") from None
    if value != 0:
        digits = len(value.as_tuple().digits)
        if digits > MAX_SIGNIFICANT:
            raise NumberError(f"{where} = {raw} has {digits} significant digits "
                              f"(at most {MAX_SIGNIFICANT})")
        if abs(value.adjusted()) > MAX_MAGNITUDE:
            raise NumberError(f"{where} = {raw} is out of range (numbers must be 0 or between "
                              f"1e-{MAX_MAGNITUDE} and 1e{MAX_MAGNITUDE} in size)")
    return value + 0 if value == 0 else value  # -0 becomes 0


def _describe(raw):
    if isinstance(raw, (_Atom, Decimal, int, float)) and not isinstance(raw, bool):
        return "a single number"
    if isinstance(raw, str):
        return "a string"
    if isinstance(raw, bool):
        return "true/false"
    if raw is None:
        return "null"
    if isinstance(raw, _Object):
        return "an object"
    if isinstance(raw, list):
        if all(isinstance(r, list) for r in raw) and raw:
            lengths = sorted({len(r) for r in raw})
            if len(lengths) == 1:
                return f"{len(raw)}×{lengths[0]} (rows × columns)"
            return f"{len(raw)} rows of different lengths ({', '.join(str(len(r)) for r in raw)})"
        if any(isinstance(r, list) for r in raw):
            return "a list mixing numbers and lists"
        return f"a list of {len(raw)} number{'s' if len(raw) != 1 else ''}"
    return type(raw).__name__


def _is_scalar(raw):
    return not isinstance(raw, list)


def _matrix(key, raw, rows, cols):
    """A list of rows from any accepted spelling of a rows×cols matrix."""
    grid = None
    if _is_scalar(raw) and rows == cols == 1:
        grid = [[raw]]
    elif isinstance(raw, list) and raw and all(_is_scalar(r) for r in raw):
        if rows == 1 and len(raw) == cols:
            grid = [raw]
        elif cols == 1 and len(raw) == rows:
            grid = [[r] for r in raw]
    elif (isinstance(raw, list) and len(raw) == rows
          and all(isinstance(r, list) and len(r) == cols and all(map(_is_scalar, r)) for r in raw)):
        grid = raw
    if grid is None:
        if rows == cols == 1:
            hint = "; give a single number or [[n]]"
        elif rows == 1 or cols == 1:
            hint = f"; give a list of {max(rows, cols)} numbers or a list of rows"
        else:
            hint = "; give a list of rows, like [[1, 2], [3, 4]]"
        raise ShapeError(f"{key} must be {rows}×{cols} (rows × columns), got {_describe(raw)}{hint}")
    many = rows > 1 or cols > 1
    return [[_entry(v, f"{key} (row {i + 1}, column {j + 1})" if many else key)
             for j, v in enumerate(row)] for i, row in enumerate(grid)]


def _vector(key, raw, n):
    """A flat list of n numbers from a bare number (n = 1), a list, or a column."""
    flat = None
    if _is_scalar(raw) and n == 1:
        flat = [raw]
    elif isinstance(raw, list) and len(raw) == n:
        if all(map(_is_scalar, raw)):
            flat = raw
        elif all(isinstance(r, list) and len(r) == 1 and _is_scalar(r[0]) for r in raw):
            flat = [r[0] for r in raw]
    if flat is None:
        want = "a single number (or [n])" if n == 1 else f"a list of {n} numbers"
        raise ShapeError(f"{key} must be {want}, got {_describe(raw)}")
    return [_entry(v, f"{key} (entry {i + 1})" if n > 1 else key) for i, v in enumerate(flat)]


def _entry(raw, where):
    # a JSON string is not a number, even when its text would be one
    if isinstance(raw, str):
        raise NumberError(f"{where} must be a number, not a string")
    return parse_number(raw, where)


def _unknown(key, network, notation, shapes):
    known = ["x", *[k for k in shapes if k not in ("x", "y")], "y (or t)"]
    hint = ""
    if not network.bias and key.startswith(notation.keys["b"]) and key[len(notation.keys["b"]):].isdigit():
        hint = " (this network has no biases)"
    else:
        lower = {k.lower(): k for k in shapes}
        close = lower.get(key.lower()) or next(iter(difflib.get_close_matches(key, list(shapes), 1)), None)
        if close:
            hint = f" (did you mean {close!r}?)"
    shown = ", ".join(known) if len(known) <= 12 else ", ".join(known[:11]) + ", ..."
    return UnknownKeyError(f"unknown key {key!r} in {option('values')}{hint}; this network's keys are {shown}")


def check_target(network, values_data, target_key="y"):
    """Refuse targets the cost is not defined for (cross-entropy, log-likelihood: [0, 1])."""
    span = network.cost.target_range
    if span is None or "y" not in values_data:
        return
    lo, hi = span
    ys = values_data["y"]
    for j, v in enumerate(ys):
        if not lo <= v <= hi:
            where = f"{target_key} (entry {j + 1})" if len(ys) > 1 else target_key
            raise DomainError(f"the {network.cost_name} cost needs targets in [{lo}, {hi}], "
                              f"but {where} = {v}")


def parse_values(text, network, notation, require_all=True):
    """Checked ``Values`` from ``--values`` text.  With ``require_all=False``
    missing keys are allowed (for ``random_values(..., given=...)``)."""
    pairs = read_pairs(text)
    shapes = expected_shapes(network, notation)
    data, seen, target_key = {}, {}, notation.target_name
    if target_key not in TARGET_KEYS:
        target_key = "y"
    for key, raw in pairs:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise UnknownKeyError(f"{option('values')}: {str(key)!r} is not a key; keys look like x, y, w2, b2")
        canon = "y" if key in TARGET_KEYS else key
        if canon in seen:
            first = seen[canon]
            if first == key:
                raise DuplicateKeyError(f"{option('values')} gives {key} twice")
            raise DuplicateKeyError(f"{option('values')} gives the target twice, as {first} and {key}")
        if canon not in shapes:
            raise _unknown(key, network, notation, shapes)
        seen[canon] = key
        if canon == "y":
            target_key = key
        if isinstance(raw, _Object):
            raise ShapeError(f"{key} must be a number or a list of numbers, not an object")
        shape = shapes[canon]
        data[canon] = _matrix(key, raw, *shape) if len(shape) == 2 else _vector(key, raw, shape[0])
    values = Values(network, notation, data, frozenset(data), target_key)
    check_target(network, data, target_key)
    if require_all:
        missing = values.missing()
        if missing:
            names = [target_key if k == "y" else k for k in missing]
            raise MissingValuesError(
                f"{option('values')} is missing {', '.join(names)}; give "
                f"{'it' if len(names) == 1 else 'them'}, or add {option('random-values')} to draw the rest")
    return values
