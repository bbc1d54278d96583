from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.db import connections
from django.utils import translation


def chosen_language(request) -> str:
    """The language of the interface for this request: the one the person chose (the language cookie set by
    set_language) if the site offers it, Russian otherwise."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class RussianFirstLocaleMiddleware:
    """The UI is Russian unless the person chose another language (the language cookie set by set_language).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: librarians' machines are often
    set up in English, and the platform speaks Russian first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with two policies: the strict one of the site (settings.CONTENT_SECURITY_POLICY) and,
    under ADMIN_PATH_PREFIX, the Wagtail admin's (settings.ADMIN_CSP_DIRECTIVES, with the site's strict script and
    style rules sent as report-only). A view's own @csp_* decorators still apply on top of either."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if parts.config is None and request.path_info.startswith(settings.ADMIN_PATH_PREFIX):
            directives = settings.ADMIN_CSP_REPORT_ONLY_DIRECTIVES if report_only else settings.ADMIN_CSP_DIRECTIVES
            parts.config = default_config(directives)
        return parts


class QueryCountHeaderMiddleware:
    """Benchmarks only (LMS_BENCH=1): how many SQL queries the request ran, in the X-DB-Queries header.

    Outermost, so it counts what every other middleware does too. Counting goes through an execute wrapper,
    not DEBUG's query log, so it costs next to nothing and keeps no SQL in memory.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response.headers["X-DB-Queries"] = str(count)
        return response
