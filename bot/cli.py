"""The `alongside` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot import logs
from bot.config import Settings
from bot.dialog_files import DialogsInvalid, shipped_folder
from bot.flows.checks import check_folder
from bot.flows.graph import mermaid
from bot.flows.transcripts import run_transcripts

log = logging.getLogger("alongside")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alongside", description=(
        "A companion for the time between therapy sessions. Without a Telegram token, "
        "`alongside chat` runs the same check-ins in this terminal."))
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("run", help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN)")

    chat = commands.add_parser("chat", help="talk to the companion in this terminal")
    chat.add_argument("--dialog", help="start this flow: onboarding, weekly, review, note, language")
    chat.add_argument("--locale", help="the language to speak: en or de")
    chat.add_argument("--person", help="who is chatting (default: your user name)")

    schedule = commands.add_parser("schedule", help="for operators: the check-in outbox")
    schedule_tools = schedule.add_subparsers(dest="tool", required=True)
    schedule_tools.add_parser("status", help="outbox counts and the next due times "
                              "(no personal text)")

    export = commands.add_parser("export", help="for operators: print a person's data as JSON")
    export.add_argument("--person", required=True, help="CHANNEL:CHAT_ID, e.g. telegram:12345")
    delete = commands.add_parser("delete", help="for operators: erase everything of a person")
    delete.add_argument("--person", required=True, help="CHANNEL:CHAT_ID, e.g. telegram:12345")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore = commands.add_parser("import", help="for operators: restore a person's export")
    restore.add_argument("file", type=Path)

    key_tools = commands.add_parser("keys", help="for operators: the encryption key")
    key_tools.add_subparsers(dest="tool", required=True).add_parser(
        "rotate", help="re-encrypt everything under a new key and retire the old one")

    dialogs = commands.add_parser("dialogs", help="tools for dialog authors")
    tools = dialogs.add_subparsers(dest="tool", required=True)
    check = tools.add_parser("check", help="report every problem in a dialogs folder")
    check.add_argument("folder", nargs="?", type=Path)
    graph = tools.add_parser("graph", help="print a dialog as a Mermaid flowchart")
    graph.add_argument("name")
    graph.add_argument("--folder", type=Path)
    graph.add_argument("--locale")
    test = tools.add_parser("test", help="run the scripted conversations in transcripts/")
    test.add_argument("folder", nargs="?", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    level = settings.log_level
    if args.command == "chat" and level == "INFO":
        level = "WARNING"  # the terminal is the conversation; keep it clear
    logs.configure(level)
    if args.command == "chat":
        return _chat(settings, args)
    if args.command == "run":
        return _run(settings)
    if args.command == "schedule":
        return _schedule_status(settings)
    if args.command in ("export", "delete", "import"):
        return _personal_data(settings, args)
    if args.command == "keys":
        return _rotate(settings)
    folder = getattr(args, "folder", None) or settings.dialogs or shipped_folder()
    if args.tool == "check":
        return _check(folder)
    if args.tool == "graph":
        return _graph(folder, args.name, args.locale)
    return _test(folder)


def _report(problems: Sequence[object]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _check(folder: Path) -> int:
    library, problems = check_folder(folder)
    if problems:
        _report(problems)
        files = len({p.file for p in problems})
        print(f"{len(problems)} problem(s) in {files} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(library.dialogs)} dialogs in {folder}, no problems")
    return 0


def _graph(folder: Path, name: str, locale: str | None) -> int:
    library, problems = check_folder(folder)
    dialog = library.dialogs.get(name)
    if dialog is None:
        print(f"no dialog `{name}` in {folder}; there are: {', '.join(sorted(library.dialogs))}",
              file=sys.stderr)
        _report(problems)
        return 1
    print(mermaid(dialog, locale), end="")
    return 0


def _test(folder: Path) -> int:
    library, problems = check_folder(folder)
    if problems:
        _report(problems)
        print("fix the dialog files first (`alongside dialogs check`)", file=sys.stderr)
        return 1
    results = run_transcripts(library, folder)
    _report(results.problems)
    for dialog_id, nodes in results.unvisited(library).items():
        print(f"not reached by any transcript: {dialog_id}: {', '.join(nodes)}")
    failed = len(results.problems)
    print(f"{results.conversations - failed} passed, {failed} failed")
    return 1 if failed else 0


def _schedule_status(settings: Settings) -> int:
    from bot.app import build

    async def status() -> int:
        async with build(settings) as app:
            report = await app.scheduler.status()
        counts = report["counts"]
        print("outbox: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
        for reason, n in report["reasons"].items():
            print(f"  {reason}: {n}")
        upcoming = report["next"]
        print("next due (UTC):" if upcoming else "nothing scheduled")
        for due_at, flow, slot_id in upcoming:
            print(f"  {due_at}  {flow:<8} slot {slot_id}")
        return 0

    return _run_checked(status)


def _personal_data(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.events import Who

    who = None
    if args.command in ("export", "delete"):
        channel, _, chat = args.person.partition(":")
        if not channel or not chat:
            print("--person takes CHANNEL:CHAT_ID, e.g. telegram:12345", file=sys.stderr)
            return 2
        who = Who(channel, chat)
        if args.command == "delete" and not args.yes:
            if not sys.stdin.isatty():
                print("refusing to delete without --yes when not asked at a terminal",
                      file=sys.stderr)
                return 2
            if input(f"Erase everything of {args.person}? Type yes: ").strip() != "yes":
                print("nothing deleted")
                return 1

    async def run() -> int:
        async with build(settings) as app:
            if args.command == "import":
                data = json.loads(args.file.read_text(encoding="utf-8"))
                try:
                    person_id = await app.companion.restore(data)
                except ValueError as exc:
                    print(f"not imported: {exc}", file=sys.stderr)
                    return 1
                print(f"imported as person {person_id}")
                return 0
            assert who is not None
            if args.command == "export":
                data = await app.companion.export(who)
                if data is None:
                    print(f"no person {args.person}", file=sys.stderr)
                    return 1
                print(json.dumps(data, ensure_ascii=False, indent=2))
                return 0
            counts = await app.companion.erase(who)
            if counts is None:
                print(f"no person {args.person}", file=sys.stderr)
                return 1
            print("deleted: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
            return 0

    return _run_checked(run)


def _rotate(settings: Settings) -> int:
    from bot.app import build
    from bot.config import key_file_for
    from storage import keys

    if settings.key is not None:
        print("ALONGSIDE_KEY is set: rotate it in your secret store; `keys rotate` works on "
              "a key file", file=sys.stderr)
        return 2

    async def run() -> int:
        async with build(settings) as app:
            changed = await keys.rotate(app.db, key_file_for(settings))
        print(f"rotated: {changed} values re-encrypted under a new key; the old key is retired")
        return 0

    return _run_checked(run)


NO_TOKEN = ("No TELEGRAM_BOT_TOKEN is set, so the bot cannot reach Telegram. "
            "To try the companion without Telegram, run: alongside chat")
BAD_TOKEN = ("Telegram rejected TELEGRAM_BOT_TOKEN (check it with @BotFather). "
             "To try the companion without Telegram, run: alongside chat")


def _run(settings: Settings) -> int:
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from telegram.error import InvalidToken

    from bot.app import build, telegram_channel

    async def run() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with build(settings) as app:
            channel = telegram_channel(app)
            try:
                await channel.start()
            except InvalidToken:
                await channel.stop()
                print(BAD_TOKEN, file=sys.stderr)
                return 2
            forgotten = await app.companion.forget_old_updates()
            log.info("running; %d old update records pruned", forgotten)
            try:
                await channel.poll(stop)
            finally:
                await channel.stop()
        log.info("stopped cleanly")
        return 0

    return _run_checked(run)


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.channels.console import ConsoleChat
    from bot.checkins import FLOW_COMMANDS, ONBOARDING

    first = None
    if args.dialog:
        by_dialog = {dialog: command for command, dialog in FLOW_COMMANDS.items()}
        by_dialog[ONBOARDING] = "start"
        first = by_dialog.get(args.dialog) or (args.dialog if args.dialog in FLOW_COMMANDS else None)
        if first is None:
            print(f"no flow `{args.dialog}`; try: {', '.join(sorted(by_dialog))}", file=sys.stderr)
            return 2

    async def chat() -> int:
        async with build(settings) as app:
            if args.locale and args.locale not in app.companion.locales:
                print(f"unknown locale `{args.locale}`; try: {', '.join(app.companion.locales)}",
                      file=sys.stderr)
                return 2
            console = ConsoleChat(app.companion, person=args.person, locale=args.locale)
            return await console.run(first)

    return _run_checked(chat)


def _run_checked(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run a command's main coroutine; dialog files that fail the checks stop it, saying why."""
    try:
        return asyncio.run(main())
    except DialogsInvalid as exc:
        print("The dialog files have problems, so the companion does not start:", file=sys.stderr)
        _report(exc.problems)
        return 1
    except KeyboardInterrupt:
        return 130
