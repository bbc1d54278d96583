from django.conf import settings
from django.utils import translation


class RussianFirstLocaleMiddleware:
    """The UI is Russian unless the person chose another language (the language cookie set by set_language).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: librarians' machines are often
    set up in English, and the platform speaks Russian first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
