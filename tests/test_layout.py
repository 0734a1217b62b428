"""The package is the pipeline: every import points to the same stage or an earlier one,
and no modules import each other in a circle."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "derive"
STAGES = ["errors", "model", "engine", "numbers", "render", "check", "documents", "command"]


def _modules():
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def _imports(name, path):
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield from ([target] + [f"{target}.{a.name}" for a in node.names])
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def _graph():
    modules = dict(_modules())
    return {name: sorted({t for t in _imports(name, path) if t in modules and t != name})
            for name, path in modules.items()}


def _stage(module):
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def test_every_import_points_to_the_same_or_an_earlier_stage():
    backwards = [(m, t) for m, targets in _graph().items() for t in targets
                 if _stage(m) is not None and _stage(t) is not None and _stage(t) > _stage(m)]
    assert not backwards, backwards


def test_every_module_but_the_public_face_lives_in_a_stage():
    loose = [m for m in _graph() if _stage(m) is None and m not in ("derive", "derive.__main__")]
    assert not loose, loose


def test_no_import_circles():
    graph = _graph()
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in graph[node]:
            if nxt.rsplit(".", 1)[0] == node or node.startswith(nxt + "."):
                continue  # a package and its own modules
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_the_test_sees_the_known_arrows():
    # guards the test itself: a walk that found no imports would pass the two above
    graph = _graph()
    assert "derive.engine.rules" in graph["derive.engine.chain"]
    assert "derive.numbers.values" in graph["derive.numbers.numeric"]
