"""Data shared by all flows: the companion's own lines, wording rules, city names.

Loaded from `dialogs/lexicon/*.yaml`, so writers and clinicians edit it like a flow.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, field_validator

from bot.flows.schema import LocalText, Strict, _wordings
from bot.flows.templates import render

# The commands shown in a channel's menu, in this order; each has a `command_NAME` line.
MENU_COMMANDS = ("checkin", "review", "note", "schedule", "pause", "resume", "timezone", "skip",
                 "cancel", "language", "share", "sharing", "export", "delete", "sos", "help")
# Commands for a therapist; in /help of someone people share with, not in everyone's menu.
THERAPIST_COMMANDS = ("patients", "summary")


class Resource(Strict):
    """Somewhere a person in crisis can reach people, right now."""

    name: str = Field(min_length=1)
    contact: str = Field(min_length=1)
    reviewed: date  # the checks flag a resource not reviewed for a year


class ShareScope(Strict):
    """One kind of answers a person can choose to share (lexicon/sharing.yaml)."""

    title: LocalText  # what the person ticks: "Ratings (confidence, how it went)"
    # The answer names under this scope, each with the label a summary shows it with.
    # An answer under no scope never leaves the person's hands.
    answers: dict[str, LocalText] = Field(min_length=1)

    @field_validator("title", "answers", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        return _local_texts(value)


def _local_texts(value: object) -> object:
    if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):
        return {k: {loc: _wordings(t) for loc, t in v.items()} for k, v in value.items()}
    if isinstance(value, dict):
        return {loc: _wordings(t) for loc, t in value.items()}
    return value


class Lexicon(Strict):
    # The companion's own lines (re-asking, skipping, help…), per locale.
    lines: dict[str, LocalText] = {}
    # Phrases that tell a person what to do; no line a person reads may use them.
    prescriptive: dict[str, list[Annotated[str, Field(min_length=2)]]] = {}
    # City names people type that are not IANA city parts: 'München' -> 'Europe/Berlin'.
    timezone_aliases: dict[str, str] = {}
    # [latitude, longitude, zone]: a shared location takes the zone of the nearest one.
    timezone_points: list[tuple[float, float, str]] = []
    # The safety net (lexicon/safety.yaml): crisis wording, "are you a person?", resources.
    crisis: dict[str, list[Annotated[str, Field(min_length=3)]]] = {}
    human_questions: dict[str, list[Annotated[str, Field(min_length=3)]]] = {}
    resources: dict[str, list[Resource]] = {}
    # What a person can share with a therapist, in the order offered (lexicon/sharing.yaml).
    sharing: dict[Annotated[str, Field(pattern=r"^[a-z][a-z_]{0,11}$")], ShareScope] = {}

    @field_validator("lines", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        if isinstance(value, dict):
            return {
                k: ({loc: _wordings(t) for loc, t in v.items()} if isinstance(v, dict) else v)
                for k, v in value.items()
            }
        return value

    def text(self, text: dict[str, list[str]], locale: str) -> str:
        return (text.get(locale) or text["en"])[0]

    def scope_of(self, answer_name: str) -> str | None:
        return next((k for k, s in self.sharing.items() if answer_name in s.answers), None)

    def line(self, line_id: str, locale: str, index: int = 0, **values: object) -> str:
        wordings = self.lines[line_id].get(locale) or self.lines[line_id]["en"]
        return render(wordings[index % len(wordings)], {k: str(v) for k, v in values.items()})

    def merged(self, other: Lexicon) -> Lexicon:
        return Lexicon(
            lines={**self.lines, **other.lines},
            prescriptive={
                loc: [*self.prescriptive.get(loc, []), *other.prescriptive.get(loc, [])]
                for loc in {*self.prescriptive, *other.prescriptive}
            },
            timezone_aliases={**self.timezone_aliases, **other.timezone_aliases},
            timezone_points=[*self.timezone_points, *other.timezone_points],
            crisis={**self.crisis, **other.crisis},
            human_questions={**self.human_questions, **other.human_questions},
            resources={**self.resources, **other.resources},
            sharing={**self.sharing, **other.sharing},
        )
