"""Wall time and peak memory of a child process, measured from outside it.

Why ``os.wait4`` and not ``resource.getrusage(RUSAGE_CHILDREN)``: the latter is a running
maximum over *every* child the benchmark ever waited for, so one big build would hide the
memory of every later, smaller stage. ``wait4`` returns the rusage of exactly the process it
reaped; on Linux its ``ru_maxrss`` also covers that process's own waited-for children (the
fast validator's forked worker, ``oxigraph load``), as the largest single process of the tree.

A long-running server is never reaped while we measure it, so its peak comes from
``/proc/<pid>/status`` (``VmHWM``, the resident high-water mark) instead.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("bench")


@dataclass(frozen=True)
class Measured:
    """One finished child: what ran, how long, how much memory, and what it said."""

    argv: tuple[str, ...]
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str

    def tail(self, chars: int = 800) -> str:
        """The end of stderr, for error messages."""
        return self.stderr.strip()[-chars:]


def run_measured(argv: list[str], *, cwd: Path | None = None) -> Measured:
    """Run ``argv`` to completion; wall seconds from spawn to reap, peak RSS of that child.

    Output goes to temporary files rather than pipes: a child writing megabytes of report
    while we block in ``wait4`` would otherwise deadlock on a full pipe.
    """
    log.debug("running %s", " ".join(argv))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by us: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return Measured(
            argv=tuple(argv),
            seconds=seconds,
            peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def vmhwm_mb(pid: int) -> float | None:
    """Peak resident memory so far of a live process, or None where /proc is not available."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks; enough for 20 samples."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no samples")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
