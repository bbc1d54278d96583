from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        post_migrate.connect(_ensure_roles, dispatch_uid="accounts.ensure_roles")


def _ensure_roles(sender, **kwargs) -> None:
    # Permissions exist only after migrate has run, so the role groups are kept in step here.
    if sender.label != "accounts":
        return
    from .roles import roles_ensure

    roles_ensure(using=kwargs.get("using", "default"))
