"""The same flows in a terminal: `alongside chat`.

Choices are shown numbered (a number or the label both work). Works with piped
stdin too, one answer per line, so conversations can be scripted.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path
from typing import TextIO

from bot.checkins import Companion
from bot.events import Command, Inbound, Outgoing, Reply, Said, Who

CHANNEL = "console"


def render(message: Outgoing) -> str:
    lines = [message.text]
    choices = [b for b in message.buttons if not b.skip]
    if message.input == "choice":
        lines += [f"  {n}) {b.label}" for n, b in enumerate(choices, 1)]
    elif message.input == "scale" and choices:
        lines.append(f"  ({choices[0].label}–{choices[-1].label})")
    elif message.input == "time" and choices:
        lines.append("  (" + ", ".join(b.label for b in choices) + ")")
    if message.skip_hint:
        lines.append(f"  ({message.skip_hint})")
    return "\n".join(lines)


def action_for(line: str) -> Command | Said:
    stripped = line.strip()
    if stripped.startswith("/") and len(stripped) > 1 and not stripped[1].isspace():
        head, _, rest = stripped[1:].partition(" ")
        return Command(head.split("@", 1)[0].lower(), rest.strip())
    return Said(line.rstrip("\n"))


class ConsoleChat:
    def __init__(self, companion: Companion, *, person: str | None = None,
                 locale: str | None = None, stdin: TextIO | None = None,
                 stdout: TextIO | None = None) -> None:
        self.companion = companion
        self.who = Who(CHANNEL, person or getpass.getuser(), locale)
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty()

    def show(self, reply: Reply) -> None:
        for message in reply.messages:
            print(render(message), file=self.stdout)
            print(file=self.stdout)
        for letter in reply.others:  # a terminal has one reader: show what went elsewhere
            print(f"[to {CHANNEL}:{letter.to}]\n{render(letter.message)}\n", file=self.stdout)
        self.stdout.flush()

    async def send(self, action: Command | Said) -> None:
        reply = await self.companion.handle(Inbound(self.who, action))
        self.show(reply)
        if reply.export:  # the terminal's way of handing over files: the current folder
            for name, content in await self.companion.export_files(self.who):
                Path(name).write_bytes(content)
                print(f"  → {Path(name).resolve()}", file=self.stdout)

    async def run(self, first: str | None = None) -> int:
        if self.who.locale:
            await self.companion.set_locale(self.who, self.who.locale)
        await self.send(Command(first or "start"))
        while True:
            if self.interactive:
                print("> ", end="", file=self.stdout, flush=True)
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:  # end of input
                return 0
            action = action_for(line)
            if isinstance(action, Command) and action.name in ("quit", "exit"):
                return 0
            if not self.interactive:
                print(f"> {line.rstrip()}", file=self.stdout)
            await self.send(action)
