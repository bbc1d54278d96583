"""The site's URL map (ROOT_URLCONF)."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views


class AdminLoginRedirect(RedirectView):
    """The Wagtail admin logs in through allauth's form, so one rate-limited form serves everyone."""

    pattern_name = "account_login"
    query_string = True


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # No CSRF token: the footer's language form is on every public page, and a token would make those pages
    # impossible to share from the page cache. Forging it could only switch someone's interface language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/login/", AdminLoginRedirect.as_view(), name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("lms.accounts.urls")),
    path("accounts/", include("allauth.urls")),
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
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", views.page_serve, name="page_serve"),
    path("", include(wagtail_urls)),
]
