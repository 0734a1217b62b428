"""The quick default run leaves out the slow tests: everything that builds a PDF
with LaTeX (``pytest -m slow`` runs them; .ci/run runs both)."""
import inspect

import pytest

SLOW_MODULES = {"test_pdf", "test_handout_pdf"}


def _builds_pdfs(item):
    if item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
        return True
    try:
        source = inspect.getsource(item.function)
    except (OSError, TypeError):
        return False
    return "require_latexmk(" in source


def pytest_collection_modifyitems(config, items):
    for item in items:
        if isinstance(item, pytest.Function) and _builds_pdfs(item):
            item.add_marker(pytest.mark.slow)
