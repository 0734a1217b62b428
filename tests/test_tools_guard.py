"""CI never skips a test because a tool is missing: every skip goes through
``tools.require``, which fails instead of skipping when CI=true."""
import re
from pathlib import Path

import pytest

import tools

TESTS = Path(__file__).parent
_SKIP = re.compile(r"pytest\.skip\(|mark\.skip|skipif|importorskip")


def test_a_missing_tool_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="missing under CI=true"):
        tools.require(False, "latexmk", "apt-get install latexmk")


def test_a_missing_tool_skips_on_a_developers_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        tools.require(False, "latexmk", "apt-get install latexmk")
    tools.require(True, "latexmk", "apt-get install latexmk")  # present: nothing happens


def test_no_test_skips_any_other_way():
    offenders = [f"{p.name}:{n}" for p in sorted(TESTS.glob("*.py"))
                 if p.name not in ("tools.py", Path(__file__).name)
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
                 if _SKIP.search(line)]
    assert not offenders, offenders
