"""Announce a change of a library's Э(В)БК participation (its flag or its parent system) once it is committed."""

from django.db import transaction

from .signals import library_participation_changed

PARTICIPATION_FIELDS = ("evbk_participant", "parent_id")


def remember_participation(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._participation_before = None
        return
    if update_fields is not None and not {"evbk_participant", "parent", "parent_id"} & set(update_fields):
        instance._participation_before = "unchanged"
        return
    instance._participation_before = (
        sender.objects.filter(pk=instance.pk).values_list(*PARTICIPATION_FIELDS).first()
    )


def announce_participation(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_participation_before", None)
    now = tuple(getattr(instance, field) for field in PARTICIPATION_FIELDS)
    if created or before in (None, "unchanged") or before == now:
        return  # a new library has no staff yet
    library_id = instance.pk
    transaction.on_commit(lambda: library_participation_changed.send(sender=sender, library_id=library_id))
