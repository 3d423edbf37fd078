"""The web studio for curriculum authors and teachers, served by ``lessonplan serve`` at ``/``.

Server-rendered pages (Jinja2 templates under ``templates/``, one per page, partials for what
the page swaps), static assets shipped in the package (``static/``: the studio's CSS and script,
and htmx vendored with its licence): nothing is loaded from the internet. Pages work without
JavaScript; the script adds live compile progress and the furigana / romaji toggles.

Access is the HTTP API's: the login form takes an API key and keeps it in an HTTP-only,
SameSite=Strict cookie; forms that change anything carry a CSRF token (double-submit cookie).
Without an admin key the studio is read-only and shows published lessons only. A server with
no keys configured answers loopback clients only and treats them as its local author.
"""

from __future__ import annotations

from fastapi import FastAPI


def install_studio(app: FastAPI) -> None:
    from lessonplan.studio.routes import mount

    mount(app)
