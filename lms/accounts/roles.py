"""Roles are groups with permissions. The group names are what administrators see in the admin."""

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    TRAINER = "trainer", _("Trainer")
    ADMINISTRATOR = "administrator", _("Administrator")
    LIBRARY_HEAD = "library_head", _("Library head")


ROLE_GROUP_NAMES = {
    Role.LEARNER: "Слушатели",
    Role.TRAINER: "Преподаватели",
    Role.ADMINISTRATOR: "Администраторы ОНБ",
    Role.LIBRARY_HEAD: "Руководители библиотек",
}

_ADMIN_ACCESS = "wagtailadmin.access_admin"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.LEARNER: [],
    Role.TRAINER: [_ADMIN_ACCESS, "wagtailimages.add_image", "wagtaildocs.add_document"],
    Role.ADMINISTRATOR: [
        _ADMIN_ACCESS,
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.invite_staff",
        "accounts.view_library_staff",
        "libraries.add_library",
        "libraries.change_library",
        "libraries.delete_library",
        "libraries.view_library",
        "libraries.add_municipality",
        "libraries.change_municipality",
        "libraries.view_municipality",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
    ],
    Role.LIBRARY_HEAD: [_ADMIN_ACCESS, "accounts.view_library_staff"],
}


def role_permissions_extend(role: str, permissions: list[str]) -> None:
    """Higher layers add the permissions of their own models to a role (called from their AppConfig.ready);
    roles_ensure gives them to the group after migrate."""
    wanted = ROLE_PERMISSIONS[Role(role)]
    wanted.extend(p for p in permissions if p not in wanted)


def _permission(codename_with_app: str, using: str) -> Permission | None:
    app_label, codename = codename_with_app.split(".", 1)
    return (
        Permission.objects.using(using)
        .filter(content_type__app_label=app_label, codename=codename)
        .first()
    )


@transaction.atomic
def roles_ensure(using: str = "default") -> None:
    """Create the role groups and give them their permissions. Idempotent; keeps permissions added by hand."""
    for role, group_name in ROLE_GROUP_NAMES.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        wanted = [p for p in (_permission(name, using) for name in ROLE_PERMISSIONS[role]) if p is not None]
        group.permissions.add(*wanted)


def role_group(role: str) -> Group:
    return Group.objects.get(name=ROLE_GROUP_NAMES[Role(role)])


def user_roles(user) -> set[str]:
    names = set(user.groups.values_list("name", flat=True))
    return {role for role, group_name in ROLE_GROUP_NAMES.items() if group_name in names}
