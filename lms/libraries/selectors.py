from django.db.models import Q, QuerySet

from .models import Library


def library_choices() -> QuerySet[Library]:
    """Active libraries for choosing in forms, with their municipality for the label."""
    return Library.objects.filter(is_active=True).select_related("municipality").order_by("short_name")


def library_subtree_ids(library: Library) -> list[int]:
    """The library and its branches (one level: the directory has systems and their branches)."""
    return [library.pk, *Library.objects.filter(parent=library).values_list("pk", flat=True)]


def evbk_participation(prefix: str = "") -> Q:
    """The one rule of Э(В)БК participation, as a filter: a library flagged as a participant, or a branch of a flagged
    library system (its staff are the system's staff). `prefix` reaches a library through a relation, e.g.
    ``"library__"`` on users. Internship requirements and mandatory course rules both ask this."""
    return Q(**{f"{prefix}evbk_participant": True}) | Q(**{f"{prefix}parent__evbk_participant": True})


def evbk_participant_libraries() -> QuerySet[Library]:
    return Library.objects.filter(evbk_participation())
