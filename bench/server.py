"""Gunicorn on loopback, and the resident memory of its processes read from /proc."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status_kib(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
        return None
    return None


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                # The command name is in parentheses and may hold spaces: split after it.
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return sorted(found)


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def machine_busy_cores(seconds: float = 1.0) -> float:
    """How many CPU cores the whole machine kept busy over ``seconds`` (other people's work included)."""
    busy_before, total_before = cpu_jiffies()
    time.sleep(seconds)
    busy_after, total_after = cpu_jiffies()
    elapsed = total_after - total_before
    return round((busy_after - busy_before) / elapsed * (os.cpu_count() or 1), 2) if elapsed else 0.0


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User plus system CPU seconds used so far by each of ``pids`` still running."""
    seconds = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return seconds


def cpu_used_between(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two ``cpu_by_pid`` readings; a process that appeared in between counts in full."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())


def process_cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


class MemorySampler(threading.Thread):
    """Samples VmRSS of the master and its workers; keeps per-process and total peaks."""

    def __init__(self, master: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.master = master
        self.interval = interval
        self.stopped = threading.Event()
        self.peak_rss: dict[int, int] = {}
        self.peak_hwm: dict[int, int] = {}
        self.peak_total = 0
        self.samples = 0

    def sample(self) -> None:
        total = 0
        for pid in [self.master, *children_of(self.master)]:
            rss = _status_kib(pid, "VmRSS")
            hwm = _status_kib(pid, "VmHWM")
            if rss is None:
                continue
            total += rss
            self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), rss)
            if hwm is not None:
                self.peak_hwm[pid] = max(self.peak_hwm.get(pid, 0), hwm)
        self.peak_total = max(self.peak_total, total)
        self.samples += 1

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.sample()

    def stop(self) -> dict:
        self.stopped.set()
        self.join(5)
        self.sample()
        workers = {pid: kib for pid, kib in self.peak_rss.items() if pid != self.master}
        return {
            "samples": self.samples,
            "master_peak_mib": round(self.peak_rss.get(self.master, 0) / 1024, 1),
            "worker_peak_mib": {str(pid): round(kib / 1024, 1) for pid, kib in sorted(workers.items())},
            "worker_hwm_mib": {
                str(pid): round(kib / 1024, 1) for pid, kib in sorted(self.peak_hwm.items()) if pid != self.master
            },
            "max_worker_peak_mib": round(max(workers.values(), default=0) / 1024, 1),
            "total_peak_mib": round(self.peak_total / 1024, 1),
        }


class Gunicorn:
    """``gunicorn marketplace.wsgi`` with 2 sync workers on 127.0.0.1:<free port>."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 2):
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.sampler: MemorySampler | None = None

    def start(self, timeout: float = 90.0) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "marketplace.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--no-control-socket",
            "--error-logfile",
            str(self.log_path),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}; see {self.log_path}")
            if len(children_of(self.process.pid)) >= self.workers and self._ready():
                break
            time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")
        self.sampler = MemorySampler(self.process.pid)
        self.sampler.start()

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the master and its workers so far."""
        return process_cpu_seconds([self.process.pid, *children_of(self.process.pid)])

    def wait_idle(self, timeout: float = 30.0, quiet: float = 0.05) -> None:
        """Wait until the workers have finished booting (no CPU used for half a second)."""
        deadline = time.monotonic() + timeout
        previous = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            current = self.cpu_seconds()
            if current - previous < quiet:
                return
            previous = current

    def _ready(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/bench/trivial/")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def stop(self) -> dict:
        memory = self.sampler.stop() if self.sampler else {}
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(10)
        return memory
