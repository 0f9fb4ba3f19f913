"""Tables (plain text for the terminal, Markdown for the results file) and the JSON record."""

import json
from pathlib import Path

COLUMNS = [
    ("page", "<"),
    ("n", ">"),
    ("req/s", ">"),
    ("p50 ms", ">"),
    ("p99 ms", ">"),
    ("×trivial", ">"),
    ("queries", ">"),
    ("writes", ">"),
    ("errors", ">"),
    ("cached req/s", ">"),
    ("cached p50", ">"),
    ("cached ×triv", ">"),
    ("cached queries", ">"),
]


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


CONTENDED_CORES = 0.3  # other processes' CPU during a measurement above which it is flagged


def _rps(page: dict | None) -> str:
    if not page:
        return "–"
    flag = "†" if (page.get("other_cores") or 0) > CONTENDED_CORES else ""
    return _fmt(page["rps"]) + flag


def _ratio(page: dict | None, trivial: dict | None) -> float | None:
    if not page or not trivial or not page.get("mean_ms") or not trivial.get("mean_ms"):
        return None
    return page["mean_ms"] / trivial["mean_ms"]


def rows(size_result: dict) -> list[list[str]]:
    """One row per page: uncached load, query counts, then the per-site-cache pass."""
    load = size_result.get("load", {}).get("pages", {})
    cached = size_result.get("cached_load", {}).get("pages", {})
    queries = size_result.get("queries", {})
    cached_queries = size_result.get("cached_queries", {})
    table = []
    for name in size_result["urls"]:
        page, cpage = load.get(name), cached.get(name)
        q, cq = queries.get(name, {}), cached_queries.get(name, {})
        ratio, cratio = _ratio(page, load.get("trivial")), _ratio(cpage, cached.get("trivial"))
        errors = page["errors"] if page else None
        if q and q.get("status") != 200:
            errors = f"{errors} (client: {q.get('status')})"
        table.append(
            [
                name,
                _fmt(page["requests"]) + ("*" if page and page["capped"] else "") if page else "–",
                _rps(page),
                _fmt(page and page["p50_ms"]),
                _fmt(page and page["p99_ms"]),
                f"{ratio:.1f}×" if ratio else "–",
                _fmt(q.get("queries")),
                _fmt(q.get("writes")),
                _fmt(errors),
                _rps(cpage),
                _fmt(cpage and cpage["p50_ms"]),
                f"{cratio:.1f}×" if cratio else "–",
                _fmt(cq.get("queries")),
            ]
        )
    return table


PASSES = (("uncached", "load"), ("cached", "cached_load"), ("orders", "orders"))


def memory_line(size_result: dict) -> str:
    parts = []
    for label, key in PASSES:
        memory = (size_result.get(key) or {}).get("memory")
        if memory:
            workers = " / ".join(f"{mib:.0f}" for mib in memory["worker_peak_mib"].values())
            parts.append(
                f"{label} pass: master {memory['master_peak_mib']:.0f} MiB, workers {workers} MiB "
                f"(max {memory['max_worker_peak_mib']:.0f}), total {memory['total_peak_mib']:.0f} MiB"
            )
    line = "Peak RSS — " + "; ".join(parts) if parts else "Peak RSS — not measured"
    background = [
        f"{label} {size_result[key]['background_busy_cores']:.2f}"
        for label, key in PASSES
        if (size_result.get(key) or {}).get("background_busy_cores") is not None
    ]
    if background:
        line += "\nOther work on the machine just before each pass (busy cores): " + ", ".join(background)
    return line


ORDER_COLUMNS = [("step", "<"), ("n", ">"), ("mean ms", ">"), ("p50 ms", ">"), ("p99 ms", ">"), ("×trivial", ">")]


def orders_rows(size_result: dict) -> list[list[str]]:
    """The order pass: the trivial view, each checkout step, then the whole checkout."""
    placing = size_result["orders"]
    trivial = placing["trivial"]
    measured = [("trivial view", {**trivial, "n": trivial["requests"]})]
    measured += list(placing["steps"].items())
    measured.append(("whole checkout", placing["checkout"]))
    table = []
    for name, stats in measured:
        ratio = _ratio(stats, trivial)
        table.append(
            [
                name,
                _fmt(stats.get("n")),
                _fmt(stats.get("mean_ms")),
                _fmt(stats.get("p50_ms")),
                _fmt(stats.get("p99_ms")),
                f"{ratio:.1f}×" if ratio else "–",
            ]
        )
    return table


def orders_summary(size_result: dict) -> str:
    placing = size_result["orders"]
    cpu = [f"server {placing['server_cpu_cores']:.2f} cores"]
    if placing.get("database_cpu_cores") is not None:
        cpu.append(f"database {placing['database_cpu_cores']:.2f}")
    contended = "†" if (placing.get("other_cores") or 0) > CONTENDED_CORES else ""
    failed = f"{placing['failed']} failed {placing['failures']}" if placing["failed"] else "none failed"
    return (
        f"Orders: {placing['orders']:,} placed in {placing['seconds']:.1f} s = {placing['orders_per_s']:.1f} orders/s"
        f"{contended}{'*' if placing['capped'] else ''} by {placing['buyers']} logged-in buyers over "
        f"{placing['products']} products ({placing['rps']:.1f} checkout requests/s; {failed}); " + ", ".join(cpu)
    )


def _aligned(columns: list[tuple[str, str]], body: list[list[str]]) -> str:
    header = [name for name, _align in columns]
    widths = [max(_width(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells):
        out = []
        for (_, align), cell, width in zip(columns, cells, widths, strict=True):
            pad = " " * (width - _width(cell))
            out.append(cell + pad if align == "<" else pad + cell)
        return "  ".join(out)

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in body)])


def _markdown(columns: list[tuple[str, str]], body: list[list[str]]) -> str:
    header = [name for name, _align in columns]
    aligns = [":--" if align == "<" else "--:" for _name, align in columns]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(aligns) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def orders_text(size_result: dict) -> str:
    return _aligned(ORDER_COLUMNS, orders_rows(size_result)) + "\n" + orders_summary(size_result)


def orders_markdown(size_result: dict) -> str:
    return _markdown(ORDER_COLUMNS, orders_rows(size_result)) + "\n\n" + orders_summary(size_result)


def _width(text: str) -> int:
    """Display width: CJK and the × sign are counted as they render in most terminals."""
    return sum(2 if ord(char) >= 0x1100 and char != "×" else 1 for char in text)


def text_table(size_result: dict) -> str:
    return _aligned(COLUMNS, rows(size_result))


def markdown_table(size_result: dict) -> str:
    return _markdown(COLUMNS, rows(size_result))


ORDERS_LEGEND = (
    "Orders: a third pass, same server settings as the uncached one; {concurrency} buyers, each logged in with its "
    "own session and keep-alive connection, check out in a loop at the same time: add one unit to the basket (POST), "
    "shipping address (POST), shipping-method step (GET, redirects), preview (GET), place order (POST with "
    "basket_token, answered by a redirect to the thank-you page); whole checkout = those five requests; "
    "×trivial = mean latency ÷ the trivial view's, measured on the same server just before; at most {orders} "
    "checkouts or {orders_time_cap} s (* = stopped by the time cap). E-mail tasks run in-process (no broker), so "
    "placing an order includes rendering the confirmation e-mail."
)

LEGEND = (
    "n = requests measured (* = stopped by the time cap); req/s and latencies from {concurrency} concurrent "
    "keep-alive connections against 2 gunicorn sync workers; ×trivial = mean latency ÷ the trivial view's mean "
    "latency in the same pass; queries/writes = SQL statements of one warm anonymous request (Django test client, "
    "same database); cached = second pass with Django's per-site cache middleware (local memory, per worker); "
    "† = other processes on the machine used more than 0.3 of its cores while that page was measured."
)


def heading(size_result: dict) -> str:
    prep = size_result["prepared"]
    pages = ""
    if "labor_posts" in prep:
        pages = f"; {prep['labor_posts']:,} open labor posts, {prep['projects']:,} projects"
    return (
        f"N = {size_result['size']:,} products ({prep['browsable']:,} listed in the shop{pages}) — "
        f"{size_result['database']}"
    )


def markdown(result: dict) -> str:
    meta = result["meta"]
    out = [
        f"# Benchmark {meta['started']}",
        "",
        f"- Machine: {meta['cpus']} CPUs ({meta['cpu_model']}), {meta['memory_gib']} GiB RAM",
        f"- Database: {meta['database']}",
        f"- Software: Python {meta['python']}, Django {meta['django']}, gunicorn {meta['gunicorn']} "
        f"(2 sync workers), commit {meta['commit']}",
        f"- Load: {meta['requests']} requests per page (time cap {meta['time_cap']} s), "
        f"{meta['concurrency']} connections; run took {meta.get('seconds', '?')} s",
        "",
        LEGEND.format(concurrency=meta["concurrency"]),
        "",
    ]
    if meta.get("orders"):
        out += [ORDERS_LEGEND.format(**meta), ""]
    for size_result in result["sizes"]:
        memory = memory_line(size_result).replace("\n", "  \n")
        out += [f"## {heading(size_result)}", "", markdown_table(size_result), ""]
        if size_result.get("orders"):
            out += [orders_markdown(size_result), ""]
        out += [memory, ""]
    if result.get("findings"):
        out += ["## Findings (automatic)", "", *(f"- {note}" for note in result["findings"]), ""]
    if result.get("error"):
        out += ["## The run stopped early", "", "```", result["error"], "```", ""]
    return "\n".join(out)


def write(result: dict, directory: Path, stamp: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"bench-{stamp}.json"
    md_path = directory / f"bench-{stamp}.md"
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(markdown(result), encoding="utf-8")
    return json_path, md_path
