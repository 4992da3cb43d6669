"""The checks authors rely on: each planted error is reported at its exact line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.dialog_files import DialogsInvalid, load_checked, shipped_folder
from bot.flows.checks import check_folder
from tests.conftest import REPO

BROKEN = REPO / "tests" / "fixtures" / "broken_dialogs"
MARK = re.compile(r"# expect: (.*?)(?=\s+# expect:|$)")


def expected_marks() -> list[tuple[str, int, str]]:
    marks = []
    for path in sorted([*BROKEN.glob("*.yaml"), *BROKEN.glob("lexicon/*.yaml")]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            marks += [(path.name, number, text.strip()) for text in MARK.findall(line)]
    return marks


@pytest.fixture(scope="module")
def broken_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dialogs")
    shutil.copytree(shipped_folder() / "lexicon", folder / "lexicon")
    for path in BROKEN.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    for path in BROKEN.glob("lexicon/*.yaml"):  # planted lexicon errors replace shipped files
        shutil.copy(path, folder / "lexicon" / path.name)
    return folder


@pytest.fixture(scope="module")
def reported(broken_folder) -> list[tuple[str, int, str]]:
    _library, problems = check_folder(broken_folder)
    return [(Path(p.file).name, p.line, p.message) for p in problems]


def test_the_shipped_dialogs_pass_every_check():
    _library, problems = check_folder(shipped_folder())
    assert problems == []


@pytest.mark.parametrize(("file", "line", "text"), expected_marks(),
                         ids=[f"{f}:{n}" for f, n, _ in expected_marks()])
def test_each_planted_error_is_reported_on_its_line(reported, file, line, text):
    at_line = [message for f, n, message in reported if (f, n) == (file, line)]
    assert any(text in message for message in at_line), f"{file}:{line} had {at_line}"


def test_nothing_is_reported_that_was_not_planted(reported):
    marked = {(f, n) for f, n, _ in expected_marks()}
    unexpected = [(f, n, m) for f, n, m in reported if (f, n) not in marked]
    assert unexpected == []


def test_every_broken_file_is_reported(reported):
    assert {f for f, _, _ in reported} == {p.name for p in BROKEN.glob("**/*.yaml")}


def test_hints_point_to_the_likely_fix(broken_folder):
    _library, problems = check_folder(broken_folder)
    hints = {p.message: p.hint for p in problems}
    assert hints["unknown key `nxt`"] == "did you mean `next`?"
    assert hints["unknown node kind `choise`"] == "did you mean `choice`?"
    assert hints["`reflct` is not a node of this dialog"] == "did you mean `reflect`?"
    assert hints["unknown name `what_maters`"] == "did you mean `what_matters`?"


def test_a_problem_reads_as_file_line_column(broken_folder):
    _library, problems = check_folder(broken_folder)
    first = str(problems[0])
    assert re.match(r"^.+\.yaml:\d+:\d+: .+", first)


def test_a_deliberate_phrase_can_be_allowed_on_its_node(reported):
    assert not any(f == "wording.yaml" and "make sure" in m for f, _, m in reported)


def test_the_app_refuses_a_folder_that_fails_the_checks(broken_folder):
    with pytest.raises(DialogsInvalid) as refused:
        load_checked(broken_folder)
    assert len(refused.value.problems) == len(check_folder(broken_folder)[1])


def test_an_unknown_line_name_in_the_lexicon_is_reported(tmp_path):
    shutil.copytree(shipped_folder(), tmp_path / "d", ignore=shutil.ignore_patterns("__*"))
    lines = tmp_path / "d" / "lexicon" / "lines.yaml"
    text = lines.read_text(encoding="utf-8").replace("up to {max} fit", "up to {maximum} fit")
    lines.write_text(text, encoding="utf-8")
    _library, problems = check_folder(tmp_path / "d")
    unknown = [p for p in problems if p.message == "unknown name `{maximum}` in this line"]
    assert len(unknown) == 1
    assert "{maximum}" in text.splitlines()[unknown[0].line - 1]
    assert unknown[0].hint == "this line can show: length, max"


def test_the_safety_net_is_reviewed_like_the_flows(tmp_path):
    from datetime import date

    folder = tmp_path / "d"
    shutil.copytree(shipped_folder(), folder, ignore=shutil.ignore_patterns("__*"))
    safety_file = folder / "lexicon" / "safety.yaml"
    text = safety_file.read_text(encoding="utf-8").replace("    - wanna die\n", "    - give up\n")
    safety_file.write_text(text, encoding="utf-8")
    _library, problems = check_folder(folder, today=date(2026, 12, 1))
    assert [p.message for p in problems] == ["“give up” is too broad for crisis wording"]
    assert "give up" in text.splitlines()[problems[0].line - 1]
    _library, later = check_folder(folder, today=date(2027, 12, 1))
    stale = [p for p in later if "over a year ago" in p.message]
    assert len(stale) == 10  # every resource, in both languages
