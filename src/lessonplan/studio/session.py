"""Who is using the studio: the API key from the login cookie, and the CSRF token of its forms."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request

from lessonplan.access import LOCAL, Caller, KeyRing, LearnerScope

KEY_COOKIE = "lessonplan_key"
CSRF_COOKIE = "lessonplan_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """No valid key cookie while keys are configured: the page redirects to the login form."""


class CsrfRejected(Exception):
    """A form or script request without the token of this browser's session."""


@dataclass(frozen=True)
class StudioUser:
    caller: Caller
    csrf: str
    new_csrf: bool  # the CSRF cookie must be set on the response

    @property
    def can_edit(self) -> bool:
        """Compile, regenerate, review, roll back and edit: an admin key, or the local author."""
        return self.caller.is_admin or self.caller.role == "local"

    @property
    def sees_everyone(self) -> bool:
        return not self.caller.is_bound

    @property
    def label(self) -> str:
        return self.caller.label

    @property
    def signed_in(self) -> bool:
        return self.caller is not SIGNED_OUT


# Not signed in (the login page, an error page before login): reaches no learner, edits nothing.
SIGNED_OUT = Caller(role="client", scope=LearnerScope(), label="signed out")


def current_user(request: Request, *, signed_out_ok: bool = False) -> StudioUser:
    """The key from the login cookie (or the local user of a keyless server), with this
    browser's CSRF token (a new one when it has none). Without a valid key: LoginRequired,
    or the signed-out user with ``signed_out_ok``."""
    ring: KeyRing = request.app.state.key_ring
    csrf = request.cookies.get(CSRF_COOKIE) or ""
    new_csrf = len(csrf) < 32
    if new_csrf:
        csrf = secrets.token_urlsafe(32)
    if not ring.configured:
        return StudioUser(caller=LOCAL, csrf=csrf, new_csrf=new_csrf)
    key = request.cookies.get(KEY_COOKIE) or ""
    caller = ring.caller(key) if key else None
    if caller is None:
        if signed_out_ok:
            return StudioUser(caller=SIGNED_OUT, csrf=csrf, new_csrf=new_csrf)
        raise LoginRequired
    request.state.caller = caller.label
    return StudioUser(caller=caller, csrf=csrf, new_csrf=new_csrf)


def check_csrf(request: Request, given: str | None) -> None:
    """The token must come back in the form field (or header) and match the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    if not cookie or not given or not hmac.compare_digest(cookie, given):
        raise CsrfRejected
