"""Pseudonymous keys for persons and organisations.

Keys are HMAC-SHA256 of a normalised identifier under a secret that never enters the
repository, so a key cannot be reversed by hashing guessed emails without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipelines import settings

KEY_LENGTH = 16


class MissingSecretError(RuntimeError):
    pass


def create_secret(path: Path | None = None) -> Path:
    """Create the secret file (mode 0600) if it does not exist; return its path."""
    path = path or settings.secret_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path


@lru_cache(maxsize=8)
def _load_secret(path: Path) -> bytes:
    try:
        value = path.read_text().strip()
    except FileNotFoundError as exc:
        raise MissingSecretError(
            f"No HMAC secret at {path}. Create one with `cci init-secret` "
            f"(or point {settings.SECRET_FILE_ENV} at an existing secret file)."
        ) from exc
    if len(value) < 32:
        raise MissingSecretError(f"The HMAC secret in {path} is too short (need at least 32 characters).")
    return value.encode()


def secret() -> bytes:
    return _load_secret(settings.secret_file())


def normalise_identifier(value: str) -> str:
    """Case-, width- and whitespace-insensitive form of an identifier before hashing."""
    if value.isascii():  # NFKC leaves ASCII alone and casefold() is lower() there: same result
        text = value.lower()
    else:
        text = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(text.split())


def keyed_hash(kind: str, value: str, key: bytes | None = None) -> str:
    """HMAC of ``kind:value``; ``kind`` keeps person and organisation key spaces apart."""
    message = f"{kind}:{normalise_identifier(value)}".encode()
    return hmac.digest(key or secret(), message, "sha256").hex()[:KEY_LENGTH]


def keyed_hashes(kind: str, values: Iterable[str], key: bytes | None = None) -> list[str]:
    """``[keyed_hash(kind, v, key) for v in values]``, faster for many values: the HMAC
    (RFC 2104) key pads are hashed once and each value costs two SHA-256 copies."""
    key = key or secret()
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    prefix = f"{kind}:"
    out: list[str] = []
    append = out.append
    for value in values:
        digest = inner.copy()
        digest.update((prefix + normalise_identifier(value)).encode())
        final = outer.copy()
        final.update(digest.digest())
        append(final.hexdigest()[:KEY_LENGTH])
    return out


def person_key(identifier: str, key: bytes | None = None) -> str:
    return keyed_hash("person", identifier, key)


def organisation_key(identifier: str, key: bytes | None = None) -> str:
    return keyed_hash("organisation", identifier, key)


def email_key(email: str, key: bytes | None = None) -> str:
    """Key of one email address, used by erasure tombstones."""
    return keyed_hash("email", email, key)
