"""Builders of course pages (Wagtail pages need a parent, so these are functions rather than factories)."""

import itertools

from wagtail.models import Page, Site

from cms.models import HomePage
from courses.models import CourseModulePage, CoursePage, LessonPage, ProgrammePage

_counter = itertools.count(1)


def home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="Главная", slug=f"home-{next(_counter)}")
        Page.get_first_root_node().add_child(instance=home)
        Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    return home


def programme(**fields) -> ProgrammePage:
    page = ProgrammePage(title=fields.pop("title", "Программа"), slug=fields.pop("slug", f"programme-{next(_counter)}"),
                         **fields)
    home_page().add_child(instance=page)
    return page


def course(parent: ProgrammePage | None = None, *, live: bool = True, **fields) -> CoursePage:
    number = next(_counter)
    fields.setdefault("title", f"Курс {number}")
    fields.setdefault("slug", f"course-{number}")
    fields.setdefault("summary", "Краткое описание курса.")
    page = CoursePage(live=live, **fields)
    (parent or programme()).add_child(instance=page)
    return page


def module(parent: CoursePage, **fields) -> CourseModulePage:
    number = next(_counter)
    page = CourseModulePage(title=fields.pop("title", f"Модуль {number}"), slug=f"module-{number}", **fields)
    parent.add_child(instance=page)
    return page


def lesson(parent, *, required: bool = True, live: bool = True, **fields) -> LessonPage:
    number = next(_counter)
    fields.setdefault("title", f"Урок {number}")
    fields.setdefault("slug", f"lesson-{number}")
    fields.setdefault("body", [("paragraph", "<p>Текст урока.</p>")])
    page = LessonPage(is_required=required, live=live, **fields)
    parent.add_child(instance=page)
    return page
