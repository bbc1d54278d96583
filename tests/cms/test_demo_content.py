"""The demo content is data (cms/demo_data/): every file loads and has the shape the seeder expects."""

import pytest

from cms import demo_content
from cms.demo_content import DATA_FOLDER, QUIZ_FOLDER, DemoDataError
from courses.blocks import CalloutBlock, LessonBodyBlock
from courses.models import CoursePage
from courses.quizzes.formats import parse_gift_file


def test_the_programme_and_its_four_courses_load():
    programme = demo_content.programme()
    assert set(programme) == {"title", "slug", "intro", "aims", "audience", "expected_hours", "period_years"}
    assert programme["title"] == "Программа непрерывного образования специалистов библиотек Кемеровской области"
    courses = demo_content.courses()
    assert [c["slug"] for c in courses] == ["information-culture", "bibliographic-competence", "virtual-reference",
                                            "local-history-e-resources"]
    assert demo_content.courses() is courses  # read once per process


def test_every_data_file_is_used():
    named = {f"{c['slug']}.yaml" for c in demo_content.courses()}
    assert {p.name for p in (DATA_FOLDER / "courses").iterdir()} == named
    assert {p.name for p in QUIZ_FOLDER.iterdir()} == {f"{c['slug']}.gift" for c in demo_content.courses()}
    assert {p.name for p in DATA_FOLDER.iterdir()} == {"programme.yaml", "courses", "quizzes"}


@pytest.mark.parametrize("course", demo_content.courses(), ids=lambda c: c["slug"])
def test_each_lesson_has_a_title_a_slug_and_a_body_of_known_blocks(course):
    assert course["format"] in CoursePage.Format.values
    assert course["enrolment_policy"] in CoursePage.Policy.values
    assert course["modules"]
    known = set(LessonBodyBlock.base_blocks)
    callout_kinds = {value for value, _label in CalloutBlock.base_blocks["kind"].field.choices}
    slugs = []
    for module in course["modules"]:
        assert module["title"] and module["lessons"]
        for lesson in module["lessons"]:
            assert lesson["title"].strip() and lesson["slug"].strip()
            assert isinstance(lesson["estimated_minutes"], int) and isinstance(lesson["required"], bool)
            slugs.append(lesson["slug"])
            assert lesson["body"], lesson["slug"]
            for kind, value in lesson["body"]:
                assert kind in known and kind in demo_content.BLOCKS
                assert value
                if kind == "callout":
                    assert value["kind"] in callout_kinds
                if kind == "table":
                    assert all(len(row) == len(value["header"]) for row in value["rows"])
                for text in _texts(value):
                    assert "\n" not in text and text == text.strip()
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize("course", demo_content.courses(), ids=lambda c: c["slug"])
def test_each_course_has_its_final_quiz_in_gift(course):
    path = QUIZ_FOLDER / f"{course['slug']}.gift"
    parsed = parse_gift_file(path.read_bytes(), path.name)
    assert len(parsed.questions) >= 10  # the seeder's quiz draws ten


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _folder(tmp_path, course_text):
    (tmp_path / "courses").mkdir()
    (tmp_path / "programme.yaml").write_text(
        "title: П\nslug: p\nintro: <p>и</p>\naims: <p>ц</p>\naudience: все\nexpected_hours: 72\nperiod_years: 3\n"
        "courses: [one]\n", encoding="utf-8")
    (tmp_path / "courses" / "one.yaml").write_text(course_text, encoding="utf-8")
    return tmp_path


COURSE = """\
title: Курс
slug: one
summary: >-
  Кратко о
  курсе.
description: >-
  <p>Первый абзац
  текста.</p>

  <p>Второй.</p>
audience: все
academic_hours: 8
format: distance
enrolment_policy: open
modules:
  - title: Модуль 1
    lessons:
      - title: Урок
        slug: lesson
        estimated_minutes: 10
        required: true
        body:
{body}
"""


def test_a_folded_text_is_joined_as_written(tmp_path):
    body = "          - heading: Заголовок\n          - table: {header: [a, b], rows: [[c, d]]}"
    programme, (course,) = demo_content.read(_folder(tmp_path, COURSE.format(body=body)))
    assert programme["slug"] == "p" and "courses" not in programme
    assert course["summary"] == "Кратко о курсе."
    assert course["description"] == "<p>Первый абзац текста.</p><p>Второй.</p>"
    assert course["modules"][0]["lessons"][0]["body"] == [
        ("heading", "Заголовок"), ("table", {"header": ["a", "b"], "rows": [["c", "d"]]})]


@pytest.mark.parametrize("body,message", [
    ("          - video: {caption: x}", "modules[0].lessons[0].body[0]: unknown block type 'video'"),
    ("          - callout: {kind: note, text: <p>x</p>}",
     "modules[0].lessons[0].body[0].callout.kind: 'note' is none of info, tip, warning"),
    ("          - table: {header: [a], rows: [c]}", "modules[0].lessons[0].body[0].table.rows[0]: expected a list"),
    ("          - quote: {source: x}", "modules[0].lessons[0].body[0].quote: missing text"),
    ("          - heading: a\n            paragraph: b", "modules[0].lessons[0].body[0]: a block is one `type: value`"),
    ("          []", "modules[0].lessons[0].body: the lesson has no content"),
])
def test_a_wrong_shape_is_an_error_naming_the_file_and_the_key(tmp_path, body, message):
    folder = _folder(tmp_path, COURSE.format(body=body))
    with pytest.raises(DemoDataError) as error:
        demo_content.read(folder)
    assert str(error.value).startswith(f"{folder / 'courses' / 'one.yaml'}: ")
    assert message in str(error.value)


def test_a_missing_course_file_or_key_is_named(tmp_path):
    folder = _folder(tmp_path, COURSE.format(body="          - heading: x").replace("academic_hours: 8\n", ""))
    with pytest.raises(DemoDataError, match=r"one\.yaml: \(top\): missing academic_hours"):
        demo_content.read(folder)
    (folder / "courses" / "one.yaml").unlink()
    with pytest.raises(DemoDataError, match=r"programme\.yaml: courses: no file courses/one\.yaml"):
        demo_content.read(folder)
