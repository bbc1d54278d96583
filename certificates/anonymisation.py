"""Anonymising a person who left (Federal Law 152-ФЗ): the rule, in one service.

What goes: the name in three parts, the e-mail (replaced by a unique address in the reserved `.invalid` domain,
which no mail server delivers to), the other e-mail addresses, the position, the password (the account can no
longer log in and is deactivated), unused invitations, the personal calendar address, the interest lists, the
person's lines in uploaded staff lists, the account's label in the admin's history, and the files the person uploaded (internship reports, scans of external training documents, the admin profile
picture; the files are deleted once the change is committed).

What stays: the registry of issued documents with its frozen facts (name, course, hours, dates), as the law on
education documents requires, so the public check page keeps working; the learning history without the name
(enrolments, attempts, bookings, attendance), counted in reports as an anonymous account; the library; the consent
record; the audit row of the anonymisation itself (who, when, which account number; none of the erased data).
"""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from courses.models import ExternalTraining
from lms.accounts.models import Invitation, normalize_email
from lms.accounts.services import user_admin_saved
from lms.internships.models import Booking, CalendarFeed, Interest

from .models import PersonalDataErasure
from .personal_data import staff_imports_concerning

ANONYMISE_PERMISSION = "accounts.change_user"
ERASED = "[обезличено]"
PLACEHOLDER_DOMAIN = "anonymised.invalid"  # RFC 2606: `.invalid` is never routed
# Keys of a staff list's row or plan item that are not about the person (kept so the list still reads).
_ROW_KEYS_KEPT = {"line", "library_id", "library", "user_id", "problems", "reason", "field"}


class AnonymisationError(Exception):
    """Refused; the message is shown to the administrator as it is (Russian)."""


def user_may_anonymise(user) -> bool:
    return bool(user and user.is_active and user.has_perm(ANONYMISE_PERMISSION))


def is_anonymised(person) -> bool:
    return PersonalDataErasure.objects.filter(person_id=person.pk).exists()


def confirmation_matches(person, typed: str) -> bool:
    """The administrator typed the person's surname or e-mail (case and surrounding spaces do not matter)."""
    typed = (typed or "").strip()
    if not typed:
        return False
    surname = person.last_name.strip()
    return bool(surname and typed.casefold() == surname.casefold()) or normalize_email(typed) == person.email


def refusal_reason(*, person, actor) -> str:
    """Why `actor` may not anonymise `person` ("" when allowed)."""
    if not user_may_anonymise(actor):
        return _("Only administrators may anonymise people.")
    if person.pk == actor.pk:
        return _("You cannot anonymise your own account.")
    if person.is_superuser:
        return _("A superuser's account cannot be anonymised; remove the superuser status first.")
    return ""


@transaction.atomic
def person_anonymise(*, person, actor, confirmation: str) -> PersonalDataErasure:
    """Erase the person's personal data (see the module's note) and record who did it. All or nothing.

    Called again for an anonymised person it changes nothing and returns the first audit row."""
    User = get_user_model()
    person = User.objects.select_for_update().get(pk=person.pk)
    done = PersonalDataErasure.objects.filter(person_id=person.pk).first()
    if done is not None:
        return done
    reason = refusal_reason(person=person, actor=actor)
    if reason:
        raise AnonymisationError(reason)
    if not confirmation_matches(person, confirmation):
        raise AnonymisationError(_("Type the person's surname or e-mail exactly to confirm. Nothing was changed."))

    old_email = person.email
    files = []
    reports = list(Booking.objects.select_for_update().filter(user_id=person.pk).exclude(report=""))
    for booking in reports:
        files.append((booking.report.storage, booking.report.name))
    Booking.objects.filter(pk__in=[b.pk for b in reports]).update(report="", report_uploaded_at=None)
    # Scans of documents from other organisations carry the name: gone; the confirmed hours stay (with no name).
    scans = list(ExternalTraining.objects.select_for_update().filter(user_id=person.pk).exclude(document=""))
    for item in scans:
        files.append((item.document.storage, item.document.name))
    ExternalTraining.objects.filter(pk__in=[item.pk for item in scans]).update(document="")
    profile = UserProfile.objects.filter(user_id=person.pk).first()
    if profile is not None and profile.avatar:
        files.append((profile.avatar.storage, profile.avatar.name))
        profile.avatar = ""
        profile.save(update_fields=["avatar"])

    summary = {
        "addresses": EmailAddress.objects.filter(user_id=person.pk).delete()[0],
        "invitations": Invitation.objects.filter(user_id=person.pk).delete()[0],
        "calendar_feeds": CalendarFeed.objects.filter(user_id=person.pk).delete()[0],
        "interests": Interest.objects.filter(user_id=person.pk).delete()[0],
        "staff_lists": _staff_lists_scrub(old_email),
        # Wagtail's history of the account (its edits in the user screens) names it by its label: the name.
        "log_labels": ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User),
                                                   object_id=str(person.pk)).update(label=f"#{person.pk}"),
        "files": len(files),
    }
    person.last_name = person.first_name = person.patronymic = person.position = ""
    person.email = f"anonymised-{person.pk}-{secrets.token_hex(6)}@{PLACEHOLDER_DOMAIN}"
    person.is_active = False
    person.set_unusable_password()  # also ends the person's sessions: their stored password hash no longer matches
    person.save(update_fields=["last_name", "first_name", "patronymic", "position", "email", "is_active",
                               "password"])
    erasure = PersonalDataErasure.objects.create(person=person, erased_by=actor, summary=summary)
    user_admin_saved(user=person)  # the layers above close what a deactivated person still owes
    transaction.on_commit(lambda: _delete_files(files))
    return erasure


def _delete_files(files) -> None:
    for storage, name in files:
        storage.delete(name)


def _staff_lists_scrub(email: str) -> int:
    changed = 0
    for staff_import in staff_imports_concerning(email).select_for_update():
        rows, rows_hit = _scrub(staff_import.rows, email)
        plan, plan_hit = _scrub(staff_import.plan, email)
        if rows_hit or plan_hit:
            staff_import.rows, staff_import.plan = rows, plan
            staff_import.save(update_fields=["rows", "plan"])
            changed += 1
    return changed


def _scrub(value, email: str, inside: bool = False):
    """The value with every string of an entry about `email` replaced; returns (value, whether anything was)."""
    if isinstance(value, dict):
        mine = inside or str(value.get("email", "")).lower() == email.lower()
        result, hit = {}, mine and not inside
        for key, item in value.items():
            if mine and key not in _ROW_KEYS_KEPT and isinstance(item, str):
                result[key] = ERASED if item else item
                continue
            result[key], found = _scrub(item, email, mine)
            hit = hit or found
        return result, hit
    if isinstance(value, list):
        pairs = [_scrub(item, email, inside) for item in value]
        return [item for item, _found in pairs], any(found for _item, found in pairs)
    return value, False
