"""The checks dialog authors rely on: everything `alongside dialogs check` reports.

Each finding is a `Problem` with `file:line:col`, a message and, where it helps, a hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.flows.buttons import CALLBACK_LIMIT, longest_callback
from bot.flows.lexicon import MENU_COMMANDS, THERAPIST_COMMANDS, Lexicon
from bot.flows.loader import Library, Problem, Source, closest, load_library
from bot.flows.schema import (
    QUESTION_KINDS,
    BranchNode,
    ChoiceNode,
    Condition,
    Dialog,
    EndNode,
    FreeTextNode,
    Node,
    ScaleNode,
    TimeNode,
    TimezoneNode,
    successors,
)
from bot.flows.templates import TemplateError, literal_length, placeholders

MESSAGE_LIMIT = 4096
# Room for a re-ask line put before a question ("That's longer than…") and a scale's labels.
PROMPT_OVERHEAD = 400
LAST = "last."
Locator = Callable[..., Problem]  # (*loc, message=, hint=) -> Problem

# The companion's own lines the code uses, with the names each may show.
REQUIRED_LINES: dict[str, set[str]] = {
    "flow_changed": set(), "skipped": set(), "needed_to_go_on": set(), "unreadable": set(),
    "stale_button": set(), "empty_text": set(), "too_long": {"length", "max"},
    "pick_an_option": set(), "scale_range": {"min", "max"}, "time_unclear": set(),
    "timezone_unclear": set(), "skip_button": set(), "help": set(), "welcome_back": {"name"},
    "nothing_to_skip": set(), "cancelled": set(), "nothing_running": set(),
    "not_onboarded": set(), "unknown_command": set(), "paused_flow": set(),
    "stale_notice": set(), "skip_hint": set(), "private_only": set(),
    "something_went_wrong": set(), "flow_weekly": set(), "flow_review": set(),
    "invite_weekly": set(), "invite_review": set(), "invite_start": set(), "invite_hour": set(),
    "invite_evening": set(), "invite_skip": set(), "invite_later_ok": {"time"},
    "invite_skipped": set(), "slot_line": {"flow", "day", "time"},
    **{f"day_{n}": set() for n in range(7)}, "schedule_summary": {"zone"},
    "schedule_none": set(), "schedule_paused": {"until"}, "schedule_paused_open": set(),
    "schedule_remove": {"day", "time"}, "schedule_add": set(), "schedule_timezone": set(),
    "slot_removed": set(), "needs_timezone": set(), "resumed": set(), "not_paused": set(),
    "safety_reply": set(), "safety_after": set(), "safety_choose": set(), "safety_go_on": set(),
    "safety_stop": set(), "safety_stopped": set(), "sos_intro": set(), "disclosure": set(),
    "export_ready": set(), "export_title": set(), "export_profile": set(),
    "export_answers": set(), "export_schedules": set(), "export_checkins": set(),
    "export_sharing": set(),
    "delete_confirm": set(), "delete_yes": set(), "delete_no": set(), "delete_kept": set(),
    "deleted": {"answers", "sessions", "schedules", "checkins", "links", "summaries"},
    "missed_while_offline": set(), "flow_summary": set(),
    # sharing with a therapist
    "share_code": {"link"}, "share_stays_with_them": set(), "share_choose": {"therapist"},
    "sharing_change": {"therapist"}, "share_stays": {"therapist"}, "share_confirm": set(),
    "share_decline": set(), "share_pick_one": set(),
    "share_confirmed": {"therapist", "scopes", "day", "time"}, "share_declined": {"therapist"},
    "sharing_none": set(), "sharing_card": {"therapist", "scopes", "how"},
    "sharing_preview": set(), "sharing_auto": set(), "sharing_edit": set(),
    "sharing_to_auto": set(), "sharing_to_preview": set(), "sharing_stop": set(),
    "sharing_save": set(), "sharing_keep": set(), "sharing_saved": {"therapist", "scopes"},
    "sharing_stop_confirm": {"therapist"}, "sharing_stop_yes": set(),
    "sharing_stopped": {"therapist"}, "sharing_when": {"day", "time"},
    "sharing_when_unset": set(), "sharing_change_when": set(), "someone": set(),
    "share_opened": set(), "share_already_linked": set(), "share_code_invalid": set(),
    "share_code_wait": set(), "share_not_allowed": set(), "share_own_code": set(),
    "share_not_set_up": set(), "share_started": {"person", "scopes"}, "therapist_help": set(),
    "patients_none": set(), "patients_intro": set(),
    "patients_line": {"number", "person", "scopes", "last"}, "patients_nothing_yet": set(),
    "patients_hint": set(), "summary_usage": set(), "summary_nothing": set(),
    "summary_which": set(), "summary_none_yet": {"person", "weeks"},
    "summary_preview": {"therapist"}, "summary_send": {"therapist"}, "summary_skip": set(),
    "summary_sent": {"therapist"}, "summary_not_sent": set(),
    "summary_for_therapist": {"person"}, "summary_week": {"start", "end"},
    "summary_session": {"date", "flow"}, "summary_choice": {"label", "answer"},
    "summary_words": {"label", "answer"},
    **{f"command_{name}": set() for name in (*MENU_COMMANDS, *THERAPIST_COMMANDS)},
}


@dataclass(frozen=True)
class TextSite:
    """One piece of text a person reads, and where it sits in its file."""

    loc: tuple[str | int, ...]
    text: dict[str, list[str]]
    allowed: tuple[str, ...] = ()
    node_id: str | None = None
    guards: tuple[str, ...] = ()  # a summary line shows only when these names are set


# Words too broad to mean a crisis on their own: they would flood people with false alarms.
TOO_BROAD = {"die", "dead", "death", "give up", "giving up", "tired", "hurt", "pain", "kill",
             "sad", "hopeless", "sterben", "tot", "tod", "aufgeben", "müde", "schmerz", "traurig"}
REVIEW_EVERY = timedelta(days=365)


def check_folder(folder: Path, today: date | None = None) -> tuple[Library, list[Problem]]:
    library, problems = load_library(folder)
    problems += check_library(library, today or date.today())
    return library, sorted(set(problems))


def check_library(library: Library, today: date) -> list[Problem]:
    problems: list[Problem] = []
    locales = sorted({loc for d in library.dialogs.values() for loc in d.locales})
    problems += _check_lexicon(library, locales)
    problems += _check_safety(library, locales, today)
    problems += _check_sharing(library, locales)
    earlier = {name for d in library.dialogs.values() for name in d.kept_names()}
    for dialog_id, dialog in library.dialogs.items():
        source = library.sources[dialog_id]
        problems += DialogChecks(dialog, source, library, earlier, locales).run()
    return problems


def _check_lexicon(library: Library, locales: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    sources = [s for k, s in library.sources.items() if k.startswith("lexicon:")]
    lexicon = library.lexicon

    def where(*loc: str | int, message: str, hint: str = "") -> Problem:
        for source in sources:
            node = source.tree
            if all(isinstance(node, dict) and (node := node.get(p)) is not None for p in loc[:2]):
                return source.at(*loc, message=message, hint=hint)
        folder = library.folder / "lexicon"
        return Problem(str(sources[0].path if sources else folder), 1, 1, message, hint)

    for line_id, names in REQUIRED_LINES.items():
        if line_id not in lexicon.lines:
            problems.append(where("lines", message=f"the companion's line `{line_id}` is missing",
                                  hint=closest(line_id, lexicon.lines)))
            continue
        problems += _check_text(TextSite(("lines", line_id), lexicon.lines[line_id]), locales,
                                lexicon, where, allowed_names=names)
    for line_id, text in lexicon.lines.items():
        if line_id not in REQUIRED_LINES and not line_id.startswith("unreadable_"):
            problems.append(where("lines", line_id, message=f"line `{line_id}` is not used",
                                  hint=closest(line_id, REQUIRED_LINES)))
        elif line_id.startswith("unreadable_"):
            problems += _check_text(TextSite(("lines", line_id), text), locales, lexicon, where,
                                    allowed_names=set())
    for locale in locales:
        if not lexicon.prescriptive.get(locale):
            problems.append(where("prescriptive", message=f"no prescriptive phrases for locale "
                                  f"`{locale}`", hint="list the phrases that tell a person what "
                                  "to do, so the checks can catch them"))
    return problems


def _lexicon_section(library: Library, section: str) -> Locator:
    """Places in the lexicon file that holds this section (or the folder, if none does)."""
    source = next((s for k, s in library.sources.items() if k.startswith("lexicon:")
                   and isinstance(s.tree, dict) and section in s.tree), None)

    def at(*loc: str | int, message: str, hint: str = "") -> Problem:
        if source is None:
            return Problem(str(library.folder / "lexicon"), 1, 1, message, hint)
        return source.at(*loc, message=message, hint=hint)

    return at


def _check_safety(library: Library, locales: list[str], today: date) -> list[Problem]:
    """Phrases for every language, none too broad, resources reviewed within a year."""
    lexicon = library.lexicon
    at = _lexicon_section(library, "crisis")
    problems: list[Problem] = []
    for section in ("crisis", "human_questions", "resources"):
        for locale in locales:
            if not getattr(lexicon, section).get(locale):
                problems.append(at(section, message=f"no `{section}` for locale `{locale}`",
                                   hint="the safety net speaks every language a person can choose"))
    for locale, phrases in lexicon.crisis.items():
        for index, phrase in enumerate(phrases):
            if phrase.strip().lower() in TOO_BROAD:
                problems.append(at("crisis", locale, index, message=f"“{phrase}” is too broad "
                                   "for crisis wording", hint="use a specific phrase, e.g. "
                                   "“want to die”: broad words flood people with false alarms"))
    for locale, entries in lexicon.resources.items():
        for index, entry in enumerate(entries):
            if today - entry.reviewed > REVIEW_EVERY:
                problems.append(at("resources", locale, index, message=f"“{entry.name}” was last "
                                   f"reviewed on {entry.reviewed}, over a year ago",
                                   hint="check the number with a clinician and update `reviewed`"))
    return problems


def _check_sharing(library: Library, locales: list[str]) -> list[Problem]:
    """Every shared name is one a flow keeps, under one scope only, in every language."""
    lexicon = library.lexicon
    at = _lexicon_section(library, "sharing")
    if not lexicon.sharing:
        return [at("sharing", message="no `sharing` scopes",
                   hint="list what a person can choose to share (lexicon/sharing.yaml)")]
    kept = {name for d in library.dialogs.values() for name in d.kept_names()}
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for scope_id, scope in lexicon.sharing.items():
        problems += _check_text(TextSite(("sharing", scope_id, "title"), scope.title), locales,
                                lexicon, at, allowed_names=set())
        for name, label in scope.answers.items():
            loc = ("sharing", scope_id, "answers", name)
            if name not in kept:
                problems.append(at(*loc, message=f"no flow keeps an answer named `{name}`",
                                   hint=closest(name, kept)))
            if name in seen:
                problems.append(at(*loc, message=f"`{name}` is already shared under "
                                   f"`{seen[name]}`", hint="an answer belongs to one scope"))
            seen.setdefault(name, scope_id)
            problems += _check_text(TextSite(loc, label), locales, lexicon, at, allowed_names=set())
    return problems


def _check_text(site: TextSite, locales: list[str], lexicon: Lexicon, where: Locator,
                allowed_names: set[str] | None = None) -> list[Problem]:
    """Locales, template syntax, placeholders agreeing across locales, prescriptive wording."""
    at = where
    problems: list[Problem] = []
    for locale in locales:
        if locale not in site.text:
            problems.append(at(*site.loc, message=f"missing locale `{locale}`",
                               hint=f"add a `{locale}:` wording beside the others"))
    for locale in site.text:
        if locale not in locales:
            problems.append(at(*site.loc, locale, message=f"locale `{locale}` is not declared",
                               hint=closest(locale, locales) or "add it to `locales`"))
    reference: set[str] | None = None
    for locale, wordings in site.text.items():
        for index, wording in enumerate(wordings):
            loc = (*site.loc, locale, index) if len(wordings) > 1 else (*site.loc, locale)
            try:
                names = set(placeholders(wording))
            except TemplateError as exc:
                problems.append(at(*loc, message=f"template: {exc}"))
                continue
            if allowed_names is not None and names - allowed_names:
                extra = sorted(names - allowed_names)
                can_show = ", ".join(sorted(allowed_names)) or "no names"
                problems.append(at(*loc, message=f"unknown name `{{{extra[0]}}}` in this line",
                                   hint=f"this line can show: {can_show}"))
            if reference is None:
                reference = names
            elif names != reference:
                problems.append(at(*loc, message="placeholders differ between wordings or "
                                   f"locales: {sorted(names)} here, {sorted(reference)} in the first",
                                   hint="every wording shows the same answers"))
            problems += _prescriptive(wording, locale, lexicon, site.allowed, loc, at)
    return problems


def _prescriptive(wording: str, locale: str, lexicon: Lexicon, allowed: tuple[str, ...],
                  loc: tuple[str | int, ...], at: Locator) -> list[Problem]:
    normalised = wording.replace("’", "'").lower()
    found = []
    for phrase in lexicon.prescriptive.get(locale, []):
        if phrase.lower() in (a.lower() for a in allowed):
            continue
        if re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", normalised):
            found.append(phrase)
    return [at(*loc, message=f"prescriptive wording: “{phrase}”",
               hint="ask instead of telling (see DIALOG_STYLE.md); if this is deliberate, "
                    f"add `allow_phrases: [\"{phrase}\"]` to the node") for phrase in found]


class DialogChecks:
    def __init__(self, dialog: Dialog, source: Source, library: Library, earlier: set[str],
                 locales: list[str]) -> None:
        self.dialog = dialog
        self.source = source
        self.library = library
        self.earlier = earlier
        self.locales = locales
        self.problems: list[Problem] = []

    def at(self, *loc: str | int, message: str, hint: str = "") -> Problem:
        return self.source.at(*loc, message=message, hint=hint)

    def add(self, *loc: str | int, message: str, hint: str = "") -> None:
        self.problems.append(self.at(*loc, message=message, hint=hint))

    def run(self) -> list[Problem]:
        self.declared_locales()
        self.texts()
        if not self.references_ok() or not self.dialog.complete:
            # The graph checks would only repeat a missing reference or a broken node.
            return self.problems
        self.graph()
        self.names()
        self.buttons()
        self.lengths()
        return self.problems

    # -- structure --
    def references_ok(self) -> bool:
        ids = list(self.dialog.nodes)
        ok = True
        if self.dialog.start not in self.dialog.nodes and self.dialog.start not in self.dialog.broken_nodes:
            self.add("start", message=f"start node `{self.dialog.start}` does not exist",
                     hint=closest(self.dialog.start, ids))
            ok = False
        for node_id, node in self.dialog.nodes.items():
            for loc, target in self._edges(node_id, node):
                if target not in self.dialog.nodes and target not in self.dialog.broken_nodes:
                    self.add(*loc, message=f"`{target}` is not a node of this dialog",
                             hint=closest(target, ids))
                    ok = False
        return ok

    def _edges(self, node_id: str, node: Node) -> Iterator[tuple[tuple[str | int, ...], str]]:
        if isinstance(node, BranchNode):
            for i, case in enumerate(node.cases):
                yield ("nodes", node_id, "cases", i, "next"), case.next
            yield ("nodes", node_id, "else"), node.else_
        elif not isinstance(node, EndNode):
            yield ("nodes", node_id, "next"), node.next

    def graph(self) -> None:
        nodes = self.dialog.nodes
        reachable = _closure([self.dialog.start], lambda n: successors(nodes[n]))
        for node_id in nodes:
            if node_id not in reachable:
                self.add("nodes", node_id, message=f"node `{node_id}` cannot be reached from "
                         f"`{self.dialog.start}`", hint="point a `next` at it, or remove it")
        predecessors: dict[str, list[str]] = {n: [] for n in nodes}
        for node_id, node in nodes.items():
            for target in successors(node):
                predecessors[target].append(node_id)
        ends = [n for n, node in nodes.items() if isinstance(node, EndNode)]
        finishing = _closure(ends, lambda n: predecessors[n])
        for node_id in nodes:
            if node_id in reachable and node_id not in finishing:
                self.add("nodes", node_id, message=f"no path from `{node_id}` reaches an end",
                         hint="every conversation needs a way to finish: add a path to an "
                              "`end` node")
        # A loop of messages and branches would talk forever without waiting for the person.
        silent = {n for n, node in nodes.items() if not isinstance(node, QUESTION_KINDS)}
        for node_id in sorted(silent):
            if node_id in _closure([t for t in successors(nodes[node_id]) if t in silent],
                                   lambda n: [t for t in successors(nodes[n]) if t in silent]):
                self.add("nodes", node_id, message=f"`{node_id}` is in a loop with no question",
                         hint="a loop needs a question in it, or the companion talks forever")

    def declared_locales(self) -> None:
        missing = [loc for loc in self.locales if loc not in self.dialog.locales]
        if missing:
            self.add("locales", message=f"missing locale `{missing[0]}` (other dialogs have it)",
                     hint="every flow speaks every language a person can choose")

    # -- text --
    def sites(self) -> Iterator[TextSite]:
        yield TextSite(("title",), {k: [v] for k, v in self.dialog.title.items()})
        for node_id, node in self.dialog.nodes.items():
            if isinstance(node, BranchNode):
                continue
            allowed = tuple(node.allow_phrases)
            yield TextSite(("nodes", node_id, "text"), node.text, allowed, node_id)
            if isinstance(node, EndNode):
                for i, line in enumerate(node.summary):
                    yield TextSite(("nodes", node_id, "summary", i, "text"), line.text,
                                   allowed + tuple(line.allow_phrases), node_id, tuple(line.needs))
            if isinstance(node, ChoiceNode):
                for i, option in enumerate(node.options):
                    yield TextSite(("nodes", node_id, "options", i, "label"),
                                   {k: [v] for k, v in option.label.items()}, allowed)
            if isinstance(node, ScaleNode):
                for label in ("min_label", "max_label"):
                    yield TextSite(("nodes", node_id, label),
                                   {k: [v] for k, v in getattr(node, label).items()}, allowed)

    def texts(self) -> None:
        for site in self.sites():
            self.problems += _check_text(site, self.dialog.locales, self.library.lexicon, self.at)
        for node_id, node in self.dialog.nodes.items():
            if isinstance(node, ChoiceNode) and node.sets_locale:
                for i, option in enumerate(node.options):
                    if option.key not in self.dialog.locales:
                        self.add("nodes", node_id, "options", i, "key",
                                 message=f"`{option.key}` is not a locale of this dialog",
                                 hint=closest(option.key, self.dialog.locales))

    def names(self) -> None:
        """Every name a template shows is known, and set on every path that reaches it."""
        kept = self.dialog.kept_names()
        known_now = set(kept)
        is_set = self._definitely_set()
        for site in self.sites():
            if site.node_id is None or site.node_id not in is_set:
                continue
            available = is_set[site.node_id] | set(site.guards)
            for locale, wordings in site.text.items():
                for index, wording in enumerate(wordings):
                    loc = (*site.loc, locale, index) if len(wordings) > 1 else (*site.loc, locale)
                    try:
                        names = placeholders(wording)
                    except TemplateError:
                        continue  # reported with the text
                    for name in names:
                        self._check_name(name, loc, known_now, available)
        for node_id, node in self.dialog.nodes.items():
            if isinstance(node, BranchNode):
                for i, case in enumerate(node.cases):
                    self._check_condition(case.when, ("nodes", node_id, "cases", i, "when"), kept)
            if isinstance(node, EndNode):
                for i, line in enumerate(node.summary):
                    for name in line.needs:
                        self._check_name(name, ("nodes", node_id, "summary", i, "show_if"),
                                         known_now, None)

    def _check_name(self, name: str, loc: tuple[str | int, ...], known_now: set[str],
                    available: set[str] | None) -> None:
        if name.startswith(LAST):
            bare = name[len(LAST):]
            if bare not in self.earlier:
                self.add(*loc, message=f"unknown name `{name}`: no flow keeps `{bare}`",
                         hint=closest(bare, self.earlier))
                return
        elif name not in known_now:
            self.add(*loc, message=f"unknown name `{name}`",
                     hint=closest(name, known_now) or "a name is the id (or `keep`) of a question "
                     "in this flow, or `last.NAME` for an earlier answer")
            return
        if available is not None and name not in available:
            self.add(*loc, message=f"`{name}` may be unset here (it can be skipped, or comes "
                     "later on some path)",
                     hint=f"branch on it first (`when: {{name: {name}, answered: true}}`), or "
                     "show it in an end's `summary` line with `show_if`")

    def _check_condition(self, when: Condition, loc: tuple[str | int, ...],
                         kept: dict[str, object]) -> None:
        name = when.name
        self._check_name(name, (*loc, "name"), set(kept), None)
        asked = kept.get(name[len(LAST):] if name.startswith(LAST) else name)
        values = [when.equals] if when.equals is not None else (when.one_of or [])
        if isinstance(asked, ChoiceNode):
            keys = [o.key for o in asked.options]
            for value in values:
                if str(value) not in keys:
                    self.add(*loc, message=f"`{value}` is not an option of `{name}`",
                             hint=closest(value, keys) or f"options: {', '.join(keys)}")

    def _definitely_set(self) -> dict[str, set[str]]:
        """For each node, the names set on every path from the start to it (a must-analysis)."""
        nodes = self.dialog.nodes
        everything = set(self.dialog.kept_names()) | {LAST + n for n in self.earlier}
        state: dict[str, set[str]] = {n: set(everything) for n in nodes}
        state[self.dialog.start] = set()
        changed = True
        while changed:
            changed = False
            incoming: dict[str, list[set[str]]] = {n: [] for n in nodes}
            reachable = _closure([self.dialog.start], lambda n: successors(nodes[n]))
            for node_id in reachable:
                for target, out in self._transfer(node_id, state[node_id]):
                    incoming[target].append(out)
            for node_id in reachable:
                if node_id == self.dialog.start:
                    new = set.intersection(set(), *incoming[node_id]) if incoming[node_id] else set()
                else:
                    new = set.intersection(*incoming[node_id]) if incoming[node_id] else set()
                if new != state[node_id]:
                    state[node_id] = new
                    changed = True
        return state

    def _transfer(self, node_id: str, before: set[str]) -> Iterator[tuple[str, set[str]]]:
        node = self.dialog.nodes[node_id]
        if isinstance(node, BranchNode):
            for case in node.cases:
                guarded = case.when.answered is not False
                yield case.next, before | {case.when.name} if guarded else before
            yield node.else_, before
        elif isinstance(node, QUESTION_KINDS):
            key = node.keep or node_id
            yield node.next, before if node.skippable else before | {key}
        elif not isinstance(node, EndNode):
            yield node.next, before

    # -- Telegram's limits --
    def buttons(self) -> None:
        for node_id, node in self.dialog.nodes.items():
            keys: list[tuple[tuple[str | int, ...], str]] = []
            if isinstance(node, ChoiceNode):
                keys = [(("nodes", node_id, "options", i, "key"), o.key)
                        for i, o in enumerate(node.options)]
            elif isinstance(node, ScaleNode):
                keys = [(("nodes", node_id, "max"), str(node.max))]
            elif isinstance(node, TimeNode):
                keys = [(("nodes", node_id, "suggestions", i), t)
                        for i, t in enumerate(node.suggestions)]
            for loc, key in keys:
                size = longest_callback(node_id, key)
                if size > CALLBACK_LIMIT:
                    self.add(*loc, message=f"a button here carries {size} bytes of callback data; "
                             f"Telegram allows {CALLBACK_LIMIT}",
                             hint="shorten the node id or the option key")

    def lengths(self) -> None:
        for site in self.sites():
            if site.node_id is None or site.loc[-1] != "text":
                continue
            node = self.dialog.nodes[site.node_id]
            for locale, wordings in site.text.items():
                for index, wording in enumerate(wordings):
                    try:
                        names = placeholders(wording)
                    except TemplateError:
                        continue
                    longest = literal_length(wording) + sum(self._longest(n) for n in names)
                    if isinstance(node, EndNode) and site.loc[-2:] == (site.node_id, "text"):
                        longest += sum(self._summary_length(line.text, locale)
                                       for line in node.summary)
                    if isinstance(node, QUESTION_KINDS):
                        longest += PROMPT_OVERHEAD
                    if longest > MESSAGE_LIMIT:
                        loc = (*site.loc, locale, index) if len(wordings) > 1 else (*site.loc, locale)
                        self.add(*loc, message=f"this message could reach {longest} characters; "
                                 f"Telegram allows {MESSAGE_LIMIT}",
                                 hint="shorten the text or lower the `max_length` of the answers "
                                      "it shows")

    def _summary_length(self, text: dict[str, list[str]], locale: str) -> int:
        best = 0
        for wording in text.get(locale, []):
            try:
                best = max(best, literal_length(wording) + 1 +
                           sum(self._longest(n) for n in placeholders(wording)))
            except TemplateError:
                continue
        return best

    def _longest(self, name: str) -> int:
        bare = name[len(LAST):] if name.startswith(LAST) else name
        dialogs = self.library.dialogs.values() if name.startswith(LAST) else [self.dialog]
        sizes = [_answer_length(q) for d in dialogs for n, q in d.kept_names().items() if n == bare]
        return max(sizes, default=0)


def _answer_length(question: object) -> int:
    if isinstance(question, FreeTextNode):
        return question.max_length
    if isinstance(question, ChoiceNode):
        return max(len(v) for o in question.options for v in o.label.values())
    if isinstance(question, ScaleNode):
        return len(str(question.max))
    if isinstance(question, TimezoneNode):
        return 32
    return 5  # a time, "21:30"


def _closure(start: list[str], step: Callable[[str], list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(step(node))
    return seen
