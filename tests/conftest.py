"""Shared fixtures: the shipped dialogs, a real database on a temp file, the companion."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.checkins import Companion
from bot.dialog_files import load_checked, shipped_folder
from bot.flows.loader import Library
from storage import Database

REPO = Path(__file__).resolve().parent.parent
# The installed `alongside` command, next to the Python running the tests.
ALONGSIDE = shutil.which("alongside", path=str(Path(sys.executable).parent)) or "alongside"


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def library() -> Library:
    return load_checked(shipped_folder())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "alongside.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def companion(db: Database, library: Library, clock: Clock) -> Companion:
    return Companion(db, library, clock)
