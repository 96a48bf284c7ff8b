"""The instance's files hold every child's records: only the account that runs Statboard may read them.

Folders Statboard makes are 0700 and files 0600, whatever the umask (a login shell's 022 would make them
readable by every local account), as the CLI's `--out` exports already are (`tempfile.mkstemp`). The app
and the loader must therefore run as the same account.
"""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Make `path` and any missing folders above it, each 0700; a folder that exists is left as it is."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # made meanwhile by another process
            continue
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask; this is not
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty and 0600 when missing; when it exists and is ours, take away group and other access."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        os.chmod(path, FILE_MODE)
    except FileExistsError:
        info = os.stat(path)
        if info.st_uid == os.geteuid() and info.st_mode & 0o077:
            try:
                os.chmod(path, info.st_mode & 0o7700)
            except OSError as exc:  # a file system without modes: nothing to take away
                log.warning("could not make %s private: %s", path, exc)
    return path


@contextlib.contextmanager
def private_umask():
    """Files and folders created meanwhile, by this process or a library it calls (DuckDB's database file and
    write-ahead log), are private. The umask is the process's: used around a load, which runs alone."""
    old = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(old)
