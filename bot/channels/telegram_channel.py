"""The companion on Telegram: python-telegram-bot's Application, long polling.

This adapter translates updates into the service layer's `Inbound` events and its
`Reply` into messages and keyboards. It confirms an update to Telegram (by asking for
the ones after it) only once the update is committed and its reply sent, so a crash
loses nothing: a redelivered update changes nothing and re-sends a reply that never
went out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler

from bot.channels.aiohttp_request import AiohttpRequest
from bot.checkins import Companion
from bot.events import Action, Command, Inbound, Outgoing, Pressed, Reply, Said, Sent, Shared, Who
from bot.flows.lexicon import MENU_COMMANDS, THERAPIST_COMMANDS, Lexicon
from bot.scheduling.outbox import Outcome, Scheduler

log = logging.getLogger(__name__)
CHANNEL = "telegram"
TEXT_LIMIT = 4096
T = TypeVar("T")


@dataclass(frozen=True)
class Delivery:
    """How hard to try when Telegram or the network has a bad moment."""

    attempts: int = 6
    first_backoff: float = 0.5  # seconds; doubles on each retry
    max_backoff: float = 30.0
    poll_timeout: int = 25  # long-poll seconds for getUpdates
    rate_limit: bool = True  # PTB's AIORateLimiter (about 30 messages/s overall)
    tick_seconds: float | None = 30.0  # how often due check-ins go out; None: never


class DeliveryFailed(Exception):
    """A reply could not be sent after every retry; the update is not confirmed."""


def keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    """Buttons laid out for a phone: a 0–10 scale in two rows, short labels side by side."""
    answers = [b for b in message.buttons if not b.skip]
    skips = [b for b in message.buttons if b.skip]
    if not message.buttons:
        return None
    if message.input == "scale":
        half = (len(answers) + 1) // 2
        rows = [answers[:half], answers[half:]]
    else:
        longest = max((len(b.label) for b in answers), default=0)
        per_row = 3 if longest <= 10 else 2 if longest <= 18 else 1
        rows = [answers[i:i + per_row] for i in range(0, len(answers), per_row)]
    rows = [row for row in rows if row] + ([skips] if skips else [])
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows])


def merged(messages: list[Outgoing]) -> list[Outgoing]:
    """Lines said on the way to a question arrive with it: one notification, not three."""
    out: list[Outgoing] = []
    pending: list[str] = []
    for message in messages:
        text = "\n\n".join([*pending, message.text])
        if message.buttons or len(text) > TEXT_LIMIT:
            if len(text) > TEXT_LIMIT:
                out += [Outgoing(t) for t in pending]
                text = message.text
            out.append(Outgoing(text, message.buttons, message.input, message.skip_hint))
            pending = []
        else:
            pending.append(message.text)
    if pending:
        joined = "\n\n".join(pending)
        out += [Outgoing(joined)] if len(joined) <= TEXT_LIMIT else [Outgoing(t) for t in pending]
    return out


def action_of(update: Update) -> Action | None:
    """What the person did, in the service layer's words; None for what we ignore."""
    if update.callback_query is not None:
        return Pressed(update.callback_query.data)
    message = update.message
    if message is None:
        return None  # edited messages, channel posts, …
    if message.text is not None:
        text = message.text
        entities = message.entities or ()
        if text.startswith("/") and any(e.type == "bot_command" and e.offset == 0 for e in entities):
            head, _, rest = text[1:].partition(" ")
            return Command(head.split("@", 1)[0].lower(), rest.strip()[:200])
        return Said(text)
    if message.location is not None:
        return Shared(message.location.latitude, message.location.longitude)
    for kind in ("sticker", "photo", "voice", "video", "video_note", "audio", "document",
                 "animation", "contact", "poll", "dice"):
        if getattr(message, kind, None):
            return Sent(kind)
    return Sent("other")


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramChannel:
    def __init__(self, companion: Companion, lexicon: Lexicon, token: str, base_url: str,
                 delivery: Delivery | None = None, scheduler: Scheduler | None = None) -> None:
        self.companion = companion
        self.scheduler = scheduler
        self.lexicon = lexicon
        self.delivery = delivery or Delivery()
        builder = (Application.builder().token(token).base_url(base_url).updater(None)
                   .request(AiohttpRequest()).get_updates_request(AiohttpRequest(connections=1)))
        builder = builder.base_file_url(base_url.removesuffix("/bot") + "/file/bot")
        if self.delivery.rate_limit:
            builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._undelivered: set[int] = set()
        self._last_pruned = 0.0  # monotonic seconds
        self._sent: list[int] = []  # replies sent in this batch, marked in one transaction
        self._open_keyboard: dict[int, int] = {}  # chat -> message still showing buttons

    @property
    def bot(self) -> Any:
        return self.application.bot

    # --- life cycle ------------------------------------------------------------------
    async def start(self) -> None:
        """Connect (raises InvalidToken if Telegram rejects the token) and set the menu."""
        await self.application.initialize()
        await self._call(lambda: self.bot.delete_webhook())
        await self.set_commands()
        await self.application.start()
        tick = self.delivery.tick_seconds
        if self.scheduler is not None and tick and self.application.job_queue is not None:
            # One periodic job; the database says who is due (see bot/scheduling).
            self.application.job_queue.run_repeating(self._tick, interval=tick, first=0.5,
                                                     name="check-ins")
        self.companion.bot_username = self.bot.username  # for t.me deep links to /share codes
        log.info("connected to the Bot API as bot id %s", self.bot.id)

    async def stop(self) -> None:
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def set_commands(self) -> None:
        locales = self.companion.locales
        for locale in [None, *locales]:
            commands = [BotCommand(name, self.lexicon.line(f"command_{name}", locale or locales[0]))
                        for name in MENU_COMMANDS]
            await self._call(lambda c=commands, lc=locale: self.bot.set_my_commands(
                c, scope=BotCommandScopeAllPrivateChats(), language_code=lc))

    async def _therapist_menu(self, chat_id: int, locale: str) -> None:
        """Someone people share with: their menu also lists /patients and /summary."""
        commands = [BotCommand(name, self.lexicon.line(f"command_{name}", locale))
                    for name in (*MENU_COMMANDS, *THERAPIST_COMMANDS)]
        await self._best_effort(lambda: self.bot.set_my_commands(
            commands, scope=BotCommandScopeChat(chat_id)))

    async def poll(self, stop: asyncio.Event) -> None:
        """Fetch updates and handle them until `stop` is set; confirm only what was handled."""
        offset: int | None = None
        backoff = self.delivery.first_backoff
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                fetch = asyncio.create_task(self.bot.get_updates(
                    offset=offset, timeout=self.delivery.poll_timeout,
                    allowed_updates=["message", "callback_query"]))
                await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not fetch.done():
                    fetch.cancel()
                    break
                try:
                    updates = fetch.result()
                except InvalidToken:
                    raise
                except (NetworkError, RetryAfter) as exc:
                    log.warning("getUpdates failed (%s); retrying in %.1fs", type(exc).__name__,
                                backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.delivery.max_backoff)
                    continue
                backoff = self.delivery.first_backoff
                if not updates:
                    continue
                unsent = await self._handle_batch(updates)
                if unsent is None:
                    offset = updates[-1].update_id + 1
                else:
                    # Not confirmed: Telegram hands it (and what came after) over again;
                    # handled ones change nothing, and the stored reply goes out then.
                    offset = unsent
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.delivery.max_backoff)
        finally:
            stopping.cancel()
            if offset is not None and stop.is_set():
                # Confirm what was handled, so a restart does not fetch it again.
                try:
                    await self.bot.get_updates(offset=offset, timeout=0, allowed_updates=[])
                except Exception as exc:  # shutting down anyway; a redelivery is harmless
                    log.info("could not confirm the last updates (%s)", type(exc).__name__)

    async def _handle_batch(self, updates: list[Update]) -> int | None:
        """Each person's updates in order, different people side by side (so one slow
        conversation holds up no one else). Returns the first update whose reply did not
        go out, if any."""
        by_chat: dict[int | None, list[Update]] = {}
        for update in updates:
            chat = update.effective_chat
            by_chat.setdefault(chat.id if chat else None, []).append(update)

        async def one_chat(queue: list[Update]) -> int | None:
            for update in queue:
                await self.application.process_update(update)
                if update.update_id in self._undelivered:
                    self._undelivered.discard(update.update_id)
                    return update.update_id  # later ones of this person wait for it
            return None

        unsent = [u for u in await asyncio.gather(*map(one_chat, by_chat.values())) if u is not None]
        # Before the next getUpdates confirms this batch: these replies are out.
        sent, self._sent = self._sent, []
        await self.companion.delivered(CHANNEL, sent)
        return min(unsent) if unsent else None

    # --- handling ---------------------------------------------------------------------
    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        locale = (user.language_code or "")[:2] or None
        who = Who(CHANNEL, str(chat.id), locale, user.full_name)
        if chat.type != "private":
            await self._private_only(update, chat.id, locale)
            return
        action = action_of(update)
        if action is None:
            return
        reply = await self.companion.handle(Inbound(who, action, update.update_id))
        query = update.callback_query
        if reply.duplicate:
            if query is not None:
                await self._best_effort(lambda: query.answer())
            return
        try:
            await self._deliver(who, chat.id, update, reply)
        except DeliveryFailed:
            self._undelivered.add(update.update_id)
            return
        self._sent.append(update.update_id)

    async def _deliver(self, who: Who, chat_id: int, update: Update, reply: Reply) -> None:
        query = update.callback_query
        try:
            if query is not None:
                await self._best_effort(lambda: query.answer(text=reply.notice))
                if reply.replace is not None and query.message is not None:
                    await self._replace(chat_id, query.message.message_id, reply.replace)
                elif reply.chosen is not None and query.message is not None:
                    await self._show_choice(chat_id, query.message.message_id,
                                            getattr(query.message, "text", None) or "",
                                            reply.chosen)
            elif reply.messages:
                await self._close_keyboard(chat_id)
            for message in merged(reply.messages):
                markup = keyboard(message)
                sent = await self._call(lambda m=message, k=markup: self.bot.send_message(
                    chat_id, m.text, reply_markup=k))
                if any(not b.skip for b in message.buttons) and not message.lasting:
                    self._open_keyboard[chat_id] = sent.message_id
            if reply.export:
                for name, content in await self.companion.export_files(who):
                    await self._call(lambda n=name, c=content: self.bot.send_document(
                        chat_id, document=c, filename=n))
        except Forbidden:
            log.info("a person blocked the bot; marking them unreachable")
            await self.companion.unreachable(who)
        await self._send_letters(reply)

    async def _send_letters(self, reply: Reply) -> None:
        """Messages the reply holds for other accounts (a therapist, the person sharing)."""
        sent: list[int] = []
        lost: list[int] = []
        for letter in reply.others:
            outcome = await self.send(letter.to, letter.message)
            if outcome is Outcome.FAILED:  # the update is handled again; its reply re-sent
                raise DeliveryFailed("a message for another account did not go out")
            if outcome is Outcome.SENT and letter.therapist_menu is not None:
                await self._therapist_menu(int(letter.to), letter.therapist_menu)
            if letter.summary_id is not None:
                (sent if outcome is Outcome.SENT else lost).append(letter.summary_id)
        await self.companion.summaries_sent(sent, lost)

    async def _replace(self, chat_id: int, message_id: int, message: Outgoing) -> None:
        """A pressed settings message shows its new state in place (e.g. a ticked scope)."""
        if self._open_keyboard.get(chat_id) == message_id:
            del self._open_keyboard[chat_id]
        await self._best_effort(lambda: self.bot.edit_message_text(
            message.text, chat_id=chat_id, message_id=message_id, reply_markup=keyboard(message)))

    async def _show_choice(self, chat_id: int, message_id: int, text: str, chosen: str) -> None:
        """The pressed message shows the answer and loses its buttons: no second press."""
        suffix = f"\n\n→ {chosen}"
        shown = text[: TEXT_LIMIT - len(suffix)] + suffix
        if self._open_keyboard.get(chat_id) == message_id:
            del self._open_keyboard[chat_id]
        await self._best_effort(lambda: self.bot.edit_message_text(
            shown, chat_id=chat_id, message_id=message_id, reply_markup=None))

    async def _close_keyboard(self, chat_id: int) -> None:
        """A typed answer to a question with answer buttons moves on: its buttons go away.

        (A lone Skip button is left: pressed late, it only gets the short notice, and
        not editing saves a request per typed answer.)"""
        message_id = self._open_keyboard.pop(chat_id, None)
        if message_id is not None:
            await self._best_effort(lambda: self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=None))

    async def _private_only(self, update: Update, chat_id: int, locale: str | None) -> None:
        text = self.lexicon.line("private_only", locale or self.companion.locales[0])
        if update.callback_query is not None:
            await self._best_effort(lambda: update.callback_query.answer(text=text[:200]))
        elif update.message is not None and action_of(update) is not None:
            await self._best_effort(lambda: self.bot.send_message(chat_id, text))

    # --- scheduled check-ins ----------------------------------------------------------
    async def _tick(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert self.scheduler is not None
        try:
            await self.scheduler.tick()
            while (await self.scheduler.drain(self)).seen:
                pass  # until nothing is ready; the rate limiter sets the pace
            if time.monotonic() - self._last_pruned > 3600:  # hourly is plenty
                self._last_pruned = time.monotonic()
                await self.companion.forget_old_updates()
        except Exception as exc:  # the next tick tries again; the outbox keeps every row
            log.error("check-in tick failed: %s", type(exc).__name__)

    async def send(self, to: str, message: Outgoing) -> Outcome:
        """A message nobody's update asked for: a check-in, a summary, a letter."""
        chat_id = int(to)
        try:
            sent = await self._call(lambda: self.bot.send_message(
                chat_id, message.text, reply_markup=keyboard(message)))
        except Forbidden:
            await self.companion.unreachable(Who(CHANNEL, to))
            return Outcome.BLOCKED
        except (DeliveryFailed, BadRequest) as exc:
            log.warning("a message could not be sent (%s)", type(exc).__name__)
            return Outcome.FAILED
        if any(not b.skip for b in message.buttons) and not message.lasting:
            self._open_keyboard[chat_id] = sent.message_id
        return Outcome.SENT

    # --- talking to Telegram ----------------------------------------------------------
    async def _call(self, make: Callable[[], Awaitable[T]]) -> T:
        """Retry network errors and 5xx with backoff; honour RetryAfter; give up loudly."""
        delay = self.delivery.first_backoff
        for attempt in range(1, self.delivery.attempts + 1):
            try:
                return await make()
            except (Forbidden, BadRequest, InvalidToken):
                raise
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                log.warning("Telegram asked to wait %.1fs (attempt %d)", wait, attempt)
                await asyncio.sleep(wait)
            except NetworkError as exc:
                log.warning("%s from Telegram (attempt %d); retrying in %.1fs",
                            type(exc).__name__, attempt, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.delivery.max_backoff)
        raise DeliveryFailed(f"gave up after {self.delivery.attempts} attempts")

    async def _best_effort(self, make: Callable[[], Awaitable[Any]]) -> None:
        """Edits and callback answers: helpful, never worth failing a reply for."""
        try:
            await self._call(make)
        except (BadRequest, DeliveryFailed) as exc:
            log.info("a cosmetic call failed (%s)", type(exc).__name__)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        where = ""
        if error is not None and error.__traceback__ is not None:
            tb = error.__traceback__
            while tb.tb_next is not None:
                tb = tb.tb_next
            where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
        # The type and the place only: an exception's text may hold a person's words.
        log.error("%s while handling update %s%s", type(error).__name__, update_id, where)
        if isinstance(update, Update) and update.effective_chat is not None:
            user = update.effective_user
            locale = ((user.language_code if user else None) or "")[:2]
            locale = locale if locale in self.companion.locales else self.companion.locales[0]
            chat_id = update.effective_chat.id
            try:
                await self._call(lambda: self.bot.send_message(
                    chat_id, self.lexicon.line("something_went_wrong", locale)))
            except Exception as exc:
                log.error("could not tell the person (%s)", type(exc).__name__)
