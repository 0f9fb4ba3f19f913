"""The house is one-way: a top-level package imports only packages below it (docs/architecture.md).

core < partners < brands < products < cms < labor < marketplace < bench. Every ``import`` statement counts,
also those inside functions and in migrations, so a lazy import cannot hide an upward arrow.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = ["core", "partners", "brands", "products", "cms", "labor", "marketplace", "bench"]


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


def upward_imports(root: Path) -> dict[str, list[str]]:
    """``{file: [packages above its own]}`` for every Python file of our packages under ``root``."""
    found = {}
    for rank, package in enumerate(LAYERS):
        above = set(LAYERS[rank + 1 :])
        for path in sorted((root / package).rglob("*.py")):
            upward = sorted(_imported_packages(path) & above)
            if upward:
                found[str(path.relative_to(root))] = upward
    return found


def test_no_package_imports_one_above_it():
    assert upward_imports(Path(settings.BASE_DIR)) == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from products.models import Product\n", {"partners/leak.py": ["products"]}),
        ("def later():\n    import marketplace.settings\n", {"partners/leak.py": ["marketplace"]}),
        ("from core.mail import Mail\nfrom partners import models\n", {}),
    ],
)
def test_the_check_sees_an_upward_import_wherever_it_is_written(tmp_path, source, expected):
    for package in LAYERS:
        (tmp_path / package).mkdir()
    (tmp_path / "partners" / "leak.py").write_text(source, encoding="utf-8")
    assert upward_imports(tmp_path) == expected
