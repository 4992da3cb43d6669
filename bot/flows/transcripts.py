"""Scripted conversations next to the dialogs (`dialogs/transcripts/*.yaml`).

Each conversation says what the person sends and what the companion must say or
which node it must reach. `alongside dialogs test` and pytest run the same files,
and list the nodes no transcript reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, model_validator

from bot.flows.engine import Begin, Event, Pick, Skip, TextIn, Turn, Unreadable, new_state, step
from bot.flows.loader import Library, Problem, Source, read_yaml, validation_problems
from bot.flows.schema import Strict

Value = str | int


class Step(Strict):
    """One line of a script: exactly one of these keys."""

    send: str | None = None  # the person types this
    press: str | None = None  # the person taps the button with this label
    skip: bool | None = None  # the person skips the question
    sends_a: str | None = None  # the person sends a sticker, photo, voice, location …
    says: str | None = None  # some message of the companion's last turn contains this
    not_says: str | None = None  # no message of the last turn contains this
    at: str | None = None  # the conversation now waits at this node
    ends: bool | None = None  # the conversation has ended

    @model_validator(mode="after")
    def _exactly_one(self) -> Step:
        if sum(v is not None for v in self.model_dump().values()) != 1:
            raise ValueError("a step has exactly one of: send, press, skip, sends_a, says, "
                             "not_says, at, ends")
        return self


class Conversation(Strict):
    name: str
    dialog: str
    locale: str = "en"
    run: int = Field(default=0, ge=0)  # earlier runs of this flow (picks the wording)
    history: dict[str, Value] = {}  # the person's latest earlier answers, for `last.NAME`
    steps: Annotated[list[Step], Field(min_length=1)]


class TranscriptFile(Strict):
    conversations: Annotated[list[Conversation], Field(min_length=1)]


@dataclass
class Results:
    problems: list[Problem] = field(default_factory=list)
    conversations: int = 0
    visited: dict[str, set[str]] = field(default_factory=dict)  # dialog id -> node ids

    def unvisited(self, library: Library) -> dict[str, list[str]]:
        return {d: missing for d, dialog in sorted(library.dialogs.items())
                if (missing := [n for n in dialog.nodes if n not in self.visited.get(d, set())])}


def transcript_files(folder: Path) -> list[Path]:
    return sorted((folder / "transcripts").glob("*.yaml"))


def run_transcripts(library: Library, folder: Path | None = None) -> Results:
    results = Results()
    for path in transcript_files(folder or library.folder):
        run_file(library, path, results)
    return results


def run_file(library: Library, path: Path, results: Results) -> None:
    tree, problems = read_yaml(path)
    results.problems += problems
    if problems:
        return
    source = Source(path, tree)
    try:
        script = TranscriptFile.model_validate(tree)
    except ValidationError as exc:
        results.problems += validation_problems(source, exc, TranscriptFile)
        return
    for index, conversation in enumerate(script.conversations):
        results.conversations += 1
        problem = _play(library, source, index, conversation, results)
        if problem is not None:
            results.problems.append(problem)


def _play(library: Library, source: Source, index: int, conv: Conversation,
          results: Results) -> Problem | None:
    where = ("conversations", index)
    dialog = library.dialogs.get(conv.dialog)
    if dialog is None:
        return source.at(*where, "dialog", message=f"no dialog `{conv.dialog}`")
    visited = results.visited.setdefault(dialog.id, set())
    turn = step(dialog, new_state(dialog, conv.locale, conv.run), Begin(),
                lexicon=library.lexicon, history=conv.history)
    visited.update(turn.path)

    def move(event: Event) -> Turn:
        after = step(dialog, turn.state, event, lexicon=library.lexicon, history=conv.history)
        visited.update(after.path)
        return after

    for number, item in enumerate(conv.steps):
        at = (*where, "steps", number)
        said = [m.text for m in turn.messages]
        failure: str | None = None
        if item.says is not None and not any(item.says in text for text in said):
            failure = f"expected the companion to say “{item.says}”"
        elif item.not_says is not None and any(item.not_says in text for text in said):
            failure = f"the companion said “{item.not_says}”"
        elif item.at is not None and (turn.status == "ended" or turn.state.node_id != item.at):
            failure = f"expected to wait at `{item.at}`, but it is at `{turn.state.node_id}`" + (
                " (ended)" if turn.status == "ended" else "")
        elif item.ends is not None and (turn.status == "ended") != item.ends:
            failure = "expected the conversation to end" if item.ends else "it ended early"
        elif item.press is not None:
            question = turn.question
            key = next((b.key for b in (question.buttons if question else ()) if b.label == item.press),
                       None)
            if question is None or key is None:
                labels = [b.label for b in question.buttons] if question else []
                failure = f"no button “{item.press}”; the buttons are: {labels}"
            else:
                turn = move(Pick(question.node_id or "", key))
        elif item.send is not None:
            turn = move(TextIn(item.send))
        elif item.skip:
            turn = move(Skip())
        elif item.sends_a is not None:
            turn = move(Unreadable(item.sends_a))
        if failure is not None:
            return source.at(*at, message=f"{conv.name}: {failure}",
                             hint=f"the companion last said: {' / '.join(said)[:300]}")
    return None

