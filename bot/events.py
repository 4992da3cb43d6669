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
    # How the channel shows this account (Telegram: first and last name). Kept only when
    # sharing needs it: the person sees who opened their link, the therapist whose it is.
    name: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""  # what followed the command, e.g. a link code after /start


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
    lasting: bool = False  # its buttons stay when the person types on (previews, settings)


@dataclass(frozen=True)
class Letter:
    """A message for someone other than the one who acted, on the same channel: a
    therapist receiving a summary, a person asked to confirm sharing."""

    to: str  # the channel's id of that account
    message: Outgoing
    summary_id: int | None = None  # a summary going to a therapist: marked sent once out
    # They now receive summaries: their menu, in this locale, adds /patients and /summary.
    therapist_menu: str | None = None


@dataclass
class Reply:
    messages: list[Outgoing] = field(default_factory=list)
    locale: str = "en"
    chosen: str | None = None  # for a press: the answer to show on the pressed message
    replace: Outgoing | None = None  # for a press: what the pressed message becomes instead
    others: list[Letter] = field(default_factory=list)  # messages for other accounts
    export: bool = False  # send the person's export files (made at delivery, never stored)
    notice: str | None = None  # for a press that changed nothing: a short word why
    duplicate: bool = False  # a redelivered update whose reply went out: nothing to send
    erased: bool = False  # the person asked for everything to be deleted, and it was
