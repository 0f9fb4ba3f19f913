"""Login throttling with django-axes: whose failures count together, and two limits.

Wired in settings (``AXES_HANDLER``, ``AXES_USERNAME_CALLABLE``). Failures are counted per
account and, separately, per client address (``core.http.client_ip_for_limits``); the account
limit is low (``AXES_FAILURE_LIMIT``), the address limit higher (``LOGIN_FAILURE_LIMIT_PER_ADDRESS``)
because a mobile carrier's CGNAT address is shared by many people.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a login attempt is for: its e-mail address, trimmed and lower-cased.

    Every login form passes the e-mail to ``authenticate()`` as ``username`` (the shop's form
    names its field ``login-username``); axes passes ``email`` after a successful login.
    Oscar's login ignores case, so ``Buyer@…`` and ``buyer@…`` must count as one account.
    """
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        value = request.POST.get("username") or request.POST.get("login-username")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


def _total(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate limit per address and a narrower reset on success."""

    def get_failures(self, request, credentials=None) -> int:
        """Recent failures on the account limit's scale: axes locks once this reaches ``AXES_FAILURE_LIMIT``.

        The account's failures count as they are; the address's are shifted so that they reach
        the account limit exactly when they reach ``LOGIN_FAILURE_LIMIT_PER_ADDRESS``.
        """
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _total(recent.filter(username=username)) if username else 0
        by_address = _total(recent.filter(ip_address=request.axes_ip_address or None))
        return max(by_account, by_address - settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS + settings.AXES_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful login, forget that account's failures from that address, nothing more.

        Axes would forget every failure of the address too: anyone with an account of their own
        could then log in between guesses at someone else's password and never be stopped.
        """
        username = get_client_username(request, credentials)
        attempts = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address or None)
        count, _deleted = attempts.delete()
        return count
