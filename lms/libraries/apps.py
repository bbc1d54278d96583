from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibrariesConfig(AppConfig):
    name = "lms.libraries"
    label = "libraries"
    verbose_name = _("Library directory")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from . import receivers
        from .models import Library

        # Model signals, not a service: a library changes in the admin's generic edit view, in the directory seed
        # and in the shell, and every one of those paths must be heard.
        pre_save.connect(receivers.remember_participation, sender=Library, dispatch_uid="libraries.remember")
        post_save.connect(receivers.announce_participation, sender=Library, dispatch_uid="libraries.announce")
