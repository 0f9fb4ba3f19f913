"""A bounded HTTP load on loopback: N visitors, each on its own keep-alive connection.

Every visitor is a thread with one ``http.client`` connection and its own cookies
(like a browser tab): cookies the site sets are sent back on later requests. The
load stops after a fixed number of requests or a time cap, whichever comes first.
"""

import http.client
import math
import os
import threading
import time
from dataclasses import dataclass, field

ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9"
USER_AGENT = "yuegui-bench/1"


@dataclass
class Visitor:
    host: str
    port: int
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def get(self, path: str) -> tuple[int, int]:
        """GET ``path``; returns (status, body bytes), status 0 for a failed exchange."""
        status, _location, body = self.request("GET", path)
        return status, len(body)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str, bytes]:
        """One exchange with the visitor's cookies: (status, Location, body); status 0 when it failed."""
        headers = {
            "Accept-Language": ACCEPT_LANGUAGE,
            "User-Agent": USER_AGENT,
            "Accept": "text/html,*/*",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    return 0, "", b""
                continue
            except (OSError, http.client.HTTPException):
                self.close()
                return 0, "", b""
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if "max-age=0" in header.lower() or not value:
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            if response.will_close:
                self.close()
            return response.status, response.headers.get("Location", ""), content
        return 0, "", b""


def _percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]


def warm(visitors: list[Visitor], path: str, *, per_visitor: int, time_cap: float) -> list[int]:
    """Every visitor requests ``path`` ``per_visitor`` times (all at once); returns the statuses."""
    statuses: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + time_cap

    def visit(visitor: Visitor) -> None:
        for _ in range(per_visitor):
            if time.monotonic() > deadline:
                return
            status, _size = visitor.get(path)
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=visit, args=(visitor,), daemon=True) for visitor in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_cap + 2 * visitors[0].timeout)
    return statuses


def run(visitors: list[Visitor], path: str, *, requests: int, time_cap: float, warmup_per_visitor: int = 2) -> dict:
    """Warm ``path`` up, then load it with every visitor at once; return the measurements."""
    warm_statuses = warm(visitors, path, per_visitor=warmup_per_visitor, time_cap=time_cap)

    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sizes: list[int] = []
    start_gate = threading.Barrier(len(visitors) + 1)
    deadline = 0.0

    def load(visitor: Visitor) -> None:
        nonlocal issued
        start_gate.wait()
        while True:
            with lock:
                if issued >= requests or time.monotonic() > deadline:
                    return
                issued += 1
            began = time.perf_counter()
            status, size = visitor.get(path)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                sizes.append(size)

    threads = [threading.Thread(target=load, args=(visitor,), daemon=True) for visitor in visitors]
    for thread in threads:
        thread.start()
    cpu_before = os.times()
    began = time.perf_counter()
    deadline = time.monotonic() + time_cap
    start_gate.wait()
    for thread in threads:
        thread.join(time_cap + 60)
    wall = time.perf_counter() - began
    cpu_after = os.times()
    client_cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)

    ordered = sorted(latencies)
    done = len(ordered)
    errors = done - statuses.get(200, 0)
    return {
        "path": path,
        "requests": done,
        "capped": done < requests,
        "seconds": round(wall, 3),
        "rps": round(done / wall, 1) if wall > 0 else 0.0,
        "mean_ms": round(1000 * sum(ordered) / done, 2) if done else None,
        "p50_ms": round(1000 * _percentile(ordered, 0.50), 2) if done else None,
        "p90_ms": round(1000 * _percentile(ordered, 0.90), 2) if done else None,
        "p99_ms": round(1000 * _percentile(ordered, 0.99), 2) if done else None,
        "max_ms": round(1000 * ordered[-1], 2) if done else None,
        "errors": errors,
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "warmup_statuses": sorted(set(warm_statuses)),
        "bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
        "client_cpu_share": round(client_cpu / wall, 2) if wall > 0 else None,
    }
