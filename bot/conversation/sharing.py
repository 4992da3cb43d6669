"""Sharing with a therapist, as the person and the therapist live it.

The person makes a one-time code (/share); the therapist opens it; the person sees
who it was, ticks what to share and confirms — nothing leaves before that. Each week
the person sees the summary first (or lets it go automatically); /sharing changes or
ends any of it at once. A therapist sees, through /patients and /summary, only what
was sent to them, and only while the person keeps sharing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.conversation.base import ConversationBase
from bot.events import Letter, OutButton, Outgoing, Reply
from bot.flows.buttons import LinkAction, SummaryChoice, link_data, summary_data
from bot.scheduling.wallclock import WEEKDAY_KEYS, from_stamp, stamp
from bot.sharing.codes import (
    CODE_LIFETIME,
    FAILURE_WINDOW,
    MAX_FAILURES,
    code_hash,
    deep_link,
    new_code,
)
from bot.sharing.summaries import split_text, week_summary
from storage import answers, schedules, sessions, sharing
from storage.outbox import Item
from storage.schedules import Slot
from storage.sharing import Link, Summary

SUMMARY = "summary"  # the schedules' name for the weekly summary slot
SUMMARY_DEFAULT = (6, "18:00")  # Sunday evening, until the person picks another time
WEEK = timedelta(days=7)
MAX_WEEKS = 12  # /summary NAME WEEKS looks back at most this far


class Sharing(ConversationBase):
    # --- the person: making a code -------------------------------------------------
    async def make_share_code(self) -> Reply:
        if not self.person.onboarded:
            return self.say("not_onboarded")
        code = new_code()
        await sharing.add_code(self.conn, self.person.id, code_hash(code), self.now,
                               stamp(self.moment + CODE_LIFETIME))
        link = deep_link(self.companion.bot_username, code) or f"/start {code}"
        self.say("share_code", link=link)
        return self.say("share_stays_with_them")

    # --- the therapist: opening a code -------------------------------------------------
    async def open_code(self, code: str) -> Reply:
        since = stamp(self.moment - FAILURE_WINDOW)
        if await sharing.failures(self.conn, self.person.id, since) >= MAX_FAILURES:
            return self.say("share_code_wait")  # not even checked: guessing stays hopeless
        allowed = self.companion.therapists
        if allowed is not None and self.person.external_id not in allowed:
            # Said before the code is looked at, so it tells nothing about the code.
            await sharing.record_failure(self.conn, self.person.id, stamp(self.moment), since)
            return self.say("share_not_allowed")
        found = await sharing.find_code(self.conn, code_hash(code))
        if found is not None and found.person_id == self.person.id:
            return self.say("share_own_code")
        if found is None or found.used_at is not None or found.expires_at <= stamp(self.moment):
            await sharing.record_failure(self.conn, self.person.id, stamp(self.moment), since)
            return self.say("share_code_invalid")
        await sharing.use_code(self.conn, found.id, self.now)
        label = self.account_name or self.line("someone")
        link = await sharing.open_link(self.conn, found.person_id, self.person.id, label, self.now)
        if link.status == "active":
            return self.say("share_already_linked")
        self.reply.others.append(Letter(link.person_external_id, self.scope_editor(link, 0)))
        return self.say("share_opened")

    # --- the person: choosing, changing, stopping --------------------------------------
    def scopes_text(self, scopes: tuple[str, ...], locale: str) -> str:
        lexicon = self.library.lexicon
        return ", ".join(lexicon.text(s.title, locale) for k, s in lexicon.sharing.items()
                         if k in scopes)

    def mask_of(self, scopes: tuple[str, ...]) -> int:
        return sum(1 << n for n, k in enumerate(self.library.lexicon.sharing) if k in scopes)

    def scopes_of(self, mask: int) -> tuple[str, ...]:
        return tuple(k for n, k in enumerate(self.library.lexicon.sharing) if mask & (1 << n))

    def scope_editor(self, link: Link, mask: int) -> Outgoing:
        """Tick what to share; confirm. Shown to the person, in the person's language."""
        locale = link.person_locale
        lexicon = self.library.lexicon
        pending = link.status == "pending"
        intro = "share_choose" if pending else "sharing_change"
        text = (f"{lexicon.line(intro, locale, therapist=link.therapist_label)}\n\n"
                f"{lexicon.line('share_stays', locale, therapist=link.therapist_label)}")
        buttons = [OutButton(("☑ " if mask & (1 << n) else "☐ ") + lexicon.text(s.title, locale),
                             link_data(link.id, "tick", mask ^ (1 << n)))
                   for n, s in enumerate(lexicon.sharing.values())]
        buttons.append(OutButton(lexicon.line("share_confirm" if pending else "sharing_save", locale),
                                 link_data(link.id, "confirm", mask)))
        buttons.append(OutButton(lexicon.line("share_decline" if pending else "sharing_keep",
                                              locale),
                                 link_data(link.id, "decline" if pending else "keep")))
        return Outgoing(text, tuple(buttons), "choice", lasting=True)

    def link_card(self, link: Link) -> Outgoing:
        how = self.line("sharing_auto" if link.auto_send else "sharing_preview")
        text = self.line("sharing_card", therapist=link.therapist_label,
                         scopes=self.scopes_text(link.scopes, self.person.locale), how=how)
        switch = ("manual", "sharing_to_preview") if link.auto_send else ("auto", "sharing_to_auto")
        buttons = (OutButton(self.line("sharing_edit"), link_data(link.id, "edit")),
                   OutButton(self.line(switch[1]), link_data(link.id, switch[0])),
                   OutButton(self.line("sharing_stop"), link_data(link.id, "stop")))
        return Outgoing(text, buttons, "choice", lasting=True)

    async def show_sharing(self) -> Reply:
        links = await sharing.links_of_person(self.conn, self.person.id, ("active", "pending"))
        if not links:
            return self.say("sharing_none")
        for link in links:
            self.reply.messages.append(self.link_card(link) if link.status == "active"
                                       else self.scope_editor(link, 0))
        slot = await self.summary_slot()
        if self.person.timezone is None:
            when = self.line("needs_timezone")  # a time without a zone is never guessed
        elif slot is not None:
            when = self.line("sharing_when", day=self.line(f"day_{slot.weekday}"),
                             time=slot.local_time)
        else:
            when = self.line("sharing_when_unset")
        change = OutButton(self.line("sharing_change_when"), link_data(0, "when"))
        self.reply.messages.append(Outgoing(when, (change,), "choice", lasting=True))
        return self.reply

    async def press_link(self, press: LinkAction) -> Reply:
        if press.link_id == 0 and press.action == "when":
            self.reply.chosen = self.line("sharing_change_when")
            if self.person.timezone is None:
                return self.say("needs_timezone")
            return await self.begin("summary_time",
                                    await sessions.active(self.conn, self.person.id))
        link = await sharing.get_link(self.conn, press.link_id)
        if link is None or link.person_id != self.person.id or link.status == "revoked":
            self.reply.notice = self.line("stale_notice")  # someone else's, or over: nothing
            return self.reply
        if press.action == "tick":
            every = (1 << len(self.library.lexicon.sharing)) - 1  # forged bits fall away
            self.reply.replace = self.scope_editor(link, press.mask & every)
            return self.reply
        if press.action == "confirm":
            return await self.confirm_link(link, self.scopes_of(press.mask))
        if press.action == "decline" and link.status == "pending":
            await sharing.end(self.conn, link.id, self.now)
            self.reply.chosen = self.line("share_decline")
            self.reply.others.append(self.letter_to_therapist(link, "share_not_set_up"))
            return self.say("share_declined", therapist=link.therapist_label)
        if link.status != "active":
            self.reply.notice = self.line("stale_notice")
            return self.reply
        if press.action == "edit":
            self.reply.replace = self.scope_editor(link, self.mask_of(link.scopes))
        elif press.action == "keep":
            self.reply.replace = self.link_card(link)
        elif press.action in ("auto", "manual"):
            await sharing.set_auto_send(self.conn, link.id, press.action == "auto")
            changed = await sharing.get_link(self.conn, link.id)
            assert changed is not None
            self.reply.replace = self.link_card(changed)
        elif press.action == "stop":
            buttons = (OutButton(self.line("sharing_stop_yes"), link_data(link.id, "end")),
                       OutButton(self.line("sharing_keep"), link_data(link.id, "keep")))
            self.reply.replace = Outgoing(
                self.line("sharing_stop_confirm", therapist=link.therapist_label), buttons,
                "choice", lasting=True)
        elif press.action == "end":
            await self.stop_sharing(link)
        return self.reply

    async def confirm_link(self, link: Link, scopes: tuple[str, ...]) -> Reply:
        if not scopes:
            self.reply.notice = self.line("share_pick_one")
            return self.reply
        first = link.status == "pending"
        label = self.account_name or self.person.name or self.line("someone")
        await sharing.confirm(self.conn, link.id, scopes, label, self.now)
        self.reply.chosen = self.line("share_confirm" if first else "sharing_save")
        shown = self.scopes_text(scopes, self.person.locale)
        if not first:
            return self.say("sharing_saved", therapist=link.therapist_label, scopes=shown)
        day, at = await self.ensure_summary_slot()
        self.say("share_confirmed", therapist=link.therapist_label, scopes=shown, day=day, time=at)
        started = self.letter_to_therapist(link, "share_started", person=label,
                                           scopes=self.scopes_text(scopes, link.therapist_locale))
        self.reply.others.append(replace(started, therapist_menu=link.therapist_locale))
        return self.reply

    async def ensure_summary_slot(self) -> tuple[str, str]:
        """The weekly summary's day and time; Sunday evening unless chosen."""
        slot = await self.summary_slot()
        if slot is None:
            weekday, at = SUMMARY_DEFAULT
            await schedules.add(self.conn, self.person.id, SUMMARY, weekday, at,
                                self.next_due(weekday, at), self.now)
        else:
            weekday, at = slot.weekday, slot.local_time
        return self.line(f"day_{weekday}"), at

    async def summary_slot(self) -> Slot | None:
        slots = await schedules.for_person(self.conn, self.person.id)
        return next((s for s in slots if s.dialog_id == SUMMARY), None)

    async def set_summary_time(self, day: object, at: object) -> None:
        if day in WEEKDAY_KEYS and isinstance(at, str):
            weekday = WEEKDAY_KEYS.index(str(day))
            await schedules.remove_flow(self.conn, self.person.id, SUMMARY)
            await schedules.add(self.conn, self.person.id, SUMMARY, weekday, at,
                                self.next_due(weekday, at), self.now)

    async def stop_sharing(self, link: Link) -> None:
        """At once: queued summaries dropped, the therapist's commands show nothing more."""
        await sharing.end(self.conn, link.id, self.now)
        if not await sharing.links_of_person(self.conn, self.person.id):
            await schedules.remove_flow(self.conn, self.person.id, SUMMARY)
        self.reply.chosen = self.line("sharing_stop_yes")
        self.say("sharing_stopped", therapist=link.therapist_label)

    def letter_to_therapist(self, link: Link, line_id: str, **values: object) -> Letter:
        text = self.library.lexicon.line(line_id, link.therapist_locale, **values)
        return Letter(link.therapist_external_id, Outgoing(text))

    # --- weekly summaries -------------------------------------------------------------
    async def summary_letters(self, item: Item) -> list[Letter]:
        """This week's summary for each therapist: a preview to the person, or (sent
        automatically) to the therapist. Idempotent: a summary is made once per week."""
        end = from_stamp(item.due_at)
        start = end - WEEK
        rows = await answers.between(self.conn, self.person.id, stamp(start), stamp(end))
        zone = ZoneInfo(self.person.timezone or "UTC")
        letters: list[Letter] = []
        for link in await sharing.links_of_person(self.conn, self.person.id):
            text = week_summary(rows, link.scopes, self.library, self.person.locale, zone,
                                start, end)
            if text is None:
                continue  # nothing of the week falls under what they share: say nothing
            summary = await sharing.add_summary(self.conn, link.id, self.person.id, stamp(start),
                                                stamp(end), text,
                                                "approved" if link.auto_send else "preview",
                                                self.now)
            if summary.status == "preview":
                letters += self.preview_letters(link, summary)
            elif summary.status == "approved":
                letters += self.summary_for_therapist(link, summary)
        return letters

    def preview_letters(self, link: Link, summary: Summary) -> list[Letter]:
        intro = self.line("summary_preview", therapist=link.therapist_label)
        parts = split_text(f"{intro}\n\n{summary.text}")
        buttons = (OutButton(self.line("summary_send", therapist=link.therapist_label),
                             summary_data(summary.id, "send")),
                   OutButton(self.line("summary_skip"), summary_data(summary.id, "skip")))
        to = self.person.external_id
        return [*(Letter(to, Outgoing(p)) for p in parts[:-1]),
                Letter(to, Outgoing(parts[-1], buttons, "choice", lasting=True))]

    def summary_for_therapist(self, link: Link, summary: Summary) -> list[Letter]:
        """The summary as the person saw it; marked sent once its last part is out."""
        intro = self.library.lexicon.line("summary_for_therapist", link.therapist_locale,
                                          person=link.person_label)
        parts = split_text(f"{intro}\n\n{summary.text}")
        to = link.therapist_external_id
        return [*(Letter(to, Outgoing(p)) for p in parts[:-1]),
                Letter(to, Outgoing(parts[-1]), summary_id=summary.id)]

    async def press_summary(self, choice: SummaryChoice) -> Reply:
        summary = await sharing.get_summary(self.conn, choice.summary_id)
        if summary is None or summary.person_id != self.person.id or summary.status != "preview":
            self.reply.notice = self.line("stale_notice")  # not theirs, or decided already
            return self.reply
        link = await sharing.get_link(self.conn, summary.link_id)
        if link is None or link.status != "active":
            self.reply.notice = self.line("stale_notice")
            return self.reply
        if choice.action == "skip":
            await sharing.set_summary_status(self.conn, summary.id, "declined")
            self.reply.chosen = self.line("summary_skip")
            return self.say("summary_not_sent")
        await sharing.set_summary_status(self.conn, summary.id, "approved")
        self.reply.chosen = self.line("summary_send", therapist=link.therapist_label)
        self.reply.others += self.summary_for_therapist(link, summary)
        return self.say("summary_sent", therapist=link.therapist_label)

    # --- the therapist ------------------------------------------------------------------
    async def show_patients(self) -> Reply:
        links = await sharing.links_of_therapist(self.conn, self.person.id)
        if not links:
            return self.say("patients_none")
        lines = [self.line("patients_intro")]
        for number, link in enumerate(links, 1):
            last = await sharing.last_sent(self.conn, link.id)
            lines.append(self.line(
                "patients_line", number=number, person=link.person_label,
                scopes=self.scopes_text(link.scopes, self.person.locale),
                last=last[:10] if last else self.line("patients_nothing_yet")))
        lines.append(self.line("patients_hint"))
        self.reply.messages.append(Outgoing("\n".join(lines)))
        return self.reply

    async def show_summaries(self, args: str) -> Reply:
        words = args.split()
        if not words:
            return self.say("summary_usage")
        weeks = 1
        if len(words) > 1 and words[-1].isdigit():
            weeks = max(1, min(MAX_WEEKS, int(words.pop())))
        wanted = " ".join(words).casefold()
        links = await sharing.links_of_therapist(self.conn, self.person.id)
        if wanted.isdigit() and 1 <= int(wanted) <= len(links):
            found = [links[int(wanted) - 1]]
        else:
            found = ([k for k in links if k.person_label.casefold() == wanted]
                     or [k for k in links if wanted in k.person_label.casefold()])
        if not found:
            return self.say("summary_nothing")  # never linked and no longer linked look alike
        if len(found) > 1:
            return self.say("summary_which")
        link = found[0]
        since = stamp(self.moment - WEEK * weeks)
        sent = await sharing.sent_since(self.conn, link.id, since)
        if not sent:
            return self.say("summary_none_yet", person=link.person_label, weeks=weeks)
        for summary in sent:
            intro = self.line("summary_for_therapist", person=link.person_label)
            self.reply.messages += [Outgoing(p) for p in split_text(f"{intro}\n\n{summary.text}")]
        return self.reply

    async def shares_with_me(self) -> bool:
        return bool(await sharing.links_of_therapist(self.conn, self.person.id))
