from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternshipsConfig(AppConfig):
    name = "lms.internships"
    label = "internships"
    verbose_name = _("Internships")

    def ready(self) -> None:
        from lms.accounts.roles import Role, role_permissions_extend

        role_permissions_extend(Role.ADMINISTRATOR, [
            f"internships.{action}_{model}"
            for model in ("topic", "session", "booking", "requirement")
            for action in ("add", "change", "delete", "view")
        ])
