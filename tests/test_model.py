"""model.py: the error base class every specific error derives from."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from searchapp.model import SearchappError

PACKAGE = Path(__file__).resolve().parents[1] / "searchapp"


def test_every_error_searchapp_defines_is_a_searchapp_error():
    errors = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__main__.py":
            continue  # importing it runs the command line
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        module = importlib.import_module(name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == name:
                errors.append(value)
    assert len(errors) >= 8  # the walk found the errors (not an empty loop)
    assert [e.__name__ for e in errors if not issubclass(e, SearchappError)] == []
