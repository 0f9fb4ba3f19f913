"""Budget-unit progress pages at scale: ``make bench-procurement`` (``python -m bench.procurement``).

Opt-in and separate from ``make bench`` (whose run stays as fast as it was). On one PostgreSQL
database (``--database-url``, else BENCH_PROCUREMENT_DATABASE_URL, else DATABASE_URL when its
database is named ``bench_procurement``; never a database named ``test`` or ``test_*``):

1. migrate and seed it like the main benchmark's base (``manage.py migrate``, ``seed_demo``);
2. ``fill`` (a Django subprocess): a BENCHMARK DATA SET — 1,000 budget units in a 4-level
   hierarchy (1 → 9 → 90 → 900) with this year's filings in every state, and 1,000,000 counted
   order lines of this year (100,000 orders of 10 lines, one part each) with the minimal rows
   behind them (Order, Line, Fulfilment, UnitOrder, CountedLine), their receipts and payments
   matched, and the per-unit yearly sums the application keeps on write (``UnitYearTotals``),
   all written with COPY. Every row is labelled: units ``基准单位 …``, order numbers ``BENCH-…``,
   users ``bench-procurement-…@bench.example``. A database that already holds the same set is re-used;
3. serve the site with gunicorn (2 sync workers, ``bench.settings``) and load, with the
   benchmark's load client: the trivial view, a school's progress page as its buyer, and the top
   unit's roll-up (1,000 units, its 9 subordinates ranked) as its manager. Prints p50/p99 in ms
   and ratios to the trivial view; writes JSON and Markdown to bench/results/procurement-*.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

LEVELS = (1, 9, 90, 900)  # units per level: 1,000 in all
LINES_PER_ORDER = 10
UNIT_NAME = "基准单位"
TOP_EMAIL = "bench-procurement-top@bench.example"
UNIT_EMAIL = "bench-procurement-unit@bench.example"
ORDER_PREFIX = "BENCH-"
CHUNK = 20_000


def log(message: str) -> None:
    print(message, flush=True)


# =========================================================================== the data set (Django subprocess)
def _defaults(model, connection) -> tuple[list[str], dict]:
    """Column names of ``model`` and a value for each that is neither null nor defaulted (COPY needs them all)."""
    from django.db import models
    from django.utils import timezone

    now = timezone.now()
    columns, values = [], {}
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif isinstance(field, models.BooleanField):
            value = False
        elif isinstance(field, (models.CharField, models.TextField)):
            value = ""
        elif isinstance(field, (models.DecimalField, models.IntegerField, models.FloatField)):
            value = 0
        elif isinstance(field, models.DateTimeField):
            value = now
        elif isinstance(field, models.DateField):
            value = now.date()
        else:
            value = None
        values[field.attname] = value
    return columns, values


class Copier:
    """COPY rows of one model, given as ``{attname: value}`` overrides of its defaults."""

    def __init__(self, model, connection):
        self.model = model
        self.connection = connection
        self.columns, self.base = _defaults(model, connection)
        self.fields = list(model._meta.concrete_fields)

    def without_id(self) -> Copier:
        """Let the database number the rows."""
        self.columns = [column for column in self.columns if column != "id"]
        self.fields = [field for field in self.fields if field.column != "id"]
        return self

    def copy(self, rows) -> int:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, self.columns))
        )
        # Defaults are prepared once; the values given per row are plain Python values psycopg adapts itself.
        base = [field.get_db_prep_save(self.base[field.attname], self.connection) for field in self.fields]
        position = {field.attname: index for index, field in enumerate(self.fields)}
        count = 0
        raw = self.connection.connection
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for overrides in rows:
                values = list(base)
                for name, value in overrides.items():
                    values[position[name]] = value
                copy.write_row(values)
                count += 1
        return count

    def reset_sequence(self) -> None:
        table = self.model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))",  # noqa: S608 (a model's table)
                [table],
            )


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _plan(index: int, unit_ids: list[int], start: datetime.datetime, span_seconds: int, now):
    """Order ``index`` of the data set, the same on every pass: unit, dates, status, line amounts."""
    rng = random.Random(index)
    placed = start + datetime.timedelta(seconds=rng.randrange(span_seconds))
    draw = rng.random()
    accepted_at = returned_at = cancelled_at = None
    if draw < 0.05:
        status, cancelled_at = "cancelled", placed + datetime.timedelta(hours=6)
    elif draw < 0.80:
        accepted_at = placed + datetime.timedelta(days=rng.randint(2, 12))
        status = "accepted"
        if accepted_at > now:
            status, accepted_at = "delivered", None
        elif draw < 0.07:
            status, returned_at = "returned", accepted_at + datetime.timedelta(days=1)
    elif draw < 0.90:
        status = "delivered"
    elif draw < 0.95:
        status = "shipped"
    else:
        status = "to_ship"
    amounts = [Decimal(rng.randint(2000, 50000)) / 100 * rng.randint(1, 5) for _ in range(LINES_PER_ORDER)]
    counts = [rng.random() >= 0.1 for _ in range(LINES_PER_ORDER)]  # one line in ten from a county that does not count
    paid = rng.random()
    return {
        "unit": unit_ids[index % len(unit_ids)],
        "placed": placed,
        "status": status,
        "accepted_at": accepted_at,
        "returned_at": returned_at,
        "cancelled_at": cancelled_at,
        "amounts": amounts,
        "counts": counts,
        "paid": paid,
    }


def _units(year: int, log_) -> list[int]:
    """The hierarchy and this year's filings; returns the unit ids, top first."""
    from django.db import transaction

    from marketplace.procurement.models import (
        BudgetUnit,
        FilingStatus,
        Jurisdiction,
        ReservedShareFiling,
        money_round,
    )
    from partners.validators import credit_code_check_character

    jurisdiction = Jurisdiction.objects.get(code="shenzhen")
    rng = random.Random(2026)
    number = 0
    parents: list[BudgetUnit] = [None]
    every: list[BudgetUnit] = []
    with transaction.atomic():
        for level, count in enumerate(LEVELS, start=1):
            created = []
            for n in range(count):
                number += 1
                first17 = f"11440300{900000000 + number:09d}"
                parent = parents[n % len(parents)]
                created.append(
                    BudgetUnit(
                        name=f"{UNIT_NAME} L{level}-{n + 1}",
                        credit_code=first17 + credit_code_check_character(first17),
                        category="agency" if level < 3 else "school",
                        jurisdiction=jurisdiction,
                        city="深圳市",
                        parent=parent,
                    )
                )
            created = BudgetUnit.objects.bulk_create(created)
            for unit in created:
                unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
            BudgetUnit.objects.bulk_update(created, ["path"], batch_size=1000)
            every += created
            parents = created
        filings = []
        for unit in every:
            draw = rng.random()
            if draw < 0.05:
                continue  # not filed
            has_canteen = draw >= 0.08
            total = Decimal(rng.randint(1_500_000, 6_000_000)) if has_canteen else Decimal("0")
            ratio = Decimal("0.2000")
            status = (
                FilingStatus.APPROVED
                if draw < 0.80
                else FilingStatus.SUBMITTED
                if draw < 0.92
                else FilingStatus.RETURNED
                if draw < 0.97
                else FilingStatus.DRAFT
            )
            filings.append(
                ReservedShareFiling(
                    unit=unit,
                    year=year,
                    status=status,
                    has_canteen=has_canteen,
                    canteen_food_total=total,
                    ratio=ratio if has_canteen else Decimal("0"),
                    minimum_ratio=ratio,
                    reserved_amount=money_round(total * ratio),
                    remarks="基准测试数据",
                )
            )
        ReservedShareFiling.objects.bulk_create(filings, batch_size=1000)
    log_(f"  {len(every):,} units in {len(LEVELS)} levels, {len(filings):,} filings for {year}")
    return [unit.pk for unit in every]


REMOVE_SQL = [
    # the data set's rows, children first (the database has no cascades: Django does them, too slowly here)
    "DELETE FROM procurement_countedline WHERE fulfilment_id IN (SELECT f.id FROM fulfilment_fulfilment f "
    "JOIN order_order o ON o.id = f.order_id WHERE o.number LIKE 'BENCH-%%')",
    "DELETE FROM procurement_receiptallocation WHERE fulfilment_id IN (SELECT f.id FROM fulfilment_fulfilment f "
    "JOIN order_order o ON o.id = f.order_id WHERE o.number LIKE 'BENCH-%%')",
    "DELETE FROM fulfilment_fulfilment WHERE order_id IN (SELECT id FROM order_order WHERE number LIKE 'BENCH-%%')",
    "DELETE FROM procurement_unitorder WHERE order_id IN (SELECT id FROM order_order WHERE number LIKE 'BENCH-%%')",
    "DELETE FROM order_line WHERE order_id IN (SELECT id FROM order_order WHERE number LIKE 'BENCH-%%')",
    "DELETE FROM order_order WHERE number LIKE 'BENCH-%%'",
    *(
        f"DELETE FROM {table} WHERE unit_id IN (SELECT id FROM procurement_budgetunit WHERE name LIKE %s)"  # noqa: S608
        for table in (
            "procurement_receipt",
            "procurement_unityeartotals",
            "procurement_reservedsharefiling",
            "procurement_membership",
            "procurement_progressexport",
        )
    ),
    "DELETE FROM procurement_budgetunit WHERE name LIKE %s",
]


def remove() -> None:
    """Delete a benchmark data set (``fill --replace``)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for statement in REMOVE_SQL:
            cursor.execute(statement, [f"{UNIT_NAME}%"] if "%s" in statement else [])


def fill(units: int, lines: int, *, replace: bool = False) -> dict:
    """Create the data set if the database does not hold it yet; return what the load needs (JSON)."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.db import connection, transaction
    from django.urls import reverse
    from django.utils import timezone
    from oscar.core.loading import get_model

    from marketplace.fulfilment.models import Fulfilment, ShippingMethod
    from marketplace.procurement.models import (
        BudgetUnit,
        CountedLine,
        Receipt,
        ReceiptAllocation,
        UnitOrder,
        UnitYearTotals,
    )
    from marketplace.procurement.units import membership_set
    from partners.models import County

    if sum(LEVELS) != units:
        raise SystemExit(f"the hierarchy is fixed at {sum(LEVELS)} units ({' → '.join(map(str, LEVELS))})")
    Order, Line = get_model("order", "Order"), get_model("order", "Line")
    Product = get_model("catalogue", "Product")
    now = timezone.now()
    year = timezone.localdate().year
    started = time.perf_counter()

    existing_units = BudgetUnit.objects.filter(name__startswith=UNIT_NAME).count()
    if replace and existing_units:
        log("  removing the earlier data set")
        remove()
        existing_units = 0
    existing_lines = CountedLine.objects.filter(line__order__number__startswith=ORDER_PREFIX).count()
    reused = existing_units == units and existing_lines == lines
    if not reused:
        if existing_units or existing_lines:
            raise SystemExit(
                f"the database holds another benchmark data set ({existing_units} units, {existing_lines} lines): "
                "run again with --replace"
            )
        unit_ids = _units(year, log)
        product = (
            Product.objects.filter(stockrecords__isnull=False, origin_county__isnull=False)
            .select_related("origin_county")
            .order_by("pk")
            .first()
        )
        if product is None:
            raise SystemExit("no product with a stock record and an origin county: is the demo seeded?")
        record = product.stockrecords.select_related("partner").first()
        key_county = County.objects.filter(regional_key_assistance=True).first() or product.origin_county
        other_county = County.objects.exclude(pk=key_county.pk).first() or key_county
        method = ShippingMethod.objects.filter(is_active=True).first() or ShippingMethod.objects.create(
            code="bench", name="基准配送", charge=Decimal("0.00")
        )
        orders = lines // LINES_PER_ORDER
        start = timezone.make_aware(datetime.datetime(year, 1, 1))
        span = int((now - start).total_seconds()) - 86400
        first_order, first_line = _next_id(Order), _next_id(Line)
        first_part, first_unit_order, first_counted = _next_id(Fulfilment), _next_id(UnitOrder), _next_id(CountedLine)

        def plans():
            for index in range(orders):
                yield index, _plan(index, unit_ids, start, span, now)

        def order_rows():
            for index, plan in plans():
                total = sum(plan["amounts"])
                yield {
                    "id": first_order + index,
                    "number": f"{ORDER_PREFIX}{index + 1:07d}",
                    "currency": "CNY",
                    "total_incl_tax": total,
                    "total_excl_tax": total,
                    "shipping_method": "基准配送",
                    "status": "complete" if plan["status"] == "accepted" else "in_progress",
                    "date_placed": plan["placed"],
                }

        def part_rows():
            for index, plan in plans():
                yield {
                    "id": first_part + index,
                    "order_id": first_order + index,
                    "partner_id": record.partner_id,
                    "status": plan["status"],
                    "buyer_type": "budget_unit",
                    "goods_total": sum(plan["amounts"]),
                    "shipping_method_id": method.pk,
                    "shipping_cost": Decimal("0.00"),
                    "ship_by": (plan["placed"] + datetime.timedelta(days=7)).date(),
                    "accepted_at": plan["accepted_at"],
                    "returned_at": plan["returned_at"],
                    "cancelled_at": plan["cancelled_at"],
                    "delivered_at": plan["accepted_at"],
                    "created": plan["placed"],
                }

        def unit_order_rows():
            for index, plan in plans():
                yield {
                    "id": first_unit_order + index,
                    "order_id": first_order + index,
                    "unit_id": plan["unit"],
                    "placed_at": plan["placed"],
                    "ship_within_days": 7,
                    "payment_mode": "deliver_first",
                    "payment_term_days": 30,
                    "approval_status": "not_required",
                }

        def line_rows():
            for index, plan in plans():
                for n, amount in enumerate(plan["amounts"]):
                    yield {
                        "id": first_line + index * LINES_PER_ORDER + n,
                        "order_id": first_order + index,
                        "partner_id": record.partner_id,
                        "partner_name": record.partner.name,
                        "partner_sku": record.partner_sku,
                        "stockrecord_id": record.pk,
                        "product_id": product.pk,
                        "title": product.title,
                        "quantity": 1,
                        "line_price_incl_tax": amount,
                        "line_price_excl_tax": amount,
                        "line_price_before_discounts_incl_tax": amount,
                        "line_price_before_discounts_excl_tax": amount,
                        "unit_price_incl_tax": amount,
                        "unit_price_excl_tax": amount,
                        "status": plan["status"],
                    }

        def counted_rows():
            for index, plan in plans():
                for n, amount in enumerate(plan["amounts"]):
                    key = n % 3 == 0
                    yield {
                        "id": first_counted + index * LINES_PER_ORDER + n,
                        "line_id": first_line + index * LINES_PER_ORDER + n,
                        "fulfilment_id": first_part + index,
                        "unit_id": plan["unit"],
                        "county_id": (key_county if key else other_county).pk,
                        "counts": plan["counts"][n],
                        "key_assistance": key and plan["counts"][n],
                        "amount": amount,
                        "placed_at": plan["placed"],
                    }

        with transaction.atomic():
            for model, rows, what in (
                (Order, order_rows(), "orders"),
                (Fulfilment, part_rows(), "parts"),
                (UnitOrder, unit_order_rows(), "unit orders"),
                (Line, line_rows(), "order lines"),
                (CountedLine, counted_rows(), "counted lines"),
            ):
                began = time.perf_counter()
                copier = Copier(model, connection)
                count = copier.copy(rows)
                copier.reset_sequence()
                log(f"  {count:,} {what} in {time.perf_counter() - began:.1f} s (COPY)")

            # Money received: one receipt per unit, matched in full to 80 % of its accepted parts, half to 10 %.
            receipts = Receipt.objects.bulk_create(
                [
                    Receipt(
                        unit_id=unit_id,
                        payer_name="基准测试付款单位",
                        amount=Decimal("99999999.00"),
                        received_on=now.date(),
                        reference=f"BENCH-{unit_id}",
                    )
                    for unit_id in unit_ids
                ]
            )
            receipt_of = {receipt.unit_id: receipt.pk for receipt in receipts}
            totals: dict[tuple[int, int], dict[str, Decimal]] = {}

            def add(unit_id, moment, **amounts):
                row = totals.setdefault(
                    (unit_id, timezone.localtime(moment).year),
                    dict.fromkeys(("placed", "completed", "key_placed", "key_completed"), Decimal("0")),
                )
                for name, value in amounts.items():
                    row[name] += value

            def allocation_rows():
                for index, plan in plans():
                    counted = sum((a for a, c in zip(plan["amounts"], plan["counts"], strict=True) if c), Decimal(0))
                    pairs = list(enumerate(zip(plan["amounts"], plan["counts"], strict=True)))
                    key = sum((a for n, (a, c) in pairs if c and n % 3 == 0), Decimal(0))
                    if plan["status"] != "cancelled":
                        add(plan["unit"], plan["placed"], placed=counted, key_placed=key)
                    if plan["accepted_at"] and plan["status"] != "returned":
                        add(plan["unit"], plan["accepted_at"], completed=counted, key_completed=key)
                    if plan["status"] == "accepted" and plan["paid"] < 0.9:
                        total = sum(plan["amounts"])
                        yield {
                            "receipt_id": receipt_of[plan["unit"]],
                            "fulfilment_id": first_part + index,
                            "amount": total if plan["paid"] < 0.8 else (total / 2).quantize(Decimal("0.01")),
                            "created": now,
                        }

            began = time.perf_counter()
            allocations = Copier(ReceiptAllocation, connection).without_id().copy(allocation_rows())
            log(f"  {allocations:,} payments matched in {time.perf_counter() - began:.1f} s (COPY)")
            UnitYearTotals.objects.filter(unit_id__in=unit_ids).delete()
            UnitYearTotals.objects.bulk_create(
                [UnitYearTotals(unit_id=unit_id, year=y, **sums) for (unit_id, y), sums in totals.items()],
                batch_size=1000,
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        log(f"  data set written in {time.perf_counter() - started:.0f} s")

    top = BudgetUnit.objects.filter(name__startswith=UNIT_NAME, parent__isnull=True).get()
    school = BudgetUnit.objects.filter(name=f"{UNIT_NAME} L4-1").get()
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = {}
    for label, email, unit, roles in (
        ("top", TOP_EMAIL, top, {"manager": True}),
        ("unit", UNIT_EMAIL, school, {"buyer": True}),
    ):
        user, created = get_user_model().objects.get_or_create(email=email, defaults={"first_name": "基准"})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership_set(unit=unit, user=user, **roles)
        session = session_store()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "marketplace.accounts.backends.EmailBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions[label] = session.session_key
    return {
        "reused": reused,
        "units": BudgetUnit.objects.filter(name__startswith=UNIT_NAME).count(),
        "lines": CountedLine.objects.filter(line__order__number__startswith=ORDER_PREFIX).count(),
        "year": year,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "urls": {
            "unit progress": reverse("procurement:progress", kwargs={"unit": school.pk}),
            "top roll-up": reverse("procurement:progress", kwargs={"unit": top.pk}),
        },
    }


# =========================================================================== the run (benchmark process)
def _database(url: str):
    from bench.databases import Database, _pg_params, _pg_server, _pg_url

    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench.procurement runs on PostgreSQL only: give --database-url postgres://…/bench_procurement"
        )
    params, name = _pg_params(url)
    if not name or name == "test" or name.startswith("test_"):
        raise SystemExit(f"refusing the database {name!r}: use a benchmark database such as bench_procurement")
    server = _pg_server(params)
    if server is None:
        raise SystemExit(f"cannot connect to PostgreSQL at {params['host']}:{params['port']}")
    return Database("postgresql", name, _pg_url(params, name), server)


def _ratio(page: dict, trivial: dict) -> float | None:
    if not page.get("mean_ms") or not trivial.get("mean_ms"):
        return None
    return page["mean_ms"] / trivial["mean_ms"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.procurement", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    fill_parser = sub.add_parser("fill", help="(Django subprocess) create the data set; prints JSON")
    fill_parser.add_argument("--units", type=int, default=sum(LEVELS))
    fill_parser.add_argument("--lines", type=int, default=1_000_000)
    fill_parser.add_argument("--replace", action="store_true")
    parser.add_argument("--database-url", help="PostgreSQL database (default: BENCH_PROCUREMENT_DATABASE_URL)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="counted order lines (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=300, help="requests per page (default 300)")
    parser.add_argument("--time-cap", type=float, default=15.0, help="seconds per page at most (default 15)")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="concurrent connections (default 2: one per gunicorn worker)"
    )
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the database first")
    parser.add_argument("--replace", action="store_true", help="replace a data set of another size in the database")
    args = parser.parse_args(argv)
    if args.command == "fill":
        sys.stdout.write(json.dumps(fill(args.units, args.lines, replace=args.replace), ensure_ascii=False) + "\n")
        return 0

    from bench import databases, load
    from bench.server import Gunicorn

    url = args.database_url or os.environ.get("BENCH_PROCUREMENT_DATABASE_URL", "")
    if not url and os.environ.get("DATABASE_URL", "").rstrip("/").endswith("/bench_procurement"):
        url = os.environ["DATABASE_URL"]
    if not url:
        url = "postgres://postgres@127.0.0.1:5432/bench_procurement"
    db = _database(url)
    started = time.perf_counter()
    log(f"Budget-unit progress benchmark on {db.describe()}")
    if args.fresh and databases.exists(db):
        log(f"  dropping {db.name}")
        databases.drop(db)
    if not databases.exists(db):
        log(f"  creating {db.name}")
        databases.create_empty(db)
    databases.migrate_and_seed(db, databases.state(db), log)
    log(f"  data set: {sum(LEVELS):,} units, {args.lines:,} counted lines (first time: a few minutes)")
    filled = databases._json_tail(
        databases.run_django(
            ["-m", "bench.procurement", "fill", "--lines", str(args.lines)] + (["--replace"] if args.replace else []),
            databases.django_env(db),
            what="filling the procurement data set",
            timeout=3600,
        )
    )
    log(f"  {'re-used' if filled['reused'] else 'created'}: {filled['units']:,} units, {filled['lines']:,} lines")
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    results = databases.RESULTS
    results.mkdir(parents=True, exist_ok=True)
    (results / "logs").mkdir(exist_ok=True)
    try:
        databases.run_django(
            ["manage.py", "collectstatic", "--noinput"],
            databases.django_env(db, static_root=static_root),
            what="collectstatic",
            timeout=300,
        )
        env = databases.django_env(db, static_root=static_root)
        server = Gunicorn(env, results / "logs" / "gunicorn-procurement.log")
        server.start()
        pages = {}
        try:
            server.wait_idle()
            plan = [("trivial", "/bench/trivial/", None)] + [
                (name, path, "top" if name == "top roll-up" else "unit") for name, path in filled["urls"].items()
            ]
            for name, path, who in plan:
                visitors = [load.Visitor("127.0.0.1", server.port) for _ in range(args.concurrency)]
                if who:
                    for visitor in visitors:
                        visitor.cookies[filled["session_cookie"]] = filled["sessions"][who]
                result = load.run(visitors, path, requests=args.requests, time_cap=args.time_cap)
                for visitor in visitors:
                    visitor.close()
                pages[name] = result
                flag = f", {result['errors']} errors {result['statuses']}" if result["errors"] else ""
                log(
                    f"    {name:<14} {result['requests']:>4} req in {result['seconds']:5.1f} s  "
                    f"{result['rps']:7.1f} req/s  p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms{flag}"
                )
        finally:
            memory = server.stop()
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    trivial = pages["trivial"]
    header = "| page | requests | p50 ms | p99 ms | mean ms | × trivial (mean) | × trivial (p50) | errors |"
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, page in pages.items():
        ratio = _ratio(page, trivial)
        p50_ratio = page["p50_ms"] / trivial["p50_ms"] if trivial.get("p50_ms") else None
        lines.append(
            f"| {name} | {page['requests']} | {page['p50_ms']:.1f} | {page['p99_ms']:.1f} | {page['mean_ms']:.1f} | "
            f"{ratio:.1f} | {p50_ratio:.1f} | {page['errors']} |"
            if ratio and p50_ratio
            else f"| {name} | {page['requests']} | {page['p50_ms']:.1f} | {page['p99_ms']:.1f} | "
            f"{page['mean_ms']:.1f} | – | – | {page['errors']} |"
        )
    table = "\n".join(lines)
    log("")
    log(table)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    record = {
        "database": db.describe(),
        "units": filled["units"],
        "lines": filled["lines"],
        "year": filled["year"],
        "concurrency": args.concurrency,
        "pages": pages,
        "memory": memory,
        "cpus": os.cpu_count(),
        "seconds": round(time.perf_counter() - started),
    }
    (results / f"procurement-{stamp}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False), "utf-8")
    (results / f"procurement-{stamp}.md").write_text(
        f"# Budget-unit progress pages, {filled['units']:,} units, {filled['lines']:,} counted lines\n\n{table}\n",
        "utf-8",
    )
    log(f"\nResults: bench/results/procurement-{stamp}.{{json,md}} ({record['seconds']} s)")
    failed = any(page["errors"] for page in pages.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
