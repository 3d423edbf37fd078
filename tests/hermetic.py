"""What keeps the suite hermetic: a clean environment and no real network.

``clean_environ`` drops every ``LESSONPLAN_*``, ``OPENAI_*`` and ``ANTHROPIC_*`` variable (and a
``PROMETHEUS_MULTIPROC_DIR`` left by an in-process ``serve --workers N``) but the
test-infrastructure ones (``LESSONPLAN_TEST_*``): a developer's shell (a quality policy, an API
key, a fallback chain) must not change what a test sees or let it call a real API.

``NetworkGuard`` refuses every socket connection that is not to the loopback interface or a unix
socket, and DNS lookups of names other than ``localhost``. A refused call raises
:class:`RealNetworkCallError` at once and is remembered, so a test whose code swallowed the error
(an SDK that maps it to "provider unavailable", a fallback chain) still fails.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Iterator, Mapping
from typing import Any

CLEARED_PREFIXES = ("LESSONPLAN_", "OPENAI_", "ANTHROPIC_", "PROMETHEUS_MULTIPROC_DIR")
KEPT_PREFIXES = ("LESSONPLAN_TEST_",)
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def is_cleared(name: str) -> bool:
    return name.startswith(CLEARED_PREFIXES) and not name.startswith(KEPT_PREFIXES)


def clean_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``environ`` (default: ``os.environ``) without the cleared variables."""
    source = os.environ if environ is None else environ
    return {k: v for k, v in source.items() if not is_cleared(k)}


def cleared_names(environ: Mapping[str, str] | None = None) -> Iterator[str]:
    source = os.environ if environ is None else environ
    return (name for name in list(source) if is_cleared(name))


class RealNetworkCallError(RuntimeError):
    """A test tried to reach a host other than loopback."""


def _is_loopback_host(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class NetworkGuard:
    """Patches ``socket`` so that only loopback and unix-socket connections go through."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self._lock = threading.Lock()
        self._saved: dict[str, Any] = {}

    def _refuse(self, what: str) -> RealNetworkCallError:
        with self._lock:
            self.violations.append(what)
        return RealNetworkCallError(f"tests must not use the network: {what}")

    def install(self) -> None:
        if self._saved:
            return
        guard = self
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_getaddrinfo = socket.getaddrinfo

        def check_address(sock: socket.socket, address: Any) -> None:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                host = address[0] if isinstance(address, tuple) else address
                if not _is_loopback_host(host):
                    raise guard._refuse(f"connect to {address!r}")

        def connect(self: socket.socket, address: Any) -> None:
            check_address(self, address)
            real_connect(self, address)

        def connect_ex(self: socket.socket, address: Any) -> int:
            check_address(self, address)
            return real_connect_ex(self, address)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not _is_loopback_host(host):
                raise guard._refuse(f"DNS lookup of {host!r}")
            return real_getaddrinfo(host, *args, **kwargs)

        self._saved = {
            "connect": real_connect,
            "connect_ex": real_connect_ex,
            "getaddrinfo": real_getaddrinfo,
        }
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = getaddrinfo

    def uninstall(self) -> None:
        if not self._saved:
            return
        socket.socket.connect = self._saved["connect"]  # type: ignore[method-assign]
        socket.socket.connect_ex = self._saved["connect_ex"]  # type: ignore[method-assign]
        socket.getaddrinfo = self._saved["getaddrinfo"]
        self._saved = {}

    def take_violations(self) -> list[str]:
        with self._lock:
            found, self.violations = self.violations, []
        return found


GUARD = NetworkGuard()
