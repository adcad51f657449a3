"""Sessions in the database behind the cache, still readable while the cache is away.

Django's `cached_db` store lets a failing cache raise out of a session read (it fills the cache
after reading the database, and `exists` and `delete` ask the cache first), so a Redis outage
signed everybody out with a 500. Here a failing cache is a miss: the database answers, and the
cache fills again once it is back."""

import inspect
import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class _CacheOrMiss:
    """The session cache, where any error is logged and reads as a miss (None, False)."""

    def __init__(self, cache):
        self._cache = cache

    def __contains__(self, key) -> bool:
        return bool(self.has_key(key))

    def __getattr__(self, name):
        method = getattr(self._cache, name)
        if inspect.iscoroutinefunction(method):

            async def guarded_async(*args, **kwargs):
                try:
                    return await method(*args, **kwargs)
                except Exception as exc:
                    self._log(name, exc)
                    return None

            return guarded_async

        def guarded(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                self._log(name, exc)
                return None

        return guarded

    @staticmethod
    def _log(name: str, exc: Exception) -> None:
        logger.warning("Session cache %s failed (%s); using the database", name, exc)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _CacheOrMiss(self._cache)
