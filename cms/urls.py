"""The site's URL map (ROOT_URLCONF)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certificates import rating_views

from . import views
from .page_cache import anonymous_view


class AdminLoginRedirect(RedirectView):
    """The Wagtail admin and Wagtail's front-end login send people to allauth's form: one rate-limited door.

    Someone already logged in is sent here by the admin only when their account may not use it: allauth would send
    them straight back (a redirect loop), so they are told instead."""

    pattern_name = "account_login"
    query_string = True

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _drop_wagtails_refusal(request)  # the page says it in full
            return render(request, "403.html", {"admin_refused": True}, status=403)
        return super().get(request, *args, **kwargs)


def _drop_wagtails_refusal(request) -> None:
    from django.contrib import messages
    from django.utils.translation import gettext

    refusal = gettext("You do not have permission to access the admin.")
    # Django's message storage has no public way to take one message back: its loaded list is edited in place.
    loaded = messages.get_messages(request)._loaded_messages
    loaded[:] = [message for message in loaded if str(message.message).strip() != refusal]  # Wagtail pads it


def no_shared_passwords(request, *args, **kwargs):
    """Wagtail's forms for a page's or a collection's shared password: there are none (see settings)."""
    raise Http404


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # No CSRF token: the footer's language form is on every public page, and a token would make those pages
    # impossible to share from the page cache. Forging it could only switch someone's interface language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/login/", AdminLoginRedirect.as_view(), name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/authenticate_with_password/<int:restriction_id>/", no_shared_passwords),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("lms.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # The library rating for the regional library's site: stored for anonymous visitors like public pages.
    path("rating/", anonymous_view(rating_views.public_rating, params=frozenset({"municipality", "evbk", "page"})),
         name="library_rating"),
    path("rating/<int:library_id>/", anonymous_view(rating_views.public_rating_library), name="library_rating_detail"),
    path("", include("courses.urls")),
    path("", include("certificates.urls")),
    path("", include("lms.internships.urls")),
]

if settings.BENCH_ENDPOINTS:
    urlpatterns.append(path("bench/floor/", views.bench_floor, name="bench_floor"))

if settings.DEBUG:
    # Development serves image renditions only; documents go through Wagtail's view and its access checks.
    urlpatterns += [
        re_path(r"^media/(?P<path>(?:images|original_images)/.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Wagtail's pages, served through a view that keeps their routes in the content cache; Wagtail's own patterns
# (after it) still provide the password form of restricted pages and give a name to the serve view.
urlpatterns += [
    # Wagtail's own front-end login form: anyone who still has its address is sent to allauth's (one door in).
    path("_util/login/", AdminLoginRedirect.as_view(), name="wagtailcore_login"),
    path("_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/", no_shared_passwords,
         name="wagtailcore_authenticate_with_password"),
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", views.page_serve, name="page_serve"),
    path("", include(wagtail_urls)),
]
