"""Reading what a person typed: times of day, timezones, numbers, choices."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from zoneinfo import available_timezones

_TIME = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?:h|uhr|o'?clock)?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?$"
)


def parse_time(text: str) -> str | None:
    """'9', '9:30', '21:00', '9pm', '9.30 pm', '21 Uhr' -> 'HH:MM'; None if not a time."""
    cleaned = text.strip().lower().replace(" ", "")
    match = _TIME.match(cleaned)
    if not match:
        return None
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    ampm = (match["ampm"] or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def _fold(text: str) -> str:
    """Case-, accent- and separator-insensitive form: 'São_Paulo' ~ 'sao paulo'."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_\-]+", " ", text).replace("ß", "ss")


@cache
def _zone_index() -> dict[str, str]:
    """IANA names and their city parts ('berlin' -> 'Europe/Berlin')."""
    index: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if zone.startswith(("Etc/", "SystemV/", "posix/", "right/")) or "/" not in zone:
            continue
        index.setdefault(_fold(zone.rsplit("/", 1)[-1]), zone)
    for zone in available_timezones():
        index[_fold(zone)] = zone
    index["utc"] = "UTC"
    return index


def parse_timezone(text: str, aliases: Mapping[str, str]) -> str | None:
    """An IANA name ('Europe/Berlin'), a city ('Sydney', 'München') -> IANA zone name."""
    index = _zone_index()
    folded_aliases = {_fold(k): v for k, v in aliases.items()}
    candidates = [text, *text.split(",")]
    for candidate in candidates:
        key = _fold(candidate)
        if not key:
            continue
        if key in folded_aliases:
            return folded_aliases[key]
        if key in index:
            return index[key]
    return None


def nearest_zone(latitude: float, longitude: float,
                 points: Sequence[tuple[float, float, str]]) -> str | None:
    """The zone of the nearest listed place (great-circle distance)."""
    if not points:
        return None
    lat1, lon1 = math.radians(latitude), math.radians(longitude)

    def distance(point: tuple[float, float, str]) -> float:
        lat2, lon2 = math.radians(point[0]), math.radians(point[1])
        a = (math.sin((lat2 - lat1) / 2) ** 2
             + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
        return 2 * math.asin(min(1.0, math.sqrt(a)))

    return min(points, key=distance)[2]


def parse_int(text: str) -> int | None:
    match = re.fullmatch(r"\s*(-?\d{1,3})\s*(?:/\s*\d{1,3})?\s*", text)
    return int(match[1]) if match else None


def match_option(text: str, options: Sequence[tuple[str, str]]) -> str | None:
    """A typed answer to a choice: its number (1-based), its label or its key."""
    folded = _fold(text)
    if not folded:
        return None
    number = parse_int(text)
    if number is not None and 1 <= number <= len(options):
        return options[number - 1][0]
    for key, label in options:
        # "Ja" answers "Ja, speichern": the words before a comma are the answer's core.
        if folded in (_fold(label), _fold(key), _fold(label.split(",")[0])):
            return key
    starting = [key for key, label in options if len(folded) >= 3 and _fold(label).startswith(folded)]
    return starting[0] if len(starting) == 1 else None
