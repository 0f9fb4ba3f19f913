"""Content-Security-Policy by path: a nonce everywhere, inline scripts only where a library needs them.

Our pages and Oscar's run with ``script-src 'self' 'nonce-…'`` (settings.CONTENT_SECURITY_POLICY).
Wagtail's admin still writes inline scripts in its widgets and panels (date pickers, inline
panels, the page listing), which a nonce cannot cover, so under the prefixes in
``CSP_INLINE_SCRIPT_PATHS`` (after the language prefix) scripts may be inline — without a nonce,
because a browser that sees a nonce ignores 'unsafe-inline'.
"""

import re
from functools import cache

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


@cache
def _inline_script_paths() -> re.Pattern:
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    prefixes = "|".join(re.escape(prefix.strip("/") + "/") for prefix in settings.CSP_INLINE_SCRIPT_PATHS)
    return re.compile(rf"^/(?:(?:{languages})/)?(?:{prefixes})")


class PathAwareCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if settings.CSP_INLINE_SCRIPT_PATHS and _inline_script_paths().match(request.path_info):
            parts.replace = {**(parts.replace or {}), "script-src": [SELF, UNSAFE_INLINE]}
            parts.nonce = None
        return parts
