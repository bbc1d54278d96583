from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    # Templates, issuance, PDF and verification arrive with the certificates issue.
    name = "certificates"
    verbose_name = _("Certificates")
