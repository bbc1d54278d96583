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
    # Permissions are created app by app as post_migrate goes through INSTALLED_APPS; once the last app has
    # had its turn, all of them exist and the role groups are brought in step.
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .roles import roles_ensure

    roles_ensure(using=kwargs.get("using", "default"))
