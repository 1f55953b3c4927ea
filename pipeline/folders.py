"""A complete new folder → in place of an output folder, in one atomic step (dumps, triple stores).

Readers of ``dist/`` (or of ``serve``'s store folder) must see the old folder or the new one,
whole, even if the process is killed or the machine loses power at any instant. The new folder
is written next to the target as ``.{name}.tmp-{pid}`` (files and folder fsynced), then the two
are swapped with one ``renameat2(RENAME_EXCHANGE)`` system call (Linux ≥ 3.15; ext4, xfs,
btrfs, tmpfs…): there is no instant without a complete target. The old content, now under the
temporary name, is deleted afterwards; if the process dies before that, the next switch of the
same folder deletes it (and the ``.old-``/``.loading-`` leftovers of earlier versions).

Where the exchange is not available (other systems, some file systems) the switch falls back to
two renames (target → ``.{name}.old-{pid}``, new → target), logs that it is not atomic here, and
the next switch puts ``.old-`` back if a crash fell between the two.

Switches of one folder are serialized by an exclusive ``flock`` on ``.{name}.lock`` beside it,
so a second build never deletes the folder a first one is still writing.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: Leftover kinds: ``tmp`` (written, maybe switched), ``old`` (the fallback's old folder) and
#: ``loading`` (serve's staging store in earlier versions). Never ``.{name}.cache``: the build cache.
_LEFTOVERS = ("tmp", "old", "loading")


class ExchangeUnsupported(OSError):
    """This system or file system cannot exchange two paths atomically."""


def exchange(a: Path, b: Path) -> None:
    """Swap the two existing paths ``a`` and ``b`` in one step (``renameat2(RENAME_EXCHANGE)``).

    Raises ExchangeUnsupported where the call or the flag is missing, OSError otherwise.
    """
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError) as exc:  # not glibc ≥ 2.28 / not Linux
        raise ExchangeUnsupported(errno.ENOSYS, "renameat2 is not available") from exc
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise ExchangeUnsupported(code, f"cannot exchange folders here: {os.strerror(code)}", str(a))
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def temporary_sibling(target: Path) -> Path:
    """Where a new version of ``target`` is written before the switch: ``.{name}.tmp-{pid}``."""
    return target.parent / f".{target.name}.tmp-{os.getpid()}"


@contextlib.contextmanager
def folder_lock(target: Path) -> Iterator[None]:
    """Exclusive lock on switching ``target`` (``.{name}.lock`` beside it; released on exit or death)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target.parent / f".{target.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def recover_and_clean(target: Path) -> None:
    """Remove what earlier, interrupted switches of ``target`` left; call under :func:`folder_lock`.

    A missing target with a fallback ``.old-`` copy (a crash between the two renames) gets that
    copy back first: it is the last folder that was complete in place.
    """
    found = {kind: sorted(target.parent.glob(f".{target.name}.{kind}-*")) for kind in _LEFTOVERS}
    if not target.exists() and not target.is_symlink() and len(found["old"]) == 1:
        found["old"][0].rename(target)
        log.warning("restored %s from an interrupted switch", target)
        found["old"] = []
    for path in (p for paths in found.values() for p in paths):
        log.info("removing %s, left by an interrupted run", path)
        _remove(path)


def publish_folder(target: Path, fill: Callable[[Path], None], *, durable: bool = True) -> None:
    """Replace the folder ``target`` by a new one that ``fill(folder)`` writes, atomically.

    ``fill`` gets an empty folder beside ``target``; if it raises, ``target`` is untouched and
    the new folder is removed. ``target`` may be missing; it must not be a symlink (resolve it
    first: the folder it points at is what gets replaced). ``durable=False`` skips fsyncing every
    file before the switch (still atomic for readers, not across a power loss): for output that
    is regenerated from other output, such as the static site's tens of thousands of pages.
    """
    with folder_lock(target):
        recover_and_clean(target)
        new = temporary_sibling(target)
        new.mkdir()
        try:
            fill(new)
            if durable:
                _sync_tree(new)
        except BaseException:
            _remove(new)
            raise
        switch(new, target)


def switch(new: Path, target: Path) -> None:
    """Put the complete folder ``new`` in place of ``target`` (one exchange), then drop the old one."""
    if not target.exists():
        new.rename(target)  # nothing to replace: one rename(2) is atomic
        _sync_dir(target.parent)
        return
    try:
        exchange(new, target)
    except ExchangeUnsupported as exc:
        log.warning("%s; %s is replaced by two renames (not atomic on this system)", exc.strerror, target)
        _switch_by_two_renames(new, target)
        return
    except BaseException:
        _remove(new)
        raise
    _sync_dir(target.parent)
    _remove(new)  # now the old content


def _switch_by_two_renames(new: Path, target: Path) -> None:
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    try:
        target.rename(old)
        new.rename(target)
    except BaseException:
        _remove(new)
        if old.exists() and not target.exists():
            old.rename(target)
        raise
    _sync_dir(target.parent)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _sync_tree(folder: Path) -> None:
    """fsync every file and folder below ``folder``: the switch must not outrun the data."""
    for root, _, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _sync_dir(Path(root))


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
