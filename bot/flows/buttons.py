"""What a button carries back when pressed: which session, which question, which option.

Telegram allows 64 bytes of callback data; the checks use `longest_callback` to refuse
an option key or node id that would not fit.
"""

from __future__ import annotations

from dataclasses import dataclass

CALLBACK_LIMIT = 64
_PREFIX = "a"
_MAX_SESSION_DIGITS = 12


@dataclass(frozen=True)
class Press:
    session_id: int
    node_id: str
    key: str


def callback_data(session_id: int, node_id: str, key: str) -> str:
    return f"{_PREFIX}|{session_id}|{node_id}|{key}"


def parse_callback(data: str | None) -> Press | None:
    """The press a button stands for, or None for anything malformed or forged."""
    if not data:
        return None
    parts = data.split("|")
    if len(parts) != 4 or parts[0] != _PREFIX or not parts[1].isdigit():
        return None
    if len(parts[1]) > _MAX_SESSION_DIGITS or not parts[2] or not parts[3]:
        return None
    return Press(int(parts[1]), parts[2], parts[3])


def longest_callback(node_id: str, key: str) -> int:
    return len(callback_data(10**_MAX_SESSION_DIGITS - 1, node_id, key).encode("utf-8"))

# The key a "Skip" button carries; option keys start with a letter, so it cannot clash.
SKIP_KEY = "~skip"


# Buttons outside a flow: a delivered check-in (Start / Later / Skip) and /schedule.
@dataclass(frozen=True)
class Offer:
    """A press on a delivered check-in: start, hour, evening or skip."""

    item_id: int
    action: str


@dataclass(frozen=True)
class SlotAction:
    """A press in /schedule: remove a slot (del), add one (add), change timezone (tz)."""

    slot_id: int
    action: str


@dataclass(frozen=True)
class SafetyChoice:
    """After a safety reply in a flow: go on, or stop here."""

    action: str


@dataclass(frozen=True)
class DeleteChoice:
    """The answer to "Delete everything?"."""

    action: str


@dataclass(frozen=True)
class LinkAction:
    """A press about sharing with one therapist (link 0: about sharing in general).

    `mask` carries the scopes ticked on the message pressed (bit n = scope n), so the
    choice lives on the person's screen until they confirm, not half-saved."""

    link_id: int
    action: str  # tick, confirm, decline, edit, keep, auto, manual, stop, end, when
    mask: int = 0


@dataclass(frozen=True)
class SummaryChoice:
    """The answer to a summary preview: send it, or not this week."""

    summary_id: int
    action: str


OFFER_ACTIONS = ("start", "hour", "evening", "skip")
LINK_ACTIONS = ("decline", "edit", "keep", "auto", "manual", "stop", "end", "when")
SUMMARY_ACTIONS = ("send", "skip")
DELETE_ACTIONS = ("yes", "no")
SAFETY_ACTIONS = ("go", "stop")
SLOT_ACTIONS = ("del", "add", "tz")


def offer_data(item_id: int, action: str) -> str:
    return f"o|{item_id}|{action}"


def slot_data(slot_id: int, action: str) -> str:
    return f"s|{slot_id}|{action}"


def delete_data(action: str) -> str:
    return f"d|0|{action}"


def safety_data(action: str) -> str:
    return f"x|0|{action}"


def link_data(link_id: int, action: str, mask: int = 0) -> str:
    if action in ("tick", "confirm"):
        return f"l|{link_id}|{action[0]}{mask}"
    return f"l|{link_id}|{action}"


def summary_data(summary_id: int, action: str) -> str:
    return f"v|{summary_id}|{action}"


def parse_other(data: str | None) -> (Offer | SlotAction | SafetyChoice | DeleteChoice | LinkAction
                                      | SummaryChoice | None):
    parts = (data or "").split("|")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > _MAX_SESSION_DIGITS:
        return None
    if parts[0] == "l":
        action = parts[2]
        if action[:1] in ("t", "c") and action[1:].isdigit() and len(action) <= 5:
            return LinkAction(int(parts[1]), "tick" if action[0] == "t" else "confirm",
                              int(action[1:]))
        return LinkAction(int(parts[1]), action) if action in LINK_ACTIONS else None
    if parts[0] == "v" and parts[2] in SUMMARY_ACTIONS:
        return SummaryChoice(int(parts[1]), parts[2])
    if parts[0] == "o" and parts[2] in OFFER_ACTIONS:
        return Offer(int(parts[1]), parts[2])
    if parts[0] == "s" and parts[2] in SLOT_ACTIONS:
        return SlotAction(int(parts[1]), parts[2])
    if parts[0] == "x" and parts[2] in SAFETY_ACTIONS:
        return SafetyChoice(parts[2])
    if parts[0] == "d" and parts[2] in DELETE_ACTIONS:
        return DeleteChoice(parts[2])
    return None
