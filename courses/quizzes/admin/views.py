"""Quiz screens in the Wagtail admin for trainers (their own courses) and administrators: the question bank
(list, export; the editor, preview and regrade are in question_views.py), question import with a preview, and the essay grading queue.

Every change goes through courses.quizzes.question_bank and courses.quizzes.services; reads through courses.selectors.
"""

from __future__ import annotations

import json
import secrets
import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from courses import selectors
from courses.models import Attempt, CoursePage, Question
from lms.accounts.models import User

from .. import question_bank
from .. import selectors as quiz_selectors
from .. import services as quiz_services
from ..formats import (
    GiftExportError,
    export_gift,
    export_moodle_xml,
    parse_gift_file,
    parse_moodle_xml,
)
from .forms import EssayGradeForm, ImportFormat, QuestionImportForm

# Parsed questions wait in the session between the preview and the confirmation: the browser only holds a
# random key, so what is imported is exactly what was previewed. Kept small: a few pending files, ~2 MB each.
SESSION_IMPORTS = "courses_question_imports"
MAX_PENDING_IMPORTS = 3
MAX_PENDING_BYTES = 2 * 1024 * 1024
PENDING_TTL_SECONDS = 2 * 60 * 60


def _require_course_manager(user: User) -> None:
    if not selectors.user_manages_any_course(user):
        raise PermissionDenied


def _managed_course(user: User, course_id) -> CoursePage:
    """A course the user manages; any other id (another trainer's, forged, missing) is simply not found."""
    if not str(course_id or "").isdigit():
        raise Http404
    return get_object_or_404(selectors.courses_managed_by(user), pk=int(course_id))


def _context(title: str, icon: str, **extra) -> dict:
    return {"page_title": title, "header_title": title, "header_icon": icon, **extra}


# --- The question bank -------------------------------------------------------------------------------------------

@require_GET
def question_bank_index(request):
    _require_course_manager(request.user)
    courses = list(selectors.courses_managed_by(request.user).only("pk", "title", "path", "live"))
    course_id = request.GET.get("course") or (str(courses[0].pk) if len(courses) == 1 else "")
    course = _managed_course(request.user, course_id) if course_id else None
    categories, selected_category, page = {}, None, None
    if course is not None:
        categories = quiz_selectors.question_bank_category_paths(course)
        category_ids = None
        category = request.GET.get("category", "")
        if category.isdigit() and int(category) in categories:
            selected_category = int(category)
            prefix = categories[selected_category]
            category_ids = [pk for pk, path in categories.items()
                            if path == prefix or path.startswith(prefix + "/")]
        questions = quiz_selectors.question_bank_questions(course, category_ids=category_ids)
        page = Paginator(questions, 100).get_page(request.GET.get("p"))
        for question in page:
            question.category_path = categories.get(question.category_id, "")
    return render(request, "courses/admin/quiz_question_bank.html", _context(
        _("Question bank"), "help",
        courses=courses, course=course, categories=categories, selected_category=selected_category, page=page,
    ))


@require_GET
def question_bank_export(request, course_id: int, fmt: str):
    _require_course_manager(request.user)
    course = _managed_course(request.user, course_id)
    questions = question_bank.bank_export(course)
    name = slugify(course.slug) or f"course-{course.pk}"
    if fmt == "gift":
        try:
            content = export_gift(questions)
        except GiftExportError as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('courses_quiz_question_bank')}?course={course.pk}")
        response = HttpResponse(content.encode("utf-8"), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.gift"'
        return response
    if fmt == "xml":
        response = HttpResponse(export_moodle_xml(questions), content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.xml"'
        return response
    raise Http404


# --- Import --------------------------------------------------------------------------------------------------------

def _pending_imports(request) -> dict:
    pending = request.session.get(SESSION_IMPORTS) or {}
    now = time.time()
    return {key: entry for key, entry in pending.items() if now - entry.get("created", 0) < PENDING_TTL_SECONDS}


def _store_pending(request, entry: dict) -> str | None:
    """Keep a parsed file in the session; None when it is too large to keep."""
    if len(json.dumps(entry, ensure_ascii=False).encode("utf-8")) > MAX_PENDING_BYTES:
        return None
    pending = _pending_imports(request)
    while len(pending) >= MAX_PENDING_IMPORTS:
        pending.pop(min(pending, key=lambda key: pending[key]["created"]))
    key = secrets.token_urlsafe(16)
    pending[key] = entry
    request.session[SESSION_IMPORTS] = pending
    return key


def _drop_pending(request, key: str) -> None:
    pending = _pending_imports(request)
    pending.pop(key, None)
    request.session[SESSION_IMPORTS] = pending


def _preview_rows(questions: list[dict]) -> list[dict]:
    labels = dict(Question.Type.choices)
    return [{"type": labels.get(q.get("type"), q.get("type")), "name": q.get("name") or "",
             "text": " ".join((q.get("text") or "").split())[:100], "category": q.get("category") or ""}
            for q in questions]


@require_http_methods(["GET", "POST"])
def question_import(request):
    _require_course_manager(request.user)
    courses = selectors.courses_managed_by(request.user)
    context = _context(_("Import questions"), "upload")

    if request.method == "POST" and request.POST.get("confirm"):
        key = request.POST.get("key", "")
        entry = _pending_imports(request).get(key)
        if entry is None:
            messages.error(request, _("This preview has expired; upload the file again."))
            return redirect("courses_quiz_question_import")
        course = _managed_course(request.user, entry["course"])
        if entry["errors"] or not entry["questions"]:
            messages.error(request, _("The file has errors: fix them and upload it again."))
        else:
            try:
                created = question_bank.import_into_bank(None, entry["category"] or None, entry["questions"],
                                                         user=request.user, course=course)
            except question_bank.QuestionBankError as exc:
                messages.error(request, str(exc))
            else:
                _drop_pending(request, key)
                messages.success(request, _("«%(course)s»: %(count)d questions imported.")
                                 % {"course": course.title, "count": created})
                return redirect(f"{reverse('courses_quiz_question_bank')}?course={course.pk}")
        form = QuestionImportForm(courses=courses, initial={"course": course.pk, "category": entry["category"],
                                                            "format": entry["format"]})
        context.update(form=form, preview=entry, rows=_preview_rows(entry["questions"]), key=key, course=course)
        return render(request, "courses/admin/quiz_question_import.html", context)

    form = QuestionImportForm(request.POST or None, request.FILES or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        course: CoursePage = form.cleaned_data["course"]
        upload = form.cleaned_data["file"]
        data = upload.read()
        parse = parse_gift_file if form.cleaned_data["format"] == ImportFormat.GIFT else parse_moodle_xml
        result = parse(data, upload.name)
        entry = {"course": course.pk, "category": form.cleaned_data["category"], "format": form.cleaned_data["format"],
                 "filename": upload.name, "questions": result.questions, "errors": result.errors,
                 "warnings": result.warnings, "created": time.time()}
        key = None
        if result.questions and not result.errors:
            key = _store_pending(request, entry)
            if key is None:
                entry["errors"] = [{"line": 0, "message": _("The file is too large to import at once; "
                                                           "split it into several files.")}]
        context.update(preview=entry, rows=_preview_rows(result.questions), key=key, course=course)
    context["form"] = form
    return render(request, "courses/admin/quiz_question_import.html", context)


# --- Essay grading -----------------------------------------------------------------------------------------------

@require_GET
def essay_queue(request):
    _require_course_manager(request.user)
    attempts = quiz_selectors.attempts_managed_by(request.user).filter(status=Attempt.Status.NEEDS_GRADING)
    page = Paginator(attempts, 50).get_page(request.GET.get("p"))
    titles = quiz_selectors.course_titles_by_path(request.user)
    for attempt in page:
        attempt.course_title = quiz_selectors.course_title_of(titles, attempt.quiz.path)
    return render(request, "courses/admin/quiz_essay_queue.html", _context(
        _("Essays to grade"), "edit", page=page,
    ))


@require_http_methods(["GET", "POST"])
def essay_grade(request, pk: int):
    _require_course_manager(request.user)
    attempt = get_object_or_404(quiz_selectors.attempts_managed_by(request.user), pk=pk)
    posted = None
    if request.method == "POST":
        posted = EssayGradeForm(request.POST)
        if posted.is_valid():
            try:
                attempt = quiz_services.attempt_grade_essay(
                    attempt=attempt, index=posted.cleaned_data["index"],
                    fraction=float(posted.cleaned_data["percent"]) / 100, grader=request.user,
                )
            except quiz_services.AttemptError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The grade is saved."))
                if attempt.status == Attempt.Status.FINISHED:
                    return redirect("courses_quiz_essay_queue")
                return redirect("courses_quiz_essay_grade", attempt.pk)
    essays = []
    for index, entry in enumerate(attempt.questions):
        question = entry.get("question") or {}
        if question.get("type") != Question.Type.ESSAY:
            continue
        grade = attempt.grades.get(str(index))
        if posted is not None and posted.data.get("index") == str(index):
            form = posted
        else:
            form = EssayGradeForm(initial={"index": index,
                                           "percent": round(grade * 100, 2) if grade is not None else None})
        answer = attempt.answers.get(str(index))
        essays.append({"index": index, "question": question, "answer": answer if isinstance(answer, str) else "",
                       "grade": grade, "marks": entry.get("marks"), "form": form})
    return render(request, "courses/admin/quiz_essay_grade.html", _context(
        _("Grade essays"), "edit", attempt=attempt, essays=essays,
        course_title=quiz_selectors.course_title_of(quiz_selectors.course_titles_by_path(request.user),
                                                    attempt.quiz.path),
    ))
