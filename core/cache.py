"""The Redis cache during an outage: one wait per few seconds, not one per cache call.

The socket timeouts bound each call to Redis, but a page makes dozens of calls (the menu,
every product card, thumbnails): with Redis silent, each would wait its timeout and a
catalogue page took most of a minute. These connection classes remember, per process, that
a Redis server just failed (refused, timed out, dropped) and for ``REST_SECONDS`` refuse to
open a new connection to it at once; django-redis, which ignores cache errors, turns that
into a miss. ``SkipResting`` keeps those instant refusals out of the logs; the failure that
started the rest is logged once.
"""

from __future__ import annotations

import logging
import time

from redis.connection import Connection, SSLConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
REST_SECONDS = 5.0
_resting: dict[tuple, float] = {}  # (host, port, db) -> monotonic time until which it is left alone


class RedisResting(RedisConnectionError):
    """Not tried: this Redis failed moments ago."""


class _RestAfterFailure:
    def _server(self) -> tuple:
        return (self.host, self.port, self.db)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, RedisResting):
            return
        now = time.monotonic()
        already_resting = now < _resting.get(self._server(), 0.0)  # a handshake inside connect() fails twice
        _resting[self._server()] = now + REST_SECONDS
        if not already_resting:
            logger.warning(
                "Redis at %s:%s failed (%s): served without it for %.0f s", self.host, self.port, error, REST_SECONDS
            )

    def connect(self):
        if self._sock is None and time.monotonic() < _resting.get(self._server(), 0.0):
            raise RedisResting(f"Redis at {self.host}:{self.port} failed moments ago: not tried")
        try:
            return super().connect()
        except (RedisConnectionError, RedisTimeoutError) as error:
            self._failed(error)
            raise

    def send_packed_command(self, *args, **kwargs):
        try:
            return super().send_packed_command(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            self._failed(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            self._failed(error)
            raise


class RestingConnection(_RestAfterFailure, Connection):
    """``redis://``: a TCP connection that leaves a failed server alone for a few seconds."""


class RestingSSLConnection(_RestAfterFailure, SSLConnection):
    """``rediss://``: the same over TLS."""


def connection_class_for(url: str) -> type[Connection] | None:
    """The connection class for a cache URL, or None where Redis picks its own (a Unix socket)."""
    if url.startswith("rediss://"):
        return RestingSSLConnection
    if url.startswith("redis://"):
        return RestingConnection
    return None


class SkipResting(logging.Filter):
    """Drop the log records of cache calls refused while Redis rests (django-redis logs each)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        seen = 0
        while error is not None and seen < 5:
            if isinstance(error, RedisResting):
                return False
            error, seen = error.__cause__ or error.__context__, seen + 1
        return True
