"""Helpers for the tests of ``derive --check`` (tests/test_check_*.py)."""
from pathlib import Path

from derive.check.checker import check_text
from derive.model.network import Network

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def run(name_or_text, layers, notation="nielsen", kind=None, seed=0, **net):
    """The Report for a fixture file (by name) or a text, on a network."""
    path = FIXTURES / name_or_text
    if len(name_or_text) < 100 and "\n" not in name_or_text and path.suffix and path.exists():
        text = path.read_text(encoding="utf-8")
        kind = kind or {".md": "md", ".tex": "tex", ".txt": "txt"}[path.suffix]
    else:
        text, kind = name_or_text, kind or "md"
    return check_text(text, Network(layers, **net), notation, kind=kind, seed=seed)


def by_line(report):
    """{line: [verdict, ...]} (a line can hold several steps)."""
    out = {}
    for v in report.verdicts:
        out.setdefault(v.line, []).append(v)
    return out


def declared_report(path):
    """The Report for a fixture checked on the network its own forward pass declares."""
    from derive.check.checker import declared_network

    network = declared_network(path)
    assert network is not None
    return check_text(path.read_text(), network, "nielsen", kind="md", name=str(path))


def statuses_by_line(report):
    """{line: [status, ...]}."""
    out = {}
    for v in report.verdicts:
        out.setdefault(v.line, []).append(v.status)
    return out


def one(report, line):
    vs = by_line(report)[line]
    assert len(vs) == 1, [(v.source, v.status) for v in vs]
    return vs[0]


def statuses(report):
    return [v.status for v in report.verdicts]


def no_internal_errors(report):
    bad = [(v.line, v.source) for v in report.verdicts if v.code == "internal_error"]
    assert not bad, bad
