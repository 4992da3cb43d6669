"""`pip install .` (not only editable) ships every package: a forgotten one breaks the
installed `alongside` command while an editable checkout still works."""

from __future__ import annotations

import tomllib

from tests.conftest import REPO


def test_every_python_package_is_in_the_distribution():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {str(init.parent.relative_to(REPO)).replace("/", ".")
             for top in ("bot", "storage") for init in (REPO / top).rglob("__init__.py")}
    assert found <= listed
    mapped = {name: path for name, path in config["package-dir"].items()}
    assert mapped["alongside_dialogs"] == "dialogs"
