"""Quiz pages for learners: start, answer page by page (saved on the server at every step), finish, result.

Everything works without JavaScript. The HTML carries only opaque option tokens made for the attempt; right
answers and feedback appear on the result page only when the quiz's review options allow it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from courses.models import Attempt, QuizPage

from . import selectors as quiz_selectors
from . import services as quiz_rules


@login_required
@require_POST
def start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    try:
        attempt = quiz_rules.attempt_start(user=request.user, quiz=quiz)
    except quiz_rules.AttemptError as exc:
        messages.error(request, str(exc))
        return redirect(quiz.url)
    return redirect("courses:attempt", attempt.pk)


def _own_attempt(request, attempt_id: int) -> Attempt:
    # Another person's attempt is "not found": its existence is not confirmed either.
    attempt = quiz_selectors.learner_attempt(request.user, attempt_id)
    if attempt is None:
        raise Http404
    return attempt


@dataclass
class ShownQuestion:
    index: int
    number: int
    kind: str
    text: str
    text_format: str
    options: list[tuple[str, str]]      # (token, text) in the attempt's order
    rows: list[tuple[int, str]]         # matching: (row index, left-hand text)
    choices: list[tuple[str, str]]      # matching: (token, right-hand text)
    response: object
    marks: str
    input_type: str = "radio"


def _shown(attempt: Attempt, index: int, number: int) -> ShownQuestion:
    entry = attempt.questions[index]
    question = entry["question"]
    answers = question.get("answers") or []
    response = attempt.answers.get(str(index))
    options, rows, choices = [], [], []
    if question["type"] == "multichoice":
        by_index = {value: token for token, value in entry.get("tokens", {}).items()}
        options = [(by_index[i], answers[i].get("text", "")) for i in entry.get("order", []) if i in by_index]
        chosen = response if isinstance(response, list) else [response]
        response = {by_index[i] for i in chosen if i in by_index}
    elif question["type"] == "matching":
        pairs = question.get("pairs") or []
        rows = [(row, pairs[row].get("question", "")) for row in entry.get("rows", [])]
        choices = list(entry.get("choices", {}).items())
        by_text = {text: token for token, text in choices}
        response = {int(row): by_text.get(text) for row, text in (response or {}).items()}
    multiple = question["type"] == "multichoice" and not question.get("single", True)
    return ShownQuestion(index=index, number=number, kind=question["type"], text=question.get("text", ""),
                         text_format=question.get("text_format", "moodle"), options=options, rows=rows,
                         choices=choices, response=response, marks=entry["marks"],
                         input_type="checkbox" if multiple else "radio")


def _pages(attempt: Attempt) -> list[list[int]]:
    size = max(attempt.quiz.questions_per_page, 1)
    indexes = list(range(len(attempt.questions)))
    return [indexes[i:i + size] for i in range(0, len(indexes), size)] or [[]]


def _responses_from_post(attempt: Attempt, indexes: list[int], post) -> dict:
    responses = {}
    for index in indexes:
        entry = attempt.questions[index]
        kind = entry["question"]["type"]
        name = f"q-{index}"
        if kind == "multichoice" and not entry["question"].get("single", True):
            responses[str(index)] = post.getlist(name)
        elif kind == "matching":
            responses[str(index)] = {str(row): post.get(f"{name}-{row}", "") for row in entry.get("rows", [])}
        elif kind != "description":
            responses[str(index)] = post.get(name)
    return responses


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def attempt_page(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    # The page's script saves each answer as it is given (POST with autosave=1) and gets JSON back; the form
    # itself saves when the learner moves between pages, with or without the script.
    autosave = request.method == "POST" and request.POST.get("autosave") == "1"
    result_url = reverse("courses:attempt_result", args=[attempt.pk])
    if attempt.status != Attempt.Status.IN_PROGRESS:
        if autosave:
            return JsonResponse({"error": _("This attempt has been submitted."), "redirect": result_url}, status=409)
        return redirect(result_url)
    pages = _pages(attempt)
    try:
        number = min(max(int(request.POST.get("page") or request.GET.get("page") or 1), 1), len(pages))
    except ValueError:
        number = 1
    if request.method == "POST":
        try:
            sequence = int(request.POST.get("sequence", "-1"))
            attempt = quiz_rules.attempt_save(attempt=attempt, user=request.user, sequence=sequence,
                                              responses=_responses_from_post(attempt, pages[number - 1],
                                                                             request.POST))
        except (quiz_rules.AttemptError, ValueError) as exc:
            if attempt.deadline and timezone.now() > attempt.deadline + quiz_rules.GRACE:
                quiz_rules.attempt_submit(attempt=attempt, user=request.user)
                if autosave:
                    return JsonResponse({"error": str(exc), "redirect": result_url}, status=409)
                messages.error(request, str(exc))
                return redirect(result_url)
            if autosave:
                return JsonResponse({"error": str(exc)}, status=409)
            messages.error(request, str(exc))
            return redirect(f"{reverse('courses:attempt', args=[attempt.pk])}?page={number}")
        if autosave:
            return JsonResponse({"sequence": attempt.sequence})
        target = request.POST.get("go", "")
        if target == "finish":
            return redirect("courses:attempt_finish", attempt.pk)
        if target.isdigit():
            number = min(max(int(target), 1), len(pages))
        return redirect(f"{reverse('courses:attempt', args=[attempt.pk])}?page={number}")
    first_number = sum(len(p) for p in pages[: number - 1]) + 1
    questions = [_shown(attempt, index, first_number + offset) for offset, index in enumerate(pages[number - 1])]
    remaining = None
    if attempt.deadline:
        # For the countdown script: seconds from the server's clock, not the learner's.
        remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
    return render(request, "courses/attempt.html", {
        "attempt": attempt, "quiz": attempt.quiz, "questions": questions, "page_number": number,
        "page_count": len(pages), "page_range": range(1, len(pages) + 1), "remaining_seconds": remaining,
    })


@never_cache
@login_required
def attempt_finish(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("courses:attempt_result", attempt.pk)
    unanswered = [i + 1 for i, entry in enumerate(attempt.questions)
                  if entry["question"]["type"] != "description" and attempt.answers.get(str(i)) in (None, "", [], {})]
    return render(request, "courses/attempt_finish.html",
                  {"attempt": attempt, "quiz": attempt.quiz, "unanswered": unanswered})


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    quiz_rules.attempt_submit(attempt=attempt, user=request.user)
    return redirect("courses:attempt_result", attempt.pk)


@never_cache
@login_required
def attempt_result(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        raise Http404
    quiz = attempt.quiz
    closed = bool(quiz.closes_at and timezone.now() > quiz.closes_at)
    show = {
        "score": quiz.review_score_after_close if closed else quiz.review_score_after_submit,
        "answers": quiz.review_answers_after_close if closed else quiz.review_answers_after_submit,
        "feedback": quiz.review_feedback_after_close if closed else quiz.review_feedback_after_submit,
    }
    review = []
    if show["answers"] or show["feedback"]:
        review = [_review_item(attempt, index, show) for index in range(len(attempt.questions))]
    return render(request, "courses/attempt_result.html",
                  {"attempt": attempt, "quiz": quiz, "show": show, "review": review})


def _review_item(attempt: Attempt, index: int, show: dict) -> dict:
    from .grading import grade
    from .services import graded_question

    entry = attempt.questions[index]
    # Feedback and right answers of the key the attempt is graded against (a regrade may have replaced it).
    question = graded_question(entry)
    response = attempt.answers.get(str(index))
    result = None
    if question["type"] not in ("essay", "description"):
        graded = response
        if question["type"] == "matching" and isinstance(response, dict):
            graded = {int(k): v for k, v in response.items()}
        result = grade(question, graded, fold_yo=attempt.quiz.fold_yo)
    right = []
    if show["answers"]:
        if question["type"] in ("multichoice", "shortanswer"):
            right = [a.get("text", "") for a in question.get("answers", []) if (a.get("fraction") or 0) > 0]
        elif question["type"] == "truefalse":
            right = ["Верно" if question.get("correct") else "Неверно"]
        elif question["type"] == "numerical":
            right = [str(a.get("value")) for a in question.get("answers", [])
                     if a.get("value") is not None and (a.get("fraction") or 0) > 0]
        elif question["type"] == "matching":
            right = [f"{p.get('question')} — {p.get('answer')}" for p in question.get("pairs", [])
                     if (p.get("question") or "").strip()]
    return {
        "number": index + 1, "text": entry["question"].get("text", ""), "kind": question["type"],
        "fraction": attempt.grades.get(str(index)),
        "right": right,
        "feedback": (result.feedback if result and show["feedback"] else []),
        "general_feedback": question.get("general_feedback", "") if show["feedback"] else "",
    }
