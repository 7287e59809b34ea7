"""The user's cache folder: what one run works out and the next can reuse (the report's compiled
templates, the compiled message catalogs, the working-day calendars), each under a key of all it
depends on, so that a report reads the same with or without it.

`$CCHC_AUDIT_CACHE` names the folder, `off` turns it off; else the platform's user cache folder
(`~/.cache/cchc-audit` on Linux). Each use keeps its entries under a key of everything they
depend on, so an edited catalog, a changed template or another version of a library is compiled
anew. Entries are code or data this process runs or trusts, so a folder is used only when it is
the user's alone (mode 0700) and no one else can write on the way to it, as Jinja checks its own
default; where it cannot be made (a worker
whose home is read-only) there is none, and each run compiles what it needs, as before.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

VARIABLE = "CCHC_AUDIT_CACHE"


def key(*parts) -> str:
    """A short name for `parts` (bytes or anything with a stable repr)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _safe(folder: Path, others: int) -> bool:
    """The user's own, writable, and closed to others as far as the `others` mode bits say."""
    try:
        info = folder.stat()
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return mine and not info.st_mode & others and os.access(folder, os.W_OK | os.X_OK)


def folder(*names: str) -> Path | None:
    """The cache's sub-folder `names` (made, mode 0700), or None (off, cannot be made, not private)."""
    chosen = os.environ.get(VARIABLE, "")
    if chosen.lower() == "off":
        return None
    if chosen:
        root = Path(chosen)
    else:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("cchc-audit"))
    path = root
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in names:
            path = path / name
            path.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    # No one else may write on the way (0o022), and the folder itself is the user's alone.
    on_the_way = [root] + [root.joinpath(*names[:i]) for i in range(1, len(names))]
    return path if all(_safe(p, 0o022) for p in on_the_way) and _safe(path, 0o077) else None


def write(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (a concurrent reader never sees half); failures ignored."""
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        try:
            os.unlink(handle.name)
        except (OSError, UnboundLocalError, NameError):
            pass


def kept(area: str | None, name: str, compute, encode=bytes, decode=bytes):
    """`compute()`, or its result as kept under `area/name` (the name must say all it depends on);
    a kept entry that cannot be read or decoded is computed again, and a new result is kept.
    `area` None: no cache, compute."""
    place = folder(area) if area else None
    path = place / name if place is not None else None
    if path is not None:
        try:
            return decode(path.read_bytes())
        except (OSError, ValueError, TypeError, AttributeError):
            pass
    value = compute()
    if path is not None:
        write(path, encode(value))
    return value

