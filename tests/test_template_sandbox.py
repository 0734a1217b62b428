"""Templates from --template-dir run in a data-only sandbox (issue 11, §1 and §2).

Independent evidence that no code runs: a payload that creates a file when it
is evaluated (the positive control shows sympy does evaluate it outside the
sandbox), and a walk over every object a template can reach that calls every
public method, every filter and every operator with that payload.  The
hostile reproducers from the issue are in tests/fixtures/hostile/templates/.
"""
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import derive
from derive.command.cli import cli
from derive.documents import exercise, handout
from derive.model.network import Network
from derive.model.notation import get_notation
from derive.render import formats, sandbox

HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "templates"
GRAPH = Path(__file__).parents[1] / "examples" / "graphs" / "seed004.graph"
VALUES = "x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def payload(marker):
    return f"__import__('os').system('touch {marker}') or 1"


def one_line(r):
    lines = r.stderr.strip().splitlines()
    return len(lines) == 1 and "Traceback" not in r.output


# -- the reproducers --------------------------------------------------------------------

CASES = [  # (case, extra options, words in the one line)
    ("tpl_rce", [], "subs"),
    ("tpl_rce_fprime", [], "fprime"),
    ("tpl_rce_handout", ["--title", "x"], "diff"),
    ("tpl_recursion", [], "recursion"),
    ("tpl_loop", [], "longer than"),
    ("tpl_bigstr", [], "limit"),
    ("tpl_self", [], "derivation.tex.j2:1"),
    ("tpl_mro", [], "derivation.tex.j2:1"),
    ("tpl_cycler", [], "derivation.tex.j2:1"),
    ("tpl_lipsum", [], "derivation.tex.j2:1"),
    ("tpl_include", [], "passwd"),
    ("tpl_include_abs", [], "passwd"),
    ("tpl_include_self", [], "recursion"),
]


@pytest.mark.parametrize("case,extra,words", CASES, ids=[c[0] for c in CASES])
def test_hostile_templates_are_one_line_and_run_nothing(tmp_path, monkeypatch, case, extra, words):
    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    # on stdout: -o FILE.tex writes the handout, which these derivation templates do not touch
    r = run("--template-dir", HOSTILE / case, *extra)
    assert time.monotonic() - start < 10
    assert r.exit_code == 2, r.output
    assert one_line(r) and words in r.stderr and "template" in r.stderr, r.stderr
    assert r.stdout == "" and list(tmp_path.iterdir()) == []  # no PWNED_*, nothing half-written


def test_the_reproducers_payloads_do_run_outside_the_sandbox(tmp_path):
    """The control: the same calls, made by Python, create the file."""
    marker = tmp_path / "PWNED_control"
    d = derive(layers="1-1-1")
    d.cost.rhs.subs("x", payload(marker))
    assert marker.exists()
    marker.unlink()
    formats._fprime("sigmoid", payload(marker))
    assert marker.exists()


def test_a_runtime_error_in_a_user_template_is_one_line(tmp_path):
    (tmp_path / "derivation.tex.j2").write_text("a\n\\VAR{ 1 + 'x' }\n")
    r = run("--template-dir", tmp_path)
    assert r.exit_code == 2 and one_line(r)
    assert "derivation.tex.j2:2" in r.stderr and "TypeError" in r.stderr


@pytest.mark.parametrize("body,words", [
    (r"\VAR{ 10 ** (10 ** 8) }", "larger than"),
    (r"\VAR{ 'x'|center(2000000000) }", "MB"),
    ("%- set ns = namespace(s='x')\n%- for i in range(40)\n%- set ns.s = ns.s ~ ns.s\n"
     "%- endfor\n\\VAR{ ns.s|length }", "MB"),
    (r"\BLOCK{ for i in range(100000) }\BLOCK{ for j in range(100000) }\VAR{ i }"
     r"\BLOCK{ endfor }\BLOCK{ endfor }", "failed: rendering"),  # time or output size
    (r"\VAR{ '%0999999999d' % 1 }", "formatting"),
    (r"\VAR{ range(10**9)|list }", "range"),
])
def test_resource_bombs_end_quickly_with_one_line(tmp_path, body, words):
    (tmp_path / "derivation.tex.j2").write_text(body + "\n")
    start = time.monotonic()
    r = run("--template-dir", tmp_path)
    assert time.monotonic() - start < 10
    assert r.exit_code == 2 and one_line(r) and words in r.stderr, r.stderr


def test_the_output_size_is_bounded(tmp_path):
    (tmp_path / "derivation.tex.j2").write_text(
        r"\BLOCK{ for i in range(100000) }\BLOCK{ for j in range(100000) }"
        + "x" * 4000 + r"\BLOCK{ endfor }\BLOCK{ endfor }\n")
    r = run("--template-dir", tmp_path)
    assert r.exit_code == 2 and one_line(r) and "larger than 64 MB" in r.stderr, r.stderr


def test_a_template_that_is_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "derivation.tex.j2")
    r = run("--template-dir", tmp_path)
    assert r.exit_code == 2 and one_line(r) and "not a regular file" in r.stderr


# -- the built-in templates still work in the sandbox ---------------------------------

def _outputs(template_dir):
    d = derive(layers="1-1-1", activation="relu,sigmoid", values=VALUES, gradcheck=True,
               lr="0.1", steps=2)
    wide = derive(layers="3-4-2", notation="matrix", random_values=True, lr="0.1")
    graph = derive(graph=str(GRAPH), random_values=True)
    sheet = exercise.build_sheet(Network("1-1-1", "relu,sigmoid"), get_notation("ng"), seed=4,
                                 variants=2)
    out = []
    for fmt in ("latex", "markdown"):
        for x in (d, wide, graph):
            out.append(formats.render(x, fmt, template_dir=template_dir))
            out.append(handout.render_handout(x, fmt, template_dir=template_dir, title="T σ"))
        out.append(exercise.render_sheet(sheet, fmt, template_dir=template_dir))
    return out


def test_builtin_templates_render_the_same_in_the_sandbox(tmp_path):
    assert _outputs(str(tmp_path)) == _outputs(None)
    assert formats.environment(str(tmp_path)).sandboxed


# -- every object a template can reach, every method, with a payload -------------------

def _contexts():
    d = derive(layers="2-2-1", values="x=[1,2], y=1, w2=[[0.1,0.2],[0.3,0.4]], b2=[0,0], "
               "w3=[[0.5,-0.5]], b3=[0.1]", gradcheck=True, lr="0.1", steps=2, expand=True)
    g = derive(graph=str(GRAPH), random_values=True)
    sheet = exercise.build_sheet(Network("1-1-1", "relu,sigmoid"), get_notation("nielsen"), seed=4)
    contexts = [handout.context(d, title="t"), handout.context(g, title="t"),
                dict(sheet=sheet, d=sheet.d, network=sheet.d.network, notation=sheet.d.notation,
                     part="both", title="t", v=sheet.versions[0],
                     printers=handout.printers(sheet.d.notation, sheet.d.widths))]
    return contexts


def _reachable(env, roots, limit=6000):
    """Every object reachable through the sandbox's attribute and item access."""
    seen, order, todo = set(), [], [(v, 0) for v in roots]
    while todo and len(order) < limit:
        obj, depth = todo.pop()
        if id(obj) in seen or isinstance(obj, (str, int, float, bool, type(None))):
            continue
        seen.add(id(obj))
        order.append(obj)
        if depth >= 7:
            continue
        children = []
        if isinstance(obj, dict):
            children += list(obj.values())
        elif isinstance(obj, (list, tuple)):
            children += list(obj)[:40]
        for name in dir(obj):
            if name.startswith("_"):
                continue
            try:
                value = env.getattr(obj, name)
            except Exception:  # noqa: BLE001 - properties may raise; nothing to walk then
                continue
            children.append(value)
        todo += [(c, depth + 1) for c in children if not isinstance(c, sandbox.jinja2.Undefined)]
    return order, seen


@pytest.mark.filterwarnings("ignore")
def test_no_method_of_any_reachable_object_runs_a_payload(tmp_path):
    env = handout.environment(str(tmp_path))
    marker = tmp_path / "PWNED_walk"
    bad = payload(marker)
    ctx = env.from_string("").new_context({})
    roots = [v for c in _contexts() for v in c.values()]
    roots += [env.globals[name] for name in ("q", "fprime", "range", "dict", "cycler")]
    objects, _ = _reachable(env, roots)
    refused = set()
    tried = 0
    for obj in objects:
        names = [n for n in dir(obj) if not n.startswith("_")] if not callable(obj) else [None]
        for name in names:
            try:
                fn = obj if name is None else getattr(obj, name)
            except Exception:  # noqa: BLE001 - a property that raises has nothing to call
                continue
            if not callable(fn):
                continue
            for args in ((bad,), (bad, bad), ("sigmoid", bad), ("z", 1, bad), ("x", bad, bad)):
                tried += 1
                try:
                    env.call(ctx, fn, *args)
                except sandbox.SecurityError:
                    refused.add(name)
                except Exception:  # noqa: BLE001 - a type error is fine; running code is not
                    pass
                assert not marker.exists(), f"{type(obj).__name__}.{name}{args} ran the payload"
        for op in env.intercepted_binops:
            for left, right in ((obj, bad), (bad, obj)):
                try:
                    env.call_binop(ctx, op, left, right)
                except Exception:  # noqa: BLE001
                    pass
                assert not marker.exists(), f"{type(obj).__name__} {op} payload ran it"
        try:
            env.getitem(obj, bad)
        except Exception:  # noqa: BLE001
            pass
        assert not marker.exists(), f"{type(obj).__name__}[payload] ran it"
    for name, filt in env.filters.items():
        for obj in objects[:300] + [bad]:
            for args in ((), (bad,), (bad, bad)):
                try:
                    env.call_filter(name, obj, list(args), context=ctx)
                except Exception:  # noqa: BLE001
                    pass
                assert not marker.exists(), f"filter {name} ran the payload"
    # the walk met the methods the reproducers used, and the sandbox refused them
    assert {"subs", "diff", "doprint", "to_dict"} <= refused
    assert any(isinstance(o, sp.Basic) for o in objects) and tried > 5000


# -- fuzz: random template text ---------------------------------------------------------

PIECES = ["\\VAR{ ", " }", "\\BLOCK{ ", "for x in ", "endfor", "if ", "endif", "macro f(n)",
          "endmacro", "f(", ")", "(", "d", "network", "notation", "printers", "q", "fprime",
          ".", "cost", "rhs", "lhs", "subs", "diff", "__class__", "widths", "[0]", "|tex",
          "|num(3)", "|join(',')", "|length", "range(", "99999", "'s'", " * ", " ~ ", " + ",
          " ** ", "%- ", "\n", "include 'derivation.tex.j2'", "set a = ", "a", "x", ",", "1",
          "{", "}", "\\#{ ", "loop.index", "caller()", "self", "super()", "namespace(", "dict("]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30))
def test_random_templates_never_give_a_traceback(parts):
    folder = tempfile.mkdtemp(prefix="derive-fuzz-")
    try:
        (Path(folder) / "derivation.tex.j2").write_text("".join(parts), encoding="utf-8",
                                                          errors="replace")
        r = CliRunner().invoke(cli, ["--template-dir", folder])
        assert r.exit_code in (0, 2), r.output
        assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
        assert "Traceback" not in r.output
        if r.exit_code == 2:
            assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert sorted(os.listdir(folder)) == ["derivation.tex.j2"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
