"""The demo programme and its courses, read from the data files in `cms/demo_data/` (YAML).

`programme()` is the programme's fields; `courses()` the courses in the programme's order, each with its modules
and lessons, a lesson's body a list of (block type, value) pairs as `LessonPage.body` takes them. The files are
read once per process and their shape is checked: a mistake is a `DemoDataError` naming the file and the key.
The results are shared: read them, do not change them. The courses' final quizzes are GIFT files beside them
(`QUIZ_FOLDER`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DATA_FOLDER = Path(__file__).resolve().parent / "demo_data"
QUIZ_FOLDER = DATA_FOLDER / "quizzes"  # <course slug>.gift

# key -> a type, a set of allowed texts, [the schema of every item] or {a nested mapping}; "key?" may be left out
PROGRAMME_KEYS = {"title": str, "slug": str, "intro": str, "aims": str, "audience": str, "expected_hours": int,
                  "period_years": int, "courses": [str]}
COURSE_KEYS = {"title": str, "slug": str, "summary": str, "description": str, "audience": str,
               "academic_hours": int, "format": {"distance", "blended"},
               "enrolment_policy": {"open", "approval", "assigned"}, "modules": list}
MODULE_KEYS = {"title": str, "lessons": list}
LESSON_KEYS = {"title": str, "slug": str, "estimated_minutes": int, "required": bool, "body": list}
# The lesson blocks the demo data may use (a subset of courses.blocks.LessonBodyBlock) and the shape of their values.
BLOCKS = {
    "heading": str,
    "paragraph": str,
    "table": {"caption?": str, "header": [str], "rows": [[str]]},
    "quote": {"text": str, "source?": str},
    "callout": {"kind": {"info", "warning", "tip"}, "text": str},
    "accordion": {"items": [{"title": str, "body": str}]},
}


class DemoDataError(ValueError):
    """A data file that cannot be read or has the wrong shape; the message names the file and the key."""


def programme() -> dict:
    """The programme's fields (title, slug, intro, aims, audience, expected_hours, period_years)."""
    return read()[0]


def courses() -> list[dict]:
    """The programme's courses, in its order."""
    return read()[1]


@cache
def read(folder: Path = DATA_FOLDER) -> tuple[dict, list[dict]]:
    """The programme (`programme.yaml`) and the courses it names (`courses/<slug>.yaml`), checked."""
    path = folder / "programme.yaml"
    data = _load(path)
    _check(data, PROGRAMME_KEYS, path, "")
    slugs = data.pop("courses")
    if not slugs:
        raise DemoDataError(f"{_name(path)}: courses: the programme names no course")
    if len(set(slugs)) != len(slugs):
        raise DemoDataError(f"{_name(path)}: courses: a course is named twice")
    missing = [slug for slug in slugs if not (folder / "courses" / f"{slug}.yaml").exists()]
    if missing:
        raise DemoDataError(f"{_name(path)}: courses: no file courses/{missing[0]}.yaml for the course {missing[0]!r}")
    return data, [_course(folder / "courses" / f"{slug}.yaml", slug) for slug in slugs]


def _course(path: Path, slug: str) -> dict:
    course = _load(path)
    _check(course, COURSE_KEYS, path, "")
    if course["slug"] != slug:
        raise DemoDataError(f"{_name(path)}: slug: {course['slug']!r}, but the file is named for {slug!r}")
    if not course["modules"]:
        raise DemoDataError(f"{_name(path)}: modules: the course has no module")
    lesson_slugs: set[str] = set()
    for m, module in enumerate(course["modules"]):
        where = f"modules[{m}]"
        _check(module, MODULE_KEYS, path, where)
        if not module["lessons"]:
            raise DemoDataError(f"{_name(path)}: {where}.lessons: the module has no lesson")
        for n, lesson in enumerate(module["lessons"]):
            at = f"{where}.lessons[{n}]"
            _check(lesson, LESSON_KEYS, path, at)
            if lesson["slug"] in lesson_slugs:
                raise DemoDataError(f"{_name(path)}: {at}.slug: {lesson['slug']!r} is used twice in the course")
            lesson_slugs.add(lesson["slug"])
            if not lesson["body"]:
                raise DemoDataError(f"{_name(path)}: {at}.body: the lesson has no content")
            lesson["body"] = [_block(block, path, f"{at}.body[{b}]") for b, block in enumerate(lesson["body"])]
    return course


def _block(block, path: Path, where: str) -> tuple[str, object]:
    """`- paragraph: <p>…</p>` in the file, ("paragraph", "<p>…</p>") for the page."""
    if not isinstance(block, dict) or len(block) != 1:
        raise DemoDataError(f"{_name(path)}: {where}: a block is one `type: value` pair, not {block!r:.80}")
    (kind, value), = block.items()
    if kind not in BLOCKS:
        raise DemoDataError(f"{_name(path)}: {where}: unknown block type {kind!r} (known: {', '.join(BLOCKS)})")
    _check(value, BLOCKS[kind], path, f"{where}.{kind}")
    return kind, value


def _check(value, schema, path: Path, where: str) -> None:
    def fail(problem: str):
        raise DemoDataError(f"{_name(path)}: {where or '(top)'}: {problem}")

    if isinstance(schema, dict):
        if not isinstance(value, dict):
            fail(f"expected a mapping of {', '.join(k.rstrip('?') for k in schema)}, found {_kind(value)}")
        keys = {key.rstrip("?"): key for key in schema}
        missing = [key for key, spec in keys.items() if not spec.endswith("?") and key not in value]
        if missing:
            fail(f"missing {', '.join(missing)}")
        unknown = [key for key in value if key not in keys]
        if unknown:
            fail(f"unknown key(s) {', '.join(map(str, unknown))} (known: {', '.join(keys)})")
        for key, item in value.items():
            _check(item, schema[keys[key]], path, f"{where}.{key}" if where else key)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            fail(f"expected a list, found {_kind(value)}")
        for index, item in enumerate(value):
            _check(item, schema[0], path, f"{where}[{index}]")
    elif isinstance(schema, set):
        if not isinstance(value, str) or value not in schema:
            fail(f"{value!r} is none of {', '.join(sorted(schema))}")
    elif schema is int:
        if not isinstance(value, int) or isinstance(value, bool):
            fail(f"expected a whole number, found {_kind(value)}")
    elif not isinstance(value, schema):
        fail(f"expected {'text' if schema is str else schema.__name__}, found {_kind(value)}")
    elif schema is str and not value.strip():
        fail("empty text")


def _load(path: Path):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DemoDataError(f"{_name(path)}: cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise DemoDataError(f"{_name(path)}: not valid YAML: {exc}") from exc
    return _no_line_breaks(data)


def _no_line_breaks(value):
    """Texts have no line breaks: in a folded block (>-) a blank line joins the parts with nothing."""
    if isinstance(value, str):
        return value.replace("\n", "")
    if isinstance(value, list):
        return [_no_line_breaks(item) for item in value]
    if isinstance(value, dict):
        return {key: _no_line_breaks(item) for key, item in value.items()}
    return value


def _kind(value) -> str:
    return {str: "text", int: "a number", bool: "true/false", list: "a list", dict: "a mapping",
            type(None): "nothing"}.get(type(value), type(value).__name__)


def _name(path: Path) -> str:
    """The file as the project names it (cms/demo_data/…), or in full when it is elsewhere."""
    root = DATA_FOLDER.parent.parent
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
