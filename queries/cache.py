"""The shared cache: one computation per data version, scope and question, for every reader and every worker.

When a department's Stat meeting starts, a hundred managers open the same scorecard in the same minute. Each
reader's answer depends only on the data version, the reader's scope (their place in the organisation, whether
they read case-level records, small-cell hiding, peers) and what was asked, so those with the same scope share
one answer: `shared(snapshot, scope, name, args, compute)`.

- The backend is Flask-Caching's: Redis when `STATBOARD_CACHE_URL` is set (shared by every server process and
  machine), else a filesystem cache in the instance folder (shared by the processes of one machine).
- The key is a SHA-256 of the code's release (`RELEASE`: a new release never reads an older one's answers),
  the warehouse, the data version (its number and when it was loaded: a warehouse rebuilt from nothing
  restarts at version 1), the scope, the question's name and its arguments. A load
  makes a new version, so a new load can never be answered from the old one; what older versions left
  expires (`TIMEOUT_S`, and the filesystem cache keeps at most `FILES_KEPT` entries). One scope's answer
  can never be found under another's key.
- Identical misses at the same moment compute once: the first takes a lock (a Redis lock, or an exclusive
  lock on a file beside the cache, which holds between threads too); the rest wait for it and read its
  answer. A lock is given up after `LOCK_WAIT_S`, and its holder's after `LOCK_HOLD_S`, so a crashed worker
  cannot stall the others.
- A cache that fails (Redis gone, a full disk) costs speed, never an answer: the question is computed as if
  nothing were cached, and the failure is logged once a minute.
- Outside a running app (the CLI, the benchmarks' own reads) nothing is cached.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import inspect
import json
import logging
import os
import time
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app, has_app_context
from flask_caching import Cache
from flask_caching.backends import FileSystemCache, RedisCache

from queries.cache_codec import Uncacheable, decode, encode

log = logging.getLogger(__name__)

SCHEMA = 2                  # bump when what is cached changes shape: old entries are then never read
TIMEOUT_S = 7 * 24 * 3600   # an entry's life: a version is never changed, so only space limits it
LOCK_WAIT_S = 30            # how long a miss waits for another's identical computation before doing its own
LOCK_HOLD_S = 60            # a lock's life, should its holder die
POLL_S = 0.02               # how often a waiting miss looks for the answer
FILES_KEPT = 5000           # the filesystem cache's size, in entries
LOCKS_KEPT_S = 3600         # a lock file unused this long is swept (at start, and then at most hourly)
_MISSING = object()
_last_warning = [0.0]
_last_sweep = [0.0]


def init_cache(app, settings) -> Cache:
    """Give the Flask `app` its cache, from `settings` (Redis at `cache_url`, else files in the instance)."""
    if settings.cache_url:
        config = {"CACHE_TYPE": "queries.cache.BytesRedisCache", "CACHE_REDIS_URL": settings.cache_url,
                  "CACHE_KEY_PREFIX": "statboard:", "CACHE_DEFAULT_TIMEOUT": TIMEOUT_S,
                  "CACHE_OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2}}
    else:
        folder = Path(settings.instance_dir) / "cache"
        folder.mkdir(parents=True, exist_ok=True)
        config = {"CACHE_TYPE": "queries.cache.BytesFileSystemCache", "CACHE_DIR": str(folder),
                  "CACHE_DEFAULT_TIMEOUT": TIMEOUT_S,
                  "CACHE_THRESHOLD": FILES_KEPT}
    cache = Cache(config=config)
    cache.init_app(app)
    if not settings.cache_url:
        sweep_locks(Path(f"{folder}-locks"))
    app.extensions["statboard_cache"] = cache
    return cache


def _cache() -> Cache | None:
    return current_app.extensions.get("statboard_cache") if has_app_context() else None


def _plain(value):
    """`value` as JSON can hold it, the same text for the same value: dates, refs, scopes, sets."""
    if is_dataclass(value):
        return {"__type": type(value).__name__, **{k: _plain(v) for k, v in asdict(value).items()}}
    if isinstance(value, (date, datetime)):  # tagged: never the same text as a string that reads alike
        return {"__type": type(value).__name__, "iso": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"a cache key cannot hold a {type(value).__name__}")


def _release() -> str:
    """A fingerprint of the code that computes and draws the answers: a new release (a changed query, rule or
    drawing) never reads what the one before it cached for the same data version."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for folder in ("queries", "components", "measures", "pages")
                       for p in (root / folder).rglob("*") if p.suffix in (".py", ".toml")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


RELEASE = _release()


def cache_key(snapshot, scope, name: str, args) -> str:
    """The key of question `name` with `args`, asked in `scope` of `snapshot`'s data version."""
    version = snapshot.version
    # The warehouse by its address (without a password) and the version's file or schema: two deployments
    # sharing one Redis never read each other's answers, even with equal schema names and version numbers.
    engine = getattr(snapshot, "engine", None)
    warehouse = engine.url.render_as_string(hide_password=True) if engine is not None else None
    what = [SCHEMA, RELEASE, warehouse, snapshot.key, version.version_id, version.loaded_at.isoformat(),
            _plain(scope), name, _plain(args)]
    return "answer:" + hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def shared(snapshot, scope, name: str, args, compute):
    """`compute()`, or the answer someone with the same `scope` already computed for `name` and `args` in this
    data version. `args` is what the answer depends on besides the version and the scope (its dates, refs
    and numbers); leaving one out would hand one question's answer to another, so callers pass every argument
    they were given."""
    cache = _cache()
    if cache is None:
        return compute()
    key = cache_key(snapshot, scope, name, args)
    found = _get(cache, key)
    if found is not _MISSING:
        return found
    with _single_flight(cache, key):
        found = _get(cache, key)  # computed by whoever held the lock before us
        if found is not _MISSING:
            return found
        value = compute()
        _set(cache, key, value)
    return value


def answers(name: str, depends=None):
    """Decorate a query function `f(snapshot, scope, ...)` so that its answer is `shared`: keyed by every
    argument it was called with (bound to its signature, defaults filled in), so no call can leave one out, and
    by what `depends()` returns (a setting the answer also depends on)."""
    def decorate(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def cached(snapshot, scope, *args, **kwargs):
            bound = signature.bind(snapshot, scope, *args, **kwargs)
            bound.apply_defaults()
            asked = {k: v for k, v in bound.arguments.items() if k not in ("snapshot", "scope")}
            if depends is not None:
                asked["depends"] = depends()
            return shared(snapshot, scope, name, asked, lambda: function(snapshot, scope, *args, **kwargs))

        cached.uncached = function
        return cached
    return decorate


def _get(cache: Cache, key: str):
    try:
        stored = cache.get(key)
    except Exception as exc:  # noqa: BLE001 - a cache that fails costs speed, never an answer
        _warn("read", exc)
        return _MISSING
    if stored is None:
        return _MISSING
    try:
        return decode(stored)
    except ValueError as exc:  # not written by us (or by another release's codec): computed afresh
        _warn("read", exc)
        return _MISSING


def _set(cache: Cache, key: str, value) -> None:
    try:
        cache.set(key, encode(value))
    except Uncacheable as exc:
        log.debug("not cached: %s", exc)
    except Exception as exc:  # noqa: BLE001
        _warn("write", exc)


class BytesOnly:
    """The cache backends' serializer: what Statboard stores is already bytes (queries/cache_codec.py), so it is
    written and read as it is, and nothing read from a shared Redis or the instance's files is unpickled
    (cachelib's own serializers pickle). The one other thing a backend stores, the file cache's count of its
    entries, is a whole number, written as `#` and its digits."""

    def dumps(self, value) -> bytes:
        if type(value) is int:
            return b"#%d" % value
        if not isinstance(value, bytes):
            raise TypeError("the shared cache stores bytes only")
        return value

    def loads(self, value: bytes | None):
        if value is not None and value.startswith(b"#") and value[1:].isdigit():
            return int(value[1:])
        return value

    def dump(self, value, f) -> None:
        f.write(self.dumps(value))

    def load(self, f):
        return self.loads(f.read())


class BytesRedisCache(RedisCache):
    serializer = BytesOnly()


class BytesFileSystemCache(FileSystemCache):
    serializer = BytesOnly()


def _warn(what: str, exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] > 60:
        _last_warning[0] = now
        log.warning("the shared cache could not %s (answering without it): %s", what, exc)


@contextlib.contextmanager
def _single_flight(cache: Cache, key: str):
    """Held by one computation of `key` at a time, across threads and processes; given up after `LOCK_WAIT_S`."""
    backend = cache.cache
    client = getattr(backend, "_write_client", None)
    if client is not None:  # Redis
        try:
            lock = client.lock(f"statboard:lock:{key}", timeout=LOCK_HOLD_S, blocking_timeout=LOCK_WAIT_S,
                               sleep=POLL_S)
            held = lock.acquire()
        except Exception as exc:  # noqa: BLE001
            _warn("lock", exc)
            yield
            return
        try:
            yield
        finally:
            if held:
                with contextlib.suppress(Exception):
                    lock.release()
        return
    folder = getattr(backend, "_path", None)
    if folder is None:  # a backend without a place for locks: each computes its own
        yield
        return
    # Beside the cache's folder, not in it: the cache clears its folder of files.
    path = Path(f"{folder}-locks") / f"{key.split(':')[-1][:32]}.lock"
    if time.monotonic() - _last_sweep[0] > LOCKS_KEPT_S:
        sweep_locks(path.parent)
    try:
        path.parent.mkdir(exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        _warn("lock", exc)
        yield
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                with contextlib.suppress(OSError):
                    os.utime(handle)  # used now: the sweep leaves it
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break  # compute without it rather than wait longer
                time.sleep(POLL_S)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def sweep_locks(folder: Path, unused_for_s: float = LOCKS_KEPT_S) -> int:
    """Remove the lock files in `folder` that no one has used for `unused_for_s` and no one holds; how many.

    One file is made per question per data version, so without this they would pile up for ever. A file is
    removed only while this process holds its lock: one that another process holds stays (removing it would let
    a third take a second lock on a new file of the same name). A process that opened a file just before it
    went computes without the lock: the same answer twice, never a wrong one.
    """
    _last_sweep[0] = time.monotonic()
    removed, now = 0, time.time()
    try:
        candidates = [p for p in folder.glob("*.lock") if now - p.stat().st_mtime > unused_for_s]
    except OSError:
        return 0
    for path in candidates:
        try:
            handle = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink()
            removed += 1
        except OSError:  # held by another process (BlockingIOError), or gone already
            pass
        finally:
            os.close(handle)
    return removed
