"""Slowing password guessing down: failed logins counted per account and per address, and a
bound on password checks running at once (argon2 takes 64 MiB each: forty parallel wrong logins
took the API from 210 MB to 868 MB).

Counts live in the API process's memory: one API process per machine is how sohoa is deployed
(docs/deployment.md); behind several, each slows guessing down on its own.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sohoa.api.errors import TooManyAttempts


@dataclass
class LoginThrottle:
    """``max_per_account`` failures of one username, or ``max_per_address`` from one address,
    within ``window_seconds`` lock further tries out until the oldest failure ages out."""

    max_per_account: int = 5
    max_per_address: int = 20
    window_seconds: float = 900.0
    concurrent_checks: int = 2
    wait_seconds: float = 10.0  # a check waits this long for a free slot, then 429
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _slots: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.concurrent_checks)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window_seconds:
            times.popleft()
        return times

    def check(self, username: str, address: str) -> None:
        """Raise ``TooManyAttempts`` (with the seconds to wait) while either key is locked."""
        now = self.clock()
        with self._lock:
            for key, limit in (
                (f"user:{username.casefold()}", self.max_per_account),
                (f"addr:{address}", self.max_per_address),
            ):
                times = self._recent(key, now)
                if len(times) >= limit:
                    wait = int(times[0] + self.window_seconds - now) + 1
                    raise TooManyAttempts(f"thử lại sau {wait} giây", retry_after=wait)

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (f"user:{username.casefold()}", f"addr:{address}"):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        """A right password clears the account's count (not the address's: one office's PC
        may serve several staff)."""
        with self._lock:
            self._failures.pop(f"user:{username.casefold()}", None)

    @contextmanager
    def password_check(self) -> Iterator[None]:
        """One of ``concurrent_checks`` slots for an argon2 verification, or 429 when none
        frees up within ``wait_seconds``."""
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise TooManyAttempts("máy chủ đang bận kiểm tra mật khẩu", retry_after=5)
        try:
            yield
        finally:
            self._slots.release()
