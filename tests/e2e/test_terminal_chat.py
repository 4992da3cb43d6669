"""`alongside chat` as a person uses it: a subprocess, answers piped one per line."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ALONGSIDE


def chat(tmp_path: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALONGSIDE_DB": str(tmp_path / "chat.db"), "PYTHONIOENCODING": "utf-8"}
    env.pop("ALONGSIDE_DIALOGS", None)
    return subprocess.run(
        [ALONGSIDE, "chat", "--person", "tester", *args],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env,
        cwd=tmp_path, timeout=60, check=False,  # any working directory finds the dialogs
    )


ONBOARDING_EN = ["1", "Sam", "English", "Sydney", "Monday", "9", "Thursday", "7pm"]


def test_a_full_week_in_the_terminal(tmp_path):
    first = chat(tmp_path, ONBOARDING_EN)
    assert first.returncode == 0, first.stderr
    assert "automated companion" in first.stdout
    assert "  1) Yes, keep my answers" in first.stdout
    assert "• I'll call you Sam." in first.stdout and "Australia/Sydney" in first.stdout

    week = chat(tmp_path, ["time with my daughter", "a walk on Saturday", "6", "the park", "/skip"],
                "--dialog", "weekly")
    assert week.returncode == 0, week.stderr
    assert "Hi Sam." in week.stdout
    assert "So this week, “time with my daughter” matters to you." in week.stdout
    assert "Your step: “a walk on Saturday”" in week.stdout

    review = chat(tmp_path, ["2", "it rained once", "Closer", "keep"], "--dialog", "review")
    assert review.returncode == 0, review.stderr
    assert "Last time you chose: “a walk on Saturday”. How did it go?" in review.stdout
    assert "closer to “time with my daughter”" in review.stdout
    assert "How it went: Partly" in review.stdout
    assert review.stderr == ""


def test_a_full_week_in_german(tmp_path):
    onboarding = ["ja", "Alex", "Deutsch", "München", "Montag", "9", "Donnerstag", "19 Uhr"]
    first = chat(tmp_path, onboarding, "--locale", "de")
    assert "automatische Begleitung" in first.stdout
    assert "• Ich nenne dich Alex." in first.stdout and "Montag um 09:00" in first.stdout
    chat(tmp_path, ["Ruhe", "früher schlafen", "/skip"], "--dialog", "weekly")
    review = chat(tmp_path, ["Diesmal nicht", "zu spät nach Hause", "Nicht sicher", "Ändern",
                             "am Wochenende"], "--dialog", "review")
    assert "Beim letzten Mal hast du gewählt: „früher schlafen“." in review.stdout
    assert "Wie es lief: Diesmal nicht" in review.stdout
    assert "Was du ändern möchtest: „am Wochenende“" in review.stdout


def test_quit_ends_the_chat_and_the_check_in_resumes_later(tmp_path):
    chat(tmp_path, ONBOARDING_EN)
    left = chat(tmp_path, ["rest", "/quit", "never read"], "--dialog", "weekly")
    assert left.returncode == 0 and "never read" not in left.stdout
    back = chat(tmp_path, ["a nap", "/skip"], "--dialog", "weekly")
    assert "small step" in back.stdout and "What matters: “rest”" in back.stdout


@pytest.mark.parametrize("bad", [["--dialog", "nonsense"], ["--locale", "fr"]])
def test_a_wrong_option_gets_one_clear_line(tmp_path, bad):
    result = chat(tmp_path, [], *bad)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_a_broken_dialogs_folder_stops_the_chat_and_says_why(tmp_path):
    folder = tmp_path / "dialogs"
    shutil.copytree(Path(__file__).resolve().parents[2] / "dialogs", folder)
    (folder / "note.yaml").write_text("id: note\nversion: one\n", encoding="utf-8")
    env = {**os.environ, "ALONGSIDE_DB": str(tmp_path / "x.db"), "ALONGSIDE_DIALOGS": str(folder)}
    result = subprocess.run([ALONGSIDE, "chat"], input="", capture_output=True, text=True, env=env,
                            timeout=60, check=False)
    assert result.returncode == 1
    assert "do not start" in result.stderr or "does not start" in result.stderr
    assert "note.yaml:2:" in result.stderr
