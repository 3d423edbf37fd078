"""What ``lessonplan serve`` gives uvicorn beyond the app: TCP_NODELAY on every connection.

With ``--workers N`` uvicorn binds one socket in the parent (``socket.socket(family)``, whose
``proto`` is 0) and every worker accepts on it; asyncio sets TCP_NODELAY only on sockets whose
``proto`` is ``IPPROTO_TCP``, so a worker's connections keep Nagle's algorithm, and a response
written in two parts (headers, body) waits for the client's delayed ACK: about 40 ms a request on
Linux. The protocol below sets the option on each accepted connection, in every worker.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

# The import string uvicorn's ``http=`` takes (workers are separate processes).
HTTP_PROTOCOL = "lessonplan.api.server:NoDelayHTTPProtocol"


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """TCP_NODELAY on the transport's socket, when it is a TCP socket."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's HTTP protocol (httptools when installed, else h11) with TCP_NODELAY set."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        set_nodelay(transport)
        super().connection_made(transport)
