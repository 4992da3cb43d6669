"""All settings in one place, from environment variables or a `.env` file."""

from __future__ import annotations

import logging
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database() -> Path:
    return Path(user_data_dir("alongside", appauthor=False)) / "alongside.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      populate_by_name=True)

    telegram_bot_token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    # The Bot API base URL as python-telegram-bot's `base_url` takes it (token appended).
    telegram_api_url: str = Field(default="https://api.telegram.org/bot",
                                  validation_alias="TELEGRAM_API_URL")
    database: Path = Field(default_factory=default_database,
                           validation_alias=AliasChoices("ALONGSIDE_DB", "database"))
    # Another dialogs folder (e.g. a clinic's own); the shipped one when unset.
    dialogs: Path | None = Field(default=None,
                                 validation_alias=AliasChoices("ALONGSIDE_DIALOGS", "dialogs"))
    # Encryption at rest: a base64 key of 32 bytes, or a key file (default: beside the
    # database, created on first run). `alongside keys rotate` works on the key file.
    key: SecretStr | None = Field(default=None, validation_alias="ALONGSIDE_KEY")
    key_file: Path | None = Field(default=None,
                                  validation_alias=AliasChoices("ALONGSIDE_KEY_FILE", "key_file"))
    # A check-in missed by less than this (e.g. during a restart) is still sent.
    grace_minutes: int = Field(default=120, ge=0,
                               validation_alias=AliasChoices("ALONGSIDE_GRACE_MINUTES",
                                                             "grace_minutes"))
    # Telegram ids that may be linked as a therapist, comma-separated; unset: any account
    # a person gives their link to.
    therapists: str | None = Field(default=None,
                                   validation_alias=AliasChoices("ALONGSIDE_THERAPISTS",
                                                                 "therapists"))
    log_level: str = Field(default="INFO",
                           validation_alias=AliasChoices("ALONGSIDE_LOG_LEVEL", "log_level"))

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"unknown log level {value!r}")
        return level


    def therapist_allowlist(self) -> frozenset[str] | None:
        if self.therapists is None or not self.therapists.strip():
            return None
        return frozenset(t.strip() for t in self.therapists.split(",") if t.strip())


def key_file_for(settings: Settings) -> Path:
    return settings.key_file or settings.database.with_name(settings.database.name + ".key")
