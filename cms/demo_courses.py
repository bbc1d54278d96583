"""The demo programme: four courses of real content, trainers, a moderation workflow and learners at different
stages. Built through the services; running it twice changes nothing."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from certificates.models import CertificateTemplate
from courses import services as course_services
from courses.authoring import course_moderation_workflow_ensure
from courses.models import (AssignmentRule, CourseModulePage, CoursePage, Enrolment, LessonPage, ProgrammePage,
                            Question, QuizPage, QuizRandomDraw)
from courses.quizzes.question_bank import category_for_path, import_into_bank
from courses.quizzes.formats import parse_gift_file
from lms.accounts.models import User
from lms.accounts.roles import Role, role_group

from .demo_content import QUIZ_FOLDER, courses as demo_courses, programme as demo_programme
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
    data = demo_programme()
    programme = ProgrammePage.objects.child_of(home).filter(slug=data["slug"]).first()
    if programme is not None:
        return programme, 0
    programme = ProgrammePage(
        title=data["title"], slug=data["slug"], intro=data["intro"], aims=data["aims"],
        audience=data["audience"], expected_hours=data["expected_hours"],
        period_years=data["period_years"], show_in_menus=True, seo_title="Курсы",
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
    culture, bibliography, virtual, resources = (courses[c["slug"]] for c in demo_courses())
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


def _certificate_templates() -> int:
    created = 0
    for kind, title, name, body in (
        (CertificateTemplate.Kind.CERTIFICATE, "Сертификат", "Сертификат о прохождении курса",
         "об успешном освоении курса"),
        (CertificateTemplate.Kind.QUALIFICATION, "Удостоверение", "Удостоверение о повышении квалификации",
         "об успешном освоении курса"),
        (CertificateTemplate.Kind.INTERNSHIP, "Справка", "Справка о стажировке в ОНБ",
         "о прохождении стажировки по теме"),
    ):
        _template, was_created = CertificateTemplate.objects.get_or_create(
            kind=kind, is_default=True,
            defaults={"name": name, "title": title, "body_text": body, "signatory_1_name": "Е. В. Соколова",
                      "signatory_1_position": "Заведующая научно-методическим отделом"},
        )
        created += was_created
    return created


def _quiz(course: CoursePage, slug: str) -> int:
    """Each course's final quiz: its questions come from the GIFT file kept with the demo data."""
    if QuizPage.objects.child_of(course).exists():
        return 0
    if not Question.objects.filter(category__course=course).exists():
        path = QUIZ_FOLDER / f"{slug}.gift"
        parsed = parse_gift_file(path.read_bytes(), path.name)
        import_into_bank(course.slug, None, parsed.questions)
    # Optional in the demo, so that a course is completed by its lessons alone; a trainer makes it required.
    quiz = QuizPage(title="Итоговый тест", slug="final-test", pass_percent=70, time_limit_minutes=30,
                    is_required=False,
                    attempts_allowed=3, questions_per_page=4, shuffle_questions=True,
                    intro="<p>Десять вопросов по материалам курса. На тест отводится 30 минут; "
                          "засчитывается лучшая из трёх попыток.</p>")
    quiz.draws.add(QuizRandomDraw(category=category_for_path(course=course, path=["top", "Итоговый тест"]),
                                  count=10))
    _publish(course, quiz)
    return 1


@transaction.atomic
def demo_courses_seed(home: HomePage) -> int:
    changed = _certificate_templates()
    programme, programme_changed = _programme(home)
    changed += programme_changed
    course_moderation_workflow_ensure(programme=programme, approvers=role_group(Role.ADMINISTRATOR))
    courses = {}
    for data in demo_courses():
        course, course_changed = _course(programme, data)
        courses[data["slug"]] = course
        changed += course_changed
    trainer = User.objects.filter(email="trainer@demo.kuzbass-lms.ru").first()
    if trainer is not None:
        for course in courses.values():
            course_services.course_trainer_add(course=course, user=trainer)
    changed += _learners(courses)
    # The quizzes come after the demo learners' progress, so that their stages stay as described.
    for data in demo_courses():
        changed += _quiz(courses[data["slug"]], data["slug"])
    return changed
