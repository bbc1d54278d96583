"""The layers of DESIGN.md: imports run one way, cms -> certificates -> courses -> lms apps."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> packages it must never import
FORBIDDEN = {
    "lms": ("cms", "certificates", "courses"),
    "courses": ("cms", "certificates"),
    "certificates": ("cms",),
}
# files directly in lms/ import no app at all (settings name apps as strings; Celery discovers tasks)
BOTTOM_FILES = ["lms/settings.py", "lms/celery.py", "lms/wsgi.py", "lms/asgi.py", "lms/__init__.py"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package,forbidden", FORBIDDEN.items())
def test_lower_layers_do_not_import_higher_ones(package, forbidden):
    offenders = []
    for path in (ROOT / package).rglob("*.py"):
        for module in imported_modules(path):
            if module.split(".")[0] in forbidden:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, offenders


def test_project_files_import_no_app():
    project_apps = ("lms.", "cms", "courses", "certificates")
    for name in BOTTOM_FILES:
        modules = imported_modules(ROOT / name)
        assert not [m for m in modules if m.startswith(project_apps) and m != "lms.celery"], name


def test_nothing_reads_the_settings_module_directly():
    offenders = [str(path.relative_to(ROOT)) for package in ("lms", "courses", "certificates", "cms")
                 for path in (ROOT / package).rglob("*.py")
                 if "lms.settings" in imported_modules(path)]
    assert not offenders, offenders
