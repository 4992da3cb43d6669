"""What comes in from a channel and what goes back out: the service layer's vocabulary.

Channels translate their own updates into these and these into their own messages;
nothing here knows Telegram or a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# --- what comes in ------------------------------------------------------------------
@dataclass(frozen=True)
class Who:
    channel: str
    external_id: str
    locale: str | None = None  # the channel's language hint, used at first contact


@dataclass(frozen=True)
class Command:
    name: str


@dataclass(frozen=True)
class Said:
    text: str


@dataclass(frozen=True)
class Pressed:
    data: str | None


@dataclass(frozen=True)
class Shared:
    """A shared location."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class Sent:
    """Something other than text: 'sticker', 'photo', 'voice', 'location', …"""

    what: str


Action = Command | Said | Pressed | Shared | Sent


@dataclass(frozen=True)
class Inbound:
    who: Who
    action: Action
    update_id: int | None = None


# --- what goes out ------------------------------------------------------------------
@dataclass(frozen=True)
class OutButton:
    label: str
    data: str
    skip: bool = False  # the "Skip" button under a question that can be skipped


@dataclass(frozen=True)
class Outgoing:
    text: str
    buttons: tuple[OutButton, ...] = ()
    input: str = "none"  # what the message waits for: text, choice, scale, time, timezone
    skip_hint: str | None = None  # for a question that can be skipped: how, in words


@dataclass
class Reply:
    messages: list[Outgoing] = field(default_factory=list)
    locale: str = "en"
    chosen: str | None = None  # for a press: the answer to show on the pressed message
    export: bool = False  # send the person's export files (made at delivery, never stored)
    notice: str | None = None  # for a press that changed nothing: a short word why
    duplicate: bool = False  # a redelivered update whose reply went out: nothing to send
    erased: bool = False  # the person asked for everything to be deleted, and it was
