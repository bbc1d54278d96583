"""What a staff list would change on the platform: whom it creates, whose data it updates (field by field, old →
new), and — when the administrator asks for it — whom of the listed libraries it deactivates, and whom it will not
deactivate and why. Reads the database, writes nothing. The plan is shown on the preview and computed again on
confirmation: if the people changed meanwhile, nothing is applied."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lms.libraries.models import Library

from .models import User
from .roles import ROLE_GROUP_NAMES, Role

NAME_FIELDS = ("last_name", "first_name", "patronymic")
# Roles whose accounts a staff list never deactivates: they are managed by hand.
STAFF_ROLES = (Role.ADMINISTRATOR, Role.TRAINER, Role.LIBRARY_HEAD)


def _labels() -> dict[str, str]:
    return {"last_name": _("Surname"), "first_name": _("First name"), "patronymic": _("Patronymic"),
            "position": _("Position"), "library": _("Library"), "is_active": _("Account active")}


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _change(field: str, old, new, old_text: str, new_text: str) -> dict:
    return {"field": field, "label": _labels()[field], "old": old, "new": new, "old_text": old_text,
            "new_text": new_text}


def _row_changes(user: User, row: dict, libraries: dict[int, Library]) -> list[dict]:
    changes = [_change(field, getattr(user, field), row[field], getattr(user, field), row[field])
               for field in (*NAME_FIELDS, "position") if getattr(user, field) != row[field]]
    if user.library_id != row["library_id"]:
        changes.append(_change("library", user.library_id, row["library_id"],
                               user.library.short_name if user.library_id else "—",
                               libraries[row["library_id"]].short_name))
    if not user.is_active:  # the list says they work there: the account is switched on again
        changes.append(_change("is_active", False, True, _yes_no(False), _yes_no(True)))
    return changes


def _skip_reason(user: User, importer_id: int) -> str:
    if user.pk == importer_id:
        return _("This is your own account: the administrator importing a list is never deactivated by it.")
    groups = {group.name for group in user.groups.all()}
    roles = [ROLE_GROUP_NAMES[role] for role in STAFF_ROLES if ROLE_GROUP_NAMES[role] in groups]
    if user.is_superuser or user.is_staff or roles:
        return _("Has a staff role (%(roles)s): such accounts are deactivated only by hand.") % {
            "roles": ", ".join(f"«{name}»" for name in roles) or _("access to the administration")}
    return ""


def _person(user: User) -> dict:
    return {"user_id": user.pk, "name": user.full_name or user.email, "email": user.email,
            "library": user.library.short_name if user.library_id else ""}


def plan_build(*, rows: list[dict], deactivate_missing: bool, importer_id: int) -> dict:
    """The plan of a list whose rows have no problems. A fixed number of queries whatever the list's length."""
    emails = [row["email"] for row in rows]
    existing = {user.email: user for user in User.objects.filter(email__in=emails).select_related("library")}
    libraries = Library.objects.in_bulk({row["library_id"] for row in rows})
    creations, updates, unchanged = [], [], 0
    for row in rows:
        user = existing.get(row["email"])
        if user is None:
            name = " ".join(row[field] for field in NAME_FIELDS if row[field])
            creations.append({"line": row["line"], "email": row["email"], "name": name,
                              "library": libraries[row["library_id"]].short_name, "position": row["position"]})
            continue
        changes = _row_changes(user, row, libraries)
        if changes:
            updates.append({"line": row["line"], **_person(user), "changes": changes})
        else:
            unchanged += 1
    deactivations, skipped = [], []
    if deactivate_missing:
        missing = (User.objects.filter(is_active=True, library_id__in=libraries.keys())
                   .exclude(email__in=emails).select_related("library")
                   .prefetch_related("groups").order_by("library__short_name", "last_name", "first_name", "pk"))
        for user in missing:
            reason = _skip_reason(user, importer_id)
            if reason:
                skipped.append({**_person(user), "reason": reason})
            else:
                deactivations.append(_person(user))
    return {"creations": creations, "updates": updates, "deactivations": deactivations, "skipped": skipped,
            "unchanged": unchanged}


def plan_signature(plan: dict) -> tuple:
    """What a plan does, without its wording: two plans with the same signature write the same."""
    return (
        tuple(item["email"] for item in plan.get("creations", [])),
        tuple((item["user_id"], tuple((c["field"], c["old"], c["new"]) for c in item["changes"]))
              for item in plan.get("updates", [])),
        tuple(item["user_id"] for item in plan.get("deactivations", [])),
    )


def plan_has_changes(plan: dict) -> bool:
    return any(plan.get(key) for key in ("creations", "updates", "deactivations"))
