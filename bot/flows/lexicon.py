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
                 "cancel", "language", "export", "delete", "sos", "help")


class Resource(Strict):
    """Somewhere a person in crisis can reach people, right now."""

    name: str = Field(min_length=1)
    contact: str = Field(min_length=1)
    reviewed: date  # the checks flag a resource not reviewed for a year


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

    @field_validator("lines", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        if isinstance(value, dict):
            return {
                k: ({loc: _wordings(t) for loc, t in v.items()} if isinstance(v, dict) else v)
                for k, v in value.items()
            }
        return value

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
        )
