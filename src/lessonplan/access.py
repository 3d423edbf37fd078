"""Who may call the HTTP API, and which learners each caller reaches (pure: no I/O, no FastAPI).

Two kinds of key:

- **admin keys** (``LESSONPLAN_API_KEYS``, comma list): every route, every learner, the admin
  routes (rollback, manual edit, cache deletion) and ``use_cache: false``;
- **client keys** (``LESSONPLAN_CLIENT_KEYS``, and/or one entry a line in the file named by
  ``LESSONPLAN_CLIENT_KEYS_FILE``): the learner-facing routes, for the learners the key is
  bound to. An entry is ``KEY=SCOPE``; ``SCOPE`` is ``*`` (every learner: a product backend
  acting for all its learners) or ``|``-separated learner ids, where ``tenant/*`` stands for
  every learner id starting with ``tenant/``. Example:
  ``LESSONPLAN_CLIENT_KEYS="k-3f9…=maria|ken, k-8a1…=acme/*, k-77c…=*"``.

``KEY`` may be given as ``sha256:<64 hex digits>`` (``printf %s KEY | sha256sum``) so that the
configuration holds no usable secret. Keys are kept only as SHA-256 digests in memory, compared
with every configured digest in constant time (no early exit), and never logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

MIN_API_KEY_LENGTH = 12
PLACEHOLDER_KEYS = {"changeme", "changethis", "secret", "password", "apikey", "api-key", "admin"}
_HASHED = re.compile(r"^sha256:([0-9a-fA-F]{64})$")

Role = Literal["admin", "client", "local"]


class KeyConfigError(ValueError):
    """A key entry that cannot be used; the message never contains the key."""


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()


@dataclass(frozen=True)
class LearnerScope:
    """The learners a key reaches: every one, or named ids and ``prefix/*`` tenants."""

    everyone: bool = False
    learners: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> LearnerScope:
        parts = [p.strip() for p in text.split("|") if p.strip()]
        if not parts:
            raise KeyConfigError("an empty scope: give '*' or learner ids separated by '|'")
        if "*" in parts:
            if len(parts) > 1:
                raise KeyConfigError("'*' (every learner) cannot be combined with learner ids")
            return cls(everyone=True)
        learners = frozenset(p for p in parts if not p.endswith("*"))
        prefixes = tuple(p[:-1] for p in parts if p.endswith("*"))
        if any(not prefix or "*" in prefix for prefix in prefixes):
            raise KeyConfigError("a tenant is written 'prefix*' (e.g. 'acme/*')")
        return cls(learners=learners, prefixes=prefixes)

    def reaches(self, learner_id: str) -> bool:
        return self.everyone or learner_id in self.learners or learner_id.startswith(self.prefixes)


EVERYONE = LearnerScope(everyone=True)


@dataclass(frozen=True)
class ApiKey:
    """A configured key: its digest, its role and the learners it reaches."""

    key_digest: bytes = field(repr=False)
    role: Literal["admin", "client"]
    scope: LearnerScope = EVERYONE
    label: str = ""  # "admin key 1", "client key 3": what a log may say


@dataclass(frozen=True)
class Caller:
    """Who is calling: an admin, a client key with its scope, or ``local`` (no key configured:
    the server then answers loopback clients only)."""

    role: Role
    scope: LearnerScope = EVERYONE
    label: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_bound(self) -> bool:
        """True for a key bound to some learners (not ``*``)."""
        return not self.scope.everyone

    def reaches(self, learner_id: str) -> bool:
        return self.scope.reaches(learner_id)


LOCAL = Caller(role="local", label="local (no API key configured)")


def _secret_digest(secret: str, what: str) -> bytes:
    hashed = _HASHED.match(secret)
    if hashed:
        return bytes.fromhex(hashed.group(1))
    if secret.lower() in PLACEHOLDER_KEYS or len(secret) < MIN_API_KEY_LENGTH:
        raise KeyConfigError(
            f"{what}: a placeholder or a key shorter than {MIN_API_KEY_LENGTH} characters; "
            "use random keys (e.g. `openssl rand -hex 24`)"
        )
    return digest(secret)


def _entries(text: str) -> list[str]:
    """Entries separated by commas or new lines; a line starting with ``#`` is a comment."""
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return [e.strip() for line in lines for e in line.split(",") if e.strip()]


def parse_admin_keys(text: str) -> list[ApiKey]:
    """``LESSONPLAN_API_KEYS``: comma-separated keys (or ``sha256:`` digests)."""
    return [
        ApiKey(_secret_digest(entry, f"admin key {i}"), "admin", EVERYONE, f"admin key {i}")
        for i, entry in enumerate(_entries(text), start=1)
    ]


def parse_client_keys(text: str, *, first_index: int = 1) -> list[ApiKey]:
    """Client key entries ``KEY=SCOPE`` separated by commas or new lines (``#`` comments)."""
    keys = []
    for i, entry in enumerate(_entries(text), start=first_index):
        what = f"client key {i}"
        secret, sep, scope = entry.partition("=")
        if not sep:
            raise KeyConfigError(
                f"{what}: write KEY=SCOPE (SCOPE: '*' or learner ids separated by '|')"
            )
        try:
            parsed = LearnerScope.parse(scope)
        except KeyConfigError as exc:
            raise KeyConfigError(f"{what}: {exc}") from None
        keys.append(ApiKey(_secret_digest(secret.strip(), what), "client", parsed, what))
    return keys


@dataclass(frozen=True)
class KeyRing:
    """Every configured key. Empty: no key configured (loopback-only, admin routes closed)."""

    keys: tuple[ApiKey, ...] = ()

    @classmethod
    def from_config(
        cls, *, admin_keys: str = "", client_keys: str = "", client_keys_file: Path | None = None
    ) -> KeyRing:
        keys = parse_admin_keys(admin_keys)
        clients = parse_client_keys(client_keys)
        if client_keys_file is not None:
            try:
                text = Path(client_keys_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise KeyConfigError(
                    f"cannot read the client key file {client_keys_file}: {type(exc).__name__}"
                ) from None
            clients += parse_client_keys(text, first_index=len(clients) + 1)
        return cls(tuple(keys + clients))

    @property
    def configured(self) -> bool:
        return bool(self.keys)

    @property
    def has_admin(self) -> bool:
        return any(k.role == "admin" for k in self.keys)

    def match(self, given: str) -> ApiKey | None:
        """The key ``given`` is, comparing its digest with every configured one (no early
        exit: the time taken says nothing about which key, or how much of one, matched)."""
        candidate = digest(given)
        found: ApiKey | None = None
        for key in self.keys:
            if hmac.compare_digest(candidate, key.key_digest) and found is None:
                found = key
        return found

    def caller(self, given: str) -> Caller | None:
        key = self.match(given)
        if key is None:
            return None
        return Caller(role=key.role, scope=key.scope, label=key.label)
