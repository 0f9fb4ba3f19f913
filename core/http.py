"""Request helpers: the client's address behind our proxies, and cache-based rate limits.

The client address comes from one place. Behind the documented deployment (nginx in front of
gunicorn) ``REMOTE_ADDR`` is the proxy's own address, so every visitor would share one limit;
``X-Forwarded-For`` is a list the client can start with anything it likes, and each proxy
appends the address it saw. So we read the header only when settings say which one our proxies
write (``TRUSTED_PROXY_HEADER``) and how many of them there are (``TRUSTED_PROXY_COUNT``), and
take the entry that many hops from the right: the one our outermost proxy appended. Entries to
its left were written by the client and are never used.
"""

import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def _valid_ip(value: str) -> str:
    """``value`` as a normalised IP address ("" if it is not one); a port or IPv6 brackets are dropped."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.9:51234
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:203.0.113.9 is an IPv4 client
    return str(mapped or address)


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as our own proxies saw it ("" only if the server gave none).

    Without ``TRUSTED_PROXY_HEADER`` it is ``REMOTE_ADDR``. With it, it is the entry
    ``TRUSTED_PROXY_COUNT`` hops from the right of that header; when the header is missing,
    shorter than that or not an address (a request that did not pass through our proxies), it
    falls back to ``REMOTE_ADDR``, never to what the client wrote.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not header or count < 1:
        return remote
    hops = [hop for hop in request.META.get(header, "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _valid_ip(hops[-count]) or remote


def client_ip_for_limits(request: HttpRequest) -> str:
    """The client address as a rate limit counts it: IPv4 as is, IPv6 by its /64 network.

    One phone or home line gets a whole IPv6 /64 and can pick any address in it, so counting
    single IPv6 addresses would give it billions of budgets.
    """
    address = client_ip(request)
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address


def within_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt under ``key``; False once more than ``limit`` were counted in ``window`` seconds.

    The count lives in the cache (shared between processes in production). If the cache
    cannot count (it is down, or answers nothing), the attempt is allowed and logged: a cache
    outage must not lock job seekers and applicants out.
    """
    try:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
    except Exception:
        logger.warning("Rate limit %s not counted: the cache is unavailable.", _kind(key), exc_info=True)
        return True
    if count is None:
        logger.warning("Rate limit %s not counted: the cache returned no count.", _kind(key))
        return True
    return count <= limit


def _kind(key: str) -> str:
    """The kind of limit, for the log: never the address or number it counts."""
    return ":".join(key.split(":")[:2])
