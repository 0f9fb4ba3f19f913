"""Account reads: registration links, and how long a login lockout lasts."""

import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from marketplace.accounts.models import PendingRegistration

SIGNING_SALT = "marketplace.accounts.registration"  # names the purpose of the signature; not a secret


def confirmation_period() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ACCOUNT_CONFIRMATION_DAYS)


def registration_fingerprint(pending: PendingRegistration) -> str:
    # Changes when the registration is made again (new password, new time): older links stop working.
    value = f"{pending.pk}:{pending.password}:{int(pending.requested_at.timestamp())}"
    return salted_hmac(SIGNING_SALT, value).hexdigest()[:32]


def registration_token(pending: PendingRegistration) -> str:
    """The token of the link that creates the account of ``pending`` (signed, dated)."""
    return signing.dumps({"id": pending.pk, "f": registration_fingerprint(pending)}, salt=SIGNING_SALT)


def pending_registration_for_token(token: str, *, lock: bool = False) -> PendingRegistration | None:
    """The pending registration a link is for; None if the link is altered, expired or superseded.

    ``lock``: the row is locked for the rest of the transaction (confirming it).
    """
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=confirmation_period())
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict):
        return None
    pending = PendingRegistration.objects.filter(pk=data.get("id"))
    pending = (pending.select_for_update() if lock else pending).first()
    if pending is None or not constant_time_compare(registration_fingerprint(pending), str(data.get("f", ""))):
        return None
    return pending


def _locked_since(attempts, limit: int) -> datetime.datetime | None:
    totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    return totals["last"] if (totals["failures"] or 0) >= limit else None


def login_locked_until(*, username: str | None, address: str | None) -> datetime.datetime | None:
    """When logins refused for this account or address are allowed again; None if neither is locked.

    The last counted failure plus the cool-off: failures during a lockout are not counted,
    so the time does not move while someone keeps trying.
    """
    cool_off = get_cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
    ends = []
    if username:
        ends.append(_locked_since(recent.filter(username=username), settings.AXES_FAILURE_LIMIT))
    if address:
        ends.append(_locked_since(recent.filter(ip_address=address), settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS))
    ends = [last + cool_off for last in ends if last is not None]
    return max(ends) if ends else None
