"""The partner API answers in English unless the request's Accept-Language asks otherwise.

The site's default language is Chinese (``LANGUAGE_CODE``, the portal's borrowers), and Django's
LocaleMiddleware also reads the portal's language cookie. A partner's server sends neither, so
its field errors came in Chinese. Under ``/api/`` and ``/o/`` this middleware, placed after
LocaleMiddleware, chooses again from Accept-Language alone: the first supported language it
names (``zh-hans``/``zh-CN``/``zh`` → Chinese, ``en`` → English), English otherwise.
Content-Language says which was used. The portal's pages are untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIXES = ("/api/", "/o/")
API_DEFAULT_LANGUAGE = "en"


class ApiLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIXES):
            return self.get_response(request)
        language = api_language(request.headers.get("Accept-Language", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)


def api_language(accept_language: str) -> str:
    """The first language of the header that the site speaks; English when none is."""
    for code, _quality in parse_accept_lang_header(accept_language):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return API_DEFAULT_LANGUAGE
