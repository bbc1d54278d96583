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


def _absolute_imports(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved against the file's package."""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return names


# The course layer learns of quiz results through courses.completion (quizzes register their contribution); only
# the app's wiring names the quiz package: its ready() (registrations), its URL map, its admin hooks and
# courses/models.py, which imports the quiz models so that they are models of the app.
COURSE_WIRING = {"courses/apps.py", "courses/urls.py", "courses/wagtail_hooks.py", "courses/models.py"}


def test_course_code_does_not_import_the_quiz_package():
    offenders = []
    for path in (ROOT / "courses").glob("*.py"):
        name = str(path.relative_to(ROOT))
        if name in COURSE_WIRING:
            continue
        quiz_imports = sorted(m for m in _absolute_imports(path) if m.startswith("courses.quizzes"))
        if quiz_imports:
            offenders.append(f"{name} imports {quiz_imports}")
    assert not offenders, offenders


def test_the_courses_top_level_holds_course_code_only():
    quiz_words = ("quiz", "question", "grading", "item_analysis", "attempt")
    misplaced = [p.name for p in (ROOT / "courses").glob("*.py") if any(word in p.name for word in quiz_words)]
    assert not misplaced, f"quiz modules belong in courses/quizzes/: {misplaced}"


@pytest.mark.parametrize("models_file", ["courses/models.py", "courses/quizzes/models.py", "cms/models.py"])
def test_page_models_do_not_import_views(models_file):
    views = sorted(m for m in _absolute_imports(ROOT / models_file)
                   if m.split(".")[-1] == "views" or ".views." in m or m.endswith("_views"))
    assert not views, f"{models_file} imports {views}: pages take their context from selectors or page_context"


# No app or bench module past what one person reads in one sitting.
MAX_LINES = 600
LINE_LIMIT_PACKAGES = ("lms", "courses", "certificates", "cms", "bench")


def test_no_python_file_in_the_apps_or_bench_is_longer_than_600_lines():
    too_long = {}
    for package in LINE_LIMIT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = str(path.relative_to(ROOT))
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long[name] = lines
    assert not too_long, f"split these by concern (at most {MAX_LINES} lines a file): {too_long}"
