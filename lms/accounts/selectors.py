from django.db.models import QuerySet

from lms.libraries.selectors import library_subtree_ids

from .models import User


def staff_visible_to(viewer: User) -> QuerySet[User]:
    """The people a viewer may list: everyone for administrators, own library (and its branches) for a head."""
    people = User.objects.filter(is_active=True).select_related("library", "library__municipality")
    if viewer.is_superuser or viewer.has_perm("accounts.view_user"):
        return people
    if viewer.has_perm("accounts.view_library_staff") and viewer.library_id:
        return people.filter(library_id__in=library_subtree_ids(viewer.library))
    return people.none()


def users_wanting_notice(kind: str, user_ids) -> set[int]:
    """Of these people, the ids of those who have not switched the notice `kind` off (no settings: all on)."""
    from .models import NotificationPreference

    NotificationPreference.Kind(kind)  # an unknown kind is a programming error
    user_ids = set(user_ids)
    off = set(NotificationPreference.objects.filter(user_id__in=user_ids, **{kind: False})
              .values_list("user_id", flat=True))
    return user_ids - off


def notice_wanted(user_id: int, kind: str) -> bool:
    return user_id in users_wanting_notice(kind, [user_id])


def notice_kinds_for(user: User) -> list[str]:
    """The kinds of notice that concern a person's roles: the ones their profile lets them switch off."""
    from .models import NotificationPreference
    from .roles import Role, user_roles

    Kind = NotificationPreference.Kind
    if user.is_superuser:
        return list(Kind.values)
    roles = user_roles(user)
    kinds = {Kind.EXPIRING}  # anyone may hold training that expires (recertification)
    if Role.TRAINER in roles or Role.ADMINISTRATOR in roles:
        kinds |= {Kind.COURSE_REQUESTS, Kind.ESSAYS_TO_GRADE}
    if Role.ADMINISTRATOR in roles or Role.LIBRARY_HEAD in roles:
        kinds.add(Kind.BOOKING_REQUESTS)
    if Role.LIBRARY_HEAD in roles:
        kinds.add(Kind.WEEKLY_DIGEST)
    return [kind for kind in Kind.values if kind in kinds]


def notification_settings(user: User) -> dict[str, bool]:
    from .models import NotificationPreference

    row = NotificationPreference.objects.filter(user=user).first()
    return {kind: getattr(row, kind) if row else True for kind in NotificationPreference.Kind.values}


def users_with_permission(permission: str) -> QuerySet[User]:
    """Active people who hold `app_label.codename` through a group, directly, or as superusers."""
    from django.db.models import Q

    app_label, codename = permission.split(".", 1)
    through_group = Q(groups__permissions__codename=codename,
                      groups__permissions__content_type__app_label=app_label)
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    ids = User.objects.filter(through_group | direct | Q(is_superuser=True)).values("pk")
    return User.objects.filter(is_active=True, pk__in=ids)
