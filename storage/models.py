"""Plain domain objects the repositories return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SessionStatus = Literal["active", "paused", "finished", "cancelled"]
AnswerValue = str | int


@dataclass(frozen=True)
class Person:
    id: int
    channel: str
    external_id: str
    locale: str
    name: str | None
    timezone: str | None
    consent: bool
    onboarded: bool
    active: bool
    last_seen_at: str
    paused_until: str | None = None  # UTC instant; check-ins wait until then
    safety_replies: int = 0  # a count only, never the words that caused them
    previous_seen_at: str | None = None  # the time before this one


@dataclass(frozen=True)
class Session:
    id: int
    person_id: int
    dialog_id: str
    dialog_version: int
    status: SessionStatus
    state: str  # JSON of the engine's SessionState; the service layer parses it
