"""Rules for people: registration, invitations, staff imports, roles, personal data."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.libraries.models import Library

from .models import Invitation, NotificationPreference, StaffImport, User, hash_token, normalize_email
from .roles import Role, role_group
from .signals import staff_deactivated, staff_profile_saved
from .staff_import import StaffFileError, parse_staff_rows, read_table
from .staff_sync import plan_build, plan_signature


class AccountError(Exception):
    """A rule was broken; the message is in the user's language and safe to show."""


def _announce_profile_saved(user: User) -> None:
    user_id = user.pk
    transaction.on_commit(lambda: staff_profile_saved.send(sender=User, user_id=user_id))


# --- Roles and profile ----------------------------------------------------------------------------------------

def role_assign(*, user: User, role: str) -> None:
    user.groups.add(role_group(role))
    if role in (Role.TRAINER, Role.ADMINISTRATOR, Role.LIBRARY_HEAD) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def user_register(
    *,
    user: User,
    last_name: str,
    first_name: str,
    patronymic: str,
    library: Library,
    position: str,
) -> User:
    """Complete a self-registered user (called by the allauth adapter, inside its sign-up transaction)."""
    user.email = normalize_email(user.email)
    user.last_name, user.first_name, user.patronymic = last_name, first_name, patronymic
    user.library, user.position = library, position
    user.personal_data_consent_at = timezone.now()
    user.personal_data_consent_version = settings.PERSONAL_DATA_CONSENT_VERSION
    user.save()
    role_assign(user=user, role=Role.LEARNER)
    # Higher layers hear of a self-registered person once the address is confirmed (user_email_confirmed):
    # no course letters go to an address nobody has proved to own.
    return user


def user_email_confirmed(*, user: User) -> None:
    """A person confirmed their e-mail address: their account is now in use."""
    _announce_profile_saved(user)


@transaction.atomic
def user_update_profile(*, user: User, last_name: str, first_name: str, patronymic: str, library: Library,
                        position: str) -> User:
    user.last_name, user.first_name, user.patronymic = last_name, first_name, patronymic
    user.library, user.position = library, position
    user.save(update_fields=["last_name", "first_name", "patronymic", "library", "position"])
    _announce_profile_saved(user)
    return user


@transaction.atomic
def notification_preferences_update(*, user: User, choices: dict[str, bool]) -> NotificationPreference:
    """Switch kinds of notice on or off for a person; kinds not named keep their setting."""
    unknown = set(choices) - set(NotificationPreference.Kind.values)
    if unknown:
        raise AccountError(_("Unknown kind of notice: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    for kind, wanted in choices.items():
        setattr(preference, kind, bool(wanted))
    preference.updated_at = timezone.now()
    preference.save()
    return preference


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    library: Library | None = None,
    position: str = "",
    role: str = Role.LEARNER,
) -> User:
    """Create a ready account with a verified address (administrators' own accounts, demo data)."""
    from allauth.account.models import EmailAddress

    email = normalize_email(email)
    if User.objects.filter(email=email).exists():
        raise AccountError(_("A person with this e-mail is already registered."))
    user = User.objects.create_user(
        email=email, password=password, last_name=last_name, first_name=first_name, patronymic=patronymic,
        library=library, position=position,
    )
    role_assign(user=user, role=role)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    _announce_profile_saved(user)
    return user


# --- Invitations ----------------------------------------------------------------------------------------------

def _invite_new_user(
    *, email: str, last_name: str, first_name: str, patronymic: str, library: Library | None, position: str,
    invited_by: User | None, role: str,
) -> Invitation:
    user = User.objects.create_user(
        email=email, last_name=last_name, first_name=first_name, patronymic=patronymic, library=library,
        position=position,
    )
    role_assign(user=user, role=role)
    _announce_profile_saved(user)
    invitation = Invitation.objects.create(user=user, invited_by=invited_by)
    _dispatch_invitation_email(invitation)
    return invitation


def _dispatch_invitation_email(invitation: Invitation) -> None:
    from .tasks import send_invitation_task

    send_invitation_task.delay_on_commit(invitation.pk)


def invitation_create(
    *,
    email: str,
    last_name: str,
    first_name: str,
    patronymic: str = "",
    library: Library | None,
    position: str = "",
    invited_by: User | None,
    role: str = Role.LEARNER,
) -> Invitation:
    """Create a person's account without a password and send them a link to set one.

    Refuses an address that is already registered, also when two administrators invite it at the same time
    (the database's unique constraint decides).
    """
    email = normalize_email(email)
    try:
        with transaction.atomic():
            if User.objects.filter(email=email).exists():
                raise AccountError(_("A person with this e-mail is already registered."))
            return _invite_new_user(
                email=email, last_name=last_name, first_name=first_name, patronymic=patronymic, library=library,
                position=position, invited_by=invited_by, role=role,
            )
    except IntegrityError as exc:
        raise AccountError(_("A person with this e-mail is already registered.")) from exc


@transaction.atomic
def invitation_resend(*, user: User, invited_by: User | None) -> Invitation:
    if user.has_usable_password():
        raise AccountError(_("This person has already set a password."))
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now(),
                                                                          token_hash=None)
    invitation = Invitation.objects.create(user=user, invited_by=invited_by)
    _dispatch_invitation_email(invitation)
    return invitation


def invitation_send(*, invitation_id: int) -> bool:
    """Send the invitation e-mail once: a fresh token is made and only its hash kept. Returns whether it was sent.

    Idempotent: an invitation already sent, accepted or withdrawn is left alone. If the mail server fails, the
    transaction rolls back and the task may retry.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("user").filter(pk=invitation_id).first()
        )
        if invitation is None or invitation.sent_at or invitation.accepted_at:
            return False
        token = secrets.token_urlsafe(32)
        invitation.token_hash = hash_token(token)
        invitation.sent_at = timezone.now()
        invitation.expires_at = invitation.sent_at + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        context = {
            "user": invitation.user,
            "url": settings.SITE_URL + reverse("accounts:invitation_accept", args=[token]),
            "valid_days": settings.INVITATION_VALID_DAYS,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        send_mail(
            subject=settings.EMAIL_SUBJECT_PREFIX + _("Invitation to the library staff learning platform"),
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.user.email],
        )
        return True


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    invitation = Invitation.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    return invitation if invitation and invitation.is_usable else None


def invitation_accept(*, token: str, password: str) -> User:
    """Set the password, record consent and the verified address; the link works once."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("user")
            .filter(token_hash=hash_token(token)).first()
        )
        if invitation is None or not invitation.is_usable:
            raise AccountError(_("This invitation link is invalid or has expired. Ask the administrator for a new one."))
        user = invitation.user
        validate_password(password, user)
        user.set_password(password)
        user.personal_data_consent_at = timezone.now()
        user.personal_data_consent_version = settings.PERSONAL_DATA_CONSENT_VERSION
        user.save(update_fields=["password", "personal_data_consent_at", "personal_data_consent_version"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        invitation.accepted_at = timezone.now()
        invitation.token_hash = None
        invitation.save(update_fields=["accepted_at", "token_hash"])
        return user


# --- Staff import ------------------------------------------------------------------------------------------------

def staff_import_preview(*, data: bytes, filename: str, created_by: User, deactivate_missing: bool = False
                         ) -> StaffImport:
    """Read the file and keep its rows, their problems and the plan of what it would change (creations, updates
    field by field, deactivations and who is skipped) for review. Writes no person.

    Raises AccountError when the file as a whole cannot be read.
    """
    try:
        table = read_table(data=data, filename=filename)
        rows = [row.as_dict() for row in parse_staff_rows(table=table)]
    except StaffFileError as exc:
        raise AccountError(str(exc)) from exc
    plan = {} if any(row["problems"] for row in rows) else plan_build(
        rows=rows, deactivate_missing=deactivate_missing, importer_id=created_by.pk)
    return StaffImport.objects.create(created_by=created_by, file_name=filename[:255], rows=rows, plan=plan,
                                      deactivate_missing=deactivate_missing)


def _row_failed(row: dict, message: str) -> AccountError:
    return AccountError(_("Line %(line)d (%(email)s): %(problem)s Nothing was imported.")
                        % {"line": row["line"], "email": row["email"], "problem": message})


def _staff_row_apply(row: dict, user: User | None, library: Library | None, confirmed_by: User) -> None:
    if library is None or not library.is_active:
        raise _row_failed(row, _("the library is no longer in the directory; upload the list again."))
    try:
        with transaction.atomic():
            if user is None:
                _invite_new_user(email=row["email"], last_name=row["last_name"], first_name=row["first_name"],
                                 patronymic=row["patronymic"], library=library, position=row["position"],
                                 invited_by=confirmed_by, role=Role.LEARNER)
                return
            user.last_name, user.first_name, user.patronymic = row["last_name"], row["first_name"], row["patronymic"]
            user.position, user.library, user.is_active = row["position"], library, True
            user.save(update_fields=["last_name", "first_name", "patronymic", "position", "library", "is_active"])
            _announce_profile_saved(user)
    except (IntegrityError, ValidationError) as exc:
        raise _row_failed(row, _("the person could not be saved.")) from exc


def _staff_deactivate(user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    # A link not yet used would let the person in again: it stops working.
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now(), token_hash=None)
    _announce_deactivated(user)


def _announce_deactivated(user: User) -> None:
    user_id = user.pk
    transaction.on_commit(lambda: staff_deactivated.send(sender=User, user_id=user_id))


def staff_import_confirm(*, staff_import_id: int, confirmed_by: User) -> int:
    """Apply the previewed plan whole, or nothing: create the new people, update the known ones, deactivate the
    missing ones if asked. The plan is computed again first and must be the one shown (people or the directory may
    have changed meanwhile); a row that fails names itself and rolls everything back. Returns how many people
    changed."""
    try:
        with transaction.atomic():
            staff_import = StaffImport.objects.select_for_update().get(pk=staff_import_id)
            if staff_import.status != StaffImport.Status.PREVIEW:
                raise AccountError(_("This list has already been imported."))
            if staff_import.problem_count:
                raise AccountError(_("Fix the problems in the file and upload it again: nothing was imported."))
            if not staff_import.has_changes:
                raise AccountError(_("No changes: the platform already matches this list."))
            rows = staff_import.rows
            plan = plan_build(rows=rows, deactivate_missing=staff_import.deactivate_missing,
                              importer_id=staff_import.created_by_id)
            if plan_signature(plan) != plan_signature(staff_import.plan):
                raise AccountError(_("The staff changed since the list was checked (someone registered or was "
                                     "edited meanwhile). Nothing was imported: upload the list again."))
            libraries = Library.objects.in_bulk({row["library_id"] for row in rows})
            updated = {item["line"] for item in plan["updates"]}
            created = {item["line"] for item in plan["creations"]}
            people = User.objects.select_for_update().in_bulk([item["user_id"] for item in plan["updates"]])
            user_of_line = {item["line"]: people[item["user_id"]] for item in plan["updates"]}
            for row in rows:  # in the file's order, so that the first failing row is the one named
                if row["line"] in created or row["line"] in updated:
                    _staff_row_apply(row, user_of_line.get(row["line"]), libraries.get(row["library_id"]),
                                     confirmed_by)
            for user in User.objects.select_for_update().filter(pk__in=[p["user_id"] for p in plan["deactivations"]]):
                _staff_deactivate(user)
            staff_import.status = StaffImport.Status.DONE
            staff_import.confirmed_at = timezone.now()
            staff_import.created_count, staff_import.updated_count = len(created), len(updated)
            staff_import.deactivated_count = len(plan["deactivations"])
            staff_import.save(update_fields=["status", "confirmed_at", "created_count", "updated_count",
                                             "deactivated_count"])
            return len(created) + len(updated) + len(plan["deactivations"])
    except IntegrityError as exc:
        raise AccountError(_("Some people of the list have registered meanwhile. Upload the list again.")) from exc


def user_admin_saved(*, user: User) -> None:
    """An administrator created or edited a person in the admin's user screens: the higher layers apply their rules
    to the person again (position, library), or close what a deactivated person still owes."""
    _announce_profile_saved(user)
    if not user.is_active:
        _announce_deactivated(user)

