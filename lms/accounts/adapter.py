from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from . import services


@dataclass(frozen=True)
class PlatformSite:
    """What allauth's letters call «the site»: the platform's name and public address, not the request's host."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = PlatformSite(name=settings.WAGTAIL_SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def get_login_redirect_url(self, request) -> str:
        """Where a person lands after logging in when no ?next= was given (allauth honours ?next= first)."""
        return landing_url(request.user)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        return services.user_register(
            user=user,
            last_name=data["last_name"],
            first_name=data["first_name"],
            patronymic=data.get("patronymic", ""),
            library=data["library"],
            position=data["position"],
        )


def landing_url(user) -> str:
    """Each role lands on its work: staff (trainers, library heads, administrators: whoever may enter the admin)
    on the admin dashboard with their role's panels, everyone else on «Моё обучение»."""
    if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return reverse("wagtailadmin_home")
    return reverse("courses:dashboard")
