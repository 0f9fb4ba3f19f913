"""Pages of the shop's accounts that replace Oscar's at the same addresses.

Oscar's customer app is not forked: ``marketplace.accounts.urls`` serves these views at the
addresses of Oscar's own (``customer:logout``), so every link and ``reverse()`` keeps working.
"""

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache


@method_decorator(never_cache, name="dispatch")
class LogoutView(View):
    """Logging out takes a POST with the CSRF token: a link or an image elsewhere cannot log anyone out.

    A GET (an old bookmark, a typed address) shows a page with the button.
    """

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(settings.OSCAR_HOMEPAGE)
        return render(request, "accounts/logout.html")

    def post(self, request: HttpRequest) -> HttpResponse:
        auth_logout(request)
        response = redirect(settings.OSCAR_HOMEPAGE)
        for cookie in settings.OSCAR_COOKIES_DELETE_ON_LOGOUT:
            response.delete_cookie(cookie)
        return response
