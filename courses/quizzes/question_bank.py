"""The question bank of a course: importing parsed questions (GIFT, Moodle XML), versioned edits, export.

Questions arrive as the dicts of `courses.quizzes.formats` (the conformance dry-run form); the type-specific
part (answers, pairs, the right value of a true/false question) is kept in `Question.data` as given.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import CoursePage, Question, QuestionCategory
from lms.accounts.models import User

COMMON_KEYS = ("type", "name", "text", "text_format", "general_feedback", "category", "idnumber", "tags")
DEFAULT_CATEGORY = "top"


class QuestionBankError(Exception):
    """The import or edit cannot be done; the message is Russian and safe to show."""


def _split_path(path: str | None) -> list[str]:
    return [part.strip() for part in (path or "").split("/") if part.strip()]


def category_for_path(*, course: CoursePage, path: list[str]) -> QuestionCategory:
    """The category at `path` («top/Раздел/Тема»), created as needed."""
    parent = None
    for name in path or [DEFAULT_CATEGORY]:
        parent, _created = QuestionCategory.objects.get_or_create(course=course, parent=parent, name=name[:255])
    return parent


def category_path(category: QuestionCategory) -> str:
    names = []
    node = category
    while node is not None:
        names.append(node.name)
        node = node.parent
    return "/".join(reversed(names))


def _question_fields(question: dict) -> dict:
    qtype = question.get("type")
    if qtype not in Question.Type.values:
        raise QuestionBankError(_("Unsupported question type: %(type)s.") % {"type": qtype})
    text = question.get("text") or ""
    name = (question.get("name") or "").strip() or " ".join(text.split())[:80] or _("Untitled question")
    return {
        "qtype": qtype,
        "name": name[:255],
        "text": text,
        "text_format": question.get("text_format") or Question.TextFormat.MOODLE,
        "general_feedback": question.get("general_feedback") or "",
        "idnumber": (question.get("idnumber") or "")[:100],
        "tags": list(question.get("tags") or []),
        "data": {key: value for key, value in question.items() if key not in COMMON_KEYS},
    }


def import_into_bank(course_slug: str | None, category_path_text: str | None, questions: list[dict],
                     *, user: User | None = None, course: CoursePage | None = None) -> int:
    """Import every question, or none: returns how many were created.

    A question's own category (`$CATEGORY`, Moodle XML categories) is placed under `category_path_text` when
    that is given. A question with an ID number that is already in the bank replaces it as a new version.
    """
    if course is None:
        # By address (the command line): Wagtail's slugs are unique among siblings only, so it must be unambiguous.
        matches = list(CoursePage.objects.filter(slug=course_slug)[:2])
        if not matches:
            raise QuestionBankError(_("No course with the address «%(slug)s».") % {"slug": course_slug})
        if len(matches) > 1:
            raise QuestionBankError(_("Several courses have the address «%(slug)s».") % {"slug": course_slug})
        course = matches[0]
    base = _split_path(category_path_text)
    created = 0
    with transaction.atomic():
        for question in questions:
            fields = _question_fields(question)
            own = _split_path(question.get("category"))
            category = category_for_path(course=course, path=base + own if base else own)
            existing = None
            if fields["idnumber"]:
                existing = Question.objects.filter(category__course=course, idnumber=fields["idnumber"],
                                                   is_current=True).first()
            if existing is not None:
                question_new_version(question=existing, user=user, category=category, **fields)
            else:
                Question.objects.create(category=category, created_by=user, **fields)
            created += 1
    return created


def question_new_version(*, question: Question, user: User | None, **fields) -> Question:
    """Replace a question by a new version; the old one stays as it was for the attempts that served it."""
    with transaction.atomic():
        current = Question.objects.select_for_update().get(pk=question.pk)
        if not current.is_current:
            raise QuestionBankError(_("This question has been changed meanwhile; open its latest version."))
        values = {
            "category": current.category, "qtype": current.qtype, "name": current.name, "text": current.text,
            "text_format": current.text_format, "general_feedback": current.general_feedback,
            "idnumber": current.idnumber, "tags": current.tags, "data": current.data,
        }
        values.update(fields)
        current.is_current = False
        current.save(update_fields=["is_current"])
        return Question.objects.create(version=current.version + 1, previous=current, created_by=user, **values)


def bank_export(course: CoursePage) -> list[dict]:
    """The course's current questions in the exchange form (for GIFT and Moodle XML export)."""
    result = []
    questions = (Question.objects.filter(category__course=course, is_current=True)
                 .select_related("category", "category__parent").order_by("category_id", "pk"))
    paths: dict[int, str] = {}
    for question in questions:
        if question.category_id not in paths:
            paths[question.category_id] = category_path(question.category)
        result.append({
            "type": question.qtype, "name": question.name, "text": question.text,
            "text_format": question.text_format, "general_feedback": question.general_feedback,
            "category": paths[question.category_id], "idnumber": question.idnumber, "tags": question.tags,
            **question.data,
        })
    return result
