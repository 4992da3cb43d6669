"""A Bot API test server on 127.0.0.1 that stands in for Telegram.

It speaks the methods the bot uses, answers as Telegram does (including the 400s for
text over 4096 characters or callback data over 64 bytes), and can be told to answer
429, 403 or 502, or to stall. Tests act as people through it: send text, press a
button by its label, share a location, and read what the bot said.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 7000000001
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Alongside", "username": "alongside_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False}
TEXT_LIMIT = 4096
CALLBACK_LIMIT = 64
# Fields PTB sends JSON-encoded inside a form body.
_JSON_FIELDS = {"reply_markup", "commands", "scope", "allowed_updates", "entities",
                "link_preview_options", "reply_parameters"}
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time"}


@dataclass
class Sent:
    """A message the bot sent, as the person's phone would show it."""

    chat_id: int
    message_id: int
    text: str
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    edits: int = 0
    document: str | None = None
    content: bytes = b""  # a document's bytes
    at: float = field(default_factory=time.perf_counter)  # when the server received it

    @property
    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def data_for(self, label: str) -> str:
        for row in self.buttons:
            for button in row:
                if button["text"] == label:
                    return button["callback_data"]
        raise KeyError(f"no button {label!r}; there are {self.labels}")


@dataclass
class Fault:
    method: str
    status: int
    times: int
    retry_after: int | None = None
    stall: float = 0.0
    description: str = ""


class BotApiServer:
    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self.update_ids = itertools.count(1)
        self.message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self.messages: dict[int, list[Sent]] = defaultdict(list)
        self.by_id: dict[tuple[int, int], Sent] = {}
        self.callback_answers: dict[str, str | None] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.calls: list[str] = []
        self.names: dict[int, str] = {}  # chat id -> the account's first name, if not PersonN
        self.faults: list[Fault] = []
        self.rejected: list[tuple[str, int, str]] = []  # (method, status, description)
        self.confirmed_offset = 0
        self.delivered_log: list[dict[str, Any]] = []  # updates the bot has confirmed
        self.served: list[int] = []  # update ids handed out, in order (with repeats)
        self._new_update = asyncio.Condition()
        self._new_message = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.closing = False

    # --- running -----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> BotApiServer:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        app.router.add_get("/_stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        async with self._new_update:
            self.closing = True  # long polls answer at once, so shutdown does not wait
            self._new_update.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- faults --------------------------------------------------------------------
    def fail(self, method: str, status: int, times: int = 1, retry_after: int | None = None,
             description: str = "") -> None:
        self.faults.append(Fault(method, status, times, retry_after, 0.0, description))

    def stall(self, method: str, seconds: float, times: int = 1) -> None:
        self.faults.append(Fault(method, 200, times, stall=seconds))

    def _fault_for(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    # --- acting as a person -----------------------------------------------------------
    def _user(self, chat_id: int, language: str) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False,
                "first_name": self.names.get(chat_id, f"Person{chat_id}"), "language_code": language}

    def _chat(self, chat_id: int, kind: str = "private") -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = self.names.get(chat_id, f"Person{chat_id}")
        else:
            chat["title"] = "A group"
        return chat

    async def _push(self, update: dict[str, Any]) -> int:
        update_id = next(self.update_ids)
        update["update_id"] = update_id
        async with self._new_update:
            self.updates.append(update)
            self._new_update.notify_all()
        return update_id

    async def redeliver(self, update_id: int) -> None:
        """Telegram sends an update again (e.g. the bot restarted before confirming it)."""
        original = next(u for u in self.delivered_log if u["update_id"] == update_id)
        again = json.loads(json.dumps(original))
        again["_redelivered"] = True  # served even though the bot confirmed it already
        async with self._new_update:
            self.updates.append(again)
            self._new_update.notify_all()

    async def send_message(self, chat_id: int, extra: dict[str, Any], language: str = "en",
                           chat_type: str = "private", from_id: int | None = None) -> int:
        user_id = from_id or chat_id
        message = {"message_id": next(self.message_ids[chat_id]), "date": int(time.time()),
                   "chat": self._chat(chat_id, chat_type), "from": self._user(user_id, language),
                   **extra}
        return await self._push({"message": message})

    async def text(self, chat_id: int, text: str, language: str = "en",
                   chat_type: str = "private") -> int:
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.send_message(chat_id, extra, language, chat_type)

    async def sticker(self, chat_id: int, language: str = "en") -> int:
        return await self.send_message(chat_id, {"sticker": {
            "file_id": "CAAC-sticker", "file_unique_id": "s1", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False}}, language)

    async def photo(self, chat_id: int, language: str = "en") -> int:
        return await self.send_message(chat_id, {"photo": [
            {"file_id": "AgAD-photo", "file_unique_id": "p1", "width": 90, "height": 90}]}, language)

    async def voice(self, chat_id: int, language: str = "en") -> int:
        return await self.send_message(chat_id, {"voice": {
            "file_id": "AwAD-voice", "file_unique_id": "v1", "duration": 3}}, language)

    async def location(self, chat_id: int, latitude: float, longitude: float,
                       language: str = "en") -> int:
        return await self.send_message(
            chat_id, {"location": {"latitude": latitude, "longitude": longitude}}, language)

    async def press(self, chat_id: int, label: str, message: Sent | None = None,
                    data: str | None = None, language: str = "en") -> int:
        """Tap a button (by its label, on the newest message that has it, unless told which)."""
        if message is None:
            message = next(m for m in reversed(self.messages[chat_id]) if label in m.labels)
        query_id = f"q{len(self.callback_answers)}-{time.monotonic_ns()}"
        return await self._push({"callback_query": {
            "id": query_id, "from": self._user(chat_id, language), "chat_instance": f"ci{chat_id}",
            "data": data if data is not None else message.data_for(label),
            "message": {"message_id": message.message_id, "date": int(time.time()),
                        "chat": self._chat(chat_id), "from": BOT_USER, "text": message.text}}})

    # --- reading what the bot said ------------------------------------------------------
    def said(self, chat_id: int) -> list[Sent]:
        return self.messages[chat_id]

    async def wait_for(self, chat_id: int, count: int, timeout: float = 10.0) -> list[Sent]:
        """Wait until the chat holds at least `count` messages; return the newest `count`."""
        async def enough() -> None:
            async with self._new_message:
                await self._new_message.wait_for(lambda: len(self.messages[chat_id]) >= count)

        await asyncio.wait_for(enough(), timeout)
        return self.messages[chat_id][-count:] if count else []

    async def reply_to(self, action: Any, chat_id: int, timeout: float = 10.0) -> list[Sent]:
        """Do something as the person and wait until the bot has answered it."""
        before = len(self.messages[chat_id])
        update_id = await action
        await self.wait_until_confirmed(update_id, timeout)
        await asyncio.sleep(0)
        return self.messages[chat_id][before:]

    async def wait_until_confirmed(self, update_id: int, timeout: float = 10.0) -> None:
        """The bot confirms an update by asking for the ones after it (or stops)."""
        async def confirmed() -> None:
            async with self._new_update:
                await self._new_update.wait_for(lambda: self.confirmed_offset > update_id)

        await asyncio.wait_for(confirmed(), timeout)

    # --- the HTTP side ------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw: dict[str, Any] = await request.json()
        else:
            form = await request.post()
            raw = {}
            for key, value in form.items():
                raw[key] = value if isinstance(value, str) else {
                    "filename": value.filename, "content": value.file.read()}
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _JSON_FIELDS and isinstance(value, str):
                value = json.loads(value)
            elif key in _INT_FIELDS and isinstance(value, str):
                value = int(value)
            params[key] = value
        return params

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls.append(method)
        params = await self._params(request)
        fault = self._fault_for(method)
        if fault is not None:
            if fault.stall:
                await asyncio.sleep(fault.stall)
            elif fault.status == 429:
                return self._error(429, f"Too Many Requests: retry after {fault.retry_after}",
                                   {"retry_after": fault.retry_after or 1})
            else:
                return self._error(fault.status, fault.description or {
                    403: "Forbidden: bot was blocked by the user",
                    502: "Bad Gateway"}.get(fault.status, "Error"))
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        result = await handler(params)
        if isinstance(result, web.Response):
            self.rejected.append((method, result.status, json.loads(result.text or "{}")
                                  .get("description", "")))
            return result
        return web.json_response({"ok": True, "result": result})

    async def _stats(self, request: web.Request) -> web.Response:
        """For benchmarks in another process: how many messages each chat received."""
        return web.json_response({str(chat): len(sent) for chat, sent in self.messages.items()})

    def _error(self, status: int, description: str,
               parameters: dict[str, Any] | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        scope = params.get("scope") or {}
        if isinstance(scope, str):
            scope = json.loads(scope)
        key = f"chat:{scope['chat_id']}" if scope.get("type") == "chat" else ""
        self.commands[key or params.get("language_code", "")] = params["commands"]
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = params.get("offset")
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        async with self._new_update:
            if offset:
                self.confirmed_offset = max(self.confirmed_offset, offset)
                done = [u for u in self.updates if u["update_id"] < offset and not u.get("_served")]
                self.delivered_log.extend(u for u in done if not u.get("_redelivered"))
                self.updates = [u for u in self.updates
                                if u["update_id"] >= offset or (u.get("_redelivered")
                                                                and not u.get("_served"))]
                self._new_update.notify_all()
            if not self.updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait_for(
                        lambda: bool(self.updates) or self.closing),
                                           timeout)
            batch = self.updates[:limit]
            self.served += [u["update_id"] for u in batch]
            for update in batch:
                if update.get("_redelivered"):
                    update["_served"] = True
            return [{k: v for k, v in u.items() if not k.startswith("_")} for u in batch]

    def _check_text(self, text: str) -> web.Response | None:
        if not text or not text.strip():
            return self._error(400, "Bad Request: message text is empty")
        if len(text) > TEXT_LIMIT:
            return self._error(400, "Bad Request: message is too long")
        return None

    def _check_markup(self, markup: Any) -> tuple[list[list[dict[str, Any]]], web.Response | None]:
        rows = (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []
        for row in rows:
            for button in row:
                data = button.get("callback_data", "")
                if not 1 <= len(data.encode("utf-8")) <= CALLBACK_LIMIT:
                    return rows, self._error(400, "Bad Request: BUTTON_DATA_INVALID")
        return rows, None

    async def _record(self, sent: Sent) -> dict[str, Any]:
        async with self._new_message:
            self.messages[sent.chat_id].append(sent)
            self.by_id[(sent.chat_id, sent.message_id)] = sent
            self._new_message.notify_all()
        return self._message_json(sent)

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        body: dict[str, Any] = {"message_id": sent.message_id, "date": int(time.time()),
                                "chat": self._chat(sent.chat_id), "from": BOT_USER}
        if sent.document:
            body["document"] = {"file_id": "BQAD-doc", "file_unique_id": "d1",
                                "file_name": sent.document}
        else:
            body["text"] = sent.text
        if sent.buttons:
            body["reply_markup"] = {"inline_keyboard": sent.buttons}
        return body

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        text = params.get("text", "")
        problem = self._check_text(text)
        rows, markup_problem = self._check_markup(params.get("reply_markup"))
        if problem or markup_problem:
            return problem or markup_problem
        chat_id = params["chat_id"]
        return await self._record(Sent(chat_id, next(self.message_ids[chat_id]), text, rows))

    async def _m_sendDocument(self, params: dict[str, Any]) -> Any:
        chat_id = params["chat_id"]
        upload = params.get("document")
        if not isinstance(upload, dict):
            return self._error(400, "Bad Request: there is no document in the request")
        sent = Sent(chat_id, next(self.message_ids[chat_id]), params.get("caption", ""),
                    document=upload["filename"], content=upload["content"])
        return await self._record(sent)

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        sent = self.by_id.get((params.get("chat_id"), params.get("message_id")))
        if sent is None:
            return self._error(400, "Bad Request: message to edit not found")
        text = params.get("text", "")
        rows, markup_problem = self._check_markup(params.get("reply_markup"))
        problem = self._check_text(text) or markup_problem
        if problem:
            return problem
        if text == sent.text and rows == sent.buttons:
            return self._error(400, "Bad Request: message is not modified")
        sent.text, sent.buttons = text, rows
        sent.edits += 1
        return self._message_json(sent)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        sent = self.by_id.get((params.get("chat_id"), params.get("message_id")))
        if sent is None:
            return self._error(400, "Bad Request: message to edit not found")
        rows, problem = self._check_markup(params.get("reply_markup"))
        if problem:
            return problem
        sent.buttons = rows
        sent.edits += 1
        return self._message_json(sent)

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = params.get("callback_query_id", "")
        if query_id in self.callback_answers:
            return self._error(400, "Bad Request: query is too old and response timeout expired "
                                    "or query ID is invalid")
        self.callback_answers[query_id] = params.get("text")
        return True

    async def _m_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True


async def _serve_forever(port: int) -> None:
    server = BotApiServer()
    app = web.Application(client_max_size=60 * 1024 * 1024)
    app.router.add_route("*", "/bot{token}/{method}", server._dispatch)
    app.router.add_get("/_stats", server._stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    print(f"{site._server.sockets[0].getsockname()[1]} {server.token}", flush=True)  # type: ignore[union-attr]
    await asyncio.Event().wait()


if __name__ == "__main__":  # a stand-alone server for benchmarks: prints "PORT TOKEN"
    import sys

    asyncio.run(_serve_forever(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
