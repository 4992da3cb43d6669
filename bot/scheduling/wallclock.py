"""Local wall-clock times in a person's zone, as UTC instants.

A time that does not exist on a DST day (the clock jumps from 02:00 to 03:00) is
moved to the first valid minute after it; a time that happens twice (the clock goes
back) is taken at its first occurrence, so it fires once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local date and time, following the DST rules above."""
    naive = datetime.combine(day, at)
    for _ in range(24 * 60):  # a gap is an hour, rarely two; never a day
        if _exists(naive, zone):
            return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
        naive = (naive + timedelta(minutes=1)).replace(second=0, microsecond=0)
    raise ValueError(f"no valid local time near {day} {at} in {zone.key}")


def next_occurrence(weekday: int, at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first UTC instant strictly after `after` that is `weekday` `at` in `zone`."""
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(16):
        day = start + timedelta(days=offset)
        if day.weekday() == weekday:
            instant = local_instant(day, at, zone)
            if instant > after:
                return instant
    raise AssertionError("a weekday recurs within eight days")


def stamp(instant: datetime) -> str:
    """The one text form of a UTC instant in the database: sorts as it compares."""
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def from_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
