"""Finding and loading the dialogs folder: the shipped one, or ALONGSIDE_DIALOGS."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from bot.flows.checks import check_folder
from bot.flows.loader import Library, Problem


class DialogsInvalid(Exception):
    """The dialogs folder fails the checks; the app refuses to start with it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the dialog files")


def shipped_folder() -> Path:
    return Path(str(resources.files("alongside_dialogs")))


def load_checked(folder: Path | None = None) -> Library:
    library, problems = check_folder(folder or shipped_folder())
    if problems:
        raise DialogsInvalid(problems)
    return library
