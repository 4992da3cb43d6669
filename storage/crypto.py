"""Encryption at rest for what people write: AES-GCM from `cryptography`.

Free-text answers, conversation states, names and replies waiting to be sent are
stored as `enc1:KEY_ID:BASE64(nonce + ciphertext)`. The key ring lives in a key file
(created on first run, readable by its owner only) or comes from a setting. Rotation
adds a new primary key, re-encrypts every value, and retires the old keys.
"""

from __future__ import annotations

import base64
import os
import secrets
import weakref
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1:"


class UnknownKey(Exception):
    """A value sealed with a key this installation does not have."""


class Cipher:
    def __init__(self, keys: dict[str, bytes], primary: str) -> None:
        self.keys = dict(keys)
        self.primary = primary
        self._aead = {key_id: AESGCM(key) for key_id, key in keys.items()}

    @classmethod
    def generate(cls) -> Cipher:
        key_id = secrets.token_hex(4)
        return cls({key_id: AESGCM.generate_key(bit_length=256)}, key_id)

    def seal(self, text: str | None) -> str | None:
        if text is None:
            return None
        nonce = os.urandom(12)
        sealed = self._aead[self.primary].encrypt(nonce, text.encode("utf-8"), None)
        return f"{PREFIX}{self.primary}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, value: str | None) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value  # written before encryption was on; sealed when next written
        key_id, _, body = value[len(PREFIX):].partition(":")
        if key_id not in self._aead:
            raise UnknownKey(f"no key {key_id!r} in the key ring")
        raw = base64.b64decode(body)
        return self._aead[key_id].decrypt(raw[:12], raw[12:], None).decode("utf-8")

    # --- the key file: one "KEY_ID BASE64KEY" a line, the primary first ---------------
    @classmethod
    def from_text(cls, text: str) -> Cipher:
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                key_id, key = line.split()
                keys[key_id] = base64.b64decode(key)
                order.append(key_id)
        if not order:
            raise ValueError("the key file holds no key")
        return cls(keys, order[0])

    def to_text(self) -> str:
        ids = [self.primary, *(k for k in self.keys if k != self.primary)]
        lines = [f"{k} {base64.b64encode(self.keys[k]).decode()}" for k in ids]
        return "# Alongside encryption keys: keep this file secret and backed up.\n" + \
            "\n".join(lines) + "\n"

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(self.to_text())
        temporary.replace(path)

    @classmethod
    def load_or_create(cls, path: Path) -> Cipher:
        if path.exists():
            return cls.from_text(path.read_text(encoding="utf-8"))
        cipher = cls.generate()
        cipher.save(path)
        return cipher

    @classmethod
    def from_setting(cls, value: str) -> Cipher:
        """ALONGSIDE_KEY: a base64 key of 32 bytes (e.g. from a secret store)."""
        key = base64.b64decode(value)
        if len(key) != 32:
            raise ValueError("ALONGSIDE_KEY must be 32 bytes, base64-encoded")
        return cls({"setting": key}, "setting")


_CIPHERS: weakref.WeakKeyDictionary[object, Cipher] = weakref.WeakKeyDictionary()


def attach(connection: object, cipher: Cipher) -> None:
    _CIPHERS[connection] = cipher


def cipher_of(connection: object) -> Cipher:
    """The cipher of the database a repository is working in."""
    return _CIPHERS[connection]


# Where people's own words are stored: (table, key column, sealed column).
SEALED_COLUMNS = (("answers", "id", "value"), ("sessions", "id", "state"),
                  ("people", "id", "name"), ("processed_updates", "rowid", "reply"),
                  ("links", "id", "therapist_label"), ("links", "id", "person_label"),
                  ("summaries", "id", "text"))


def with_new_primary(cipher: Cipher) -> Cipher:
    fresh = Cipher.generate()
    return Cipher({**cipher.keys, **fresh.keys}, fresh.primary)


def only_primary(cipher: Cipher) -> Cipher:
    return Cipher({cipher.primary: cipher.keys[cipher.primary]}, cipher.primary)
