"""What the course pages show: the context of the catalogue, course and lesson pages, and the rule for who may open
a lesson. Wagtail's page models (courses/models.py) call these; views and pages both import from here, never the
reverse."""

from __future__ import annotations

import hashlib
import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lms import content_cache

from . import selectors, services
from .completion import contributed_done
from .completion import lesson_requirements
from .models import CoursePage, Enrolment, LessonPage

Status = Enrolment.Status


def catalogue_context(request, programme) -> dict:
    formats = dict(CoursePage.Format.choices)
    selected = {
        "format": request.GET.get("format", "") if request.GET.get("format", "") in formats else "",
        "audience": request.GET.get("audience", "")[:300],
        "open_only": request.GET.get("open") == "1",
        "query": request.GET.get("q", "").strip()[:200],
    }
    courses = selectors.catalogue_courses(programme, **selected)
    enrolments = selectors.enrolments_by_course(request.user, [c.pk for c in courses])
    return {
        "courses": courses,
        "cards": _catalogue_cards(request, programme, courses, selected, enrolments),
        "formats": CoursePage.Format.choices,
        "audiences": selectors.catalogue_audiences(programme),
        "selected": selected,
        "is_filtered": any(selected.values()),
    }


ENROLMENT_MARK = re.compile(r"<!--enrolment:(\d+)-->")


def _catalogue_cards(request, programme, courses, selected: dict, enrolments: dict[int, Enrolment]) -> str:
    """The course cards: rendered once for everyone who sees the same filters (kept in the content cache, except
    for free-text searches and previews), then the person's own status put into each card."""

    def render_cards() -> str:
        return render_to_string("courses/includes/catalogue_cards.html", {"courses": courses}, request=request)

    if selected["query"] or getattr(request, "is_preview", False):
        html = render_cards()
    else:
        key = selectors.catalogue_key(programme, **selected)
        html = content_cache.cached(f"catalogue-cards:{translation.get_language()}:{key}", render_cards)

    def badge(match) -> str:
        enrolment = enrolments.get(int(match[1]))
        if enrolment is None:
            return ""
        progress = f" · {enrolment.progress_percent}%" if enrolment.status == Status.ACTIVE else ""
        return format_html('<span class="badge badge-{}">{}{}</span>', enrolment.status,
                           enrolment.get_status_display(), progress)

    return mark_safe(ENROLMENT_MARK.sub(badge, html))  # noqa: S308 - our own cached render plus format_html


def enrol_action(user, course: CoursePage, enrolment: Enrolment | None) -> str:
    """What the course page offers this person: one of a few fixed states the template knows."""
    if enrolment is not None:
        if enrolment.status in (Status.ACTIVE, Status.COMPLETED, Status.REQUESTED):
            return enrolment.status
    if not user.is_authenticated:
        return "login"
    if course.enrolment_policy == CoursePage.Policy.ASSIGNED:
        return "assigned_only"
    if not course.enrolment_is_open():
        return "closed"
    return "request" if course.enrolment_policy == CoursePage.Policy.APPROVAL else "enrol"


def course_context(request, course: CoursePage) -> dict:
    enrolment = selectors.enrolment_for(request.user, course.pk)
    syllabus = selectors.course_syllabus(course)
    ordered = [item for module in syllabus for item in module.lessons]  # lessons and quizzes, in course order
    items = {item.pk: item for item in ordered}
    action = enrol_action(request.user, course, enrolment)
    studying = action in ("active", "completed")
    done = selectors.completed_lesson_ids(enrolment)
    if enrolment is not None and any(getattr(item, "is_scorm", False) for item in ordered):
        # SCORM lessons studied: the progress contribution asks for the course, its SCORM lessons and the attempts
        # (three queries, the same whatever the numbers; only on courses that have SCORM lessons)
        done |= contributed_done(enrolment, "scorm")
    return {
        "syllabus": syllabus,
        # the same count as «урок N из M» on the lesson pages: lessons only; quizzes are counted apart
        "lesson_count": sum(1 for item in ordered if not getattr(item, "is_quiz", False)),
        "quiz_count": sum(1 for item in ordered if getattr(item, "is_quiz", False)),
        "trainers": selectors.course_trainer_names(course),
        "enrolment": enrolment,
        "action": action,
        "done_ids": done,
        # which lessons are ticked, as a short key: learners at the same point share the rendered syllabus
        "syllabus_key": hashlib.blake2b(",".join(map(str, sorted(done))).encode(), digest_size=8).hexdigest(),
        "continue_lesson": _where_to_continue(ordered, done, enrolment.last_lesson_id if enrolment else None),
        # those who study the course see its lessons anyway; only the others need the (three-query) check
        "can_manage": not studying and services.user_can_manage_course(request.user, course),
        "lessons_linked": studying,
        "programme": selectors.page_parent(course),
    }


def _where_to_continue(ordered: list, done: set[int], last_id: int | None):
    """Where «Продолжить» leads: the first item not studied yet from the lesson the learner last opened on (that
    lesson itself if it is not studied), else the first one not studied anywhere in the course, else the lesson
    last opened (everything is studied), else the first item."""
    last = next((index for index, item in enumerate(ordered) if item.pk == last_id), 0)
    for item in [*ordered[last:], *ordered[:last]]:
        if item.pk not in done:
            return item
    return ordered[last] if ordered else None


def lesson_serve(request, lesson: LessonPage, *, super_serve, args, kwargs):
    """Lessons are for enrolled learners (and the course's trainers and administrators)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = selectors.lesson_course(lesson)
    if course is None:
        raise Http404
    enrolment = selectors.enrolment_for(request.user, course.pk)
    studying = enrolment is not None and enrolment.status in (Status.ACTIVE, Status.COMPLETED)
    if not studying and not services.user_can_manage_course(request.user, course):
        messages.info(request, _("Enrol in the course to study its lessons."))
        return redirect(course.url)
    if studying:  # a lesson or a SCORM lesson: where «Продолжить» leads
        services.lesson_visit(user=request.user, lesson=lesson, course=course, enrolment=enrolment)
    request.lesson_context = {"course": course, "enrolment": enrolment}
    return super_serve(request, *args, **kwargs)


def lesson_context(request, lesson: LessonPage) -> dict:
    extra = getattr(request, "lesson_context", None) or {}
    course = extra.get("course") or selectors.lesson_course(lesson)
    enrolment = extra.get("enrolment")
    navigation = selectors.lesson_navigation(request, lesson, course)
    is_done = lesson.pk in selectors.completed_lesson_ids(enrolment)
    return {
        "course": course,
        "course_url": navigation.course_url,
        "enrolment": enrolment,
        "is_done": is_done,
        # what the lesson's body asks before it counts as studied (its required H5P tasks: courses.completion)
        "unmet_requirements": [] if is_done or enrolment is None else [
            requirement for requirement in lesson_requirements(lesson, enrolment) if not requirement.met],
        "previous_lesson": navigation.previous,  # PageLink: pk, title, url
        "next_lesson": navigation.next,
        "position": navigation.position,
        "lesson_count": navigation.lesson_count,
    }
