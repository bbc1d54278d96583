"""The pages: the programme and the courses through treebeard, each course's modules, lessons and final quiz in bulk."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from wagtail.models import Locale, Page

from courses.models import (CourseModulePage, CoursePage, LessonPage, ProgrammePage, Question, QuizPage,
                            ScormLessonPage)
from courses.services import course_trainer_add
from lms.accounts.models import User

from ..demo_content import programme as demo_programme
from .quizzes import question_banks_write
from .sizes import ATTEMPTS_ALLOWED, PASS_PERCENT, PROGRAMME_SLUG, LoadSize
from .words import LESSON_TEXT, LESSON_THEMES, LEVELS, SUBJECTS
from .writing import bulk, copy_base, insert_specific, page_row


@dataclass
class CourseTree:
    course: CoursePage
    lessons: list[LessonPage] = field(default_factory=list)
    quiz: QuizPage | None = None
    questions: list[Question] = field(default_factory=list)
    scorm: ScormLessonPage | None = None  # the course's SCORM lesson, if it has one (scorm.py)


def home_ensure():
    from ..demo import _administrator_page_permissions, _home_page, _site_settings

    home, _changed = _home_page()
    _site_settings(home)
    _administrator_page_permissions(home)  # the administrators edit and publish the pages, as in the demo
    return home


def pages_write(size: LoadSize, home, rng: random.Random, now, trainer: User) -> tuple[ProgrammePage, list[CourseTree]]:
    data = demo_programme()
    programme = ProgrammePage(
        title=data["title"], slug=PROGRAMME_SLUG, intro=data["intro"], aims=data["aims"],
        audience=data["audience"][:300], show_in_menus=not ProgrammePage.objects.exists(), seo_title="Курсы",
        first_published_at=now, last_published_at=now,
    )
    home.add_child(instance=programme)
    locale = programme.locale
    trees = []
    audiences = ["Сотрудники сельских библиотек", "Библиографы", "Сотрудники детских библиотек",
                 "Все специалисты библиотек"]
    for number in range(size.courses):
        subject, level = SUBJECTS[number % len(SUBJECTS)], LEVELS[(number // len(SUBJECTS)) % len(LEVELS)]
        cycle = number // (len(SUBJECTS) * len(LEVELS))
        title = f"{subject}: {level}" + (f" (поток {cycle + 1})" if cycle else "")
        policy = (CoursePage.Policy.APPROVAL if number % 10 == 3 else
                  CoursePage.Policy.ASSIGNED if number % 10 == 7 else CoursePage.Policy.OPEN)
        course = CoursePage(
            title=title, slug=f"kurs-{number + 1:03d}", summary=f"Курс «{title}» для специалистов библиотек Кузбасса.",
            description=LESSON_TEXT, academic_hours=rng.choice([8, 16, 16, 24, 36, 72]),
            format=CoursePage.Format.BLENDED if number % 5 == 4 else CoursePage.Format.DISTANCE,
            audience=audiences[number % len(audiences)], enrolment_policy=policy,
            certificate_kind=(CoursePage.CertificateKind.QUALIFICATION if number % 4 == 0
                              else CoursePage.CertificateKind.CERTIFICATE),
            first_published_at=now, last_published_at=now,
        )
        programme.add_child(instance=course)
        trees.append(CourseTree(course=course))
    _course_children(size, trees, locale, now)
    for tree in trees:  # through the service: the link, the trainer role and the course's page permissions
        course_trainer_add(course=tree.course, user=trainer)
    return programme, trees


def _course_children(size: LoadSize, trees: list[CourseTree], locale: Locale, now) -> None:
    modules_per_course = max(1, min(size.modules_per_course, size.lessons_per_course))
    module_rows, modules, module_parent = [], [], []
    for tree in trees:
        course = tree.course
        for m in range(modules_per_course):
            module_rows.append(page_row(CourseModulePage, parent=course, position=m + 1, title=f"Модуль {m + 1}. "
                                        f"{LESSON_THEMES[m % len(LESSON_THEMES)]}", slug=f"module-{m + 1}",
                                        locale=locale, when=now))
            modules.append(CourseModulePage(summary=""))
            module_parent.append(tree)
        quiz_row = page_row(QuizPage, parent=course, position=modules_per_course + 1, title="Итоговый тест",
                            slug="final-test", locale=locale, when=now)
        module_rows.append(quiz_row)
        modules.append(QuizPage(
            intro="<p>Десять вопросов по материалам курса; засчитывается лучшая из трёх попыток.</p>",
            pass_percent=PASS_PERCENT, time_limit_minutes=30, attempts_allowed=ATTEMPTS_ALLOWED,
            questions_per_page=5, shuffle_questions=True, is_required=True))
        module_parent.append(tree)
    rows = bulk(Page, module_rows, 500)
    module_pages = []
    for model in (CourseModulePage, QuizPage):
        pairs = [(row, page) for row, page in zip(rows, modules, strict=True) if isinstance(page, model)]
        insert_specific(model, [r for r, _p in pairs], [p for _r, p in pairs])
    for row, page, tree in zip(rows, modules, module_parent, strict=True):
        copy_base(row, page)
        if isinstance(page, QuizPage):
            tree.quiz = page
        else:
            module_pages.append((page, tree))
    lesson_rows, lessons, lesson_tree = [], [], []
    per_module = defaultdict(list)
    for module, tree in module_pages:
        per_module[tree.course.pk].append(module)
    for tree in trees:
        mods = per_module[tree.course.pk]
        for index in range(size.lessons_per_course):
            module = mods[index * len(mods) // size.lessons_per_course]
            position = sum(1 for i in range(index) if mods[i * len(mods) // size.lessons_per_course] is module) + 1
            title = f"Урок {index + 1}. {LESSON_THEMES[index % len(LESSON_THEMES)]}"
            lesson_rows.append(page_row(LessonPage, parent=module, position=position, title=title,
                                        slug=f"urok-{index + 1}", locale=locale, when=now))
            lessons.append(LessonPage(body=[("paragraph", LESSON_TEXT)], estimated_minutes=20, is_required=True))
            lesson_tree.append(tree)
            module.numchild += 1
    rows = bulk(Page, lesson_rows, 500)
    insert_specific(LessonPage, rows, lessons)
    for row, lesson, tree in zip(rows, lessons, lesson_tree, strict=True):
        copy_base(row, lesson)
        tree.lessons.append(lesson)
    for module, _tree in module_pages:
        Page.objects.filter(pk=module.pk).update(numchild=module.numchild)
    for tree in trees:
        Page.objects.filter(pk=tree.course.pk).update(numchild=modules_per_course + 1)
        tree.course.numchild = modules_per_course + 1
    question_banks_write(trees)
