"""Pydantic models of a dialog file (one YAML file per flow in `dialogs/`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
NodeId = Annotated[str, Field(pattern=ID_PATTERN, max_length=40)]
Key = Annotated[str, Field(pattern=ID_PATTERN, max_length=24)]


def _wordings(value: object) -> object:
    """A locale's text may be one string or several wordings; keep it as a list."""
    if isinstance(value, str):
        return [value]
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# locale -> wordings; the engine rotates through the wordings run by run.
LocalText = dict[str, Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]]


class _Texted(Strict):
    text: LocalText
    # Phrases the prescriptive-wording check lets through on this node, on purpose.
    allow_phrases: list[str] = []

    @field_validator("text", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: _wordings(v) for k, v in value.items()}
        return value


class MessageNode(_Texted):
    kind: Literal["message"]
    next: NodeId


class _Question(_Texted):
    next: NodeId
    skippable: bool = True
    # The name the answer is kept under; defaults to the node id. Other flows read
    # the person's latest answer under that name as `{last.NAME}`.
    keep: Key | None = None


class FreeTextNode(_Question):
    kind: Literal["text"]
    max_length: int = Field(default=1000, ge=1, le=3500)


class Option(Strict):
    key: Key
    label: dict[str, Annotated[str, Field(min_length=1, max_length=60)]]


class ChoiceNode(_Question):
    kind: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=12)
    # The chosen key becomes the conversation's language (the onboarding language question).
    sets_locale: bool = False

    @model_validator(mode="after")
    def _unique_keys(self) -> ChoiceNode:
        keys = [o.key for o in self.options]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"option keys must be unique; repeated: {', '.join(dupes)}")
        return self


class ScaleNode(_Question):
    kind: Literal["scale"]
    min: int = Field(default=0, ge=0, le=100)
    max: int = Field(default=10, ge=1, le=100)
    min_label: dict[str, str]
    max_label: dict[str, str]

    @model_validator(mode="after")
    def _range(self) -> ScaleNode:
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        if self.max - self.min > 10:
            raise ValueError("a scale has at most 11 points, so it fits on a phone")
        return self


class TimeNode(_Question):
    kind: Literal["time"]
    # Times offered as buttons ("09:00"); a typed time works as well.
    suggestions: list[Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]] = []


class TimezoneNode(_Question):
    kind: Literal["timezone"]


class Condition(Strict):
    """A test on an answer: this run's (`name`) or the latest earlier one (`last.name`)."""

    name: str
    answered: bool | None = None
    equals: str | int | None = None
    one_of: list[str | int] | None = None
    at_most: int | None = None
    at_least: int | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [self.answered, self.equals, self.one_of, self.at_most, self.at_least]
        if sum(t is not None for t in tests) != 1:
            raise ValueError("a condition names exactly one of: answered, equals, one_of, "
                             "at_most, at_least")
        return self


class Case(Strict):
    when: Condition
    next: NodeId


class BranchNode(Strict):
    kind: Literal["branch"]
    cases: list[Case] = Field(min_length=1)
    else_: NodeId = Field(alias="else")


class SummaryLine(_Texted):
    """A line of the closing summary, shown only when its answers were given."""

    show_if: str | list[str]

    @property
    def needs(self) -> list[str]:
        return [self.show_if] if isinstance(self.show_if, str) else list(self.show_if)


class EndNode(_Texted):
    kind: Literal["end"]
    summary: list[SummaryLine] = []


Node = Annotated[
    MessageNode | FreeTextNode | ChoiceNode | ScaleNode | TimeNode | TimezoneNode
    | BranchNode | EndNode,
    Field(discriminator="kind"),
]
QUESTION_KINDS = (FreeTextNode, ChoiceNode, ScaleNode, TimeNode, TimezoneNode)
Question = FreeTextNode | ChoiceNode | ScaleNode | TimeNode | TimezoneNode
NODE_KINDS = ("message", "text", "choice", "scale", "time", "timezone", "branch", "end")


class Dialog(Strict):
    id: NodeId
    version: int = Field(ge=1)
    title: dict[str, str]
    description: str = ""
    locales: list[str] = Field(min_length=1)
    start: NodeId
    nodes: dict[NodeId, Node] = Field(min_length=1)
    # Only on a dialog loaded despite errors: ids of the nodes that failed validation
    # (with their `keep` name), so the checks can go on without repeating themselves.
    broken_nodes: dict[str, str | None] = Field(default={}, exclude=True)

    def keep_key(self, node_id: str) -> str | None:
        node = self.nodes.get(node_id)
        if isinstance(node, QUESTION_KINDS):
            return node.keep or node_id
        return None

    @property
    def complete(self) -> bool:
        return not self.broken_nodes

    def kept_names(self) -> dict[str, Question]:
        """Every answer name this flow keeps, with the question that asks it."""
        names: dict[str, Question] = {}
        for node_id, node in self.nodes.items():
            if isinstance(node, QUESTION_KINDS):
                names.setdefault(node.keep or node_id, node)
        return names


def successors(node: Node) -> list[str]:
    if isinstance(node, BranchNode):
        return [c.next for c in node.cases] + [node.else_]
    if isinstance(node, EndNode):
        return []
    return [node.next]
