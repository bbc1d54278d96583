"""Training outside the platform: the rules (a person or their library head records it, an administrator confirms or
rejects it) and the reads of its pages. Confirmed entries count in the hours through ``courses/hours.py``."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.models import User
from lms.accounts.selectors import staff_visible_to

from .models import ExternalTraining

Status = ExternalTraining.Status
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_HOURS = 1000
REVIEW_PERMISSION = "courses.review_externaltraining"
# What a scanned document may be, told by its first bytes (the name's extension must agree with them).
DOCUMENT_KINDS = {
    "pdf": (b"%PDF-", ("pdf",)),
    "png": (b"\x89PNG\r\n\x1a\n", ("png",)),
    "jpeg": (b"\xff\xd8\xff", ("jpg", "jpeg")),
}
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


class ExternalTrainingError(Exception):
    """A rule of external training was broken; the message is Russian and safe to show."""


def can_review(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(REVIEW_PERMISSION)


def may_record_for(actor: User, person: User) -> bool:
    """The person themself, their library head (own library and its branches) or an administrator."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.pk == person.pk:
        return True
    return staff_visible_to(actor).filter(pk=person.pk).exists()


def document_check(upload) -> str:
    """The kind of a scanned document (``pdf``, ``png``, ``jpeg``), told by its content; raises with a Russian
    message for a file too large, of another kind, or whose name says something else than its content."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_DOCUMENT_BYTES:
        raise ExternalTrainingError(_("The document is larger than %(mb)s MB.") % {"mb": MAX_DOCUMENT_BYTES // 2**20})
    if size == 0:
        raise ExternalTrainingError(_("The document is empty."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    for kind, (magic, extensions) in DOCUMENT_KINDS.items():
        if head.startswith(magic):
            if extension not in extensions:
                break
            return kind
    raise ExternalTrainingError(_("The document must be a PDF, JPEG or PNG file."))


def _validate(*, title: str, organisation: str, academic_hours, starts_on: date | None, ends_on: date | None) -> None:
    if not title.strip():
        raise ExternalTrainingError(_("Name the training."))
    if not organisation.strip():
        raise ExternalTrainingError(_("Name the organisation that held the training."))
    if academic_hours is None or academic_hours <= 0:
        raise ExternalTrainingError(_("The number of academic hours must be greater than zero."))
    if academic_hours > MAX_HOURS:
        raise ExternalTrainingError(_("No more than %(max)s academic hours.") % {"max": MAX_HOURS})
    if starts_on is None or ends_on is None:
        raise ExternalTrainingError(_("Give the dates of the training."))
    if ends_on < starts_on:
        raise ExternalTrainingError(_("The training cannot end before it begins."))
    if ends_on > timezone.localdate():
        raise ExternalTrainingError(_("Record the training once it has ended."))


@transaction.atomic
def external_training_record(*, person: User, actor: User, title: str, organisation: str, academic_hours: int,
                             starts_on: date, ends_on: date, document=None) -> ExternalTraining:
    """Record training a person took elsewhere; it waits for an administrator's confirmation. Nothing is stored if
    any rule is broken."""
    if not may_record_for(actor, person):
        raise ExternalTrainingError(_("You cannot record training for this person."))
    _validate(title=title, organisation=organisation, academic_hours=academic_hours, starts_on=starts_on,
              ends_on=ends_on)
    entry = ExternalTraining(user=person, created_by=actor, title=title.strip(), organisation=organisation.strip(),
                             academic_hours=academic_hours, starts_on=starts_on, ends_on=ends_on)
    if document:
        document_check(document)
        entry.document.save(document.name, document, save=False)
    entry.save()
    return entry


def _locked_pending(entry: ExternalTraining, actor: User) -> ExternalTraining:
    if not can_review(actor):
        raise ExternalTrainingError(_("Only administrators confirm or reject external training."))
    locked = ExternalTraining.objects.select_for_update().get(pk=entry.pk)
    if locked.status != Status.PENDING:
        raise ExternalTrainingError(_("This entry has already been decided."))
    return locked


@transaction.atomic
def external_training_confirm(*, entry: ExternalTraining, actor: User) -> ExternalTraining:
    """An administrator confirms the entry: from now on its hours count."""
    locked = _locked_pending(entry, actor)
    locked.status, locked.decided_by, locked.decided_at = Status.CONFIRMED, actor, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def external_training_reject(*, entry: ExternalTraining, actor: User, reason: str) -> ExternalTraining:
    """An administrator rejects the entry and says why; the person sees the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ExternalTrainingError(_("Give the reason for rejection."))
    locked = _locked_pending(entry, actor)
    locked.status, locked.rejection_reason = Status.REJECTED, reason[:1000]
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    return locked


# --- reads --------------------------------------------------------------------------------------------------------

def may_see_document(viewer: User, entry: ExternalTraining) -> bool:
    """The person, their library head and administrators."""
    if not viewer.is_authenticated:
        return False
    return viewer.pk == entry.user_id or staff_visible_to(viewer).filter(pk=entry.user_id).exists()


def external_trainings_of(person: User) -> QuerySet[ExternalTraining]:
    return ExternalTraining.objects.filter(user=person).order_by("-ends_on", "-created_at")


def external_trainings_of_staff(head: User) -> QuerySet[ExternalTraining]:
    """The entries of the people a head (or an administrator) sees, newest first."""
    return (ExternalTraining.objects.filter(user__in=staff_visible_to(head).values("pk"))
            .select_related("user", "user__library").order_by("-created_at"))


def external_trainings_pending() -> QuerySet[ExternalTraining]:
    """What waits for an administrator, oldest first."""
    return (ExternalTraining.objects.filter(status=Status.PENDING)
            .select_related("user", "user__library", "created_by").order_by("created_at"))


def external_trainings_decided(limit: int = 30) -> list[ExternalTraining]:
    return list(ExternalTraining.objects.exclude(status=Status.PENDING)
                .select_related("user", "user__library", "decided_by").order_by("-decided_at")[:limit])
