"""Database failures mapped to lessonplan's typed errors at the store boundary.

Connection refused, a server that went away, a pool that timed out, SQLite's "unable to open" or
"database is locked" after the busy timeout: all become :class:`StoreUnavailableError` (HTTP 503,
CLI exit 1 with one line). Integrity and programming errors are bugs and pass through unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import exc as sa_exc

from lessonplan.errors import StoreUnavailableError


def _reason(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip()
    first = text.splitlines()[0] if text else type(inner).__name__
    return f"{type(inner).__name__}: {first[:200]}" if first != type(inner).__name__ else first


def is_unavailable(exc: BaseException) -> bool:
    """True for failures of reaching or using the database, as opposed to bugs in a query."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(
        exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError | OSError
    )


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise database unavailability as :class:`StoreUnavailableError` (``from`` the cause)."""
    try:
        yield
    except StoreUnavailableError:
        raise
    except (sa_exc.SQLAlchemyError, OSError) as exc:
        if not is_unavailable(exc):
            raise
        raise StoreUnavailableError(f"database unavailable ({_reason(exc)})") from exc


class DescriptorChanged(Exception):
    """The catalog no longer holds the descriptor content a plan key was computed from (another
    process imported it, or removed it): the caller re-reads the descriptor and the key."""

    def __init__(self, uid: str) -> None:
        super().__init__(f"descriptor {uid!r} changed in the catalog")
        self.uid = uid
