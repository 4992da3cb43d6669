"""Local times across DST: the right UTC instant, once, in every zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.wallclock import next_occurrence

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
SYDNEY, KOLKATA = ZoneInfo("Australia/Sydney"), ZoneInfo("Asia/Kolkata")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "weekday", "at", "after", "expected"), [
    # Berlin: winter +1, summer +2 (29 March and 25 October 2026)
    (BERLIN, 0, time(9), utc(2026, 3, 20), utc(2026, 3, 23, 8)),
    (BERLIN, 0, time(9), utc(2026, 3, 27), utc(2026, 3, 30, 7)),
    (BERLIN, 0, time(9), utc(2026, 10, 20), utc(2026, 10, 26, 8)),
    # New York: -5 / -4 (8 March and 1 November 2026)
    (NEW_YORK, 3, time(19), utc(2026, 3, 1), utc(2026, 3, 6, 0)),
    (NEW_YORK, 3, time(19), utc(2026, 3, 7), utc(2026, 3, 12, 23)),
    (NEW_YORK, 3, time(19), utc(2026, 11, 2), utc(2026, 11, 6, 0)),
    # Sydney: +11 / +10 (5 April and 4 October 2026)
    (SYDNEY, 0, time(9), utc(2026, 3, 25), utc(2026, 3, 29, 22)),
    (SYDNEY, 0, time(9), utc(2026, 4, 1), utc(2026, 4, 5, 23)),
    (SYDNEY, 0, time(9), utc(2026, 10, 1), utc(2026, 10, 4, 22)),
    # Kolkata: +5:30 all year
    (KOLKATA, 4, time(8, 15), utc(2026, 3, 25), utc(2026, 3, 27, 2, 45)),
])
def test_the_local_time_becomes_the_right_utc_instant(zone, weekday, at, after, expected):
    assert next_occurrence(weekday, at, zone, after) == expected


def test_a_time_that_does_not_exist_moves_to_the_first_valid_minute():
    # Sunday 29 March 2026 in Berlin: 02:00 jumps to 03:00.
    assert next_occurrence(6, time(2, 30), BERLIN, utc(2026, 3, 28)) == utc(2026, 3, 29, 1, 0)
    # New York, 8 March 2026.
    assert next_occurrence(6, time(2, 15), NEW_YORK, utc(2026, 3, 7)) == utc(2026, 3, 8, 7, 0)


def test_a_repeated_hour_fires_once_at_its_first_occurrence():
    # Sunday 25 October 2026 in Berlin: 02:00-03:00 happens twice.
    first = next_occurrence(6, time(2, 30), BERLIN, utc(2026, 10, 24))
    assert first == utc(2026, 10, 25, 0, 30)
    again = next_occurrence(6, time(2, 30), BERLIN, first)
    assert again == utc(2026, 11, 1, 1, 30)  # a week later, not an hour later


def test_the_next_one_is_strictly_after():
    due = utc(2026, 3, 23, 8)
    assert next_occurrence(0, time(9), BERLIN, due) == utc(2026, 3, 30, 7)
