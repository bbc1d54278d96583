"""The trainer's question screens in the Wagtail admin: the editor (a form per type; saving makes a new version),
the preview as a learner sees the question (with a check of an answer), and the regrade of the attempts that
served earlier versions (a dry run first, then apply). Trainers reach only their own courses' questions (any other
is not found), administrators every course's.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from courses import selectors
from courses.models import Attempt, Question
from lms.accounts.models import User

from .. import question_bank, regrade
from .. import services as quiz_services
from ..grading import grade
from ..views import _responses_from_post, _shown
from .question_forms import ROW_SETS, QuestionEditor
from .views import _context, _require_course_manager


def _managed_question(user: User, pk: int) -> Question:
    managed = Question.objects.filter(category__course__in=selectors.courses_managed_by(user))
    return get_object_or_404(managed.select_related("category", "category__course"), pk=pk)


def _latest(question: Question) -> Question:
    node = question
    while not node.is_current and hasattr(node, "next_version"):
        node = node.next_version
    return node


@require_http_methods(["GET", "POST"])
def question_edit(request, pk: int):
    _require_course_manager(request.user)
    question = _managed_question(request.user, pk)
    course = question.category.course
    if not question.is_current and request.method == "GET":
        latest = _latest(question)
        if latest.is_current:
            messages.info(request, _("This is an old version; the latest one is shown."))
            return redirect("courses_quiz_question_edit", latest.pk)
    add_rows = request.POST.get("add_rows") if request.method == "POST" else None
    if add_rows not in ROW_SETS.get(question.qtype, {}):
        add_rows = None
    editor = QuestionEditor(question, request.POST if request.method == "POST" else None, add_rows=add_rows)
    if request.method == "POST" and add_rows is None:
        if editor.is_valid():
            try:
                new = question_bank.question_new_version(question=question, user=request.user,
                                                         **editor.changed_fields())
            except question_bank.QuestionBankError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("«%(name)s» is saved as version %(version)d.")
                                 % {"name": new.name, "version": new.version})
                if request.POST.get("then") == "preview":
                    return redirect("courses_quiz_question_preview", new.pk)
                return redirect("courses_quiz_question_edit", new.pk)
        else:
            messages.error(request, _("The question is not saved: correct the errors below."))
    return render(request, "courses/admin/quiz_question_edit.html", _context(
        _("Question"), "help",
        question=question, course=course, editor=editor, form=editor.form, show_errors=add_rows is None,
        category_path=question_bank.category_path(question.category),
        type_label=Question.Type(question.qtype).label,
    ))


def _preview_entry(question: Question) -> dict:
    """The question as an attempt serves it, with plain tokens so that an answer can be posted back and checked."""
    entry = quiz_services.question_served(question=question, marks=Decimal(1), shuffle=False)
    if "tokens" in entry:
        entry["tokens"] = {f"a{index}": index for index in entry["order"]}
    if "choices" in entry:
        entry["choices"] = {f"c{number}": text for number, text in enumerate(entry["choices"].values())}
    return entry


@require_http_methods(["GET", "POST"])
def question_preview(request, pk: int):
    """The question as the learner sees it (the attempt page's own markup); an answer can be checked, nothing is
    saved."""
    _require_course_manager(request.user)
    question = _managed_question(request.user, pk)
    entry = _preview_entry(question)
    attempt = Attempt(questions=[entry], answers={})  # in memory only, never saved
    result = None
    if request.method == "POST":
        raw = _responses_from_post(attempt, [0], request.POST).get("0")
        response = quiz_services._clean_response(entry, raw)
        attempt.answers["0"] = response
        if question.qtype not in (Question.Type.ESSAY, Question.Type.DESCRIPTION):
            graded = {int(row): text for row, text in response.items()} if isinstance(response, dict) else response
            result = grade(entry["question"], graded)
    return render(request, "courses/admin/quiz_question_preview.html", {
        "question": question, "course": question.category.course, "q": _shown(attempt, 0, 1),
        "result": result, "percent": None if result is None or result.fraction is None else result.fraction * 100,
        "type_label": Question.Type(question.qtype).label,
    })


@require_http_methods(["GET", "POST"])
def question_regrade(request, pk: int):
    """GET: the dry run (what would change, per attempt) and the log of earlier regrades; POST: apply."""
    _require_course_manager(request.user)
    question = _managed_question(request.user, pk)
    if not question.is_current:
        latest = _latest(question)
        if not latest.is_current:
            raise Http404
        return redirect("courses_quiz_question_regrade", latest.pk)
    if request.method == "POST":
        try:
            done = regrade.question_regrade_apply(question=question, user=request.user)
        except regrade.RegradeError as exc:
            messages.error(request, str(exc))
        else:
            count, changed = len(done.regradable), len(done.changed)
            messages.success(request, ngettext("%(count)d attempt regraded", "%(count)d attempts regraded", count)
                             % {"count": count} + "; " + ngettext(
                                 "the result changed in %(count)d", "the results changed in %(count)d", changed)
                             % {"count": changed} + ".")
            holders = sorted({row.attempt.user.full_name or row.attempt.user.email
                              for row in done.lowered_with_document})
            if holders:
                messages.warning(request, _("A lower result does not revoke a document. These learners hold one for "
                                            "the course; revoke it in the register if needed: %(names)s.")
                                 % {"names": ", ".join(holders)})
        return redirect("courses_quiz_question_regrade", question.pk)
    try:
        plan = regrade.question_regrade_plan(question=question, user=request.user)
    except regrade.RegradeError as exc:
        messages.error(request, str(exc))
        return redirect("courses_quiz_question_edit", question.pk)
    log = regrade.question_regrade_log(question=question)
    return render(request, "courses/admin/quiz_question_regrade.html", _context(
        _("Regrade"), "repeat", question=question, course=plan.course, plan=plan, log=log,
        edit_url=reverse("courses_quiz_question_edit", args=[question.pk]),
    ))
