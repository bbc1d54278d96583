"""A person's permissions read in one query of SQL built once per process, ahead of Django's model backend.

Each page that asks what a person may do (where to land after logging in, whether to show a library head's
tools) made Django's ModelBackend read the person's own permissions and their groups' permissions: two queries,
each compiled anew. This backend answers from one query and leaves the set where ModelBackend keeps it
(`_perm_cache`), so ModelBackend and allauth's backend behind it answer from it too. It checks no password: log-ins
stay ModelBackend's. Who has what stays Django's rule (the tests compare both ways).
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from lms.fixed_queries import FixedQuery

from .models import User


def _permissions_of(user_id):
    own = User.user_permissions.through.objects.filter(user_id=user_id).values("permission_id")
    of_groups = Group.permissions.through.objects.filter(group__user=user_id).values("permission_id")
    return (Permission.objects.filter(Q(pk__in=own) | Q(pk__in=of_groups))
            .values_list("content_type__app_label", "codename").order_by())


_PERMISSIONS_OF = FixedQuery(_permissions_of, 1)


class PermissionsBackend(ModelBackend):
    """ModelBackend in all but two things: a person's permissions in one query, and no log-in with a password
    (ModelBackend behind it does that; a second try would hash a wrong password twice). It still finds the person
    of a session that names it (Django's test client logs in with the first backend)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        # a superuser has every permission: ModelBackend reads them (Django asks a superuser's has_perm nothing)
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = {f"{app_label}.{codename}"
                                    for app_label, codename in _PERMISSIONS_OF.rows(user_obj.pk)}
        return user_obj._perm_cache
