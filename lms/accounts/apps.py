from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        post_migrate.connect(_ensure_roles, dispatch_uid="accounts.ensure_roles")
        email_confirmed.connect(_on_email_confirmed, dispatch_uid="accounts.email_confirmed")


def _on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    from .services import user_email_confirmed

    user_email_confirmed(user=email_address.user)


def _ensure_roles(sender, **kwargs) -> None:
    # Permissions are created app by app as post_migrate goes through INSTALLED_APPS; once the last app has
    # had its turn, all of them exist and the role groups are brought in step.
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .roles import roles_ensure

    roles_ensure(using=kwargs.get("using", "default"))
