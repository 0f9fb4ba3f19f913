"""``python -m bench``: load-test the public pages at several catalogue sizes.

For each size N: prepare a database with N products (PostgreSQL if reachable, else
SQLite), count each page's SQL queries in-process, then serve the site with gunicorn
(2 sync workers, production settings over plain HTTP on 127.0.0.1) and load every page
with a bounded number of requests from concurrent keep-alive connections; a second pass
repeats the load with Django's per-site cache; a third pass has logged-in buyers place
orders through the checkout at the same time (``bench.orders``). Prints tables per N and
writes JSON and Markdown to bench/results/. Exits non-zero only when the benchmark itself
cannot run.
"""

import argparse
import contextlib
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import databases, load, orders, report
from bench.databases import ROOT, BenchError, Database
from bench.server import Gunicorn, cpu_by_pid, cpu_jiffies, cpu_used_between, machine_busy_cores

RESULTS = ROOT / "bench" / "results"
FULL_SIZES = [200, 2_000, 20_000]
QUICK_SIZES = [200, 2_000]
QUIET_CORES = 0.3  # busy cores (of the whole machine) below which it counts as quiet


def log(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="catalogue sizes, comma-separated (default 200,2000,20000; --quick: 200,2000)")
    parser.add_argument("--quick", action="store_true", help="small fast run: sizes 200,2000, fewer requests")
    parser.add_argument("--requests", type=int, help="requests per page (default 400; --quick: 100)")
    parser.add_argument("--time-cap", type=float, help="seconds per page at most (default 12; --quick: 6)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="before each load pass, wait up to this many seconds for other work on the machine to stop (default 60)",
    )
    parser.add_argument("--no-cache-pass", action="store_true", help="skip the pass with the per-site cache")
    parser.add_argument(
        "--posts",
        type=int,
        default=2_000,
        help="open labor posts under the jobs index at every size (default 2000; 0: leave it as it is)",
    )
    parser.add_argument(
        "--projects",
        type=int,
        default=2_000,
        help="projects under the project index at every size (default 2000; 0: leave it as it is)",
    )
    parser.add_argument("--orders", type=int, help="checkouts in the order pass at most (default 200; --quick: 50)")
    parser.add_argument(
        "--orders-time-cap", type=float, help="seconds of the order pass at most (default 30; --quick: 15)"
    )
    parser.add_argument("--no-orders", action="store_true", help="skip the pass where buyers place orders")
    parser.add_argument("--database-url", help="PostgreSQL server and base database (default: BENCH_DATABASE_URL)")
    parser.add_argument(
        "--sqlite", action="store_true", help="use SQLite files under bench/results/ even if PostgreSQL is up"
    )
    args = parser.parse_args(argv)
    try:
        sizes = [int(part.replace("_", "").replace(",", "")) for part in args.sizes.split(",")] if args.sizes else None
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 200,2000,20000")
    args.sizes = sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    if any(size < 100 for size in args.sizes):
        parser.error("every size must be at least 100 (the demo alone has 60 products)")
    args.requests = args.requests or (100 if args.quick else 400)
    args.time_cap = args.time_cap or (6.0 if args.quick else 12.0)
    args.orders = args.orders or (50 if args.quick else 200)
    args.orders_time_cap = args.orders_time_cap or (15.0 if args.quick else 30.0)
    if args.requests < 1 or args.time_cap <= 0 or not 1 <= args.concurrency <= 64:
        parser.error("--requests and --time-cap must be positive, --concurrency between 1 and 64")
    if args.posts < 0 or args.projects < 0:
        parser.error("--posts and --projects cannot be negative")
    if args.orders < 1 or args.orders_time_cap <= 0:
        parser.error("--orders and --orders-time-cap must be positive")
    return args


# --------------------------------------------------------------------------- environment facts


def _first_line_with(path: str, prefix: str) -> str:
    with contextlib.suppress(OSError), open(path, encoding="utf-8") as source:
        for line in source:
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return "?"


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def meta(args: argparse.Namespace, base: Database) -> dict:
    import django
    import gunicorn

    memory_kib = _first_line_with("/proc/meminfo", "MemTotal").split()[0]
    commit = _git("rev-parse", "--short", "HEAD") or "?"
    if _git("status", "--porcelain"):
        commit += " (with uncommitted changes)"
    return {
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_model": _first_line_with("/proc/cpuinfo", "model name"),
        "memory_gib": round(int(memory_kib) / 1024 / 1024, 1) if memory_kib.isdigit() else "?",
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "commit": commit,
        "database": base.describe().replace(f"/{base.name})", f"/{base.name}_n<N>)"),
        "sizes": args.sizes,
        "posts": args.posts,
        "projects": args.projects,
        "requests": args.requests,
        "time_cap": args.time_cap,
        "concurrency": args.concurrency,
        "cache_pass": not args.no_cache_pass,
        "orders": None if args.no_orders else args.orders,
        "orders_time_cap": None if args.no_orders else args.orders_time_cap,
        "quiet_wait": args.quiet_wait,
    }


# --------------------------------------------------------------------------- steps


def collectstatic(db: Database, static_root: Path) -> None:
    log(f"Collecting static files into {static_root} (hashed names, as in production)")
    env = databases.django_env(db, static_root=static_root)
    databases.run_django(["manage.py", "collectstatic", "--noinput"], env, what="collectstatic", timeout=300)


def count_queries(db: Database, urls: dict, static_root: Path, *, site_cache: bool) -> dict:
    import json

    env = databases.django_env(db, static_root=static_root, site_cache=site_cache)
    output = databases.run_django(["-m", "bench.queries", json.dumps(urls)], env, what="counting queries")
    return databases._json_tail(output)


def wait_for_quiet(args) -> float:
    """Other work on the machine skews every number: wait a little for it to calm down,
    then return how busy the machine was (cores) while nothing of ours ran."""
    background = machine_busy_cores(1.0)
    deadline = time.monotonic() + args.quiet_wait
    if background > QUIET_CORES and args.quiet_wait > 0:
        log(f"    the machine is busy ({background:.1f} cores); waiting up to {args.quiet_wait:.0f} s for it to calm")
        while background > QUIET_CORES and time.monotonic() < deadline:
            time.sleep(4)
            background = machine_busy_cores(1.0)
    return background


def load_pass(db: Database, urls: dict, static_root: Path, args, *, site_cache: bool) -> dict:
    label = "cached" if site_cache else "uncached"
    env = databases.django_env(db, static_root=static_root, site_cache=site_cache)
    logs = RESULTS / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    background = wait_for_quiet(args)
    server = Gunicorn(env, logs / f"gunicorn-{db.name}-{label}.log")
    server.start()
    pages = {}
    try:
        server.wait_idle()
        visitors = [load.Visitor("127.0.0.1", server.port) for _ in range(args.concurrency)]
        # Every worker renders every page (and fills its caches) before anything is timed.
        for path in urls.values():
            load.warm(visitors, path, per_visitor=2, time_cap=args.time_cap)
        cores = os.cpu_count() or 1
        local_database = db.engine == "postgresql" and bool(databases.backend_pids(db))
        for name, path in urls.items():
            # The workers re-open their database connections now and then (CONN_MAX_AGE): look them up each time.
            busy_before, server_before = cpu_jiffies(), server.cpu_seconds()
            database_before = cpu_by_pid(databases.backend_pids(db)) if local_database else {}
            result = load.run(visitors, path, requests=args.requests, time_cap=args.time_cap)
            busy_after, server_after = cpu_jiffies(), server.cpu_seconds()
            database_after = cpu_by_pid(databases.backend_pids(db)) if local_database else {}
            wall = result["seconds"] or 1.0
            machine = (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1]) * cores
            result["machine_busy_cores"] = round(machine, 2)
            result["server_cpu_cores"] = round((server_after - server_before) / wall, 2)
            database = cpu_used_between(database_before, database_after) / wall
            result["database_cpu_cores"] = round(database, 2) if local_database else None
            # What neither the server, its database connections nor this client used: other people's work.
            ours = result["server_cpu_cores"] + (result["database_cpu_cores"] or 0) + (result["client_cpu_share"] or 0)
            result["other_cores"] = round(max(0.0, machine - ours), 2)
            pages[name] = result
            flag = f", {result['errors']} errors {result['statuses']}" if result["errors"] else ""
            log(
                f"    {label:<8} {name:<14} {result['requests']:>4} req in {result['seconds']:5.1f} s  "
                f"{result['rps']:7.1f} req/s  p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms{flag}"
            )
        for visitor in visitors:
            visitor.close()
    finally:
        memory = server.stop()
    return {"port": server.port, "background_busy_cores": background, "pages": pages, "memory": memory}


def orders_pass(db: Database, static_root: Path, args) -> dict:
    """Logged-in buyers checking out at once (``bench.orders``), with the trivial view measured
    on the same server just before; settings as in the uncached pass."""
    env = databases.django_env(db, static_root=static_root)
    logs = RESULTS / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    server = Gunicorn(env, logs / f"gunicorn-{db.name}-orders.log")
    try:
        prepared = databases._json_tail(
            databases.run_django(
                ["-m", "bench.orders", "prepare", "--buyers", str(args.concurrency)], env, what="preparing the buyers"
            )
        )
        background = wait_for_quiet(args)
        server.start()
        server.wait_idle()
        visitors = [load.Visitor("127.0.0.1", server.port) for _ in range(args.concurrency)]
        trivial = load.run(visitors, "/bench/trivial/", requests=args.requests, time_cap=args.time_cap)
        for visitor in visitors:
            visitor.close()
        log(
            f"    orders   trivial    {trivial['requests']:>4} req in {trivial['seconds']:5.1f} s  "
            f"{trivial['rps']:7.1f} req/s  p50 {trivial['p50_ms']:7.1f} ms  p99 {trivial['p99_ms']:7.1f} ms"
        )
        buyers = orders.buyers_logged_in(server.port, prepared)
        warmup_failures = orders.warm_up(buyers, prepared, time_cap=args.orders_time_cap)
        cores = os.cpu_count() or 1
        local_database = db.engine == "postgresql" and bool(databases.backend_pids(db))
        busy_before, server_before = cpu_jiffies(), server.cpu_seconds()
        database_before = cpu_by_pid(databases.backend_pids(db)) if local_database else {}
        result = orders.run(buyers, prepared, checkouts=args.orders, time_cap=args.orders_time_cap)
        busy_after, server_after = cpu_jiffies(), server.cpu_seconds()
        database_after = cpu_by_pid(databases.backend_pids(db)) if local_database else {}
        for buyer in buyers:
            buyer.close()
        wall = result["seconds"] or 1.0
        machine = (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1]) * cores
        result["machine_busy_cores"] = round(machine, 2)
        result["server_cpu_cores"] = round((server_after - server_before) / wall, 2)
        database = cpu_used_between(database_before, database_after) / wall
        result["database_cpu_cores"] = round(database, 2) if local_database else None
        ours = result["server_cpu_cores"] + (result["database_cpu_cores"] or 0) + (result["client_cpu_share"] or 0)
        result["other_cores"] = round(max(0.0, machine - ours), 2)
        place, whole = result["steps"]["place order"], result["checkout"]
        flag = f", {result['failed']} failed {result['failures']}" if result["failed"] else ""
        log(
            f"    orders   checkout   {result['orders']:>4} ord in {result['seconds']:5.1f} s  "
            f"{result['orders_per_s']:7.1f} ord/s  place order p50 {place['p50_ms'] or 0:7.1f} ms  "
            f"p99 {place['p99_ms'] or 0:7.1f} ms; whole checkout p50 {whole['p50_ms'] or 0:7.1f} ms{flag}"
        )
    finally:
        memory = server.stop()
    return {
        "port": server.port,
        "background_busy_cores": background,
        "trivial": trivial,
        "warmup_failures": warmup_failures,
        **result,
        "memory": memory,
    }


def findings(result: dict) -> list[str]:
    """Plain observations the tables support: errors, writes, slow pages, the cache, query counts across N."""
    notes = []
    sizes = result["sizes"]
    for size_result in sizes:
        n = f"N={size_result['size']:,}"
        pages = size_result.get("load", {}).get("pages", {})
        visible = size_result["prepared"]["browsable"]
        if visible < size_result["size"]:
            notes.append(f"{n}: the shop lists only {visible:,} of the {size_result['size']:,} products")
        for name, page in pages.items():
            if page["errors"]:
                notes.append(
                    f"{n}: {name} answered {page['errors']} requests with a status other than 200 {page['statuses']}"
                )
        for name, q in size_result.get("queries", {}).items():
            if q["status"] != 200:
                notes.append(f"{n}: {name} answered {q['status']} to the test client")
            if q["writes"]:
                notes.append(f"{n}: a warm anonymous view of {name} writes {q['writes']} times: {q['write_sql'][:2]}")
        first_writes = [
            f"{name} {q['first_writes']}" for name, q in size_result.get("queries", {}).items() if q["first_writes"]
        ]
        if first_writes:
            notes.append(
                f"{n}: writes on the first view of a page in a fresh process (thumbnails, renditions, caches), "
                f"none on later views: {', '.join(first_writes)}"
            )
        trivial = pages.get("trivial")
        slow = [(name, report._ratio(page, trivial)) for name, page in pages.items() if name != "trivial"]
        within = [f"{name} {ratio:.0f}×" for name, ratio in slow if ratio and ratio <= 10]
        beyond = [f"{name} {ratio:.0f}×" for name, ratio in slow if ratio and ratio > 10]
        if beyond:
            notes.append(f"{n}: uncached, over 10× the trivial view (mean latency): {', '.join(beyond)}")
        if within:
            notes.append(f"{n}: uncached, within 10× the trivial view: {', '.join(within)}")
        uncached = {}
        for name, q in size_result.get("cached_queries", {}).items():
            if q["queries"] and name != "trivial":
                if q.get("set_cookies") and "cookie" in q.get("vary", "").lower():
                    why = f"the response sets {', '.join(q['set_cookies'])} and varies on Cookie"
                else:
                    why = f"Cache-Control: {q.get('cache_control') or '(none)'}"
                uncached.setdefault(why, []).append(name)
        for why, names in uncached.items():
            notes.append(f"{n}: the per-site cache never stores {', '.join(names)} ({why})")
        for key, label in (("load", "uncached"), ("cached_load", "cached")):
            contended = [
                f"{name} {page['other_cores']:.1f}"
                for name, page in size_result.get(key, {}).get("pages", {}).items()
                if (page.get("other_cores") or 0) > report.CONTENDED_CORES
            ]
            if contended:
                notes.append(
                    f"{n}: other processes used CPU while the {label} pass measured (cores): "
                    f"{', '.join(contended)}; those rows are pessimistic"
                )
        placing = size_result.get("orders")
        if placing:
            if placing["failed"] or placing["warmup_failures"]:
                notes.append(
                    f"{n}: {placing['failed']} of {placing['checkouts']} checkouts did not end in an order "
                    f"{placing['failures'] or placing['warmup_failures']}"
                )
            ratio = report._ratio(placing["steps"]["place order"], placing["trivial"])
            whole = report._ratio(placing["checkout"], placing["trivial"])
            if ratio and whole:
                notes.append(
                    f"{n}: {placing['orders_per_s']:.1f} orders/s from {placing['buyers']} buyers; placing an order "
                    f"costs {ratio:.0f}× the trivial view (mean latency), the whole checkout {whole:.0f}×"
                )
            if (placing.get("other_cores") or 0) > report.CONTENDED_CORES:
                notes.append(
                    f"{n}: other processes used {placing['other_cores']:.1f} cores while orders were placed; "
                    "those numbers are pessimistic"
                )
    if len(sizes) > 1:
        grew, constant = [], []
        for name in sizes[0].get("queries", {}):
            counts = [s.get("queries", {}).get(name, {}).get("queries") for s in sizes]
            if len(set(counts)) > 1:
                grew.append(
                    f"{name} (" + ", ".join(f"{s['size']:,}: {c}" for s, c in zip(sizes, counts, strict=True)) + ")"
                )
            else:
                constant.append(f"{name} {counts[0]}")
        if grew:
            notes.append("queries change with N: " + "; ".join(grew))
        if constant:
            notes.append("queries constant across N: " + ", ".join(constant))
    return notes


def run_size(size: int, preparer: databases.Preparer, static_root: Path | None, args) -> tuple[dict, Path]:
    log(f"\n=== N = {size:,} products ===")
    db, prepared = preparer.prepare(size)
    if static_root is None:
        static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
        collectstatic(db, static_root)
    urls = prepared["urls"]
    size_result = {"size": size, "database": db.describe(), "prepared": prepared, "urls": urls}
    log("  counting SQL queries per page (test client, warm request)")
    size_result["queries"] = count_queries(db, urls, static_root, site_cache=False)
    log("  load, uncached (gunicorn, 2 sync workers)")
    size_result["load"] = load_pass(db, urls, static_root, args, site_cache=False)
    if not args.no_cache_pass:
        size_result["cached_queries"] = count_queries(db, urls, static_root, site_cache=True)
        log("  load, served by the per-site cache")
        size_result["cached_load"] = load_pass(db, urls, static_root, args, site_cache=True)
    if not args.no_orders:
        log(f"  orders: {args.concurrency} logged-in buyers checking out at once (gunicorn, 2 sync workers)")
        size_result["orders"] = orders_pass(db, static_root, args)
    return size_result, static_root


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        base = databases.choose(args.database_url, force_sqlite=args.sqlite)
    except BenchError as exc:
        log(f"bench: {exc}")
        return 1
    result = {"meta": meta(args, base), "sizes": []}
    log(
        f"Benchmark: sizes {args.sizes}, {args.requests} requests per page (cap {args.time_cap:.0f} s), "
        f"{args.concurrency} connections; database {result['meta']['database']}"
    )
    preparer = databases.Preparer(base, log, posts=args.posts, projects=args.projects)
    static_root = None
    status = 0
    try:
        for size in sorted(args.sizes):
            size_result, static_root = run_size(size, preparer, static_root, args)
            result["sizes"].append(size_result)
            log("")
            log(report.heading(size_result))
            log(report.text_table(size_result))
            if size_result.get("orders"):
                log("")
                log(report.orders_text(size_result))
            log(report.memory_line(size_result))
            log("(* stopped by the time cap; † other processes used over 0.3 cores while the page was measured)")
    except KeyboardInterrupt:
        log("bench: interrupted")
        result["error"] = "interrupted"
        status = 130
    except BenchError as exc:
        log(f"bench: {exc}")
        result["error"] = str(exc)
        status = 1
    except Exception as exc:  # the benchmark could not run: say where, keep what was measured
        traceback.print_exc()
        result["error"] = f"{type(exc).__name__}: {exc}"
        status = 1
    finally:
        if static_root is not None:
            shutil.rmtree(static_root, ignore_errors=True)
    result["meta"]["seconds"] = round(time.perf_counter() - started)
    result["findings"] = findings(result)
    if result["sizes"]:
        json_path, md_path = report.write(result, RESULTS, stamp)
        log("\nFindings:" if result["findings"] else "\nFindings: none")
        for note in result["findings"]:
            log(f"  - {note}")
        log(f"\nResults: {json_path.relative_to(ROOT)}, {md_path.relative_to(ROOT)} ({result['meta']['seconds']} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
