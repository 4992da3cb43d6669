"""The Dockerfile builds what the README promises (no Docker engine runs here, so the
file itself is checked: every COPY source exists, a non-root user, the data volume)."""

from __future__ import annotations

import shlex

from tests.conftest import REPO

LINES = [line.strip() for line in (REPO / "Dockerfile").read_text().splitlines()
         if line.strip() and not line.startswith("#")]


def directives(name: str) -> list[str]:
    return [line[len(name):].strip() for line in LINES if line.startswith(name + " ")]


def test_a_slim_python_base():
    assert directives("FROM") == ["python:3.11-slim"]


def test_everything_it_copies_exists():
    for args in directives("COPY"):
        *sources, _target = shlex.split(args)
        for source in sources:
            assert (REPO / source).exists(), source


def test_it_runs_as_a_user_of_its_own_with_the_database_on_the_volume():
    assert directives("USER") == ["alongside"]
    assert directives("VOLUME") == ['["/data"]']
    assert "ALONGSIDE_DB=/data/alongside.db" in " ".join(LINES)


def test_it_runs_the_bot_and_takes_no_token_at_build_time():
    assert directives("CMD") == ['["alongside", "run"]']
    assert "TELEGRAM_BOT_TOKEN=" not in " ".join(directives("ENV"))
