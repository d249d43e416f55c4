"""API key format and hashing: pure functions, no database.

A key reads `sd_<prefix>_<secret>`. The prefix (8 characters) finds the row; the secret (40 random
characters, ~238 bits) is never stored — only SHA-256 of the whole key. A fast hash is right here:
a secret this long cannot be guessed, so a slow password hash would only slow down every request."""
import hashlib
import hmac
import secrets
import string

KEY_PREFIX = "sd"
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
SECRET_ALPHABET = string.ascii_letters + string.digits
PREFIX_LENGTH = 8
SECRET_LENGTH = 40


def key_generate() -> tuple[str, str]:
    """A new (prefix, full key). The full key is shown once and then forgotten."""
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    secret = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    return prefix, f"{KEY_PREFIX}_{prefix}_{secret}"


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def key_prefix(raw_key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None (then no database query is made)."""
    parts = raw_key.split("_")
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    prefix, secret = parts[1], parts[2]
    if len(prefix) != PREFIX_LENGTH or len(secret) != SECRET_LENGTH:
        return None
    if not all(c in PREFIX_ALPHABET for c in prefix) or not all(c in SECRET_ALPHABET for c in secret):
        return None
    return prefix


def key_matches(raw_key: str, stored_hash: str) -> bool:
    # Constant time: the comparison must not tell an attacker how many characters were right.
    return hmac.compare_digest(key_hash(raw_key), stored_hash)
