"""Progress of long work on the terminal: done/total, rate, ETA, on one rewritten line.

Only when stderr is a terminal; in CI logs and pipes it stays quiet (the log has the summary).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Call :meth:`advance` as items finish and :meth:`close` at the end."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None, *, every: float = 0.2) -> None:
        self.what, self.total, self.done = what, total, 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() and total > 1
        self.started = self.last = time.monotonic()
        self.every = every

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self.last >= self.every or self.done == self.total):
            self.last = now
            self.stream.write("\r\033[K" + self.line(now))
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """``what done/total (pct) rate/s ETA``: the text shown, also for tests."""
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate else float("inf")
        pct = 100 * self.done / self.total if self.total else 100
        eta_text = f"ETA {eta:.0f} s" if eta != float("inf") else "ETA ?"
        return f"{self.what} {self.done}/{self.total} ({pct:.0f}%) {rate:.0f}/s {eta_text}"

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
