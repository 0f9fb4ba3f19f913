"""Order placement under load: logged-in buyers checking out at the same time.

``python -m bench`` runs this for each size after the page passes, against its own gunicorn
(2 sync workers, the same settings as the uncached pass). Each of ``--concurrency`` buyers
(default 8) is a user logged in through a session written to the database, with its own
keep-alive connection and cookies, and loops through the checkout as a browser does:

1. POST add to basket: one unit of one of a few listed products, in turn;
2. POST the shipping address;
3. GET the shipping-method step (a single method: the step chooses it and redirects);
4. GET the preview, which names the basket in its ``basket_token`` field;
5. POST "place order" with that token; a redirect to the thank-you page is an order.

Those products first get a stock far above what a run can sell, so no checkout is refused
for stock. Measured: orders per second, p50/p99 latency of every step, of the place-order
POST and of the whole checkout (first request sent to last answer read), next to the
trivial view measured against the same server just before, and the server's peak memory.

Sessions live in the database (``bench.settings``): each gunicorn worker has its own
local-memory cache, and a cached session could be another worker's stale copy.

``python -m bench.orders prepare --buyers N`` (a Django subprocess on the benchmark database,
see ``prepare``) creates the buyers and their sessions and tops the stock up; prints JSON.
"""

import argparse
import json
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from bench import load

BUYER_EMAIL = "bench-buyer-{}@bench.example"
PRODUCT_POOL = 8  # products the buyers take in turn
STOCK = 1_000_000  # units in stock above what is allocated, for each of them
STEPS = ["add to basket", "address", "shipping method", "preview", "place order"]
# The checkout's Chinese address form (marketplace.checkout.forms): 广东省 广州市 天河区.
ADDRESS = {
    "first_name": "李明",
    "phone_number": "13800138000",
    "province": "44",
    "city": "4401",
    "district": "440106",
    "line1": "天河路 100 号 市一中食堂",
    "postcode": "510000",
}
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
BASKET_TOKEN = re.compile(rb'name="basket_token" value="(\d+)"')


# --------------------------------------------------------------------------- the buyers (Django subprocess)
def prepare(buyers: int) -> dict:
    """Buyers logged in by sessions created here, and products with stock to spare.

    Each buyer's open basket is emptied (a run that was interrupted may have left lines in it).
    Returns the session keys, cookie names and the paths the load needs.
    """
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.db.models import F
    from django.db.models.functions import Coalesce
    from django.urls import reverse
    from oscar.core.loading import get_model

    from products.selectors import shop_visible_products

    Basket = get_model("basket", "Basket")
    StockRecord = get_model("partner", "StockRecord")
    products = list(
        shop_visible_products().filter(parent=None, stockrecords__isnull=False).distinct().order_by("pk")[:PRODUCT_POOL]
    )
    if not products:
        raise SystemExit("No listed product with a stock record in the database.")
    StockRecord.objects.filter(product__in=products).update(num_in_stock=Coalesce(F("num_allocated"), 0) + STOCK)

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for number in range(1, buyers + 1):
        user, created = get_user_model().objects.get_or_create(
            email=BUYER_EMAIL.format(number), defaults={"first_name": "基准", "last_name": f"买家{number}"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Basket.open.filter(owner=user).delete()
        session = session_store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "marketplace.accounts.backends.EmailBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "sessions": sessions,
        "products": [
            {"page": product.get_absolute_url(), "add": reverse("basket:add", kwargs={"pk": product.pk})}
            for product in products
        ],
        "paths": {
            "address": reverse("checkout:shipping-address"),
            "shipping method": reverse("checkout:shipping-method"),
            "preview": reverse("checkout:preview"),
            "thank you": reverse("checkout:thank-you"),
        },
    }


# --------------------------------------------------------------------------- the load (benchmark process)
@dataclass
class Buyer(load.Visitor):
    """A logged-in visitor that can also POST forms, and reads what a checkout step answers."""

    csrf_token: str = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, bytes]:
        """(status, Location, body); a ``form`` is posted with the CSRF token; status 0 when it failed."""
        if form is None:
            return super().request(method, path)
        body = urlencode({**form, "csrfmiddlewaretoken": self.csrf_token}).encode()
        return super().request(method, path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def log_in(self, prepared: dict, session_key: str) -> None:
        """Use the session written for this buyer, and the CSRF token a product page's form carries."""
        self.cookies[prepared["session_cookie"]] = session_key
        _status, _location, content = self.request("GET", prepared["products"][0]["page"])
        found = CSRF_FIELD.search(content)
        if found:
            self.csrf_token = found.group(1).decode()
        else:  # the cookie's secret is accepted as the token too
            self.csrf_token = self.cookies.setdefault(prepared["csrf_cookie"], secrets.token_hex(16))


def checkout(buyer: Buyer, prepared: dict, product: dict) -> tuple[dict[str, float], str]:
    """One checkout; (seconds per step, "" or what went wrong)."""
    paths = prepared["paths"]
    timings: dict[str, float] = {}

    def step(name: str, method: str, path: str, form: dict | None = None, expect: int = 302):
        began = time.perf_counter()
        status, location, content = buyer.request(method, path, form)
        timings[name] = time.perf_counter() - began
        return status == expect, status, location, content

    ok, status, _location, _content = step("add to basket", "POST", product["add"], {"quantity": "1"})
    if not ok:
        return timings, f"add to basket: {status}"
    ok, status, _location, _content = step("address", "POST", paths["address"], ADDRESS)
    if not ok:
        return timings, f"address: {status}"
    ok, status, _location, _content = step("shipping method", "GET", paths["shipping method"])
    if not ok:
        return timings, f"shipping method: {status}"
    ok, status, _location, content = step("preview", "GET", paths["preview"], expect=200)
    token = BASKET_TOKEN.search(content) if ok else None
    if token is None:
        return timings, f"preview: {status}" + ("" if status != 200 else " without basket_token")
    ok, status, location, _content = step(
        "place order", "POST", paths["preview"], {"action": "place_order", "basket_token": token.group(1).decode()}
    )
    if not ok or not location.endswith(paths["thank you"]):
        return timings, f"place order: {status} {location or '(page shown again: refused)'}"
    return timings, ""


def _stats(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    if not ordered:
        return {"n": 0, "mean_ms": None, "p50_ms": None, "p90_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "n": len(ordered),
        "mean_ms": round(1000 * sum(ordered) / len(ordered), 2),
        "p50_ms": round(1000 * load._percentile(ordered, 0.50), 2),
        "p90_ms": round(1000 * load._percentile(ordered, 0.90), 2),
        "p99_ms": round(1000 * load._percentile(ordered, 0.99), 2),
        "max_ms": round(1000 * ordered[-1], 2),
    }


def buyers_logged_in(port: int, prepared: dict) -> list[Buyer]:
    """One buyer per prepared session, each on its own connection to the server on ``port``."""
    buyers = [Buyer("127.0.0.1", port) for _ in prepared["sessions"]]
    for buyer, session_key in zip(buyers, prepared["sessions"], strict=True):
        buyer.log_in(prepared, session_key)
    return buyers


def warm_up(buyers: list[Buyer], prepared: dict, *, time_cap: float) -> list[str]:
    """Every buyer checks out once, all at once, so that both workers have served every step.

    Returns what went wrong, if anything (one entry per kind of failure).
    """
    products = prepared["products"]
    failures: list[str] = []

    def once(index: int, buyer: Buyer) -> None:
        _timings, failure = checkout(buyer, prepared, products[index % len(products)])
        if failure:
            failures.append(failure)

    threads = [threading.Thread(target=once, args=(index, buyer), daemon=True) for index, buyer in enumerate(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_cap + 60)
    return sorted(set(failures))


def run(buyers: list[Buyer], prepared: dict, *, checkouts: int, time_cap: float) -> dict:
    """Every buyer checks out in a loop, all at once, until ``checkouts`` have begun or ``time_cap`` passed."""
    products = prepared["products"]
    lock = threading.Lock()
    begun = 0
    step_seconds: dict[str, list[float]] = {name: [] for name in STEPS}
    checkout_seconds: list[float] = []
    failures: dict[str, int] = {}
    gate = threading.Barrier(len(buyers) + 1)
    deadline = 0.0

    def shop(index: int, buyer: Buyer) -> None:
        nonlocal begun
        gate.wait()
        turn = index
        while True:
            with lock:
                if begun >= checkouts or time.monotonic() > deadline:
                    return
                begun += 1
            started = time.perf_counter()
            timings, failure = checkout(buyer, prepared, products[turn % len(products)])
            elapsed = time.perf_counter() - started
            turn += len(buyers)
            with lock:
                for name, seconds in timings.items():
                    step_seconds[name].append(seconds)
                if failure:
                    failures[failure] = failures.get(failure, 0) + 1
                else:
                    checkout_seconds.append(elapsed)

    threads = [threading.Thread(target=shop, args=(index, buyer), daemon=True) for index, buyer in enumerate(buyers)]
    for thread in threads:
        thread.start()
    cpu_before = time.process_time()
    began = time.perf_counter()
    deadline = time.monotonic() + time_cap
    gate.wait()
    for thread in threads:
        thread.join(time_cap + 120)
    wall = time.perf_counter() - began
    client_cpu = time.process_time() - cpu_before

    placed = len(checkout_seconds)
    failed = sum(failures.values())
    requests = sum(len(seconds) for seconds in step_seconds.values())
    return {
        "buyers": len(buyers),
        "products": len(products),
        "checkouts": placed + failed,
        "orders": placed,
        "failed": failed,
        "failures": failures,
        "capped": placed + failed < checkouts,
        "seconds": round(wall, 3),
        "orders_per_s": round(placed / wall, 2) if wall > 0 else 0.0,
        "requests": requests,
        "rps": round(requests / wall, 1) if wall > 0 else 0.0,
        "client_cpu_share": round(client_cpu / wall, 2) if wall > 0 else None,
        "checkout": _stats(checkout_seconds),
        "steps": {name: _stats(seconds) for name, seconds in step_seconds.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.orders")
    sub = parser.add_subparsers(dest="command", required=True)
    prepare_parser = sub.add_parser("prepare", help="create the buyers' sessions and top the stock up (prints JSON)")
    prepare_parser.add_argument("--buyers", type=int, default=8)
    args = parser.parse_args(argv)
    sys.stdout.write(json.dumps(prepare(args.buyers), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
