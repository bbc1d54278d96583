"""The demo programme: four courses of real content, trainers, a moderation workflow and learners at different
stages. Built through the services; running it twice changes nothing."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from courses import services as course_services
from courses.authoring import course_moderation_workflow_ensure
from courses.demo_content import COURSES, PROGRAMME
from courses.models import AssignmentRule, CourseModulePage, CoursePage, Enrolment, LessonPage, ProgrammePage
from lms.accounts.models import User
from lms.accounts.roles import Role, role_group

from .models import HomePage


def _table_value(value: dict) -> dict:
    return {"data": [value["header"], *value["rows"]], "first_row_is_table_header": True,
            "first_col_is_header": False, "table_caption": value.get("caption", "")}


def _body(blocks: list[tuple[str, object]]) -> list[tuple[str, object]]:
    return [(kind, _table_value(value) if kind == "table" else value) for kind, value in blocks]


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _programme(home: HomePage) -> tuple[ProgrammePage, int]:
    programme = ProgrammePage.objects.child_of(home).filter(slug=PROGRAMME["slug"]).first()
    if programme is not None:
        return programme, 0
    programme = ProgrammePage(
        title=PROGRAMME["title"], slug=PROGRAMME["slug"], intro=PROGRAMME["intro"], aims=PROGRAMME["aims"],
        audience=PROGRAMME["audience"], expected_hours=PROGRAMME["expected_hours"],
        period_years=PROGRAMME["period_years"], show_in_menus=True, seo_title="Курсы",
    )
    return _publish(home, programme), 1


def _course(programme: ProgrammePage, data: dict) -> tuple[CoursePage, int]:
    course = CoursePage.objects.child_of(programme).filter(slug=data["slug"]).first()
    if course is not None:
        return course, 0
    course = _publish(programme, CoursePage(
        title=data["title"], slug=data["slug"], summary=data["summary"], description=data["description"],
        audience=data["audience"], academic_hours=data["academic_hours"], format=data["format"],
        enrolment_policy=data["enrolment_policy"],
    ))
    changed = 1
    for module_data in data["modules"]:
        module = _publish(course, CourseModulePage(title=module_data["title"],
                                                   slug=f"module-{data['modules'].index(module_data) + 1}"))
        changed += 1
        for lesson in module_data["lessons"]:
            _publish(module, LessonPage(title=lesson["title"], slug=lesson["slug"], body=_body(lesson["body"]),
                                        estimated_minutes=lesson["estimated_minutes"],
                                        is_required=lesson["required"]))
            changed += 1
    return course, changed


def _study(user: User, course: CoursePage, lessons: int | None) -> None:
    """Enrol a demo learner and study the first `lessons` lessons (all when None)."""
    course_services.enrolment_self(user=user, course=course)
    for lesson in list(course_services.course_lessons(course))[:lessons]:
        course_services.lesson_complete(user=user, lesson=lesson)


def _learners(courses: dict[str, CoursePage]) -> int:
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.kuzbass-lms.ru")}
    if Enrolment.objects.filter(user__in=people.values()).exists():
        return 0  # the demo learners have been given their stages already
    culture, bibliography, virtual, resources = (courses[c["slug"]] for c in COURSES)
    _study(people["learner"], culture, None)           # completed
    _study(people["learner"], bibliography, 2)         # in progress
    _study(people["learner2"], culture, 1)
    course_services.enrolment_self(user=people["learner2"], course=virtual)  # a request waiting for approval
    _study(people["learner3"], bibliography, None)
    rule, _created = AssignmentRule.objects.get_or_create(
        course=resources, title="Сотрудники библиотек — участниц Э(В)БК",
        defaults={"evbk_only": True, "due_date": date(timezone.localdate().year + 1, 3, 1)},
    )
    return course_services.assignment_rule_apply(rule=rule) + 1


@transaction.atomic
def demo_courses_seed(home: HomePage) -> int:
    programme, changed = _programme(home)
    course_moderation_workflow_ensure(programme=programme, approvers=role_group(Role.ADMINISTRATOR))
    courses = {}
    for data in COURSES:
        course, course_changed = _course(programme, data)
        courses[data["slug"]] = course
        changed += course_changed
    trainer = User.objects.filter(email="trainer@demo.kuzbass-lms.ru").first()
    if trainer is not None:
        for course in courses.values():
            course_services.course_trainer_add(course=course, user=trainer)
    return changed + _learners(courses)
