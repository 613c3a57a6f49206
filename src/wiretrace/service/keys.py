"""API keys of ``wiretrace serve``: made here, kept in the store as salted hashes only.

A key reads ``wt_<key id>_<secret>``: the key id (8 random bytes, hex) finds the key's
row without trying every stored key, and the secret (32 random bytes, URL-safe base64)
is what proves it. The store keeps SHA-256(salt ‖ secret) with a 16-byte random salt of
its own per key. A slow password hash (scrypt, argon2) buys nothing here: it slows the
guessing of *low-entropy* secrets, and a 256-bit random secret cannot be guessed; every
request checks its key, so the check must be cheap. The digests are compared with
:func:`hmac.compare_digest` (constant time), and a key is never logged or stored whole.

Scopes: ``read`` reads; ``write`` reads and posts articles.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from wiretrace.errors import UsageError
from wiretrace.store import Store

SCOPES = ("read", "write")
_KEY = re.compile(r"^wt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


class KeyProblem(UsageError, ValueError):
    """A key command that cannot be done (bad name or scope, name taken, no such key)."""


@dataclass(frozen=True)
class Caller:
    """Who a valid key belongs to."""

    name: str
    scope: str

    def may(self, scope: str) -> bool:
        return scope == "read" or self.scope == "write"


def _digest(salt: bytes, secret: str) -> bytes:
    return hashlib.sha256(salt + secret.encode("ascii")).digest()


def add_key(db: str | Path, name: str, scope: str) -> str:
    """Make a key for ``name`` with ``scope``, store its hash, and return the key (the
    only time it is ever seen whole)."""
    if scope not in SCOPES:
        raise KeyProblem(f"scope {scope!r}: choose read or write")
    if not _NAME.match(name):
        raise KeyProblem(f"key name {name!r}: letters, digits and _ . @ - (64 at most)")
    key_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_bytes(16)
    with Store(db) as store:
        if not store.add_api_key(name, key_id, scope, salt, _digest(salt, secret)):
            raise KeyProblem(f"a live key named {name!r} exists (revoke it first)")
    return f"wt_{key_id}_{secret}"


def list_keys(db: str | Path) -> list[dict]:
    with Store(db, read_only=True) as store:
        return store.api_keys()


def revoke_key(db: str | Path, name: str) -> None:
    with Store(db) as store:
        if not store.revoke_api_key(name):
            raise KeyProblem(f"no live key named {name!r}")


def check_key(store: Store, key: str) -> Caller | None:
    """The caller a presented key belongs to; None when it is malformed, unknown or revoked."""
    found = _KEY.match(key)
    if not found:
        return None
    row = store.api_key(found.group(1))
    if row is None:
        return None
    name, scope, salt, digest = row
    if not hmac.compare_digest(_digest(salt, found.group(2)), digest):
        return None
    return Caller(name, scope)
