from django.db.models import QuerySet

from .models import Library


def library_choices() -> QuerySet[Library]:
    """Active libraries for choosing in forms, with their municipality for the label."""
    return Library.objects.filter(is_active=True).select_related("municipality").order_by("short_name")


def library_subtree_ids(library: Library) -> list[int]:
    """The library and its branches (one level: the directory has systems and their branches)."""
    return [library.pk, *Library.objects.filter(parent=library).values_list("pk", flat=True)]
