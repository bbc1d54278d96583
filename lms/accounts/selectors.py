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
