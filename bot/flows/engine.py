"""`step(dialog, state, event) -> Turn`: one move of a conversation, pure.

The engine never reads a clock, a database or a network: the service layer hands it
the person's earlier answers (`history`) and stores what the turn says to keep.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from bot.flows import parsing
from bot.flows.lexicon import Lexicon
from bot.flows.schema import (
    BranchNode,
    ChoiceNode,
    Condition,
    Dialog,
    EndNode,
    FreeTextNode,
    MessageNode,
    Question,
    ScaleNode,
    TimeNode,
    TimezoneNode,
)
from bot.flows.templates import render

Value = str | int
MAX_AUTOMATIC_STEPS = 200
Problem = tuple[str, dict[str, object]]  # a lexicon line id and its values


class SessionState(BaseModel):
    """Where one run of one flow stands; stored as JSON with the session."""

    dialog_id: str
    dialog_version: int
    node_id: str
    locale: str
    run: int = 0  # earlier runs of this flow by this person: picks the wording
    answers: dict[str, Value] = {}
    finished: bool = False


# --- events: what the person did ---------------------------------------------------
@dataclass(frozen=True)
class Begin:
    pass


@dataclass(frozen=True)
class TextIn:
    text: str


@dataclass(frozen=True)
class Pick:
    node_id: str
    key: str


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Repeat:
    """Show the waiting question again (a conversation resumed after a pause)."""


@dataclass(frozen=True)
class Located:
    """A shared location: it answers a timezone question."""

    latitude: float
    longitude: float


@dataclass(frozen=True)
class Unreadable:
    """Something that is not text: a sticker, photo, voice note, location, …"""

    what: str


Event = Begin | TextIn | Pick | Skip | Repeat | Located | Unreadable


# --- the turn: what to show and keep -------------------------------------------------
@dataclass(frozen=True)
class Button:
    key: str
    label: str


@dataclass(frozen=True)
class Prompt:
    text: str
    node_id: str | None = None  # the question this prompt asks, if any
    input: Literal["none", "text", "choice", "scale", "time", "timezone"] = "none"
    buttons: tuple[Button, ...] = ()
    skippable: bool = False


@dataclass
class Turn:
    messages: list[Prompt]
    state: SessionState
    kept: dict[str, Value] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    status: Literal["waiting", "ended"] = "waiting"
    restarted: bool = False
    path: list[str] = field(default_factory=list)  # the nodes this turn went through

    @property
    def question(self) -> Prompt | None:
        asking = [m for m in self.messages if m.node_id is not None]
        return asking[-1] if asking else None


class FlowError(RuntimeError):
    """A dialog that the checks should have refused (e.g. a loop with no question)."""


def new_state(dialog: Dialog, locale: str, run: int = 0) -> SessionState:
    if locale not in dialog.locales:
        locale = dialog.locales[0]
    return SessionState(
        dialog_id=dialog.id, dialog_version=dialog.version, node_id=dialog.start,
        locale=locale, run=run,
    )


def step(
    dialog: Dialog,
    state: SessionState,
    event: Event,
    *,
    lexicon: Lexicon,
    history: Mapping[str, Value] | None = None,
) -> Turn:
    run = _Run(dialog, state.model_copy(deep=True), lexicon, dict(history or {}))
    if isinstance(event, Begin) or state.finished:
        run.state = new_state(dialog, state.locale, state.run)
        return run.enter(dialog.start)
    if state.dialog_version != dialog.version:
        node = dialog.nodes.get(state.node_id)
        if node is None or not isinstance(node, Question):
            # The flow changed under this conversation and its place is gone: begin
            # again gently. Answers already kept stay in storage.
            run.state = new_state(dialog, state.locale, state.run)
            run.say(lexicon.line("flow_changed", run.state.locale))
            run.turn.restarted = True
            return run.enter(dialog.start)
        run.state.dialog_version = dialog.version
    node = dialog.nodes.get(run.state.node_id)
    if not isinstance(node, Question):
        return run.enter(run.state.node_id)
    if isinstance(event, Repeat):
        run.ask(run.state.node_id, node)
        return run.finish()
    return run.answer(node, event)


class _Run:
    def __init__(self, dialog: Dialog, state: SessionState, lexicon: Lexicon,
                 history: dict[str, Value]) -> None:
        self.dialog = dialog
        self.state = state
        self.lexicon = lexicon
        self.history = history
        self.asked_by = dialog.kept_names()
        self.turn = Turn(messages=[], state=state)

    # -- speaking --
    @property
    def locale(self) -> str:
        return self.state.locale

    def line(self, line_id: str, **values: object) -> str:
        return self.lexicon.line(line_id, self.locale, self.state.run, **values)

    def say(self, text: str) -> None:
        self.turn.messages.append(Prompt(text=text))

    def text(self, local: Mapping[str, list[str]]) -> str:
        wordings = local.get(self.locale) or next(iter(local.values()))
        return render(wordings[self.state.run % len(wordings)], self.values())

    def values(self) -> dict[str, str]:
        shown = {name: self.display(name, v) for name, v in self.state.answers.items()}
        shown.update({f"last.{n}": self.display(n, v) for n, v in self.history.items()})
        return shown

    def display(self, name: str, value: Value) -> str:
        asked_by = self.asked_by.get(name)
        if isinstance(asked_by, ChoiceNode):
            for option in asked_by.options:
                if option.key == value:
                    return option.label.get(self.locale) or next(iter(option.label.values()))
        return str(value)

    # -- moving --
    def enter(self, node_id: str) -> Turn:
        for _ in range(MAX_AUTOMATIC_STEPS):
            node = self.dialog.nodes[node_id]
            self.state.node_id = node_id
            self.turn.path.append(node_id)
            if isinstance(node, MessageNode):
                self.say(self.text(node.text))
                node_id = node.next
            elif isinstance(node, BranchNode):
                node_id = next((c.next for c in node.cases if self.holds(c.when)), node.else_)
            elif isinstance(node, EndNode):
                lines = [self.text(node.text)]
                lines += [self.text(s.text) for s in node.summary
                          if all(self.lookup(n) is not None for n in s.needs)]
                self.say("\n".join(lines))
                self.state.finished = True
                self.turn.status = "ended"
                return self.finish()
            else:
                self.ask(node_id, node)
                return self.finish()
        raise FlowError(f"{self.dialog.id}: no question or end within {MAX_AUTOMATIC_STEPS} steps")

    def finish(self) -> Turn:
        self.turn.state = self.state
        return self.turn

    def ask(self, node_id: str, node: Question, prefix: str | None = None) -> None:
        text = self.text(node.text)
        if prefix:
            text = f"{prefix}\n\n{text}"
        buttons: tuple[Button, ...] = ()
        kind: Literal["text", "choice", "scale", "time", "timezone"]
        if isinstance(node, ChoiceNode):
            kind = "choice"
            buttons = tuple(Button(o.key, o.label.get(self.locale) or next(iter(o.label.values())))
                            for o in node.options)
        elif isinstance(node, ScaleNode):
            kind = "scale"
            low = node.min_label.get(self.locale, "")
            high = node.max_label.get(self.locale, "")
            text += f"\n{node.min} = {low} · {node.max} = {high}"
            buttons = tuple(Button(str(n), str(n)) for n in range(node.min, node.max + 1))
        elif isinstance(node, TimeNode):
            kind = "time"
            buttons = tuple(Button(t, t) for t in node.suggestions)
        elif isinstance(node, TimezoneNode):
            kind = "timezone"
        else:
            kind = "text"
        self.turn.messages.append(Prompt(text=text, node_id=node_id, input=kind, buttons=buttons,
                                         skippable=node.skippable))

    def reask(self, node: Question, line_id: str, **values: object) -> Turn:
        self.ask(self.state.node_id, node, prefix=self.line(line_id, **values))
        return self.finish()

    # -- answering --
    def answer(self, node: Question, event: Event) -> Turn:
        key = node.keep or self.state.node_id
        if isinstance(event, Skip):
            if not node.skippable:
                return self.reask(node, "needed_to_go_on")
            self.state.answers.pop(key, None)
            self.turn.skipped.append(key)
            self.say(self.line("skipped"))
            return self.enter(node.next)
        if isinstance(event, Located) and not isinstance(node, TimezoneNode):
            event = Unreadable("location")
        if isinstance(event, Unreadable):
            line = f"unreadable_{event.what}" if f"unreadable_{event.what}" in self.lexicon.lines \
                else "unreadable"
            return self.reask(node, line)
        if isinstance(event, Pick) and event.node_id != self.state.node_id:
            return self.reask(node, "stale_button")
        value, problem = self.interpret(node, event)
        if problem is not None:
            return self.reask(node, problem[0], **problem[1])
        assert value is not None
        self.state.answers[key] = value
        self.turn.kept[key] = value
        if isinstance(node, ChoiceNode) and node.sets_locale and str(value) in self.dialog.locales:
            self.state.locale = str(value)
        return self.enter(node.next)

    def interpret(self, node: Question, event: Event) -> tuple[Value | None, Problem | None]:
        raw = event.key if isinstance(event, Pick) else event.text if isinstance(event, TextIn) else ""
        if isinstance(node, FreeTextNode):
            text = raw.strip()
            if not text:
                return None, ("empty_text", {})
            if len(text) > node.max_length:
                return None, ("too_long", {"length": len(text), "max": node.max_length})
            return text, None
        if isinstance(node, ChoiceNode):
            options = [(o.key, o.label.get(self.locale, o.key)) for o in node.options]
            key = raw if isinstance(event, Pick) else parsing.match_option(raw, options)
            if key not in {k for k, _ in options}:
                return None, ("pick_an_option", {})
            return key, None
        if isinstance(node, ScaleNode):
            number = parsing.parse_int(raw)
            if number is None or not node.min <= number <= node.max:
                return None, ("scale_range", {"min": node.min, "max": node.max})
            return number, None
        if isinstance(node, TimeNode):
            time = parsing.parse_time(raw)
            return (time, None) if time else (None, ("time_unclear", {}))
        assert isinstance(node, TimezoneNode)
        if isinstance(event, Located):
            zone = parsing.nearest_zone(event.latitude, event.longitude,
                                        self.lexicon.timezone_points)
        else:
            zone = parsing.parse_timezone(raw, self.lexicon.timezone_aliases)
        return (zone, None) if zone else (None, ("timezone_unclear", {}))

    def lookup(self, name: str) -> Value | None:
        if name.startswith("last."):
            return self.history.get(name[5:])
        return self.state.answers.get(name)

    def holds(self, when: Condition) -> bool:
        value = self.lookup(when.name)
        if when.answered is not None:
            return (value is not None) == when.answered
        if value is None:
            return False
        if when.equals is not None:
            return str(value) == str(when.equals)
        if when.one_of is not None:
            return str(value) in {str(v) for v in when.one_of}
        if not isinstance(value, int):
            return False
        if when.at_most is not None:
            return value <= when.at_most
        return when.at_least is not None and value >= when.at_least
